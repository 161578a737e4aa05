"""Concrete matching: does a pattern match one log event? The offline twin of TestMetricFilter."""

from __future__ import annotations

import json
from typing import Any

from . import ast
from .parser import parse
from .regex import searcher
from .values import ABSENT, FALSE, TRUE, Outcome
from .values import evaluate as evaluate_condition


def record_text(record: str | dict) -> str:
    """A log event's text; a dict is written as compact JSON, as CloudTrail writes records."""
    if isinstance(record, str):
        return record
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def matches(pattern: str | ast.Pattern, record: str | dict) -> bool:
    """Does the pattern match this log event (a text line, or a CloudTrail record as a dict)?"""
    return evaluate(pattern, record).value


def evaluate(pattern: str | ast.Pattern, record: str | dict) -> Outcome:
    """The match, and a doubt when the answer rests on behaviour AWS does not document."""
    parsed = parse(pattern)
    if isinstance(parsed, ast.JsonPattern):
        document = record if isinstance(record, dict) else _json_object(record)
        if document is None:
            return FALSE
        return _expression(parsed.expression, document)
    text = record_text(record)
    if isinstance(parsed, ast.TermPattern):
        return Outcome(terms_match(parsed, text))
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
    results = [evaluate_condition(condition, field) for field in fields] or [
        evaluate_condition(condition, ABSENT)
    ]
    value = any(r.value for r in results)
    doubts = [r.doubt for r in results if r.doubt]
    if isinstance(condition, ast.Comparison) and condition.op == "!=":
        doubts.append(f"'!=' with the wildcard selector {condition.selector.text}")
    if isinstance(condition, ast.Test):
        doubts.append(
            f"'{condition.kind.value}' with the wildcard selector {condition.selector.text}"
        )
    return Outcome(value, doubt or (doubts[0] if doubts else None))


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
        return searcher(term.text)(text)
    return term.text in text


# ------------------------------------------------------------------ space-delimited patterns


def split_fields(text: str) -> list[str]:
    """A log line's space-delimited fields; "quoted" and [bracketed] runs are one field."""
    fields: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        closer = {'"': '"', "[": "]"}.get(text[i])
        if closer:
            end = text.find(closer, i + 1)
            end = n if end < 0 else end
            fields.append(text[i + 1 : end])
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace():
                i += 1
            fields.append(text[start:i])
    return fields


def _delimited_match(pattern: ast.DelimitedPattern, text: str) -> bool:
    values = split_fields(text)
    # reachable[j]: the pattern fields so far can consume exactly the first j values
    reachable = {0}
    for spec in pattern.fields:
        if isinstance(spec, ast.AnyFields):
            lowest = min(reachable) if reachable else None
            reachable = set(range(lowest, len(values) + 1)) if lowest is not None else set()
            continue
        reachable = {j + 1 for j in reachable if j < len(values) and _field_ok(spec, values[j])}
        if not reachable:
            return False
    return len(values) in reachable


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
        condition = ast.Comparison(
            ast.Selector("$." + spec.name, (spec.name,)), spec.op, spec.value, 0
        )
        return evaluate_condition(condition, field).value
    return False
