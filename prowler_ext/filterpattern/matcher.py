"""Concrete matching: does a pattern match one log event? The offline twin of TestMetricFilter."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from . import ast
from .parser import parse
from .values import ABSENT, FALSE, TRUE, Outcome, regex_problem, regex_search, regex_search_any
from .values import evaluate as evaluate_condition


def record_text(record: str | dict) -> str:
    """A log event's text; a dict is written as compact JSON (one way CloudTrail's records
    may be written: coverage never rests on the choice, see `terms`)."""
    if isinstance(record, str):
        return record
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def _check_record(record: object) -> None:
    if not isinstance(record, (str, dict)):
        raise TypeError(
            "a log event is a str (its text) or a dict (a JSON record), "
            f"not {type(record).__name__}"
        )


def matches(pattern: str | ast.Pattern, record: str | dict) -> bool:
    """Does the pattern match this log event (a text line, or a CloudTrail record as a dict)?"""
    return evaluate(pattern, record).value


def evaluate(pattern: str | ast.Pattern, record: str | dict) -> Outcome:
    """The match, and a doubt when the answer rests on behaviour AWS does not document."""
    parsed = parse(pattern)
    _check_record(record)
    if isinstance(parsed, ast.JsonPattern):
        document = record if isinstance(record, dict) else _json_object(record)
        if document is None:
            return FALSE
        return _expression(parsed.expression, document)
    text = record_text(record)
    if isinstance(parsed, ast.TermPattern):
        kinds = {term.kind for term in parsed.terms}
        doubt = None
        if ast.TermKind.OPTIONAL in kinds and len(kinds) > 1:
            doubt = "?terms mixed with other terms"
        regexes = [t.text for t in parsed.terms if t.is_regex]
        doubt = doubt or next((p for p in map(regex_problem, regexes) if p), None)
        return Outcome(terms_match(parsed, text), doubt)
    return Outcome(_delimited_match(parsed, text))


def _json_object(text: str) -> dict | None:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def _expression(node: ast.Expression, document: dict) -> Outcome:
    if isinstance(node, ast.AnyOf):
        doubts = []
        for child in node.children:
            result = _expression(child, document)
            if result.value and result.doubt is None:
                return TRUE
            if result.doubt is not None:
                doubts.append(result)
            elif result.value:
                return result
        likely = any(d.value for d in doubts)
        return Outcome(likely, doubts[0].doubt) if doubts else FALSE
    if isinstance(node, ast.AllOf):
        doubts = []
        for child in node.children:
            result = _expression(child, document)
            if not result.value and result.doubt is None:
                return FALSE
            if result.doubt is not None:
                doubts.append(result)
        likely = all(d.value for d in doubts)
        return Outcome(likely, doubts[0].doubt) if doubts else TRUE
    return condition_outcome(node, document)


def condition_outcome(condition: ast.Condition, document: dict) -> Outcome:
    """One condition against a whole record, selector resolution included."""
    fields, doubt = select(condition.selector, document)
    if not condition.selector.has_wildcard:
        result = evaluate_condition(condition, fields[0])
        return Outcome(result.value, result.doubt or doubt)
    results = _each_value(condition, fields) or [evaluate_condition(condition, ABSENT)]
    surely_one = any(r.value and r.doubt is None for r in results)
    if surely_one and isinstance(condition, ast.Comparison) and condition.op == "=":
        return Outcome(True, doubt)  # one value surely satisfies it: the others do not matter
    value = any(r.value for r in results)
    doubts = [r.doubt for r in results if r.doubt]
    if isinstance(condition, ast.Comparison) and condition.op == "!=":
        doubts.append(f"'!=' with the wildcard selector {condition.selector.text}")
    if isinstance(condition, ast.Test):
        doubts.append(
            f"'{condition.kind.value}' with the wildcard selector {condition.selector.text}"
        )
    return Outcome(value, doubt or (doubts[0] if doubts else None))


def _each_value(condition: ast.Condition, fields: list[Any]) -> list[Outcome]:
    """The condition on each value a wildcard selector reaches; a regex searches all the
    string values at once."""
    if not (
        isinstance(condition, ast.Comparison)
        and condition.op == "="
        and condition.value.kind is ast.ValueKind.REGEX
    ):
        return [evaluate_condition(condition, field) for field in fields]
    strings = [field for field in fields if isinstance(field, str)]
    others = [evaluate_condition(condition, f) for f in fields if not isinstance(f, str)]
    return ([regex_search_any(condition.value.text, strings)] if strings else []) + others


def select(selector: ast.Selector, document: Any) -> tuple[list[Any], str | None]:
    """The values a selector reaches ([ABSENT] when none) and a doubt about key case."""
    current: list[Any] = [document]
    doubt = None
    for step in selector.path:
        following: list[Any] = []
        for node in current:
            if step is ast.Wildcard.ANY:
                if isinstance(node, dict):
                    following.extend(node.values())
                elif isinstance(node, list):
                    following.extend(node)
            elif isinstance(step, int):
                if isinstance(node, list) and step < len(node):
                    following.append(node[step])
            elif isinstance(node, dict):
                if step in node:
                    following.append(node[step])
                elif doubt is None and any(
                    isinstance(k, str) and k.lower() == step.lower() for k in node
                ):
                    doubt = f"the key case of {selector.text}"
        current = following
        if not current:
            return [ABSENT], doubt
    return current, doubt


def terms_match(pattern: ast.TermPattern, text: str) -> bool:
    terms = pattern.effective_terms
    if not terms:
        return True
    optional = [t for t in terms if t.kind is ast.TermKind.OPTIONAL]
    if optional and len(optional) == len(terms):
        return any(_term_in(t, text) for t in optional)
    for term in terms:
        found = _term_in(term, text)
        if term.kind is ast.TermKind.EXCLUDED and found:
            return False
        if term.kind is ast.TermKind.REQUIRED and not found:
            return False
    return True


def _term_in(term: ast.Term, text: str) -> bool:
    if term.is_regex:
        return regex_search(term.text, text).value
    return term.text in text


# ------------------------------------------------------------------ space-delimited patterns


# a "quoted" run, a [bracketed] run (each to its closer, or the end), or a run of non-blanks
_FIELD = re.compile(r'"([^"]*)"?|\[([^\]]*)\]?|(\S+)')


def split_fields(text: str) -> list[str]:
    """A log line's space-delimited fields; "quoted" and [bracketed] runs are one field."""
    if '"' not in text and "[" not in text:
        return text.split()
    # one group takes part in each match, the others are empty
    return [quoted or bracketed or plain for quoted, bracketed, plain in _FIELD.findall(text)]


