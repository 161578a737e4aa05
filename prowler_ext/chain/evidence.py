"""Evidence: plain data about each link of the chain, as read from AWS.

Nothing here calls AWS. `prowler_ext.prowler_source` fills these from Prowler's service
clients (and a few targeted calls); the path search in `chain.path` reads only these.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: str | None) -> Arn | None:
        if not isinstance(text, str):
            return None
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return None
        return cls(parts[1], parts[2], parts[3], parts[4], parts[5])


@dataclass(frozen=True)
class Gap:
    """Something the check needed and could not see. Any gap on an open path means MANUAL."""

    what: str  # a sentence fragment: "logs:DescribeMetricFilters was denied in eu-west-1"
    permission: str | None = None
    region: str | None = None


class Link:
    """Links of the chain, in order; a failure further along is a better lead for a responder."""

    TRAIL = 0
    LOG_GROUP = 1
    METRIC_FILTER = 2
    METRIC = 3
    ALARM = 4
    ALARM_ACTIONS = 5
    TOPIC = 6
    SUBSCRIPTION = 7

    NAMES = (
        "trail",
        "log group",
        "metric filter",
        "metric",
        "alarm",
        "alarm actions",
        "SNS topic",
        "subscription",
    )


@dataclass(frozen=True)
class LogGroupRef:
    """The exact log group a trail delivers to: same partition, account, region and name."""

    partition: str
    region: str
    account: str
    name: str

    @classmethod
    def from_arn(cls, text: str | None) -> LogGroupRef | None:
        arn = Arn.parse(text)
        if arn is None or arn.service != "logs" or not arn.resource.startswith("log-group:"):
            return None
        name = arn.resource[len("log-group:") :]
        if name.endswith(":*"):
            name = name[:-2]
        if not name or not arn.region or not arn.account:
            return None
        return cls(arn.partition, arn.region, arn.account, name)

    def __str__(self) -> str:
        return f"{self.name} ({self.region})"


@dataclass(frozen=True)
class TrailEvidence:
    name: str
    arn: str
    home_region: str
    is_multi_region: bool
    log_group_arn: str | None
    is_logging: bool | None  # None: the status could not be read
    delivery_error: str | None = None
    classic_selectors: tuple[dict, ...] = ()
    advanced_selectors: tuple[dict, ...] = ()
    selectors_read: bool = True  # False: GetEventSelectors failed
    gaps: tuple[Gap, ...] = ()

    @property
    def account(self) -> str:
        arn = Arn.parse(self.arn)
        return arn.account if arn else ""


@dataclass(frozen=True)
class FilterSummary:
    """A metric filter as listed: enough to decide whether it is a candidate."""

    name: str
    region: str
    log_group_name: str
    pattern: str


@dataclass(frozen=True)
class MetricTransformation:
    metric_name: str
    namespace: str
    value: str
    dimensions: tuple[tuple[str, str], ...] = ()
    unit: str | None = None
    # published for every log event the pattern does not match; None: nothing is published
    default_value: float | None = None


@dataclass(frozen=True)
class MetricFilterEvidence:
    name: str
    region: str
    log_group_name: str
    pattern: str
    transformations: tuple[MetricTransformation, ...]


@dataclass(frozen=True)
class MetricKey:
    """A CloudWatch metric: an alarm must watch exactly this, dimensions included."""

    region: str
    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        dims = ""
        if self.dimensions:
            dims = " {" + ", ".join(f"{k}={v}" for k, v in self.dimensions) + "}"
        return f"{self.namespace}/{self.name}{dims}"


@dataclass(frozen=True)
class AlarmEvidence:
    name: str
    arn: str
    region: str
    namespace: str | None
    metric_name: str | None
    dimensions: tuple[tuple[str, str], ...]
    statistic: str | None
    extended_statistic: str | None
    threshold: float | None
    comparison: str | None
    evaluation_periods: int | None
    datapoints_to_alarm: int | None
    actions_enabled: bool
    alarm_actions: tuple[str, ...]
    unit: str | None = None
    metrics: tuple[dict, ...] = ()  # metric math: the MetricDataQueries
    treat_missing_data: str | None = None  # None: AWS's default, missing


@dataclass(frozen=True)
class SubscriptionEvidence:
    """A confirmed subscription and what decides which messages it receives."""

    arn: str
    filter_policy: str | None = None  # JSON text; None: every message
    filter_policy_scope: str | None = None  # MessageAttributes (AWS's default) or MessageBody
    unread: Gap | None = None  # its attributes could not be read


@dataclass(frozen=True)
class TopicEvidence:
    arn: str
    exists: bool
    confirmed: int = 0
    pending: int = 0
    # why CloudWatch cannot publish to it (its KMS key), or None
    unusable_key: str | None = None
    policy: str | None = None  # the access policy document (JSON); None: not read
    subscriptions: tuple[SubscriptionEvidence, ...] = ()  # the confirmed ones


@dataclass
class SourceStats:
    """What the evidence source had to ask AWS for, beyond Prowler's inventories."""

    calls: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, operation: str) -> None:
        """One more call (from any thread: independent calls run in parallel)."""
        with self._lock:
            self.calls[operation] = self.calls.get(operation, 0) + 1


class EvidenceSource(Protocol):
    """Where the path search reads the account from. Each answer is evidence or a Gap."""

    account: str
    partition: str
    stats: SourceStats
    # some audited region could not list its trails: a multi-region trail shows in every
    # region it records, so only single-region trails can hide there
    single_region_trails_hidden: bool

    def trails(self) -> tuple[list[TrailEvidence], list[Gap]]: ...

    def log_group_exists(self, ref: LogGroupRef) -> bool | None: ...

    def filters_on(self, ref: LogGroupRef) -> list[FilterSummary] | Gap: ...

    def filter_details(self, summary: FilterSummary) -> MetricFilterEvidence | Gap: ...

    def alarms_on(self, metric: MetricKey) -> list[AlarmEvidence] | Gap: ...

    def math_alarms(self, region: str) -> list[AlarmEvidence] | Gap: ...

    def topic(self, arn: str) -> TopicEvidence | Gap: ...

    def key_problem(self, key: str, region: str, what: str) -> str | None | Gap:
        """Why CloudWatch alarms cannot publish to a topic encrypted with `key`, or None."""
        ...

    def account_source(self, account: str) -> EvidenceSource | Gap:
        """The evidence of another account the chain crosses into, or why it cannot be read."""
        ...

    def read_trail(self, trail: TrailEvidence) -> TrailEvidence:
        """This account's trail as another account lists it, read where it lives."""
        ...
