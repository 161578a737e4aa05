"""moto 5.2, patched where it differs from AWS in what a CIS 4.12 decision depends on.

Used by the moto server process (``moto_server.py``, which applies every patch for its whole
life with :func:`apply_patches`) and by in-process tests (``with patched_moto("sns_confirmation"):``
applies the named patches and restores moto's classes afterwards).

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

5. Security Hub product integrations (``moto.securityhub``: ``SecurityHubBackend``,
   ``SecurityHubResponse`` and the service's ``url_paths``).
   Not a CIS 4.12 decision but the delivery of its findings: before ``prowler --security-hub``
   sends anything to a region it calls ListEnabledProductsForImport and sends only if the
   answer lists its own product subscription
   (``arn:aws:securityhub:<region>:<account>:product-subscription/prowler/prowler``), which a
   user creates with EnableImportFindingsForProduct (``--product-arn
   arn:aws:securityhub:<region>::product/prowler/prowler``). moto has neither operation (no
   route for ``/productSubscriptions``), so Prowler would send nothing. Patched in: both
   operations as the Security Hub API reference describes them. EnableImportFindingsForProduct
   takes a product ARN (``arn:<partition>:securityhub:<region>:[<account>]:product/<company>/
   <product>``, otherwise ``InvalidInputException``) and returns the account's
   ``ProductSubscriptionArn`` in the region called; enabling it again is a
   ``ResourceConflictException``. ListEnabledProductsForImport returns the region's
   ``ProductSubscriptions`` (ARNs). Both answer ``InvalidAccessException`` (``Account <id> is
   not subscribed to AWS Security Hub``) until EnableSecurityHub was called in that account
   and region, and the subscriptions live in the region's Security Hub backend (reset with it).
   BatchImportFindings is left as moto has it: it does not refuse findings of a product that
   is not enabled (AWS would, with ``InvalidAccess``); Prowler checks before sending.

6. Organization trails seen from member accounts (``CloudTrailBackend.describe_trails``/
   ``get_trail_status``/``get_event_selectors``/``get_insight_selectors`` and
   ``CloudTrailResponse.get_trail``).
   In AWS an organization trail (CreateTrail with ``IsOrganizationTrail`` in the organization's
   management account) is visible to every member account: the member's DescribeTrails
   (``includeShadowTrails`` defaults to true) and ListTrails list it with its real
   ``TrailARN`` (in the management account), ``HomeRegion``, ``IsOrganizationTrail`` true and
   the management account's ``CloudWatchLogsLogGroupArn``/``CloudWatchLogsRoleArn``, in every
   region when it is multi-region. GetTrailStatus, GetEventSelectors, GetInsightSelectors and
   GetTrail answer for it from a member given its full ARN; by name only the member gets
   TrailNotFoundException. Members cannot change or delete it. moto accepts
   ``IsOrganizationTrail`` on CreateTrail and reports it in DescribeTrails, but keeps trails
   per account, so members see nothing. Membership is moto's own:
   ``organizations_backends.master_accounts`` (member -> management account, filled by
   CreateAccount in the management account's organization), confirmed against that
   organization's account list (``/moto-api/reset`` empties the organization but not that
   map). Patched, for a member account only:

   - ``describe_trails`` with shadow trails (hence also ListTrails and GetTrailStatus's lookup)
     adds the management account's organization trails that AWS shows in the region called
     (multi-region ones everywhere, single-region ones in their home region). They are the
     management account's trail objects, so their status, event selectors (patch 3) and
     delivery error (patch 2) are the management account's.
   - ``get_trail_status`` refuses such a trail named by its name rather than its ARN
     (TrailNotFoundException, as moto words it), unless the member has a trail of that name.
   - ``get_event_selectors``/``get_insight_selectors`` and GetTrail, when the trail is not
     found otherwise (patch 4 included), answer for such a trail given by its ARN.

   Calls that change a trail still look only at the member's own trails, so they fail with
   TrailNotFoundException (DeleteTrail, as in moto, quietly does nothing for an unknown
   trail); AWS's own refusal of a member's change is not reproduced. Nor does moto check that
   an organization trail is created by a management account (AWS:
   ``NotOrganizationMasterAccountException``/``OrganizationsNotInUseException``).

7. STS AssumeRole honours the role's trust policy (``moto.sts.responses.TokenResponse
   .assume_role``). Not a CIS 4.12 decision but how a scan reaches an account (``prowler
   --role``). moto lets anyone assume any role ARN, even one that does not exist. AWS refuses
   (``AccessDenied``: ``User: <caller arn> is not authorized to perform: sts:AssumeRole on
   resource: <role arn>``, HTTP 403) unless the role's trust policy has an ``Allow``
   statement for ``sts:AssumeRole`` (``Action`` a string or a list, wildcards such as
   ``sts:*`` or ``*`` matched case-insensitively) whose ``Principal`` allows the caller.
   Patched: when the role exists in moto's IAM backend of the role's account (matched by
   role name), AssumeRole succeeds only if some such statement has ``Principal`` ``"*"`` or
   ``{"AWS": ...}`` (a string or a list) naming ``*``, the caller's account id,
   ``arn:<partition>:iam::<caller account>:root`` or any other ARN in the caller's account:
   moto cannot tell which principal of an account calls, so any principal ARN of the
   caller's account is accepted. The caller's account is the one moto's STS answers for
   (from the access key); the refusal is moto's ``AccessDeniedError`` (as its IAM access
   control raises it) with the caller's ARN from GetCallerIdentity. Deliberate deviation:
   a role that does not exist stays assumable, as in moto, because the test suite scans
   many accounts through ``--role`` to roles it never creates (AWS would refuse). Not
   considered: ``Service``/``Federated`` principals, ``Deny`` statements, ``NotAction``/
   ``NotPrincipal``, ``Condition`` (e.g. ``sts:ExternalId``) and the caller's own IAM
   policies. AssumeRoleWithWebIdentity and AssumeRoleWithSAML are left as moto has them.

The patches compose: patch 6 wraps whatever patches 2 and 4 left in place and calls it, so
:func:`apply_patches` (all of them) and :func:`patched_moto` (the named ones) apply them in
the order of ``PATCHES``, whatever order the names are given in.

Nothing else of moto is changed. ``/moto-api/reset`` resets all backends; the patches, being
on classes, survive it.
"""

