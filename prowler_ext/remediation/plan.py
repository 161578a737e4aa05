"""From the path search to a repair plan: reuse what qualifies, create only what is missing.

The plan follows the check's own engine: the same search over the same evidence decides which
events reach nobody; metric filters are judged with `filterpattern` coverage proofs, alarms with the
predicates of `chain.alarm`. On the log group of the first qualifying trail, every way to
complete the chain is weighed:

    metric filter  an existing one that catches every uncovered event and publishes a positive
                   dimensionless value, or a new one with the benchmark's pattern;
    alarm          an existing alarm on that metric that fires on one event and notifies an SNS
                   topic (never edited: at most its topic gets a subscription), or a new one;
    topic          for a new alarm: TopicArn when configured; else a topic with a confirmed
                   subscriber that already notifies the caught events or another alarm on the
                   metric; else TopicName (reused when it exists, created otherwise);
    subscription   the configured ones, only on a topic without a confirmed subscriber, and not
                   again when an identical one is pending.

The cheapest option wins: first one that needs nobody to confirm a subscription, then the
fewest changes, then the one found first (reuse before creation). A second run re-runs the
search, finds the completed path or the pending subscription, and plans nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..chain import alarm as alarm_links
from ..chain import topic as topic_links
from ..chain import trail as trail_links
from ..chain.evidence import (
    AlarmEvidence,
    EvidenceSource,
    Gap,
    Link,
    LogGroupRef,
    MetricFilterEvidence,
    MetricKey,
    MetricTransformation,
    TopicEvidence,
    TrailEvidence,
)
from ..chain.path import SearchResult
from ..chain.verdict import decide
from ..control import Control
from ..filterpattern import PatternError, Verdict, cached_coverage
from .account import AwsAccount, AwsCallError, TopicState
from .names import (
    ALARM_NAME_MAX,
    FILTER_NAME_MAX,
    METRIC_NAME_MAX,
    TOPIC_NAME_MAX,
    NoFreeNameError,
    free_name,
)
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
SUBSCRIPTIONS_EXAMPLE = "Subscriptions: [{Protocol: email, Endpoint: secops@example.com}]"


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


class Planner:
    def __init__(
        self,
        result: SearchResult,
        source: EvidenceSource,
        settings: FixerSettings,
        account: AwsAccount,
        control: Control,
    ):
        self.result = result
        self.source = source
        self.settings = settings
        self.account = account
        self.control = control
        self.missing = [r for r in result.events if not r.caught]
        self._named_topics: dict[str, TopicChoice] = {}
        self._key_checked: dict[str, str | None] = {}
        self._topic_problems: dict[tuple[str, str], str | None] = {}
        self._topic_evidence: dict[str, TopicEvidence | Gap] = {}
        self._notes: list[str] = []

    # ------------------------------------------------------------------ entry
    def plan(self) -> Plan:
        plan = Plan(total=len(self.control.events), subject=self.control.subject)
        if not self.missing:
            plan.complete = True
            return plan
        plan.events = tuple(r.event for r in self.missing)
        plan.finding = decide(self.result, self.control.subject).sentence
        try:
            self._plan(plan)
        except BlockedError as reason:
            plan.blocked.append(str(reason))
        except AwsCallError as error:
            plan.blocked.append(f"could not read what the repair depends on: {error.sentence}")
        except NoFreeNameError as error:
            plan.blocked.append(str(error))
        plan.notes.extend(n for n in self._notes if n not in plan.notes)
        return plan

    def _plan(self, plan: Plan) -> None:
        undecided = [r for r in self.missing if r.gaps or self.result.trail_gaps]
        if len(undecided) == len(self.missing):
            gap = (self.result.trail_gaps + [g for r in undecided for g in r.gaps])[0]
            raise BlockedError(
                f"whether the events reach a person cannot be told ({_gap_text(gap)}); the "
                "fixer changes nothing it cannot see"
            )
        for result in undecided:
            gap = (result.gaps or self.result.trail_gaps)[0]
            self._notes.append(f"{result.event} could not be checked ({_gap_text(gap)})")
        trail = self._qualifying_trail()
        ref = LogGroupRef.from_arn(trail.log_group_arn)
        if ref is None:  # a qualifying trail has a readable ARN; kept for type narrowing
            raise BlockedError(f"trail {trail.name} has an unreadable log group ARN")
        plan.route = f"trail {trail.name} -> log group {ref}"
        self._check_log_group(trail, ref)
        options = []
        for choice in self._filter_choices(ref):
            options.extend(self._options(choice))
        for order, option in enumerate(options):
            option.order = order
        feasible = [o for o in options if o.problem is None]
        if not feasible:
            problems = list(dict.fromkeys(o.problem for o in options if o.problem))
            raise BlockedError("; ".join(problems))
        best = min(feasible, key=lambda o: (bool(o.awaits), o.changes, o.order))
        self._describe(best, ref, plan)

    # ------------------------------------------------------------------ trail and log group
    def _qualifying_trail(self) -> TrailEvidence:
        account = self.result.account
        for trail in self.result.trails:
            if trail.account and trail.account != account:
                continue
            problems, gaps = trail_links.assess(trail, self.control.event_sources)
            if not problems and not gaps:
                return trail
        failure = next(
            (r.failure for r in self.missing if r.failure and r.failure.link == Link.TRAIL), None
        )
        reason = failure.sentence if failure else "no trail qualifies"
        raise BlockedError(
            f"{reason}. The fixer does not create or change trails: Prowler's "
            "cloudtrail_multi_region_enabled fixer creates a multi-region trail "
            "(prowler aws --checks cloudtrail_multi_region_enabled --fixer), and the README "
            "lists the steps to make a trail qualify (logging, all management events, "
            "CloudWatch Logs delivery)"
        )

    def _check_log_group(self, trail: TrailEvidence, ref: LogGroupRef) -> None:
        if ref.account != self.result.account:
            raise BlockedError(
                f"trail {trail.name} delivers to log group {ref.name} in account {ref.account}; "
                "the fixer only changes the audited account"
            )
        if not self.account.audits(ref.region):
            raise BlockedError(
                f"log group {ref} is in {ref.region}, a region this scan does not audit "
                f"(add -f {ref.region})"
            )
        if self.source.log_group_exists(ref) is False:
            raise BlockedError(
                f"trail {trail.name} delivers to log group {ref}, which does not exist; the "
                "fixer does not create or change trails or their delivery (see the README)"
            )

    # ------------------------------------------------------------------ metric filters
    def _filter_choices(self, ref: LogGroupRef) -> list[FilterChoice]:
        summaries = _seen(self.source.filters_on(ref))
        choices = []
        for summary in summaries:
            if not self._catches_all(summary.pattern):
                continue
            details = _seen(self.source.filter_details(summary))
            for transformation in details.transformations:
                value = _positive(transformation.value)
                if value is None or transformation.dimensions:
                    continue
                metric = MetricKey(ref.region, transformation.namespace, transformation.metric_name)
                choices.append(FilterChoice(details, transformation, metric, value))
        new = MetricKey(ref.region, self.settings.metric_namespace, self.settings.metric_name)
        choices.append(FilterChoice(None, None, new))
        return choices

    def _catches_all(self, pattern: str) -> bool:
        try:
            return all(
                cached_coverage(pattern, self.control.case(r.event)).verdict is Verdict.CAUGHT
                for r in self.missing
            )
        except PatternError:
            return False

    # ------------------------------------------------------------------ options
    def _options(self, choice: FilterChoice) -> list[Option]:
        options: list[Option] = []
        alarms = [] if choice.evidence is None else _seen(self.source.alarms_on(choice.metric))
        good: list[tuple[AlarmEvidence, list[str]]] = []
        others: list[AlarmEvidence] = []
        for alarm in alarms:
            if not alarm_links.concerns(alarm, choice.metric):
                continue
            if self._fires(alarm, choice):
                topics, problem = alarm_links.sns_topics(alarm)
                if problem is None:
                    good.append((alarm, topics))
                    continue
            others.append(alarm)
        notified: set[str] = set()
        for alarm, topics in good:
            for arn in topics:
                notified.add(arn)
                options.append(self._reuse_alarm(choice, alarm, arn))
        for topic in self._topic_candidates(choice.metric.region, others):
            if topic.arn not in notified:
                options.append(self._new_alarm(choice, topic))
        return options

    def _fires(self, alarm: AlarmEvidence, choice: FilterChoice) -> bool:
        transformation = choice.transformation or MetricTransformation(
            choice.metric.name, choice.metric.namespace, "1"
        )
        problem = alarm_links.notifies_on_one_event(
            alarm, choice.metric, transformation, choice.value
        )
        return problem is None

    def _reuse_alarm(self, choice: FilterChoice, alarm: AlarmEvidence, arn: str) -> Option:
        parts = arn.split(":")
        topic = TopicChoice(arn, None, f"notified by alarm {alarm.name}")
        option = Option(choice, alarm, topic)
        if parts[4] != self.result.account:
            option.problem = (
                f"alarm {alarm.name} notifies SNS topic {arn} of account {parts[4]}, whose "
                "subscriptions the fixer cannot change"
            )
            return option
        topic.state = self.account.topic(arn)
        if topic.state is None:
            option.problem = (
                f"alarm {alarm.name} notifies SNS topic {topic.name}, which does not exist (the "
                "fixer does not edit your alarms)"
            )
            return option
        unusable = self._unusable_topic(arn, alarm.arn)
        if unusable:
            option.problem = f"alarm {alarm.name} notifies SNS topic {topic.name}, which {unusable}"
            return option
        option.subscribe, option.awaits, option.problem = self._subscriptions(topic, alarm.arn)
        return option

    def _new_alarm(self, choice: FilterChoice, topic: TopicChoice) -> Option:
        option = Option(choice, None, topic, problem=topic.problem)
        if option.problem:
            return option
        if choice.transformation is not None:  # a filter of the account: judge the new alarm
            planned = _planned_alarm(choice.metric, topic.arn, self.settings.alarm_name)
            problem = alarm_links.notifies_on_one_event(
                planned, choice.metric, choice.transformation, choice.value
            )
            if problem:
                option.problem = f"metric filter {choice.name} cannot serve a new alarm: {problem}"
                return option
        option.subscribe, option.awaits, option.problem = self._subscriptions(topic)
        if topic.state is None and option.problem is None:
            option.problem = self._key_problem(choice.metric.region)
        return option

    def _subscriptions(
        self, topic: TopicChoice, alarm_arn: str | None = None
    ) -> tuple[tuple[Subscription, ...], tuple[str, ...], str | None]:
        """What to subscribe, what the path will wait on, or why the topic reaches nobody."""
        state = topic.state
        if state is not None and state.confirmed and self._receiving(topic.arn, alarm_arn):
            return (), (), None
        pending = {_key(s.protocol, s.endpoint) for s in state.pending} if state else set()
        configured = self.settings.subscriptions
        if not configured:
            if state is None:
                problem = (
                    f"creating SNS topic {topic.name} would be useless without a subscriber: "
                    f"add {SUBSCRIPTIONS_EXAMPLE} to the fixer config"
                )
            else:
                waiting = f" ({len(state.pending)} pending)" if state.pending else ""
                problem = (
                    f"SNS topic {topic.name} ({topic.why}) has no confirmed subscription"
                    f"{waiting}: confirm one, or add {SUBSCRIPTIONS_EXAMPLE} to the fixer config"
                )
            return (), (), problem
        new = tuple(s for s in configured if _key(s.protocol, s.endpoint) not in pending)
        if any(s.self_confirming for s in new):
            return new, (), None
        return new, tuple(str(s) for s in configured), None

    def _key_problem(self, region: str) -> str | None:
        """Why a new topic encrypted with the configured KmsMasterKeyId would notify nobody:
        the check's own key rule (AWS managed keys; a key policy without CloudWatch)."""
        key = self.settings.kms_master_key_id
        if not key:
            return None
        if region not in self._key_checked:
            problem = self.source.key_problem(key, region, "the topic the fixer would create")
            if isinstance(problem, Gap):
                self._key_checked[region] = (
                    f"KmsMasterKeyId {key} could not be checked ({problem.what}"
                    f"{f'; needs {problem.permission}' if problem.permission else ''}); the fixer "
                    "does not create a topic CloudWatch might not be able to publish to"
                )
            elif problem:
                self._key_checked[region] = (
                    f"KmsMasterKeyId {key} is {problem}: give a customer managed key whose "
                    "policy allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*"
                )
            else:
                self._key_checked[region] = None
        return self._key_checked[region]

    def _receiving(self, arn: str, alarm_arn: str | None = None) -> bool:
        """Does a confirmed subscription of the topic receive the alarm's notification (the
        check's filter-policy rule)? False also when that could not be read."""
        evidence = self._topic(arn)
        if isinstance(evidence, Gap) or not evidence.exists:
            return False
        if not evidence.subscriptions:
            return evidence.confirmed > 0
        notification = topic_links.AlarmNotification(
            (alarm_arn or self._alarm_arn(arn)).rsplit(":", 1)[-1],
            alarm_arn or self._alarm_arn(arn),
            self.result.account,
        )
        return any(topic_links.receives(s, notification) is None for s in evidence.subscriptions)

    def _topic(self, arn: str) -> TopicEvidence | Gap:
        if arn not in self._topic_evidence:  # one read per topic, whatever the alarms
            self._topic_evidence[arn] = self.source.topic(arn)
        return self._topic_evidence[arn]

    def _alarm_arn(self, topic_arn: str) -> str:
        """The ARN of the alarm the fixer would create beside the topic."""
        region = topic_arn.split(":")[3]
        return (
            f"arn:{self.result.partition}:cloudwatch:{region}:{self.result.account}:alarm:"
            f"{self.settings.alarm_name}"
        )

    def _unusable_topic(self, arn: str, alarm_arn: str | None = None) -> str | None:
        """The check's verdict on an existing topic, for an alarm of the fixer's (or `alarm_arn`):
        why CloudWatch cannot publish to it (its key, its access policy) or that it could not
        be read, as a clause ("is encrypted with ..."); None when it can."""
        account = self.result.account
        alarm_arn = alarm_arn or self._alarm_arn(arn)
        if (arn, alarm_arn) not in self._topic_problems:
            evidence = self._topic(arn)
            if isinstance(evidence, Gap):
                problem: str | None = f"could not be checked ({evidence.what})"
            elif evidence.unusable_key:
                problem = f"is encrypted with {evidence.unusable_key}"
            else:
                refused = topic_links.publish_problem(
                    evidence.policy,
                    topic_links.PublishRequest(arn, account, alarm_arn),
                    arn.rsplit(":", 1)[-1],
                )
                if isinstance(refused, Gap):
                    problem = f"could not be checked ({refused.what})"
                else:
                    problem = f"cannot be used: {refused}" if refused else None
            self._topic_problems[(arn, alarm_arn)] = problem
        return self._topic_problems[(arn, alarm_arn)]

    # ------------------------------------------------------------------ topics
    def _topic_candidates(self, region: str, others: list[AlarmEvidence]) -> list[TopicChoice]:
        if self.settings.topic_arn:
            return [self._configured_topic(region)]
        found: list[TopicChoice] = []
        seen: set[str] = set()

        def consider(arn: str, why: str) -> None:
            parts = arn.split(":")
            if arn in seen or len(parts) != 6 or parts[2] != "sns":
                return
            seen.add(arn)
            if (parts[3], parts[4]) != (region, self.result.account):
                return
            state = self.account.topic(arn)
            if (
                state
                and state.confirmed
                and not self._unusable_topic(arn)
                and self._receiving(arn)
            ):
                found.append(TopicChoice(arn, state, why))

        for result in self.result.events:
            if result.caught:
                consider(result.path[-1].arn, f"already notified for {result.event}")
        for alarm in others:
            for action in alarm.alarm_actions:
                consider(action, f"notified by alarm {alarm.name}")
        found.append(self._named_topic(region))
        return found

    def _configured_topic(self, region: str) -> TopicChoice:
        arn = self.settings.topic_arn or ""
        parts = arn.split(":")
        topic = TopicChoice(arn, None, "the configured TopicArn")
        if parts[4] != self.result.account:
            topic.problem = (
                f"TopicArn {arn} is in account {parts[4]}; the fixer uses topics of the audited "
                f"account {self.result.account} only"
            )
        elif parts[3] != region:
            topic.problem = (
                f"TopicArn {arn} is in {parts[3]}, but the alarm must be in {region} with the "
                "metric, and CloudWatch alarms notify topics of their own region"
            )
        else:
            topic.state = self.account.topic(arn)
            if topic.state is None:
                topic.problem = (
                    f"TopicArn {arn} does not exist (the fixer creates only TopicName, never a "
                    "topic named by ARN)"
                )
            elif unusable := self._unusable_topic(arn):
                topic.problem = f"TopicArn {arn} {unusable}"
        return topic

    def _named_topic(self, region: str) -> TopicChoice:
        if region in self._named_topics:
            return self._named_topics[region]
        base = self.settings.topic_name

        def unusable(name: str) -> bool:
            arn = self.account.topic_arn(region, name)
            return self.account.topic(arn) is not None and bool(self._unusable_topic(arn))

        name = free_name(base, TOPIC_NAME_MAX, unusable)
        if name != base:
            why = self._unusable_topic(self.account.topic_arn(region, base))
            self._notes.append(f"SNS topic {base} exists but {why}; using topic {name} instead")
        arn = self.account.topic_arn(region, name)
        choice = TopicChoice(arn, self.account.topic(arn), "the configured TopicName")
        self._named_topics[region] = choice
        return choice

    # ------------------------------------------------------------------ the chosen option
    def _describe(self, option: Option, ref: LogGroupRef, plan: Plan) -> None:
        events = events_text(plan.events, plan.total, plan.subject)
        region = ref.region
        topic = option.topic
        assert topic is not None
        steps: list[Step] = []
        if option.filter.evidence is not None:
            evidence, metric = option.filter.evidence, option.filter.metric
            plan.reuse.append(
                f"metric filter {evidence.name} on log group {ref}: catches {events}, publishes "
                f"{metric} = {option.filter.transformation.value}"
            )
        else:
            metric = self._free_metric(region)
            option.filter.metric = metric
            steps.append(self._filter_step(ref, metric))
        if option.alarm is not None:
            plan.reuse.append(
                f"alarm {option.alarm.name}: fires on one event of {option.filter.metric} and "
                f"notifies SNS topic {topic.name}"
            )
        if topic.state is None:
            steps.append(self._topic_step(region, topic))
        else:
            count = topic.state.confirmed
            plan.reuse.append(
                f"SNS topic {topic.name} ({topic.why}; {count} confirmed "
                f"subscription{'s' if count != 1 else ''})"
            )
        for subscription in option.subscribe:
            steps.append(
                Step(
                    SUBSCRIBE,
                    region,
                    str(subscription),
                    f"subscribe {subscription} to SNS topic {topic.name}",
                    {
                        "TopicArn": topic.arn,
                        "Protocol": subscription.protocol,
                        "Endpoint": subscription.endpoint,
                    },
                )
            )
        if option.alarm is None:
            steps.append(self._alarm_step(region, option.filter.metric, topic))
        if self.settings.topic_arn and topic.arn != self.settings.topic_arn:
            self._notes.append(
                f"TopicArn {self.settings.topic_arn} is not used: alarm {option.alarm.name} "
                f"already notifies SNS topic {topic.name}"
                if option.alarm
                else f"TopicArn {self.settings.topic_arn} is not used"
            )
        if self.settings.subscriptions and topic.state and topic.state.confirmed:
            self._notes.append(
                f"Subscriptions are not added: SNS topic {topic.name} already has a confirmed "
                "subscription"
            )
        plan.steps = steps
        plan.awaiting = option.awaits

    def _free_metric(self, region: str) -> MetricKey:
        namespace = self.settings.metric_namespace

        def taken(name: str) -> bool:
            users = self.account.filters_publishing(region, namespace, name)
            alarms = _seen(self.source.alarms_on(MetricKey(region, namespace, name)))
            users += [f"alarm {a.name}" for a in alarms]
            if users and name == self.settings.metric_name:
                self._notes.append(
                    f"metric {namespace}/{name} is already used in {region} (by "
                    f"{', '.join(users[:3])}); the new filter publishes to a metric of its own"
                )
            return bool(users)

        name = free_name(self.settings.metric_name, METRIC_NAME_MAX, taken)
        return MetricKey(region, namespace, name)

    def _filter_step(self, ref: LogGroupRef, metric: MetricKey) -> Step:
        base = self.settings.filter_name
        taken = self.account.filter_names(ref.region, ref.name, base)
        name = free_name(base, FILTER_NAME_MAX, taken.__contains__)
        if name != base:
            self._notes.append(
                f"metric filter name {base} is taken on log group {ref} by a filter that does "
                f"not qualify (PutMetricFilter would replace it); using {name}"
            )
        return Step(
            PUT_METRIC_FILTER,
            ref.region,
            name,
            f"create metric filter {name} on log group {ref}: the benchmark's pattern for the "
            f"{len(self.control.events)} events -> {metric} = 1",
            {
                "logGroupName": ref.name,
                "filterName": name,
                "filterPattern": self.control.benchmark_pattern,
                "metricTransformations": [
                    {
                        "metricName": metric.name,
                        "metricNamespace": metric.namespace,
                        "metricValue": "1",
                    }
                ],
            },
        )

    def _topic_step(self, region: str, topic: TopicChoice) -> Step:
        params: dict = {"Name": topic.name, "Tags": self.settings.all_tags}
        encryption = ""
        if self.settings.kms_master_key_id:
            params["Attributes"] = {"KmsMasterKeyId": self.settings.kms_master_key_id}
            encryption = f", encrypted with {self.settings.kms_master_key_id}"
        return Step(
            CREATE_TOPIC,
            region,
            topic.arn,
            f"create SNS topic {topic.name} in {region}{encryption}",
            params,
        )

    def _alarm_step(self, region: str, metric: MetricKey, topic: TopicChoice) -> Step:
        base = self.settings.alarm_name
        taken = self.account.alarm_names(region, base)
        name = free_name(base, ALARM_NAME_MAX, taken.__contains__)
        if name != base:
            self._notes.append(
                f"alarm name {base} is taken in {region} (PutMetricAlarm would replace that "
                f"alarm, and the fixer never edits your alarms); using {name}"
            )
        return Step(
            PUT_METRIC_ALARM,
            region,
            name,
            f"create alarm {name} in {region}: Sum of {metric} >= 1 in {ALARM_PERIOD} s "
            f"(1 period, missing data not breaching) -> SNS topic {topic.name}",
            {
                "AlarmName": name,
                "AlarmDescription": (
                    f"{self.control.subject.capitalize()} changes ({self.control.reference}): "
                    f"{', '.join(self.control.events)}. Created by the Prowler fixer of "
                    f"{self.control.check_id}."
                ),
                "ActionsEnabled": True,
                "AlarmActions": [topic.arn],
                "MetricName": metric.name,
                "Namespace": metric.namespace,
                **NEW_ALARM,
                "Tags": self.settings.all_tags,
            },
        )


