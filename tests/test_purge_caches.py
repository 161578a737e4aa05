"""`prowler_ext.purge_caches()` empties every memo the engine keeps.

The memos are found here by the garbage collector, not by the purge's own discovery, so a memo
the purge misses fails the test.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
from functools import _lru_cache_wrapper
from types import ModuleType

import prowler_ext
import prowler_ext.filterpattern
from prowler_ext.chain import metric_math
from prowler_ext.filterpattern import (
    api_call,
    cached_coverage,
    matches,
    misses_the_typical_record,
    parse,
)

# the module, not the function `prowler_ext.filterpattern.coverage` the package re-exports
COVERAGE = importlib.import_module("prowler_ext.filterpattern.coverage")


# not the engine: the check module (its import binds Prowler's global provider), the
# compliance data, and the CLI entry point (its import runs the CLI)
_NOT_ENGINE = {"prowler_ext.services", "prowler_ext.compliance", "prowler_ext.__main__"}


def _import_every_module(package: ModuleType = prowler_ext) -> None:
    for found in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        if found.name not in _NOT_ENGINE:
            module = importlib.import_module(found.name)
            if found.ispkg:
                _import_every_module(module)


def _engine_lru_caches() -> dict[str, _lru_cache_wrapper]:
    """Every `functools.lru_cache` function of prowler_ext alive in the process."""
    return {
        f"{found.__module__}.{found.__qualname__}": found
        for found in gc.get_objects()
        if isinstance(found, _lru_cache_wrapper)
        and str(getattr(found, "__module__", "")).startswith("prowler_ext")
    }


def _fill_every_memo() -> None:
    parse('{ $.eventName = "CreateCustomerGateway" }')
    cached_coverage(
        '{ ($.eventName = "CreateCustomerGateway") || ($.eventName = %^Delete.*Gateway$%) }',
        "CreateCustomerGateway",
    )
    matches("{ $.eventName = %^Create[A-Z]% }", {"eventName": "CreateVpc"})
    matches("[ip, user = %^b.b$%, ...]", "192.0.2.1 bob more")  # a delimited field condition
    metric_math.parse("m1 + m2")
    misses_the_typical_record("{ $.eventName = CreateVpc }", api_call("CreateCustomerGateway"))


def test_purge_caches_empties_every_memo() -> None:
    _import_every_module()
    _fill_every_memo()
    caches = _engine_lru_caches()
    unfilled = sorted(name for name, cache in caches.items() if not cache.cache_info().currsize)
    assert caches and not unfilled, f"memos the test does not fill: {unfilled}"
    assert COVERAGE._SHARED_SEARCHES

    prowler_ext.purge_caches()

    left = {name: c.cache_info().currsize for name, c in caches.items() if c.cache_info().currsize}
    assert left == {}
    assert len(COVERAGE._SHARED_SEARCHES) == 0


def test_the_filterpattern_purge_is_the_engine_purge() -> None:
    assert prowler_ext.filterpattern.purge_caches is prowler_ext.purge_caches
