"""What varies by control is data: the check it backs and the events it must see."""

from __future__ import annotations

from dataclasses import dataclass

from .filterpattern import NETWORK_GATEWAY_EVENTS


@dataclass(frozen=True)
class Control:
    check_id: str
    subject: str  # "network gateway" → "none of the 6 network gateway events is caught"
    events: tuple[str, ...]


NETWORK_GATEWAY_CHANGES = Control(
    check_id="cloudwatch_changes_to_network_gateways_alarm",
    subject="network gateway",
    events=NETWORK_GATEWAY_EVENTS,
)
