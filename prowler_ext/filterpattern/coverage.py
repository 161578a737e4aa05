"""Coverage: does a pattern match *every* possible CloudTrail record of an event?

The answer is a proof, not a guess:

* The fields every record of the case surely has (`RecordCase.fixed`) are fixed and
  each condition on them evaluates to a constant.
* Every other field a condition names is a variable. Its possible JSON values split into a
  few classes that no condition on it can tell apart: absent, null, true, false, object,
  array, each constant the conditions mention, numbers on either side of each bound, and,
  for strings that equal no constant, every combination of the wildcard/regex conditions
  being true or false (a superset of what strings can do, so nothing is missed).
* A depth-first search assigns one class at a time and simplifies the formula in Kleene's
  three-valued logic: a condition whose answer rests on undocumented AWS behaviour is
  UNKNOWN, never true or false. A branch that becomes true is closed; a branch that becomes
  false yields a counterexample record, which `matches()` must reject with certainty before
  MISSED is answered; a branch left unknown is remembered.
* CAUGHT only when every branch is true. The search has a budget of work, counted in steps
  (branches, formula nodes, field checks), not time: past it, UNKNOWN, the same on every
  machine.

Text-term patterns are judged on what every record's text surely contains (its certain field
names and values) and on what a free field could add.

Here: the answers and their memos. The formula and its logic are `coverage_logic`, the search
`coverage_search`, the counterexample records `coverage_witness`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache

from ..caches import Memo
from . import ast
from .answers import Coverage, Verdict, article
from .cloudtrail import RecordCase, base_record, case_of, violation
from .coverage_logic import case_pattern
from .coverage_search import CoverageSearch
from .coverage_witness import describe
from .matcher import evaluate
from .parser import parse
from .terms import term_coverage

# Realistic patterns need at most a few hundred steps per question (the CIS patterns about 30,
# 3,000 generated ones at most 231); a step costs about a microsecond, so six questions on the
# worst pattern of `benchmarks.filterpattern_bench`'s adversarial corpus stay near 60 ms.
DEFAULT_BUDGET = 10_000

__all__ = [
    "DEFAULT_BUDGET",
    "Coverage",
    "Verdict",
    "cached_coverage",
    "coverage",
    "misses_the_typical_record",
    "ordinary_miss",
]


def coverage(
    pattern: str | ast.Pattern, case: RecordCase | str, *, budget: int = DEFAULT_BUDGET
) -> Coverage:
    """CAUGHT, MISSED (with a counterexample record) or UNKNOWN (with the reason): does the
    pattern match every record of the case (an API call's name stands for `api_call(name)`)?

    Answers are cached by (pattern text, case, budget): a pattern standing on many metric
    filters is proved once.
    """
    parsed = parse(pattern)
    answer = _cached_coverage(parsed.text, case_of(case), budget)
    if answer.counterexample is None:
        return answer
    return replace(answer, counterexample=json.loads(json.dumps(answer.counterexample)))


_SHARED_SEARCHES: Memo = Memo()  # (pattern, record class, signature, budget) -> outcome
_SHARED_LIMIT = 16384


def _remember(key: tuple, outcome: tuple) -> None:
    if len(_SHARED_SEARCHES) >= _SHARED_LIMIT:
        _SHARED_SEARCHES.clear()
    _SHARED_SEARCHES[key] = outcome


def cached_coverage(pattern: str | ast.Pattern, case: RecordCase | str) -> Coverage:
    """`coverage()` without copying the counterexample: for callers that only read it."""
    return _cached_coverage(parse(pattern).text, case_of(case), DEFAULT_BUDGET)


@lru_cache(maxsize=16384)
def _cached_coverage(text: str, case: RecordCase, budget: int) -> Coverage:
    parsed = parse(text)
    event_name = case.name
    if isinstance(parsed, ast.TermPattern):
        return term_coverage(parsed, case)
    if isinstance(parsed, ast.DelimitedPattern):
        return Coverage(
            Verdict.UNKNOWN,
            "space-delimited patterns split a log line on spaces; AWS does not document how "
            "they read CloudTrail's JSON records",
            event_name=event_name,
        )
    search = CoverageSearch(parsed, case, budget)
    # Cases whose fixed fields give every condition the same constant value (the six gateway
    # events, for a pattern that never reads eventName) have the same proof: search once.
    shared_key = (text, case.condition, search.signature(), budget)
    shared = _SHARED_SEARCHES.get(shared_key)
    if shared is None:
        search.run()
        _remember(shared_key, search.outcome())
    else:
        search.replay(shared)
    found = search.findings
    if found.counterexample is not None:
        described = describe(
            found.counterexample_env,
            search.formula.conditions,
            search.formula.pattern_variables(),
        )
        reason = (
            f"{article(event_name)} {event_name} record with {described} does not match"
            if described
            else f"the pattern can never match a {event_name} record"
        )
        return Coverage(Verdict.MISSED, reason, found.counterexample, event_name)
    undecided = found.exhausted or found.unknown or found.unrealized
    typical = _typical_miss(parsed, case) if undecided else None
    if typical is not None:  # the search stopped short of it: a real record still misses
        return Coverage(Verdict.MISSED, ordinary_miss(event_name), typical, event_name)
    if found.exhausted:
        why = found.unknown or f"the proof needs more than its budget of {budget:,} steps"
        return Coverage(Verdict.UNKNOWN, f"undecided: {why}", event_name=event_name)
    if found.unknown:
        return Coverage(
            Verdict.UNKNOWN,
            f"whether every {event_name} record matches depends on {found.unknown}, "
            "which AWS does not document",
            event_name=event_name,
        )
    if found.unrealized:
        return Coverage(
            Verdict.UNKNOWN,
            f"{article(event_name)} {event_name} record with {found.unrealized} might not match, "
            "but no such record could be built to prove it",
            event_name=event_name,
        )
    return Coverage(Verdict.CAUGHT, f"every {event_name} record matches", event_name=event_name)


# ------------------------------------------------------------------------------ typical records


def ordinary_miss(event_name: str) -> str:
    """Why a pattern that misses an ordinary record of the event MISSES it."""
    return f"an ordinary {event_name} record does not match"


def misses_the_typical_record(pattern: str, case: RecordCase) -> bool:
    """Does the JSON pattern, for certain, not match an ordinary record of the case (CloudTrail's
    typical record of it, or the one with only the fields every record has)?

    Then the pattern MISSES the case (that record is the counterexample), whatever the proof
    would add: the path search needs only the verdict for most filters, so it asks this first
    (one concrete match, a few microseconds) and proves only what it must explain or cannot
    settle this way. `cached_coverage` answers MISSED for such a pattern too: with its own
    counterexample and reason when its search finds one, with this record otherwise."""
    return _typical_miss_of_text(pattern, case) is not None


@lru_cache(maxsize=16384)
def _typical_miss_of_text(text: str, case: RecordCase) -> dict | None:
    return _typical_miss(parse(text), case)


def _typical_miss(pattern: ast.Pattern, case: RecordCase) -> dict | None:
    """An ordinary record of the case when the JSON pattern surely rejects it."""
    record = _typical_record(case)
    if record is None or not isinstance(pattern, ast.JsonPattern):
        return None
    outcome = evaluate(pattern, record)
    return record if not outcome.value and outcome.doubt is None else None


@lru_cache(maxsize=1024)
def _typical_record(case: RecordCase) -> dict | None:
    """An ordinary record of the case: its typical record (`base_record`), or the one with
    only the fields every record has when the typical one is not, for certain, of the case
    (a record class such as "received by this account"); None when neither is."""
    condition = case_pattern(case)
    for typical in (True, False):
        record = base_record(case, typical=typical)
        if violation(record) is not None:
            continue
        if condition is not None:
            outcome = evaluate(condition, record)
            if not outcome.value or outcome.doubt is not None:
                continue
        return record
    return None
