"""The chain as a specification: an account as plain data -> the status and the exact sentence a
responder reads. Each case is the benchmark's compliant chain with one link broken (or a few
links, where the case is about several paths). The engine is the real one
(`prowler_ext.chain.judge`); only the evidence source is in memory (see `memory_source`).

Where tests/unit/test_check_links.py asserts the same situation through Prowler's clients on
moto, the sentence here is the same.
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from typing import Any

import pytest

from prowler_ext.chain import FAIL, MANUAL, PASS, judge
from prowler_ext.chain.evidence import EvidenceSource
from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from prowler_ext.other_accounts import assume_refused
from prowler_ext.prowler_source import ProwlerEvidence
from testkit.clients import CLOUDWATCH_KEY_POLICY

from .memory_source import (
    ACCOUNT,
    BENCHMARK_PATTERN,
    OTHER_ACCOUNT,
    Account,
    Alarm,
    Filter,
    Key,
    MemoryEvidence,
    Subscription,
    Topic,
    Trail,
    complete_account,
    math_alarm,
    topic_arn,
    with_alarm,
    with_filter,
    with_topic,
    with_trail,
)

ALL = "the 6 network gateway events"
NONE_CAUGHT = "None of the 6 network gateway events is caught: "
NONE_REACH = "None of the 6 network gateway events reaches a person: "
CANNOT = f"Cannot tell whether {ALL} reach a person: "
GROUP = "log group cloudtrail-logs (us-east-1)"
TOPIC = topic_arn()
NOTIFIES = "alarm gateway-changes notifies SNS topic security-alerts, "
ENCRYPTED = f"{NOTIFIES}which is encrypted with "
PATH = (
    f"trail management-events -> {GROUP} -> metric filter gateway-changes -> alarm "
    "gateway-changes -> SNS topic security-alerts (1 confirmed subscription)"
)
PASSES = f"All 6 network gateway events reach a confirmed subscriber: {PATH}."
MATH_PASSES = PASSES.replace("alarm gateway-changes", "alarm gateway-math")
INTERNET = "{ ($.eventName = *InternetGateway) }"
CUSTOMER = "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) }"
KMS_KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
SET_THE_KEY = (
    "set organization_trail_role_arn in the aws section of Prowler's config file "
    "(--config-file) to a role the scan may assume there, e.g. "
    "arn:aws:iam::{account_id}:role/ProwlerScan"
)
# the key policy the moto tests use: the account's root, and CloudWatch's grant
OWNER_KEY_GRANT, CLOUDWATCH_KEY_GRANT = CLOUDWATCH_KEY_POLICY["Statement"]


def keyed(*statements: dict, manager: str = "CUSTOMER") -> Account:
    """The complete account whose topic is encrypted with a key of this policy."""
    key = Key(KMS_KEY, {"Version": "2012-10-17", "Statement": list(statements)}, manager)
    return complete_account(topics=(Topic(kms_key=KMS_KEY),), keys=(key,))


def topic_policy(*statements: dict) -> Account:
    return with_topic(policy={"Version": "2012-10-17", "Statement": list(statements)})


def statement(effect: str, principal: object, condition: dict | None = None) -> dict:
    found = {"Effect": effect, "Principal": principal, "Action": "SNS:Publish", "Resource": "*"}
    return {**found, "Condition": condition} if condition else found


def filtered(policy: dict, scope: str | None = None) -> Account:
    return with_topic(subscriptions=(Subscription(filter_policy=policy, scope=scope),))


def denied(*permissions: tuple[str, str], account: Account | None = None) -> Account:
    """The account (the complete one by default) where these (permission, where) are denied."""
    return replace(account or complete_account(), deny=permissions)


def halves(alarm: dict | None = None, **filter_fields: object) -> Account:
    """Two paths on the trail's log group: the customer gateway events' (complete) and the
    internet gateway events' (its alarm and filter changed by `alarm` and `filter_fields`)."""
    internet_filter = Filter(name="internet", pattern=INTERNET, metric="InternetChanges")
    internet_alarm = Alarm(name="internet", metric="InternetChanges")
    return complete_account(
        filters=(
            Filter(name="customer", pattern=CUSTOMER, metric="CustomerChanges"),
            replace(internet_filter, **filter_fields),
        ),
        alarms=(
            Alarm(name="customer", metric="CustomerChanges"),
            replace(internet_alarm, **(alarm or {})),
        ),
    )


TRAIL = [
    pytest.param(Account(), FAIL, NONE_CAUGHT + "no CloudTrail trail exists.", id="no-trail"),
    pytest.param(
        with_trail(multi_region=False),
        FAIL,
        NONE_CAUGHT + "no trail qualifies (trail management-events is not multi-region).",
        id="single-region",
    ),
    pytest.param(
        with_trail(logging=False),
        FAIL,
        NONE_CAUGHT + "no trail qualifies (trail management-events is not logging).",
        id="not-logging",
    ),
    pytest.param(
        with_trail(selectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]),
        FAIL,
        NONE_CAUGHT + "no trail qualifies (trail management-events does not record all "
        "management events (no selector with IncludeManagementEvents true and ReadWriteType "
        "All)).",
        id="write-only-selector",
    ),
    pytest.param(
        with_trail(selectors=[{"ReadWriteType": "All", "IncludeManagementEvents": False}]),
        FAIL,
        NONE_CAUGHT + "no trail qualifies (trail management-events does not record all "
        "management events (no selector with IncludeManagementEvents true and ReadWriteType "
        "All)).",
        id="data-events-only",
    ),
    pytest.param(
        with_trail(
            selectors=[
                {
                    "ReadWriteType": "All",
                    "IncludeManagementEvents": True,
                    "ExcludeManagementEventSources": ["kms.amazonaws.com"],
                }
            ]
        ),
        PASS,
        PASSES,
        id="selector-excludes-only-kms",
    ),
    pytest.param(
        with_trail(
            selectors=(),
            advanced=[
                {
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Management"]},
                        {"Field": "eventSource", "NotEquals": ["ec2.amazonaws.com"]},
                    ]
                }
            ],
        ),
        FAIL,
        NONE_CAUGHT + "no trail qualifies (trail management-events has no advanced event "
        "selector recording all management events).",
        id="advanced-drops-ec2",
    ),
    pytest.param(
        with_trail(
            selectors=(),
            advanced=[
                {
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Management"]},
                        {"Field": "readOnly", "Equals": ["false"]},
                    ]
                }
            ],
        ),
        FAIL,
        NONE_CAUGHT + "no trail qualifies (trail management-events has no advanced event "
        "selector recording all management events).",
        id="advanced-writes-only",
    ),
    pytest.param(
        with_trail(
            selectors=(),
            advanced=[{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}],
        ),
        PASS,
        PASSES,
        id="advanced-all-management",
    ),
    pytest.param(
        with_trail(delivery_error="AccessDenied"),
        FAIL,
        NONE_CAUGHT + "no trail qualifies (trail management-events cannot deliver to CloudWatch "
        "Logs (LatestCloudWatchLogsDeliveryError: AccessDenied)).",
        id="delivery-error",
    ),
    pytest.param(
        with_trail(log_group=None),
        FAIL,
        NONE_CAUGHT + "no trail qualifies (trail management-events does not deliver to "
        "CloudWatch Logs).",
        id="no-cloudwatch-logs",
    ),
    pytest.param(
        complete_account(trails=(Trail(multi_region=False), Trail(name="old", logging=False))),
        FAIL,
        NONE_CAUGHT + "no trail qualifies (trail management-events is not multi-region; "
        "trail old is not logging).",
        id="two-trails-neither-qualifies",
    ),
    pytest.param(
        with_trail(selectors=()),
        MANUAL,
        # no "(needs cloudtrail:GetEventSelectors)": the call was answered
        CANNOT + "trail management-events returned no event selectors, which proves nothing.",
        id="no-selectors-proves-nothing",
    ),
    pytest.param(
        with_trail(log_group=f"arn:aws:logs:us-east-1:{OTHER_ACCOUNT}:log-group:org-trail:*"),
        MANUAL,
        CANNOT + f"trail management-events delivers to log group org-trail in account "
        f"{OTHER_ACCOUNT}: {SET_THE_KEY}.",
        id="log-group-of-another-account",
    ),
]

