"""The CloudTrail record model: the records a coverage proof quantifies over, as data.

Source: AWS CloudTrail User Guide, "CloudTrail record contents for management, data, and
network activity events" (each field's "Optional: True/False" and type) and "CloudTrail
userIdentity element" (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/
cloudtrail-event-reference-record-contents.html, .../cloudtrail-event-reference-user-identity.html).

A record of the model

* has every field AWS marks "Optional: False" (`required`), and no top-level field outside
  `RECORD.members`: CloudTrail writes no other (a selector on another top-level name never
  finds a value);
* gives each field a value of one of its JSON kinds;
* may hold anything below an *open* object (`requestParameters`, `userIdentity.sessionContext`,
  members of `userIdentity` AWS does not list, ...): CloudTrail copies those from the request.

Where AWS lists a field's values (`eventType`, `userIdentity.type`), the list is used for
realistic counterexamples but does not close the field: AWS adds values (`IdentityCenterUser`
came in 2023), so a proof never rests on the list being complete.

Besides the fields, a record class fixes some fields per case (`RecordCase.fixed`): for an API
call, its `eventName`, `eventSource`, `eventType`, `readOnly`, `managementEvent` and
`eventCategory` (`api_call`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import Any


class Kind(str, Enum):
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    OBJECT = "object"
    ARRAY = "array"


S = frozenset({Kind.STRING})
B = frozenset({Kind.BOOLEAN})
O = frozenset({Kind.OBJECT})  # noqa: E741 - the kind, as AWS's tables read
A = frozenset({Kind.ARRAY})
O_OR_NULL = frozenset({Kind.OBJECT, Kind.NULL})


@dataclass(frozen=True)
class FieldSpec:
    """What a record may hold at one field."""

    kinds: frozenset[Kind]
    required: bool
    examples: tuple[Any, ...] = ()  # realistic values, documented ones first
    members: Mapping[str, FieldSpec] = field(default_factory=dict)  # known members of an object
    open: bool = True  # an object may hold members not listed, with any value

    @property
    def scalar(self) -> bool:
        return not self.kinds & {Kind.OBJECT, Kind.ARRAY}


def _string(required: bool, *examples: str) -> FieldSpec:
    return FieldSpec(S, required, examples)


def _object(
    required: bool, members: Mapping[str, FieldSpec] | None = None, *, kinds=O
) -> FieldSpec:
    return FieldSpec(kinds, required, members=MappingProxyType(dict(members or {})))


# "CloudTrail userIdentity element": type is always given ("Optional: False"); the others
# depend on the type. SAMLUser and WebIdentityUser come from its STS section.
USER_IDENTITY_TYPES = (
    "IAMUser",
    "AssumedRole",
    "Root",
    "Role",
    "FederatedUser",
    "AWSAccount",
    "AWSService",
    "Directory",
    "IdentityCenterUser",
    "SAMLUser",
    "WebIdentityUser",
    "Unknown",
)

_USER_IDENTITY = _object(
    True,
    {
        "type": _string(True, *USER_IDENTITY_TYPES),
        "principalId": _string(False, "AIDAEXAMPLE"),
        "arn": _string(False, "arn:aws:iam::111122223333:user/alice"),
        "accountId": _string(False, "111122223333"),
        "accessKeyId": _string(False, "AKIAEXAMPLE"),
        "userName": _string(False, "alice"),
        "invokedBy": _string(False, "cloudformation.amazonaws.com"),
        "invokedByDelegate": _object(False),
        "credentialId": _string(False, "EXAMPLE"),
        "sessionContext": _object(False),
        "identityProvider": _string(False, "saml.example.com"),
        "onBehalfOf": _object(False),
        "inScopeOf": _object(False),
    },
)

EVENT_TYPES = (
    "AwsApiCall",
    "AwsServiceEvent",
    "AwsConsoleAction",
    "AwsConsoleSignIn",
    "AwsVpceEvents",
    "AwsCloudTrailInsight",
)
EVENT_CATEGORIES = ("Management", "Data", "NetworkActivity", "Insight")

RECORD = FieldSpec(
    O,
    True,
    open=False,
    members=MappingProxyType(
        {
            # Optional: False
            "eventTime": _string(True, "2026-01-01T00:00:00Z"),
            "eventVersion": _string(True, "1.11", "1.09", "1.08"),
            "userIdentity": _USER_IDENTITY,
            "eventSource": _string(True, "ec2.amazonaws.com"),
            "eventName": _string(True),
            "awsRegion": _string(True, "us-east-1", "eu-west-1", "ap-southeast-2"),
            "sourceIPAddress": _string(True, "203.0.113.10", "cloudformation.amazonaws.com"),
            "eventID": _string(True, "00000000-0000-0000-0000-000000000001"),
            "eventType": _string(True, *EVENT_TYPES),
            "eventCategory": _string(True, *EVENT_CATEGORIES),
            # "responseElements ... For readOnly APIs, this field is null"; requestParameters
            # holds "the parameters, if any": both are always written, possibly null
            "requestParameters": _object(True, kinds=O_OR_NULL),
            "responseElements": _object(True, kinds=O_OR_NULL),
            # Optional: True
            "userAgent": _string(False, "aws-cli/2.15.0"),
            "errorCode": _string(False, "Client.UnauthorizedOperation", "AccessDenied"),
            "errorMessage": _string(False, "You are not authorized to perform this operation."),
            "additionalEventData": _object(False),
            "requestID": _string(False, "00000000-0000-0000-0000-000000000000"),
            "apiVersion": _string(False, "2016-11-15"),
            "managementEvent": FieldSpec(B, False),
            "readOnly": FieldSpec(B, False),
            "resources": FieldSpec(A, False),
            "recipientAccountId": _string(False, "111122223333"),
            "serviceEventDetails": _object(False),
            "sharedEventID": _string(False, "00000000-0000-0000-0000-000000000002"),
            "vpcEndpointId": _string(False, "vpce-0123456789abcdef0"),
            "vpcEndpointAccountId": _string(False, "111122223333"),
            "addendum": _object(False),
            "sessionCredentialFromConsole": _string(False, "true"),
            "edgeDeviceDetails": _object(False),
            "tlsDetails": _object(False),
            "insightDetails": _object(False),
            # named by the record reference's truncation rules only; its type is not given
            "annotation": FieldSpec(frozenset(Kind), False),
        }
    ),
)


class Reach(Enum):
    """What the model says about a path, when it says no more than this."""

    FREE = "free"  # below an open object: any JSON value, or absent
    NEVER = "never"  # no record has a value there


def spec_at(path: tuple) -> FieldSpec | Reach:
    """The model of the field at `path` (keys and array indexes)."""
    spec = RECORD
    for step in path:
        if isinstance(step, int):
            return Reach.FREE if Kind.ARRAY in spec.kinds else Reach.NEVER
        if Kind.OBJECT not in spec.kinds:
            return Reach.NEVER
        member = spec.members.get(step)
        if member is None:
            return Reach.FREE if spec.open else Reach.NEVER
        spec = member
    return spec


# ------------------------------------------------------------------------------ API calls
# The service of each management API call a control watches (a fact of AWS's APIs: the
# CloudTrail record of the call carries it as eventSource). A write call's record has
# readOnly = false; these calls are all writes.
EC2 = "ec2.amazonaws.com"
API_CALL_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "CreateCustomerGateway": EC2,
        "DeleteCustomerGateway": EC2,
        "AttachInternetGateway": EC2,
        "CreateInternetGateway": EC2,
        "DeleteInternetGateway": EC2,
        "DetachInternetGateway": EC2,
    }
)

Path = tuple  # of keys (str) and array indexes (int)


@dataclass(frozen=True)
class RecordCase:
    """The records of the model that hold the `fixed` values and satisfy `condition`.

    `condition` is a JSON filter pattern ("" for none): a record class the engine's own
    language can state, e.g. `{ $.userIdentity.invokedBy NOT EXISTS }`. `name` is what
    sentences call the case (an event name).
    """

    name: str
    fixed: tuple[tuple[Path, Any], ...]
    condition: str = ""

    def top_level(self) -> dict[str, Any]:
        """The fixed top-level scalar fields, by name."""
        return {path[0]: value for path, value in self.fixed if len(path) == 1}


def api_call(name: str, source: str | None = None, *, read_only: bool = False) -> RecordCase:
    """The records of one management API call; its source from `API_CALL_SOURCES`.

    A call whose source is not known fixes only its name: a superset of its records, so a
    proof about it stays sound.
    """
    source = source or API_CALL_SOURCES.get(name)
    if source is None:
        return RecordCase(name, ((("eventName",), name),))
    return RecordCase(
        name,
        (
            (("eventName",), name),
            (("eventSource",), source),
            (("eventType",), "AwsApiCall"),
            (("readOnly",), read_only),
            (("managementEvent",), True),
            (("eventCategory",), "Management"),
        ),
    )


def received_by(case: RecordCase, account: str) -> RecordCase:
    """The records of `case` that one account received: those whose `recipientAccountId` is
    that account, or absent.

    A trail of one account holds only that account's records, but an organization trail's log
    group holds every member's, so what must be caught for an account is its own records. The
    record reference gives `recipientAccountId` as "the account ID that received this event",
    "Optional: True" ("only present when it applies to the service, API, or event type"): a
    record without it may be the account's, so a filter must catch those too. Nothing else in
    a record names the receiving account (`userIdentity.accountId` is the caller's, which a
    cross-account call makes another account's, and is optional as well).
    """
    if not account:
        return case
    own = f'($.recipientAccountId NOT EXISTS) || ($.recipientAccountId = "{account}")'
    inner = case.condition.strip()[1:-1].strip() if case.condition.strip() else ""
    condition = f"{{ ({inner}) && ({own}) }}" if inner else f"{{ {own} }}"
    return replace(case, condition=condition)


def case_of(case: RecordCase | str) -> RecordCase:
    """A case as given, or the API call of that name."""
    return case if isinstance(case, RecordCase) else api_call(case)


# ------------------------------------------------------------------------------ records


def kind_of(value: Any) -> Kind | None:
    if value is None:
        return Kind.NULL
    if isinstance(value, bool):
        return Kind.BOOLEAN
    if isinstance(value, (int, float)):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.STRING
    if isinstance(value, dict):
        return Kind.OBJECT
    if isinstance(value, list):
        return Kind.ARRAY
    return None


def violation(record: Any) -> str | None:
    """Why `record` is not a record of the model, or None when it is."""
    if not isinstance(record, dict):
        return "a record is a JSON object"
    return _violation(record, RECORD, "")


def _violation(value: dict, spec: FieldSpec, where: str) -> str | None:
    for name, member in spec.members.items():
        if member.required and name not in value:
            return f"{where}{name} is missing"
    for name, item in value.items():
        member = spec.members.get(name)
        if member is None:
            if not spec.open:
                return f"CloudTrail writes no field {where}{name}"
            continue
        kind = kind_of(item)
        if kind not in member.kinds:
            kinds = " or ".join(sorted(k.value for k in member.kinds))
            return f"{where}{name} is a {kind.value if kind else 'value'}, not {kinds}"
        if isinstance(item, dict) and member.members:
            problem = _violation(item, member, f"{where}{name}.")
            if problem:
                return problem
    return None


def example(spec: FieldSpec) -> Any:
    """A realistic value of the field."""
    if spec.examples:
        return spec.examples[0]
    if Kind.OBJECT in spec.kinds:
        return {name: example(m) for name, m in spec.members.items() if m.required}
    if Kind.STRING in spec.kinds:
        return "example"
    if Kind.BOOLEAN in spec.kinds:
        return False
    if Kind.ARRAY in spec.kinds:
        return []
    return None


def base_record(case: RecordCase, *, typical: bool) -> dict:
    """A record of the model with the case's fixed fields: the required fields only, or
    (typical) also the optional ones a record of an API call usually carries."""
    record = {name: example(spec) for name, spec in RECORD.members.items() if spec.required}
    if typical:
        record["userIdentity"] = {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLE",
            "arn": "arn:aws:iam::111122223333:user/alice",
            "accountId": "111122223333",
            "userName": "alice",
        }
        for name in ("userAgent", "requestID", "recipientAccountId"):
            record[name] = example(RECORD.members[name])
        record["requestParameters"] = {}
        record["responseElements"] = None
    for path, value in sorted(case.fixed, key=lambda item: len(item[0])):
        node = record
        for step in path[:-1]:
            if not isinstance(node.get(step), dict):
                node[step] = {}  # a field fixed below it makes it an object (not null)
            node = node[step]
        node[path[-1]] = value
    return record
