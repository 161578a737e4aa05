"""An account with a chain for every control of the CIS monitoring section, each built the way
a team might have, several of them broken in ways only the meaning shows.

One multi-region trail delivers to log group `cloudtrail-logs`; each control has its own metric
filter, metric and alarm (the fixer's names); the alarms notify topic `security-alerts`, whose
subscriber (an SQS queue) is confirmed, except where a case says otherwise. `SECTION_CASES`
says, per check, what was built, what our check must say and why the built-in may differ: the
end-to-end test asserts it and `make demo` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prowler_ext.cis_monitoring import (
    AWS_CONFIG_CHANGES,
    CLOUDTRAIL_CONFIGURATION_CHANGES,
    CONSOLE_AUTHENTICATION_FAILURES,
    IAM_POLICY_CHANGES,
    KMS_KEY_DISABLING_OR_DELETION,
    NACL_CHANGES,
    ORGANIZATIONS_CHANGES,
    ROOT_USAGE,
    ROUTE_TABLE_CHANGES,
    S3_BUCKET_POLICY_CHANGES,
    SECURITY_GROUP_CHANGES,
    SIGN_IN_WITHOUT_MFA,
    UNAUTHORIZED_API_CALLS,
    VPC_CHANGES,
)
from prowler_ext.control import NETWORK_GATEWAY_CHANGES, Control

from .account import (
    ALL_MANAGEMENT_EVENTS,
    HOME_REGION,
    AwsAccount,
    create_logging_trail,
    create_topic,
    put_alarm,
    put_metric_filter,
)

LOG_GROUP = "cloudtrail-logs"


@dataclass(frozen=True)
class SectionCase:
    control: Control
    built: str  # what the account holds for the control
    status: str  # what our check must say
    says: str  # a phrase our sentence must hold
    why: str  # why it is right ("" when nothing is wrong)
    pattern: str = ""  # the filter's pattern ("" = the benchmark's)
    alarm: dict[str, Any] | None = None  # put_alarm options that break the alarm
    pending: bool = False  # the alarm's topic has only a pending subscription
    no_filter: bool = False


def _names(control: Control, *left_out: str) -> str:
    events = [event for event in control.events if event not in left_out]
    return "{ " + " || ".join(f"($.eventName = {event})" for event in events) + " }"


SECTION_CASES: tuple[SectionCase, ...] = (
    SectionCase(
        UNAUTHORIZED_API_CALLS,
        "the CIS 4.0 pattern with quoted values and the && clauses in parentheses",
        "PASS",
        "reaches a confirmed subscriber",
        "the same condition, written differently",
        pattern=(
            '{ ($.errorCode = "*UnauthorizedOperation") || (($.errorCode = "AccessDenied*") && '
            '($.sourceIPAddress != "delivery.logs.amazonaws.com") && '
            '($.eventName != "HeadBucket")) }'
        ),
    ),
    SectionCase(
        SIGN_IN_WITHOUT_MFA,
        "the benchmark's single sign-on variant (IAM users, successful sign-ins)",
        "PASS",
        "reaches a confirmed subscriber",
        "a sign-in without MFA is recorded as a successful IAM user sign-in with MFAUsed No",
        pattern=SIGN_IN_WITHOUT_MFA.benchmark_patterns[3],
    ),
    SectionCase(
        ROOT_USAGE,
        "the benchmark's clauses in another order",
        "PASS",
        "reaches a confirmed subscriber",
        "the same condition, written differently",
        pattern=(
            '{ $.eventType != "AwsServiceEvent" && $.userIdentity.invokedBy NOT EXISTS && '
            '$.userIdentity.type = "Root" }'
        ),
    ),
    SectionCase(
        IAM_POLICY_CHANGES,
        "the benchmark's pattern with && in place of ||",
        "FAIL",
        "None of the 16 IAM policy change events is caught",
        "a record has one eventName: the filter never matches, the alarm never fires",
        pattern=_names(IAM_POLICY_CHANGES).replace(" || ", " && "),
    ),
    SectionCase(
        CLOUDTRAIL_CONFIGURATION_CHANGES,
        "the benchmark's pattern narrowed to us-east-1",
        "FAIL",
        "None of the 5 CloudTrail configuration change events is caught",
        "StopLogging in any other region reaches nobody",
        pattern=(
            "{ ("
            + _names(CLOUDTRAIL_CONFIGURATION_CHANGES)[2:-2]
            + ') && ($.awsRegion = "us-east-1") }'
        ),
    ),
    SectionCase(
        CONSOLE_AUTHENTICATION_FAILURES,
        "the benchmark's chain; the topic's only subscription was never confirmed",
        "FAIL",
        "no confirmed subscription (1 pending)",
        "a pending subscription notifies nobody",
        pending=True,
    ),
    SectionCase(
        KMS_KEY_DISABLING_OR_DELETION,
        "the benchmark's chain; the alarm's actions are disabled",
        "FAIL",
        "actions disabled",
        "an alarm with its actions disabled notifies nobody",
        alarm={"actions_enabled": False},
    ),
    SectionCase(
        S3_BUCKET_POLICY_CHANGES,
        "the benchmark's chain",
        "PASS",
        "reach a confirmed subscriber",
        "",
    ),
    SectionCase(
        AWS_CONFIG_CHANGES,
        "no metric filter",
        "FAIL",
        "None of the 4 AWS Config configuration change events is caught",
        "nothing watches AWS Config",
        no_filter=True,
    ),
    SectionCase(
        SECURITY_GROUP_CHANGES,
        "the CIS 5.0 pattern (with ModifySecurityGroupRules)",
        "PASS",
        "reach a confirmed subscriber",
        "a wider pattern still catches every change the benchmark names",
        pattern=SECURITY_GROUP_CHANGES.benchmark_patterns[1],
    ),
    SectionCase(
        NACL_CHANGES,
        "the benchmark's chain; the alarm fires from 5 events on",
        "FAIL",
        "does not fire on one event",
        "one NACL change does not raise the alarm",
        alarm={"threshold": 5.0},
    ),
    SectionCase(
        NETWORK_GATEWAY_CHANGES,
        "the benchmark's chain",
        "PASS",
        "reach a confirmed subscriber",
        "",
    ),
    SectionCase(
        ROUTE_TABLE_CHANGES,
        "the CIS 3.0 audit pattern (eventSource && CreateRoute || …)",
        "PASS",
        "reach a confirmed subscriber",
        "&& binds to CreateRoute only; every route table call is still caught",
        pattern=ROUTE_TABLE_CHANGES.benchmark_patterns[1],
    ),
    SectionCase(
        VPC_CHANGES,
        "the benchmark's pattern without EnableVpcClassicLink",
        "FAIL",
        "EnableVpcClassicLink is not caught",
        "one VPC change the benchmark names reaches nobody",
        pattern=_names(VPC_CHANGES, "EnableVpcClassicLink"),
    ),
    SectionCase(
        ORGANIZATIONS_CHANGES,
        "the benchmark's quoted pattern (CIS 4.0 on)",
        "PASS",
        "reach a confirmed subscriber",
        "quoted or not, the same values",
        pattern=ORGANIZATIONS_CHANGES.benchmark_patterns[0],
    ),
)


def seed_section_account(account: AwsAccount, region: str = HOME_REGION) -> dict[str, Any]:
    """The trail, then each case's chain; returns the account id and the cases by check id."""
    create_logging_trail(
        account,
        "management-events",
        log_group=LOG_GROUP,
        region=region,
        event_selectors=ALL_MANAGEMENT_EVENTS,
    )
    alerts = create_topic(account, region, "security-alerts", [("sqs", "security-alerts")])
    pending = create_topic(account, region, "console-alerts", [("email", "soc@example.com")])
    for case in SECTION_CASES:
        names = case.control.fixer_defaults
        if not case.no_filter:
            pattern = case.pattern or case.control.benchmark_pattern
            put_metric_filter(
                account, region, LOG_GROUP, names["FilterName"], pattern, names["MetricName"]
            )
        topic = pending if case.pending else alerts
        put_alarm(
            account,
            region,
            names["AlarmName"],
            names["MetricName"],
            alarm_actions=[topic],
            **(case.alarm or {}),
        )
    return {
        "account_id": account.account_id,
        "cases": {case.control.check_id: case for case in SECTION_CASES},
    }
