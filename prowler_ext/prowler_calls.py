"""Targeted calls: what Prowler's inventories drop (or what `fresh` reads again), read through
the clients' `regional_clients` for the candidates on a path only.

Every failure becomes a `Gap` naming the permission and the region, never an exception, and
every call is counted in the source's `SourceStats`.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from .chain.evidence import (
    AlarmEvidence,
    Gap,
    MetricFilterEvidence,
    MetricKey,
    MetricTransformation,
    SourceStats,
    SubscriptionEvidence,
    TopicEvidence,
    TrailEvidence,
)
from .key_policy import key_policy_problem

DESCRIBE_ALARMS_BATCH = 100
PARALLEL_CALLS = 10  # threads for independent calls, as Prowler's services (MAX_WORKERS)
Item = TypeVar("Item")
Answer = TypeVar("Answer")
_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "AuthorizationError",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
}


def in_parallel(read: Callable[[Item], Answer], items: Iterable[Item]) -> list[Answer]:
    """`read` of each item, in their order: independent calls at once, on as many threads as
    Prowler's services use, so their round trips overlap instead of adding up (one item, or a
    call from one of those threads: one after the other). `read` returns failures as values
    (a Gap), never raises."""
    items = list(items)
    if len(items) <= 1 or getattr(_WORKER, "busy", False):
        return [read(item) for item in items]
    return list(_pool().map(read, items))


def at_once(reads: Iterable[Callable[[], Answer]]) -> list[Answer]:
    """Each of the reads' answers, in their order, the reads made at once (`in_parallel`)."""
    return in_parallel(lambda read: read(), reads)


_WORKER = threading.local()  # marks the pool's own threads
_POOLS: dict[int, ThreadPoolExecutor] = {}  # by process: a forked child starts its own


def _pool() -> ThreadPoolExecutor:
    """The threads of this process's calls, started once (a thread costs about a millisecond
    to start; a scan makes a few such batches)."""
    pid = os.getpid()
    if pid not in _POOLS:
        _POOLS.clear()
        _POOLS[pid] = ThreadPoolExecutor(
            max_workers=PARALLEL_CALLS,
            thread_name_prefix="prowler-ext-calls",
            initializer=_mark_worker,
        )
    return _POOLS[pid]


def _mark_worker() -> None:
    _WORKER.busy = True


@dataclass(frozen=True)
class TrailRef:
    """A trail known by name and ARN only (as another account lists it), read where it lives."""

    name: str
    arn: str
    region: str
    data_events: tuple = ()


