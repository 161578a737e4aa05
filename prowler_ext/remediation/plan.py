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

Here: the entry and the trail the repair hangs on. The options are weighed in `options` (with
`topic_options` for the topics), the chosen one becomes steps in `steps`, and the plan's
parts are `plan_model`.
"""

from __future__ import annotations

from ..chain import trail as trail_links
from ..chain.evidence import EvidenceSource, Link, LogGroupRef, TrailEvidence
from ..chain.path import SearchResult
from ..chain.verdict import decide
from ..control import Control
from .account import AwsAccount
from .aws_calls import AwsCallError
from .names import NoFreeNameError
from .options import OptionFinder
from .plan_model import BlockedError, Plan, PlanContext, PlanPart, gap_text
from .settings import FixerSettings
from .steps import StepBuilder
from .topic_options import TopicOptions


class Planner(PlanPart):
    """The repair plan for one search result: the cheapest option, as steps."""

    def __init__(
        self,
        result: SearchResult,
        source: EvidenceSource,
        settings: FixerSettings,
        account: AwsAccount,
        control: Control,
    ):
        missing = [r for r in result.events if not r.caught]
        super().__init__(PlanContext(result, source, settings, account, control, missing))
        topics = TopicOptions(self.context)
        self.finder = OptionFinder(self.context, topics)
        self.builder = StepBuilder(self.context)

    # ------------------------------------------------------------------ entry
    def plan(self) -> Plan:
        plan = Plan(total=len(self.control.events), subject=self.control.subject)
        if self.source.account != self.result.account:
            plan.account = self.source.account  # printed for that account, never applied
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
        plan.notes.extend(n for n in self.notes if n not in plan.notes)
        return plan

    def _plan(self, plan: Plan) -> None:
        undecided = [r for r in self.missing if r.gaps or self.result.trail_gaps]
        if len(undecided) == len(self.missing):
            gap = (self.result.trail_gaps + [g for r in undecided for g in r.gaps])[0]
            raise BlockedError(
                f"whether the events reach a person cannot be told ({gap_text(gap)}); the "
                "fixer changes nothing it cannot see"
            )
        for result in undecided:
            gap = (result.gaps or self.result.trail_gaps)[0]
            self.notes.append(f"{result.event} could not be checked ({gap_text(gap)})")
        trail = self._qualifying_trail()
        ref = LogGroupRef.from_arn(trail.log_group_arn)
        if ref is None:  # a qualifying trail has a readable ARN; kept for type narrowing
            raise BlockedError(f"trail {trail.name} has an unreadable log group ARN")
        plan.route = f"trail {trail.name} -> log group {ref}"
        self._check_log_group(trail, ref)
        options = []
        for choice in self.finder.filter_choices(ref):
            options.extend(self.finder.options(choice))
        for order, option in enumerate(options):
            option.order = order
        feasible = [o for o in options if o.problem is None]
        if not feasible:
            problems = list(dict.fromkeys(o.problem for o in options if o.problem))
            raise BlockedError("; ".join(problems))
        best = min(feasible, key=lambda o: (bool(o.awaits), o.changes, o.order))
        self.builder.describe(best, ref, plan)

    # ------------------------------------------------------------------ trail and log group
    def _qualifying_trail(self) -> TrailEvidence:
        account = self.source.account
        for trail in self.result.trails:
            if trail.account and trail.account != account:
                continue
            if trail.account != self.result.account:
                # an organization trail as a member lists it: read where it lives
                trail = self.source.read_trail(trail)
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
        if ref.account != self.source.account:
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
