"""What a repair plan is made of: its steps, the options weighed for it, and what every part
of the planning reads (`PlanContext`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..chain.evidence import (
    AlarmEvidence,
    EvidenceSource,
    Gap,
    MetricFilterEvidence,
    MetricKey,
    MetricTransformation,
)
from ..chain.path import EventResult, SearchResult
from ..control import Control
from .account import AwsAccount
from .service_calls import TopicState
from .settings import FixerSettings, Subscription

CREATE_TOPIC = "create_topic"
SUBSCRIBE = "subscribe"
PUT_METRIC_FILTER = "put_metric_filter"
PUT_METRIC_ALARM = "put_metric_alarm"

ALARM_PERIOD = 300
# The alarm the fixer creates: one event in a period of ALARM_PERIOD seconds fires it.
NEW_ALARM = {
    "Statistic": "Sum",
    "Period": ALARM_PERIOD,
    "EvaluationPeriods": 1,
    "DatapointsToAlarm": 1,
    "Threshold": 1.0,
    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    "TreatMissingData": "notBreaching",
}


@dataclass
class Step:
    kind: str
    region: str
    target: str  # the name or ARN the step creates
    summary: str
    params: dict


@dataclass
class Plan:
    events: tuple[str, ...] = ()  # the events the plan repairs
    total: int = 0  # how many events the control has
    subject: str = ""
    finding: str = ""  # the check's sentence about them
    route: str = ""  # trail -> log group the repair hangs on
    reuse: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    awaiting: tuple[str, ...] = ()  # subscriptions the path will wait on
    complete: bool = False  # every event already reaches a confirmed subscriber
    # another account's plan (an organization trail's owner): printed, never applied
    account: str = ""


class BlockedError(Exception):
    """Planning cannot go on safely; the message says why."""


@dataclass
class FilterChoice:
    evidence: MetricFilterEvidence | None  # None: a filter to create
    transformation: MetricTransformation | None
    metric: MetricKey
    value: float = 1.0

    @property
    def name(self) -> str:
        return self.evidence.name if self.evidence else ""


@dataclass
class TopicChoice:
    arn: str
    state: TopicState | None  # None: a topic to create
    why: str  # why this topic is a candidate
    problem: str | None = None

    @property
    def name(self) -> str:
        return self.arn.rsplit(":", 1)[-1]


@dataclass
class Option:
    filter: FilterChoice
    alarm: AlarmEvidence | None  # an alarm to reuse; None: create one
    topic: TopicChoice | None
    subscribe: tuple[Subscription, ...] = ()
    awaits: tuple[str, ...] = ()
    problem: str | None = None
    order: int = 0

    @property
    def changes(self) -> int:
        return (
            (self.filter.evidence is None)
            + (self.topic is not None and self.topic.state is None)
            + len(self.subscribe)
            + (self.alarm is None)
        )


@dataclass
class PlanContext:
    """What the planning reads (the search, the evidence, the fixer's settings, the account,
    the control), and the notes it collects for the user."""

    result: SearchResult
    source: EvidenceSource
    settings: FixerSettings
    account: AwsAccount
    control: Control
    missing: list[EventResult]  # the events that reach nobody
    notes: list[str] = field(default_factory=list)


class PlanPart:
    """A part of the planning: reads the shared `PlanContext`, adds to its notes."""

    def __init__(self, context: PlanContext) -> None:
        self.context = context
        self.result = context.result
        self.source = context.source
        self.settings = context.settings
        self.account = context.account
        self.control = context.control
        self.missing = context.missing
        self.notes = context.notes


def seen(answer):
    """An evidence answer, or `BlockedError` when the source could not see it."""
    if isinstance(answer, Gap):
        raise BlockedError(f"{gap_text(answer)}; the fixer changes nothing it cannot see")
    return answer


def gap_text(gap: Gap) -> str:
    return gap.what + (f" (needs {gap.permission})" if gap.permission else "")


def events_text(events: tuple[str, ...], total: int, subject: str) -> str:
    """ "all 6 network gateway events", or the events by name ("root account usage" for a
    control whose records are one class)."""
    if len(events) == total and total > 1:
        return f"all {total} {subject} events"
    return ", ".join(events)
