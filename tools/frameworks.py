"""Generate the plug-in's compliance frameworks from the frameworks Prowler ships.

    python -m tools.frameworks            # rewrite prowler_ext/compliance/*-semantic_aws.json
    python -m tools.frameworks --check    # exit 1 when a file differs from what it would write

For every framework of Prowler's installed `compliance/aws/` folder that maps one of the
built-in string-matching checks of the CIS monitoring section (`OURS_FOR_BUILTIN`), one file
`<name without _aws>-semantic_aws.json` holds exactly the requirements that list them, with
their Id, Description and Attributes unchanged and our checks in their place. So a finding of
ours carries the same requirement ids, under the same framework key, as the built-in's
(`CIS-3.0: 4.12`, `NIST-800-53-Revision-5: au_6_1, …`, `SOC2: cc_5_2, …`). For each CIS
version, `cis_<v with dashes>-full-semantic_aws.json` is the whole built-in framework with ours
for the monitoring checks (`full_cis_framework`: why its name and Provider are what they are).

* `Framework` is the built-in's key (its `Framework`, then `-<Version>` when it has one) and
  `Version` is empty: Prowler keys a finding's mapping as `Framework[-Version]`, so the key is
  the built-in's, while the terminal tables that match `Framework` exactly (CIS, C5, CCC,
  ThreatScore) count ours apart from the built-in's.
* The name is the built-in's with `_aws` turned into `-semantic_aws`: `--compliance` and
  `--list-compliance` show it beside the built-in's, and it matches no built-in file name
  (ThreatScore's is `prowler_threat_score-semantic_aws`: see `NAME_OVERRIDES`).

Why these choices, and what they cost (Prowler's generic table matches a framework by
substrings of its file name), is in the README (Compliance frameworks).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import prowler

from prowler_ext.cis_monitoring import SECTION

# Prowler's built-in string-matching check of each monitoring control -> ours
OURS_FOR_BUILTIN = {control.builtin_check: control.check_id for control in SECTION}
SUFFIX = "-semantic_aws"
FULL_SUFFIX = "-full-semantic_aws"
PROWLER_AWS_FRAMEWORKS = Path(prowler.__file__).resolve().parent / "compliance" / "aws"
OUR_FRAMEWORKS = Path(__file__).resolve().parents[1] / "prowler_ext" / "compliance"
SUBJECT = "the CIS monitoring controls (log metric filters and alarms)"
_CHAIN = (
    "Each of our checks passes only when every event (or record class) of its control has a "
    "complete path from a logging multi-region trail recording all management events, "
    "through a CloudWatch Logs metric filter that catches every record and an alarm that "
    "fires on one event, to an SNS topic with a confirmed subscription."
)
# The full CIS frameworks add no requirement id to any finding: Prowler keys a finding's
# requirements by `Framework[-Version]` only for frameworks whose Provider is the scan's
# ("aws"), so with another Provider the built-in checks' findings keep the built-in
# framework's ids once (no "CIS-3.0": ["1.1", "1.1"]) and ours keep those of
# `cis_<v>-semantic_aws`.
FULL_PROVIDER = "AWS (by meaning)"


# Names Prowler special-cases by a substring that our files cannot serve: Prowler writes the
# ThreatScore CSV columns only for `prowler_threatscore_aws` itself (ours get the generic
# ones), while `prowler dashboard` computes ThreatScore pillars for any name holding
# "threatscore" and fails on the generic columns (HTTP 500).
NAME_OVERRIDES = {"prowler_threatscore_aws": "prowler_threat_score" + SUFFIX}


def our_name(builtin_name: str) -> str:
    """`nist_800_53_revision_5_aws` -> `nist_800_53_revision_5-semantic_aws`."""
    return NAME_OVERRIDES.get(builtin_name) or builtin_name.removesuffix("_aws") + SUFFIX


def framework_key(framework: dict[str, Any]) -> str:
    """What Prowler keys a finding's mapping by: `Framework`, `-Version` when there is one."""
    version = framework.get("Version") or ""
    return f"{framework['Framework']}-{version}" if version else framework["Framework"]


def our_checks(checks: list[str]) -> list[str]:
    """Ours for the built-in monitoring checks a requirement lists, in its order."""
    return [OURS_FOR_BUILTIN[check] for check in checks if check in OURS_FOR_BUILTIN]


