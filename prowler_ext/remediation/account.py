"""The fixer's own AWS calls: a few targeted reads (is a name free? who subscribes to this
topic?) and the four writes. Each goes through a regional client of Prowler's services, and a
failure becomes `AwsCallError` naming the IAM action, so the user can tell what to grant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

_NOT_FOUND = {"NotFound", "NotFoundException", "ResourceNotFoundException"}


class AwsCallError(Exception):
    def __init__(self, permission: str, region: str, reason: str):
        super().__init__(f"{permission} failed in {region}: {reason}")
        self.permission = permission
        self.region = region
        self.reason = reason

    @property
    def sentence(self) -> str:
        return f"{self.permission} failed in {self.region} ({self.reason})"


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


class AwsAccount:
    """Targeted reads and writes through the `regional_clients` of Prowler's services."""

    def __init__(self, logs: Any, cloudwatch: Any, sns: Any, account: str, partition: str):
        self.logs = logs
        self.cloudwatch = cloudwatch
        self.sns = sns
        self.account = account
        self.partition = partition
        self._topics: dict[str, TopicState | None] = {}

    def topic_arn(self, region: str, name: str) -> str:
        return f"arn:{self.partition}:sns:{region}:{self.account}:{name}"

    def audits(self, region: str) -> bool:
        return all(
            region in (getattr(service, "regional_clients", None) or {})
            for service in (self.logs, self.cloudwatch, self.sns)
        )

    # ------------------------------------------------------------------ plumbing
    def _client(self, service: Any, region: str, permission: str) -> Any:
        client = (getattr(service, "regional_clients", None) or {}).get(region)
        if client is None:
            raise AwsCallError(
                permission, region, f"{region} is not audited by this scan (add -f {region})"
            )
        return client

    @staticmethod
    def _failed(permission: str, region: str, error: Exception) -> AwsCallError:
        if isinstance(error, ClientError):
            detail = error.response.get("Error", {})
            reason = f"{detail.get('Code', 'Error')}: {detail.get('Message', '')}".rstrip(": ")
        else:
            reason = f"{type(error).__name__}: {error}"
        return AwsCallError(permission, region, reason)

    # ------------------------------------------------------------------ reads
    def filter_names(self, region: str, log_group: str, prefix: str) -> set[str]:
        """Names of the metric filters on `log_group` that start with `prefix`."""
        permission = "logs:DescribeMetricFilters"
        client = self._client(self.logs, region, permission)
        names: set[str] = set()
        try:
            pages = client.get_paginator("describe_metric_filters").paginate(
                logGroupName=log_group, filterNamePrefix=prefix
            )
            for page in pages:
                names.update(f.get("filterName", "") for f in page.get("metricFilters") or [])
        except (ClientError, BotoCoreError) as error:
            raise self._failed(permission, region, error) from error
        return names

    def filters_publishing(self, region: str, namespace: str, metric: str) -> list[str]:
        """Metric filters of any log group in the region that publish this metric."""
        permission = "logs:DescribeMetricFilters"
        client = self._client(self.logs, region, permission)
        found: list[str] = []
        try:
            pages = client.get_paginator("describe_metric_filters").paginate(
                metricName=metric, metricNamespace=namespace
            )
            for page in pages:
                found.extend(
                    f"{f.get('filterName')} on log group {f.get('logGroupName')}"
                    for f in page.get("metricFilters") or []
                )
        except (ClientError, BotoCoreError) as error:
            raise self._failed(permission, region, error) from error
        return found

    def alarm_names(self, region: str, prefix: str) -> set[str]:
        """Names of the metric and composite alarms in the region that start with `prefix`."""
        permission = "cloudwatch:DescribeAlarms"
        client = self._client(self.cloudwatch, region, permission)
        names: set[str] = set()
        try:
            pages = client.get_paginator("describe_alarms").paginate(
                AlarmNamePrefix=prefix, AlarmTypes=["MetricAlarm", "CompositeAlarm"]
            )
            for page in pages:
                for key in ("MetricAlarms", "CompositeAlarms"):
                    names.update(a.get("AlarmName", "") for a in page.get(key) or [])
        except (ClientError, BotoCoreError) as error:
            raise self._failed(permission, region, error) from error
        return names

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
        client = self._client(self.sns, region, permission)
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
            raise self._failed(permission, region, error) from error
        except BotoCoreError as error:
            raise self._failed(permission, region, error) from error
        return TopicState(arn, tuple(subscriptions))

    def metric_filter(self, region: str, log_group: str, name: str) -> dict | None:
        """The metric filter of exactly this name on the log group, as AWS describes it."""
        permission = "logs:DescribeMetricFilters"
        client = self._client(self.logs, region, permission)
        try:
            pages = client.get_paginator("describe_metric_filters").paginate(
                logGroupName=log_group, filterNamePrefix=name
            )
            for page in pages:
                for found in page.get("metricFilters") or []:
                    if found.get("filterName") == name:
                        return found
        except (ClientError, BotoCoreError) as error:
            raise self._failed(permission, region, error) from error
        return None

    def metric_alarm(self, region: str, name: str) -> dict | None:
        """The metric alarm of exactly this name, as AWS describes it."""
        permission = "cloudwatch:DescribeAlarms"
        client = self._client(self.cloudwatch, region, permission)
        try:
            found = client.describe_alarms(AlarmNames=[name], AlarmTypes=["MetricAlarm"])
        except (ClientError, BotoCoreError) as error:
            raise self._failed(permission, region, error) from error
        alarms = [a for a in found.get("MetricAlarms") or [] if a.get("AlarmName") == name]
        return alarms[0] if alarms else None

    # ------------------------------------------------------------------ writes
    def put_metric_filter(self, region: str, params: dict) -> None:
        self._write(self.logs, region, "logs:PutMetricFilter", "put_metric_filter", params)

    def create_topic(self, region: str, params: dict) -> str:
        response = self._write(self.sns, region, "sns:CreateTopic", "create_topic", params)
        self._topics.pop(response["TopicArn"], None)
        return response["TopicArn"]

    def subscribe(self, region: str, params: dict) -> str:
        """The new subscription's ARN, or "pending confirmation"."""
        response = self._write(self.sns, region, "sns:Subscribe", "subscribe", params)
        self._topics.pop(params["TopicArn"], None)
        return str(response.get("SubscriptionArn", ""))

    def put_metric_alarm(self, region: str, params: dict) -> None:
        self._write(
            self.cloudwatch, region, "cloudwatch:PutMetricAlarm", "put_metric_alarm", params
        )

    def _write(self, service: Any, region: str, permission: str, method: str, params: dict):
        client = self._client(service, region, permission)
        try:
            return getattr(client, method)(**params)
        except (ClientError, BotoCoreError) as error:
            raise self._failed(permission, region, error) from error
