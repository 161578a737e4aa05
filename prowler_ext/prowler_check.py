"""Prowler's clients in, one `Check_Report_AWS` out: the glue behind the check module."""

from __future__ import annotations

from typing import Any

from prowler.lib.check.models import Check_Report_AWS

from . import PLUGIN
from .caches import purge_caches
from .chain import PASS, ChainVerdict, judge, unreadable
from .chain.evidence import Link
from .control import Control
from .prowler_source import ProwlerEvidence


def evaluate(
    control: Control, cloudtrail: Any, logs: Any, cloudwatch: Any, sns: Any
) -> ChainVerdict:
    """The control's verdict on one account. The engine's memos (parsed patterns, proofs) live
    for this evaluation only: they are emptied when it ends, so a scan keeps no memory of them
    afterwards."""
    try:
        try:
            source = ProwlerEvidence(cloudtrail, logs, cloudwatch, sns)
        except Exception as error:  # malformed inventories: MANUAL, never a traceback
            return unreadable(error, getattr(cloudtrail, "audited_account", ""), control.subject)
        return judge(source, control)
    finally:
        purge_caches()


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
