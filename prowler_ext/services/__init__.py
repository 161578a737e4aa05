"""Checks in Prowler's folder layout (`services/<service>/<CheckID>/`, metadata JSON beside the
check). The repository's top-level `checks/` is a link to `services/cloudwatch/`."""
