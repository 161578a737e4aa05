"""Regular expressions of filter patterns (`%...%`), searched in linear time by RE2.

A regex is parsed by Python's own parser, so it means exactly what `re` reads, then rewritten
for RE2 (`google-re2`), which never backtracks. Semantics follow Python's `re` on `str`, the
engine's reference everywhere else (the parser validates with `re`, the tests' oracle is
`re.search`, the matcher splits fields with `str.isspace`, the former engine used `str`
predicates): case-sensitive; `.` matches any character but a newline; `\\d \\w \\s` and their
negations are Python's Unicode sets (`\\d` = decimal digits such as `١`, `\\s` includes
U+001C..U+001F, U+0085, U+00A0, U+3000, ...), where RE2's own are ASCII-only (AWS documents
neither). To stay Unicode-exact without RE2 compiling a 700-range class at every `\\w`, the
text is mapped onto a small alphabet first: ASCII stays itself and each non-ASCII character
becomes a representative of its kind (digit, other word character, space, other; plus which
non-ASCII literal or range of the regex holds it); a regex that names no category and no
non-ASCII character sees the text as it is. Deliberate differences from `re`: `$` (and `\\Z`)
match only at the very end of the text, where Python's `$` also matches before a final
newline; `\\b \\B` count only ASCII letters, digits and `_` as word characters (neither is in
AWS's dialect); a repetition count above 1000, RE2's limit, makes the regex unsupported (see
`unsupported`). Before compiling, a quantified piece at either end of the regex is cut to its
minimum count (`x*a{0,1000}b` is found exactly where `b` is: search is unanchored) and
neighbouring repetitions of one atom are fused, which keeps RE2's automaton small.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import lru_cache

import re2

try:  # Python 3.11+: the regex parser moved; the old names warn
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

Searcher = Callable[[str], bool]

MAX_REPEAT = 1000  # RE2's largest repetition count
MAX_MEM = 64 << 20  # RE2's memory budget per regex (program and DFA caches)

_C = sre_constants
_REPEATS = {_C.MAX_REPEAT, _C.MIN_REPEAT}
_UNBOUNDED = _C.MAXREPEAT
_ANCHORS = {
    _C.AT_BEGINNING: r"\A",
    _C.AT_BEGINNING_STRING: r"\A",
    _C.AT_END: r"\z",  # strict end: Python's `$` also matches before a final newline
    _C.AT_END_STRING: r"\z",
    _C.AT_BOUNDARY: r"\b",  # ASCII word characters only
    _C.AT_NON_BOUNDARY: r"\B",
}
_DIGIT, _WORD, _SPACE = 1, 2, 4  # the kinds of character `\d \w \s` tell apart (Python's sets)
# The kinds that exist (a decimal digit is a word character, no space is one), ordered so
# that each category and its negation are one range of representatives.
_KINDS = (_SPACE, 0, _WORD, _WORD | _DIGIT)
_CATEGORIES = {  # category -> (kind bit, negated)
    _C.CATEGORY_DIGIT: (_DIGIT, False),
    _C.CATEGORY_NOT_DIGIT: (_DIGIT, True),
    _C.CATEGORY_WORD: (_WORD, False),
    _C.CATEGORY_NOT_WORD: (_WORD, True),
    _C.CATEGORY_SPACE: (_SPACE, False),
    _C.CATEGORY_NOT_SPACE: (_SPACE, True),
}
_ALLOWED_FLAGS = _C.SRE_FLAG_UNICODE | _C.SRE_FLAG_VERBOSE
_FIRST_REP = 0x80  # representatives of non-ASCII characters: U+0080 onwards
_LAST_REP = 0xD7FF  # below the surrogates, so the mapped text always encodes
_TABLE_LIMIT = 1 << 16  # characters remembered per translation table
_NON_ASCII = re.compile("[^\x00-\x7f]+")


def _kind(code: int) -> int:
    """Which of Python's `\\d \\w \\s` the character is in (`re` uses these very predicates)."""
    char = chr(code)
    kind = _DIGIT if char.isdecimal() else 0
    if char.isalnum() or char == "_":
        kind |= _WORD
    if char.isspace():
        kind |= _SPACE
    return kind


_ASCII_KINDS = tuple(_kind(code) for code in range(128))


class _UnsupportedError(Exception):
    """A regex RE2 cannot search the way Python's `re` reads it."""


# ------------------------------------------------------------------ the alphabet


