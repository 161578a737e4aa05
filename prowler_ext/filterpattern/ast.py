"""Nodes of a parsed filter pattern. Plain, immutable data: the interpreters live elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Wildcard(Enum):
    """`$.*` (any key) or `[*]` (any element) in a selector."""

    ANY = "*"


PathStep = str | int | Wildcard


@dataclass(frozen=True)
class Selector:
    """A JSON selector such as `$.userIdentity.type`, as written and as a path of steps."""

    text: str
    path: tuple[PathStep, ...]

    @property
    def has_wildcard(self) -> bool:
        return any(step is Wildcard.ANY for step in self.path)


class ValueKind(str, Enum):
    STRING = "string"  # a quoted or bare word, maybe with a leading/trailing `*`
    NUMBER = "number"  # a bare word that reads as a number
    REGEX = "regex"  # %...%
    PRESENT = "present"  # `*` alone: the field is present


@dataclass(frozen=True)
class Value:
    """The right-hand side of a comparison."""

    raw: str  # as written, quotes included
    kind: ValueKind
    text: str  # without quotes or %...%
    quoted: bool = False
    number: float | None = None
    # derived once, read on every comparison
    leading_star: bool = field(init=False, compare=False)
    trailing_star: bool = field(init=False, compare=False)
    inner_text: str = field(init=False, compare=False)  # without leading/trailing stars
    middle_star: bool = field(init=False, compare=False)
    has_escape: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        text = self.text
        string = self.kind is ValueKind.STRING
        leading = string and len(text) > 1 and text.startswith("*")
        trailing = string and len(text) > 1 and text.endswith("*")
        inner = text[1 if leading else 0 : len(text) - 1 if trailing else len(text)]
        derived = {
            "leading_star": leading,
            "trailing_star": trailing,
            "inner_text": inner,
            "middle_star": string and "*" in inner,
            "has_escape": self.quoted and "\\" in self.raw,
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class Comparison:
    """`selector op value`."""

    selector: Selector
    op: str  # = != < <= > >=
    value: Value
    position: int


class TestKind(str, Enum):
    IS_NULL = "IS NULL"
    IS_TRUE = "IS TRUE"
    IS_FALSE = "IS FALSE"
    NOT_EXISTS = "NOT EXISTS"


@dataclass(frozen=True)
class Test:
    """`selector IS NULL | IS TRUE | IS FALSE | NOT EXISTS`."""

    selector: Selector
    kind: TestKind
    position: int


Condition = Comparison | Test


@dataclass(frozen=True)
class AllOf:
    """`a && b && …` (flattened: no AllOf child)."""

    children: tuple[Expression, ...]


@dataclass(frozen=True)
class AnyOf:
    """`a || b || …` (flattened: no AnyOf child)."""

    children: tuple[Expression, ...]


Expression = Comparison | Test | AllOf | AnyOf


@dataclass(frozen=True)
class JsonPattern:
    text: str
    expression: Expression
    conditions: tuple[Condition, ...] = field(default=(), compare=False)


class TermKind(str, Enum):
    REQUIRED = "required"  # term
    OPTIONAL = "optional"  # ?term
    EXCLUDED = "excluded"  # -term


@dataclass(frozen=True)
class Term:
    text: str  # without quotes, ?, - or %...%
    kind: TermKind
    is_regex: bool = False
    quoted: bool = False


@dataclass(frozen=True)
class TermPattern:
    """Text terms; no terms at all (`""` or blank) matches every event."""

    text: str
    terms: tuple[Term, ...]

    @property
    def effective_terms(self) -> tuple[Term, ...]:
        """AWS ignores `?` terms when plain terms are present."""
        if any(t.kind is not TermKind.OPTIONAL for t in self.terms):
            return tuple(t for t in self.terms if t.kind is not TermKind.OPTIONAL)
        return self.terms


@dataclass(frozen=True)
class AnyFields:
    """`...` in a space-delimited pattern."""


@dataclass(frozen=True)
class NamedField:
    name: str


@dataclass(frozen=True)
class FieldCondition:
    name: str
    op: str
    value: Value


DelimitedField = AnyFields | NamedField | FieldCondition | AllOf | AnyOf


@dataclass(frozen=True)
class DelimitedPattern:
    text: str
    fields: tuple[DelimitedField, ...]


Pattern = JsonPattern | TermPattern | DelimitedPattern
