"""One large synthetic account: our check against Prowler's built-in check, same inventory.

    python -m benchmarks.account_bench [--scale 1.0] [--repeat 5] [--no-table] [--profile]

The inventory is `testkit.inventory`'s: Prowler's real service classes (`Cloudtrail`, `Logs`,
`CloudWatch`, `SNS`) filled with Prowler's real model objects at the size of a large estate
(full scale: 20 regions, 10,000 log groups, 20,000 metric filters, 20,000 alarms, 2,000
topics, a few trails), mostly unrelated filters drawn from a few dozen distinct texts. The
multi-region trail's log group holds the CIS filters and this benchmark's `CANDIDATES` for CIS
4.12, one of them a legacy filter whose alarm has its actions disabled (so the search has to
fall through to the next candidate).

The clients' `regional_clients` are real boto3 clients under moto's `mock_aws`, in which only
the candidate resources on the path exist (the trail, its log group, the candidate filters,
their alarms, the region's metric-math alarms and the topic with its subscription): our
targeted calls really run, and a botocore `before-call` handler counts every one of them.

Timed, median of `--repeat` runs, caches cleared before every run (a scan runs the check once
per process, so the cold figure is the honest one):

* built-in: `check_cloudwatch_log_metric_filter(build_metric_filter_pattern(six events), ...)`
* ours: `prowler_ext.prowler_check.evaluate(NETWORK_GATEWAY_CHANGES, cloudtrail, logs, ...)`

then the same at 1/4, 1/2 and full scale, in a small table. No assertion on timings.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import importlib.resources
import io
import os
import pstats
import re
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import prowler_ext
from testkit.inventory import (
    CIS_FILTERS,
    FULL,
    HOME,
    REGIONS,
    TOPIC,
    TRAIL_GROUP,
    CallCounter,
    CandidateFilter,
    Inventory,
    build_inventory,
    math_alarm_count,
    regional_clients,
    seed_candidates,
)

from .filterpattern_bench import BENCHMARK_PATTERN, COMBINED_PATTERN, EVENTS, machine_load

# On the trail's log group, in the order AWS lists them (by name). Only these catch an event.
# (Given to testkit.inventory rather than kept there: the combined CIS 4.10-4.14 pattern is
# filterpattern_bench's.)
CANDIDATES = (
    CandidateFilter("cis-4.12-legacy", BENCHMARK_PATTERN, "GatewayChangesLegacy", False),
    CandidateFilter("cis-4.12-network-gateways", BENCHMARK_PATTERN, "NetworkGatewayChanges"),
    CandidateFilter("ec2-network-changes", COMBINED_PATTERN, "Ec2NetworkChanges"),
    CandidateFilter(
        "internet-gateway-changes", "{ $.eventName = *InternetGateway }", "InternetGatewayChanges"
    ),
)


# --------------------------------------------------------------------------- the two checks


def builtin_metadata() -> str:
    from prowler.lib.check.models import CheckMetadata

    package = (
        "prowler.providers.aws.services.cloudwatch."
        "cloudwatch_changes_to_network_gateways_alarm_configured"
    )
    path = importlib.resources.files(package).joinpath(
        "cloudwatch_changes_to_network_gateways_alarm_configured.metadata.json"
    )
    return CheckMetadata.parse_file(str(path)).json()


def run_builtin(inventory: Inventory, metadata: str) -> tuple[str, str]:
    """What the built-in check's `execute()` computes, on the same objects."""
    from prowler.providers.aws.services.cloudwatch.lib.metric_filters import (
        build_metric_filter_pattern,
        check_cloudwatch_log_metric_filter,
    )

    pattern = build_metric_filter_pattern(event_names=list(EVENTS))
    report = check_cloudwatch_log_metric_filter(
        pattern,
        inventory.cloudtrail.trails,
        inventory.logs.metric_filters,
        inventory.cloudwatch.metric_alarms,
        metadata,
    )
    if report is None:
        return "FAIL", "No CloudWatch log groups found with metric filters or alarms associated."
    return report.status, f"{report.status_extended} [resource {report.resource_arn}]"


def run_ours(inventory: Inventory):
    from prowler_ext.control import NETWORK_GATEWAY_CHANGES
    from prowler_ext.prowler_check import evaluate

    return evaluate(
        NETWORK_GATEWAY_CHANGES,
        inventory.cloudtrail,
        inventory.logs,
        inventory.cloudwatch,
        inventory.sns,
    )


def clear_caches() -> None:
    """Forget every memo of the engine and Python's compiled regexes: each run is a fresh
    scan's."""
    prowler_ext.purge_caches()
    re.purge()


