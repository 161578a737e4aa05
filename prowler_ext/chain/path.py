"""The path search: for each event, is there a path from CloudTrail to a person?

    trail → log group → metric filter → metric datapoint → alarm → SNS topic → confirmed subscriber

The search walks the links in that order for every event, sharing what it reads between
events (each log group's filters, each filter's details, each metric's alarms and each topic
are read once). Only candidates are followed: a filter is read in detail only when its
pattern catches the event, an alarm only when it watches a candidate metric, a topic only
when a candidate alarm notifies it. For an event without a path, the failure furthest along
the chain is kept (it is the best lead for a responder), with everything that could not be
seen on the way (gaps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..control import Control
from ..filterpattern import (
    Coverage,
    PatternError,
    RecordCase,
    Verdict,
    cached_coverage,
    misses_the_typical_record,
    ordinary_miss,
    received_by,
)
from . import alarm as alarm_links
from . import topic as topic_links
from . import trail as trail_links
from .evidence import (
    AlarmEvidence,
    Arn,
    EvidenceSource,
    FilterSummary,
    Gap,
    Link,
    LogGroupRef,
    MetricFilterEvidence,
    MetricKey,
    MetricTransformation,
    TrailEvidence,
)
from .reader import AccountReader


@dataclass(frozen=True)
class Resource:
    """A link of the chain as a finding names it."""

    link: int
    name: str
    arn: str
    region: str

    def as_dict(self) -> dict:
        return {
            "link": Link.NAMES[self.link],
            "name": self.name,
            "arn": self.arn,
            "region": self.region,
        }


@dataclass(frozen=True)
class Failure:
    link: int
    sentence: str  # the same for every event it stops, so events can share it
    resource: Resource | None
    detail: str = ""  # what it means for this event, e.g. a counterexample
    pending_subscriptions: int = 0  # a topic that waits only for its owners to confirm


@dataclass
class EventResult:
    event: str
    path: tuple[Resource, ...] = ()
    failure: Failure | None = None
    gaps: list[Gap] = field(default_factory=list)
    confirmed_subscriptions: int = 0

    @property
    def caught(self) -> bool:
        return bool(self.path)

    def fail(self, failure: Failure) -> None:
        if self.failure is None or failure.link > self.failure.link:
            self.failure = failure


@dataclass
class SearchResult:
    events: list[EventResult]
    trails: list[TrailEvidence]
    trail_gaps: list[Gap]
    account: str
    partition: str
    other_accounts: list[str] = field(default_factory=list)  # read through their role


# an alarm judged for one datapoint: its resource, the link at fault, the fault, its topics
_AssessedAlarm = tuple[Resource, int, alarm_links.Finding, list[str]]
# what an alarm's notification meets at a topic: a gap, a failure, or the topic reached and
# its subscriptions that receive it
_TopicOutcome = Gap | Failure | tuple[Resource, int]

_DIMENSION_VALUE = re.compile(r"\$\.(?P<path>[A-Za-z0-9_.\-]+)\Z")


@dataclass
class SharedReads:
    """What searches of one account share, whatever control they are for: each account's
    reader (so every API answer is read once), and the judgement of each alarm for a datapoint
    and of each topic for an alarm's notification. One per account and evaluation."""

    readers: dict[str, AccountReader | Gap] = field(default_factory=dict)
    alarms_judged: dict[tuple, _AssessedAlarm | None] = field(default_factory=dict)
    topics_judged: dict[tuple[str, int], _TopicOutcome] = field(default_factory=dict)


