"""Evidence from Prowler's service clients, plus targeted calls for the candidates only.

Prowler's inventories (trails, metric filters, alarms, topics) are indexed once by what the
search looks them up by: (region, log group), (region, namespace, metric), topic ARN. What
the inventories drop is read with targeted calls through the clients' `regional_clients`,
and only for resources on a candidate path:

* GetTrailStatus (IsLogging, LatestCloudWatchLogsDeliveryError) and, when Prowler holds no
  selectors, GetEventSelectors: for multi-region trails that deliver to CloudWatch Logs;
* DescribeMetricFilters on one log group (by filter name): for filters whose pattern catches
  an event, to read the metric value, dimensions and unit;
* DescribeAlarms by name, up to 100 at a time: for alarms on a candidate metric;
* ListSubscriptionsByTopic: for a topic an alarm notifies, unless Prowler's inventory already
  shows a confirmed subscription.

With `fresh=True` the scan's inventories of metric filters, alarms and topics are not used:
each is read again with the same targeted calls (DescribeMetricFilters on the trails' log
groups, DescribeAlarmsForMetric, DescribeAlarms of the metric-math alarms of one region,
ListSubscriptionsByTopic). The fixer re-checks the account that way after it writes, so it
says "fixed" only when the check's own rules, over what AWS holds now, say PASS.

When an inventory says it is incomplete, the search falls back to a targeted call for the
candidate (the metric filters of one log group, the alarms of one metric), so a denial is
located to its region. Every failure becomes a `Gap` naming the permission, never an exception.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .chain.evidence import (
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

DESCRIBE_ALARMS_BATCH = 100
_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "AuthorizationError",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
}


class ProwlerEvidence:
    """An `EvidenceSource` over Prowler's cloudtrail, logs, cloudwatch and sns clients."""

    def __init__(
        self,
        cloudtrail_client: Any,
        logs_client: Any,
        cloudwatch_client: Any,
        sns_client: Any,
        fresh: bool = False,
    ):
        self.fresh = fresh
        self.cloudtrail = cloudtrail_client
        self.logs = logs_client
        self.cloudwatch = cloudwatch_client
        self.sns = sns_client
        self.account = str(getattr(cloudtrail_client, "audited_account", "") or "")
        self.partition = str(getattr(cloudtrail_client, "audited_partition", "aws") or "aws")
        self.stats = SourceStats()
        self.single_region_trails_hidden = False
        # Indexes are built on first use and only as wide as the search needs.
        self._filter_index: dict[tuple[str, str], list[FilterSummary]] | None = None
        self._regions_without_group: set[str] = set()
        self._wanted_metrics: set[str | None] = set()
        self._alarm_index: dict[tuple[str, str | None], list[str]] | None = None
        self._indexed_metrics: set[str | None] = set()
        self._topic_index: dict[str, Any] | None = None
        self._log_groups: set[tuple[str, str]] | None = None
        self._details: dict[FilterSummary, MetricFilterEvidence] = {}

    # ------------------------------------------------------------------ indexes
    def _trail_log_groups(self) -> set[tuple[str, str]]:
        wanted = set()
        for trail in (getattr(self.cloudtrail, "trails", None) or {}).values():
            ref = LogGroupRef.from_arn(getattr(trail, "log_group_arn", None))
            if ref is not None:
                wanted.add((ref.region, ref.name))
        return wanted

    def _index_filters(self, also: tuple[str, str]) -> None:
        """One pass over the filter inventory, keeping the filters of the trails' log groups
        (and the metric names they publish, for the alarm pass)."""
        wanted = self._trail_log_groups() | {also}
        wanted_names = {name for _, name in wanted}
        index: dict[tuple[str, str], list[FilterSummary]] = {key: [] for key in wanted}
        for metric_filter in getattr(self.logs, "metric_filters", None) or []:
            group = metric_filter.log_group
            if group is None:
                self._regions_without_group.add(metric_filter.region)
            elif group.name in wanted_names and (metric_filter.region, group.name) in index:
                index[(metric_filter.region, group.name)].append(
                    FilterSummary(
                        metric_filter.name,
                        metric_filter.region,
                        group.name,
                        metric_filter.pattern or "",
                    )
                )
                self._wanted_metrics.add(metric_filter.metric)
        self._filter_index = index

    def _index_alarms(self, also: str) -> None:
        """One pass over the alarm inventory, keeping the alarms on the metrics the candidate
        filters publish, and the metric-math alarms, by (region, metric name)."""
        self._wanted_metrics.add(also)
        index: dict[tuple[str, str | None], list[str]] = {}
        for alarm in getattr(self.cloudwatch, "metric_alarms", None) or []:
            if alarm.metric is None or alarm.metric in self._wanted_metrics:
                index.setdefault((alarm.region, alarm.metric), []).append(alarm.name)
        self._alarm_index = index
        self._indexed_metrics = set(self._wanted_metrics)

    def _inventory_alarms(self, metric_name: str | None, region: str) -> list[str]:
        """Names of the inventory's alarms on a metric name (None: metric-math) in a region."""
        if self._alarm_index is None or (
            metric_name is not None and metric_name not in self._indexed_metrics
        ):
            self._index_alarms(metric_name)
        return self._alarm_index.get((region, metric_name), [])

    # ------------------------------------------------------------------ helpers
    def _scan_filtered(self) -> bool:
        return any(
            getattr(client, "audit_resources", None)
            for client in (self.cloudtrail, self.logs, self.cloudwatch, self.sns)
        )

    def _client(self, service: Any, region: str) -> Any | None:
        return (getattr(service, "regional_clients", None) or {}).get(region)

    def _not_audited(self, region: str, what: str) -> Gap:
        return Gap(
            f"{what} is in {region}, a region this scan does not audit (add -f {region})",
            None,
            region,
        )

    def _call_gap(self, error: Exception, operation: str, region: str, what: str) -> Gap:
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "Error")
            verb = "was denied" if code in _DENIED else f"failed ({code})"
        else:
            verb = f"failed ({type(error).__name__})"
        return Gap(f"{operation} {verb} in {region} for {what}", operation, region)

    # ------------------------------------------------------------------ trails
    def trails(self) -> tuple[list[TrailEvidence], list[Gap]]:
        gaps: list[Gap] = []
        if self._scan_filtered():
            # Prowler keeps only the matching resources in its inventories: what is missing
            # from them may exist. A path found is still checked link by link.
            gaps.append(
                Gap(
                    "the scan was limited with --resource-tag or --resource-arn, so Prowler's "
                    "lists of trails, log groups, metric filters, alarms and topics are partial "
                    "(run the check without them)"
                )
            )
        # a region that could not list its trails hides at most single-region trails
        self.single_region_trails_hidden = getattr(self.cloudtrail, "trails_unavailable", False)
        if self.single_region_trails_hidden and not self._trails_listed():
            gaps.append(
                Gap(
                    "CloudTrail trails could not be listed in any audited region",
                    "cloudtrail:DescribeTrails",
                )
            )
        found: list[TrailEvidence] = []
        for trail in (getattr(self.cloudtrail, "trails", None) or {}).values():
            if not getattr(trail, "name", None) or not getattr(trail, "arn", None):
                continue  # Prowler's placeholder for a region without trails
            found.append(self._trail(trail))
        return found, gaps

    def _trails_listed(self) -> bool:
        """Did DescribeTrails answer in at least one audited region?

        Prowler leaves an entry (a trail or its placeholder) for every region that answered.
        One answer is enough: a multi-region trail, the only kind that can qualify, is listed
        (as a shadow trail) in every region it records, so a region that failed hides at
        most its single-region trails."""
        audited = set(getattr(self.cloudtrail, "regional_clients", None) or {})
        answered = {
            getattr(trail, "region", None)
            for trail in (getattr(self.cloudtrail, "trails", None) or {}).values()
        }
        return bool(audited & answered)

    def _trail(self, trail: Any) -> TrailEvidence:
        home = trail.home_region or trail.region
        base = dict(
            name=trail.name,
            arn=trail.arn,
            home_region=home,
            is_multi_region=bool(trail.is_multiregion),
            log_group_arn=trail.log_group_arn,
        )
        candidate = (
            bool(trail.is_multiregion)
            and bool(trail.log_group_arn)
            and (self.account in (trail.arn or "").split(":")[4:5])
        )
        if not candidate:
            return TrailEvidence(is_logging=trail.is_logging, **base)
        client = self._client(self.cloudtrail, home) or self._client(self.cloudtrail, trail.region)
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

    # ------------------------------------------------------------------ log groups and filters
    def log_group_exists(self, ref: LogGroupRef) -> bool | None:
        if (
            getattr(self.logs, "log_groups_unavailable", False)
            or getattr(self.logs, "all_log_groups", None) is None
        ):
            return None
        if ref.region not in (getattr(self.logs, "regional_clients", None) or {}):
            return None
        if self._log_groups is None:
            self._log_groups = {
                (g.region, g.name)
                for g in (getattr(self.logs, "all_log_groups", None) or {}).values()
            }
        return (ref.region, ref.name) in self._log_groups

    def filters_on(self, ref: LogGroupRef) -> list[FilterSummary] | Gap:
        if self._client(self.logs, ref.region) is None:
            return self._not_audited(ref.region, f"log group {ref.name}")
        inventory_blind = (
            self.fresh
            or getattr(self.logs, "metric_filters_unavailable", False)
            or getattr(self.logs, "metric_filters", None) is None
        )
        key = (ref.region, ref.name)
        if self._filter_index is None or key not in self._filter_index:
            self._index_filters(key)
        if not inventory_blind and ref.region not in self._regions_without_group:
            return list(self._filter_index.get(key, []))
        listed = self._describe_filters(ref.region, ref.name, None)
        if isinstance(listed, Gap):
            return listed
        summaries = []
        for details in listed:
            summary = FilterSummary(
                details.name, details.region, details.log_group_name, details.pattern
            )
            self._details[summary] = details
            summaries.append(summary)
        return summaries

    def filter_details(self, summary: FilterSummary) -> MetricFilterEvidence | Gap:
        if summary in self._details:
            return self._details[summary]
        listed = self._describe_filters(summary.region, summary.log_group_name, summary.name)
        if isinstance(listed, Gap):
            return listed
        for details in listed:
            if details.name == summary.name:
                self._details[summary] = details
                return details
        return Gap(
            f"metric filter {summary.name} on log group {summary.log_group_name} "
            "disappeared during the scan",
            "logs:DescribeMetricFilters",
            summary.region,
        )

    def _describe_filters(
        self, region: str, group: str, name: str | None
    ) -> list[MetricFilterEvidence] | Gap:
        client = self._client(self.logs, region)
        if client is None:
            return self._not_audited(region, f"log group {group}")
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
    def alarms_on(self, metric: MetricKey) -> list[AlarmEvidence] | Gap:
        if self._client(self.cloudwatch, metric.region) is None:
            return self._not_audited(metric.region, f"metric {metric}")
        if self._alarm_inventory_blind():
            return self._alarms_for_metric(metric)
        names = self._inventory_alarms(metric.name, metric.region)
        alarms = self._describe_alarms(metric.region, names)
        if isinstance(alarms, Gap):
            return alarms
        return [a for a in alarms if a.namespace == metric.namespace]

    def _alarm_inventory_blind(self) -> bool:
        return (
            self.fresh
            or getattr(self.cloudwatch, "metric_alarms_unavailable", False)
            or getattr(self.cloudwatch, "metric_alarms", None) is None
        )

    def math_alarms(self, region: str) -> list[AlarmEvidence] | Gap:
        if self._alarm_inventory_blind():
            # Prowler's flag says some region failed, not which: list this region's alarms
            # again, so a failure elsewhere changes nothing here.
            return self._list_math_alarms(region)
        return self._describe_alarms(region, self._inventory_alarms(None, region))

    def _list_math_alarms(self, region: str) -> list[AlarmEvidence] | Gap:
        client = self._client(self.cloudwatch, region)
        if client is None:
            return self._not_audited(region, "the alarms")
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

    def _describe_alarms(self, region: str, names: list[str]) -> list[AlarmEvidence] | Gap:
        if not names:
            return []
        client = self._client(self.cloudwatch, region)
        if client is None:
            return self._not_audited(region, "the alarm")
        found: list[AlarmEvidence] = []
        for start in range(0, len(names), DESCRIBE_ALARMS_BATCH):
            batch = names[start : start + DESCRIBE_ALARMS_BATCH]
            try:
                pages = client.get_paginator("describe_alarms").paginate(
                    AlarmNames=batch, AlarmTypes=["MetricAlarm"]
                )
                for page in pages:
                    self.stats.count("cloudwatch:DescribeAlarms")
                    found.extend(
                        _alarm_evidence(raw, region) for raw in page.get("MetricAlarms") or []
                    )
            except (ClientError, BotoCoreError) as error:
                return self._call_gap(
                    error, "cloudwatch:DescribeAlarms", region, f"alarm {batch[0]}"
                )
        return found

    def _alarms_for_metric(self, metric: MetricKey) -> list[AlarmEvidence] | Gap:
        client = self._client(self.cloudwatch, metric.region)
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

    # ------------------------------------------------------------------ topics
    def topic(self, arn: str) -> TopicEvidence | Gap:
        if self._topic_index is None:
            inventory = [] if self.fresh else getattr(self.sns, "topics", None) or []
            self._topic_index = {t.arn: t for t in inventory}
        parts = arn.split(":")
        region = parts[3] if len(parts) > 3 else ""
        known = self._topic_index.get(arn)
        counted: TopicEvidence | Gap | None = None
        confirmed_arns: list[str] = []
        if known is not None:
            subscriptions = getattr(known, "subscriptions", None) or []
            confirmed_arns = [str(s.arn) for s in subscriptions if str(s.arn).startswith("arn:")]
            if confirmed_arns:
                counted = TopicEvidence(
                    arn, True, len(confirmed_arns), len(subscriptions) - len(confirmed_arns)
                )
        if counted is None:
            listed = self._list_subscriptions(arn, region)
            if isinstance(listed, Gap):
                return listed
            counted, confirmed_arns = listed
        if not counted.exists:
            return counted
        counted = replace(
            counted,
            subscriptions=tuple(self._subscription(s, region) for s in confirmed_arns),
        )
        # Always read the topic's own attributes: Prowler's loop over topics stops at the first
        # failing call and leaves kms_master_key_id None on every topic after it, which would
        # read as "not encrypted".
        attributes = self._topic_attributes(arn, region)
        if isinstance(attributes, Gap):
            return attributes
        counted = replace(counted, policy=attributes.get("Policy"))
        key = attributes.get("KmsMasterKeyId")
        if not key:
            return counted
        problem = self.key_problem(str(key), region, f"SNS topic {arn}")
        if isinstance(problem, Gap):
            return problem
        return replace(counted, unusable_key=problem)

    def _list_subscriptions(self, arn: str, region: str) -> tuple[TopicEvidence, list[str]] | Gap:
        """The topic's subscription counts and its confirmed subscriptions' ARNs."""
        client = self._client(self.sns, region)
        if client is None:
            return self._not_audited(region, f"SNS topic {arn}")
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

    def _subscription(self, arn: str, region: str) -> SubscriptionEvidence:
        """A confirmed subscription's filter policy (sns:GetSubscriptionAttributes)."""
        client = self._client(self.sns, region)
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

    def _topic_attributes(self, arn: str, region: str) -> dict | Gap:
        """The topic's attributes (KmsMasterKeyId, Policy), read for this topic alone."""
        try:
            self.stats.count("sns:GetTopicAttributes")
            attributes = self._client(self.sns, region).get_topic_attributes(TopicArn=arn)
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


