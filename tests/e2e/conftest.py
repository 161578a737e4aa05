"""One patched moto server per test module; every scan in its own account, scans in parallel.

Each scenario is seeded into its own account (moto gives an assumed role's credentials the
role's account) and scanned by the real ``prowler`` CLI with ``--role`` of that account, so
no scan sees another's resources and no reset is needed between them. The scans are forked
from one warm Prowler process (``testkit/warm_prowler.py``: Prowler's ~10 s of start-up once
per test process, not once per scan; ``PROWLER_START=cold`` runs the ``prowler`` script
instead). All scans are started when the module's first test asks for one, ``E2E_WORKERS`` at
a time (default: 2), and each test waits for its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from testkit.moto_server import running_moto_server

from .scans import ScanBoard, Scenario


@pytest.fixture(scope="module")
def scan_board(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScanBoard]:
    """Starts the module's ``SCENARIOS`` (a dict name -> Scenario) against a fresh server."""
    scenarios: dict[str, Scenario] = request.module.SCENARIOS
    workers = int(os.environ.get("E2E_WORKERS", "2"))
    root = tmp_path_factory.mktemp("prowler-e2e")
    with running_moto_server(log_path=root / "moto-server.log") as server:
        board = ScanBoard(server, root, ThreadPoolExecutor(max_workers=workers))
        try:
            for name, scenario in scenarios.items():
                board.start(name, scenario)
            yield board
        finally:
            board.shutdown()  # every prowler process ends before the server does
            _TIMINGS.append(f"{request.module.__name__}: {board.timings()}")


_TIMINGS: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    """How long each prowler run took (a run is mostly Prowler loading its frameworks)."""
    for line in _TIMINGS:
        terminalreporter.write_line(f"prowler runs of {line}")
