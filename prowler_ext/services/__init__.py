"""Checks in Prowler's folder layout (`services/<service>/<CheckID>/`).

The `cloudwatch` subpackage is the repository's `checks/` folder, mapped here by setup.cfg.
"""
