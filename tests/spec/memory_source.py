"""An account as plain data, and an `EvidenceSource` that answers from it.

A case reads like a sentence: ``complete_account(alarms=[Alarm(threshold=5)])`` is the
benchmark's compliant chain whose alarm wants five events. `MemoryEvidence` answers the path
search as `prowler_ext.prowler_source.ProwlerEvidence` does: the same evidence types, the same
Gaps with the same words (``<permission> was denied in <region> for <what>``), for the same
reasons. Denials follow what a denied operation does to ProwlerEvidence in a real scan (where
Prowler's inventory is then flagged incomplete and the targeted call is made):

=================================  ===================================================
denied                             answer
=================================  ===================================================
cloudtrail:DescribeTrails          a region's single-region trails are hidden; in every
                                   audited region: no trails and a Gap
cloudtrail:GetTrailStatus          the trail's `is_logging` is None, with a Gap
cloudtrail:GetEventSelectors       the trail's `selectors_read` is False, with a Gap
logs:DescribeLogGroups             `log_group_exists` is None (unknown)
logs:DescribeMetricFilters         `filters_on` and `filter_details` are a Gap
cloudwatch:DescribeAlarmsForMetric `alarms_on` is a Gap
cloudwatch:DescribeAlarms          `math_alarms` is a Gap (the metric's own alarms are
                                   read with DescribeAlarmsForMetric)
sns:ListSubscriptionsByTopic       `topic` is a Gap
sns:GetTopicAttributes             `topic` is a Gap
sns:GetSubscriptionAttributes      the subscription's `unread` is a Gap
kms:DescribeKey, kms:GetKeyPolicy  `key_problem` is a Gap
=================================  ===================================================

A denial is written ``(permission, where)``; `where` is a region, a resource's name (trail,
log group, metric, topic, key) or ``"*"``. `stats` counts every read as one call, as
ProwlerEvidence(fresh=True) makes them (the default mode answers some from Prowler's inventory).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from prowler_ext.chain.evidence import (
    AlarmEvidence,
    FilterSummary,
    Gap,
    LogGroupRef,
    MetricFilterEvidence,
    MetricKey,
    MetricTransformation,
    SourceStats,
    SubscriptionEvidence,
    TopicEvidence,
    TrailEvidence,
)
from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from prowler_ext.key_policy import key_policy_problem
from prowler_ext.other_accounts import OtherAccounts, assume_refused

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "999999999999"
REGION = "us-east-1"
REGIONS = ("us-east-1", "eu-west-1")
LOG_GROUP = "cloudtrail-logs"
NAMESPACE = "CISBenchmark"
METRIC = "GatewayChanges"
TOPIC = "security-alerts"
BENCHMARK_PATTERN = NETWORK_GATEWAY_CHANGES.benchmark_pattern
ALL_MANAGEMENT_EVENTS = ({"ReadWriteType": "All", "IncludeManagementEvents": True},)


def topic_arn(name: str = TOPIC, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:sns:{region}:{account}:{name}"


def default_topic_policy(arn: str, account: str = ACCOUNT) -> dict:
    """The access policy AWS gives every new topic: its owner's principals, Publish included."""
    actions = ["GetTopicAttributes", "SetTopicAttributes", "Subscribe", "Publish"]
    return {
        "Version": "2008-10-17",
        "Statement": [
            {
                "Sid": "__default_statement_ID",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": [f"SNS:{a}" for a in actions],
                "Resource": arn,
                "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
            }
        ],
    }


# ------------------------------------------------------------------ the account as data


@dataclass(frozen=True)
class Trail:
    name: str = "management-events"
    log_group: str | None = LOG_GROUP  # a name in its home region, a full ARN, or None
    home_region: str = REGION
    owner: str = ACCOUNT  # another account: an organization trail seen from a member
    multi_region: bool = True
    logging: bool = True
    selectors: Sequence[dict] = ALL_MANAGEMENT_EVENTS
    advanced: Sequence[dict] = ()
    delivery_error: str | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:cloudtrail:{self.home_region}:{self.owner}:trail/{self.name}"

    @property
    def log_group_arn(self) -> str | None:
        if self.log_group is None or self.log_group.startswith("arn:"):
            return self.log_group
        return f"arn:aws:logs:{self.home_region}:{self.owner}:log-group:{self.log_group}:*"


