"""AWS Organizations on the patched moto server: organization trails seen from member accounts
(patch 6 in ``testkit/moto_patches.py``) and AssumeRole honouring trust policies (patch 7).

One server and one organization for the module: the management account (moto's default
account) with two members created by CreateAccount and a multi-region organization trail that
delivers to CloudWatch Logs. The tests only read it; the AssumeRole tests use accounts of their
own, so nothing needs a reset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from botocore.exceptions import ClientError

from testkit.account import AwsAccount, create_delivery_role, create_log_group
from testkit.moto_patches import DEFAULT_EVENT_SELECTOR
from testkit.moto_server import DUMMY_ACCOUNT, MotoServer, running_moto_server

# one xdist worker per module: its moto server is shared by its tests
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_moto_organization")]

HOME = "us-east-1"
OTHER_REGION = "eu-west-1"
TRAIL = "organization-trail"
OUTSIDER = "555566667777"  # in no organization
ROLE_OWNER = "444455556666"  # holds the roles of the AssumeRole tests; in no organization


@dataclass
class Organization:
    management: AwsAccount
    members: list[str]
    trail_arn: str
    log_group_arn: str
    role_arn: str


def as_account(server: MotoServer, account_id: str, role: str = "anything") -> AwsAccount:
    """Credentials in ``account_id``, through moto's STS (the role need not exist)."""
    creds = server.credentials(f"arn:aws:iam::{account_id}:role/{role}")
    return AwsAccount(
        server.endpoint_url,
        access_key=creds["AWS_ACCESS_KEY_ID"],
        secret_key=creds["AWS_SECRET_ACCESS_KEY"],
        session_token=creds["AWS_SESSION_TOKEN"],
    )


def error_code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


@pytest.fixture(scope="module")
def server():
    with running_moto_server() as running:
        yield running


@pytest.fixture(scope="module")
def organization(server) -> Organization:
    management = AwsAccount(server.endpoint_url)
    assert management.account_id == DUMMY_ACCOUNT
    orgs = management.client("organizations")
    orgs.create_organization(FeatureSet="ALL")
    members = []
    for name in ("audit", "workload"):
        status = orgs.create_account(AccountName=name, Email=f"{name}@example.com")
        request_id = status["CreateAccountStatus"]["Id"]
        created = orgs.describe_create_account_status(CreateAccountRequestId=request_id)
        assert created["CreateAccountStatus"]["State"] == "SUCCEEDED"
        members.append(created["CreateAccountStatus"]["AccountId"])
    listed = {account["Id"] for account in orgs.list_accounts()["Accounts"]}
    assert listed == {DUMMY_ACCOUNT, *members}

    bucket = f"{TRAIL}-{DUMMY_ACCOUNT}"
    management.client("s3", HOME).create_bucket(Bucket=bucket)
    log_group_arn = create_log_group(management, HOME, "organization-trail-logs")
    role_arn = create_delivery_role(management)
    cloudtrail = management.client("cloudtrail", HOME)
    trail_arn = cloudtrail.create_trail(
        Name=TRAIL,
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        IsOrganizationTrail=True,
        CloudWatchLogsLogGroupArn=log_group_arn,
        CloudWatchLogsRoleArn=role_arn,
    )["TrailARN"]
    cloudtrail.start_logging(Name=TRAIL)
    return Organization(management, members, trail_arn, log_group_arn, role_arn)


# ---------------------------------------------------------------------------------------
# Organization trails
# ---------------------------------------------------------------------------------------


def test_management_account_sees_its_organization_trail_once(organization):
    trails = organization.management.client("cloudtrail", HOME).describe_trails()["trailList"]
    assert [(t["TrailARN"], t["IsOrganizationTrail"]) for t in trails] == [
        (organization.trail_arn, True)
    ]
    assert organization.trail_arn == f"arn:aws:cloudtrail:{HOME}:{DUMMY_ACCOUNT}:trail/{TRAIL}"


@pytest.mark.parametrize("region", [HOME, OTHER_REGION])
def test_members_see_the_organization_trail_in_every_region(server, organization, region):
    for member_id in organization.members:
        member = as_account(server, member_id)
        assert member.account_id == member_id
        cloudtrail = member.client("cloudtrail", region)
        trails = cloudtrail.describe_trails()["trailList"]
        assert len(trails) == 1
        trail = trails[0]
        assert trail["TrailARN"] == organization.trail_arn
        assert trail["Name"] == TRAIL
        assert trail["HomeRegion"] == HOME
        assert trail["IsOrganizationTrail"] is True
        assert trail["IsMultiRegionTrail"] is True
        assert trail["CloudWatchLogsLogGroupArn"] == organization.log_group_arn
        assert trail["CloudWatchLogsRoleArn"] == organization.role_arn
        assert trail["HasCustomEventSelectors"] is False
        listed = cloudtrail.list_trails()["Trails"]
        assert [(t["TrailARN"], t["HomeRegion"]) for t in listed] == [
            (organization.trail_arn, HOME)
        ]
        # to a member the organization trail is a shadow trail
        assert cloudtrail.describe_trails(includeShadowTrails=False)["trailList"] == []


