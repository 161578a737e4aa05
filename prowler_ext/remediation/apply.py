"""Carry a plan out, step by step, and stop at the first failure.

Nothing is ever deleted or rolled back: every step only adds (a topic, a subscription, a
metric filter or an alarm under a name seen free), so stopping halfway leaves the account no
worse, and the next run's search starts from what is there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .account import AwsAccount
from .aws_calls import AwsCallError
from .plan_model import CREATE_TOPIC, PUT_METRIC_ALARM, PUT_METRIC_FILTER, SUBSCRIBE, Plan, Step
from .settings import masked


@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)
    failure: str | None = None
    not_done: list[Step] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # subscriptions awaiting confirmation
    confirmed: list[str] = field(default_factory=list)  # subscriptions confirmed at once

    @property
    def ok(self) -> bool:
        return self.failure is None


def apply(plan: Plan, account: AwsAccount) -> Outcome:
    outcome = Outcome()
    created: dict[str, str] = {}  # planned topic ARN -> the ARN CreateTopic returned
    for index, step in enumerate(plan.steps):
        params = _with_topics(step.params, created)
        try:
            outcome.done.append(_run(step, params, account, created, outcome))
        except AwsCallError as error:
            outcome.failure = f"{step.summary}: {_without_endpoint(error.sentence, params)}"
        except Exception as error:  # a bug or an odd answer: stop, say what was done
            outcome.failure = f"{step.summary}: unexpected {type(error).__name__}: {error}"
        if outcome.failure:
            outcome.not_done = plan.steps[index:]
            break
    return outcome


def _run(
    step: Step, params: dict, account: AwsAccount, created: dict[str, str], outcome: Outcome
) -> str:
    if step.kind == CREATE_TOPIC:
        arn = account.create_topic(step.region, params)
        if arn != step.target:
            created[step.target] = arn
        return f"created SNS topic {params['Name']} ({arn})"
    if step.kind == SUBSCRIBE:
        answer = account.subscribe(step.region, params)
        topic = params["TopicArn"].rsplit(":", 1)[-1]
        if answer.startswith("arn:"):
            outcome.confirmed.append(step.target)
            return f"subscribed {step.target} to SNS topic {topic} (confirmed)"
        outcome.pending.append(step.target)
        return (
            f"subscribed {step.target} to SNS topic {topic}: pending confirmation (AWS sent a "
            "confirmation message to the endpoint)"
        )
    if step.kind == PUT_METRIC_FILTER:
        name, group = params["filterName"], params["logGroupName"]
        found = _write_once(
            lambda: account.metric_filter(step.region, group, name),
            lambda: account.put_metric_filter(step.region, params),
            lambda existing: _same_filter(existing, params),
            "logs:PutMetricFilter",
            step.region,
            (
                f"a metric filter named {name} appeared on log group {group}",
                f"metric filter {name}",
            ),
        )
        if found:
            return (
                f"found metric filter {name} on log group {group} as planned (made by another run)"
            )
        return f"created metric filter {name} on log group {group}"
    if step.kind == PUT_METRIC_ALARM:
        name = params["AlarmName"]
        found = _write_once(
            lambda: account.metric_alarm(step.region, name),
            lambda: account.put_metric_alarm(step.region, params),
            lambda existing: _same_alarm(existing, params),
            "cloudwatch:PutMetricAlarm",
            step.region,
            (f"an alarm named {name} appeared", f"alarm {name}"),
        )
        if found:
            return f"found alarm {name} in {step.region} as planned (made by another run)"
        return f"created alarm {name} in {step.region}"
    raise ValueError(f"unknown step {step.kind}")


def _write_once(
    read: Callable[[], dict | None],
    write: Callable[[], None],
    same: Callable[[dict], bool],
    permission: str,
    region: str,
    names: tuple[str, str],
) -> bool:
    """Write a resource that a write of the same name would replace, safely: the name is read
    again right before (another run's identical resource counts as done: True; anything else
    stops the run untouched), and what was written is read back."""
    appeared, resource = names
    existing = read()
    if existing is not None:
        if same(existing):
            return True
        raise AwsCallError(permission, region, f"{appeared} since the plan; it was left as it is")
    write()
    written = read()
    if written is None or not same(written):
        raise AwsCallError(permission, region, f"{resource} does not read back as written")
    return False


_FILTER_FIELDS = ("metricName", "metricNamespace", "metricValue", "defaultValue", "unit")
_ALARM_FIELDS = (
    "AlarmDescription",
    "MetricName",
    "Namespace",
    "Statistic",
    "Period",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "ActionsEnabled",
    "AlarmActions",
)


def _same_filter(found: dict, params: dict) -> bool:
    """The same pattern and metric transformation as the fixer's own (another run's, or
    what it just wrote)."""
    if found.get("filterPattern") != params["filterPattern"]:
        return False
    ours = params["metricTransformations"]
    theirs = found.get("metricTransformations") or []
    if len(ours) != len(theirs):
        return False
    return all(
        str(a.get(f)) == str(b.get(f))
        for a, b in zip(ours, theirs, strict=True)
        for f in _FILTER_FIELDS
        if f in a
    )


def _same_alarm(found: dict, params: dict) -> bool:
    """The fixer's own alarm as planned: its description names the fixer, and the metric,
    statistic, threshold and actions are the planned ones."""
    return all(found.get(field) == params[field] for field in _ALARM_FIELDS if field in params)


def _without_endpoint(text: str, params: dict) -> str:
    """AWS may echo a rejected endpoint back in its error: print it masked, like the plan."""
    endpoint = params.get("Endpoint")
    if not endpoint:
        return text
    return text.replace(str(endpoint), masked(str(endpoint)))


def _with_topics(params: dict, created: dict[str, str]) -> dict:
    if not created:
        return params
    params = dict(params)
    if params.get("TopicArn") in created:
        params["TopicArn"] = created[params["TopicArn"]]
    if "AlarmActions" in params:
        params["AlarmActions"] = [created.get(a, a) for a in params["AlarmActions"]]
    return params
