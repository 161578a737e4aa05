"""The plumbing of the fixer's AWS calls: a regional client of one of Prowler's services, and
every failure as `AwsCallError` naming the IAM action, so the user can tell what to grant."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError


class AwsCallError(Exception):
    def __init__(self, permission: str, region: str, reason: str):
        super().__init__(f"{permission} failed in {region}: {reason}")
        self.permission = permission
        self.region = region
        self.reason = reason

    @property
    def sentence(self) -> str:
        return f"{self.permission} failed in {self.region} ({self.reason})"


class RegionalCalls:
    """Calls through the `regional_clients` of one of Prowler's services."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def audits(self, region: str) -> bool:
        return region in (getattr(self.service, "regional_clients", None) or {})

    def client(self, region: str, permission: str) -> Any:
        client = (getattr(self.service, "regional_clients", None) or {}).get(region)
        if client is None:
            raise AwsCallError(
                permission, region, f"{region} is not audited by this scan (add -f {region})"
            )
        return client

    @staticmethod
    def failed(permission: str, region: str, error: Exception) -> AwsCallError:
        if isinstance(error, ClientError):
            detail = error.response.get("Error", {})
            reason = f"{detail.get('Code', 'Error')}: {detail.get('Message', '')}".rstrip(": ")
        else:
            reason = f"{type(error).__name__}: {error}"
        return AwsCallError(permission, region, reason)

    def call(self, region: str, permission: str, method: str, params: dict) -> Any:
        """One call of the regional client's `method` with `params`."""
        client = self.client(region, permission)
        try:
            return getattr(client, method)(**params)
        except (ClientError, BotoCoreError) as error:
            raise self.failed(permission, region, error) from error

    def pages(self, region: str, permission: str, operation: str, **params: Any) -> Iterator[dict]:
        """Each page of a paginated read."""
        client = self.client(region, permission)
        try:
            yield from client.get_paginator(operation).paginate(**params)
        except (ClientError, BotoCoreError) as error:
            raise self.failed(permission, region, error) from error
