"""Seed a simulated AWS account (moto server) with the CIS 4.12 chain, link by link.

Small composable steps, each one AWS call or a few::

    account = AwsAccount(endpoint_url)                      # moto's default account
    trail = create_logging_trail(account, "management-events", log_group="cloudtrail-logs")
    put_metric_filter(account, "us-east-1", "cloudtrail-logs", "gw", BENCHMARK_PATTERN, "GwCount")
    topic = create_topic(account, "us-east-1", "alerts", [("sqs", "alerts-queue")])
    put_alarm(account, "us-east-1", "gw", "GwCount", alarm_actions=[topic])

and two whole accounts: :func:`seed_compliant_account` (the benchmark's own remediation) and
:func:`seed_demo_account` (an account whose chain breaks in realistic ways).

Subscriptions: with the patched server of :mod:`testkit.moto_server`, ``email``/``http(s)``
subscriptions stay pending unless the endpoint contains ``+confirmed``; ``sqs`` ones are
confirmed at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3

from prowler_ext.control import NETWORK_GATEWAY_CHANGES

HOME_REGION = "us-east-1"
NAMESPACE = "CISBenchmark"

GATEWAY_EVENTS = NETWORK_GATEWAY_CHANGES.events
CUSTOMER_GATEWAY_EVENTS = GATEWAY_EVENTS[:2]
INTERNET_GATEWAY_EVENTS = GATEWAY_EVENTS[2:]

# The CIS AWS Foundations Benchmark (v1.4-v3.0, 4.12) remediation pattern, verbatim.
BENCHMARK_PATTERN = NETWORK_GATEWAY_CHANGES.benchmark_pattern

# What the CIS audit asks of the trail: all management events, reads and writes.
ALL_MANAGEMENT_EVENTS = [{"ReadWriteType": "All", "IncludeManagementEvents": True}]

_CLOUDTRAIL_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@dataclass
class AwsAccount:
    """Where and as whom to seed: an endpoint and credentials (moto maps them to an account)."""

    endpoint_url: str
    access_key: str = "testing"
    secret_key: str = "testing"
    session_token: str | None = None
    _account_id: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: dict[str, str]) -> AwsAccount:
        """The account that a process with this environment (``MotoServer.env()``) acts in."""
        return cls(
            endpoint_url=env["AWS_ENDPOINT_URL"],
            access_key=env["AWS_ACCESS_KEY_ID"],
            secret_key=env["AWS_SECRET_ACCESS_KEY"],
            session_token=env.get("AWS_SESSION_TOKEN"),
        )

    def client(self, service: str, region: str = HOME_REGION) -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            aws_session_token=self.session_token,
        )

    @property
    def account_id(self) -> str:
        if self._account_id is None:
            self._account_id = self.client("sts").get_caller_identity()["Account"]
        return self._account_id


# ---------------------------------------------------------------------------------------
# Links of the chain
# ---------------------------------------------------------------------------------------


def log_group_arn(account: AwsAccount, region: str, name: str) -> str:
    """The ARN form that CloudTrail stores in CloudWatchLogsLogGroupArn (with ``:*``)."""
    return f"arn:aws:logs:{region}:{account.account_id}:log-group:{name}:*"


def create_log_group(account: AwsAccount, region: str, name: str) -> str:
    logs = account.client("logs", region)
    if not logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]:
        logs.create_log_group(logGroupName=name)
    return log_group_arn(account, region, name)


def create_delivery_role(account: AwsAccount, name: str = "CloudTrail_CloudWatchLogs_Role") -> str:
    """The IAM role CloudTrail assumes to write into CloudWatch Logs; returns its ARN."""
    iam = account.client("iam")
    role = iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(_CLOUDTRAIL_TRUST_POLICY)
    )["Role"]
    iam.put_role_policy(
        RoleName=name,
        PolicyName="cloudtrail-to-cloudwatch-logs",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    return role["Arn"]


def delete_role(account: AwsAccount, name: str) -> None:
    """Delete an IAM role with its inline policies (what breaks CloudTrail delivery)."""
    iam = account.client("iam")
    for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=policy)
    iam.delete_role(RoleName=name)


def create_logging_trail(
    account: AwsAccount,
    name: str,
    *,
    log_group: str | None,
    region: str = HOME_REGION,
    multi_region: bool = True,
    role_name: str = "CloudTrail_CloudWatchLogs_Role",
    event_selectors: list[dict[str, Any]] | None = None,
    advanced_event_selectors: list[dict[str, Any]] | None = None,
    start_logging: bool = True,
    organization: bool = False,
) -> str:
    """A trail (home ``region``) with its S3 bucket, delivering to ``log_group`` in ``region``;
    with ``organization`` an organization trail (call it in the management account).

    Creates the log group and the delivery role (``role_name``) when ``log_group`` is given.
    Without selectors the trail keeps AWS's default (all management events).
    Returns the trail ARN.
    """
    bucket = f"{name.lower()}-{account.account_id}-{region}"
    s3 = account.client("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    params: dict[str, Any] = {
        "Name": name,
        "S3BucketName": bucket,
        "IsMultiRegionTrail": multi_region,
        "IncludeGlobalServiceEvents": True,
        "EnableLogFileValidation": True,
        "IsOrganizationTrail": organization,
    }
    if log_group:
        params["CloudWatchLogsLogGroupArn"] = create_log_group(account, region, log_group)
        params["CloudWatchLogsRoleArn"] = create_delivery_role(account, role_name)
    cloudtrail = account.client("cloudtrail", region)
    arn = cloudtrail.create_trail(**params)["TrailARN"]
    if event_selectors is not None:
        cloudtrail.put_event_selectors(TrailName=name, EventSelectors=event_selectors)
    elif advanced_event_selectors is not None:
        cloudtrail.put_event_selectors(
            TrailName=name, AdvancedEventSelectors=advanced_event_selectors
        )
    if start_logging:
        cloudtrail.start_logging(Name=name)
    return arn


def put_metric_filter(
    account: AwsAccount,
    region: str,
    log_group: str,
    name: str,
    pattern: str,
    metric_name: str,
    *,
    namespace: str = NAMESPACE,
    value: str = "1",
    dimensions: dict[str, str] | None = None,
    default_value: float | None = None,
) -> None:
    transformation: dict[str, Any] = {
        "metricName": metric_name,
        "metricNamespace": namespace,
        "metricValue": value,
    }
    if dimensions:
        transformation["dimensions"] = dimensions
    if default_value is not None:
        transformation["defaultValue"] = default_value
    account.client("logs", region).put_metric_filter(
        logGroupName=log_group,
        filterName=name,
        filterPattern=pattern,
        metricTransformations=[transformation],
    )


def create_topic(
    account: AwsAccount,
    region: str,
    name: str,
    subscriptions: list[tuple[str, str]] = (),
) -> str:
    """An SNS topic with subscriptions ``(protocol, endpoint)``; returns the topic ARN.

    For ``sqs`` the endpoint may be a bare queue name: the queue is created in ``region``.
    """
    sns = account.client("sns", region)
    topic_arn = sns.create_topic(Name=name)["TopicArn"]
    for protocol, endpoint in subscriptions:
        if protocol == "sqs" and not endpoint.startswith("arn:"):
            sqs = account.client("sqs", region)
            url = sqs.create_queue(QueueName=endpoint)["QueueUrl"]
            endpoint = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
        sns.subscribe(TopicArn=topic_arn, Protocol=protocol, Endpoint=endpoint)
    return topic_arn


def put_alarm(
    account: AwsAccount,
    region: str,
    name: str,
    metric_name: str,
    *,
    namespace: str = NAMESPACE,
    alarm_actions: list[str] = (),
    statistic: str = "Sum",
    period: int = 300,
    threshold: float = 1.0,
    comparison: str = "GreaterThanOrEqualToThreshold",
    evaluation_periods: int = 1,
    datapoints_to_alarm: int | None = None,
    actions_enabled: bool = True,
    dimensions: dict[str, str] | None = None,
    treat_missing_data: str | None = None,
) -> str:
    """A metric alarm (defaults: the benchmark's Sum/300 s/>= 1/1 period); returns its ARN."""
    params: dict[str, Any] = {
        "AlarmName": name,
        "MetricName": metric_name,
        "Namespace": namespace,
        "Statistic": statistic,
        "Period": period,
        "Threshold": threshold,
        "ComparisonOperator": comparison,
        "EvaluationPeriods": evaluation_periods,
        "ActionsEnabled": actions_enabled,
        "AlarmActions": list(alarm_actions),
    }
    if datapoints_to_alarm is not None:
        params["DatapointsToAlarm"] = datapoints_to_alarm
    if dimensions:
        params["Dimensions"] = [{"Name": k, "Value": v} for k, v in dimensions.items()]
    if treat_missing_data is not None:
        params["TreatMissingData"] = treat_missing_data
    cloudwatch = account.client("cloudwatch", region)
    cloudwatch.put_metric_alarm(**params)
    return cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"]


# ---------------------------------------------------------------------------------------
# Whole accounts
# ---------------------------------------------------------------------------------------


def _account(endpoint_url: str, account: AwsAccount | None) -> AwsAccount:
    return account if account is not None else AwsAccount(endpoint_url)


def seed_compliant_account(
    endpoint_url: str,
    *,
    account: AwsAccount | None = None,
    region: str = HOME_REGION,
    event_selectors: list[dict[str, Any]] | None = ALL_MANAGEMENT_EVENTS,
    subscriptions: list[tuple[str, str]] = (("sqs", "network-gateway-alerts"),),
) -> dict[str, str]:
    """The benchmark's remediation, exactly: every link in place. CIS 4.12 PASSes.

    A multi-region, logging trail (home ``region``) recording all management events into the
    log group ``cloudtrail-logs``; the benchmark's metric filter; topic
    ``network-gateway-alerts`` with a confirmed subscription; alarm Sum/300/threshold 1/
    GreaterThanOrEqualToThreshold/1 evaluation period with ``--alarm-actions`` the topic.
    ``event_selectors=None`` leaves the trail on AWS's default selector;
    ``subscriptions`` replaces the confirmed SQS subscription.
    Returns the names and ARNs created.
    """
    acct = _account(endpoint_url, account)
    trail_arn = create_logging_trail(
        acct,
        "management-events",
        log_group="cloudtrail-logs",
        region=region,
        event_selectors=event_selectors,
    )
    put_metric_filter(
        acct,
        region,
        "cloudtrail-logs",
        "network-gateway-changes",
        BENCHMARK_PATTERN,
        "NetworkGatewayEventCount",
    )
    topic_arn = create_topic(acct, region, "network-gateway-alerts", list(subscriptions))
    alarm_arn = put_alarm(
        acct,
        region,
        "network-gateway-changes",
        "NetworkGatewayEventCount",
        alarm_actions=[topic_arn],
    )
    return {
        "account_id": acct.account_id,
        "trail": trail_arn,
        "log_group": "cloudtrail-logs",
        "metric_filter": "network-gateway-changes",
        "topic": topic_arn,
        "alarm": alarm_arn,
        "delivery_role": "CloudTrail_CloudWatchLogs_Role",
    }


DEMO_STORY = """\
The demo account (123456789012 unless told otherwise), as a team might have built it over time:
  trail management-events: multi-region, logging, all management events, home us-east-1,
      delivers to log group cloudtrail-logs (us-east-1) through role CloudTrail_CloudWatchLogs_Role
  filter internet-gateway-changes  { $.eventName = *InternetGateway }
      -> InternetGatewayEventCount -> alarm internet-gateway-changes -> topic security-alerts
      (SQS queue + secops+confirmed@example.com: confirmed)          covers the 4 IGW events
  filter customer-gateway-changes  { ($.eventName = CreateCustomerGateway) &&
                                     ($.eventName = DeleteCustomerGateway) }
      -> CustomerGatewayEventCount -> alarm customer-gateway-changes -> topic security-alerts
      (&& of two event names: no record matches, the alarm can never fire)
  filter network-gateway-changes   the benchmark's exact pattern
      -> NetworkGatewayEventCount -> alarm network-gateway-changes-dashboard (no actions)
                                  -> alarm network-gateway-changes -> topic network-team whose
                                     only subscriber, netops@example.com, never confirmed
  eu-west-1: a log group also named cloudtrail-logs with a complete benchmark chain, but no
      trail delivers to it (a same-named group in another region is another group)
So CreateCustomerGateway and DeleteCustomerGateway reach nobody: CIS 4.12 should FAIL.
Prowler's built-in check sees the benchmark's pattern text with an alarm on its metric and
PASSes."""


def seed_demo_account(endpoint_url: str, *, account: AwsAccount | None = None) -> dict[str, Any]:
    """The demo account (see ``DEMO_STORY``): IGW events notify someone, CGW events nobody."""
    acct = _account(endpoint_url, account)
    region = HOME_REGION
    trail_arn = create_logging_trail(acct, "management-events", log_group="cloudtrail-logs")

    security_alerts = create_topic(
        acct,
        region,
        "security-alerts",
        [("sqs", "security-alerts"), ("email", "secops+confirmed@example.com")],
    )
    network_team = create_topic(acct, region, "network-team", [("email", "netops@example.com")])

    put_metric_filter(
        acct,
        region,
        "cloudtrail-logs",
        "internet-gateway-changes",
        "{ $.eventName = *InternetGateway }",
        "InternetGatewayEventCount",
    )
    put_alarm(
        acct,
        region,
        "internet-gateway-changes",
        "InternetGatewayEventCount",
        alarm_actions=[security_alerts],
    )

    put_metric_filter(
        acct,
        region,
        "cloudtrail-logs",
        "customer-gateway-changes",
        "{ ($.eventName = CreateCustomerGateway) && ($.eventName = DeleteCustomerGateway) }",
        "CustomerGatewayEventCount",
    )
    put_alarm(
        acct,
        region,
        "customer-gateway-changes",
        "CustomerGatewayEventCount",
        alarm_actions=[security_alerts],
    )

    put_metric_filter(
        acct,
        region,
        "cloudtrail-logs",
        "network-gateway-changes",
        BENCHMARK_PATTERN,
        "NetworkGatewayEventCount",
    )
    put_alarm(acct, region, "network-gateway-changes-dashboard", "NetworkGatewayEventCount")
    put_alarm(
        acct,
        region,
        "network-gateway-changes",
        "NetworkGatewayEventCount",
        alarm_actions=[network_team],
    )

    # The decoy: a complete chain on a log group that no trail writes to.
    decoy_region = "eu-west-1"
    create_log_group(acct, decoy_region, "cloudtrail-logs")
    put_metric_filter(
        acct,
        decoy_region,
        "cloudtrail-logs",
        "network-gateway-changes",
        BENCHMARK_PATTERN,
        "NetworkGatewayEventCount",
    )
    decoy_topic = create_topic(
        acct, decoy_region, "security-alerts", [("sqs", "security-alerts-eu")]
    )
    put_alarm(
        acct,
        decoy_region,
        "network-gateway-changes",
        "NetworkGatewayEventCount",
        alarm_actions=[decoy_topic],
    )
    return {
        "account_id": acct.account_id,
        "trail": trail_arn,
        "topics": {"security-alerts": security_alerts, "network-team": network_team},
        "uncovered_events": list(CUSTOMER_GATEWAY_EVENTS),
    }