from __future__ import annotations

import contextlib
import json
import re
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

# AWS confirms these protocols by itself; email/email-json/http/https wait for their owner.
SELF_CONFIRMING_PROTOCOLS = frozenset({"sqs", "lambda", "firehose", "application", "sms"})
CONFIRMED_MARKER = "+confirmed"

DEFAULT_EVENT_SELECTOR: dict[str, Any] = {
    "ReadWriteType": "All",
    "IncludeManagementEvents": True,
    "DataResources": [],
    "ExcludeManagementEventSources": [],
}

_PATCHED_FLAG = "_cis412_patched"
_MISSING = object()

Patch = tuple[Any, str, Any]  # (class, attribute, new value)


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


def _management_account(account_id: str) -> str | None:
    """The management account of the organization ``account_id`` is a member of (patch 6)."""
    from moto.organizations.models import organizations_backends

    membership = organizations_backends.master_accounts.get(account_id)
    if membership is None:
        return None
    management, partition = membership
    # dict.get: looking must not create backends; a reset empties the organization but not
    # master_accounts.
    regional = dict.get(organizations_backends, management) or {}
    organization = dict.get(regional, partition)
    if management == account_id or organization is None or organization.org is None:
        return None
    if not any(account.id == account_id for account in list(organization.accounts)):
        return None
    return management


def organization_trails(backend: Any) -> list[Any]:
    """The organization trails a member account sees in ``backend``'s region (patch 6).

    Those of its management account: multi-region ones in every region, others in their home
    region. Empty for an account that is not a member of an organization.
    """
    from moto.cloudtrail.models import cloudtrail_backends

    management = _management_account(backend.account_id)
    if management is None:
        return []
    regions = dict.get(cloudtrail_backends, management) or {}
    return [
        trail
        for regional in list(regions.values())
        for trail in list(regional.trails.values())
        if trail.is_org_trail
        and trail.partition == backend.partition
        and (trail.is_multi_region or trail.region_name == backend.region_name)
    ]


def _organization_trail(backend: Any, arn: str) -> Any:
    """The organization trail with this ARN that ``backend``'s account sees, or None."""
    return next((trail for trail in organization_trails(backend) if trail.arn == arn), None)


_ASSUME_ROLE = "sts:AssumeRole"


def _action_matches(pattern: Any, action: str) -> bool:
    """IAM action matching: case-insensitive, ``*`` and ``?`` wildcards."""
    if not isinstance(pattern, str):
        return False
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, action, re.IGNORECASE) is not None


