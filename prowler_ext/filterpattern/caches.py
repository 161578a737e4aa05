"""`purge_caches`, kept here for the callers of `prowler_ext.filterpattern.purge_caches`: the
purge covers every memo of the engine (see `prowler_ext.caches`)."""

from __future__ import annotations

from ..caches import purge_caches

__all__ = ["purge_caches"]
