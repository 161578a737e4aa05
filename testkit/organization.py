"""Seed an AWS Organization on the moto server: a management account with an organization
trail and the benchmark's chain on its log group, and member accounts that see the trail.

With the server's patches (``testkit/moto_patches.py``, 6 and 7) members list the trail as AWS
shows it to them, and AssumeRole honours the trust policy of a role that exists::

    management = AwsAccount(endpoint_url)               # moto's default account
    org = seed_organization(management, scanner_account=management.account_id)
    org.members                                         # the member account ids
    write_config(path)                                  # Prowler config with the role key

The check reads the management account through ``ProwlerScan`` there (``SCAN_ROLE``), which
trusts the account whose credentials start the scan (``scanner_account``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from prowler_ext.other_accounts import ROLE_KEY

from .account import (
    BENCHMARK_PATTERN,
    HOME_REGION,
    AwsAccount,
    create_logging_trail,
    create_topic,
    put_alarm,
    put_metric_filter,
)

SCAN_ROLE = "ProwlerScan"
ROLE_TEMPLATE = "arn:aws:iam::{account_id}:role/" + SCAN_ROLE
ORG_TRAIL = "org-trail"
ORG_LOG_GROUP = "org-trail-logs"
ORG_FILTER = "org-network-gateway-changes"
ORG_METRIC = "OrgNetworkGatewayEventCount"
ORG_ALARM = "org-network-gateway-changes"
ORG_TOPIC = "org-security-alerts"


@dataclass(frozen=True)
class Organization:
    management: str  # the management account id
    members: tuple[str, ...]
    trail: str
    alarm: str
    topic: str


def write_config(path: Path, role_template: str = ROLE_TEMPLATE) -> Path:
    """A Prowler config file (``--config-file``) whose aws section names the role."""
    path.write_text(f'aws:\n  {ROLE_KEY}: "{role_template}"\n')
    return path


def create_scan_role(account: AwsAccount, trusted_account: str, name: str = SCAN_ROLE) -> str:
    """A role in ``account`` that ``trusted_account`` may assume (its root: any principal the
    account allows); returns its ARN."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{trusted_account}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam = account.client("iam")
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def seed_organization(
    management: AwsAccount,
    *,
    scanner_account: str,
    members: int = 2,
    pattern: str | Callable[[tuple[str, ...]], str] = BENCHMARK_PATTERN,
    subscriptions: tuple[tuple[str, str], ...] = (("sqs", "org-network-gateway-alerts"),),
) -> Organization:
    """An organization of ``management`` with ``members`` new accounts; a multi-region
    organization trail delivering to ``org-trail-logs``, a metric filter with ``pattern`` (or
    ``pattern(member_ids)``), an alarm and a topic with ``subscriptions``; and the role the
    check assumes there, trusting ``scanner_account``."""
    member_ids = create_organization(management, members, scanner_account)
    trail = create_logging_trail(management, ORG_TRAIL, log_group=ORG_LOG_GROUP, organization=True)
    text = pattern(member_ids) if callable(pattern) else pattern
    put_metric_filter(management, HOME_REGION, ORG_LOG_GROUP, ORG_FILTER, text, ORG_METRIC)
    topic = create_topic(management, HOME_REGION, ORG_TOPIC, list(subscriptions))
    alarm = put_alarm(management, HOME_REGION, ORG_ALARM, ORG_METRIC, alarm_actions=[topic])
    return Organization(management.account_id, member_ids, trail, alarm, topic)


def create_organization(
    management: AwsAccount, members: int, scanner_account: str
) -> tuple[str, ...]:
    """An organization of ``management`` with ``members`` new accounts (their ids), and the
    role the check assumes in ``management``, trusting ``scanner_account``. CreateAccount
    also creates OrganizationAccountAccessRole in each member, trusting the management
    account, as AWS does."""
    organizations = management.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    member_ids = tuple(
        organizations.create_account(Email=f"member{n}@example.com", AccountName=f"member-{n}")[
            "CreateAccountStatus"
        ]["AccountId"]
        for n in range(members)
    )
    create_scan_role(management, scanner_account)
    return member_ids


def organize_demo_account(management: AwsAccount) -> str:
    """The demo account as an organization's management account: its trail becomes the
    organization trail, one member account sees it. Returns the member's id."""
    (member,) = create_organization(management, 1, management.account_id)
    management.client("cloudtrail").update_trail(Name="management-events", IsOrganizationTrail=True)
    return member
