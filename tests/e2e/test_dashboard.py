"""`prowler dashboard` on the compliance CSVs of a real scan: our framework's page opens with
its one requirement and our check's finding, and the built-in's page holds none of ours.

How the dashboard finds a framework (dashboard/config.py, dashboard/pages/compliance.py): when
its pages are imported it reads the CSVs in ``<working directory>/output/compliance``; each file
``<output>_<framework>.csv`` gives a dropdown entry (the name after the first ``_``, upper-cased,
``_AWS`` turned into `` - AWS``, or dropped when the name holds ``AWS_``; a CIS one is offered as
``- Level_1`` and ``- Level_2``). The entry chosen is turned back into a lower-case name, every
CSV whose path contains that name is read, and the rows are rendered by the module
``dashboard.compliance.<name with _ for .>``, or by ``dashboard.compliance.generic`` when there
is none. Here the real Dash app of `prowler dashboard` (dashboard/__main__.py) is imported from
the scan's working directory and driven through its Flask test client with the requests a
browser sends: the compliance page, then the callback that renders the chosen framework.
"""

from __future__ import annotations

import base64
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import prowler
import pytest
from prowler.lib.check.compliance_models import load_compliance_framework

from prowler_ext.cis_monitoring import SECTION
from testkit.account import seed_compliant_account
from testkit.moto_server import running_moto_server
from testkit.prowler_cli import BUILTIN_CHECK, OUR_CHECK, PROJECT_ROOT, ProwlerRun, run_prowler

# one xdist worker per module: its prowler run and its dashboard are shared by its tests
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_dashboard")]

OUR_FRAMEWORK = "cis_3.0-semantic_aws"
BUILTIN_FRAMEWORK = "cis_3.0_aws"
OURS = "CIS_3.0-SEMANTIC - AWS"  # the dashboard's names for the two
BUILTIN = "CIS_3.0 - AWS"
LEVELS = ("Level_1", "Level_2")
REQUIREMENT = "4.12 - Ensure a log metric filter and alarm exist for changes to network gateways"
PAGE_CALLBACK = ".._pages_content.children..._pages_store.data.."
PASS_ICON = "✅"
SECTION_CHECKS = {control.check_id for control in SECTION}


# Our other frameworks (the built-in's frameworks that map its 4.12 check, NIST, SOC 2, ISO …):
# written by the same scan, each opened in the dashboard.
OTHER_FRAMEWORKS = sorted(
    path.stem
    for path in (PROJECT_ROOT / "prowler_ext" / "compliance").glob("*-semantic_aws.json")
    if not path.stem.startswith("cis_")
)


def dashboard_entry(framework: str) -> str:
    """The dropdown entry the dashboard makes of a framework's CSV (see the module's text)."""
    name = framework.upper()
    return name.replace("_AWS", "") if "AWS_" in name else name.replace("_AWS", " - AWS")


def builtin_checks_but_4_12() -> list[str]:
    path = Path(prowler.__file__).parent / "compliance" / "aws" / f"{BUILTIN_FRAMEWORK}.json"
    framework = load_compliance_framework(str(path))
    return sorted({c for r in framework.Requirements for c in r.Checks} - {BUILTIN_CHECK})


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> ProwlerRun:
    """Both frameworks, their 4.12 checks only (the built-in's other checks are excluded: a
    full CIS scan takes a minute), into ``<dir>/output`` as `prowler dashboard` expects."""
    root = tmp_path_factory.mktemp("dashboard")
    with running_moto_server(log_path=root / "moto-server.log") as server:
        seed_compliant_account(server.endpoint_url)
        run = run_prowler(
            ["aws", "--compliance", BUILTIN_FRAMEWORK, OUR_FRAMEWORK, *OTHER_FRAMEWORKS]
            + ["--excluded-check", *builtin_checks_but_4_12()]
            + ["-f", "us-east-1", "--no-banner", "-z"],
            server.env(),
            output_dir=root / "output",
            output_name="prowler-output-e2e",  # no "_": the dashboard cuts at the first one
            start="warm",
        )
    assert not run.crashed, run.describe()
    for framework in (OUR_FRAMEWORK, BUILTIN_FRAMEWORK, *OTHER_FRAMEWORKS):
        assert run.compliance_file(framework).is_file(), run.describe()
    return run


class DashClient:
    """The Dash app's HTTP API, as its JavaScript front end calls it."""

    def __init__(self, app: Any) -> None:
        self.http = app.server.test_client()
        self.dependencies = self.http.get("/_dash-dependencies").get_json()

    def update(self, output: str, *values: Any) -> dict[str, dict[str, Any]]:
        """POST the callback whose (multi-)output is ``output`` with these input values; its
        outputs by component id and property."""
        (dependency,) = [d for d in self.dependencies if d["output"] == output]
        inputs = [{**i, "value": v} for i, v in zip(dependency["inputs"], values, strict=True)]
        outputs = [
            dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
            for part in output[2:-2].split("...")
        ]
        response = self.http.post(
            "/_dash-update-component",
            json={
                "output": output,
                "outputs": outputs,
                "inputs": inputs,
                "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
                "state": [],
            },
        )
        assert response.status_code == 200, response.get_data(as_text=True)[-3000:]
        return response.get_json()["response"]


