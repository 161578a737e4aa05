"""Coverage: does a pattern match *every* possible CloudTrail record of an event?

The answer is a proof, not a guess:

* The fields every record of the event surely has (`events.certain_fields`) are fixed and
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
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache
from typing import Any

try:  # Python 3.11+: the regex parser moved; the old names warn
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from . import ast
from .events import SAMPLE_VALUES, TYPICAL_FIELDS, certain_fields
from .matcher import condition_outcome, evaluate, select
from .parser import parse
from .regex import searcher
from .values import ABSENT, equals
from .values import evaluate as evaluate_condition

DEFAULT_BUDGET = 100_000
MAX_PATTERN_BITS = 8  # wildcard/regex conditions on one field enumerated as true/false


class Verdict(str, Enum):
    CAUGHT = "CAUGHT"
    MISSED = "MISSED"
    UNKNOWN = "UNKNOWN"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Coverage:
    verdict: Verdict
    reason: str
    counterexample: dict | None = None
    event_name: str = ""


# --------------------------------------------------------------------------- three-valued truth


@dataclass(frozen=True)
class _Unknown:
    reason: str


_T, _F = True, False
Truth = Any  # True, False or _Unknown


def _truth(outcome) -> Truth:
    return _Unknown(outcome.doubt) if outcome.doubt else outcome.value


# --------------------------------------------------------------------------- value classes


@dataclass(frozen=True)
class _Class:
    """One class of values of a variable: a concrete JSON value, or abstract bits."""

    value: Any
    label: str
    bits: tuple[tuple[Any, bool], ...] | None = None  # pattern value → matches, abstract strings

    @property
    def abstract(self) -> bool:
        return self.bits is not None


@dataclass
class _Variable:
    key: Any  # a path tuple, or ("wildcard", index) for a wildcard selector
    conditions: list[int] = field(default_factory=list)
    # classes no condition can tell apart form one group: (truths, members)
    groups: list[tuple[dict[int, Truth], list[_Class]]] = field(default_factory=list)


def _is_pattern_value(condition: ast.Condition) -> bool:
    return isinstance(condition, ast.Comparison) and (
        condition.value.kind is ast.ValueKind.REGEX
        or (
            condition.value.kind is ast.ValueKind.STRING
            and (
                condition.value.leading_star
                or condition.value.trailing_star
                or condition.value.middle_star
            )
        )
    )


def _abstract_truth(condition: ast.Condition, bit: bool | None) -> Truth:
    """A condition against a string that equals no constant, given its pattern bit."""
    if isinstance(condition, ast.Test):
        return _F
    op, value = condition.op, condition.value
    if bit is not None:
        return bit if op == "=" else (not bit if op == "!=" else _F)
    if value.kind is ast.ValueKind.PRESENT:
        return _T if op == "=" else _F
    if op == "=":
        return _F
    if op == "!=":
        return _Unknown(f"the escape inside {value.raw}") if value.has_escape else _T
    return _F


def _regex_sample(regex: str) -> str | None:
    """A short string the regular expression finds, or None."""
    try:
        parsed = sre_parse.parse(regex)
    except (sre_constants.error, RecursionError, OverflowError):
        return None
    out: list[str] = []

    def emit(items) -> bool:
        for op, arg in items:
            if op is sre_constants.LITERAL:
                out.append(chr(arg))
            elif op is sre_constants.ANY:
                out.append("x")
            elif op is sre_constants.IN:
                char = _class_char(arg)
                if char is None:
                    return False
                out.append(char)
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, _high, sub = arg
                for _ in range(min(low, 50)):
                    if not emit(sub):
                        return False
            elif op is sre_constants.SUBPATTERN:
                if not emit(arg[-1]):
                    return False
            elif op is sre_constants.BRANCH:
                if not emit(arg[1][0]):
                    return False
            elif op is sre_constants.AT:
                continue
            else:
                return False
        return True

    if not emit(parsed):
        return None
    sample = "".join(out)
    return sample if searcher(regex)(sample) else None


def _class_char(items) -> str | None:
    for op, arg in items:
        if op is sre_constants.LITERAL:
            return chr(arg)
        if op is sre_constants.RANGE:
            return chr(arg[0])
        if op is sre_constants.CATEGORY:
            return {
                sre_constants.CATEGORY_DIGIT: "0",
                sre_constants.CATEGORY_WORD: "a",
                sre_constants.CATEGORY_SPACE: " ",
                sre_constants.CATEGORY_NOT_DIGIT: "a",
                sre_constants.CATEGORY_NOT_WORD: "-",
                sre_constants.CATEGORY_NOT_SPACE: "a",
            }.get(arg)
        if op is sre_constants.NEGATE:
            return None
    return None


def _string_fragments(conditions: list[ast.Condition]) -> list[str]:
    """Strings that make the pattern-valued conditions true, to build witnesses from."""
    fragments: list[str] = []
    for condition in conditions:
        if not isinstance(condition, ast.Comparison):
            continue
        value = condition.value
        if value.kind is ast.ValueKind.REGEX:
            sample = _regex_sample(value.text)
            if sample is not None:
                fragments.append(sample)
        elif value.kind is ast.ValueKind.STRING:
            inner = value.inner_text
            fragments.append(inner)
            fragments.append(inner.replace("*", ""))
            if value.leading_star:
                fragments.append("x" + inner)
            if value.trailing_star:
                fragments.append(inner + "x")
    return list(dict.fromkeys(fragments))


def _concrete_classes(path: Any, conditions: list[ast.Condition]) -> list[_Class]:
    classes: list[_Class] = []
    for sample in SAMPLE_VALUES.get(path, ()) if isinstance(path, tuple) else ():
        classes.append(_Class(sample, f"= {json.dumps(sample)}"))
    classes.append(_Class(ABSENT, "absent"))
    numbers: set[float] = set()
    for condition in conditions:
        if not isinstance(condition, ast.Comparison):
            continue
        value = condition.value
        if value.kind is ast.ValueKind.NUMBER and value.number is not None:
            numbers.add(value.number)
            classes.append(_Class(value.text, f"= {json.dumps(value.text)}"))
        elif value.kind is ast.ValueKind.STRING:
            classes.append(_Class(value.text, f"= {json.dumps(value.text)}"))
            if value.leading_star or value.trailing_star:
                classes.append(_Class(value.inner_text, f"= {json.dumps(value.inner_text)}"))
    classes.append(_Class("other-value", '= "other-value"'))
    classes.append(_Class("12345", '= "12345"'))
    classes.extend(
        [
            _Class(None, "= null"),
            _Class(True, "= true"),
            _Class(False, "= false"),
            _Class({}, "= {}"),
            _Class([], "= []"),
        ]
    )
    points = sorted(numbers)
    numeric: list[float] = []
    for i, point in enumerate(points):
        numeric.extend([point - 1, point])
        if i + 1 < len(points):
            numeric.append((point + points[i + 1]) / 2)
    numeric.append((points[-1] + 1) if points else 0)
    for number in dict.fromkeys(numeric):
        as_json = int(number) if float(number).is_integer() and abs(number) < 1e15 else number
        classes.append(_Class(as_json, f"= {json.dumps(as_json)}"))
    return classes


def _build_variable(
    variable: _Variable, pattern_conditions: tuple[ast.Condition, ...]
) -> str | None:
    """Fill `variable.groups`; returns a reason when the classes are too many to enumerate."""
    conditions = [pattern_conditions[i] for i in variable.conditions]
    if variable.key[0] == "wildcard":
        index = variable.conditions[0]
        variable.groups = [
            ({index: _F}, [_Class(None, "no field satisfying it", bits=((index, _F),))]),
            ({index: _T}, [_Class(None, "a field satisfying it", bits=((index, _T),))]),
        ]
        return None
    # one true/false bit per distinct wildcard or regex value on this field
    pattern_values = list(
        dict.fromkeys(
            pattern_conditions[i].value.raw
            for i in variable.conditions
            if _is_pattern_value(pattern_conditions[i])
        )
    )
    if len(pattern_values) > MAX_PATTERN_BITS:
        return f"{len(pattern_values)} wildcard or regex values on one field"
    candidates = _concrete_classes(variable.key, conditions)
    for bits in itertools.product((_F, _T), repeat=len(pattern_values)):
        assignment = tuple(zip(pattern_values, bits, strict=True))
        label = ", ".join(
            f"{'matching' if bit else 'not matching'} {raw}" for raw, bit in assignment
        )
        candidates.append(_Class(None, f"a string {label}".strip(), bits=assignment))
    seen: dict[tuple, int] = {}
    for candidate in candidates:
        bits = dict(candidate.bits or ())
        vector: dict[int, Truth] = {}
        for index in variable.conditions:
            condition = pattern_conditions[index]
            if candidate.abstract:
                bit = bits.get(condition.value.raw) if _is_pattern_value(condition) else None
                vector[index] = _abstract_truth(condition, bit)
            else:
                vector[index] = _truth(evaluate_condition(condition, candidate.value))
        signature = tuple(vector[i] for i in variable.conditions)
        if signature not in seen:
            seen[signature] = len(variable.groups)
            variable.groups.append((vector, [candidate]))
        else:
            variable.groups[seen[signature]][1].append(candidate)
    return None


def _compatible(key: tuple, chosen: _Class, other_key: tuple, other: _Class) -> bool:
    """Can one record give `key` a value of `chosen` and `other_key` one of `other`?"""
    if len(key) > len(other_key):
        key, chosen, other_key, other = other_key, other, key, chosen
    if key == other_key or other_key[: len(key)] != key:
        return True
    if other.value is ABSENT and not other.abstract:
        return True  # a deeper field is absent whatever its parent is
    container = list if isinstance(other_key[len(key)], int) else dict
    return not chosen.abstract and isinstance(chosen.value, container)


# --------------------------------------------------------------------------- the proof


class _OutOfBudgetError(Exception):
    pass


class _Search:
    def __init__(self, pattern: ast.JsonPattern, event_name: str, budget: int) -> None:
        self.pattern = pattern
        self.event_name = event_name
        self.budget = budget
        self.steps = 0
        self.fixed = dict(certain_fields(event_name))
        self.conditions = pattern.conditions
        self.index = {id(c): i for i, c in enumerate(self.conditions)}
        self.constant: dict[int, Truth] = {}
        self.variable_of: dict[int, Any] = {}
        self.variables: dict[Any, _Variable] = {}
        self.unknown: str | None = None
        self.counterexample: dict | None = None
        self.unrealized: str | None = None
        self.exhausted = False
        self._failed_realizations: set[tuple] = set()
        self._classify()

    def _classify(self) -> None:
        fixed_keys = {k.lower(): k for k in self.fixed}
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
                    self.constant[i] = _Unknown(
                        f"{operator} with the wildcard selector {selector.text}"
                    )
                elif outcome.value and not outcome.doubt:
                    self.constant[i] = _T
                else:
                    key = ("wildcard", i)
                    self.variables[key] = _Variable(key, [i])
                    self.variable_of[i] = key
                continue
            first = selector.path[0]
            if isinstance(first, str) and first in self.fixed:
                values, _ = select(selector, self.fixed)
                self.constant[i] = _truth(evaluate_condition(condition, values[0]))
            elif isinstance(first, str) and first.lower() in fixed_keys:
                self.constant[i] = _Unknown(f"the key case of {selector.text}")
            else:
                key = selector.path
                self.variables.setdefault(key, _Variable(key)).conditions.append(i)
                self.variable_of[i] = key

    # partial evaluation: a truth, or a residual expression
    def _peval(self, node: ast.Expression, env: dict) -> Any:
        if isinstance(node, (ast.AllOf, ast.AnyOf)):
            is_all = isinstance(node, ast.AllOf)
            absorbing, neutral = (_F, _T) if is_all else (_T, _F)
            residual: list[Any] = []
            unknown: _Unknown | None = None
            for child in node.children:
                result = self._peval(child, env)
                if result is absorbing:
                    return absorbing
                if result is neutral:
                    continue
                if isinstance(result, _Unknown):
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
        if isinstance(node, _Unknown):
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
            if isinstance(current, (ast.AllOf, ast.AnyOf)):
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
            problem = _build_variable(variable, self.conditions)
            if problem:
                self.unknown = self.unknown or f"the proof would have to enumerate {problem}"
                self.exhausted = True
                return
        try:
            kind, found = self._prove(self.pattern.expression, {})
        except _OutOfBudgetError:
            self.exhausted = True
            return
        if kind == "U":
            self.unknown = self.unknown or found
        elif kind == "F" and not self._realize(found):
            # that falsifying assignment has no real record: look for another, one by one
            self.steps = 0
            self._search(self.pattern.expression, {})

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
        if result is _T:
            return "T", None
        if result is _F:
            return "F", dict(env)
        if isinstance(result, _Unknown):
            return "U", result.reason
        if isinstance(result, (ast.AllOf, ast.AnyOf)):
            parts = self._independent_parts(result)
            if len(parts) > 1:
                return self._prove_parts(parts, env, isinstance(result, ast.AllOf))
        key = self._first_variable(result)
        unknown = None
        for vector, members in self.variables[key].groups:
            member = self._pick(key, members, env)
            if member is None:
                continue  # no record can have this with what is already chosen
            env[key] = (member, vector)
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
        if result is _T:
            return False
        if result is _F:
            return self._realize(env)
        if isinstance(result, _Unknown):
            self.unknown = self.unknown or result.reason
            return False
        if isinstance(result, ast.AllOf):
            parts = self._independent_parts(result)
            if len(parts) > 1:
                return any(self._search(part, env) for part in parts)
        key = self._first_variable(result)
        for vector, members in self.variables[key].groups:
            member = self._pick(key, members, env)
            if member is None:
                continue
            env[key] = (member, vector)
            if self._search(result, env):
                return True
            del env[key]
        return False

    @staticmethod
    def _pick(key: Any, members: list[_Class], env: dict) -> _Class | None:
        """The first class of the group that fits the fields already chosen."""
        if key[0] == "wildcard":
            return members[0]
        for member in members:
            if all(
                _compatible(key, member, other_key, other[0])
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
            if isinstance(current, (ast.AllOf, ast.AnyOf)):
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
            if self._peval(self.pattern.expression, trial) is _F:
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
            if record is None:
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

    def _record(self, env: dict, typical: bool) -> dict | None:
        record: dict = json.loads(_TYPICAL_JSON) if typical else {}
        record.update(self.fixed)  # scalars
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
            if not _set_path(record, path, value):
                return None
        return record

    def _witness(self, path: tuple, value_class: _Class) -> str | None:
        """A concrete string with the class's pattern bits and equal to no constant."""
        variable = self.variables[path]
        conditions = [self.conditions[i] for i in variable.conditions]
        constants = {
            c.value.text
            for c in conditions
            if isinstance(c, ast.Comparison) and not _is_pattern_value(c)
        }
        fragments = _string_fragments(conditions) + ["other-value"]
        pool = list(SAMPLE_VALUES.get(path, ())) + fragments
        pool += [a + b for a, b in itertools.permutations(fragments, 2)]
        pool += ["zz" + f + "zz" for f in fragments]
        wanted = dict(value_class.bits or ())
        checks = [
            (c.value, wanted[c.value.raw])
            for c in conditions
            if _is_pattern_value(c) and c.value.raw in wanted
        ]
        for candidate in pool:
            if candidate in constants or re.fullmatch(r"[-+]?[\d.eE+-]+", candidate or "0"):
                continue
            outcomes = [(equals(value, candidate), bit) for value, bit in checks]
            if all(o.value == bit and o.doubt is None for o, bit in outcomes):
                return candidate
        return None


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


