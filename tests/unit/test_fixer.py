"""The fixer through Prowler's real clients on moto: one test per repair, and its safety rules.

Each test breaks the chain in one place, runs the fixer the way Prowler does (its module-level
clients are Prowler's service objects built against moto), then asserts what the user reads,
what changed in the account (and what did not), and that a fresh scan of the check PASSes.

moto confirms every SNS subscription at once; `pending_email` applies the moto server's own
SNS patch (`testkit/moto_patches.py`) for one test, so that email subscriptions stay pending
unless their endpoint contains "+confirmed".
"""

from __future__ import annotations

import importlib
import json
import sys
from unittest import mock

import pytest
from moto import mock_aws

from prowler_ext.remediation.registration import prowler_fixer_module
from testkit.account import (
    ALL_MANAGEMENT_EVENTS,
    BENCHMARK_PATTERN,
    AwsAccount,
    create_logging_trail,
    create_topic,
    put_alarm,
    put_metric_filter,
)
from testkit.clients import (
    ACCOUNT,
    CHECK_ID,
    CHECK_MODULE,
    CLOUDWATCH_KEY_POLICY,
    build_provider,
    deny,
    fixer_module,
    prowler_clients,
    run_check,
    run_fixer,
)
from testkit.moto_patches import patched_moto

FIXER_MODULE = fixer_module(CHECK_ID)
REGION = "us-east-1"
REGIONS = (REGION,)
LOG_GROUP = "cloudtrail-logs"
SQS = {"Protocol": "sqs", "Endpoint": f"arn:aws:sqs:{REGION}:{ACCOUNT}:secops"}
EMAIL = {"Protocol": "email", "Endpoint": "secops@example.com"}
TAG = {"Key": "prowler-fixer", "Value": CHECK_ID}


# --------------------------------------------------------------------------------------- harness


@pytest.fixture
def aws():
    with mock_aws():
        yield AwsAccount(None)


@pytest.fixture
def pending_email():
    """Email subscriptions stay PendingConfirmation unless the endpoint contains "+confirmed"."""
    with patched_moto("sns_confirmation"):
        yield


def fix(capsys, config: dict | None = None, *, denials=(), regions=REGIONS) -> tuple[bool, str]:
    """Run the fixer as Prowler does after a scan; return its answer and what it printed."""
    provider = build_provider(regions)
    provider._fixer_config = {} if config is None else {CHECK_ID: config}
    for service, operation in denials:
        deny(provider, service, operation, REGION)
    capsys.readouterr()
    answer = run_fixer(provider, REGION)
    return answer, capsys.readouterr().out


def trail(account: AwsAccount, **options) -> str:
    params = {"log_group": LOG_GROUP, "event_selectors": ALL_MANAGEMENT_EVENTS, **options}
    return create_logging_trail(account, "management-events", **params)


def queue(account: AwsAccount, name: str = "secops") -> str:
    sqs = account.client("sqs", REGION)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]


_VOLATILE_ALARM_KEYS = {
    "AlarmConfigurationUpdatedTimestamp",
    "StateReason",
    "StateReasonData",
    "StateTransitionedTimestamp",
    "StateUpdatedTimestamp",
    "StateValue",
}


def snapshot(account: AwsAccount, regions=REGIONS) -> dict:
    """Everything the fixer could touch, as comparable data."""
    state = {}
    for region in regions:
        logs = account.client("logs", region)
        cloudwatch = account.client("cloudwatch", region)
        sns = account.client("sns", region)
        topics = sorted(t["TopicArn"] for t in sns.list_topics()["Topics"])
        state[region] = {
            "log_groups": sorted(
                g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]
            ),
            "filters": sorted(
                json.dumps({k: v for k, v in f.items() if k != "creationTime"}, sort_keys=True)
                for f in logs.describe_metric_filters()["metricFilters"]
            ),
            "alarms": sorted(
                json.dumps(
                    {k: v for k, v in a.items() if k not in _VOLATILE_ALARM_KEYS},
                    sort_keys=True,
                    default=str,
                )
                for a in cloudwatch.describe_alarms()["MetricAlarms"]
            ),
            "topics": {
                arn: {
                    "attributes": _stable_attributes(sns.get_topic_attributes(TopicArn=arn)),
                    "tags": sns.list_tags_for_resource(ResourceArn=arn)["Tags"],
                }
                for arn in topics
            },
            "subscriptions": sorted(
                (s["TopicArn"], s["Protocol"], s["Endpoint"], s["SubscriptionArn"])
                for s in sns.list_subscriptions()["Subscriptions"]
            ),
            "trails": sorted(
                json.dumps(t, sort_keys=True)
                for t in account.client("cloudtrail", region).describe_trails()["trailList"]
            ),
        }
    return state


def _stable_attributes(response: dict) -> dict:
    attributes = dict(response["Attributes"])
    for key in ("SubscriptionsConfirmed", "SubscriptionsPending", "SubscriptionsDeleted"):
        attributes.pop(key, None)
    return attributes


def alarm(account: AwsAccount, name: str) -> dict:
    found = account.client("cloudwatch", REGION).describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert len(found) == 1, f"alarm {name}: {found}"
    return found[0]


def filters(account: AwsAccount) -> dict[str, dict]:
    listed = account.client("logs", REGION).describe_metric_filters(logGroupName=LOG_GROUP)
    return {f["filterName"]: f for f in listed["metricFilters"]}


