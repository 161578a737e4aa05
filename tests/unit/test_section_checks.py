"""Every check of the CIS monitoring section through Prowler's real clients on moto.

For each control, the links that differ between controls: the benchmark's own pattern (PASS),
the pattern narrowed to one region (FAIL, with a record it misses), widened by another clause
(PASS), and a topic whose only subscription is pending (FAIL). Then the fifteen checks of one
scan together: each account answer is read once.
"""

from __future__ import annotations

from unittest import mock

import pytest
from moto import mock_aws

from prowler_ext.cis_monitoring import SECTION
from prowler_ext.control import Control
from testkit.account import (
    ALL_MANAGEMENT_EVENTS,
    AwsAccount,
    create_logging_trail,
    create_topic,
    put_alarm,
    put_metric_filter,
)
from testkit.clients import (
    ACCOUNT,
    build_provider,
    import_checks,
    prowler_clients,
    run_check,
    run_checks,
    run_fixer,
)

LOG_GROUP = "cloudtrail-logs"
REGION = "us-east-1"
IDS = [control.check_id for control in SECTION]


@pytest.fixture
def aws():
    with mock_aws():
        yield AwsAccount(None)


def trail(account: AwsAccount) -> None:
    create_logging_trail(
        account, "management-events", log_group=LOG_GROUP, event_selectors=ALL_MANAGEMENT_EVENTS
    )


def alarm_chain(
    account: AwsAccount, control: Control, pattern: str, subscriptions=(("sqs", "secops"),)
) -> None:
    """The control's filter with `pattern`, its alarm, and a topic (the fixer's names)."""
    names = control.fixer_defaults
    put_metric_filter(account, REGION, LOG_GROUP, names["FilterName"], pattern, names["MetricName"])
    topic = create_topic(account, REGION, names["AlarmName"], list(subscriptions))
    put_alarm(account, REGION, names["AlarmName"], names["MetricName"], alarm_actions=[topic])


def inner(pattern: str) -> str:
    return pattern.strip().removeprefix("{").removesuffix("}").strip()


def reaches(control: Control) -> str:
    return "reaches" if len(control.records) == 1 else "reach"


@pytest.mark.parametrize("control", SECTION, ids=IDS)
def test_the_benchmarks_pattern_passes(aws, control):
    trail(aws)
    alarm_chain(aws, control, control.benchmark_pattern)
    finding = run_check(check_id=control.check_id)
    assert finding.status == "PASS", finding.status_extended
    assert f"{reaches(control)} a confirmed subscriber" in finding.status_extended
    assert control.fixer_defaults["AlarmName"] in finding.status_extended
    assert finding.check_metadata.CheckID == control.check_id


@pytest.mark.parametrize("control", SECTION, ids=IDS)
def test_a_pattern_narrowed_to_one_region_fails_with_a_record_it_misses(aws, control):
    trail(aws)
    narrowed = "{ (" + inner(control.benchmark_pattern) + ') && ($.awsRegion = "us-east-1") }'
    alarm_chain(aws, control, narrowed)
    finding = run_check(check_id=control.check_id)
    assert finding.status == "FAIL", finding.status_extended
    assert "awsRegion" in finding.status_extended
    assert control.fixer_defaults["FilterName"] in finding.status_extended


@pytest.mark.parametrize("control", SECTION, ids=IDS)
def test_a_widened_pattern_passes(aws, control):
    trail(aws)
    widened = "{ (" + inner(control.benchmark_pattern) + ") || ($.eventName = DescribeVpcs) }"
    alarm_chain(aws, control, widened)
    finding = run_check(check_id=control.check_id)
    assert finding.status == "PASS", finding.status_extended


@pytest.mark.parametrize("control", SECTION, ids=IDS)
def test_a_pending_subscription_notifies_nobody(aws, control):
    from moto.sns.models import sns_backends

    trail(aws)
    alarm_chain(aws, control, control.benchmark_pattern, (("email", "secops@example.com"),))
    for subscription in sns_backends[ACCOUNT][REGION].subscriptions.values():
        subscription.arn = "PendingConfirmation"
    finding = run_check(check_id=control.check_id)
    assert finding.status == "FAIL", finding.status_extended
    assert finding.status_extended.endswith("which has no confirmed subscription (1 pending)."), (
        finding.status_extended
    )


