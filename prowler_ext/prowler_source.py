"""Evidence from Prowler's service clients, plus targeted calls for the candidates only.

Prowler's inventories (trails, alarms, topics, log groups) are indexed once by what the search
looks them up by: (region, metric), topic ARN, (region, log group). What the inventories drop
is read with targeted calls through the clients' `regional_clients`, and only for resources on
a candidate path:

* GetTrailStatus (IsLogging, LatestCloudWatchLogsDeliveryError) and, when Prowler holds no
  selectors, GetEventSelectors: for multi-region trails that deliver to CloudWatch Logs;
* DescribeMetricFilters on each such trail's log group (one call, two pages at most): the
  only filters that can be on a path, with the metric value, dimensions and unit that
  Prowler's inventory drops (so the estate's other filters cost nothing); read beside the
  trail's status when Prowler saw the trail logging, the search's next question;
* DescribeAlarms by name, up to 100 at a time and batches in parallel: for alarms on a
  candidate metric (DescribeAlarmsForMetric, one call, for a metric with more than 100);
* ListSubscriptionsByTopic: for a topic an alarm notifies, unless Prowler's inventory already
  shows a confirmed subscription.

With `fresh=True` the scan's inventories of alarms and topics are not used: each is read again
with targeted calls (DescribeAlarmsForMetric, DescribeAlarms of the metric-math alarms of one
region, ListSubscriptionsByTopic). The fixer re-checks the account that way after it writes,
so it says "fixed" only when the check's own rules, over what AWS holds now, say PASS.

Independent calls run at once (`prowler_calls.in_parallel`, as many threads as Prowler's
services use), so their round trips overlap. When an inventory says it is incomplete, the
search falls back to a targeted call for the candidate (the alarms of one metric, a topic's
subscriptions), so a denial is located to its region. Every failure becomes a `Gap` naming
the permission, never an exception.

The indexes are `prowler_inventory.InventoryIndex`, the calls `prowler_calls.TargetedCalls`;
`ProwlerEvidence` decides, per question, which of the two answers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .chain.evidence import (
    AlarmEvidence,
    EvidenceSource,
    FilterSummary,
    Gap,
    LogGroupRef,
    MetricFilterEvidence,
    MetricKey,
    SourceStats,
    TopicEvidence,
    TrailEvidence,
)
from .other_accounts import OtherAccounts
from .prowler_calls import DESCRIBE_ALARMS_BATCH, TargetedCalls, TrailRef, at_once
from .prowler_inventory import InventoryIndex


class ProwlerEvidence:
    """An `EvidenceSource` over Prowler's cloudtrail, logs, cloudwatch and sns clients."""

    def __init__(
        self,
        cloudtrail_client: Any,
        logs_client: Any,
        cloudwatch_client: Any,
        sns_client: Any,
        fresh: bool = False,
        other_accounts: OtherAccounts | None = None,
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
        # The indexes are built on first use and only as wide as the search needs.
        clients = (cloudtrail_client, logs_client, cloudwatch_client, sns_client)
        self.inventory = InventoryIndex(*clients)
        self.calls = TargetedCalls(*clients, self.stats)
        self._details: dict[FilterSummary, MetricFilterEvidence] = {}
        # log groups' filters read beside their trails' status, until the search asks
        self._prefetched: dict[LogGroupRef, tuple[MetricFilterEvidence, ...] | Gap] = {}
        self._alarms_by_metric: dict[tuple[str, str], list[AlarmEvidence] | Gap] = {}
        self.other_accounts = other_accounts or OtherAccounts.of_scan(cloudtrail_client)

    # ------------------------------------------------------------------ other accounts
    def account_source(self, account: str) -> EvidenceSource | Gap:
        """The evidence of another account (an organization trail's owner, a topic's), read
        through the role of `organization_trail_role_arn`, or why it cannot be read."""
        if account == self.account:
            return self
        return self.other_accounts.source(account)

    def read_trail(self, trail: TrailEvidence) -> TrailEvidence:
        """This account's trail as another account lists it (an organization trail seen from a
        member): its status and event selectors read here, where the trail lives."""
        base = dict(
            name=trail.name,
            arn=trail.arn,
            home_region=trail.home_region,
            is_multi_region=trail.is_multi_region,
            log_group_arn=trail.log_group_arn,
        )
        listed = TrailRef(trail.name, trail.arn, trail.home_region)
        return self.calls.trail(listed, trail.home_region, base)

    # ------------------------------------------------------------------ trails
    def trails(self) -> tuple[list[TrailEvidence], list[Gap]]:
        gaps: list[Gap] = []
        if self.inventory.scan_filtered():
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
        self.single_region_trails_hidden = self.inventory.trails_unavailable()
        if self.single_region_trails_hidden and not self.inventory.trails_listed():
            gaps.append(
                Gap(
                    "CloudTrail trails could not be listed in any audited region",
                    "cloudtrail:DescribeTrails",
                )
            )
        listed = list(self.inventory.trails())
        # A candidate trail's status and its log group's filters are read at once: the
        # search reads the group next whenever the trail qualifies (one round trip, not two).
        groups = {ref: None for t in listed if (ref := self._own_group(t)) is not None}
        reads = at_once(
            [lambda t=t: self._trail(t) for t in listed]
            + [lambda ref=ref: self._describe_group(ref) for ref in groups]
        )
        self._prefetched.update(zip(groups, reads[len(listed) :], strict=True))
        return reads[: len(listed)], gaps

    def _candidate(self, trail: Any) -> bool:
        """Can the trail be on a path (multi-region, delivering to CloudWatch Logs, this
        account's)? Only such trails are read further."""
        return (
            bool(trail.is_multiregion)
            and bool(trail.log_group_arn)
            and (self.account in (trail.arn or "").split(":")[4:5])
        )

    def _own_group(self, trail: Any) -> LogGroupRef | None:
        """A candidate trail's log group, when it is this account's, in an audited region,
        and Prowler saw the trail logging (a stopped trail fails before its group matters)."""
        if not self._candidate(trail) or trail.is_logging is False:
            return None
        ref = LogGroupRef.from_arn(trail.log_group_arn)
        if ref is None or ref.account != self.account:
            return None
        return ref if self.calls.client(self.logs, ref.region) is not None else None

    def _trail(self, trail: Any) -> TrailEvidence:
        home = trail.home_region or trail.region
        base = dict(
            name=trail.name,
            arn=trail.arn,
            home_region=home,
            is_multi_region=bool(trail.is_multiregion),
            log_group_arn=trail.log_group_arn,
        )
        if not self._candidate(trail):
            return TrailEvidence(is_logging=trail.is_logging, **base)
        return self.calls.trail(trail, home, base)

    # ------------------------------------------------------------------ log groups and filters
    def log_group_exists(self, ref: LogGroupRef) -> bool | None:
        return self.inventory.log_group_exists(ref)

    def filters_on(self, ref: LogGroupRef) -> list[FilterSummary] | Gap:
        """The metric filters on a trail's log group, with their details, read with one
        DescribeMetricFilters (two pages at most: AWS allows 100 filters on a log group).

        They are the only filters that can be on a path, and Prowler's inventory drops what
        the path needs (value, dimensions, default): reading them here costs the same call
        the details would, and nothing grows with the rest of the estate's filters."""
        if self.calls.client(self.logs, ref.region) is None:
            return self.calls.not_audited(ref.region, f"log group {ref.name}")
        listed = self._prefetched.pop(ref) if ref in self._prefetched else self._describe_group(ref)
        if isinstance(listed, Gap):
            return listed
        summaries = []
        for details in listed:
            summary = FilterSummary(
                details.name, details.region, details.log_group_name, details.pattern
            )
            self._details[summary] = details
            summaries.append(summary)
            self.inventory.want_metrics(t.metric_name for t in details.transformations)
        return summaries

    def _describe_group(self, ref: LogGroupRef) -> tuple[MetricFilterEvidence, ...] | Gap:
        listed = self.calls.describe_filters(ref.region, ref.name, None)
        return listed if isinstance(listed, Gap) else tuple(listed)

    def filter_details(self, summary: FilterSummary) -> MetricFilterEvidence | Gap:
        if summary in self._details:
            return self._details[summary]
        listed = self.calls.describe_filters(summary.region, summary.log_group_name, summary.name)
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

    # ------------------------------------------------------------------ alarms
    def alarms_on(self, metric: MetricKey) -> list[AlarmEvidence] | Gap:
        if self.calls.client(self.cloudwatch, metric.region) is None:
            return self.calls.not_audited(metric.region, f"metric {metric}")
        if self._alarm_inventory_blind() or self._crowded(metric.name, metric.region):
            return self.calls.alarms_for_metric(metric)
        alarms = self._alarms_named_after(metric.name, metric.region)
        if isinstance(alarms, Gap):
            return alarms
        return [a for a in alarms if a.namespace == metric.namespace]

    def _alarms_named_after(self, metric: str, region: str) -> list[AlarmEvidence] | Gap:
        """The alarms on a metric name in a region. The first such read in a region reads the
        alarms of every metric the trails' filters publish there, 100 a call, so a search for
        many controls (or a filter publishing several metrics) reads them together; a read
        that fails is made again for this metric alone, so the gap names its own alarm."""
        read = self._alarms_by_metric
        if (region, metric) not in read:
            self.inventory.want_metrics([metric])
            pending = {
                name: self.inventory.alarm_names(name, region)
                for name in sorted(self.inventory.wanted_metric_names())
                if (region, name) not in read and not self._crowded(name, region)
            }
            described = self.calls.describe_alarms(
                region, [alarm for names in pending.values() for alarm in names]
            )
            if isinstance(described, Gap):
                if len(pending) > 1:
                    described = self.calls.describe_alarms(region, pending[metric])
                read[(region, metric)] = described
            else:
                for name, names in pending.items():
                    wanted = set(names)
                    read[(region, name)] = [a for a in described if a.name in wanted]
        return read[(region, metric)]

    def _crowded(self, metric: str, region: str) -> bool:
        """More alarms on the metric name than one DescribeAlarms call names: one
        DescribeAlarmsForMetric reads them all instead (those with the dimensions the filter
        publishes, the only ones its datapoints reach), not one call per 100."""
        return len(self.inventory.alarm_names(metric, region)) > DESCRIBE_ALARMS_BATCH

    def _alarm_inventory_blind(self) -> bool:
        return self.fresh or self.inventory.alarms_unavailable()

    def math_alarms(self, region: str) -> list[AlarmEvidence] | Gap:
        if self._alarm_inventory_blind():
            # Prowler's flag says some region failed, not which: list this region's alarms
            # again, so a failure elsewhere changes nothing here.
            return self.calls.list_math_alarms(region)
        return self.calls.describe_alarms(region, self.inventory.alarm_names(None, region))

    # ------------------------------------------------------------------ topics
    def topic(self, arn: str) -> TopicEvidence | Gap:
        parts = arn.split(":")
        region = parts[3] if len(parts) > 3 else ""
        listed = None if self.fresh else self.inventory.confirmed_subscriptions(arn)
        if listed is None:
            listed = self.calls.list_subscriptions(arn, region)
            if isinstance(listed, Gap):
                return listed
        counted, confirmed_arns = listed
        if not counted.exists:
            return counted
        # Always read the topic's own attributes: Prowler's loop over topics stops at the first
        # failing call and leaves kms_master_key_id None on every topic after it, which would
        # read as "not encrypted". They and the subscriptions' are read at once.
        reads = at_once(
            [lambda: self.calls.topic_attributes(arn, region)]
            + [lambda s=s: self.calls.subscription(s, region) for s in confirmed_arns]
        )
        attributes, subscriptions = reads[0], reads[1:]
        counted = replace(counted, subscriptions=tuple(subscriptions))
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

    def key_problem(self, key: str, region: str, what: str) -> str | None | Gap:
        """Why CloudWatch cannot publish to a topic encrypted with this key, or None."""
        return self.calls.key_problem(key, region, what)
