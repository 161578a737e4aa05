"""Our check against Prowler's built-in one, scenario by scenario, on the same inventories.

    python -m benchmarks.account_bench [--quick] [--repeat 3] [--only TEXT] [--latency MS]

The scenarios are data (`benchmarks/scenarios.json`): a small account, 1 and 20 regions,
20,000 and 200,000 metric filters with the trail's region listed first or last, and the worst
cases (hundreds or 20,000 distinct patterns on the trail's log group, 20,000 alarms on the
path's metric, 500 filters that catch an event and no alarm). Each becomes Prowler's real
service objects, with moto's `mock_aws` holding what lies on the path (`benchmarks.scenarios`).

What is timed is what a scan times: each check class's own `execute()`, report included, with
Prowler's client modules patched to the scenario's objects. Before every run the engine's memos
are emptied and the garbage collector runs; the two checks alternate (the first pair starts
with ours in every other scenario). The figure is the *cold* run, each check's first on the
scenario (a scan runs a check once); the median of the following runs is shown beside it.
Our API calls are counted by a botocore hook on every client, and their time (moto in
process, not AWS's latency) is shown apart; the clients have made the calls Prowler's
services make while listing (as in a scan, where they come before any check). Peak memory
is taken in one more run of each check under `tracemalloc` (not timed). The plug-in's import
time is measured in a fresh interpreter, byte-compiled (as pip installs it) and not. No
assertion on timings: `tests/unit/test_benchmarks_smoke.py` runs `--quick`.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from testkit.inventory import HOME, CallCounter, regional_clients

from . import scenarios
from .filterpattern_bench import machine_load

BUILTIN_ID = "cloudwatch_changes_to_network_gateways_alarm_configured"
BUILTIN_MODULE = f"prowler.providers.aws.services.cloudwatch.{BUILTIN_ID}.{BUILTIN_ID}"
OURS_ID = "cloudwatch_changes_to_network_gateways_alarm"
OURS_MODULE = f"prowler_ext.services.cloudwatch.{OURS_ID}.{OURS_ID}"
CLIENT_NAMES = ("cloudtrail_client", "logs_client", "cloudwatch_client", "sns_client")


@dataclass
class Timing:
    cold: float = 0.0
    warm: list[float] = field(default_factory=list)
    api_seconds: float = 0.0  # in the cold run
    calls: Counter = field(default_factory=Counter)  # in the cold run
    peak_bytes: int = 0
    status: str = ""
    sentence: str = ""

    @property
    def warm_median(self) -> float | None:
        return statistics.median(self.warm) if self.warm else None


@dataclass
class SectionTiming:
    """One control (4.12) against the whole monitoring section in one evaluation."""

    one: float  # seconds, cold
    section: float
    one_calls: int
    section_calls: int
    statuses: Counter


@dataclass
class Row:
    scenario: scenarios.Scenario
    objects: int
    ours: Timing
    builtin: Timing
    setup_seconds: float
    section: SectionTiming | None = None

    @property
    def ratio(self) -> float:
        return self.ours.cold / self.builtin.cold if self.builtin.cold else float("inf")


# --------------------------------------------------------------------------- running the checks


def _checks(inventory: Any, provider: Any, stack: ExitStack) -> dict[str, Any]:
    """Both check instances, their modules' clients patched to the scenario's objects."""
    import importlib

    stack.enter_context(
        mock.patch(
            "prowler.providers.common.provider.Provider.get_global_provider",
            return_value=provider,
        )
    )
    objects = dict(
        zip(
            CLIENT_NAMES,
            (inventory.cloudtrail, inventory.logs, inventory.cloudwatch, inventory.sns),
            strict=True,
        )
    )
    made = {}
    for label, module_name, check_id, names in (
        ("built-in", BUILTIN_MODULE, BUILTIN_ID, CLIENT_NAMES[:3]),
        ("ours", OURS_MODULE, OURS_ID, CLIENT_NAMES),
    ):
        module = importlib.import_module(module_name)
        stack.enter_context(mock.patch.multiple(module, **{n: objects[n] for n in names}))
        made[label] = getattr(module, check_id)()
    return made


def warm_clients(clients: dict[str, dict[str, Any]]) -> None:
    """Make, once per home-region client, the calls Prowler's services make while listing
    (botocore loads an operation's model on its first call): in a scan they come before any
    check runs, so neither check should pay them."""
    home = {service: regional[HOME] for service, regional in clients.items()}
    for client in home.values():
        client.can_paginate(next(iter(client.meta.method_to_api_mapping)))  # paginator models
    home["cloudtrail"].describe_trails()
    home["cloudtrail"].get_trail_status(Name="management-events")
    home["logs"].describe_metric_filters(logGroupName=scenarios.TRAIL_GROUP)
    home["cloudwatch"].describe_alarms(AlarmNames=["-"])
    home["cloudwatch"].describe_alarms_for_metric(MetricName="-", Namespace="-")
    for topic in home["sns"].list_topics()["Topics"]:
        home["sns"].get_topic_attributes(TopicArn=topic["TopicArn"])
        for sub in home["sns"].list_subscriptions_by_topic(TopicArn=topic["TopicArn"])[
            "Subscriptions"
        ]:
            home["sns"].get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])


def _new_scan() -> None:
    """Forget the last run's scan (its reads and the engine's memos) before the clock starts:
    a scan does not pay for freeing the one before it."""
    from prowler_ext import prowler_check

    prowler_check.end_scan()  # the scan's reads, and every memo of the engine
    gc.collect()


def _timed(check: Any, counter: CallCounter) -> tuple[float, Any]:
    _new_scan()
    counter.reset()
    start = time.perf_counter()
    reports = check.execute()
    return time.perf_counter() - start, reports[0]


def _peak(check: Any) -> int:
    _new_scan()
    tracemalloc.start()
    try:
        check.execute()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure_section(inventory: Any, counter: CallCounter, repeat: int) -> SectionTiming:
    """What a scan runs: the 4.12 check's evaluation alone, and the 15 checks' evaluations one
    after the other on the same clients (they share their reads and the engine's memos), cold
    and alternating; the first run of each is the figure."""
    from prowler_ext import prowler_check
    from prowler_ext.cis_monitoring import SECTION
    from prowler_ext.control import NETWORK_GATEWAY_CHANGES

    clients = (inventory.cloudtrail, inventory.logs, inventory.cloudwatch, inventory.sns)
    runs: dict[str, list[tuple[float, int, Any]]] = {"one": [], "section": []}
    for n in range(repeat):
        for label in ("one", "section") if n % 2 == 0 else ("section", "one"):
            _new_scan()
            counter.reset()
            controls = (NETWORK_GATEWAY_CHANGES,) if label == "one" else SECTION
            start = time.perf_counter()
            found = {c.check_id: prowler_check.evaluate(c, *clients) for c in controls}
            runs[label].append((time.perf_counter() - start, counter.total, found))
    one, section = runs["one"][0], runs["section"][0]
    return SectionTiming(
        one[0], section[0], one[1], section[1], Counter(v.status for v in section[2].values())
    )


def _profile(check: Any, top: int = 25) -> str:
    import cProfile
    import io
    import pstats

    _new_scan()
    profiler = cProfile.Profile()
    profiler.runcall(check.execute)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def measure(
    scenario: scenarios.Scenario,
    repeat: int,
    ours_first: bool,
    profile: bool = False,
    latency: float = 0.0,
) -> Row:
    from moto import mock_aws

    from testkit.clients import build_provider

    with mock_aws(), ExitStack() as stack:
        setup = time.perf_counter()
        counter = CallCounter()
        clients = regional_clients(counter)
        scenarios.seed(scenario)
        inventory = scenarios.build(scenario, clients)
        logging.disable(logging.ERROR)  # the provider's organization lookup, not on the path
        try:
            provider = build_provider([HOME])
        finally:
            logging.disable(logging.NOTSET)
        checks = _checks(inventory, provider, stack)
        warm_clients(clients)
        counter.latency = latency  # from here on, each call waits as for AWS
        setup = time.perf_counter() - setup
        # what was built so far goes to the permanent generation: a collection before each
        # run then costs milliseconds, not a rescan of the inventory
        gc.collect()
        gc.freeze()
        timings = {"ours": Timing(), "built-in": Timing()}
        try:
            for n in range(repeat):
                order = ["ours", "built-in"] if (n % 2 == 0) == ours_first else ["built-in", "ours"]
                for label in order:
                    seconds, report = _timed(checks[label], counter)
                    timing = timings[label]
                    if n == 0:
                        timing.cold = seconds
                        timing.api_seconds = counter.seconds
                        timing.calls = Counter(counter.calls)
                        timing.status = report.status
                        timing.sentence = report.status_extended
                    else:
                        timing.warm.append(seconds)
            for label, timing in timings.items():
                timing.peak_bytes = _peak(checks[label])
            section = measure_section(inventory, counter, repeat) if scenario.section else None
            if profile:
                print(_profile(checks["ours"]))
        finally:
            _new_scan()  # the scenario's objects go with it, not into the next one's timing
            gc.unfreeze()
        return Row(
            scenario, inventory.objects, timings["ours"], timings["built-in"], setup, section
        )


def plugin_import_seconds(byte_compiled: bool = True) -> tuple[float, float]:
    """Seconds to import our check modules' engine once Prowler is imported, in a fresh
    interpreter: the first import and the median of five. `byte_compiled`: as pip installs
    a package (its modules compiled once, in a private directory here), else compiled from
    source on every import (an editable checkout under PYTHONDONTWRITEBYTECODE)."""
    import tempfile

    code = (
        "import time, prowler.lib.check.models, prowler.providers.aws.aws_provider\n"
        "t = time.perf_counter()\n"
        "import prowler_ext.prowler_check, prowler_ext.control, "
        "prowler_ext.remediation.registration\n"
        "print(time.perf_counter() - t)\n"
    )
    with tempfile.TemporaryDirectory() as prefix:
        env = dict(os.environ)
        if byte_compiled:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = prefix
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"

        def once() -> float:
            done = subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
            )
            return float(done.stdout)

        once()  # writes the byte code (byte_compiled), fills the OS's file cache
        runs = [once() for _ in range(5)]
    return runs[0], statistics.median(runs)


# --------------------------------------------------------------------------- output


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:,.1f}"


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f}"


def _calls(calls: Counter) -> str:
    return ", ".join(f"{op} {n}" for op, n in sorted(calls.items())) or "none"


def print_row(row: Row, out: Callable[[str], None] = print) -> None:
    ours, builtin = row.ours, row.builtin
    out(
        f"  {row.scenario.name:<76} {row.objects:>8,} {_ms(builtin.cold):>9} {_ms(ours.cold):>9} "
        f"{row.ratio:>7.2f} {_ms(ours.cold - ours.api_seconds):>9} {sum(ours.calls.values()):>6} "
        f"{_ms(builtin.warm_median):>9} {_ms(ours.warm_median):>9} "
        f"{_mb(builtin.peak_bytes):>7} {_mb(ours.peak_bytes):>7}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.account_bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each check per scenario")
    parser.add_argument("--only", help="only the scenarios whose name contains this text")
    parser.add_argument("--no-import", action="store_true", help="skip the import timing")
    parser.add_argument("--profile", action="store_true", help="cProfile one run of ours")
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="MS",
        help="each API call (each page) first waits MS milliseconds, as for AWS's round trip",
    )
    args = parser.parse_args(argv)
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", HOME),
    ):
        os.environ.setdefault(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)

    wall = time.perf_counter()
    print("Account benchmark: our CIS 4.12 check and Prowler's built-in, same inventories")
    print(f"machine: {machine_load()}; python {sys.version.split()[0]}")
    print(
        f"each check's execute() (report included); cold = its first run on the scenario, "
        f"memos emptied and a garbage collection before every run; {args.repeat} runs each, "
        "alternating; times in ms, memory in MB (tracemalloc peak)"
    )
    if args.latency:
        print(
            f"each API call waits {args.latency:g} ms first (a simulated round trip to AWS; "
            "calls in parallel overlap)"
        )
    print(
        f"  {'scenario':<76} {'objects':>8} {'built-in':>9} {'ours':>9} {'ratio':>7} "
        f"{'ours-API':>9} {'calls':>6} {'b-in med':>9} {'ours med':>9} {'b-in MB':>7} "
        f"{'ours MB':>7}"
    )
    rows = []
    for n, scenario in enumerate(scenarios.load(args.quick, args.only)):
        row = measure(scenario, max(1, args.repeat), n % 2 == 1, args.profile, args.latency / 1e3)
        rows.append(row)
        print_row(row)
        sys.stdout.flush()
    print("\nverdicts and our API calls (cold run):")
    for row in rows:
        print(f"  {row.scenario.name}")
        print(f"    built-in {row.builtin.status}: {row.builtin.sentence}")
        print(f"    ours     {row.ours.status}: {row.ours.sentence}")
        print(
            f"    our API calls: {sum(row.ours.calls.values())} ({_calls(row.ours.calls)}), "
            f"{_ms(row.ours.api_seconds)} ms of them; built-in: {sum(row.builtin.calls.values())}"
        )
    sections = [row for row in rows if row.section is not None]
    if sections:
        print("\none check (4.12) and the 15 checks of the monitoring section, evaluated as a scan")
        print("evaluates them (shared reads), same Prowler objects, cold, no report:")
        for row in sections:
            timing = row.section
            assert timing is not None
            statuses = ", ".join(f"{n} {s}" for s, n in sorted(timing.statuses.items()))
            print(
                f"  {row.scenario.name}: one {_ms(timing.one)} ms ({timing.one_calls} API calls), "
                f"section {_ms(timing.section)} ms ({timing.section_calls} API calls; {statuses}); "
                f"section / one {timing.section / timing.one:.2f}"
            )
    if rows:
        worst = max(rows, key=lambda r: r.ratio)
        print(f"\nhighest ratio ours / built-in (cold): {worst.ratio:.2f} ({worst.scenario.name})")
    if not args.no_import:
        for byte_compiled, how in (
            (True, "byte-compiled, as pip installs it"),
            (False, "compiled from source each time, PYTHONDONTWRITEBYTECODE"),
        ):
            first, median = plugin_import_seconds(byte_compiled)
            print(
                f"plug-in import after Prowler's (fresh interpreter, {how}): {_ms(first)} ms "
                f"first, {_ms(median)} ms median of 5"
            )
    print(f"\n(total benchmark wall time {time.perf_counter() - wall:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