# ------------------------------------------------------------------ organizations
# The scanned account is a member (ACCOUNT); the organization trail, its log group, filter,
# alarm and topic live in the management account (OTHER_ACCOUNT), read through the role.
ROLE = "arn:aws:iam::{account_id}:role/ProwlerScan"
OWNER_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/ProwlerScan"
THIRD_ACCOUNT = "222222222222"
ORG_TRAIL = Trail(name="org-trail", owner=OTHER_ACCOUNT, log_group="org-trail-logs")
OWNER_TOPIC = topic_arn(account=OTHER_ACCOUNT)


def management(**overrides: Any) -> Account:
    """The management account: the organization trail and the benchmark's chain on it."""
    chain = complete_account(
        id=OTHER_ACCOUNT,
        trails=(ORG_TRAIL,),
        filters=(Filter(log_group="org-trail-logs"),),
        alarms=(Alarm(actions=(OWNER_TOPIC,)),),
        topics=(Topic(account=OTHER_ACCOUNT),),
    )
    return replace(chain, **overrides)


def member(owner: Account | None = None, **overrides: Any) -> Account:
    """A member account: nothing of its own, the organization trail listed, the role set."""
    base = Account(trails=(ORG_TRAIL,), others=(owner or management(),), role=ROLE)
    return replace(base, **overrides)


def narrowed(condition: str) -> Account:
    """A member whose management account's filter also requires `condition`."""
    pattern = "{ (" + BENCHMARK_PATTERN[2:-2] + f") && {condition} }}"
    return member(management(filters=(Filter(log_group="org-trail-logs", pattern=pattern),)))


OWNER_PATH = (
    "trail org-trail -> log group org-trail-logs (us-east-1) -> metric filter gateway-changes "
    "-> alarm gateway-changes -> SNS topic security-alerts (1 confirmed subscription)"
)
ORG_FILTER = "metric filter gateway-changes on log group org-trail-logs (us-east-1)"
ORG_NONE_CAUGHT = (
    f"{NONE_CAUGHT}in account {OTHER_ACCOUNT}, {ORG_FILTER} catches no network gateway event "
    "(for example, a "
)

ORGANIZATION = [
    pytest.param(
        member(),
        PASS,
        f"All 6 network gateway events reach a confirmed subscriber through account "
        f"{OTHER_ACCOUNT}: {OWNER_PATH}.",
        id="organization-trail-read-through-the-role",
    ),
    pytest.param(
        member(role=None),
        MANUAL,
        CANNOT + f"trail org-trail is an organization trail of account {OTHER_ACCOUNT}, which "
        f"holds its log group, filters and alarms: {SET_THE_KEY}.",
        id="organization-trail-without-the-key",
    ),
    pytest.param(
        member(refused_roles=(OWNER_ROLE,)),
        MANUAL,
        CANNOT + f"trail org-trail is an organization trail of account {OTHER_ACCOUNT}, which "
        f"holds its log group, filters and alarms: sts:AssumeRole on {OWNER_ROLE} was refused "
        "(AccessDenied) (needs sts:AssumeRole).",
        id="organization-trail-role-refused",
    ),
    pytest.param(
        member(role="arn:aws:iam::333333333333:role/ProwlerScan"),
        MANUAL,
        CANNOT + f"trail org-trail is an organization trail of account {OTHER_ACCOUNT}, which "
        "holds its log group, filters and alarms: organization_trail_role_arn names a role of "
        f"account 333333333333, not of account {OTHER_ACCOUNT} (write {{account_id}} where the "
        "account goes).",
        id="organization-trail-role-of-another-account",
    ),
    pytest.param(
        member(role="ProwlerScan"),
        MANUAL,
        CANNOT + f"trail org-trail is an organization trail of account {OTHER_ACCOUNT}, which "
        "holds its log group, filters and alarms: organization_trail_role_arn is 'ProwlerScan', "
        "not an IAM role ARN such as arn:aws:iam::{account_id}:role/ProwlerScan.",
        id="organization-trail-role-not-an-arn",
    ),
    pytest.param(
        member(management(topics=(Topic(account=OTHER_ACCOUNT, subscriptions=()),))),
        FAIL,
        NONE_REACH + f"in account {OTHER_ACCOUNT}, {NOTIFIES}which has no confirmed subscription.",
        id="organization-trail-broken-in-the-management-account",
    ),
    pytest.param(
        member(management(trails=(replace(ORG_TRAIL, logging=False),))),
        FAIL,
        NONE_CAUGHT + f"in account {OTHER_ACCOUNT}, no trail qualifies (trail org-trail is not "
        "logging).",
        id="organization-trail-stopped",
    ),
    pytest.param(
        member(management(deny=(("logs:DescribeMetricFilters", "*"),))),
        MANUAL,
        CANNOT + f"in account {OTHER_ACCOUNT}, logs:DescribeMetricFilters was denied in "
        "us-east-1 for log group org-trail-logs (needs logs:DescribeMetricFilters).",
        id="organization-trail-read-denied-in-the-management-account",
    ),
    pytest.param(
        member(management(deny=(("cloudtrail:GetTrailStatus", "*"),))),
        MANUAL,
        CANNOT + f"in account {OTHER_ACCOUNT}, cloudtrail:GetTrailStatus was denied in "
        "us-east-1 for trail org-trail (needs cloudtrail:GetTrailStatus).",
        id="organization-trail-status-denied-in-the-management-account",
    ),
    pytest.param(
        narrowed(f'($.recipientAccountId = "{THIRD_ACCOUNT}")'),
        FAIL,
        ORG_NONE_CAUGHT
        + "CreateCustomerGateway record with recipientAccountId absent does not match).",
        id="filter-narrowed-to-another-member",
    ),
    pytest.param(
        narrowed(f'($.recipientAccountId = "{ACCOUNT}")'),
        FAIL,
        ORG_NONE_CAUGHT
        + "CreateCustomerGateway record with recipientAccountId absent does not match).",
        id="filter-narrowed-to-the-member-misses-records-without-the-field",
    ),
    pytest.param(
        narrowed(f'(($.recipientAccountId = "{ACCOUNT}") || ($.recipientAccountId NOT EXISTS))'),
        PASS,
        f"All 6 network gateway events reach a confirmed subscriber through account "
        f"{OTHER_ACCOUNT}: {OWNER_PATH}.",
        id="filter-narrowed-to-the-member-with-records-without-the-field",
    ),
    pytest.param(
        narrowed(
            f'(($.recipientAccountId = "{THIRD_ACCOUNT}") || ($.recipientAccountId NOT EXISTS))'
        ),
        FAIL,
        ORG_NONE_CAUGHT
        + f'CreateCustomerGateway record with recipientAccountId = "{ACCOUNT}" does not match).',
        id="filter-of-another-member-with-records-without-the-field",
    ),
    pytest.param(
        complete_account(
            alarms=(Alarm(actions=(topic_arn(account=OTHER_ACCOUNT),)),),
            others=(Account(id=OTHER_ACCOUNT, topics=(Topic(account=OTHER_ACCOUNT),)),),
            role=ROLE,
        ),
        FAIL,
        NONE_REACH + f"in account {OTHER_ACCOUNT}, SNS topic security-alerts's access policy "
        "does not let CloudWatch publish to it (no statement allows cloudwatch.amazonaws.com or "
        f"account {ACCOUNT} sns:Publish of this alarm's notification).",
        id="topic-of-another-account-default-policy",
    ),
]

