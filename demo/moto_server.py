"""A local simulated AWS (moto server on 127.0.0.1) that behaves like AWS where CIS 4.12 cares.

Run it as its own process::

    python -m demo.moto_server --port 0      # 0 = pick a free port

It prints one line ``MOTO_READY <port>`` on stdout once it listens, then serves until SIGINT or
SIGTERM (or, with ``--parent-pid PID``, until that process is gone, even if it was SIGKILLed).
From Python use :func:`running_moto_server`, which starts that process, waits until it answers,
and always stops it on exit::

    with running_moto_server() as server:
        seed_demo_account(server.endpoint_url)
        subprocess.run(["prowler", "aws", ...], env=server.env())
        server.reset()

The server runs in a separate process on purpose: Prowler pins library versions of its own, the
patches below change moto's backend classes for the whole interpreter, and a process is the only
thing that is certainly gone (port included) when a test or the demo ends.

Patches of moto 5.2 (applied by :func:`apply_patches` in the server process only)
-------------------------------------------------------------------------------------

Each patch wraps one method or property of a moto model class; AWS behaviour that moto lacks
and that a CIS 4.12 decision depends on.

1. SNS subscriptions need confirmation (``moto.sns.models``).
   In AWS an ``email``, ``email-json``, ``http`` or ``https`` subscription stays
   ``PendingConfirmation`` until its owner follows the link that AWS sends; until then
   ``ListSubscriptionsByTopic``/``ListSubscriptions`` show the literal ``PendingConfirmation``
   instead of its ARN, and nobody is notified. moto confirms every subscription at once.
   Patched:

   - ``SNSBackend.subscribe`` marks the new subscription confirmed when its protocol is
     confirmed by AWS itself (``sqs``, ``lambda``, ``firehose``, ``application``, ``sms``) or
     when its endpoint contains ``+confirmed`` (``secops+confirmed@example.com``: the demo's
     convention for "the owner clicked the link"); otherwise pending. The subscription's
     ``PendingConfirmation`` attribute (GetSubscriptionAttributes) says the same.
   - ``Subscription.subscription_arn`` (new property, which moto's response serializer picks
     before ``arn`` for the ``SubscriptionArn`` member) reads ``PendingConfirmation`` while the
     subscription is pending. moto keeps using ``arn`` internally, so nothing else changes.
   - ``SNSResponse.subscribe`` answers ``pending confirmation`` for a pending subscription
     unless ``ReturnSubscriptionArn`` is true, as AWS does.
   - ``Topic.subscriptions_confimed``/``subscriptions_pending`` (sic, moto's names) become
     counts of the topic's subscriptions, so GetTopicAttributes reports
     ``SubscriptionsConfirmed``/``SubscriptionsPending`` as AWS does (moto always says 0).

2. CloudTrail delivery errors (``moto.cloudtrail.models.CloudTrailBackend.get_trail_status``).
   When a trail has a ``CloudWatchLogsLogGroupArn`` and its ``CloudWatchLogsRoleArn`` is
   missing or names an IAM role that does not exist in moto's IAM backend of the role's
   account (matched by role name), AWS cannot assume the role and GetTrailStatus reports
   ``LatestCloudWatchLogsDeliveryError`` (here ``AccessDenied: ...``): no event reaches the log
   group. Otherwise no error, and a logging trail with a log group also reports
   ``LatestCloudWatchLogsDeliveryTime`` (now), as a healthy trail does in AWS (moto never
   reports it).

3. CloudTrail default event selectors (``moto.cloudtrail.models.Trail``).
   A trail on which PutEventSelectors was never called logs all management events, and AWS's
   GetEventSelectors says so with the classic default selector ``[{"ReadWriteType": "All",
   "IncludeManagementEvents": true, "DataResources": [], "ExcludeManagementEventSources": []}]``;
   moto returns no selector at all. Patched ``Trail.get_event_selectors`` returns that default
   until ``Trail.put_event_selectors`` is called. The patched ``put_event_selectors`` also
   fills AWS's defaults into classic selectors (``ReadWriteType`` ``All``,
   ``IncludeManagementEvents`` true, empty lists) and lets classic and advanced selectors
   replace each other as in AWS (moto kept stale advanced selectors next to new classic ones),
   and ``Trail.description`` reports ``HasCustomEventSelectors`` accordingly.

4. Shadow trails (``CloudTrailBackend.get_event_selectors``/``get_insight_selectors`` and
   ``CloudTrailResponse.get_trail``).
   moto's DescribeTrails and GetTrailStatus already list a multi-region trail in every region
   (AWS "shadow trails", ``includeShadowTrails`` defaults to true). But GetEventSelectors,
   GetInsightSelectors and GetTrail looked the trail up only in the region called, so asking
   for a shadow trail by ARN from another region failed with TrailNotFoundException, whereas
   AWS answers for the home trail. Prowler records each trail in the first region whose
   DescribeTrails returned it, which is often not its home region, and then calls
   GetEventSelectors there; an error there aborts Prowler's selector collection for every
   trail. These read-only calls now fall back to a multi-region trail of the same account
   with that ARN (or name). Calls that change a trail still need its home region.

Nothing else of moto is changed. ``/moto-api/reset`` resets all backends; the patches, being
on classes, survive it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
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
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

READY_PREFIX = "MOTO_READY"

# AWS confirms these protocols by itself; email/email-json/http/https wait for their owner.
SELF_CONFIRMING_PROTOCOLS = frozenset({"sqs", "lambda", "firehose", "application", "sms"})
CONFIRMED_MARKER = "+confirmed"

DEFAULT_EVENT_SELECTOR: dict[str, Any] = {
    "ReadWriteType": "All",
    "IncludeManagementEvents": True,
    "DataResources": [],
    "ExcludeManagementEventSources": [],
}

_PATCHED_FLAG = "_cis412_demo_patched"


def subscription_is_confirmed(protocol: str, endpoint: str) -> bool:
    """Whether AWS would show this subscription as confirmed (see patch 1)."""
    return protocol in SELF_CONFIRMING_PROTOCOLS or CONFIRMED_MARKER in (endpoint or "")


def delivery_error(trail: Any) -> str | None:
    """LatestCloudWatchLogsDeliveryError that AWS would report for a moto trail (patch 2)."""
    from moto.iam.models import iam_backends

    if not trail.cw_log_group_arn:
        return None
    role_arn = trail.cw_role_arn or ""
    if not role_arn:
        return (
            "AccessDenied: CloudTrail has no CloudWatch Logs role to deliver to "
            f"{trail.cw_log_group_arn}"
        )
    parts = role_arn.split(":", 5)
    if len(parts) < 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return f"AccessDenied: {role_arn} is not an IAM role ARN"
    partition, account, role_name = parts[1], parts[4], parts[5].rsplit("/", 1)[-1]
    roles = iam_backends[account][partition].roles.values()
    if any(role.name == role_name for role in roles):
        return None
    return (
        f"AccessDenied: CloudTrail cannot assume role {role_arn} to deliver to "
        f"{trail.cw_log_group_arn}: the role does not exist"
    )


def _find_trail(backend: Any, name_or_arn: str) -> Any:
    """The backend's own trail, else a multi-region trail of the account (shadow trail)."""
    from moto.cloudtrail.exceptions import TrailNotFoundException
    from moto.cloudtrail.models import cloudtrail_backends

    try:
        return backend.get_trail(name_or_arn)
    except TrailNotFoundException:
        for regional in cloudtrail_backends[backend.account_id].values():
            for trail in regional.trails.values():
                if trail.is_multi_region and name_or_arn in (trail.arn, trail.trail_name):
                    return trail
        raise