_CLOUDWATCH = "cloudwatch.amazonaws.com"
_NEEDED_KMS_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


def key_policy_problem(key: str, policy_text: Any, region: str) -> str | None | Gap:
    """Does the key policy let CloudWatch alarms publish to a topic encrypted with the key?"""
    unreadable = Gap(f"the key policy of KMS key {key} is not a policy the check can read")
    try:
        statements = json.loads(policy_text).get("Statement") or []
    except (TypeError, ValueError, AttributeError):
        return unreadable
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return unreadable
    granted: set[str] = set()
    undecided = False
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        principals = _principals(statement.get("Principal"))
        names_cloudwatch = _CLOUDWATCH in principals or "*" in principals
        if not names_cloudwatch:
            continue
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        covered = {a for a in _NEEDED_KMS_ACTIONS if any(_action_covers(p, a) for p in actions)}
        if statement.get("Effect") == "Deny" and covered:
            return f"KMS key {key}, whose key policy denies CloudWatch {sorted(covered)[0]}"
        if statement.get("Effect") != "Allow":
            continue
        if "*" in principals or statement.get("Condition"):
            undecided = undecided or bool(covered)
            continue
        granted |= covered
    if granted >= set(_NEEDED_KMS_ACTIONS):
        return None
    if undecided:
        return Gap(
            f"the key policy of KMS key {key} grants CloudWatch only under conditions the check "
            "does not evaluate",
            None,  # read, but not decided: nothing to grant
            region,
        )
    return (
        f"KMS key {key}, whose key policy does not let cloudwatch.amazonaws.com use it "
        "(kms:Decrypt and kms:GenerateDataKey*)"
    )


def _principals(principal: Any) -> set[str]:
    if principal == "*":
        return {"*"}
    if not isinstance(principal, dict):
        return set()
    found: set[str] = set()
    for value in principal.values():
        found.update(
            [value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)]
        )
    return found


def _action_covers(pattern: str, action: str) -> bool:
    """Does an IAM action pattern (`kms:*`, `kms:GenerateDataKey*`, `*`) cover the action?"""
    if not isinstance(pattern, str):
        return False
    regex = re.escape(pattern.lower()).replace(r"\*", ".*")
    return re.fullmatch(regex, action.lower()) is not None


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
