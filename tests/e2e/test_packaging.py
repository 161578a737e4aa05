"""The project as a user installs it: a wheel and an sdist built from the repository, used from
outside it, and the check folder through Prowler's older `-x/--checks-folder` route."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from testkit.account import seed_compliant_account
from testkit.moto_server import running_moto_server
from testkit.prowler_cli import OUR_CHECK, run_prowler

# one xdist worker per module: its moto server and prowler runs are shared by its tests
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_packaging")]

ROOT = Path(__file__).resolve().parents[2]
CHECK_PACKAGE = f"prowler_ext/services/cloudwatch/{OUR_CHECK}"
EXPECTED_IN_WHEEL = [
    f"{CHECK_PACKAGE}/{OUR_CHECK}.py",
    f"{CHECK_PACKAGE}/{OUR_CHECK}.metadata.json",
    f"{CHECK_PACKAGE}/{OUR_CHECK}_fixer.py",
    "prowler_ext/compliance/cis_3.0-semantic_aws.json",
    "prowler_ext/compliance/cis_7.0-semantic_aws.json",
    "prowler_ext/filterpattern/grammar.lark",
    "prowler_ext/lalr_parsers.py",
    "prowler_ext/remediation/run.py",
]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """A wheel and an sdist built from a copy of the source tree (a build writes `build/` and
    `*.egg-info` beside the sources: never into the checkout a test run is reading)."""
    source = tmp_path_factory.mktemp("source") / "project"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "output", "*.egg-info", "__pycache__", ".*cache"
        ),
    )
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, f"{built.stdout[-3000:]}\n{built.stderr[-3000:]}"
    return out


def test_wheel_holds_the_check_the_frameworks_and_the_grammar(dist):
    (wheel,) = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in EXPECTED_IN_WHEEL:
        assert expected in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert f"{OUR_CHECK} = prowler_ext.services.cloudwatch.{OUR_CHECK}.{OUR_CHECK}" in text
    assert "aws = prowler_ext.compliance" in text


def test_sdist_holds_the_check_and_the_frameworks_under_the_package(dist):
    (sdist,) = dist.glob("*.tar.gz")
    names = tarfile.open(sdist).getnames()
    for path in (
        f"{CHECK_PACKAGE}/{OUR_CHECK}.metadata.json",
        f"{CHECK_PACKAGE}/{OUR_CHECK}.py",
        "prowler_ext/compliance/cis_3.0-semantic_aws.json",
    ):
        assert any(name.endswith(path) for name in names), path


def test_installed_wheel_works_from_outside_the_repository(dist, tmp_path):
    (wheel,) = dist.glob("*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    fixer = f"prowler_ext.services.cloudwatch.{OUR_CHECK}.{OUR_CHECK}_fixer"
    probe = (
        "import importlib.util, json, os\n"
        "from prowler_ext.filterpattern import coverage\n"
        "import prowler_ext.compliance as c\n"
        f"spec = importlib.util.find_spec({fixer!r})\n"
        "answer = coverage('{ $.eventName = *Gateway }', 'CreateInternetGateway')\n"
        "print(json.dumps({'fixer': spec.origin, 'verdict': answer.verdict.value,\n"
        "  'frameworks': sorted(os.listdir(c.__path__[0]))}))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    found = json.loads(completed.stdout)
    assert found["fixer"].startswith(str(target))
    assert "cis_3.0-semantic_aws.json" in found["frameworks"]
    assert found["verdict"] == "CAUGHT"


def test_checks_folder_route_runs_the_check(tmp_path):
    folder = tmp_path / "custom-checks"
    shutil.copytree(ROOT / "checks" / OUR_CHECK, folder / OUR_CHECK)
    with running_moto_server() as server:
        seed_compliant_account(server.endpoint_url)
        run = run_prowler(
            [
                "aws",
                "-x",
                str(folder),
                "--checks",
                OUR_CHECK,
                "-f",
                "us-east-1",
                "-M",
                "json-ocsf",
                "--no-banner",
                "-z",
            ],
            server.env(),
            output_dir=tmp_path / "out",
        )
    assert not run.crashed, run.describe()
    (finding,) = run.findings_of(OUR_CHECK)
    assert finding["status_code"] == "PASS", run.describe()
