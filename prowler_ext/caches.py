"""One purge for every memo of the engine (benchmarks call it before a cold run).

The memos are found, not listed: every `functools.lru_cache` function (or method) of an
imported `prowler_ext` module, and every module-level `Memo`, the dict a module keeps answers
in. A new memo of either kind is purged without touching this module.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import _lru_cache_wrapper
from types import ModuleType
from typing import Any

_PACKAGE = __name__.split(".")[0]


class Memo(dict):
    """A module-level dict of memoized answers; `purge_caches()` empties every one."""


def purge_caches() -> None:
    """Forget everything the engine memoized: parsed patterns and expressions, coverage answers
    and the proofs shared between cases, compiled regexes and their dialect doubts."""
    for memo in engine_memos():
        if isinstance(memo, Memo):
            memo.clear()
        else:
            memo.cache_clear()


def engine_memos() -> Iterator[_lru_cache_wrapper | Memo]:
    """Each memo of the imported `prowler_ext` modules, once. The search through the modules
    is done again only when another engine module has been imported since the last one (the
    check purges after every evaluation: this keeps it a fraction of a millisecond)."""
    modules = _engine_modules()
    names = tuple(module.__name__ for module in modules)
    if _FOUND.get("names") != names:
        _FOUND["names"], _FOUND["memos"] = names, list(_discover(modules))
    yield from _FOUND["memos"]


_FOUND: dict[str, Any] = {}  # the engine modules' names when last searched, and their memos


def _discover(modules: list[ModuleType]) -> Iterator[_lru_cache_wrapper | Memo]:
    seen: set[int] = set()
    for module in modules:
        for value in _module_values(module):
            if isinstance(value, (_lru_cache_wrapper, Memo)) and id(value) not in seen:
                seen.add(id(value))
                yield value


def _engine_modules() -> list[ModuleType]:
    return [
        module
        for name, module in list(sys.modules.items())
        if (name == _PACKAGE or name.startswith(f"{_PACKAGE}.")) and module is not None
    ]


def _module_values(module: ModuleType) -> Iterator[Any]:
    """The module's globals, and the members of the classes it defines (unwrapping static
    and class methods)."""
    for value in list(vars(module).values()):
        yield value
        if isinstance(value, type) and value.__module__ == module.__name__:
            for member in list(vars(value).values()):
                yield getattr(member, "__func__", member)
