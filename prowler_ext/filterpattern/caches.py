"""One purge for every memo of the engine: parsed patterns, coverage answers and the proofs
shared between cases, compiled regexes and their dialect doubts."""

from __future__ import annotations

import importlib
from functools import _lru_cache_wrapper

_MEMOIZING_MODULES = ("parser", "coverage", "regex", "values")


def purge_caches() -> None:
    """Forget everything the engine memoized (benchmarks call this before a cold run)."""
    for name in _MEMOIZING_MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        for value in vars(module).values():
            if isinstance(value, _lru_cache_wrapper):
                value.cache_clear()
    importlib.import_module(f"{__package__}.coverage")._SHARED_SEARCHES.clear()
