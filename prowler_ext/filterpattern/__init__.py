"""CloudWatch Logs filter patterns: parse, match, and prove coverage of CloudTrail events.

    parse(text) -> Pattern                      PatternError with a position on bad input
    matches(pattern, record) -> bool            one log event (text line or CloudTrail dict)
    coverage(pattern, event_name) -> Coverage   CAUGHT / MISSED (+ counterexample) / UNKNOWN

Stages, one module each: `grammar.lark` (the grammar), `parser` (text → `ast`), `values`
(what a condition says about one JSON value), `regex` (linear-time regex search), `matcher`
(concrete matching), `classes` (the kinds of value a free field can hold), `coverage` (the
proof over every possible record of an event, with `events` as its data), `terms` (coverage of
text-term patterns) and `answers` (the `Coverage` answer).
"""

from .ast import Pattern
from .coverage import Coverage, Verdict, cached_coverage, coverage
from .errors import PatternError
from .events import CERTAIN_FIELDS, NETWORK_GATEWAY_EVENTS, certain_fields
from .matcher import matches, record_text
from .parser import parse

__all__ = [
    "CERTAIN_FIELDS",
    "NETWORK_GATEWAY_EVENTS",
    "Coverage",
    "Pattern",
    "PatternError",
    "Verdict",
    "certain_fields",
    "cached_coverage",
    "coverage",
    "matches",
    "parse",
    "record_text",
]
