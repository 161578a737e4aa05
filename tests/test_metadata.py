"""The plug-in's metadata, read by Prowler's own models and loaders (no network, no AWS).

Covers the check metadata JSON beside the check and the CIS framework JSONs in ``metadata/``
(installed as ``prowler_ext.compliance`` under the ``prowler.compliance`` entry point ``aws``).
Every assertion goes through the function Prowler itself uses, so a file Prowler would reject,
skip, map or count differently fails here.

How the framework files are named and keyed (``cis_<v>-semantic_aws``, ``Framework`` ``CIS-<v>``,
empty ``Version``), and why, is in the README (CIS frameworks): Prowler's CIS terminal table takes
every mapping whose ``Framework`` is ``CIS`` and whose ``Version`` contains the version in the
framework's name, and the dashboard picks a framework's CSVs by a substring of their file names.
"""

import json
import os
import re
from pathlib import Path
from types import SimpleNamespace

import prowler
import pytest
from prowler.config.config import _get_ep_compliance_dirs, get_available_compliance_frameworks
from prowler.lib.check.compliance import update_checks_metadata_with_compliance
from prowler.lib.check.compliance_models import Compliance, load_compliance_framework
from prowler.lib.check.models import CheckMetadata, load_check_metadata
from prowler.lib.outputs.compliance.compliance import display_compliance_table
from prowler.lib.outputs.compliance.compliance_check import get_check_compliance

from prowler_ext.cis_monitoring import SECTION
from prowler_ext.control import NETWORK_GATEWAY_EVENTS

CHECK_ID = "cloudwatch_changes_to_network_gateways_alarm"
BUILTIN_CHECK_ID = "cloudwatch_changes_to_network_gateways_alarm_configured"

REPO = Path(__file__).resolve().parents[1]
CHECK_METADATA_FILE = REPO / "checks" / CHECK_ID / f"{CHECK_ID}.metadata.json"
FRAMEWORKS_DIR = REPO / "metadata"
PROWLER_COMPLIANCE = Path(prowler.__file__).resolve().parent / "compliance"

# CIS AWS Foundations version (as in the built-in file name) -> requirement Id of the control.
REQUIREMENT_IDS = {
    "1.4": "4.12",
    "1.5": "4.12",
    "2.0": "4.12",
    "3.0": "4.12",
    "4.0": "4.12",
    "5.0": "4.12",
    "6.0": "5.12",
    "7.0": "5.12",
}
VERSIONS = sorted(REQUIREMENT_IDS)


def framework_name(version: str) -> str:
    """The name users pass to ``--compliance`` (Prowler strips ``.json`` from the file name)."""
    return f"cis_{version}-semantic_aws"


def builtin_framework(version: str) -> Compliance:
    return load_compliance_framework(str(PROWLER_COMPLIANCE / "aws" / f"cis_{version}_aws.json"))


def builtin_check_metadata_file() -> Path:
    return (
        Path(prowler.__file__).parent
        / "providers/aws/services/cloudwatch"
        / BUILTIN_CHECK_ID
        / f"{BUILTIN_CHECK_ID}.metadata.json"
    )


def builtin_framework_names() -> set[str]:
    """Every framework name Prowler ships: per-provider folders and top-level universal JSONs."""
    return {
        path.name.removesuffix(".json")
        for path in [*PROWLER_COMPLIANCE.glob("*/*.json"), *PROWLER_COMPLIANCE.glob("*.json")]
    }


@pytest.fixture(scope="module")
def aws_bulk_frameworks() -> dict:
    """What the CLI loads for ``prowler aws`` (``Compliance.get_bulk``), built-ins and ours."""
    return Compliance.get_bulk("aws")


# --- check metadata -------------------------------------------------------------------------


def test_check_metadata_is_valid_for_prowler():
    metadata = load_check_metadata(str(CHECK_METADATA_FILE))

    assert metadata.Provider == "aws"
    assert metadata.CheckID == CHECK_ID
    assert metadata.ServiceName == "cloudwatch"
    assert metadata.Severity.value == "medium"
    # the finding's resource is the account's CloudTrail chain (a fixed ARN), not a link
    assert metadata.ResourceType == "AwsCloudTrailTrail"
    assert metadata.ResourceIdTemplate == "arn:partition:cloudtrail:region:account-id:trail"


def test_check_types_include_the_builtins():
    """The built-in's check types (ASFF `Types`, including `TTPs/Command and Control`) are
    ours too, so Security Hub files both findings under the same types."""
    builtin = builtin_check_metadata_file()
    ours = load_check_metadata(str(CHECK_METADATA_FILE)).CheckType
    assert set(load_check_metadata(str(builtin)).CheckType) <= set(ours)
    assert "TTPs/Command and Control" in ours


