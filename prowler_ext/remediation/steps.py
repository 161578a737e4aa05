"""From the chosen option to the plan's steps: what is reused, and what is created under
which free name (never replacing a filter, alarm or metric the option does not own)."""

from __future__ import annotations

from ..chain.evidence import LogGroupRef, MetricKey
from .names import ALARM_NAME_MAX, FILTER_NAME_MAX, METRIC_NAME_MAX, free_name
from .plan_model import (
    ALARM_PERIOD,
    CREATE_TOPIC,
    NEW_ALARM,
    PUT_METRIC_ALARM,
    PUT_METRIC_FILTER,
    SUBSCRIBE,
    Option,
    Plan,
    PlanPart,
    Step,
    TopicChoice,
    events_text,
    seen,
)


class StepBuilder(PlanPart):
    """The steps (and the lines on what is reused) that carry out one option."""

    def describe(self, option: Option, ref: LogGroupRef, plan: Plan) -> None:
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
            self.notes.append(
                f"TopicArn {self.settings.topic_arn} is not used: alarm {option.alarm.name} "
                f"already notifies SNS topic {topic.name}"
                if option.alarm
                else f"TopicArn {self.settings.topic_arn} is not used"
            )
        if self.settings.subscriptions and topic.state and topic.state.confirmed:
            self.notes.append(
                f"Subscriptions are not added: SNS topic {topic.name} already has a confirmed "
                "subscription"
            )
        plan.steps = steps
        plan.awaiting = option.awaits

    def _free_metric(self, region: str) -> MetricKey:
        namespace = self.settings.metric_namespace

        def taken(name: str) -> bool:
            users = self.account.filters_publishing(region, namespace, name)
            alarms = seen(self.source.alarms_on(MetricKey(region, namespace, name)))
            users += [f"alarm {a.name}" for a in alarms]
            if users and name == self.settings.metric_name:
                self.notes.append(
                    f"metric {namespace}/{name} is already used in {region} (by "
                    f"{', '.join(users[:3])}); the new filter publishes to a metric of its own"
                )
            return bool(users)

        name = free_name(self.settings.metric_name, METRIC_NAME_MAX, taken)
        return MetricKey(region, namespace, name)

    def _filter_step(self, ref: LogGroupRef, metric: MetricKey) -> Step:
        base = self.settings.filter_name
        name = self._free_name(
            base,
            FILTER_NAME_MAX,
            self.account.filter_names(ref.region, ref.name, base),
            f"metric filter name {base} is taken on log group {ref} by a filter that does "
            "not qualify (PutMetricFilter would replace it)",
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
        name = self._free_name(
            base,
            ALARM_NAME_MAX,
            self.account.alarm_names(region, base),
            f"alarm name {base} is taken in {region} (PutMetricAlarm would replace that "
            "alarm, and the fixer never edits your alarms)",
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
                    f"{self.control.heading} ({self.control.reference}): "
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

    def _free_name(self, base: str, limit: int, taken: set[str], why_not_base: str) -> str:
        """`base`, or its first variant no resource has (with a note on why)."""
        name = free_name(base, limit, taken.__contains__)
        if name != base:
            self.notes.append(f"{why_not_base}; using {name}")
        return name