LOG_GROUP = [
    pytest.param(
        complete_account(filters=(), log_groups=()),
        FAIL,
        NONE_CAUGHT + f"trail management-events delivers to {GROUP}, which does not exist.",
        id="log-group-missing",
    ),
    pytest.param(
        complete_account(filters=()),
        FAIL,
        NONE_CAUGHT + f"{GROUP} of trail management-events has no metric filters.",
        id="no-metric-filters",
    ),
    pytest.param(
        with_filter(region="eu-west-1"),
        FAIL,
        NONE_CAUGHT + f"{GROUP} of trail management-events has no metric filters.",
        id="same-name-other-region",
    ),
    pytest.param(
        with_trail(home_region="ap-south-1"),
        MANUAL,
        CANNOT + "log group cloudtrail-logs is in ap-south-1, a region this scan does not audit "
        "(add -f ap-south-1).",
        id="log-group-in-unaudited-region",
    ),
]

METRIC_FILTER = [
    pytest.param(
        with_filter(pattern=BENCHMARK_PATTERN.replace("||", "&&")),
        FAIL,
        NONE_CAUGHT + f"metric filter gateway-changes on {GROUP} catches no network gateway "
        "event (for example, the pattern can never match a CreateCustomerGateway record).",
        id="and-instead-of-or",
    ),
    pytest.param(
        with_filter(
            pattern=BENCHMARK_PATTERN.replace(" || ($.eventName = DetachInternetGateway)", "")
        ),
        FAIL,
        f"DetachInternetGateway is not caught: metric filter gateway-changes on {GROUP} covers "
        "5 of 6 events (the pattern can never match a DetachInternetGateway record).",
        id="misses-one-event",
    ),
    pytest.param(
        with_filter(pattern=INTERNET),
        FAIL,
        "CreateCustomerGateway, DeleteCustomerGateway are not caught: metric filter "
        f"gateway-changes on {GROUP} covers 4 of 6 events (for example, the pattern can never "
        "match a CreateCustomerGateway record).",
        id="misses-customer-gateways",
    ),
    pytest.param(
        with_filter(pattern="{ ($.eventName = *Gateway) && ($.userIdentity.type = Root) }"),
        FAIL,
        NONE_CAUGHT + f"metric filter gateway-changes on {GROUP} catches no network gateway "
        'event (for example, a CreateCustomerGateway record with userIdentity.type = "IAMUser" '
        "does not match).",
        id="narrowed-to-root",
    ),
    pytest.param(
        complete_account(
            filters=(
                Filter(name="errors", pattern="ERROR"),
                Filter(name="logins", pattern="{ $.eventName = ConsoleLogin }"),
            )
        ),
        FAIL,
        NONE_CAUGHT + f"none of the 2 metric filters on {GROUP} catches network gateway events "
        "(for example, a CreateCustomerGateway record need not contain 'ERROR').",
        id="two-filters-neither-catches",
    ),
    pytest.param(
        with_filter(
            pattern="{ ($.eventName = *InternetGateway) || ($.eventName = *CustomerGateway) }"
        ),
        PASS,
        PASSES,
        id="wildcards",
    ),
    pytest.param(
        with_filter(
            pattern="?CreateCustomerGateway ?DeleteCustomerGateway ?AttachInternetGateway "
            "?CreateInternetGateway ?DeleteInternetGateway ?DetachInternetGateway"
        ),
        PASS,
        PASSES,
        id="text-terms",
    ),
    pytest.param(
        with_filter(pattern="{ $.eventName = "),
        MANUAL,
        CANNOT + f"metric filter gateway-changes on {GROUP} has a pattern the engine cannot "
        "read (the pattern ends too early; expected a value at character 16).",
        id="unreadable-pattern",
    ),
]

METRIC = [
    pytest.param(
        with_filter(value="0"),
        FAIL,
        NONE_REACH + "metric filter gateway-changes publishes '0', a value that never raises an "
        "alarm.",
        id="value-0",
    ),
    pytest.param(
        with_filter(value="-1"),
        FAIL,
        NONE_REACH + "metric filter gateway-changes publishes '-1', a value that never raises "
        "an alarm.",
        id="value-negative",
    ),
    pytest.param(
        with_filter(value="$.requestParameters.count"),
        MANUAL,
        CANNOT + "metric filter gateway-changes publishes the value '$.requestParameters.count', "
        "taken from the record, which the check cannot know.",
        id="value-from-the-record",
    ),
    pytest.param(with_filter(value="2"), PASS, PASSES, id="value-2"),
    pytest.param(
        with_filter(dimensions={"Region": "$.awsRegion"}),
        FAIL,
        NONE_REACH + "metric filter gateway-changes publishes dimension Region=$.awsRegion "
        "taken from a field whose value differs between records of one event, so no alarm sees "
        "every event.",
        id="dimension-from-a-varying-field",
    ),
    pytest.param(
        with_filter(dimensions={"Source": "$.eventSource"}),
        FAIL,
        NONE_REACH + "alarm gateway-changes watches CISBenchmark/GatewayChanges with dimensions "
        "none, but the filter publishes {Source=ec2.amazonaws.com}.",
        id="dimension-alarm-without-it",
    ),
    pytest.param(
        complete_account(
            filters=(Filter(dimensions={"Source": "$.eventSource"}),),
            alarms=(Alarm(dimensions={"Source": "ec2.amazonaws.com"}),),
        ),
        PASS,
        PASSES,
        id="dimension-resolved-and-watched",
    ),
]

