"""Does a KMS key policy let CloudWatch alarms publish to an SNS topic encrypted with the key?

CloudWatch needs kms:Decrypt and kms:GenerateDataKey* from the key policy itself: a service
principal gets nothing from IAM policies. Only statements naming cloudwatch.amazonaws.com (or
every principal) count; a conditional grant is not evaluated, and says so.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .chain.evidence import Gap

_CLOUDWATCH = "cloudwatch.amazonaws.com"
_NEEDED_KMS_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


def key_policy_problem(key: str, policy_text: Any, region: str) -> str | None | Gap:
    """Does the key policy let CloudWatch alarms publish to a topic encrypted with the key?"""
    unreadable = Gap(f"the key policy of KMS key {key} is not a policy the check can read")
    try:
        statements = json.loads(policy_text).get("Statement") or []
    except (TypeError, ValueError, AttributeError):
        return unreadable
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return unreadable
    granted: set[str] = set()
    undecided = False
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        principals = _principals(statement.get("Principal"))
        names_cloudwatch = _CLOUDWATCH in principals or "*" in principals
        if not names_cloudwatch:
            continue
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        covered = {a for a in _NEEDED_KMS_ACTIONS if any(_action_covers(p, a) for p in actions)}
        if statement.get("Effect") == "Deny" and covered:
            return f"KMS key {key}, whose key policy denies CloudWatch {sorted(covered)[0]}"
        if statement.get("Effect") != "Allow":
            continue
        if "*" in principals or statement.get("Condition"):
            undecided = undecided or bool(covered)
            continue
        granted |= covered
    if granted >= set(_NEEDED_KMS_ACTIONS):
        return None
    if undecided:
        return Gap(
            f"the key policy of KMS key {key} grants CloudWatch only under conditions the check "
            "does not evaluate",
            None,  # read, but not decided: nothing to grant
            region,
        )
    return (
        f"KMS key {key}, whose key policy does not let cloudwatch.amazonaws.com use it "
        "(kms:Decrypt and kms:GenerateDataKey*)"
    )


def _principals(principal: Any) -> set[str]:
    if principal == "*":
        return {"*"}
    if not isinstance(principal, dict):
        return set()
    found: set[str] = set()
    for value in principal.values():
        found.update(
            [value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)]
        )
    return found


def _action_covers(pattern: str, action: str) -> bool:
    """Does an IAM action pattern (`kms:*`, `kms:GenerateDataKey*`, `*`) cover the action?"""
    if not isinstance(pattern, str):
        return False
    regex = re.escape(pattern.lower()).replace(r"\*", ".*")
    return re.fullmatch(regex, action.lower()) is not None
