"""The CIS 4.12 check against a simulated AWS account, next to Prowler's built-in check.

    python -m demo                 # scan the demo account, outputs in ./output
    python -m demo serve           # serve the demo account until Ctrl-C; run any prowler yourself

Everything runs on 127.0.0.1: a patched moto server (``testkit.moto_server``) in its own
process, seeded by ``testkit.account``, scanned by the real ``prowler`` CLI.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shlex
import signal
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from prowler_ext.cis_monitoring import SECTION
from testkit.account import DEMO_STORY, AwsAccount, seed_demo_account
from testkit.moto_server import running_moto_server
from testkit.organization import organize_demo_account
from testkit.prowler_cli import (
    BUILTIN_CHECK,
    OUR_CHECK,
    ProwlerRun,
    prowler_executable,
    run_prowler,
)
from testkit.section_account import SECTION_CASES, seed_section_account

REGIONS = ("us-east-1", "eu-west-1")
OUTPUT_FORMATS = ("csv", "json-ocsf", "json-asff", "html")
OUTPUT_NAME = "cis412-demo"
ORGANIZATION_CONFIG = Path(__file__).resolve().parent / "organization.yaml"

_EXPORTED = (
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EC2_METADATA_DISABLED",
    "NO_PROXY",
    "no_proxy",
)


def scan_args(output_formats: tuple[str, ...] = OUTPUT_FORMATS) -> list[str]:
    return [
        "aws",
        "--checks",
        OUR_CHECK,
        BUILTIN_CHECK,
        "-f",
        *REGIONS,
        "-M",
        *output_formats,
        "--no-banner",
        "-z",  # a FAIL finding is the expected result here, not an error of the demo
    ]


def print_findings(run: ProwlerRun) -> None:
    findings = run.findings
    print(f"\nFindings ({run.output_file('.ocsf.json')}):")
    order = {OUR_CHECK: 0, BUILTIN_CHECK: 1}
    for finding in sorted(findings, key=lambda f: order.get(f["metadata"]["event_code"], 2)):
        check_id = finding["metadata"]["event_code"]
        who = "this plug-in" if check_id == OUR_CHECK else "Prowler built-in"
        resources = finding.get("resources") or [{}]
        print(f"\n  {finding['status_code']:<6} {check_id}  ({who})")
        text = finding.get("status_detail") or finding.get("message") or ""
        for line in textwrap.wrap(text, width=92, break_on_hyphens=False):
            print(f"         {line}")
        print(f"         resource: {resources[0].get('uid', '?')}")
        details = (resources[0].get("data") or {}).get("details")
        if details:
            for line in textwrap.wrap(f"details: {details}", width=92, break_on_hyphens=False):
                print(f"         {line}")
    missing = [c for c in (OUR_CHECK, BUILTIN_CHECK) if not run.findings_of(c)]
    if missing:
        print(f"\n  (no finding from {', '.join(missing)}: see the prowler log above)")


def print_outputs(output_dir: Path) -> None:
    print(f"\nFiles written in {output_dir}:")
    for path in sorted(p for p in output_dir.rglob("*") if p.is_file()):
        print(f"  {path.relative_to(output_dir)}  ({path.stat().st_size} bytes)")


def verdict(run: ProwlerRun) -> None:
    ours = run.findings_of(OUR_CHECK)
    builtin = run.findings_of(BUILTIN_CHECK)
    ours_status = ours[0]["status_code"] if ours else "none"
    builtin_status = builtin[0]["status_code"] if builtin else "none"
    print(
        f"\nCIS 4.12 on this account: this plug-in says {ours_status}, "
        f"Prowler's built-in check says {builtin_status}."
    )
    if ours_status != "FAIL":
        print("  (expected FAIL: CreateCustomerGateway and DeleteCustomerGateway reach nobody)")


def demo(output_dir: Path) -> int:
    print(DEMO_STORY)
    output_dir.mkdir(parents=True, exist_ok=True)
    with running_moto_server() as server:
        print(f"\nmoto server (patched) on {server.endpoint_url}; seeding the demo account...")
        seed_demo_account(server.endpoint_url)
        member = organize_demo_account(AwsAccount(server.endpoint_url))
        args = scan_args()
        print(f"\n$ prowler {' '.join(args)} -o {output_dir} -F {OUTPUT_NAME}\n", flush=True)
        run = run_prowler(
            args, server.env(), output_dir=output_dir, output_name=OUTPUT_NAME, echo=True
        )
        member_run = scan_member(server, member, output_dir)
        section_run = scan_section(server, output_dir)
    if run.crashed or not run.output_file(".ocsf.json").exists():
        print(
            f"\nprowler failed (exit {run.returncode}); is the plug-in installed? "
            f"`prowler aws --list-checks` must list {OUR_CHECK}.",
            file=sys.stderr,
        )
        return run.returncode or 1
    print_findings(run)
    verdict(run)
    print(MEMBER_STORY.format(member=member))
    print_findings(member_run)
    print_section(section_run)
    print_outputs(output_dir)
    if not run.findings_of(OUR_CHECK):
        print(f"\n{OUR_CHECK} produced no finding: it raised (see the log above).", file=sys.stderr)
        return 1
    return 0


FIXER_CONFIG = Path(__file__).resolve().parent / "fixer.yaml"
MEMBER_OUTPUT_NAME = f"{OUTPUT_NAME}-member"
MEMBER_STORY = """
The demo account is also the management account of an organization: its trail
management-events is the organization trail. Member account {member} has no trail, log group,
filter or alarm of its own; its events flow into the demo account's log group, so the check
decides the member through the demo account (role ProwlerScan there, named by
organization_trail_role_arn in demo/organization.yaml). The built-in check looks for the
chain in the member itself."""


def scan_member(server, member: str, output_dir: Path) -> ProwlerRun:
    """The member account, scanned with --role into it and the config naming the role to
    read the management account with."""
    args = scan_args(("json-ocsf",)) + [
        "--role",
        f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
        "--config-file",
        str(ORGANIZATION_CONFIG),
    ]
    print(f"\n$ prowler {' '.join(args)} -o {output_dir} -F {MEMBER_OUTPUT_NAME}\n", flush=True)
    return run_prowler(
        args, server.env(), output_dir=output_dir, output_name=MEMBER_OUTPUT_NAME, echo=True
    )


SECTION_ACCOUNT = "100000000031"
SECTION_OUTPUT_NAME = f"{OUTPUT_NAME}-section"
SECTION_STORY = """
The whole CIS monitoring section: account {account} has one trail and a chain for each of the
15 controls, built the way a team might have (testkit/section_account.py). Our 15 checks and
Prowler's 15 built-ins scanned it together ({output}):"""


