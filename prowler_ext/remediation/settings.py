"""The fixer's settings: the check's section of `--fixer-config` (YAML, top key `aws`).

Everything is validated before the account is read: an unknown key is refused rather than
ignored (a mistyped `DryRun` must not turn a dry run into a real one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from ..control import Control
from .names import (
    ALARM_NAME_MAX,
    FILTER_NAME_MAX,
    METRIC_NAME_MAX,
    TOPIC_NAME_PATTERN,
)

NAMED = ("MetricNamespace", "MetricName", "FilterName", "AlarmName", "TopicName")
OPTIONAL = ("TopicArn", "Subscriptions", "DryRun", "KmsMasterKeyId", "Tags")
KNOWN_KEYS = NAMED + OPTIONAL

# Protocols whose subscription needs nothing but a protocol and an endpoint.
PROTOCOLS = ("email", "email-json", "http", "https", "sqs", "lambda", "sms")
# AWS confirms these itself; the others wait until their owner follows the link AWS sends.
SELF_CONFIRMING = frozenset({"sqs", "lambda", "sms"})

AWS_MANAGED_SNS_KEY = "alias/aws/sns"
FIXER_TAG_KEY = "prowler-fixer"


class SettingsError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Subscription:
    protocol: str
    endpoint: str

    @property
    def self_confirming(self) -> bool:
        return self.protocol in SELF_CONFIRMING

    def __str__(self) -> str:
        return f"{self.protocol} {masked(self.endpoint)}"


def masked(endpoint: str) -> str:
    """An endpoint as the fixer prints it: a URL without its user-info, query and fragment,
    which often carry credentials or tokens (https://user:pass@host/hook?token=...)."""
    if "://" not in endpoint:
        return endpoint
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return endpoint.split("://", 1)[0] + "://***"
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"***@{host}" if "@" in parts.netloc else host
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            parts.path,
            "***" if parts.query else "",
            "***" if parts.fragment else "",
        )
    )


@dataclass(frozen=True)
class FixerSettings:
    check_id: str
    metric_namespace: str
    metric_name: str
    filter_name: str
    alarm_name: str
    topic_name: str
    topic_arn: str | None = None
    subscriptions: tuple[Subscription, ...] = ()
    dry_run: bool = False
    kms_master_key_id: str | None = None
    tags: tuple[tuple[str, str], ...] = ()

    @property
    def all_tags(self) -> list[dict[str, str]]:
        """The tags put on every alarm and topic the fixer creates."""
        tags = {FIXER_TAG_KEY: self.check_id, **dict(self.tags)}
        return [{"Key": key, "Value": value} for key, value in tags.items()]


def config_file_problem(argv: list[str]) -> str | None:
    """Why the `--fixer-config` file on Prowler's command line cannot be read, or None.

    Prowler logs a broken file (a YAML error, bad UTF-8, no `aws:` section) and goes on with
    an empty config, which would run the fixer with its defaults, `DryRun` off: so the fixer
    reads the file again itself and refuses to run on one it cannot read.
    """
    path = _option_value(argv, "--fixer-config")
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
    except OSError as error:
        return f"the fixer config file {path} cannot be read ({error.strerror or error})"
    except UnicodeDecodeError as error:
        return f"the fixer config file {path} is not UTF-8 (byte at offset {error.start})"
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return f"the fixer config file {path} is not valid YAML{where}: {problem}"
    if not isinstance(document, dict) or not isinstance(document.get("aws"), dict):
        return f"the fixer config file {path} has no aws: section (a mapping)"
    return None


def _option_value(argv: list[str], option: str) -> str | None:
    for index, argument in enumerate(argv):
        if argument == option and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith(option + "="):
            return argument.split("=", 1)[1]
    return None


