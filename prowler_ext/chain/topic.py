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
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from .evidence import Gap

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
        f"statement allows {CLOUDWATCH} or account {request.account} sns:Publish)"
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
    for who in _strings(principal.get("AWS")):
        if who in ("*", account, f"arn:aws:iam::{account}:root") or who.startswith(
            f"arn:aws:iam::{account}:"
        ):
            return True
    return False


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