def _seen(answer):
    """An evidence answer, or `BlockedError` when the source could not see it."""
    if isinstance(answer, Gap):
        raise BlockedError(f"{_gap_text(answer)}; the fixer changes nothing it cannot see")
    return answer


def _gap_text(gap: Gap) -> str:
    return gap.what + (f" (needs {gap.permission})" if gap.permission else "")


def _positive(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None  # NaN compares false


def _planned_alarm(metric: MetricKey, topic_arn: str, name: str) -> AlarmEvidence:
    """The alarm the fixer would create, as the check would read it."""
    return AlarmEvidence(
        name=name,
        arn="",
        region=metric.region,
        namespace=metric.namespace,
        metric_name=metric.name,
        dimensions=metric.dimensions,
        statistic=NEW_ALARM["Statistic"],
        extended_statistic=None,
        threshold=NEW_ALARM["Threshold"],
        comparison=NEW_ALARM["ComparisonOperator"],
        evaluation_periods=NEW_ALARM["EvaluationPeriods"],
        datapoints_to_alarm=NEW_ALARM["DatapointsToAlarm"],
        actions_enabled=True,
        alarm_actions=(topic_arn,),
        treat_missing_data=NEW_ALARM["TreatMissingData"],
    )


def _key(protocol: str, endpoint: str) -> tuple[str, str]:
    if protocol in ("email", "email-json"):
        endpoint = endpoint.lower()
    return protocol, endpoint


def events_text(events: tuple[str, ...], total: int, subject: str) -> str:
    if len(events) == total and total > 1:
        return f"all {total} {subject} events"
    return ", ".join(events)
