"""The real ``prowler`` CLI, started warm: one process imports Prowler and loads its check
metadata and compliance frameworks once, then forks a child per scan that runs Prowler's own
entry point (``prowler.__main__.prowler``, what the ``prowler`` script calls) with the scan's
argv, environment, working directory and output files.

A cold ``prowler`` spends about 10 s of CPU before it scans anything: imports (every provider's
argument parser), parsing ~700 check metadata files and ~100 compliance JSONs, and matching
every check against every requirement. Those results depend only on the installed files, so
the warm process computes them once and each child gets its own fresh copy (an unpickled
one, as a cold run would build it), and its own start time. Everything after that is the real
run, in its own process: argument parsing, plug-in discovery, provider, service clients,
checks, outputs, exit code.

Protocol (JSON lines): the client writes ``{"id", "argv", "env", "cwd", "stdout", "stderr"}``
on the server's stdin; the server answers ``{"id", "pid"}`` when the child starts and
``{"id", "returncode"}`` when it exits.
The first line the server writes is ``{"ready": true}``. Several children run at once.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import sys
import traceback
from collections.abc import Callable
from typing import Any

PROVIDER = "aws"


# ----------------------------------------------------------------------------- warm-up


def replace_everywhere(original: Any, replacement: Any) -> None:
    """Point every loaded module's name for ``original`` at ``replacement`` (Prowler imports
    its loaders by name into several modules)."""
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not namespace:
            continue
        for name, value in list(namespace.items()):
            if value is original:
                setattr(module, name, replacement)


def _fresh_copies(load: Callable[[str], Any]) -> Callable[[str], Any]:
    """``load(provider)`` computed once for ``PROVIDER``; every call unpickles its own copy."""
    frozen = pickle.dumps(load(PROVIDER))

    def loader(provider: str) -> Any:
        return pickle.loads(frozen) if provider == PROVIDER else load(provider)

    return loader


def warm_up() -> None:
    """Import Prowler and memoize its pure loaders (see the module docstring)."""
    import prowler.__main__  # noqa: F401  (imports the whole CLI)
    from prowler.lib.check import compliance, compliance_models, models
    from prowler.lib.cli.parser import ProwlerArgumentParser

    ProwlerArgumentParser()  # imports every provider's argument module, as each run does

    checks_metadata = _fresh_copies(models.CheckMetadata.get_bulk)
    frameworks = _fresh_copies(compliance_models.Compliance.get_bulk)
    universal = _fresh_copies(compliance_models.get_bulk_compliance_frameworks_universal)

    # Which requirements name each check: computed once over pristine frameworks.
    update = compliance.update_checks_metadata_with_compliance
    updated = update(frameworks(PROVIDER), checks_metadata(PROVIDER))
    frozen_compliance = pickle.dumps({check: meta.Compliance for check, meta in updated.items()})
    pristine_frameworks: dict[int, dict] = {}

    def get_frameworks(provider: str) -> dict:
        result = frameworks(provider)
        if provider == PROVIDER:
            pristine_frameworks[id(result)] = result
        return result

    def update_with_compliance(bulk_frameworks: dict, bulk_checks_metadata: dict) -> dict:
        if pristine_frameworks.get(id(bulk_frameworks)) is not bulk_frameworks:
            return update(bulk_frameworks, bulk_checks_metadata)
        known = pickle.loads(frozen_compliance)
        unknown = {}
        for check, meta in bulk_checks_metadata.items():
            if check in known:
                meta.Compliance = known[check]
            else:  # a --checks-folder check: matched the real way
                unknown[check] = meta
        if unknown:
            update(bulk_frameworks, unknown)
        return bulk_checks_metadata

    models.CheckMetadata.get_bulk = staticmethod(checks_metadata)
    compliance_models.Compliance.get_bulk = staticmethod(get_frameworks)
    replace_everywhere(compliance_models.get_bulk_compliance_frameworks_universal, universal)
    replace_everywhere(update, update_with_compliance)


# ----------------------------------------------------------------------------- one run


def _exit_code(error: SystemExit) -> int:
    if error.code is None:
        return 0
    if isinstance(error.code, int):
        return error.code
    print(error.code, file=sys.stderr)
    return 1


def _restart_clock() -> None:
    """The run's own start time, as a cold ``prowler`` takes it when it imports its config
    (the warm process imported it long before): Prowler's timestamps are proxies with a
    ``set()``; the two strings derived from them are replaced wherever they were imported."""
    from datetime import datetime, timezone

    from prowler.config import config

    config.timestamp.set(datetime.today())
    config.timestamp_utc.set(datetime.now(timezone.utc))
    fresh = {
        "output_file_timestamp": config.timestamp.strftime("%Y%m%d%H%M%S"),
        "timestamp_iso": config.timestamp.isoformat(sep=" ", timespec="seconds"),
    }
    for name, value in fresh.items():
        replace_everywhere(getattr(config, name), value)


def _run_child(request: dict[str, Any]) -> int:
    """In the forked child: become the requested ``prowler`` process and run it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(os.open(request["stdout"], flags, 0o644), 1)
    os.dup2(os.open(request["stderr"], flags, 0o644), 2)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["prowler", *request["argv"]]
    _restart_clock()
    from prowler.__main__ import prowler

    try:
        prowler()
        return 0
    except SystemExit as error:
        return _exit_code(error)
    except BaseException:
        traceback.print_exc()
        return 1


def _fork(request: dict[str, Any], answers: int) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        os.close(answers)
        code = _run_child(request)
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


# ----------------------------------------------------------------------------- server


def serve() -> None:
    """Read requests on stdin, answer on the original stdout; stray prints go to stderr."""
    answers = os.dup(1)
    os.dup2(2, 1)
    warm_up()
    os.write(answers, b'{"ready": true}\n')
    running: dict[int, str] = {}
    pending = b""
    stdin_open = True
    while stdin_open or running:
        readable, _, _ = select.select([0] if stdin_open else [], [], [], 0.05)
        if readable:
            chunk = os.read(0, 1 << 16)
            stdin_open = bool(chunk)
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                pid = _fork(request, answers)
                running[pid] = request["id"]
                os.write(answers, json.dumps({"id": request["id"], "pid": pid}).encode() + b"\n")
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            answer = {"id": running.pop(pid), "returncode": os.waitstatus_to_exitcode(status)}
            os.write(answers, json.dumps(answer).encode() + b"\n")


if __name__ == "__main__":
    serve()
