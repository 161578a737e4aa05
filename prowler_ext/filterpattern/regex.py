"""Regular expressions of filter patterns (`%...%`), searched in linear time.

AWS allows no parentheses in these regexes, so they are flat: alternatives of pieces, each
piece an atom (literal, `.`, class, `\\d \\D \\s \\S \\w \\W \\xhh`, anchor) with an optional
quantifier (`? * + {m} {m,} {m,n}`). Python's `re` backtracks, and `.*.*.*…X` would take
forever; a regex with more than two unbounded quantifiers is therefore compiled here into a
small NFA and simulated state-set by state-set (Thompson), which is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

Predicate = Callable[[str], bool]

_UNBOUNDED = re.compile(r"(?<!\\)[*+]|\{\d+,\}")
_CATEGORIES: dict[str, Predicate] = {
    "d": str.isdigit,
    "D": lambda c: not c.isdigit(),
    "s": str.isspace,
    "S": lambda c: not c.isspace(),
    "w": lambda c: c.isalnum() or c == "_",
    "W": lambda c: not (c.isalnum() or c == "_"),
}
_MAX_REPEAT = 1000


@lru_cache(maxsize=1024)
def searcher(regex: str) -> Callable[[str], bool]:
    """A function telling whether the regex is found anywhere in a text."""
    if len(_UNBOUNDED.findall(regex)) <= 2:
        compiled = re.compile(regex)
        return lambda text: compiled.search(text) is not None
    return _Nfa(regex).search


# instructions: ("char", predicate) ("split", a, b) ("jump", a) ("bol",) ("eol",) ("match",)
class _Nfa:
    def __init__(self, regex: str) -> None:
        self.program: list[tuple] = []
        self._compile_alternatives(regex)
        self.program.append(("match",))

    # -------------------------------------------------------------- compilation
    def _compile_alternatives(self, regex: str) -> None:
        branches = _split_top_level(regex)
        jumps: list[int] = []
        for index, branch in enumerate(branches):
            if index < len(branches) - 1:
                split_at = len(self.program)
                self.program.append(("split", split_at + 1, None))
                self._compile_branch(branch)
                jumps.append(len(self.program))
                self.program.append(("jump", None))
                self.program[split_at] = ("split", split_at + 1, len(self.program))
            else:
                self._compile_branch(branch)
        end = len(self.program)
        for at in jumps:
            self.program[at] = ("jump", end)

    def _compile_branch(self, branch: str) -> None:
        for atom, low, high in _pieces(branch):
            for _ in range(low):
                self.program.append(atom)
            if high is None:
                loop = len(self.program)
                self.program.append(("split", loop + 1, loop + 3))
                self.program.append(atom)
                self.program.append(("jump", loop))
            else:
                for _ in range(high - low):
                    split_at = len(self.program)
                    self.program.append(("split", split_at + 1, split_at + 2))
                    self.program.append(atom)

    # -------------------------------------------------------------- simulation
    def _closure(self, states: list[int], position: int, text: str) -> set[int]:
        seen: set[int] = set()
        stack = list(states)
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            op = self.program[pc]
            kind = op[0]
            if kind == "split":
                stack.extend((op[1], op[2]))
            elif kind == "jump":
                stack.append(op[1])
            elif kind == "bol" and position == 0:
                stack.append(pc + 1)
            elif kind == "eol" and position == len(text):
                stack.append(pc + 1)
        return seen

    def search(self, text: str) -> bool:
        current: set[int] = set()
        for position in range(len(text) + 1):
            current = self._closure(list(current) + [0], position, text)
            if any(self.program[pc][0] == "match" for pc in current):
                return True
            if position == len(text):
                break
            char = text[position]
            current = {
                pc + 1
                for pc in current
                if self.program[pc][0] == "char" and self.program[pc][1](char)
            }
        return False


def _split_top_level(regex: str) -> list[str]:
    branches, current, i, in_class = [], [], 0, False
    while i < len(regex):
        char = regex[i]
        if char == "\\" and i + 1 < len(regex):
            current.append(regex[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "|" and not in_class:
            branches.append("".join(current))
            current = []
            i += 1
            continue
        current.append(char)
        i += 1
    branches.append("".join(current))
    return branches


def _pieces(branch: str) -> list[tuple[tuple, int, int | None]]:
    pieces: list[tuple[tuple, int, int | None]] = []
    i = 0
    while i < len(branch):
        atom, i = _atom(branch, i)
        low, high, i = _quantifier(branch, i)
        pieces.append((atom, low, high))
    return pieces


def _atom(branch: str, i: int) -> tuple[tuple, int]:
    char = branch[i]
    if char == "^":
        return ("bol",), i + 1
    if char == "$":
        return ("eol",), i + 1
    if char == ".":
        return ("char", lambda c: c != "\n"), i + 1
    if char == "[":
        return _class(branch, i)
    if char == "\\" and i + 1 < len(branch):
        predicate, i = _escape(branch, i + 1)
        return ("char", predicate), i
    return ("char", _literal(char)), i + 1


def _literal(char: str) -> Predicate:
    return lambda c: c == char


def _escape(branch: str, i: int) -> tuple[Predicate, int]:
    code = branch[i]
    if code in _CATEGORIES:
        return _CATEGORIES[code], i + 1
    if code == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", branch[i + 1 : i + 3]):
        return _literal(chr(int(branch[i + 1 : i + 3], 16))), i + 3
    return _literal(code), i + 1


def _class(branch: str, i: int) -> tuple[tuple, int]:
    i += 1
    negated = i < len(branch) and branch[i] == "^"
    if negated:
        i += 1
    tests: list[Predicate] = []
    first = True
    while i < len(branch) and (branch[i] != "]" or first):
        first = False
        if branch[i] == "\\" and i + 1 < len(branch):
            predicate, i = _escape(branch, i + 1)
            tests.append(predicate)
            continue
        low = branch[i]
        if i + 2 < len(branch) and branch[i + 1] == "-" and branch[i + 2] != "]":
            high = branch[i + 2]
            tests.append(lambda c, lo=low, hi=high: lo <= c <= hi)
            i += 3
            continue
        tests.append(_literal(low))
        i += 1
    i += 1  # the closing bracket

    def member(c: str) -> bool:
        return any(test(c) for test in tests) != negated

    return ("char", member), i


def _quantifier(branch: str, i: int) -> tuple[int, int | None, int]:
    if i >= len(branch):
        return 1, 1, i
    char = branch[i]
    if char in "*+?":
        low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
        i += 1
    else:
        match = re.compile(r"\{(\d+)(,(\d*))?\}").match(branch, i)
        if not match:
            return 1, 1, i
        low = min(int(match.group(1)), _MAX_REPEAT)
        if match.group(2) is None:
            high = low
        elif match.group(3):
            high = min(int(match.group(3)), _MAX_REPEAT)
        else:
            high = None
        i = match.end()
    if i < len(branch) and branch[i] == "?":
        i += 1  # lazy or greedy: the same for a yes/no search
    return low, high, i