ALARM = [
    pytest.param(
        complete_account(alarms=()),
        FAIL,
        NONE_REACH + "no alarm watches metric CISBenchmark/GatewayChanges of metric filter "
        "gateway-changes in us-east-1.",
        id="no-alarm",
    ),
    pytest.param(
        with_alarm(metric="OtherChanges"),
        FAIL,
        NONE_REACH + "no alarm watches metric CISBenchmark/GatewayChanges of metric filter "
        "gateway-changes in us-east-1.",
        id="alarm-on-another-metric",
    ),
    pytest.param(
        with_alarm(region="eu-west-1"),
        FAIL,
        NONE_REACH + "no alarm watches metric CISBenchmark/GatewayChanges of metric filter "
        "gateway-changes in us-east-1.",
        id="alarm-in-another-region",
    ),
    pytest.param(
        with_alarm(dimensions={"Environment": "prod"}),
        FAIL,
        NONE_REACH + "alarm gateway-changes watches CISBenchmark/GatewayChanges with dimensions "
        "{Environment=prod}, but the filter publishes none.",
        id="alarm-other-dimensions",
    ),
    pytest.param(
        with_alarm(threshold=5),
        FAIL,
        NONE_REACH + "alarm gateway-changes does not fire on one event: Sum 1 >= 5 is false.",
        id="threshold-5",
    ),
    pytest.param(
        with_alarm(statistic="Maximum", comparison="GreaterThanThreshold"),
        FAIL,
        NONE_REACH + "alarm gateway-changes does not fire on one event: Maximum 1 > 1 is false.",
        id="maximum-greater-than-1",
    ),
    pytest.param(
        with_alarm(comparison="LessThanThreshold"),
        FAIL,
        NONE_REACH + "alarm gateway-changes does not fire on one event: Sum 1 < 1 is false.",
        id="less-than",
    ),
    pytest.param(
        with_alarm(periods=3),
        FAIL,
        NONE_REACH + "alarm gateway-changes needs 3 breaching datapoints, so one event never "
        "fires it.",
        id="evaluation-periods-3",
    ),
    pytest.param(
        with_alarm(periods=3, datapoints=2),
        FAIL,
        NONE_REACH + "alarm gateway-changes needs 2 breaching datapoints, so one event never "
        "fires it.",
        id="datapoints-to-alarm-2",
    ),
    pytest.param(
        with_alarm(treat_missing_data="breaching"),
        FAIL,
        NONE_REACH + "alarm gateway-changes treats missing data as breaching, so it stays in "
        "ALARM between events and an event sends no notification.",
        id="missing-data-breaching",
    ),
    pytest.param(
        with_alarm(treat_missing_data="notBreaching"), PASS, PASSES, id="missing-data-not-breaching"
    ),
    pytest.param(with_alarm(statistic="SampleCount"), PASS, PASSES, id="sample-count"),
    pytest.param(complete_account(filters=(Filter(default=0),)), PASS, PASSES, id="default-0-sum"),
    pytest.param(
        complete_account(filters=(Filter(default=0),), alarms=(Alarm(statistic="Maximum"),)),
        PASS,
        PASSES,
        id="default-0-maximum",
    ),
    pytest.param(
        complete_account(filters=(Filter(default=0),), alarms=(Alarm(statistic="Average"),)),
        FAIL,
        NONE_REACH + "alarm gateway-changes does not reliably fire on one event: the metric "
        "filter publishes its defaultValue 0 for every other record, so Average over a period "
        "with the event need not be >= 1.",
        id="default-0-average",
    ),
    pytest.param(
        complete_account(filters=(Filter(default=0),), alarms=(Alarm(statistic="Minimum"),)),
        FAIL,
        NONE_REACH + "alarm gateway-changes does not reliably fire on one event: the metric "
        "filter publishes its defaultValue 0 for every other record, so Minimum over a period "
        "with the event need not be >= 1.",
        id="default-0-minimum",
    ),
    pytest.param(
        complete_account(filters=(Filter(default=0),), alarms=(Alarm(statistic="SampleCount"),)),
        FAIL,
        NONE_REACH + "alarm gateway-changes sits in ALARM without any event: the metric filter "
        "publishes its defaultValue 0 for every other record, and SampleCount >= 1 already "
        "holds, so an event sends no notification.",
        id="default-0-sample-count",
    ),
    pytest.param(
        with_filter(default=1),
        FAIL,
        NONE_REACH + "alarm gateway-changes sits in ALARM without any event: the metric filter "
        "publishes its defaultValue 1 for every other record, and Sum >= 1 already holds, so "
        "an event sends no notification.",
        id="default-1-sum",
    ),
    pytest.param(
        complete_account(
            filters=(Filter(default=0),),
            alarms=(Alarm(statistic=None, extended_statistic="p99"),),
        ),
        MANUAL,
        CANNOT + "alarm gateway-changes uses p99 on a metric whose filter has a defaultValue "
        "(0), which the check cannot evaluate.",
        id="default-with-percentile",
    ),
    pytest.param(
        with_alarm(unit="Seconds"),
        FAIL,
        NONE_REACH + "alarm gateway-changes watches unit Seconds, but the filter publishes None.",
        id="unit-mismatch",
    ),
    pytest.param(
        complete_account(filters=(Filter(unit="Count"),), alarms=(Alarm(unit="Count"),)),
        PASS,
        PASSES,
        id="unit-match",
    ),
    pytest.param(
        with_alarm(comparison="LessThanThreshold", threshold=2),
        FAIL,
        NONE_REACH + "alarm gateway-changes fires on one event but not on 2 in one period: Sum "
        "2 < 2 is false, so a burst of events sends no notification.",
        id="burst-sum-below-2",
    ),
    pytest.param(
        complete_account(
            filters=(Filter(default=0),),
            alarms=(Alarm(comparison="LessThanThreshold", threshold=2),),
        ),
        FAIL,
        NONE_REACH + "alarm gateway-changes sits in ALARM without any event: the metric filter "
        "publishes its defaultValue 0 for every other record, and Sum < 2 already holds, so an "
        "event sends no notification.",
        id="default-0-sum-below-2",
    ),
    pytest.param(
        with_alarm(statistic=None),
        MANUAL,
        CANNOT + "alarm gateway-changes has no statistic the check can read.",
        id="no-statistic",
    ),
    pytest.param(
        with_alarm(comparison="LessThanLowerOrGreaterThanUpperThreshold", threshold=None),
        MANUAL,
        CANNOT + "alarm gateway-changes compares with LessThanLowerOrGreaterThanUpperThreshold "
        "(an anomaly band or metric threshold the check cannot evaluate).",
        id="anomaly-band",
    ),
    pytest.param(
        with_alarm(actions_enabled=False),
        FAIL,
        NONE_REACH + "alarm gateway-changes has its actions disabled.",
        id="actions-disabled",
    ),
    pytest.param(
        with_alarm(actions=()),
        FAIL,
        NONE_REACH + "alarm gateway-changes notifies no SNS topic.",
        id="no-actions",
    ),
    pytest.param(
        with_alarm(actions=("arn:aws:automate:us-east-1:ec2:stop",)),
        FAIL,
        NONE_REACH + "alarm gateway-changes notifies no SNS topic (only "
        "arn:aws:automate:us-east-1:ec2:stop).",
        id="no-sns-action",
    ),
]

