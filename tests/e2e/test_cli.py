"""The real ``prowler`` CLI, with the plug-in installed, against a patched moto server.

Every scenario is its own account on one server (see conftest.py). The check's sentences are
not asserted, only its status and the names a responder needs (the uncovered events).
What each moto patch simulates is described in ``demo/moto_server.py``.
"""

from __future__ import annotations

import csv
import io
import json
import re

import botocore.session
import pytest
from botocore.validate import ParamValidator
from prowler.lib.outputs.asff.asff import ASFF

from prowler_ext.cis_monitoring import SECTION
from testkit.account import (
    CUSTOMER_GATEWAY_EVENTS,
    AwsAccount,
    delete_role,
    put_alarm,
    seed_compliant_account,
    seed_demo_account,
)
from testkit.prowler_cli import BUILTIN_CHECK, OUR_CHECK, ProwlerRun

from .scans import Scenario

# one xdist worker per module: its moto server and prowler runs are shared by its tests
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_cli")]

REGIONS = ["-f", "us-east-1", "eu-west-1"]
ALL_FORMATS = ("csv", "json-ocsf", "json-asff", "html")
SCAN_OURS = ["aws", "--checks", OUR_CHECK, *REGIONS, "--no-banner", "-z"]
FOREIGN_ACCOUNT = "999999999999"
OUR_FRAMEWORK = "cis_3.0-semantic_aws"
BUILTIN_FRAMEWORK = "cis_3.0_aws"
OURS = {control.check_id for control in SECTION}


def _cross_account_topic(account: AwsAccount) -> dict:
    seeded = seed_compliant_account(account.endpoint_url, account=account)
    put_alarm(
        account,
        "us-east-1",
        "network-gateway-changes",
        "NetworkGatewayEventCount",
        alarm_actions=[f"arn:aws:sns:us-east-1:{FOREIGN_ACCOUNT}:org-security-alerts"],
    )
    return seeded


def _deleted_delivery_role(account: AwsAccount) -> dict:
    seeded = seed_compliant_account(account.endpoint_url, account=account)
    delete_role(account, seeded["delivery_role"])
    return seeded


# Started in this order (longest first) as soon as the first test needs the server.
SCENARIOS: dict[str, Scenario] = {
    "compliance_union": Scenario(
        "100000000003",
        ["aws", "--compliance", BUILTIN_FRAMEWORK, OUR_FRAMEWORK, "-f", "us-east-1"]
        + ["--no-banner", "-z"],
        lambda a: seed_compliant_account(a.endpoint_url, account=a),
    ),
    "demo": Scenario(
        "100000000002",
        ["aws", "--checks", OUR_CHECK, BUILTIN_CHECK, *REGIONS, "--no-banner", "-z"],
        lambda a: seed_demo_account(a.endpoint_url, account=a),
        output_formats=ALL_FORMATS,
    ),
    "compliant": Scenario(
        "100000000001",
        SCAN_OURS,
        lambda a: seed_compliant_account(a.endpoint_url, account=a),
        output_formats=ALL_FORMATS,
    ),
    "pending_subscription": Scenario(
        "100000000004",
        SCAN_OURS,
        lambda a: seed_compliant_account(
            a.endpoint_url, account=a, subscriptions=[("email", "netops@example.com")]
        ),
    ),
    "deleted_delivery_role": Scenario("100000000005", SCAN_OURS, _deleted_delivery_role),
    "default_selectors": Scenario(
        "100000000006",
        SCAN_OURS,
        lambda a: seed_compliant_account(a.endpoint_url, account=a, event_selectors=None),
    ),
    "trail_home_eu_west_1": Scenario(
        "100000000007",
        SCAN_OURS,
        lambda a: seed_compliant_account(a.endpoint_url, account=a, region="eu-west-1"),
    ),
    "cross_account_topic": Scenario("100000000008", SCAN_OURS, _cross_account_topic),
    "list_checks": Scenario(None, ["aws", "--list-checks", "--no-banner"]),
    "list_checks_cloudwatch": Scenario(
        None, ["aws", "--list-checks", "--service", "cloudwatch", "--no-banner"]
    ),
    "list_compliance": Scenario(None, ["aws", "--list-compliance", "--no-banner"]),
}


