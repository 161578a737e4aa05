"""The chain from CloudTrail to a person: evidence, link predicates, path search, verdict."""

from __future__ import annotations

import logging
from typing import Any

from ..control import Control
from .evidence import EvidenceSource, Gap
from .path import PathSearch, SearchResult
from .verdict import FAIL, MANUAL, PASS, ChainVerdict, decide

__all__ = ["FAIL", "MANUAL", "PASS", "ChainVerdict", "EvidenceSource", "Gap", "judge", "search"]

log = logging.getLogger(__name__)


def search(source: EvidenceSource, control: Control) -> SearchResult:
    return PathSearch(source, control).run()


def judge(source: EvidenceSource, control: Control) -> ChainVerdict:
    """The verdict for one account. Never raises: odd data becomes MANUAL with the reason."""
    try:
        return decide(search(source, control), control.subject)
    except Exception as error:  # a finding must still be produced; say what went wrong
        log.exception("%s chain evaluation failed", control.check_id)
        return unreadable(error, getattr(source, "account", ""), control.subject)


def unreadable(error: BaseException, account: Any, subject: str) -> ChainVerdict:
    sentence = (
        f"Cannot tell whether {subject} changes reach a person: the account's data could "
        f"not be read ({type(error).__name__}: {error})."
    )
    return ChainVerdict(MANUAL, sentence, None, {"account": str(account), "error": repr(error)})
