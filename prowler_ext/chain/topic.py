"""May CloudWatch publish an alarm's notification to an SNS topic? The topic's access policy,
evaluated with the IAM rules that apply to it, for the one request that matters.

The request: CloudWatch (`cloudwatch.amazonaws.com`, acting for the alarm's account) calls
`sns:Publish` on the topic, with `aws:SourceAccount` and SNS's `AWS:SourceOwner` the alarm's
account and `aws:SourceArn` the alarm's ARN. An explicit Deny that applies wins; otherwise an
Allow must apply. A statement the check cannot evaluate (NotPrincipal, NotResource, a condition
key or operator it does not know) makes the answer undecided where it could matter, never a
PASS: a Gap.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from .evidence import Gap, SubscriptionEvidence

CLOUDWATCH = "cloudwatch.amazonaws.com"
Finding = str | Gap | None


@dataclass(frozen=True)
class PublishRequest:
    topic_arn: str
    account: str
    alarm_arn: str

    @property
    def context(self) -> dict[str, str]:
        """Condition keys the request carries, lower-cased (IAM keys are case-insensitive)."""
        return {
            "aws:sourceaccount": self.account,
            "aws:sourceowner": self.account,
            "aws:sourcearn": self.alarm_arn,
        }


_OPERATORS = {
    "stringequals": lambda value, pattern: value == pattern,
    "stringequalsignorecase": lambda value, pattern: value.lower() == pattern.lower(),
    "stringlike": lambda value, pattern: fnmatchcase(value, pattern),
    "arnequals": lambda value, pattern: value == pattern,
    "arnlike": lambda value, pattern: fnmatchcase(value, pattern),
    "stringnotequals": lambda value, pattern: value != pattern,
    "stringnotlike": lambda value, pattern: not fnmatchcase(value, pattern),
    "arnnotequals": lambda value, pattern: value != pattern,
    "arnnotlike": lambda value, pattern: not fnmatchcase(value, pattern),
}
_NEGATED = {"stringnotequals", "stringnotlike", "arnnotequals", "arnnotlike"}


def publish_problem(policy_text: Any, request: PublishRequest, topic_name: str) -> Finding:
    """Why the topic's policy keeps CloudWatch from publishing the alarm's notification."""
    if policy_text is None:
        return Gap(f"the access policy of SNS topic {topic_name} could not be read")
    try:
        policy = json.loads(policy_text) if isinstance(policy_text, str) else policy_text
        statements = policy.get("Statement")
    except (TypeError, ValueError, AttributeError):
        return Gap(f"the access policy of SNS topic {topic_name} could not be read")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return Gap(f"the access policy of SNS topic {topic_name} could not be read")
    allowed: bool | Gap = False
    for statement in statements:
        applies = _applies(statement, request)
        effect = statement.get("Effect") if isinstance(statement, dict) else None
        sid = statement.get("Sid") if isinstance(statement, dict) else None
        named = f" (statement {sid})" if sid else ""
        if effect == "Deny":
            if applies is True:
                return (
                    f"SNS topic {topic_name}'s access policy denies sns:Publish to CloudWatch"
                    f"{named}, so the alarm's notification is refused"
                )
            if isinstance(applies, Gap):
                return Gap(
                    f"whether a Deny{named} of SNS topic {topic_name} applies: {applies.what}"
                )
        elif effect == "Allow":
            if applies is True:
                allowed = True
            elif isinstance(applies, Gap) and allowed is False:
                allowed = Gap(
                    f"whether SNS topic {topic_name}'s policy{named} applies: {applies.what}"
                )
        elif applies is not False:
            return Gap(f"a statement of SNS topic {topic_name}'s policy has no readable Effect")
    if allowed is True:
        return None
    if isinstance(allowed, Gap):
        return allowed
    return (
        f"SNS topic {topic_name}'s access policy does not let CloudWatch publish to it (no "
        f"statement allows {CLOUDWATCH} or account {request.account} sns:Publish of this "
        "alarm's notification)"
    )


def _applies(statement: Any, request: PublishRequest) -> bool | Gap:
    if not isinstance(statement, dict):
        return Gap("a statement that is not an object")
    for unsupported in ("NotPrincipal", "NotResource"):
        if unsupported in statement:
            return Gap(f"{unsupported}, which the check does not evaluate")
    if not _principal_matches(statement.get("Principal"), request.account):
        return False
    if "NotAction" in statement:
        if any(_action_matches(a) for a in _strings(statement["NotAction"])):
            return False
    elif not any(_action_matches(a) for a in _strings(statement.get("Action"))):
        return False
    resources = _strings(statement.get("Resource", "*"))
    if not any(fnmatchcase(request.topic_arn, r) for r in resources):
        return False
    return _conditions_hold(statement.get("Condition") or {}, request)


def _principal_matches(principal: Any, account: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    if CLOUDWATCH in _strings(principal.get("Service")):
        return True
    # the account itself (its id or its root ARN, in any partition), never one of its users or
    # roles: CloudWatch is neither
    for who in _strings(principal.get("AWS")):
        if who in ("*", account) or _ACCOUNT_ROOT.fullmatch(who) and who.split(":")[4] == account:
            return True
    return False


_ACCOUNT_ROOT = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:root")


def _action_matches(pattern: str) -> bool:
    return fnmatchcase("sns:publish", pattern.lower())


def _conditions_hold(conditions: Any, request: PublishRequest) -> bool | Gap:
    if not isinstance(conditions, dict):
        return Gap("a Condition that is not an object")
    context = request.context
    for operator, tests in conditions.items():
        name = str(operator).lower()
        if_exists = name.endswith("ifexists")
        name = name.removesuffix("ifexists")
        compare = _OPERATORS.get(name)
        if compare is None or not isinstance(tests, dict):
            return Gap(f"the condition operator {operator}, which the check does not evaluate")
        for key, expected in tests.items():
            actual = context.get(str(key).lower())
            if actual is None:
                if if_exists:
                    continue
                return Gap(f"the condition key {key}, which the check does not evaluate")
            values = _strings(expected)
            if name in _NEGATED:
                holds = all(compare(actual, value) for value in values)
            else:
                holds = any(compare(actual, value) for value in values)
            if not holds:
                return False
    return True


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


# ---------------------------------------------------------------------- subscription filters


@dataclass(frozen=True)
class AlarmNotification:
    """What CloudWatch's notification of an alarm's move into ALARM is known to carry: no
    message attributes, and a JSON body with these top-level fields (among others)."""

    alarm_name: str
    alarm_arn: str
    account: str

    @property
    def body(self) -> dict[str, str]:
        return {
            "AlarmName": self.alarm_name,
            "AlarmArn": self.alarm_arn,
            "AWSAccountId": self.account,
            "NewStateValue": "ALARM",
        }


def receives(subscription: SubscriptionEvidence, notification: AlarmNotification) -> Finding:
    """Why the subscription's filter policy keeps the alarm's notification from it, or None.

    With the default scope (MessageAttributes) a policy reads message attributes, which
    CloudWatch's notifications do not carry: only conditions that accept a missing attribute
    (`{"exists": false}`) let them through. With MessageBody, the policy is matched against the
    notification's JSON fields the check knows; others are a Gap.
    """
    if subscription.unread is not None:
        return subscription.unread
    if not subscription.filter_policy:
        return None
    try:
        policy = json.loads(subscription.filter_policy)
    except (TypeError, ValueError):
        return Gap(f"the filter policy of subscription {subscription.arn} could not be read")
    if not isinstance(policy, dict):
        return Gap(f"the filter policy of subscription {subscription.arn} could not be read")
    scope = subscription.filter_policy_scope or "MessageAttributes"
    if scope == "MessageAttributes":
        for key, conditions in policy.items():
            if not _accepts_absent(conditions):
                return (
                    f"its filter policy needs the message attribute {key}, which alarm "
                    "notifications do not carry"
                )
        return None
    if scope != "MessageBody":
        return Gap(f"the filter policy scope {scope} of subscription {subscription.arn}")
    body = notification.body
    for key, conditions in policy.items():
        if key not in body:
            return Gap(
                f"the filter policy of subscription {subscription.arn} reads the notification's "
                f"{key}, which the check does not evaluate"
            )
        matched = _matches_any(conditions, body[key])
        if isinstance(matched, Gap):
            return Gap(f"the filter policy of subscription {subscription.arn}: {matched.what}")
        if not matched:
            return f"its filter policy drops alarm notifications ({key} = {body[key]})"
    return None


def _accepts_absent(conditions: Any) -> bool:
    return isinstance(conditions, list) and any(c == {"exists": False} for c in conditions)


def _matches_any(conditions: Any, value: str) -> bool | Gap:
    if not isinstance(conditions, list):
        return Gap("a condition that is not a list")
    for condition in conditions:
        if isinstance(condition, str):
            if condition == value:
                return True
            continue
        if isinstance(condition, dict) and len(condition) == 1:
            ((operator, operand),) = condition.items()
            if operator == "exists" and isinstance(operand, bool):
                if operand:
                    return True
                continue
            if operator == "prefix" and isinstance(operand, str):
                if value.startswith(operand):
                    return True
                continue
            if operator == "suffix" and isinstance(operand, str):
                if value.endswith(operand):
                    return True
                continue
            if operator == "equals-ignore-case" and isinstance(operand, str):
                if value.lower() == operand.lower():
                    return True
                continue
            if operator == "anything-but" and isinstance(operand, (str, list)):
                excluded = [operand] if isinstance(operand, str) else operand
                if all(isinstance(x, str) for x in excluded):
                    if value not in excluded:
                        return True
                    continue
        if isinstance(condition, (int, float)) and not isinstance(condition, bool):
            continue  # a number never equals a string field
        return Gap(f"the condition {json.dumps(condition)}, which the check does not evaluate")
    return False
