"""Scenarios and the board of their running scans (used by conftest.py and the tests)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testkit.account import AwsAccount
from testkit.moto_server import MotoServer
from testkit.prowler_cli import ProwlerRun, run_prowler

ROLE_NAME = "ProwlerAudit"


def role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{ROLE_NAME}"


@dataclass
class Scenario:
    """An account seeded by ``seed`` and the prowler arguments that scan it."""

    account_id: str | None
    args: list[str]
    seed: Callable[[AwsAccount], Any] | None = None
    output_formats: tuple[str, ...] | None = None


@dataclass
class ScanBoard:
    """Scans running on one server; ``run(name)`` waits for one scan and returns it."""

    server: MotoServer
    root: Path
    _executor: ThreadPoolExecutor
    _futures: dict[str, Future] = field(default_factory=dict)
    seeded: dict[str, Any] = field(default_factory=dict)
    _seed_errors: dict[str, BaseException] = field(default_factory=dict)

    def start(self, name: str, scenario: Scenario) -> None:
        args = list(scenario.args)
        env = self.server.env()
        if scenario.account_id is not None:
            account = AwsAccount.from_env(self.server.env(role_arn(scenario.account_id)))
            try:
                self.seeded[name] = scenario.seed(account) if scenario.seed else None
            except Exception as error:  # reported by the test that needs this scan
                self._seed_errors[name] = error
                return
            args += ["--role", role_arn(scenario.account_id)]
        if scenario.output_formats:
            args += ["-M", *scenario.output_formats]
        output_dir = self.root / name
        self._futures[name] = self._executor.submit(
            run_prowler, args, env, output_dir=output_dir, output_name="scan", start="warm"
        )

    def run(self, name: str) -> ProwlerRun:
        if name in self._seed_errors:
            raise RuntimeError(f"seeding scenario {name!r} failed") from self._seed_errors[name]
        return self._futures[name].result()

    def timings(self) -> str:
        """Seconds of each finished run, for the test log."""
        finished = [(n, f) for n, f in self._futures.items() if f.done() and not f.cancelled()]
        done = {n: f.result() for n, f in finished if f.exception() is None}
        return ", ".join(f"{name} {run.seconds:.0f}s" for name, run in done.items())

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
