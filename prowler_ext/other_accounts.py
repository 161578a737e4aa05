"""Other accounts a chain crosses into, read through a role the user names (opt-in).

An organization trail lives in the management account: its log group, metric filters, alarms
and topics are there, while every member's events flow into it. Scanning a member, the check
reads that account through the role named by `organization_trail_role_arn` in the `aws`
section of Prowler's config file (`--config-file`), a template on the account's id:

    aws:
      organization_trail_role_arn: "arn:aws:iam::{account_id}:role/ProwlerScan"

The role is assumed from the credentials Prowler started with (its original session, the one
`--role` scans assume their roles from), once per role for the whole process, and read with
the same targeted, read-only calls as the scanned account (`ProwlerEvidence` with
`fresh=True`: Prowler holds no inventory of that account). What cannot be read becomes a
`Gap` that names the key to set or the role that was refused, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .caches import Memo
from .chain.evidence import Arn, Gap

ROLE_KEY = "organization_trail_role_arn"
ACCOUNT_PLACEHOLDER = "{account_id}"
ROLE_SESSION_NAME = "prowler-ext-organization"
EXAMPLE_ROLE = f"arn:aws:iam::{ACCOUNT_PLACEHOLDER}:role/ProwlerScan"

# role ARN and the starting credentials' key -> the assumed role's boto3 session (or its Gap)
_ASSUMED: Memo = Memo()


_REFUSALS = frozenset({"AccessDenied", "AccessDeniedException", "InvalidClientTokenId"})


def assume_refused(role: str, code: str) -> Gap:
    """The gap of a role that could not be assumed (`code`: AWS's error code, or the name of
    the error that stopped the call: a throttled or timed-out call was not refused)."""
    verb = "was refused" if code in _REFUSALS else "failed"
    return Gap(f"sts:AssumeRole on {role} {verb} ({code})", "sts:AssumeRole")


class _RegionalClients(Mapping[str, Any]):
    """A service's boto3 clients for the scan's audited regions, each made on first use."""

    def __init__(self, session: Any, service: str, regions: frozenset[str], config: Any) -> None:
        self._session = session
        self._service = service
        self._regions = regions
        self._config = config
        self._clients: dict[str, Any] = {}

    def __getitem__(self, region: str) -> Any:
        if region not in self._regions:
            raise KeyError(region)
        if region not in self._clients:
            self._clients[region] = self._session.client(
                self._service, region_name=region, config=self._config
            )
        return self._clients[region]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._regions))

    def __len__(self) -> int:
        return len(self._regions)


@dataclass
class AccountClients:
    """One service of another account as `TargetedCalls` reads a Prowler service: its
    `regional_clients`, its `session` (for KMS) and the account it audits."""

    session: Any
    service: str
    regions: frozenset[str]
    config: Any
    audited_account: str
    audited_partition: str
    regional_clients: Mapping[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.regional_clients = _RegionalClients(
            self.session, self.service, self.regions, self.config
        )


class OtherAccounts:
    """The evidence of other accounts, one source per account, through the configured role."""

    def __init__(
        self,
        role_template: Any,
        original_session: Any,
        session_config: Any,
        regions: frozenset[str],
        partition: str,
        sts_region: str | None = None,
    ) -> None:
        self.role_template = role_template
        self.original_session = original_session
        self.session_config = session_config
        self.regions = regions
        self.partition = partition
        self.sts_region = sts_region  # the scan's home region: in the scan's partition
        self._sources: dict[str, Any] = {}

    @classmethod
    def of_scan(cls, cloudtrail_client: Any) -> OtherAccounts:
        """What the scan offers: its config, its original session and its audited regions."""
        provider = getattr(cloudtrail_client, "provider", None)
        session = getattr(provider, "session", None)
        config = getattr(cloudtrail_client, "audit_config", None)
        return cls(
            (config or {}).get(ROLE_KEY) if isinstance(config, dict) else None,
            getattr(session, "original_session", None),
            getattr(session, "session_config", None),
            frozenset(getattr(cloudtrail_client, "regional_clients", None) or ()),
            str(getattr(cloudtrail_client, "audited_partition", "aws") or "aws"),
            getattr(cloudtrail_client, "region", None),
        )

    def role_arn(self, account: str) -> str | Gap:
        """The role to assume in `account`, or why there is none."""
        template = self.role_template
        if not template:
            return Gap(
                f"set {ROLE_KEY} in the aws section of Prowler's config file (--config-file) "
                f"to a role the scan may assume there, e.g. {EXAMPLE_ROLE}"
            )
        role = str(template).replace(ACCOUNT_PLACEHOLDER, account)
        arn = Arn.parse(role)
        if arn is None or arn.service != "iam" or not arn.resource.startswith("role/"):
            return Gap(
                f"{ROLE_KEY} is {str(template)!r}, not an IAM role ARN such as {EXAMPLE_ROLE}"
            )
        if arn.account != account:
            return Gap(
                f"{ROLE_KEY} names a role of account {arn.account}, not of account {account} "
                f"(write {ACCOUNT_PLACEHOLDER} where the account goes)"
            )
        return role

    def source(self, account: str) -> Any:
        """A `ProwlerEvidence` of `account` read through its role, or a `Gap` saying why not."""
        if account not in self._sources:
            self._sources[account] = self._open(account)
        return self._sources[account]

    def _open(self, account: str) -> Any:
        from .prowler_source import ProwlerEvidence  # the source reads other accounts too

        role = self.role_arn(account)
        if isinstance(role, Gap):
            return role
        session = self._assume(role)
        if isinstance(session, Gap):
            return session
        clients = [
            AccountClients(
                session, service, self.regions, self.session_config, account, self.partition
            )
            for service in ("cloudtrail", "logs", "cloudwatch", "sns")
        ]
        return ProwlerEvidence(*clients, fresh=True, other_accounts=self)

    def _assume(self, role: str) -> Any:
        if self.original_session is None:
            return Gap(f"the scan's credentials are not available to assume {role}")
        try:
            credentials = self.original_session.get_credentials()
            key = (role, getattr(credentials, "access_key", None))
        except Exception:  # noqa: BLE001 - any failure to read credentials is the same gap
            key = (role, None)
        if key not in _ASSUMED:
            _ASSUMED[key] = self._assumed_session(role)
        return _ASSUMED[key]

    def _assumed_session(self, role: str) -> Any:
        import boto3

        region = self.sts_region or self.original_session.region_name or "us-east-1"
        try:
            sts = self.original_session.client(
                "sts", region_name=region, config=self.session_config
            )
            answer = sts.assume_role(RoleArn=role, RoleSessionName=ROLE_SESSION_NAME)
        except ClientError as error:
            return assume_refused(role, error.response.get("Error", {}).get("Code", "Error"))
        except BotoCoreError as error:
            return assume_refused(role, type(error).__name__)
        credentials = answer["Credentials"]
        return boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=region,
        )
