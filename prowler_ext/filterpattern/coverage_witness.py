"""Counterexamples: from an assignment that falsifies the formula to a real record.

A falsifying assignment of classes is only a counterexample when a record of the case can be
built from it and `matches()` rejects that record with certainty.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from . import ast
from .classes import F, ValueClass, is_pattern_value, pattern_key, string_fragments
from .cloudtrail import FieldSpec, RecordCase, base_record, example, violation
from .coverage_logic import Formula
from .matcher import evaluate
from .values import ABSENT, equals


@dataclass
class Findings:
    """What a search found: a counterexample, or why the proof is undecided."""

    unknown: str | None = None
    counterexample: dict | None = None
    counterexample_env: dict | None = None
    unrealized: str | None = None
    exhausted: bool = False


class WitnessBuilder:
    """Builds the record a falsifying assignment stands for, and checks it really is one."""

    def __init__(
        self,
        formula: Formula,
        pattern: ast.JsonPattern,
        case: RecordCase,
        record_class: ast.JsonPattern | None,
        findings: Findings,
    ) -> None:
        self.formula = formula
        self.pattern = pattern
        self.case = case
        self.record_class = record_class
        self.findings = findings
        self._failed_realizations: set[tuple] = set()

    def realize(self, env: dict) -> bool:
        """Record a counterexample for the assignment; False when none could be built."""
        findings = self.findings
        env = self._minimal(env)
        attempt = tuple((key, id(group[0])) for key, group in env.items())
        if attempt in self._failed_realizations:
            return False
        self._failed_realizations.add(attempt)
        for typical in (True, False):
            record = self._record(env, typical)
            if record is None or violation(record) is not None or not self._in_class(record):
                continue
            outcome = evaluate(self.pattern, record)
            if not outcome.value and outcome.doubt is None:
                findings.counterexample = record
                findings.counterexample_env = dict(env)
                return True
            if outcome.doubt and not outcome.value:
                findings.unknown = findings.unknown or outcome.doubt
        findings.unrealized = findings.unrealized or describe(env, self.formula.conditions)
        return False

    def _minimal(self, env: dict) -> dict:
        """Drop the assignments the falsity does not depend on, for a readable counterexample."""
        kept = dict(env)
        for key in list(env):
            trial = {k: v for k, v in kept.items() if k != key}
            if self.formula.evaluate(self.formula.expression, trial) is F:
                kept = trial
        return kept

    def _in_class(self, record: dict) -> bool:
        """Is the record, for certain, one of the case's records?"""
        if self.record_class is None:
            return True
        outcome = evaluate(self.record_class, record)
        return outcome.value and outcome.doubt is None

    def _record(self, env: dict, typical: bool) -> dict | None:
        record = base_record(self.case, typical=typical)
        assignments = sorted(
            ((key, group[0]) for key, group in env.items() if key[0] != "wildcard"),
            key=lambda item: len(item[0]),
        )
        for path, value_class in assignments:
            value = value_class.value
            if value_class.abstract:
                value = self._witness(path, value_class)
                if value is None:
                    return None
            elif isinstance(value, (dict, list)):
                if isinstance(_get_path(record, path), type(value)):
                    continue  # every object (array) is the same to the conditions on it
                spec = self.formula.variables[path].spec
                value = example(spec) if isinstance(spec, FieldSpec) else value
            if not _set_path(record, path, value):
                return None
        return record

    def _witness(self, path: tuple, value_class: ValueClass) -> str | None:
        """A concrete string with the class's pattern bits and equal to no constant."""
        variable = self.formula.variables[path]
        conditions = [self.formula.conditions[i] for i in variable.conditions]
        constants = {
            c.value.text
            for c in conditions
            if isinstance(c, ast.Comparison) and not is_pattern_value(c)
        }
        fragments = string_fragments(conditions) + ["other-value"]
        spec = variable.spec
        examples = (
            [e for e in spec.examples if isinstance(e, str)] if isinstance(spec, FieldSpec) else []
        )
        pool = examples + fragments
        pool += [a + b for a, b in itertools.permutations(fragments, 2)]
        pool += ["zz" + f + "zz" for f in fragments]
        wanted = dict(value_class.bits or ())
        checks = [
            (c.value, wanted[pattern_key(c.value)])
            for c in conditions
            if is_pattern_value(c) and pattern_key(c.value) in wanted
        ]
        for candidate in pool:
            if candidate in constants or re.fullmatch(r"[-+]?[\d.eE+-]+", candidate or "0"):
                continue
            outcomes = [(equals(value, candidate), bit) for value, bit in checks]
            if all(o.value == bit and o.doubt is None for o, bit in outcomes):
                return candidate
        return None


def describe(
    env: dict, conditions: tuple[ast.Condition, ...] = (), only: set[Any] | None = None
) -> str:
    """The assignment in words: `requestParameters.x absent, no field matching $.* = "y"`.
    With `only`, just those variables (the pattern's: what the record class alone fixes,
    such as the receiving account, is not what the responder must change)."""
    parts = []
    for key, (value_class, _) in env.items():
        if only is not None and key not in only:
            continue
        if key[0] == "wildcard":
            condition = conditions[key[1]] if conditions else None
            if isinstance(condition, ast.Comparison):
                selector, op = condition.selector.text, condition.op
                parts.append(f"no field matching {selector} {op} {condition.value.raw}")
            continue
        name = ".".join(f"[{s}]" if isinstance(s, int) else str(s) for s in key).replace(".[", "[")
        parts.append(f"{name} {value_class.label}")
    return ", ".join(parts)


def _get_path(record: dict, path: tuple) -> Any:
    node: Any = record
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return ABSENT
        elif not isinstance(node, dict) or step not in node:
            return ABSENT
        node = node[step]
    return node


def _set_path(record: dict, path: tuple, value: Any) -> bool:
    node: Any = record
    for position, step in enumerate(path[:-1]):
        if isinstance(step, int):
            if not isinstance(node, list):
                return False
            while len(node) <= step:
                node.append({})
            node = node[step]
        else:
            if not isinstance(node, dict):
                return False
            if step not in node or not isinstance(node[step], (dict, list)):
                if value is ABSENT:
                    return True  # nothing below a missing or scalar field
                node[step] = [] if isinstance(path[position + 1], int) else {}
            node = node[step]
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(node, list):
            return value is ABSENT
        if value is ABSENT:
            del node[last:]
            return True
        while len(node) <= last:
            node.append({})
        node[last] = _fresh(value)
        return True
    if not isinstance(node, dict):
        return value is ABSENT
    if value is ABSENT:
        node.pop(last, None)
    else:
        node[last] = _fresh(value)
    return True


def _fresh(value: Any) -> Any:
    """A class value for a record: scalars as they are, a new empty object or array."""
    return type(value)() if isinstance(value, (dict, list)) else value