@dataclass(frozen=True)
class Filter:
    name: str = "gateway-changes"
    pattern: str = BENCHMARK_PATTERN
    metric: str = METRIC
    namespace: str = NAMESPACE
    value: str = "1"
    default: float | None = None  # defaultValue
    dimensions: Mapping[str, str] = field(default_factory=dict)
    unit: str | None = None
    log_group: str = LOG_GROUP
    region: str = REGION


@dataclass(frozen=True)
class Alarm:
    name: str = "gateway-changes"
    metric: str | None = METRIC
    namespace: str | None = NAMESPACE
    dimensions: Mapping[str, str] = field(default_factory=dict)
    statistic: str | None = "Sum"
    extended_statistic: str | None = None
    threshold: float | None = 1.0
    comparison: str | None = "GreaterThanOrEqualToThreshold"
    periods: int | None = 1  # EvaluationPeriods
    datapoints: int | None = None  # DatapointsToAlarm
    treat_missing_data: str | None = None
    actions_enabled: bool = True
    actions: Sequence[str] = (topic_arn(),)
    unit: str | None = None
    metrics: Sequence[dict] = ()  # metric math: the MetricDataQueries
    region: str = REGION


def math_alarm(expression: str | None, *, stat: str = "Sum", **options: Any) -> Alarm:
    """A metric-math alarm over m1 (the filter's metric, `stat`), returning `expression` as
    e1, or m1 itself when `expression` is None."""
    m1 = {
        "Id": "m1",
        "MetricStat": {
            "Metric": {"Namespace": NAMESPACE, "MetricName": METRIC},
            "Period": 300,
            "Stat": stat,
        },
        "ReturnData": expression is None,
    }
    queries = (
        [m1]
        if expression is None
        else [m1, {"Id": "e1", "Expression": expression, "ReturnData": True}]
    )
    base = dict(name="gateway-math", metric=None, namespace=None, statistic=None)
    return Alarm(**{**base, "metrics": tuple(queries), **options})


@dataclass(frozen=True)
class Subscription:
    confirmed: bool = True  # False: PendingConfirmation
    filter_policy: dict | None = None
    scope: str | None = None  # FilterPolicyScope: MessageAttributes (default) or MessageBody


@dataclass(frozen=True)
class Topic:
    name: str = TOPIC
    region: str = REGION
    subscriptions: Sequence[Subscription] = (Subscription(),)
    kms_key: str | None = None  # KmsMasterKeyId
    policy: dict | str | None = None  # None: the policy AWS gives a new topic
    account: str = ACCOUNT

    @property
    def arn(self) -> str:
        return topic_arn(self.name, self.region, self.account)


@dataclass(frozen=True)
class Key:
    id: str
    policy: dict = field(default_factory=dict)
    manager: str = "CUSTOMER"  # or AWS


@dataclass(frozen=True)
class Account:
    trails: Sequence[Trail] = ()
    filters: Sequence[Filter] = ()
    alarms: Sequence[Alarm] = ()
    topics: Sequence[Topic] = ()
    keys: Sequence[Key] = ()
    # (region, name) of the log groups that exist; None: every group a trail or filter names
    log_groups: Sequence[tuple[str, str]] | None = None
    deny: Sequence[tuple[str, str]] = ()  # (permission, region or resource name or "*")
    regions: Sequence[str] = REGIONS  # the regions the scan audits
    id: str = ACCOUNT
    # other accounts a chain may cross into, read through `organization_trail_role_arn`
    others: Sequence[Account] = ()
    role: str | None = None  # the key's value; None: not configured
    refused_roles: Sequence[str] = ()  # role ARNs whose sts:AssumeRole is refused


