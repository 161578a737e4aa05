"""One account's evidence as the path search reads it: each answer asked for once.

The search shares what it reads between events (each log group's filters, each filter's
details, each metric's alarms, each region's metric-math alarms and each topic are read once),
and reads more than one account when the chain crosses accounts (an organization trail's log
group, a topic of another account): one reader per account.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from .evidence import (
    AlarmEvidence,
    EvidenceSource,
    FilterSummary,
    Gap,
    LogGroupRef,
    MetricFilterEvidence,
    MetricKey,
    TopicEvidence,
    TrailEvidence,
)

T = TypeVar("T")


class AccountReader:
    """An `EvidenceSource` with every answer memoized for the length of one search."""

    def __init__(self, source: EvidenceSource, other: bool = False) -> None:
        self.source = source
        self.account = source.account
        # another account's gaps say where, so the permission is granted to the right role
        self._where = f"in account {source.account}, " if other else ""
        self._filters: dict[LogGroupRef, list[FilterSummary] | Gap] = {}
        self._details: dict[FilterSummary, MetricFilterEvidence | Gap] = {}
        self._alarms: dict[MetricKey, list[AlarmEvidence] | Gap] = {}
        self._math_alarms: dict[str, list[AlarmEvidence] | Gap] = {}
        self._topics: dict[str, TopicEvidence | Gap] = {}
        self._exists: dict[LogGroupRef, bool | None] = {}
        self._trails: tuple[list[TrailEvidence], list[Gap]] | None = None
        self._read_trails: dict[str, TrailEvidence] = {}

    def trails(self) -> tuple[list[TrailEvidence], list[Gap]]:
        if self._trails is None:
            self._trails = self.source.trails()
        return self._trails

    def filters_on(self, ref: LogGroupRef) -> list[FilterSummary] | Gap:
        if ref not in self._filters:
            self._filters[ref] = self.located(self.source.filters_on(ref))
        return self._filters[ref]

    def filter_details(self, summary: FilterSummary) -> MetricFilterEvidence | Gap:
        if summary not in self._details:
            self._details[summary] = self.located(self.source.filter_details(summary))
        return self._details[summary]

    def alarms_on(self, key: MetricKey) -> list[AlarmEvidence] | Gap:
        if key not in self._alarms:
            self._alarms[key] = self.located(self.source.alarms_on(key))
        return self._alarms[key]

    def math_alarms(self, region: str) -> list[AlarmEvidence] | Gap:
        if region not in self._math_alarms:
            self._math_alarms[region] = self.located(self.source.math_alarms(region))
        return self._math_alarms[region]

    def topic(self, arn: str) -> TopicEvidence | Gap:
        if arn not in self._topics:
            self._topics[arn] = self.located(self.source.topic(arn))
        return self._topics[arn]

    def located(self, answer: T) -> T:
        """The answer, a gap of another account saying which account."""
        if self._where and isinstance(answer, Gap):
            return Gap(self._where + answer.what, answer.permission, answer.region)  # type: ignore[return-value]
        return answer

    def read_trail(self, trail: TrailEvidence) -> TrailEvidence:
        """The account's trail as another account lists it, read where it lives."""
        if trail.arn not in self._read_trails:
            read = self.source.read_trail(trail)
            self._read_trails[trail.arn] = replace(
                read, gaps=tuple(self.located(g) for g in read.gaps)
            )
        return self._read_trails[trail.arn]

    def log_group_exists(self, ref: LogGroupRef) -> bool | None:
        if ref not in self._exists:
            self._exists[ref] = self.source.log_group_exists(ref)
        return self._exists[ref]