@dataclass
class Measured:
    scale: float
    sizes: dict[str, int]
    objects: int
    ours: float  # medians, seconds
    ours_max: float
    ours_api: float
    ours_index: float
    builtin: float
    builtin_max: float
    calls: Counter
    calls_consistent: bool
    verdict: Any
    builtin_verdict: tuple[str, str]
    inventory: Inventory

    @property
    def ratio(self) -> float:
        return self.ours / self.builtin if self.builtin else float("inf")


def _index_only(inventory: Inventory) -> float:
    """Seconds to build ProwlerEvidence alone: the indexes over Prowler's inventories."""
    from prowler_ext.prowler_source import ProwlerEvidence

    start = time.perf_counter()
    ProwlerEvidence(inventory.cloudtrail, inventory.logs, inventory.cloudwatch, inventory.sns)
    return time.perf_counter() - start


def measure(scale: float, repeat: int, clients, counter: CallCounter, metadata: str) -> Measured:
    """Both checks, alternately, `repeat` times; cold caches and a collection before each run."""
    inventory = build_inventory(scale, clients, CANDIDATES)
    # Everything built so far (modules, moto, the inventory) goes to the permanent generation:
    # the collection before each run then costs milliseconds, not a rescan of the whole heap.
    gc.collect()
    gc.freeze()
    try:
        runs = [_one_run(inventory, counter, metadata) for _ in range(repeat)]
    finally:
        gc.unfreeze()
    last = runs[-1]
    return Measured(
        scale=scale,
        sizes=inventory.sizes,
        objects=inventory.objects,
        ours=statistics.median(r["ours"] for r in runs),
        ours_max=max(r["ours"] for r in runs),
        ours_api=statistics.median(r["api"] for r in runs),
        ours_index=statistics.median(r["index"] for r in runs),
        builtin=statistics.median(r["builtin"] for r in runs),
        builtin_max=max(r["builtin"] for r in runs),
        calls=Counter(last["calls"]),
        calls_consistent=all(r["calls"] == runs[0]["calls"] for r in runs),
        verdict=last["verdict"],
        builtin_verdict=last["builtin_verdict"],
        inventory=inventory,
    )


def _one_run(inventory: Inventory, counter: CallCounter, metadata: str) -> dict:
    clear_caches()
    gc.collect()
    start = time.perf_counter()
    builtin_verdict = run_builtin(inventory, metadata)
    builtin = time.perf_counter() - start
    clear_caches()
    gc.collect()
    counter.reset()
    start = time.perf_counter()
    verdict = run_ours(inventory)
    ours = time.perf_counter() - start
    api, calls = counter.seconds, dict(counter.calls)
    gc.collect()
    return {
        "builtin": builtin,
        "builtin_verdict": builtin_verdict,
        "ours": ours,
        "api": api,
        "calls": calls,
        "verdict": verdict,
        "index": _index_only(inventory),
    }


def source_stats(inventory: Inventory, counter: CallCounter) -> tuple[dict, int, Any]:
    """ProwlerEvidence's own count of its calls, for one run, next to the hook's count."""
    from prowler_ext.chain import judge
    from prowler_ext.control import NETWORK_GATEWAY_CHANGES
    from prowler_ext.prowler_source import ProwlerEvidence

    clear_caches()
    counter.reset()
    source = ProwlerEvidence(
        inventory.cloudtrail, inventory.logs, inventory.cloudwatch, inventory.sns
    )
    verdict = judge(source, NETWORK_GATEWAY_CHANGES)
    return dict(source.stats.calls), counter.total, verdict


def catching_filters(inventory: Inventory) -> list[str]:
    """Filters on the trail's log group whose pattern the engine proves catches some event."""
    from prowler_ext.filterpattern import PatternError, Verdict, coverage

    found = []
    for metric_filter in inventory.logs.metric_filters:
        group = metric_filter.log_group
        if group is None or (group.region, group.name) != (HOME, TRAIL_GROUP):
            continue
        try:
            if any(coverage(metric_filter.pattern, e).verdict is Verdict.CAUGHT for e in EVENTS):
                found.append(metric_filter.name)
        except PatternError:
            continue
    return sorted(found)


