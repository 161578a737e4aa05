"""Shared helpers and hypothesis strategies for the filter-pattern engine tests.

Written from the specification (shared/docs/filter-patterns.md and cis-4.12-semantics.md), not
from the engine. It contains:

* CloudTrail record builders (fixed fields of the six gateway events + free fields),
* a small AST for JSON filter patterns over eventName / eventSource / eventType (fixed fields)
  and awsRegion / errorCode / userIdentity.type (free fields), with a renderer that can vary
  operand order, redundant parentheses, whitespace and optional quotes,
* a three-valued reference evaluator for that sub-language (None = "the spec does not settle
  it") and a reference coverage verdict,
* text-term patterns with a reference evaluator,
* a mutation strategy for fuzzing the parser.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass

from hypothesis import strategies as st

from prowler_ext.control import NETWORK_GATEWAY_CHANGES, NETWORK_GATEWAY_EVENTS

# --------------------------------------------------------------------------------------------
# Events and records
# --------------------------------------------------------------------------------------------

EVENTS = NETWORK_GATEWAY_EVENTS
CGW_EVENTS = EVENTS[:2]
IGW_EVENTS = EVENTS[2:]
OTHER_EC2_EVENTS = (
    "CreateVpnGateway",
    "CreateNatGateway",
    "DeleteVpnGateway",
    "CreateVpc",
    "AuthorizeSecurityGroupIngress",
    "CreateRoute",
)

ABSENT = object()  # sentinel for "remove this key" in record overrides


def fixed_fields(event: str) -> dict:
    """The fields every CloudTrail record of one of the six events has, for certain."""
    return {
        "eventName": event,
        "eventSource": "ec2.amazonaws.com",
        "eventType": "AwsApiCall",
        "readOnly": False,
        "managementEvent": True,
        "eventCategory": "Management",
    }


def cloudtrail_record(event: str, **overrides) -> dict:
    """A realistic CloudTrail record of `event`; overrides replace (or with ABSENT remove) keys."""
    rec = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEEXAMPLE",
            "arn": "arn:aws:iam::123456789012:user/alice",
            "accountId": "123456789012",
            "accessKeyId": "AKIAEXAMPLEEXAMPLE",
            "userName": "alice",
        },
        "eventTime": "2024-05-01T12:00:00Z",
        "eventSource": "ec2.amazonaws.com",
        "eventName": event,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64",
        "requestParameters": {"internetGatewayId": "igw-0123456789abcdef0"},
        "responseElements": {"_return": True},
        "requestID": "6f8a9b1c-1111-2222-3333-444455556666",
        "eventID": "0a1b2c3d-aaaa-bbbb-cccc-ddddeeeeffff",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": "123456789012",
        "eventCategory": "Management",
    }
    for key, value in overrides.items():
        if value is ABSENT:
            rec.pop(key, None)
        else:
            rec[key] = value
    return rec


def compact(record) -> str:
    """A record as CloudTrail writes it: compact JSON."""
    return json.dumps(record, separators=(",", ":"))


def assert_fixed_fields(record, event: str) -> None:
    assert isinstance(record, dict), f"counterexample is not a dict: {record!r}"
    for key, value in fixed_fields(event).items():
        assert key in record, f"counterexample lacks fixed field {key}: {record!r}"
        got = record[key]
        assert type(got) is type(value) and got == value, (
            f"counterexample has {key}={got!r}, expected {value!r}: {record!r}"
        )


# --------------------------------------------------------------------------------------------
# JSON-pattern AST
# --------------------------------------------------------------------------------------------

FIXED_SELECTORS = ("eventName", "eventSource", "eventType")
FREE_SELECTORS = (
    "awsRegion",
    "errorCode",
    "userIdentity.type",
    "userIdentity",
    "resources[0].type",
)
NUMERIC_SELECTORS = ("requestParameters.maxResults",)  # free, compared with numbers

FIELD_VALUES = {
    "eventName": EVENTS + OTHER_EC2_EVENTS[:3],
    "eventSource": ("ec2.amazonaws.com", "s3.amazonaws.com", "iam.amazonaws.com"),
    "eventType": ("AwsApiCall", "AwsConsoleAction"),
    "awsRegion": ("us-east-1", "eu-west-1"),
    "errorCode": ("AccessDenied", "Client.UnauthorizedOperation"),
    "userIdentity.type": ("Root", "IAMUser", "AssumedRole"),
    "userIdentity": ("Root", "IAMUser"),
    "resources[0].type": ("igw-0abc", "cgw-0def"),
    "requestParameters.maxResults": ("0", "5", "-3", "1.5", "2e2", "100"),
}
NUMERIC_OPS = ("=", "!=", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class Cond:
    selector: str  # without the leading "$.", e.g. "userIdentity.type"
    op: str  # "=", "!=", "<", "<=", ">", ">=", "NOT EXISTS", "IS NULL"
    # "exact", "prefix" (v*), "suffix" (*v), "star" (bare *), "number", "regex" (%v%)
    kind: str = "exact"
    value: str = ""  # the literal part (without '*')

    @property
    def value_text(self) -> str:
        if self.kind in ("exact", "number"):
            return self.value
        if self.kind == "regex":
            return "%" + self.value + "%"
        if self.kind == "prefix":
            return self.value + "*"
        if self.kind == "suffix":
            return "*" + self.value
        return "*"

    @property
    def quotable(self) -> bool:
        return self.op in ("=", "!=") and self.kind == "exact"


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


def n_conditions(node) -> int:
    if isinstance(node, Cond):
        return 1
    return sum(n_conditions(i) for i in node.items)


def _has_letter(s: str) -> bool:
    return any(c.isalpha() for c in s)


ALL_SELECTORS = FIXED_SELECTORS + FREE_SELECTORS + NUMERIC_SELECTORS


@st.composite
def conditions(draw, selectors=ALL_SELECTORS):
    sel = draw(st.sampled_from(selectors))
    if sel in NUMERIC_SELECTORS:
        shape = draw(st.sampled_from(["num"] * 6 + ["notex", "null"]))
        if shape == "num":
            op = draw(st.sampled_from(NUMERIC_OPS))
            return Cond(sel, op, "number", draw(st.sampled_from(FIELD_VALUES[sel])))
        return Cond(sel, "NOT EXISTS" if shape == "notex" else "IS NULL")
    shape = draw(
        st.sampled_from(
            ["eq", "eq", "eq", "ne", "ne", "prefix", "suffix", "ne_wild", "star", "notex", "null"]
            + ["regex"]
        )
    )
    if shape == "regex":
        # letters and digits with optional ^ / $ anchors: the same meaning in every dialect
        value = draw(st.sampled_from(FIELD_VALUES[sel]))
        runs = [r for r in re.findall(r"[A-Za-z0-9]+", value) if len(r) >= 2]
        run = draw(st.sampled_from(runs))
        i = draw(st.integers(0, len(run) - 2))
        j = draw(st.integers(i + 2, len(run)))
        lit = run[i:j]
        if draw(st.booleans()):
            lit = "^" + lit
        if draw(st.booleans()):
            lit = lit + "$"
        return Cond(sel, "=", "regex", lit)
    if shape == "notex":
        return Cond(sel, "NOT EXISTS")
    if shape == "null":
        return Cond(sel, "IS NULL")
    if shape == "star":
        return Cond(sel, "=", "star")
    value = draw(st.sampled_from(FIELD_VALUES[sel]))
    if shape in ("eq", "ne"):
        return Cond(sel, "=" if shape == "eq" else "!=", "exact", value)
    # wildcard: keep a literal part of >= 2 chars that contains a letter
    side = "prefix" if shape == "prefix" else "suffix" if shape == "suffix" else None
    if side is None:
        side = draw(st.sampled_from(["prefix", "suffix"]))
    op = "!=" if shape == "ne_wild" else "="
    cuts = [k for k in range(2, len(value) - 1)]
    k = draw(st.sampled_from(cuts))
    lit = value[:k] if side == "prefix" else value[k:]
    if not _has_letter(lit) or lit[0] in "-.":
        lit = value[:k] if _has_letter(value[:k]) else value
        side = "prefix"
    return Cond(sel, op, side, lit)


def _flatten(node):
    if isinstance(node, Cond):
        return node
    items = []
    for child in node.items:
        child = _flatten(child)
        if type(child) is type(node):
            items.extend(child.items)
        else:
            items.append(child)
    return type(node)(tuple(items))


def _extend_formula(children):
    return st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
    )


def _limit_regexes(node, budget=None):
    """AWS allows at most 2 regexes per pattern: turn the 3rd and later into exact values."""
    if budget is None:
        budget = [2]
    if isinstance(node, Cond):
        if node.kind != "regex":
            return node
        if budget[0] > 0:
            budget[0] -= 1
            return node
        return Cond(node.selector, "=", "exact", FIELD_VALUES[node.selector][0])
    return type(node)(tuple(_limit_regexes(i, budget) for i in node.items))


def n_regexes(node) -> int:
    if isinstance(node, Cond):
        return int(node.kind == "regex")
    return sum(n_regexes(i) for i in node.items)


def json_asts(max_leaves: int = 6, selectors=ALL_SELECTORS):
    """Random boolean formulas (&&, ||) over conditions."""
    base = conditions(selectors)
    tree = st.recursive(
        base,
        _extend_formula,
        max_leaves=max_leaves,
    )
    return tree.map(_flatten).map(_limit_regexes)


@st.composite
def gateway_biased_asts(draw, max_leaves: int = 5):
    """Formulas that often (but not always) catch some of the six events."""
    inner = draw(json_asts(max_leaves=max_leaves))
    shape = draw(st.sampled_from(["plain", "or_names", "source_and", "and_names", "or_names"]))
    names = draw(st.lists(st.sampled_from(EVENTS), min_size=1, max_size=6, unique=True))
    name_conds = tuple(Cond("eventName", "=", "exact", n) for n in names)
    if shape == "plain":
        return inner
    if shape == "or_names":
        return _flatten(Or(name_conds + (inner,)))
    if shape == "source_and":
        return _flatten(
            And((Cond("eventSource", "=", "exact", "ec2.amazonaws.com"), Or(name_conds + (inner,))))
        )
    return _flatten(And((Or(name_conds), inner)))


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


class Style:
    """Rendering choices. Style(None) is the canonical rendering."""

    def __init__(self, rng: random.Random | None):
        self.rng = rng

    def ws(self, min_n: int = 1) -> str:
        if self.rng is None:
            return " "  # canonical: exactly one space between tokens
        return " " * self.rng.randint(min_n, 3)

    def quote(self) -> bool:
        return self.rng is not None and self.rng.random() < 0.5

    def extra_parens(self) -> int:
        if self.rng is None:
            return 0
        r = self.rng.random()
        return 0 if r < 0.6 else 1 if r < 0.9 else 2


def _wrap(text: str, style: Style, times: int) -> str:
    for _ in range(times):
        text = "(" + style.ws(0) + text + style.ws(0) + ")"
    return text


def _ws_before_symbol(prev: str, style: Style) -> str:
    # after a bare value we keep at least one space before '&&', '||' or '}'
    return style.ws(0) if prev.endswith((")", '"')) else style.ws(1)


def _render_cond(c: Cond, style: Style, quote_all: bool | None) -> str:
    sel = "$." + c.selector
    if c.op == "NOT EXISTS":
        return f"{sel}{style.ws(1)}NOT{style.ws(1)}EXISTS"
    if c.op == "IS NULL":
        return f"{sel}{style.ws(1)}IS{style.ws(1)}NULL"
    val = c.value_text
    q = quote_all if quote_all is not None else style.quote()
    if c.quotable and q:
        val = f'"{val}"'
    return f"{sel}{style.ws(0)}{c.op}{style.ws(0)}{val}"


def _render(node, style: Style, quote_all: bool | None) -> str:
    if isinstance(node, Cond):
        text = _render_cond(node, style, quote_all)
        return _wrap(text, style, style.extra_parens())
    op = "&&" if isinstance(node, And) else "||"
    parts = []
    for child in node.items:
        t = _render(child, style, quote_all)
        if isinstance(node, And) and isinstance(child, Or) and not _fully_wrapped(t):
            t = _wrap(t, style, 1)
        parts.append(t)
    out = parts[0]
    for p in parts[1:]:
        out += _ws_before_symbol(out, style) + op + style.ws(0) + p
    return _wrap(out, style, style.extra_parens())


def _fully_wrapped(t: str) -> bool:
    if not (t.startswith("(") and t.endswith(")")):
        return False
    depth = 0
    in_q = False
    for i, ch in enumerate(t):
        if ch == '"':
            in_q = not in_q
        elif not in_q and ch == "(":
            depth += 1
        elif not in_q and ch == ")":
            depth -= 1
            if depth == 0 and i != len(t) - 1:
                return False
    return True


def render(node, rng: random.Random | None = None, quote_all: bool | None = None) -> str:
    """Render an AST as a JSON filter pattern. rng=None gives the canonical form."""
    style = Style(rng)
    if quote_all is None and rng is None:
        quote_all = False
    inner = _render(node, style, quote_all)
    return "{" + style.ws(0) + inner + _ws_before_symbol(inner, style) + "}"


def shuffled(node, rng: random.Random):
    """The same formula with the operands of every && / || reordered."""
    if isinstance(node, Cond):
        return node
    items = [shuffled(i, rng) for i in node.items]
    rng.shuffle(items)
    return type(node)(tuple(items))


# --------------------------------------------------------------------------------------------
# Reference semantics (three-valued: True / False / None = not settled by the spec)
# --------------------------------------------------------------------------------------------

_MISSING = object()
_AMBIG = object()


def _selector_steps(selector: str):
    steps = []
    for part in selector.split("."):
        name, _, rest = part.partition("[")
        steps.append(name)
        if rest:
            steps.extend(int(x) for x in rest.rstrip("]").split("]["))
    return steps


def _lookup(record, selector: str):
    cur = record
    for step in _selector_steps(selector):
        if isinstance(step, str) and isinstance(cur, dict):
            if step not in cur:
                return _MISSING
            cur = cur[step]
        elif isinstance(step, int) and isinstance(cur, list):
            if step >= len(cur):
                return _MISSING
            cur = cur[step]
        else:
            # descending through a scalar / null / the wrong container: not settled by the spec
            return _AMBIG
    return cur


def eval_cond(c: Cond, record) -> bool | None:
    if not isinstance(record, dict):
        return None
    v = _lookup(record, c.selector)
    if v is _AMBIG:
        return None
    if c.op == "NOT EXISTS":
        return v is _MISSING
    if c.op == "IS NULL":
        return v is not _MISSING and v is None
    if v is _MISSING or isinstance(v, (dict, list)):
        return False  # missing / object / array: neither '=' nor '!='
    if c.kind == "number":
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None  # number versus string / boolean / null: unconfirmed
        x = float(c.value)
        return {
            "=": v == x,
            "!=": v != x,
            "<": v < x,
            "<=": v <= x,
            ">": v > x,
            ">=": v >= x,
        }[c.op]
    if c.kind == "regex":
        if isinstance(v, str):
            return re.search(c.value, v) is not None
        return None  # null / boolean / number against a regex: unconfirmed
    if c.op == "=":
        if c.kind == "star":
            return None if v is None else True
        if isinstance(v, str):
            if c.kind == "exact":
                return v == c.value
            if c.kind == "prefix":
                return v.startswith(c.value)
            return v.endswith(c.value)
        # null / boolean / number against a non-numeric string
        return False if c.kind == "exact" else None
    # '!='
    if isinstance(v, str):
        if c.kind == "exact":
            return v != c.value
        if c.kind == "prefix":
            return not v.startswith(c.value)
        return not v.endswith(c.value)
    return None  # null / boolean / number vs string: unconfirmed


def eval_ast(node, record) -> bool | None:
    if isinstance(node, Cond):
        return eval_cond(node, record)
    vals = [eval_ast(i, record) for i in node.items]
    if isinstance(node, And):
        if any(v is False for v in vals):
            return False
        return None if any(v is None for v in vals) else True
    if any(v is True for v in vals):
        return True
    return None if any(v is None for v in vals) else False


# The fields of the grammar that CloudTrail's record contents reference types as strings:
# always present (Optional: False) or, for errorCode, a string when present.
STRING_SELECTORS = {"awsRegion": True, "userIdentity.type": True, "errorCode": False}


def _fragments(node, selector: str) -> list[str]:
    if isinstance(node, Cond):
        if node.selector != selector or not node.value:
            return []
        return [node.value.strip("^$")]
    return [f for item in node.items for f in _fragments(item, selector)]


def _conds_on(node, selector: str) -> list[Cond]:
    if isinstance(node, Cond):
        return [node] if node.selector == selector else []
    return [c for item in node.items for c in _conds_on(item, selector)]


def _string_candidates(node, selector: str, required: bool) -> list:
    """One string per distinct truth vector of the conditions on a string field, taken from
    concatenations of up to three of their literals (with and without a separator)."""
    frags = sorted(set(_fragments(node, selector))) + ["Q"]
    pool = set(frags)
    for a in frags:
        for b in frags:
            pool |= {a + b, a + "Q" + b}
            for c in frags:
                pool |= {a + b + c, a + "Q" + b + "Q" + c}
    conds = _conds_on(node, selector)
    found: dict[tuple, object] = {}
    values = sorted(pool) + ([] if required else [_MISSING])
    for value in values:
        record = _with_field({}, selector, value)
        found.setdefault(tuple(eval_cond(c, record) for c in conds), value)
    return list(found.values())


def _with_field(record: dict, selector: str, value) -> dict:
    out = json.loads(json.dumps(record))
    steps = selector.split(".")
    node = out
    for step in steps[:-1]:
        node = node.setdefault(step, {})
    if value is not _MISSING:
        node[steps[-1]] = value
    return out


def reference_verdict(node, event: str) -> str:
    """Exact coverage verdict for a formula of the grammar over legal CloudTrail records.

    The open fields of the grammar (resources[0].type, requestParameters.maxResults) may hold
    an object, which makes every condition on them false but NOT EXISTS; formulas are monotone
    (only && and ||), so an object there is the worst case. The string fields take one value
    per truth vector of their conditions; every combination is tried.
    """
    import itertools

    base = fixed_fields(event)
    base["userIdentity"] = {}
    base["requestParameters"] = {"maxResults": {}}
    base["resources"] = [{"type": {}}]
    choices = [
        [(selector, value) for value in _string_candidates(node, selector, required)]
        for selector, required in STRING_SELECTORS.items()
    ]
    for combination in itertools.product(*choices):
        record = base
        for selector, value in combination:
            record = _with_field(record, selector, value)
        v = eval_ast(node, record)
        assert v is not None, (node, record)
        if not v:
            return "MISSED"
    return "CAUGHT"


# --------------------------------------------------------------------------------------------
# Text-term patterns
# --------------------------------------------------------------------------------------------

# words that are substrings of a fixed value (always in the record text) and words that are not
# part of any fixed value, key name or JSON syntax (a minimal record does not contain them)
TEXT_WORDS_CERTAIN = (
    "Gateway",
    "InternetGateway",
    "CustomerGateway",
    "AwsApiCall",
    "amazonaws",
    "Management",
) + EVENTS
TEXT_WORDS_OTHER = ("Root", "AccessDenied", "IAMUser", "CreateVpnGateway", "Console")
TEXT_WORDS = TEXT_WORDS_CERTAIN + TEXT_WORDS_OTHER


@dataclass(frozen=True)
class TextPattern:
    mode: str  # "and", "or" (all terms with '?'), "exclude" (plain terms then '-' terms)
    terms: tuple
    excluded: tuple = ()
    quoted: tuple = ()  # per term: wrap in double quotes

    def render(self, rng: random.Random | None = None) -> str:
        def fmt(i, t):
            q = self.quoted[i] if i < len(self.quoted) else False
            if rng is not None:
                q = rng.random() < 0.5
            if self.mode == "or":
                q = False  # keep '?term' plain: '?"phrase"' is not a documented form
            return f'"{t}"' if q else t

        sep = " " if rng is None else None

        def s():
            return sep if sep is not None else " " * rng.randint(1, 3)

        if self.mode == "or":
            words = ["?" + fmt(i, t) for i, t in enumerate(self.terms)]
        else:
            words = [fmt(i, t) for i, t in enumerate(self.terms)]
            words += ["-" + t for t in self.excluded]
        out = words[0]
        for w in words[1:]:
            out += s() + w
        return out

    def evaluate(self, text: str) -> bool:
        if self.mode == "or":
            return any(t in text for t in self.terms)
        return all(t in text for t in self.terms) and not any(t in text for t in self.excluded)

    def reference_verdict(self, event: str) -> str:
        fixed_text = " ".join(v for v in fixed_fields(event).values() if isinstance(v, str))
        if self.excluded:
            return "MISSED"
        if self.mode == "or":
            return "CAUGHT" if any(t in fixed_text for t in self.terms) else "MISSED"
        return "CAUGHT" if all(t in fixed_text for t in self.terms) else "MISSED"


@st.composite
def text_patterns(draw):
    mode = draw(st.sampled_from(["and", "and", "or", "or", "exclude"]))
    terms = tuple(draw(st.lists(st.sampled_from(TEXT_WORDS), min_size=1, max_size=4)))
    excluded = ()
    if mode == "exclude":
        excluded = tuple(draw(st.lists(st.sampled_from(TEXT_WORDS), min_size=1, max_size=2)))
    quoted = tuple(draw(st.lists(st.booleans(), min_size=len(terms), max_size=len(terms))))
    return TextPattern(mode, terms, excluded, quoted)


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------

_key_alphabet = st.characters(whitelist_categories=("Ll", "Lu"), max_codepoint=127)
ascii_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    ascii_text,
)


def _extend_json(children):
    return st.lists(children, max_size=3) | st.dictionaries(
        st.text(alphabet=_key_alphabet, min_size=1, max_size=6), children, max_size=3
    )


json_values = st.recursive(
    json_scalars,
    _extend_json,
    max_leaves=6,
)


def _pool_values(pool):
    """Strings close to the pool: exact, with a random prefix/suffix, or truncated."""
    base = st.sampled_from(pool)
    return st.one_of(
        base,
        base,
        st.tuples(base, ascii_text).map(lambda t: t[0] + t[1]),
        st.tuples(ascii_text, base).map(lambda t: t[0] + t[1]),
        st.tuples(base, st.integers(1, 5)).map(lambda t: t[0][: -t[1]] or t[0]),
        base.map(str.lower),
    )


def field_values(pool):
    return st.one_of(_pool_values(pool), _pool_values(pool), json_values)


@st.composite
def user_identities(draw):
    if draw(st.integers(0, 4)) == 0:
        return draw(st.one_of(json_values, st.sampled_from(FIELD_VALUES["userIdentity"])))
    ident = {}
    if draw(st.booleans()) or draw(st.booleans()):
        ident["type"] = draw(field_values(FIELD_VALUES["userIdentity.type"]))
    if draw(st.booleans()):
        ident["arn"] = draw(
            st.sampled_from(
                [
                    "arn:aws:iam::123456789012:root",
                    "arn:aws:iam::123456789012:user/alice",
                    "arn:aws:sts::123456789012:assumed-role/Admin/bob",
                ]
            )
        )
    if draw(st.booleans()):
        ident["accountId"] = draw(st.sampled_from(["123456789012", 123456789012, None]))
    if draw(st.booleans()):
        ident["sessionContext"] = draw(json_values)
    return ident


@st.composite
def free_fields(draw):
    rec = {}
    if draw(st.booleans()):
        rec["awsRegion"] = draw(field_values(FIELD_VALUES["awsRegion"]))
    if draw(st.booleans()):
        rec["errorCode"] = draw(field_values(FIELD_VALUES["errorCode"]))
    if draw(st.booleans()):
        rec["errorMessage"] = draw(st.one_of(ascii_text, st.none()))
    if draw(st.booleans()) or draw(st.booleans()):
        rec["userIdentity"] = draw(user_identities())
    if draw(st.booleans()):
        rec["sourceIPAddress"] = draw(
            st.one_of(
                st.sampled_from(["203.0.113.10", "10.0.0.1", "ec2.amazonaws.com"]), json_values
            )
        )
    if draw(st.booleans()):
        rec["userAgent"] = draw(st.one_of(ascii_text, json_values))
    if draw(st.booleans()):
        rec["requestParameters"] = draw(
            st.one_of(
                st.none(),
                st.fixed_dictionaries(
                    {
                        "maxResults": st.one_of(
                            st.integers(-10, 300),
                            st.sampled_from([0, 5, -3, 1.5, 200, 100, 5.0, 2e2, -3.0]),
                            st.floats(allow_nan=False, allow_infinity=False),
                            json_values,
                        )
                    }
                ),
                st.dictionaries(
                    st.text(alphabet=_key_alphabet, min_size=1, max_size=8), json_values, max_size=3
                ),
            )
        )
    if draw(st.booleans()):
        rec["responseElements"] = draw(json_values)
    if draw(st.booleans()):
        resource = st.fixed_dictionaries(
            {"type": field_values(FIELD_VALUES["resources[0].type"])},
            optional={"ARN": ascii_text},
        )
        rec["resources"] = draw(st.lists(st.one_of(resource, resource, json_values), max_size=2))
    extra = draw(
        st.dictionaries(
            st.text(alphabet=_key_alphabet, min_size=1, max_size=8), json_values, max_size=3
        )
    )
    for k, v in extra.items():
        rec.setdefault(k, v)
    return rec


def string_values(pool):
    return _pool_values(pool)


@st.composite
def legal_free_fields(draw):
    """The other fields of a legal CloudTrail record (the record contents reference): the
    required ones always, as strings (userIdentity an object with a string type); optional
    ones as their type; open objects (requestParameters, responseElements, ...) anything."""
    ident = {"type": draw(string_values(FIELD_VALUES["userIdentity.type"]))}
    if draw(st.booleans()):
        ident["arn"] = draw(
            st.sampled_from(
                ["arn:aws:iam::123456789012:root", "arn:aws:sts::123456789012:assumed-role/A/b"]
            )
        )
    if draw(st.booleans()):
        ident["accountId"] = draw(st.sampled_from(["123456789012", "210987654321"]))
    if draw(st.booleans()):
        ident["sessionContext"] = draw(
            st.dictionaries(st.text(alphabet=_key_alphabet, min_size=1, max_size=6), json_values)
        )
    rec = {
        "eventVersion": draw(st.sampled_from(["1.08", "1.09", "1.11"])),
        "eventTime": "2024-05-01T12:00:00Z",
        "eventID": draw(st.sampled_from(["0a1b2c3d-aaaa", "ffff-0000"])),
        "userIdentity": ident,
        "awsRegion": draw(string_values(FIELD_VALUES["awsRegion"])),
        "sourceIPAddress": draw(
            st.one_of(st.sampled_from(["203.0.113.10", "ec2.amazonaws.com"]), ascii_text)
        ),
    }
    if draw(st.booleans()):
        rec["errorCode"] = draw(string_values(FIELD_VALUES["errorCode"]))
    if draw(st.booleans()):
        rec["errorMessage"] = draw(ascii_text)
    if draw(st.booleans()):
        rec["userAgent"] = draw(ascii_text)
    for key in ("requestParameters", "responseElements"):
        if draw(st.booleans()):
            rec[key] = draw(
                st.one_of(
                    st.none(),
                    st.fixed_dictionaries({"maxResults": json_values}),
                    st.dictionaries(
                        st.text(alphabet=_key_alphabet, min_size=1, max_size=8),
                        json_values,
                        max_size=3,
                    ),
                )
            )
    if draw(st.booleans()):
        resource = st.fixed_dictionaries(
            {"type": field_values(FIELD_VALUES["resources[0].type"])},
            optional={"ARN": ascii_text},
        )
        rec["resources"] = draw(st.lists(st.one_of(resource, resource, json_values), max_size=2))
    if draw(st.booleans()):
        rec["recipientAccountId"] = draw(st.sampled_from(["123456789012", "210987654321"]))
    return rec


@st.composite
def cloudtrail_records(draw, event: str):
    """Any legal CloudTrail record of `event`: the fixed fields plus random other fields."""
    rec = draw(legal_free_fields())
    items = list(rec.items()) + list(fixed_fields(event).items())
    # key order does not matter semantically, but shuffle anyway
    order = draw(st.permutations(range(len(items))))
    out = {}
    for i in order:
        k, v = items[i]
        out[k] = v
    out.update(fixed_fields(event))  # fixed fields always win
    return out


@st.composite
def any_records(draw):
    """Records whose fixed fields may also vary (for matches() against the reference)."""
    rec = draw(free_fields())
    for sel in FIXED_SELECTORS:
        choice = draw(st.integers(0, 5))
        if choice <= 3:
            rec[sel] = draw(st.sampled_from(FIELD_VALUES[sel]))
        elif choice == 4:
            rec[sel] = draw(field_values(FIELD_VALUES[sel]))
    return rec


# --------------------------------------------------------------------------------------------
# Parser fuzzing
# --------------------------------------------------------------------------------------------

SPECIAL_CHARS = "{}()[]|&$.=\"%*!?\\' -,<>\t\n"

SEED_PATTERNS = (
    NETWORK_GATEWAY_CHANGES.benchmark_pattern,
    '{ $.eventSource = "ec2.amazonaws.com" && ($.eventName = *Gateway || $.errorCode NOT EXISTS) }',
    "{ $.userIdentity.type IS NULL || $.a[0].b = 1.5e3 || $.c >= -2 }",
    "{ $.eventName = %^[A-Z]\\w+Gateway$% && $.x.* = 1 }",
    "{ $.objectList[*].id != 2 && $.['cluster.name'] = c1 }",
    "{ $.ThisFlag IS TRUE && $.other IS FALSE }",
    "?CreateInternetGateway ?DeleteInternetGateway",
    'ERROR "INTERNAL SERVER ERROR" -Exiting',
    "[ip, user, username, timestamp, request, status_code = 4*, bytes]",
    '""',
)


@st.composite
def mutated_patterns(draw):
    text = draw(st.sampled_from(SEED_PATTERNS))
    n_ops = draw(st.integers(1, 6))
    for _ in range(n_ops):
        op = draw(st.sampled_from(["delete", "insert", "insert", "dup", "truncate", "swap"]))
        if op == "delete" and text:
            i = draw(st.integers(0, len(text) - 1))
            j = draw(st.integers(i, min(len(text), i + 3)))
            text = text[:i] + text[j:]
        elif op == "insert":
            i = draw(st.integers(0, len(text)))
            ch = draw(st.text(alphabet=SPECIAL_CHARS, min_size=1, max_size=3))
            text = text[:i] + ch + text[i:]
        elif op == "dup" and text:
            i = draw(st.integers(0, len(text) - 1))
            j = draw(st.integers(i, min(len(text), i + 20)))
            text = text[:j] + text[i:j] + text[j:]
        elif op == "truncate" and text:
            text = text[: draw(st.integers(0, len(text)))]
        elif op == "swap" and len(text) > 1:
            i = draw(st.integers(0, len(text) - 2))
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text