def subscriptions(account: AwsAccount, topic_arn: str) -> list[tuple[str, str, bool]]:
    listed = account.client("sns", REGION).list_subscriptions_by_topic(TopicArn=topic_arn)
    return sorted(
        (s["Protocol"], s["Endpoint"], s["SubscriptionArn"].startswith("arn:"))
        for s in listed["Subscriptions"]
    )


def topic_arn(name: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if line.strip()]


def assert_passes() -> None:
    finding = run_check(regions=REGIONS)
    assert finding.status == "PASS", finding.status_extended


# --------------------------------------------------------------------------- registration


def test_importing_the_check_registers_the_fixer_where_prowler_looks(aws):
    with mock.patch(
        "prowler.providers.common.provider.Provider.get_global_provider",
        return_value=build_provider(REGIONS),
    ):
        importlib.import_module(CHECK_MODULE)
    target = prowler_fixer_module(CHECK_ID)
    assert target == (f"prowler.providers.aws.services.cloudwatch.{CHECK_ID}.{CHECK_ID}_fixer")
    module = importlib.import_module(target)
    assert module is sys.modules[FIXER_MODULE]
    # run_fixer picks the call by the names the function declares: only `region` here.
    assert module.fixer.__code__.co_varnames == ("region",)


def test_prowlers_run_fixer_repairs_an_account_with_only_a_trail(aws, capsys):
    """Prowler's own run_fixer, on the check's real FAIL finding, finds and runs our fixer."""
    from prowler.lib.check.check import run_fixer

    trail(aws)
    queue(aws)
    provider = build_provider(REGIONS)
    provider._fixer_config = {CHECK_ID: {"Subscriptions": [SQS]}}
    finding = run_check(provider)
    assert finding.status == "FAIL"
    with mock.patch(
        "prowler.providers.common.provider.Provider.get_global_provider", return_value=provider
    ):
        with mock.patch.multiple(FIXER_MODULE, **prowler_clients(provider)):
            assert run_fixer([finding]) == 1
    out = capsys.readouterr().out
    assert f"Fixing fails for check {CHECK_ID}" in out.replace("\x1b[33m", "").replace(
        "\x1b[0m", ""
    )
    assert "Plan (4 changes):" in out
    assert_passes()


# ------------------------------------------------------------------------ repairs, link by link


def test_missing_filter_topic_subscription_and_alarm_are_created(aws, capsys):
    trail(aws)
    queue(aws)
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok, out
    assert lines(out)[1:] == [
        "Finding: None of the 6 network gateway events is caught: log group cloudtrail-logs "
        "(us-east-1) of trail management-events has no metric filters.",
        "Repairing all 6 network gateway events on trail management-events -> log group "
        "cloudtrail-logs (us-east-1)",
        "Plan (4 changes):",
        "1. create metric filter cis-network-gateway-changes on log group cloudtrail-logs "
        "(us-east-1): the benchmark's pattern for the 6 events -> "
        "CISBenchmark/NetworkGatewayChanges = 1",
        "2. create SNS topic cis-security-alerts in us-east-1",
        f"3. subscribe sqs {SQS['Endpoint']} to SNS topic cis-security-alerts",
        "4. create alarm cis-network-gateway-changes in us-east-1: Sum of "
        "CISBenchmark/NetworkGatewayChanges >= 1 in 300 s (1 period, missing data not "
        "breaching) -> SNS topic cis-security-alerts",
        "Done: created metric filter cis-network-gateway-changes on log group cloudtrail-logs",
        f"Done: created SNS topic cis-security-alerts ({topic_arn('cis-security-alerts')})",
        f"Done: subscribed sqs {SQS['Endpoint']} to SNS topic cis-security-alerts (confirmed)",
        "Done: created alarm cis-network-gateway-changes in us-east-1",
        "Result: all 6 network gateway events now reach a confirmed subscriber: a re-check with "
        "the check's own rules, over what AWS holds now, says PASS.",
    ]
    created = filters(aws)["cis-network-gateway-changes"]
    assert created["filterPattern"] == BENCHMARK_PATTERN
    assert created["metricTransformations"] == [
        {
            "metricName": "NetworkGatewayChanges",
            "metricNamespace": "CISBenchmark",
            "metricValue": "1",
        }
    ]
    made = alarm(aws, "cis-network-gateway-changes")
    assert {k: made[k] for k in ("Statistic", "Period", "Threshold", "ComparisonOperator")} == {
        "Statistic": "Sum",
        "Period": 300,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    }
    assert made["EvaluationPeriods"] == 1 and made["TreatMissingData"] == "notBreaching"
    assert made["ActionsEnabled"] and made["AlarmActions"] == [topic_arn("cis-security-alerts")]
    cloudwatch, sns = aws.client("cloudwatch", REGION), aws.client("sns", REGION)
    assert TAG in cloudwatch.list_tags_for_resource(ResourceARN=made["AlarmArn"])["Tags"]
    assert TAG in sns.list_tags_for_resource(ResourceArn=topic_arn("cis-security-alerts"))["Tags"]
    assert_passes()