class TargetedCalls:
    """The boto3 reads of `ProwlerEvidence`, one resource (or one batch) at a time."""

    def __init__(
        self, cloudtrail: Any, logs: Any, cloudwatch: Any, sns: Any, stats: SourceStats
    ) -> None:
        self.cloudtrail = cloudtrail
        self.logs = logs
        self.cloudwatch = cloudwatch
        self.sns = sns
        self.stats = stats

    # ------------------------------------------------------------------ plumbing
    @staticmethod
    def client(service: Any, region: str) -> Any | None:
        """The service's boto3 client for the region; None when the scan does not audit it."""
        return (getattr(service, "regional_clients", None) or {}).get(region)

    @staticmethod
    def not_audited(region: str, what: str) -> Gap:
        return Gap(
            f"{what} is in {region}, a region this scan does not audit (add -f {region})",
            None,
            region,
        )

    @staticmethod
    def _call_gap(error: Exception, operation: str, region: str, what: str) -> Gap:
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "Error")
            verb = "was denied" if code in _DENIED else f"failed ({code})"
        else:
            verb = f"failed ({type(error).__name__})"
        return Gap(f"{operation} {verb} in {region} for {what}", operation, region)

    # ------------------------------------------------------------------ trails
    def trail(self, trail: Any, home: str, base: dict[str, Any]) -> TrailEvidence:
        """A candidate trail: its status (GetTrailStatus) and event selectors (Prowler's, or
        GetEventSelectors when it holds none). `base` holds the inventory's fields."""
        client = self.client(self.cloudtrail, home) or self.client(self.cloudtrail, trail.region)
        if client is None:
            return TrailEvidence(is_logging=None, selectors_read=False, **base)
        gaps: list[Gap] = []
        is_logging: bool | None = None
        delivery_error = None
        try:
            self.stats.count("cloudtrail:GetTrailStatus")
            status = client.get_trail_status(Name=trail.arn)
            is_logging = bool(status.get("IsLogging"))
            delivery_error = status.get("LatestCloudWatchLogsDeliveryError") or None
        except (ClientError, BotoCoreError) as error:
            gaps.append(
                self._call_gap(error, "cloudtrail:GetTrailStatus", home, f"trail {trail.name}")
            )
        classic, advanced, selectors_read = self._selectors(trail, client, gaps, home)
        return TrailEvidence(
            is_logging=is_logging,
            delivery_error=delivery_error,
            classic_selectors=classic,
            advanced_selectors=advanced,
            selectors_read=selectors_read,
            gaps=tuple(gaps),
            **base,
        )

    def _selectors(self, trail: Any, client: Any, gaps: list[Gap], region: str):
        known = getattr(trail, "data_events", None) or []
        if known:
            classic = tuple(s.event_selector for s in known if not s.is_advanced)
            advanced = tuple(s.event_selector for s in known if s.is_advanced)
            return classic, advanced, True
        try:
            self.stats.count("cloudtrail:GetEventSelectors")
            response = client.get_event_selectors(TrailName=trail.arn)
        except (ClientError, BotoCoreError) as error:
            gaps.append(
                self._call_gap(error, "cloudtrail:GetEventSelectors", region, f"trail {trail.name}")
            )
            return (), (), False
        return (
            tuple(response.get("EventSelectors") or ()),
            tuple(response.get("AdvancedEventSelectors") or ()),
            True,
        )

    # ------------------------------------------------------------------ metric filters
    def describe_filters(
        self, region: str, group: str, name: str | None
    ) -> list[MetricFilterEvidence] | Gap:
        """The metric filters on one log group (those whose name starts with `name`)."""
        client = self.client(self.logs, region)
        if client is None:
            return self.not_audited(region, f"log group {group}")
        arguments: dict[str, str] = {"logGroupName": group}
        if name:
            arguments["filterNamePrefix"] = name
        found: list[MetricFilterEvidence] = []
        try:
            for page in client.get_paginator("describe_metric_filters").paginate(**arguments):
                self.stats.count("logs:DescribeMetricFilters")
                for raw in page.get("metricFilters") or []:
                    evidence = _filter_evidence(raw, region, group)
                    if evidence is not None:
                        found.append(evidence)
        except (ClientError, BotoCoreError) as error:
            return self._call_gap(error, "logs:DescribeMetricFilters", region, f"log group {group}")
        return found

    # ------------------------------------------------------------------ alarms
    def list_math_alarms(self, region: str) -> list[AlarmEvidence] | Gap:
        """The region's metric-math alarms, listed again."""
        client = self.client(self.cloudwatch, region)
        if client is None:
            return self.not_audited(region, "the alarms")
        found: list[AlarmEvidence] = []
        try:
            pages = client.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"])
            for page in pages:
                self.stats.count("cloudwatch:DescribeAlarms")
                found.extend(
                    _alarm_evidence(raw, region)
                    for raw in page.get("MetricAlarms") or []
                    if raw.get("Metrics")
                )
        except (ClientError, BotoCoreError) as error:
            return self._call_gap(
                error, "cloudwatch:DescribeAlarms", region, f"the metric-math alarms in {region}"
            )
        return found

    def describe_alarms(self, region: str, names: list[str]) -> list[AlarmEvidence] | Gap:
        """The named alarms, up to DESCRIBE_ALARMS_BATCH a call; several batches in parallel
        (as many threads as Prowler's services use), in the order of `names`."""
        if not names:
            return []
        client = self.client(self.cloudwatch, region)
        if client is None:
            return self.not_audited(region, "the alarm")
        batches = [
            names[start : start + DESCRIBE_ALARMS_BATCH]
            for start in range(0, len(names), DESCRIBE_ALARMS_BATCH)
        ]
        answers = in_parallel(lambda batch: _describe_alarm_batch(client, region, batch), batches)
        found: list[AlarmEvidence] = []
        for batch, (pages, answer) in zip(batches, answers, strict=True):
            for _ in range(pages):
                self.stats.count("cloudwatch:DescribeAlarms")
            if isinstance(answer, Exception):
                return self._call_gap(
                    answer, "cloudwatch:DescribeAlarms", region, f"alarm {batch[0]}"
                )
            found.extend(answer)
        return found

    def alarms_for_metric(self, metric: MetricKey) -> list[AlarmEvidence] | Gap:
        """The alarms on one metric (DescribeAlarmsForMetric)."""
        client = self.client(self.cloudwatch, metric.region)
        try:
            self.stats.count("cloudwatch:DescribeAlarmsForMetric")
            response = client.describe_alarms_for_metric(
                Namespace=metric.namespace,
                MetricName=metric.name,
                Dimensions=[{"Name": k, "Value": v} for k, v in metric.dimensions],
            )
        except (ClientError, BotoCoreError) as error:
            return self._call_gap(
                error, "cloudwatch:DescribeAlarmsForMetric", metric.region, f"metric {metric}"
            )
        return [_alarm_evidence(raw, metric.region) for raw in response.get("MetricAlarms") or []]

    # ------------------------------------------------------------------ topics and keys
    def list_subscriptions(self, arn: str, region: str) -> tuple[TopicEvidence, list[str]] | Gap:
        """The topic's subscription counts and its confirmed subscriptions' ARNs."""
        client = self.client(self.sns, region)
        if client is None:
            return self.not_audited(region, f"SNS topic {arn}")
        confirmed: list[str] = []
        pending = 0
        try:
            for page in client.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn):
                self.stats.count("sns:ListSubscriptionsByTopic")
                for subscription in page.get("Subscriptions") or []:
                    subscription_arn = str(subscription.get("SubscriptionArn", ""))
                    if subscription_arn.startswith("arn:"):
                        confirmed.append(subscription_arn)
                    elif subscription_arn == "PendingConfirmation":
                        pending += 1
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NotFound", "NotFoundException"):
                return TopicEvidence(arn, False), []
            return self._call_gap(error, "sns:ListSubscriptionsByTopic", region, f"SNS topic {arn}")
        except BotoCoreError as error:
            return self._call_gap(error, "sns:ListSubscriptionsByTopic", region, f"SNS topic {arn}")
        return TopicEvidence(arn, True, len(confirmed), pending), confirmed

    def subscription(self, arn: str, region: str) -> SubscriptionEvidence:
        """A confirmed subscription's filter policy (sns:GetSubscriptionAttributes)."""
        client = self.client(self.sns, region)
        try:
            self.stats.count("sns:GetSubscriptionAttributes")
            attributes = client.get_subscription_attributes(SubscriptionArn=arn).get("Attributes")
        except (ClientError, BotoCoreError, AttributeError) as error:
            return SubscriptionEvidence(
                arn,
                unread=self._call_gap(
                    error, "sns:GetSubscriptionAttributes", region, f"subscription {arn}"
                ),
            )
        attributes = attributes if isinstance(attributes, dict) else {}
        return SubscriptionEvidence(
            arn, attributes.get("FilterPolicy") or None, attributes.get("FilterPolicyScope")
        )

    def topic_attributes(self, arn: str, region: str) -> dict | Gap:
        """The topic's attributes (KmsMasterKeyId, Policy), read for this topic alone."""
        try:
            self.stats.count("sns:GetTopicAttributes")
            attributes = self.client(self.sns, region).get_topic_attributes(TopicArn=arn)
        except (ClientError, BotoCoreError) as error:
            return self._call_gap(error, "sns:GetTopicAttributes", region, f"SNS topic {arn}")
        found = attributes.get("Attributes")
        return found if isinstance(found, dict) else {}

    def key_problem(self, key: str, region: str, what: str) -> str | None | Gap:
        """Why CloudWatch cannot publish to a topic encrypted with this key, or None.

        CloudWatch alarms cannot use the AWS managed key alias/aws/sns, and a customer managed
        key must allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* in its
        key policy (a service principal gets nothing from IAM policies).
        """
        if key.endswith("alias/aws/sns"):
            return "the AWS managed key alias/aws/sns, which CloudWatch alarms cannot use"
        session = getattr(self.sns, "session", None)
        what = f"the KMS key {key} of {what}"
        if session is None:
            return Gap(f"{what} could not be read", "kms:DescribeKey", region)
        try:
            kms = session.client("kms", region_name=region)
            self.stats.count("kms:DescribeKey")
            metadata = kms.describe_key(KeyId=key).get("KeyMetadata") or {}
            if metadata.get("KeyManager") == "AWS":
                return f"the AWS managed key {key}, which CloudWatch alarms cannot use"
            self.stats.count("kms:GetKeyPolicy")
            document = kms.get_key_policy(KeyId=metadata.get("KeyId", key), PolicyName="default")
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            operation = "kms:GetKeyPolicy" if "GetKeyPolicy" in str(error) else "kms:DescribeKey"
            if code == "NotFoundException":
                return f"the KMS key {key}, which does not exist"
            return self._call_gap(error, operation, region, what)
        except BotoCoreError as error:
            return self._call_gap(error, "kms:DescribeKey", region, what)
        return key_policy_problem(key, document.get("Policy"), region)


