"""What one condition says about one JSON value: the semantics both interpreters share.

`compare()` answers with an `Outcome`: the answer under the documented (or most likely)
semantics, and, when AWS documents nothing that settles it, a `doubt` naming the construct.
Concrete matching uses the answer; the coverage proof treats a doubtful answer as UNKNOWN,
so an undocumented behaviour can never turn into CAUGHT or MISSED.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import ast
from .regex import searcher, unsupported


class _Absent:
    """A field the record does not have."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Outcome:
    value: bool
    doubt: str | None = None


TRUE = Outcome(True)
FALSE = Outcome(False)

_NUMERIC_TEXT = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\Z")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_REGEX_ESCAPES = set("dDsSwWx") | set("\\^$.|?*+()[]{}/-:#=@;,_ ")
_QUANTIFIER = re.compile(r"\{\d+(,\d*)?\}")


@lru_cache(maxsize=1024)
def regex_doubt(regex: str) -> str | None:
    """Why AWS's regex dialect might read this regex differently from Python's, or None."""
    if any(ch.isspace() for ch in regex):
        return f"the space inside the regular expression %{regex}%"
    if "[:" in regex:
        return f"the character class inside %{regex}%"
    for match in re.finditer(r"\\(.)", regex):
        if match.group(1) not in _REGEX_ESCAPES:
            return f"the escape \\{match.group(1)} inside %{regex}%"
    for match in re.finditer(r"\{", regex):
        if not _QUANTIFIER.match(regex, match.start()) or match.start() == 0:
            return f"the brace inside %{regex}%"
    return None


def regex_problem(regex: str) -> str | None:
    """Why a search for the regex is undecided: the linear-time engine cannot run it, or AWS
    does not settle how it reads it; None when the search is certain."""
    problem = unsupported(regex)
    return f"%{regex}% ({problem})" if problem else regex_doubt(regex)


def regex_search(regex: str, text: str) -> Outcome:
    """Is the regex found in the text? Undecided (a doubt, never an error) for a regex the
    linear-time engine cannot run or whose reading AWS does not settle."""
    problem = unsupported(regex)
    if problem:
        return Outcome(False, f"%{regex}% ({problem})")
    return Outcome(searcher(regex)(text), regex_doubt(regex))


# What may match a newline or needs the text's own ends (anchors, negated classes, escapes of
# letters but \d and \w): searched text by text.
_NEEDS_EACH_TEXT = re.compile(r"\\[A-Za-ce-vx-z]|\[\^|[\^$]")


def regex_search_any(regex: str, texts: list[str]) -> Outcome:
    """Is the regex found in any of the texts? One search over the texts joined by newlines
    when no match can cross one (no anchor, nothing that matches a newline): thousands of
    short values cost one call, not thousands."""
    problem = unsupported(regex)
    if problem:
        return Outcome(False, f"%{regex}% ({problem})")
    if not texts:
        return FALSE
    found = searcher(regex)
    if _NEEDS_EACH_TEXT.search(regex) or any("\n" in text for text in texts):
        return Outcome(any(found(text) for text in texts), regex_doubt(regex))
    return Outcome(found("\n".join(texts)), regex_doubt(regex))


def _string_equals(value: ast.Value, candidate: str) -> Outcome:
    """`=` of a string value (with its wildcards) against a JSON string."""
    inner = value.inner_text
    if value.leading_star and value.trailing_star:
        wild = inner in candidate
    elif value.leading_star:
        wild = candidate.endswith(inner)
    elif value.trailing_star:
        wild = candidate.startswith(inner)
    else:
        wild = candidate == inner
    if value.middle_star:
        # AWS documented (2021) a `*` inside a value as a literal; current behaviour unconfirmed.
        parts = [re.escape(p) for p in inner.split("*")]
        body = ".*".join(parts)
        if value.leading_star:
            body = ".*" + body
        if value.trailing_star:
            body = body + ".*"
        as_wildcard = re.fullmatch(body, candidate, re.DOTALL) is not None
        if as_wildcard != wild:
            return Outcome(wild, f"'*' inside the value {value.raw}")
    if value.has_escape:
        return Outcome(wild, f"the escape inside {value.raw}")
    return Outcome(wild)


