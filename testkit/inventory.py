"""A large synthetic AWS account, as Prowler's own service objects, for the account benchmark.

Builds Prowler's real service classes (`Cloudtrail`, `Logs`, `CloudWatch`, `SNS`) without their
network-bound `__init__`, filled with Prowler's real model objects at the size of a large
estate (full scale, `FULL`: 20 regions, 10,000 log groups, 20,000 metric filters, 20,000
alarms, 2,000 topics, a few trails). Most filters are unrelated and their patterns are drawn
from a few dozen distinct texts, as in real estates. The multi-region trail's log group holds
the CIS filters and the caller's candidates for CIS 4.12 (`CandidateFilter`s, in the order AWS
lists them), where a candidate whose alarm has its actions disabled makes the search fall
through to the next one.

For `benchmarks.account_bench` (which times our check against Prowler's built-in one on this
inventory) and for any test or demo that needs Prowler's inventories at scale without an
account. Under moto's `mock_aws`:

* `regional_clients(counter)`: real boto3 clients for every region, each counted by a
  `CallCounter` (a botocore `before-call` handler counts every API call and its time);
* `seed_candidates(candidates, full_alarms)`: creates in moto only what lies on the candidate
  path (the trail, its log group, the candidate filters, their alarms, the home region's
  metric-math alarms, the topic with its subscription), so the targeted calls really run;
* `build_inventory(scale, clients, candidates)`: the four service objects, at `scale` of
  `FULL`, as an `Inventory`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from prowler_ext.control import NETWORK_GATEWAY_CHANGES

# The CIS AWS Foundations Benchmark (v1.4-v3.0, 4.12) remediation pattern, verbatim.
BENCHMARK_PATTERN = NETWORK_GATEWAY_CHANGES.benchmark_pattern

ACCOUNT = "123456789012"  # moto's default account
PARTITION = "aws"
HOME = "us-east-1"
REGIONS = tuple(
    sorted(
        (
            "af-south-1",
            "ap-east-1",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-south-1",
            "ap-southeast-1",
            "ap-southeast-2",
            "ca-central-1",
            "eu-central-1",
            "eu-north-1",
            "eu-south-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "me-south-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        )
    )
)
FULL = {"log_groups": 10_000, "metric_filters": 20_000, "alarms": 20_000, "topics": 2_000}
MATH_ALARM_EVERY = 200  # one alarm in 200 is a metric-math alarm (anomaly bands, ratios)

TRAIL_GROUP = "aws-cloudtrail-logs-management"
AUDIT_GROUP = "eu-audit-trail"
TOPIC = "security-alerts"
NAMESPACE = "CISBenchmark"
QUEUE_ARN = f"arn:aws:sqs:{HOME}:{ACCOUNT}:secops-alerts"

SERVICES = ("cloudtrail", "logs", "cloudwatch", "sns")


@dataclass(frozen=True)
class CandidateFilter:
    """A metric filter on the trail's log group that catches some event, and its alarm's
    state: the caller's candidates for the path search."""

    name: str
    pattern: str
    metric: str
    actions_enabled: bool = True