@pytest.fixture(scope="module")
def dash(scan: ProwlerRun) -> DashClient:
    """`prowler dashboard` run from the directory that holds the scan's ``output``."""
    assert "dashboard.pages.compliance" not in sys.modules, "the dashboard reads its CSVs once"
    cwd = os.getcwd()
    os.chdir(scan.output_dir.parent)
    try:
        if "dashboard.config" in sys.modules:  # its folders are the working directory's
            importlib.reload(sys.modules["dashboard.config"])
        from dashboard.__main__ import dashboard
    finally:
        os.chdir(cwd)
    return DashClient(dashboard)


def nodes(tree: Any) -> Iterator[dict]:
    """Every Dash component in a serialized layout."""
    if isinstance(tree, dict):
        if "type" in tree and isinstance(tree.get("props"), dict):
            yield tree
        for value in tree.values():
            yield from nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from nodes(value)


def values(array: Any) -> list:
    """A plotly array: a list, or a typed array ({"dtype": "i1", "bdata": <base64>})."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


@pytest.fixture(scope="module")
def page(dash: DashClient) -> dict[str, dict]:
    """The compliance page, as the browser asks for it on /compliance: its components by id."""
    assert dash.http.get("/compliance").status_code == 200
    content = dash.update(PAGE_CALLBACK, "/compliance", "")["_pages_content"]["children"]
    return {n["props"]["id"]: n["props"] for n in nodes(content) if "id" in n["props"]}


def render(dash: DashClient, page: dict[str, dict], entry: str) -> dict[str, Any]:
    """Choose ``entry`` in the compliance dropdown: what the page shows."""
    (dependency,) = [d for d in dash.dependencies if d["output"].startswith("..output.children")]
    shown = dash.update(
        dependency["output"], entry, ["All"], ["All"], page["date-filter-analytics"]["value"]
    )
    table = shown["output"]["children"]
    pies = [
        dict(zip(trace["labels"], values(trace["values"]), strict=True))
        for n in nodes(shown["overall_status_result_graph"]["children"])
        if n["type"] == "Graph"
        for trace in n["props"]["figure"]["data"]
    ]
    return {
        "title": [n["props"]["children"] for n in nodes(table) if n["type"] == "H5"],
        "accordion": [n["props"]["title"] for n in nodes(table) if n["type"] == "AccordionItem"],
        "rows": [
            (row["CHECKID"], row["STATUS"], row["ACCOUNTID"], row["REGION"])
            for n in nodes(table)
            if n["type"] == "DataTable"
            for row in n["props"]["data"]
        ],
        # the PASS and FAIL counts beside each section and requirement
        "bars": [
            [a["text"] for a in n["props"]["figure"]["layout"]["annotations"] if a["text"] != "|"]
            for n in nodes(table)
            if n["type"] == "Graph"
        ],
        "pie": pies,
        "accounts": shown["cloud-account-filter-compliance"]["options"],
    }


def test_compliance_page_lists_our_framework_next_to_the_builtin(page):
    entries = [option["value"] for option in page["report-compliance-filter"]["options"]]
    cis = [f"{name} - {level}" for name in (OURS, BUILTIN) for level in LEVELS]
    assert entries == sorted(cis + [dashboard_entry(f) for f in OTHER_FRAMEWORKS])


@pytest.mark.parametrize("level", LEVELS)
def test_our_framework_page_shows_our_requirement_and_finding(dash, page, scan, level):
    (finding,) = scan.findings_of(OUR_CHECK)
    account = finding["cloud"]["account"]["uid"]

    shown = render(dash, page, f"{OURS} - {level}")

    assert shown["title"] == [f"{OURS} - {level}"]
    # one section, the monitoring requirements of the level, one finding each: 4.12 PASS in
    # the scanned account (the benchmark's chain), the other controls FAIL (no chain)
    assert shown["accordion"][0] == "4 Monitoring" and REQUIREMENT in shown["accordion"]
    assert (OUR_CHECK, PASS_ICON, account, "us-east-1") in shown["rows"]
    assert {row[0] for row in shown["rows"]} <= SECTION_CHECKS
    rows = len(shown["rows"])
    assert shown["pie"] == [{"PASS": 1, "FAIL": rows - 1}]
    assert shown["accounts"] == [account, "All"]


def test_builtin_page_shows_the_builtin_check_and_not_ours(dash, page):
    shown = render(dash, page, f"{BUILTIN} - Level_1")

    assert REQUIREMENT in shown["accordion"]
    checks = {check for check, *_ in shown["rows"]}
    assert BUILTIN_CHECK in checks
    assert OUR_CHECK not in checks
    assert checks <= {BUILTIN_CHECK, "manual"}  # the built-in's requirements without checks


@pytest.mark.parametrize("framework", OTHER_FRAMEWORKS)
def test_each_other_framework_of_ours_opens_with_our_finding_alone(dash, page, scan, framework):
    """NIST, SOC 2, ISO 27001, MITRE ATT&CK, KISA, ThreatScore …: each page renders (no HTTP
    error) with our checks' findings under the built-in's requirements, and nothing else."""
    (finding,) = scan.findings_of(OUR_CHECK)
    account = finding["cloud"]["account"]["uid"]

    shown = render(dash, page, dashboard_entry(framework))

    assert shown["rows"] and {row[0] for row in shown["rows"]} <= SECTION_CHECKS, shown["rows"]
    assert {row[2:] for row in shown["rows"]} == {(account, "us-east-1")}
