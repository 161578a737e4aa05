"""Prowler's clients in, one `Check_Report_AWS` out: the glue behind the check module."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any

from prowler.lib.check.models import Check_Report_AWS

from . import PLUGIN
from .caches import purge_caches
from .chain import PASS, ChainVerdict, judge, unreadable
from .chain.evidence import Link
from .chain.path import SharedReads
from .cis_monitoring import SECTION
from .control import Control
from .prowler_source import ProwlerEvidence


@dataclass
class ScanReads:
    """What the checks of one scan share: the evidence over the scan's clients and every
    answer read through it (trails, filters, alarms, topics, and each alarm's and topic's
    judgement), so the fifteen monitoring checks read an account once. A scan runs each
    check once: a control judged again, or other clients, start new reads."""

    clients: tuple[Any, ...]
    source: ProwlerEvidence
    shared: SharedReads = field(default_factory=SharedReads)
    judged: set[str] = field(default_factory=set)

    def serves(self, clients: tuple[Any, ...], control: Control) -> bool:
        same = len(clients) == len(self.clients) and all(map(operator.is_, clients, self.clients))
        return same and control.check_id not in self.judged


SECTION_CHECK_IDS = frozenset(c.check_id for c in SECTION)
_SCAN: list[ScanReads] = []  # the current scan's reads, at most one


def scan_reads(control: Control, *clients: Any) -> ScanReads:
    if not (_SCAN and _SCAN[0].serves(clients, control)):
        end_scan()  # the last scan's reads, parsed patterns and proofs go before new ones
        _SCAN[:] = [ScanReads(clients, ProwlerEvidence(*clients))]
    _SCAN[0].judged.add(control.check_id)
    return _SCAN[0]


def end_scan() -> None:
    """Forget the scan: its shared reads and the engine's memos (parsed patterns, proofs)."""
    _SCAN.clear()
    purge_caches()


def evaluate(
    control: Control, cloudtrail: Any, logs: Any, cloudwatch: Any, sns: Any
) -> ChainVerdict:
    """The control's verdict on one account. The checks of one scan share their reads and the
    engine's memos (`ScanReads`: each pattern on the trails' log groups is parsed once, each
    proof made once, for all of them). They are freed when the scan has judged every control
    of the CIS monitoring section, or when another scan begins (at most one scan's worth is
    kept: sized to the account's trails' log groups, 100 filters a group at most)."""
    try:
        reads = scan_reads(control, cloudtrail, logs, cloudwatch, sns)
    except Exception as error:  # malformed inventories: MANUAL, never a traceback
        end_scan()
        return unreadable(error, getattr(cloudtrail, "audited_account", ""), control.subject)
    try:
        return judge(reads.source, control, reads.shared)
    finally:
        if reads.judged >= SECTION_CHECK_IDS:
            end_scan()


def report(metadata: Any, verdict: ChainVerdict, cloudtrail: Any) -> Check_Report_AWS:
    """One finding per account, on a resource that does not move: the account's CloudTrail
    (Prowler's trail ARN template, in the scan's home region), whichever link breaks or is
    repaired, so that its UID, a mutelist entry and Security Hub's history follow the account.
    The link that broke (or the alarm that completes the path) is in the sentence, in
    `resource_details` and in the evidence."""
    # which plug-in release decided it, with the evidence
    finding = Check_Report_AWS(metadata=metadata, resource={**verdict.evidence, "plugin": PLUGIN})
    finding.status = verdict.status
    finding.status_extended = verdict.sentence
    finding.resource_id = str(getattr(cloudtrail, "audited_account", "") or "")
    finding.resource_arn = str(getattr(cloudtrail, "trail_arn_template", "") or "")
    finding.region = str(getattr(cloudtrail, "region", "") or "")
    finding.resource_tags = []
    finding.resource_details = _details(verdict)
    return finding


def _details(verdict: ChainVerdict) -> str:
    events = verdict.evidence.get("events") or {}
    lead = verdict.resource
    where = f"{Link.NAMES[lead.link]} {lead.name} ({lead.arn})" if lead is not None else ""
    if not events:
        return where
    caught = sum(1 for entry in events.values() if entry.get("status") == "caught")
    counted = f"{caught} of {len(events)} events reach a confirmed subscriber"
    if not where:
        return counted
    if verdict.status == PASS:
        return f"{counted}, through {where}"
    return f"{counted}; the link to look at: {where}"
