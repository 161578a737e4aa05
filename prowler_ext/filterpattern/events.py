"""CloudTrail events as data: what every record of an event surely holds.

Another CIS control is one more table here, not more code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

# CIS AWS Foundations 4.12 (5.12 from v6.0): changes to network gateways, in the benchmark's order.
NETWORK_GATEWAY_EVENTS: tuple[str, ...] = (
    "CreateCustomerGateway",
    "DeleteCustomerGateway",
    "AttachInternetGateway",
    "CreateInternetGateway",
    "DeleteInternetGateway",
    "DetachInternetGateway",
)

# Fields every record of a mutating EC2 management API call has, with these values.
_EC2_WRITE_CALL: Mapping[str, Any] = MappingProxyType(
    {
        "eventSource": "ec2.amazonaws.com",
        "eventType": "AwsApiCall",
        "readOnly": False,
        "managementEvent": True,
        "eventCategory": "Management",
    }
)

CERTAIN_FIELDS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        name: MappingProxyType({"eventName": name, **_EC2_WRITE_CALL})
        for name in NETWORK_GATEWAY_EVENTS
    }
)

# Realistic values of free fields, used first when a counterexample record is built.
SAMPLE_VALUES: Mapping[tuple, tuple] = MappingProxyType(
    {
        ("awsRegion",): ("eu-west-1", "ap-southeast-2"),
        ("userIdentity", "type"): ("IAMUser", "AssumedRole", "Root"),
        ("userIdentity", "arn"): ("arn:aws:iam::111122223333:user/alice",),
        ("errorCode",): ("Client.UnauthorizedOperation",),
        ("errorMessage",): ("You are not authorized to perform this operation.",),
        ("sourceIPAddress",): ("203.0.113.10",),
        ("userAgent",): ("aws-cli/2.15.0",),
        ("recipientAccountId",): ("111122223333",),
    }
)

# What a realistic record of the event carries besides the certain fields (all free).
TYPICAL_FIELDS: Mapping[str, Any] = MappingProxyType(
    {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLE",
            "arn": "arn:aws:iam::111122223333:user/alice",
            "accountId": "111122223333",
            "userName": "alice",
        },
        "eventTime": "2026-01-01T00:00:00Z",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": {},
        "responseElements": None,
        "requestID": "00000000-0000-0000-0000-000000000000",
        "eventID": "00000000-0000-0000-0000-000000000001",
        "recipientAccountId": "111122223333",
    }
)


def certain_fields(event_name: str) -> Mapping[str, Any]:
    """The fields every record of the event surely has; only `eventName` for an unknown event."""
    return CERTAIN_FIELDS.get(event_name) or MappingProxyType({"eventName": event_name})
