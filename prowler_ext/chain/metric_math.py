"""CloudWatch metric math, evaluated for one period.

An alarm's `Metrics` are MetricDataQueries: each a `MetricStat` (a metric and a statistic) or an
`Expression` over the other queries' Ids. The link predicate needs the value of the returned
query in a single period, once with the event's datapoint and once without: this module parses
expressions (the grammar is metric_math.lark, its LALR tables in `..lalr_parsers`, so parsing
never recurses) and computes that value. What a MetricStat query reads is the caller's
business (`resolve`); everything the module does not know, it refuses with `UndecidedError`
rather than guess.

Semantics, from the CloudWatch user guide ("Metric math syntax and functions"):

- a value is a scalar (`5`), a time series, or an array of time series (`[m1, m2]`,
  `METRICS()`); in one period a time series holds a number or nothing (`None`);
- arithmetic (`+ - * / ^`), comparisons (`== != < <= > >=`, 1 or 0) and `AND`/`&&`, `OR`/`||`
  between two series treat a missing value as 0 when the other series has one, and give
  nothing when neither has; with a scalar, a missing value stays missing; a division by zero
  (or any undefined result) drops the datapoint;
- `FILL(x, k)` gives k where x has nothing; `IF(c, t[, f])` gives nothing where c has nothing,
  t where c is not 0 (0 when t, a series, has nothing) and f where c is 0 (nothing when f is
  omitted or has nothing);
- `SUM`, `AVG`, `MAX`, `MIN` of an array work datapoint by datapoint (nothing where every
  member has nothing); `AVG` counts a missing member as 0, as AWS documents; `MAX` and `MIN`
  over members of which only some have a value are undecided when skipping the missing ones
  and counting them as 0 disagree. Of a single series they are one number over the alarm's
  whole time range: undecided.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .. import lalr_parsers
from ..lalr_parsers import (
    Lark,
    Transformer,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

MAX_EXPRESSION_LENGTH = 2048  # PutMetricAlarm's limit on Expression
MAX_DEPTH = 32  # nesting the evaluator follows; deeper expressions are undecided
MAX_CHAIN = 10  # expressions referring to expressions (an alarm holds 10 at most)


class UndecidedError(Exception):
    """The value cannot be known. `str(error)` completes "metric-math alarm X ..."."""


# ------------------------------------------------------------------------------ syntax tree


@dataclass(frozen=True)
class Number:
    value: float
    depth: int = 1


@dataclass(frozen=True)
class Reference:
    name: str
    depth: int = 1


@dataclass(frozen=True)
class Text:
    value: str
    depth: int = 1


@dataclass(frozen=True)
class Call:
    name: str
    arguments: tuple[Node, ...]
    depth: int = 1


@dataclass(frozen=True)
class ArrayOf:
    items: tuple[Node, ...]
    depth: int = 1


@dataclass(frozen=True)
class Unary:
    operator: str  # "-" or "NOT"
    operand: Node
    depth: int = 1


@dataclass(frozen=True)
class Binary:
    operator: str  # "+", "==", "AND", ...
    left: Node
    right: Node
    depth: int = 1


Node = Number | Reference | Text | Call | ArrayOf | Unary | Binary


def _depth(*children: Node) -> int:
    return 1 + max((child.depth for child in children), default=0)


_CANONICAL = {"||": "OR", "&&": "AND", "!": "NOT"}


class _ToNodes(Transformer):
    """Grammar rules -> nodes, at each LALR reduction (no parse tree, no recursion)."""

    def number(self, children):
        return Number(float(children[0]))

    def reference(self, children):
        return Reference(str(children[0]))

    def text(self, children):
        return Text(str(children[0])[1:-1])

    def call(self, children):
        name, arguments = children[0], children[1] if len(children) > 1 else None
        arguments = tuple(arguments or ())
        return Call(str(name), arguments, _depth(*arguments))

    def array(self, children):
        (items,) = children
        return ArrayOf(tuple(items), _depth(*items))

    def arguments(self, children):
        return list(children)

    def unary(self, children):
        op, operand = children
        name = _CANONICAL.get(str(op), str(op))
        return Unary(name, operand, _depth(operand))

    def binary(self, children):
        left, op, right = children
        name = _CANONICAL.get(str(op), str(op))
        return Binary(name, left, right, _depth(left, right))


_LOADED: list[Lark] = []  # the parser, built on first use: most accounts have no math alarm


def _lark() -> Lark:
    if not _LOADED:
        _LOADED.append(
            lalr_parsers.load(lalr_parsers.METRIC_MATH, transformer=_ToNodes())
        )
    return _LOADED[0]


def parse(expression: str) -> Node:
    """The syntax tree of an expression; `UndecidedError` says why there is none."""
    result = _parse_cached(expression)
    if isinstance(result, str):
        raise UndecidedError(result)
    return result


@lru_cache(maxsize=1024)
def _parse_cached(expression: str) -> Node | str:
    if len(expression) > MAX_EXPRESSION_LENGTH:
        return f"has an expression longer than {MAX_EXPRESSION_LENGTH} characters"
    try:
        tree = _lark().parse(expression)
    except UnexpectedInput as error:
        return f"has an expression the check cannot parse, {_short(expression)}: {_syntax(error)}"
    if tree.depth > MAX_DEPTH:
        return f"nests the expression {_short(expression)} more than {MAX_DEPTH} levels deep"
    return tree


def _syntax(error: UnexpectedInput) -> str:
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        return "it ends too early"
    if isinstance(error, UnexpectedToken):
        return f"unexpected {str(error.token)!r} at character {(error.token.start_pos or 0) + 1}"
    if isinstance(error, UnexpectedCharacters):
        return f"unexpected {error.char!r} at character {error.pos_in_stream + 1}"
    return "it is not metric math"  # pragma: no cover - lark's other errors


def _short(expression: str) -> str:
    return repr(expression if len(expression) <= 60 else expression[:57] + "...")


# ------------------------------------------------------------------------------ values


@dataclass(frozen=True)
class Scalar:
    value: float


@dataclass(frozen=True)
class Series:
    """One period of a time series: its datapoint, or None when it has none."""

    value: float | None


@dataclass(frozen=True)
class SeriesArray:
    members: tuple[Series, ...]


Value = Scalar | Series | SeriesArray


def _kind(value: Value) -> str:
    return {Scalar: "a number", Series: "a time series", SeriesArray: "an array of time series"}[
        type(value)
    ]


def _defined(result: float | complex) -> float | None:
    """A datapoint AWS keeps: real and finite (a division by zero and the like drop it)."""
    if isinstance(result, complex) or not math.isfinite(result):
        return None
    return float(result)


def _safely(function: Callable[[float, float], float], a: float, b: float) -> float | None:
    try:
        return _defined(function(a, b))
    except (ZeroDivisionError, OverflowError, ValueError):
        return None


def _power(a: float, b: float) -> float:
    return a**b


def _truth(function: Callable[[float, float], bool]) -> Callable[[float, float], float]:
    return lambda a, b: 1.0 if function(a, b) else 0.0


_BINARY: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "^": _power,
    "==": _truth(operator.eq),
    "!=": _truth(operator.ne),
    "<": _truth(operator.lt),
    "<=": _truth(operator.le),
    ">": _truth(operator.gt),
    ">=": _truth(operator.ge),
    "AND": _truth(lambda a, b: a != 0 and b != 0),
    "OR": _truth(lambda a, b: a != 0 or b != 0),
}


def _combine(op: str, left: Value, right: Value) -> Value:
    function = _BINARY[op]
    if isinstance(left, SeriesArray) and isinstance(right, SeriesArray):
        raise UndecidedError(
            f"applies {op} to two arrays of time series, which the check cannot evaluate"
        )
    if isinstance(left, SeriesArray):
        return SeriesArray(tuple(_combine(op, m, right) for m in left.members))
    if isinstance(right, SeriesArray):
        return SeriesArray(tuple(_combine(op, left, m) for m in right.members))
    if isinstance(left, Scalar) and isinstance(right, Scalar):
        result = _safely(function, left.value, right.value)
        if result is None:
            raise UndecidedError(
                f"computes {_number(left.value)} {op} {_number(right.value)}, which has no value"
            )
        return Scalar(result)
    if isinstance(left, Series) and isinstance(right, Series):
        if left.value is None and right.value is None:
            return Series(None)
        return Series(_safely(function, left.value or 0.0, right.value or 0.0))
    a, b = left.value, right.value  # a series and a number
    if a is None or b is None:
        return Series(None)
    return Series(_safely(function, a, b))


def _map(value: Value, function: Callable[[float], float]) -> Value:
    if isinstance(value, SeriesArray):
        return SeriesArray(tuple(_map(m, function) for m in value.members))
    if value.value is None:
        return value
    try:
        result = _defined(function(value.value))
    except (OverflowError, ValueError):
        result = None
    if isinstance(value, Scalar):
        if result is None:
            raise UndecidedError("computes a number that has no value")
        return Scalar(result)
    return Series(result)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ------------------------------------------------------------------------------ evaluation


Resolve = Callable[[dict], Series]


@dataclass
class Evaluation:
    """The values of an alarm's queries in one period; `resolve` reads a MetricStat query."""

    queries: Sequence[dict]
    resolve: Resolve
    _by_id: dict[str, dict] = field(init=False, default_factory=dict)
    _values: dict[str, Value] = field(init=False, default_factory=dict)
    _open: list[str] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        for query in self.queries:
            if isinstance(query, dict) and isinstance(query.get("Id"), str):
                self._by_id.setdefault(query["Id"], query)

    def query(self, query: dict) -> Value:
        """The value of one query (a MetricStat or an Expression)."""
        name = query.get("Id")
        if isinstance(name, str) and name in self._values:
            return self._values[name]
        if name in self._open:
            chain = " -> ".join([*self._open[self._open.index(name) :], str(name)])
            raise UndecidedError(f"has expressions that refer to each other ({chain})")
        if isinstance(query.get("MetricStat"), dict):
            value: Value = self.resolve(query)
        elif isinstance(query.get("Expression"), str):
            if len(self._open) >= MAX_CHAIN:
                raise UndecidedError(f"chains more than {MAX_CHAIN} expressions")
            self._open.append(str(name))
            try:
                value = self.node(parse(query["Expression"]))
            finally:
                self._open.pop()
        else:
            raise UndecidedError(f"has a query {name} with neither a metric nor an expression")
        if isinstance(name, str):
            self._values[name] = value
        return value

    def node(self, node: Node) -> Value:
        if isinstance(node, Number):
            return Scalar(node.value)
        if isinstance(node, Reference):
            return self._reference(node.name)
        if isinstance(node, Unary):
            operand = self.node(node.operand)
            if node.operator == "-":
                return _map(operand, operator.neg)
            return _map(operand, lambda x: 1.0 if x == 0 else 0.0)
        if isinstance(node, Binary):
            return _combine(node.operator, self.node(node.left), self.node(node.right))
        if isinstance(node, ArrayOf):
            return SeriesArray(tuple(self._members(node.items)))
        if isinstance(node, Call):
            handler = _FUNCTIONS.get(node.name)
            if handler is None:
                raise UndecidedError(f"uses {node.name}, which the check cannot evaluate")
            return handler(self, node)
        raise UndecidedError(f"uses the text {node.value!r} where a value belongs")

    def _reference(self, name: str) -> Value:
        query = self._by_id.get(name)
        if query is None:
            if name.isupper():
                raise UndecidedError(f"uses {name}, which the check cannot evaluate")
            raise UndecidedError(f"refers to {name}, which is none of its queries")
        return self.query(query)

    def _members(self, items: Sequence[Node]) -> list[Series]:
        members: list[Series] = []
        for item in items:
            value = self.node(item)
            if isinstance(value, SeriesArray):
                members.extend(value.members)
            elif isinstance(value, Series):
                members.append(value)
            else:
                raise UndecidedError("puts a number in an array of time series")
        return members

    def metric_queries(self) -> list[dict]:
        return [q for q in self.queries if isinstance(q, dict) and "MetricStat" in q]