def _filter_evidence(raw: Any, region: str, group: str) -> MetricFilterEvidence | None:
    if not isinstance(raw, dict) or not raw.get("filterName"):
        return None
    transformations = []
    for item in raw.get("metricTransformations") or []:
        if not isinstance(item, dict) or not item.get("metricName"):
            continue
        dimensions = item.get("dimensions") or {}
        transformations.append(
            MetricTransformation(
                metric_name=str(item["metricName"]),
                namespace=str(item.get("metricNamespace") or ""),
                value=str(item.get("metricValue", "")),
                dimensions=tuple(sorted((str(k), str(v)) for k, v in dimensions.items()))
                if isinstance(dimensions, dict)
                else (),
                unit=item.get("unit"),
                default_value=_number_or_none(item.get("defaultValue")),
            )
        )
    return MetricFilterEvidence(
        name=str(raw["filterName"]),
        region=region,
        log_group_name=str(raw.get("logGroupName") or group),
        pattern=str(raw.get("filterPattern") or ""),
        transformations=tuple(transformations),
    )


def _describe_alarm_batch(
    client: Any, region: str, batch: list[str]
) -> tuple[int, list[AlarmEvidence] | ClientError | BotoCoreError]:
    """One batch of named alarms: the pages read, and the alarms or the error."""
    pages_read = 0
    found: list[AlarmEvidence] = []
    try:
        pages = client.get_paginator("describe_alarms").paginate(
            AlarmNames=batch, AlarmTypes=["MetricAlarm"]
        )
        for page in pages:
            pages_read += 1
            found.extend(_alarm_evidence(raw, region) for raw in page.get("MetricAlarms") or [])
    except (ClientError, BotoCoreError) as error:
        return pages_read, error
    return pages_read, found