def profile_ours(inventory: Inventory, top: int = 15) -> str:
    clear_caches()
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    run_ours(inventory)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --------------------------------------------------------------------------- output


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def _calls(calls: Counter) -> str:
    return ", ".join(f"{op} {n}" for op, n in sorted(calls.items())) or "none"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.account_bench")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 20,000 metric filters")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--no-table", action="store_true", help="skip the 1/4, 1/2, 1 table")
    parser.add_argument("--profile", action="store_true", help="cProfile one run of ours")
    args = parser.parse_args(argv)

    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", HOME),
    ):
        os.environ.setdefault(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    from moto import mock_aws

    wall = time.perf_counter()
    with mock_aws():
        counter = CallCounter()
        clients = regional_clients(counter)
        seed_candidates(CANDIDATES, max(1, round(FULL["alarms"] * args.scale)))
        metadata = builtin_metadata()

        print("Account benchmark: our CIS 4.12 check vs Prowler's built-in, same inventory")
        print(f"machine: {machine_load()}")
        full = measure(args.scale, args.repeat, clients, counter, metadata)
        sizes = full.sizes
        print(
            f"inventory (scale {args.scale:g}): {len(REGIONS)} regions, {sizes['log_groups']:,} "
            f"log groups, {sizes['metric_filters']:,} metric filters, {sizes['alarms']:,} alarms "
            f"({math_alarm_count(sizes['alarms']):,} metric-math), {sizes['topics']:,} topics, "
            f"{sizes['trails']} trails"
        )
        catching = catching_filters(full.inventory)
        print(
            f"path: trail management-events -> log group {TRAIL_GROUP} ({HOME}, "
            f"{len(CANDIDATES) + len(CIS_FILTERS)} filters, {len(catching)} catch an event: "
            f"{', '.join(catching)}) -> their alarms (+{full.inventory.math_alarms_home} "
            f"metric-math alarms in {HOME}) -> SNS topic {TOPIC}"
        )
        if catching != sorted(c.name for c in CANDIDATES):
            print("WARNING: the filters that catch an event are not the ones seeded in moto")
        print(
            f"median of {args.repeat} runs (slowest in brackets), caches cleared and a full "
            "garbage collection before each run (setup objects frozen with gc.freeze):"
        )
        print(
            f"  built-in check_cloudwatch_log_metric_filter  {_ms(full.builtin):>10}   "
            f"[{_ms(full.builtin_max)}]"
        )
        search = full.ours - full.ours_api - full.ours_index
        print(
            f"  ours evaluate()                              {_ms(full.ours):>10}   "
            f"[{_ms(full.ours_max)}]"
        )
        print(
            f"    of which: indexing Prowler's inventories (ProwlerEvidence.__init__) "
            f"{_ms(full.ours_index)}, API calls to moto (in-process) {_ms(full.ours_api)}, "
            f"path search and coverage proofs {_ms(search)}"
        )
        print(
            f"  ratio ours / built-in                        {full.ratio:>10.2f}   "
            f"(without the API calls {(full.ours - full.ours_api) / full.builtin:.2f})"
        )
        print(
            f"  our API calls: {sum(full.calls.values())} ({_calls(full.calls)})"
            + ("" if full.calls_consistent else "  [differs between runs]")
        )
        stats, hooked, stats_verdict = source_stats(full.inventory, counter)
        print(
            f"  ProwlerEvidence.stats: {sum(stats.values())} ({_calls(Counter(stats))}); "
            f"botocore hook in that run: {hooked}"
        )
        print(f"  our verdict:      {full.verdict.status}: {full.verdict.sentence}")
        if stats_verdict.status != full.verdict.status:
            print(f"  (the direct ProwlerEvidence run said {stats_verdict.status})")
        print(f"  built-in verdict: {full.builtin_verdict[0]}: {full.builtin_verdict[1]}")
        rows = [full]
        if not args.no_table:
            for fraction in (0.25, 0.5):
                row = measure(args.scale * fraction, args.repeat, clients, counter, metadata)
                row.inventory = None  # free it before the next one
                rows.insert(-1, row)
            print("\nscaling (medians; the same candidates on the path, a growing inventory):")
            print(
                f"  {'scale':>6} {'objects':>8} {'filters':>8} {'alarms':>7} {'ours ms':>8} "
                f"{'index ms':>8} {'built-in ms':>11} {'ratio':>6} {'ours µs/obj':>11} "
                f"{'API calls':>9}"
            )
            for row in rows:
                print(
                    f"  {row.scale:>6g} {row.objects:>8,} {row.sizes['metric_filters']:>8,} "
                    f"{row.sizes['alarms']:>7,} {row.ours * 1e3:>8.1f} "
                    f"{row.ours_index * 1e3:>8.1f} "
                    f"{row.builtin * 1e3:>11.1f} {row.ratio:>6.2f} "
                    f"{row.ours / row.objects * 1e6:>11.2f} {sum(row.calls.values()):>9}"
                )
        if args.profile:
            print("\ncProfile of one run of ours (cold caches):")
            print(profile_ours(full.inventory))
    print(f"\n(total benchmark wall time {time.perf_counter() - wall:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
