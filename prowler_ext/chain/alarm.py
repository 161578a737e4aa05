"""Does an alarm turn one event into a notification? One predicate per property.

An alarm notifies on a *transition* into ALARM. So one event must put it there (its statistic
over the period breaches the threshold, whatever else the log group receives), and between
events it must not already be there: missing data treated as breaching, or a filter's
defaultValue that alone breaches, keep it in ALARM and an event changes nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from . import metric_math
from .evidence import AlarmEvidence, Arn, Gap, MetricKey, MetricTransformation

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
    returned = _returned(alarm)
    if len(returned) == 1 and _is_metric(returned[0], metric):
        return returned[0]["MetricStat"].get("Stat"), None
    if _computes_expression(alarm, metric):  # no one statistic: see math_notifies_on_one_event
        return None, Gap(
            f"metric-math alarm {alarm.name} computes an expression over {metric}, "
            "which has no single statistic"
        )
    return None, f"alarm {alarm.name} watches another metric"


def _returned(alarm: AlarmEvidence) -> list[dict]:
    return [q for q in alarm.metrics if isinstance(q, dict) and q.get("ReturnData", True)]


def _computes_expression(alarm: AlarmEvidence, metric: MetricKey) -> bool:
    """A metric-math alarm that reads the metric but does not return it as it is."""
    if not alarm.metrics:
        return False
    returned = _returned(alarm)
    if len(returned) == 1 and _is_metric(returned[0], metric):
        return False
    return any(_is_metric(q, metric) for q in alarm.metrics if isinstance(q, dict))


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


def notifies_on_one_event(
    alarm: AlarmEvidence, metric: MetricKey, transformation: MetricTransformation, value: float
) -> Finding:
    """Does one event (a datapoint of `value` on `metric`) move the alarm into ALARM?"""
    if _computes_expression(alarm, metric):
        return math_notifies_on_one_event(alarm, metric, transformation, value)
    statistic, problem = watched_statistic(alarm, metric)
    problem = problem or unit_matches(alarm, transformation.unit)
    problem = problem or fires_on_one_event(alarm, statistic, value)
    default = transformation.default_value
    problem = problem or _fires_among_other_records(alarm, statistic, value, default)
    problem = problem or quiet_between_events(alarm, statistic, default)
    return problem or fires_on_several_events(alarm, statistic, value)


def math_notifies_on_one_event(
    alarm: AlarmEvidence, metric: MetricKey, transformation: MetricTransformation, value: float
) -> Finding:
    """The same question for a metric-math alarm: its returned expression is evaluated for a
    period with one event and for a period without, where the metric has no datapoint."""
    compare = _COMPARISONS.get(alarm.comparison or "")
    if compare is None or alarm.threshold is None:
        return _no_threshold(alarm)
    returned = _returned(alarm)
    if len(returned) != 1:
        return Gap(
            f"metric-math alarm {alarm.name} returns {len(returned)} queries instead of one, "
            "which the check cannot evaluate"
        )
    needed = alarm.datapoints_to_alarm or alarm.evaluation_periods
    if needed is not None and needed != 1:
        return (
            f"alarm {alarm.name} needs {needed} breaching datapoints, so one event never fires it"
        )
    try:
        event = metric_math.evaluate(
            alarm.metrics, returned[0], _reader(alarm, metric, transformation, value)
        ).value
        quiet = metric_math.evaluate(
            alarm.metrics, returned[0], _reader(alarm, metric, transformation, None)
        ).value
    except metric_math.UndecidedError as error:
        return Gap(f"metric-math alarm {alarm.name} {error}")
    computes = f"metric-math alarm {alarm.name} computes {_expression(returned[0])}"
    computes += _unit_note(alarm, metric, transformation.unit)
    default = transformation.default_value
    if default is not None:
        return Gap(
            f"{computes} over a metric whose filter has a defaultValue "
            f"({'unreadable' if math.isnan(default) else _number(default)}), published for "
            "every other record, which the check cannot evaluate in an expression"
        )
    threshold, symbol = alarm.threshold, _SYMBOLS[alarm.comparison]
    breaching = (alarm.treat_missing_data or "missing") == "breaching"
    if event is None and not breaching:
        return (
            f"{computes}, which has no datapoint for a period with one event, so one event "
            "never fires it"
        )
    if event is not None and not compare(event, threshold):
        if quiet == event:
            when = f"which is {_number(event)} whether or not an event happens"
        else:
            when = f"which is {_number(event)} for a period with one event"
        return (
            f"{computes}, {when}, and {_number(event)} {symbol} {_number(threshold)} is false, "
            "so one event never fires it"
        )
    if needed is None:
        return Gap(f"alarm {alarm.name} has no readable EvaluationPeriods")
    if quiet is None and breaching:
        return (
            f"{computes}, which has no datapoint without an event, and the alarm treats missing "
            "data as breaching, so it stays in ALARM between events and an event sends no "
            "notification"
        )
    if quiet is not None and compare(quiet, threshold):
        return (
            f"{computes}, which is {_number(quiet)} without any event, and {_number(quiet)} "
            f"{symbol} {_number(threshold)} already holds, so it sits in ALARM and an event "
            "sends no notification"
        )
    if event is not None:
        burst = _math_fires_on_several_events(alarm, metric, transformation, value)
        if burst is not None:
            return burst if isinstance(burst, Gap) else f"{computes}, {burst}"
    if event is None:  # missing data treated as breaching, on a period with the event only
        return Gap(
            f"{computes}, which has no datapoint for a period with one event but "
            f"{_number(quiet)} without one; whether the missing datapoint, treated as "
            "breaching, raises the alarm the check cannot evaluate"
        )
    return None


def _math_fires_on_several_events(
    alarm: AlarmEvidence, metric: MetricKey, transformation: MetricTransformation, value: float
) -> Finding:
    """`fires_on_several_events` for an expression: proven when the expression never moves
    off the breaching side as events add up; otherwise the first few counts are tried."""
    returned = _returned(alarm)[0]

    def moves(query: dict) -> int | None:
        if not _is_metric(query, metric):
            return None
        stat = query["MetricStat"]
        unit, statistic = stat.get("Unit"), stat.get("Stat")
        if unit and unit != (transformation.unit or "None") or not isinstance(statistic, str):
            return None
        one = events_statistic(statistic, value, 1)
        if one is None:
            return None
        return metric_math.sign(events_statistic(statistic, value, 2) - one)

    metric_queries = [q for q in alarm.metrics if isinstance(q, dict) and "MetricStat" in q]
    if all(moves(query) == 0 for query in metric_queries):
        return None  # Average, Maximum, percentiles...: the same value however many events
    moving = metric_math.direction(alarm.metrics, returned, moves)
    upward = _upward(alarm)
    if moving == 0 or (moving is not None and (moving > 0) == upward):
        return None
    compare = _COMPARISONS[alarm.comparison]
    for events in range(2, 9):
        try:
            reader = _reader(alarm, metric, transformation, value, events)
            found = metric_math.evaluate(alarm.metrics, returned, reader).value
        except metric_math.UndecidedError as error:
            return Gap(f"metric-math alarm {alarm.name} {error}")
        if found is None or not compare(found, alarm.threshold):
            shown = "no datapoint" if found is None else _number(found)
            return (
                f"which fires on one event but not on {events} in one period ({shown} "
                f"{_SYMBOLS[alarm.comparison]} {_number(alarm.threshold)} is false), so a burst "
                "of events sends no notification"
            )
    return Gap(
        f"metric-math alarm {alarm.name} computes {_expression(returned)}, and whether it "
        "still fires on any number of events in one period the check cannot tell"
    )


def _reader(
    alarm: AlarmEvidence,
    metric: MetricKey,
    transformation: MetricTransformation,
    value: float | None,
    events: int = 1,
) -> metric_math.Resolve:
    """What a MetricStat query of the alarm reads in the period: the statistic of the event's
    one datapoint (`value`), nothing (None: no event), or undecided for another metric."""

    def read(query: dict) -> metric_math.Series:
        name = query.get("Id")
        if not _is_metric(query, metric):
            raise metric_math.UndecidedError(
                f"reads {name}, {_described(query)}, whose values the check cannot know"
            )
        stat = query["MetricStat"]
        unit = stat.get("Unit")
        if unit and unit != (transformation.unit or "None"):
            return metric_math.Series(None)  # the query asks for datapoints of another unit
        if value is None:
            return metric_math.Series(None)
        statistic = stat.get("Stat")
        observed = (
            events_statistic(statistic, value, events) if isinstance(statistic, str) else None
        )
        if observed is None:
            raise metric_math.UndecidedError(
                f"uses the statistic {statistic} in {name}, which the check cannot read"
            )
        return metric_math.Series(observed)

    return read


def _described(query: dict) -> str:
    stat = query.get("MetricStat")
    described = stat.get("Metric") if isinstance(stat, dict) else None
    if not isinstance(described, dict):
        return "which names no metric"
    dimensions = tuple(
        sorted(
            (str(d.get("Name", "")), str(d.get("Value", "")))
            for d in described.get("Dimensions") or []
            if isinstance(d, dict)
        )
    )
    key = MetricKey(
        "", str(described.get("Namespace")), str(described.get("MetricName")), dimensions
    )
    return f"metric {key}"


def _unit_note(alarm: AlarmEvidence, metric: MetricKey, filter_unit: str | None) -> str:
    """Why a query of the metric has no datapoint even with the event: it asks for another unit."""
    for query in alarm.metrics:
        if isinstance(query, dict) and _is_metric(query, metric):
            unit = query["MetricStat"].get("Unit")
            if unit and unit != (filter_unit or "None"):
                return (
                    f" (its query {query.get('Id')} asks for unit {unit}, but the filter "
                    f"publishes {filter_unit or 'None'}, so it has no datapoint)"
                )
    return ""


def _expression(query: dict) -> str:
    expression = query.get("Expression")
    return str(expression) if isinstance(expression, str) else str(query.get("Id"))


def _no_threshold(alarm: AlarmEvidence) -> Gap:
    return Gap(
        f"alarm {alarm.name} compares with {alarm.comparison or 'no operator'} "
        "(an anomaly band or metric threshold the check cannot evaluate)"
    )


def quiet_between_events(
    alarm: AlarmEvidence, statistic: str | None, default: float | None
) -> Finding:
    """Is the alarm out of ALARM while no event happens, so that an event is a transition?"""
    if (alarm.treat_missing_data or "missing") == "breaching":
        return (
            f"alarm {alarm.name} treats missing data as breaching, so it stays in ALARM between "
            "events and an event sends no notification"
        )
    if default is None or statistic is None:
        return None
    if math.isnan(default):
        return Gap(f"the metric filter's defaultValue for alarm {alarm.name} could not be read")
    compare = _COMPARISONS.get(alarm.comparison or "")
    if compare is None or alarm.threshold is None:
        return None  # fires_on_one_event has said why already
    # a period with k >= 1 other records and no event
    if statistic == "Sum":
        quiet = _any_breaches(alarm, default, default)  # k*d: from d on, by steps of d
    elif _counted(statistic):
        quiet = _any_breaches(alarm, 1.0, 1.0)
    else:
        quiet = compare(default, alarm.threshold)
    if quiet:
        return (
            f"alarm {alarm.name} sits in ALARM without any event: the metric filter publishes "
            f"its defaultValue {_number(default)} for every other record, and {statistic} "
            f"{_SYMBOLS[alarm.comparison]} {_number(alarm.threshold)} already holds, so an "
            "event sends no notification"
        )
    return None


def _counted(statistic: str | None) -> bool:
    """Statistics that count datapoints rather than read their value."""
    return statistic == "SampleCount" or bool(statistic and _COUNT_STATISTIC.fullmatch(statistic))


def _adds_up(statistic: str) -> bool:
    """Statistics that grow with the number of datapoints in the period."""
    return statistic == "Sum" or _counted(statistic)


def events_statistic(statistic: str, value: float, events: int) -> float | None:
    """The statistic of a period holding `events` datapoints of `value` (None: unreadable)."""
    one = one_datapoint(statistic, value)
    if one is None or not _adds_up(statistic):
        return one  # the value of each datapoint, however many
    return one * events


def fires_on_several_events(alarm: AlarmEvidence, statistic: str | None, value: float) -> Finding:
    """Events come in bursts (a gateway is created, then attached, within seconds), and every
    event the filter matches in a period adds a datapoint: `Sum` and counts grow with them. An
    alarm that fires on one event must fire on any number of them in one period, or the burst
    sends no notification at all."""
    if statistic is None or not _adds_up(statistic):
        return None  # Average, Minimum, Maximum, percentiles: one value, however many
    compare = _COMPARISONS.get(alarm.comparison or "")
    if compare is None or alarm.threshold is None:
        return None
    one = events_statistic(statistic, value, 1)
    if one is None or _all_breach(alarm, one, one):
        return None
    events = _first_failing(lambda k: compare(one * k, alarm.threshold))
    total = one * events
    return (
        f"alarm {alarm.name} fires on one event but not on {events} in one period: {statistic} "
        f"{_number(total)} {_SYMBOLS[alarm.comparison]} {_number(alarm.threshold)} is false, so "
        "a burst of events sends no notification"
    )


def _first_failing(breaches: Callable[[int], bool]) -> int:
    """The least k >= 2 for which `breaches(k)` is false, where it holds for 1 and, once false,
    stays false (the statistic runs monotonically off the breaching side)."""
    low, high = 1, 2
    while breaches(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if breaches(middle) else (low, middle)
    return high


def _fires_among_other_records(
    alarm: AlarmEvidence, statistic: str | None, value: float, default: float | None
) -> Finding:
    """With a defaultValue, the event's period also holds the defaults of every other record
    of the log group: does the statistic still breach, however many there are?"""
    if default is None or statistic is None or math.isnan(default):
        return None
    compare = _COMPARISONS.get(alarm.comparison or "")
    if compare is None or alarm.threshold is None:
        return None
    threshold = alarm.threshold
    if statistic == "Sum":
        fires = _all_breach(alarm, value, default)  # v + k*d for k >= 0
    elif _counted(statistic):
        fires = _all_breach(alarm, 1.0, 1.0)  # 1 + k
    elif statistic == "Maximum":
        fires = compare(value, threshold) and compare(max(value, default), threshold)
    elif statistic == "Minimum":
        fires = compare(value, threshold) and compare(min(value, default), threshold)
    elif statistic == "Average":
        # (v + k*d) / (k + 1) runs from v towards d and never reaches it: every value between
        # breaches when v does and d is on the breaching side (or on the line, for >= and <=)
        fires = compare(value, threshold) and (
            compare(default, threshold) or (default == threshold and value != default)
        )
    else:
        return Gap(
            f"alarm {alarm.name} uses {statistic} on a metric whose filter has a defaultValue "
            f"({_number(default)}), which the check cannot evaluate"
        )
    if fires:
        return None
    return (
        f"alarm {alarm.name} does not reliably fire on one event: the metric filter publishes "
        f"its defaultValue {_number(default)} for every other record, so {statistic} over a "
        f"period with the event need not be {_SYMBOLS[alarm.comparison]} "
        f"{_number(alarm.threshold)}"
    )


def _upward(alarm: AlarmEvidence) -> bool:
    return (alarm.comparison or "").startswith("GreaterThan")


def _all_breach(alarm: AlarmEvidence, start: float, step: float) -> bool:
    """Does every term of start, start + step, start + 2*step, ... breach the threshold?"""
    if not _COMPARISONS[alarm.comparison](start, alarm.threshold):
        return False
    return step == 0 or (step > 0) == _upward(alarm)  # else it runs off to the other side


def _any_breaches(alarm: AlarmEvidence, start: float, step: float) -> bool:
    """Does some term of start, start + step, ... breach the threshold?"""
    if _COMPARISONS[alarm.comparison](start, alarm.threshold):
        return True
    return step != 0 and (step > 0) == _upward(alarm)  # it runs off into the breaching side


def one_datapoint(statistic: str, value: float) -> float | None:
    """The statistic of a period holding one datapoint of `value` (None: unreadable)."""
    if _counted(statistic):
        return 1.0
    if statistic in ("Sum", "Average", "Minimum", "Maximum") or _SINGLE_VALUE_STATISTIC.fullmatch(
        statistic
    ):
        return value
    return None


def fires_on_one_event(alarm: AlarmEvidence, statistic: str | None, value: float) -> Finding:
    """Does a single datapoint of `value` put the alarm in ALARM?"""
    if statistic is None:
        return Gap(f"alarm {alarm.name} has no statistic the check can read")
    observed = one_datapoint(statistic, value)
    if observed is None:
        return Gap(
            f"alarm {alarm.name} uses the statistic {statistic}, which the check cannot read"
        )
    compare = _COMPARISONS.get(alarm.comparison or "")
    if compare is None or alarm.threshold is None:
        return _no_threshold(alarm)
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