METRIC_MATH = [
    pytest.param(
        complete_account(alarms=(math_alarm(None),)),
        PASS,
        MATH_PASSES,
        id="math-returns-the-metric",
    ),
    pytest.param(
        complete_account(alarms=(math_alarm("FILL(m1, 0)"),)),
        PASS,
        MATH_PASSES,
        id="math-fill-0",
    ),
    pytest.param(
        complete_account(alarms=(math_alarm("m1 * 2"),)), PASS, MATH_PASSES, id="math-times-2"
    ),
    pytest.param(
        complete_account(alarms=(math_alarm("IF(m1 > 0, 1, 0)"),)),
        PASS,
        MATH_PASSES,
        id="math-if",
    ),
    pytest.param(
        complete_account(alarms=(math_alarm("SUM(METRICS())"),)),
        PASS,
        MATH_PASSES,
        id="math-sum-of-metrics",
    ),
    pytest.param(
        complete_account(alarms=(math_alarm("FILL(m1, 0)", periods=3),)),
        FAIL,
        NONE_REACH + "alarm gateway-math needs 3 breaching datapoints, so one event never "
        "fires it.",
        id="math-evaluation-periods-3",
    ),
    pytest.param(
        complete_account(alarms=(math_alarm("FILL(m1, REPEAT)"),)),
        MANUAL,
        CANNOT + "metric-math alarm gateway-math uses FILL with REPEAT, whose value depends on "
        "earlier periods, which the check cannot evaluate.",
        id="math-fill-repeat",
    ),
    pytest.param(
        complete_account(alarms=(math_alarm("m1 * 0"),)),
        FAIL,
        NONE_REACH + "metric-math alarm gateway-math computes m1 * 0, which is 0 for a period "
        "with one event, and 0 >= 1 is false, so one event never fires it.",
        id="math-times-0",
    ),
    pytest.param(
        complete_account(alarms=(math_alarm("IF(m1 > 0, 1, 0)", treat_missing_data="breaching"),)),
        FAIL,
        NONE_REACH + "metric-math alarm gateway-math computes IF(m1 > 0, 1, 0), which has no "
        "datapoint without an event, and the alarm treats missing data as breaching, so it "
        "stays in ALARM between events and an event sends no notification.",
        id="math-missing-data-breaching",
    ),
    pytest.param(
        complete_account(alarms=(math_alarm("m1 > 0 AND NOT m1 > 5"),)),
        FAIL,
        NONE_REACH + "metric-math alarm gateway-math computes m1 > 0 AND NOT m1 > 5, which "
        "fires on one event but not on 6 in one period (0 >= 1 is false), so a burst of events "
        "sends no notification.",
        id="math-burst",
    ),
    pytest.param(
        complete_account(alarms=(math_alarm("RATE(m1)"),)),
        MANUAL,
        CANNOT + "metric-math alarm gateway-math uses RATE, which the check cannot evaluate.",
        id="math-unknown-function",
    ),
]

