"""The fifteen checks of the CIS monitoring section as Prowler loads them (no AWS).

The check folders and setup.cfg's entry points are generated from `prowler_ext.cis_monitoring`
by `tools/checks.py`; these tests hold them to it and to Prowler's own loaders.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path

import prowler
import pytest
from prowler.lib.check.models import load_check_metadata

from prowler_ext.cis_monitoring import SECTION
from testkit.faults import readme_section
from tools import checks

REPO = Path(__file__).resolve().parents[1]
IDS = [control.check_id for control in SECTION]
PROWLER = Path(prowler.__file__).resolve().parent


def our_metadata(check_id: str):
    return load_check_metadata(str(REPO / "checks" / check_id / f"{check_id}.metadata.json"))


def builtin_metadata(check_id: str):
    path = PROWLER / "providers/aws/services/cloudwatch" / check_id / f"{check_id}.metadata.json"
    return load_check_metadata(str(path))


def test_the_check_folders_and_entry_points_are_what_the_generator_writes():
    assert checks.differences() == [], "run: python -m tools.checks"


def test_every_check_and_its_fixer_is_an_entry_point_of_the_installed_plugin():
    entry_points = {
        ep.name: ep.value for ep in importlib.metadata.entry_points(group="prowler.checks.aws")
    }
    for check_id in IDS:
        assert entry_points[check_id].endswith(f".{check_id}.{check_id}")
        assert entry_points[f"{check_id}_fixer"].endswith(f".{check_id}.{check_id}_fixer")


def test_no_check_id_collides_with_a_builtin_and_all_follow_the_naming_rule():
    builtins = {
        path.name for path in (PROWLER / "providers/aws/services").glob("*/*") if path.is_dir()
    }
    assert not set(IDS) & builtins
    assert all(re.fullmatch(r"cloudwatch_[a-z0-9_]+_alarm", check_id) for check_id in IDS)
    assert len(set(IDS)) == 15


@pytest.mark.parametrize("control", SECTION, ids=IDS)
def test_metadata_is_valid_for_prowler_and_takes_the_builtins_severity_and_types(control):
    ours = our_metadata(control.check_id)
    builtin = builtin_metadata(control.builtin_check)
    assert ours.CheckID == control.check_id and ours.ServiceName == "cloudwatch"
    assert ours.Severity == builtin.Severity
    assert set(builtin.CheckType) <= set(ours.CheckType)
    assert ours.Risk.startswith(builtin.Risk.strip())
    assert ours.ResourceType == "AwsCloudTrailTrail"
    assert control.builtin_check in ours.RelatedTo
    # Prowler's HTML report escapes these characters; the Hub URL would be the built-in's page
    texts = [ours.CheckTitle, ours.Description, ours.Risk, ours.Remediation.Recommendation.Text]
    assert not [t for t in texts if any(c in t for c in "<>&")]
    assert ours.Remediation.Recommendation.Url == ""
    assert control.requirements["3.0"] in ours.Notes and control.requirements["7.0"] in ours.Notes


@pytest.mark.parametrize("control", SECTION, ids=IDS)
def test_remediation_code_creates_the_benchmarks_filter_and_the_fixers_names(control):
    code = our_metadata(control.check_id).Remediation.Code
    pattern = control.benchmark_pattern
    assert f"--filter-pattern '{pattern}'" in code.CLI
    assert f"FilterPattern: '{pattern}'" in code.NativeIaC
    assert f"pattern        = {json.dumps(pattern)}" in code.Terraform
    assert pattern in code.Other
    for name in control.fixer_defaults.values():
        assert name in code.CLI and name in code.Terraform


@pytest.mark.parametrize("control", SECTION, ids=IDS)
def test_the_description_names_the_events_or_the_record_class(control):
    description = our_metadata(control.check_id).Description
    if control.is_one_class:
        assert control.subject in description and control.reference in description
    else:  # by name when they fit Prowler's 400 characters, else how many
        listed = all(f"`{event}`" in description for event in control.events)
        assert listed or f"{len(control.events)} {control.subject} events" in description


@pytest.mark.parametrize("control", SECTION, ids=IDS)
def test_the_title_is_the_benchmarks_own_wording(control):
    cis = json.loads((PROWLER / "compliance/aws/cis_5.0_aws.json").read_text(encoding="utf-8"))
    [requirement] = [r for r in cis["Requirements"] if r["Id"] == control.requirements["5.0"]]
    assert re.fullmatch(
        rf"Ensure {re.escape(control.title)} (is|are) monitored", requirement["Description"]
    )


def test_each_fixer_states_the_permissions_the_readme_lists():
    """The fixers' docstrings (Prowler's convention for a fixer's permissions) and the
    README's IAM policy for the fixer name the same actions."""
    section = readme_section("### IAM permissions")
    policy = json.loads(
        section[section.index("```json") + 7 : section.index("```", section.index("```json") + 7)]
    )
    listed = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert listed == set(checks.FIXER_PERMISSIONS)
    for check_id in IDS:
        text = (REPO / "checks" / check_id / f"{check_id}_fixer.py").read_text(encoding="utf-8")
        assert all(f'"{action}"' in text for action in listed), check_id