def test_texts_render_in_html_without_escapes_and_point_at_our_own_advice():
    """Prowler's HTML report escapes `<`, `>` and `&` in these fields (`Sum &gt;= 1`), and the
    recommendation must not send users to the page of the built-in string-matching check.
    Prowler accepts only a Prowler Hub address there, which this plug-in has not: it is empty,
    and AWS's pages are in AdditionalURLs."""
    metadata = load_check_metadata(str(CHECK_METADATA_FILE))
    texts = [
        metadata.CheckTitle,
        metadata.Description,
        metadata.Risk,
        metadata.Remediation.Recommendation.Text,
    ]
    assert not [t for t in texts if any(c in t for c in "<>&")]
    assert metadata.Remediation.Recommendation.Url == ""
    assert any("cloudwatch-alarms-for-cloudtrail" in url for url in metadata.AdditionalURLs)


def test_check_metadata_names_all_six_events_and_the_remediation_chain():
    metadata = CheckMetadata.parse_file(CHECK_METADATA_FILE)
    events = NETWORK_GATEWAY_EVENTS
    code = metadata.Remediation.Code
    for event in events:
        assert event in metadata.Description
        assert event in code.CLI and event in code.NativeIaC and event in code.Terraform
    for command in ("put-metric-filter", "create-topic", "subscribe", "--alarm-actions"):
        assert command in code.CLI
    for resource in ("AWS::Logs::MetricFilter", "AWS::SNS::Topic", "AWS::CloudWatch::Alarm"):
        assert resource in code.NativeIaC
    for resource in (
        "aws_cloudwatch_log_metric_filter",
        "aws_sns_topic_subscription",
        "aws_cloudwatch_metric_alarm",
        "alarm_actions",
    ):
        assert resource in code.Terraform
    assert (
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
        "cloudwatch-alarms-for-cloudtrail.html" in metadata.AdditionalURLs
    )


# --- framework files ------------------------------------------------------------------------


def test_there_is_a_framework_file_for_each_cis_version():
    found = {path.name for path in FRAMEWORKS_DIR.glob("*.json")}
    assert {f"{framework_name(v)}.json" for v in VERSIONS} <= found


@pytest.mark.parametrize("version", VERSIONS)
def test_framework_file_loads_and_maps_the_control_to_our_check(version):
    path = FRAMEWORKS_DIR / f"{framework_name(version)}.json"
    framework = Compliance.parse_file(path)
    builtin = builtin_framework(version)

    assert builtin.Framework == "CIS"
    assert framework.Provider == "AWS" == builtin.Provider
    # A finding's key is Framework-Version, or Framework alone when Version is empty: ours is
    # the built-in's "CIS-<Version>", while our Framework is not "CIS", the one Prowler's CIS
    # terminal table counts (so the built-in's table does not count our check).
    assert framework.Framework == f"CIS-{builtin.Version}"
    assert framework.Version == ""
    assert framework.Name.startswith(f"{builtin.Name} - monitoring")

    # every monitoring requirement, with our check in place of the built-in's
    ours_for = {control.builtin_check: control.check_id for control in SECTION}
    monitoring = [r for r in builtin.Requirements if set(r.Checks) & set(ours_for)]
    assert len(framework.Requirements) == len(monitoring) == 15
    for requirement, builtin_requirement in zip(framework.Requirements, monitoring, strict=True):
        assert requirement.Id == builtin_requirement.Id
        assert requirement.Checks == [ours_for[c] for c in builtin_requirement.Checks]
        assert requirement.Description == builtin_requirement.Description
        assert requirement.Attributes == builtin_requirement.Attributes
    [gateways] = [r for r in framework.Requirements if r.Id == REQUIREMENT_IDS[version]]
    assert gateways.Checks == [CHECK_ID]


@pytest.mark.parametrize("version", VERSIONS)
def test_framework_file_name_does_not_collide_with_a_builtin(version):
    name = framework_name(version)
    # A same-named plug-in file is skipped by Prowler without a word.
    assert name not in builtin_framework_names()
    # The dashboard reads a framework's CSVs as every file whose path contains its name: a
    # built-in name inside ours would put our rows into the built-in's page.
    assert not [builtin for builtin in builtin_framework_names() if builtin in name]
    # Prowler's CIS table takes the version from the second "_" field of the name and counts
    # the mappings whose Framework is "CIS" and whose Version contains it: no built-in's.
    assert not [v for v in VERSIONS if name.split("_")[1] in builtin_framework(v).Version]
    # The dashboard drops "_AWS" from a name holding "AWS_", and then finds no file.
    assert name.endswith("_aws") and "aws_" not in name


# --- Prowler's discovery and loading --------------------------------------------------------


def test_entry_point_discovery_finds_our_framework_folder():
    aws_dirs = _get_ep_compliance_dirs().get("aws", [])
    ours = {path.name: path.read_bytes() for path in FRAMEWORKS_DIR.glob("cis_*-semantic_aws.json")}

    def serves_our_files(directory: str) -> bool:
        # Editable install: our folder itself; wheel install: an identical copy of it.
        return all(
            os.path.isfile(os.path.join(directory, name))
            and Path(directory, name).read_bytes() == content
            for name, content in ours.items()
        )

    assert ours
    assert any(serves_our_files(directory) for directory in aws_dirs), aws_dirs


