"""Every AWS operation the check makes (its own and those of Prowler's service clients), under
every kind of fault, on and off the path, in a PASS, a FAIL and a MANUAL account.

The blindness rules, as a user relies on them:

* a link the check could not see makes the event undecided: a PASS account is PASS or MANUAL,
  a FAIL account FAIL or MANUAL, a MANUAL account MANUAL; never the other verdict, and a
  MANUAL that a fault caused says what could not be read;
* a fault that cannot hide any path (in a region holding nothing on a path, or on a resource
  on none) changes nothing: the same status, sentence and resource as without it;
* nothing raises, and no finding says the account's data could not be read.

Operations are not listed by hand: a run without faults records every (service, operation,
region) it calls, and the matrix is built from that record.
"""

from __future__ import annotations

import importlib
import json
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from moto import mock_aws

from testkit.account import (
    ALL_MANAGEMENT_EVENTS,
    BENCHMARK_PATTERN,
    AwsAccount,
    create_log_group,
    create_logging_trail,
    create_topic,
    put_alarm,
    put_metric_filter,
)
from testkit.clients import (
    ACCOUNT,
    CHECK_ID,
    CHECK_MODULE,
    CLOUDWATCH_KEY_POLICY,
    build_provider,
    prowler_clients,
)
from testkit.faults import (
    EVERY_REGION,
    KINDS,
    Call,
    Fault,
    iam_action,
    injected,
    readme_section,
    record_calls,
)

PATH = "us-east-1"  # the region of every path
ELSEWHERE = "eu-west-1"  # audited, holds look-alikes that no trail feeds
LOG_GROUP = "cloudtrail-logs"
DECOY_TOPIC = "a-unrelated-topic"  # listed before the path's topic
DECOYS = (DECOY_TOPIC, "app-logs", "app-errors")
WORLDS = ("PASS", "FAIL", "MANUAL")

_CONDITIONAL_KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        CLOUDWATCH_KEY_POLICY["Statement"][0],
        {
            **CLOUDWATCH_KEY_POLICY["Statement"][1],
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        },
    ],
}


def build_world(account: AwsAccount, world: str) -> None:
    """One account per expected verdict, the same shape otherwise: a complete chain in PATH
    whose topic is encrypted with a customer key (PASS), the same without a subscriber (FAIL),
    or with a key policy the check cannot evaluate (MANUAL); and look-alikes off every path."""
    create_logging_trail(
        account, "management-events", log_group=LOG_GROUP, event_selectors=ALL_MANAGEMENT_EVENTS
    )
    put_metric_filter(account, PATH, LOG_GROUP, "gateway-changes", BENCHMARK_PATTERN, "Gw")
    policy = _CONDITIONAL_KEY_POLICY if world == "MANUAL" else CLOUDWATCH_KEY_POLICY
    key = account.client("kms", PATH).create_key(Policy=json.dumps(policy))["KeyMetadata"]["Arn"]
    subscribers = [] if world == "FAIL" else [("sqs", "secops-queue")]
    topic = create_topic(account, PATH, "security-alerts", subscribers)
    account.client("sns", PATH).set_topic_attributes(
        TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue=key
    )
    put_alarm(account, PATH, "gateway-changes", "Gw", alarm_actions=[topic])
    # off every path: a topic listed first, an application log group with its own alarm ...
    decoy = create_topic(account, PATH, DECOY_TOPIC, [("sqs", "decoy-queue")])
    create_log_group(account, PATH, "app-logs")
    put_metric_filter(account, PATH, "app-logs", "app-errors", "ERROR", "AppErrors")
    put_alarm(account, PATH, "app-errors", "AppErrors", alarm_actions=[decoy])
    # ... and in another audited region, the benchmark's chain on a log group no trail feeds
    create_log_group(account, ELSEWHERE, "other-logs")
    put_metric_filter(account, ELSEWHERE, "other-logs", "gateway-copy", BENCHMARK_PATTERN, "Gw")
    other = create_topic(account, ELSEWHERE, "other-alerts", [("sqs", "other-queue")])
    put_alarm(account, ELSEWHERE, "gateway-copy", "Gw", alarm_actions=[other])


_SERVICES = {  # botocore's service name -> the check's Prowler client that calls it
    "cloudtrail": "cloudtrail_client",
    "cloudwatch-logs": "logs_client",
    "cloudwatch": "cloudwatch_client",
    "sns": "sns_client",
}


@dataclass
class Finding:
    status: str
    sentence: str
    arn: str


@dataclass
class World:
    name: str
    provider: Any
    clients: dict[str, Any]
    calls: set[Call]
    baseline: Finding

    def scan(self, *faults: Fault) -> tuple[Finding, set[Call]]:
        """The check under faults, and the calls it made: the clients whose service fails are
        built again under them (Prowler's inventory loads meet them), and the check's own
        calls meet them too."""
        session = self.provider.session.current_session
        with ExitStack() as stack:
            for fault in faults:
                stack.enter_context(injected(session, fault))
            calls = stack.enter_context(record_calls(session))
            clients = dict(self.clients)
            for fault in faults:
                owner = _SERVICES.get(fault.service)
                if owner:
                    clients.update(prowler_clients(self.provider, owner))
            return _execute(clients), set(calls)