class PathSearch:
    """One search over one account's evidence, for the events of one control.

    The records to catch are the scanned account's own (`received_by`): an organization
    trail's log group holds every member's. When the chain crosses into another account (an
    organization trail of the management account, a topic of another account), the search
    goes on in that account's evidence (`EvidenceSource.account_source`), or records why it
    cannot."""

    def __init__(
        self, source: EvidenceSource, control: Control, shared: SharedReads | None = None
    ) -> None:
        self.source = source
        self.account = source.account
        self.cases: dict[str, RecordCase] = {
            case.name: received_by(case, source.account) for case in control.records
        }
        self.events = control.events
        self.subject = control.subject
        self.event_sources = control.event_sources
        shared = shared or SharedReads()
        own = shared.readers.get(source.account)
        if not isinstance(own, AccountReader):
            own = shared.readers[source.account] = AccountReader(source)
        self._own = own
        self._readers = shared.readers
        self._alarms_judged = shared.alarms_judged
        self._topics_judged = shared.topics_judged
        self._coverage: dict[tuple[str, str], Coverage] = {}  # (pattern, event) -> answer
        self._unreadable: dict[str, PatternError] = {}  # patterns that do not parse
        # the fixed values that set a case apart (not the service, type or category many
        # cases share), to try first the filters whose pattern names them
        self._telling = {
            name: tuple(
                value
                for path, value in case.fixed
                if isinstance(value, str)
                and len(value) > 3
                and path not in (("eventSource",), ("eventType",), ("eventCategory",))
            )
            for name, case in self.cases.items()
        }

    def _reader(self, account: str) -> AccountReader | Gap:
        """The evidence of `account`: the scanned one's, or another's read through its role."""
        if account not in self._readers:
            other = self.source.account_source(account)
            self._readers[account] = (
                other if isinstance(other, Gap) else AccountReader(other, other=True)
            )
        return self._readers[account]

    def other_accounts(self) -> list[str]:
        return [a for a, r in self._readers.items() if a != self.account and not isinstance(r, Gap)]

    # ------------------------------------------------------------------ the search
    def run(self) -> SearchResult:
        trails, trail_gaps = self._own.trails()
        qualifying, trail_failure, trail_gaps_found = self._qualifying_trails(trails)
        results = []
        for event in self.events:
            result = EventResult(event)
            result.gaps.extend(trail_gaps_found)
            if trail_failure is not None:
                result.fail(trail_failure)
            for trail in qualifying:
                if self._walk_trail(trail, result):
                    break
            result.failure = self._located(result.failure)
            results.append(result)
        return SearchResult(
            results,
            trails,
            trail_gaps,
            self.source.account,
            self.source.partition,
            self.other_accounts(),
        )

    def _located(self, failure: Failure | None) -> Failure | None:
        """A failure in another account says which account, so a responder goes there."""
        if failure is None or failure.resource is None:
            return failure
        arn = Arn.parse(failure.resource.arn)
        if arn is None or not arn.account or arn.account == self.account:
            return failure
        return replace(failure, sentence=f"in account {arn.account}, {failure.sentence}")

    def _qualifying_trails(
        self, trails: list[TrailEvidence]
    ) -> tuple[list[TrailEvidence], Failure | None, list[Gap]]:
        qualifying: list[TrailEvidence] = []
        problems: list[str] = []
        gaps: list[Gap] = []
        first_trail: TrailEvidence | None = None
        for trail in trails:
            if trail.account and trail.account != self.account:
                if not (trail.is_multi_region and trail.log_group_arn):
                    continue  # cannot qualify, whatever its account holds
                owner = self._reader(trail.account)
                if isinstance(owner, Gap):
                    gaps.append(
                        Gap(
                            f"trail {trail.name} is an organization trail of account "
                            f"{trail.account}, which holds its log group, filters and alarms: "
                            f"{owner.what}",
                            owner.permission,
                            trail.home_region,
                        )
                    )
                    continue
                trail = owner.read_trail(trail)
            trail_problems, trail_gaps = trail_links.assess(trail, self.event_sources)
            if trail_problems:
                problems.append(trail_problems[0])
                first_trail = first_trail or trail
            elif trail_gaps:
                gaps.extend(trail_gaps)
            else:
                qualifying.append(trail)
        failure = None
        if not qualifying:
            if problems:
                sentence = "no trail qualifies (" + "; ".join(problems) + ")"
            elif self.source.single_region_trails_hidden:
                # some region could not list its trails: only single-region ones can hide there
                sentence = "no multi-region CloudTrail trail exists"
            else:
                sentence = "no CloudTrail trail exists"
            resource = None
            if first_trail is not None and len(problems) == 1:
                resource = Resource(
                    Link.TRAIL, first_trail.name, first_trail.arn, first_trail.home_region
                )
            failure = Failure(Link.TRAIL, sentence, resource)
        return qualifying, failure, gaps

    def _walk_trail(self, trail: TrailEvidence, result: EventResult) -> bool:
        ref = LogGroupRef.from_arn(trail.log_group_arn)
        if ref is None:  # assessed before; kept for type narrowing
            return False
        trail_resource = Resource(Link.TRAIL, trail.name, trail.arn, trail.home_region)
        group_resource = Resource(
            Link.LOG_GROUP,
            ref.name,
            _log_group_arn(ref),
            ref.region,
        )
        reader = self._reader(ref.account)
        if isinstance(reader, Gap):
            result.gaps.append(
                Gap(
                    f"trail {trail.name} delivers to log group {ref.name} in account "
                    f"{ref.account}: {reader.what}",
                    reader.permission,
                    ref.region,
                )
            )
            return False
        summaries = reader.filters_on(ref)
        if isinstance(summaries, Gap):
            result.gaps.append(summaries)
            return False
        if not summaries:
            exists = reader.log_group_exists(ref)
            if exists is False:
                sentence = f"trail {trail.name} delivers to log group {ref}, which does not exist"
            else:
                sentence = f"log group {ref} of trail {trail.name} has no metric filters"
            result.fail(Failure(Link.LOG_GROUP, sentence, group_resource))
            return False
        # Filters whose pattern names the event (`telling`) are tried first: a complete path
        # through one ends the search for the event without proving the others. When none
        # completes a path, everything they left in `result` is undone and the full pass
        # below decides, in the log group's order, as if they had not been tried.
        preferred = [s for s in summaries if self._mentions(s.pattern, result.event)]
        if preferred and len(preferred) < len(summaries):
            failure, gaps = result.failure, list(result.gaps)
            for summary in preferred:
                answer = self._answer(summary.pattern, result.event)
                if isinstance(answer, PatternError) or answer.verdict is not Verdict.CAUGHT:
                    continue
                if self._walk_filter(
                    reader, ref, summary, (trail_resource, group_resource), result
                ):
                    return True
            result.failure, result.gaps = failure, gaps
        # Filters are tried in the log group's order, each walked as soon as its pattern
        # catches the event: the first complete path ends the search for the event, so the
        # patterns after it need no proof. What could not be seen is reported in the order
        # of a full pass: the patterns' doubts first, then what the walks met.
        pattern_gaps: list[Gap] = []
        walk_gaps: list[Gap] = []
        missed: list[FilterSummary] = []
        caught = False
        for summary in summaries:
            answer = self._answer(summary.pattern, result.event)
            if isinstance(answer, PatternError):
                pattern_gaps.append(
                    Gap(
                        f"metric filter {summary.name} on log group {ref} has a pattern the "
                        f"engine cannot read ({answer.message} at character {answer.position})",
                        None,
                        ref.region,
                    )
                )
            elif answer.verdict is Verdict.CAUGHT:
                caught = True
                before = len(result.gaps)
                ends = (trail_resource, group_resource)
                found = self._walk_filter(reader, ref, summary, ends, result)
                walk_gaps.extend(result.gaps[before:])
                del result.gaps[before:]
                if found:
                    return True
            elif answer.verdict is Verdict.UNKNOWN:
                pattern_gaps.append(
                    Gap(
                        f"metric filter {summary.name} on log group {ref}: {answer.reason}",
                        None,
                        ref.region,
                    )
                )
            else:
                missed.append(summary)
        result.gaps.extend(pattern_gaps + walk_gaps)
        if not caught and missed:
            self._fail_at_filters(ref, len(summaries), missed, result)
        return False

    def _walk_filter(
        self,
        reader: AccountReader,
        ref: LogGroupRef,
        summary: FilterSummary,
        ends: tuple[Resource, Resource],
        result: EventResult,
    ) -> bool:
        """Walk one catching filter: its details, then each metric it publishes. `ends` are
        the trail's and the log group's resources, the path's first two links."""
        details = reader.filter_details(summary)
        if isinstance(details, Gap):
            result.gaps.append(details)
            return False
        filter_resource = Resource(
            Link.METRIC_FILTER,
            details.name,
            _log_group_arn(ref),  # AWS gives a metric filter no ARN: its log group's
            details.region,
        )
        prefix = (*ends, filter_resource)
        for transformation in details.transformations:
            if self._walk_metric(reader, details, transformation, prefix, result):
                return True
        return False

    def _fail_at_filters(
        self,
        ref: LogGroupRef,
        count: int,
        missed: list[FilterSummary],
        result: EventResult,
    ) -> None:
        """No filter catches the event: the failure names the one that covers most events,
        and why it misses this one (its proof, made here for that filter only)."""
        scored = [(self._events_covered(s.pattern), s) for s in missed]
        covered, summary = max(scored, key=lambda item: item[0])  # the first such
        reason = cached_coverage(summary.pattern, self.cases[result.event]).reason
        if covered:
            sentence = (
                f"metric filter {summary.name} on log group {ref} covers {covered} of "
                f"{len(self.events)} events"
            )
        elif count == 1:
            sentence = (
                f"metric filter {summary.name} on log group {ref} catches no {self.subject} event"
            )
        else:
            sentence = (
                f"none of the {count} metric filters on log group {ref} catches "
                f"{self.subject} events"
            )
        result.fail(
            Failure(
                Link.METRIC_FILTER,
                sentence,
                Resource(Link.METRIC_FILTER, summary.name, _log_group_arn(ref), ref.region),
                detail=f"{summary.name}: {reason}",
            )
        )

    def _mentions(self, pattern: str, event: str) -> bool:
        """Does the pattern's text name one of the event's telling values (its name, a root
        identity, an error message)? Only an order of trial: never a verdict."""
        return any(value in pattern for value in self._telling[event])

    def _answer(self, pattern: str, event: str) -> Coverage | PatternError:
        """The pattern's verdict for one event, settled once per search (a pattern may stand
        on many filters) and only when asked: a path found ends the questions for the event.
        A pattern that surely misses an ordinary record of the event is MISSED without a
        proof (the reason a sentence gives is `cached_coverage`'s, for the filter it names)."""
        if pattern in self._unreadable:
            return self._unreadable[pattern]
        key = (pattern, event)
        if key not in self._coverage:
            case = self.cases[event]
            try:
                if misses_the_typical_record(pattern, case):
                    answer = Coverage(Verdict.MISSED, ordinary_miss(event), event_name=event)
                    self._coverage[key] = answer
                else:
                    self._coverage[key] = cached_coverage(pattern, case)
            except PatternError as error:
                self._unreadable[pattern] = error
                return error
        return self._coverage[key]

    def _events_covered(self, pattern: str) -> int:
        count = 0
        for event in self.cases:
            answer = self._answer(pattern, event)
            if isinstance(answer, PatternError):
                return 0
            count += answer.verdict is Verdict.CAUGHT
        return count

    def _walk_metric(
        self,
        reader: AccountReader,
        details: MetricFilterEvidence,
        transformation: MetricTransformation,
        prefix: tuple[Resource, ...],
        result: EventResult,
    ) -> bool:
        filter_resource = prefix[-1]
        value = _datapoint_value(transformation.value)
        if value is None:
            result.gaps.append(
                Gap(
                    f"metric filter {details.name} publishes the value {transformation.value!r}, "
                    + (
                        "taken from the record, which the check cannot know"
                        if transformation.value.strip().startswith("$")
                        else "which the check cannot read as a number"
                    ),
                    None,
                    details.region,
                )
            )
            return False
        if value <= 0:
            result.fail(
                Failure(
                    Link.METRIC,
                    f"metric filter {details.name} publishes {transformation.value!r}, "
                    "a value that never raises an alarm",
                    filter_resource,
                )
            )
            return False
        dimensions = self._dimensions_for(transformation, result.event)
        if isinstance(dimensions, str):
            result.fail(
                Failure(
                    Link.METRIC,
                    f"metric filter {details.name} publishes dimension {dimensions} taken from a "
                    "field whose value differs between records of one event, so no alarm sees "
                    "every event",
                    filter_resource,
                )
            )
            return False
        key = MetricKey(
            details.region, transformation.namespace, transformation.metric_name, dimensions
        )
        alarms = reader.alarms_on(key)
        if isinstance(alarms, Gap):
            result.gaps.append(alarms)
            return False
        if self._walk_alarms(alarms, key, value, transformation, prefix, result):
            return True
        math_alarms = reader.math_alarms(details.region)
        if isinstance(math_alarms, Gap):
            result.gaps.append(math_alarms)
            return False
        if self._walk_alarms(math_alarms, key, value, transformation, prefix, result):
            return True
        if not alarms:
            result.fail(
                Failure(
                    Link.ALARM,
                    f"no alarm watches metric {key} of metric filter {details.name} "
                    f"in {details.region}",
                    filter_resource,
                )
            )
        return False

    def _dimensions_for(
        self, transformation: MetricTransformation, event: str
    ) -> tuple[tuple[str, str], ...] | str:
        """The datapoint's dimensions for this event, or the dimension no alarm can pin down."""
        known = self.cases[event].top_level()
        resolved = []
        for name, source in transformation.dimensions:
            match = _DIMENSION_VALUE.match(source)
            if (
                match
                and "." not in match.group("path")
                and isinstance(known.get(match.group("path")), str)
            ):
                resolved.append((name, known[match.group("path")]))
            else:
                return f"{name}={source}"
        return tuple(sorted(resolved))

    def _walk_alarms(
        self,
        alarms: list[AlarmEvidence],
        key: MetricKey,
        value: float,
        transformation: MetricTransformation,
        prefix: tuple[Resource, ...],
        result: EventResult,
    ) -> bool:
        for alarm in alarms:
            assessed = self._assessed_alarm(alarm, key, value, transformation)
            if assessed is None:
                continue
            alarm_resource, link, problem, topics = assessed
            if self._record(problem, link, alarm_resource, result):
                continue
            for topic_arn in topics:
                if self._walk_topic(topic_arn, alarm, prefix + (alarm_resource,), result):
                    return True
        return False

    def _assessed_alarm(
        self,
        alarm: AlarmEvidence,
        key: MetricKey,
        value: float,
        transformation: MetricTransformation,
    ) -> _AssessedAlarm | None:
        """The alarm's own links for one datapoint (None when it is about another metric):
        the same for every event that publishes it, so judged once per search."""
        memo_key = (id(alarm), key, value, transformation)
        if memo_key in self._alarms_judged:
            return self._alarms_judged[memo_key]
        assessed = None
        if alarm_links.concerns(alarm, key):
            resource = Resource(Link.ALARM, alarm.name, alarm.arn, alarm.region)
            problem = alarm_links.notifies_on_one_event(alarm, key, transformation, value)
            topics: list[str] = []
            link = Link.ALARM
            if problem is None:
                topics, problem = alarm_links.sns_topics(alarm)
                link = Link.ALARM_ACTIONS
            assessed = (resource, link, problem, topics)
        # the alarm object is kept by its account's reader for the whole search: its id stays
        self._alarms_judged[memo_key] = assessed
        return assessed

    def _walk_topic(
        self,
        topic_arn: str,
        alarm: AlarmEvidence,
        prefix: tuple[Resource, ...],
        result: EventResult,
    ) -> bool:
        outcome = self._topic_outcome(topic_arn, alarm)
        if isinstance(outcome, Gap):
            result.gaps.append(outcome)
            return False
        if isinstance(outcome, Failure):
            result.fail(outcome)
            return False
        topic_resource, confirmed = outcome
        result.path = prefix + (topic_resource,)
        result.confirmed_subscriptions = confirmed
        return True

    def _topic_outcome(self, topic_arn: str, alarm: AlarmEvidence) -> _TopicOutcome:
        """What the alarm's notification meets at the topic: the same for every event, so
        judged once per (topic, alarm) in a search."""
        memo_key = (topic_arn, id(alarm))
        if memo_key not in self._topics_judged:
            self._topics_judged[memo_key] = self._judge_topic(topic_arn, alarm)
        return self._topics_judged[memo_key]

    def _judge_topic(self, topic_arn: str, alarm: AlarmEvidence) -> _TopicOutcome:
        topic_arn_parts = topic_arn.split(":")
        topic_name = topic_arn_parts[-1]
        topic_region = topic_arn_parts[3] if len(topic_arn_parts) > 3 else ""
        topic_resource = Resource(Link.TOPIC, topic_name, topic_arn, topic_region)
        account = topic_arn_parts[4] if len(topic_arn_parts) > 4 else ""
        reader = self._reader(account) if account else Gap("its ARN names no account")
        if isinstance(reader, Gap):
            return Gap(
                f"alarm {alarm.name} notifies SNS topic {topic_arn} in account {account}, "
                f"whose subscriptions the check cannot see: {reader.what}",
                reader.permission,
                topic_region,
            )
        topic = reader.topic(topic_arn)
        if isinstance(topic, Gap):
            return topic
        if not topic.exists:
            return Failure(
                Link.TOPIC,
                f"alarm {alarm.name} notifies SNS topic {topic_name}, which does not exist",
                topic_resource,
            )
        if topic.unusable_key:
            return Failure(
                Link.TOPIC,
                f"alarm {alarm.name} notifies SNS topic {topic_name}, which is encrypted with "
                f"{topic.unusable_key}",
                topic_resource,
            )
        alarm_arn = Arn.parse(alarm.arn)
        alarm_account = alarm_arn.account if alarm_arn and alarm_arn.account else account
        refused = topic_links.publish_problem(
            topic.policy,
            topic_links.PublishRequest(topic.arn, alarm_account, alarm.arn),
            topic_name,
        )
        if isinstance(refused, Gap):
            return refused
        if refused is not None:
            return Failure(Link.TOPIC, refused, topic_resource)
        if topic.confirmed and topic.subscriptions:
            notification = topic_links.AlarmNotification(alarm.name, alarm.arn, alarm_account)
            verdicts = [topic_links.receives(s, notification) for s in topic.subscriptions]
            receiving = sum(1 for v in verdicts if v is None)
            if not receiving:
                gaps = [v for v in verdicts if isinstance(v, Gap)]
                if gaps:
                    return gaps[0]
                reason = next(v for v in verdicts if isinstance(v, str))
                many = len(verdicts) > 1
                return Failure(
                    Link.SUBSCRIPTION,
                    f"alarm {alarm.name} notifies SNS topic {topic_name}, whose "
                    f"{len(verdicts)} confirmed subscription{'s' if many else ''} "
                    f"receive{'' if many else 's'} no alarm notification ({reason})",
                    topic_resource,
                )
            topic = replace(topic, confirmed=receiving)
        if topic.confirmed == 0:
            pending = f" ({topic.pending} pending)" if topic.pending else ""
            return Failure(
                Link.SUBSCRIPTION,
                f"alarm {alarm.name} notifies SNS topic {topic_name}, which has no confirmed "
                f"subscription{pending}",
                topic_resource,
                pending_subscriptions=topic.pending,
            )
        return topic_resource, topic.confirmed

    @staticmethod
    def _record(problem, link: int, resource: Resource, result: EventResult) -> bool:
        if problem is None:
            return False
        if isinstance(problem, Gap):
            result.gaps.append(problem)
        else:
            result.fail(Failure(link, problem, resource))
        return True


def _datapoint_value(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if value == value else None  # NaN is unknown


def _log_group_arn(ref: LogGroupRef) -> str:
    return f"arn:{ref.partition}:logs:{ref.region}:{ref.account}:log-group:{ref.name}"