def scan_section(server, output_dir: Path) -> ProwlerRun:
    role = f"arn:aws:iam::{SECTION_ACCOUNT}:role/ProwlerAudit"
    seed_section_account(AwsAccount.from_env(server.env(role)))
    checks = [c.check_id for c in SECTION] + [c.builtin_check for c in SECTION]
    args = ["aws", "--checks", *checks, "-f", "us-east-1", "-M", "json-ocsf", "--role", role]
    args += ["--no-banner", "-z"]
    print(f"\n$ prowler aws --checks <our 15> <the 15 built-ins> -f us-east-1 --role {role}")
    return run_prowler(args, server.env(), output_dir=output_dir, output_name=SECTION_OUTPUT_NAME)


def section_table(run: ProwlerRun) -> list[str]:
    """control | built-in | ours | why they differ, one row per control."""

    def status(check_id: str) -> str:
        found = sorted({f["status_code"] for f in run.findings_of(check_id)})
        return "/".join(found) or "none"

    rows = [("CIS", "control", "built-in", "ours", "what the account holds; why")]
    for case in SECTION_CASES:
        control = case.control
        ours, builtin = status(control.check_id), status(control.builtin_check)
        why = case.built + (f"; {case.why}" if case.why and ours != builtin else "")
        rows.append((control.requirements["3.0"], control.title, builtin, ours, why))
    lines = []
    for number, title, builtin, ours, why in rows:
        titles, whys = textwrap.wrap(title, width=28), textwrap.wrap(why, width=52)
        for n, (name, reason) in enumerate(itertools.zip_longest(titles, whys, fillvalue="")):
            first = (number, builtin, ours) if n == 0 else ("", "", "")
            lines.append(f"  {first[0]:<5} {name:<28} {first[1]:<8} {first[2]:<6} {reason}")
    return lines