class _Alphabet:
    """ASCII plus one representative per kind of non-ASCII character the regex tells apart."""

    def __init__(self, spans: list[tuple[int, int]], uniform: bool = False) -> None:
        self.uniform = uniform  # no category, no non-ASCII character named: U+0080.. alike
        cuts = {_FIRST_REP, 0x110000}
        for low, high in spans:
            cuts.update((low, high + 1))
        self.starts = sorted(cuts)[:-1]  # elementary intervals [starts[i], starts[i + 1])
        ends = [*self.starts[1:], 0x110000]
        depth = [0] * (len(self.starts) + 1)
        for low, high in spans:
            depth[bisect.bisect_right(self.starts, low) - 1] += 1
            depth[bisect.bisect_right(self.starts, high)] -= 1
        self.interval_of: list[int] = []  # elementary interval -> interval number (-1: a gap)
        self.intervals: list[tuple[int, int]] = []  # mentioned intervals, inclusive
        running = 0
        for index, start in enumerate(self.starts):
            running += depth[index]
            if running:
                self.interval_of.append(len(self.intervals))
                self.intervals.append((start, ends[index] - 1))
            else:
                self.interval_of.append(-1)
        # representatives: (interval number or -1 for the gaps, kind) -> code point
        self.reps: dict[tuple[int, int], int] = {}
        if uniform:
            self.reps = {(-1, kind): _FIRST_REP for kind in _KINDS}
        else:
            for number in range(-1, len(self.intervals)):
                low, high = self.intervals[number] if number >= 0 else (0, -1)
                for kind in [_kind(low)] if low == high else _KINDS:
                    self.reps[(number, kind)] = _FIRST_REP + len(self.reps)
        if _FIRST_REP + len(self.reps) > _LAST_REP + 1:
            raise _UnsupportedError("too many distinct non-ASCII characters for RE2")
        self.size = max(self.reps.values()) + 1  # the symbols are 0 .. size - 1
        self.latin1 = self.size <= 0x100 and not uniform
        self.table = _Table(self)
        self._sets: dict[tuple, str] = {}

    def rep(self, code: int) -> int:
        """The symbol standing for a character of the text."""
        if code < _FIRST_REP:
            return code
        number = self.interval_of[bisect.bisect_right(self.starts, code) - 1]
        return self.reps[(number, _kind(code))]

    def symbols(self, items, negated: bool) -> frozenset[int]:
        """The symbols a class (sre items: literals, ranges, categories) matches."""
        members: set[int] = set()
        for op, av in items:
            if op is _C.LITERAL:
                if av < _FIRST_REP:
                    members.add(av)
                else:
                    members.add(self.rep(av))
            elif op is _C.RANGE:
                low, high = av
                members.update(range(low, min(high, _FIRST_REP - 1) + 1))
                if high >= _FIRST_REP:
                    members.update(
                        code
                        for (number, _), code in self.reps.items()
                        if number >= 0
                        and low <= self.intervals[number][0]
                        and self.intervals[number][1] <= high
                    )
            elif op is _C.CATEGORY:
                bit, negate = _CATEGORIES[av]
                members.update(
                    code for code in range(_FIRST_REP) if bool(_ASCII_KINDS[code] & bit) != negate
                )
                members.update(
                    code for (_, kind), code in self.reps.items() if bool(kind & bit) != negate
                )
            else:
                raise _UnsupportedError(f"the class item {op}")
        if negated:
            return frozenset(range(self.size)) - members
        return frozenset(members)

    def charset(self, items, negated: bool = False) -> str:
        """The RE2 syntax for a class, over this alphabet."""
        key = (tuple(items), negated)
        cached = self._sets.get(key)
        if cached is None:
            cached = _charset(sorted(self.symbols(items, negated)), self.uniform)
            self._sets[key] = cached
        return cached


class _Table(dict):
    """`str.translate` table onto the alphabet, filled as characters are seen."""

    def __init__(self, alphabet: _Alphabet) -> None:
        super().__init__()
        self.alphabet = alphabet

    def __missing__(self, code: int) -> int:
        symbol = self.alphabet.rep(code)
        if len(self) >= _TABLE_LIMIT:
            self.clear()
        self[code] = symbol
        return symbol


def _symbol(code: int) -> str:
    char = chr(code)
    if char.isascii() and char.isalnum():
        return char
    return f"\\x{{{code:x}}}"


def _charset(codes: list[int], uniform: bool) -> str:
    """RE2 class syntax for a set of symbols; in a uniform alphabet U+0080 stands for all."""
    if not codes:
        return r"(?:\b\B)"  # no character at all
    top = _FIRST_REP if uniform else -1  # the symbol standing for U+0080..U+10FFFF
    if len(codes) == 1 and codes[0] != top:
        return _symbol(codes[0])
    parts = []
    start = previous = codes[0]
    for code in [*codes[1:], -2]:
        if code == previous + 1:
            previous = code
            continue
        high = "\\x{10ffff}" if previous == top else _symbol(previous)
        parts.append(_symbol(start) if start == previous != top else f"{_symbol(start)}-{high}")
        start = previous = code
    return "[" + "".join(parts) + "]"


