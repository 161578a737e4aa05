"""Is a trail a qualifying source? One small predicate per property, each with its reason.

A trail qualifies when it is multi-region, logging, records every management event (the
writes of the control's event sources included), delivers to CloudWatch Logs, and CloudTrail
reports no delivery error. Each predicate answers None (fine), a problem sentence (FAIL), or a Gap
(could not be seen: MANUAL).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from .evidence import Gap, LogGroupRef, TrailEvidence

Finding = str | Gap | None


def multi_region(trail: TrailEvidence) -> Finding:
    return None if trail.is_multi_region else f"trail {trail.name} is not multi-region"


def logging(trail: TrailEvidence) -> Finding:
    if trail.is_logging is None:
        return Gap(
            f"the status of trail {trail.name} could not be read",
            "cloudtrail:GetTrailStatus",
            trail.home_region,
        )
    return None if trail.is_logging else f"trail {trail.name} is not logging"


def delivers_to_cloudwatch_logs(trail: TrailEvidence) -> Finding:
    if not trail.log_group_arn:
        return f"trail {trail.name} does not deliver to CloudWatch Logs"
    if LogGroupRef.from_arn(trail.log_group_arn) is None:
        return f"trail {trail.name} has an unreadable log group ARN {trail.log_group_arn!r}"
    return None


def delivery_healthy(trail: TrailEvidence) -> Finding:
    if trail.delivery_error:
        return (
            f"trail {trail.name} cannot deliver to CloudWatch Logs "
            f"(LatestCloudWatchLogsDeliveryError: {trail.delivery_error})"
        )
    return None


def records_management_events(trail: TrailEvidence, sources: frozenset[str] | None) -> Finding:
    """All management events, read and write, of the given event sources included (of every
    service when `sources` is None: a record class that is no list of one service's calls)."""
    if not trail.selectors_read:
        return Gap(
            f"the event selectors of trail {trail.name} could not be read",
            "cloudtrail:GetEventSelectors",
            trail.home_region,
        )
    if trail.advanced_selectors:
        if any(_advanced_selector_ok(s, sources) for s in trail.advanced_selectors):
            return None
        return f"trail {trail.name} has no advanced event selector recording all management events"
    if trail.classic_selectors:
        excluded: set[str] = set()
        for selector in trail.classic_selectors:
            if (
                isinstance(selector, dict)
                and selector.get("IncludeManagementEvents") is True
                and selector.get("ReadWriteType") == "All"
            ):
                excluded = set(selector.get("ExcludeManagementEventSources") or [])
                if not (excluded if sources is None else sources & excluded):
                    return None
        if excluded and sources is None:
            return (
                f"trail {trail.name} does not record the management events of "
                f"{', '.join(sorted(excluded))} (ExcludeManagementEventSources), and these "
                "records may come from any service"
            )
        return (
            f"trail {trail.name} does not record all management events "
            "(no selector with IncludeManagementEvents true and ReadWriteType All)"
        )
    return Gap(
        f"trail {trail.name} returned no event selectors, which proves nothing",
        None,  # the call was answered: nothing to grant
        trail.home_region,
    )


def _advanced_selector_ok(selector: dict, sources: frozenset[str] | None) -> bool:
    if not isinstance(selector, dict):
        return False
    fields = selector.get("FieldSelectors") or []
    management = False
    for field_selector in fields:
        if not isinstance(field_selector, dict):
            return False
        name = field_selector.get("Field")
        if name == "eventCategory":
            management = field_selector.get("Equals") == ["Management"]
            if not management:
                return False
        elif name == "readOnly":
            return False
        elif name == "eventSource":
            if sources is None:  # any condition on the service leaves some service out
                return False
            if not all(_field_admits(field_selector, source) for source in sources):
                return False
        else:
            return False
    return management


def _field_admits(field_selector: dict, value: str) -> bool:
    tests = {
        "Equals": lambda xs: value in xs,
        "NotEquals": lambda xs: value not in xs,
        "StartsWith": lambda xs: any(value.startswith(x) for x in xs),
        "NotStartsWith": lambda xs: not any(value.startswith(x) for x in xs),
        "EndsWith": lambda xs: any(value.endswith(x) for x in xs),
        "NotEndsWith": lambda xs: not any(value.endswith(x) for x in xs),
    }
    for operator, values in field_selector.items():
        if operator == "Field":
            continue
        test = tests.get(operator)
        if test is None or not isinstance(values, list) or not test(values):
            return False
    return True


def assess(
    trail: TrailEvidence, sources: frozenset[str] | None
) -> tuple[list[str], list[Gap]]:
    """The trail's problems and what could not be seen about it, for records of `sources`
    (None: of any service)."""
    predicates: tuple[Callable[[TrailEvidence], Finding], ...] = (
        multi_region,
        delivers_to_cloudwatch_logs,
        logging,
        partial(records_management_events, sources=sources),
        delivery_healthy,
    )
    problems: list[str] = []
    gaps: list[Gap] = list(trail.gaps)
    for predicate in predicates:
        finding = predicate(trail)
        if isinstance(finding, Gap):
            if all(g.permission != finding.permission or not g.permission for g in gaps):
                gaps.append(finding)
        elif finding:
            problems.append(finding)
    return problems, gaps
