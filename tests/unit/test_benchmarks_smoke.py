"""The benchmarks still run: each main() at a tiny scale prints its figures and our verdict.

No assertion on timings; only that every figure is printed and the verdicts are the expected
ones, so `make bench` cannot silently rot.
"""

from __future__ import annotations

from benchmarks import account_bench, filterpattern_bench, scenarios


def test_filterpattern_bench_prints_its_figures(capsys):
    code = filterpattern_bench.main(
        [
            "--distinct",
            "40",
            "--runs",
            "5",
            "--passes",
            "1",
            "--pathological",
            "fast",
            "--adversarial",
            "20",
        ]
    )
    out = capsys.readouterr().out

    assert code == 0
    assert "WARNING" not in out  # the engine's caches were found and cleared
    for section in ("[1]", "[2]", "[3]", "[4] Worst case"):
        assert section in out
    assert "six questions, median of 5" in out
    assert "verdict                            6 CAUGHT" in out
    assert "patterns/s" in out
    assert "40 distinct generated patterns" in out
    assert "benchmark (CIS 4.12 verbatim)" in out
    assert "combined CIS 4.10-4.14 (one regex)" in out
    assert "over the corpus:" in out
    assert "flat OR of free-field equalities" in out
    assert "slowest pathological:" in out
    adversarial = out.split("[4b] Adversarial patterns", 1)[1].split("[5]", 1)[0]
    assert "slowest of 20,000 random nested patterns" in adversarial
    assert "the same, one proof per event" in adversarial
    assert "20 generated (seed 412): slowest" in adversarial
    assert "budget 10,000 steps per question" in adversarial


def test_account_bench_quick_prints_every_scenario_with_both_verdicts(capsys):
    """`--quick` runs every scenario of scenarios.json at small sizes: both checks' cold times,
    our API calls and both verdicts, scenario by scenario."""
    code = account_bench.main(["--quick", "--repeat", "2", "--no-import"])
    out = capsys.readouterr().out

    assert code == 0
    names = [s.name for s in scenarios.load(quick=True)]
    assert len(names) >= 10
    table, verdicts = out.split("verdicts and our API calls (cold run):", 1)
    for name in names:
        assert name in table and name in verdicts
    assert "built-in      ours   ratio  ours-API  calls" in table
    assert "(AWS's limit)" in table
    demo = verdicts.split("small, demo-like", 1)[1]
    assert (
        "ours     PASS: All 6 network gateway events reach a confirmed subscriber: trail "
        "management-events -> log group aws-cloudtrail-logs-management (us-east-1) -> metric "
        "filter cis-4.12-network-gateways -> alarm network-gateway-changes -> SNS topic "
        "security-alerts (1 confirmed subscription)."
    ) in demo
    assert (
        "our API calls: 5 (cloudtrail:GetTrailStatus 1, cloudwatch:DescribeAlarms 1, "
        "logs:DescribeMetricFilters 1, sns:GetSubscriptionAttributes 1, "
        "sns:GetTopicAttributes 1)"
    ) in demo
    no_match = verdicts.split("no filter matches, 500 distinct patterns on 5 trails", 1)[1]
    assert "built-in FAIL" in no_match
    assert "ours     FAIL: None of the 6 network gateway events is caught: none of the 10" in (
        no_match
    )
    # one read of each trail's log group, whatever the estate's other filters
    assert "our API calls: 10 (cloudtrail:GetTrailStatus 5, logs:DescribeMetricFilters 5)" in (
        no_match
    )
    quiet = verdicts.split("only the last qualifies", 1)[1]
    assert "built-in PASS" in quiet and "alarm network-gateway-changes -> SNS topic" in quiet
    # 251 alarms on the metric: one DescribeAlarmsForMetric, not three DescribeAlarms of 100
    assert "cloudwatch:DescribeAlarmsForMetric 1" in quiet
    assert "cloudwatch:DescribeAlarms " not in quiet.split("every filter catches", 1)[0]
    assert "highest ratio ours / built-in (cold):" in out
    section = out.split("evaluates them (shared reads)", 1)[1]
    assert "(5 API calls; 15 PASS); section / one" in section


def test_scenarios_are_data_with_quick_sizes():
    full, quick = scenarios.load(), scenarios.load(quick=True)
    assert [s.name for s in full] == [s.name for s in quick]
    by_name = {s.name: s for s in full}
    assert by_name["200k filters, 20k alarms, trail region last"].filters == 200_000
    assert by_name["200k filters, 20k alarms, trail region last"].region_names[-1] == "us-east-1"
    assert by_name["200k filters, 20k alarms, trail region first"].region_names[0] == "us-east-1"
    assert scenarios.load(only="demo")[0].regions == 1