class _TrailStatusView:
    """GetTrailStatus of one trail with the delivery fields AWS reports (patch 2)."""

    def __init__(self, status: Any, trail: Any):
        self._status = status
        self._trail = trail

    def __getattr__(self, name: str) -> Any:
        return getattr(self._status, name)

    def description(self) -> dict[str, Any]:
        desc = self._status.description()
        if not self._trail.cw_log_group_arn:
            return desc
        error = delivery_error(self._trail)
        if error:
            desc["LatestCloudWatchLogsDeliveryError"] = error
        elif self._status.is_logging:
            desc["LatestCloudWatchLogsDeliveryTime"] = int(datetime.now(timezone.utc).timestamp())
        return desc


def apply_patches() -> None:
    """Patch moto's backend classes in this interpreter (idempotent). See the module doc."""
    from moto.cloudtrail import models as ct_models
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.sns import models as sns_models
    from moto.sns.responses import SNSResponse

    if getattr(sns_models.SNSBackend, _PATCHED_FLAG, False):
        return
    setattr(sns_models.SNSBackend, _PATCHED_FLAG, True)

    # --- 1. SNS confirmation -----------------------------------------------------------
    original_subscribe = sns_models.SNSBackend.subscribe

    def subscribe(self: Any, topic_arn: str, endpoint: str, protocol: str) -> Any:
        subscription = original_subscribe(self, topic_arn, endpoint, protocol)
        confirmed = subscription_is_confirmed(protocol, endpoint)
        subscription.confirmed = confirmed
        subscription.attributes["PendingConfirmation"] = not confirmed
        return subscription

    sns_models.SNSBackend.subscribe = subscribe

    def listed_subscription_arn(self: Any) -> str:
        return self.arn if self.confirmed else "PendingConfirmation"

    sns_models.Subscription.subscription_arn = property(listed_subscription_arn)

    original_subscribe_response = SNSResponse.subscribe

    def subscribe_response(self: Any) -> Any:
        result = original_subscribe_response(self)
        body = getattr(result, "_result", None)
        return_arn = str(self._get_param("ReturnSubscriptionArn", False)).lower() == "true"
        if isinstance(body, dict) and not return_arn:
            subscription = self.backend.subscriptions.get(body.get("SubscriptionArn"))
            if subscription is not None and not subscription.confirmed:
                body["SubscriptionArn"] = "pending confirmation"
        return result

    SNSResponse.subscribe = subscribe_response

    def _count(confirmed: bool) -> property:
        def getter(topic: Any) -> int:
            subscriptions = topic.sns_backend._get_topic_subscriptions(topic)
            return sum(1 for sub in subscriptions if bool(sub.confirmed) == confirmed)

        def setter(topic: Any, value: Any) -> None:  # moto's __init__ assigns 0
            pass

        return property(getter, setter)

    sns_models.Topic.subscriptions_confimed = _count(True)
    sns_models.Topic.subscriptions_pending = _count(False)

    # --- 2. CloudTrail delivery errors -----------------------------------------------
    backend_cls = ct_models.CloudTrailBackend
    original_get_trail_status = backend_cls.get_trail_status

    def get_trail_status(self: Any, name: str) -> Any:
        status = original_get_trail_status(self, name)
        for trail in self.describe_trails(include_shadow_trails=True):
            if trail.status is status:
                return _TrailStatusView(status, trail)
        return status

    backend_cls.get_trail_status = get_trail_status

    # --- 3. Default event selectors ----------------------------------------------------
    trail_cls = ct_models.Trail
    original_description = trail_cls.description

    def put_event_selectors(
        self: Any,
        event_selectors: list[dict[str, Any]] | None,
        advanced_event_selectors: list[dict[str, Any]] | None,
    ) -> None:
        self._selectors_put = True
        if event_selectors:
            self.event_selectors = [{**DEFAULT_EVENT_SELECTOR, **s} for s in event_selectors]
            self.advanced_event_selectors = []
        elif advanced_event_selectors:
            self.event_selectors = []
            self.advanced_event_selectors = advanced_event_selectors

    def get_event_selectors(self: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if not getattr(self, "_selectors_put", False):
            return [dict(DEFAULT_EVENT_SELECTOR)], []
        return self.event_selectors, self.advanced_event_selectors

    def description(self: Any, include_region: bool = False) -> dict[str, Any]:
        desc = original_description(self, include_region=include_region)
        desc["HasCustomEventSelectors"] = bool(getattr(self, "_selectors_put", False))
        return desc

    trail_cls.put_event_selectors = put_event_selectors
    trail_cls.get_event_selectors = get_event_selectors
    trail_cls.description = description

    # The backend's put_event_selectors echoes the request; echo what was stored instead.
    def backend_put_event_selectors(
        self: Any,
        trail_name: str,
        event_selectors: list[dict[str, Any]] | None,
        advanced_event_selectors: list[dict[str, Any]] | None,
    ) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
        trail = self.get_trail(trail_name)
        trail.put_event_selectors(event_selectors, advanced_event_selectors)
        return trail.arn, trail.event_selectors, trail.advanced_event_selectors

    backend_cls.put_event_selectors = backend_put_event_selectors

    # --- 4. Shadow trails for read-only calls ------------------------------------------
    def backend_get_event_selectors(self: Any, trail_name: str) -> Any:
        trail = _find_trail(self, trail_name)
        event_selectors, advanced_event_selectors = trail.get_event_selectors()
        return trail.arn, event_selectors, advanced_event_selectors

    def backend_get_insight_selectors(self: Any, trail_name: str) -> Any:
        trail = _find_trail(self, trail_name)
        return trail.arn, trail.get_insight_selectors()

    backend_cls.get_event_selectors = backend_get_event_selectors
    backend_cls.get_insight_selectors = backend_get_insight_selectors

    def get_trail_response(self: Any) -> str:
        trail = _find_trail(self.cloudtrail_backend, self._get_param("Name"))
        return json.dumps({"Trail": trail.description(include_region=True)})

    CloudTrailResponse.get_trail = get_trail_response


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
        prog="python -m demo.moto_server",
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
    """Start ``python -m demo.moto_server`` in a child process; yield a :class:`MotoServer`.

    The child is always terminated (then killed) when the block ends, whatever happens.
    Its stderr (moto's log) goes to ``log_path`` (default: a temporary file).
    """
    with tempfile.TemporaryDirectory(prefix="cis412-moto-") as scratch:
        scratch_path = Path(scratch)
        log = Path(log_path) if log_path else scratch_path / "moto-server.log"
        env = dict(os.environ)
        for name in _PROXY_VARS:
            env.pop(name, None)
        # Make `demo` importable whatever the current directory is.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(_project_root()), env.get("PYTHONPATH", "")) if p
        )
        with open(log, "wb") as log_file:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "demo.moto_server",
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
