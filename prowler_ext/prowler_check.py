"""Prowler's clients in, one `Check_Report_AWS` out: the glue behind the check module."""

from __future__ import annotations

from typing import Any

from prowler.lib.check.models import Check_Report_AWS

from .chain import ChainVerdict, judge, unreadable
from .control import Control
from .prowler_source import ProwlerEvidence


def evaluate(
    control: Control, cloudtrail: Any, logs: Any, cloudwatch: Any, sns: Any
) -> ChainVerdict:
    try:
        source = ProwlerEvidence(cloudtrail, logs, cloudwatch, sns)
    except Exception as error:  # malformed inventories: MANUAL, never a traceback
        return unreadable(error, getattr(cloudtrail, "audited_account", ""), control.subject)
    return judge(source, control)


def report(metadata: Any, verdict: ChainVerdict, cloudtrail: Any) -> Check_Report_AWS:
    finding = Check_Report_AWS(metadata=metadata, resource=verdict.evidence)
    finding.status = verdict.status
    finding.status_extended = verdict.sentence
    account = str(getattr(cloudtrail, "audited_account", "") or "")
    if verdict.resource is not None:
        finding.resource_id = verdict.resource.name
        finding.resource_arn = verdict.resource.arn
        finding.region = verdict.resource.region
    else:
        finding.resource_id = account
        finding.resource_arn = str(getattr(cloudtrail, "trail_arn_template", "") or "")
        finding.region = str(getattr(cloudtrail, "region", "") or "")
    finding.resource_tags = []
    events = verdict.evidence.get("events") or {}
    if events:
        caught = sum(1 for entry in events.values() if entry.get("status") == "caught")
        finding.resource_details = f"{caught} of {len(events)} events reach a confirmed subscriber"
    return finding
