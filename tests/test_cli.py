"""`prowler-ext` (python -m prowler_ext): what a user types and reads, in-process."""

from __future__ import annotations

import json

import pytest
from prowler.config.config import prowler_version

from prowler_ext import __version__
from prowler_ext.cli import EXIT_BAD_PATTERN, main
from prowler_ext.control import NETWORK_GATEWAY_CHANGES


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
