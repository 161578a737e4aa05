"""The chain from CloudTrail to a person: evidence, link predicates, path search, verdict."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from ..control import Control
from .evidence import EvidenceSource, Gap
from .path import PathSearch, SearchResult, SharedReads
from .verdict import FAIL, MANUAL, PASS, ChainVerdict, decide

__all__ = [
    "FAIL",
    "MANUAL",
    "PASS",
    "ChainVerdict",
    "EvidenceSource",
    "Gap",
    "judge",
    "judge_all",
    "search",
]

log = logging.getLogger(__name__)


def search(
    source: EvidenceSource, control: Control, shared: SharedReads | None = None
) -> SearchResult:
    return PathSearch(source, control, shared).run()


def judge(
    source: EvidenceSource, control: Control, shared: SharedReads | None = None
) -> ChainVerdict:
    """The verdict for one account. Never raises: odd data becomes MANUAL with the reason.
    Searches given the same `shared` reads (one account, one scan) read each answer once."""
    try:
        return decide(search(source, control, shared), control.subject)
    except Exception as error:  # a finding must still be produced; say what went wrong
        log.exception("%s chain evaluation failed", control.check_id)
        return unreadable(error, getattr(source, "account", ""), control.subject)


def judge_all(source: EvidenceSource, controls: Iterable[Control]) -> dict[str, ChainVerdict]:
    """Every control's verdict for one account, by check id, in one evaluation: the controls
    share every read (the trails and their status, each log group's filters, each metric's
    alarms, each topic) and the judgement of each alarm and topic, so evaluating the whole
    monitoring section costs little more than one control. Never raises."""
    shared = SharedReads()  # one control's odd data leaves the others decided
    return {control.check_id: judge(source, control, shared) for control in controls}


def unreadable(error: BaseException, account: Any, subject: str) -> ChainVerdict:
    sentence = (
        f"Cannot tell whether {subject} events reach a person: the account's data could "
        f"not be read ({type(error).__name__}: {error})."
    )
    return ChainVerdict(MANUAL, sentence, None, {"account": str(account), "error": repr(error)})
