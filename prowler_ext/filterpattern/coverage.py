"""Coverage: does a pattern match *every* possible CloudTrail record of an event?

The answer is a proof, not a guess:

* The fields every record of the case surely has (`RecordCase.fixed`) are fixed and
  each condition on them evaluates to a constant.
* Every other field a condition names is a variable. Its possible JSON values split into a
  few classes that no condition on it can tell apart: absent, null, true, false, object,
  array, each constant the conditions mention, numbers on either side of each bound, and,
  for strings that equal no constant, every combination of the wildcard/regex conditions
  being true or false (a superset of what strings can do, so nothing is missed).
* A depth-first search assigns one class at a time and simplifies the formula in Kleene's
  three-valued logic: a condition whose answer rests on undocumented AWS behaviour is
  UNKNOWN, never true or false. A branch that becomes true is closed; a branch that becomes
  false yields a counterexample record, which `matches()` must reject with certainty before
  MISSED is answered; a branch left unknown is remembered.
* CAUGHT only when every branch is true. The search has a budget; past it, UNKNOWN.

Text-term patterns are judged on what every record's text surely contains (its certain field
names and values) and on what a free field could add.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from . import ast
from .answers import Coverage, Verdict, article
from .classes import (
    F,
    T,
    Truth,
    Unknown,
    ValueClass,
    Variable,
    build_variable,
    compatible,
    is_pattern_value,
    string_fragments,
    truth,
)
from .cloudtrail import (
    RECORD,
    FieldSpec,
    Reach,
    RecordCase,
    base_record,
    case_of,
    example,
    spec_at,
    violation,
)
from .matcher import condition_outcome, evaluate, select
from .parser import parse
from .terms import term_coverage
from .values import ABSENT, equals
from .values import evaluate as evaluate_condition

DEFAULT_BUDGET = 100_000

__all__ = ["DEFAULT_BUDGET", "Coverage", "Verdict", "cached_coverage", "coverage"]

# --------------------------------------------------------------------------- the proof


class _OutOfBudgetError(Exception):
    pass


@dataclass(frozen=True)
class _Not:
    """Negation, only of the record class's condition: `not case or pattern` is what must hold."""

    child: Any


def _nested(fixed: tuple) -> dict:
    document: dict = {}
    for path, value in sorted(fixed, key=lambda item: len(item[0])):
        node = document
        for step in path[:-1]:
            node = node.setdefault(step, {})
        node[path[-1]] = value
    return document


def _key_case_doubt(path: tuple, text: str) -> str | None:
    """A key of the record model spelt in another case: AWS does not say whether keys are
    case-sensitive."""
    spec: FieldSpec | Reach = RECORD
    for step in path:
        if not isinstance(step, str) or not isinstance(spec, FieldSpec) or not spec.members:
            return None
        member = spec.members.get(step)
        if member is None:
            lowered = step.lower()
            if any(name.lower() == lowered for name in spec.members):
                return f"the key case of {text}"
            return None
        spec = member
    return None


@lru_cache(maxsize=4096)
def _placement(selector: ast.Selector, fixed_paths: tuple) -> tuple[str, Any]:
    """Where a selector's field stands for a case with these fixed paths: ("doubt", reason),
    ("fixed", None) on or inside a fixed field, ("never", None) where no record has a value,
    or ("variable", its FieldSpec or Reach.FREE)."""
    path = selector.path
    doubt = _key_case_doubt(path, selector.text)
    if doubt:
        return "doubt", doubt
    if any(path[: len(fixed)] == fixed or fixed[: len(path)] == path for fixed in fixed_paths):
        return "fixed", None
    spec = spec_at(path)
    if spec is Reach.NEVER:
        return "never", None
    return "variable", spec