def finished(board, name: str) -> ProwlerRun:
    run = board.run(name)
    assert not run.crashed, run.describe()
    return run


def only_finding(run: ProwlerRun, check_id: str = OUR_CHECK) -> dict:
    findings = run.findings_of(check_id)
    assert len(findings) == 1, f"{len(findings)} findings of {check_id}\n{run.describe()}"
    return findings[0]


def assert_status(run: ProwlerRun, status: str) -> dict:
    finding = only_finding(run)
    assert finding["status_code"] == status, (
        f"expected {status}, got {finding['status_code']}: {finding['status_detail']}"
    )
    return finding


def listed_check_ids(stdout: str) -> set[str]:
    """Check IDs of `--list-checks` lines: `[check_id] Title - service [severity]`."""
    return set(re.findall(r"^\[([a-z0-9_]+)\] ", stdout, re.M))


# --- listing -------------------------------------------------------------------------------


def test_list_checks_lists_our_check_and_not_its_fixer(scan_board):
    """The fixer is declared in the same entry-point group (`<CheckID>_fixer`, for
    --list-fixers); Prowler's loader skips such names, so it is not listed as a check."""
    listed = listed_check_ids(finished(scan_board, "list_checks").stdout)
    assert OUR_CHECK in listed
    assert f"{OUR_CHECK}_fixer" not in listed


def test_list_checks_of_service_cloudwatch_lists_our_check(scan_board):
    listed = listed_check_ids(finished(scan_board, "list_checks_cloudwatch").stdout)
    assert OUR_CHECK in listed
    assert BUILTIN_CHECK in listed
    assert all(check.startswith("cloudwatch_") for check in listed)


def test_list_compliance_lists_semantic_framework(scan_board):
    stdout = finished(scan_board, "list_compliance").stdout
    assert re.search(rf"^- {re.escape(OUR_FRAMEWORK)}$", stdout, re.M), stdout[-3000:]


# --- verdicts ------------------------------------------------------------------------------


def test_benchmark_remediation_passes(scan_board):
    finding = assert_status(finished(scan_board, "compliant"), "PASS")
    # PASS names the alarm that completes the path, in the details (the resource stays put)
    details = finding["resources"][0]["data"]["details"]
    assert details.startswith("6 of 6 events reach a confirmed subscriber, through alarm ")
    assert ":alarm:network-gateway-changes" in details


def test_demo_account_fails_naming_the_customer_gateway_events(scan_board):
    run = finished(scan_board, "demo")
    finding = assert_status(run, "FAIL")
    for event in CUSTOMER_GATEWAY_EVENTS:
        assert event in finding["status_detail"], finding["status_detail"]


def test_builtin_check_passes_the_demo_account(scan_board):
    """The reason for the plug-in: text matching sees the benchmark's pattern and an alarm."""
    builtin = only_finding(finished(scan_board, "demo"), BUILTIN_CHECK)
    assert builtin["status_code"] == "PASS", builtin["status_detail"]


def test_pending_only_subscription_fails(scan_board):
    assert_status(finished(scan_board, "pending_subscription"), "FAIL")


def test_deleted_delivery_role_fails(scan_board):
    assert_status(finished(scan_board, "deleted_delivery_role"), "FAIL")


def test_trail_with_default_event_selectors_passes(scan_board):
    assert_status(finished(scan_board, "default_selectors"), "PASS")


def test_trail_seen_first_as_shadow_trail_passes(scan_board):
    """Home region eu-west-1: Prowler may meet the trail in us-east-1 first."""
    assert_status(finished(scan_board, "trail_home_eu_west_1"), "PASS")


def test_topic_in_another_account_is_manual(scan_board):
    """The subscriptions of another account's topic cannot be seen: MANUAL, never FAIL."""
    assert_status(finished(scan_board, "cross_account_topic"), "MANUAL")


# --- outputs -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".ocsf.json", ".asff.json", ".html"])
@pytest.mark.parametrize("scan", ["compliant", "demo"])
def test_every_output_format_is_written(scan_board, scan, suffix):
    path = finished(scan_board, scan).output_file(suffix)
    assert path.is_file() and path.stat().st_size > 0, path
    assert OUR_CHECK in path.read_text(), f"{OUR_CHECK} not in {path.name}"


