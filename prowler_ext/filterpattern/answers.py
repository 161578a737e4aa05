"""The answer to a coverage question."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Verdict(str, Enum):
    CAUGHT = "CAUGHT"
    MISSED = "MISSED"
    UNKNOWN = "UNKNOWN"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Coverage:
    verdict: Verdict
    reason: str
    counterexample: dict | None = None
    event_name: str = ""


def article(word: str) -> str:
    """ "a" or "an" before an event name."""
    return "an" if word[:1].lower() in "aeiou" else "a"