def evaluate(queries: Sequence[dict], returned: dict, resolve: Resolve) -> Series:
    """The returned query's datapoint in the period (None: it has none)."""
    try:
        value = Evaluation(queries, resolve).query(returned)
    except RecursionError:  # MAX_DEPTH and MAX_CHAIN keep within the limit; a last resort
        raise UndecidedError("nests its expressions too deeply for the check") from None
    if not isinstance(value, Series):
        raise UndecidedError(
            f"returns {_kind(value)} from {returned.get('Id')}, not the single time series "
            "an alarm needs"
        )
    return value


# ------------------------------------------------------------------------------ functions


def _arity(node: Call, low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(node.arguments) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise UndecidedError(
            f"calls {node.name} with {len(node.arguments)} arguments instead of {expected}"
        )


def _fill(ev: Evaluation, node: Call) -> Value:
    _arity(node, 2)
    target, filler_node = node.arguments
    if isinstance(filler_node, Reference) and filler_node.name in ("REPEAT", "LINEAR"):
        raise UndecidedError(
            f"uses FILL with {filler_node.name}, whose value depends on earlier periods, which "
            "the check cannot evaluate"
        )
    value, filler = ev.node(target), ev.node(filler_node)
    if isinstance(filler, SeriesArray) or isinstance(value, Scalar):
        raise UndecidedError(f"calls FILL with {_kind(value)} and {_kind(filler)}")

    def fill(series: Series) -> Series:
        return series if series.value is not None else Series(filler.value)

    if isinstance(value, SeriesArray):
        return SeriesArray(tuple(fill(m) for m in value.members))
    return fill(value)


def _if(ev: Evaluation, node: Call) -> Value:
    _arity(node, 2, 3)
    condition, when_true = ev.node(node.arguments[0]), ev.node(node.arguments[1])
    when_false = ev.node(node.arguments[2]) if len(node.arguments) == 3 else None
    for value in (condition, when_true, when_false):
        if isinstance(value, SeriesArray):
            raise UndecidedError("calls IF with an array of time series")
    if isinstance(condition, Scalar):  # one branch, as it is; none: an empty time series
        chosen = when_true if condition.value != 0 else when_false
        return Series(None) if chosen is None else chosen
    if condition.value is None:
        return Series(None)
    if condition.value != 0:  # AWS: 0 where the true branch has no datapoint
        return Series(0.0 if when_true.value is None else when_true.value)
    return Series(None if when_false is None else when_false.value)


def _aggregate(name: str) -> Callable[[Evaluation, Call], Value]:
    def aggregate(ev: Evaluation, node: Call) -> Value:
        _arity(node, 1)
        value = ev.node(node.arguments[0])
        if not isinstance(value, SeriesArray):
            raise UndecidedError(
                f"uses {name} of {_kind(value)}, one number over the alarm's whole time range, "
                "which the check cannot evaluate"
            )
        present = [m.value for m in value.members if m.value is not None]
        if not present:
            return Series(None)
        zeros = present + [0.0] * (len(value.members) - len(present))
        if name == "SUM":
            return Series(_defined(math.fsum(present)))
        if name == "AVG":  # AWS: "Missing values are treated as 0"
            return Series(_defined(math.fsum(zeros) / len(zeros)))
        pick = max if name == "MAX" else min
        if pick(present) != pick(zeros):
            raise UndecidedError(
                f"uses {name} over time series of which only some have a datapoint, where "
                "AWS does not say whether a missing one counts as 0"
            )
        return Series(pick(present))

    return aggregate


def _elementwise(function: Callable[[float], float]) -> Callable[[Evaluation, Call], Value]:
    def apply(ev: Evaluation, node: Call) -> Value:
        _arity(node, 1)
        return _map(ev.node(node.arguments[0]), function)

    return apply


def _metrics(ev: Evaluation, node: Call) -> Value:
    if node.arguments:
        raise UndecidedError("uses METRICS with a filter string, which the check cannot evaluate")
    return SeriesArray(tuple(ev.query(q) for q in ev.metric_queries()))


def _first_or_last(name: str) -> Callable[[Evaluation, Call], Value]:
    def pick(ev: Evaluation, node: Call) -> Value:
        _arity(node, 1)
        value = ev.node(node.arguments[0])
        if not isinstance(value, SeriesArray) or not value.members:
            raise UndecidedError(f"calls {name} with {_kind(value)}")
        return value.members[0] if name == "FIRST" else value.members[-1]

    return pick


_FUNCTIONS: dict[str, Callable[[Evaluation, Call], Value]] = {
    "FILL": _fill,
    "IF": _if,
    "SUM": _aggregate("SUM"),
    "AVG": _aggregate("AVG"),
    "MAX": _aggregate("MAX"),
    "MIN": _aggregate("MIN"),
    "ABS": _elementwise(abs),
    "CEIL": _elementwise(math.ceil),
    "FLOOR": _elementwise(math.floor),
    "METRICS": _metrics,
    "FIRST": _first_or_last("FIRST"),
    "LAST": _first_or_last("LAST"),
}

SUPPORTED_FUNCTIONS = tuple(sorted(_FUNCTIONS))


# ------------------------------------------------------------------------------ direction


def direction(
    queries: Sequence[dict], returned: dict, moves: Callable[[dict], int | None]
) -> int | None:
    """How the returned query's value moves as the number of events in a period grows (every
    series present, as in a period with events): +1 never down, -1 never up, 0 not at all,
    None when the check cannot tell. `moves` says the same of each MetricStat query (None:
    unknown, such as another metric). Sound, not complete: None is always a safe answer."""
    try:
        return _Direction(queries, moves).query(returned)
    except (UndecidedError, RecursionError):
        return None


def _same(*directions: int | None) -> int | None:
    """The direction of a sum (or any non-decreasing combination) of parts."""
    moving = {d for d in directions if d != 0}
    if None in moving or len(moving) > 1:
        return None
    return moving.pop() if moving else 0


def _flip(value: int | None) -> int | None:
    return None if value is None else -value


def _boolean(node: Node) -> bool:
    """A comparison or a logical combination of them: a value of 1 or 0 whose truth moves the
    way its value does (the truth of a plain number, x != 0, does not)."""
    if isinstance(node, Binary) and node.operator in (">", ">=", "<", "<="):
        return True
    if isinstance(node, Binary) and node.operator in ("AND", "OR"):
        return _boolean(node.left) and _boolean(node.right)
    return False


def sign(value: float) -> int:
    return (value > 0) - (value < 0)


class _Direction:
    def __init__(self, queries: Sequence[dict], moves: Callable[[dict], int | None]):
        self.queries = queries
        self.moves = moves
        self.by_id = {
            q["Id"]: q for q in queries if isinstance(q, dict) and isinstance(q.get("Id"), str)
        }
        self.open: list[str] = []

    def query(self, query: dict) -> int | None:
        if isinstance(query.get("MetricStat"), dict):
            return self.moves(query)
        name = query.get("Id")
        expression = query.get("Expression")
        if not isinstance(expression, str) or name in self.open or len(self.open) >= MAX_CHAIN:
            return None
        self.open.append(str(name))
        try:
            return self.node(parse(expression))
        finally:
            self.open.pop()

    def constant(self, node: Node) -> float | None:
        """The node's value when it reads no metric at all."""

        def no_metric(query: dict) -> Series:
            raise UndecidedError("reads a metric")

        try:
            value = Evaluation(self.queries, no_metric).node(node)
        except UndecidedError:
            return None
        return value.value if isinstance(value, Scalar) else None

    def node(self, node: Node) -> int | None:
        if self.constant(node) is not None:
            return 0
        if isinstance(node, Reference):
            query = self.by_id.get(node.name)
            return None if query is None else self.query(query)
        if isinstance(node, Unary):
            return _flip(self.node(node.operand)) if node.operator == "-" else None
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, ArrayOf):
            return _same(*(self.node(item) for item in node.items))
        return None

    def binary(self, node: Binary) -> int | None:
        left, right = node.left, node.right
        op = node.operator
        if op == "+":
            return _same(self.node(left), self.node(right))
        if op in ("AND", "OR"):  # non-decreasing in the truth of each side
            if not (_boolean(left) and _boolean(right)):
                return None
            return _same(self.node(left), self.node(right))
        if op == "-":
            return _same(self.node(left), _flip(self.node(right)))
        if op in (">", ">="):  # a step up as left - right grows
            return _same(self.node(left), _flip(self.node(right)))
        if op in ("<", "<="):
            return _same(_flip(self.node(left)), self.node(right))
        if op in ("*", "/"):
            factor = self.constant(right)
            if factor is not None and not (op == "/" and factor == 0):
                moving = self.node(left)
                return None if moving is None else moving * sign(factor)
            factor = self.constant(left)
            if op == "*" and factor is not None:
                moving = self.node(right)
                return None if moving is None else moving * sign(factor)
        return None  # ^, ==, != and products of two moving values

    def call(self, node: Call) -> int | None:
        arguments = node.arguments
        if node.name == "FILL" and len(arguments) == 2:
            return self.node(arguments[0])  # every series is present: FILL changes nothing
        if node.name in ("SUM", "MAX", "MIN", "AVG") and len(arguments) == 1:
            return self.node(arguments[0])  # non-decreasing in each member
        if node.name in ("CEIL", "FLOOR") and len(arguments) == 1:
            return self.node(arguments[0])
        if node.name == "METRICS" and not arguments:
            return _same(*(self.query(q) for q in self.queries if "MetricStat" in q))
        if node.name == "IF" and len(arguments) == 3:
            when_true, when_false = self.constant(arguments[1]), self.constant(arguments[2])
            if when_true is None or when_false is None or not _boolean(arguments[0]):
                return None
            moving = self.node(arguments[0])
            return None if moving is None else moving * sign(when_true - when_false)
        return None
