"""``prowler --security-hub`` against the patched moto server: our findings in Security Hub.

Each scenario's account enables Security Hub in us-east-1 and the Prowler integration
(EnableImportFindingsForProduct, moto patch 5 in ``testkit/moto_patches.py``), as a user does
before the first ``--security-hub`` scan; Prowler then sends PASS and FAIL findings alike (no
``--send-sh-only-fails``). The tests read the findings back with GetFindings, as that account,
and check what a user sees there. Three prowler runs: the compliant account (PASS), the demo
account (FAIL), and the demo account again once remediated (the same finding, now PASSED).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.exceptions
import botocore.session
import pytest
from botocore.validate import ParamValidator
from prowler.lib.outputs.asff.asff import ASFF

from testkit.account import (
    CUSTOMER_GATEWAY_EVENTS,
    GATEWAY_EVENTS,
    AwsAccount,
    create_topic,
    seed_compliant_account,
    seed_demo_account,
)
from testkit.moto_server import MotoServer
from testkit.prowler_cli import OUR_CHECK, ProwlerRun, run_prowler

from .scans import Scenario, role_arn

# one xdist worker per module: its moto server and prowler runs are shared by its tests
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_security_hub")]

REGION = "us-east-1"
PROWLER_PRODUCT = f"arn:aws:securityhub:{REGION}::product/prowler/prowler"
SCAN = ["aws", "--checks", OUR_CHECK, "-f", REGION, "--security-hub", "--no-banner", "-z"]
SENT_ONE = "1 findings sent to AWS Security Hub!"
# The start of the check's PASS sentence (status_extended); a FAIL names the events missed.
ALL_EVENTS_REACH = (
    f"All {len(GATEWAY_EVENTS)} network gateway events reach a confirmed subscriber: "
)
BATCH_IMPORT_FINDINGS = (
    botocore.session.get_session()
    .get_service_model("securityhub")
    .operation_model("BatchImportFindings")
    .input_shape
)


def enable_security_hub(account: AwsAccount) -> str:
    """What a user does once per account and region: enable the hub and Prowler's
    integration. Returns the product subscription that Prowler looks for."""
    securityhub = account.client("securityhub", REGION)
    securityhub.enable_security_hub(EnableDefaultStandards=False)
    return securityhub.enable_import_findings_for_product(ProductArn=PROWLER_PRODUCT)[
        "ProductSubscriptionArn"
    ]


def with_security_hub(seed: Callable[..., dict]) -> Callable[[AwsAccount], dict]:
    def seeded(account: AwsAccount) -> dict:
        result = seed(account.endpoint_url, account=account)
        result["product_subscription"] = enable_security_hub(account)
        return result

    return seeded


SCENARIOS: dict[str, Scenario] = {
    "compliant": Scenario("100000000031", SCAN, with_security_hub(seed_compliant_account)),
    "demo": Scenario("100000000032", SCAN, with_security_hub(seed_demo_account)),
}
EXPECTED = {"compliant": ("PASS", "PASSED"), "demo": ("FAIL", "FAILED")}


def account_of(server: MotoServer, account_id: str) -> AwsAccount:
    return AwsAccount.from_env(server.env(role_arn(account_id)))


def security_hub_findings(account: AwsAccount) -> list[dict[str, Any]]:
    """Every finding in the account's us-east-1 hub (only Prowler writes there)."""
    paginator = account.client("securityhub", REGION).get_paginator("get_findings")
    return [f for page in paginator.paginate() for f in page["Findings"]]


def finished(board, name: str) -> ProwlerRun:
    run = board.run(name)
    assert not run.crashed, run.describe()
    return run


def ocsf_finding(run: ProwlerRun) -> dict:
    (finding,) = run.findings_of(OUR_CHECK)
    return finding


@pytest.fixture(scope="module")
def imported(scan_board) -> dict[str, list[dict[str, Any]]]:
    """Each scenario's Security Hub findings right after its scan (before the rescan)."""
    hub = {}
    for name, scenario in SCENARIOS.items():
        finished(scan_board, name)
        hub[name] = security_hub_findings(account_of(scan_board.server, scenario.account_id))
    return hub


@pytest.fixture(scope="module")
def rescan(scan_board, imported) -> tuple[ProwlerRun, list[dict[str, Any]]]:
    """The demo account remediated (its network-team topic gets a confirmed SQS subscriber,
    so every gateway event now reaches someone) and scanned again: the run and the hub."""
    account_id = SCENARIOS["demo"].account_id
    account = account_of(scan_board.server, account_id)
    create_topic(account, REGION, "network-team", [("sqs", "network-team-pager")])
    run = run_prowler(
        [*SCAN, "--role", role_arn(account_id)],
        scan_board.server.env(),
        output_dir=scan_board.root / "demo-rescan",
        output_name="scan",
        start="warm",
    )
    assert not run.crashed, run.describe()
    return run, security_hub_findings(account)


@pytest.mark.parametrize("scan", ["compliant", "demo"])
def test_prowler_says_it_sent_the_finding(scan_board, scan):
    stdout = finished(scan_board, scan).stdout
    assert SENT_ONE in stdout, stdout[-3000:]
    assert "No findings archived in AWS Security Hub." in stdout, stdout[-3000:]


