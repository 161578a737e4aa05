"""The check through Prowler's real clients on moto: each link of the chain broken alone.

Every test asserts what a user sees: the status, the sentence, and the resource and region
the finding points at.
"""

from __future__ import annotations

import threading

import pytest
from moto import mock_aws

from prowler_ext import __version__
from prowler_ext.chain import judge, judge_all
from prowler_ext.cis_monitoring import SECTION
from prowler_ext.control import NETWORK_GATEWAY_CHANGES, NETWORK_GATEWAY_EVENTS
from prowler_ext.prowler_source import ProwlerEvidence
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
    CLOUDWATCH_KEY_POLICY,
    build_provider,
    deny,
    prowler_clients,
    respond,
    run_check,
)

LOG_GROUP = "cloudtrail-logs"
REGION = "us-east-1"


@pytest.fixture
def aws():
    with mock_aws():
        yield AwsAccount(None)


def chain(
    account: AwsAccount,
    *,
    pattern: str = BENCHMARK_PATTERN,
    trail: dict | None = None,
    value: str = "1",
    dimensions: dict | None = None,
    default_value: float | None = None,
    alarm: dict | None = None,
    subscriptions=(("sqs", "secops-queue"),),
    topic_name: str = "security-alerts",
    filter_region: str = REGION,
    filter_log_group: str = LOG_GROUP,
) -> dict:
    """A complete benchmark chain; keyword arguments break one link at a time."""
    trail_options = {"event_selectors": ALL_MANAGEMENT_EVENTS, **(trail or {})}
    trail_arn = create_logging_trail(
        account, "management-events", log_group=LOG_GROUP, **trail_options
    )
    if (filter_region, filter_log_group) != (REGION, LOG_GROUP):
        account.client("logs", filter_region).create_log_group(logGroupName=filter_log_group)
    put_metric_filter(
        account,
        filter_region,
        filter_log_group,
        "gateway-changes",
        pattern,
        "GatewayChanges",
        value=value,
        dimensions=dimensions,
        default_value=default_value,
    )
    topic_arn = create_topic(account, filter_region, topic_name, list(subscriptions))
    alarm_options = {"alarm_actions": [topic_arn], **(alarm or {})}
    alarm_arn = put_alarm(
        account, filter_region, "gateway-changes", "GatewayChanges", **alarm_options
    )
    return {"trail": trail_arn, "topic": topic_arn, "alarm": alarm_arn}


def test_compliant_chain_passes(aws):
    made = chain(aws)
    finding = run_check()
    assert finding.status == "PASS"
    assert finding.status_extended == (
        "All 6 network gateway events reach a confirmed subscriber: trail management-events -> "
        "log group cloudtrail-logs (us-east-1) -> metric filter gateway-changes -> alarm "
        "gateway-changes -> SNS topic security-alerts (1 confirmed subscription)."
    )
    assert finding.resource_details == (
        "6 of 6 events reach a confirmed subscriber, through alarm gateway-changes "
        f"({made['alarm']})"
    )
    assert finding.resource_id == ACCOUNT
    assert finding.region == REGION
    assert finding.resource["plugin"] == f"prowler-cis-network-gateways {__version__}"
    assert set(finding.resource["events"]) == set(NETWORK_GATEWAY_EVENTS)
    assert all(e["status"] == "caught" for e in finding.resource["events"].values())


def test_the_engine_memos_last_one_scan(aws):
    """Parsed patterns and proofs are shared by the checks of one scan (kept after a check,
    for the next one) and freed when another scan begins: a scan carries no memo of the one
    before (26 MB at 20,000 distinct patterns)."""
    from prowler_ext.filterpattern import parser

    chain(aws)
    parser.parse("{ $.earlier = 1 }")  # an earlier scan's pattern
    assert run_check().status == "PASS"  # new clients: a new scan

    def missed(text: str) -> bool:
        before = parser._parse_cached.cache_info().misses
        parser.parse(text)
        return parser._parse_cached.cache_info().misses == before + 1

    assert not missed(BENCHMARK_PATTERN)  # this scan's pattern, kept for its other checks
    assert missed("{ $.earlier = 1 }")  # freed when the scan began


def test_a_trail_s_log_group_is_read_once_whatever_its_filters(aws):
    """Six filters catch every event and no alarm watches their metrics, 40 unrelated filters
    stand on other log groups: one DescribeMetricFilters reads the trail's log group with every
    filter's details, not one call per catching filter, and nothing for the other groups."""
    create_logging_trail(
        aws, "management-events", log_group=LOG_GROUP, event_selectors=ALL_MANAGEMENT_EVENTS
    )
    for i in range(6):
        put_metric_filter(aws, REGION, LOG_GROUP, f"gateways-{i}", BENCHMARK_PATTERN, f"Gw{i}")
    aws.client("logs", REGION).create_log_group(logGroupName="/app/service")
    for i in range(40):
        put_metric_filter(aws, REGION, "/app/service", f"errors-{i}", "ERROR", f"Errors{i}")
    clients = prowler_clients(build_provider())
    source = ProwlerEvidence(*clients.values())
    verdict = judge(source, NETWORK_GATEWAY_CHANGES)

    assert verdict.status == "FAIL", verdict.sentence
    assert "no alarm watches metric CISBenchmark/Gw0 of metric filter gateways-0" in (
        verdict.sentence
    )
    assert source.stats.calls["logs:DescribeMetricFilters"] == 1


def test_a_metric_with_more_alarms_than_one_call_names_is_read_in_one_call(aws):
    """250 alarms on the filter's metric, only the last one notifies: one
    DescribeAlarmsForMetric reads them all (not three DescribeAlarms of 100 names), and the
    path goes through the alarm that qualifies."""
    made = chain(aws, alarm={"comparison": "LessThanThreshold"})
    for i in range(249):
        put_alarm(
            aws,
            REGION,
            f"gateway-changes-{i:03d}",
            "GatewayChanges",
            alarm_actions=[made["topic"]],
            comparison="LessThanThreshold" if i < 248 else "GreaterThanOrEqualToThreshold",
        )
    source = ProwlerEvidence(*prowler_clients(build_provider()).values())
    verdict = judge(source, NETWORK_GATEWAY_CHANGES)

    assert verdict.status == "PASS", verdict.sentence
    assert "alarm gateway-changes-248 -> SNS topic security-alerts" in verdict.sentence
    assert source.stats.calls["cloudwatch:DescribeAlarmsForMetric"] == 1
    assert source.stats.calls.get("cloudwatch:DescribeAlarms", 0) == 0


