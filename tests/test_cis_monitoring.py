"""The CIS monitoring section as data (`prowler_ext.cis_monitoring`), held to Prowler's own CIS
frameworks and to the engine.

For every control: its requirement id in every CIS version is the one Prowler's framework gives
the built-in check; every filter pattern the CIS texts print (remediation and audit procedures)
is either accepted (caught for every record of the control) or a known misprint the language
rejects; a widened filter is caught; a filter narrowed to one region, written with `&&` for `||`,
or taken from another control misses, with a legal record as counterexample.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path

import pytest

from prowler_ext.cis_monitoring import SECTION, UNREADABLE_BENCHMARK_TEXTS
from prowler_ext.control import Control
from prowler_ext.filterpattern import PatternError, coverage, matches, violation
from prowler_ext.filterpattern.cloudtrail import base_record

VERSIONS = ("1.4", "1.5", "2.0", "3.0", "4.0", "5.0", "6.0", "7.0")
_PATTERN = re.compile(r"\{[^{}]*\$\.[^{}]*\}")


@cache
def _framework(version: str) -> dict:
    path = resources.files("prowler").joinpath(f"compliance/aws/cis_{version}_aws.json")
    return json.loads(Path(str(path)).read_text(encoding="utf-8"))


def _requirements(control: Control, version: str) -> list[dict]:
    return [r for r in _framework(version)["Requirements"] if control.builtin_check in r["Checks"]]


def _printed_patterns(requirement: dict) -> list[str]:
    """The `{ ... $. ... }` texts of a requirement's attributes, in order, once each."""
    found: list[str] = []
    for attribute in requirement.get("Attributes", []):
        for value in attribute.values():
            if isinstance(value, str):
                found.extend(_PATTERN.findall(value))
    return list(dict.fromkeys(found))


def _legal_missed(pattern: str, case) -> dict:
    answer = coverage(pattern, case)
    assert answer.verdict == "MISSED", (pattern, case.name, answer)
    record = answer.counterexample
    assert violation(record) is None, (record, violation(record))
    assert matches(pattern, record) is False
    return record


CONTROLS = pytest.mark.parametrize("control", SECTION, ids=lambda c: c.reference)


def test_the_section_has_fifteen_controls_numbered_as_cis_numbers_them():
    assert [c.requirements["1.4"] for c in SECTION] == [f"4.{n}" for n in range(1, 16)]
    assert [c.requirements["7.0"] for c in SECTION] == [f"5.{n}" for n in range(1, 16)]
    assert len({c.check_id for c in SECTION}) == 15
    assert len({c.builtin_check for c in SECTION}) == 15


def test_no_check_id_collides_with_a_built_in_one():
    """Naming rule: `cloudwatch_<what the benchmark monitors>_alarm`; Prowler's built-ins end
    in `_configured`, `_enabled` or name a `log_metric_filter`."""
    services = resources.files("prowler").joinpath("providers/aws/services")
    builtin = {
        check.name
        for service in Path(str(services)).iterdir()
        if service.is_dir()
        for check in service.iterdir()
        if check.is_dir() and (check / f"{check.name}.metadata.json").exists()
    }
    assert len(builtin) > 500
    assert {c.builtin_check for c in SECTION} <= builtin
    assert not {c.check_id for c in SECTION} & builtin
    assert all(re.fullmatch(r"cloudwatch_[a-z0-9_]+_alarm", c.check_id) for c in SECTION)


@CONTROLS
def test_requirement_ids_are_prowler_s_in_every_cis_version(control):
    for version in VERSIONS:
        found = _requirements(control, version)
        assert [r["Id"] for r in found] == [control.requirements[version]], version


@CONTROLS
def test_every_pattern_the_benchmark_prints_is_accepted_or_a_known_misprint(control):
    printed = {p for v in VERSIONS for r in _requirements(control, v) for p in _printed_patterns(r)}
    assert printed, "the framework prints no pattern"
    accepted = set(control.benchmark_patterns)
    for pattern in printed - accepted:
        assert pattern in UNREADABLE_BENCHMARK_TEXTS, pattern
        with pytest.raises(PatternError):
            coverage(pattern, control.records[0])
    assert accepted <= printed  # nothing invented
    assert control.benchmark_pattern in accepted  # the fixer's pattern is the benchmark's


@CONTROLS
def test_every_accepted_pattern_catches_every_record_of_the_control(control):
    for pattern in dict.fromkeys((control.benchmark_pattern, *control.benchmark_patterns)):
        for case in control.records:
            answer = coverage(pattern, case)
            assert answer.verdict == "CAUGHT", (pattern, case.name, answer.reason)


