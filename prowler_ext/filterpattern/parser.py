"""Text → AST for CloudWatch Logs filter patterns.

The grammar lives in `grammar.lark` (one place, all three kinds of pattern). Lark analysed it
at build time (`python -m tools.parsers` wrote the tables into `..lalr_parsers`); its LALR(1)
runtime parses with them, never recursing, and the tree is turned into `ast` nodes by a
non-recursive transformer, so a pattern of 500 nested parentheses is just a long pattern,
not a `RecursionError`. What the grammar cannot say (AWS's documented limits: 1024
characters, at most two regular expressions, one wildcard per selector and three per
pattern, no `(`, `)` or `!` inside a regular expression) is checked after parsing.

Every rejection is a `PatternError` carrying the position of the offending character.
Parsed patterns are cached by text, because the same pattern is judged for several events
and often stands on many metric filters.
"""

from __future__ import annotations

import re
import threading
import warnings
from functools import lru_cache

from .. import lalr_parsers
from ..lalr_parsers import (
    Lark,
    Token,
    Transformer,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)
from . import ast
from .errors import PatternError

MAX_PATTERN_LENGTH = 1024
MAX_REGEXES = 2
MAX_WILDCARDS_PER_SELECTOR = 1
MAX_WILDCARDS_PER_PATTERN = 3
# AWS, "Regular expression (regex) syntax support": letters, digits, the symbols : _ # = @ / ; , -
# and the operators ^ $ ? [ ] { } | \ * + . ; "( and ) are not supported"; "%something!%
# would be rejected"; "multi-byte characters are not supported". A space is not in the list,
# yet AWS's own example %^starting|^initializing|^shutting down% holds one: accepted, and
# judged UNKNOWN wherever it matters (values.regex_doubt).
REGEX_FORBIDDEN = "()!"
REGEX_ALLOWED = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    ":_#=@/;,-" "^$?[]{}|\\*+." " "
)
# AWS, "Using filter patterns to match terms in JSON log events": "Property selectors are
# alphanumeric strings that support hyphen ("-") and underscore ("_") characters"; other keys
# take the bracket notation $.['key.with.dots'].
SELECTOR_KEY = re.compile(r"[A-Za-z0-9_\-]+\Z")
# AWS (JSON filter patterns, values): "Strings that have unicode and other characters such as
# '@,' '$,' '\,' etc. must be enclosed in double quotes to be valid."
UNQUOTED_FORBIDDEN = "@$\\"

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\Z")
_SELECTOR_STEP = re.compile(
    r"\.\*|\.\[\s*'(?P<quoted>[^']*)'\s*\]|\.(?P<key>[^\s.\[\]=!<>()&|{}\"'%$]+)"
    r"|\[\s*(?P<index>\d+|\*)\s*\]"
)

_EXPECTED_NAMES = {
    "SELECTOR": "a selector such as $.eventName",
    "COMPARATOR": "an operator (=, !=, <, <=, >, >=)",
    "STRING": "a value",
    "WORD": "a value",
    "REGEX": "a value",
    "IS": "IS",
    "NOT": "NOT",
    "NULL": "NULL",
    "TRUE": "TRUE",
    "FALSE": "FALSE",
    "EXISTS": "EXISTS",
    "RBRACE": "'}'",
    "LBRACE": "'{'",
    "RPAR": "')'",
    "LPAR": "'('",
    "RSQB": "']'",
    "LSQB": "'['",
    "COMMA": "','",
    "__ANON_0": "'||'",
    "__ANON_1": "'&&'",
    "OR": "'||'",
    "AND": "'&&'",
    "FIELD_NAME": "a field name",
    "ELLIPSIS": "'...'",
    "TERM": "a term",
}

_START_BY_FIRST_CHAR = {"{": "json_pattern", "[": "delimited_pattern"}


_CURRENT = threading.local()  # the text being parsed, for the transformer's messages