TOPIC_LINKS = [
    pytest.param(
        with_alarm(actions=(topic_arn("deleted-topic"),)),
        FAIL,
        NONE_REACH + "alarm gateway-changes notifies SNS topic deleted-topic, which does not "
        "exist.",
        id="topic-missing",
    ),
    pytest.param(
        with_topic(subscriptions=()),
        FAIL,
        NONE_REACH + NOTIFIES + "which has no confirmed subscription.",
        id="no-subscription",
    ),
    pytest.param(
        with_topic(subscriptions=(Subscription(confirmed=False),)),
        FAIL,
        NONE_REACH + NOTIFIES + "which has no confirmed subscription (1 pending).",
        id="pending-only",
    ),
    pytest.param(
        with_topic(subscriptions=(Subscription(confirmed=False), Subscription())),
        PASS,
        PASSES,
        id="pending-and-confirmed",
    ),
    pytest.param(
        with_alarm(actions=(f"arn:aws:sns:us-east-1:{OTHER_ACCOUNT}:central-alerts",)),
        MANUAL,
        CANNOT + f"alarm gateway-changes notifies SNS topic arn:aws:sns:us-east-1:"
        f"{OTHER_ACCOUNT}:central-alerts in account {OTHER_ACCOUNT}, whose subscriptions the "
        f"check cannot see: {SET_THE_KEY}.",
        id="topic-of-another-account",
    ),
    pytest.param(
        with_topic(kms_key="alias/aws/sns"),
        FAIL,
        NONE_REACH + ENCRYPTED + "the AWS managed key alias/aws/sns, which CloudWatch alarms "
        "cannot use.",
        id="key-aws-managed-alias",
    ),
    pytest.param(
        keyed(OWNER_KEY_GRANT, manager="AWS"),
        FAIL,
        NONE_REACH + ENCRYPTED + f"the AWS managed key {KMS_KEY}, which CloudWatch alarms "
        "cannot use.",
        id="key-aws-managed",
    ),
    pytest.param(
        with_topic(kms_key=KMS_KEY),
        FAIL,
        NONE_REACH + ENCRYPTED + f"the KMS key {KMS_KEY}, which does not exist.",
        id="key-missing",
    ),
    pytest.param(
        keyed(OWNER_KEY_GRANT),
        FAIL,
        NONE_REACH + ENCRYPTED + f"KMS key {KMS_KEY}, whose key policy does not let "
        "cloudwatch.amazonaws.com use it (kms:Decrypt and kms:GenerateDataKey*).",
        id="key-ignores-cloudwatch",
    ),
    pytest.param(
        keyed(OWNER_KEY_GRANT, CLOUDWATCH_KEY_GRANT, {**CLOUDWATCH_KEY_GRANT, "Effect": "Deny"}),
        FAIL,
        NONE_REACH + ENCRYPTED + f"KMS key {KMS_KEY}, whose key policy denies CloudWatch "
        "kms:Decrypt.",
        id="key-denies-cloudwatch",
    ),
    pytest.param(keyed(OWNER_KEY_GRANT, CLOUDWATCH_KEY_GRANT), PASS, PASSES, id="key-usable"),
    pytest.param(
        keyed(
            OWNER_KEY_GRANT,
            {**CLOUDWATCH_KEY_GRANT, "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
        ),
        MANUAL,
        # no "(needs kms:GetKeyPolicy)": the policy was read
        CANNOT + f"the key policy of KMS key {KMS_KEY} grants CloudWatch only under "
        "conditions the check does not evaluate.",
        id="key-grant-under-conditions",
    ),
    pytest.param(
        topic_policy(
            {**statement("Allow", {"AWS": "*"}), "Action": "SNS:*"},
            {**statement("Deny", "*"), "Sid": "NoPublish"},
        ),
        FAIL,
        NONE_REACH + "SNS topic security-alerts's access policy denies sns:Publish to "
        "CloudWatch (statement NoPublish), so the alarm's notification is refused.",
        id="topic-policy-denies",
    ),
    pytest.param(
        topic_policy(statement("Allow", {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"})),
        FAIL,
        NONE_REACH + "SNS topic security-alerts's access policy does not let CloudWatch publish "
        f"to it (no statement allows cloudwatch.amazonaws.com or account {ACCOUNT} "
        "sns:Publish of this alarm's notification).",
        id="topic-policy-for-another-account",
    ),
    pytest.param(
        topic_policy(statement("Allow", {"Service": "cloudwatch.amazonaws.com"})),
        PASS,
        PASSES,
        id="topic-policy-allows-cloudwatch",
    ),
    pytest.param(
        topic_policy(
            statement(
                "Allow",
                {"Service": "cloudwatch.amazonaws.com"},
                {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:*"}},
            )
        ),
        PASS,
        PASSES,
        id="topic-policy-allows-the-account-alarms",
    ),
    pytest.param(
        topic_policy(
            {**statement("Allow", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), "Action": "sns:*"}
        ),
        PASS,
        PASSES,
        id="topic-policy-allows-the-account-root",
    ),
    pytest.param(
        topic_policy(statement("Allow", "*", {"StringEquals": {"aws:SourceAccount": ACCOUNT}})),
        PASS,
        PASSES,
        id="topic-policy-allows-anyone-from-the-account",
    ),
    pytest.param(
        topic_policy(statement("Allow", {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"})),
        FAIL,
        NONE_REACH + "SNS topic security-alerts's access policy does not let CloudWatch publish "
        f"to it (no statement allows cloudwatch.amazonaws.com or account {ACCOUNT} "
        "sns:Publish of this alarm's notification).",
        id="topic-policy-for-one-user",
    ),
    pytest.param(
        topic_policy(
            statement("Allow", {"Service": "cloudwatch.amazonaws.com"}),
            statement("Deny", {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"}),
        ),
        PASS,
        PASSES,
        id="topic-policy-denies-one-user",
    ),
    pytest.param(
        topic_policy(statement("Allow", "*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})),
        MANUAL,
        CANNOT + "whether SNS topic security-alerts's policy applies: the condition key "
        "aws:PrincipalOrgID, which the check does not evaluate.",
        id="topic-policy-unknown-condition",
    ),
    pytest.param(
        filtered({"severity": ["high"]}),
        FAIL,
        NONE_REACH + NOTIFIES + "whose 1 confirmed subscription receives no alarm notification "
        "(its filter policy needs the message attribute severity, which alarm notifications do "
        "not carry).",
        id="filter-policy-on-attributes",
    ),
    pytest.param(
        filtered({"AlarmName": ["other-alarm"]}, "MessageBody"),
        FAIL,
        NONE_REACH + NOTIFIES + "whose 1 confirmed subscription receives no alarm notification "
        "(its filter policy drops alarm notifications (AlarmName = gateway-changes)).",
        id="filter-policy-other-alarm",
    ),
    pytest.param(
        filtered({"severity": [{"exists": False}]}), PASS, PASSES, id="filter-policy-absent-ok"
    ),
    pytest.param(
        filtered({"NewStateValue": ["ALARM"]}, "MessageBody"),
        PASS,
        PASSES,
        id="filter-policy-on-alarm-state",
    ),
    pytest.param(
        filtered({"AlarmName": [{"prefix": "gateway"}]}, "MessageBody"),
        PASS,
        PASSES,
        id="filter-policy-on-alarm-name-prefix",
    ),
    pytest.param(
        filtered({"OldStateValue": ["OK"]}, "MessageBody"),
        MANUAL,
        CANNOT + f"the filter policy of subscription {TOPIC}:subscription-1 reads the "
        "notification's OldStateValue, which the check does not evaluate.",
        id="filter-policy-unknown-field",
    ),
    pytest.param(
        with_topic(
            subscriptions=(Subscription(filter_policy={"severity": ["high"]}), Subscription())
        ),
        PASS,
        PASSES,
        id="one-subscription-of-two-receives",
    ),
]

GAPS = [
    pytest.param(
        denied(("logs:DescribeMetricFilters", "us-east-1")),
        MANUAL,
        CANNOT + "logs:DescribeMetricFilters was denied in us-east-1 for log group "
        "cloudtrail-logs (needs logs:DescribeMetricFilters).",
        id="filters-denied-on-path",
    ),
    pytest.param(
        denied(("logs:DescribeMetricFilters", "eu-west-1")),
        PASS,
        PASSES,
        id="filters-denied-off-path",
    ),
    pytest.param(
        denied(
            ("cloudtrail:DescribeTrails", "us-east-1"), ("cloudtrail:DescribeTrails", "eu-west-1")
        ),
        MANUAL,
        CANNOT + "CloudTrail trails could not be listed in any audited region (needs "
        "cloudtrail:DescribeTrails).",
        id="trails-denied-everywhere",
    ),
    pytest.param(
        denied(("cloudtrail:DescribeTrails", "eu-west-1"), account=Account()),
        FAIL,
        NONE_CAUGHT + "no multi-region CloudTrail trail exists.",
        id="trails-denied-in-one-region",
    ),
    pytest.param(
        denied(("cloudtrail:DescribeTrails", "eu-west-1")),
        PASS,
        PASSES,
        id="trails-denied-in-one-region-multi-region-seen",
    ),
    pytest.param(
        denied(("cloudtrail:GetTrailStatus", "us-east-1")),
        MANUAL,
        CANNOT + "cloudtrail:GetTrailStatus was denied in us-east-1 for trail management-events "
        "(needs cloudtrail:GetTrailStatus).",
        id="trail-status-denied",
    ),
    pytest.param(
        denied(("cloudtrail:GetEventSelectors", "us-east-1")),
        MANUAL,
        CANNOT + "cloudtrail:GetEventSelectors was denied in us-east-1 for trail "
        "management-events (needs cloudtrail:GetEventSelectors).",
        id="event-selectors-denied",
    ),
    pytest.param(
        denied(
            ("cloudwatch:DescribeAlarms", "us-east-1"), account=with_alarm(actions_enabled=False)
        ),
        MANUAL,
        CANNOT + "cloudwatch:DescribeAlarms was denied in us-east-1 for the metric-math alarms "
        "in us-east-1 (needs cloudwatch:DescribeAlarms).",
        id="alarms-denied-on-path",
    ),
    pytest.param(
        denied(
            ("cloudwatch:DescribeAlarms", "eu-west-1"), account=with_alarm(actions_enabled=False)
        ),
        FAIL,
        NONE_REACH + "alarm gateway-changes has its actions disabled.",
        id="alarms-denied-off-path",
    ),
    pytest.param(
        denied(("cloudwatch:DescribeAlarms", "us-east-1")),
        PASS,
        PASSES,
        id="alarms-denied-path-found-anyway",
    ),
    pytest.param(
        denied(
            ("sns:GetTopicAttributes", "us-east-1"), account=with_topic(kms_key="alias/aws/sns")
        ),
        MANUAL,
        CANNOT + f"sns:GetTopicAttributes was denied in us-east-1 for SNS topic {TOPIC} (needs "
        "sns:GetTopicAttributes).",
        id="topic-attributes-denied",
    ),
    pytest.param(
        denied(("sns:ListSubscriptionsByTopic", "us-east-1")),
        MANUAL,
        CANNOT + f"sns:ListSubscriptionsByTopic was denied in us-east-1 for SNS topic {TOPIC} "
        "(needs sns:ListSubscriptionsByTopic).",
        id="subscriptions-denied",
    ),
    pytest.param(
        denied(("sns:GetSubscriptionAttributes", "us-east-1")),
        MANUAL,
        CANNOT + f"sns:GetSubscriptionAttributes was denied in us-east-1 for subscription "
        f"{TOPIC}:subscription-1 (needs sns:GetSubscriptionAttributes).",
        id="subscription-attributes-denied",
    ),
    pytest.param(
        denied(
            ("kms:DescribeKey", "us-east-1"), account=keyed(OWNER_KEY_GRANT, CLOUDWATCH_KEY_GRANT)
        ),
        MANUAL,
        CANNOT + f"kms:DescribeKey was denied in us-east-1 for the KMS key {KMS_KEY} of SNS "
        f"topic {TOPIC} (needs kms:DescribeKey).",
        id="key-denied",
    ),
    pytest.param(
        denied(
            ("logs:DescribeLogGroups", "us-east-1"),
            account=complete_account(filters=(), log_groups=()),
        ),
        FAIL,
        NONE_CAUGHT + f"{GROUP} of trail management-events has no metric filters.",
        id="log-groups-denied-no-filters-anyway",
    ),
]

SEVERAL_PATHS = [
    pytest.param(
        complete_account(trails=(Trail(name="legacy", multi_region=False), Trail())),
        PASS,
        PASSES,
        id="one-qualifying-trail-of-two",
    ),
    pytest.param(
        complete_account(alarms=(Alarm(name="a-disabled", actions_enabled=False), Alarm())),
        PASS,
        PASSES,
        id="one-working-alarm-of-two",
    ),
    pytest.param(
        halves(),
        PASS,
        "All 6 network gateway events reach a confirmed subscriber: trail management-events -> "
        f"{GROUP} -> metric filter customer -> alarm customer -> SNS topic security-alerts "
        "(1 confirmed subscription) (and 1 more alarm path).",
        id="two-filters-of-half-each",
    ),
]

PARTIAL = [
    pytest.param(
        halves({"actions_enabled": False}),
        FAIL,
        "AttachInternetGateway, CreateInternetGateway, DeleteInternetGateway, "
        "DetachInternetGateway do not reach a person: alarm internet has its actions disabled.",
        id="internet-half-disabled",
    ),
    pytest.param(
        halves(value="$.count"),
        MANUAL,
        "Cannot tell whether AttachInternetGateway, CreateInternetGateway, "
        "DeleteInternetGateway, DetachInternetGateway reach a person: metric filter internet "
        "publishes the value '$.count', taken from the record, which the check cannot know.",
        id="internet-half-undecided",
    ),
    pytest.param(
        halves(value="$.count", pattern="{ $.eventName = AttachInternetGateway }"),
        FAIL,
        "CreateInternetGateway, DeleteInternetGateway, DetachInternetGateway are not caught: "
        f"metric filter customer on {GROUP} covers 2 of 6 events (for example, the pattern can "
        "never match a CreateInternetGateway record); AttachInternetGateway could not be "
        "checked: metric filter internet publishes the value '$.count', taken from the record, "
        "which the check cannot know.",
        id="some-not-caught-one-undecided",
    ),
]

CASES = TRAIL + LOG_GROUP + METRIC_FILTER + METRIC + ALARM + METRIC_MATH + TOPIC_LINKS + GAPS
CASES += SEVERAL_PATHS + PARTIAL + ORGANIZATION


@pytest.mark.parametrize(("account", "status", "sentence"), CASES)
def test_chain(account: Account, status: str, sentence: str) -> None:
    verdict = judge(MemoryEvidence(account), NETWORK_GATEWAY_CHANGES)
    assert verdict.sentence == sentence
    assert verdict.status == status


def _methods(cls: type) -> dict[str, list[str]]:
    """Public methods and their parameter names."""
    return {
        name: list(inspect.signature(member).parameters)
        for name, member in vars(cls).items()
        if inspect.isfunction(member) and not name.startswith("_")
    }


def test_the_memory_source_answers_the_same_questions_as_prowler():
    assert _methods(MemoryEvidence) == _methods(ProwlerEvidence) == _methods(EvidenceSource)
    attributes = set(EvidenceSource.__annotations__)
    memory, prowler = MemoryEvidence(Account()), ProwlerEvidence(None, None, None, None)
    assert attributes <= set(vars(memory)) & set(vars(prowler))


def test_a_topic_waiting_for_confirmation_says_how_many_in_the_evidence():
    """The fixer waits for owners only when every broken event stops at a topic whose
    subscriptions are pending: the evidence counts them, the fixer reads the count."""
    pending = with_topic(subscriptions=(Subscription(confirmed=False), Subscription(False)))
    nobody = with_topic(subscriptions=())
    for account, expected in ((pending, 2), (nobody, None)):
        events = judge(MemoryEvidence(account), NETWORK_GATEWAY_CHANGES).evidence["events"]
        assert {e.get("pending_subscriptions") for e in events.values()} == {expected}


def test_a_role_that_could_not_be_assumed_says_refused_or_failed():
    """Denied is "refused"; throttled, timed out or unreachable is "failed": nothing was decided
    against the scan, so it is worth running again."""
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/ProwlerScan"
    assert (
        assume_refused(role, "AccessDenied").what
        == f"sts:AssumeRole on {role} was refused (AccessDenied)"
    )
    assert (
        assume_refused(role, "Throttling").what == f"sts:AssumeRole on {role} failed (Throttling)"
    )
    assert assume_refused(role, "ReadTimeoutError").permission == "sts:AssumeRole"


def test_each_alarm_is_judged_once_for_all_six_events(monkeypatch):
    """Fifty alarms on the filter's metric, only the last one notifies: the six events publish
    the same datapoint, so each alarm's own links are judged once, not once per event, and the
    verdict is the one the events reach separately."""
    from prowler_ext.chain import alarm as alarm_links

    quiet = [Alarm(name=f"quiet-{i:02d}", actions_enabled=False) for i in range(49)]
    account = complete_account(alarms=(*quiet, Alarm(name="last")))
    judged: list[str] = []
    real = alarm_links.notifies_on_one_event

    def counting(alarm, *args):
        judged.append(alarm.name)
        return real(alarm, *args)

    monkeypatch.setattr(alarm_links, "notifies_on_one_event", counting)
    verdict = judge(MemoryEvidence(account), NETWORK_GATEWAY_CHANGES)

    assert verdict.status == "PASS"
    assert "alarm last" in verdict.sentence
    assert sorted(judged) == sorted(a.name for a in account.alarms)


def test_a_topic_is_judged_once_for_all_six_events(monkeypatch):
    """The six events reach the same alarm and topic: the topic's policy, key and
    subscriptions are judged once for the alarm's notification, not once per event."""
    from prowler_ext.chain import topic as topic_links

    judged: list[str] = []
    real = topic_links.publish_problem

    def counting(policy, request, name):
        judged.append(name)
        return real(policy, request, name)

    monkeypatch.setattr(topic_links, "publish_problem", counting)
    verdict = judge(MemoryEvidence(complete_account()), NETWORK_GATEWAY_CHANGES)

    assert verdict.status == "PASS"
    assert judged == ["security-alerts"]


# ------------------------------------------------------------------ the section's other classes
# Controls of the CIS monitoring section whose records are no list of one service's calls: the
# trail must record the management events of every service, and the sentences speak of one
# record class.

_EXCLUDING_KMS = (
    {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [],
        "ExcludeManagementEventSources": ["kms.amazonaws.com"],
    },
)
_ADVANCED_WITHOUT_KMS = (
    {
        "Name": "management events but KMS",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
        ],
    },
)


def _section_case(control_name: str, **overrides: Any) -> tuple:
    from prowler_ext import cis_monitoring

    control = getattr(cis_monitoring, control_name)
    account = complete_account(filters=(Filter(pattern=control.benchmark_pattern),), **overrides)
    return control, account


@pytest.mark.parametrize(
    ("control_name", "overrides", "status", "sentence"),
    [
        pytest.param(
            "ROOT_USAGE",
            {},
            "PASS",
            "Root account usage reaches a confirmed subscriber: trail management-events -> "
            f"{GROUP} -> metric filter gateway-changes -> alarm gateway-changes -> SNS topic "
            "security-alerts (1 confirmed subscription).",
            id="root-usage-benchmark-pattern",
        ),
        pytest.param(
            "ROOT_USAGE",
            {"trails": (Trail(selectors=_EXCLUDING_KMS),)},
            "FAIL",
            "Root account usage is not caught: no trail qualifies (trail management-events does "
            "not record the management events of kms.amazonaws.com "
            "(ExcludeManagementEventSources), and these records may come from any service).",
            id="root-usage-trail-excluding-a-service",
        ),
        pytest.param(
            "ROOT_USAGE",
            {"trails": (Trail(selectors=(), advanced=_ADVANCED_WITHOUT_KMS),)},
            "FAIL",
            "Root account usage is not caught: no trail qualifies (trail management-events has "
            "no advanced event selector recording all management events).",
            id="root-usage-advanced-selector-without-a-service",
        ),
        pytest.param(
            "UNAUTHORIZED_API_CALLS",
            {"deny": (("cloudtrail:GetEventSelectors", "*"),)},
            "MANUAL",
            "Cannot tell whether unauthorized API call reaches a person: "
            "cloudtrail:GetEventSelectors was denied in us-east-1 for trail management-events "
            "(needs cloudtrail:GetEventSelectors).",
            id="unauthorized-calls-selectors-denied",
        ),
        pytest.param(
            "SIGN_IN_WITHOUT_MFA",
            {},
            "PASS",
            "Console sign-in without MFA reaches a confirmed subscriber: trail "
            f"management-events -> {GROUP} -> metric filter gateway-changes -> alarm "
            "gateway-changes -> SNS topic security-alerts (1 confirmed subscription).",
            id="sign-in-without-mfa-benchmark-pattern",
        ),
    ],
)
def test_the_section_s_record_classes_through_the_chain(control_name, overrides, status, sentence):
    control, account = _section_case(control_name, **overrides)
    verdict = judge(MemoryEvidence(account), control)
    assert verdict.sentence == sentence
    assert verdict.status == status


def test_a_trail_excluding_another_service_still_qualifies_for_one_service_s_calls():
    """The gateway calls are EC2's: a trail that leaves KMS out records all of them."""
    for trail in (
        Trail(selectors=_EXCLUDING_KMS),
        Trail(selectors=(), advanced=_ADVANCED_WITHOUT_KMS),
    ):
        verdict = judge(MemoryEvidence(complete_account(trails=(trail,))), NETWORK_GATEWAY_CHANGES)
        assert verdict.status == "PASS", verdict.sentence


def test_the_whole_section_in_one_evaluation_gives_each_control_its_own_verdict():
    """`judge_all` shares reads and alarm and topic judgements between the controls; each
    control's verdict is the one it gets alone."""
    from prowler_ext.chain import judge_all
    from prowler_ext.cis_monitoring import ROOT_USAGE, SECTION, UNAUTHORIZED_API_CALLS

    chained = (NETWORK_GATEWAY_CHANGES, ROOT_USAGE, UNAUTHORIZED_API_CALLS)
    account = complete_account(
        filters=tuple(
            Filter(name=f"cis-{n}", pattern=c.benchmark_pattern, metric=f"Metric{n}")
            for n, c in enumerate(chained)
        ),
        alarms=tuple(Alarm(name=f"cis-{n}", metric=f"Metric{n}") for n in range(len(chained))),
    )
    together = judge_all(MemoryEvidence(account), SECTION)
    assert list(together) == [c.check_id for c in SECTION]
    for control in SECTION:
        alone = judge(MemoryEvidence(account), control)
        assert (together[control.check_id].status, together[control.check_id].sentence) == (
            alone.status,
            alone.sentence,
        )
    assert [c.check_id for c in SECTION if together[c.check_id].status == "PASS"] == [
        UNAUTHORIZED_API_CALLS.check_id,
        ROOT_USAGE.check_id,
        NETWORK_GATEWAY_CHANGES.check_id,
    ]


def test_filters_that_name_the_event_are_tried_first_and_the_others_need_no_proof(monkeypatch):
    """Ten unrelated filters stand before the one that names the gateway calls: the search tries
    that one first, finds the path, and proves no other pattern."""
    from prowler_ext.chain import path as path_module

    asked: list[str] = []
    real = path_module.cached_coverage

    def counting(pattern, case):
        asked.append(pattern)
        return real(pattern, case)

    monkeypatch.setattr(path_module, "cached_coverage", counting)
    others = tuple(
        Filter(name=f"app-{i}", pattern=f'{{ $.eventSource = "svc{i}.amazonaws.com" }}')
        for i in range(10)
    )
    account = complete_account(filters=(*others, Filter(name="zz-gateway-changes")))
    verdict = judge(MemoryEvidence(account), NETWORK_GATEWAY_CHANGES)

    assert verdict.status == "PASS"
    assert "metric filter zz-gateway-changes" in verdict.sentence
    assert set(asked) == {BENCHMARK_PATTERN}


def test_a_path_through_a_filter_that_names_no_event_is_still_found():
    """The filter naming the calls leads to an alarm with its actions disabled; a wildcard
    filter listed before it leads to a person: what the first try left is undone, and the
    verdict is the one of a pass in the log group's order."""
    account = complete_account(
        filters=(
            Filter(name="a-any-gateway", pattern="{ $.eventName = *Gateway }", metric="Any"),
            Filter(name="b-gateway-changes", metric="Named"),
        ),
        alarms=(
            Alarm(name="any", metric="Any"),
            Alarm(name="named", metric="Named", actions_enabled=False),
        ),
    )
    verdict = judge(MemoryEvidence(account), NETWORK_GATEWAY_CHANGES)
    assert verdict.status == "PASS"
    assert "metric filter a-any-gateway -> alarm any ->" in verdict.sentence
    broken = complete_account(
        filters=account.filters,
        alarms=(
            Alarm(name="any", metric="Any", actions_enabled=False),
            Alarm(name="named", metric="Named", actions_enabled=False),
        ),
    )
    verdict = judge(MemoryEvidence(broken), NETWORK_GATEWAY_CHANGES)
    assert verdict.status == "FAIL"
    assert verdict.sentence == (
        "None of the 6 network gateway events reaches a person: alarm any has its actions disabled."
    )


def test_one_undecided_event_reads_in_the_singular():
    five = (
        "{ "
        + " || ".join(
            f"($.eventName = {e})"
            for e in NETWORK_GATEWAY_CHANGES.events
            if e != "DetachInternetGateway"
        )
        + " }"
    )
    account = complete_account(
        filters=(Filter(name="five", pattern=five), Filter(name="zz-detach", pattern="%Detach.*$%"))
    )
    verdict = judge(MemoryEvidence(account), NETWORK_GATEWAY_CHANGES)
    assert verdict.status == "MANUAL"
    assert verdict.sentence.startswith(
        "Cannot tell whether DetachInternetGateway reaches a person: metric filter zz-detach on "
        f"{GROUP}: "
    )


def test_filters_that_miss_a_typical_record_are_not_proved_only_the_one_named():
    """Forty filters catch no gateway event, each missing CloudTrail's typical record of every
    event: the search settles them without a proof, and proves only the filter its sentence
    names, for the reason it gives."""
    from unittest import mock

    from prowler_ext.filterpattern import purge_caches
    from prowler_ext.filterpattern.coverage_search import CoverageSearch

    filters = tuple(
        Filter(name=f"other-{i:02d}", pattern=f'{{ $.eventSource = "svc{i}.amazonaws.com" }}')
        for i in range(40)
    )
    purge_caches()
    with mock.patch.object(
        CoverageSearch, "run", autospec=True, side_effect=CoverageSearch.run
    ) as run:
        verdict = judge(MemoryEvidence(complete_account(filters=filters)), NETWORK_GATEWAY_CHANGES)
    assert verdict.status == FAIL
    assert verdict.sentence == (
        NONE_CAUGHT + f"none of the 40 metric filters on {GROUP} catches network gateway "
        "events (for example, the pattern can never match a CreateCustomerGateway record)."
    )
    assert run.call_count == 1
