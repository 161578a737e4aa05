"""`prowler-ext doctor`: does the Prowler next to the plug-in load it? Asked through Prowler's
own loaders, the way a scan asks: the check in the `aws` check metadata, the frameworks in the
available compliance frameworks, the fixer in the fixer list.

Prowler loads plug-in checks (entry point group `prowler.checks.aws`) and compliance folders
(`prowler.compliance`) since 5.38; an older Prowler installs the plug-in without a word and
never runs it. This is the word.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from . import PLUGIN
from .cis_monitoring import SECTION

OLDEST_PROWLER = "5.38"
UPGRADE = (
    f"Prowler loads plug-ins from {OLDEST_PROWLER}: pip install 'prowler>={OLDEST_PROWLER},<6'"
)


def plugin_frameworks() -> frozenset[str]:
    """The compliance frameworks the plug-in ships (file stems of prowler_ext/compliance)."""
    folder = resources.files("prowler_ext.compliance")
    names = (entry.name for entry in folder.iterdir())
    return frozenset(name.removesuffix(".json") for name in names if name.endswith(".json"))


CHECK_IDS = tuple(control.check_id for control in SECTION)


@dataclass(frozen=True)
class PluginSupport:
    """What the installed Prowler lists (plain data, so the verdict can be tested alone)."""

    prowler_version: str
    checks: frozenset[str]
    frameworks: frozenset[str]
    fixers: frozenset[str]


def problems(
    support: PluginSupport,
    frameworks: frozenset[str],
    check_ids: tuple[str, ...] = CHECK_IDS,
) -> list[str]:
    """Each thing the installed Prowler does not load, as a sentence with what to do."""
    found = []
    version = support.prowler_version
    checks = [check_id for check_id in check_ids if check_id not in support.checks]
    if checks:
        found.append(
            f"Prowler {version} does not list the checks {', '.join(checks)} "
            f"(entry point group prowler.checks.aws). {UPGRADE}"
        )
    missing = sorted(frameworks - support.frameworks)
    if missing:
        found.append(
            f"Prowler {version} does not list the compliance frameworks {', '.join(missing)} "
            f"(entry point group prowler.compliance). {UPGRADE}"
        )
    fixers = [check_id for check_id in check_ids if check_id not in support.fixers]
    if fixers:
        found.append(
            f"Prowler {version} does not list the fixers of {', '.join(fixers)} "
            f"(--list-fixers): --fixer will not repair these checks. {UPGRADE}"
        )
    return found


def installed_support() -> PluginSupport:
    """Ask the installed Prowler (about a second: it reads every check's metadata)."""
    from prowler.config.config import get_available_compliance_frameworks, prowler_version
    from prowler.lib.check.check import list_fixers
    from prowler.lib.check.models import CheckMetadata

    return PluginSupport(
        prowler_version=str(prowler_version),
        checks=frozenset(CheckMetadata.get_bulk("aws")),
        frameworks=frozenset(get_available_compliance_frameworks("aws")),
        fixers=frozenset(list_fixers("aws")),
    )


def report() -> tuple[int, list[str]]:
    """(exit code, lines) for `prowler-ext doctor`."""
    try:
        support = installed_support()
    except ImportError as error:
        return 1, [f"{PLUGIN}: Prowler is not installed here ({error}). {UPGRADE}"]
    frameworks = plugin_frameworks()
    found = problems(support, frameworks)
    if found:
        return 1, [f"{PLUGIN} next to Prowler {support.prowler_version}:", *found]
    return 0, [
        f"{PLUGIN} next to Prowler {support.prowler_version}: loaded.",
        f"checks: {', '.join(CHECK_IDS)} (prowler aws --checks ...; their fixers: --fixer)",
        f"frameworks: {', '.join(sorted(frameworks))}",
    ]
