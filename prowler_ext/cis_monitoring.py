"""The CIS AWS Foundations monitoring section as data: every "log metric filter and alarm" control.

CIS 1.4 to 5.0 number them 4.1 to 4.15, 6.0 and 7.0 number them 5.1 to 5.15. Each control is a
record class over the CloudTrail record model (`filterpattern.cloudtrail`), one case per event
(or one case for a class that is no list of events: root usage, unauthorized calls, sign-ins),
with every CIS version's own filter pattern, taken verbatim from Prowler's CIS frameworks
(`prowler/compliance/aws/cis_<version>_aws.json`, remediation and audit procedures).

Where versions wrote the pattern differently, the record class is what *every* version's
pattern catches, so a filter copied from any version of the benchmark covers the control:

* unauthorized API calls: 1.4-3.0 join four clauses with `||` (a filter that fires on almost
  every record); 4.0 on write `A || B && C && D`, which excludes `AccessDenied*` records
  delivered by `delivery.logs.amazonaws.com` and `HeadBucket` calls. The class is the latter.
* console sign-in without MFA: every version also gives a narrower variant for accounts with
  single sign-on (`userIdentity.type = IAMUser`, `responseElements.ConsoleLogin = Success`),
  so the class is a successful IAM user sign-in whose `additionalEventData.MFAUsed` is "No",
  the value CloudTrail writes for a sign-in without MFA ("AWS Management Console sign-in
  events" in the CloudTrail User Guide). A copy of that variant with a missing parenthesis
  (`= "Success"}`, in the frameworks' additional information) is not a pattern AWS accepts and
  is left out.
* security group changes: 5.0 on add `ModifySecurityGroupRules`; the earlier pattern does not
  catch it, so the class keeps the six calls every version names.
* console authentication failures: 4.0 on write `($.errorMessage = Failed authentication)`, a
  value with a space and no quotes, which the pattern language does not allow
  (`UNREADABLE_BENCHMARK_TEXTS`); a filter created from it is MANUAL, naming the position.
* route table changes: 3.0 on give an audit pattern `{($.eventSource = ec2.amazonaws.com) &&
  ($.eventName = CreateRoute) || ...}`, in which `&&` binds to CreateRoute only; it still
  catches every route table call, so both patterns are kept.

Each API call fixes its service (`eventSource`), so a pattern narrowed to another service
misses it: `CreatePolicy` is IAM's in 4.4 and Organizations' in 4.15.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .control import NETWORK_GATEWAY_CHANGES, Control, cis_requirements
from .filterpattern import RecordCase, api_call

EC2 = "ec2.amazonaws.com"
SIGNIN = "signin.amazonaws.com"


def _calls(source: str, *names: str) -> tuple[RecordCase, ...]:
    return tuple(api_call(name, source) for name in names)


def _sign_in(name: str, *extra: tuple[tuple, object], condition: str = "") -> RecordCase:
    """Console sign-in records: eventName ConsoleLogin, from the sign-in service."""
    fixed = (
        (("eventName",), "ConsoleLogin"),
        (("eventSource",), SIGNIN),
        (("eventType",), "AwsConsoleSignIn"),
        *extra,
    )
    return RecordCase(name, fixed, condition)


def _fixer(metric: str, name: str) -> Mapping[str, str]:
    return MappingProxyType(
        {
            "MetricNamespace": "CISBenchmark",
            "MetricName": metric,
            "FilterName": f"cis-{name}",
            "AlarmName": f"cis-{name}",
            "TopicName": "cis-security-alerts",
        }
    )


def _names(events: tuple[RecordCase, ...]) -> str:
    return " || ".join(f"($.eventName = {case.name})" for case in events)


# ------------------------------------------------------------------------------ 4.1
_UNAUTHORIZED = RecordCase(
    "unauthorized API call",
    (),
    '{ ($.errorCode = "*UnauthorizedOperation") || (($.errorCode = "AccessDenied*") && '
    '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }',
)
UNAUTHORIZED_API_CALLS = Control(
    check_id="cloudwatch_unauthorized_api_calls_alarm",
    reference="CIS AWS 4.1",
    subject="unauthorized API call",
    records=(_UNAUTHORIZED,),
    benchmark_pattern=(
        "{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && "
        "($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }"
    ),
    fixer_defaults=_fixer("UnauthorizedAPICalls", "unauthorized-api-calls"),
    requirements=cis_requirements(1),
    benchmark_patterns=(
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || '
        '($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }',
        "{ ($.errorCode = *UnauthorizedOperation) || ($.errorCode = AccessDenied*) || "
        "($.sourceIPAddress!=delivery.logs.amazonaws.com) || ($.eventName!=HeadBucket) }",
        "{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && "
        "($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }",
    ),
    builtin_check="cloudwatch_log_metric_filter_unauthorized_api_calls",
    title="unauthorized API calls",
)

# ------------------------------------------------------------------------------ 4.2
SIGN_IN_WITHOUT_MFA = Control(
    check_id="cloudwatch_sign_in_without_mfa_alarm",
    reference="CIS AWS 4.2",
    subject="console sign-in without MFA",
    records=(
        _sign_in(
            "console sign-in without MFA",
            (("additionalEventData", "MFAUsed"), "No"),
            (("responseElements", "ConsoleLogin"), "Success"),
            (("userIdentity", "type"), "IAMUser"),
        ),
    ),
    benchmark_pattern=(
        "{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) }"
    ),
    fixer_defaults=_fixer("ConsoleSignInWithoutMFA", "console-sign-in-without-mfa"),
    requirements=cis_requirements(2),
    benchmark_patterns=(
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
        '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
        "{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) }",
        "{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) && "
        "($.userIdentity.type = IAMUser) && ($.responseElements.ConsoleLogin = Success) }",
    ),
    builtin_check="cloudwatch_log_metric_filter_sign_in_without_mfa",
    title="management console sign-in without MFA",
)

# ------------------------------------------------------------------------------ 4.3
ROOT_USAGE = Control(
    check_id="cloudwatch_root_usage_alarm",
    reference="CIS AWS 4.3",
    subject="root account usage",
    records=(
        RecordCase(
            "root account usage",
            ((("userIdentity", "type"), "Root"),),
            '{ $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
        ),
    ),
    benchmark_pattern=(
        "{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && "
        "$.eventType != AwsServiceEvent }"
    ),
    fixer_defaults=_fixer("RootAccountUsage", "root-account-usage"),
    requirements=cis_requirements(3),
    benchmark_patterns=(
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }',
        "{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && "
        "$.eventType != AwsServiceEvent }",
    ),
    builtin_check="cloudwatch_log_metric_filter_root_usage",
    title="usage of the 'root' account",
)

# ------------------------------------------------------------------------------ 4.4
_IAM_POLICY = _calls(
    "iam.amazonaws.com",
    "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy",
    "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion",
    "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy",
    "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy",
)  # fmt: skip
_IAM_POLICY_PATTERN = "{" + "||".join(f"($.eventName={c.name})" for c in _IAM_POLICY) + "}"
IAM_POLICY_CHANGES = Control(
    check_id="cloudwatch_changes_to_iam_policies_alarm",
    reference="CIS AWS 4.4",
    subject="IAM policy change",
    records=_IAM_POLICY,
    benchmark_pattern=_IAM_POLICY_PATTERN,
    fixer_defaults=_fixer("IAMPolicyChanges", "iam-policy-changes"),
    requirements=cis_requirements(4),
    benchmark_patterns=(_IAM_POLICY_PATTERN,),
    builtin_check="cloudwatch_log_metric_filter_policy_changes",
    title="IAM policy changes",
)

# ------------------------------------------------------------------------------ 4.5
_TRAIL_CONFIG = _calls(
    "cloudtrail.amazonaws.com",
    "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging",
)  # fmt: skip
CLOUDTRAIL_CONFIGURATION_CHANGES = Control(
    check_id="cloudwatch_changes_to_cloudtrail_configuration_alarm",
    reference="CIS AWS 4.5",
    subject="CloudTrail configuration change",
    records=_TRAIL_CONFIG,
    benchmark_pattern="{ " + _names(_TRAIL_CONFIG) + " }",
    fixer_defaults=_fixer("CloudTrailConfigurationChanges", "cloudtrail-configuration-changes"),
    requirements=cis_requirements(5),
    benchmark_patterns=("{ " + _names(_TRAIL_CONFIG) + " }",),
    builtin_check=(
        "cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled"
    ),
    title="CloudTrail configuration changes",
)

# ------------------------------------------------------------------------------ 4.6
CONSOLE_AUTHENTICATION_FAILURES = Control(
    check_id="cloudwatch_console_authentication_failures_alarm",
    reference="CIS AWS 4.6",
    subject="console authentication failure",
    records=(
        _sign_in("console authentication failure", (("errorMessage",), "Failed authentication")),
    ),
    benchmark_pattern=(
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
    ),
    fixer_defaults=_fixer("ConsoleAuthenticationFailures", "console-authentication-failures"),
    requirements=cis_requirements(6),
    benchmark_patterns=(
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    ),
    builtin_check="cloudwatch_log_metric_filter_authentication_failures",
    title="AWS Management Console authentication failures",
)

# ------------------------------------------------------------------------------ 4.7
_KMS = _calls("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion")
_KMS_PATTERN = (
    "{($.eventSource = kms.amazonaws.com) && "
    "(($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }"
)
KMS_KEY_DISABLING_OR_DELETION = Control(
    check_id="cloudwatch_disabled_or_deleted_kms_keys_alarm",
    reference="CIS AWS 4.7",
    subject="KMS key disabling or scheduled deletion",
    records=_KMS,
    benchmark_pattern=_KMS_PATTERN,
    fixer_defaults=_fixer("KMSKeyDisablingOrDeletion", "kms-key-disabling-or-deletion"),
    requirements=cis_requirements(7),
    benchmark_patterns=(_KMS_PATTERN,),
    builtin_check="cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk",
    title="disabling or scheduled deletion of customer created CMKs",
)

# ------------------------------------------------------------------------------ 4.8
_S3_POLICY = _calls(
    "s3.amazonaws.com",
    "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
    "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle",
    "DeleteBucketReplication",
)  # fmt: skip
_S3_PATTERN = "{ ($.eventSource = s3.amazonaws.com) && (" + _names(_S3_POLICY) + ") }"
S3_BUCKET_POLICY_CHANGES = Control(
    check_id="cloudwatch_changes_to_s3_bucket_policies_alarm",
    reference="CIS AWS 4.8",
    subject="S3 bucket policy change",
    records=_S3_POLICY,
    benchmark_pattern=_S3_PATTERN,
    fixer_defaults=_fixer("S3BucketPolicyChanges", "s3-bucket-policy-changes"),
    requirements=cis_requirements(8),
    benchmark_patterns=(_S3_PATTERN,),
    builtin_check="cloudwatch_log_metric_filter_for_s3_bucket_policy_changes",
    title="S3 bucket policy changes",
)

# ------------------------------------------------------------------------------ 4.9
_CONFIG = _calls(
    "config.amazonaws.com",
    "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
    "PutConfigurationRecorder",
)  # fmt: skip
_CONFIG_PATTERN = (
    "{ ($.eventSource = config.amazonaws.com) && "
    + "(" + "||".join(f"($.eventName={c.name})" for c in _CONFIG) + ") }"
)  # fmt: skip
AWS_CONFIG_CHANGES = Control(
    check_id="cloudwatch_changes_to_aws_config_alarm",
    reference="CIS AWS 4.9",
    subject="AWS Config configuration change",
    records=_CONFIG,
    benchmark_pattern=_CONFIG_PATTERN,
    fixer_defaults=_fixer("AWSConfigChanges", "aws-config-changes"),
    requirements=cis_requirements(9),
    benchmark_patterns=(_CONFIG_PATTERN,),
    builtin_check=(
        "cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled"
    ),
    title="AWS Config configuration changes",
)

# ------------------------------------------------------------------------------ 4.10
_SECURITY_GROUP = _calls(
    EC2,
    "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup",
    "DeleteSecurityGroup",
)  # fmt: skip
SECURITY_GROUP_CHANGES = Control(
    check_id="cloudwatch_changes_to_security_groups_alarm",
    reference="CIS AWS 4.10",
    subject="security group change",
    records=_SECURITY_GROUP,
    benchmark_pattern=(
        "{ " + _names(_SECURITY_GROUP) + " || ($.eventName = ModifySecurityGroupRules) }"
    ),
    fixer_defaults=_fixer("SecurityGroupChanges", "security-group-changes"),
    requirements=cis_requirements(10),
    benchmark_patterns=(
        "{ " + _names(_SECURITY_GROUP) + " }",
        "{ " + _names(_SECURITY_GROUP) + " || ($.eventName = ModifySecurityGroupRules) }",
    ),
    builtin_check="cloudwatch_log_metric_filter_security_group_changes",
    title="security group changes",
)

# ------------------------------------------------------------------------------ 4.11
_NACL = _calls(
    EC2,
    "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
    "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation",
)  # fmt: skip
NACL_CHANGES = Control(
    check_id="cloudwatch_changes_to_network_acls_alarm",
    reference="CIS AWS 4.11",
    subject="network ACL change",
    records=_NACL,
    benchmark_pattern="{ " + _names(_NACL) + " }",
    fixer_defaults=_fixer("NACLChanges", "nacl-changes"),
    requirements=cis_requirements(11),
    benchmark_patterns=("{ " + _names(_NACL) + " }",),
    builtin_check="cloudwatch_changes_to_network_acls_alarm_configured",
    title="Network Access Control List (NACL) changes",
)

# ------------------------------------------------------------------------------ 4.13
_ROUTE_TABLE = _calls(
    EC2,
    "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
    "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable",
)  # fmt: skip
ROUTE_TABLE_CHANGES = Control(
    check_id="cloudwatch_changes_to_route_tables_alarm",
    reference="CIS AWS 4.13",
    subject="route table change",
    records=_ROUTE_TABLE,
    benchmark_pattern="{ " + _names(_ROUTE_TABLE) + " }",
    fixer_defaults=_fixer("RouteTableChanges", "route-table-changes"),
    requirements=cis_requirements(13),
    benchmark_patterns=(
        "{ " + _names(_ROUTE_TABLE) + " }",
        "{($.eventSource = ec2.amazonaws.com) && ($.eventName =CreateRoute) || "
        "($.eventName = CreateRouteTable) || ($.eventName =ReplaceRoute) || "
        "($.eventName = ReplaceRouteTableAssociation) || ($.eventName= DeleteRouteTable) || "
        "($.eventName = DeleteRoute) || ($.eventName =DisassociateRouteTable) }",
        "{($.eventSource = ec2.amazonaws.com) && " + _names(_ROUTE_TABLE) + " }",
    ),
    builtin_check="cloudwatch_changes_to_network_route_tables_alarm_configured",
    title="route table changes",
)

# ------------------------------------------------------------------------------ 4.14
_VPC = _calls(
    EC2,
    "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
    "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
    "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink",
    "EnableVpcClassicLink",
)  # fmt: skip
VPC_CHANGES = Control(
    check_id="cloudwatch_changes_to_vpcs_alarm",
    reference="CIS AWS 4.14",
    subject="VPC change",
    records=_VPC,
    benchmark_pattern="{ " + _names(_VPC) + " }",
    fixer_defaults=_fixer("VPCChanges", "vpc-changes"),
    requirements=cis_requirements(14),
    benchmark_patterns=("{ " + _names(_VPC) + " }",),
    builtin_check="cloudwatch_changes_to_vpcs_alarm_configured",
    title="VPC changes",
)

# ------------------------------------------------------------------------------ 4.15
_ORGANIZATIONS = _calls(
    "organizations.amazonaws.com",
    "AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit",
    "CreatePolicy", "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit",
    "DeletePolicy", "DetachPolicy", "DisablePolicyType", "EnablePolicyType",
    "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
    "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit",
)  # fmt: skip
_ORGANIZATIONS_QUOTED = " || ".join(f'($.eventName = "{c.name}")' for c in _ORGANIZATIONS)
ORGANIZATIONS_CHANGES = Control(
    check_id="cloudwatch_changes_to_aws_organizations_alarm",
    reference="CIS AWS 4.15",
    subject="AWS Organizations change",
    records=_ORGANIZATIONS,
    benchmark_pattern=(
        "{ ($.eventSource = organizations.amazonaws.com) && (" + _names(_ORGANIZATIONS) + ") }"
    ),
    fixer_defaults=_fixer("OrganizationsChanges", "organizations-changes"),
    requirements=cis_requirements(15),
    benchmark_patterns=(
        "{ ($.eventSource = organizations.amazonaws.com) && (" + _ORGANIZATIONS_QUOTED + ") }",
        "{ ($.eventSource = organizations.amazonaws.com) && (" + _names(_ORGANIZATIONS) + ") }",
    ),
    builtin_check="cloudwatch_log_metric_filter_aws_organizations_changes",
    title="AWS Organizations changes",
)

# ------------------------------------------------------------------------------ the section
# Patterns the CIS texts print that are not patterns the language allows, and why.
UNREADABLE_BENCHMARK_TEXTS: Mapping[str, str] = MappingProxyType(
    {
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
        '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success"}': (
            "CIS 4.2 (1.4-3.0), additional information: a parenthesis is missing"
        ),
        "{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) && "
        "($.userIdentity.type = IAMUser) && ($.responseElements.ConsoleLogin = Success}": (
            "CIS 4.2/5.2 (4.0-7.0), additional information: a parenthesis is missing"
        ),
        "{ ($.eventName = ConsoleLogin) && ($.errorMessage = Failed authentication) }": (
            "CIS 4.6/5.6 (4.0-7.0): a value with a space needs double quotes"
        ),
    }
)

SECTION: tuple[Control, ...] = (
    UNAUTHORIZED_API_CALLS,
    SIGN_IN_WITHOUT_MFA,
    ROOT_USAGE,
    IAM_POLICY_CHANGES,
    CLOUDTRAIL_CONFIGURATION_CHANGES,
    CONSOLE_AUTHENTICATION_FAILURES,
    KMS_KEY_DISABLING_OR_DELETION,
    S3_BUCKET_POLICY_CHANGES,
    AWS_CONFIG_CHANGES,
    SECURITY_GROUP_CHANGES,
    NACL_CHANGES,
    NETWORK_GATEWAY_CHANGES,
    ROUTE_TABLE_CHANGES,
    VPC_CHANGES,
    ORGANIZATIONS_CHANGES,
)


def control_of(check_id: str) -> Control:
    """The control a check of the section decides, by its check id."""
    for control in SECTION:
        if control.check_id == check_id:
            return control
    raise KeyError(f"{check_id} is not a check of the CIS monitoring section")
