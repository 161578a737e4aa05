"""The fixer's own AWS calls: a few targeted reads (is a name free? who subscribes to this
topic?) and the four writes. Each goes through a regional client of Prowler's services, and a
failure becomes `AwsCallError` naming the IAM action, so the user can tell what to grant.

`AwsAccount` is the one door; the calls themselves are per service in `service_calls`, their
plumbing in `aws_calls`.
"""

from __future__ import annotations

from typing import Any

from .service_calls import AlarmCalls, MetricFilterCalls, TopicCalls, TopicState


class AwsAccount:
    """Targeted reads and writes through the `regional_clients` of Prowler's services."""

    def __init__(self, logs: Any, cloudwatch: Any, sns: Any, account: str, partition: str):
        self.logs = logs
        self.cloudwatch = cloudwatch
        self.sns = sns
        self.account = account
        self.partition = partition
        self.filters = MetricFilterCalls(logs)
        self.alarms = AlarmCalls(cloudwatch)
        self.topics = TopicCalls(sns)

    def topic_arn(self, region: str, name: str) -> str:
        return f"arn:{self.partition}:sns:{region}:{self.account}:{name}"

    def audits(self, region: str) -> bool:
        return all(calls.audits(region) for calls in (self.filters, self.alarms, self.topics))

    # ------------------------------------------------------------------ reads
    def filter_names(self, region: str, log_group: str, prefix: str) -> set[str]:
        """Names of the metric filters on `log_group` that start with `prefix`."""
        return self.filters.names(region, log_group, prefix)

    def filters_publishing(self, region: str, namespace: str, metric: str) -> list[str]:
        """Metric filters of any log group in the region that publish this metric."""
        return self.filters.publishing(region, namespace, metric)

    def alarm_names(self, region: str, prefix: str) -> set[str]:
        """Names of the metric and composite alarms in the region that start with `prefix`."""
        return self.alarms.names(region, prefix)

    def topic(self, arn: str) -> TopicState | None:
        """The topic's subscriptions, or None when it does not exist."""
        return self.topics.topic(arn)

    def metric_filter(self, region: str, log_group: str, name: str) -> dict | None:
        """The metric filter of exactly this name on the log group, as AWS describes it."""
        return self.filters.named(region, log_group, name)

    def metric_alarm(self, region: str, name: str) -> dict | None:
        """The metric alarm of exactly this name, as AWS describes it."""
        return self.alarms.named(region, name)

    # ------------------------------------------------------------------ writes
    def put_metric_filter(self, region: str, params: dict) -> None:
        self.filters.put(region, params)

    def create_topic(self, region: str, params: dict) -> str:
        return self.topics.create(region, params)

    def subscribe(self, region: str, params: dict) -> str:
        """The new subscription's ARN, or "pending confirmation"."""
        return self.topics.subscribe(region, params)

    def put_metric_alarm(self, region: str, params: dict) -> None:
        self.alarms.put(region, params)