def test_benchmark_pattern_is_the_cis_remediation_pattern_of_the_control():
    """The control's pattern is the one CIS prints: checked against the remediation text of
    Prowler's own CIS 3.0 framework, not against a second copy here."""
    from prowler.lib.check.compliance_models import Compliance

    from prowler_ext.control import NETWORK_GATEWAY_CHANGES

    cis = Compliance.get_bulk("aws")["cis_3.0_aws"]
    (requirement,) = [r for r in cis.Requirements if r.Id == "4.12"]
    remediation = requirement.Attributes[0].RemediationProcedure
    assert NETWORK_GATEWAY_CHANGES.benchmark_pattern in remediation
    assert BENCHMARK_PATTERN == NETWORK_GATEWAY_CHANGES.benchmark_pattern


def test_missing_alarm_reuses_the_filter_and_the_configured_topic(aws, capsys):
    trail(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    alerts = create_topic(aws, REGION, "alerts", [("sqs", "alerts-queue")])
    before = snapshot(aws)
    ok, out = fix(capsys, {"TopicArn": alerts})
    assert ok, out
    assert (
        "Reuse: metric filter gw on log group cloudtrail-logs (us-east-1): catches all 6 "
        "network gateway events, publishes CISBenchmark/GwChanges = 1" in lines(out)
    )
    assert "Reuse: SNS topic alerts (the configured TopicArn; 1 confirmed subscription)" in lines(
        out
    )
    assert "Plan (1 change):" in lines(out)
    assert list(filters(aws)) == ["gw"]  # no second filter
    made = alarm(aws, "cis-network-gateway-changes")
    assert (made["MetricName"], made["AlarmActions"]) == ("GwChanges", [alerts])
    after = snapshot(aws)
    assert after[REGION]["filters"] == before[REGION]["filters"]
    assert after[REGION]["subscriptions"] == before[REGION]["subscriptions"]
    assert after[REGION]["topics"][alerts] == before[REGION]["topics"][alerts]
    assert_passes()


def test_alarm_with_actions_disabled_is_not_edited_a_new_one_notifies_its_topic(aws, capsys):
    trail(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    alerts = create_topic(aws, REGION, "alerts", [("sqs", "alerts-queue")])
    put_alarm(aws, REGION, "gw", "GwChanges", alarm_actions=[alerts], actions_enabled=False)
    theirs = alarm(aws, "gw")
    ok, out = fix(capsys, {})  # no subscription needed: the topic has a confirmed one
    assert ok, out
    assert "Reuse: SNS topic alerts (notified by alarm gw; 1 confirmed subscription)" in lines(out)
    assert alarm(aws, "gw") == theirs
    assert alarm(aws, "cis-network-gateway-changes")["AlarmActions"] == [alerts]
    assert_passes()


def test_alarm_that_notifies_nobody_gets_a_sibling_with_a_new_topic(aws, capsys):
    trail(aws)
    queue(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    put_alarm(aws, REGION, "gw-dashboard", "GwChanges")  # no actions at all
    theirs = alarm(aws, "gw-dashboard")
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok, out
    assert [line for line in lines(out) if line[:2] in ("1.", "2.", "3.")] == [
        "1. create SNS topic cis-security-alerts in us-east-1",
        f"2. subscribe sqs {SQS['Endpoint']} to SNS topic cis-security-alerts",
        "3. create alarm cis-network-gateway-changes in us-east-1: Sum of CISBenchmark/GwChanges "
        ">= 1 in 300 s (1 period, missing data not breaching) -> SNS topic cis-security-alerts",
    ]
    assert alarm(aws, "gw-dashboard") == theirs
    assert_passes()


def test_alarm_whose_topic_was_deleted_is_left_alone(aws, capsys):
    trail(aws)
    queue(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    put_alarm(aws, REGION, "gw", "GwChanges", alarm_actions=[topic_arn("deleted-topic")])
    theirs = alarm(aws, "gw")
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok, out
    assert "1. create SNS topic cis-security-alerts in us-east-1" in lines(out)
    assert alarm(aws, "gw") == theirs
    assert topic_arn("deleted-topic") not in snapshot(aws)[REGION]["topics"]
    assert_passes()


def test_alarm_that_needs_three_datapoints_is_not_edited(aws, capsys):
    trail(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    alerts = create_topic(aws, REGION, "alerts", [("sqs", "alerts-queue")])
    put_alarm(aws, REGION, "gw", "GwChanges", alarm_actions=[alerts], evaluation_periods=3)
    theirs = alarm(aws, "gw")
    ok, out = fix(capsys)
    assert ok, out
    assert alarm(aws, "gw") == theirs
    assert alarm(aws, "cis-network-gateway-changes")["EvaluationPeriods"] == 1
    assert_passes()


def test_topic_without_confirmed_subscription_gets_the_configured_one(aws, capsys):
    trail(aws)
    queue(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    empty = create_topic(aws, REGION, "empty")
    put_alarm(aws, REGION, "gw", "GwChanges", alarm_actions=[empty])
    before = snapshot(aws)
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok, out
    assert lines(out)[3:7] == [
        "Reuse: metric filter gw on log group cloudtrail-logs (us-east-1): catches all 6 "
        "network gateway events, publishes CISBenchmark/GwChanges = 1",
        "Reuse: alarm gw: fires on one event of CISBenchmark/GwChanges and notifies SNS topic "
        "empty",
        "Reuse: SNS topic empty (notified by alarm gw; 0 confirmed subscriptions)",
        "Plan (1 change):",
    ]
    assert subscriptions(aws, empty) == [("sqs", SQS["Endpoint"], True)]
    after = snapshot(aws)
    assert (after[REGION]["alarms"], after[REGION]["filters"]) == (
        before[REGION]["alarms"],
        before[REGION]["filters"],
    )
    assert_passes()


def test_email_subscription_stays_pending_and_the_second_run_waits(aws, capsys, pending_email):
    trail(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    team = create_topic(aws, REGION, "network-team", [("email", "netops@example.com")])
    put_alarm(aws, REGION, "gw", "GwChanges", alarm_actions=[team])
    ok, out = fix(capsys, {"Subscriptions": [EMAIL]})
    assert ok, out
    assert (
        "Done: subscribed email secops@example.com to SNS topic network-team: pending "
        "confirmation (AWS sent a confirmation message to the endpoint)" in lines(out)
    )
    assert lines(out)[-1].startswith(
        "Result: the chain now waits for email secops@example.com to confirm the subscription"
    )
    assert lines(out)[-1].endswith("Until then the check reports FAIL: no confirmed subscription.")
    finding = run_check(regions=REGIONS)
    assert finding.status == "FAIL"
    assert "which has no confirmed subscription (2 pending)" in finding.status_extended

    before = snapshot(aws)
    ok, out = fix(capsys, {"Subscriptions": [EMAIL]})
    assert ok, out
    assert (
        "Nothing to change: the path is complete except for the confirmation of email "
        "secops@example.com, which is pending." in lines(out)
    )
    assert not [line for line in lines(out) if line.startswith(("Plan", "Done"))]
    assert snapshot(aws) == before


def test_no_subscription_configured_creates_nothing_and_names_the_key(aws, capsys):
    trail(aws)
    before = snapshot(aws)
    ok, out = fix(capsys, {})
    assert not ok
    assert lines(out)[-1] == (
        "Nothing was changed: creating SNS topic cis-security-alerts would be useless without "
        "a subscriber: add Subscriptions: [{Protocol: email, Endpoint: secops@example.com}] to "
        "the fixer config."
    )
    assert snapshot(aws) == before


def test_pending_topic_without_configured_subscription_says_confirm_or_add(
    aws, capsys, pending_email
):
    trail(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    team = create_topic(aws, REGION, "network-team", [("email", "netops@example.com")])
    put_alarm(aws, REGION, "gw", "GwChanges", alarm_actions=[team])
    before = snapshot(aws)
    ok, out = fix(capsys)
    assert not ok
    assert (
        "SNS topic network-team (notified by alarm gw) has no confirmed subscription (1 pending): "
        "confirm one, or add Subscriptions:" in out
    )
    assert snapshot(aws) == before


def test_a_caught_events_topic_is_reused_for_the_uncovered_ones(aws, capsys, pending_email):
    """The demo account's story: internet gateway events reach security-alerts; customer
    gateway events only reach an alarm whose topic has a pending subscriber. A new alarm on
    the benchmark filter's metric that notifies security-alerts PASSes at once, so it beats
    subscribing someone to network-team (which would wait for a confirmation)."""
    trail(aws)
    alerts = create_topic(aws, REGION, "security-alerts", [("sqs", "security-alerts")])
    team = create_topic(aws, REGION, "network-team", [("email", "netops@example.com")])
    put_metric_filter(
        aws, REGION, LOG_GROUP, "igw", "{ $.eventName = *InternetGateway }", "IgwCount"
    )
    put_alarm(aws, REGION, "igw", "IgwCount", alarm_actions=[alerts])
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwCount")
    put_alarm(aws, REGION, "gw", "GwCount", alarm_actions=[team])
    before = snapshot(aws)
    ok, out = fix(capsys, {"Subscriptions": [EMAIL]})
    assert ok, out
    assert lines(out)[2] == (
        "Repairing CreateCustomerGateway, DeleteCustomerGateway on trail management-events -> "
        "log group cloudtrail-logs (us-east-1)"
    )
    assert (
        "Reuse: SNS topic security-alerts (already notified for AttachInternetGateway; 1 "
        "confirmed subscription)" in lines(out)
    )
    assert "Plan (1 change):" in lines(out)
    assert alarm(aws, "cis-network-gateway-changes")["AlarmActions"] == [alerts]
    after = snapshot(aws)
    assert after[REGION]["subscriptions"] == before[REGION]["subscriptions"]
    assert_passes()


def test_configured_topic_arn_gives_way_to_the_alarm_that_only_lacks_a_subscriber(aws, capsys):
    """Both repairs take one change and need no confirmation: the check's own path wins (the
    broken link is repaired, no second alarm is made), and the unused TopicArn is named."""
    trail(aws)
    queue(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    empty = create_topic(aws, REGION, "empty")
    alerts = create_topic(aws, REGION, "alerts", [("sqs", "alerts-queue")])
    put_alarm(aws, REGION, "gw", "GwChanges", alarm_actions=[empty])
    ok, out = fix(capsys, {"TopicArn": alerts, "Subscriptions": [SQS]})
    assert ok, out
    assert f"1. subscribe sqs {SQS['Endpoint']} to SNS topic empty" in lines(out)
    assert (
        f"Note: TopicArn {alerts} is not used: alarm gw already notifies SNS topic empty"
        in lines(out)
    )
    assert_passes()


# ------------------------------------------------------------------------------ names and topics


def test_taken_filter_alarm_and_metric_names_get_derived_names(aws, capsys):
    trail(aws)
    queue(aws)
    # A filter under our name that catches nothing of ours, publishing our metric name.
    put_metric_filter(
        aws,
        REGION,
        LOG_GROUP,
        "cis-network-gateway-changes",
        "{ $.eventName = ConsoleLogin }",
        "NetworkGatewayChanges",
    )
    # An unrelated alarm under our alarm name.
    put_alarm(aws, REGION, "cis-network-gateway-changes", "CPUUtilization", namespace="Custom")
    before = snapshot(aws)
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok, out
    notes = [line for line in lines(out) if line.startswith("Note:")]
    assert notes == [
        "Note: metric CISBenchmark/NetworkGatewayChanges is already used in us-east-1 (by "
        "cis-network-gateway-changes on log group cloudtrail-logs); the new filter publishes to a "
        "metric of its own",
        "Note: metric filter name cis-network-gateway-changes is taken on log group "
        "cloudtrail-logs (us-east-1) by a filter that does not qualify (PutMetricFilter would "
        "replace it); using cis-network-gateway-changes-2",
        "Note: alarm name cis-network-gateway-changes is taken in us-east-1 (PutMetricAlarm "
        "would replace that alarm, and the fixer never edits your alarms); using "
        "cis-network-gateway-changes-2",
    ]
    made = filters(aws)["cis-network-gateway-changes-2"]
    assert made["metricTransformations"][0]["metricName"] == "NetworkGatewayChanges-2"
    assert alarm(aws, "cis-network-gateway-changes-2")["MetricName"] == "NetworkGatewayChanges-2"
    after = snapshot(aws)
    assert set(before[REGION]["filters"]) <= set(after[REGION]["filters"])  # theirs unchanged
    assert set(before[REGION]["alarms"]) <= set(after[REGION]["alarms"])
    assert_passes()


def test_existing_topic_named_like_ours_is_reused_not_changed(aws, capsys):
    trail(aws)
    ours = create_topic(aws, REGION, "cis-security-alerts", [("sqs", "their-queue")])
    before = snapshot(aws)[REGION]["topics"][ours]
    ok, out = fix(capsys, {"Subscriptions": [SQS]})  # not needed: it has a confirmed one
    assert ok, out
    assert (
        "Reuse: SNS topic cis-security-alerts (the configured TopicName; 1 confirmed "
        "subscription)" in lines(out)
    )
    steps = [line for line in lines(out) if line[:1].isdigit()]
    assert not any("create SNS topic" in step or "subscribe " in step for step in steps), steps
    assert snapshot(aws)[REGION]["topics"][ours] == before  # attributes and tags untouched
    assert len(subscriptions(aws, ours)) == 1
    assert_passes()


def test_topic_encrypted_with_the_aws_managed_key_is_not_used(aws, capsys):
    trail(aws)
    queue(aws)
    aws.client("sns", REGION).create_topic(
        Name="cis-security-alerts", Attributes={"KmsMasterKeyId": "alias/aws/sns"}
    )
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok, out
    assert (
        "Note: SNS topic cis-security-alerts exists but is encrypted with the AWS managed key "
        "alias/aws/sns, which CloudWatch alarms cannot use; using topic cis-security-alerts-2 "
        "instead" in lines(out)
    )
    made = alarm(aws, "cis-network-gateway-changes")
    assert made["AlarmActions"] == [topic_arn("cis-security-alerts-2")]
    assert_passes()


def test_customer_managed_key_encrypts_the_new_topic(aws, capsys):
    trail(aws)
    queue(aws)
    key = aws.client("kms", REGION).create_key(Policy=json.dumps(CLOUDWATCH_KEY_POLICY))[
        "KeyMetadata"
    ]["Arn"]
    ok, out = fix(capsys, {"Subscriptions": [SQS], "KmsMasterKeyId": key})
    assert ok, out
    assert f"2. create SNS topic cis-security-alerts in us-east-1, encrypted with {key}" in lines(
        out
    )
    attributes = aws.client("sns", REGION).get_topic_attributes(
        TopicArn=topic_arn("cis-security-alerts")
    )["Attributes"]
    assert attributes["KmsMasterKeyId"] == key


def test_a_key_whose_policy_leaves_cloudwatch_out_is_refused_before_any_write(aws, capsys):
    """The check's key rule, not a weaker one: a topic CloudWatch cannot publish to would make
    the fixer say "fixed" while the next scan still FAILs."""
    trail(aws)
    queue(aws)
    key = aws.client("kms", REGION).create_key()["KeyMetadata"]["Arn"]  # default policy
    before = snapshot(aws)
    ok, out = fix(capsys, {"Subscriptions": [SQS], "KmsMasterKeyId": key})
    assert not ok
    assert "whose key policy does not let cloudwatch.amazonaws.com use it" in out, out
    assert snapshot(aws) == before
    assert run_check(regions=REGIONS).status == "FAIL"


def test_an_existing_topic_whose_key_leaves_cloudwatch_out_is_not_reused(aws, capsys):
    trail(aws)
    queue(aws)
    key = aws.client("kms", REGION).create_key()["KeyMetadata"]["Arn"]
    aws.client("sns", REGION).create_topic(
        Name="cis-security-alerts", Attributes={"KmsMasterKeyId": key}
    )
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok, out
    assert "using topic cis-security-alerts-2 instead" in out
    assert alarm(aws, "cis-network-gateway-changes")["AlarmActions"] == [
        topic_arn("cis-security-alerts-2")
    ]
    assert_passes()


def test_aws_managed_key_setting_is_refused(aws, capsys):
    trail(aws)
    before = snapshot(aws)
    ok, out = fix(capsys, {"Subscriptions": [SQS], "KmsMasterKeyId": "alias/aws/sns"})
    assert not ok
    assert "Nothing was changed: the fixer config is not valid:" in lines(out)
    assert "cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*" in out
    assert snapshot(aws) == before


@pytest.mark.parametrize(
    ("topic", "problem"),
    [
        (
            f"arn:aws:sns:{REGION}:{ACCOUNT}:nowhere",
            f"TopicArn arn:aws:sns:{REGION}:{ACCOUNT}:nowhere does not exist (the fixer creates "
            "only TopicName, never a topic named by ARN)",
        ),
        (
            f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts",
            f"TopicArn arn:aws:sns:eu-west-1:{ACCOUNT}:alerts is in eu-west-1, but the alarm must "
            "be in us-east-1 with the metric, and CloudWatch alarms notify topics of their own "
            "region",
        ),
        (
            f"arn:aws:sns:{REGION}:999999999999:alerts",
            f"TopicArn arn:aws:sns:{REGION}:999999999999:alerts is in account 999999999999; the "
            f"fixer uses topics of the audited account {ACCOUNT} only",
        ),
    ],
    ids=["missing", "other-region", "other-account"],
)
def test_unusable_topic_arn_changes_nothing(aws, capsys, topic, problem):
    trail(aws)
    create_topic(aws, "eu-west-1", "alerts", [("sqs", "alerts-queue")])
    before = snapshot(aws)
    ok, out = fix(capsys, {"TopicArn": topic, "Subscriptions": [SQS]})
    assert not ok
    assert lines(out)[-1] == f"Nothing was changed: {problem}."
    assert snapshot(aws) == before


# ------------------------------------------------------------------------------ safety rules


def test_dry_run_prints_the_plan_and_changes_nothing(aws, capsys):
    trail(aws)
    queue(aws)
    before = snapshot(aws)
    ok, out = fix(capsys, {"Subscriptions": [SQS], "DryRun": True})
    assert not ok
    assert "Plan (4 changes):" in lines(out)
    assert lines(out)[-1] == "Dry run (DryRun: true): nothing was changed."
    assert snapshot(aws) == before
    assert run_check(regions=REGIONS).status == "FAIL"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "aws:\n  cloudwatch_changes_to_network_gateways_alarm:\n\tDryRun: true\n",
            "is not valid YAML at line 3, column 1",
        ),
        (
            "aws:\n  cloudwatch_changes_to_network_gateways_alarm: {DryRun: true\n",
            "is not valid YAML",
        ),
        ("cloudwatch_changes_to_network_gateways_alarm:\n  DryRun: true\n", "has no aws: section"),
        (b"aws:\n  x: \xff\xfe\n", "is not UTF-8"),
    ],
)
def test_a_fixer_config_file_it_cannot_read_changes_nothing(
    aws, capsys, tmp_path, monkeypatch, content, problem
):
    """Prowler reads a broken --fixer-config as {}: defaults, DryRun off. The fixer refuses.
    (With defaults it would write here: the filter and a confirmed topic exist, an alarm on the
    filter's metric notifying the topic is all that is missing.)"""
    trail(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    create_topic(aws, REGION, "cis-security-alerts", [("sqs", "alerts-queue")])
    path = tmp_path / "fixer.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    monkeypatch.setattr(sys, "argv", ["prowler", "aws", "--fixer", "--fixer-config", str(path)])
    before = snapshot(aws)
    ok, out = fix(capsys, None)  # what Prowler hands the fixer for such a file
    assert not ok
    assert lines(out)[1] == "Nothing was changed: the fixer config is not valid:"
    assert f"the fixer config file {path} {problem}" in out
    assert snapshot(aws) == before


def test_a_readable_fixer_config_file_is_used(aws, capsys, tmp_path, monkeypatch):
    trail(aws)
    queue(aws)
    path = tmp_path / "fixer.yaml"
    path.write_text(f"aws:\n  {CHECK_ID}:\n    DryRun: true\n")
    monkeypatch.setattr(sys, "argv", ["prowler", "--fixer-config=" + str(path)])
    ok, out = fix(capsys, {"Subscriptions": [SQS], "DryRun": True})
    assert not ok
    assert lines(out)[-1] == "Dry run (DryRun: true): nothing was changed."


def test_secrets_in_an_endpoint_are_never_printed(aws, capsys):
    trail(aws)
    hook = "https://ops:s3cr3t-pass@hooks.example.com/alert?token=t0ken-value"
    ok, out = fix(capsys, {"Subscriptions": [{"Protocol": "https", "Endpoint": hook}]})
    assert "s3cr3t-pass" not in out and "t0ken-value" not in out, out
    assert "https https://***@hooks.example.com/alert?***" in out
    # what AWS was given is the real endpoint
    topic = aws.client("sns").list_topics()["Topics"][0]["TopicArn"]
    endpoints = [
        s["Endpoint"]
        for s in aws.client("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    ]
    assert endpoints == [hook]


def test_a_filter_whose_default_value_keeps_an_alarm_in_alarm_is_not_reused(aws, capsys):
    """Reusing it, the new Sum >= 1 alarm would sit in ALARM on the defaults alone: the next
    scan would FAIL although the fixer said it fixed the account."""
    trail(aws)
    queue(aws)
    aws.client("logs", REGION).put_metric_filter(
        logGroupName=LOG_GROUP,
        filterName="gw",
        filterPattern=BENCHMARK_PATTERN,
        metricTransformations=[
            {
                "metricName": "GwChanges",
                "metricNamespace": "CISBenchmark",
                "metricValue": "1",
                "defaultValue": 1.0,
            }
        ],
    )
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok, out
    assert "Reuse: metric filter gw" not in out
    filters = aws.client("logs", REGION).describe_metric_filters(logGroupName=LOG_GROUP)
    assert sorted(f["filterName"] for f in filters["metricFilters"]) == [
        "cis-network-gateway-changes",
        "gw",
    ]
    assert_passes()


def test_a_topic_whose_policy_refuses_cloudwatch_is_not_reused(aws, capsys):
    trail(aws)
    queue(aws)
    topic = aws.client("sns", REGION).create_topic(Name="cis-security-alerts")["TopicArn"]
    deny_publish = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "SNS:Publish", "Resource": topic}
        ],
    }
    aws.client("sns", REGION).set_topic_attributes(
        TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(deny_publish)
    )
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok, out
    assert "SNS topic cis-security-alerts exists but cannot be used:" in out
    assert alarm(aws, "cis-network-gateway-changes")["AlarmActions"] == [
        topic_arn("cis-security-alerts-2")
    ]
    assert_passes()


def test_a_topic_whose_only_subscriber_filters_alarms_out_gets_the_configured_one(aws, capsys):
    trail(aws)
    put_metric_filter(aws, REGION, LOG_GROUP, "gw", BENCHMARK_PATTERN, "GwChanges")
    alerts = create_topic(aws, REGION, "alerts", [("sqs", "alerts-queue")])
    sns = aws.client("sns", REGION)
    (existing,) = sns.list_subscriptions_by_topic(TopicArn=alerts)["Subscriptions"]
    sns.set_subscription_attributes(
        SubscriptionArn=existing["SubscriptionArn"],
        AttributeName="FilterPolicy",
        AttributeValue=json.dumps({"severity": ["high"]}),
    )
    put_alarm(aws, REGION, "gw", "GwChanges", alarm_actions=[alerts])
    assert run_check(regions=REGIONS).status == "FAIL"
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok, out
    assert f"subscribe sqs {SQS['Endpoint']} to SNS topic alerts" in out
    assert_passes()


def _before_apply(monkeypatch, action):
    """Run `action` between the fixer's plan and its first write (another run, or a user)."""
    from prowler_ext.remediation import run as fixer_run

    real_apply = fixer_run.apply

    def apply_later(plan, account):
        action()
        return real_apply(plan, account)

    monkeypatch.setattr(fixer_run, "apply", apply_later)


def test_a_filter_written_under_the_planned_name_since_the_plan_is_never_replaced(
    aws, capsys, monkeypatch
):
    trail(aws)
    queue(aws)
    logs = aws.client("logs", REGION)

    def user_writes_a_filter():
        put_metric_filter(aws, REGION, LOG_GROUP, "cis-network-gateway-changes", "ERROR", "Errs")

    _before_apply(monkeypatch, user_writes_a_filter)
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert not ok
    assert "a metric filter named cis-network-gateway-changes appeared on log group" in out
    (kept,) = logs.describe_metric_filters(logGroupName=LOG_GROUP)["metricFilters"]
    assert kept["filterPattern"] == "ERROR"  # the user's filter, untouched


def test_overlapping_runs_converge_on_one_chain(aws, capsys, monkeypatch):
    """A second run that planned before the first one wrote finds the first one's filter and
    alarm as planned and makes no second chain."""
    trail(aws)
    queue(aws)
    settings = {"Subscriptions": [SQS]}

    def another_run_writes_first():
        monkeypatch.undo()  # the other run is a plain one
        assert fix(capsys, settings)[0]

    _before_apply(monkeypatch, another_run_writes_first)
    ok, out = fix(capsys, settings)
    assert ok, out
    assert "as planned (made by another run)" in out
    filters = aws.client("logs", REGION).describe_metric_filters(logGroupName=LOG_GROUP)
    assert [f["filterName"] for f in filters["metricFilters"]] == ["cis-network-gateway-changes"]
    alarms = aws.client("cloudwatch", REGION).describe_alarms()["MetricAlarms"]
    assert [a["AlarmName"] for a in alarms] == ["cis-network-gateway-changes"]
    assert_passes()


def test_second_run_is_a_no_op(aws, capsys):
    trail(aws)
    queue(aws)
    assert fix(capsys, {"Subscriptions": [SQS]})[0]
    before = snapshot(aws)
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert ok
    assert lines(out)[1:] == [
        "Nothing to change: all 6 network gateway events already reach a confirmed subscriber."
    ]
    assert snapshot(aws) == before


@pytest.mark.parametrize(
    ("trail_options", "reason"),
    [
        ({"multi_region": False}, "trail management-events is not multi-region"),
        ({"start_logging": False}, "trail management-events is not logging"),
        ({"log_group": None}, "trail management-events does not deliver to CloudWatch Logs"),
        (
            {"event_selectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]},
            "trail management-events does not record all management events",
        ),
    ],
    ids=["single-region", "stopped", "no-cloudwatch-logs", "write-only"],
)
def test_no_qualifying_trail_changes_nothing_and_points_to_the_trail_fixer(
    aws, capsys, trail_options, reason
):
    trail(aws, **trail_options)
    before = snapshot(aws)
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert not ok
    last = lines(out)[-1]
    assert last.startswith(f"Nothing was changed: no trail qualifies ({reason}")
    assert (
        "The fixer does not create or change trails: Prowler's cloudtrail_multi_region_enabled "
        "fixer creates a multi-region trail" in last
    )
    assert snapshot(aws) == before


def test_no_trail_at_all_changes_nothing(aws, capsys):
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert not ok
    assert lines(out)[-1].startswith("Nothing was changed: no CloudTrail trail exists. The fixer")


def test_unknown_setting_is_refused_rather_than_ignored(aws, capsys):
    trail(aws)
    before = snapshot(aws)
    ok, out = fix(capsys, {"Subscriptions": [SQS], "Dryrun": True})
    assert not ok
    assert lines(out)[1:3] == [
        "Nothing was changed: the fixer config is not valid:",
        "- unknown setting Dryrun (known: MetricNamespace, MetricName, FilterName, AlarmName, "
        "TopicName, TopicArn, Subscriptions, DryRun, KmsMasterKeyId, Tags)",
    ]
    assert snapshot(aws) == before


def test_denied_write_stops_says_what_was_done_and_a_rerun_continues(aws, capsys):
    trail(aws)
    queue(aws)
    config = {"Subscriptions": [SQS]}
    ok, out = fix(capsys, config, denials=[("cloudwatch", "PutMetricAlarm")])
    assert not ok
    assert lines(out)[-6:] == [
        "Done: created metric filter cis-network-gateway-changes on log group cloudtrail-logs",
        f"Done: created SNS topic cis-security-alerts ({topic_arn('cis-security-alerts')})",
        f"Done: subscribed sqs {SQS['Endpoint']} to SNS topic cis-security-alerts (confirmed)",
        "Failed: create alarm cis-network-gateway-changes in us-east-1: Sum of "
        "CISBenchmark/NetworkGatewayChanges >= 1 in 300 s (1 period, missing data not breaching) "
        "-> SNS topic cis-security-alerts: cloudwatch:PutMetricAlarm failed in us-east-1 "
        "(AccessDenied: not authorized to perform PutMetricAlarm)",
        "Not done: create alarm cis-network-gateway-changes in us-east-1: Sum of "
        "CISBenchmark/NetworkGatewayChanges >= 1 in 300 s (1 period, missing data not breaching) "
        "-> SNS topic cis-security-alerts",
        "Nothing else was changed. What was created stays (alarms and topics tagged "
        f"prowler-fixer={CHECK_ID}); a new run continues from there.",
    ]
    ok, out = fix(capsys, config)
    assert ok, out
    assert "Reuse: metric filter cis-network-gateway-changes" in out
    assert (
        "Reuse: SNS topic cis-security-alerts (the configured TopicName; 1 confirmed "
        "subscription)" in lines(out)
    )
    assert "Plan (1 change):" in lines(out)
    assert_passes()


def test_denied_read_changes_nothing(aws, capsys):
    trail(aws)
    before = snapshot(aws)
    ok, out = fix(
        capsys, {"Subscriptions": [SQS]}, denials=[("cloudwatch-logs", "DescribeMetricFilters")]
    )
    assert not ok
    assert "Nothing was changed:" in out
    assert "logs:DescribeMetricFilters" in out
    assert snapshot(aws) == before


def test_the_fixer_never_raises_into_prowler(aws, capsys, monkeypatch):
    from prowler_ext.remediation import plan

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(plan.Planner, "plan", broken)
    trail(aws)
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert not ok
    assert lines(out)[-1] == (
        "Stopped on an unexpected error (RuntimeError: boom); anything done before it is listed "
        "above, nothing else was changed."
    )


def test_fixed_is_said_only_when_a_re_check_passes(aws, capsys, monkeypatch):
    """Someone encrypts the new topic with the AWS managed key between the fixer's last write
    and its re-check: the fixer says what the re-check found, not "fixed"."""
    from prowler_ext.remediation import apply as apply_module

    trail(aws)
    queue(aws)
    original = apply_module.apply

    def apply_then_encrypt(plan, account):
        outcome = original(plan, account)
        aws.client("sns", REGION).set_topic_attributes(
            TopicArn=topic_arn("cis-security-alerts"),
            AttributeName="KmsMasterKeyId",
            AttributeValue="alias/aws/sns",
        )
        return outcome

    monkeypatch.setattr("prowler_ext.remediation.run.apply", apply_then_encrypt)
    ok, out = fix(capsys, {"Subscriptions": [SQS]})
    assert not ok
    assert "Done: created alarm cis-network-gateway-changes in us-east-1" in lines(out)
    assert lines(out)[-1] == (
        "Result: not fixed. Re-checked through the check's own rules after the changes: FAIL. "
        "None of the 6 network gateway events reaches a person: alarm cis-network-gateway-changes "
        "notifies SNS topic cis-security-alerts, which is encrypted with the AWS managed key "
        "alias/aws/sns, which CloudWatch alarms cannot use."
    ), out
    assert run_check(regions=REGIONS).status == "FAIL"