def _execute(clients: dict[str, Any]) -> Finding:
    with mock.patch.multiple(CHECK_MODULE, **clients):
        module = importlib.import_module(CHECK_MODULE)
        reports = getattr(module, CHECK_ID)().execute()
    assert len(reports) == 1
    return Finding(reports[0].status, reports[0].status_extended, reports[0].resource_arn)


def open_world(name: str) -> World:
    """Build the account in moto (already running), scan it once without faults, recording
    every call, and keep Prowler's clients for the scans under faults."""
    build_world(AwsAccount(None), name)
    provider = build_provider((PATH, ELSEWHERE))
    with record_calls(provider.session.current_session) as calls:
        clients = prowler_clients(provider)
        baseline = _execute(clients)
    return World(name, provider, clients, set(calls), baseline)


def faults_for(calls: set[Call]) -> list[tuple[Fault, bool]]:
    """(fault, off every path?) for every recorded operation: in the path's region, in the
    other region, in every region, and on each look-alike resource a call names."""
    operations = sorted({(call.service, call.operation) for call in calls})
    cases: list[tuple[Fault, bool]] = []
    for service, operation in operations:
        made = [c for c in calls if (c.service, c.operation) == (service, operation)]
        regions = {call.region for call in made}
        decoys = [d for d in DECOYS if any(c.region == PATH and d in c.params for c in made)]
        for kind in KINDS:
            if PATH in regions:
                cases.append((Fault(service, operation, kind, PATH), False))
                cases += [(Fault(service, operation, kind, PATH, d), True) for d in decoys]
            if ELSEWHERE in regions:
                cases.append((Fault(service, operation, kind, ELSEWHERE), True))
            if regions - {PATH}:
                cases.append((Fault(service, operation, kind, EVERY_REGION), False))
    return cases


_ALLOWED = {"PASS": {"PASS", "MANUAL"}, "FAIL": {"FAIL", "MANUAL"}, "MANUAL": {"MANUAL"}}


def violation(world: World, off_path: bool, found: Finding) -> str | None:
    base = world.baseline
    if "could not be read (" in found.sentence:
        return f"an unexpected error reached the finding: {found.sentence}"
    if found.status not in _ALLOWED[base.status]:
        return f"{found.status} in a {base.status} account: {found.sentence}"
    if off_path and found != base:
        return f"changed a finding off every path: {found.status}: {found.sentence}"
    if found.status == "MANUAL" and base.status != "MANUAL":
        if not (
            found.sentence.startswith("Cannot tell") or "could not be checked" in found.sentence
        ):
            return f"MANUAL without saying what could not be read: {found.sentence}"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("expected", WORLDS)
def test_faults_never_turn_blindness_into_a_verdict(expected):
    with mock_aws():
        world = open_world(expected)
        assert world.baseline.status == expected, world.baseline.sentence
        cases = faults_for(world.calls)
        problems = []
        changed = 0
        fallbacks: dict[tuple[str, str], Fault] = {}
        baseline_operations = {(call.service, call.operation) for call in world.calls}
        for fault, off_path in cases:
            found, calls = world.scan(fault)
            changed += found != world.baseline
            problem = violation(world, off_path, found)
            if problem:
                problems.append(f"{fault}: {problem}")
            for call in calls:
                operation = (call.service, call.operation)
                if not off_path and call.region == PATH and operation not in baseline_operations:
                    fallbacks.setdefault(operation, fault)
        # what the check reads instead when an inventory failed, failing too
        for (service, operation), first in sorted(fallbacks.items()):
            for kind in KINDS:
                second = Fault(service, operation, kind, PATH)
                found, _ = world.scan(first, second)
                problem = violation(world, False, found)
                if problem:
                    problems.append(f"{first} and {second}: {problem}")
    operations = {f"{call.service}:{call.operation}" for call in world.calls}
    # the matrix covers every link's reads, the check's own and Prowler's
    assert {
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudwatch-logs:DescribeLogGroups",
        "cloudwatch-logs:DescribeMetricFilters",
        "cloudwatch:DescribeAlarms",
        "sns:ListTopics",
        "sns:GetTopicAttributes",
        "sns:ListSubscriptionsByTopic",
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
    } <= operations, sorted(operations)
    assert changed, "no fault changed any finding: the faults did not reach the check"
    # the reads behind the inventories were reached and failed too
    assert ("cloudwatch", "DescribeAlarmsForMetric") in fallbacks, sorted(fallbacks)
    assert not problems, f"{len(problems)} of {len(cases)} faults broke a rule:\n" + "\n".join(
        problems
    )


def test_the_readme_lists_every_permission_a_scan_uses():
    with mock_aws():
        world = open_world("PASS")
        _, fallback_calls = world.scan(Fault("cloudwatch", "DescribeAlarms", "denied", PATH))
    listed = readme_section("### Permissions a scan needs")
    used = {iam_action(c.service, c.operation) for c in world.calls | fallback_calls}
    missing = sorted(action for action in used if f"`{action}`" not in listed)
    assert not missing, f"README's scan permissions lack {missing}"