# ------------------------------------------------------------------ translation


def _mentioned(items, spans: list[tuple[int, int]]) -> bool:
    """Collect the non-ASCII characters and ranges the regex names; True if it has categories."""
    categories = False
    for op, av in items:
        if op in (_C.LITERAL, _C.NOT_LITERAL):
            if av >= _FIRST_REP:
                spans.append((av, av))
        elif op is _C.IN:
            for item_op, item_av in av:
                if item_op is _C.LITERAL and item_av >= _FIRST_REP:
                    spans.append((item_av, item_av))
                elif item_op is _C.RANGE and item_av[1] >= _FIRST_REP:
                    spans.append((max(item_av[0], _FIRST_REP), item_av[1]))
                elif item_op is _C.CATEGORY:
                    categories = True
        elif op in _REPEATS:
            categories |= _mentioned(av[2], spans)
        elif op is _C.SUBPATTERN:
            categories |= _mentioned(av[-1], spans)
        elif op is _C.BRANCH:
            for branch in av[1]:
                categories |= _mentioned(branch, spans)
    return categories


def _merge(items) -> list:
    """Fuse neighbouring repetitions of one atom: `a{0,100}a{0,100}` is `a{0,200}`."""
    merged: list = []
    for op, av in items:
        if merged:
            low, high, sub = _as_repeat(*merged[-1])
            low2, high2, sub2 = _as_repeat(op, av)
            fused = (
                sub is not None
                and sub2 is not None
                and (merged[-1][0] in _REPEATS or op in _REPEATS)
                and list(sub) == list(sub2)
            )
            if fused:
                low, high = low + low2, _UNBOUNDED if _UNBOUNDED in (high, high2) else high + high2
                if low <= MAX_REPEAT and (high == _UNBOUNDED or high <= MAX_REPEAT):
                    merged[-1] = (_C.MAX_REPEAT, (low, high, sub))
                    continue
        merged.append((op, av))
    return merged


def _as_repeat(op, av) -> tuple:
    """A piece as (low, high, body); body None for what is not one repeatable atom."""
    if op in _REPEATS:
        return av
    if op in (_C.LITERAL, _C.NOT_LITERAL, _C.ANY, _C.IN):
        return 1, 1, [(op, av)]
    return 0, 0, None


def _trim(items: list, leading: bool) -> list:
    """Cut the quantified pieces at one end of an unanchored regex to their minimum count.

    `X{m,n}rest` is found somewhere exactly when `X{m}rest` is (take the last m repetitions),
    and likewise `restX{m,n}` and `restX{m}`; `X{0,n}` at an end goes altogether.
    """
    items = list(items)
    while items:
        at = 0 if leading else -1
        op, av = items[at]
        if op in _REPEATS:
            low, high, sub = av
            if low == 0:
                del items[at]
                continue
            items[at] = (_C.MAX_REPEAT, (low, low, sub))
        elif op is _C.BRANCH:
            items[at] = (_C.BRANCH, (av[0], [_trim(list(b), leading) for b in av[1]]))
        break
    return items


class _Translator:
    def __init__(self, alphabet: _Alphabet) -> None:
        self.alphabet = alphabet
        self.any = alphabet.charset([(_C.LITERAL, ord("\n"))], negated=True)

    def sequence(self, items) -> str:
        parts = []
        previous = None
        for op, av in _merge(items):
            if previous in _REPEATS:
                # An empty group keeps RE2 from fusing a repetition with what follows, which
                # costs it time quadratic in the counts (`[a-z]{0,1000}` sixteen times: 0.7 s).
                parts.append("(?:)")
            parts.append(self.item(op, av))
            previous = op
        return "".join(parts)

    def item(self, op, av) -> str:
        alphabet = self.alphabet
        if op is _C.LITERAL:
            if av < _FIRST_REP:
                return _symbol(av)
            return _symbol(alphabet.rep(av))
        if op is _C.NOT_LITERAL:
            return alphabet.charset([(_C.LITERAL, av)], negated=True)
        if op is _C.ANY:
            return self.any
        if op is _C.IN:
            negated = bool(av) and av[0][0] is _C.NEGATE
            return alphabet.charset(av[1:] if negated else av, negated)
        if op in _REPEATS:
            low, high, sub = av
            for count in (low, high):
                if count != _UNBOUNDED and count > MAX_REPEAT:
                    raise _UnsupportedError(
                        f"the repetition count {count} is above RE2's limit of {MAX_REPEAT}"
                    )
            body = self.sequence(sub)
            if len(sub) != 1 or sub[0][0] in _REPEATS:
                body = f"(?:{body})"
            if high == _UNBOUNDED:
                return body + {0: "*", 1: "+"}.get(low, f"{{{low},}}")
            if (low, high) == (0, 1):
                return body + "?"
            if low == high:
                return body + ("" if low == 1 else f"{{{low}}}")
            return body + f"{{{low},{high}}}"
        if op is _C.AT:
            if av not in _ANCHORS:
                raise _UnsupportedError(f"the anchor {av}")
            return _ANCHORS[av]
        if op is _C.BRANCH:
            return "(?:" + "|".join(self.sequence(b) for b in av[1]) + ")"
        if op is _C.SUBPATTERN:
            add_flags, del_flags = av[1], av[2]
            if add_flags or del_flags:
                raise _UnsupportedError("inline flags")
            return "(?:" + self.sequence(av[-1]) + ")"
        names = {
            getattr(_C, "POSSESSIVE_REPEAT", None): "a possessive quantifier",
            getattr(_C, "ATOMIC_GROUP", None): "an atomic group",
            _C.GROUPREF: "a back-reference",
            _C.GROUPREF_EXISTS: "a conditional group",
            _C.ASSERT: "a look-ahead or look-behind",
            _C.ASSERT_NOT: "a negative look-ahead or look-behind",
        }
        reason = names.get(op) or str(op).lower().replace("_", " ")
        raise _UnsupportedError(reason)