def _delimited_match(pattern: ast.DelimitedPattern, text: str) -> bool:
    values = split_fields(text)
    n = len(values)
    # bit j of `reach`: the pattern's fields so far can consume exactly the first j values
    reach = 1
    every = (1 << (n + 1)) - 1
    for spec in pattern.fields:
        if isinstance(spec, ast.AnyFields):  # `...`: any number of fields, from the first reach
            lowest = reach & -reach
            reach = every & ~(lowest - 1)
            continue
        reach = (reach & _field_mask(spec, values)) << 1
        if not reach:
            return False
    return bool(reach >> n & 1)


def _field_mask(spec: ast.DelimitedField, values: list[str]) -> int:
    """Bit j set when the field spec accepts values[j]; each distinct value is judged once."""
    if isinstance(spec, ast.NamedField):
        return (1 << len(values)) - 1
    if (
        isinstance(spec, ast.FieldCondition)
        and spec.op == "="
        and spec.value.kind is ast.ValueKind.REGEX
        and not regex_search_any(spec.value.text, list(dict.fromkeys(values))).value
    ):
        return 0  # one search shows no value has it
    accepts = _string_test(spec) or (lambda value: _field_ok(spec, value))
    distinct = list(dict.fromkeys(values))
    accepted = {value for value, ok in zip(distinct, map(accepts, distinct), strict=True) if ok}
    if not accepted:
        return 0
    bits = bytes(49 if value in accepted else 48 for value in reversed(values))  # "1" / "0"
    return int(bits, 2)


_NUMBER_STARTS = frozenset("0123456789+-.nNiI")  # what float() reads starts so (nan, inf too)
_NUMBER_TESTS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _string_test(spec: ast.DelimitedField) -> Callable[[str], bool] | None:
    """The field condition as a plain test of a string, where `values` gives the same answer
    without a doubt; None where it takes the general route."""
    if not isinstance(spec, ast.FieldCondition) or spec.op not in _NUMBER_TESTS:
        return None
    value, op = spec.value, spec.op
    if value.kind is ast.ValueKind.NUMBER and value.number is not None:
        number, test = value.number, _NUMBER_TESTS[op]

        def numeric(field: str) -> bool:
            if field[:1] in _NUMBER_STARTS:
                try:
                    return test(float(field), number)
                except ValueError:
                    pass
            return op == "!="  # a word is never equal to, nor ordered against, a number

        return numeric
    if value.kind is not ast.ValueKind.STRING or value.middle_star or value.has_escape:
        return None
    if op not in ("=", "!="):
        return None
    inner = value.inner_text
    if value.leading_star and value.trailing_star:
        found: Callable[[str], bool] = lambda field: inner in field  # noqa: E731
    elif value.leading_star:
        found = lambda field: field.endswith(inner)  # noqa: E731
    elif value.trailing_star:
        found = lambda field: field.startswith(inner)  # noqa: E731
    else:
        found = lambda field: field == inner  # noqa: E731
    return found if op == "=" else (lambda field: not found(field))


def _field_ok(spec: ast.DelimitedField, value: str) -> bool:
    if isinstance(spec, ast.NamedField):
        return True
    if isinstance(spec, ast.AnyOf):
        return any(_field_ok(child, value) for child in spec.children)
    if isinstance(spec, ast.AllOf):
        return all(_field_ok(child, value) for child in spec.children)
    if isinstance(spec, ast.FieldCondition):
        field: Any = value
        if spec.value.kind is ast.ValueKind.NUMBER:
            try:
                field = float(value)
            except ValueError:
                field = value
        return evaluate_condition(_as_comparison(spec), field).value
    return False


@lru_cache(maxsize=256)
def _as_comparison(spec: ast.FieldCondition) -> ast.Comparison:
    return ast.Comparison(ast.Selector("$." + spec.name, (spec.name,)), spec.op, spec.value, 0)