@pytest.mark.parametrize("region", [HOME, OTHER_REGION])
def test_member_reads_the_trail_by_its_arn(server, organization, region):
    cloudtrail = as_account(server, organization.members[0]).client("cloudtrail", region)
    arn = organization.trail_arn

    status = cloudtrail.get_trail_status(Name=arn)
    assert status["IsLogging"] is True
    # patch 2: the management account's delivery role exists, so CloudTrail delivers
    assert "LatestCloudWatchLogsDeliveryError" not in status
    assert "LatestCloudWatchLogsDeliveryTime" in status

    selectors = cloudtrail.get_event_selectors(TrailName=arn)
    assert selectors["TrailARN"] == arn
    assert selectors["EventSelectors"] == [DEFAULT_EVENT_SELECTOR]  # patch 3

    assert cloudtrail.get_insight_selectors(TrailName=arn)["TrailARN"] == arn

    trail = cloudtrail.get_trail(Name=arn)["Trail"]
    assert (trail["TrailARN"], trail["HomeRegion"], trail["IsOrganizationTrail"]) == (
        arn,
        HOME,
        True,
    )


def test_member_cannot_read_the_trail_by_its_name(server, organization):
    cloudtrail = as_account(server, organization.members[1]).client("cloudtrail", HOME)
    calls = [
        lambda: cloudtrail.get_trail_status(Name=TRAIL),
        lambda: cloudtrail.get_event_selectors(TrailName=TRAIL),
        lambda: cloudtrail.get_insight_selectors(TrailName=TRAIL),
        lambda: cloudtrail.get_trail(Name=TRAIL),
    ]
    for call in calls:
        with pytest.raises(ClientError) as error:
            call()
        assert error_code(error) == "TrailNotFoundException"


def test_member_cannot_change_the_trail(server, organization):
    cloudtrail = as_account(server, organization.members[0]).client("cloudtrail", HOME)
    arn = organization.trail_arn
    calls = [
        lambda: cloudtrail.stop_logging(Name=arn),
        lambda: cloudtrail.put_event_selectors(
            TrailName=arn, EventSelectors=[{"ReadWriteType": "WriteOnly"}]
        ),
        lambda: cloudtrail.update_trail(Name=arn, IsMultiRegionTrail=False),
    ]
    for call in calls:
        with pytest.raises(ClientError) as error:
            call()
        assert error_code(error) == "TrailNotFoundException"

    cloudtrail.delete_trail(Name=arn)  # moto: a no-op for a trail the account does not own
    management = organization.management.client("cloudtrail", HOME)
    assert management.get_trail_status(Name=TRAIL)["IsLogging"] is True
    assert not management.describe_trails()["trailList"][0]["HasCustomEventSelectors"]
    assert [t["TrailARN"] for t in cloudtrail.describe_trails()["trailList"]] == [arn]


@pytest.mark.parametrize("region", [HOME, OTHER_REGION])
def test_account_outside_the_organization_sees_nothing(server, organization, region):
    cloudtrail = as_account(server, OUTSIDER).client("cloudtrail", region)
    assert cloudtrail.describe_trails()["trailList"] == []
    assert cloudtrail.list_trails()["Trails"] == []
    arn = organization.trail_arn
    calls = [
        lambda: cloudtrail.get_trail_status(Name=arn),
        lambda: cloudtrail.get_event_selectors(TrailName=arn),
        lambda: cloudtrail.get_insight_selectors(TrailName=arn),
        lambda: cloudtrail.get_trail(Name=arn),
    ]
    for call in calls:
        with pytest.raises(ClientError) as error:
            call()
        assert error_code(error) == "TrailNotFoundException"


# ---------------------------------------------------------------------------------------
# AssumeRole and trust policies
# ---------------------------------------------------------------------------------------


def trust(principal: object, action: object = "sts:AssumeRole") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action}],
        }
    )


