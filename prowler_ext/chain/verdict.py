"""From the path search to a verdict: status, the sentence a responder reads, the resource,
and the per-event evidence in structured form."""

from __future__ import annotations

from dataclasses import dataclass

from .evidence import Arn, Gap, Link
from .path import EventResult, Resource, SearchResult

PASS, FAIL, MANUAL = "PASS", "FAIL", "MANUAL"


@dataclass(frozen=True)
class ChainVerdict:
    status: str
    sentence: str
    resource: Resource | None  # None: the account itself
    evidence: dict


def decide(search: SearchResult, subject: str) -> ChainVerdict:
    events = search.events
    missing = [r for r in events if not r.caught]
    gaps = _unique(search.trail_gaps + [g for r in missing for g in r.gaps])
    # an event is surely not caught when nothing on its way was hidden
    definite = [r for r in missing if not r.gaps and not search.trail_gaps]
    undecided = [r for r in missing if r not in definite]
    evidence = _evidence(search, gaps)
    if not missing:
        first = events[0]
        alarms = {r.path[-2].arn for r in events}
        where = _other_account(first, search.account)
        reach = (
            f"{first.event[0].upper()}{first.event[1:]} reaches"  # one record class
            if len(events) == 1
            else f"All {len(events)} {subject} events reach"
        )
        sentence = f"{reach} a confirmed subscriber{where}: {_path_text(first)}"
        if len(alarms) > 1:
            sentence += f" (and {len(alarms) - 1} more alarm path{'s' if len(alarms) > 2 else ''})"
        return ChainVerdict(PASS, sentence + ".", first.path[-2], evidence)
    if not definite:
        names = _names(missing, len(events), subject, every=f"the {len(events)} {subject} events")
        gap = gaps[0]
        permission = f" (needs {gap.permission})" if gap.permission else ""
        more = f"; {len(gaps) - 1} more in the evidence" if len(gaps) > 1 else ""
        reach = "reaches" if len(missing) == 1 else "reach"
        sentence = f"Cannot tell whether {names} {reach} a person: {gap.what}{permission}{more}."
        return ChainVerdict(MANUAL, sentence, _furthest(missing), evidence)
    groups: dict[str, list[EventResult]] = {}
    for result in definite:
        key = result.failure.sentence if result.failure else "no path was found"
        groups.setdefault(key, []).append(result)
    parts = []
    for reason, results in groups.items():
        failure = results[0].failure
        example = failure.detail.split(": ", 1)[-1] if failure and failure.detail else ""
        # up to the filter an event is "not caught"; past it, it is caught but reaches nobody
        caught_by_filter = failure is not None and failure.link > Link.METRIC_FILTER
        if len(results) == 1:
            detail = f" ({example})" if example else ""
            verb = "does not reach a person" if caught_by_filter else "is not caught"
            parts.append(f"{results[0].event} {verb}: {reason}{detail}")
            continue
        detail = f" (for example, {example})" if example else ""
        if len(results) == len(events):
            verb = "reaches a person" if caught_by_filter else "is caught"
            parts.append(f"none of the {len(events)} {subject} events {verb}: {reason}{detail}")
        else:
            verb = "do not reach a person" if caught_by_filter else "are not caught"
            parts.append(f"{_names(results, len(events), subject)} {verb}: {reason}{detail}")
    if undecided:
        gap = _unique([g for r in undecided for g in r.gaps] + search.trail_gaps)[0]
        names = ", ".join(r.event for r in undecided)
        parts.append(f"{names} could not be checked: {gap.what}")
    sentence = "; ".join(parts)
    sentence = sentence[0].upper() + sentence[1:] + "."
    return ChainVerdict(FAIL, sentence, _furthest(definite), evidence)


def _furthest(results: list[EventResult]) -> Resource | None:
    """The resource of the failure furthest along the chain: the best lead for a responder."""
    furthest = max(
        (r.failure for r in results if r.failure is not None and r.failure.resource is not None),
        key=lambda failure: failure.link,
        default=None,
    )
    return furthest.resource if furthest else None


def _names(results: list[EventResult], total: int, subject: str, every: str = "") -> str:
    if len(results) == total and total > 1 and every:
        return every
    return ", ".join(r.event for r in results)


def _other_account(result: EventResult, account: str) -> str:
    """ " through account X" when the path's log group is another account's (an organization
    trail's), so the responder knows where its alarm and topic live."""
    for resource in result.path:
        if resource.link == Link.LOG_GROUP:
            arn = Arn.parse(resource.arn)
            if arn is not None and arn.account and arn.account != account:
                return f" through account {arn.account}"
    return ""


def _path_text(result: EventResult) -> str:
    parts = []
    for resource in result.path:
        label = Link.NAMES[resource.link]
        text = f"{label} {resource.name}"
        if resource.link == Link.LOG_GROUP:
            text += f" ({resource.region})"
        if resource.link == Link.TOPIC:
            count = result.confirmed_subscriptions
            text += f" ({count} confirmed subscription{'s' if count != 1 else ''})"
        parts.append(text)
    return " -> ".join(parts)


def _unique(gaps: list[Gap]) -> list[Gap]:
    return list(dict.fromkeys(gaps))


def _evidence(search: SearchResult, gaps: list[Gap]) -> dict:
    per_event = {}
    for result in search.events:
        entry: dict = {
            "status": "caught" if result.caught else ("undecided" if result.gaps else "not caught")
        }
        if result.caught:
            entry["path"] = [resource.as_dict() for resource in result.path]
            entry["confirmed_subscriptions"] = result.confirmed_subscriptions
        else:
            if result.failure is not None:
                entry["broken_link"] = Link.NAMES[result.failure.link]
                entry["reason"] = result.failure.sentence
                if result.failure.detail:
                    entry["detail"] = result.failure.detail
                if result.failure.pending_subscriptions:
                    entry["pending_subscriptions"] = result.failure.pending_subscriptions
                if result.failure.resource is not None:
                    entry["furthest_resource"] = result.failure.resource.as_dict()
            if result.gaps:
                entry["not_visible"] = [_gap_dict(g) for g in _unique(result.gaps)]
        per_event[result.event] = entry
    return {
        "account": search.account,
        "other_accounts_read": list(search.other_accounts),
        "events": per_event,
        "not_visible": [_gap_dict(g) for g in gaps],
        "trails": [
            {"name": t.name, "arn": t.arn, "home_region": t.home_region} for t in search.trails
        ],
    }


def _gap_dict(gap: Gap) -> dict:
    return {"what": gap.what, "permission": gap.permission, "region": gap.region}
