"""The ways to complete the chain on one log group: each metric filter that could serve (an
existing one that catches every uncovered event and publishes a positive dimensionless value,
or a new one), and for each, an existing alarm to reuse or a new alarm with a topic.
"""

from __future__ import annotations

from ..chain import alarm as alarm_links
from ..chain.evidence import AlarmEvidence, LogGroupRef, MetricKey, MetricTransformation
from ..filterpattern import PatternError, Verdict, cached_coverage
from .plan_model import (
    NEW_ALARM,
    FilterChoice,
    Option,
    PlanContext,
    PlanPart,
    TopicChoice,
    seen,
)
from .topic_options import TopicOptions


class OptionFinder(PlanPart):
    """Every option for the repair, each with the problem that rules it out, if any."""

    def __init__(self, context: PlanContext, topics: TopicOptions) -> None:
        super().__init__(context)
        self.topics = topics

    def filter_choices(self, ref: LogGroupRef) -> list[FilterChoice]:
        """The log group's filters that could serve, then a new filter."""
        summaries = seen(self.source.filters_on(ref))
        choices = []
        for summary in summaries:
            if not self._catches_all(summary.pattern):
                continue
            details = seen(self.source.filter_details(summary))
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

    def options(self, choice: FilterChoice) -> list[Option]:
        """Reuse of each alarm on the metric that would fire, then a new alarm per topic."""
        options: list[Option] = []
        alarms = [] if choice.evidence is None else seen(self.source.alarms_on(choice.metric))
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
        for topic in self.topics.candidates(choice.metric.region, others):
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
        unusable = self.topics.unusable(arn, alarm.arn)
        if unusable:
            option.problem = f"alarm {alarm.name} notifies SNS topic {topic.name}, which {unusable}"
            return option
        option.subscribe, option.awaits, option.problem = self.topics.subscriptions(
            topic, alarm.arn
        )
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
        option.subscribe, option.awaits, option.problem = self.topics.subscriptions(topic)
        if topic.state is None and option.problem is None:
            option.problem = self.topics.key_problem(choice.metric.region)
        return option


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