_TYPICAL_JSON = json.dumps(dict(TYPICAL_FIELDS))


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
    pattern: str | ast.Pattern, event_name: str, *, budget: int = DEFAULT_BUDGET
) -> Coverage:
    """CAUGHT, MISSED (with a counterexample record) or UNKNOWN (with the reason).

    Answers are cached by (pattern text, event, budget): a pattern standing on many metric
    filters is proved once.
    """
    parsed = parse(pattern)
    answer = _cached_coverage(parsed.text, event_name, budget)
    if answer.counterexample is None:
        return answer
    return replace(answer, counterexample=json.loads(json.dumps(answer.counterexample)))


_SHARED_SEARCHES: dict[tuple, tuple] = {}
_SHARED_LIMIT = 16384


def _remember(key: tuple, outcome: tuple) -> None:
    if len(_SHARED_SEARCHES) >= _SHARED_LIMIT:
        _SHARED_SEARCHES.clear()
    _SHARED_SEARCHES[key] = outcome


def cached_coverage(pattern: str | ast.Pattern, event_name: str) -> Coverage:
    """`coverage()` without copying the counterexample: for callers that only read it."""
    return _cached_coverage(parse(pattern).text, event_name, DEFAULT_BUDGET)


@lru_cache(maxsize=16384)
def _cached_coverage(text: str, event_name: str, budget: int) -> Coverage:
    parsed = parse(text)
    if isinstance(parsed, ast.TermPattern):
        return _term_coverage(parsed, event_name)
    if isinstance(parsed, ast.DelimitedPattern):
        return Coverage(
            Verdict.UNKNOWN,
            "space-delimited patterns split a log line on spaces; AWS does not document how "
            "they read CloudTrail's JSON records",
            event_name=event_name,
        )
    search = _Search(parsed, event_name, budget)
    # Events whose certain fields give every condition the same constant value (the six gateway
    # events, for a pattern that never reads eventName) have the same proof: search once.
    shared_key = (text, search.signature(), budget)
    shared = _SHARED_SEARCHES.get(shared_key)
    if shared is None:
        search.run()
        _remember(shared_key, search.outcome())
    else:
        search.replay(shared)
    if search.counterexample is not None:
        described = _describe(search.counterexample_env, search.conditions)
        reason = (
            f"{_article(event_name)} {event_name} record with {described} does not match"
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
            f"{_article(event_name)} {event_name} record with {search.unrealized} might not match, "
            "but no such record could be built to prove it",
            event_name=event_name,
        )
    return Coverage(Verdict.CAUGHT, f"every {event_name} record matches", event_name=event_name)