COMPLETE = Account(trails=(Trail(),), filters=(Filter(),), alarms=(Alarm(),), topics=(Topic(),))


def complete_account(**overrides: Any) -> Account:
    """The benchmark's compliant chain: a logging multi-region trail recording all management
    events -> log group cloudtrail-logs -> the CIS pattern publishing 1 -> an alarm Sum >= 1
    over one period -> topic security-alerts -> one confirmed subscription. Overrides replace
    whole fields of `Account`."""
    return replace(COMPLETE, **overrides)


def with_trail(**fields: Any) -> Account:
    """The complete account whose one trail has these fields."""
    return complete_account(trails=(Trail(**fields),))


def with_filter(**fields: Any) -> Account:
    """The complete account whose one metric filter has these fields."""
    return complete_account(filters=(Filter(**fields),))


def with_alarm(**fields: Any) -> Account:
    """The complete account whose one alarm has these fields."""
    return complete_account(alarms=(Alarm(**fields),))


def with_topic(**fields: Any) -> Account:
    """The complete account whose one topic has these fields."""
    return complete_account(topics=(Topic(**fields),))


# ------------------------------------------------------------------ the evidence source


class MemoryEvidence:
    """An `EvidenceSource` over an `Account`: answers as `ProwlerEvidence` would."""

    def __init__(self, account: Account) -> None:
        self.data = account
        self.account = account.id
        self.partition = "aws"
        self.stats = SourceStats()
        self.single_region_trails_hidden = False

    # ------------------------------------------------------------------ helpers
    def _denied(self, permission: str, region: str, *names: str) -> bool:
        return any(p == permission and w in ("*", region, *names) for p, w in self.data.deny)

    def _read(self, permission: str, region: str, what: str, *names: str) -> Gap | None:
        """Count the call; a Gap worded as ProwlerEvidence words a denial, or None."""
        self.stats.count(permission)
        if self._denied(permission, region, *names):
            return Gap(f"{permission} was denied in {region} for {what}", permission, region)
        return None

    def _not_audited(self, region: str, what: str) -> Gap | None:
        if region in self.data.regions:
            return None
        return Gap(
            f"{what} is in {region}, a region this scan does not audit (add -f {region})",
            None,
            region,
        )

    # ------------------------------------------------------------------ other accounts
    def account_source(self, account: str) -> MemoryEvidence | Gap:
        if account == self.account:
            return self
        config = OtherAccounts(self.data.role, None, None, frozenset(self.data.regions), "aws")
        role = config.role_arn(account)
        if isinstance(role, Gap):
            return role
        if role in self.data.refused_roles:
            return assume_refused(role, "AccessDenied")
        other = next((a for a in self.data.others if a.id == account), Account(id=account))
        return MemoryEvidence(replace(other, role=self.data.role, others=self.data.others))

    def read_trail(self, trail: TrailEvidence) -> TrailEvidence:
        found = next((t for t in self.data.trails if t.arn == trail.arn), None)
        if found is None:
            return replace(trail, is_logging=None, selectors_read=False)
        return self._trail(found)

    # ------------------------------------------------------------------ trails
    def trails(self) -> tuple[list[TrailEvidence], list[Gap]]:
        hidden = {r for r in self.data.regions if self._denied("cloudtrail:DescribeTrails", r)}
        self.single_region_trails_hidden = bool(hidden)
        if hidden >= set(self.data.regions):
            gap = Gap(
                "CloudTrail trails could not be listed in any audited region",
                "cloudtrail:DescribeTrails",
            )
            return [], [gap]
        listed = set(self.data.regions) - hidden
        # a multi-region trail is listed (as a shadow trail) in every region that answers
        visible = [t for t in self.data.trails if t.multi_region or t.home_region in listed]
        return [self._trail(t) for t in visible], []

    def _trail(self, trail: Trail) -> TrailEvidence:
        base: dict[str, Any] = dict(
            name=trail.name,
            arn=trail.arn,
            home_region=trail.home_region,
            is_multi_region=trail.multi_region,
            log_group_arn=trail.log_group_arn,
        )
        if not (trail.multi_region and trail.log_group and trail.owner == self.account):
            return TrailEvidence(is_logging=trail.logging, **base)  # not a candidate: no calls
        home, what = trail.home_region, f"trail {trail.name}"
        status_gap = self._read("cloudtrail:GetTrailStatus", home, what, trail.name)
        selectors_gap = self._read("cloudtrail:GetEventSelectors", home, what, trail.name)
        gaps = tuple(g for g in (status_gap, selectors_gap) if g)
        return TrailEvidence(
            is_logging=None if status_gap else trail.logging,
            delivery_error=None if status_gap else trail.delivery_error,
            classic_selectors=() if selectors_gap else tuple(trail.selectors),
            advanced_selectors=() if selectors_gap else tuple(trail.advanced),
            selectors_read=selectors_gap is None,
            gaps=gaps,
            **base,
        )

    # ------------------------------------------------------------------ log groups and filters
    def log_group_exists(self, ref: LogGroupRef) -> bool | None:
        if ref.region not in self.data.regions:
            return None
        if self._denied("logs:DescribeLogGroups", ref.region, ref.name):
            return None
        return (ref.region, ref.name) in self._log_groups()

    def _log_groups(self) -> set[tuple[str, str]]:
        groups = {(f.region, f.log_group) for f in self.data.filters}
        if self.data.log_groups is not None:
            return groups | set(self.data.log_groups)
        for trail in self.data.trails:
            ref = LogGroupRef.from_arn(trail.log_group_arn)
            if ref is not None and ref.account == self.account:
                groups.add((ref.region, ref.name))
        return groups

    def filters_on(self, ref: LogGroupRef) -> list[FilterSummary] | Gap:
        what = f"log group {ref.name}"
        gap = self._not_audited(ref.region, what) or self._read(
            "logs:DescribeMetricFilters", ref.region, what, ref.name
        )
        if gap:
            return gap
        return [
            FilterSummary(f.name, f.region, f.log_group, f.pattern)
            for f in self.data.filters
            if (f.region, f.log_group) == (ref.region, ref.name)
        ]

    def filter_details(self, summary: FilterSummary) -> MetricFilterEvidence | Gap:
        group, region = summary.log_group_name, summary.region
        gap = self._read("logs:DescribeMetricFilters", region, f"log group {group}", group)
        if gap:
            return gap
        for f in self.data.filters:
            if (f.region, f.log_group, f.name) == (region, group, summary.name):
                transformation = MetricTransformation(
                    metric_name=f.metric,
                    namespace=f.namespace,
                    value=f.value,
                    dimensions=tuple(sorted(f.dimensions.items())),
                    unit=f.unit,
                    default_value=None if f.default is None else float(f.default),
                )
                return MetricFilterEvidence(f.name, region, group, f.pattern, (transformation,))
        return Gap(
            f"metric filter {summary.name} on log group {group} disappeared during the scan",
            "logs:DescribeMetricFilters",
            region,
        )

    # ------------------------------------------------------------------ alarms
    def alarms_on(self, metric: MetricKey) -> list[AlarmEvidence] | Gap:
        """The metric alarms on the metric's region, namespace and name, whatever their
        dimensions (the search says why other dimensions do not count)."""
        gap = self._not_audited(metric.region, f"metric {metric}") or self._read(
            "cloudwatch:DescribeAlarmsForMetric", metric.region, f"metric {metric}", metric.name
        )
        if gap:
            return gap
        return [
            self._alarm(a)
            for a in self.data.alarms
            if not a.metrics
            and (a.region, a.namespace, a.metric) == (metric.region, metric.namespace, metric.name)
        ]

    def math_alarms(self, region: str) -> list[AlarmEvidence] | Gap:
        what = f"the metric-math alarms in {region}"
        gap = self._not_audited(region, "the alarms") or self._read(
            "cloudwatch:DescribeAlarms", region, what
        )
        if gap:
            return gap
        return [self._alarm(a) for a in self.data.alarms if a.metrics and a.region == region]

    def _alarm(self, alarm: Alarm) -> AlarmEvidence:
        return AlarmEvidence(
            name=alarm.name,
            arn=f"arn:aws:cloudwatch:{alarm.region}:{self.account}:alarm:{alarm.name}",
            region=alarm.region,
            namespace=alarm.namespace,
            metric_name=alarm.metric,
            dimensions=tuple(sorted(alarm.dimensions.items())),
            statistic=alarm.statistic,
            extended_statistic=alarm.extended_statistic,
            threshold=None if alarm.threshold is None else float(alarm.threshold),
            comparison=alarm.comparison,
            evaluation_periods=alarm.periods,
            datapoints_to_alarm=alarm.datapoints,
            actions_enabled=alarm.actions_enabled,
            alarm_actions=tuple(alarm.actions),
            unit=alarm.unit,
            metrics=tuple(alarm.metrics),
            treat_missing_data=alarm.treat_missing_data,
        )

    # ------------------------------------------------------------------ topics
    def topic(self, arn: str) -> TopicEvidence | Gap:
        """In ProwlerEvidence's order: subscriptions, their filter policies, the topic's
        attributes (policy, key), the key."""
        region = arn.split(":")[3] if arn.count(":") >= 3 else ""
        what = f"SNS topic {arn}"
        gap = self._not_audited(region, what) or self._read(
            "sns:ListSubscriptionsByTopic", region, what, arn
        )
        if gap:
            return gap
        found = next((t for t in self.data.topics if t.arn == arn), None)
        if found is None:
            return TopicEvidence(arn, False)
        confirmed = [s for s in found.subscriptions if s.confirmed]
        subscriptions = tuple(
            self._subscription(f"{arn}:subscription-{n}", s, region)
            for n, s in enumerate(confirmed, 1)
        )
        gap = self._read("sns:GetTopicAttributes", region, what, arn)
        if gap:
            return gap
        policy = default_topic_policy(arn, self.account) if found.policy is None else found.policy
        evidence = TopicEvidence(
            arn,
            True,
            confirmed=len(confirmed),
            pending=len(found.subscriptions) - len(confirmed),
            policy=policy if isinstance(policy, str) else json.dumps(policy),
            subscriptions=subscriptions,
        )
        if not found.kms_key:
            return evidence
        problem = self.key_problem(found.kms_key, region, what)
        if isinstance(problem, Gap):
            return problem
        return replace(evidence, unusable_key=problem)

    def _subscription(
        self, arn: str, subscription: Subscription, region: str
    ) -> SubscriptionEvidence:
        gap = self._read("sns:GetSubscriptionAttributes", region, f"subscription {arn}", arn)
        if gap:
            return SubscriptionEvidence(arn, unread=gap)
        policy = subscription.filter_policy
        return SubscriptionEvidence(arn, json.dumps(policy) if policy else None, subscription.scope)

    def key_problem(self, key: str, region: str, what: str) -> str | None | Gap:
        if key.endswith("alias/aws/sns"):
            return "the AWS managed key alias/aws/sns, which CloudWatch alarms cannot use"
        what = f"the KMS key {key} of {what}"
        gap = self._read("kms:DescribeKey", region, what, key)
        if gap:
            return gap
        found = next((k for k in self.data.keys if k.id == key), None)
        if found is None:
            return f"the KMS key {key}, which does not exist"
        if found.manager == "AWS":
            return f"the AWS managed key {key}, which CloudWatch alarms cannot use"
        gap = self._read("kms:GetKeyPolicy", region, what, key)
        if gap:
            return gap
        return key_policy_problem(key, json.dumps(found.policy), region)
