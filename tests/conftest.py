"""Shared fixtures: moto credentials for every test, nothing reaches a real AWS endpoint.

Tests under tests/unit and the fault matrices drive Prowler's real clients on moto: they are
marked `integration` here (make test runs them, make test-fast does not). The run prints its
wall time at the end.
"""

import os
import time
from pathlib import Path

import pytest

from testkit.service_models import share_service_models

for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    MOTO_EC2_LOAD_DEFAULT_AMIS="false",  # no test uses AMIs; moto would load its public ones
)


share_service_models()  # AWS service models parsed once per process (testkit/service_models.py)

_UNIT = Path(__file__).parent / "unit"
_STARTED = time.monotonic()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _UNIT in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


def pytest_terminal_summary(terminalreporter) -> None:
    terminalreporter.write_line(f"wall time: {time.monotonic() - _STARTED:.0f} s")
