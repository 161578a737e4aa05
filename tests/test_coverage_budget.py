"""The proof's budget: any pattern's six questions cost bounded work, the same on every machine.

The budget counts work (branches, formula nodes simplified, field pairs checked), not time, so
these tests assert on the work counted and on the answers, never on timings;
`benchmarks.filterpattern_bench` prints the time the worst patterns take.
"""

from __future__ import annotations

import pytest

from benchmarks.filterpattern_bench import (
    BENCHMARK_PATTERN,
    BUDGET_EXHAUSTING,
    EVENTS,
    SLOWEST_RANDOM,
    SLOWEST_RANDOM_PER_EVENT,
    adversarial_patterns,
    generate_patterns,
)
from prowler_ext.filterpattern import PatternError, Verdict, coverage, parse, purge_caches
from prowler_ext.filterpattern.cloudtrail import case_of
from prowler_ext.filterpattern.coverage import DEFAULT_BUDGET
from prowler_ext.filterpattern.coverage_search import CoverageSearch


def _search(text: str, event: str, budget: int = DEFAULT_BUDGET) -> CoverageSearch:
    search = CoverageSearch(parse(text), case_of(event), budget)
    search.run()
    return search


@pytest.mark.parametrize("text", [SLOWEST_RANDOM, SLOWEST_RANDOM_PER_EVENT])
def test_the_worst_patterns_known_stop_at_the_budget_and_say_so(text):
    purge_caches()
    for event in EVENTS:
        search = _search(text, event)
        assert search.findings.exhausted
        # one step past the budget at most: the check runs before every branch
        assert DEFAULT_BUDGET < search.spent() <= DEFAULT_BUDGET * 1.05
        answer = coverage(text, event)
        assert answer.verdict is Verdict.UNKNOWN
        assert answer.reason == (
            f"undecided: the proof needs more than its budget of {DEFAULT_BUDGET:,} steps"
        )


def test_with_a_larger_budget_the_same_pattern_is_proved():
    """The budget, not the engine, is what makes the answer UNKNOWN."""
    search = _search(SLOWEST_RANDOM, EVENTS[0], budget=2_000_000)
    assert not search.findings.exhausted
    assert search.spent() > DEFAULT_BUDGET
    assert coverage(SLOWEST_RANDOM, EVENTS[0], budget=2_000_000).verdict is Verdict.CAUGHT


def test_the_budget_counts_formula_work_not_only_branches():
    """A pattern with few branches over a large formula still spends its budget: each node
    simplified counts."""
    search = _search(SLOWEST_RANDOM, EVENTS[0], budget=10**9)
    assert search.formula.work > search.steps


def test_realistic_patterns_are_far_below_the_budget():
    """What real accounts hold (the CIS patterns, 1,000 generated realistic ones, the
    pathological flat ones) is decided well inside the budget: it is not what makes an answer
    UNKNOWN."""
    patterns = [BENCHMARK_PATTERN, BUDGET_EXHAUSTING, *generate_patterns(1000, 7)]
    worst = 0
    for text in patterns:
        try:
            parsed = parse(text)
        except PatternError:  # generated patterns include invalid ones, on purpose
            continue
        if not hasattr(parsed, "conditions"):
            continue
        for event in EVENTS[:2]:
            worst = max(worst, _search(text, event).spent())
    assert worst < DEFAULT_BUDGET / 10


def test_generated_adversarial_patterns_are_long_nested_and_reproducible():
    first = adversarial_patterns(20, 5)
    assert first == adversarial_patterns(20, 5)
    assert all(400 <= len(text) <= 1024 for text in first)
    assert all(text.count("(") >= 3 for text in first)


def test_a_pattern_the_search_cannot_settle_still_misses_a_record_cloudtrail_writes():
    """The search alone runs out of budget on the first conjunct; the second one rejects
    CloudTrail's typical record (userName alice) for certain, so the pattern MISSES, with
    that record."""
    from prowler_ext.filterpattern import matches, misses_the_typical_record, violation

    text = "{ (" + SLOWEST_RANDOM.strip()[1:-1] + ') && $.userIdentity.userName = "mallory" }'
    event = EVENTS[0]
    purge_caches()
    assert _search(text, event).findings.exhausted
    answer = coverage(text, event)
    assert answer.verdict is Verdict.MISSED
    assert answer.reason == f"an ordinary {event} record does not match"
    assert violation(answer.counterexample) is None
    assert answer.counterexample["eventName"] == event
    assert answer.counterexample["userIdentity"]["userName"] == "alice"
    assert not matches(text, answer.counterexample)
    assert misses_the_typical_record(text, case_of(event))