def test_cli_choices_include_our_frameworks_for_aws():
    available = get_available_compliance_frameworks("aws")
    for version in VERSIONS:
        assert framework_name(version) in available
        assert f"cis_{version}_aws" in available


@pytest.mark.parametrize("version", VERSIONS)
def test_bulk_loader_includes_our_framework(aws_bulk_frameworks, version):
    name = framework_name(version)
    assert name in Compliance.list(aws_bulk_frameworks, provider="aws")
    assert REQUIREMENT_IDS[version] in Compliance.list_requirements(aws_bulk_frameworks, name)
    requirement = Compliance.get_requirement(aws_bulk_frameworks, name, REQUIREMENT_IDS[version])
    assert requirement.Checks == [CHECK_ID]
    # The built-in framework is still there, untouched, next to ours.
    assert BUILTIN_CHECK_ID in {
        check
        for requirement in aws_bulk_frameworks[f"cis_{version}_aws"].Requirements
        for check in requirement.Checks
    }


def test_findings_of_our_check_carry_the_cis_requirement_ids(aws_bulk_frameworks):
    bulk_checks_metadata = {CHECK_ID: load_check_metadata(str(CHECK_METADATA_FILE))}
    bulk_checks_metadata = update_checks_metadata_with_compliance(
        aws_bulk_frameworks, bulk_checks_metadata
    )
    finding = SimpleNamespace(check_metadata=bulk_checks_metadata[CHECK_ID])

    compliance = get_check_compliance(finding, "aws", bulk_checks_metadata)

    assert compliance["CIS-3.0"] == ["4.12"]
    for version, requirement_id in REQUIREMENT_IDS.items():
        key = f"CIS-{builtin_framework(version).Version}"
        assert compliance[key] == [requirement_id], key
    assert "CIS-4.0.1" in compliance  # the built-in 4.0 framework's Version is "4.0.1"


# --- Prowler's terminal tables --------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def checks_metadata(aws_bulk_frameworks) -> dict:
    """Our check's and the built-in 4.12 check's metadata, mapped to every AWS framework the way
    the CLI maps them before it prints the tables."""
    return update_checks_metadata_with_compliance(
        aws_bulk_frameworks,
        {
            CHECK_ID: load_check_metadata(str(CHECK_METADATA_FILE)),
            BUILTIN_CHECK_ID: load_check_metadata(str(builtin_check_metadata_file())),
        },
    )


def printed_table(capsys, checks_metadata: dict, framework: str) -> str:
    """What Prowler prints for ``framework`` after a scan with two FAIL findings of the
    built-in check (two are needed: Prowler prints no table for fewer) and one PASS of ours."""
    scan = [(BUILTIN_CHECK_ID, "FAIL"), (BUILTIN_CHECK_ID, "FAIL"), (CHECK_ID, "PASS")]
    findings = [
        SimpleNamespace(check_metadata=checks_metadata[check], status=status, muted=False)
        for check, status in scan
    ]
    display_compliance_table(
        findings, checks_metadata, framework, "scan", "/output", False, {}, "aws"
    )
    return ANSI.sub("", capsys.readouterr().out)


@pytest.mark.parametrize("version", VERSIONS)
def test_builtin_cis_table_does_not_count_our_check(capsys, checks_metadata, version):
    table = printed_table(capsys, checks_metadata, f"cis_{version}_aws")

    assert f"Compliance Status of CIS_{version}_AWS Framework:" in table
    counts = {label: int(n) for n, label in re.findall(r"\((\d+)\) (FAIL|PASS|MUTED)", table)}
    assert counts == {"FAIL": 2, "PASS": 0, "MUTED": 0}, table
    section = f"{REQUIREMENT_IDS[version].split('.')[0]} Monitoring"
    assert re.search(rf"{section}\s*│\s*FAIL\(2\)", table), table


@pytest.mark.parametrize("version", VERSIONS)
def test_our_framework_table_does_not_count_the_builtin_findings(capsys, checks_metadata, version):
    """Our framework has one requirement, decided by one finding per account, and Prowler prints
    a framework's table only from two findings on: the right table is none. Prowler's CIS table
    counts the mappings whose Framework is "CIS"; ours is "CIS-<version>", so it counts nothing
    here rather than the built-in's findings (our result is in the compliance CSV)."""
    assert printed_table(capsys, checks_metadata, framework_name(version)) == ""


def test_framework_files_are_plain_json_with_the_legacy_schema():
    # Prowler's legacy loader (used for --compliance) reads these; the universal schema
    # (lower-case "requirements"/"attributes_metadata") would be skipped by it.
    paths = sorted(FRAMEWORKS_DIR.glob("cis_*-semantic_aws.json"))
    assert len(paths) == 2 * len(VERSIONS)  # the monitoring section, and the full run
    for path in paths:
        data = json.loads(path.read_text())
        assert "Requirements" in data and "requirements" not in data, path.name
