"""Prowler's `--fixer` entry for cloudwatch_changes_to_network_gateways_alarm.

Prowler imports this module as
`prowler.providers.aws.services.cloudwatch.<CheckID>.<CheckID>_fixer` (registered there by
`prowler_ext.remediation.registration` when the check module is imported) and calls
`fixer(region=...)` for the check's FAIL finding. The work is in `prowler_ext.remediation`.
"""

from prowler.providers.aws.services.cloudtrail.cloudtrail_client import cloudtrail_client
from prowler.providers.aws.services.cloudwatch.cloudwatch_client import cloudwatch_client
from prowler.providers.aws.services.cloudwatch.logs_client import logs_client
from prowler.providers.aws.services.sns.sns_client import sns_client

from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from prowler_ext.remediation.run import fix


def fixer(region):
    """
    Repair the CIS 4.12 chain for the six network gateway events: reuse a qualifying metric
    filter, alarm and SNS topic; create what is missing (metric filter, SNS topic,
    subscription, alarm). Never overwrites, edits or deletes anything; never touches trails.
    Settings: aws.cloudwatch_changes_to_network_gateways_alarm in --fixer-config (see README).
    Permissions (beyond those of the scan):
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "cloudtrail:GetTrailStatus",
                    "cloudtrail:GetEventSelectors",
                    "logs:DescribeMetricFilters",
                    "logs:PutMetricFilter",
                    "cloudwatch:DescribeAlarms",
                    "cloudwatch:DescribeAlarmsForMetric",
                    "cloudwatch:PutMetricAlarm",
                    "cloudwatch:TagResource",
                    "sns:GetTopicAttributes",
                    "sns:ListSubscriptionsByTopic",
                    "sns:GetSubscriptionAttributes",
                    "kms:DescribeKey",
                    "kms:GetKeyPolicy",
                    "sns:CreateTopic",
                    "sns:TagResource",
                    "sns:Subscribe"
                ],
                "Resource": "*"
            }
        ]
    }
    Args:
        region (str): the region of the finding (the repair happens in the region of the
            qualifying trail's log group)
    Returns:
        bool: True when nothing is left for the fixer to do, False otherwise
    """
    return fix(
        NETWORK_GATEWAY_CHANGES,
        region,
        cloudtrail_client,
        logs_client,
        cloudwatch_client,
        sns_client,
    )
