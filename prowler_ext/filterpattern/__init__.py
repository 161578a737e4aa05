"""CloudWatch Logs filter patterns: parse, match, and prove coverage of CloudTrail records.

    parse(text) -> Pattern                      PatternError with a position on bad input
    matches(pattern, record) -> bool            one log event (text line or CloudTrail dict)
    coverage(pattern, case) -> Coverage         CAUGHT / MISSED (+ counterexample) / UNKNOWN

Stages, one module each: `grammar.lark` (the grammar), `parser` (text → `ast`), `values`
(what a condition says about one JSON value), `regex` (linear-time regex search), `matcher`
(concrete matching), `cloudtrail` (the record model: which records exist, and record cases
such as one API call's records), `classes` (the kinds of value a free field can hold),
`coverage` (the proof over every record of a case: `coverage_logic` the three-valued
formula, `coverage_search` the search, `coverage_witness` the counterexample), `terms`
(coverage of text-term patterns) and `answers` (the `Coverage` answer).
"""

from .answers import Coverage, Verdict
from .ast import Pattern
from .caches import purge_caches
from .cloudtrail import RecordCase, api_call, received_by, violation
from .coverage import cached_coverage, coverage, misses_the_typical_record, ordinary_miss
from .errors import PatternError
from .matcher import matches, record_text
from .parser import parse

__all__ = [
    "Coverage",
    "Pattern",
    "PatternError",
    "RecordCase",
    "Verdict",
    "api_call",
    "cached_coverage",
    "coverage",
    "matches",
    "misses_the_typical_record",
    "ordinary_miss",
    "parse",
    "purge_caches",
    "received_by",
    "record_text",
    "violation",
]
