"""An alarm that fires on one event must fire on any number of them in one period: every
event the filter matches adds a datapoint, so `Sum` and the counts grow with a burst (a
gateway created and attached within seconds). Plain data, no AWS."""

from __future__ import annotations

import pytest

from prowler_ext.chain.alarm import notifies_on_one_event
from prowler_ext.chain.evidence import AlarmEvidence, MetricKey, MetricTransformation

METRIC = MetricKey("us-east-1", "CISBenchmark", "GatewayChanges")
FILTER = MetricTransformation("GatewayChanges", "CISBenchmark", "1")


def alarm(statistic: str, comparison: str, threshold: float) -> AlarmEvidence:
    return AlarmEvidence(
        name="gw",
        arn="arn:aws:cloudwatch:us-east-1:123456789012:alarm:gw",
        region="us-east-1",
        namespace="CISBenchmark",
        metric_name="GatewayChanges",
        dimensions=(),
        statistic=statistic,
        extended_statistic=None,
        threshold=threshold,
        comparison=comparison,
        evaluation_periods=1,
        datapoints_to_alarm=None,
        actions_enabled=True,
        alarm_actions=("arn:aws:sns:us-east-1:123456789012:alerts",),
        unit=None,
        metrics=(),
        treat_missing_data="notBreaching",
    )


@pytest.mark.parametrize(
    ("statistic", "comparison", "threshold", "value", "sentence"),
    [
        (
            "Sum",
            "LessThanThreshold",
            2,
            1.0,
            "alarm gw fires on one event but not on 2 in one period: Sum 2 < 2 is false, so a "
            "burst of events sends no notification",
        ),
        (
            "SampleCount",
            "LessThanOrEqualToThreshold",
            3,
            1.0,
            "alarm gw fires on one event but not on 4 in one period: SampleCount 4 <= 3 is "
            "false, so a burst of events sends no notification",
        ),
        (
            "Sum",
            "GreaterThanOrEqualToThreshold",
            -5,
            -1.0,
            "alarm gw fires on one event but not on 6 in one period: Sum -6 >= -5 is false, so "
            "a burst of events sends no notification",
        ),
        (
            "Sum",
            "LessThanThreshold",
            1_000_000,
            1.0,
            "alarm gw fires on one event but not on 1000000 in one period: Sum 1000000 < "
            "1000000 is false, so a burst of events sends no notification",
        ),
    ],
)
def test_an_alarm_a_burst_pushes_off_the_breaching_side_fails(
    statistic, comparison, threshold, value, sentence
):
    found = notifies_on_one_event(alarm(statistic, comparison, threshold), METRIC, FILTER, value)
    assert found == sentence


@pytest.mark.parametrize(
    ("statistic", "comparison", "threshold", "value"),
    [
        ("Sum", "GreaterThanOrEqualToThreshold", 1, 1.0),  # the benchmark's alarm
        ("SampleCount", "GreaterThanThreshold", 0, 5.0),
        ("Sum", "LessThanThreshold", 0, -1.0),  # a negative value, counted downwards
        ("Average", "LessThanThreshold", 2, 1.0),  # the average of n ones is 1
        ("Maximum", "LessThanOrEqualToThreshold", 1, 1.0),
        ("p99", "LessThanThreshold", 2, 1.0),
    ],
)
def test_an_alarm_every_burst_still_fires_passes(statistic, comparison, threshold, value):
    assert (
        notifies_on_one_event(alarm(statistic, comparison, threshold), METRIC, FILTER, value)
        is None
    )