@CONTROLS
def test_the_record_classes_hold_legal_records(control):
    for case in control.records:
        for typical in (True, False):
            assert violation(base_record(case, typical=typical)) is None


@CONTROLS
def test_a_filter_narrowed_to_one_region_misses(control):
    narrowed = "{ (" + control.benchmark_pattern.strip()[1:-1] + ") && $.awsRegion = us-east-1 }"
    for case in control.records:
        record = _legal_missed(narrowed, case)
        assert record["awsRegion"] != "us-east-1"


WIDENED = {
    "CIS AWS 4.1": '{ $.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*" }',
    "CIS AWS 4.2": "{ $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed != Yes }",
    "CIS AWS 4.3": "{ $.userIdentity.type = Root }",
    "CIS AWS 4.6": '{ $.eventSource = signin.amazonaws.com && $.errorMessage = "Failed*" }',
}


@CONTROLS
def test_a_widened_filter_is_caught(control):
    """A filter that catches more than the benchmark asks (every write of the service, every
    root record) covers the control: by meaning, not by text."""
    widened = WIDENED.get(control.reference) or (
        f"{{ $.eventSource = {sorted(control.event_sources or ['?'])[0]} && $.readOnly IS FALSE }}"
    )
    for case in control.records:
        assert coverage(widened, case).verdict == "CAUGHT", (widened, case.name)


@pytest.mark.parametrize(
    "control", [c for c in SECTION if len(c.records) > 1], ids=lambda c: c.reference
)
def test_and_for_or_misses(control):
    """The commonest mistake of a hand-written filter: two calls joined with `&&`."""
    first, second = (case.name for case in control.records[:2])
    both = f"{{ ($.eventName = {first}) && ($.eventName = {second}) }}"
    for case in control.records:
        _legal_missed(both, case)


def test_a_pattern_of_another_control_misses():
    """Each control's own pattern catches nothing of the next control's name-list records,
    except where AWS's names overlap (CreatePolicy: IAM's 4.4 pattern has no eventSource)."""
    by_reference = {c.reference: c for c in SECTION}
    pairs = [("CIS AWS 4.11", "CIS AWS 4.12"), ("CIS AWS 4.12", "CIS AWS 4.13"),
             ("CIS AWS 4.7", "CIS AWS 4.8"), ("CIS AWS 4.5", "CIS AWS 4.9")]  # fmt: skip
    for mine, theirs in pairs:
        pattern = by_reference[mine].benchmark_pattern
        for case in by_reference[theirs].records:
            _legal_missed(pattern, case)
    organizations = by_reference["CIS AWS 4.15"]
    create_policy = next(c for c in organizations.records if c.name == "CreatePolicy")
    assert (
        coverage(by_reference["CIS AWS 4.4"].benchmark_pattern, create_policy).verdict == "CAUGHT"
    )
    iam_create_policy = next(
        c for c in by_reference["CIS AWS 4.4"].records if c.name == "CreatePolicy"
    )
    record = _legal_missed(organizations.benchmark_pattern, iam_create_policy)
    assert record["eventSource"] == "iam.amazonaws.com"


def test_a_trail_must_record_every_service_for_classes_of_any_service():
    """Root usage and unauthorized calls may come from any service: no single source to check
    a trail's exclusions against (`event_sources` is None). The sign-in classes are the sign-in
    service's; the name lists are their service's."""
    by_reference = {c.reference: c for c in SECTION}
    assert by_reference["CIS AWS 4.1"].event_sources is None
    assert by_reference["CIS AWS 4.3"].event_sources is None
    assert by_reference["CIS AWS 4.2"].event_sources == {"signin.amazonaws.com"}
    assert by_reference["CIS AWS 4.15"].event_sources == {"organizations.amazonaws.com"}


def test_the_classes_that_are_no_name_list_say_what_they_hold():
    by_reference = {c.reference: c for c in SECTION}
    unauthorized = by_reference["CIS AWS 4.1"].records[0]
    # 4.0 on: AccessDenied records delivered by CloudWatch Logs itself are not in the class
    delivery = '{ $.errorCode = "AccessDenied" && $.sourceIPAddress = delivery.logs.amazonaws.com }'
    assert coverage(delivery, unauthorized).verdict == "MISSED"
    mfa = by_reference["CIS AWS 4.2"].records[0]
    assert dict(mfa.fixed)[("additionalEventData", "MFAUsed")] == "No"
    # a filter for root sign-ins misses IAM users' sign-ins without MFA
    _legal_missed("{ $.eventName = ConsoleLogin && $.userIdentity.type = Root }", mfa)
    root = by_reference["CIS AWS 4.3"].records[0]
    record = _legal_missed('{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }', root)
    assert record["eventType"] != "AwsApiCall"
