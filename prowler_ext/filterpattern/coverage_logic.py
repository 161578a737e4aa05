"""The formula a coverage proof works on, in Kleene's three-valued logic.

Each condition of the pattern (and of the case's record class) is either a constant truth
(its field is fixed by the case, absent from every record, or read in an undocumented way)
or the truth of a variable's class. `Formula.evaluate` simplifies the formula under an
assignment of classes to variables: a truth, or a residual expression.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import ast
from .classes import F, T, Truth, Unknown, Variable, truth
from .cloudtrail import RECORD, FieldSpec, Reach, RecordCase, spec_at
from .matcher import condition_outcome, select
from .parser import parse
from .values import ABSENT
from .values import evaluate as evaluate_condition


@dataclass(frozen=True)
class Not:
    """Negation, only of the record class's condition: `not case or pattern` is what must hold."""

    child: Any


def case_pattern(case: RecordCase) -> ast.JsonPattern | None:
    """The case's record class as a pattern, or None when every record of the event counts."""
    if not case.condition:
        return None
    parsed = parse(case.condition)
    if not isinstance(parsed, ast.JsonPattern):
        raise ValueError(f"a record class is stated as a JSON pattern, not {case.condition!r}")
    return parsed


class Formula:
    """`pattern` (or `not case or pattern`) over one case, its conditions classified."""

    def __init__(
        self, pattern: ast.JsonPattern, case: RecordCase, record_class: ast.JsonPattern | None
    ) -> None:
        self.fixed = _nested(case.fixed)
        self.fixed_paths = tuple(path for path, _ in case.fixed)
        conditions = list(pattern.conditions)
        if record_class is not None:
            known = {id(c) for c in conditions}
            conditions += [c for c in record_class.conditions if id(c) not in known]
            self.expression: Any = ast.AnyOf((Not(record_class.expression), pattern.expression))
        else:
            self.expression = pattern.expression
        self.conditions = tuple(conditions)
        self.pattern_conditions = len(pattern.conditions)  # the first ones are the pattern's
        self.index = {id(c): i for i, c in enumerate(self.conditions)}
        self.constant: dict[int, Truth] = {}
        self.variable_of: dict[int, Any] = {}
        self.variables: dict[Any, Variable] = {}
        self.work = 0  # nodes visited by `evaluate`: what a proof's budget counts
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

    def pattern_variables(self) -> set[Any]:
        """The variables the pattern's own conditions read (not only the record class's)."""
        return {
            self.variable_of[i] for i in range(self.pattern_conditions) if i in self.variable_of
        }

    def signature(self) -> tuple:
        """What a proof depends on besides the pattern: the constant conditions' values."""
        return tuple(sorted(self.constant.items(), key=lambda item: item[0]))

    def evaluate(self, node: ast.Expression, env: dict) -> Any:
        """Partial evaluation under `env`: a truth, or a residual expression."""
        self.work += 1
        if isinstance(node, Not):
            result = self.evaluate(node.child, env)
            if result is T or result is F:
                return not result
            return result if isinstance(result, Unknown) else Not(result)
        if isinstance(node, (ast.AllOf, ast.AnyOf)):
            is_all = isinstance(node, ast.AllOf)
            absorbing, neutral = (F, T) if is_all else (T, F)
            residual: list[Any] = []
            unknown: Unknown | None = None
            for child in node.children:
                result = self.evaluate(child, env)
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

    def first_variable(self, node: Any) -> Any:
        """The variable of the sub-formula's first condition, or None."""
        for condition in _conditions(node):
            return self.variable_of[self.index[id(condition)]]
        return None

    def variables_in(self, node: Any) -> set:
        """The top-level fields a sub-formula reads ("*" for a wildcard selector: any field)."""
        found = set()
        for condition in _conditions(node):
            key = self.variable_of.get(self.index[id(condition)])
            if key is not None:
                found.add("*" if key[0] == "wildcard" else key[0])
        return found

    def independent_parts(self, node: ast.AllOf | ast.AnyOf) -> list[Any]:
        """The children grouped so that no two groups share a field."""
        groups: list[tuple[set, list]] = []
        for child in node.children:
            variables = self.variables_in(child)
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


def _conditions(node: Any) -> Iterator[ast.Comparison | ast.Test]:
    """The conditions of a sub-formula, left to right."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Not):
            stack.append(current.child)
        elif isinstance(current, (ast.AllOf, ast.AnyOf)):
            stack.extend(reversed(current.children))
        elif isinstance(current, (ast.Comparison, ast.Test)):
            yield current


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
