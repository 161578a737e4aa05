"""Indexes over Prowler's inventories: what the scan already listed, by what the search asks.

Alarms are indexed by (region, metric name), topics by ARN, log groups by (region, name).
Each index is built in one pass on first use, and only as wide as the search needs: the alarms
on the metrics the trails' filters publish (and the metric-math alarms). The metric filters
are not indexed: the trails' log groups' filters are read with one targeted call each (see
`prowler_source`), so nothing grows with the estate's other filters. Nothing here calls AWS.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .chain.evidence import LogGroupRef, TopicEvidence


class InventoryIndex:
    """Lookups over the inventories of Prowler's cloudtrail, logs, cloudwatch and sns clients."""

    def __init__(self, cloudtrail: Any, logs: Any, cloudwatch: Any, sns: Any) -> None:
        self.cloudtrail = cloudtrail
        self.logs = logs
        self.cloudwatch = cloudwatch
        self.sns = sns
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

    # ------------------------------------------------------------------ log groups and metrics
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

    def want_metrics(self, names: Iterable[str | None]) -> None:
        """Metric names that filters on a path publish: the alarm pass keeps their alarms."""
        self._wanted_metrics.update(names)

    def wanted_metric_names(self) -> set[str]:
        return {name for name in self._wanted_metrics if name is not None}

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
