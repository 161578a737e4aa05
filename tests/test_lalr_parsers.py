"""The generated parsers (`prowler_ext/lalr_parsers.py`, written by `python -m tools.parsers`):
their tables are those Lark computes from the grammars today, they parse every input as a
parser Lark builds from the grammar does, and the plug-in imports without Lark."""

from __future__ import annotations

import subprocess
import sys

import pytest
from filterpattern_strategies import json_asts, mutated_patterns, render
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark
from lark.exceptions import UnexpectedInput

from prowler_ext import lalr_parsers
from tools import parsers as generator

SPECS = {spec.name: spec for spec in generator.PARSERS}


def _lark(name: str) -> Lark:
    spec = SPECS[name]
    return Lark(
        spec.text(),
        parser="lalr",
        lexer="contextual",
        start=list(spec.start),
        maybe_placeholders=spec.maybe_placeholders,
    )


LARK = {name: _lark(name) for name in SPECS}
GENERATED = {name: lalr_parsers.load(getattr(lalr_parsers, name)) for name in SPECS}


def _shape(tree_or_token) -> object:
    """A tree as plain data (rule names, token types and texts), whichever runtime built it."""
    children = getattr(tree_or_token, "children", None)
    if children is None:
        if tree_or_token is None:
            return None
        return (tree_or_token.type, str(tree_or_token))
    return (str(tree_or_token.data), [_shape(child) for child in children])


def _outcome(name: str, parser, text: str, start: str) -> object:
    expected = (UnexpectedInput, lalr_parsers.UnexpectedInput)
    try:
        return _shape(parser.parse(text, start=start))
    except expected as error:
        position = getattr(error, "pos_in_stream", None)
        token = getattr(error, "token", None)
        return ("error", type(error).__name__, position, token and str(token))


def _same(name: str, text: str, start: str) -> None:
    assert _outcome(name, GENERATED[name], text, start) == _outcome(
        name, LARK[name], text, start
    ), text


def test_the_recorded_grammars_are_the_ones_in_the_repository():
    assert generator.stale() == []
    assert (
        subprocess.run(
            [sys.executable, "-m", "tools.parsers", "--check"], capture_output=True
        ).returncode
        == 0
    )


def test_a_changed_grammar_is_reported(tmp_path, monkeypatch):
    changed = tmp_path / "grammar.lark"
    changed.write_text(SPECS["FILTER_PATTERN"].text() + "\n// one more line\n")
    spec = generator.ParserSpec("FILTER_PATTERN", changed, ("json_pattern",), False)
    output = tmp_path / "lalr_parsers.py"
    output.write_text(generator.OUTPUT.read_text())
    monkeypatch.setattr(generator, "PARSERS", (spec,))
    monkeypatch.setattr(generator, "REPO", tmp_path)
    monkeypatch.setattr(generator, "OUTPUT", output)
    assert generator.stale() == ["grammar.lark"]
    assert generator.main(["--check"]) == 1


FILTER_EXAMPLES = [
    "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) }",
    '{ $.eventSource = "ec2.amazonaws.com" && $.eventName = *InternetGateway }',
    "{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS }",
    "{ $.a[0].b = %^x[0-9]+$% || $.['key.with.dots'] IS NULL || $.* = 1 }",
    "{ ($.x > 1.5e3) && ($.y != -2) && ($.z IS TRUE) }",
    "[ip, user, ..., status = 4*, size >= 100 && size < 200,]",
    '?CreateInternetGateway ?"Delete InternetGateway" -ignored %[0-9]{3}%',
    "",
    "{ $.eventName = }",
    "{ $.eventName = 'single' }",
    "{ ($.a = 1 }",
    "[a, b",
    '"unclosed',
    "{ eventName = x }",
]


@pytest.mark.parametrize("text", FILTER_EXAMPLES)
@pytest.mark.parametrize("start", SPECS["FILTER_PATTERN"].start)
def test_filter_patterns_parse_as_lark_parses_them(text, start):
    _same("FILTER_PATTERN", text, start)


@settings(max_examples=150, deadline=None)
@given(st.one_of(json_asts().map(render), mutated_patterns()))
def test_generated_and_mutated_patterns_parse_as_lark_parses_them(text):
    for start in SPECS["FILTER_PATTERN"].start:
        _same("FILTER_PATTERN", text, start)


@pytest.mark.parametrize(
    "text",
    [
        "IF(m1 > 0, 1, 0)",
        "FILL(m1, 0) + -m2 ^ 2 * 3 / 4",
        "SUM([m1, m2]) >= 1 AND NOT m3 || m4 != 2",
        'SEARCH(\'{AWS/EC2} MetricName="CPU"\', "Sum", 300)',
        "METRICS()",
        "m1 +",
        "(m1",
        "1 2",
    ],
)
def test_metric_math_parses_as_lark_parses_it(text):
    _same("METRIC_MATH", text, "start")


def test_the_plug_in_imports_without_lark_or_regex():
    code = (
        "import sys, prowler_ext.prowler_check, prowler_ext.control, "
        "prowler_ext.remediation.registration\n"
        "from prowler_ext.filterpattern import parse\n"
        "from prowler_ext.chain import metric_math\n"
        "parse('{ $.eventName = CreateInternetGateway }')\n"
        "metric_math.parse('m1 + 1')\n"
        "print(sorted(m for m in ('lark', 'regex') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