def _load_parser() -> Lark:
    # the transformer is applied at each reduction: no parse tree is built
    return lalr_parsers.load(lalr_parsers.FILTER_PATTERN, transformer=_ToAst())


def parse(text: str | ast.Pattern) -> ast.Pattern:
    """Parse a filter pattern. A parsed pattern is returned as it is."""
    if isinstance(text, (ast.JsonPattern, ast.TermPattern, ast.DelimitedPattern)):
        return text
    if not isinstance(text, str):
        raise TypeError(f"a filter pattern is a str, not {type(text).__name__}")
    return _parse_cached(text)


@lru_cache(maxsize=8192)
def _parse_cached(text: str) -> ast.Pattern:
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError(
            f"a filter pattern is at most {MAX_PATTERN_LENGTH} characters, not {len(text)}",
            text,
            MAX_PATTERN_LENGTH,
        )
    stripped = text.lstrip()
    if not stripped:
        return ast.TermPattern(text, ())
    start = _START_BY_FIRST_CHAR.get(stripped[0], "term_pattern")
    _CURRENT.text = text
    try:
        pattern = _LARK.parse(text, start=start)
    except UnexpectedInput as error:
        raise _pattern_error(error, text) from None
    except VisitError as error:
        if isinstance(error.orig_exc, PatternError):
            raise error.orig_exc from None
        raise
    finally:
        _CURRENT.text = ""
    _check_limits(pattern, text)
    return pattern


def _pattern_error(error: UnexpectedInput, text: str) -> PatternError:
    if isinstance(error, UnexpectedEOF):
        return PatternError(
            f"the pattern ends too early; expected {_expected(error.expected)}", text, len(text)
        )
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream
        char = text[position] if position < len(text) else ""
        hint = ""
        if char == "'":
            hint = " (AWS accepts double quotes only)"
        elif char == '"':
            hint = " (unclosed double quote?)"
        elif (char.isalpha() or char == "_") and _expects_selector(error):
            hint = " (selectors start with $.)"
        return PatternError(f"unexpected character {char!r}{hint}", text, position)
    if isinstance(error, UnexpectedToken):
        token = error.token
        if token.type == "$END":
            return PatternError(
                f"the pattern ends too early; expected {_expected(error.expected)}", text, len(text)
            )
        return PatternError(
            f"unexpected {str(token)!r}; expected {_expected(error.expected)}",
            text,
            token.start_pos or 0,
        )
    return PatternError(str(error).splitlines()[0], text, getattr(error, "pos_in_stream", 0) or 0)


def _expects_selector(error: UnexpectedCharacters) -> bool:
    allowed = error.allowed or set()
    return "SELECTOR" in allowed


def _expected(names) -> str:
    readable = sorted({_EXPECTED_NAMES.get(name, name.lower()) for name in names or ()})
    if not readable:
        return "more input"
    if len(readable) == 1:
        return readable[0]
    return ", ".join(readable[:-1]) + " or " + readable[-1]


def _parse_selector(token: Token, text: str) -> ast.Selector:
    raw = str(token)
    steps: list[ast.PathStep] = []
    for match in _SELECTOR_STEP.finditer(raw, 1):
        if match.group(0) == ".*" or match.group("index") == "*":
            steps.append(ast.Wildcard.ANY)
        elif match.group("quoted") is not None:
            steps.append(match.group("quoted"))
        elif match.group("key") is not None:
            key = match.group("key")
            if not SELECTOR_KEY.match(key):
                bad = next(c for c in key if not SELECTOR_KEY.match(c))
                raise PatternError(
                    f"{bad!r} is not allowed in a property selector (letters, digits, - and _; "
                    f"write $.['{key}'] for other keys)",
                    text,
                    (token.start_pos or 0) + match.start("key") + key.index(bad),
                )
            steps.append(key)
        else:
            steps.append(int(match.group("index")))
    wildcards = sum(1 for step in steps if step is ast.Wildcard.ANY)
    if wildcards > MAX_WILDCARDS_PER_SELECTOR:
        raise PatternError(
            "a selector may use one wildcard ($.* or [*]) at most", text, token.start_pos or 0
        )
    return ast.Selector(raw, tuple(steps))


