"""Regex search (`%...%`) is RE2-backed: Python's `re` answers, in linear time, or a reason.

(a) generated regexes of AWS's dialect agree with `re.search` (outside the documented
differences: `$` before a final newline, `\\b` next to non-ASCII letters); (b) the old
engine's pathological cases finish well within a generous wall-clock guard; (c) what RE2
cannot compile is reported by `unsupported` and raised by `searcher` as ValueError.
"""

from __future__ import annotations

import os
import re
import sys
import time
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prowler_ext.filterpattern import regex
from prowler_ext.filterpattern.regex import searcher, unsupported

SCALE = max(1, int(os.environ.get("FP_EXAMPLES_SCALE", "1")))
GUARD_S = 2.0  # generous: each case takes milliseconds on a busy 2-core machine


def python_search(pattern: str, text: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return re.search(pattern, text) is not None


# ------------------------------------------------------------------ (a) agreement with `re`

_SYMBOLS = [":", "_", "#", "=", "@", "/", ";", ",", "-"]
_LETTERS = ["a", "b", "c", "x", "A", "Z"]
_DIGITS = ["0", "1", "7", "9"]
_CATEGORIES = [r"\d", r"\D", r"\s", r"\S", r"\w", r"\W"]
_HEX = [r"\x41", r"\x61", r"\x2d", r"\x20", r"\x3a"]
_ESCAPED = [r"\.", r"\-", r"\^", r"\$", r"\*", r"\+", r"\?", r"\[", r"\]", r"\|", r"\\"]

_CLASS_ITEMS = _LETTERS + _DIGITS + _SYMBOLS[:-1] + _CATEGORIES + _HEX + [r"\-", r"\]"]
_CLASS_ITEMS += ["a-c", "0-5", "A-Z", "x-z", "#-/", r"\x30-\x39"]
_char_class = st.tuples(
    st.sampled_from(["[", "[^"]), st.lists(st.sampled_from(_CLASS_ITEMS), min_size=1, max_size=4)
).map(lambda t: t[0] + "".join(t[1]) + "]")
_ATOMS = _LETTERS + _DIGITS + _SYMBOLS + _CATEGORIES + _HEX + _ESCAPED + ["."]
_QUANTIFIERS = ["", "?", "*", "+", "{2}", "{0,2}", "{1,3}", "{2,}", "{0,}", "*?", "+?", "??"]
_piece = st.one_of(
    st.sampled_from([atom + q for atom in _ATOMS for q in ["", "", *_QUANTIFIERS]]),
    st.tuples(_char_class, st.sampled_from(_QUANTIFIERS)).map("".join),
)
_branch = st.tuples(
    st.sampled_from(["", "", "^"]),
    st.lists(_piece, min_size=0, max_size=5).map("".join),
    st.sampled_from(["", "", "$"]),
).map("".join)
dialect_regex = st.lists(_branch, min_size=1, max_size=3).map("|".join)

_TEXT_CHARS = "abcxAZ0179:_#=@/;,-. \t\n[]\\^$*+?|" + "é٣\u3000日_"
short_text = st.text(alphabet=_TEXT_CHARS, max_size=10)


def _documented_difference(pattern: str, text: str) -> bool:
    # Python's `$` also matches before a final newline; RE2's (ours) only at the very end.
    return "$" in pattern.replace(r"\$", "") and "\n" in text


@settings(
    max_examples=100 * SCALE,  # three regexes each: 300 regexes
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(dialect_regex, min_size=3, max_size=3),
    st.lists(short_text, min_size=2, max_size=4),
)
def test_searcher_agrees_with_python_re(patterns, texts):
    for pattern in patterns:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                re.compile(pattern)
        except re.error:
            assert unsupported(pattern) is not None
            continue
        assert unsupported(pattern) is None, pattern
        search = searcher(pattern)
        for text in texts:
            if _documented_difference(pattern, text):
                continue
            assert search(text) == python_search(pattern, text), (pattern, text)


@pytest.mark.parametrize(
    "pattern, text",
    [
        (r"\d{3}", "tel ١٢٣"),  # Arabic-Indic digits are \d for Python
        (r"\w+\s\w+", "José\u3000Liñux"),  # ideographic space is \s
        (r"[^\W\d]{4}", "ab١cdé"),
        (r"\S+é", "naïvé"),
        (r"[à-ÿ]x", "éx"),
        (r"[à-ÿ]x", "Āx"),
        (r"[^é]", "é"),
        (r"\xe9.", "é\n"),
        (r"^.{2}$", "日本"),
        (r"^\W$", "\ud800"),  # a lone surrogate (from JSON "\ud800") never breaks the search
        (r"\x1c", "\x1c"),
        (r"\s", "\x1c"),  # Python's \s has the ASCII separators U+001C..U+001F
        (r"\s", "\x85"),
        (r"a{0,3}$", ""),
        (r"x|", "q"),
        (r"[^\s\S]", "anything"),
        (r"[^\s\S]{0,2}", ""),
        (r"Create.*Gateway", "CreateInternetGateway"),
    ],
)
def test_unicode_and_edge_cases_agree_with_python(pattern, text):
    assert searcher(pattern)(text) == python_search(pattern, text)


def test_long_texts_take_both_mappings_of_non_ascii_characters():
    mostly_ascii = ("x" * 5000 + "José ١٢ ") * 12  # few non-ASCII runs
    mostly_not = "日本語١٢é " * 2000  # one long run
    for text in (mostly_ascii, mostly_not):
        for pattern in (r"\w+é", r"é\d+\s", r"\d\d\s", r"[^\x00-\x7f]{3}", r"x{1000}J", r"本\W"):
            assert searcher(pattern)(text) == python_search(pattern, text), pattern


def test_many_non_ascii_ranges_need_the_utf8_alphabet():
    ranges = "".join(f"{chr(0x100 + 3 * i)}-{chr(0x101 + 3 * i)}" for i in range(60))
    pattern = f"x[{ranges}]+y|[^{ranges}\\w]z"
    assert not regex._compile(pattern).encoding == "latin-1"  # more than 128 representatives
    for text in ("x\u0100\u0104y", "x\u0102y", "\u0102z", "\u0103z", "日z", "éz", " z"):
        assert searcher(pattern)(text) == python_search(pattern, text), text


def test_python_categories_are_the_predicates_the_alphabet_uses():
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert "".join(re.findall(r"\d", everything)) == "".join(filter(str.isdecimal, everything))
    assert "".join(re.findall(r"\s", everything)) == "".join(filter(str.isspace, everything))
    word = "".join(re.findall(r"\w", everything))
    assert word == "".join(c for c in everything if c.isalnum() or c == "_")
    # the four kinds the representatives cover: a digit is a word character, no space is one
    assert set(filter(str.isspace, word)) == set()
    assert set(filter(str.isdecimal, everything)) <= set(word)


def test_documented_differences():
    # `$`: strict end of text (Python's also matches before a final newline)
    assert searcher("a$")("a") and not searcher("a$")("a\n")
    assert python_search("a$", "a\n")
    # `\b` sees only ASCII word characters (Python: Unicode); `\b` is outside AWS's dialect
    assert not python_search(r"é\b", "éa") and searcher(r"é\b")("éa")


def test_searcher_is_cached():
    assert searcher("Create.*Gateway") is searcher("Create.*Gateway")


# ------------------------------------------------------------------ (b) linear time

_N = 256 * 1024
PATHOLOGICAL = [  # each is absent from its text; Python's `re` takes minutes on the first ones
    ("a*a*b", "a" * 8000),
    ("a*a*b", "a" * _N),
    ("a{0,100}a{0,100}a{0,100}b", "a" * 8000),
    ("a{0,100}a{0,100}a{0,100}b", "a" * _N),
    ("x*y*z*a{0,1000}b", "a" * (54 * 1024)),
    ("x*y*z*a{0,1000}b", "a" * _N),
    (".*.*.*.*x", "a" * _N),
    ("q.*.*.*.*x", "q" + "a" * _N),
    ("[a-z]{0,1000}[a-z]{0,1000}x", "a" * _N),
    ("y[a-z]{0,1000}[a-z]{0,1000}x", "y" + "a" * _N),
    ("|".join("a" * i for i in range(1, 45)), "b" * _N),
    ("|".join("a" * i + "b" for i in range(1, 43)), "a" * _N),
    ("|".join("a" * i + "$" for i in range(1, 45)) + "x", "a" * _N + "b"),
    (r"\w" * 512, "word " * (_N // 5)),
    ("^a+a+a+a+$", "a" * _N + "b"),
    (r"^\d*\d*\d*\D$", "1" * _N),
]


@pytest.mark.parametrize("pattern, text", PATHOLOGICAL, ids=lambda v: repr(v)[:30])
def test_pathological_regexes_finish(pattern, text):
    start = time.perf_counter()
    found = searcher(pattern)(text)
    elapsed = time.perf_counter() - start
    assert elapsed < GUARD_S, f"{elapsed:.2f}s"
    assert not found


# ------------------------------------------------------------------ (c) unsupported


@pytest.mark.parametrize(
    "pattern, reason",
    [
        ("xa{1001}", "repetition count 1001"),
        ("xa{2,1001}y", "repetition count 1001"),
        ("a{2000}b", "repetition count 2000"),  # only cut to its minimum, still 2000
        ("[", "invalid regular expression"),
        ("a{3,2}", "invalid regular expression"),
        ("(a)\\1", "back-reference"),
        ("a(?=b)", "look-ahead"),
        ("(?i)abc", "inline flags"),
    ],
)
def test_unsupported_regexes_are_reported_and_raised_as_value_error(pattern, reason):
    assert reason in unsupported(pattern)
    with pytest.raises(ValueError, match=re.escape(reason)):
        searcher(pattern)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="possessive quantifiers: Python 3.11+")
def test_possessive_quantifier_is_unsupported():
    assert "possessive" in unsupported("a*+b")


@pytest.mark.parametrize("pattern", ["a{0,5000}b", "ba{2,1500}", "x*y*z*a{0,1000}b"])
def test_large_counts_at_an_end_are_cut_to_their_minimum(pattern):
    assert unsupported(pattern) is None
    for text in ("b", "xab", "ba", "baa", "a" * 1600 + "b"):
        assert searcher(pattern)(text) == python_search(pattern, text)


def test_regexes_of_the_dialect_are_supported():
    for pattern in (
        r"^arn:aws:iam::\d{12}:user/[\w+=,.@-]{1,64}$",
        r"\xhh".replace("hh", "41") + r"\s\S\w\W\d\D.",
        "Create|Delete|Attach|Detach",
        "a{1000}",
        "[a-z]{0,1000}[0-9]{0,1000}x?",
    ):
        assert unsupported(pattern) is None, pattern
