"""The account benchmark's scenarios: data (`scenarios.json`) made into Prowler's inventories.

Each scenario becomes Prowler's real service objects (`Cloudtrail`, `Logs`, `CloudWatch`, `SNS`,
built by `testkit.inventory`) filled with Prowler's real models, and, in moto's `mock_aws`,
only what lies on the candidate path (the trail, its log group, the filters that catch an
event, the alarms on their metrics, the topic and its subscription), so that our targeted calls
really run and are counted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from testkit.inventory import (
    ACCOUNT,
    APP_NAMESPACES,
    APP_PATTERNS,
    BENCHMARK_PATTERN,
    GROUP_KINDS,
    HOME,
    NAMESPACE,
    PARTITION,
    QUEUE_ARN,
    REGIONS,
    TOPIC,
    TRAIL_GROUP,
    Inventory,
    _services,
)

SCENARIOS = Path(__file__).with_name("scenarios.json")
PATH_FILTER = "cis-4.12-network-gateways"
PATH_METRIC = "NetworkGatewayChanges"
PATH_ALARM = "network-gateway-changes"  # listed after the quiet alarms ("a-quiet-…")

# Patterns on the trail's log group that catch no gateway event: distinct texts of the shapes
# real accounts hold (the other CIS controls, service errors, narrowed gateway filters).
_NO_MATCH_SHAPES = (
    '{{ ($.eventSource = "svc{i}.amazonaws.com") && ($.eventName = "Op{i}") }}',
    '{{ ($.errorCode = "*UnauthorizedOperation{i}") || ($.errorCode = "AccessDenied{i}*") }}',
    '{{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != "Yes{i}") }}',
    "{{ ($.eventName = CreateCustomerGateway) && ($.userIdentity.arn = arn:aws:iam::{i}:*) }}",
    '{{ $.userIdentity.type = "Root" && $.sourceIPAddress = "10.0.{i}.*" }}',
    "{{ ($.eventName = CreateRoute{i}) || ($.eventName = DeleteRoute{i}) }}",
)


@dataclass(frozen=True)
class Scenario:
    name: str
    regions: int = 20
    filters: int = 0
    alarms: int = 0
    topics: int = 200
    trail_region: str = "first"  # where the trail's region comes in Prowler's lists
    trails: int = 1  # multi-region trails, each delivering to its own log group
    trail_patterns: int = 0  # distinct patterns on the trails' groups that catch nothing
    cis_alarms: int = 0  # alarms on the path's metric, before the one that qualifies
    matching_filters: int = 0  # filters with the CIS pattern, each its own metric, no alarm
    path: bool = True  # the complete chain exists
    section: bool = False  # the other CIS monitoring controls' filters and alarms too

    def trail_groups(self) -> list[tuple[str, str]]:
        """(trail name, log group name) of each trail; the first holds the path."""
        return [
            ("management-events", TRAIL_GROUP),
            *((f"trail-{k}", f"{TRAIL_GROUP}-{k}") for k in range(1, self.trails)),
        ]

    def trail_pattern_groups(self) -> list[tuple[int, str]]:
        """(pattern number, log group) of the patterns that catch nothing, 100 a group at
        most (AWS's limit), spread over the trails' groups."""
        groups = [group for _, group in self.trail_groups()]
        return [(i, groups[i % len(groups)]) for i in range(self.trail_patterns)]

    @property
    def region_names(self) -> list[str]:
        """The audited regions in the order Prowler's lists hold them."""
        others = [r for r in REGIONS if r != HOME][: max(0, self.regions - 1)]
        return [HOME, *others] if self.trail_region == "first" else [*others, HOME]


def load(quick: bool = False, only: str | None = None) -> list[Scenario]:
    """The scenarios of `scenarios.json` (their `quick` sizes with `quick`), those whose name
    contains `only`."""
    known = {f.name for f in fields(Scenario)}
    scenarios = []
    for entry in json.loads(SCENARIOS.read_text())["scenarios"]:
        values = {k: v for k, v in entry.items() if k in known}
        if quick:
            values.update(entry.get("quick", {}))
        scenario = Scenario(**values)
        if only is None or only.lower() in scenario.name.lower():
            scenarios.append(scenario)
    return scenarios


# --------------------------------------------------------------------------- moto


def seed(scenario: Scenario) -> None:
    """Create in moto what the check reads on its path (call inside `mock_aws`): the trails,
    their log groups and every filter on them, the path's alarms, topic and subscription."""
    import boto3

    session = boto3.Session(region_name=HOME)
    session.client("s3").create_bucket(Bucket=f"cloudtrail-{ACCOUNT}")
    logs = session.client("logs")
    cloudtrail = session.client("cloudtrail")
    for trail, group in scenario.trail_groups():
        logs.create_log_group(logGroupName=group)
        cloudtrail.create_trail(
            Name=trail,
            S3BucketName=f"cloudtrail-{ACCOUNT}",
            IsMultiRegionTrail=True,
            CloudWatchLogsLogGroupArn=_group_arn(HOME, group),
            CloudWatchLogsRoleArn=f"arn:{PARTITION}:iam::{ACCOUNT}:role/CloudTrail_CloudWatchLogs",
        )
        cloudtrail.start_logging(Name=trail)
    for i, group in scenario.trail_pattern_groups():
        _put_filter(logs, group, f"other-control-{i:05d}", f"Other{i:05d}", _no_match(i))
    for i in range(scenario.matching_filters):
        _put_filter(logs, TRAIL_GROUP, f"gateway-copy-{i:04d}", f"GatewayCopy{i:04d}")
    if not scenario.path:
        return
    sns = session.client("sns")
    topic = sns.create_topic(Name=TOPIC)["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE_ARN)
    _put_filter(logs, TRAIL_GROUP, PATH_FILTER, PATH_METRIC)
    cloudwatch = session.client("cloudwatch")
    for i in range(scenario.cis_alarms):
        _put_alarm(cloudwatch, f"a-quiet-gateway-{i:05d}", PATH_METRIC, topic, "LessThanThreshold")
    _put_alarm(cloudwatch, PATH_ALARM, PATH_METRIC, topic)
    for name, pattern, metric in _section_filters(scenario):
        _put_filter(logs, TRAIL_GROUP, name, metric, pattern)
        _put_alarm(cloudwatch, name, metric, topic)


def _put_alarm(
    cloudwatch: Any,
    name: str,
    metric: str,
    topic: str,
    operator: str = "GreaterThanOrEqualToThreshold",
) -> None:
    """The benchmark's alarm (Sum over 300 s, threshold 1, one period) notifying `topic`."""
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        MetricName=metric,
        Namespace=NAMESPACE,
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator=operator,
        AlarmActions=[topic],
    )


def _section_filters(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(filter and alarm name, benchmark pattern, metric) of the section's other controls."""
    if not scenario.section:
        return []
    from prowler_ext.cis_monitoring import SECTION

    return [
        (control.fixer_defaults["FilterName"], control.benchmark_pattern,
         control.fixer_defaults["MetricName"])
        for control in SECTION
        if control.fixer_defaults["MetricName"] != PATH_METRIC
    ]  # fmt: skip


def _no_match(i: int) -> str:
    return _NO_MATCH_SHAPES[i % len(_NO_MATCH_SHAPES)].format(i=i)


def _put_filter(
    logs: Any, group: str, name: str, metric: str, pattern: str = BENCHMARK_PATTERN
) -> None:
    logs.put_metric_filter(
        logGroupName=group,
        filterName=name,
        filterPattern=pattern,
        metricTransformations=[
            {"metricName": metric, "metricNamespace": NAMESPACE, "metricValue": "1"}
        ],
    )


# --------------------------------------------------------------------------- Prowler's objects


def build(scenario: Scenario, regional_clients: dict[str, dict[str, Any]]) -> Inventory:
    """Prowler's four service objects for the scenario (call after `seed`)."""
    from prowler.providers.aws.services.cloudtrail import cloudtrail_service as ct
    from prowler.providers.aws.services.cloudwatch import cloudwatch_service as cw
    from prowler.providers.aws.services.sns import sns_service as sn

    regions = scenario.region_names
    trail_groups = {
        group: _log_group(cw, HOME, group, k)
        for k, (_, group) in enumerate(scenario.trail_groups())
    }
    trail_group = trail_groups[TRAIL_GROUP]
    app_groups = [
        _log_group(cw, regions[i % len(regions)], GROUP_KINDS[i % len(GROUP_KINDS)].format(i=i), i)
        for i in range(max(1, scenario.filters // 2))
    ]
    security_topic = _topic_arn(HOME, TOPIC)
    filters: list[Any] = []
    alarms: list[Any] = []

    def add_filter(group: Any, name: str, pattern: str, metric: str, namespace: str) -> None:
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

    def add_alarm(region: str, name: str, metric: str, namespace: str, topic: str) -> None:
        alarms.append(
            cw.MetricAlarm(
                arn=f"arn:{PARTITION}:cloudwatch:{region}:{ACCOUNT}:alarm:{name}",
                name=name,
                metric=metric,
                name_space=namespace,
                region=region,
                alarm_actions=[topic],
                actions_enabled=True,
            )
        )

    # ---- the trail's log group
    for i, group in scenario.trail_pattern_groups():
        add_filter(
            trail_groups[group], f"other-control-{i:05d}", _no_match(i), f"Other{i:05d}", NAMESPACE
        )
    for i in range(scenario.matching_filters):
        add_filter(
            trail_group,
            f"gateway-copy-{i:04d}",
            BENCHMARK_PATTERN,
            f"GatewayCopy{i:04d}",
            NAMESPACE,
        )
    if scenario.path:
        add_filter(trail_group, PATH_FILTER, BENCHMARK_PATTERN, PATH_METRIC, NAMESPACE)
        for i in range(scenario.cis_alarms):
            add_alarm(HOME, f"a-quiet-gateway-{i:05d}", PATH_METRIC, NAMESPACE, security_topic)
        add_alarm(HOME, PATH_ALARM, PATH_METRIC, NAMESPACE, security_topic)
        for name, pattern, metric in _section_filters(scenario):
            add_filter(trail_group, name, pattern, metric, NAMESPACE)
            add_alarm(HOME, name, metric, NAMESPACE, security_topic)

    # ---- the rest of the estate: application filters and alarms, team topics
    team_topics = max(1, scenario.topics - 1)
    for i in range(max(0, scenario.filters - len(filters))):
        group = app_groups[i % len(app_groups)]
        add_filter(
            group,
            f"app-metric-{i:06d}",
            APP_PATTERNS[(i * 7) % len(APP_PATTERNS)],
            f"AppMetric{i:06d}",
            APP_NAMESPACES[i % len(APP_NAMESPACES)],
        )
    for i in range(max(0, scenario.alarms - len(alarms))):
        region = regions[i % len(regions)]
        k = i % team_topics
        add_alarm(
            region,
            f"app-alarm-{i:06d}",
            f"AppMetric{i:06d}",
            APP_NAMESPACES[i % len(APP_NAMESPACES)],
            _topic_arn(regions[k % len(regions)], f"team-alerts-{k:04d}"),
        )
    order = {region: n for n, region in enumerate(regions)}
    filters.sort(key=lambda f: order[f.region])  # region by region, as Prowler's threads leave them
    alarms.sort(key=lambda a: order[a.region])
    topics = [_path_topic(sn, security_topic)] if scenario.path else []
    for k in range(team_topics):
        region = regions[k % len(regions)]
        arn = _topic_arn(region, f"team-alerts-{k:04d}")
        topics.append(sn.Topic(name=arn.rsplit(":", 1)[1], arn=arn, region=region))

    selectors = [
        ct.Event_Selector(
            is_advanced=False,
            event_selector={
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [],
                "ExcludeManagementEventSources": [],
            },
        )
    ]
    trails = {}
    for name, group in scenario.trail_groups():
        arn = f"arn:{PARTITION}:cloudtrail:{HOME}:{ACCOUNT}:trail/{name}"
        trails[arn] = ct.Trail(
            name=name,
            is_multiregion=True,
            home_region=HOME,
            arn=arn,
            region=HOME,
            is_logging=True,
            log_file_validation_enabled=True,
            s3_bucket=f"cloudtrail-{ACCOUNT}",
            log_group_arn=_group_arn(HOME, group),
            data_events=selectors,
        )
    for region in regions:
        if region != HOME:  # Prowler's placeholder for a region that answered with no trail
            trails[f"arn:{PARTITION}:cloudtrail:{region}:{ACCOUNT}:trail"] = ct.Trail(region=region)
    groups = [*trail_groups.values(), *app_groups]
    services = _services({k: {r: v[r] for r in regions} for k, v in regional_clients.items()})
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
            "trails": len(scenario.trail_groups()),
        },
    )


def _path_topic(sn: Any, arn: str) -> Any:
    """The path's topic as Prowler lists it, with moto's real subscription."""
    import boto3

    seeded = boto3.client("sns", region_name=HOME).list_subscriptions_by_topic(TopicArn=arn)
    subscription = seeded["Subscriptions"][0]["SubscriptionArn"]
    return sn.Topic(
        name=TOPIC,
        arn=arn,
        region=HOME,
        subscriptions=[
            sn.Subscription(
                id=subscription.rsplit(":", 1)[-1],
                arn=subscription,
                owner=ACCOUNT,
                protocol="sqs",
                endpoint=QUEUE_ARN,
                region=HOME,
            )
        ],
    )


def _log_group(cw: Any, region: str, name: str, i: int) -> Any:
    return cw.LogGroup(
        arn=_group_arn(region, name),
        name=name,
        retention_days=(7, 30, 90, 3653)[i % 4],
        never_expire=False,
        kms_id=None,
        creation_time=1_600_000_000_000 + i,
        region=region,
    )


def _group_arn(region: str, name: str) -> str:
    return f"arn:{PARTITION}:logs:{region}:{ACCOUNT}:log-group:{name}:*"


def _topic_arn(region: str, name: str) -> str:
    return f"arn:{PARTITION}:sns:{region}:{ACCOUNT}:{name}"
