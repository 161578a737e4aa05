"""Remediation of the CloudTrail-to-person chain: Prowler's `--fixer` for the plug-in check.

Kept import-free on purpose: the check module imports `registration` from here, and that
must stay cheap. The stages, one module each:

    settings      the `fixer.yaml` section, validated before anything is read or written
    account       the few targeted AWS reads and writes, each failure named by its IAM action
                  (aws_calls: the regional plumbing; service_calls: logs, cloudwatch, sns)
    plan          from the path search to the cheapest repair (reuse first, create the rest):
                  plan_model (the plan's data), options and topic_options (what could be
                  reused), steps (an option turned into steps)
    apply         carry the plan out in order; stop at the first failure
    render        what the user reads
    run           the entry point `fix()` behind the fixer module; never raises
    registration  make Prowler's fixer import path resolve to the plug-in's fixer module
"""