class _Search:
    def __init__(self, pattern: ast.JsonPattern, case: RecordCase, budget: int) -> None:
        self.pattern = pattern
        self.case = case
        self.event_name = case.name
        self.budget = budget
        self.steps = 0
        self.fixed = _nested(case.fixed)
        self.fixed_paths = tuple(path for path, _ in case.fixed)
        self.case_pattern = _case_pattern(case)
        conditions = list(pattern.conditions)
        if self.case_pattern is not None:
            known = {id(c) for c in conditions}
            conditions += [c for c in self.case_pattern.conditions if id(c) not in known]
            self.formula: Any = ast.AnyOf((_Not(self.case_pattern.expression), pattern.expression))
        else:
            self.formula = pattern.expression
        self.conditions = tuple(conditions)
        self.index = {id(c): i for i, c in enumerate(self.conditions)}
        self.constant: dict[int, Truth] = {}
        self.variable_of: dict[int, Any] = {}
        self.variables: dict[Any, Variable] = {}
        self.unknown: str | None = None
        self.counterexample: dict | None = None
        self.unrealized: str | None = None
        self.exhausted = False
        self._failed_realizations: set[tuple] = set()
        self._classify()

    def _classify(self) -> None:
        for i, condition in enumerate(self.conditions):
            selector = condition.selector
            if selector.has_wildcard:
                outcome = condition_outcome(condition, self.fixed)
                if isinstance(condition, ast.Test) or condition.op == "!=":
                    operator = (
                        condition.op
                        if isinstance(condition, ast.Comparison)
                        else condition.kind.value
                    )
                    self.constant[i] = Unknown(
                        f"{operator} with the wildcard selector {selector.text}"
                    )
                elif outcome.value and not outcome.doubt:
                    self.constant[i] = T
                else:
                    key = ("wildcard", i)
                    self.variables[key] = Variable(key, conditions=[i])
                    self.variable_of[i] = key
                continue
            place, detail = _placement(selector, self.fixed_paths)
            if place == "doubt":
                self.constant[i] = Unknown(detail)
            elif place == "fixed":
                values, _ = select(selector, self.fixed)
                self.constant[i] = truth(evaluate_condition(condition, values[0]))
            elif place == "never":
                self.constant[i] = truth(evaluate_condition(condition, ABSENT))
            else:
                path = selector.path
                self.variables.setdefault(path, Variable(path, detail)).conditions.append(i)
                self.variable_of[i] = path

    # partial evaluation: a truth, or a residual expression
    def _peval(self, node: ast.Expression, env: dict) -> Any:
        if isinstance(node, _Not):
            result = self._peval(node.child, env)
            if result is T or result is F:
                return not result
            return result if isinstance(result, Unknown) else _Not(result)
        if isinstance(node, (ast.AllOf, ast.AnyOf)):
            is_all = isinstance(node, ast.AllOf)
            absorbing, neutral = (F, T) if is_all else (T, F)
            residual: list[Any] = []
            unknown: Unknown | None = None
            for child in node.children:
                result = self._peval(child, env)
                if result is absorbing:
                    return absorbing
                if result is neutral:
                    continue
                if isinstance(result, Unknown):
                    unknown = unknown or result
                else:
                    residual.append(result)
            if not residual:
                return unknown if unknown else neutral
            if unknown:
                residual.append(unknown)
            if len(residual) == 1:
                return residual[0]
            return (ast.AllOf if is_all else ast.AnyOf)(tuple(residual))
        if isinstance(node, Unknown):
            return node
        i = self.index[id(node)]
        if i in self.constant:
            return self.constant[i]
        key = self.variable_of[i]
        if key in env:
            return env[key][1][i]
        return node

    def _first_variable(self, node: Any) -> Any:
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, _Not):
                stack.append(current.child)
            elif isinstance(current, (ast.AllOf, ast.AnyOf)):
                stack.extend(reversed(current.children))
            elif isinstance(current, (ast.Comparison, ast.Test)):
                return self.variable_of[self.index[id(current)]]
        return None

    def signature(self) -> tuple:
        """What the proof depends on besides the pattern: the constant conditions' values."""
        return tuple(sorted(self.constant.items(), key=lambda item: item[0]))

    def outcome(self) -> tuple:
        env = getattr(self, "counterexample_env", None) if self.counterexample is not None else None
        return (env, self.exhausted, self.unknown, self.unrealized)

    def replay(self, outcome: tuple) -> None:
        """Take another event's proof with the same signature; rebuild its counterexample."""
        env, self.exhausted, self.unknown, self.unrealized = outcome
        if env is not None:
            if not self._realize(dict(env)):
                self.unknown = self.unknown or "a counterexample that could not be rebuilt"

    def run(self) -> None:
        for variable in self.variables.values():
            problem = build_variable(
                variable, self.conditions, self._has_descendants(variable.key)
            )
            if problem:
                self.unknown = self.unknown or f"the proof would have to enumerate {problem}"
                self.exhausted = True
                return
        try:
            kind, found = self._prove(self.formula, {})
        except _OutOfBudgetError:
            self.exhausted = True
            return
        if kind == "U":
            self.unknown = self.unknown or found
        elif kind == "F" and not self._realize(found):
            # that falsifying assignment has no real record: look for another, one by one
            self.steps = 0
            self._search(self.formula, {})

    def _has_descendants(self, key: Any) -> bool:
        if key[0] == "wildcard":
            return False
        return any(
            other[0] != "wildcard" and len(other) > len(key) and other[: len(key)] == key
            for other in self.variables
        )

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > self.budget:
            raise _OutOfBudgetError

    def _prove(self, node: Any, env: dict) -> tuple[str, Any]:
        """("T", None) when `node` holds for every assignment extending `env`, ("F", assignment)
        for one that falsifies it, ("U", reason) when only undocumented behaviour could.

        Parts of a conjunction or disjunction that share no field are proved one by one: a
        conjunction fails when one part can fail, a disjunction when every part can fail at
        once (their assignments never overlap), so the cost adds up instead of multiplying.
        """
        self._tick()
        result = self._peval(node, env)
        if result is T:
            return "T", None
        if result is F:
            return "F", dict(env)
        if isinstance(result, Unknown):
            return "U", result.reason
        if isinstance(result, (ast.AllOf, ast.AnyOf)):
            parts = self._independent_parts(result)
            if len(parts) > 1:
                return self._prove_parts(parts, env, isinstance(result, ast.AllOf))
        key = self._first_variable(result)
        unknown = None
        for choice in self._choices(key, env):
            env[key] = choice
            kind, found = self._prove(result, env)
            del env[key]
            if kind == "F":
                return kind, found
            if kind == "U":
                unknown = unknown or found
        return ("U", unknown) if unknown else ("T", None)

    def _prove_parts(self, parts: list[Any], env: dict, conjunction: bool) -> tuple[str, Any]:
        unknown = None
        falsifying: dict = dict(env)
        for part in parts:
            kind, found = self._prove(part, env)
            if conjunction and kind == "F":
                return kind, found
            if not conjunction and kind == "T":
                return kind, None
            if kind == "U":
                unknown = unknown or found
            elif kind == "F":
                falsifying.update(found)
        if unknown:
            return "U", unknown
        return ("T", None) if conjunction else ("F", falsifying)

    def _search(self, node: Any, env: dict) -> bool:
        """Look for a falsifying assignment of `node`; True stops the whole search (a
        counterexample was found, or the budget is spent).

        `node` is always such that its falsity under `env` makes the whole pattern false: the
        pattern itself, its simplification under `env`, or one of the independent parts of a
        conjunction. Independent parts (no field in common) are searched one after the other,
        not in combination, which keeps the search linear where the pattern is a conjunction
        of unrelated clauses.
        """
        self.steps += 1
        if self.steps > self.budget:
            self.exhausted = True
            return True
        result = self._peval(node, env)
        if result is T:
            return False
        if result is F:
            return self._realize(env)
        if isinstance(result, Unknown):
            self.unknown = self.unknown or result.reason
            return False
        if isinstance(result, ast.AllOf):
            parts = self._independent_parts(result)
            if len(parts) > 1:
                return any(self._search(part, env) for part in parts)
        key = self._first_variable(result)
        for choice in self._choices(key, env):
            env[key] = choice
            if self._search(result, env):
                return True
            del env[key]
        return False

    def _choices(self, key: Any, env: dict):
        """Each group of the field's classes that fits the fields already chosen, as
        (member class, truths)."""
        for vector, members in self.variables[key].groups:
            member = self._pick(key, members, env)
            if member is not None:  # else no record can have it with what is already chosen
                yield member, vector

    @staticmethod
    def _pick(key: Any, members: list[ValueClass], env: dict) -> ValueClass | None:
        """The first class of the group that fits the fields already chosen."""
        if key[0] == "wildcard":
            return members[0]
        for member in members:
            if all(
                compatible(key, member, other_key, other[0])
                for other_key, other in env.items()
                if other_key[0] != "wildcard"
            ):
                return member
        return None

    def _variables_in(self, node: Any) -> set:
        """The top-level fields a sub-formula reads ("*" for a wildcard selector: any field)."""
        found = set()
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, _Not):
                stack.append(current.child)
            elif isinstance(current, (ast.AllOf, ast.AnyOf)):
                stack.extend(current.children)
            elif isinstance(current, (ast.Comparison, ast.Test)):
                key = self.variable_of.get(self.index[id(current)])
                if key is not None:
                    found.add("*" if key[0] == "wildcard" else key[0])
        return found

    def _independent_parts(self, node: ast.AllOf | ast.AnyOf) -> list[Any]:
        """The children grouped so that no two groups share a field."""
        groups: list[tuple[set, list]] = []
        for child in node.children:
            variables = self._variables_in(child)
            merged_vars, merged_children = set(variables), [child]
            related = [
                g for g in groups if g[0] & variables or (g[0] and "*" in variables) or "*" in g[0]
            ]
            for group in related:
                groups.remove(group)
                merged_vars |= group[0]
                merged_children = group[1] + merged_children
            groups.append((merged_vars, merged_children))
        kind = type(node)
        return [
            children[0] if len(children) == 1 else kind(tuple(children)) for _, children in groups
        ]

    def _minimal(self, env: dict) -> dict:
        """Drop the assignments the falsity does not depend on, for a readable counterexample."""
        kept = dict(env)
        for key in list(env):
            trial = {k: v for k, v in kept.items() if k != key}
            if self._peval(self.formula, trial) is F:
                kept = trial
        return kept

    def _realize(self, env: dict) -> bool:
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
                self.counterexample = record
                self.counterexample_env = dict(env)
                return True
            if outcome.doubt and not outcome.value:
                self.unknown = self.unknown or outcome.doubt
        self.unrealized = self.unrealized or _describe(env, self.conditions)
        return False

    def _in_class(self, record: dict) -> bool:
        """Is the record, for certain, one of the case's records?"""
        if self.case_pattern is None:
            return True
        outcome = evaluate(self.case_pattern, record)
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
                spec = self.variables[path].spec
                value = example(spec) if isinstance(spec, FieldSpec) else value
            if not _set_path(record, path, value):
                return None
        return record

    def _witness(self, path: tuple, value_class: ValueClass) -> str | None:
        """A concrete string with the class's pattern bits and equal to no constant."""
        variable = self.variables[path]
        conditions = [self.conditions[i] for i in variable.conditions]
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
            (c.value, wanted[c.value.raw])
            for c in conditions
            if is_pattern_value(c) and c.value.raw in wanted
        ]
        for candidate in pool:
            if candidate in constants or re.fullmatch(r"[-+]?[\d.eE+-]+", candidate or "0"):
                continue
            outcomes = [(equals(value, candidate), bit) for value, bit in checks]
            if all(o.value == bit and o.doubt is None for o, bit in outcomes):
                return candidate
        return None


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