class _Compiled:
    __slots__ = ("regexp", "table", "encoding")

    def __init__(self, regexp, alphabet: _Alphabet) -> None:
        self.regexp = regexp
        self.table = None if alphabet.uniform else alphabet.table
        self.encoding = "latin-1" if alphabet.latin1 else "utf-8"

    def search(self, text: str) -> bool:
        if text.isascii():
            data = text.encode("ascii")
        elif self.table is None:  # all non-ASCII characters alike: RE2 reads the text itself
            data = text.encode("utf-8", "surrogatepass")
        else:
            data = self._map(text).encode(self.encoding)
        return self.regexp.search(data) is not None

    def _map(self, text: str) -> str:
        """The text on the regex's alphabet (each non-ASCII character to its representative)."""
        table = self.table
        if len(text) > 4096:
            non_ascii = len(text.encode("utf-8", "surrogatepass")) - len(text)  # or more
            if non_ascii * 16 < len(text):  # mostly ASCII: map only the non-ASCII runs
                return _NON_ASCII.sub(lambda run: run.group().translate(table), text)
        return text.translate(table)


@lru_cache(maxsize=2)
def _shared_alphabet(uniform: bool) -> _Alphabet:
    """The alphabet of every regex that names no non-ASCII character (one shared table)."""
    return _Alphabet([], uniform=uniform)


def _options(latin1: bool) -> re2.Options:
    options = re2.Options()
    options.max_mem = MAX_MEM
    options.log_errors = False
    options.case_sensitive = True
    options.dot_nl = False
    options.never_capture = True
    options.longest_match = True  # a yes/no search: a set-based DFA, fewer states
    if latin1:
        options.encoding = re2.Options.Encoding.LATIN1
    return options


@lru_cache(maxsize=1024)
def _compile(regex: str) -> _Compiled | str:
    """The compiled search, or the reason RE2 cannot do it."""
    try:
        parsed = sre_parse.parse(regex)
    except (re.error, OverflowError, RecursionError) as error:
        return f"invalid regular expression: {getattr(error, 'msg', error)}"
    if parsed.state.flags & ~_ALLOWED_FLAGS:
        return "inline flags"
    try:
        items = _trim(_trim(list(parsed), leading=True), leading=False)
        spans: list[tuple[int, int]] = []
        categories = _mentioned(items, spans)
        alphabet = _Alphabet(spans) if spans else _shared_alphabet(uniform=not categories)
        pattern = _Translator(alphabet).sequence(items)
    except _UnsupportedError as reason:
        return str(reason)
    except RecursionError:
        return "nested too deeply"
    try:
        regexp = re2.compile(pattern.encode("ascii"), _options(alphabet.latin1))
    except re2.error as error:
        message = error.args[0] if error.args else error
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        return f"RE2 cannot compile it: {message}"
    return _Compiled(regexp, alphabet)


def unsupported(regex: str) -> str | None:
    """Why RE2 cannot search for this regex (callers: treat it as undecided), or None."""
    compiled = _compile(regex)
    return compiled if isinstance(compiled, str) else None


@lru_cache(maxsize=1024)
def searcher(regex: str) -> Searcher:
    """A function telling whether the regex is found anywhere in a text, in linear time.

    Raises ValueError (with `unsupported`'s reason) for a regex RE2 cannot search.
    """
    compiled = _compile(regex)
    if isinstance(compiled, str):
        raise ValueError(f"%{regex}%: {compiled}")
    return compiled.search
