"""The fixer's targeted reads and writes, one class per service: metric filters (logs), alarms
(cloudwatch) and topics (sns)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .aws_calls import RegionalCalls

_NOT_FOUND = {"NotFound", "NotFoundException", "ResourceNotFoundException"}


class MetricFilterCalls(RegionalCalls):
    """CloudWatch Logs metric filters."""

    def _describe(self, region: str, **params: str) -> Iterator[dict]:
        return self.pages(region, "logs:DescribeMetricFilters", "describe_metric_filters", **params)

    def names(self, region: str, log_group: str, prefix: str) -> set[str]:
        """Names of the metric filters on `log_group` that start with `prefix`."""
        names: set[str] = set()
        for page in self._describe(region, logGroupName=log_group, filterNamePrefix=prefix):
            names.update(f.get("filterName", "") for f in page.get("metricFilters") or [])
        return names

    def publishing(self, region: str, namespace: str, metric: str) -> list[str]:
        """Metric filters of any log group in the region that publish this metric."""
        found: list[str] = []
        for page in self._describe(region, metricName=metric, metricNamespace=namespace):
            found.extend(
                f"{f.get('filterName')} on log group {f.get('logGroupName')}"
                for f in page.get("metricFilters") or []
            )
        return found

    def named(self, region: str, log_group: str, name: str) -> dict | None:
        """The metric filter of exactly this name on the log group, as AWS describes it."""
        for page in self._describe(region, logGroupName=log_group, filterNamePrefix=name):
            for found in page.get("metricFilters") or []:
                if found.get("filterName") == name:
                    return found
        return None

    def put(self, region: str, params: dict) -> None:
        self.call(region, "logs:PutMetricFilter", "put_metric_filter", params)


class AlarmCalls(RegionalCalls):
    """CloudWatch alarms."""

    def names(self, region: str, prefix: str) -> set[str]:
        """Names of the metric and composite alarms in the region that start with `prefix`."""
        names: set[str] = set()
        for page in self.pages(
            region,
            "cloudwatch:DescribeAlarms",
            "describe_alarms",
            AlarmNamePrefix=prefix,
            AlarmTypes=["MetricAlarm", "CompositeAlarm"],
        ):
            for key in ("MetricAlarms", "CompositeAlarms"):
                names.update(a.get("AlarmName", "") for a in page.get(key) or [])
        return names

    def named(self, region: str, name: str) -> dict | None:
        """The metric alarm of exactly this name, as AWS describes it."""
        found = self.call(
            region,
            "cloudwatch:DescribeAlarms",
            "describe_alarms",
            {"AlarmNames": [name], "AlarmTypes": ["MetricAlarm"]},
        )
        alarms = [a for a in found.get("MetricAlarms") or [] if a.get("AlarmName") == name]
        return alarms[0] if alarms else None

    def put(self, region: str, params: dict) -> None:
        self.call(region, "cloudwatch:PutMetricAlarm", "put_metric_alarm", params)


@dataclass(frozen=True)
class SubscriptionState:
    protocol: str
    endpoint: str
    confirmed: bool


@dataclass(frozen=True)
class TopicState:
    arn: str
    subscriptions: tuple[SubscriptionState, ...]

    @property
    def name(self) -> str:
        return self.arn.rsplit(":", 1)[-1]

    @property
    def region(self) -> str:
        return self.arn.split(":")[3]

    @property
    def confirmed(self) -> int:
        return sum(s.confirmed for s in self.subscriptions)

    @property
    def pending(self) -> tuple[SubscriptionState, ...]:
        return tuple(s for s in self.subscriptions if not s.confirmed)


class TopicCalls(RegionalCalls):
    """SNS topics and their subscriptions; each topic read once until the fixer changes it."""

    def __init__(self, service: Any) -> None:
        super().__init__(service)
        self._topics: dict[str, TopicState | None] = {}

    def topic(self, arn: str) -> TopicState | None:
        """The topic's subscriptions, or None when it does not exist."""
        if arn not in self._topics:
            self._topics[arn] = self._read_topic(arn)
        return self._topics[arn]

    def _read_topic(self, arn: str) -> TopicState | None:
        """Who subscribes (protocol and endpoint, to never add a second identical pending
        subscription); whether the topic can be used is the check's `topic` predicate."""
        region = arn.split(":")[3]
        permission = "sns:ListSubscriptionsByTopic"
        client = self.client(region, permission)
        try:
            subscriptions = []
            for page in client.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn):
                for raw in page.get("Subscriptions") or []:
                    subscription_arn = str(raw.get("SubscriptionArn", ""))
                    if subscription_arn == "Deleted":
                        continue
                    subscriptions.append(
                        SubscriptionState(
                            str(raw.get("Protocol", "")),
                            str(raw.get("Endpoint", "")),
                            subscription_arn.startswith("arn:"),
                        )
                    )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _NOT_FOUND:
                return None
            raise self.failed(permission, region, error) from error
        except BotoCoreError as error:
            raise self.failed(permission, region, error) from error
        return TopicState(arn, tuple(subscriptions))

    def create(self, region: str, params: dict) -> str:
        response = self.call(region, "sns:CreateTopic", "create_topic", params)
        self._topics.pop(response["TopicArn"], None)
        return response["TopicArn"]

    def subscribe(self, region: str, params: dict) -> str:
        """The new subscription's ARN, or "pending confirmation"."""
        response = self.call(region, "sns:Subscribe", "subscribe", params)
        self._topics.pop(params["TopicArn"], None)
        return str(response.get("SubscriptionArn", ""))