# Next to the candidates on the trail's log group: the rest of the CIS set (none catches a
# network gateway event),
# and two narrowed copies of the 4.12 filter that miss some records.
CIS_FILTERS = {
    "cis-4.1-unauthorized-api-calls": (
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
    ),
    "cis-4.2-console-signin-without-mfa": (
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'
    ),
    "cis-4.3-root-usage": (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }'
    ),
    "cis-4.4-iam-policy-changes": (
        "{ ($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || "
        "($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || "
        "($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) }"
    ),
    "cis-4.5-cloudtrail-changes": (
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || "
        "($.eventName = DeleteTrail) || ($.eventName = StartLogging) || "
        "($.eventName = StopLogging) }"
    ),
    "cis-4.6-console-auth-failures": (
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
    ),
    "cis-4.7-disable-or-delete-cmk": (
        "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || "
        "($.eventName = ScheduleKeyDeletion)) }"
    ),
    "cis-4.8-s3-bucket-policy-changes": (
        "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketPolicy) || "
        "($.eventName = DeleteBucketPolicy)) }"
    ),
    "cis-4.9-config-changes": (
        "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) "
        "|| ($.eventName = DeleteDeliveryChannel)) }"
    ),
    "cis-4.10-security-group-changes": (
        "{ ($.eventName = AuthorizeSecurityGroupIngress) || "
        "($.eventName = RevokeSecurityGroupIngress) || ($.eventName = CreateSecurityGroup) || "
        "($.eventName = DeleteSecurityGroup) }"
    ),
    "cis-4.11-nacl-changes": (
        "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || "
        "($.eventName = DeleteNetworkAcl) || ($.eventName = ReplaceNetworkAclEntry) }"
    ),
    "cis-4.12-gateways-root-only": "{ ("
    + BENCHMARK_PATTERN[2:-2]
    + ") && $.userIdentity.type = Root }",
    "cis-4.12-gateways-us-east-1": (
        "{ (" + BENCHMARK_PATTERN[2:-2] + ") && $.awsRegion = us-east-1 }"
    ),
    "cis-4.13-route-table-changes": (
        "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || "
        "($.eventName = ReplaceRoute) || ($.eventName = DeleteRouteTable) || "
        "($.eventName = DeleteRoute) }"
    ),
    "cis-4.14-vpc-changes": (
        "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || "
        "($.eventName = ModifyVpcAttribute) || ($.eventName = CreateVpcPeeringConnection) }"
    ),
    "cis-4.15-organizations-changes": (
        '{ ($.eventSource = "organizations.amazonaws.com") && ($.eventName = "LeaveOrganization" '
        '|| $.eventName = "CreateAccount" || $.eventName = "InviteAccountToOrganization") }'
    ),
}

# What application log groups carry: a few dozen distinct texts across 20,000 filters.
APP_PATTERNS = (
    "ERROR",
    '"Exception"',
    '"Task timed out"',
    '"OutOfMemoryError"',
    "?ERROR ?FATAL",
    '?"level=error" ?"level=fatal"',
    "Traceback -HealthCheck",
    "[ip, id, user, timestamp, request, status_code = 5*, size]",
    "[ip, id, user, timestamp, request, status_code = 4*, size]",
    '{ $.level = "ERROR" }',
    '{ $.level = "WARN" }',
    "{ $.statusCode >= 500 }",
    "{ $.statusCode = 429 }",
    "{ $.latency > 2000 }",
    '{ $.errorCode = "ThrottlingException" }',
    '{ $.eventType = "ChargeFailed" && $.amount > 100 }',
    '{ $.message = "*deadlock*" }',
    '{ $.status = "FAILED" || $.status = "TIMED_OUT" }',
    '{ $.userIdentity.type = "Root" }',
    '{ ($.eventName = ConsoleLogin) && ($.responseElements.ConsoleLogin = "Failure") }',
    '{ $.eventSource = "lambda.amazonaws.com" && $.errorCode = "*" }',
    '"Login failed"',
    '"segfault"',
    '"disk full"',
    '{ $.httpMethod = "DELETE" && $.status >= 400 }',
    '{ $.requestParameters.bucketName = "prod-*" }',
    "REPORT RequestId",
    '{ $.detail.state = "TERMINATED" }',
    "{ $.severity >= 7 }",
    '"ECONNRESET"',
    '"Connection refused"',
    '{ $.queue = "payments" && $.retries > 3 }',
    # a CIS filter put on the wrong log group: it never sees CloudTrail records
    BENCHMARK_PATTERN,
)

GROUP_KINDS = (
    "/aws/lambda/service-{i:05d}",
    "/ecs/app-{i:05d}",
    "/aws/rds/instance/db-{i:05d}/error",
    "API-Gateway-Execution-Logs_{i:05d}/prod",
    "/aws/eks/cluster-{i:05d}/cluster",
    "/var/log/app-{i:05d}",
)
APP_NAMESPACES = ("App/Errors", "LogMetrics", "Custom/Service", "Security")


# --------------------------------------------------------------------------- inventory


@dataclass
class Inventory:
    cloudtrail: Any
    logs: Any
    cloudwatch: Any
    sns: Any
    sizes: dict[str, int] = field(default_factory=dict)
    math_alarms_home: int = 0

    @property
    def objects(self) -> int:
        return sum(self.sizes.values())


