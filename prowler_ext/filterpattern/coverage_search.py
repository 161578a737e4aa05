"""The depth-first search of a coverage proof: one class of one field at a time.

A branch that becomes true is closed; a branch that becomes false is handed to the
`WitnessBuilder` for a counterexample record; a branch left unknown is remembered. Past the
budget the search stops, and the answer is UNKNOWN.

The budget counts work, not time, so an answer is the same on every machine: each branch
taken, each node of the formula simplified, each pair of fields checked for compatibility.
Its size (`coverage.DEFAULT_BUDGET`) bounds a proof to a few milliseconds whatever the pattern.
"""

from __future__ import annotations

from typing import Any

from . import ast
from .classes import F, T, Unknown, ValueClass, build_variable, compatible
from .cloudtrail import RecordCase
from .coverage_logic import Formula, case_pattern
from .coverage_witness import Findings, WitnessBuilder


class _OutOfBudgetError(Exception):
    pass


class CoverageSearch:
    """Does `pattern` hold for every record of `case`? The answer is left in `findings`."""

    def __init__(self, pattern: ast.JsonPattern, case: RecordCase, budget: int) -> None:
        self.budget = budget
        self.steps = 0  # branches taken
        self.checks = 0  # field pairs checked for compatibility
        record_class = case_pattern(case)
        self.formula = Formula(pattern, case, record_class)
        self.findings = Findings()
        self.witness = WitnessBuilder(self.formula, pattern, case, record_class, self.findings)

    def signature(self) -> tuple:
        """What the proof depends on besides the pattern: the constant conditions' values."""
        return self.formula.signature()

    def outcome(self) -> tuple:
        found = self.findings
        env = found.counterexample_env if found.counterexample is not None else None
        return (env, found.exhausted, found.unknown, found.unrealized)

    def replay(self, outcome: tuple) -> None:
        """Take another event's proof with the same signature; rebuild its counterexample."""
        found = self.findings
        env, found.exhausted, found.unknown, found.unrealized = outcome
        if env is not None:
            if not self.witness.realize(dict(env)):
                found.unknown = found.unknown or "a counterexample that could not be rebuilt"

    def run(self) -> None:
        found = self.findings
        for variable in self.formula.variables.values():
            problem = build_variable(
                variable, self.formula.conditions, self._has_descendants(variable.key)
            )
            if problem:
                found.unknown = found.unknown or f"the proof would have to enumerate {problem}"
                found.exhausted = True
                return
        try:
            kind, detail = self._prove(self.formula.expression, {})
        except _OutOfBudgetError:
            found.exhausted = True
            return
        if kind == "U":
            found.unknown = found.unknown or detail
        elif kind == "F" and not self.witness.realize(detail):
            # that falsifying assignment has no real record: look for another, one by one,
            # with what is left of the budget
            self._search(self.formula.expression, {})

    def _has_descendants(self, key: Any) -> bool:
        if key[0] == "wildcard":
            return False
        return any(
            other[0] != "wildcard" and len(other) > len(key) and other[: len(key)] == key
            for other in self.formula.variables
        )

    def spent(self) -> int:
        """The work done so far, in the budget's units."""
        return self.steps + self.checks + self.formula.work

    def _tick(self) -> None:
        self.steps += 1
        if self.spent() > self.budget:
            raise _OutOfBudgetError

    def _prove(self, node: Any, env: dict) -> tuple[str, Any]:
        """("T", None) when `node` holds for every assignment extending `env`, ("F", assignment)
        for one that falsifies it, ("U", reason) when only undocumented behaviour could.

        Parts of a conjunction or disjunction that share no field are proved one by one: a
        conjunction fails when one part can fail, a disjunction when every part can fail at
        once (their assignments never overlap), so the cost adds up instead of multiplying.
        """
        self._tick()
        result = self.formula.evaluate(node, env)
        if result is T:
            return "T", None
        if result is F:
            return "F", dict(env)
        if isinstance(result, Unknown):
            return "U", result.reason
        if isinstance(result, (ast.AllOf, ast.AnyOf)):
            parts = self.formula.independent_parts(result)
            if len(parts) > 1:
                return self._prove_parts(parts, env, isinstance(result, ast.AllOf))
        key = self.formula.first_variable(result)
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
        if self.spent() > self.budget:
            self.findings.exhausted = True
            return True
        result = self.formula.evaluate(node, env)
        if result is T:
            return False
        if result is F:
            return self.witness.realize(env)
        if isinstance(result, Unknown):
            self.findings.unknown = self.findings.unknown or result.reason
            return False
        if isinstance(result, ast.AllOf):
            parts = self.formula.independent_parts(result)
            if len(parts) > 1:
                return any(self._search(part, env) for part in parts)
        key = self.formula.first_variable(result)
        for choice in self._choices(key, env):
            env[key] = choice
            if self._search(result, env):
                return True
            del env[key]
        return False

    def _choices(self, key: Any, env: dict):
        """Each group of the field's classes that fits the fields already chosen, as
        (member class, truths)."""
        for vector, members in self.formula.variables[key].groups:
            member = self._pick(key, members, env)
            self.checks += len(env)
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