@pytest.mark.parametrize("scan", ["compliant", "demo"])
def test_finding_in_security_hub(scan_board, imported, scan):
    run = finished(scan_board, scan)
    account_id = SCENARIOS[scan].account_id
    ocsf = ocsf_finding(run)
    status, compliance = EXPECTED[scan]
    assert ocsf["status_code"] == status, ocsf["status_detail"]

    (finding,) = imported[scan]  # the only finding of the hub: ours, sent once
    assert finding["GeneratorId"] == f"prowler-{OUR_CHECK}"
    assert finding["Id"].startswith(f"prowler-{OUR_CHECK}-{account_id}-{REGION}-")
    assert finding["ProductArn"] == PROWLER_PRODUCT
    assert finding["AwsAccountId"] == account_id
    assert finding["ProductFields"]["ProviderName"] == "Prowler"
    assert finding["Compliance"]["Status"] == compliance
    assert finding["RecordState"] == "ACTIVE"
    # Prowler's first 20 framework keys of the finding (its cap), the CIS 3.0 one among all 29
    compliance = ocsf["unmapped"]["compliance"]
    assert compliance["CIS-3.0"] == ["4.12"]
    related = ASFF.format_compliance(compliance)[1]
    assert finding["Compliance"]["RelatedRequirements"] == related and len(related) == 20
    (resource,) = finding["Resources"]
    trail = f"arn:aws:cloudtrail:{REGION}:{account_id}:trail"
    assert resource["Id"] == ocsf["resources"][0]["uid"] == trail
    assert finding["ProductFields"]["ProwlerResourceName"] == trail
    assert (resource["Type"], resource["Region"]) == ("AwsCloudTrailTrail", REGION)
    assert finding["Title"] == ocsf["finding_info"]["title"]
    assert finding["Title"].startswith("Every network gateway event reaches")
    description = finding["Description"]
    assert description == ocsf["status_detail"]  # status_extended, in Security Hub's words
    if scan == "compliant":
        assert description.startswith(ALL_EVENTS_REACH), description
    else:
        assert all(event in description for event in CUSTOMER_GATEWAY_EVENTS), description
        assert not description.startswith(ALL_EVENTS_REACH), description
    assert finding["Severity"]["Label"] == "MEDIUM"


@pytest.mark.parametrize("scan", ["compliant", "demo"])
def test_security_hub_document_is_a_valid_batch_import_findings_request(imported, scan):
    report = ParamValidator().validate({"Findings": imported[scan]}, BATCH_IMPORT_FINDINGS)
    assert not report.has_errors(), report.generate_report()


def test_rescan_updates_the_finding_instead_of_adding_one(imported, rescan):
    """Same account, same check, same resource: the same Id, so BatchImportFindings updates
    it (moto 5.2 upserts by Id as AWS does) and Prowler's archiving step leaves it active."""
    run, after = rescan
    assert ocsf_finding(run)["status_code"] == "PASS", ocsf_finding(run)["status_detail"]
    assert SENT_ONE in run.stdout, run.stdout[-3000:]
    assert "No findings archived in AWS Security Hub." in run.stdout, run.stdout[-3000:]
    (before,) = imported["demo"]
    (finding,) = after
    assert finding["Id"] == before["Id"]
    assert (before["Compliance"]["Status"], finding["Compliance"]["Status"]) == (
        "FAILED",
        "PASSED",
    )
    assert finding["Description"] == ocsf_finding(run)["status_detail"]
    assert finding["Description"].startswith(ALL_EVENTS_REACH), finding["Description"]
    assert finding["RecordState"] == "ACTIVE"  # not archived as a finding of the past
    # each run has its own start time (a warm run too): the update is newer than the import
    assert finding["UpdatedAt"] > before["UpdatedAt"], (before["UpdatedAt"], finding["UpdatedAt"])


def test_integration_needs_security_hub_enabled_first(scan_board):
    """The two operations of moto patch 5, as the Security Hub API reference describes them."""
    account = account_of(scan_board.server, "100000000033")
    securityhub = account.client("securityhub", REGION)
    with pytest.raises(botocore.exceptions.ClientError) as not_enabled:
        securityhub.list_enabled_products_for_import()
    assert not_enabled.value.response["Error"]["Code"] == "InvalidAccessException"

    subscription = enable_security_hub(account)
    assert subscription == (
        f"arn:aws:securityhub:{REGION}:100000000033:product-subscription/prowler/prowler"
    )
    listed = securityhub.list_enabled_products_for_import()["ProductSubscriptions"]
    assert listed == [subscription]
    with pytest.raises(botocore.exceptions.ClientError) as again:
        securityhub.enable_import_findings_for_product(ProductArn=PROWLER_PRODUCT)
    assert again.value.response["Error"]["Code"] == "ResourceConflictException"
    other_region = account.client("securityhub", "eu-west-1")
    other_region.enable_security_hub()
    assert other_region.list_enabled_products_for_import()["ProductSubscriptions"] == []
