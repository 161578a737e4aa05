"""What a fixer run prints: the finding, the plan, what was done, what was not and why.

Lines are indented to sit under Prowler's own "FIXING <region>..." and "DONE"/"ERROR".
"""

from __future__ import annotations

from collections.abc import Callable

from ..chain.verdict import ChainVerdict
from .apply import Outcome
from .plan_model import Plan, events_text
from .settings import FIXER_TAG_KEY, FixerSettings

INDENT = "\t  "


class Report:
    def __init__(self, out: Callable[[str], None] = print):
        self._out = out

    def line(self, text: str, depth: int = 0) -> None:
        self._out(INDENT + "  " * depth + text)

    def header(self, check_id: str, account: str) -> None:
        self.line(f"Fixer of {check_id} (account {account or 'unknown'})")

    def invalid_settings(self, problems: list[str]) -> None:
        self.line("Nothing was changed: the fixer config is not valid:")
        for problem in problems:
            self.line(f"- {problem}", 1)

    def plan(self, plan: Plan) -> None:
        if plan.complete:
            what = (
                f"all {plan.total} {plan.subject} events already reach"
                if plan.total > 1
                else f"{plan.subject} already reaches"
            )
            self.line(f"Nothing to change: {what} a confirmed subscriber.")
            return
        self.line(f"Finding: {plan.finding}")
        if plan.route:
            self.line(
                f"Repairing {events_text(plan.events, plan.total, plan.subject)} on {plan.route}"
            )
        for text in plan.reuse:
            self.line(f"Reuse: {text}")
        for text in plan.notes:
            self.line(f"Note: {text}")
        if plan.blocked:
            for reason in plan.blocked:
                self.line(f"Nothing was changed: {reason}.")
            return
        if plan.steps:
            count = len(plan.steps)
            where = f" in account {plan.account}" if plan.account else ""
            self.line(f"Plan{where} ({count} change{'s' if count != 1 else ''}):")
            for number, step in enumerate(plan.steps, 1):
                self.line(f"{number}. {step.summary}", 1)

    def elsewhere(self, plan: Plan, check_id: str) -> None:
        self.line(
            f"Nothing was changed: these changes are for account {plan.account}, which holds "
            "the organization trail's log group, and the fixer changes only the scanned account. "
            f"Make them there, or run prowler aws --checks {check_id} --fixer with credentials "
            f"of account {plan.account}."
        )

    def nothing_left(self, plan: Plan) -> None:
        self.line(
            "Nothing to change: the path is complete except for the confirmation of "
            f"{_either(plan.awaiting)}, which is pending."
        )
        self.awaiting(plan.awaiting)

    def dry_run(self) -> None:
        self.line("Dry run (DryRun: true): nothing was changed.")

    def outcome(self, plan: Plan, outcome: Outcome, settings: FixerSettings) -> None:
        for text in outcome.done:
            self.line(f"Done: {text}")
        if not outcome.ok:
            self.line(f"Failed: {outcome.failure}")
            for step in outcome.not_done:
                self.line(f"Not done: {step.summary}")
            kept = (
                f" What was created stays (alarms and topics tagged "
                f"{FIXER_TAG_KEY}={settings.check_id}); a new run continues from there."
                if outcome.done
                else ""
            )
            self.line(f"Nothing else was changed.{kept}")
            return

    def fixed(self, plan: Plan) -> None:
        events = events_text(plan.events, plan.total, plan.subject)
        self.line(
            f"Result: {events} now reach a confirmed subscriber: a re-check with the check's own "
            "rules, over what AWS holds now, says PASS."
        )

    def not_fixed(self, recheck: ChainVerdict) -> None:
        self.line(
            f"Result: not fixed. Re-checked through the check's own rules after the changes: "
            f"{recheck.status}. {recheck.sentence}"
        )

    def awaiting(self, awaiting: tuple[str, ...]) -> None:
        self.line(
            f"Result: the chain now waits for {_either(awaiting)} to confirm the subscription "
            "(AWS sent a confirmation message; an email subscription stays pending until its "
            "owner follows the link). Until then the check reports FAIL: no confirmed "
            "subscription."
        )

    def unexpected(self, error: BaseException) -> None:
        self.line(
            f"Stopped on an unexpected error ({type(error).__name__}: {error}); anything done "
            "before it is listed above, nothing else was changed."
        )


def _either(items: tuple[str, ...]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
