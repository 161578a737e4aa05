"""The benchmarks still run: each main() at a tiny scale prints its figures and our verdict.

No assertion on timings; only that every figure is printed and the verdicts are the expected
ones, so `make bench` cannot silently rot.
"""

from __future__ import annotations

from benchmarks import account_bench, filterpattern_bench


def test_filterpattern_bench_prints_its_figures(capsys):
    code = filterpattern_bench.main(
        ["--distinct", "40", "--runs", "5", "--passes", "1", "--pathological", "fast"]
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


def test_account_bench_prints_both_checks_and_our_verdict(capsys):
    code = account_bench.main(["--scale", "0.005", "--repeat", "1"])
    out = capsys.readouterr().out

    assert code == 0
    assert "WARNING" not in out  # the filters that catch an event are the ones seeded in moto
    assert "built-in check_cloudwatch_log_metric_filter" in out
    assert "ours evaluate()" in out
    assert "ratio ours / built-in" in out
    assert (
        "our API calls: 8 (cloudtrail:GetTrailStatus 1, cloudwatch:DescribeAlarms 3, "
        "logs:DescribeMetricFilters 2, sns:GetSubscriptionAttributes 1, sns:GetTopicAttributes 1)"
    ) in out
    assert "ProwlerEvidence.stats: 8" in out and "botocore hook in that run: 8" in out
    assert (
        "our verdict:      PASS: All 6 network gateway events reach a confirmed subscriber: "
        "trail management-events -> log group aws-cloudtrail-logs-management (us-east-1) -> "
        "metric filter cis-4.12-network-gateways -> alarm cis-4.12-network-gateways"
    ) in out
    assert "built-in verdict: PASS" in out
    table = out.split("scaling (medians", 1)[1]
    rows = [line.split() for line in table.splitlines()[2:5]]
    assert [row[0] for row in rows] == ["0.00125", "0.0025", "0.005"]
    assert {row[-1] for row in rows} == {"8"}  # the same calls at every size
