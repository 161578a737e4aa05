"""Indexes over Prowler's inventories: what the scan already listed, by what the search asks.

Metric filters are indexed by (region, log group), alarms by (region, metric name), topics by
ARN, log groups by (region, name). Each index is built in one pass on first use, and only as
wide as the search needs: the filters of the trails' log groups, the alarms on the metrics
those filters publish (and the metric-math alarms). Nothing here calls AWS.
"""

from __future__ import annotations

from typing import Any

from .chain.evidence import FilterSummary, LogGroupRef, TopicEvidence


class InventoryIndex:
    """Lookups over the inventories of Prowler's cloudtrail, logs, cloudwatch and sns clients."""

    def __init__(self, cloudtrail: Any, logs: Any, cloudwatch: Any, sns: Any) -> None:
        self.cloudtrail = cloudtrail
        self.logs = logs
        self.cloudwatch = cloudwatch
        self.sns = sns
        self._filter_index: dict[tuple[str, str], list[FilterSummary]] | None = None
        self._regions_without_group: set[str] = set()
        self._wanted_metrics: set[str | None] = set()
        self._alarm_index: dict[tuple[str, str | None], list[str]] | None = None
        self._indexed_metrics: set[str | None] = set()
        self._topic_index: dict[str, Any] | None = None
        self._log_groups: set[tuple[str, str]] | None = None

    # ------------------------------------------------------------------ the scan
    def scan_filtered(self) -> bool:
        """Was the scan limited to some resources (--resource-tag, --resource-arn)?"""
        return any(
            getattr(client, "audit_resources", None)
            for client in (self.cloudtrail, self.logs, self.cloudwatch, self.sns)
        )

    # ------------------------------------------------------------------ trails
    def trails_unavailable(self) -> bool:
        """Did some region fail to list its trails?"""
        return getattr(self.cloudtrail, "trails_unavailable", False)

    def trails_listed(self) -> bool:
        """Did DescribeTrails answer in at least one audited region?

        Prowler leaves an entry (a trail or its placeholder) for every region that answered.
        One answer is enough: a multi-region trail, the only kind that can qualify, is listed
        (as a shadow trail) in every region it records, so a region that failed hides at
        most its single-region trails."""
        audited = set(getattr(self.cloudtrail, "regional_clients", None) or {})
        answered = {getattr(trail, "region", None) for trail in self._all_trails()}
        return bool(audited & answered)

    def trails(self) -> list[Any]:
        """Prowler's trails, without its placeholders for regions without trails."""
        return [
            trail
            for trail in self._all_trails()
            if getattr(trail, "name", None) and getattr(trail, "arn", None)
        ]

    def _all_trails(self) -> list[Any]:
        return list((getattr(self.cloudtrail, "trails", None) or {}).values())

    def _trail_log_groups(self) -> set[tuple[str, str]]:
        wanted = set()
        for trail in self._all_trails():
            ref = LogGroupRef.from_arn(getattr(trail, "log_group_arn", None))
            if ref is not None:
                wanted.add((ref.region, ref.name))
        return wanted

    # ------------------------------------------------------------------ log groups and filters
    def log_group_exists(self, ref: LogGroupRef) -> bool | None:
        """Is the log group listed; None when the inventory cannot tell."""
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

    def filters_unavailable(self) -> bool:
        """Does the metric filter inventory say it is incomplete?"""
        return (
            getattr(self.logs, "metric_filters_unavailable", False)
            or getattr(self.logs, "metric_filters", None) is None
        )

    def filters(self, key: tuple[str, str]) -> list[FilterSummary]:
        """The inventory's metric filters on the log group (region, name)."""
        if self._filter_index is None or key not in self._filter_index:
            self._index_filters(key)
        return list(self._filter_index.get(key, []))

    def names_every_log_group(self, region: str) -> bool:
        """Does every filter of the region's inventory name its log group? (Call after
        `filters`, which reads the inventory.)"""
        return region not in self._regions_without_group

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

    # ------------------------------------------------------------------ alarms
    def alarms_unavailable(self) -> bool:
        """Does the alarm inventory say it is incomplete?"""
        return (
            getattr(self.cloudwatch, "metric_alarms_unavailable", False)
            or getattr(self.cloudwatch, "metric_alarms", None) is None
        )

    def alarm_names(self, metric_name: str | None, region: str) -> list[str]:
        """Names of the inventory's alarms on a metric name (None: metric-math) in a region."""
        if self._alarm_index is None or (
            metric_name is not None and metric_name not in self._indexed_metrics
        ):
            self._index_alarms(metric_name)
        return self._alarm_index.get((region, metric_name), [])

    def _index_alarms(self, also: str | None) -> None:
        """One pass over the alarm inventory, keeping the alarms on the metrics the candidate
        filters publish, and the metric-math alarms, by (region, metric name)."""
        self._wanted_metrics.add(also)
        index: dict[tuple[str, str | None], list[str]] = {}
        for alarm in getattr(self.cloudwatch, "metric_alarms", None) or []:
            if alarm.metric is None or alarm.metric in self._wanted_metrics:
                index.setdefault((alarm.region, alarm.metric), []).append(alarm.name)
        self._alarm_index = index
        self._indexed_metrics = set(self._wanted_metrics)

    # ------------------------------------------------------------------ topics
    def confirmed_subscriptions(self, arn: str) -> tuple[TopicEvidence, list[str]] | None:
        """The topic's subscription counts and confirmed subscriptions' ARNs, when the
        inventory shows at least one confirmed subscription; else None."""
        if self._topic_index is None:
            self._topic_index = {t.arn: t for t in getattr(self.sns, "topics", None) or []}
        known = self._topic_index.get(arn)
        if known is None:
            return None
        subscriptions = getattr(known, "subscriptions", None) or []
        confirmed = [str(s.arn) for s in subscriptions if str(s.arn).startswith("arn:")]
        if not confirmed:
            return None
        pending = len(subscriptions) - len(confirmed)
        return TopicEvidence(arn, True, len(confirmed), pending), confirmed