def _models():
    from prowler.providers.aws.services.cloudtrail import cloudtrail_service as ct
    from prowler.providers.aws.services.cloudwatch import cloudwatch_service as cw
    from prowler.providers.aws.services.sns import sns_service as sn

    return ct, cw, sn


def _group_arn(region: str, name: str) -> str:
    return f"arn:{PARTITION}:logs:{region}:{ACCOUNT}:log-group:{name}:*"


def _alarm_arn(region: str, name: str) -> str:
    return f"arn:{PARTITION}:cloudwatch:{region}:{ACCOUNT}:alarm:{name}"


def _topic_arn(region: str, name: str) -> str:
    return f"arn:{PARTITION}:sns:{region}:{ACCOUNT}:{name}"


def _math_alarm_name(k: int) -> str:
    return f"anomaly-band-{k:05d}"


def _math_alarm_region(k: int) -> str:
    return REGIONS[k % len(REGIONS)]


def math_alarm_count(alarms: int) -> int:
    return max(len(REGIONS), alarms // MATH_ALARM_EVERY)  # at least one per region


def build_inventory(
    scale: float,
    regional_clients: dict[str, dict[str, Any]],
    candidates: Sequence[CandidateFilter],
) -> Inventory:
    """Prowler's four service objects, filled with Prowler's models, at `scale` of FULL, with
    `candidates` among the CIS filters on the trail's log group (call after `seed_candidates`
    with the same candidates: the path's topic and its subscription come from moto)."""
    ct, cw, sn = _models()
    want = {k: max(1, round(v * scale)) for k, v in FULL.items()}

    # ---- log groups: the trail's, a same-named one in another region, the audit trail's
    fixed_groups = [
        (HOME, TRAIL_GROUP),
        ("eu-west-1", TRAIL_GROUP),  # same name, another region: a different group
        ("eu-west-1", AUDIT_GROUP),
    ]
    groups: list[Any] = []
    for region, name in fixed_groups:
        groups.append(
            cw.LogGroup(
                arn=_group_arn(region, name),
                name=name,
                retention_days=365,
                never_expire=False,
                kms_id=None,
                creation_time=1_600_000_000_000,
                region=region,
            )
        )
    app_groups = max(1, want["log_groups"] - len(fixed_groups))
    for i in range(app_groups):
        region = REGIONS[i % len(REGIONS)]
        name = GROUP_KINDS[i % len(GROUP_KINDS)].format(i=i)
        groups.append(
            cw.LogGroup(
                arn=_group_arn(region, name),
                name=name,
                retention_days=(7, 30, 90, 3653)[i % 4],
                never_expire=i % 11 == 0,
                kms_id=None,
                creation_time=1_600_000_000_000 + i,
                region=region,
            )
        )
    trail_group, trail_group_copy, audit_group = groups[:3]

    # ---- metric filters (and, for each, the alarm a careful team puts on it)
    filters: list[Any] = []
    alarms: list[Any] = []
    security_topic = _topic_arn(HOME, TOPIC)

    def add_filter(group, name, pattern, metric, namespace, alarm=True, actions=True, topic=None):
        filters.append(
            cw.MetricFilter(
                arn=f"arn:{PARTITION}:logs:{group.region}:{ACCOUNT}:metric-filter/{name}",
                name=name,
                metric=metric,
                metric_namespace=namespace,
                pattern=pattern,
                log_group=group,
                region=group.region,
            )
        )
        if alarm:
            alarms.append(
                cw.MetricAlarm(
                    arn=_alarm_arn(group.region, name),
                    name=name,
                    metric=metric,
                    name_space=namespace,
                    region=group.region,
                    alarm_actions=[topic or security_topic],
                    actions_enabled=actions,
                )
            )

    trail_filters = [(c.name, c.pattern, c.metric, c.actions_enabled) for c in candidates]
    trail_filters += [
        (name, p, name.title().replace("-", ""), True) for name, p in CIS_FILTERS.items()
    ]
    for name, pattern, metric, actions in sorted(trail_filters):
        add_filter(trail_group, name, pattern, metric, NAMESPACE, actions=actions)
    add_filter(
        trail_group_copy, "cis-4.12-network-gateways", BENCHMARK_PATTERN, "GwCopy", NAMESPACE
    )
    for name in ("cis-4.1-unauthorized-api-calls", "cis-4.3-root-usage"):
        add_filter(audit_group, name, CIS_FILTERS[name], f"Audit{len(filters)}", NAMESPACE)

    topics_wanted = want["topics"]
    app_filters = max(0, want["metric_filters"] - len(filters))
    app_alarms = max(0, want["alarms"] - len(alarms) - math_alarm_count(want["alarms"]))
    for i in range(app_filters):
        group = groups[len(fixed_groups) + i % app_groups]
        pattern = APP_PATTERNS[(i * 7) % len(APP_PATTERNS)]
        namespace = APP_NAMESPACES[i % len(APP_NAMESPACES)]
        k = i % max(1, topics_wanted - 1)  # one of the team topics made below
        topic = _topic_arn(REGIONS[k % len(REGIONS)], f"team-alerts-{k:04d}")
        add_filter(
            group,
            f"app-metric-{i:05d}",
            pattern,
            f"AppMetric{i:05d}",
            namespace,
            alarm=i < app_alarms,
            actions=i % 13 != 0,
            topic=topic,
        )
    for i in range(app_filters, app_alarms):  # alarms on metrics that no filter publishes
        region = REGIONS[i % len(REGIONS)]
        alarms.append(
            cw.MetricAlarm(
                arn=_alarm_arn(region, f"ec2-cpu-{i:05d}"),
                name=f"ec2-cpu-{i:05d}",
                metric="CPUUtilization",
                name_space="AWS/EC2",
                region=region,
                alarm_actions=[],
                actions_enabled=True,
            )
        )
    math_alarms = math_alarm_count(want["alarms"])
    for k in range(math_alarms):
        region = _math_alarm_region(k)
        alarms.append(
            cw.MetricAlarm(
                arn=_alarm_arn(region, _math_alarm_name(k)),
                name=_math_alarm_name(k),
                metric=None,
                name_space=None,
                region=region,
                alarm_actions=[_topic_arn(region, "team-alerts-0000")],
                actions_enabled=True,
            )
        )
    # as Prowler's per-region threads leave them: region by region
    order = {r: n for n, r in enumerate(REGIONS)}
    filters.sort(key=lambda f: order[f.region])
    alarms.sort(key=lambda a: order[a.region])

    # ---- topics (the one on the path is moto's, with its real subscription)
    import boto3

    seeded = boto3.client("sns", region_name=HOME).list_subscriptions_by_topic(
        TopicArn=security_topic
    )["Subscriptions"]
    topics = [
        sn.Topic(
            name=TOPIC,
            arn=security_topic,
            region=HOME,
            subscriptions=[
                sn.Subscription(
                    id=seeded[0]["SubscriptionArn"].rsplit(":", 1)[-1],
                    arn=seeded[0]["SubscriptionArn"],
                    owner=ACCOUNT,
                    protocol="sqs",
                    endpoint=QUEUE_ARN,
                    region=HOME,
                )
            ],
        )
    ]
    for i in range(max(0, topics_wanted - 1)):
        region = REGIONS[i % len(REGIONS)]
        arn = _topic_arn(region, f"team-alerts-{i:04d}")
        subscriptions = [
            sn.Subscription(
                id=f"s{i}-{j}",
                arn=f"{arn}:s{i}-{j}" if (i + j) % 5 else "PendingConfirmation",
                owner=ACCOUNT,
                protocol=("email", "sqs", "lambda")[j],
                endpoint=f"team-{i}@example.com",
                region=region,
            )
            for j in range(i % 3)
        ]
        topics.append(
            sn.Topic(
                name=arn.rsplit(":", 1)[1], arn=arn, region=region, subscriptions=subscriptions
            )
        )

    # ---- trails, keyed by ARN as Prowler keeps them (placeholders for regions without one)
    def trail_arn(region, name, account=ACCOUNT):
        return f"arn:{PARTITION}:cloudtrail:{region}:{account}:trail/{name}"

    all_management = ct.Event_Selector(
        is_advanced=False,
        event_selector={
            "ReadWriteType": "All",
            "IncludeManagementEvents": True,
            "DataResources": [],
            "ExcludeManagementEventSources": [],
        },
    )
    trails = {}
    for trail in (
        ct.Trail(
            name="management-events",
            is_multiregion=True,
            home_region=HOME,
            arn=trail_arn(HOME, "management-events"),
            region=HOME,
            is_logging=True,
            log_file_validation_enabled=True,
            s3_bucket=f"cloudtrail-{ACCOUNT}",
            log_group_arn=_group_arn(HOME, TRAIL_GROUP),
            data_events=[all_management],
        ),
        ct.Trail(
            name="s3-data-events",
            is_multiregion=True,
            home_region=HOME,
            arn=trail_arn(HOME, "s3-data-events"),
            region=HOME,
            is_logging=True,
            s3_bucket=f"cloudtrail-data-{ACCOUNT}",
            data_events=[all_management],
        ),
        ct.Trail(
            name="eu-audit",
            is_multiregion=False,
            home_region="eu-west-1",
            arn=trail_arn("eu-west-1", "eu-audit"),
            region="eu-west-1",
            is_logging=True,
            s3_bucket=f"eu-audit-{ACCOUNT}",
            log_group_arn=_group_arn("eu-west-1", AUDIT_GROUP),
            data_events=[all_management],
        ),
        ct.Trail(
            name="organization-trail",
            is_multiregion=True,
            home_region=HOME,
            arn=trail_arn(HOME, "organization-trail", "999999999999"),
            region=HOME,
            is_logging=True,
            s3_bucket="org-cloudtrail",
            log_group_arn=f"arn:{PARTITION}:logs:{HOME}:999999999999:log-group:org-trail:*",
            data_events=[all_management],
        ),
    ):
        trails[trail.arn] = trail
    for region in REGIONS:
        if region not in (HOME, "eu-west-1"):
            trails[f"arn:{PARTITION}:cloudtrail:{region}:{ACCOUNT}:trail"] = ct.Trail(region=region)

    services = _services(regional_clients)
    services["cloudtrail"].trails = trails
    services["logs"].all_log_groups = {g.arn: g for g in groups}
    services["logs"].log_groups = dict(services["logs"].all_log_groups)
    services["logs"].metric_filters = filters
    services["cloudwatch"].metric_alarms = alarms
    services["sns"].topics = topics
    return Inventory(
        services["cloudtrail"],
        services["logs"],
        services["cloudwatch"],
        services["sns"],
        sizes={
            "log_groups": len(groups),
            "metric_filters": len(filters),
            "alarms": len(alarms),
            "topics": len(topics),
            "trails": sum(1 for t in trails.values() if t.name),
        },
        math_alarms_home=sum(1 for k in range(math_alarms) if _math_alarm_region(k) == HOME),
    )


def _services(regional_clients: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Prowler's service classes, built without their network-bound `__init__`."""
    from prowler.providers.aws.services.cloudtrail.cloudtrail_service import Cloudtrail
    from prowler.providers.aws.services.cloudwatch.cloudwatch_service import CloudWatch, Logs
    from prowler.providers.aws.services.sns.sns_service import SNS

    made = {}
    for key, cls in (
        ("cloudtrail", Cloudtrail),
        ("logs", Logs),
        ("cloudwatch", CloudWatch),
        ("sns", SNS),
    ):
        service = object.__new__(cls)
        service.service = key
        service.audited_account = ACCOUNT
        service.audited_account_arn = f"arn:{PARTITION}:iam::{ACCOUNT}:root"
        service.audited_partition = PARTITION
        service.audit_resources = []
        service.region = HOME
        service.regional_clients = regional_clients[key]
        made[key] = service
    made["cloudtrail"].trail_arn_template = f"arn:{PARTITION}:cloudtrail:{HOME}:{ACCOUNT}:trail"
    made["cloudtrail"].trails_unavailable = False
    made["logs"].log_group_arn_template = f"arn:{PARTITION}:logs:{HOME}:{ACCOUNT}:log-group"
    made["logs"].log_groups_unavailable = False
    made["logs"].metric_filters_unavailable = False
    made["logs"].resource_policies = {}
    made["cloudwatch"].metric_alarms_unavailable = False
    return made


# --------------------------------------------------------------------------- moto side


class CallCounter:
    """Counts every API call made through the clients it is attached to, and the wall time
    during which at least one was under way (calls may run in parallel threads)."""

    def __init__(self) -> None:
        self.calls: Counter = Counter()
        self.seconds = 0.0
        self._lock = threading.Lock()
        self._active = 0
        self._since = 0.0

    def attach(self, client: Any) -> None:
        client.meta.events.register("provide-client-params", self._start)
        client.meta.events.register("before-call", self._count)
        client.meta.events.register("after-call", self._stop)
        client.meta.events.register("after-call-error", self._stop)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.seconds = 0.0
            self._active = 0

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def _start(self, **_: Any) -> None:
        with self._lock:
            if self._active == 0:
                self._since = time.perf_counter()
            self._active += 1

    def _count(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.calls[f"{_PREFIX.get(model.service_model.service_id, '?')}:{model.name}"] += 1

    def _stop(self, **_: Any) -> None:
        with self._lock:
            if self._active == 0:
                return
            self._active -= 1
            if self._active == 0:
                self.seconds += time.perf_counter() - self._since


_PREFIX = {
    "CloudTrail": "cloudtrail",
    "CloudWatch Logs": "logs",
    "CloudWatch": "cloudwatch",
    "SNS": "sns",
}


def regional_clients(counter: CallCounter) -> dict[str, dict[str, Any]]:
    """boto3 clients for every audited region, as Prowler's `generate_regional_clients` makes."""
    import boto3

    session = boto3.Session(region_name=HOME)
    clients: dict[str, dict[str, Any]] = {}
    for service in SERVICES:
        clients[service] = {}
        for region in REGIONS:
            client = session.client(service, region_name=region)
            client.region = region
            counter.attach(client)
            clients[service][region] = client
    return clients


def seed_candidates(candidates: Sequence[CandidateFilter], full_alarms: int) -> None:
    """Create in moto only what lies on a candidate path (call inside `mock_aws`), with the
    metric-math alarms of an inventory of `full_alarms` alarms (the largest one to be built)."""
    import boto3

    session = boto3.Session(region_name=HOME)
    s3 = session.client("s3")
    s3.create_bucket(Bucket=f"cloudtrail-{ACCOUNT}")
    logs = session.client("logs")
    logs.create_log_group(logGroupName=TRAIL_GROUP)
    cloudtrail = session.client("cloudtrail")
    cloudtrail.create_trail(
        Name="management-events",
        S3BucketName=f"cloudtrail-{ACCOUNT}",
        IsMultiRegionTrail=True,
        CloudWatchLogsLogGroupArn=_group_arn(HOME, TRAIL_GROUP),
        CloudWatchLogsRoleArn=f"arn:{PARTITION}:iam::{ACCOUNT}:role/CloudTrail_CloudWatchLogs",
    )
    cloudtrail.start_logging(Name="management-events")
    sns = session.client("sns")
    topic = sns.create_topic(Name=TOPIC)["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE_ARN)
    cloudwatch = session.client("cloudwatch")
    for candidate in candidates:
        logs.put_metric_filter(
            logGroupName=TRAIL_GROUP,
            filterName=candidate.name,
            filterPattern=candidate.pattern,
            metricTransformations=[
                {"metricName": candidate.metric, "metricNamespace": NAMESPACE, "metricValue": "1"}
            ],
        )
        cloudwatch.put_metric_alarm(
            AlarmName=candidate.name,
            MetricName=candidate.metric,
            Namespace=NAMESPACE,
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            ActionsEnabled=candidate.actions_enabled,
            AlarmActions=[topic],
        )
    for k in range(math_alarm_count(full_alarms)):  # the home region's metric-math alarms
        if _math_alarm_region(k) != HOME:
            continue
        cloudwatch.put_metric_alarm(
            AlarmName=_math_alarm_name(k),
            EvaluationPeriods=3,
            Threshold=0,
            ComparisonOperator="LessThanLowerOrGreaterThanUpperThreshold",
            ThresholdMetricId="band",
            AlarmActions=[_topic_arn(HOME, "team-alerts-0000")],
            Metrics=[
                {
                    "Id": "m1",
                    "MetricStat": {
                        "Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "RequestCount"},
                        "Period": 300,
                        "Stat": "Sum",
                    },
                    "ReturnData": True,
                },
                {"Id": "band", "Expression": "ANOMALY_DETECTION_BAND(m1, 2)", "ReturnData": True},
            ],
        )