@pytest.mark.parametrize("scan,status", [("compliant", "PASS"), ("demo", "FAIL")])
def test_csv_row_of_our_check(scan_board, scan, status):
    text = finished(scan_board, scan).output_file(".csv").read_text()
    rows = [r for r in csv.DictReader(io.StringIO(text), delimiter=";")]
    ours = [r for r in rows if r["CHECK_ID"] == OUR_CHECK]
    assert len(ours) == 1 and ours[0]["STATUS"] == status, ours
    assert "CIS-3.0: 4.12" in ours[0]["COMPLIANCE"], ours[0]["COMPLIANCE"]


@pytest.mark.parametrize("scan,status", [("compliant", "PASS"), ("demo", "FAIL")])
def test_ocsf_finding_fields(scan_board, scan, status):
    run = finished(scan_board, scan)
    finding = only_finding(run)
    assert finding["status_code"] == status
    assert finding["metadata"]["event_code"] == OUR_CHECK
    assert finding["finding_info"]["uid"].startswith(f"prowler-aws-{OUR_CHECK}-")
    account = SCENARIOS[scan].account_id
    assert finding["cloud"]["account"]["uid"] == account
    assert "4.12" in finding["unmapped"]["compliance"].get("CIS-3.0", []), finding["unmapped"]
    # one resource per account whatever link breaks; the link itself is in the details
    (resource,) = finding["resources"]
    assert resource["uid"] == f"arn:aws:cloudtrail:us-east-1:{account}:trail"
    assert resource["type"] == "AwsCloudTrailTrail"
    assert " of 6 events reach a confirmed subscriber" in resource["data"]["details"]


SECURITY_HUB = botocore.session.get_session().get_service_model("securityhub")
# Limits of BatchImportFindings that botocore's validator does not check (it checks types,
# required members and enums; SecurityHub rejects longer values).
ASFF_MAX_LENGTH = {"Title": 256, "Description": 1024}
ASFF_MAX_RELATED_REQUIREMENTS = 32


@pytest.mark.parametrize("scan", ["compliant", "demo"])
def test_asff_is_a_valid_batch_import_findings_request(scan_board, scan):
    findings = json.loads(finished(scan_board, scan).output_file(".asff.json").read_text())
    assert findings
    shape = SECURITY_HUB.operation_model("BatchImportFindings").input_shape
    report = ParamValidator().validate({"Findings": findings}, shape)
    assert not report.has_errors(), report.generate_report()
    for finding in findings:
        for key, limit in ASFF_MAX_LENGTH.items():
            assert len(finding[key]) <= limit, (key, finding[key])
        related = finding["Compliance"].get("RelatedRequirements", [])
        assert len(related) <= ASFF_MAX_RELATED_REQUIREMENTS

    ours = [f for f in findings if f["GeneratorId"] == f"prowler-{OUR_CHECK}"]
    assert len(ours) == 1
    # every framework key of ours (the built-in's 29), as Prowler puts any finding's in ASFF:
    # the first 20 (its cap), "<key> <ids>" cut to 63 characters
    (ocsf,) = finished(scan_board, scan).findings_of(OUR_CHECK)
    compliance = ocsf["unmapped"]["compliance"]
    assert compliance["CIS-3.0"] == ["4.12"] and len(compliance) == 29
    assert ours[0]["Compliance"]["RelatedRequirements"] == ASFF.format_compliance(compliance)[1]
    (resource,) = ours[0]["Resources"]
    assert resource["Type"] == "AwsCloudTrailTrail"
    assert resource["Id"] == f"arn:aws:cloudtrail:us-east-1:{SCENARIOS[scan].account_id}:trail"
    expected = {"compliant": "PASSED", "demo": "FAILED"}[scan]
    assert ours[0]["Compliance"]["Status"] == expected


# --- compliance ----------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TABLE_HEADER = re.compile(r"^Compliance Status of (\S+) Framework:$", re.M)


def compliance_rows(path) -> list[dict]:
    assert path.is_file(), path
    return list(csv.DictReader(io.StringIO(path.read_text()), delimiter=";"))


