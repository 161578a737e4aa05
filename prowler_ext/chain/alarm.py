"""Does an alarm turn one datapoint of a metric into a notification? One predicate per property."""

from __future__ import annotations

import re

from .evidence import AlarmEvidence, Arn, Gap, MetricKey

Finding = str | Gap | None

_COMPARISONS = {
    "GreaterThanOrEqualToThreshold": lambda x, t: x >= t,
    "GreaterThanThreshold": lambda x, t: x > t,
    "LessThanThreshold": lambda x, t: x < t,
    "LessThanOrEqualToThreshold": lambda x, t: x <= t,
}
_SYMBOLS = {
    "GreaterThanOrEqualToThreshold": ">=",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}
_SINGLE_VALUE_STATISTIC = re.compile(r"(p|tm|wm|ts)\d+(\.\d+)?|IQM|(TM|WM|TS)\(.*\)", re.IGNORECASE)
_COUNT_STATISTIC = re.compile(r"tc\d+(\.\d+)?|TC\(.*\)", re.IGNORECASE)


def concerns(alarm: AlarmEvidence, metric: MetricKey) -> bool:
    """Is the alarm about this metric's namespace and name at all (dimensions aside)?"""
    if alarm.metrics:
        return any(
            _is_metric(q, metric, with_dimensions=False)
            for q in alarm.metrics
            if isinstance(q, dict)
        )
    return (alarm.namespace, alarm.metric_name) == (metric.namespace, metric.name)


def watched_statistic(alarm: AlarmEvidence, metric: MetricKey) -> tuple[str | None, Finding]:
    """The statistic the alarm applies to exactly this metric, or why it does not watch it."""
    if alarm.metrics:
        return _math_statistic(alarm, metric)
    if (alarm.namespace, alarm.metric_name) != (metric.namespace, metric.name):
        return None, f"alarm {alarm.name} watches another metric"
    if tuple(sorted(alarm.dimensions)) != tuple(sorted(metric.dimensions)):
        return None, (
            f"alarm {alarm.name} watches {alarm.namespace}/{alarm.metric_name} with dimensions "
            f"{_dims(alarm.dimensions)}, but the filter publishes {_dims(metric.dimensions)}"
        )
    return alarm.statistic or alarm.extended_statistic, None


def _math_statistic(alarm: AlarmEvidence, metric: MetricKey) -> tuple[str | None, Finding]:
    returned = [q for q in alarm.metrics if isinstance(q, dict) and q.get("ReturnData", True)]
    watches_metric = any(_is_metric(q, metric) for q in alarm.metrics if isinstance(q, dict))
    if len(returned) == 1 and _is_metric(returned[0], metric):
        return returned[0]["MetricStat"].get("Stat"), None
    if watches_metric:
        return None, Gap(
            f"metric-math alarm {alarm.name} computes an expression over {metric}, "
            "which the check cannot evaluate"
        )
    return None, f"alarm {alarm.name} watches another metric"


def _is_metric(query: dict, metric: MetricKey, with_dimensions: bool = True) -> bool:
    stat = query.get("MetricStat")
    if not isinstance(stat, dict) or not isinstance(stat.get("Metric"), dict):
        return False
    described = stat["Metric"]
    if not with_dimensions:
        return (described.get("Namespace"), described.get("MetricName")) == (
            metric.namespace,
            metric.name,
        )
    dimensions = tuple(
        sorted(
            (d.get("Name", ""), d.get("Value", ""))
            for d in described.get("Dimensions") or []
            if isinstance(d, dict)
        )
    )
    return (described.get("Namespace"), described.get("MetricName"), dimensions) == (
        metric.namespace,
        metric.name,
        tuple(sorted(metric.dimensions)),
    )


def fires_on_one_event(alarm: AlarmEvidence, statistic: str | None, value: float) -> Finding:
    """Does a single datapoint of `value` put the alarm in ALARM?"""
    if statistic is None:
        return Gap(f"alarm {alarm.name} has no statistic the check can read")
    if statistic == "SampleCount" or _COUNT_STATISTIC.fullmatch(statistic):
        observed = 1.0
    elif statistic in ("Sum", "Average", "Minimum", "Maximum") or _SINGLE_VALUE_STATISTIC.fullmatch(
        statistic
    ):
        observed = value
    else:
        return Gap(
            f"alarm {alarm.name} uses the statistic {statistic}, which the check cannot read"
        )
    compare = _COMPARISONS.get(alarm.comparison or "")
    if compare is None or alarm.threshold is None:
        return Gap(
            f"alarm {alarm.name} compares with {alarm.comparison or 'no operator'} "
            "(an anomaly band or metric threshold the check cannot evaluate)"
        )
    if not compare(observed, alarm.threshold):
        return (
            f"alarm {alarm.name} does not fire on one event: {statistic} {_number(observed)} "
            f"{_SYMBOLS[alarm.comparison]} {_number(alarm.threshold)} is false"
        )
    needed = alarm.datapoints_to_alarm or alarm.evaluation_periods
    if needed is None:
        return Gap(f"alarm {alarm.name} has no readable EvaluationPeriods")
    if needed != 1:
        return (
            f"alarm {alarm.name} needs {needed} breaching datapoints, so one event never fires it"
        )
    return None


def unit_matches(alarm: AlarmEvidence, filter_unit: str | None) -> Finding:
    if alarm.unit and alarm.unit != (filter_unit or "None"):
        return (
            f"alarm {alarm.name} watches unit {alarm.unit}, "
            f"but the filter publishes {filter_unit or 'None'}"
        )
    return None


def sns_topics(alarm: AlarmEvidence) -> tuple[list[str], Finding]:
    """The SNS topics the alarm notifies, or why it notifies nobody."""
    if not alarm.actions_enabled:
        return [], f"alarm {alarm.name} has its actions disabled"
    topics = [a for a in alarm.alarm_actions if (Arn.parse(a) or _NO_ARN).service == "sns"]
    if not topics:
        others = f" (only {', '.join(alarm.alarm_actions)})" if alarm.alarm_actions else ""
        return [], f"alarm {alarm.name} notifies no SNS topic{others}"
    return topics, None


_NO_ARN = Arn("", "", "", "", "")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _dims(dimensions: tuple[tuple[str, str], ...]) -> str:
    if not dimensions:
        return "none"
    return "{" + ", ".join(f"{k}={v}" for k, v in dimensions) + "}"