def _principal_allows(principal: Any, partition: str, caller_account: str) -> bool:
    """Whether a trust statement's Principal lets a principal of ``caller_account`` in."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False  # NotPrincipal, malformed
    names = principal.get("AWS", [])
    for name in [names] if isinstance(names, str) else names:
        if name in ("*", caller_account):
            return True
        parts = str(name).split(":")
        # arn:<partition>:iam::<account>:root, or any user, role or session of that account
        if len(parts) >= 6 and parts[0] == "arn" and parts[1] == partition:
            if parts[4] == caller_account:
                return True
    return False


def trust_allows(role_arn: str, caller_account: str) -> bool:
    """Whether a principal of ``caller_account`` may assume ``role_arn`` (patch 7).

    True for a role that does not exist in moto's IAM backend of its account (moto's own
    behaviour, kept on purpose) and for anything that is not a role ARN (left to moto).
    """
    from moto.iam.models import iam_backends

    parts = role_arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "iam":
        return True
    if not parts[5].startswith("role/"):
        return True
    partition, account, role_name = parts[1], parts[4], parts[5].rsplit("/", 1)[-1]
    iam = dict.get(dict.get(iam_backends, account) or {}, partition)
    roles = list(iam.roles.values()) if iam is not None else []
    role = next((r for r in roles if r.name == role_name), None)
    if role is None:
        return True
    document = role.assume_role_policy_document
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            try:
                document = json.loads(urllib.parse.unquote(document))
            except ValueError:
                return True  # moto validates trust policies; nothing to judge here
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        if isinstance(actions, str):
            actions = [actions]
        if not any(_action_matches(action, _ASSUME_ROLE) for action in actions):
            continue
        if _principal_allows(statement.get("Principal"), partition, caller_account):
            return True
    return False


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


def _sns_confirmation() -> list[Patch]:
    """1. Email and http(s) subscriptions stay pending until their owner confirms."""
    from moto.sns import models as sns_models
    from moto.sns.responses import SNSResponse

    original_subscribe = sns_models.SNSBackend.subscribe

    def subscribe(self: Any, topic_arn: str, endpoint: str, protocol: str) -> Any:
        subscription = original_subscribe(self, topic_arn, endpoint, protocol)
        confirmed = subscription_is_confirmed(protocol, endpoint)
        subscription.confirmed = confirmed
        subscription.attributes["PendingConfirmation"] = not confirmed
        return subscription

    def listed_subscription_arn(self: Any) -> str:
        return self.arn if self.confirmed else "PendingConfirmation"

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

    def count(confirmed: bool) -> property:
        def getter(topic: Any) -> int:
            subscriptions = topic.sns_backend._get_topic_subscriptions(topic)
            return sum(1 for sub in subscriptions if bool(sub.confirmed) == confirmed)

        def setter(topic: Any, value: Any) -> None:  # moto's __init__ assigns 0
            pass

        return property(getter, setter)

    return [
        (sns_models.SNSBackend, "subscribe", subscribe),
        (sns_models.Subscription, "subscription_arn", property(listed_subscription_arn)),
        (SNSResponse, "subscribe", subscribe_response),
        (sns_models.Topic, "subscriptions_confimed", count(True)),
        (sns_models.Topic, "subscriptions_pending", count(False)),
    ]


def _trail_delivery() -> list[Patch]:
    """2. GetTrailStatus reports the CloudWatch Logs delivery error or time."""
    from moto.cloudtrail import models as ct_models

    original_get_trail_status = ct_models.CloudTrailBackend.get_trail_status

    def get_trail_status(self: Any, name: str) -> Any:
        status = original_get_trail_status(self, name)
        for trail in self.describe_trails(include_shadow_trails=True):
            if trail.status is status:
                return _TrailStatusView(status, trail)
        return status

    return [(ct_models.CloudTrailBackend, "get_trail_status", get_trail_status)]


def _event_selectors() -> list[Patch]:
    """3. A trail without PutEventSelectors logs all management events, and says so."""
    from moto.cloudtrail import models as ct_models

    original_description = ct_models.Trail.description

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

    return [
        (ct_models.Trail, "put_event_selectors", put_event_selectors),
        (ct_models.Trail, "get_event_selectors", get_event_selectors),
        (ct_models.Trail, "description", description),
        (ct_models.CloudTrailBackend, "put_event_selectors", backend_put_event_selectors),
    ]


def _shadow_trails() -> list[Patch]:
    """4. Read-only calls answer for a multi-region trail from any region."""
    from moto.cloudtrail import models as ct_models
    from moto.cloudtrail.responses import CloudTrailResponse

    def backend_get_event_selectors(self: Any, trail_name: str) -> Any:
        trail = _find_trail(self, trail_name)
        event_selectors, advanced_event_selectors = trail.get_event_selectors()
        return trail.arn, event_selectors, advanced_event_selectors

    def backend_get_insight_selectors(self: Any, trail_name: str) -> Any:
        trail = _find_trail(self, trail_name)
        return trail.arn, trail.get_insight_selectors()

    def get_trail_response(self: Any) -> str:
        trail = _find_trail(self.cloudtrail_backend, self._get_param("Name"))
        return json.dumps({"Trail": trail.description(include_region=True)})

    return [
        (ct_models.CloudTrailBackend, "get_event_selectors", backend_get_event_selectors),
        (ct_models.CloudTrailBackend, "get_insight_selectors", backend_get_insight_selectors),
        (CloudTrailResponse, "get_trail", get_trail_response),
    ]


def _organization_trails() -> list[Patch]:
    """6. Member accounts see their management account's organization trails."""
    from moto.cloudtrail import models as ct_models
    from moto.cloudtrail.exceptions import TrailNotFoundException
    from moto.cloudtrail.responses import CloudTrailResponse

    backend_class = ct_models.CloudTrailBackend
    original_describe_trails = backend_class.describe_trails
    previous_get_trail_status = backend_class.get_trail_status
    previous_get_event_selectors = backend_class.get_event_selectors
    previous_get_insight_selectors = backend_class.get_insight_selectors
    previous_get_trail_response = CloudTrailResponse.get_trail

    def describe_trails(self: Any, include_shadow_trails: bool) -> list[Any]:
        trails = list(original_describe_trails(self, include_shadow_trails))
        if include_shadow_trails:
            trails += [t for t in organization_trails(self) if t not in trails]
        return trails

    def get_trail_status(self: Any, name: str) -> Any:
        own = original_describe_trails(self, True)
        if not any(name in (trail.trail_name, trail.arn) for trail in own) and any(
            trail.trail_name == name for trail in organization_trails(self)
        ):
            # a member names an organization trail by its ARN only; moto's wording
            region, account = self.region_name, self.account_id
            arn = f"arn:{self.partition}:cloudtrail:{region}:{account}:trail/{name}"
            raise TrailNotFoundException(account_id=account, name=arn)
        return previous_get_trail_status(self, name)

    def get_event_selectors(self: Any, trail_name: str) -> Any:
        try:
            return previous_get_event_selectors(self, trail_name)
        except TrailNotFoundException:
            trail = _organization_trail(self, trail_name)
            if trail is None:
                raise
        event_selectors, advanced_event_selectors = trail.get_event_selectors()
        return trail.arn, event_selectors, advanced_event_selectors

    def get_insight_selectors(self: Any, trail_name: str) -> Any:
        try:
            return previous_get_insight_selectors(self, trail_name)
        except TrailNotFoundException:
            trail = _organization_trail(self, trail_name)
            if trail is None:
                raise
        return trail.arn, trail.get_insight_selectors()

    def get_trail_response(self: Any) -> str:
        try:
            return previous_get_trail_response(self)
        except TrailNotFoundException:
            trail = _organization_trail(self.cloudtrail_backend, self._get_param("Name"))
            if trail is None:
                raise
        return json.dumps({"Trail": trail.description(include_region=True)})

    return [
        (backend_class, "describe_trails", describe_trails),
        (backend_class, "get_trail_status", get_trail_status),
        (backend_class, "get_event_selectors", get_event_selectors),
        (backend_class, "get_insight_selectors", get_insight_selectors),
        (CloudTrailResponse, "get_trail", get_trail_response),
    ]