def _unquote(body: str) -> str:
    return re.sub(r"\\(.)", r"\1", body)


def _value(token: Token, text: str) -> ast.Value:
    raw = str(token)
    if token.type == "STRING":
        return ast.Value(raw, ast.ValueKind.STRING, _unquote(raw[1:-1]), quoted=True)
    if token.type == "REGEX":
        body = raw[1:-1]
        _check_regex(body, text, (token.start_pos or 0) + 1)
        return ast.Value(raw, ast.ValueKind.REGEX, body)
    if raw == "*":
        return ast.Value(raw, ast.ValueKind.PRESENT, raw)
    for offset, char in enumerate(raw):
        if char in UNQUOTED_FORBIDDEN or not char.isascii():
            raise PatternError(
                f"{char!r} in a value needs double quotes (\"{raw}\")",
                text,
                (token.start_pos or 0) + offset,
            )
    if _NUMBER.match(raw):
        return ast.Value(raw, ast.ValueKind.NUMBER, raw, number=float(raw))
    return ast.Value(raw, ast.ValueKind.STRING, raw)


def _check_regex(body: str, text: str, position: int) -> None:
    if not body:
        raise PatternError("an empty regular expression (%%)", text, position)
    for offset, char in enumerate(body):
        if char in REGEX_FORBIDDEN or char not in REGEX_ALLOWED:
            raise PatternError(
                f"{char!r} is not allowed in a filter-pattern regular expression (AWS allows "
                "letters, digits, : _ # = @ / ; , - and the operators ^ $ ? [ ] { } | \\ * + .;"
                " \\xhh matches any other character)",
                text,
                position + offset,
            )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" is a dialect question
            re.compile(body)
    except re.error as error:
        raise PatternError(
            f"invalid regular expression: {error.msg}", text, position + (error.pos or 0)
        ) from None


def _flatten(node_type: type, children) -> tuple:
    flat: list = []
    for child in children:
        if isinstance(child, node_type):
            flat.extend(child.children)
        else:
            flat.append(child)
    return tuple(flat)


class _ToAst(Transformer):
    """Grammar rules → ast nodes, called by the LALR parser at each reduction (bottom-up,
    without recursion)."""

    @property
    def text(self) -> str:
        return _CURRENT.text

    # JSON patterns
    def json_pattern(self, children):
        (expression,) = children
        return ast.JsonPattern(self.text, expression)

    def any_of(self, children):
        if len(children) == 1:
            return children[0]
        return ast.AnyOf(_flatten(ast.AnyOf, children))

    def all_of(self, children):
        if len(children) == 1:
            return children[0]
        return ast.AllOf(_flatten(ast.AllOf, children))

    def value(self, children):
        (token,) = children
        return _value(token, self.text)

    def comparison(self, children):
        selector, comparator, value = children
        return ast.Comparison(
            _parse_selector(selector, self.text), str(comparator), value, selector.start_pos or 0
        )

    def _test(self, children, kind: ast.TestKind):
        selector = children[0]
        return ast.Test(_parse_selector(selector, self.text), kind, selector.start_pos or 0)

    def is_null(self, children):
        return self._test(children, ast.TestKind.IS_NULL)

    def is_true(self, children):
        return self._test(children, ast.TestKind.IS_TRUE)

    def is_false(self, children):
        return self._test(children, ast.TestKind.IS_FALSE)

    def not_exists(self, children):
        return self._test(children, ast.TestKind.NOT_EXISTS)

    # space-delimited patterns
    def delimited_pattern(self, children):
        return ast.DelimitedPattern(self.text, tuple(children))

    def any_fields(self, children):
        return ast.AnyFields()

    def named_field(self, children):
        return ast.NamedField(str(children[0]))

    def empty_field(self, children):
        return ast.NamedField("")

    def field_condition(self, children):
        name, comparator, value = children
        return ast.FieldCondition(str(name), str(comparator), value)

    # text terms
    def term_pattern(self, children):
        return ast.TermPattern(self.text, _terms(children, self.text))


