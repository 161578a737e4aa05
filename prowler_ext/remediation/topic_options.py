"""Which SNS topic a repair can use, and what it takes for the topic to reach a person.

For a new alarm: the configured TopicArn; else a topic with a confirmed subscriber that already
notifies the caught events or another alarm on the metric; else TopicName (reused when it
exists, created otherwise). Each topic is judged by the check's own rules (its key, its access
policy, its subscriptions' filter policies); subscriptions are added only to a topic without a
confirmed subscriber, and not again when an identical one is pending.
"""

from __future__ import annotations

from ..chain import topic as topic_links
from ..chain.evidence import AlarmEvidence, Gap, TopicEvidence
from .names import TOPIC_NAME_MAX, free_name
from .plan_model import PlanContext, PlanPart, TopicChoice
from .settings import Subscription

SUBSCRIPTIONS_EXAMPLE = "Subscriptions: [{Protocol: email, Endpoint: secops@example.com}]"


class TopicOptions(PlanPart):
    """The topics a repair could notify, and each one's verdict (memoized per plan)."""

    def __init__(self, context: PlanContext) -> None:
        super().__init__(context)
        self._named_topics: dict[str, TopicChoice] = {}
        self._key_checked: dict[str, str | None] = {}
        self._topic_problems: dict[tuple[str, str], str | None] = {}
        self._topic_evidence: dict[str, TopicEvidence | Gap] = {}

    def subscriptions(
        self, topic: TopicChoice, alarm_arn: str | None = None
    ) -> tuple[tuple[Subscription, ...], tuple[str, ...], str | None]:
        """What to subscribe, what the path will wait on, or why the topic reaches nobody."""
        state = topic.state
        if state is not None and state.confirmed and self._receiving(topic.arn, alarm_arn):
            return (), (), None
        pending = {_address(s.protocol, s.endpoint) for s in state.pending} if state else set()
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
        new = tuple(s for s in configured if _address(s.protocol, s.endpoint) not in pending)
        if any(s.self_confirming for s in new):
            return new, (), None
        return new, tuple(str(s) for s in configured), None

    def key_problem(self, region: str) -> str | None:
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

    def unusable(self, arn: str, alarm_arn: str | None = None) -> str | None:
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

    def candidates(self, region: str, others: list[AlarmEvidence]) -> list[TopicChoice]:
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
            if state and state.confirmed and not self.unusable(arn) and self._receiving(arn):
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
            elif unusable := self.unusable(arn):
                topic.problem = f"TopicArn {arn} {unusable}"
        return topic

    def _named_topic(self, region: str) -> TopicChoice:
        if region in self._named_topics:
            return self._named_topics[region]
        base = self.settings.topic_name

        def unusable(name: str) -> bool:
            arn = self.account.topic_arn(region, name)
            return self.account.topic(arn) is not None and bool(self.unusable(arn))

        name = free_name(base, TOPIC_NAME_MAX, unusable)
        if name != base:
            why = self.unusable(self.account.topic_arn(region, base))
            self.notes.append(f"SNS topic {base} exists but {why}; using topic {name} instead")
        arn = self.account.topic_arn(region, name)
        choice = TopicChoice(arn, self.account.topic(arn), "the configured TopicName")
        self._named_topics[region] = choice
        return choice


def _address(protocol: str, endpoint: str) -> tuple[str, str]:
    """A subscription's protocol and endpoint as SNS compares them (email case-insensitively)."""
    if protocol in ("email", "email-json"):
        endpoint = endpoint.lower()
    return protocol, endpoint