def equals(value: ast.Value, field: Any) -> Outcome:
    """`selector = value` for the field's JSON value (ABSENT when missing)."""
    if field is ABSENT or isinstance(field, (dict, list)):
        return FALSE  # documented: a missing field or an object/array never matches `=`
    kind = value.kind
    if kind is ast.ValueKind.PRESENT:
        if isinstance(field, str) or _is_number(field):
            return TRUE
        return Outcome(field is not None, f"'= *' against a {_json_type(field)}")
    if kind is ast.ValueKind.REGEX:
        if isinstance(field, str):
            return regex_search(value.text, field)
        found = regex_search(value.text, _json_text(field))
        return Outcome(found.value, f"a regex against a {_json_type(field)}")
    if kind is ast.ValueKind.NUMBER:
        if _is_number(field):
            return Outcome(float(field) == value.number)
        if isinstance(field, str):
            if field == value.text or (_NUMERIC_TEXT.match(field) and float(field) == value.number):
                return Outcome(field == value.text, f"the number {value.raw} against a string")
            return FALSE
        if field is None or isinstance(field, bool):
            return FALSE
    # a string value
    if isinstance(field, str):
        return _string_equals(value, field)
    if _is_number(field):
        if _NUMERIC_TEXT.match(value.text) and float(value.text) == float(field):
            return Outcome(True, f"the string {value.raw} against a number")
        return FALSE
    if isinstance(field, bool):
        literal = "true" if field else "false"
        if value.text.lower() == literal or _string_equals(value, literal).value:
            return Outcome(value.text == literal, f"'= {value.raw}' against a JSON boolean")
        return FALSE
    if field is None:
        if value.text.lower() == "null" or _string_equals(value, "null").value:
            return Outcome(value.text == "null", f"'= {value.raw}' against a JSON null")
        return FALSE
    return FALSE


def compare(condition: ast.Comparison, field: Any) -> Outcome:
    """`selector op value` for the field's JSON value."""
    op = condition.op
    value = condition.value
    if op == "=":
        return equals(value, field)
    if op == "!=":
        if field is ABSENT or isinstance(field, (dict, list)):
            return FALSE  # documented: `!=` is false for a missing field or an object/array
        result = equals(value, field)
        doubt = result.doubt
        if doubt is None and not _same_type(value, field):
            # AWS documents `!=` as false for a field of another kind (object, array); whether a
            # number, a boolean or null counts as "another kind" against this value is unsaid.
            doubt = f"'!= {value.raw}' against a {_json_type(field)}"
        return Outcome(not result.value, doubt)
    return _order(condition, field)


def _same_type(value: ast.Value, field: Any) -> bool:
    if value.kind is ast.ValueKind.NUMBER:
        return _is_number(field)
    if value.kind is ast.ValueKind.PRESENT:
        return isinstance(field, str) or _is_number(field)
    return isinstance(field, str)


def _order(condition: ast.Comparison, field: Any) -> Outcome:
    value = condition.value
    if field is ABSENT or field is None or isinstance(field, (dict, list, bool)):
        return FALSE
    if value.kind is not ast.ValueKind.NUMBER or value.number is None:
        return Outcome(False, f"'{condition.op} {value.raw}' with a value that is not a number")
    if _is_number(field):
        return Outcome(_ORDER[condition.op](float(field), value.number))
    if isinstance(field, str) and _NUMERIC_TEXT.match(field):
        return Outcome(
            _ORDER[condition.op](float(field), value.number),
            f"'{condition.op} {value.raw}' against a string",
        )
    return FALSE


_ORDER = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def test(condition: ast.Test, field: Any) -> Outcome:
    """`IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`."""
    kind = condition.kind
    if kind is ast.TestKind.NOT_EXISTS:
        return Outcome(field is ABSENT)
    if kind is ast.TestKind.IS_NULL:
        return Outcome(field is None)
    expected = kind is ast.TestKind.IS_TRUE
    if isinstance(field, bool):
        return Outcome(field is expected)
    if isinstance(field, str) and field == ("true" if expected else "false"):
        return Outcome(False, f"'{kind.value}' against the string {field!r}")
    return FALSE


def evaluate(condition: ast.Condition, field: Any) -> Outcome:
    if isinstance(condition, ast.Comparison):
        return compare(condition, field)
    return test(condition, field)


def _json_type(field: Any) -> str:
    if field is None:
        return "JSON null"
    if isinstance(field, bool):
        return "JSON boolean"
    if _is_number(field):
        return "number"
    if isinstance(field, (dict, list)):
        return "JSON object or array"
    return "string"


def _json_text(field: Any) -> str:
    if field is None:
        return "null"
    if isinstance(field, bool):
        return "true" if field else "false"
    if isinstance(field, float) and field.is_integer():
        return str(int(field))
    return str(field)
