"""The whole CIS monitoring section through the real ``prowler`` CLI on a patched moto server.

One account (``testkit/section_account.py``) holds a chain for each of the fifteen controls,
several broken in ways only the meaning shows. It is scanned three ways: our fifteen checks
next to Prowler's fifteen built-ins; the full CIS 3.0 run by meaning
(``--compliance cis_3-0-full-semantic_aws``); and ``--list-checks``.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from prowler_ext.cis_monitoring import SECTION
from testkit.section_account import SECTION_CASES, seed_section_account

from .scans import Scenario

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_section_cli")]

OURS = [control.check_id for control in SECTION]
BUILTINS = [control.builtin_check for control in SECTION]
FULL = "cis_3-0-full-semantic_aws"
SECTION_ACCOUNT = "100000000031"
FULL_ACCOUNT = "100000000032"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

SCENARIOS: dict[str, Scenario] = {
    "full_run": Scenario(
        FULL_ACCOUNT,
        ["aws", "--compliance", FULL, "-f", "us-east-1", "--no-banner", "-z"],
        seed_section_account,
    ),
    "section": Scenario(
        SECTION_ACCOUNT,
        ["aws", "--checks", *OURS, *BUILTINS, "-f", "us-east-1", "--no-banner", "-z"],
        seed_section_account,
        output_formats=("csv", "json-ocsf"),
    ),
    "list_checks": Scenario(None, ["aws", "--list-checks", "--no-banner"]),
}


def finished(board, name: str):
    run = board.run(name)
    assert not run.crashed, run.describe()
    return run


def test_list_checks_lists_every_control_of_the_section(scan_board):
    stdout = finished(scan_board, "list_checks").stdout
    listed = set(re.findall(r"^\[([a-z0-9_]+)\] ", stdout, re.M))
    assert set(OURS) <= listed
    assert not {f"{check}_fixer" for check in OURS} & listed


@pytest.mark.parametrize("case", SECTION_CASES, ids=OURS)
def test_each_control_gets_its_verdict_in_one_scan(scan_board, case):
    run = finished(scan_board, "section")
    [finding] = run.findings_of(case.control.check_id)
    assert finding["status_code"] == case.status, finding["status_detail"]
    assert case.says in finding["status_detail"]
    assert finding["cloud"]["account"]["uid"] == SECTION_ACCOUNT
    requirement = case.control.requirements["3.0"]
    assert requirement in finding["unmapped"]["compliance"]["CIS-3.0"], finding["unmapped"]


def test_the_builtins_ran_beside_ours_and_disagree_where_only_the_meaning_tells(scan_board):
    """Prowler's string-matching checks on the same account: they pass chains that notify no
    one (disabled actions, a pending subscription, && for ||) and fail chains that do."""
    run = finished(scan_board, "section")
    builtin = {
        case.control.check_id: {
            f["status_code"] for f in run.findings_of(case.control.builtin_check)
        }
        for case in SECTION_CASES
    }
    assert all(builtin.values()), builtin
    disagree = [
        check
        for check, statuses in builtin.items()
        if {SECTION_CASES[OURS.index(check)].status} != statuses
    ]
    assert len(disagree) >= 5, builtin


def test_the_full_cis_run_decides_monitoring_by_meaning_and_the_rest_with_prowler(scan_board):
    run = finished(scan_board, "full_run")
    rows = list(csv.DictReader(io.StringIO(run.compliance_file(FULL).read_text()), delimiter=";"))
    checks = {row["CHECKID"] for row in rows}
    # ours for the section, none of the built-in monitoring checks, Prowler's for the rest
    assert set(OURS) <= checks and not set(BUILTINS) & checks
    assert len(checks - set(OURS)) >= 10, checks
    statuses = {row["CHECKID"]: row["STATUS"] for row in rows if row["CHECKID"] in OURS}
    assert statuses == {case.control.check_id: case.status for case in SECTION_CASES}
    # the requirement ids are the built-in framework's, under its key
    assert {row["FRAMEWORK"] for row in rows} == {"CIS"}
    ids = {row["REQUIREMENTS_ID"] for row in rows}
    assert {control.requirements["3.0"] for control in SECTION} <= ids and "1.1" in ids
    # Prowler's terminal table for it counts every finding of the run once
    stdout = ANSI.sub("", run.stdout)
    assert f"Compliance Status of {FULL.upper()} Framework:" in stdout, stdout[-3000:]
    counted = re.search(r"\((\d+)\) FAIL .*?\((\d+)\) PASS", stdout.split(FULL.upper())[1])
    assert counted, stdout[-3000:]
    # the findings carry the built-in's keys once: no key of the full framework
    others = [f for f in run.findings if f["metadata"]["event_code"] not in OURS]
    for finding in others[:20] + run.findings_of(OURS[0]):
        compliance = finding["unmapped"]["compliance"]
        assert not [key for key in compliance if "semantic" in key.lower()], compliance
        assert all(len(ids) == len(set(ids)) for ids in compliance.values()), compliance
