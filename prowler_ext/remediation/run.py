"""The fixer's entry: Prowler's clients in, the account repaired (or why not) out.

`fix()` never raises into Prowler: it prints what it did and returns True when nothing is left
for it to do (the chain is complete, or waits only for a subscriber's confirmation), False when
it changed nothing or stopped halfway (dry run, blocked, a failed call).

"Fixed" is never taken on trust: after the last write the account is checked again, by the
check's own search and predicates over what AWS holds now (`ProwlerEvidence(fresh=True)`), and
the result line says what that re-check found.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from prowler.lib.logger import logger

from ..chain import judge, search
from ..chain.evidence import Gap, Link
from ..chain.path import SearchResult
from ..chain.verdict import PASS, ChainVerdict
from ..control import Control
from ..prowler_source import ProwlerEvidence
from .account import AwsAccount
from .apply import apply
from .plan import Planner
from .plan_model import Plan
from .render import Report
from .settings import FixerSettings, SettingsError, config_file_problem, load


def fix(
    control: Control,
    region: str,
    cloudtrail: Any,
    logs: Any,
    cloudwatch: Any,
    sns: Any,
    out: Callable[[str], None] = print,
) -> bool:
    report = Report(out)
    try:
        return _fix(control, cloudtrail, logs, cloudwatch, sns, report)
    except Exception as error:
        logger.error(
            f"{region} -- {control.check_id} fixer: {type(error).__name__}"
            f"[{error.__traceback__.tb_lineno if error.__traceback__ else '?'}]: {error}"
        )
        report.unexpected(error)
        return False


def _fix(control: Control, cloudtrail: Any, logs: Any, cloudwatch: Any, sns: Any, report) -> bool:
    account_id = str(getattr(cloudtrail, "audited_account", "") or "")
    report.header(control.check_id, account_id)
    broken_file = config_file_problem(sys.argv)
    if broken_file:
        report.invalid_settings([broken_file])
        return False
    try:
        settings = load(getattr(cloudtrail, "fixer_config", None), control)
    except SettingsError as error:
        report.invalid_settings(error.problems)
        return False
    source = ProwlerEvidence(cloudtrail, logs, cloudwatch, sns)
    result = search(source, control)
    account = AwsAccount(logs, cloudwatch, sns, source.account, source.partition)
    plan = Planner(result, source, settings, account, control).plan()
    if plan.blocked:
        plan = _owner_plan(result, source, settings, control) or plan
    report.plan(plan)
    if plan.complete:
        return True
    if plan.blocked:
        return False
    if not plan.steps:
        report.nothing_left(plan)
        return True
    if plan.account:
        report.elsewhere(plan, control.check_id)
        return False
    if settings.dry_run:
        report.dry_run()
        return False
    outcome = apply(plan, account)
    report.outcome(plan, outcome, settings)
    if not outcome.ok:
        return False
    recheck = _recheck(control, cloudtrail, logs, cloudwatch, sns)
    if recheck.status == PASS:
        report.fixed(plan)
        return True
    if plan.awaiting and _waits_only_for_confirmation(recheck):
        report.awaiting(plan.awaiting)
        return True
    report.not_fixed(recheck)
    return False


def _owner_plan(
    result: SearchResult, source: ProwlerEvidence, settings: FixerSettings, control: Control
) -> Plan | None:
    """The repair in the account that owns the organization trail, when the scanned account
    has no trail of its own that qualifies: planned there, through the role the check reads
    it with, to be printed, never applied (the fixer changes only the scanned account)."""
    for trail in result.trails:
        if not trail.account or trail.account == result.account or not trail.log_group_arn:
            continue
        owner = source.account_source(trail.account)
        if isinstance(owner, Gap):
            return None
        account = AwsAccount(
            owner.logs, owner.cloudwatch, owner.sns, owner.account, owner.partition
        )
        plan = Planner(result, owner, settings, account, control).plan()
        return None if plan.blocked else plan
    return None


def _recheck(control: Control, cloudtrail: Any, logs: Any, cloudwatch: Any, sns: Any):
    """The check's verdict over what AWS holds after the writes, not the scan's inventories."""
    return judge(ProwlerEvidence(cloudtrail, logs, cloudwatch, sns, fresh=True), control)


def _waits_only_for_confirmation(verdict: ChainVerdict) -> bool:
    """Every event that does not reach a person stops only at an unconfirmed subscription."""
    events = (verdict.evidence.get("events") or {}).values()
    broken = [entry for entry in events if entry.get("status") != "caught"]
    return bool(broken) and all(
        entry.get("status") == "not caught"
        and entry.get("broken_link") == Link.NAMES[Link.SUBSCRIPTION]
        and entry.get("pending_subscriptions", 0) > 0
        for entry in broken
    )
