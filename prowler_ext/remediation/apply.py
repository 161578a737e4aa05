"""Carry a plan out, step by step, and stop at the first failure.

Nothing is ever deleted or rolled back: every step only adds (a topic, a subscription, a
metric filter or an alarm under a name seen free), so stopping halfway leaves the account no
worse, and the next run's search starts from what is there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .account import AwsAccount, AwsCallError
from .plan import CREATE_TOPIC, PUT_METRIC_ALARM, PUT_METRIC_FILTER, SUBSCRIBE, Plan, Step
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
        account.put_metric_filter(step.region, params)
        return f"created metric filter {params['filterName']} on log group {params['logGroupName']}"
    if step.kind == PUT_METRIC_ALARM:
        account.put_metric_alarm(step.region, params)
        return f"created alarm {params['AlarmName']} in {step.region}"
    raise ValueError(f"unknown step {step.kind}")


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
