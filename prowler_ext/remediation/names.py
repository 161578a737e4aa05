"""Names: AWS limits, and a free name derived from a taken one (`name`, `name-2`, `name-3`…).

PutMetricFilter and PutMetricAlarm silently replace a resource of the same name, so the fixer
never writes under a name it has not seen free a moment before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

METRIC_NAME_MAX = 255
FILTER_NAME_MAX = 512
ALARM_NAME_MAX = 255
TOPIC_NAME_MAX = 256
TOPIC_NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_ATTEMPTS = 50


class NoFreeNameError(Exception):
    pass


def candidates(base: str, limit: int) -> Iterable[str]:
    """`base`, then `base-2`, `base-3`…, each within `limit` characters."""
    yield base[:limit]
    for number in range(2, MAX_ATTEMPTS + 1):
        suffix = f"-{number}"
        yield base[: limit - len(suffix)] + suffix


def free_name(base: str, limit: int, taken: Callable[[str], bool]) -> str:
    """The first candidate that `taken` says is free."""
    for name in candidates(base, limit):
        if not taken(name):
            return name
    raise NoFreeNameError(f"{base} and {MAX_ATTEMPTS - 1} derived names are all taken")