def _assume_role_trust() -> list[Patch]:
    """7. AssumeRole of an existing role needs its trust policy to let the caller in."""
    from moto.core.exceptions import AccessDeniedError
    from moto.sts.responses import TokenResponse

    original_assume_role = TokenResponse.assume_role

    def assume_role(self: Any) -> Any:
        role_arn = self._get_param("RoleArn") or ""
        caller_account = self.backend.account_id
        if not trust_allows(role_arn, caller_account):
            _, caller_arn, _ = self.backend.get_caller_identity(self.get_access_key(), self.region)
            raise AccessDeniedError(
                user_arn=caller_arn, action=f"{_ASSUME_ROLE} on resource: {role_arn}"
            )
        return original_assume_role(self)

    return [(TokenResponse, "assume_role", assume_role)]


# A product ARN as EnableImportFindingsForProduct takes it (the account part is empty for
# products such as Prowler's, the partner's account for others).
_PRODUCT_ARN = re.compile(
    r"^arn:[a-z-]+:securityhub:[a-z0-9-]+:(?:\d{12})?:"
    r"product/(?P<company>[^/\s]+)/(?P<product>[^/\s]+)$"
)


def product_subscription_arn(partition: str, region: str, account_id: str, product_arn: str) -> str:
    """The ProductSubscriptionArn of ``account_id`` in ``region`` for a product (patch 5)."""
    match = _PRODUCT_ARN.match(product_arn)
    if match is None:
        raise ValueError(product_arn)
    return (
        f"arn:{partition}:securityhub:{region}:{account_id}:"
        f"product-subscription/{match['company']}/{match['product']}"
    )


