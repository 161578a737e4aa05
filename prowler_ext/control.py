"""Controls as data: what a check must see, said once and imported everywhere.

A control is a record class (the CloudTrail records it must catch, one case per event, over
the record model of `filterpattern.cloudtrail`), the words its sentences use, the benchmark's
own filter pattern, and the names its fixer creates. Nothing downstream spells these out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .filterpattern import RecordCase, api_call


@dataclass(frozen=True)
class Control:
    check_id: str
    reference: str  # the benchmark requirement, for texts the fixer writes
    subject: str  # "network gateway" → "none of the 6 network gateway events is caught"
    records: tuple[RecordCase, ...]  # one case per event the control must catch
    benchmark_pattern: str  # the benchmark's remediation pattern, as CIS writes it
    fixer_defaults: Mapping[
        str, str
    ]  # MetricNamespace, MetricName, FilterName, AlarmName, TopicName
    # the requirement's id in each CIS version Prowler ships ("4.12" up to 5.0, "5.12" after)
    requirements: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # every version's benchmark pattern, as CIS writes it: the control must accept each one
    benchmark_patterns: tuple[str, ...] = ()
    builtin_check: str = ""  # Prowler's built-in check of the same requirement
    # what CIS monitors, in its words ("Ensure <title> are monitored"): "changes to network
    # gateways", "usage of the 'root' account"
    title: str = ""

    @property
    def heading(self) -> str:
        """The title as a heading: "Changes to network gateways"."""
        title = self.title or f"{self.subject} changes"
        return title[0].upper() + title[1:]

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(case.name for case in self.records)

    def case(self, event: str) -> RecordCase:
        for case in self.records:
            if case.name == event:
                return case
        raise KeyError(event)

    @property
    def is_one_class(self) -> bool:
        """The records are one class (root usage, unauthorized calls), not API calls by name."""
        first = self.records[0]
        return len(self.records) == 1 and dict(first.fixed).get(("eventName",)) != first.name

    @property
    def event_sources(self) -> frozenset[str] | None:
        """The eventSource values the control's records have (a trail must record them), or
        None when some record class may come from any service (root usage, unauthorized
        calls): then a trail must record the management events of every service."""
        sources = []
        for case in self.records:
            fixed = dict(case.fixed).get(("eventSource",))
            if not isinstance(fixed, str):
                return None
            sources.append(fixed)
        return frozenset(sources)


def _eventname_pattern(events: tuple[str, ...]) -> str:
    """CIS's remediation pattern form: `{ ($.eventName = A) || ($.eventName = B) … }`."""
    return "{ " + " || ".join(f"($.eventName = {event})" for event in events) + " }"


# CIS AWS Foundations 4.12 (5.12 from v6.0): changes to network gateways, in the benchmark's order.
_NETWORK_GATEWAY_CALLS = (
    "CreateCustomerGateway",
    "DeleteCustomerGateway",
    "AttachInternetGateway",
    "CreateInternetGateway",
    "DeleteInternetGateway",
    "DetachInternetGateway",
)


def cis_requirements(number: int) -> Mapping[str, str]:
    """The monitoring requirement `number` in every CIS version: section 4 up to 5.0, 5 after."""
    return MappingProxyType(
        {
            version: f"{4 if float(version) < 6 else 5}.{number}"
            for version in ("1.4", "1.5", "2.0", "3.0", "4.0", "5.0", "6.0", "7.0")
        }
    )


NETWORK_GATEWAY_CHANGES = Control(
    check_id="cloudwatch_changes_to_network_gateways_alarm",
    reference="CIS AWS 4.12",
    subject="network gateway",
    records=tuple(api_call(name) for name in _NETWORK_GATEWAY_CALLS),
    benchmark_pattern=_eventname_pattern(_NETWORK_GATEWAY_CALLS),
    fixer_defaults=MappingProxyType(
        {
            "MetricNamespace": "CISBenchmark",
            "MetricName": "NetworkGatewayChanges",
            "FilterName": "cis-network-gateway-changes",
            "AlarmName": "cis-network-gateway-changes",
            "TopicName": "cis-security-alerts",
        }
    ),
    requirements=cis_requirements(12),
    benchmark_patterns=(_eventname_pattern(_NETWORK_GATEWAY_CALLS),),
    builtin_check="cloudwatch_changes_to_network_gateways_alarm_configured",
    title="changes to network gateways",
)

NETWORK_GATEWAY_EVENTS = NETWORK_GATEWAY_CHANGES.events