def _terms(tokens: list[Token], text: str) -> tuple[ast.Term, ...]:
    """The terms, a lone `-` or `?` applied to the term after it (`"ERROR" - "Exiting"`)."""
    terms: list[ast.Term] = []
    prefix = ""
    for token in tokens:
        raw = str(token)
        if raw in ("-", "?") and not prefix:
            prefix = raw
            continue
        if prefix and raw[0] not in "-?":
            token = Token(token.type, prefix + raw, start_pos=(token.start_pos or 0) - 1)
        elif prefix:
            terms.append(_term(Token("TERM", prefix, start_pos=0), text))
        prefix = ""
        terms.append(_term(token, text))
    if prefix:
        terms.append(_term(Token("TERM", prefix, start_pos=0), text))
    return tuple(terms)


def _term(token: Token, text: str) -> ast.Term:
    raw = str(token)
    kind = ast.TermKind.REQUIRED
    if raw[0] == "?" and len(raw) > 1:
        kind, raw = ast.TermKind.OPTIONAL, raw[1:]
    elif raw[0] == "-" and len(raw) > 1:
        kind, raw = ast.TermKind.EXCLUDED, raw[1:]
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return ast.Term(_unquote(raw[1:-1]), kind, quoted=True)
    if len(raw) >= 3 and raw[0] == "%" and raw[-1] == "%":
        _check_regex(raw[1:-1], text, (token.start_pos or 0) + str(token).index("%") + 1)
        return ast.Term(raw[1:-1], kind, is_regex=True)
    return ast.Term(raw, kind)


def conditions(expression: ast.Expression) -> tuple[ast.Condition, ...]:
    """The conditions of a JSON expression, left to right, without recursion."""
    found: list[ast.Condition] = []
    stack: list[ast.Expression] = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.AllOf, ast.AnyOf)):
            stack.extend(reversed(node.children))
        else:
            found.append(node)
    return tuple(found)


def _check_limits(pattern: ast.Pattern, text: str) -> None:
    if isinstance(pattern, ast.JsonPattern):
        found = conditions(pattern.expression)
        object.__setattr__(pattern, "conditions", found)
        regexes = [
            c
            for c in found
            if isinstance(c, ast.Comparison) and c.value.kind is ast.ValueKind.REGEX
        ]
        wildcard_selectors = [c for c in found if c.selector.has_wildcard]
    elif isinstance(pattern, ast.TermPattern):
        regexes = [t for t in pattern.terms if t.is_regex]
        wildcard_selectors = []
    else:
        regexes = [
            f for f in _delimited_conditions(pattern.fields) if f.value.kind is ast.ValueKind.REGEX
        ]
        wildcard_selectors = []
    if len(regexes) > MAX_REGEXES:
        third = regexes[MAX_REGEXES]
        position = third.position if isinstance(third, ast.Comparison) else text.find("%", 0)
        raise PatternError(
            f"a filter pattern may use at most {MAX_REGEXES} regular expressions", text, position
        )
    if len(wildcard_selectors) > MAX_WILDCARDS_PER_PATTERN:
        raise PatternError(
            f"a filter pattern may use at most {MAX_WILDCARDS_PER_PATTERN} wildcard selectors",
            text,
            wildcard_selectors[MAX_WILDCARDS_PER_PATTERN].position,
        )


def _delimited_conditions(fields) -> list[ast.FieldCondition]:
    found: list[ast.FieldCondition] = []
    stack = list(fields)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.AllOf, ast.AnyOf)):
            stack.extend(node.children)
        elif isinstance(node, ast.FieldCondition):
            found.append(node)
    return found


_LARK = _load_parser()
