"""Organizations end to end: member accounts decided through the management account.

One patched moto server holds three organizations (moto patches 6 and 7: members see the
organization trail as AWS shows it, and AssumeRole honours an existing role's trust policy):

* A, managed by moto's default account (the credentials every scan starts from): the
  benchmark's chain on the organization trail's log group;
* B: the same, with the metric filter narrowed to its second member (records of that member,
  or records without ``recipientAccountId``);
* C: the same, with the topic's only subscription pending (an email nobody confirmed).

Each member is scanned by the real ``prowler`` CLI with ``--role`` into the member and
``--config-file`` naming the role to assume in the management account
(``organization_trail_role_arn``); one scan per verdict the README promises.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from testkit.account import AwsAccount
from testkit.moto_server import running_moto_server
from testkit.organization import (
    ORG_ALARM,
    ORG_FILTER,
    ORG_TOPIC,
    ORG_TRAIL,
    Organization,
    create_scan_role,
    seed_organization,
    write_config,
)
from testkit.prowler_cli import OUR_CHECK, PROJECT_ROOT, ProwlerRun

from .scans import ScanBoard, Scenario

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_organizations")]

SCANNER = "123456789012"  # moto's default account: organization A's management account
MANAGEMENT_B = "210000000002"
MANAGEMENT_C = "210000000003"
SCAN = ["aws", "--checks", OUR_CHECK, "-f", "us-east-1", "--no-banner", "-z"]
ALL_REACH = "All 6 network gateway events reach a confirmed subscriber"
CANNOT = "Cannot tell whether the 6 network gateway events reach a person: "
LOCKED_ROLE = "ProwlerScanLocked"  # exists in A, trusts only another account
FIXER = ["--fixer", "--fixer-config", str(PROJECT_ROOT / "demo" / "fixer.yaml")]


def _narrowed_to_second_member(members: tuple[str, ...]) -> str:
    return (
        "{ (($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || "
        "($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || "
        "($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway)) && "
        f'(($.recipientAccountId = "{members[1]}") || ($.recipientAccountId NOT EXISTS)) }}'
    )


def _management(server, account_id: str) -> AwsAccount:
    return AwsAccount.from_env(server.env(f"arn:aws:iam::{account_id}:role/OrganizationAdmin"))


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ScanBoard, dict]]:
    root = tmp_path_factory.mktemp("prowler-organizations")
    workers = int(os.environ.get("E2E_WORKERS", "2"))
    with running_moto_server(log_path=root / "moto-server.log") as server:
        a_admin = AwsAccount(server.endpoint_url)
        orgs: dict[str, Organization] = {
            "A": seed_organization(a_admin, scanner_account=SCANNER),
            "B": seed_organization(
                _management(server, MANAGEMENT_B),
                scanner_account=SCANNER,
                pattern=_narrowed_to_second_member,
            ),
            "C": seed_organization(
                _management(server, MANAGEMENT_C),
                scanner_account=SCANNER,
                subscriptions=(("email", "netops@example.com"),),
            ),
        }
        create_scan_role(a_admin, "999999999999", LOCKED_ROLE)
        config = ["--config-file", str(write_config(root / "organization.yaml"))]
        locked = write_config(root / "locked.yaml", "arn:aws:iam::{account_id}:role/" + LOCKED_ROLE)
        a, b, c = orgs["A"], orgs["B"], orgs["C"]
        scenarios = {
            "a_member": Scenario(a.members[0], SCAN + config),
            "b_member_excluded": Scenario(b.members[0], SCAN + config),
            "c_member_broken": Scenario(c.members[0], SCAN + config),
            "b_member_included": Scenario(b.members[1], SCAN + config),
            "a_member_without_key": Scenario(a.members[0], SCAN),
            "a_member_refused": Scenario(a.members[0], SCAN + ["--config-file", str(locked)]),
            "a_management": Scenario(None, SCAN),
            "b_member_fixer": Scenario(b.members[0], SCAN + config + FIXER),
        }
        board = ScanBoard(server, root, ThreadPoolExecutor(max_workers=workers))
        try:
            for name, scenario in scenarios.items():
                board.start(name, scenario)
            yield board, orgs
        finally:
            board.shutdown()


def finding(board: ScanBoard, name: str, status: str) -> dict:
    run: ProwlerRun = board.run(name)
    assert not run.crashed, run.describe()
    findings = run.findings_of(OUR_CHECK)
    assert len(findings) == 1, run.describe()
    found = findings[0]
    assert found["status_code"] == status, found["status_detail"]
    return found


def test_a_member_passes_through_the_management_account(org):
    board, orgs = org
    a = orgs["A"]
    found = finding(board, "a_member", "PASS")
    assert found["status_detail"] == (
        f"{ALL_REACH} through account {a.management}: trail {ORG_TRAIL} -> log group "
        f"org-trail-logs (us-east-1) -> metric filter {ORG_FILTER} -> alarm {ORG_ALARM} -> "
        f"SNS topic {ORG_TOPIC} (1 confirmed subscription)."
    )
    # the finding is the member's; the path it names is the management account's
    assert found["cloud"]["account"]["uid"] == a.members[0]
    assert a.alarm in found["resources"][0]["data"]["details"]
    assert a.alarm.split(":")[4] == a.management


def test_the_management_account_decides_without_any_config(org):
    board, orgs = org
    found = finding(board, "a_management", "PASS")
    assert found["status_detail"].startswith(f"{ALL_REACH}: trail {ORG_TRAIL} -> ")


def test_a_filter_narrowed_to_one_member_fails_the_other(org):
    board, orgs = org
    b = orgs["B"]
    excluded = finding(board, "b_member_excluded", "FAIL")
    assert excluded["status_detail"] == (
        f"None of the 6 network gateway events is caught: in account {b.management}, metric "
        f"filter {ORG_FILTER} on log group org-trail-logs (us-east-1) catches no network "
        "gateway event (for example, a CreateCustomerGateway record with recipientAccountId = "
        f'"{b.members[0]}" does not match).'
    )
    included = finding(board, "b_member_included", "PASS")
    assert included["status_detail"].startswith(f"{ALL_REACH} through account {b.management}")


def test_a_broken_link_in_the_management_account_fails_naming_it(org):
    board, orgs = org
    c = orgs["C"]
    found = finding(board, "c_member_broken", "FAIL")
    assert found["status_detail"] == (
        f"None of the 6 network gateway events reaches a person: in account {c.management}, "
        f"alarm {ORG_ALARM} notifies SNS topic {ORG_TOPIC}, which has no confirmed "
        "subscription (1 pending)."
    )
    assert c.topic in found["resources"][0]["data"]["details"]


def test_without_the_key_a_member_is_manual_naming_it(org):
    board, orgs = org
    a = orgs["A"]
    found = finding(board, "a_member_without_key", "MANUAL")
    assert found["status_detail"] == (
        f"{CANNOT}trail {ORG_TRAIL} is an organization trail of account {a.management}, which "
        "holds its log group, filters and alarms: set organization_trail_role_arn in the aws "
        "section of Prowler's config file (--config-file) to a role the scan may assume there, "
        "e.g. arn:aws:iam::{account_id}:role/ProwlerScan."
    )


def test_a_refused_role_is_manual_naming_sts_assume_role_and_the_role(org):
    board, orgs = org
    a = orgs["A"]
    role = f"arn:aws:iam::{a.management}:role/{LOCKED_ROLE}"
    found = finding(board, "a_member_refused", "MANUAL")
    assert found["status_detail"] == (
        f"{CANNOT}trail {ORG_TRAIL} is an organization trail of account {a.management}, which "
        f"holds its log group, filters and alarms: sts:AssumeRole on {role} was refused "
        "(AccessDenied) (needs sts:AssumeRole)."
    )


def test_the_fixer_of_a_member_prints_the_management_accounts_plan_and_changes_nothing(org):
    board, orgs = org
    b = orgs["B"]
    run = board.run("b_member_fixer")
    assert not run.crashed, run.describe()
    out = run.stdout
    assert f"Plan in account {b.management} (" in out, out
    assert (
        f"Nothing was changed: these changes are for account {b.management}, which holds the "
        "organization trail's log group, and the fixer changes only the scanned account."
    ) in out, out
    management = _management(board.server, b.management)
    filters = management.client("logs").describe_metric_filters(logGroupName="org-trail-logs")
    assert [f["filterName"] for f in filters["metricFilters"]] == [ORG_FILTER]
    alarms = management.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert [a["AlarmName"] for a in alarms] == [ORG_ALARM]
