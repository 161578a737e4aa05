"""Property-based tests for prowler_ext.filterpattern.

(a) CAUGHT is sound: every random record of the event matches,
(b) every MISSED counterexample is a record of the event that matches() rejects,
(c) reordering operands, redundant parentheses, whitespace and optional quotes change nothing,
(d) parse() on arbitrary text either returns or raises PatternError, nothing else,
(e) coverage() of pathological 1024-character patterns returns in bounded time,
plus matches()/coverage() against a small reference semantics of the generated sub-language.
"""

from __future__ import annotations

import functools
import json
import os
import random
import time

import pytest
from filterpattern_strategies import (
    EVENTS,
    FIXED_SELECTORS,
    FREE_SELECTORS,
    SEED_PATTERNS,
    TextPattern,
    any_records,
    assert_fixed_fields,
    cloudtrail_records,
    compact,
    eval_ast,
    gateway_biased_asts,
    json_asts,
    mutated_patterns,
    n_conditions,
    reference_verdict,
    render,
    shuffled,
    text_patterns,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from prowler_ext.filterpattern import (
    Coverage,
    Pattern,
    PatternError,
    Verdict,
    coverage,
    matches,
    parse,
)
from prowler_ext.filterpattern.ast import JsonPattern

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
# FP_EXAMPLES_SCALE=20 runs every property 20 times longer (bug hunting); default keeps each
# test around a second or two
SCALE = max(1, int(os.environ.get("FP_EXAMPLES_SCALE", "1")))


def N(n: int) -> int:
    return n * SCALE


BENCHMARK = NETWORK_GATEWAY_CHANGES.benchmark_pattern

# a fixed corpus of realistic patterns, on top of the generated ones
CORPUS = (
    BENCHMARK,
    "{ ($.eventSource = ec2.amazonaws.com) && (" + BENCHMARK[1:-1] + ") }",
    "{ (" + BENCHMARK[1:-1] + ") && ($.userIdentity.type = Root) }",
    "{ (" + BENCHMARK[1:-1] + ") && $.awsRegion = us-east-1 }",
    "{ (" + BENCHMARK[1:-1] + ") && $.errorCode NOT EXISTS }",
    "{ (" + BENCHMARK[1:-1] + ') && $.errorCode != "AccessDenied" }',
    "{ $.eventName = *InternetGateway }",
    "{ $.eventName = *Gateway }",
    "{ $.eventName = Create* || $.eventName = Delete* }",
    "{ $.eventName = %Gateway% }",
    "{ $.eventName = %^[A-Z][a-z]+InternetGateway$% }",
    "{ $.eventName = * }",
    "{ $.eventCategory = Management && $.readOnly IS FALSE }",
    "{ $.managementEvent IS TRUE && $.eventName != CreateVpc }",
    "{ $.errorCode IS NULL || $.eventName = *CustomerGateway }",
    "{ $.eventName = %Gateway% && ($.errorCode NOT EXISTS || $.errorCode = *) }",
    "?CreateCustomerGateway ?DeleteCustomerGateway ?AttachInternetGateway "
    "?CreateInternetGateway ?DeleteInternetGateway ?DetachInternetGateway",
    "CreateInternetGateway",
    "Gateway -Root",
    "Gateway AwsApiCall",
    '"ec2.amazonaws.com"',
    "",
    '""',
)


@functools.lru_cache(maxsize=4096)
def cached_coverage(pattern: str, event: str) -> Coverage:
    cov = coverage(pattern, event)
    _check_cov_shape(cov)
    return cov


def _check_cov_shape(cov) -> None:
    assert isinstance(cov, Coverage)
    assert isinstance(cov.verdict, Verdict)
    assert isinstance(cov.reason, str) and cov.reason.strip()
    if cov.verdict != "MISSED":
        assert cov.counterexample is None


def _check_counterexample(pattern, event, cov) -> None:
    cx = cov.counterexample
    assert_fixed_fields(cx, event)
    json.dumps(cx)
    assert matches(pattern, cx) is False, f"{pattern!r} matches its counterexample {cx!r}"
    assert matches(pattern, compact(cx)) is False


def corpus_patterns():
    return st.one_of(
        st.sampled_from(CORPUS),
        gateway_biased_asts().map(render),
        text_patterns().map(lambda t: t.render()),
    )


# --------------------------------------------------------------------------------------------
# (a) CAUGHT is sound
# --------------------------------------------------------------------------------------------


@settings(max_examples=N(80), **SETTINGS)
@given(pattern=corpus_patterns(), event=st.sampled_from(EVENTS), data=st.data())
def test_caught_patterns_match_every_random_record(pattern, event, data):
    cov = cached_coverage(pattern, event)
    if cov.verdict != "CAUGHT":
        return
    for _ in range(4):
        rec = data.draw(cloudtrail_records(event))
        assert matches(pattern, rec) is True, f"CAUGHT but {pattern!r} rejects {rec!r}"
        assert matches(pattern, compact(rec)) is True


@settings(max_examples=N(60), **SETTINGS)
@given(event=st.sampled_from(EVENTS), data=st.data())
def test_benchmark_matches_every_random_record(event, data):
    for pattern in CORPUS[:2]:
        rec = data.draw(cloudtrail_records(event))
        assert matches(pattern, rec) is True


# --------------------------------------------------------------------------------------------
# (b) MISSED counterexamples are real
# --------------------------------------------------------------------------------------------


@settings(max_examples=N(150), **SETTINGS)
@given(pattern=corpus_patterns(), event=st.sampled_from(EVENTS))
def test_missed_counterexample_is_a_rejected_record_of_the_event(pattern, event):
    cov = cached_coverage(pattern, event)
    if cov.verdict == "MISSED":
        _check_counterexample(pattern, event, cov)


@settings(max_examples=N(150), **SETTINGS)
@given(pattern=corpus_patterns(), event=st.sampled_from(EVENTS))
def test_a_pattern_missing_an_ordinary_record_is_missed_by_the_proof_too(pattern, event):
    """The path search's shortcut (an ordinary record the pattern surely rejects: MISSED
    without a proof) never disagrees with the proof, and that record is a real one."""
    from prowler_ext.filterpattern import api_call, misses_the_typical_record

    if not isinstance(parse(pattern), JsonPattern):
        return
    if misses_the_typical_record(pattern, api_call(event)):
        assert cached_coverage(pattern, event).verdict is Verdict.MISSED, pattern
        record = _ordinary_record(event)
        assert_fixed_fields(record, event)
        assert matches(pattern, record) is False
        assert matches(pattern, compact(record)) is False


def _ordinary_record(event: str) -> dict:
    from prowler_ext.filterpattern import api_call
    from prowler_ext.filterpattern.coverage import _typical_record

    return _typical_record(api_call(event))


# --------------------------------------------------------------------------------------------
# the generated sub-language has an exact answer
# --------------------------------------------------------------------------------------------


@settings(max_examples=N(150), **SETTINGS)
@given(ast=gateway_biased_asts(), event=st.sampled_from(EVENTS))
def test_json_verdict_equals_reference(ast, event):
    """Over eventName/eventSource/eventType (fixed) and awsRegion/errorCode/userIdentity.type
    (free) with =, !=, prefix/suffix wildcards, '= *', NOT EXISTS, IS NULL, && and ||, nothing
    is unconfirmed: the verdict is CAUGHT or MISSED, and it is computable (see
    filterpattern_strategies.reference_verdict)."""
    pattern = render(ast)
    assume(len(pattern) <= 1024)
    cov = cached_coverage(pattern, event)
    expected = reference_verdict(ast, event)
    assert cov.verdict == expected, f"{pattern!r} on {event}: {cov.verdict} ({cov.reason})"


@settings(max_examples=N(200), **SETTINGS)
@given(tp=text_patterns(), event=st.sampled_from(EVENTS))
def test_text_verdict_equals_reference(tp: TextPattern, event):
    pattern = tp.render()
    cov = cached_coverage(pattern, event)
    assert cov.verdict == tp.reference_verdict(event), (
        f"{pattern!r} on {event}: {cov.verdict} ({cov.reason})"
    )
    if cov.verdict == "MISSED":
        _check_counterexample(pattern, event, cov)


@settings(max_examples=N(150), **SETTINGS)
@given(ast=json_asts(max_leaves=5), rec=any_records())
def test_json_matches_agrees_with_reference(ast, rec):
    pattern = render(ast)
    expected = eval_ast(ast, rec)
    assume(expected is not None)
    assert matches(pattern, rec) is expected, f"{pattern!r} on {compact(rec)}"


@settings(max_examples=N(100), **SETTINGS)
@given(ast=json_asts(max_leaves=4), event=st.sampled_from(EVENTS), data=st.data())
def test_json_matches_agrees_with_reference_on_event_records(ast, event, data):
    pattern = render(ast)
    rec = data.draw(cloudtrail_records(event))
    expected = eval_ast(ast, rec)
    assume(expected is not None)
    assert matches(pattern, rec) is expected, f"{pattern!r} on {compact(rec)}"


@settings(max_examples=N(120), **SETTINGS)
@given(tp=text_patterns(), event=st.sampled_from(EVENTS), data=st.data())
def test_text_matches_agrees_with_reference(tp: TextPattern, event, data):
    pattern = tp.render()
    rec = data.draw(st.one_of(cloudtrail_records(event), any_records()))
    text = compact(rec)
    expected = tp.evaluate(text)
    assert matches(pattern, text) is expected, f"{pattern!r} on {text}"
    assert matches(pattern, rec) is expected, f"{pattern!r} on dict {text}"


@settings(max_examples=N(100), **SETTINGS)
@given(ast=json_asts(max_leaves=5), rec=any_records())
def test_matches_accepts_pattern_objects_and_pretty_json(ast, rec):
    pattern = render(ast)
    parsed = parse(pattern)
    assert isinstance(parsed, Pattern)
    r = matches(pattern, rec)
    assert r in (True, False)
    assert matches(parsed, rec) is r
    assert matches(pattern, compact(rec)) is r
    assert matches(pattern, json.dumps(rec, indent=2)) is r  # JSON patterns ignore layout


# --------------------------------------------------------------------------------------------
# (c) equivalent spellings
# --------------------------------------------------------------------------------------------


@settings(max_examples=N(60), **SETTINGS)
@given(
    ast=gateway_biased_asts(),
    seed=st.integers(0, 2**32 - 1),
    event=st.sampled_from(EVENTS),
    data=st.data(),
)
def test_equivalent_spellings_same_verdict_and_matches(ast, seed, event, data):
    rng = random.Random(seed)
    canonical = render(ast)
    variant = render(shuffled(ast, rng), rng)
    assume(len(canonical) <= 1024 and len(variant) <= 1024)
    c1 = cached_coverage(canonical, event)
    c2 = cached_coverage(variant, event)
    assert c1.verdict == c2.verdict, f"{canonical!r}: {c1.verdict}, {variant!r}: {c2.verdict}"
    for _ in range(3):
        rec = data.draw(st.one_of(cloudtrail_records(event), any_records()))
        assert matches(canonical, rec) is matches(variant, rec), (
            f"{canonical!r} vs {variant!r} on {compact(rec)}"
        )


@settings(max_examples=N(100), **SETTINGS)
@given(ast=json_asts(max_leaves=5), event=st.sampled_from(EVENTS), data=st.data())
def test_quotes_around_bare_values_change_nothing(ast, event, data):
    bare = render(ast, quote_all=False)
    quoted = render(ast, quote_all=True)
    assume(len(quoted) <= 1024)
    assert cached_coverage(bare, event).verdict == cached_coverage(quoted, event).verdict
    rec = data.draw(st.one_of(cloudtrail_records(event), any_records()))
    assert matches(bare, rec) is matches(quoted, rec)


@settings(max_examples=N(100), **SETTINGS)
@given(tp=text_patterns(), seed=st.integers(0, 2**32 - 1), event=st.sampled_from(EVENTS))
def test_text_spellings_same_verdict(tp: TextPattern, seed, event):
    a = tp.render()
    b = tp.render(random.Random(seed))
    assert cached_coverage(a, event).verdict == cached_coverage(b, event).verdict, (a, b)


@settings(max_examples=N(60), **SETTINGS)
@given(order=st.permutations(EVENTS), seed=st.integers(0, 2**32 - 1))
def test_benchmark_permutations_catch_all(order, seed):
    rng = random.Random(seed)

    def ws():
        return rng.choice(["", " ", "  ", "\t", "\n"])

    parts = []
    for name in order:
        val = f'"{name}"' if rng.random() < 0.5 else name
        cond = f"$.eventName{ws()}={ws()}{val}"
        if rng.random() < 0.6:
            cond = f"({ws()}{cond}{ws()})"
        elif not val.endswith('"'):
            cond = cond + " "
        parts.append(cond)
    pattern = "{" + ws() + (ws() + "||" + ws()).join(parts) + ws() + "}"
    for event in EVENTS:
        assert cached_coverage(pattern, event).verdict == "CAUGHT", pattern


# --------------------------------------------------------------------------------------------
# (d) the parser never crashes
# --------------------------------------------------------------------------------------------


def _parse_total(text: str):
    try:
        p = parse(text)
    except PatternError as e:
        assert isinstance(e, ValueError)
        assert isinstance(e.message, str) and e.message.strip()
        assert str(e).strip()
        assert isinstance(e.position, int) and 0 <= e.position <= len(text), (
            e.position,
            len(text),
        )
        return None
    assert isinstance(p, Pattern)
    return p


@settings(max_examples=N(400), **SETTINGS)
@given(text=st.text(max_size=200))
def test_parse_arbitrary_text_is_total(text):
    _parse_total(text)


@settings(max_examples=N(300), **SETTINGS)
@given(text=st.text(alphabet="{}()[]|&$.=\"%*!?-\\ '\tabcIS NULLTRUEFALSENOTEXISTS01", max_size=80))
def test_parse_symbol_soup_is_total(text):
    _parse_total(text)


@settings(max_examples=N(250), **SETTINGS)
@given(text=mutated_patterns(), event=st.sampled_from(EVENTS), data=st.data())
def test_mutated_patterns_parse_or_raise_and_never_crash_later(text, event, data):
    p = _parse_total(text)
    if p is None:
        return
    cov = coverage(p, event)
    _check_cov_shape(cov)
    if cov.verdict == "MISSED":
        _check_counterexample(p, event, cov)
    rec = data.draw(cloudtrail_records(event))
    r = matches(p, rec)
    assert r in (True, False)
    if cov.verdict == "CAUGHT":
        assert r is True, f"CAUGHT but {text!r} rejects {compact(rec)}"


@settings(max_examples=N(100), **SETTINGS)
@given(text=st.text(max_size=60), rec=st.text(max_size=60))
def test_matches_arbitrary_text_is_total(text, rec):
    p = _parse_total(text)
    if p is not None:
        assert matches(p, rec) in (True, False)


# --------------------------------------------------------------------------------------------
# (e) pathological patterns return in bounded time
# --------------------------------------------------------------------------------------------

# members of an open object (userIdentity holds more members than CloudTrail lists): each may
# be absent or hold anything, which is what the pathological patterns need
FREE_KEYS = [f"userIdentity.f{i}" for i in range(80)]


def _fill(make, limit=1024):
    """Add conditions made by make(i) while the pattern stays within `limit` characters."""
    out = None
    i = 0
    while True:
        candidate = make(i)
        if len(candidate) > limit:
            return out
        out = candidate
        i += 1


def _pathological():
    pats = {}
    pats["or-of-ands"] = _fill(
        lambda n: (
            "{ "
            + " || ".join(
                f"($.{FREE_KEYS[2 * k]} = a{k} && $.{FREE_KEYS[2 * k + 1]} != b{k})"
                for k in range(n + 1)
            )
            + " }"
        )
    )
    pats["and-of-ors"] = _fill(
        lambda n: (
            "{ $.eventName = CreateInternetGateway && "
            + " && ".join(
                f"($.{FREE_KEYS[2 * k]} NOT EXISTS || $.{FREE_KEYS[2 * k + 1]} IS NULL)"
                for k in range(n + 1)
            )
            + " }"
        )
    )
    pats["bench-or-noise"] = _fill(
        lambda n: (
            "{ ("
            + BENCHMARK[1:-1]
            + ") || "
            + " || ".join(f"($.{FREE_KEYS[k]} = x && $.e{k} = *y)" for k in range(n + 1))
            + " }"
        )
    )
    pats["nested-mix"] = _fill(
        lambda n: (
            "{ "
            + "".join(f"($.{FREE_KEYS[k]} = v{k} || $.g{k} != w && " for k in range(n + 1))
            + "$.eventName = *Gateway"
            + ")" * (n + 1)
            + " }"
        )
    )
    pats["same-field-many-values"] = _fill(
        lambda n: (
            "{ $.eventName = *Gateway && ("
            + " || ".join(
                f"$.userIdentity.type = T{k} || $.awsRegion != r{k}" for k in range(n + 1)
            )
            + ") }"
        )
    )
    pats["nested-selectors"] = _fill(
        lambda n: (
            "{ "
            + " || ".join(
                f"$.requestParameters.b{k}.c[{k}].d = v{k} && $.requestParameters.b{k} NOT EXISTS"
                for k in range(n + 1)
            )
            + " }"
        )
    )
    return pats


PATHOLOGICAL = _pathological()


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_pattern_coverage_is_bounded(name):
    pattern = PATHOLOGICAL[name]
    assert pattern is not None and 900 < len(pattern) <= 1024, (name, len(pattern))
    assert pattern.count("$.") >= 24  # dozens of free-field conditions
    for event in ("CreateInternetGateway", "DeleteCustomerGateway"):
        start = time.perf_counter()
        cov = coverage(pattern, event)
        elapsed = time.perf_counter() - start
        assert elapsed < 10, f"{name}: coverage took {elapsed:.1f}s"
        _check_cov_shape(cov)
        if cov.verdict == "MISSED":
            _check_counterexample(pattern, event, cov)
        if name == "bench-or-noise":
            assert cov.verdict in ("CAUGHT", "UNKNOWN")
        elif name in ("or-of-ands", "and-of-ors", "nested-mix", "nested-selectors"):
            assert cov.verdict != "CAUGHT"  # every disjunct needs a free field


def test_pathological_text_patterns_are_bounded():
    for pattern in (
        " ".join("?" + e for e in EVENTS * 8)[:1024],
        " ".join(f"-t{k}" for k in range(200))[:1024],
        " ".join(f'"w {k}"' for k in range(200))[:1024],
    ):
        pattern = pattern.rstrip(' -?"')
        p = _parse_total(pattern)
        if p is None:
            continue
        start = time.perf_counter()
        cov = coverage(p, "CreateInternetGateway")
        assert time.perf_counter() - start < 10
        _check_cov_shape(cov)


_TIMED_SNIPPET = """
import json, sys, time
from prowler_ext.filterpattern import coverage, matches
from prowler_ext.control import NETWORK_GATEWAY_CHANGES
kind, pattern, arg = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
if kind == "coverage":
    result = coverage(pattern, arg).verdict.value
else:
    result = matches(pattern, json.loads(arg))
print(json.dumps([str(result), time.perf_counter() - start]))
"""


def _run_bounded(kind: str, pattern: str, arg: str, limit: float = 10.0):
    """Run coverage()/matches() in a child process so that a hang fails instead of blocking."""
    import subprocess
    import sys

    try:
        out = subprocess.run(
            [sys.executable, "-c", _TIMED_SNIPPET, kind, pattern, arg],
            capture_output=True,
            text=True,
            timeout=limit + 5,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{kind}({pattern!r}) did not return within {limit + 5:.0f}s")
    assert out.returncode == 0, out.stderr[-2000:]
    result, elapsed = json.loads(out.stdout.strip().splitlines()[-1])
    assert elapsed < limit, f"{kind}({pattern!r}) took {elapsed:.1f}s"
    return result


@pytest.mark.parametrize(
    "pattern",
    [
        # allowed regex characters only; a backtracking engine explodes on these
        "{ $.eventName = %" + ".*" * 16 + "X% }",
        "{ $.eventName = %^" + "[A-Za-z]*" * 12 + "X$% }",
        "{ $.eventName = *Gateway && $.userAgent = %" + ".*" * 16 + "X% }",
    ],
)
def test_pathological_regex_coverage_is_bounded(pattern):
    verdict = _run_bounded("coverage", pattern, "CreateInternetGateway")
    assert verdict in ("MISSED", "UNKNOWN")


def test_pathological_regex_matches_is_bounded():
    pattern = "{ $.userAgent = %^" + "a*" * 14 + "b$% }"
    record = json.dumps({"eventName": "CreateInternetGateway", "userAgent": "a" * 40})
    assert _run_bounded("matches", pattern, record) == "False"


# --------------------------------------------------------------------------------------------
# sanity of the generated sub-language (guards the guards)
# --------------------------------------------------------------------------------------------


def test_reference_helpers_sanity():
    assert set(FIXED_SELECTORS).isdisjoint(FREE_SELECTORS)
    from filterpattern_strategies import And, Cond, Or

    bench = Or(tuple(Cond("eventName", "=", "exact", e) for e in EVENTS))
    assert all(reference_verdict(bench, e) == "CAUGHT" for e in EVENTS)
    narrowed = And((bench, Cond("awsRegion", "=", "exact", "us-east-1")))
    assert all(reference_verdict(narrowed, e) == "MISSED" for e in EVENTS)
    assert n_conditions(narrowed) == 7
    assert render(bench).startswith("{ $.eventName = CreateCustomerGateway ||")
    assert SEED_PATTERNS[0] == BENCHMARK