def printed_tables(run: ProwlerRun) -> dict[str, str]:
    """Each compliance table Prowler printed, by framework name as printed (upper case): from
    its "Compliance Status of" line to its "* Only sections containing results appear." line
    (the "Detailed results" lines after it name the run's output folder)."""
    stdout = ANSI.sub("", run.stdout)
    tables = {}
    for header in TABLE_HEADER.finditer(stdout):
        end = stdout.index("* Only sections containing results appear.", header.start())
        tables[header.group(1)] = stdout[header.start() : end]
    return tables


def overview_counts(table: str) -> dict[str, int]:
    """The overview line of a table: `100.0% (2) FAIL │ 0.0% (0) PASS │ 0.0% (0) MUTED`."""
    return {label: int(n) for n, label in re.findall(r"\((\d+)\) (FAIL|PASS|MUTED)", table)}


def test_compliance_union_writes_both_framework_csvs(scan_board):
    run = finished(scan_board, "compliance_union")
    builtin_rows = compliance_rows(run.compliance_file(BUILTIN_FRAMEWORK))
    ours = compliance_rows(run.compliance_file(OUR_FRAMEWORK))
    # Ours: one finding of each of our 15 checks under its requirement, keyed as the
    # built-in's CIS-3.0; the account holds the 4.12 chain only.
    section = {control.check_id: control.requirements["3.0"] for control in SECTION}
    assert sorted((r["CHECKID"], r["REQUIREMENTS_ID"]) for r in ours) == sorted(section.items())
    [gateways] = [r for r in ours if r["CHECKID"] == OUR_CHECK]
    assert (gateways["REQUIREMENTS_ID"], gateways["STATUS"]) == ("4.12", "PASS"), gateways
    assert {r["STATUS"] for r in ours if r["CHECKID"] != OUR_CHECK} == {"FAIL"}
    assert {r["FRAMEWORK"] for r in ours} == {"CIS-3.0"}
    assert gateways["REQUIREMENTS_ATTRIBUTES_SECTION"] == "4 Monitoring"
    assert gateways["REQUIREMENTS_ATTRIBUTES_PROFILE"] == "Level 1"
    assert gateways["ACCOUNTID"] == SCENARIOS["compliance_union"].account_id
    # The built-in framework's 4.12 is decided by Prowler's own check, in the same run, and
    # our check is not in its file.
    assert [r["STATUS"] for r in builtin_rows if r["CHECKID"] == BUILTIN_CHECK] == ["PASS"]
    assert not [r for r in builtin_rows if r["CHECKID"] in section]
    # One scan, both checks: the union of the two frameworks' checks ran.
    assert {c: len(run.findings_of(c)) for c in (OUR_CHECK, BUILTIN_CHECK)} == {
        OUR_CHECK: 1,
        BUILTIN_CHECK: 1,
    }


def test_builtin_cis_table_counts_the_builtin_findings_and_not_ours(scan_board):
    """Prowler's CIS table of cis_3.0_aws counts every mapping whose Framework is "CIS" and
    whose Version holds "3.0": ours (Framework "CIS-3.0") is not one, so in the run with both
    frameworks the built-in's table counts exactly the built-in's findings, one each, as the
    built-in alone prints it (Prowler prints tables only for a plain `--compliance` run, so the
    comparison with and without ours, per CIS version, is in tests/test_metadata.py)."""
    run = finished(scan_board, "compliance_union")
    tables = printed_tables(run)
    name = BUILTIN_FRAMEWORK.upper()
    assert name in tables, run.describe()
    counts = overview_counts(tables[name])
    assert counts["MUTED"] == 0
    builtin_findings = [
        f
        for f in run.findings
        if f["status_code"] in ("FAIL", "PASS") and f["metadata"]["event_code"] not in OURS
    ]
    assert counts["FAIL"] + counts["PASS"] == len(builtin_findings), tables[name]
    assert run.findings_of(OUR_CHECK)  # ours ran in the same scan, and is not counted


def test_our_framework_prints_no_table_of_the_builtin_findings(scan_board):
    """Our framework holds one requirement, decided by one finding per account, and Prowler
    prints a framework's table only from two findings on: the one table printed is the
    built-in's. (A CIS_3.0_AWS_SEMANTIC table used to count the built-in's findings.)"""
    run = finished(scan_board, "compliance_union")
    assert set(printed_tables(run)) == {BUILTIN_FRAMEWORK.upper()}, run.describe()
    assert OUR_FRAMEWORK.upper() not in ANSI.sub("", run.stdout)