def load(fixer_config: Any, control: Control) -> FixerSettings:
    """The check's settings from Prowler's `fixer_config` (the `aws` mapping); the control's
    `fixer_defaults` name what the config leaves out."""
    check_id = control.check_id
    if fixer_config is None:
        fixer_config = {}
    if not isinstance(fixer_config, dict):
        raise SettingsError(["the fixer config is not a mapping under the key aws"])
    raw = fixer_config.get(check_id)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise SettingsError([f"aws.{check_id} must be a mapping of settings"])
    problems: list[str] = []
    unknown = sorted(str(k) for k in raw if k not in KNOWN_KEYS)
    if unknown:
        problems.append(
            f"unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(known: {', '.join(KNOWN_KEYS)})"
        )
    values = {key: _text(raw, key, control.fixer_defaults[key], problems) for key in NAMED}
    _check_names(values, problems)
    topic_arn = _optional_text(raw, "TopicArn", problems)
    if topic_arn is not None:
        parts = topic_arn.split(":")
        if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sns" or not parts[5]:
            problems.append(f"TopicArn {topic_arn!r} is not an SNS topic ARN")
        elif parts[5].endswith(".fifo"):
            problems.append("TopicArn names a FIFO topic, which CloudWatch alarms cannot notify")
    kms = _optional_text(raw, "KmsMasterKeyId", problems)
    if kms is not None and is_aws_managed_sns_key(kms):
        problems.append(
            f"KmsMasterKeyId {kms} is the AWS managed key of SNS, which CloudWatch alarms cannot "
            "use: give a customer managed key whose policy allows cloudwatch.amazonaws.com "
            "kms:Decrypt and kms:GenerateDataKey*"
        )
    settings = FixerSettings(
        check_id=check_id,
        metric_namespace=values["MetricNamespace"],
        metric_name=values["MetricName"],
        filter_name=values["FilterName"],
        alarm_name=values["AlarmName"],
        topic_name=values["TopicName"],
        topic_arn=topic_arn,
        subscriptions=_subscriptions(raw.get("Subscriptions"), problems),
        dry_run=_boolean(raw.get("DryRun", False), "DryRun", problems),
        kms_master_key_id=kms,
        tags=_tags(raw.get("Tags"), problems),
    )
    if problems:
        raise SettingsError(problems)
    return settings


def is_aws_managed_sns_key(key: str | None) -> bool:
    return bool(key) and (key == AWS_MANAGED_SNS_KEY or key.endswith(":" + AWS_MANAGED_SNS_KEY))


def _text(raw: dict, key: str, default: str, problems: list[str]) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key} must be a non-empty string")
        return default
    return value.strip()


def _optional_text(raw: dict, key: str, problems: list[str]) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key} must be a non-empty string")
        return None
    return value.strip()


def _check_names(values: dict[str, str], problems: list[str]) -> None:
    if values["MetricNamespace"].startswith("AWS/"):
        problems.append("MetricNamespace must not start with AWS/ (reserved for AWS services)")
    for key, limit in (
        ("MetricNamespace", METRIC_NAME_MAX),
        ("MetricName", METRIC_NAME_MAX),
        ("FilterName", FILTER_NAME_MAX),
        ("AlarmName", ALARM_NAME_MAX),
    ):
        if len(values[key]) > limit:
            problems.append(f"{key} is longer than {limit} characters")
    if re.search(r"[:*]", values["FilterName"]):
        problems.append("FilterName must not contain ':' or '*'")
    if not TOPIC_NAME_PATTERN.fullmatch(values["TopicName"]):
        problems.append(
            "TopicName must be 1-256 letters, digits, '-' or '_' (CloudWatch alarms cannot "
            "notify FIFO topics)"
        )