def _describe(env: dict, conditions: tuple[ast.Condition, ...] = ()) -> str:
    parts = []
    for key, (value_class, _) in env.items():
        if key[0] == "wildcard":
            condition = conditions[key[1]] if conditions else None
            if isinstance(condition, ast.Comparison):
                selector, op = condition.selector.text, condition.op
                parts.append(f"no field matching {selector} {op} {condition.value.raw}")
            continue
        name = ".".join(f"[{s}]" if isinstance(s, int) else str(s) for s in key).replace(".[", "[")
        parts.append(f"{name} {value_class.label}")
    return ", ".join(parts)


# --------------------------------------------------------------------------- public entry


def coverage(
    pattern: str | ast.Pattern, case: RecordCase | str, *, budget: int = DEFAULT_BUDGET
) -> Coverage:
    """CAUGHT, MISSED (with a counterexample record) or UNKNOWN (with the reason): does the
    pattern match every record of the case (an API call's name stands for `api_call(name)`)?

    Answers are cached by (pattern text, case, budget): a pattern standing on many metric
    filters is proved once.
    """
    parsed = parse(pattern)
    answer = _cached_coverage(parsed.text, case_of(case), budget)
    if answer.counterexample is None:
        return answer
    return replace(answer, counterexample=json.loads(json.dumps(answer.counterexample)))


