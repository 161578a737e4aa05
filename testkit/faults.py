"""Injected AWS faults, through botocore's own `before-call` hook (the request never reaches
moto), the way a scan meets them in real accounts.

A `Fault` answers one operation of one service, in one region (or every region), optionally
only for requests that name a given resource: denied, throttled, a 5xx, a read timeout or a
connection error. `record_calls` lists the operations a run makes, so a matrix can cover
every one of them without a hand-kept list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

_DENIED_CODES = {
    "sns": "AuthorizationError",
    "cloudtrail": "AccessDeniedException",
    "cloudwatch": "AccessDenied",
    "cloudwatch-logs": "AccessDeniedException",
    "kms": "AccessDeniedException",
}
_THROTTLED_CODES = {
    "sns": "Throttling",
    "cloudtrail": "ThrottlingException",
    "cloudwatch": "Throttling",
    "cloudwatch-logs": "ThrottlingException",
    "kms": "ThrottlingException",
}


def _error(status: int, code: str, message: str) -> tuple[AWSResponse, dict]:
    body = {"Error": {"Code": code, "Message": message}}
    return AWSResponse("https://fault.invalid", status, {}, None), body


def _denied(service: str, operation: str):
    return _error(403, _DENIED_CODES[service], f"not authorized to perform {operation}")


def _throttled(service: str, operation: str):
    return _error(400, _THROTTLED_CODES[service], "Rate exceeded")


def _server_error(service: str, operation: str):
    return _error(500, "InternalFailure", "We encountered an internal error")


def _timeout(service: str, operation: str):
    raise ReadTimeoutError(endpoint_url=f"https://{service}.fault.invalid/")


def _unreachable(service: str, operation: str):
    raise EndpointConnectionError(endpoint_url=f"https://{service}.fault.invalid/")


KINDS: dict[str, Callable[[str, str], Any]] = {
    "denied": _denied,
    "throttled": _throttled,
    "5xx": _server_error,
    "timeout": _timeout,
    "connection": _unreachable,
}
EVERY_REGION = "*"


@dataclass(frozen=True)
class Fault:
    service: str  # as botocore names it: cloudtrail, cloudwatch-logs, cloudwatch, sns, kms
    operation: str  # e.g. DescribeAlarms
    kind: str  # a key of KINDS
    region: str = EVERY_REGION
    resource: str | None = None  # only requests whose parameters mention this text

    def __str__(self) -> str:
        where = "every region" if self.region == EVERY_REGION else self.region
        on = f" on {self.resource}" if self.resource else ""
        return f"{self.service}:{self.operation} {self.kind} in {where}{on}"

    def handler(self) -> Callable[..., Any]:
        answer = KINDS[self.kind]

        def inject(request_signer=None, params=None, **_):
            if self.region != EVERY_REGION and request_signer.region_name != self.region:
                return None
            if self.resource and self.resource not in repr(params):
                return None
            return answer(self.service, self.operation)

        return inject

    @property
    def event(self) -> str:
        return f"before-call.{self.service}.{self.operation}"


@contextmanager
def injected(session: Any, fault: Fault) -> Iterator[None]:
    """The fault holds for every client the botocore `session` creates meanwhile."""
    handler = fault.handler()
    session.events.register(fault.event, handler, unique_id=f"fault-{id(handler)}")
    try:
        yield
    finally:
        session.events.unregister(fault.event, unique_id=f"fault-{id(handler)}")


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    region: str
    params: str  # repr of the request parameters


@contextmanager
def record_calls(session: Any) -> Iterator[list[Call]]:
    """Every call made by clients created meanwhile, in order."""
    calls: list[Call] = []

    def record(event_name: str = "", request_signer=None, params=None, **_):
        _, service, operation = event_name.split(".", 2)
        calls.append(Call(service, operation, request_signer.region_name, repr(params)))

    session.events.register("before-call", record, unique_id="record-calls")
    try:
        yield calls
    finally:
        session.events.unregister("before-call", unique_id="record-calls")


_IAM_PREFIX = {"cloudwatch-logs": "logs"}


def iam_action(service: str, operation: str) -> str:
    """The IAM action a botocore call needs: cloudwatch-logs DescribeMetricFilters ->
    logs:DescribeMetricFilters."""
    return f"{_IAM_PREFIX.get(service, service)}:{operation}"


def readme_section(title: str) -> str:
    """The README's text under a heading, up to the next heading of any level."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = text.index(f"{title}\n")
    following = [text.find(f"\n{mark} ", start + 1) for mark in ("#", "##", "###")]
    ends = [index for index in following if index != -1]
    return text[start : min(ends) if ends else len(text)]
