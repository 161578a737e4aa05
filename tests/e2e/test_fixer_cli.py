"""`prowler aws --checks <ours> --fixer --fixer-config demo/fixer.yaml`, through the real CLI.

Each story is its own account on one patched moto server (see testkit/moto_patches.py: email
subscriptions stay pending unless the address contains "+confirmed"), told with these runs:

    1. --fixer        Prowler scans (the check FAILs), then runs our fixer, then exits
    2. a scan         the check now PASSes, with OCSF output (first story only: the scan that
                      opens run 3 is the same check and prints its status too)
    3. --fixer again  scans again, and changes nothing

The stories run in parallel (E2E_WORKERS, default 2); each test waits for its own. Each run is
forked from one warm Prowler process (see testkit/prowler_cli.py).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from testkit.account import (
    AwsAccount,
    create_logging_trail,
    seed_demo_account,
)
from testkit.moto_server import MotoServer, running_moto_server
from testkit.prowler_cli import OUR_CHECK, PROJECT_ROOT, ProwlerRun, run_prowler

# one xdist worker per module: its moto server and prowler runs are shared by its tests
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_fixer_cli")]

FIXER_CONFIG = PROJECT_ROOT / "demo" / "fixer.yaml"
SCAN = ["aws", "--checks", OUR_CHECK, "-f", "us-east-1", "--no-banner", "--no-color"]
FIXER_MODULE = (
    f"prowler_ext.services.cloudwatch.{OUR_CHECK}.{OUR_CHECK}_fixer"  # beside the check module
)


def role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/ProwlerFixer"


def trail_only(account: AwsAccount) -> None:
    create_logging_trail(
        account, "management-events", log_group="cloudtrail-logs", event_selectors=None
    )


def pending_config(root: Path) -> Path:
    """demo/fixer.yaml with a plain address: its subscription stays pending, as in AWS."""
    config = yaml.safe_load(FIXER_CONFIG.read_text())
    section = config["aws"][OUR_CHECK]
    section["Subscriptions"] = [{"Protocol": "email", "Endpoint": "secops@example.com"}]
    path = root / "fixer-pending.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@dataclass
class Story:
    account_id: str
    seed: Callable[[AwsAccount], object]
    config: Callable[[Path], Path] = lambda root: FIXER_CONFIG
    scan: bool = False  # a plain scan with outputs between the two fixer runs


STORIES = {
    "from_scratch": Story("100000000041", trail_only, scan=True),
    "demo_account": Story("100000000042", lambda a: seed_demo_account(a.endpoint_url, account=a)),
    "pending_email": Story("100000000043", trail_only, pending_config),
}


@dataclass
class Told:
    fix: ProwlerRun
    scan: ProwlerRun | None
    fix_again: ProwlerRun
    before_second_fix: dict
    after_second_fix: dict


def tell(server: MotoServer, root: Path, name: str, story: Story) -> Told:
    role = role_arn(story.account_id)
    account = AwsAccount.from_env(server.env(role))
    story.seed(account)
    env = server.env()
    args = [*SCAN, "--role", role]
    fixer = [*args, "--fixer", "--fixer-config", str(story.config(root))]
    fix = run_prowler(fixer, env, start="warm")
    scan = None
    if story.scan:
        scan = run_prowler(
            [*args, "-M", "json-ocsf", "-z"], env, output_dir=root / name, start="warm"
        )
    before = snapshot(account)
    fix_again = run_prowler(fixer, env, start="warm")
    return Told(fix, scan, fix_again, before, snapshot(account))


def snapshot(account: AwsAccount, region: str = "us-east-1") -> dict:
    logs = account.client("logs", region)
    cloudwatch = account.client("cloudwatch", region)
    sns = account.client("sns", region)
    volatile = {"StateValue", "StateReason", "StateReasonData", "StateUpdatedTimestamp"}
    volatile |= {"StateTransitionedTimestamp", "AlarmConfigurationUpdatedTimestamp"}
    return {
        "filters": sorted(
            json.dumps({k: v for k, v in f.items() if k != "creationTime"}, sort_keys=True)
            for f in logs.describe_metric_filters()["metricFilters"]
        ),
        "alarms": sorted(
            json.dumps(
                {k: v for k, v in a.items() if k not in volatile}, sort_keys=True, default=str
            )
            for a in cloudwatch.describe_alarms()["MetricAlarms"]
        ),
        "topics": sorted(t["TopicArn"] for t in sns.list_topics()["Topics"]),
        "subscriptions": sorted(
            (s["TopicArn"], s["Protocol"], s["Endpoint"], s["SubscriptionArn"])
            for s in sns.list_subscriptions()["Subscriptions"]
        ),
    }


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future]]:
    root = tmp_path_factory.mktemp("prowler-fixer-e2e")
    workers = int(os.environ.get("E2E_WORKERS", "2"))
    with running_moto_server(log_path=root / "moto-server.log") as server:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {
                name: pool.submit(tell, server, root, name, story)
                for name, story in STORIES.items()
            }
            yield futures


def told(stories: dict[str, Future], name: str) -> Told:
    result = stories[name].result()
    for run in (result.fix, result.scan, result.fix_again):
        assert run is None or not run.crashed, run.describe()
    return result


def our_status(run: ProwlerRun) -> tuple[str, str]:
    findings = run.findings_of(OUR_CHECK)
    assert len(findings) == 1, run.describe()
    return findings[0]["status_code"], findings[0]["status_detail"]


def printed(run: ProwlerRun) -> list[str]:
    return [line.strip() for line in run.stdout.splitlines() if line.strip()]


# ------------------------------------------------------------------------------ the stories


def test_from_scratch_the_fixer_builds_the_benchmark_chain(stories):
    story = told(stories, "from_scratch")
    out = printed(story.fix)
    assert (
        "FAIL us-east-1: None of the 6 network gateway events is caught: log group "
        "cloudtrail-logs (us-east-1) of trail management-events has no metric filters." in out
    ), story.fix.describe()
    assert "Plan (4 changes):" in out, story.fix.describe()
    assert "Done: created alarm cis-network-gateway-changes in us-east-1" in out
    assert (
        "Done: subscribed email secops+confirmed@example.com to SNS topic cis-security-alerts "
        "(confirmed)" in out
    )
    assert "DONE" in out and "1 findings fixed!" in out, story.fix.describe()


def test_from_scratch_the_next_scan_passes(stories):
    story = told(stories, "from_scratch")
    status, detail = our_status(story.scan)
    assert status == "PASS", detail
    assert "alarm cis-network-gateway-changes -> SNS topic cis-security-alerts" in detail


def test_from_scratch_a_second_fixer_run_changes_nothing(stories):
    story = told(stories, "from_scratch")
    again = printed(story.fix_again)
    assert any(line.startswith("PASS us-east-1: All 6 network gateway events") for line in again)
    assert "No findings to fix!" in again, story.fix_again.describe()
    assert story.after_second_fix == story.before_second_fix


def test_demo_account_gets_one_alarm_on_the_existing_filter_and_topic(stories):
    story = told(stories, "demo_account")
    out = printed(story.fix)
    assert any(
        line.startswith("FAIL us-east-1: CreateCustomerGateway, DeleteCustomerGateway")
        for line in out
    ), story.fix.describe()
    assert "Plan (1 change):" in out, story.fix.describe()
    assert any(
        line.startswith("Reuse: SNS topic security-alerts (already notified for") for line in out
    )
    again = printed(story.fix_again)
    assert any(line.startswith("PASS us-east-1: All 6 network gateway events") for line in again)
    assert "No findings to fix!" in again, story.fix_again.describe()
    assert story.after_second_fix == story.before_second_fix


def test_pending_email_waits_for_its_owner_and_the_second_run_says_so(stories):
    story = told(stories, "pending_email")
    out = printed(story.fix)
    assert (
        "Done: subscribed email secops@example.com to SNS topic cis-security-alerts: pending "
        "confirmation (AWS sent a confirmation message to the endpoint)" in out
    ), story.fix.describe()
    again = printed(story.fix_again)
    assert any(
        line.startswith("FAIL us-east-1: ")
        and line.endswith(
            "SNS topic cis-security-alerts, which has no confirmed subscription (1 pending)."
        )
        for line in again
    ), story.fix_again.describe()
    assert (
        "Nothing to change: the path is complete except for the confirmation of email "
        "secops@example.com, which is pending." in again
    ), story.fix_again.describe()
    assert not [line for line in again if line.startswith(("Plan", "Done"))]
    assert story.after_second_fix == story.before_second_fix


# ------------------------------------------------------------------------------ --list-fixers


def test_list_fixers_lists_ours_with_the_fixer_entry_point(tmp_path):
    """--list-fixers lists the entry points of group prowler.checks.aws whose name ends in
    `_fixer` (and get_bulk skips those, so --list-checks does not). The project declares
    `<CheckID>_fixer = <fixer module>` there."""
    env = dict(os.environ)
    declared = [
        ep.name
        for ep in importlib.metadata.entry_points(group="prowler.checks.aws")
        if ep.name == f"{OUR_CHECK}_fixer"
    ]
    assert declared, "setup.cfg must declare the fixer entry point (reinstall: make venv)"
    listed = run_prowler(
        ["aws", "--list-fixers", "--no-banner", "--no-color"], env, start="warm"
    )
    assert f"- {OUR_CHECK}" in printed(listed), listed.describe()
    # that --list-checks does not list the fixer as a check: test_cli.py, on its own listing
