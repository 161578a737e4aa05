"""Make Prowler's `--fixer` find the plug-in's fixer.

Prowler imports `prowler.providers.aws.services.<service>.<CheckID>.<CheckID>_fixer` for each
check with FAIL findings; that package does not exist for a plug-in. Registering the plug-in's
fixer module (beside the check module) under that name in `sys.modules` when the check module
is imported makes the import resolve: the fixer runs after the checks, in the same process.
"""

from __future__ import annotations

import importlib
import sys

from prowler.lib.logger import logger

PROWLER_SERVICE_PACKAGE = "prowler.providers.aws.services.cloudwatch"


def prowler_fixer_module(check_id: str) -> str:
    return f"{PROWLER_SERVICE_PACKAGE}.{check_id}.{check_id}_fixer"


def register_fixer(check_module: str) -> None:
    """Register `<package>.<CheckID>_fixer` beside `check_module` under Prowler's fixer path.

    Never raises: without a fixer the check still runs.
    """
    package, _, check_id = check_module.rpartition(".")
    target = prowler_fixer_module(check_id)
    if target in sys.modules:
        return
    try:
        module = importlib.import_module(f"{package}.{check_id}_fixer")
    except Exception as error:
        logger.warning(f"{check_id}: the fixer could not be registered ({error!r})")
        return
    sys.modules[target] = module
