"""The fixer's settings are validated whole before the account is read: what SNS or AWS's
tagging would reject is refused up front, so a run never stops half-way on it."""

from __future__ import annotations

import pytest

from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from prowler_ext.remediation.settings import SettingsError, load, masked

CHECK_ID = NETWORK_GATEWAY_CHANGES.check_id


def _load(settings: dict):
    return load({CHECK_ID: settings}, NETWORK_GATEWAY_CHANGES)


def _problems(settings: dict) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        _load(settings)
    return raised.value.problems


@pytest.mark.parametrize(
    "protocol, endpoint, problem",
    [
        ("sqs", "arn:garbage", "must be the ARN of the sqs resource"),
        ("lambda", "arn:aws:sqs:us-east-1:123456789012:q", "must be the ARN of the lambda"),
        ("sms", "not a phone", "E.164"),
        ("sms", "5555550100", "E.164"),
        ("email", "@", "is not an email address"),
        ("email", "secops@example.com\nBcc: x@example.com", "is not an email address"),
        ("email-json", "secops", "is not an email address"),
        ("https", "http://hooks.example.com/x", "must be a URL https://"),
        ("https", "https:///no-host", "must be a URL https://"),
        ("https", "https://hooks.example.com/a b", "holds a space"),
    ],
)
def test_endpoints_sns_would_reject_are_refused(protocol, endpoint, problem):
    problems = _problems({"Subscriptions": [{"Protocol": protocol, "Endpoint": endpoint}]})
    assert len(problems) == 1 and problem in problems[0], problems


@pytest.mark.parametrize(
    "protocol, endpoint",
    [
        ("sqs", "arn:aws:sqs:us-east-1:123456789012:secops"),
        ("sqs", "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:alerts.fifo"),
        ("lambda", "arn:aws:lambda:eu-west-1:123456789012:function:notify"),
        ("lambda", "arn:aws:lambda:eu-west-1:123456789012:function:notify:live"),
        ("sms", "+15555550100"),
        ("email", "secops+confirmed@example.com"),
        ("https", "https://user:pass@hooks.example.com:8443/alert?token=x"),
    ],
)
def test_valid_endpoints_are_accepted(protocol, endpoint):
    settings = _load({"Subscriptions": [{"Protocol": protocol, "Endpoint": endpoint}]})
    assert settings.subscriptions[0].endpoint == endpoint


@pytest.mark.parametrize(
    "tags, problem",
    [
        ({"k" * 129: "v"}, "at most 128"),
        ({"team": "v" * 257}, "at most 256"),
        ({"team": "a;b"}, "at most 256"),
        ({f"t{i}": "v" for i in range(50)}, "at most 49 Tags"),
        ({"aws:created": "x"}, "not allowed"),
        ({"prowler-fixer": "x"}, "set by the fixer itself"),
    ],
)
def test_tags_past_aws_limits_are_refused(tags, problem):
    problems = _problems({"Tags": tags})
    assert any(problem in p for p in problems), problems


def test_tags_within_limits_are_kept():
    settings = _load({"Tags": {"team": "secops", "cost-center": "a/b:c=d+e@f g"}})
    assert dict(settings.tags) == {"team": "secops", "cost-center": "a/b:c=d+e@f g"}


@pytest.mark.parametrize(
    "endpoint, shown",
    [
        ("https://u:p@h.example/x?token=1#f", "https://***@h.example/x?***#***"),
        ("https://h.example:8443/x", "https://h.example:8443/x"),
        ("secops@example.com", "secops@example.com"),
        ("arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:sqs:us-east-1:123456789012:q"),
    ],
)
def test_endpoints_are_shown_masked(endpoint, shown):
    assert masked(endpoint) == shown


def test_the_control_names_the_defaults():
    settings = _load({})
    assert settings.metric_name == NETWORK_GATEWAY_CHANGES.fixer_defaults["MetricName"]
    assert settings.alarm_name == NETWORK_GATEWAY_CHANGES.fixer_defaults["AlarmName"]
