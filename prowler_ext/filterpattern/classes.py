"""Value classes: the few kinds of value a free field can hold that its conditions can tell
apart, and the three-valued truth of a condition on each.

A field's possible JSON values split into absent, null, true, false, object, array, each
constant the conditions mention, numbers on either side of each bound, and, for strings that
equal no constant, every true/false combination of the wildcard and regex values (a superset
of what strings can do, so nothing is missed). Classes no condition tells apart form one group.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

try:  # Python 3.11+: the regex parser moved; the old names warn
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from . import ast
from .cloudtrail import FieldSpec, Kind, Reach, kind_of
from .values import ABSENT, regex_search
from .values import evaluate as evaluate_condition

MAX_PATTERN_BITS = 8  # distinct wildcard/regex values on one field enumerated as true/false


@dataclass(frozen=True)
class Unknown:
    reason: str


T, F = True, False
Truth = Any  # True, False or Unknown


def truth(outcome) -> Truth:
    return Unknown(outcome.doubt) if outcome.doubt else outcome.value


@dataclass(frozen=True)
class ValueClass:
    """One class of values of a variable: a concrete JSON value, or abstract bits."""

    value: Any
    label: str
    bits: tuple[tuple[Any, bool], ...] | None = None  # pattern value → matches, abstract strings

    @property
    def abstract(self) -> bool:
        return self.bits is not None


@dataclass
class Variable:
    key: Any  # a path tuple, or ("wildcard", index) for a wildcard selector
    spec: FieldSpec | Reach = Reach.FREE  # what the record model allows there
    conditions: list[int] = field(default_factory=list)
    # classes no condition can tell apart form one group: (truths, members)
    groups: list[tuple[dict[int, Truth], list[ValueClass]]] = field(default_factory=list)


def pattern_key(value: ast.Value) -> tuple:
    """What a wildcard or regex value means, whatever its spelling: `"*X"` and `*X` are one
    value (a quoted value's wildcards are wildcards), so they share one truth bit and no
    string is asked to match one and not the other."""
    return (value.kind, value.text, value.has_escape)


def is_pattern_value(condition: ast.Condition) -> bool:
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


def _abstracttruth(condition: ast.Condition, bit: bool | None) -> Truth:
    """A condition against a string that equals no constant, given its pattern bit."""
    if isinstance(condition, ast.Test):
        return F
    op, value = condition.op, condition.value
    if bit is not None:
        return bit if op == "=" else (not bit if op == "!=" else F)
    if value.kind is ast.ValueKind.PRESENT:
        return T if op == "=" else F
    if op == "=":
        return F
    if op == "!=":
        return Unknown(f"the escape inside {value.raw}") if value.has_escape else T
    return F


def regex_sample(regex: str) -> str | None:
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
    return sample if regex_search(regex, sample).value else None


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


def string_fragments(conditions: list[ast.Condition]) -> list[str]:
    """Strings that make the pattern-valued conditions true, to build witnesses from."""
    fragments: list[str] = []
    for condition in conditions:
        if not isinstance(condition, ast.Comparison):
            continue
        value = condition.value
        if value.kind is ast.ValueKind.REGEX:
            sample = regex_sample(value.text)
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


def concrete_classes(spec: FieldSpec | Reach, conditions: list[ast.Condition]) -> list[ValueClass]:
    """The concrete values worth trying at a field, as far as the record model allows them."""
    kinds = set(Kind) if spec is Reach.FREE else set(spec.kinds)
    classes: list[ValueClass] = []
    if isinstance(spec, FieldSpec):
        for sample in spec.examples:
            classes.append(ValueClass(sample, f"= {json.dumps(sample)}"))
    if spec is Reach.FREE or not spec.required:
        classes.append(ValueClass(ABSENT, "absent"))
    numbers: set[float] = set()
    for condition in conditions:
        if not isinstance(condition, ast.Comparison):
            continue
        value = condition.value
        if value.kind is ast.ValueKind.NUMBER and value.number is not None:
            numbers.add(value.number)
            classes.append(ValueClass(value.text, f"= {json.dumps(value.text)}"))
        elif value.kind is ast.ValueKind.STRING:
            classes.append(ValueClass(value.text, f"= {json.dumps(value.text)}"))
            if value.leading_star or value.trailing_star:
                classes.append(ValueClass(value.inner_text, f"= {json.dumps(value.inner_text)}"))
    classes.append(ValueClass("other-value", '= "other-value"'))
    classes.append(ValueClass("12345", '= "12345"'))
    classes.extend(
        [
            ValueClass(None, "= null"),
            ValueClass(True, "= true"),
            ValueClass(False, "= false"),
            ValueClass({}, "= {}"),
            ValueClass([], "= []"),
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
        classes.append(ValueClass(as_json, f"= {json.dumps(as_json)}"))
    return [c for c in classes if c.value is ABSENT or kind_of(c.value) in kinds]


def build_variable(
    variable: Variable, pattern_conditions: tuple[ast.Condition, ...], has_descendants: bool = False
) -> str | None:
    """Fill `variable.groups`; returns a reason when the classes are too many to enumerate.

    Classes no condition tells apart share a group, except that, when a condition reads a
    field below this one (`has_descendants`), an object, an array and anything else stay
    apart: they leave different room to the fields below."""
    conditions = [pattern_conditions[i] for i in variable.conditions]
    if variable.key[0] == "wildcard":
        index = variable.conditions[0]
        variable.groups = [
            ({index: F}, [ValueClass(None, "no field satisfying it", bits=((index, F),))]),
            ({index: T}, [ValueClass(None, "a field satisfying it", bits=((index, T),))]),
        ]
        return None
    # one true/false bit per distinct wildcard or regex value on this field
    spelled: dict[tuple, str] = {}  # pattern_key -> the first spelling, for descriptions
    for i in variable.conditions:
        if is_pattern_value(pattern_conditions[i]):
            value = pattern_conditions[i].value
            spelled.setdefault(pattern_key(value), value.raw)
    pattern_values = list(spelled)
    if len(pattern_values) > MAX_PATTERN_BITS:
        return f"{len(pattern_values)} wildcard or regex values on one field"
    candidates = concrete_classes(variable.spec, conditions)
    strings = variable.spec is Reach.FREE or Kind.STRING in variable.spec.kinds
    for bits in itertools.product((F, T), repeat=len(pattern_values)) if strings else ():
        assignment = tuple(zip(pattern_values, bits, strict=True))
        label = ", ".join(
            f"{'matching' if bit else 'not matching'} {spelled[key]}" for key, bit in assignment
        )
        candidates.append(ValueClass(None, f"a string {label}".strip(), bits=assignment))
    seen: dict[tuple, int] = {}
    for candidate in candidates:
        bits = dict(candidate.bits or ())
        vector: dict[int, Truth] = {}
        for index in variable.conditions:
            condition = pattern_conditions[index]
            if candidate.abstract:
                wild = is_pattern_value(condition)
                bit = bits.get(pattern_key(condition.value)) if wild else None
                vector[index] = _abstracttruth(condition, bit)
            else:
                vector[index] = truth(evaluate_condition(condition, candidate.value))
        signature = tuple(vector[i] for i in variable.conditions)
        if has_descendants:
            signature += (_container(candidate),)
        if signature not in seen:
            seen[signature] = len(variable.groups)
            variable.groups.append((vector, [candidate]))
        else:
            variable.groups[seen[signature]][1].append(candidate)
    return None


def _container(candidate: ValueClass) -> str:
    if not candidate.abstract and isinstance(candidate.value, dict):
        return "object"
    if not candidate.abstract and isinstance(candidate.value, list):
        return "array"
    return "other"


def compatible(key: tuple, chosen: ValueClass, other_key: tuple, other: ValueClass) -> bool:
    """Can one record give `key` a value of `chosen` and `other_key` one of `other`?"""
    if len(key) > len(other_key):
        key, chosen, other_key, other = other_key, other, key, chosen
    if key == other_key or other_key[: len(key)] != key:
        return True
    if other.value is ABSENT and not other.abstract:
        return True  # a deeper field is absent whatever its parent is
    container = list if isinstance(other_key[len(key)], int) else dict
    return not chosen.abstract and isinstance(chosen.value, container)
