"""The fixer under every kind of fault, on every AWS operation it (and the scan it runs after)
makes: it cannot do harm.

For each fault, on a fresh account that only has a trail and some resources of the user's:

* the fixer returns an answer and prints no traceback;
* nothing the user had is changed or deleted, whatever point the run stopped at;
* it says "fixed" only when a scan without the fault PASSes; otherwise it says why not;
* a second run without the fault completes the chain from where the first stopped, and the
  account ends with one chain: one filter with the benchmark's pattern, one alarm, one topic.

Operations are not listed by hand: a run without faults records every call, and the matrix is
built from that record.
"""

from __future__ import annotations

import importlib
import io
import json
from contextlib import ExitStack, redirect_stdout
from unittest import mock

import pytest
from moto import mock_aws

from testkit.account import (
    BENCHMARK_PATTERN,
    AwsAccount,
    create_log_group,
    create_topic,
    put_alarm,
    put_metric_filter,
)
from testkit.clients import (
    CHECK_ID,
    CLOUDWATCH_KEY_POLICY,
    build_provider,
    prowler_clients,
    run_check,
)
from testkit.faults import KINDS, Call, Fault, iam_action, injected, readme_section, record_calls

from .test_fixer import FIXER_MODULE, LOG_GROUP, REGION, REGIONS, queue, trail

pytestmark = pytest.mark.slow


def build_world(account: AwsAccount) -> dict:
    """A trail and the user's own things next to it; returns the fixer config."""
    trail(account)
    put_metric_filter(account, REGION, LOG_GROUP, "user-errors", "ERROR", "UserErrors")
    topic = create_topic(account, REGION, "user-topic", [("sqs", "user-queue")])
    put_alarm(account, REGION, "user-errors", "UserErrors", alarm_actions=[topic])
    create_log_group(account, REGION, "app-logs")
    key = account.client("kms", REGION).create_key(Policy=json.dumps(CLOUDWATCH_KEY_POLICY))
    return {
        "Subscriptions": [{"Protocol": "sqs", "Endpoint": queue(account)}],
        "KmsMasterKeyId": key["KeyMetadata"]["Arn"],
    }


def users_things(account: AwsAccount) -> dict:
    """What the user owns, as comparable data (the fixer's own resources left out)."""
    logs = account.client("logs", REGION)
    cloudwatch = account.client("cloudwatch", REGION)
    sns = account.client("sns", REGION)
    return {
        "filters": [
            (f["filterName"], f["logGroupName"], f["filterPattern"], f["metricTransformations"])
            for f in logs.describe_metric_filters()["metricFilters"]
            if not f["filterName"].startswith("cis-")
        ],
        "alarms": [
            (a["AlarmName"], a["MetricName"], a["AlarmActions"], a["Threshold"])
            for a in cloudwatch.describe_alarms()["MetricAlarms"]
            if not a["AlarmName"].startswith("cis-")
        ],
        "topics": {
            t["TopicArn"]: sns.get_topic_attributes(TopicArn=t["TopicArn"])["Attributes"].get(
                "Policy"
            )
            for t in sns.list_topics()["Topics"]
            if ":cis-" not in t["TopicArn"]
        },
        "subscriptions": sorted(
            (s["TopicArn"], s["Endpoint"])
            for s in sns.list_subscriptions()["Subscriptions"]
            if ":cis-" not in s["TopicArn"]
        ),
        "log_groups": sorted(g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]),
    }


def fixers_chain(account: AwsAccount) -> dict:
    logs = account.client("logs", REGION)
    cloudwatch = account.client("cloudwatch", REGION)
    sns = account.client("sns", REGION)
    return {
        "filters": [
            f["filterName"]
            for f in logs.describe_metric_filters()["metricFilters"]
            if f["filterPattern"] == BENCHMARK_PATTERN
        ],
        "alarms": [
            a["AlarmName"]
            for a in cloudwatch.describe_alarms()["MetricAlarms"]
            if a["AlarmName"].startswith("cis-")
        ],
        "topics": [t["TopicArn"] for t in sns.list_topics()["Topics"] if ":cis-" in t["TopicArn"]],
    }