def _securityhub_product_subscriptions() -> list[Patch]:
    """5. ListEnabledProductsForImport and EnableImportFindingsForProduct."""
    from moto.securityhub import urls as sh_urls
    from moto.securityhub.exceptions import SecurityHubClientError
    from moto.securityhub.models import SecurityHubBackend
    from moto.securityhub.responses import SecurityHubResponse

    def subscriptions(backend: Any) -> list[str]:
        if not backend.enabled:
            raise SecurityHubClientError(
                "InvalidAccessException",
                f"Account {backend.account_id} is not subscribed to AWS Security Hub",
            )
        # created on first use: moto's reset() rebuilds the backend without it
        return backend.__dict__.setdefault("_cis412_product_subscriptions", [])

    def enable_import_findings(self: Any, product_arn: str) -> str:
        subscribed = subscriptions(self)
        try:
            arn = product_subscription_arn(
                self.partition, self.region_name, self.account_id, product_arn
            )
        except ValueError:
            raise SecurityHubClientError(
                "InvalidInputException", f"Invalid ProductArn: {product_arn}"
            ) from None
        if arn in subscribed:
            raise SecurityHubClientError(
                "ResourceConflictException",
                f"The product {product_arn} is already enabled for import: {arn}",
            )
        subscribed.append(arn)
        return arn

    def list_enabled_products(self: Any) -> list[str]:
        return list(subscriptions(self))

    def enable_response(self: Any) -> str:
        arn = self.securityhub_backend.enable_import_findings_for_product(
            self._get_param("ProductArn")
        )
        return json.dumps({"ProductSubscriptionArn": arn})

    def list_response(self: Any) -> str:
        arns = self.securityhub_backend.list_enabled_products_for_import()
        return json.dumps({"ProductSubscriptions": arns})

    url_paths = dict(sh_urls.url_paths)
    url_paths["{0}/productSubscriptions$"] = SecurityHubResponse.dispatch
    return [
        (sh_urls, "url_paths", url_paths),
        (SecurityHubBackend, "enable_import_findings_for_product", enable_import_findings),
        (SecurityHubBackend, "list_enabled_products_for_import", list_enabled_products),
        (SecurityHubResponse, "enable_import_findings_for_product", enable_response),
        (SecurityHubResponse, "list_enabled_products_for_import", list_response),
    ]


PATCHES: dict[str, Callable[[], list[Patch]]] = {
    "sns_confirmation": _sns_confirmation,
    "trail_delivery": _trail_delivery,
    "event_selectors": _event_selectors,
    "shadow_trails": _shadow_trails,
    "securityhub_product_subscriptions": _securityhub_product_subscriptions,
    "organization_trails": _organization_trails,
    "assume_role_trust": _assume_role_trust,
}


@contextlib.contextmanager
def patched_moto(*names: str) -> Iterator[None]:
    """The named patches (default: all) while the block runs; moto's own classes after it.

    They are applied in the order of ``PATCHES``, as :func:`apply_patches` applies them.
    """
    unknown = [name for name in names if name not in PATCHES]
    if unknown:
        raise KeyError(unknown[0])
    saved: list[tuple[Any, str, Any]] = []
    try:
        for name in (name for name in PATCHES if not names or name in names):
            for owner, attribute, value in PATCHES[name]():
                saved.append((owner, attribute, owner.__dict__.get(attribute, _MISSING)))
                setattr(owner, attribute, value)
        yield
    finally:
        for owner, attribute, original in reversed(saved):
            if original is _MISSING:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, original)


def apply_patches() -> None:
    """Every patch, for the rest of this interpreter's life (the server; idempotent)."""
    from moto.sns import models as sns_models

    if getattr(sns_models.SNSBackend, _PATCHED_FLAG, False):
        return
    setattr(sns_models.SNSBackend, _PATCHED_FLAG, True)
    for make in PATCHES.values():
        for owner, attribute, value in make():
            setattr(owner, attribute, value)
