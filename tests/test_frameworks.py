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
from prowler.lib.outputs.compliance.compliance_check import get_check_compliance

from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from tools import frameworks

REPO = Path(__file__).resolve().parents[1]
OURS_FOR_BUILTIN = frameworks.OURS_FOR_BUILTIN  # the 15 monitoring checks
CHECK_ID = NETWORK_GATEWAY_CHANGES.check_id
BUILTIN_CHECK_ID = NETWORK_GATEWAY_CHANGES.builtin_check
PROWLER_SERVICES = Path(prowler.__file__).parent / "providers/aws/services"
OUR_CHECKS = REPO / "checks"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def builtins_mapping_a_monitoring_check() -> dict[str, dict]:
    found = {}
    for path in sorted(frameworks.PROWLER_AWS_FRAMEWORKS.glob("*_aws.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if any(set(r.get("Checks") or []) & set(OURS_FOR_BUILTIN) for r in data["Requirements"]):
            found[path.stem] = data
    return found


BUILTINS = builtins_mapping_a_monitoring_check()
CIS_BUILTINS = sorted(n for n in BUILTINS if n.startswith("cis_"))
# the built-in tables that match a framework exactly, so ours count apart from the built-in's
# (ASD Essential Eight has a table of its own; ENS and the AI security framework print none
# from these findings)
APART = {"asd_essential_eight_aws", "aws_ai_security_framework_aws", "ens_rd2022_aws"}
EXACT_TABLES = sorted(
    n for n in BUILTINS if n.split("_")[0] in ("cis", "c5", "ccc", "prowler") or n in APART
)


def metadata_of(check_id: str):
    if check_id in OURS_FOR_BUILTIN.values():
        return load_check_metadata(str(OUR_CHECKS / check_id / f"{check_id}.metadata.json"))
    service = check_id.split("_")[0]
    return load_check_metadata(
        str(PROWLER_SERVICES / service / check_id / f"{check_id}.metadata.json")
    )


# every monitoring check (built-in and ours) and a built-in check of each CIS section
OTHER_BUILTINS = (
    "iam_root_mfa_enabled",
    "cloudtrail_multi_region_enabled",
    "s3_bucket_public_access",
)
CHECKS = (*OURS_FOR_BUILTIN, *OURS_FOR_BUILTIN.values(), *OTHER_BUILTINS)


@pytest.fixture(scope="module")
def checks_metadata() -> dict:
    """The checks mapped to every AWS framework (built-ins and ours), as the CLI maps them."""
    return update_checks_metadata_with_compliance(
        Compliance.get_bulk("aws"), {check: metadata_of(check) for check in CHECKS}
    )


@pytest.fixture(scope="module")
def builtin_checks_metadata() -> dict:
    """The same checks mapped to Prowler's own frameworks only (no plug-in installed)."""
    prowler_only = {
        name: framework
        for name, framework in Compliance.get_bulk("aws").items()
        if "semantic" not in name
    }
    return update_checks_metadata_with_compliance(
        prowler_only, {check: metadata_of(check) for check in CHECKS}
    )


def test_the_files_are_what_the_generator_writes_from_the_installed_prowler():
    assert frameworks.differences() == [], "run: python -m tools.frameworks"


def test_one_framework_of_ours_for_each_builtin_that_maps_a_monitoring_check():
    ours = {p.stem for p in (REPO / "prowler_ext" / "compliance").glob("*-semantic_aws.json")}
    full = {frameworks.full_name(name) for name in CIS_BUILTINS}
    assert ours == {frameworks.our_name(name) for name in BUILTINS} | full
    assert len(CIS_BUILTINS) == 8 and len(BUILTINS) == 36  # 8 CIS versions, 28 others


@pytest.mark.parametrize("builtin_name", sorted(BUILTINS))
def test_every_requirement_listing_a_monitoring_check_lists_ours_unchanged(builtin_name):
    builtin = BUILTINS[builtin_name]
    path = REPO / "prowler_ext" / "compliance" / f"{frameworks.our_name(builtin_name)}.json"
    ours = json.loads(path.read_text(encoding="utf-8"))
    expected = [r for r in builtin["Requirements"] if set(r["Checks"]) & set(OURS_FOR_BUILTIN)]
    assert [r["Checks"] for r in ours["Requirements"]] == [
        [OURS_FOR_BUILTIN[c] for c in r["Checks"] if c in OURS_FOR_BUILTIN] for r in expected
    ]
    strip = [{k: v for k, v in r.items() if k != "Checks"} for r in expected]
    assert [{k: v for k, v in r.items() if k != "Checks"} for r in ours["Requirements"]] == strip
    assert ours["Framework"] == frameworks.framework_key(builtin) and ours["Version"] == ""
    assert ours["Provider"] == "AWS"


@pytest.mark.parametrize("builtin_name", CIS_BUILTINS)
def test_the_full_cis_framework_keeps_every_requirement_and_every_other_check(builtin_name):
    builtin = BUILTINS[builtin_name]
    path = REPO / "prowler_ext" / "compliance" / f"{frameworks.full_name(builtin_name)}.json"
    full = Compliance.parse_file(path)
    assert [r.Id for r in full.Requirements] == [r["Id"] for r in builtin["Requirements"]]
    monitoring = 0
    for ours, theirs in zip(full.Requirements, builtin["Requirements"], strict=True):
        assert ours.Description == theirs["Description"]
        assert [a.dict(exclude_none=True) for a in ours.Attributes] == [
            Compliance.parse_obj({**builtin, "Requirements": [theirs]})
            .Requirements[0]
            .Attributes[i]
            .dict(exclude_none=True)
            for i in range(len(theirs["Attributes"]))
        ]
        assert ours.Checks == [OURS_FOR_BUILTIN.get(c, c) for c in theirs["Checks"]]
        monitoring += any(c in OURS_FOR_BUILTIN for c in theirs["Checks"])
    assert monitoring == 15
    # Prowler's CIS table for this name counts this framework's mappings, and no built-in's
    part = frameworks.full_name(builtin_name).split("_")[1]
    assert full.Framework == "CIS" and part in full.Version
    assert not [n for n in CIS_BUILTINS if n.split("_")[1] in full.Version]
    assert not [n for n in CIS_BUILTINS if part in BUILTINS[n]["Version"]]


def _keys(metadata) -> dict[str, list[str]]:
    """A finding's compliance as Prowler keys it (OCSF `unmapped.compliance`, ASFF), by
    Prowler's own function."""
    finding = SimpleNamespace(check_metadata=metadata)
    keys = get_check_compliance(finding, "aws", {metadata.CheckID: metadata})
    return {key: sorted(ids) for key, ids in keys.items()}


@pytest.mark.parametrize("builtin_check", sorted(OURS_FOR_BUILTIN))
def test_a_finding_of_ours_carries_exactly_the_builtins_framework_keys_and_ids(
    checks_metadata, builtin_check
):
    ours = _keys(checks_metadata[OURS_FOR_BUILTIN[builtin_check]])
    assert ours == _keys(checks_metadata[builtin_check])
    assert "CIS-3.0" in ours and "CIS-7.0" in ours


@pytest.mark.parametrize("check", [*OURS_FOR_BUILTIN, *OTHER_BUILTINS])
def test_the_builtin_checks_findings_keep_their_keys_with_the_plugin_installed(
    checks_metadata, builtin_checks_metadata, check
):
    """No framework of ours adds a key or a requirement id to a built-in check's finding: the
    full CIS frameworks list the built-in checks, but Prowler keys only frameworks of the
    scan's provider, and theirs is not "aws"."""
    assert _keys(checks_metadata[check]) == _keys(builtin_checks_metadata[check])
    assert _keys(checks_metadata[check])


def pair_in(builtin_name: str) -> tuple[str, str]:
    """A built-in monitoring check the framework lists (4.12's when it does), and ours."""
    listed = {c for r in BUILTINS[builtin_name]["Requirements"] for c in r["Checks"]}
    builtin_check = next(c for c in (BUILTIN_CHECK_ID, *OURS_FOR_BUILTIN) if c in listed)
    return builtin_check, OURS_FOR_BUILTIN[builtin_check]


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
    builtin_check, ours = pair_in(builtin_name)
    builtin_only = [(builtin_check, "FAIL"), (builtin_check, "FAIL")]
    both = builtin_only + [(ours, "PASS")]
    alone = _table(checks_metadata, builtin_name, builtin_only)
    assert alone or builtin_name in ("aws_ai_security_framework_aws", "ens_rd2022_aws")
    assert _table(checks_metadata, builtin_name, both) == alone


@pytest.mark.parametrize("builtin_name", CIS_BUILTINS)
def test_the_builtin_cis_table_is_the_same_with_the_plugin_installed(
    checks_metadata, builtin_checks_metadata, builtin_name
):
    scan = [(c, "FAIL") for c in OTHER_BUILTINS] + [(c, "PASS") for c in OURS_FOR_BUILTIN]
    with_plugin = _table(checks_metadata, builtin_name, scan)
    assert with_plugin and with_plugin == _table(builtin_checks_metadata, builtin_name, scan)


@pytest.mark.parametrize("builtin_name", CIS_BUILTINS)
def test_the_full_cis_table_counts_the_builtin_checks_and_ours(checks_metadata, builtin_name):
    """A full run by meaning: Prowler's CIS table for our full framework counts the built-in
    checks' findings and ours, each once, under the built-in's sections."""
    scan = [(c, "FAIL") for c in OTHER_BUILTINS] + [(c, "PASS") for c in OURS_FOR_BUILTIN.values()]
    table = _table(checks_metadata, frameworks.full_name(builtin_name), scan)
    counts = {label: int(n) for n, label in re.findall(r"\((\d+)\) (FAIL|PASS|MUTED)", table)}
    listed = {c for r in BUILTINS[builtin_name]["Requirements"] for c in r["Checks"]}
    assert counts == {"FAIL": len(listed & set(OTHER_BUILTINS)), "PASS": 15, "MUTED": 0}, table
    section = "4" if int(BUILTINS[builtin_name]["Version"].split(".")[0]) < 6 else "5"
    [monitoring] = [line for line in table.splitlines() if f"{section} Monitoring" in line]
    assert "PASS" in monitoring and "FAIL" not in monitoring, table
    # the built-in monitoring checks are not in it
    builtin_scan = [(c, "FAIL") for c in OURS_FOR_BUILTIN] * 2
    assert _table(checks_metadata, frameworks.full_name(builtin_name), builtin_scan) == ""


@pytest.mark.parametrize("builtin_name", sorted(set(BUILTINS) - set(EXACT_TABLES)))
def test_generic_tables_count_ours_under_the_builtins_key_when_both_run(
    checks_metadata, builtin_name
):
    """The README's known limit, held here: Prowler's generic, MITRE and KISA tables take every
    finding whose key is a substring of the framework's file name, so in one scan of the
    built-in framework and ours both count both checks (the compliance CSVs do not)."""
    builtin_check, ours = pair_in(builtin_name)
    builtin_only = [(builtin_check, "FAIL"), (builtin_check, "FAIL")]
    both = builtin_only + [(ours, "PASS")]
    assert _table(checks_metadata, builtin_name, both) != _table(
        checks_metadata, builtin_name, builtin_only
    )