def run_fixer(
    provider, config: dict, fault: Fault | None = None, calls: set[Call] | None = None
) -> tuple[bool, str]:
    """Prowler's scan clients and the fixer, both under the fault; what it answered and said.
    `calls` receives the fixer's own calls (not those of the scan before it)."""
    provider._fixer_config = {CHECK_ID: config}
    printed = io.StringIO()
    session = provider.session.current_session
    with ExitStack() as stack:
        if fault:
            stack.enter_context(injected(session, fault))
        recorded = stack.enter_context(record_calls(session))
        stack.enter_context(
            mock.patch(
                "prowler.providers.common.provider.Provider.get_global_provider",
                return_value=provider,
            )
        )
        stack.enter_context(mock.patch.multiple(FIXER_MODULE, **prowler_clients(provider)))
        scanned = len(recorded)
        with redirect_stdout(printed):
            answer = importlib.import_module(FIXER_MODULE).fixer(region=REGION)
        if calls is not None:
            calls.update(recorded[scanned:])
    return answer, printed.getvalue()


def recorded_operations() -> list[tuple[str, str]]:
    with mock_aws():
        account = AwsAccount(None)
        config = build_world(account)
        provider = build_provider(REGIONS)
        calls: set[Call] = set()
        ok, out = run_fixer(provider, config, calls=calls)
        assert ok, out
    return sorted({(c.service, c.operation) for c in calls if c.region == REGION})


_OPERATIONS: list[tuple[str, str]] = []


def operations() -> list[tuple[str, str]]:
    if not _OPERATIONS:
        _OPERATIONS.extend(recorded_operations())
    return _OPERATIONS


_EXPLAINS = ("Failed:", "Nothing was changed", "not fixed", "Stopped", "Nothing to change")


# A fault stops the fixer at the same call whatever its kind: the rerun is tried after one
# kind of each error class (a ClientError, a BotoCoreError).
_RERUN_AFTER = ("denied", "timeout")


def check_one(provider, fault: Fault, problems: list[str]) -> bool:
    """The rules for one fault; True when the fixer said it fixed the account."""
    with mock_aws():
        account = AwsAccount(None)
        config = build_world(account)
        before = users_things(account)
        ok, out = run_fixer(provider, config, fault)
        if "Traceback" in out:
            problems.append(f"{fault}: printed a traceback")
        if users_things(account) != before:
            problems.append(f"{fault}: changed what the user had")
        if ok and "says PASS" in out:
            scan = run_check(provider, regions=REGIONS)
            if scan.status != "PASS":
                problems.append(f"{fault}: said fixed, but the scan says {scan.status_extended}")
        if not ok and not any(phrase in out for phrase in _EXPLAINS):
            problems.append(f"{fault}: answered False without saying why:\n{out}")
        if fault.kind not in _RERUN_AFTER:
            return ok
        # a new run without the fault continues from where this one stopped
        again, out = run_fixer(provider, config)
        scan = run_check(provider, regions=REGIONS)
        if not again or scan.status != "PASS":
            problems.append(f"{fault}: a clean rerun did not fix the account: {out}")
        chain = fixers_chain(account)
        if any(len(names) != 1 for names in chain.values()):
            problems.append(f"{fault}: the account ends with {chain}")
        if users_things(account) != before:
            problems.append(f"{fault}: the rerun changed what the user had")
        return ok


def test_the_fixer_calls_every_link_s_service():
    assert {
        ("cloudwatch-logs", "PutMetricFilter"),
        ("cloudwatch", "PutMetricAlarm"),
        ("sns", "CreateTopic"),
        ("sns", "Subscribe"),
        ("kms", "GetKeyPolicy"),
        ("cloudtrail", "GetTrailStatus"),
    } <= set(operations()), operations()


@pytest.mark.parametrize("service", ["cloudtrail", "cloudwatch-logs", "cloudwatch", "sns", "kms"])
def test_the_fixer_cannot_do_harm_under_any_fault(service):
    with mock_aws():
        provider = build_provider(REGIONS)
    problems: list[str] = []
    fixed = []
    for operation in [o for s, o in operations() if s == service]:
        for kind in KINDS:
            fault = Fault(service, operation, kind, REGION)
            fixed.append(check_one(provider, fault, problems))
    assert fixed, f"the fixer makes no {service} call"
    assert not all(fixed), f"no {service} fault stopped the fixer"
    assert not problems, f"{len(problems)} of {len(fixed)} faults broke a rule:\n" + "\n".join(
        problems
    )


def test_the_readme_policy_grants_every_call_the_fixer_makes():
    policy = readme_section("### IAM permissions")
    document = json.loads(
        policy[policy.index("```json") + 7 : policy.index("```", policy.index("```json") + 7)]
    )
    granted = {action for statement in document["Statement"] for action in statement["Action"]}
    used = {iam_action(service, operation) for service, operation in operations()}
    assert used <= granted, f"the README's fixer policy lacks {sorted(used - granted)}"