# --------------------------------------------------------------------------- text terms


def _surely_contained(event_name: str) -> list[str]:
    """Strings every record's text of the event contains, whatever its formatting."""
    fixed = certain_fields(event_name)
    texts = list(fixed.keys())
    for value in fixed.values():
        if isinstance(value, bool):
            texts.append("true" if value else "false")
        elif isinstance(value, str):
            texts.append(value)
    return texts


def _term_coverage(pattern: ast.TermPattern, event_name: str) -> Coverage:
    terms = pattern.effective_terms
    base = {**TYPICAL_FIELDS, **certain_fields(event_name)}
    if not terms:
        return Coverage(
            Verdict.CAUGHT, "an empty pattern matches every event", event_name=event_name
        )
    surely = _surely_contained(event_name)

    def contained(term: ast.Term) -> bool:
        if term.is_regex:
            return any(searcher(term.text)(text) for text in surely)
        return any(term.text in text for text in surely)

    excluded = [t for t in terms if t.kind is ast.TermKind.EXCLUDED]
    if excluded:
        term = excluded[0]
        shown = _regex_sample(term.text) if term.is_regex else term.text
        record = dict(base)
        if shown is not None:
            record["userAgent"] = f"agent {shown}"
        if shown is not None and not evaluate(pattern, record).value:
            return Coverage(
                Verdict.MISSED,
                f"{_article(event_name)} {event_name} record whose userAgent contains {shown!r} "
                f"is excluded by -{term.text}",
                record,
                event_name,
            )
        return Coverage(
            Verdict.UNKNOWN,
            f"the exclusion -{term.text} can drop {event_name} records",
            event_name=event_name,
        )
    optional = all(t.kind is ast.TermKind.OPTIONAL for t in terms)
    decided = any(contained(t) for t in terms) if optional else all(contained(t) for t in terms)
    if decided:
        return Coverage(
            Verdict.CAUGHT,
            f"every {event_name} record contains the text the pattern asks for",
            event_name=event_name,
        )
    for record in ({**certain_fields(event_name)}, base):
        if not evaluate(pattern, record).value:
            missing = [t.text for t in terms if not contained(t)]
            return Coverage(
                Verdict.MISSED,
                f"{_article(event_name)} {event_name} record need not contain "
                f"{' or '.join(map(repr, missing))}",
                record,
                event_name,
            )
    return Coverage(
        Verdict.UNKNOWN,
        f"whether every {event_name} record contains {pattern.text.strip()!r} depends on how "
        "CloudTrail formats the record's text",
        event_name=event_name,
    )


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
