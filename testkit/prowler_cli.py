"""Run the real ``prowler`` CLI and read what it wrote.

Used by the demo, the end-to-end tests and the benchmarks. Two ways to start it:

- ``cold``: the ``prowler`` script beside the running interpreter, in a subprocess, exactly as
  a user types it (the demo, the packaging tests);
- ``warm`` (the end-to-end tests' default): a child forked from one warm Prowler process that
  runs the same entry point with the same argv (see ``warm_prowler.py``): the ~10 s of start-up
  are paid once per test process instead of once per scan. ``PROWLER_START=cold`` makes every
  run cold, to confirm that both ways give the same results.

Either way Prowler runs from a working directory outside the repository, so a non-editable
install is tested as installed: with the repository root first on ``sys.path`` the source
``prowler_ext/`` would shadow the installed package.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
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
    start: str | None = None,
) -> ProwlerRun:
    """Run ``prowler <args>``; with ``output_dir`` add ``-o DIR -F NAME`` so the output files
    have known names. ``echo`` lets prowler print to this terminal instead of capturing (cold
    only). ``start`` is ``"cold"`` or ``"warm"`` (default: ``$PROWLER_START``, else cold)."""
    argv = [str(a) for a in args]
    out = Path(output_dir).resolve() if output_dir is not None else None
    if out is not None:
        remove_outputs(out, output_name)
        argv += ["-o", str(out), "-F", output_name]
    start = os.environ.get("PROWLER_START") or start or "cold"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="prowler-cwd-") as cwd:
        if start == "warm" and not echo:
            returncode, stdout, stderr = warm_prowler().run(argv, clean_env(env), cwd, timeout)
        else:
            completed = subprocess.run(
                [prowler_executable(), *argv],
                env=clean_env(env),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                capture_output=not echo,
                text=True,
                timeout=timeout,
            )
            returncode, stdout, stderr = completed.returncode, completed.stdout, completed.stderr
    return ProwlerRun(
        args=argv,
        returncode=returncode,
        stdout=stdout or "",
        stderr=stderr or "",
        seconds=time.monotonic() - started,
        output_dir=out,
        output_name=output_name if out is not None else None,
    )


class WarmProwler:
    """One warm Prowler process (``warm_prowler.py``) and the runs forked from it."""

    def __init__(self) -> None:
        server = Path(__file__).with_name("warm_prowler.py")
        self._log = tempfile.NamedTemporaryFile(prefix="warm-prowler-", suffix=".log")
        self._process = subprocess.Popen(
            [str(Path(prowler_executable()).with_name("python")), str(server)],
            env=clean_env(dict(os.environ)),
            cwd=tempfile.gettempdir(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self._ids = itertools.count()
        self._lock = threading.Lock()
        self._waiting: dict[str, Future] = {}
        self._pids: dict[str, int] = {}
        self._ready: Future = Future()
        threading.Thread(target=self._read_answers, daemon=True).start()

    def _read_answers(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            answer = json.loads(line)
            if answer.get("ready"):
                self._ready.set_result(True)
            elif "pid" in answer:
                self._pids[answer["id"]] = answer["pid"]
            else:
                with self._lock:
                    future = self._waiting.pop(answer["id"])
                future.set_result(answer["returncode"])
        failure = RuntimeError(f"the warm prowler process ended:\n{self.log_tail()}")
        if not self._ready.done():
            self._ready.set_exception(failure)
        with self._lock:
            for future in self._waiting.values():
                future.set_exception(failure)
            self._waiting.clear()

    def log_tail(self, chars: int = 4000) -> str:
        return Path(self._log.name).read_text(errors="replace")[-chars:]

    def run(
        self, argv: list[str], env: dict[str, str], cwd: str, timeout: float
    ) -> tuple[int, str, str]:
        """Run one ``prowler`` with this argv, environment and working directory."""
        self._ready.result(timeout=timeout)
        request_id = str(next(self._ids))
        stdout, stderr = Path(cwd, ".prowler-stdout"), Path(cwd, ".prowler-stderr")
        future: Future = Future()
        with self._lock:
            self._waiting[request_id] = future
            request = {"id": request_id, "argv": argv, "env": env, "cwd": cwd}
            request.update(stdout=str(stdout), stderr=str(stderr))
            assert self._process.stdin is not None
            self._process.stdin.write(json.dumps(request).encode() + b"\n")
            self._process.stdin.flush()
        try:
            returncode = future.result(timeout=timeout)
        except TimeoutError:
            pid = self._pids.get(request_id)
            if pid:
                os.kill(pid, signal.SIGKILL)
            raise subprocess.TimeoutExpired(["prowler", *argv], timeout) from None
        read = lambda path: path.read_text(errors="replace") if path.exists() else ""  # noqa: E731
        return returncode, read(stdout), read(stderr)

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._log.close()


_WARM: WarmProwler | None = None
_WARM_LOCK = threading.Lock()


def warm_prowler() -> WarmProwler:
    """This process's warm Prowler, started on first use and closed at exit."""
    global _WARM
    with _WARM_LOCK:
        if _WARM is None:
            _WARM = WarmProwler()
            atexit.register(_WARM.close)
        return _WARM