_SHARED_SEARCHES: dict[tuple, tuple] = {}
_SHARED_LIMIT = 16384


def _remember(key: tuple, outcome: tuple) -> None:
    if len(_SHARED_SEARCHES) >= _SHARED_LIMIT:
        _SHARED_SEARCHES.clear()
    _SHARED_SEARCHES[key] = outcome


def cached_coverage(pattern: str | ast.Pattern, case: RecordCase | str) -> Coverage:
    """`coverage()` without copying the counterexample: for callers that only read it."""
    return _cached_coverage(parse(pattern).text, case_of(case), DEFAULT_BUDGET)


def _case_pattern(case: RecordCase) -> ast.JsonPattern | None:
    if not case.condition:
        return None
    parsed = parse(case.condition)
    if not isinstance(parsed, ast.JsonPattern):
        raise ValueError(f"a record class is stated as a JSON pattern, not {case.condition!r}")
    return parsed


@lru_cache(maxsize=16384)
def _cached_coverage(text: str, case: RecordCase, budget: int) -> Coverage:
    parsed = parse(text)
    event_name = case.name
    if isinstance(parsed, ast.TermPattern):
        return term_coverage(parsed, case)
    if isinstance(parsed, ast.DelimitedPattern):
        return Coverage(
            Verdict.UNKNOWN,
            "space-delimited patterns split a log line on spaces; AWS does not document how "
            "they read CloudTrail's JSON records",
            event_name=event_name,
        )
    search = _Search(parsed, case, budget)
    # Cases whose fixed fields give every condition the same constant value (the six gateway
    # events, for a pattern that never reads eventName) have the same proof: search once.
    shared_key = (text, case.condition, search.signature(), budget)
    shared = _SHARED_SEARCHES.get(shared_key)
    if shared is None:
        search.run()
        _remember(shared_key, search.outcome())
    else:
        search.replay(shared)
    if search.counterexample is not None:
        described = _describe(search.counterexample_env, search.conditions)
        reason = (
            f"{article(event_name)} {event_name} record with {described} does not match"
            if described
            else f"the pattern can never match a {event_name} record"
        )
        return Coverage(Verdict.MISSED, reason, search.counterexample, event_name)
    if search.exhausted:
        why = search.unknown or f"the proof needs more than {budget} cases"
        return Coverage(Verdict.UNKNOWN, f"undecided: {why}", event_name=event_name)
    if search.unknown:
        return Coverage(
            Verdict.UNKNOWN,
            f"whether every {event_name} record matches depends on {search.unknown}, "
            "which AWS does not document",
            event_name=event_name,
        )
    if search.unrealized:
        return Coverage(
            Verdict.UNKNOWN,
            f"{article(event_name)} {event_name} record with {search.unrealized} might not match, "
            "but no such record could be built to prove it",
            event_name=event_name,
        )
    return Coverage(Verdict.CAUGHT, f"every {event_name} record matches", event_name=event_name)
