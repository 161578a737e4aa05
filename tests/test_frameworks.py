"""Our check under every requirement of every framework Prowler maps the built-in 4.12 check in,
with the built-in's requirement ids under the built-in's framework keys (no AWS).

The files are generated from Prowler's installed frameworks by `tools/frameworks.py`; these
tests hold them to it and to what Prowler's own loaders and tables make of them.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import prowler
import pytest
from prowler.lib.check.compliance import update_checks_metadata_with_compliance
from prowler.lib.check.compliance_models import Compliance
from prowler.lib.check.models import load_check_metadata
from prowler.lib.outputs.compliance.compliance import display_compliance_table

from tools import frameworks

REPO = Path(__file__).resolve().parents[1]
CHECK_ID = frameworks.OUR_CHECK
BUILTIN_CHECK_ID = frameworks.BUILTIN_CHECK
BUILTIN_METADATA = (
    Path(prowler.__file__).parent
    / "providers/aws/services/cloudwatch"
    / BUILTIN_CHECK_ID
    / f"{BUILTIN_CHECK_ID}.metadata.json"
)
OUR_METADATA = REPO / "checks" / CHECK_ID / f"{CHECK_ID}.metadata.json"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def builtins_mapping_the_builtin_check() -> dict[str, dict]:
    found = {}
    for path in sorted(frameworks.PROWLER_AWS_FRAMEWORKS.glob("*_aws.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if any(BUILTIN_CHECK_ID in (r.get("Checks") or []) for r in data["Requirements"]):
            found[path.stem] = data
    return found


BUILTINS = builtins_mapping_the_builtin_check()
# the built-in tables that match a framework exactly, so ours count apart from the built-in's
EXACT_TABLES = sorted(n for n in BUILTINS if n.split("_")[0] in ("cis", "c5", "ccc", "prowler"))


@pytest.fixture(scope="module")
def checks_metadata() -> dict:
    """Both checks mapped to every AWS framework (built-ins and ours), as the CLI maps them."""
    return update_checks_metadata_with_compliance(
        Compliance.get_bulk("aws"),
        {
            CHECK_ID: load_check_metadata(str(OUR_METADATA)),
            BUILTIN_CHECK_ID: load_check_metadata(str(BUILTIN_METADATA)),
        },
    )


def test_the_files_are_what_the_generator_writes_from_the_installed_prowler():
    assert frameworks.differences() == [], "run: python -m tools.frameworks"


def test_one_framework_of_ours_for_each_builtin_that_maps_the_builtin_check():
    ours = {p.stem for p in (REPO / "prowler_ext" / "compliance").glob("*-semantic_aws.json")}
    assert ours == {frameworks.our_name(name) for name in BUILTINS}
    assert len(BUILTINS) == 29  # 8 CIS versions and 21 others (NIST, SOC 2, ISO 27001, …)


@pytest.mark.parametrize("builtin_name", sorted(BUILTINS))
def test_every_requirement_listing_the_builtin_lists_ours_unchanged(builtin_name):
    builtin = BUILTINS[builtin_name]
    path = REPO / "prowler_ext" / "compliance" / f"{frameworks.our_name(builtin_name)}.json"
    ours = json.loads(path.read_text(encoding="utf-8"))
    expected = [r for r in builtin["Requirements"] if BUILTIN_CHECK_ID in r["Checks"]]
    assert [r["Checks"] for r in ours["Requirements"]] == [[CHECK_ID]] * len(expected)
    strip = [{k: v for k, v in r.items() if k != "Checks"} for r in expected]
    assert [{k: v for k, v in r.items() if k != "Checks"} for r in ours["Requirements"]] == strip
    assert ours["Framework"] == frameworks.framework_key(builtin) and ours["Version"] == ""
    assert ours["Provider"] == "AWS"


def _keys(metadata) -> dict[str, list[str]]:
    """A finding's compliance as Prowler keys it (OCSF `unmapped.compliance`, ASFF)."""
    keys: dict[str, list[str]] = {}
    for compliance in metadata.Compliance:
        key = f"{compliance.Framework}-{compliance.Version}" if compliance.Version else ""
        keys.setdefault(key or compliance.Framework, []).extend(
            r.Id for r in compliance.Requirements
        )
    return {key: sorted(ids) for key, ids in keys.items()}


def test_a_finding_of_ours_carries_exactly_the_builtins_framework_keys_and_ids(checks_metadata):
    ours = _keys(checks_metadata[CHECK_ID])
    assert ours == _keys(checks_metadata[BUILTIN_CHECK_ID])
    assert ours["NIST-800-53-Revision-5"] and ours["SOC2"] and ours["ISO27001-2022"]
    assert ours["CIS-3.0"] == ["4.12"]


def _table(checks_metadata: dict, framework: str, scan: list[tuple[str, str]]) -> str:
    findings = [
        SimpleNamespace(check_metadata=checks_metadata[check], status=status, muted=False)
        for check, status in scan
    ]
    out = io.StringIO()
    with redirect_stdout(out):
        display_compliance_table(
            findings, checks_metadata, framework, "scan", "/output", False, {}, "aws"
        )
    return ANSI.sub("", out.getvalue())


@pytest.mark.parametrize("builtin_name", EXACT_TABLES)
def test_builtin_tables_that_match_exactly_do_not_count_ours(checks_metadata, builtin_name):
    builtin_only = [(BUILTIN_CHECK_ID, "FAIL"), (BUILTIN_CHECK_ID, "FAIL")]
    both = builtin_only + [(CHECK_ID, "PASS")]
    alone = _table(checks_metadata, builtin_name, builtin_only)
    assert alone and _table(checks_metadata, builtin_name, both) == alone


@pytest.mark.parametrize("builtin_name", sorted(set(BUILTINS) - set(EXACT_TABLES)))
def test_generic_tables_count_ours_under_the_builtins_key_when_both_run(
    checks_metadata, builtin_name
):
    """The README's known limit, held here: Prowler's generic, MITRE and KISA tables take every
    finding whose key is a substring of the framework's file name, so in one scan of the
    built-in framework and ours both count both checks (the compliance CSVs do not)."""
    builtin_only = [(BUILTIN_CHECK_ID, "FAIL"), (BUILTIN_CHECK_ID, "FAIL")]
    both = builtin_only + [(CHECK_ID, "PASS")]
    assert _table(checks_metadata, builtin_name, both) != _table(
        checks_metadata, builtin_name, builtin_only
    )
