"""The patched moto server behaves like AWS where the CLI scenarios rely on it.

One server for the module, reset before each test. If a moto upgrade moves the methods that
``demo/moto_server.py`` patches, these tests say which behaviour was lost.
"""

from __future__ import annotations

import pytest

from testkit.account import (
    AwsAccount,
    create_logging_trail,
    create_topic,
    delete_role,
)
from testkit.moto_patches import DEFAULT_EVENT_SELECTOR
from testkit.moto_server import DUMMY_ACCOUNT, running_moto_server

# one xdist worker per module: its moto server and prowler runs are shared by its tests
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_moto_server")]


@pytest.fixture(scope="module")
def server():
    with running_moto_server() as running:
        yield running


@pytest.fixture
def account(server) -> AwsAccount:
    server.reset()
    return AwsAccount(server.endpoint_url)


def listed(account: AwsAccount, topic_arn: str) -> dict[str, str]:
    subs = account.client("sns").list_subscriptions_by_topic(TopicArn=topic_arn)
    return {s["Endpoint"]: s["SubscriptionArn"] for s in subs["Subscriptions"]}


def test_email_and_https_subscriptions_stay_pending_unless_confirmed(account):
    topic = create_topic(
        account,
        "us-east-1",
        "alerts",
        [
            ("email", "netops@example.com"),
            ("email", "secops+confirmed@example.com"),
            ("https", "https://hooks.example.com/sns"),
            ("sqs", "alerts-queue"),
        ],
    )
    arns = listed(account, topic)
    assert arns["netops@example.com"] == "PendingConfirmation"
    assert arns["https://hooks.example.com/sns"] == "PendingConfirmation"
    assert arns["secops+confirmed@example.com"].startswith(f"{topic}:")
    queue = next(e for e in arns if e.endswith(":alerts-queue"))
    assert arns[queue].startswith(f"{topic}:")

    all_subs = account.client("sns").list_subscriptions()["Subscriptions"]
    assert sorted(s["SubscriptionArn"] == "PendingConfirmation" for s in all_subs) == [
        False,
        False,
        True,
        True,
    ]
    attributes = account.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsPending"]) == (
        "2",
        "2",
    )


def test_subscribe_answers_pending_confirmation_as_aws_does(account):
    sns = account.client("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    pending = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    assert pending["SubscriptionArn"] == "pending confirmation"
    with_arn = sns.subscribe(
        TopicArn=topic, Protocol="email", Endpoint="b@example.com", ReturnSubscriptionArn=True
    )
    assert with_arn["SubscriptionArn"].startswith(f"{topic}:")
    attributes = sns.get_subscription_attributes(SubscriptionArn=with_arn["SubscriptionArn"])
    assert attributes["Attributes"]["PendingConfirmation"] == "true"


def test_deleted_delivery_role_shows_a_delivery_error(account):
    create_logging_trail(account, "management-events", log_group="cloudtrail-logs")
    cloudtrail = account.client("cloudtrail")
    healthy = cloudtrail.get_trail_status(Name="management-events")
    assert "LatestCloudWatchLogsDeliveryError" not in healthy
    assert "LatestCloudWatchLogsDeliveryTime" in healthy

    delete_role(account, "CloudTrail_CloudWatchLogs_Role")
    broken = cloudtrail.get_trail_status(Name="management-events")
    assert broken["LatestCloudWatchLogsDeliveryError"].startswith("AccessDenied")


def test_trail_without_log_group_has_no_delivery_fields(account):
    create_logging_trail(account, "s3-only", log_group=None)
    status = account.client("cloudtrail").get_trail_status(Name="s3-only")
    assert "LatestCloudWatchLogsDeliveryError" not in status
    assert "LatestCloudWatchLogsDeliveryTime" not in status


def test_event_selectors_default_to_all_management_events(account):
    create_logging_trail(account, "management-events", log_group="cloudtrail-logs")
    cloudtrail = account.client("cloudtrail")
    selectors = cloudtrail.get_event_selectors(TrailName="management-events")
    assert selectors["EventSelectors"] == [DEFAULT_EVENT_SELECTOR]
    assert not selectors.get("AdvancedEventSelectors")
    assert not cloudtrail.describe_trails()["trailList"][0]["HasCustomEventSelectors"]

    cloudtrail.put_event_selectors(
        TrailName="management-events", EventSelectors=[{"ReadWriteType": "WriteOnly"}]
    )
    selectors = cloudtrail.get_event_selectors(TrailName="management-events")
    assert selectors["EventSelectors"] == [{**DEFAULT_EVENT_SELECTOR, "ReadWriteType": "WriteOnly"}]
    assert cloudtrail.describe_trails()["trailList"][0]["HasCustomEventSelectors"]

    advanced = [
        {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
    ]
    cloudtrail.put_event_selectors(TrailName="management-events", AdvancedEventSelectors=advanced)
    selectors = cloudtrail.get_event_selectors(TrailName="management-events")
    assert not selectors.get("EventSelectors")
    assert selectors["AdvancedEventSelectors"] == advanced


def test_multi_region_trail_is_readable_from_other_regions(account):
    arn = create_logging_trail(account, "management-events", log_group="cloudtrail-logs")
    cloudtrail_eu = account.client("cloudtrail", "eu-west-1")
    shadow = cloudtrail_eu.describe_trails()["trailList"]
    assert [(t["TrailARN"], t["HomeRegion"]) for t in shadow] == [(arn, "us-east-1")]
    assert cloudtrail_eu.get_trail_status(Name=arn)["IsLogging"]
    assert cloudtrail_eu.get_event_selectors(TrailName=arn)["TrailARN"] == arn
    assert cloudtrail_eu.get_trail(Name=arn)["Trail"]["HomeRegion"] == "us-east-1"


def test_single_region_trail_is_not_shadowed(account):
    create_logging_trail(account, "local-only", log_group=None, multi_region=False)
    assert account.client("cloudtrail", "eu-west-1").describe_trails()["trailList"] == []


def test_reset_forgets_everything(server, account):
    create_topic(account, "us-east-1", "alerts")
    server.reset()
    assert account.client("sns").list_topics()["Topics"] == []


def test_env_of_a_role_acts_in_the_role_account(server):
    env = server.env(account_role="arn:aws:iam::210987654321:role/audit")
    assert env["AWS_ENDPOINT_URL"] == server.endpoint_url
    assert AwsAccount.from_env(env).account_id == "210987654321"
    assert AwsAccount.from_env(server.env()).account_id == DUMMY_ACCOUNT
    assert not any(k.lower().endswith("_proxy") and k.lower() != "no_proxy" for k in env)
