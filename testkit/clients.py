"""Run the real check the way Prowler's own check tests do: moto in-process (`mock_aws`),
Prowler's real AwsProvider and service classes, and only the clients the check module imports
patched to those instances.

`deny()` makes one API operation answer AccessDenied in one region, through botocore's own
`before-call` event hook on the provider's session (the request never reaches moto): that is how
an SCP or a missing permission looks to the scanner.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any
from unittest import mock

from botocore.awsrequest import AWSResponse
from prowler.providers.aws.aws_provider import AwsProvider
from prowler.providers.common.models import Audit_Metadata

from .service_models import parse_prowler_config_once

CHECK_ID = "cloudwatch_changes_to_network_gateways_alarm"
CHECK_MODULE = f"prowler_ext.services.cloudwatch.{CHECK_ID}.{CHECK_ID}"  # CIS 4.12
REGIONS = ("us-east-1", "eu-west-1")
ACCOUNT = "123456789012"

# A KMS key policy that lets CloudWatch alarms publish to topics the key encrypts.
CLOUDWATCH_KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        },
    ],
}

_DENIED_CODES = {
    "sns": "AuthorizationError",
    "cloudtrail": "AccessDeniedException",
    "cloudwatch": "AccessDenied",
    "cloudwatch-logs": "AccessDeniedException",
}


def build_provider(regions: Iterable[str] = REGIONS) -> AwsProvider:
    parse_prowler_config_once()
    provider = AwsProvider(regions=set(regions))
    provider.audit_metadata = Audit_Metadata(
        services_scanned=0, expected_checks=[CHECK_ID], completed_checks=0, audit_progress=0
    )
    return provider


def deny(provider: AwsProvider, service_id: str, operation: str, region: str) -> None:
    """`service_id` as botocore names it: cloudtrail, cloudwatch-logs, cloudwatch, sns."""
    code = _DENIED_CODES[service_id]

    def refuse(request_signer, **_):
        if request_signer.region_name != region:
            return None
        body = {"Error": {"Code": code, "Message": f"not authorized to perform {operation}"}}
        return AWSResponse("https://denied.invalid", 403, {}, None), body

    provider.session.current_session.events.register(
        f"before-call.{service_id}.{operation}", refuse
    )


def respond(provider: AwsProvider, service_id: str, operation: str, region: str, body: dict):
    """Make one operation answer `body` (already parsed) in one region: an odd API response."""

    def answer(request_signer, **_):
        if request_signer.region_name != region:
            return None
        return AWSResponse("https://odd.invalid", 200, {}, None), body

    provider.session.current_session.events.register(
        f"before-call.{service_id}.{operation}", answer
    )


def prowler_clients(provider: AwsProvider, only: str | None = None) -> dict[str, Any]:
    """Prowler's four service objects the check and the fixer import, built against moto as
    Prowler builds them (its global provider is ``provider`` meanwhile); ``only`` one of them."""
    from prowler.providers.aws.services.cloudtrail.cloudtrail_service import Cloudtrail
    from prowler.providers.aws.services.cloudwatch.cloudwatch_service import CloudWatch, Logs
    from prowler.providers.aws.services.sns.sns_service import SNS

    classes = {
        "cloudtrail_client": Cloudtrail,
        "logs_client": Logs,
        "cloudwatch_client": CloudWatch,
        "sns_client": SNS,
    }
    with mock.patch(
        "prowler.providers.common.provider.Provider.get_global_provider", return_value=provider
    ):
        return {name: cls(provider) for name, cls in classes.items() if only in (None, name)}


def check_module(check_id: str) -> str:
    return f"prowler_ext.services.cloudwatch.{check_id}.{check_id}"


def fixer_module(check_id: str) -> str:
    return f"{check_module(check_id)}_fixer"


def _global_provider(provider: AwsProvider):
    return mock.patch(
        "prowler.providers.common.provider.Provider.get_global_provider", return_value=provider
    )


def import_checks(provider: AwsProvider, check_ids: Iterable[str]) -> dict[str, Any]:
    """The check modules (importing one the first time builds Prowler's global clients, with
    ``provider`` as Prowler's global provider)."""
    with _global_provider(provider):
        return {c: importlib.import_module(check_module(c)) for c in check_ids}


def run_checks(
    provider: AwsProvider, check_ids: Iterable[str], clients: dict[str, Any] | None = None
) -> dict[str, list]:
    """Each check's reports, run one after another on one set of Prowler's clients (built
    against moto unless given), as one scan runs them."""
    modules = import_checks(provider, check_ids)
    clients = clients or prowler_clients(provider)
    reports = {}
    with _global_provider(provider):
        for check_id, module in modules.items():
            with mock.patch.multiple(check_module(check_id), **clients):
                reports[check_id] = getattr(module, check_id)().execute()
    return reports


def run_check(
    provider: AwsProvider | None = None,
    regions: Iterable[str] = REGIONS,
    check_id: str = CHECK_ID,
):
    """Build Prowler's four clients against moto and return the check's single report."""
    provider = provider or build_provider(regions)
    reports = run_checks(provider, [check_id])[check_id]
    assert len(reports) == 1, "one finding per audited account"
    return reports[0]


def run_fixer(provider: AwsProvider, region: str, check_id: str = CHECK_ID) -> bool:
    """The check's fixer, as Prowler calls it after a scan, on Prowler's clients over moto."""
    with _global_provider(provider):
        with mock.patch.multiple(fixer_module(check_id), **prowler_clients(provider)):
            return importlib.import_module(fixer_module(check_id)).fixer(region=region)
