"""Run the real ``prowler`` CLI in a subprocess and read what it wrote.

Used by the demo and by the end-to-end tests. Prowler is started from the project's
environment (the ``prowler`` script beside the running interpreter), from a working directory
outside the repository, so a non-editable install is tested as installed: with the repository
root first on ``sys.path`` the source ``prowler_ext/`` would shadow the installed package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OUR_CHECK = "cloudwatch_changes_to_network_gateways_alarm"
BUILTIN_CHECK = "cloudwatch_changes_to_network_gateways_alarm_configured"
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Prowler's exit codes: 0 done, 3 done with FAIL findings (unless -z), anything else: broken.
EXIT_OK = 0
EXIT_FAILED_FINDINGS = 3


def prowler_executable() -> str:
    """The ``prowler`` script of this interpreter's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "prowler"
    if beside.exists():
        return str(beside)
    found = shutil.which("prowler")
    if not found:
        raise FileNotFoundError("prowler is not installed in this environment (make venv)")
    return found


def clean_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` without the project root on PYTHONPATH (see the module docstring)."""
    env = dict(env)
    root = str(PROJECT_ROOT)
    kept = [
        p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.abspath(p) != root
    ]
    if kept:
        env["PYTHONPATH"] = os.pathsep.join(kept)
    else:
        env.pop("PYTHONPATH", None)
    return env


@dataclass
class ProwlerRun:
    """One finished prowler invocation."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    output_dir: Path | None = None
    output_name: str | None = None
    _findings: list[dict[str, Any]] | None = field(default=None, repr=False)

    @property
    def crashed(self) -> bool:
        return self.returncode not in (EXIT_OK, EXIT_FAILED_FINDINGS)

    def describe(self) -> str:
        """Everything needed to understand a failed expectation."""
        return (
            f"$ prowler {' '.join(self.args)}\n(exit {self.returncode}, {self.seconds:.1f} s)\n"
            f"--- stdout (tail) ---\n{self.stdout[-4000:]}\n"
            f"--- stderr (tail) ---\n{self.stderr[-4000:]}"
        )

    def output_file(self, suffix: str) -> Path:
        """The file prowler wrote with this suffix (``.ocsf.json``, ``.asff.json``, ``.csv``,
        ``.html``)."""
        assert self.output_dir is not None and self.output_name is not None
        return self.output_dir / f"{self.output_name}{suffix}"

    def compliance_file(self, framework: str) -> Path:
        assert self.output_dir is not None and self.output_name is not None
        return self.output_dir / "compliance" / f"{self.output_name}_{framework}.csv"

    @property
    def findings(self) -> list[dict[str, Any]]:
        """The OCSF findings written by this run."""
        if self._findings is None:
            self._findings = read_ocsf(self.output_file(".ocsf.json"))
        return self._findings

    def findings_of(self, check_id: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["metadata"]["event_code"] == check_id]


def remove_outputs(output_dir: Path, output_name: str) -> None:
    """Delete the files an earlier run wrote under this name: Prowler opens its output files
    in append mode, so a second run with the same ``-F`` would add a second JSON document to
    the OCSF file (invalid JSON) and duplicate rows to the CSVs."""
    for path in output_dir.glob(f"{output_name}.*"):
        path.unlink()
    for path in (output_dir / "compliance").glob(f"{output_name}_*.csv"):
        path.unlink()


def read_ocsf(path: Path) -> list[dict[str, Any]]:
    text = path.read_text() if path.exists() else ""
    return json.loads(text) if text.strip() else []


def run_prowler(
    args: Sequence[str],
    env: dict[str, str],
    *,
    output_dir: str | os.PathLike | None = None,
    output_name: str = "prowler-e2e",
    timeout: float = 300,
    echo: bool = False,
) -> ProwlerRun:
    """Run ``prowler <args>``; with ``output_dir`` add ``-o DIR -F NAME`` so the output files
    have known names. ``echo`` lets prowler print to this terminal instead of capturing."""
    argv = [str(a) for a in args]
    out = Path(output_dir).resolve() if output_dir is not None else None
    if out is not None:
        remove_outputs(out, output_name)
        argv += ["-o", str(out), "-F", output_name]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="prowler-cwd-") as cwd:
        completed = subprocess.run(
            [prowler_executable(), *argv],
            env=clean_env(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=not echo,
            text=True,
            timeout=timeout,
        )
    return ProwlerRun(
        args=argv,
        returncode=completed.returncode,
        stdout=completed.stdout or "",
        stderr=completed.stderr or "",
        seconds=time.monotonic() - started,
        output_dir=out,
        output_name=output_name if out is not None else None,
    )