def print_section(run: ProwlerRun) -> None:
    print(SECTION_STORY.format(account=SECTION_ACCOUNT, output=run.output_file(".ocsf.json")))
    if run.crashed:
        print(f"  prowler failed (exit {run.returncode}): {run.describe()[-2000:]}")
        return
    print("\n".join(section_table(run)))
    disagree = sum(
        1
        for case in SECTION_CASES
        if {f["status_code"] for f in run.findings_of(case.control.builtin_check)} != {case.status}
    )
    print(f"\n  The built-ins disagree with the meaning on {disagree} of 15 controls.")


def fixer_story() -> int:
    """Scan (FAIL), --fixer, scan again (PASS), --fixer again (nothing to do)."""
    base = ["aws", "--checks", OUR_CHECK, "-f", *REGIONS, "--no-banner", "-z"]
    fix = [*base, "--fixer", "--fixer-config", str(FIXER_CONFIG)]
    steps = [("scan", base), ("fix", fix), ("scan again", base), ("fix again", fix)]
    statuses = []
    with running_moto_server() as server:
        print(f"\nmoto server (patched) on {server.endpoint_url}; seeding the demo account...")
        seed_demo_account(server.endpoint_url)
        for title, args in steps:
            print(f"\n=== {title}: prowler {' '.join(args)}\n", flush=True)
            with tempfile.TemporaryDirectory(prefix="demo-fixer-") as out:
                run = run_prowler(
                    args + ["-M", "json-ocsf"], server.env(), output_dir=out, echo=True
                )
                if run.crashed:
                    print(f"prowler failed (exit {run.returncode})", file=sys.stderr)
                    return run.returncode or 1
                if not title.startswith("fix"):
                    found = run.findings_of(OUR_CHECK)
                    statuses.append(found[0]["status_code"] if found else "none")
    print(f"\nCIS 4.12 before the fixer: {statuses[0]}; after it: {statuses[1]}.")
    return 0 if statuses == ["FAIL", "PASS"] else 1


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(port: int) -> int:
    signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops it as cleanly as Ctrl-C
    with running_moto_server(port=port) as server:
        seed_demo_account(server.endpoint_url)
        env = server.env()
        prowler = shlex.quote(prowler_executable())
        print(DEMO_STORY)
        print("\nThe demo account is served. In another shell:\n")
        print("unset AWS_PROFILE AWS_SESSION_TOKEN HTTP_PROXY HTTPS_PROXY http_proxy https_proxy")
        for name in _EXPORTED:
            print(f"export {name}={shlex.quote(env[name])}")
        print(
            f"\n{prowler} aws --checks {OUR_CHECK} {BUILTIN_CHECK} -f {' '.join(REGIONS)}\n"
            f"{prowler} aws --checks {OUR_CHECK} -f {' '.join(REGIONS)} --fixer "
            f"--fixer-config {shlex.quote(str(FIXER_CONFIG))}\n"
            f"\nCtrl-C stops the server (and forgets the account).",
            flush=True,
        )
        try:
            while server.alive():
                time.sleep(0.5)
        except KeyboardInterrupt:
            print("\nstopping the moto server")
            return 0
        print(f"the moto server stopped by itself:\n{server.log_tail()}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    run_parser = sub.add_parser("run", help="scan the demo account (the default)")
    run_parser.add_argument("-o", "--output-directory", default="output")
    serve_parser = sub.add_parser("serve", help="serve the demo account until Ctrl-C")
    serve_parser.add_argument("--port", type=int, default=0, help="default: a free port")
    sub.add_parser("fixer", help="scan, --fixer, scan again and --fixer again on the demo account")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args.port)
    if args.command == "fixer":
        return fixer_story()
    return demo(Path(getattr(args, "output_directory", "output")).resolve())


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