def _alarm_evidence(raw: dict, region: str) -> AlarmEvidence:
    def integer(value: Any) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    threshold = raw.get("Threshold")
    return AlarmEvidence(
        name=str(raw.get("AlarmName", "")),
        arn=str(raw.get("AlarmArn", "")),
        region=region,
        namespace=raw.get("Namespace"),
        metric_name=raw.get("MetricName"),
        dimensions=tuple(
            sorted(
                (str(d.get("Name", "")), str(d.get("Value", "")))
                for d in raw.get("Dimensions") or []
                if isinstance(d, dict)
            )
        ),
        statistic=raw.get("Statistic"),
        extended_statistic=raw.get("ExtendedStatistic"),
        threshold=float(threshold) if isinstance(threshold, (int, float)) else None,
        comparison=raw.get("ComparisonOperator"),
        evaluation_periods=integer(raw.get("EvaluationPeriods")),
        datapoints_to_alarm=integer(raw.get("DatapointsToAlarm")),
        actions_enabled=raw.get("ActionsEnabled") is True,
        alarm_actions=tuple(str(a) for a in raw.get("AlarmActions") or []),
        unit=raw.get("Unit"),
        metrics=tuple(m for m in raw.get("Metrics") or [] if isinstance(m, dict)),
        treat_missing_data=raw.get("TreatMissingData"),
    )


def _number_or_none(value: Any) -> float | None:
    """A number; None when absent; NaN when present but unreadable (the check says so)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
