"""A local simulated AWS (moto server on 127.0.0.1) that behaves like AWS where CIS 4.12 cares.

Run it as its own process::

    python -m testkit.moto_server --port 0      # 0 = pick a free port

It prints one line ``MOTO_READY <port>`` on stdout once it listens, then serves until SIGINT or
SIGTERM (or, with ``--parent-pid PID``, until that process is gone, even if it was SIGKILLed).
From Python use :func:`running_moto_server`, which starts that process, waits until it answers,
and always stops it on exit::

    with running_moto_server() as server:
        seed_demo_account(server.endpoint_url)
        subprocess.run(["prowler", "aws", ...], env=server.env())
        server.reset()

The server runs in a separate process on purpose: Prowler pins library versions of its own, the
patches change moto's backend classes for the whole interpreter, and a process is the only
thing that is certainly gone (port included) when a test or the demo ends.

The patches it applies, and why, are described in ``moto_patches.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .moto_patches import apply_patches

READY_PREFIX = "MOTO_READY"

# --------------------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------------------


def _exit_with_parent(parent_pid: int) -> None:
    """Stop serving once the process that started this one is gone (even if SIGKILLed)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def serve(host: str, port: int, parent_pid: int | None = None) -> None:
    """Apply the patches and serve moto on host:port (0 = a free port) until signalled."""
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    apply_patches()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(host, port, app, threaded=True, request_handler=MotoRequestHandler)
    bound_port = server.server_address[1]
    os.environ["MOTO_PORT"] = str(bound_port)  # moto builds some URLs (SQS) with it

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    if parent_pid:
        _exit_with_parent(parent_pid)
    print(f"{READY_PREFIX} {bound_port}", flush=True)
    # Nothing else goes to stdout: the parent may have stopped reading it.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m testkit.moto_server",
        description="moto server patched to behave like AWS where CIS 4.12 cares",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument(
        "--parent-pid", type=int, default=None, help="exit when this process is gone"
    )
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.parent_pid)


# --------------------------------------------------------------------------------------
# The client side: start, use, stop
# --------------------------------------------------------------------------------------

DUMMY_ACCOUNT = "123456789012"  # moto's default account for the dummy credentials

_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
_AWS_VARS_TO_DROP = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CA_BUNDLE",
)


@dataclass
class MotoServer:
    """A running patched moto server process."""

    process: subprocess.Popen
    port: int
    log_path: Path
    _scratch: Path = field(repr=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, account_role: str | None = None, base: dict[str, str] | None = None) -> dict:
        """Environment for a process (prowler, boto3, aws cli) to use this server only.

        Dummy credentials of moto's default account, AWS_ENDPOINT_URL, us-east-1, no proxies,
        no shared config or credentials files of the user. With ``account_role`` (an IAM role
        ARN such as ``arn:aws:iam::111111111111:role/audit``) the credentials are those of
        that role assumed through moto's STS, so everything done with them (seeding or
        scanning) happens in the role's account.
        """
        env = dict(os.environ if base is None else base)
        for name in _PROXY_VARS + _AWS_VARS_TO_DROP:
            env.pop(name, None)
        env.update(
            {
                "AWS_ENDPOINT_URL": self.endpoint_url,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_REGION": "us-east-1",
                "AWS_CONFIG_FILE": str(self._scratch / "aws-config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(self._scratch / "aws-credentials"),
                "AWS_EC2_METADATA_DISABLED": "true",
                "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost",
            }
        )
        if account_role:
            env.update(self.credentials(account_role))
        return env

    def credentials(self, account_role: str) -> dict[str, str]:
        """AWS_* credential variables of ``account_role`` assumed through moto's STS."""
        import boto3

        sts = boto3.client(
            "sts",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        creds = sts.assume_role(RoleArn=account_role, RoleSessionName="cis412-demo")["Credentials"]
        return {
            "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"],
        }

    def reset(self) -> None:
        """Forget every resource of every account (moto's /moto-api/reset)."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with _no_proxy_opener().open(request, timeout=30) as response:
            response.read()

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


def _no_proxy_opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def _wait_ready(process: subprocess.Popen, log_path: Path, timeout: float) -> int:
    """Read the READY line from the child, then wait until it answers HTTP."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout)
    line = process.stdout.readline() if ready else ""  # the child binds, or dies (EOF)
    if not line.startswith(READY_PREFIX):
        if process.poll() is None:
            process.kill()
        process.wait(timeout=5)
        raise RuntimeError(
            f"moto server did not start (exit {process.returncode}):\n"
            f"{log_path.read_text(errors='replace')[-3000:]}"
        )
    port = int(line.split()[1])
    opener = _no_proxy_opener()
    while True:
        try:
            with opener.open(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=2) as r:
                r.read()
            return port
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"moto server on port {port} did not answer:\n"
                    f"{log_path.read_text(errors='replace')[-3000:]}"
                ) from None
            time.sleep(0.1)


@contextlib.contextmanager
def running_moto_server(
    port: int = 0, log_path: str | os.PathLike | None = None, timeout: float = 60.0
) -> Iterator[MotoServer]:
    """Start ``python -m testkit.moto_server`` in a child process; yield a :class:`MotoServer`.

    The child is always terminated (then killed) when the block ends, whatever happens.
    Its stderr (moto's log) goes to ``log_path`` (default: a temporary file).
    """
    with tempfile.TemporaryDirectory(prefix="cis412-moto-") as scratch:
        scratch_path = Path(scratch)
        log = Path(log_path) if log_path else scratch_path / "moto-server.log"
        env = dict(os.environ)
        for name in _PROXY_VARS:
            env.pop(name, None)
        # No account here uses AMIs: moto would load its catalogue of public ones into every
        # EC2 region backend it creates (a third of a second each).
        env.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        # Make `testkit` importable whatever the current directory is.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(_project_root()), env.get("PYTHONPATH", "")) if p
        )
        with open(log, "wb") as log_file:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "testkit.moto_server",
                    "--port",
                    str(port),
                    "--parent-pid",
                    str(os.getpid()),
                ],
                stdout=subprocess.PIPE,
                stderr=log_file,
                stdin=subprocess.DEVNULL,
                env=env,
                text=True,
                start_new_session=True,  # Ctrl-C in a terminal reaches only the parent
            )
        try:
            bound = _wait_ready(process, log, timeout)
            yield MotoServer(process=process, port=bound, log_path=log, _scratch=scratch_path)
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if process.stdout is not None:
        process.stdout.close()


if __name__ == "__main__":
    main()