@pytest.fixture(scope="module")
def roles(server) -> dict[str, str]:
    """Roles in ROLE_OWNER, by name -> ARN, each trusting someone else."""
    iam = as_account(server, ROLE_OWNER, role="seeder").client("iam")
    policies = {
        "trusts-management-root": trust({"AWS": f"arn:aws:iam::{DUMMY_ACCOUNT}:root"}),
        "trusts-management-id": trust({"AWS": [DUMMY_ACCOUNT]}, ["sts:TagSession", "sts:*"]),
        "trusts-a-management-role": trust(
            {"AWS": f"arn:aws:iam::{DUMMY_ACCOUNT}:role/Auditor"}, ["sts:AssumeRole"]
        ),
        "trusts-everyone": trust("*", "*"),
        "trusts-another-account": trust({"AWS": "arn:aws:iam::111122223333:root"}),
        "trusts-cloudtrail": trust({"Service": "cloudtrail.amazonaws.com"}),
        "trusts-management-for-tags-only": trust({"AWS": DUMMY_ACCOUNT}, "sts:TagSession"),
        "trusts-web-identity": trust({"Federated": "accounts.google.com"}),
    }
    return {
        name: iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy)["Role"]["Arn"]
        for name, policy in policies.items()
    }


def assume(account: AwsAccount, role_arn: str) -> AwsAccount:
    creds = account.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="test")
    return AwsAccount(
        account.endpoint_url,
        access_key=creds["Credentials"]["AccessKeyId"],
        secret_key=creds["Credentials"]["SecretAccessKey"],
        session_token=creds["Credentials"]["SessionToken"],
    )


@pytest.mark.parametrize(
    "role",
    [
        "trusts-management-root",
        "trusts-management-id",
        "trusts-a-management-role",
        "trusts-everyone",
    ],
)
def test_role_that_trusts_the_caller_is_assumable(server, roles, role):
    assumed = assume(AwsAccount(server.endpoint_url), roles[role])
    identity = assumed.client("sts").get_caller_identity()
    assert identity["Account"] == ROLE_OWNER
    assert identity["Arn"] == f"arn:aws:sts::{ROLE_OWNER}:assumed-role/{role}/test"


@pytest.mark.parametrize(
    "role", ["trusts-another-account", "trusts-cloudtrail", "trusts-management-for-tags-only"]
)
def test_role_that_does_not_trust_the_caller_is_refused(server, roles, role):
    caller = AwsAccount(server.endpoint_url)
    caller_arn = caller.client("sts").get_caller_identity()["Arn"]
    with pytest.raises(ClientError) as error:
        assume(caller, roles[role])
    assert error_code(error) == "AccessDenied"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error.value.response["Error"]["Message"] == (
        f"User: {caller_arn} is not authorized to perform: sts:AssumeRole "
        f"on resource: {roles[role]}"
    )


def test_role_that_does_not_exist_stays_assumable(server):
    role_arn = f"arn:aws:iam::{ROLE_OWNER}:role/never-created"
    assumed = assume(AwsAccount(server.endpoint_url), role_arn)
    assert assumed.account_id == ROLE_OWNER


def test_assumed_role_session_is_trusted_as_its_account(server, roles):
    """A session of another role of the management account is a principal of that account."""
    session = as_account(server, DUMMY_ACCOUNT, role="Auditor")
    assert assume(session, roles["trusts-management-root"]).account_id == ROLE_OWNER
    outsider = as_account(server, OUTSIDER)
    with pytest.raises(ClientError) as error:
        assume(outsider, roles["trusts-management-root"])
    assert error_code(error) == "AccessDenied"
    assert f"arn:aws:sts::{OUTSIDER}:assumed-role/anything/" in str(error.value)


def test_organization_access_role_trusts_the_management_account(server, organization):
    """CreateAccount's OrganizationAccountAccessRole: the management account only."""
    role_arn = f"arn:aws:iam::{organization.members[0]}:role/OrganizationAccountAccessRole"
    assert assume(organization.management, role_arn).account_id == organization.members[0]
    with pytest.raises(ClientError) as error:
        assume(as_account(server, OUTSIDER), role_arn)
    assert error_code(error) == "AccessDenied"


def test_assume_role_with_web_identity_is_left_as_moto_has_it(server, roles):
    sts = AwsAccount(server.endpoint_url).client("sts")
    creds = sts.assume_role_with_web_identity(
        RoleArn=roles["trusts-web-identity"],
        RoleSessionName="web",
        WebIdentityToken="token",
    )["Credentials"]
    assumed = AwsAccount(
        server.endpoint_url,
        access_key=creds["AccessKeyId"],
        secret_key=creds["SecretAccessKey"],
        session_token=creds["SessionToken"],
    )
    assert assumed.account_id == ROLE_OWNER
