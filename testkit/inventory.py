"""A synthetic AWS estate as Prowler's own service objects, for the account benchmark.

What `benchmarks.scenarios` builds its scenarios from: the audited regions, the names of the
trail's log group, topic and namespace, the application filter patterns and log group names
an estate holds besides the CIS chain (a few dozen distinct texts, as in real estates), and,
under moto's `mock_aws`:

* `regional_clients(counter)`: real boto3 clients for every region, each counted by a
  `CallCounter` (botocore event hooks count every API call and the time calls were under way);
* `_services(regional_clients)`: Prowler's four service classes (`Cloudtrail`, `Logs`,
  `CloudWatch`, `SNS`) built without their network-bound `__init__`, for the caller to fill
  with Prowler's models, as an `Inventory`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
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
TRAIL_GROUP = "aws-cloudtrail-logs-management"
TOPIC = "security-alerts"
NAMESPACE = "CISBenchmark"
QUEUE_ARN = f"arn:aws:sqs:{HOME}:{ACCOUNT}:secops-alerts"

SERVICES = ("cloudtrail", "logs", "cloudwatch", "sns")


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
    during which at least one was under way (calls may run in parallel threads). With a
    `latency`, each call first waits that long: moto answers in-process in a millisecond or
    two, AWS after a network round trip."""

    def __init__(self, latency: float = 0.0) -> None:
        self.calls: Counter = Counter()
        self.seconds = 0.0
        self.latency = latency  # seconds each call (each page) waits, as for AWS's round trip
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
        if self.latency:
            time.sleep(self.latency)  # outside the lock: calls in parallel overlap

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
