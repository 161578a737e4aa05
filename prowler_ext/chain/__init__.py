"""The chain from CloudTrail to a person: evidence, link predicates, path search, verdict."""

from __future__ import annotations

import logging
from typing import Any

from .evidence import EvidenceSource, Gap
from .path import PathSearch, SearchResult
from .verdict import FAIL, MANUAL, PASS, ChainVerdict, decide

__all__ = ["FAIL", "MANUAL", "PASS", "ChainVerdict", "EvidenceSource", "Gap", "judge", "search"]

log = logging.getLogger(__name__)


def search(
    source: EvidenceSource, events: tuple[str, ...], subject: str = "network gateway"
) -> SearchResult:
    return PathSearch(source, events, subject).run()


def judge(source: EvidenceSource, events: tuple[str, ...], subject: str) -> ChainVerdict:
    """The verdict for one account. Never raises: odd data becomes MANUAL with the reason."""
    try:
        return decide(search(source, events, subject), subject)
    except Exception as error:  # a finding must still be produced; say what went wrong
        log.exception("network gateway chain evaluation failed")
        return unreadable(error, getattr(source, "account", ""))


def unreadable(error: BaseException, account: Any) -> ChainVerdict:
    sentence = (
        "Cannot tell whether network gateway changes reach a person: the account's data could "
        f"not be read ({type(error).__name__}: {error})."
    )
    return ChainVerdict(MANUAL, sentence, None, {"account": str(account), "error": repr(error)})