def test_the_alarms_of_several_metrics_are_read_in_parallel_batches_in_their_order(aws):
    """Two filters catch every event, each publishing its own metric with 90 alarms: the 180
    names are read in two DescribeAlarms batches on several threads (as Prowler's services
    do), and the path goes through the first alarm that qualifies in the inventory's order."""
    made = chain(aws, alarm={"comparison": "LessThanThreshold"})
    put_metric_filter(aws, REGION, LOG_GROUP, "gateway-copy", BENCHMARK_PATTERN, "GatewayCopy")
    for metric in ("GatewayChanges", "GatewayCopy"):
        for i in range(89 if metric == "GatewayChanges" else 90):
            qualifies = metric == "GatewayCopy" and i == 89
            put_alarm(
                aws,
                REGION,
                f"{metric}-{i:03d}",
                metric,
                alarm_actions=[made["topic"]],
                comparison="GreaterThanOrEqualToThreshold" if qualifies else "LessThanThreshold",
            )
    clients = prowler_clients(build_provider())
    threads = set()

    def slow(**_):
        threads.add(threading.get_ident())
        threading.Event().wait(0.2)

    clients["cloudwatch_client"].regional_clients[REGION].meta.events.register(
        "before-call.cloudwatch.DescribeAlarms", slow
    )
    source = ProwlerEvidence(*clients.values())
    verdict = judge(source, NETWORK_GATEWAY_CHANGES)

    assert verdict.status == "PASS", verdict.sentence
    assert "alarm GatewayCopy-089 -> SNS topic security-alerts" in verdict.sentence
    assert source.stats.calls["cloudwatch:DescribeAlarms"] == 2
    assert source.stats.calls.get("cloudwatch:DescribeAlarmsForMetric", 0) == 0
    assert len(threads) > 1


def test_the_whole_section_reads_the_account_once(aws):
    """The fifteen CIS monitoring controls, each with the benchmark's filter and an alarm on the
    trail's log group, evaluated together through Prowler's clients: every one PASSes, and the
    reads are those of one control (one GetTrailStatus, one DescribeMetricFilters, one
    DescribeAlarms for the fifteen metrics' alarms, the topic once)."""
    made = chain(aws)
    for control in SECTION:
        if control is NETWORK_GATEWAY_CHANGES:
            continue
        name, metric = control.fixer_defaults["FilterName"], control.fixer_defaults["MetricName"]
        put_metric_filter(aws, REGION, LOG_GROUP, name, control.benchmark_pattern, metric)
        put_alarm(aws, REGION, name, metric, alarm_actions=[made["topic"]])
    clients = prowler_clients(build_provider())
    one = ProwlerEvidence(*clients.values())
    assert judge(one, NETWORK_GATEWAY_CHANGES).status == "PASS"
    together = ProwlerEvidence(*clients.values())
    verdicts = judge_all(together, SECTION)

    assert {k: v.status for k, v in verdicts.items()} == {c.check_id: "PASS" for c in SECTION}
    assert verdicts["cloudwatch_root_usage_alarm"].sentence.startswith(
        "Root account usage reaches a confirmed subscriber: trail management-events -> "
        "log group cloudtrail-logs (us-east-1) -> metric filter cis-root-account-usage -> "
        "alarm cis-root-account-usage -> SNS topic security-alerts"
    )
    assert together.stats.calls == one.stats.calls
    assert together.stats.calls["cloudtrail:GetTrailStatus"] == 1
    assert together.stats.calls["cloudwatch:DescribeAlarms"] == 1


def test_no_trail_fails_on_the_account(aws):
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended == (
        "None of the 6 network gateway events is caught: no CloudTrail trail exists."
    )
    assert finding.resource_id == ACCOUNT