def semantic_framework(builtin_name: str, builtin: dict[str, Any]) -> dict[str, Any] | None:
    """Our framework for one built-in framework, or None when it maps no monitoring check:
    the requirements that list a built-in monitoring check, with ours in their place."""
    requirements = [
        {**requirement, "Checks": our_checks(requirement.get("Checks") or [])}
        for requirement in builtin.get("Requirements") or []
        if our_checks(requirement.get("Checks") or [])
    ]
    if not requirements:
        return None
    ids = ", ".join(str(r["Id"]) for r in requirements)
    name = our_name(builtin_name)
    if builtin["Framework"] == "CIS":
        what = f"CIS AWS Foundations Benchmark v{builtin['Version']} controls {ids}"
        title = f"{builtin['Name']} - monitoring (semantic mapping)"
    else:
        many = "s" if len(requirements) > 1 else ""
        what = f"{builtin['Name']} requirement{many} {ids} (where it lists {SUBJECT})"
        title = f"{builtin['Name']} - {ids} monitoring (semantic mapping)"
    return {
        "Framework": framework_key(builtin),
        "Name": title,
        "Version": "",
        "Provider": builtin.get("Provider", "AWS"),
        "Description": (
            f"Semantic (meaning-based) mapping of {what} to the plug-in's checks. {_CHAIN} "
            f"Run it next to the built-in framework: prowler aws --compliance "
            f"{builtin_name} {name}"
        ),
        "Requirements": requirements,
    }


def full_cis_framework(builtin_name: str, builtin: dict[str, Any]) -> dict[str, Any]:
    """Every requirement of a built-in CIS framework, with Prowler's checks, except that the
    monitoring requirements list ours instead of the built-in string-matching checks:
    `prowler aws --compliance cis_<v>-full-semantic_aws` is the full CIS run by meaning."""
    version = builtin["Version"]
    requirements = [
        {
            **requirement,
            "Checks": [
                OURS_FOR_BUILTIN.get(check, check) for check in requirement.get("Checks") or []
            ],
        }
        for requirement in builtin.get("Requirements") or []
    ]
    return {
        # Prowler's CIS table for a name `cis_<part>_…` counts the mappings whose Framework is
        # CIS and whose Version holds <part>: "3-0-full-semantic" is in no built-in's Version
        # and holds none ("3.0"), so each table counts its own framework only
        "Framework": "CIS",
        "Version": full_name(builtin_name).split("_")[1],
        "Name": f"{builtin['Name']} (monitoring decided by meaning)",
        "Provider": FULL_PROVIDER,
        "Description": (
            f"Every requirement of CIS AWS Foundations Benchmark v{version} with Prowler's "
            "checks, except the log metric filter and alarm requirements, which the plug-in "
            f"decides by meaning. {_CHAIN} Findings carry the requirement ids of "
            f"{builtin_name} (CIS-{version})."
        ),
        "Requirements": requirements,
    }


def full_name(builtin_name: str) -> str:
    """`cis_3.0_aws` -> `cis_3-0-full-semantic_aws` (no "3.0" in it: see `full_cis_framework`)."""
    return builtin_name.removesuffix("_aws").replace(".", "-") + FULL_SUFFIX


def generate(source: Path = PROWLER_AWS_FRAMEWORKS) -> dict[str, str]:
    """File name -> text of every framework of ours, from the built-ins in `source`."""
    files: dict[str, str] = {}
    for path in sorted(source.glob("*_aws.json")):
        builtin = json.loads(path.read_text(encoding="utf-8"))
        ours = semantic_framework(path.stem, builtin)
        if ours is not None:
            files[f"{our_name(path.stem)}.json"] = _text(ours)
        if builtin.get("Framework") == "CIS" and ours is not None:
            files[f"{full_name(path.stem)}.json"] = _text(full_cis_framework(path.stem, builtin))
    return files


def _text(framework: dict[str, Any]) -> str:
    return json.dumps(framework, indent=2, ensure_ascii=False) + "\n"


def differences(target: Path = OUR_FRAMEWORKS) -> list[str]:
    """What `generate()` would change in `target`: files to write, and stale files."""
    wanted = generate()
    present = {p.name for p in target.glob("*-semantic_aws.json")}
    changed = [
        name
        for name, text in wanted.items()
        if not (target / name).exists() or (target / name).read_text(encoding="utf-8") != text
    ]
    return sorted(changed) + sorted(f"{name} (stale)" for name in present - set(wanted))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report differences, write nothing")
    args = parser.parse_args(argv)
    found = differences()
    if args.check:
        for name in found:
            print(f"differs: {name}")
        return 1 if found else 0
    for name, text in generate().items():
        (OUR_FRAMEWORKS / name).write_text(text, encoding="utf-8")
    for name in found:
        if name.endswith(" (stale)"):
            (OUR_FRAMEWORKS / name.removesuffix(" (stale)")).unlink()
    print(f"{len(generate())} frameworks in {OUR_FRAMEWORKS}; {len(found)} written or removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
