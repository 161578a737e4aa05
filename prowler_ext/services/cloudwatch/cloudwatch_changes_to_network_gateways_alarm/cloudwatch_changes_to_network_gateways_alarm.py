"""CIS AWS 4.12: every network gateway change reaches a person, decided by meaning.

For each of the six gateway events the check looks for a path trail → log group → metric
filter (whose pattern provably catches every record of the event) → datapoint → alarm that
fires on one event → SNS topic → confirmed subscriber. The engine in `prowler_ext` does the
work; this class only hands it Prowler's clients and returns its verdict.
"""

from prowler.lib.check.models import Check, Check_Report_AWS
from prowler.providers.aws.services.cloudtrail.cloudtrail_client import cloudtrail_client
from prowler.providers.aws.services.cloudwatch.cloudwatch_client import cloudwatch_client
from prowler.providers.aws.services.cloudwatch.logs_client import logs_client
from prowler.providers.aws.services.sns.sns_client import sns_client

from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from prowler_ext.prowler_check import evaluate, report
from prowler_ext.remediation.registration import register_fixer

register_fixer(__name__)  # Prowler's --fixer imports the fixer under its own package path


class cloudwatch_changes_to_network_gateways_alarm(Check):
    def execute(self) -> list[Check_Report_AWS]:
        verdict = evaluate(
            NETWORK_GATEWAY_CHANGES, cloudtrail_client, logs_client, cloudwatch_client, sns_client
        )
        return [report(self.metadata(), verdict, cloudtrail_client)]