@pytest.mark.parametrize(
    ("trail", "problem"),
    [
        ({"multi_region": False}, "trail management-events is not multi-region"),
        ({"start_logging": False}, "trail management-events is not logging"),
        (
            {"event_selectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]},
            "trail management-events does not record all management events (no selector with "
            "IncludeManagementEvents true and ReadWriteType All)",
        ),
        (
            {
                "event_selectors": None,
                "advanced_event_selectors": [
                    {
                        "Name": "management without ec2",
                        "FieldSelectors": [
                            {"Field": "eventCategory", "Equals": ["Management"]},
                            {"Field": "eventSource", "NotEquals": ["ec2.amazonaws.com"]},
                        ],
                    }
                ],
            },
            "trail management-events has no advanced event selector recording all "
            "management events",
        ),
    ],
    ids=["single-region", "stopped", "write-only-selectors", "advanced-drops-ec2"],
)
def test_a_trail_that_does_not_qualify_fails(aws, trail, problem):
    made = chain(aws, trail=trail)
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended == (
        f"None of the 6 network gateway events is caught: no trail qualifies ({problem})."
    )
    assert made["trail"] in finding.resource_details


def test_advanced_management_selector_qualifies(aws):
    chain(
        aws,
        trail={
            "event_selectors": None,
            "advanced_event_selectors": [
                {
                    "Name": "all management",
                    "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
                }
            ],
        },
    )
    assert run_check().status == "PASS"


def test_trail_without_cloudwatch_logs_fails(aws):
    create_logging_trail(aws, "s3-only", log_group=None, event_selectors=ALL_MANAGEMENT_EVENTS)
    finding = run_check()
    assert finding.status == "FAIL"
    assert "trail s3-only does not deliver to CloudWatch Logs" in finding.status_extended


def test_trail_without_selectors_is_manual(aws):
    """moto returns no selector where AWS always returns one: an empty list proves nothing."""
    chain(aws, trail={"event_selectors": None})
    finding = run_check()
    assert finding.status == "MANUAL"
    # the call was answered: no permission to name
    assert finding.status_extended == (
        "Cannot tell whether the 6 network gateway events reach a person: trail "
        "management-events returned no event selectors, which proves nothing."
    )


def test_delivery_error_fails(aws, monkeypatch):
    """moto never reports LatestCloudWatchLogsDeliveryError: patch its TrailStatus to, as AWS does
    when CloudTrail cannot assume the delivery role."""
    from moto.cloudtrail import models

    original = models.TrailStatus.description

    def with_error(self):
        return {**original(self), "LatestCloudWatchLogsDeliveryError": "AccessDenied"}

    monkeypatch.setattr(models.TrailStatus, "description", with_error)
    chain(aws)
    finding = run_check()
    assert finding.status == "FAIL"
    assert "trail management-events cannot deliver to CloudWatch Logs " in finding.status_extended
    assert "(LatestCloudWatchLogsDeliveryError: AccessDenied)" in finding.status_extended


def test_same_named_log_group_in_another_region_does_not_count(aws):
    chain(aws, filter_region="eu-west-1")
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended == (
        "None of the 6 network gateway events is caught: log group cloudtrail-logs (us-east-1) "
        "of trail management-events has no metric filters."
    )
    assert finding.region == REGION
    assert f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:cloudtrail-logs" in finding.resource_details


def test_filter_joined_with_and_never_fires(aws):
    chain(aws, pattern=BENCHMARK_PATTERN.replace("||", "&&"))
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended.startswith(
        "None of the 6 network gateway events is caught: metric filter gateway-changes on log "
        "group cloudtrail-logs (us-east-1) catches no network gateway event (for example, the "
        "pattern can never match a CreateCustomerGateway record)."
    )
    assert (
        "metric filter gateway-changes "
        f"(arn:aws:logs:us-east-1:{ACCOUNT}:log-group:cloudtrail-logs)" in finding.resource_details
    )


def test_filter_missing_one_event_names_it(aws):
    pattern = BENCHMARK_PATTERN.replace(" || ($.eventName = DetachInternetGateway)", "")
    chain(aws, pattern=pattern)
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended == (
        "DetachInternetGateway is not caught: metric filter gateway-changes on log group "
        "cloudtrail-logs (us-east-1) covers 5 of 6 events (the pattern can never match a "
        "DetachInternetGateway record)."
    )


def test_filter_narrowed_to_root_fails_with_the_counterexample(aws):
    chain(aws, pattern="{ ($.eventName = *Gateway) && ($.userIdentity.type = Root) }")
    finding = run_check()
    assert finding.status == "FAIL"
    assert 'with userIdentity.type = "IAMUser" does not match' in finding.status_extended


@pytest.mark.parametrize(
    "pattern",
    [
        "{ ($.eventName = *InternetGateway) || ($.eventName = *CustomerGateway) }",
        "{ $.eventName = %Gateway$% }",
        "?CreateCustomerGateway ?DeleteCustomerGateway ?AttachInternetGateway "
        "?CreateInternetGateway ?DeleteInternetGateway ?DetachInternetGateway",
        '{ ($.eventSource = "ec2.amazonaws.com") && ($.eventName = "*Gateway") }',
    ],
    ids=["wildcards", "regex", "text-terms", "quoted-with-source"],
)
def test_correct_filters_written_differently_pass(aws, pattern):
    chain(aws, pattern=pattern)
    assert run_check().status == "PASS"


def test_zero_metric_value_never_alarms(aws):
    chain(aws, value="0")
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended == (
        "None of the 6 network gateway events reaches a person: metric filter gateway-changes "
        "publishes '0', a value that never raises an alarm."
    )


def test_value_taken_from_the_record_is_manual(aws):
    chain(aws, value="$.requestParameters.count")
    finding = run_check()
    assert finding.status == "MANUAL"
    assert "publishes the value '$.requestParameters.count'" in finding.status_extended


def test_dimensioned_filter_with_dimensionless_alarm_fails(aws):
    chain(aws, dimensions={"Region": "$.awsRegion"})
    finding = run_check()
    assert finding.status == "FAIL"
    assert "publishes dimension Region=$.awsRegion" in finding.status_extended


def test_no_alarm_on_the_metric_fails(aws):
    chain_without_alarm(aws)
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended == (
        "None of the 6 network gateway events reaches a person: no alarm watches metric "
        "CISBenchmark/GatewayChanges of metric filter gateway-changes in us-east-1."
    )
    assert (
        "metric filter gateway-changes "
        f"(arn:aws:logs:us-east-1:{ACCOUNT}:log-group:cloudtrail-logs)" in finding.resource_details
    )


def chain_without_alarm(account: AwsAccount) -> None:
    create_logging_trail(
        account, "management-events", log_group=LOG_GROUP, event_selectors=ALL_MANAGEMENT_EVENTS
    )
    put_metric_filter(
        account, REGION, LOG_GROUP, "gateway-changes", BENCHMARK_PATTERN, "GatewayChanges"
    )


@pytest.mark.parametrize(
    ("alarm", "problem"),
    [
        (
            {"threshold": 5.0},
            "alarm gateway-changes does not fire on one event: Sum 1 >= 5 is false",
        ),
        (
            {"evaluation_periods": 3},
            "alarm gateway-changes needs 3 breaching datapoints, so one event never fires it",
        ),
        (
            {"evaluation_periods": 3, "datapoints_to_alarm": 2},
            "alarm gateway-changes needs 2 breaching datapoints",
        ),
        ({"actions_enabled": False}, "alarm gateway-changes has its actions disabled"),
        ({"alarm_actions": []}, "alarm gateway-changes notifies no SNS topic"),
        (
            {"comparison": "LessThanThreshold"},
            "alarm gateway-changes does not fire on one event: Sum 1 < 1 is false",
        ),
    ],
    ids=["threshold", "periods", "datapoints", "actions-disabled", "no-actions", "less-than"],
)
def test_alarm_that_never_notifies_fails(aws, alarm, problem):
    made = chain(aws, alarm=alarm)
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended.startswith(
        f"None of the 6 network gateway events reaches a person: {problem}"
    )
    assert made["alarm"] in finding.resource_details


def test_sample_count_alarm_passes(aws):
    chain(aws, alarm={"statistic": "SampleCount"})
    assert run_check().status == "PASS"


def test_topic_that_does_not_exist_fails(aws):
    chain(aws, alarm={"alarm_actions": [f"arn:aws:sns:us-east-1:{ACCOUNT}:deleted-topic"]})
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended == (
        "None of the 6 network gateway events reaches a person: alarm gateway-changes notifies SNS "
        "topic deleted-topic, which does not exist."
    )
    assert f"arn:aws:sns:us-east-1:{ACCOUNT}:deleted-topic" in finding.resource_details


def test_topic_without_subscription_fails(aws):
    made = chain(aws, subscriptions=())
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended.endswith(
        "alarm gateway-changes notifies SNS topic security-alerts, which has no confirmed "
        "subscription."
    )
    assert made["topic"] in finding.resource_details


def test_pending_subscription_is_not_a_subscriber(aws):
    """moto confirms every subscription; AWS keeps email ones pending until the owner clicks.
    Patch the subscription in moto's backend so ListSubscriptionsByTopic shows it pending."""
    from moto.sns.models import sns_backends

    made = chain(aws, subscriptions=(("email", "secops@example.com"),))
    backend = sns_backends[ACCOUNT][REGION]
    for subscription in backend.subscriptions.values():
        subscription.arn = "PendingConfirmation"
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended.endswith(
        "alarm gateway-changes notifies SNS topic security-alerts, which has no confirmed "
        "subscription (1 pending)."
    )
    assert made["topic"] in finding.resource_details


def test_topic_in_another_account_is_manual(aws):
    chain(aws, alarm={"alarm_actions": ["arn:aws:sns:us-east-1:999999999999:central-alerts"]})
    finding = run_check()
    assert finding.status == "MANUAL"
    assert (
        "notifies SNS topic arn:aws:sns:us-east-1:999999999999:central-alerts in account "
        "999999999999" in finding.status_extended
    )


def test_log_group_in_another_account_is_manual(aws):
    """An organization trail delivers to the management account's log group."""
    chain(aws)
    cloudtrail = aws.client("cloudtrail")
    cloudtrail.update_trail(
        Name="management-events",
        CloudWatchLogsLogGroupArn="arn:aws:logs:us-east-1:999999999999:log-group:org-trail:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role",
    )
    finding = run_check()
    assert finding.status == "MANUAL"
    assert "delivers to log group org-trail in account 999999999999" in finding.status_extended


def test_denied_metric_filters_on_the_path_is_manual(aws):
    chain(aws)
    provider = build_provider()
    deny(provider, "cloudwatch-logs", "DescribeMetricFilters", "us-east-1")
    finding = run_check(provider)
    assert finding.status == "MANUAL"
    assert finding.status_extended == (
        "Cannot tell whether the 6 network gateway events reach a person: "
        "logs:DescribeMetricFilters was denied in us-east-1 for log group cloudtrail-logs "
        "(needs logs:DescribeMetricFilters)."
    )


def test_denied_metric_filters_off_the_path_changes_nothing(aws):
    chain(aws)
    provider = build_provider()
    deny(provider, "cloudwatch-logs", "DescribeMetricFilters", "eu-west-1")
    assert run_check(provider).status == "PASS"


def test_trail_listing_denied_in_one_region_hides_only_single_region_trails(aws):
    """A multi-region trail is listed in every region it records: one region that answered
    DescribeTrails shows them all, so the account still FAILs, said precisely."""
    provider = build_provider()
    deny(provider, "cloudtrail", "DescribeTrails", "eu-west-1")
    finding = run_check(provider)
    assert finding.status == "FAIL"
    assert finding.status_extended == (
        "None of the 6 network gateway events is caught: no multi-region CloudTrail trail exists."
    )


def test_trail_listing_denied_in_every_region_is_manual(aws):
    chain(aws)
    provider = build_provider()
    for region in ("us-east-1", "eu-west-1"):
        deny(provider, "cloudtrail", "DescribeTrails", region)
    finding = run_check(provider)
    assert finding.status == "MANUAL"
    assert finding.status_extended == (
        "Cannot tell whether the 6 network gateway events reach a person: CloudTrail trails "
        "could not be listed in any audited region (needs cloudtrail:DescribeTrails)."
    )


def _encrypt_topic(account: AwsAccount, topic_arn: str, key: str) -> None:
    account.client("sns").set_topic_attributes(
        TopicArn=topic_arn, AttributeName="KmsMasterKeyId", AttributeValue=key
    )


def test_topic_encrypted_with_the_aws_managed_key_notifies_nobody(aws):
    made = chain(aws)
    _encrypt_topic(aws, made["topic"], "alias/aws/sns")
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended.endswith(
        "alarm gateway-changes notifies SNS topic security-alerts, which is encrypted with the "
        "AWS managed key alias/aws/sns, which CloudWatch alarms cannot use."
    )
    assert made["topic"] in finding.resource_details


def test_topic_key_whose_policy_ignores_cloudwatch_fails(aws):
    made = chain(aws)
    key_id = aws.client("kms").create_key(Description="topic key")["KeyMetadata"]["KeyId"]
    _encrypt_topic(aws, made["topic"], key_id)
    finding = run_check()
    assert finding.status == "FAIL"
    assert "whose key policy does not let cloudwatch.amazonaws.com use it" in (
        finding.status_extended
    )


def test_topic_key_that_lets_cloudwatch_in_passes(aws):
    import json

    made = chain(aws)
    policy = json.dumps(CLOUDWATCH_KEY_POLICY)
    key_id = aws.client("kms").create_key(Policy=policy)["KeyMetadata"]["KeyId"]
    _encrypt_topic(aws, made["topic"], key_id)
    assert run_check().status == "PASS"


def test_odd_alarm_details_give_manual_not_a_traceback(aws):
    """The alarm APIs answer an alarm with no ARN, statistic, threshold or periods. Prowler's own
    alarm listing breaks on it (it needs AlarmArn); the check reads the alarm of the candidate
    metric itself, cannot judge it, and says so."""
    chain(aws)
    provider = build_provider()
    odd = {
        "MetricAlarms": [
            {
                "AlarmName": "gateway-changes",
                "MetricName": "GatewayChanges",
                "Namespace": "CISBenchmark",
                "Threshold": "high",
            }
        ]
    }
    for operation in ("DescribeAlarms", "DescribeAlarmsForMetric"):
        respond(provider, "cloudwatch", operation, "us-east-1", odd)
    finding = run_check(provider)
    assert finding.status == "MANUAL"
    assert "alarm gateway-changes has no statistic the check can read" in finding.status_extended


def test_odd_metric_filter_details_give_manual_or_fail_never_a_traceback(aws):
    """DescribeMetricFilters answers transformations that are not a list of objects."""
    chain(aws)
    provider = build_provider()
    respond(
        provider,
        "cloudwatch-logs",
        "DescribeMetricFilters",
        "us-east-1",
        {
            "metricFilters": [
                {
                    "filterName": "gateway-changes",
                    "filterPattern": BENCHMARK_PATTERN,
                    "logGroupName": LOG_GROUP,
                    "metricTransformations": "garbage",
                }
            ]
        },
    )
    finding = run_check(provider)
    assert finding.status in ("FAIL", "MANUAL")
    assert finding.status_extended.endswith(".")


def test_two_filters_of_three_events_each_pass(aws):
    create_logging_trail(
        aws, "management-events", log_group=LOG_GROUP, event_selectors=ALL_MANAGEMENT_EVENTS
    )
    topic = create_topic(aws, REGION, "security-alerts", [("sqs", "secops-queue")])
    halves = {
        "customer": "{ $.eventName = CreateCustomerGateway || $.eventName = DeleteCustomerGateway "
        "|| $.eventName = AttachInternetGateway }",
        "internet": "{ $.eventName = CreateInternetGateway || $.eventName = DeleteInternetGateway "
        "|| $.eventName = DetachInternetGateway }",
    }
    for name, pattern in halves.items():
        put_metric_filter(aws, REGION, LOG_GROUP, name, pattern, f"{name}-changes")
        put_alarm(aws, REGION, name, f"{name}-changes", alarm_actions=[topic])
    finding = run_check()
    assert finding.status == "PASS"
    assert finding.status_extended.endswith("(and 1 more alarm path).")


def test_metric_math_alarm_returning_the_metric_passes(aws):
    create_logging_trail(
        aws, "management-events", log_group=LOG_GROUP, event_selectors=ALL_MANAGEMENT_EVENTS
    )
    put_metric_filter(
        aws, REGION, LOG_GROUP, "gateway-changes", BENCHMARK_PATTERN, "GatewayChanges"
    )
    topic = create_topic(aws, REGION, "security-alerts", [("sqs", "secops-queue")])
    aws.client("cloudwatch").put_metric_alarm(
        AlarmName="gateway-math",
        Metrics=[
            {
                "Id": "m1",
                "MetricStat": {
                    "Metric": {"Namespace": "CISBenchmark", "MetricName": "GatewayChanges"},
                    "Period": 300,
                    "Stat": "Sum",
                },
                "ReturnData": True,
            }
        ],
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        EvaluationPeriods=1,
        AlarmActions=[topic],
    )
    finding = run_check()
    assert finding.status == "PASS"
    assert "alarm gateway-math" in finding.status_extended


def test_organization_trail_of_the_management_account_is_manual(aws):
    """A member account sees the organization's trail, with the management account's ARN and
    log group; DescribeTrails answers it here as AWS does (moto has no organization trails)."""
    management = "999999999999"
    provider = build_provider()
    respond(
        provider,
        "cloudtrail",
        "DescribeTrails",
        "us-east-1",
        {
            "trailList": [
                {
                    "Name": "org-trail",
                    "S3BucketName": "org-cloudtrail-logs",
                    "IsMultiRegionTrail": True,
                    "IsOrganizationTrail": True,
                    "HomeRegion": "us-east-1",
                    "TrailARN": f"arn:aws:cloudtrail:us-east-1:{management}:trail/org-trail",
                    "LogFileValidationEnabled": True,
                    "CloudWatchLogsLogGroupArn": (
                        f"arn:aws:logs:us-east-1:{management}:log-group:org-trail-logs:*"
                    ),
                    "HasInsightSelectors": False,
                }
            ]
        },
    )
    finding = run_check(provider)
    assert finding.status == "MANUAL"
    assert finding.status_extended == (
        "Cannot tell whether the 6 network gateway events reach a person: trail org-trail is an "
        f"organization trail of account {management}, which holds its log group, filters and "
        "alarms: set organization_trail_role_arn in the aws section of Prowler's config file "
        "(--config-file) to a role the scan may assume there, e.g. "
        "arn:aws:iam::{account_id}:role/ProwlerScan."
    )


# ------------------------------------------------------------------ blindness, never a verdict


def _fail_once(provider, service_id: str, operation: str, code: str) -> None:
    """The first call of `operation` fails with `code` (throttling, say); later calls go on."""
    from botocore.awsrequest import AWSResponse

    calls = []

    def refuse_first(**_):
        calls.append(1)
        if len(calls) > 1:
            return None
        body = {"Error": {"Code": code, "Message": "Rate exceeded"}}
        return AWSResponse("https://throttled.invalid", 400, {}, None), body

    provider.session.current_session.events.register(
        f"before-call.{service_id}.{operation}", refuse_first
    )


def test_topic_attributes_denied_is_manual_not_a_pass(aws):
    """Prowler leaves kms_master_key_id None when GetTopicAttributes fails: not "unencrypted"."""
    made = chain(aws)
    _encrypt_topic(aws, made["topic"], "alias/aws/sns")
    provider = build_provider()
    deny(provider, "sns", "GetTopicAttributes", "us-east-1")
    finding = run_check(provider)
    assert finding.status == "MANUAL"
    assert "sns:GetTopicAttributes was denied in us-east-1" in finding.status_extended


def test_topic_attributes_failing_on_an_earlier_topic_still_sees_the_key(aws):
    made = chain(aws)
    _encrypt_topic(aws, made["topic"], "alias/aws/sns")
    aws.client("sns").create_topic(Name="aaa-unrelated")  # listed before security-alerts
    provider = build_provider()
    _fail_once(provider, "sns", "GetTopicAttributes", "Throttling")
    finding = run_check(provider)
    assert finding.status == "FAIL"
    assert "encrypted with the AWS managed key alias/aws/sns" in finding.status_extended


def test_alarm_listing_denied_in_another_region_changes_nothing(aws):
    """Prowler's metric_alarms_unavailable is account-wide; a denial in eu-west-1 must not
    turn a us-east-1 verdict into MANUAL."""
    chain(aws, alarm={"actions_enabled": False})
    provider = build_provider()
    deny(provider, "cloudwatch", "DescribeAlarms", "eu-west-1")
    finding = run_check(provider)
    assert finding.status == "FAIL", finding.status_extended
    assert "actions" in finding.status_extended
    provider = build_provider()
    deny(provider, "cloudwatch", "DescribeAlarms", "eu-west-1")
    chain_ok = aws.client("cloudwatch")
    chain_ok.enable_alarm_actions(AlarmNames=["gateway-changes"])
    assert run_check(provider).status == "PASS"


def test_alarm_listing_denied_in_the_path_region_is_manual(aws):
    chain(aws, alarm={"actions_enabled": False})
    provider = build_provider()
    deny(provider, "cloudwatch", "DescribeAlarms", "us-east-1")
    finding = run_check(provider)
    assert finding.status == "MANUAL", finding.status_extended
    assert "cloudwatch:DescribeAlarms" in finding.status_extended


def test_a_scan_limited_by_resource_filters_never_fails_on_what_it_hid(aws):
    made = chain(aws)
    provider = build_provider()
    provider._audit_resources = [made["topic"]]  # what --resource-arn leaves Prowler with
    finding = run_check(provider)
    assert finding.status == "MANUAL", finding.status_extended
    assert "--resource-tag or --resource-arn" in finding.status_extended
    assert "no CloudTrail trail exists" not in finding.status_extended


# ------------------------------------------------------------------ an event must be a transition


@pytest.mark.parametrize("treat", ["missing", "notBreaching", "ignore"])
def test_missing_data_not_breaching_passes(aws, treat):
    chain(aws, alarm={"treat_missing_data": treat})
    assert run_check().status == "PASS"


def test_missing_data_treated_as_breaching_never_notifies(aws):
    chain(aws, alarm={"treat_missing_data": "breaching"})
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended.endswith(
        "alarm gateway-changes treats missing data as breaching, so it stays in ALARM between "
        "events and an event sends no notification."
    )


@pytest.mark.parametrize(
    "default, alarm, passes, phrase",
    [
        (0, {}, True, None),  # Sum >= 1: defaults of 0 change nothing
        (0, {"statistic": "Maximum"}, True, None),
        (0, {"statistic": "Average"}, False, "does not reliably fire on one event"),
        (0, {"statistic": "Minimum"}, False, "does not reliably fire on one event"),
        (0, {"statistic": "SampleCount"}, False, "sits in ALARM without any event"),
        (1, {}, False, "sits in ALARM without any event"),  # Sum of defaults alone is >= 1
        (
            0,
            {"statistic": "Sum", "comparison": "LessThanThreshold", "threshold": 2.0},
            False,
            "sits in ALARM without any event",
        ),
    ],
)
def test_a_filter_default_value_is_read_with_the_statistic(aws, default, alarm, passes, phrase):
    """Every record the pattern does not match publishes the filter's defaultValue."""
    chain(aws, default_value=default, alarm=alarm)
    finding = run_check()
    assert finding.status == ("PASS" if passes else "FAIL"), finding.status_extended
    if phrase:
        assert phrase in finding.status_extended
        assert "defaultValue" in finding.status_extended


# ------------------------------------------------------------------ the topic's access policy


def _topic_policy(account: AwsAccount, topic_arn: str, *statements: dict) -> None:
    import json

    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    account.client("sns").set_topic_attributes(
        TopicArn=topic_arn, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )


def _statement(effect: str, principal, condition: dict | None = None, action="SNS:Publish"):
    statement = {"Effect": effect, "Principal": principal, "Action": action, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return statement


def test_a_topic_policy_that_denies_publishing_notifies_nobody(aws):
    made = chain(aws)
    _topic_policy(
        aws,
        made["topic"],
        _statement("Allow", {"AWS": "*"}, action="SNS:*"),
        {**_statement("Deny", "*"), "Sid": "NoPublish"},
    )
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended.endswith(
        "SNS topic security-alerts's access policy denies sns:Publish to CloudWatch (statement "
        "NoPublish), so the alarm's notification is refused."
    )
    assert made["topic"] in finding.resource_details


def test_a_topic_policy_for_another_account_only_notifies_nobody(aws):
    made = chain(aws)
    other_account = {"AWS": "arn:aws:iam::999999999999:root"}
    _topic_policy(aws, made["topic"], _statement("Allow", other_account))
    finding = run_check()
    assert finding.status == "FAIL"
    assert "does not let CloudWatch publish to it" in finding.status_extended


def test_a_topic_policy_for_one_user_of_the_account_notifies_nobody(aws):
    """A user or role of the account is not CloudWatch: allowing it lets no alarm publish, and
    denying it refuses no alarm."""
    made = chain(aws)
    bob = {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"}
    _topic_policy(aws, made["topic"], _statement("Allow", bob))
    finding = run_check()
    assert finding.status == "FAIL"
    assert "does not let CloudWatch publish to it" in finding.status_extended
    _topic_policy(
        aws,
        made["topic"],
        _statement("Allow", {"Service": "cloudwatch.amazonaws.com"}),
        _statement("Deny", bob),
    )
    assert run_check().status == "PASS"


@pytest.mark.parametrize(
    "statement",
    [
        _statement("Allow", {"Service": "cloudwatch.amazonaws.com"}),
        _statement(
            "Allow",
            {"Service": "cloudwatch.amazonaws.com"},
            {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:*"}},
        ),
        _statement("Allow", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, action="sns:*"),
        _statement("Allow", "*", {"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
    ],
)
def test_topic_policies_that_let_cloudwatch_publish_pass(aws, statement):
    made = chain(aws)
    _topic_policy(aws, made["topic"], statement)
    assert run_check().status == "PASS"


def test_a_topic_policy_condition_the_check_cannot_evaluate_is_manual(aws):
    made = chain(aws)
    _topic_policy(
        aws,
        made["topic"],
        _statement("Allow", "*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
    )
    finding = run_check()
    assert finding.status == "MANUAL"
    assert "aws:PrincipalOrgID" in finding.status_extended


# ------------------------------------------------------------------ subscription filter policies


def _filter_subscription(account: AwsAccount, topic_arn: str, policy: dict, scope=None) -> None:
    import json

    sns = account.client("sns")
    for subscription in sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]:
        sns.set_subscription_attributes(
            SubscriptionArn=subscription["SubscriptionArn"],
            AttributeName="FilterPolicy",
            AttributeValue=json.dumps(policy),
        )
        if scope:
            sns.set_subscription_attributes(
                SubscriptionArn=subscription["SubscriptionArn"],
                AttributeName="FilterPolicyScope",
                AttributeValue=scope,
            )


def test_a_filter_policy_on_message_attributes_drops_alarm_notifications(aws):
    made = chain(aws)
    _filter_subscription(aws, made["topic"], {"severity": ["high"]})
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended.endswith(
        "alarm gateway-changes notifies SNS topic security-alerts, whose 1 confirmed "
        "subscription receives no alarm notification (its filter policy needs the message "
        "attribute severity, which alarm notifications do not carry)."
    )


@pytest.mark.parametrize(
    "policy, scope",
    [
        ({"severity": [{"exists": False}]}, None),
        ({"NewStateValue": ["ALARM"]}, "MessageBody"),
        ({"AlarmName": [{"prefix": "gateway"}]}, "MessageBody"),
    ],
)
def test_filter_policies_that_let_alarm_notifications_through_pass(aws, policy, scope):
    made = chain(aws)
    _filter_subscription(aws, made["topic"], policy, scope)
    assert run_check().status == "PASS"


def test_a_message_body_filter_on_another_alarm_drops_the_notification(aws):
    made = chain(aws)
    _filter_subscription(aws, made["topic"], {"AlarmName": ["other-alarm"]}, "MessageBody")
    finding = run_check()
    assert finding.status == "FAIL"
    assert "its filter policy drops alarm notifications (AlarmName = gateway-changes)" in (
        finding.status_extended
    )


def test_a_message_body_filter_the_check_cannot_read_is_manual(aws):
    made = chain(aws)
    _filter_subscription(aws, made["topic"], {"OldStateValue": ["OK"]}, "MessageBody")
    finding = run_check()
    assert finding.status == "MANUAL"
    assert "OldStateValue" in finding.status_extended


# ------------------------------------------------------------------ metric-math expressions


def _math_chain(aws: AwsAccount, expression: str, **options) -> str:
    """The benchmark chain whose alarm returns `e1 = expression` over m1, the Sum of the
    filter's metric; returns the alarm's ARN."""
    chain_without_alarm(aws)
    topic = create_topic(aws, REGION, "security-alerts", [("sqs", "secops-queue")])
    cloudwatch = aws.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="gateway-math",
        Metrics=[
            {
                "Id": "m1",
                "MetricStat": {
                    "Metric": {"Namespace": "CISBenchmark", "MetricName": "GatewayChanges"},
                    "Period": 300,
                    "Stat": "Sum",
                },
                "ReturnData": False,
            },
            {"Id": "e1", "Expression": expression, "ReturnData": True},
        ],
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        EvaluationPeriods=1,
        AlarmActions=[topic],
        **options,
    )
    stored = cloudwatch.describe_alarms(AlarmNames=["gateway-math"])["MetricAlarms"][0]
    assert stored["Metrics"][1]["Expression"] == expression  # moto keeps the queries
    return stored["AlarmArn"]


@pytest.mark.parametrize(
    "expression", ["FILL(m1, 0)", "m1 * 2", "IF(m1 > 0, 1, 0)", "SUM(METRICS())"]
)
def test_a_metric_math_expression_over_the_metric_passes(aws, expression):
    alarm_arn = _math_chain(aws, expression)
    finding = run_check()
    assert finding.status == "PASS", finding.status_extended
    assert "-> alarm gateway-math -> SNS topic security-alerts" in finding.status_extended
    assert alarm_arn in finding.resource_details


def test_a_metric_math_expression_one_event_cannot_move_fails(aws):
    alarm_arn = _math_chain(aws, "m1 * 0")
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended.startswith(
        "None of the 6 network gateway events reaches a person: metric-math alarm gateway-math "
        "computes m1 * 0, which is 0 for a period with one event, and 0 >= 1 is false, so one "
        "event never fires it"
    )
    assert alarm_arn in finding.resource_details


def test_a_metric_math_expression_with_missing_data_breaching_fails(aws):
    _math_chain(aws, "IF(m1 > 0, 1, 0)", TreatMissingData="breaching")
    finding = run_check()
    assert finding.status == "FAIL"
    assert (
        "metric-math alarm gateway-math computes IF(m1 > 0, 1, 0), which has no datapoint "
        "without an event, and the alarm treats missing data as breaching"
    ) in finding.status_extended


@pytest.mark.parametrize(
    ("expression", "named"),
    [("RATE(m1)", "uses RATE"), ("FILL(m1, REPEAT)", "uses FILL with REPEAT")],
)
def test_a_metric_math_function_the_check_does_not_know_is_manual(aws, expression, named):
    _math_chain(aws, expression)
    finding = run_check()
    assert finding.status == "MANUAL"
    assert f"metric-math alarm gateway-math {named}" in finding.status_extended


def test_an_alarm_that_a_burst_of_events_turns_off_fails(aws):
    """Sum < 2 fires on one event; a gateway created and attached in one period sums to 2."""
    made = chain(aws, alarm={"comparison": "LessThanThreshold", "threshold": 2.0})
    finding = run_check()
    assert finding.status == "FAIL"
    assert finding.status_extended == (
        "None of the 6 network gateway events reaches a person: alarm gateway-changes fires on "
        "one event but not on 2 in one period: Sum 2 < 2 is false, so a burst of events sends "
        "no notification."
    )
    assert made["alarm"] in finding.resource_details


# ------------------------------------------------------------------ a finding that stays put


def test_the_finding_keeps_its_resource_when_a_repair_moves_the_broken_link(aws):
    """FAIL at the topic, then PASS through the alarm: the same resource, region and UID, so a
    mutelist entry (and Security Hub's history) keeps following the account."""
    from prowler.providers.aws.lib.mutelist.mutelist import AWSMutelist

    made = chain(aws, subscriptions=())
    broken = run_check()
    aws.client("sns").subscribe(
        TopicArn=made["topic"],
        Protocol="sqs",
        Endpoint=aws.client("sqs").get_queue_attributes(
            QueueUrl=aws.client("sqs").create_queue(QueueName="secops")["QueueUrl"],
            AttributeNames=["QueueArn"],
        )["Attributes"]["QueueArn"],
    )
    repaired = run_check()
    assert (broken.status, repaired.status) == ("FAIL", "PASS")
    assert broken.resource_details == (
        f"0 of 6 events reach a confirmed subscriber; the link to look at: SNS topic "
        f"security-alerts ({made['topic']})"
    )
    assert made["alarm"] in repaired.resource_details
    for finding in (broken, repaired):
        assert finding.resource_id == ACCOUNT
        assert finding.resource_arn == f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail"
        assert finding.region == "us-east-1"
    mutelist = AWSMutelist(
        mutelist_content={
            "Accounts": {
                ACCOUNT: {
                    "Checks": {
                        broken.check_metadata.CheckID: {
                            "Regions": ["us-east-1"],
                            "Resources": [broken.resource_id],
                        }
                    }
                }
            }
        }
    )
    assert mutelist.is_finding_muted(broken, ACCOUNT)
    assert mutelist.is_finding_muted(repaired, ACCOUNT)


def test_independent_reads_run_at_once_trails_and_a_topic_s_attributes(aws):
    """Two candidate trails' GetTrailStatus with their log groups' DescribeMetricFilters, and
    a topic's GetTopicAttributes with its two confirmed subscriptions'
    GetSubscriptionAttributes, each run on several threads: their round trips overlap instead
    of adding up. The verdict is the one read one by one, each group read once."""
    chain(aws, subscriptions=(("sqs", "secops-queue"), ("sqs", "audit-queue")))
    create_logging_trail(
        aws,
        "second-trail",
        log_group="second-logs",
        role_name="SecondTrailRole",
        event_selectors=ALL_MANAGEMENT_EVENTS,
    )
    clients = prowler_clients(build_provider())
    threads: dict[str, set[int]] = {"trails": set(), "topic": set()}

    def slow(what: str):
        def wait(**_):
            threads[what].add(threading.get_ident())
            threading.Event().wait(0.2)

        return wait

    events = clients["cloudtrail_client"].regional_clients[REGION].meta.events
    events.register("before-call.cloudtrail.GetTrailStatus", slow("trails"))
    logs_events = clients["logs_client"].regional_clients[REGION].meta.events
    logs_events.register("before-call.cloudwatch-logs.DescribeMetricFilters", slow("trails"))
    sns_events = clients["sns_client"].regional_clients[REGION].meta.events
    sns_events.register("before-call.sns.GetTopicAttributes", slow("topic"))
    sns_events.register("before-call.sns.GetSubscriptionAttributes", slow("topic"))
    source = ProwlerEvidence(*clients.values())
    verdict = judge(source, NETWORK_GATEWAY_CHANGES)

    assert verdict.status == "PASS", verdict.sentence
    assert "(2 confirmed subscriptions)" in verdict.sentence
    assert source.stats.calls["cloudtrail:GetTrailStatus"] == 2
    assert source.stats.calls["logs:DescribeMetricFilters"] == 2
    assert source.stats.calls["sns:GetSubscriptionAttributes"] == 2
    assert len(threads["trails"]) == 4
    assert len(threads["topic"]) == 3


def test_a_log_group_is_read_with_its_trail_only_when_prowler_saw_the_trail_logging(aws):
    """The log group's filters are read beside the trail's status, once, even when it holds
    none; a trail Prowler saw stopped fails before its group is read."""
    create_logging_trail(
        aws, "management-events", log_group=LOG_GROUP, event_selectors=ALL_MANAGEMENT_EVENTS
    )
    source = ProwlerEvidence(*prowler_clients(build_provider()).values())
    verdict = judge(source, NETWORK_GATEWAY_CHANGES)
    assert verdict.sentence.endswith(
        f"log group {LOG_GROUP} ({REGION}) of trail management-events has no metric filters."
    )
    assert source.stats.calls["logs:DescribeMetricFilters"] == 1

    aws.client("cloudtrail", REGION).stop_logging(Name="management-events")
    source = ProwlerEvidence(*prowler_clients(build_provider()).values())
    verdict = judge(source, NETWORK_GATEWAY_CHANGES)
    assert "trail management-events is not logging" in verdict.sentence
    assert "logs:DescribeMetricFilters" not in source.stats.calls