def _subscriptions(raw: Any, problems: list[str]) -> tuple[Subscription, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append("Subscriptions must be a list of {Protocol, Endpoint}")
        return ()
    found: list[Subscription] = []
    for index, item in enumerate(raw, 1):
        where = f"Subscriptions item {index}"
        if not isinstance(item, dict):
            problems.append(f"{where} must be a mapping with Protocol and Endpoint")
            continue
        extra = sorted(str(k) for k in item if k not in ("Protocol", "Endpoint"))
        if extra:
            problems.append(f"{where} has unknown keys {', '.join(extra)}")
        protocol, endpoint = item.get("Protocol"), item.get("Endpoint")
        if protocol not in PROTOCOLS:
            problems.append(f"{where}: Protocol must be one of {', '.join(PROTOCOLS)}")
            continue
        if not isinstance(endpoint, str) or not endpoint.strip():
            problems.append(f"{where}: Endpoint must be a non-empty string")
            continue
        endpoint = endpoint.strip()
        problem = _endpoint_problem(protocol, endpoint)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        subscription = Subscription(protocol, endpoint)
        if subscription not in found:
            found.append(subscription)
    return tuple(found)


# What SNS Subscribe accepts per protocol (SNS API reference, Subscribe: Endpoint), checked
# before anything is written, so a rejected endpoint cannot stop a run half-way.
_EMAIL = re.compile(r"[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f]+")
_PHONE = re.compile(r"\+[1-9]\d{1,14}")  # E.164
_ARN = {
    "sqs": re.compile(r"arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?"),
    "lambda": re.compile(
        r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?"
    ),
}
TAG_KEY_MAX, TAG_VALUE_MAX, TAGS_MAX = 128, 256, 50
_TAG_TEXT = re.compile(r"[\w\s.:/=+\-@]*")  # letters, digits, spaces and _ . : / = + - @


def _endpoint_problem(protocol: str, endpoint: str) -> str | None:
    shown = masked(endpoint)
    if protocol in ("email", "email-json") and not _EMAIL.fullmatch(endpoint):
        return f"{shown!r} is not an email address"
    if protocol in ("http", "https"):
        try:
            parts = urlsplit(endpoint)
        except ValueError:
            parts = None
        if parts is None or parts.scheme != protocol or not parts.hostname:
            return f"an {protocol} endpoint must be a URL {protocol}://host/…, not {shown!r}"
        if any(c.isspace() for c in endpoint):
            return f"the {protocol} endpoint {shown!r} holds a space or a line break"
    if protocol == "sms" and not _PHONE.fullmatch(endpoint):
        return f"an sms endpoint must be a phone number in E.164 form (+15555550100), not {shown!r}"
    if protocol in _ARN and not _ARN[protocol].fullmatch(endpoint):
        return f"an {protocol} endpoint must be the ARN of the {protocol} resource, not {shown!r}"
    return None


def _boolean(value: Any, key: str, problems: list[str]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    problems.append(f"{key} must be true or false")
    return True  # the safe reading of a value we cannot read


def _tags(raw: Any, problems: list[str]) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.append("Tags must be a mapping of tag keys to values")
        return ()
    tags = []
    if len(raw) + 1 > TAGS_MAX:
        problems.append(f"at most {TAGS_MAX - 1} Tags (AWS allows {TAGS_MAX}, one is the fixer's)")
    for key, value in raw.items():
        if not isinstance(key, str) or not key or key.lower().startswith("aws:"):
            problems.append(f"tag key {key!r} is not allowed")
            continue
        if key == FIXER_TAG_KEY:
            problems.append(f"tag key {FIXER_TAG_KEY} is set by the fixer itself")
            continue
        text = "" if value is None else str(value)
        if len(key) > TAG_KEY_MAX or not _TAG_TEXT.fullmatch(key):
            problems.append(
                f"tag key {key[:40]!r} must be at most {TAG_KEY_MAX} letters, digits, spaces or "
                "_ . : / = + - @"
            )
            continue
        if len(text) > TAG_VALUE_MAX or not _TAG_TEXT.fullmatch(text):
            problems.append(
                f"the value of tag {key!r} must be at most {TAG_VALUE_MAX} letters, digits, "
                "spaces or _ . : / = + - @"
            )
            continue
        tags.append((key, text))
    return tuple(tags)