def test_the_checks_of_one_scan_read_the_account_once(aws):
    """Fifteen checks, one set of Prowler clients (one scan): every control is decided, and
    the trail's log group, the alarms and the topic are read once for all of them."""
    trail(aws)
    for control in SECTION:
        alarm_chain(aws, control, control.benchmark_pattern)
    provider = build_provider()
    calls: list[str] = []
    provider.session.current_session.events.register(
        "before-call.*.*", lambda model, **_: calls.append(model.name)
    )
    import_checks(provider, IDS)
    clients = prowler_clients(provider)
    calls.clear()  # what the checks call, not what Prowler's inventories did
    reports = run_checks(provider, IDS, clients)
    assert {check_id: [r.status for r in found] for check_id, found in reports.items()} == {
        check_id: ["PASS"] for check_id in IDS
    }
    assert calls.count("DescribeMetricFilters") == 1, calls
    assert calls.count("GetTrailStatus") == 1, calls
    assert calls.count("DescribeAlarms") <= 2, calls


def test_the_checks_of_one_scan_parse_each_pattern_once_and_free_the_memos_at_its_end(aws):
    """The fifteen checks share the engine's memos: each pattern on the trail's log group is
    parsed once for all of them; when the scan has judged the whole section, the memos and
    the shared reads are freed."""
    from prowler_ext import prowler_check
    from prowler_ext.caches import engine_memos
    from prowler_ext.filterpattern import parser

    trail(aws)
    for control in SECTION:
        alarm_chain(aws, control, control.benchmark_pattern)
    provider = build_provider()
    import_checks(provider, IDS)
    clients = prowler_clients(provider)
    parsed: list[str] = []
    real_parse = parser._LARK.parse

    def counting_parse(text, **options):
        parsed.append(text)
        return real_parse(text, **options)

    prowler_check.end_scan()
    with mock.patch.object(parser._LARK, "parse", counting_parse):
        reports = run_checks(provider, IDS, clients)
    assert {check_id: [r.status for r in found] for check_id, found in reports.items()} == {
        check_id: ["PASS"] for check_id in IDS
    }
    twice = sorted({text for text in parsed if parsed.count(text) > 1})
    assert twice == []
    assert {c.benchmark_pattern for c in SECTION} <= set(parsed)
    assert prowler_check._SCAN == []
    assert all(_size(memo) == 0 for memo in engine_memos())


def _size(memo) -> int:
    return len(memo) if isinstance(memo, dict) else memo.cache_info().currsize


@pytest.mark.parametrize("control", SECTION, ids=IDS)
def test_the_fixer_of_each_control_repairs_it_and_the_check_then_passes(aws, control, capsys):
    """A trail and nothing else: the control's fixer creates its filter (the benchmark's
    pattern), topic, subscription and alarm, says so after re-checking, and the check PASSes."""
    trail(aws)
    sqs = aws.client("sqs", REGION)
    url = sqs.create_queue(QueueName="secops")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    settings = {"Subscriptions": [{"Protocol": "sqs", "Endpoint": queue["QueueArn"]}]}
    provider = build_provider((REGION,))
    provider._fixer_config = {control.check_id: settings}
    capsys.readouterr()
    answer = run_fixer(provider, REGION, control.check_id)
    printed = capsys.readouterr().out
    assert answer is True, printed
    names = control.fixer_defaults
    assert f"created metric filter {names['FilterName']}" in printed
    assert f"created alarm {names['AlarmName']}" in printed
    [created] = aws.client("logs", REGION).describe_metric_filters(
        filterNamePrefix=names["FilterName"]
    )["metricFilters"]
    assert created["filterPattern"] == control.benchmark_pattern
    assert run_check(check_id=control.check_id, regions=(REGION,)).status == "PASS"
