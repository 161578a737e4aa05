"""`prowler-ext` (python -m prowler_ext): what a user types and reads, in-process."""

from __future__ import annotations

import json

import pytest
from prowler.config.config import prowler_version

from prowler_ext import __version__, doctor
from prowler_ext.cli import EXIT_BAD_PATTERN, main
from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from tools.frameworks import generate


def test_version_names_the_plugin_and_prowler(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == (
        f"prowler-cis-network-gateways {__version__} (Prowler {prowler_version})\n"
    )


def test_explain_the_benchmark_pattern_catches_all_six(capsys):
    assert main(["explain", NETWORK_GATEWAY_CHANGES.benchmark_pattern]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "6 of 6 events caught"
    assert all(line.split()[1] == "CAUGHT" for line in out[:-1])


def test_explain_a_narrowed_pattern_shows_a_counterexample(capsys):
    assert main(["explain", "{ $.eventName = *InternetGateway }"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "4 of 6 events caught"
    assert "counterexample:" in out and '"eventName":"CreateCustomerGateway"' in out.replace(
        " ", ""
    )


def test_a_pattern_aws_rejects_exits_2_with_a_caret(capsys):
    assert main(["explain", "{ $.eventName = }"]) == EXIT_BAD_PATTERN
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("error: ")
    assert err[-1].strip() == "^"


def test_match_reads_a_records_file(tmp_path, capsys):
    path = tmp_path / "cloudtrail.json"
    records = [{"eventName": "CreateInternetGateway"}, {"eventName": "RunInstances"}]
    path.write_text(json.dumps({"Records": records}))
    assert main(["match", "{ $.eventName = *Gateway }", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("MATCH ") and out[0].endswith("CreateInternetGateway")
    assert out[1].startswith("no match") and out[-1] == "1 of 2 records match"


def test_doctor_says_the_installed_prowler_loads_check_frameworks_and_fixer(capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0]
        == f"prowler-cis-network-gateways {__version__} next to Prowler {prowler_version}: loaded."
    )
    assert out[1].startswith(f"checks: {', '.join(doctor.CHECK_IDS)} ")
    assert NETWORK_GATEWAY_CHANGES.check_id in doctor.CHECK_IDS and len(doctor.CHECK_IDS) == 15
    assert out[2] == f"frameworks: {', '.join(sorted(doctor.plugin_frameworks()))}"
    assert doctor.plugin_frameworks() == {name.removesuffix(".json") for name in generate()}
    # 8 CIS versions (the section, and the full run), 28 other frameworks
    assert len(doctor.plugin_frameworks()) == 44


def test_doctor_names_what_an_older_prowler_does_not_load():
    """A Prowler without plug-in loading lists none of it: three sentences, each saying what
    to install (the verdict is plain data, the way Prowler's loaders answered)."""
    frameworks = doctor.plugin_frameworks()
    old = doctor.PluginSupport(
        "5.12.0",
        frozenset({"cloudwatch_log_metric_filter_root_usage"}),
        frozenset({"cis_3.0_aws"}),
        frozenset(),
    )
    found = doctor.problems(old, frameworks)
    assert [sentence.split(" (")[0] for sentence in found] == [
        f"Prowler 5.12.0 does not list the checks {', '.join(doctor.CHECK_IDS)}",
        f"Prowler 5.12.0 does not list the compliance frameworks {', '.join(sorted(frameworks))}",
        f"Prowler 5.12.0 does not list the fixers of {', '.join(doctor.CHECK_IDS)}",
    ]
    assert all(s.endswith("pip install 'prowler>=5.38,<6'") for s in found)
    loaded = doctor.PluginSupport(
        "5.46.0", frozenset(doctor.CHECK_IDS), frameworks, frozenset(doctor.CHECK_IDS)
    )
    assert doctor.problems(loaded, frameworks) == []
