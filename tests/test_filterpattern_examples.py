"""Example-based tests for prowler_ext.filterpattern (CloudWatch Logs filter patterns).

Written from shared/docs/filter-patterns.md, shared/docs/cis-4.12-semantics.md and the AWS
documentation ("Filter pattern syntax for metric filters, subscription filters, and filter log
events" and its JSON / regex / unstructured-terms sub-pages), independently of the engine.
"""

from __future__ import annotations

import json

import pytest
from filterpattern_strategies import (
    ABSENT,
    CGW_EVENTS,
    EVENTS,
    IGW_EVENTS,
    assert_fixed_fields,
    cloudtrail_record,
    compact,
    fixed_fields,
)

from prowler_ext.control import NETWORK_GATEWAY_CHANGES, NETWORK_GATEWAY_EVENTS
from prowler_ext.filterpattern import (
    Coverage,
    Pattern,
    PatternError,
    Verdict,
    coverage,
    matches,
    parse,
)

# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

BENCHMARK = NETWORK_GATEWAY_CHANGES.benchmark_pattern


def _or_names(names, quoted=False, parens=True, sep=" || ", eq=" = "):
    def one(n):
        v = f'"{n}"' if quoted else n
        c = f"$.eventName{eq}{v}"
        return f"({c})" if parens else c

    return sep.join(one(n) for n in names)


SIX_AND = "{ " + _or_names(EVENTS, sep=" && ") + " }"

SG = (
    "AuthorizeSecurityGroupIngress AuthorizeSecurityGroupEgress RevokeSecurityGroupIngress "
    "RevokeSecurityGroupEgress CreateSecurityGroup DeleteSecurityGroup"
).split()
NACL = (
    "CreateNetworkAcl CreateNetworkAclEntry DeleteNetworkAcl DeleteNetworkAclEntry "
    "ReplaceNetworkAclEntry ReplaceNetworkAclAssociation"
).split()
ROUTES = (
    "CreateRoute CreateRouteTable ReplaceRoute ReplaceRouteTableAssociation DeleteRouteTable "
    "DeleteRoute DisassociateRouteTable"
).split()
VPC = "CreateVpc DeleteVpc ModifyVpcAttribute".split()
# CIS 4.10-4.14 in one filter (compact form to stay within the 1024-character limit)
CIS_COMBINED = "{" + _or_names(SG + NACL + list(EVENTS) + ROUTES + VPC, sep="||", eq="=") + "}"
# the same, spaced, without the VPC events (so it still fits)
CIS_COMBINED_SPACED = "{ " + _or_names(SG + NACL + list(EVENTS) + ROUTES[:4]) + " }"


def check_coverage(pattern, event) -> Coverage:
    """coverage() plus every invariant the spec puts on its result."""
    cov = coverage(pattern, event)
    assert isinstance(cov, Coverage)
    assert isinstance(cov.verdict, Verdict)
    assert cov.verdict in ("CAUGHT", "MISSED", "UNKNOWN")
    assert isinstance(cov.reason, str) and cov.reason.strip(), "reason must be a sentence"
    if cov.verdict == "MISSED":
        cx = cov.counterexample
        assert_fixed_fields(cx, event)
        json.dumps(cx)  # a real, serialisable record
        assert matches(pattern, cx) is False, f"counterexample {cx!r} is matched by {pattern!r}"
        assert matches(pattern, compact(cx)) is False
    else:
        assert cov.counterexample is None
    return cov


def verdict(pattern, event) -> str:
    return check_coverage(pattern, event).verdict


def assert_position(err: PatternError, text: str, *targets: int, tol: int = 2) -> None:
    assert isinstance(err, ValueError)
    assert isinstance(err.message, str) and err.message.strip()
    assert str(err).strip()
    assert isinstance(err.position, int)
    assert 0 <= err.position <= len(text), (err.position, len(text))
    if targets:
        assert any(abs(err.position - t) <= tol for t in targets), (
            f"position {err.position} not near {targets} in {text!r} ({err.message})"
        )


def assert_position_in(err: PatternError, text: str, lo: int, hi: int) -> None:
    assert_position(err, text)
    assert lo <= err.position <= hi, (
        f"position {err.position} not in [{lo}, {hi}] in {text!r} ({err.message})"
    )


# --------------------------------------------------------------------------------------------
# API surface
# --------------------------------------------------------------------------------------------


def test_network_gateway_events_constant():
    assert tuple(NETWORK_GATEWAY_EVENTS) == EVENTS
    assert isinstance(NETWORK_GATEWAY_EVENTS, tuple)


def test_verdict_is_str_valued_enum():
    assert Verdict.CAUGHT == "CAUGHT"
    assert Verdict.MISSED == "MISSED"
    assert Verdict.UNKNOWN == "UNKNOWN"
    assert Verdict("MISSED") is Verdict.MISSED
    assert {v.value for v in Verdict} == {"CAUGHT", "MISSED", "UNKNOWN"}


def test_pattern_error_is_value_error():
    assert issubclass(PatternError, ValueError)


@pytest.mark.parametrize(
    "text", [BENCHMARK, "CreateInternetGateway", "[w1, w2]", "", "   ", '""', "?a ?b"]
)
def test_parse_returns_pattern_for_each_kind(text):
    p = parse(text)
    assert isinstance(p, Pattern)


def test_parsed_pattern_and_text_are_interchangeable():
    p = parse(BENCHMARK)
    rec = cloudtrail_record("AttachInternetGateway")
    assert matches(p, rec) is True
    assert matches(BENCHMARK, rec) is True
    assert check_coverage(p, "AttachInternetGateway").verdict == "CAUGHT"


def test_record_may_be_dict_or_text():
    rec = cloudtrail_record("CreateInternetGateway")
    pat = '{ $.eventName = "CreateInternetGateway" }'
    assert matches(pat, rec) is True
    assert matches(pat, compact(rec)) is True
    assert matches(pat, json.dumps(rec, indent=2)) is True


# --------------------------------------------------------------------------------------------
# filter-patterns.md: the examples table
# --------------------------------------------------------------------------------------------

DOC_TABLE = (
    [(f"bench-{e}", BENCHMARK, cloudtrail_record(e), True) for e in EVENTS]
    + [
        ("bench-CreateVpnGateway", BENCHMARK, cloudtrail_record("CreateVpnGateway"), False),
        ("bench-CreateNatGateway", BENCHMARK, cloudtrail_record("CreateNatGateway"), False),
        (
            "quoted",
            '{ $.eventName = "CreateInternetGateway" }',
            cloudtrail_record("CreateInternetGateway"),
            True,
        ),
        (
            "unquoted",
            "{ $.eventName = CreateInternetGateway }",
            cloudtrail_record("CreateInternetGateway"),
            True,
        ),
        (
            "case-sensitive",
            "{ $.eventName = createinternetgateway }",
            cloudtrail_record("CreateInternetGateway"),
            False,
        ),
    ]
    + [
        (f"star-prefix-{e}", "{ $.eventName = *InternetGateway }", cloudtrail_record(e), True)
        for e in IGW_EVENTS
    ]
    + [
        (f"regex-{e}", "{ $.eventName = %InternetGateway% }", cloudtrail_record(e), True)
        for e in IGW_EVENTS
    ]
    + [
        ("and-binds-tighter", "{ $.a = 1 && $.b = 2 || $.c = 3 }", {"c": 3}, True),
        (
            "neq-missing-field",
            '{ $.eventName = CreateInternetGateway && $.errorCode != "AccessDenied" }',
            cloudtrail_record("CreateInternetGateway", errorCode=ABSENT),
            False,
        ),
        (
            "is-null-missing-field",
            "{ $.errorCode IS NULL }",
            cloudtrail_record("CreateInternetGateway", errorCode=ABSENT),
            False,
        ),
        (
            "object-selector",
            "{ $.userIdentity = IAMUser }",
            cloudtrail_record("CreateInternetGateway"),
            False,
        ),
        (
            "text-term",
            "CreateInternetGateway",
            cloudtrail_record("CreateInternetGateway"),
            True,
        ),
        (
            "text-or-first",
            "?CreateInternetGateway ?DeleteInternetGateway",
            cloudtrail_record("CreateInternetGateway"),
            True,
        ),
        (
            "text-or-second",
            "?CreateInternetGateway ?DeleteInternetGateway",
            cloudtrail_record("DeleteInternetGateway"),
            True,
        ),
        ("empty-dict", '""', cloudtrail_record("CreateInternetGateway"), True),
        ("empty-text", '""', "any old line of text", True),
        ("empty-json", '""', '{"x": 1}', True),
    ]
)


@pytest.mark.parametrize(
    "pattern, record, expected", [r[1:] for r in DOC_TABLE], ids=[r[0] for r in DOC_TABLE]
)
def test_doc_examples_table(pattern, record, expected):
    assert matches(pattern, record) is expected
    if isinstance(record, dict):
        assert matches(pattern, compact(record)) is expected
        assert matches(parse(pattern), record) is expected


# --------------------------------------------------------------------------------------------
# filter-patterns.md: coverage examples
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event", EVENTS)
def test_doc_coverage_benchmark_catches(event):
    assert verdict(BENCHMARK, event) == "CAUGHT"


@pytest.mark.parametrize("event", EVENTS)
def test_doc_coverage_six_anded_misses(event):
    assert verdict(SIX_AND, event) == "MISSED"


@pytest.mark.parametrize("event", EVENTS)
def test_doc_coverage_root_narrowing_misses(event):
    pattern = "{ (" + BENCHMARK[1:-1] + ") && ($.userIdentity.type = Root) }"
    cov = check_coverage(pattern, event)
    assert cov.verdict == "MISSED"
    ident = cov.counterexample.get("userIdentity")
    assert not (isinstance(ident, dict) and ident.get("type") == "Root")


@pytest.mark.parametrize("event", EVENTS)
def test_doc_coverage_event_source_and_six_catches(event):
    pattern = "{ ($.eventSource = ec2.amazonaws.com) && (" + BENCHMARK[1:-1] + ") }"
    assert verdict(pattern, event) == "CAUGHT"


def test_doc_coverage_any_field_with_not_equal_is_unknown():
    pattern = '{ $.eventName = CreateInternetGateway && $.* != "AccessDenied" }'
    assert verdict(pattern, "CreateInternetGateway") == "UNKNOWN"


# --------------------------------------------------------------------------------------------
# coverage: realistic CIS patterns
# --------------------------------------------------------------------------------------------

BENCH_VARIANTS = {
    "no-parens": "{ " + _or_names(EVENTS, parens=False) + " }",
    "quoted": "{ " + _or_names(EVENTS, quoted=True) + " }",
    "quoted-no-parens": "{ " + _or_names(EVENTS, quoted=True, parens=False) + " }",
    "compact-parens": "{" + _or_names(EVENTS, sep="||", eq="=") + "}",
    "compact-quoted": "{" + _or_names(EVENTS, quoted=True, parens=False, sep="||", eq="=") + "}",
    "reversed": "{ " + _or_names(reversed(EVENTS)) + " }",
    "multiline": "{\n  " + _or_names(EVENTS, sep="\n  ||\n  ") + "\n}",
    "tabs": "{\t" + _or_names(EVENTS, sep="\t||\t") + "\t}",
    "outer-whitespace": "   " + BENCHMARK + "  \n",
    "nested-parens": "{ ((" + _or_names(EVENTS[:3]) + ") || (" + _or_names(EVENTS[3:]) + ")) }",
    "double-parens": "{ " + " || ".join(f"(($.eventName = {e}))" for e in EVENTS) + " }",
}


@pytest.mark.parametrize("name", sorted(BENCH_VARIANTS))
@pytest.mark.parametrize("event", EVENTS)
def test_benchmark_variants_catch(name, event):
    pattern = BENCH_VARIANTS[name]
    assert verdict(pattern, event) == "CAUGHT"
    assert matches(pattern, cloudtrail_record(event)) is True
    assert matches(pattern, cloudtrail_record("CreateVpnGateway")) is False


@pytest.mark.parametrize("event", EVENTS)
def test_cis_combined_4_10_to_4_14_catches(event):
    assert len(CIS_COMBINED) <= 1024
    assert verdict(CIS_COMBINED, event) == "CAUGHT"
    assert verdict(CIS_COMBINED_SPACED, event) == "CAUGHT"


def test_cis_combined_matches_other_network_events():
    for name in ("CreateRoute", "AuthorizeSecurityGroupIngress", "CreateVpc"):
        assert matches(CIS_COMBINED, cloudtrail_record(name)) is True
    assert matches(CIS_COMBINED, cloudtrail_record("RunInstances")) is False


@pytest.mark.parametrize("event", EVENTS)
def test_event_source_and_combined_catches(event):
    pattern = '{ $.eventSource = "ec2.amazonaws.com" && (' + _or_names(EVENTS) + ") }"
    assert verdict(pattern, event) == "CAUGHT"


def _narrowed(cond: str) -> str:
    return "{ (" + _or_names(EVENTS) + ") && " + cond + " }"


NARROWINGS = {
    "region": ("$.awsRegion = us-east-1", lambda cx: cx.get("awsRegion") != "us-east-1"),
    "region-quoted": (
        '($.awsRegion = "us-east-1")',
        lambda cx: cx.get("awsRegion") != "us-east-1",
    ),
    "root": (
        "$.userIdentity.type = Root",
        lambda cx: (
            not (
                isinstance(cx.get("userIdentity"), dict)
                and cx["userIdentity"].get("type") == "Root"
            )
        ),
    ),
    "no-error": ("$.errorCode NOT EXISTS", lambda cx: "errorCode" in cx),
    "not-access-denied": (
        '$.errorCode != "AccessDenied"',
        lambda cx: not (isinstance(cx.get("errorCode"), str) and cx["errorCode"] != "AccessDenied"),
    ),
    "error-is-null": ("$.errorCode IS NULL", lambda cx: cx.get("errorCode", 0) is not None),
    "not-root": ("$.userIdentity.type != Root", lambda cx: True),
    "source-ip": ("$.sourceIPAddress != 10.*", lambda cx: True),
    "error-absent-or-not-denied": (
        '($.errorCode NOT EXISTS || $.errorCode != "AccessDenied")',
        lambda cx: "errorCode" in cx,
    ),
    "error-present": ("$.errorCode = *", lambda cx: True),
    "regex-user-agent": ("$.userAgent = %aws-cli%", lambda cx: True),
    "read-only-true": ("$.readOnly IS TRUE", lambda cx: True),
}


@pytest.mark.parametrize("name", sorted(NARROWINGS))
@pytest.mark.parametrize("event", EVENTS)
def test_narrowing_misses_with_counterexample(name, event):
    cond, check = NARROWINGS[name]
    pattern = _narrowed(cond)
    cov = check_coverage(pattern, event)
    assert cov.verdict == "MISSED", cov.reason
    assert check(cov.counterexample), cov.counterexample


def test_narrowing_matches_the_narrowed_records():
    """The narrowed patterns still match records that satisfy the extra condition."""
    e = "CreateInternetGateway"
    assert matches(_narrowed("$.awsRegion = us-east-1"), cloudtrail_record(e)) is True
    assert (
        matches(_narrowed("$.awsRegion = us-east-1"), cloudtrail_record(e, awsRegion="eu-west-1"))
        is False
    )
    assert matches(_narrowed("$.errorCode NOT EXISTS"), cloudtrail_record(e)) is True
    assert (
        matches(_narrowed("$.errorCode NOT EXISTS"), cloudtrail_record(e, errorCode=None)) is False
    )
    assert (
        matches(_narrowed('$.errorCode != "AccessDenied"'), cloudtrail_record(e, errorCode="X"))
        is True
    )
    assert (
        matches(
            _narrowed('$.errorCode != "AccessDenied"'),
            cloudtrail_record(e, errorCode="AccessDenied"),
        )
        is False
    )


@pytest.mark.parametrize("event", EVENTS)
def test_suffix_wildcard_internet_gateway(event):
    expected = "CAUGHT" if event in IGW_EVENTS else "MISSED"
    assert verdict("{ $.eventName = *InternetGateway }", event) == expected
    assert verdict(
        '{ $.eventName = "*InternetGateway" || $.eventName = *InternetGateway }', event
    ) in (
        expected,
        "UNKNOWN",
    )


@pytest.mark.parametrize("event", EVENTS)
def test_other_wildcards(event):
    assert verdict("{ $.eventName = *Gateway }", event) == "CAUGHT"
    assert verdict("{ $.eventName = * }", event) == "CAUGHT"
    assert verdict("{ $.eventSource = ec2.* && $.eventName = *Gateway }", event) == "CAUGHT"
    expected = "CAUGHT" if event.startswith("Create") else "MISSED"
    assert verdict("{ $.eventName = Create* }", event) == expected
    expected = "CAUGHT" if event in CGW_EVENTS else "MISSED"
    assert verdict("{ $.eventName = *CustomerGateway }", event) == expected


@pytest.mark.parametrize("event", EVENTS)
def test_regex_coverage(event):
    assert verdict("{ $.eventName = %Gateway% }", event) == "CAUGHT"
    assert verdict("{ $.eventName = %^[A-Za-z]+Gateway$% }", event) == "CAUGHT"
    assert verdict("{ $.eventName = %gateway% }", event) == "MISSED"  # case-sensitive
    expected = "CAUGHT" if event in IGW_EVENTS else "MISSED"
    assert verdict("{ $.eventName = %InternetGateway$% }", event) == expected
    expected = "CAUGHT" if event.startswith("Create") else "MISSED"
    assert verdict("{ $.eventName = %^Create% }", event) == expected
    expected = "CAUGHT" if event.startswith(("Attach", "Detach")) else "MISSED"
    assert verdict("{ $.eventName = %^Attach|^Detach% }", event) == expected


@pytest.mark.parametrize("event", EVENTS)
def test_fixed_fields_decide(event):
    assert verdict("{ $.eventCategory = Management }", event) == "CAUGHT"
    assert verdict("{ $.eventType = AwsApiCall && $.eventName = *Gateway }", event) == "CAUGHT"
    assert verdict("{ $.eventSource != s3.amazonaws.com && $.eventName = *Gateway }", event) == (
        "CAUGHT"
    )
    assert verdict("{ $.eventName != CreateVpc }", event) == "CAUGHT"
    expected = "MISSED" if event == "CreateInternetGateway" else "CAUGHT"
    assert verdict("{ $.eventName != CreateInternetGateway }", event) == expected
    assert verdict("{ $.eventSource = EC2.amazonaws.com }", event) == "MISSED"
    assert verdict("{ $.eventSource = s3.amazonaws.com || $.eventName = CreateVpc }", event) == (
        "MISSED"
    )
    assert verdict("{ $.eventName IS NULL }", event) == "MISSED"
    assert verdict("{ $.eventName NOT EXISTS }", event) == "MISSED"
    assert verdict("{ $.readOnly IS FALSE }", event) == "CAUGHT"
    assert verdict("{ $.managementEvent IS TRUE }", event) == "CAUGHT"
    assert verdict("{ $.readOnly IS TRUE }", event) == "MISSED"
    assert verdict("{ $.eventName = " + event + " && $.readOnly IS FALSE }", event) == "CAUGHT"


@pytest.mark.parametrize("event", EVENTS)
def test_disjunction_with_free_field_still_catches(event):
    pattern = "{ $.errorCode IS NULL || $.awsRegion = us-east-1 || " + _or_names(EVENTS) + " }"
    assert verdict(pattern, event) == "CAUGHT"


@pytest.mark.parametrize("event", EVENTS)
def test_single_event_pattern(event):
    pattern = "{ $.eventName = CreateInternetGateway }"
    expected = "CAUGHT" if event == "CreateInternetGateway" else "MISSED"
    assert verdict(pattern, event) == expected
    pattern = "{ $.eventName = CreateInternetGateway || $.errorCode IS NULL }"
    assert verdict(pattern, event) == expected


@pytest.mark.parametrize("event", EVENTS)
def test_error_code_either_missing_or_present_is_enough(event):
    # CloudTrail's errorCode is a string when present (record contents reference): one of the
    # two always holds
    pattern = "{ $.eventName = *Gateway && ($.errorCode NOT EXISTS || $.errorCode = *) }"
    assert check_coverage(pattern, event).verdict == "CAUGHT"


@pytest.mark.parametrize(
    "pattern",
    [
        # '= true' against a JSON boolean is unconfirmed
        "{ $.eventName = CreateInternetGateway && $.managementEvent = true }",
        "{ $.eventName = CreateInternetGateway && $.readOnly = false }",
        # middle '*'
        "{ $.eventName = Create*Gateway }",
        # number versus string
        "{ $.eventName = CreateInternetGateway && $.eventType != 5 }",
        # case of keys
        "{ $.EventName = CreateInternetGateway }",
        # escapes inside quoted strings
        '{ $.eventName = "CreateInternet\\Gateway" }',
        '{ $.eventName = "CreateInternet\\\\Gateway" }',
        '{ $.eventName = "Create\\u0049nternetGateway" }',
        # $.* / [*] with !=
        "{ $.eventName = CreateInternetGateway && $.* != AccessDenied }",
        "{ $.eventName = CreateInternetGateway && $.resources[*].type != x }",
        # spaces inside regexes
        "{ $.eventName = %Internet Gateway% }",
    ],
)
def test_unconfirmed_behaviour_is_unknown(pattern):
    assert verdict(pattern, "CreateInternetGateway") == "UNKNOWN"


def test_unconfirmed_behaviour_does_not_hide_a_certain_miss():
    # middle '*' cannot turn 'Create*Gateway' into a Delete event: never CAUGHT
    assert verdict("{ $.eventName = Create*Gateway }", "DeleteInternetGateway") != "CAUGHT"
    # unconfirmed construct in a disjunct that is not needed: still CAUGHT
    p = "{ $.eventName = CreateInternetGateway || $.* != AccessDenied }"
    assert verdict(p, "CreateInternetGateway") == "CAUGHT"


@pytest.mark.parametrize("event", EVENTS)
def test_any_field_wildcard_with_equals(event):
    # '$.*' with '=' is documented; only its combination with '!=' is not
    assert verdict("{ $.* = " + event + " }", event) == "CAUGHT"
    assert verdict("{ $.* = *Gateway }", event) == "CAUGHT"
    assert verdict("{ $.* = AccessDenied }", event) == "MISSED"
    assert verdict("{ $.eventName = *Gateway && $.userIdentity.* = Root }", event) == "MISSED"


@pytest.mark.parametrize(
    "pattern, record",
    [
        (
            "{ $.* = AccessDenied }",
            cloudtrail_record("CreateInternetGateway", errorCode="AccessDenied"),
        ),
        (
            "{ $.eventName = CreateInternetGateway && $.userIdentity.* = Root }",
            cloudtrail_record("CreateInternetGateway", userIdentity={"type": "Root"}),
        ),
        (
            "{ $.errorCode = AccessDenied }",
            cloudtrail_record("CreateInternetGateway", errorCode="AccessDenied"),
        ),
    ],
)
def test_missed_reason_does_not_claim_impossible_when_a_record_matches(pattern, record):
    """The reason is read by responders: it must not say the pattern can never match the event
    when a record of that event does match it."""
    assert matches(pattern, record) is True
    cov = check_coverage(pattern, "CreateInternetGateway")
    assert cov.verdict == "MISSED"
    assert "never" not in cov.reason.lower(), cov.reason


@pytest.mark.parametrize(
    "pattern",
    [
        # POSIX bracket class: allowed characters, but its meaning depends on the regex dialect
        # (RE2: a letter class; Java: a nested union containing 'a'); both match the event
        "{ $.eventName = %[[:alpha:]]+% }",
    ],
)
def test_regex_dialect_dependent_never_claims_a_miss(pattern):
    try:
        cov = check_coverage(pattern, "CreateInternetGateway")
    except PatternError:
        return
    assert cov.verdict != "MISSED", cov.reason


@pytest.mark.parametrize(
    "pattern",
    [
        # 'a{,3}' is {0,3} only in Python's re; a literal in RE2, an error in Java
        "{ $.eventName = %a{,3}% }",
        "{ $.eventName = %Q{,3}% }",
    ],
)
def test_regex_dialect_dependent_never_caught_by_guessing(pattern):
    try:
        cov = check_coverage(pattern, "CreateInternetGateway")
    except PatternError:
        return
    assert cov.verdict != "CAUGHT", cov.reason


@pytest.mark.parametrize("event", EVENTS)
def test_space_delimited_is_never_caught(event):
    for pattern in ("[w1, w2]", "[w1=" + event + ", w2]", "[w1]"):
        assert verdict(pattern, event) in ("UNKNOWN", "MISSED")


# ---- text terms --------------------------------------------------------------------------


@pytest.mark.parametrize("event", EVENTS)
def test_text_or_terms_catch_all_six(event):
    pattern = " ".join("?" + e for e in EVENTS)
    assert verdict(pattern, event) == "CAUGHT"


@pytest.mark.parametrize("event", EVENTS)
def test_text_single_term_catches_only_its_event(event):
    expected = "CAUGHT" if event == "CreateInternetGateway" else "MISSED"
    assert verdict("CreateInternetGateway", event) == expected
    assert verdict('"CreateInternetGateway"', event) == expected


@pytest.mark.parametrize("event", EVENTS)
def test_text_terms_misc(event):
    assert verdict("Gateway", event) == "CAUGHT"
    assert verdict("AwsApiCall", event) == "CAUGHT"
    assert verdict('"ec2.amazonaws.com"', event) == "CAUGHT"
    assert verdict("Gateway AwsApiCall Management", event) == "CAUGHT"
    assert verdict("gateway", event) == "MISSED"
    assert verdict("Gateway Root", event) == "MISSED"
    expected = "CAUGHT" if event in IGW_EVENTS else "MISSED"
    assert verdict("InternetGateway", event) == expected
    assert verdict("?Internet ?Nothing", event) == expected
    expected = "CAUGHT" if event.startswith("Create") else "MISSED"
    assert verdict("Create Gateway", event) == expected
    assert verdict('"Internet Gateway"', event) == "MISSED"


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize(
    "pattern", ["-something", "Gateway -Root", "{E} -AccessDenied", "Gateway -{E}", "{E} -{E}"]
)
def test_text_exclusion_never_catches(event, pattern):
    pattern = pattern.replace("{E}", event)
    cov = check_coverage(pattern, event)
    assert cov.verdict == "MISSED"


@pytest.mark.parametrize("event", EVENTS)
def test_json_conditions_without_braces_are_text_terms(event):
    # a common misconfiguration: without '{ }' the conditions are text terms, and a record
    # need not contain '$.eventName' -> the event is missed
    pattern = "$.eventName = " + event
    assert verdict(pattern, event) == "MISSED"
    assert verdict(BENCHMARK[1:-1].strip(), event) == "MISSED"


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("pattern", ["", "   ", '""', "\t\n"])
def test_empty_pattern_catches_everything(event, pattern):
    assert verdict(pattern, event) == "CAUGHT"
    assert matches(pattern, cloudtrail_record(event)) is True
    assert matches(pattern, "") is True


# --------------------------------------------------------------------------------------------
# matches(): examples from the AWS documentation (JSON sub-page)
# --------------------------------------------------------------------------------------------

DOC_EVENT = {
    "eventType": "UpdateTrail",
    "sourceIPAddress": "111.111.111.111",
    "arrayKey": ["value", "another value"],
    "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
    "SomeObject": None,
    "cluster.name": "c1",
    "ThisFlag": True,
}

USER_EVENT = {
    "user": {"id": 1, "email": "John.Doe@example.com"},
    "users": [
        {"id": 2, "email": "John.Doe@example.com"},
        {"id": 3, "email": "Jane.Doe@example.com"},
    ],
    "actions": ["GET", "PUT", "DELETE"],
    "coordinates": [[0, 1], [2, 3]],
}

JSON_CASES = [
    ('{ $.eventType = "UpdateTrail" }', DOC_EVENT, True),
    ("{ $.eventType = UpdateTrail }", DOC_EVENT, True),
    ('{ $.eventType = "updatetrail" }', DOC_EVENT, False),
    ("{ $.eventType = Update* }", DOC_EVENT, True),
    ("{ $.eventType = *Trail }", DOC_EVENT, True),
    ("{ $.eventType = *Bucket }", DOC_EVENT, False),
    ("{ $.eventType = * }", DOC_EVENT, True),
    ("{ $.missing = * }", DOC_EVENT, False),
    ("{ $.sourceIPAddress != 123.123.* }", DOC_EVENT, True),
    ("{ $.sourceIPAddress != 111.111.* }", DOC_EVENT, False),
    ("{ $.sourceIPAddress = 111.111.* }", DOC_EVENT, True),
    ("{ $.sourceIPAddress = 111.111.111.111 }", DOC_EVENT, True),
    ('{ $.sourceIPAddress = "111.111.111.111" }', DOC_EVENT, True),
    ('{ $.arrayKey[0] = "value" }', DOC_EVENT, True),
    ('{ $.arrayKey[1] = "another value" }', DOC_EVENT, True),
    ('{ $.arrayKey[1] = "value" }', DOC_EVENT, False),
    ('{ $.arrayKey[7] = "value" }', DOC_EVENT, False),
    ('{ $.arrayKey = "value" }', DOC_EVENT, False),
    ('{ $.arrayKey != "value" }', DOC_EVENT, False),
    ("{ $.objectList[1].id = 2 }", DOC_EVENT, True),
    ("{ $.objectList[0].id = 2 }", DOC_EVENT, False),
    ('{ $.objectList[0].name = "a" }', DOC_EVENT, True),
    ('{ $.objectList[*].name = "b" }', DOC_EVENT, True),
    ('{ $.objectList[*].name = "z" }', DOC_EVENT, False),
    ('{ $.arrayKey[*] = "another value" }', DOC_EVENT, True),
    ('{ $.* = "UpdateTrail" }', DOC_EVENT, True),
    ('{ $.* = "NoSuchValue" }', DOC_EVENT, False),
    ("{ $.objectList[0] = a }", DOC_EVENT, False),
    ("{ $.objectList[0] != a }", DOC_EVENT, False),
    ("{ $.SomeObject IS NULL }", DOC_EVENT, True),
    ("{ $.SomeObject NOT EXISTS }", DOC_EVENT, False),
    ("{ $.SomeOtherObject NOT EXISTS }", DOC_EVENT, True),
    ("{ $.SomeOtherObject IS NULL }", DOC_EVENT, False),
    ("{ $.eventType IS NULL }", DOC_EVENT, False),
    ("{ $.eventType NOT EXISTS }", DOC_EVENT, False),
    ("{ $.ThisFlag IS TRUE }", DOC_EVENT, True),
    ("{ $.ThisFlag IS FALSE }", DOC_EVENT, False),
    ("{ $.SomeObject IS TRUE }", DOC_EVENT, False),
    ("{ $.SomeOtherObject IS FALSE }", DOC_EVENT, False),
    ("{ $.['cluster.name'] = \"c1\" }", DOC_EVENT, True),
    ('{ $.cluster.name = "c1" }', DOC_EVENT, False),
    ('{ ($.eventType = "UpdateTrail") && ($.sourceIPAddress != 123.123.*) }', DOC_EVENT, True),
    ('{ ($.eventType = "UpdateTrail") && ($.sourceIPAddress = 123.123.*) }', DOC_EVENT, False),
    ('{ ($.eventType = "Nope") || ($.ThisFlag IS TRUE) }', DOC_EVENT, True),
    # the "user" example of the JSON sub-page
    ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', USER_EVENT, True),
    (
        '{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }',
        USER_EVENT,
        False,
    ),
    (
        '{ $.user.email = "John.Doe@example.com" || $.coordinates[0][1] = "nonmatch" '
        '&& $.actions[2] = "nomatch" }',
        USER_EVENT,
        True,
    ),
    (
        '{ ($.user.email = "John.Doe@example.com" || $.coordinates[0][1] = "nonmatch") '
        '&& $.actions[2] = "nomatch" }',
        USER_EVENT,
        False,
    ),
    ("{ $.coordinates[1][0] = 2 }", USER_EVENT, True),
    ('{ $.users[1].email = "Jane.Doe@example.com" }', USER_EVENT, True),
    ('{ $.users[*].email = "Jane.Doe@example.com" }', USER_EVENT, True),
    ('{ $.actions[*] = "POST" }', USER_EVENT, False),
    ("{ $.user = 1 }", USER_EVENT, False),
    # precedence
    ("{ $.a = 1 && $.b = 2 || $.c = 3 }", {"a": 1}, False),
    ("{ $.a = 1 && $.b = 2 || $.c = 3 }", {"a": 1, "b": 2}, True),
    ("{ $.a = 1 && ($.b = 2 || $.c = 3) }", {"c": 3}, False),
    ("{ $.a = 1 && ($.b = 2 || $.c = 3) }", {"a": 1, "c": 3}, True),
    ("{ $.c = 3 || $.a = 1 && $.b = 2 }", {"c": 3}, True),
    ("{ $.c = 3 || $.a = 1 && $.b = 2 }", {"a": 1}, False),
    # numbers
    ("{ $.latency > 1000 }", {"latency": 1500}, True),
    ("{ $.latency > 1000 }", {"latency": 500}, False),
    ("{ $.latency > 1000 }", {"latency": 1000}, False),
    ("{ $.latency >= 1000 }", {"latency": 1000}, True),
    ("{ $.latency < 1000 }", {"latency": 999.5}, True),
    ("{ $.latency <= -1 }", {"latency": -1}, True),
    ("{ $.latency != 1000 }", {"latency": 999}, True),
    ("{ $.latency != 1000 }", {"latency": 1000}, False),
    ("{ $.latency = 1000 }", {"latency": 1000.0}, True),
    ("{ $.latency = 1.5e3 }", {"latency": 1500}, True),
    ("{ $.latency = 1E3 }", {"latency": 1000}, True),
    ("{ $.latency > 0.5 }", {"latency": 1}, True),
    ("{ $.latency = -2 }", {"latency": -2}, True),
    ("{ $.latency > 1000 }", {"other": 5000}, False),
    ("{ $.latency != 1000 }", {"other": 5000}, False),
    # regex values
    ("{ $.eventName = %^Create% }", {"eventName": "CreateInternetGateway"}, True),
    ("{ $.eventName = %^Create% }", {"eventName": "DeleteInternetGateway"}, False),
    ("{ $.eventName = %internet% }", {"eventName": "CreateInternetGateway"}, False),
    ("{ $.eventName = %Internet% }", {"eventName": "CreateInternetGateway"}, True),
    ("{ $.eventName = %Gateway$% }", {"eventName": "CreateInternetGateway"}, True),
    ("{ $.eventName = %^Gateway% }", {"eventName": "CreateInternetGateway"}, False),
    ("{ $.ip = %^10\\.0\\.[0-9]+\\.1$% }", {"ip": "10.0.42.1"}, True),
    ("{ $.ip = %^10\\.0\\.[0-9]+\\.1$% }", {"ip": "10.0.42.12"}, False),
    ("{ $.code = %\\d{3}% }", {"code": "err-404"}, True),
    ("{ $.code = %colou?r% }", {"code": "the color"}, True),
    ("{ $.code = %gray|grey% }", {"code": "greyish"}, True),
    ("{ $.eventName = %Gateway% }", {"other": "Gateway"}, False),
    # bare strings vs objects / missing / null / booleans
    ("{ $.userIdentity.type = IAMUser }", cloudtrail_record("CreateInternetGateway"), True),
    ("{ $.userIdentity.type = Root }", cloudtrail_record("CreateInternetGateway"), False),
    ("{ $.userIdentity != IAMUser }", cloudtrail_record("CreateInternetGateway"), False),
    ("{ $.requestParameters = * }", cloudtrail_record("CreateInternetGateway"), False),
    ("{ $.errorCode = * }", cloudtrail_record("CreateInternetGateway", errorCode="X"), True),
    ("{ $.errorCode = * }", cloudtrail_record("CreateInternetGateway"), False),
    ("{ $.errorCode != AccessDenied }", cloudtrail_record("CreateInternetGateway"), False),
    (
        "{ $.errorCode != AccessDenied }",
        cloudtrail_record("CreateInternetGateway", errorCode="X"),
        True,
    ),
    ("{ $.errorCode IS NULL }", cloudtrail_record("CreateInternetGateway", errorCode=None), True),
    (
        "{ $.errorCode NOT EXISTS }",
        cloudtrail_record("CreateInternetGateway", errorCode=None),
        False,
    ),
    ("{ $.errorCode NOT EXISTS }", cloudtrail_record("CreateInternetGateway"), True),
    ("{ $.userIdentity.type NOT EXISTS }", cloudtrail_record("CreateInternetGateway"), False),
    ("{ $.userIdentity.nothing NOT EXISTS }", cloudtrail_record("CreateInternetGateway"), True),
    ("{ $.readOnly IS FALSE }", cloudtrail_record("CreateInternetGateway"), True),
    ("{ $.readOnly IS TRUE }", cloudtrail_record("CreateInternetGateway"), False),
    ("{ $.managementEvent IS TRUE }", cloudtrail_record("CreateInternetGateway"), True),
    ("{ $.eventName IS TRUE }", cloudtrail_record("CreateInternetGateway"), False),
    # a JSON pattern never matches a line that is not JSON
    ("{ $.eventName = CreateInternetGateway }", "CreateInternetGateway happened", False),
    ("{ $.eventName NOT EXISTS }", "not json at all", False),
    ("{ $.a = 1 }", "", False),
]


@pytest.mark.parametrize("pattern, record, expected", JSON_CASES)
def test_json_matches(pattern, record, expected):
    text = record if isinstance(record, str) else compact(record)
    assert matches(pattern, text) is expected
    if isinstance(record, dict):
        assert matches(pattern, record) is expected


def test_two_regexes_allowed_and_evaluated():
    p = "{ $.a = %^x% || $.b = %y$% }"
    assert matches(p, {"a": "xa"}) is True
    assert matches(p, {"b": "ay"}) is True
    assert matches(p, {"a": "ax", "b": "ya"}) is False


# --------------------------------------------------------------------------------------------
# matches(): text terms (unstructured sub-page)
# --------------------------------------------------------------------------------------------

TEXT_CASES = [
    ("ERROR", "[ERROR 400] BAD REQUEST", True),
    ("ERROR", "[error 400] bad request", False),
    ("ERROR ARGUMENTS", "[ERROR 400] BAD ARGUMENTS", True),
    ("ERROR ARGUMENTS", "[ERROR 400] BAD REQUEST", False),
    ("ARGUMENTS ERROR", "[ERROR 400] BAD ARGUMENTS", True),
    ('"INTERNAL SERVER ERROR"', "[ERROR 500] INTERNAL SERVER ERROR", True),
    ('"INTERNAL SERVER ERROR"', "[ERROR 500] INTERNAL ERROR SERVER", False),
    ('"SERVER ERROR" 500', "[ERROR 500] INTERNAL SERVER ERROR", True),
    ("?ERROR ?WARN", "[WARN] disk almost full", True),
    ("?ERROR ?WARN", "[ERROR] disk full", True),
    ("?ERROR ?WARN", "[INFO] all good", False),
    ("ERROR -Exiting", "[ERROR] Connection lost", True),
    ("ERROR -Exiting", "[ERROR] Exiting program", False),
    ("-Exiting", "[ERROR] Connection lost", True),
    ("-Exiting", "[ERROR] Exiting program", False),
    ("Gateway", "CreateInternetGateway", True),  # substring, not word
    ("InternetGateway", "CreateInternetGatewa", False),
    ('"CreateInternetGateway"', "x CreateInternetGateway y", True),
    ("", "", True),
    ("   ", "anything", True),
]


@pytest.mark.parametrize("pattern, record, expected", TEXT_CASES)
def test_text_matches(pattern, record, expected):
    assert matches(pattern, record) is expected


def test_text_terms_against_dict_use_compact_json():
    rec = {"a": False, "b": 1}
    assert matches('":false,"', rec) is True  # compact: {"a":false,"b":1}
    assert matches("CreateInternetGateway", cloudtrail_record("CreateInternetGateway")) is True
    assert matches("CreateInternetGateway", cloudtrail_record("DeleteInternetGateway")) is False
    assert matches('"ec2.amazonaws.com"', fixed_fields("DeleteInternetGateway")) is True


def test_standalone_regex_pattern_from_the_docs():
    # AWS documentation: %AUTHORIZED% matches both lines (unanchored, case-sensitive)
    assert matches("%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST") is True
    assert matches("%AUTHORIZED%", "[SUCCESS 200] AUTHORIZED REQUEST") is True
    assert matches("%AUTHORIZED%", "[SUCCESS 200] authorized request") is False


def test_space_delimited_basic():
    assert matches("[w1=ERROR, w2]", "ERROR something") is True
    assert matches("[w1=ERROR, w2]", "WARN something") is False


# --------------------------------------------------------------------------------------------
# parse(): valid patterns that must not be rejected
# --------------------------------------------------------------------------------------------

VALID = [
    BENCHMARK,
    CIS_COMBINED,
    "{ $.eventName = *Gateway || $.a = *x || $.b = y* || $.c = *z }",  # value wildcards
    "{ $.*.a = 1 || $.b[*] = 2 || $.c.* = 3 }",  # three selector wildcards
    "{ $.a = %x% || $.b = %y% }",  # two regexes
    "{ $.eventName = %^[A-Z]\\w+Gateway$% }",
    "{ $.a = %a{2,3}b+[0-9]*% }",
    "{ $.a = %:_#=@/;,-% }",
    "{ $[0] = 1 }",
    "{ $.a[0][1].b = 2 }",
    "{ $.['cluster.name'] = c1 }",
    "{ $.a IS NULL && $.b NOT EXISTS && $.c IS TRUE && $.d IS FALSE }",
    "{ $.a >= -1.5e-3 && $.b < 10 && $.c <= 2 && $.d > 3 && $.e != 4 }",
    '{ $.a = "with spaces and (parens) && || inside" }',
    "{$.a=1}",
    "  {  $.a = 1  }  ",
    "ERROR",
    '"a phrase" word -excluded',
    "?a ?b ?c",
    "[ip, user, username, timestamp, request, status_code, bytes]",
    "",
    "   ",
    '""',
]


@pytest.mark.parametrize("text", VALID)
def test_valid_patterns_parse(text):
    assert isinstance(parse(text), Pattern)


def test_length_limit_boundary():
    head, tail = '{ $.eventName = "', '" }'
    ok = head + "A" * (1024 - len(head) - len(tail)) + tail
    assert len(ok) == 1024
    parse(ok)
    parse("a" * 1024)
    for text in (ok[:-2] + "A" + ok[-2:], "a" * 1025, "x " * 600):
        assert len(text) > 1024
        with pytest.raises(PatternError) as info:
            parse(text)
        assert_position(info.value, text)


def test_length_limit_counts_characters_not_bytes():
    parse("\u00e9" * 1024)
    text = '{ $.a = "' + "\u00e9" * 1012 + '" }'
    assert len(text) == 1024
    parse(text)
    with pytest.raises(PatternError):
        parse("\u00e9" * 1025)


def test_error_position_is_a_character_offset():
    t = "{ $." + "\u00e9" * 10 + " = }"
    assert_position_in(_err(t), t, t.index("="), len(t))
    t = '{ $.a = "' + "\u00e9" * 20 + '" && $.b = }'
    assert_position_in(_err(t), t, t.rindex("="), len(t))


def test_cloudtrail_nested_boolean_field():
    rec = cloudtrail_record("CreateInternetGateway")
    assert matches("{ $.responseElements._return IS TRUE }", rec) is True
    assert matches("{ $.responseElements._return IS FALSE }", rec) is False


def test_quoted_value_may_contain_special_characters():
    p = '{ $.msg = "a && b || (c) }" }'
    assert matches(p, {"msg": "a && b || (c) }"}) is True
    assert matches(p, {"msg": "a"}) is False


# --------------------------------------------------------------------------------------------
# parse(): syntax errors with positions
# --------------------------------------------------------------------------------------------


def _err(text):
    with pytest.raises(PatternError) as info:
        parse(text)
    return info.value


def test_error_unclosed_brace():
    t = "{ $.eventName = CreateInternetGateway"
    assert_position(_err(t), t, 0, len(t))


def test_error_unclosed_paren():
    t = "{ ($.eventName = CreateInternetGateway }"
    assert_position(_err(t), t, 2, len(t) - 1)


def test_error_unclosed_paren_second_operand():
    t = "{ ($.eventName = A) || ($.eventName = B }"
    assert_position(_err(t), t, t.rindex("("), len(t) - 1)


def test_error_stray_close_paren():
    t = "{ $.eventName = CreateInternetGateway) }"
    assert_position(_err(t), t, t.index(")"))


def test_error_extra_close_paren():
    t = "{ ($.eventName = CreateInternetGateway)) }"
    assert_position(_err(t), t, t.rindex(")"))


def test_error_selector_without_dollar():
    t = "{ eventName = CreateInternetGateway }"
    assert_position(_err(t), t, 2)


def test_error_selector_without_dot():
    t = "{ $eventName = CreateInternetGateway }"
    assert_position(_err(t), t, 2, 3)


def test_error_selector_empty_key():
    t = "{ $. = CreateInternetGateway }"
    assert_position_in(_err(t), t, 2, 6)


def test_error_second_selector_without_dollar():
    t = "{ $.eventName = A && eventSource = ec2.amazonaws.com }"
    assert_position(_err(t), t, t.index("eventSource"))


def test_error_missing_value():
    t = "{ $.eventName = }"
    assert_position_in(_err(t), t, t.index("="), len(t))


def test_error_missing_value_before_and():
    t = "{ $.eventName = && $.a = 1 }"
    assert_position_in(_err(t), t, t.index("="), t.index("&&") + 2)


def test_error_missing_value_later():
    t = "{ $.eventName = X && $.eventSource != }"
    assert_position_in(_err(t), t, t.index("!="), len(t))


def test_error_missing_operand_after_and():
    t = "{ $.eventName = X && }"
    assert_position_in(_err(t), t, t.index("&&"), len(t))


def test_error_missing_operand_before_and():
    t = "{ && $.a = 1 }"
    assert_position(_err(t), t, 2)


def test_error_double_or():
    t = "{ $.eventName = X || || $.a = 1 }"
    assert_position_in(_err(t), t, t.index("||"), t.rindex("||") + 2)


def test_error_missing_operator():
    t = "{ $.eventName CreateInternetGateway }"
    assert_position_in(_err(t), t, t.index("Create") - 1 - 2, t.index("Create") + 2)


def test_error_trailing_text():
    t = "{ $.eventName = X } trailing"
    assert_position(_err(t), t, t.index("trailing"))


def test_error_trailing_brace():
    t = "{ $.eventName = X }}"
    assert_position(_err(t), t, len(t) - 1)


def test_error_trailing_second_pattern():
    t = "{ $.a = 1 } { $.b = 2 }"
    assert_position(_err(t), t, t.rindex("{"))


def test_error_position_counts_leading_whitespace():
    t = "      { $.eventName = }"
    assert_position_in(_err(t), t, t.index("="), len(t))


def test_error_unterminated_string():
    t = '{ $.eventName = "CreateInternetGateway }'
    assert_position(_err(t), t, t.index('"'), len(t))


def test_error_unclosed_bracket_space_delimited():
    t = "[w1, w2"
    assert_position(_err(t), t, 0, len(t))


def test_error_regex_with_parentheses():
    t = "{ $.eventName = %Create(Internet)Gateway% }"
    assert_position_in(_err(t), t, t.index("%"), t.index(")") + 1)


def test_error_regex_with_bang():
    t = "{ $.eventName = %Create!Gateway% }"
    assert_position_in(_err(t), t, t.index("%"), t.index("!") + 1)


def test_error_three_regexes():
    t = "{ $.a = %x% || $.b = %y% || $.c = %z% }"
    assert_position(_err(t), t)


def test_error_two_wildcards_in_one_selector():
    t = "{ $.*.* = x }"
    # the selector (from its '$') up to the second wildcard is the offending part
    assert_position_in(_err(t), t, t.index("$"), t.rindex("*") + 2)
    t = "{ $.a[*][*] = x }"
    assert_position_in(_err(t), t, t.index("$"), t.rindex("]") + 2)


def test_error_four_wildcards_in_pattern():
    t = "{ $.*.a = 1 || $.*.b = 2 || $.*.c = 3 || $.*.d = 4 }"
    assert_position(_err(t), t)


@pytest.mark.parametrize(
    "text",
    [
        "{ $.eventName = 'CreateInternetGateway' }",  # single quotes are rejected by AWS
        "{ $.errorCode IS NOT NULL }",  # 'IS NOT' is not supported by AWS
        "{ $.errorCode EXISTS }",  # 'EXISTS' alone is not supported by AWS
    ],
)
def test_doc_rejected_constructs(text):
    err = _err(text)
    assert_position(err, text)


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "{}}",
        "{ (",
        "{ ) }",
        "{ $ }",
        "{ $. }",
        "{ $.a }",
        "{ $.a = }",
        "{ $.a = 1 && }",
        "{ $.a = 1 } x",
        "{ $.a IS }",
        "{ $.a NOT }",
        "{ $.a = %% && $.b = %a(% }",
        "[",
    ],
)
def test_assorted_syntax_errors(text):
    assert_position(_err(text), text)


def test_invalid_pattern_in_matches_and_coverage():
    bad = "{ $.eventName = }"
    try:
        r = matches(bad, cloudtrail_record("CreateInternetGateway"))
    except PatternError:
        pass
    else:
        assert r is False
    try:
        cov = coverage(bad, "CreateInternetGateway")
    except PatternError:
        pass
    else:
        assert cov.verdict != "CAUGHT"


# --------------------------------------------------------------------------------------------
# robustness examples
# --------------------------------------------------------------------------------------------


def _parse_or_error(text):
    try:
        return parse(text)
    except PatternError as e:
        assert isinstance(e.position, int) and 0 <= e.position <= len(text)
        return None


@pytest.mark.parametrize(
    "text",
    [
        "{" + "(" * 500 + "$.a = 1" + ")" * 500 + "}",
        "{" + "(" * 510 + "$.a = 1" + ")" * 500 + "}",
        "{" + "(" * 1000 + "}",
        "{" + ")" * 1000 + "}",
        "{ " + " && ".join(f"$.a{i} = {i}" for i in range(60)) + " }",
        "{ " + " || ".join(f"$.a{i} = {i}" for i in range(60)) + " }",
        "?a " * 300,
        "-a " * 300,
        "[" * 1024,
        "{" * 1024,
        "%" * 1024,
        "\x00\x01\x02",
        "{ $.a = \udcff }",
        "{ $.\u00e9v\u00e9nement = caf\u00e9 }",
    ],
)
def test_pathological_inputs_do_not_crash(text):
    p = _parse_or_error(text)
    if p is not None:
        for ev in ("CreateInternetGateway", "DeleteCustomerGateway"):
            check_coverage(p, ev)
        assert matches(p, cloudtrail_record("CreateInternetGateway")) in (True, False)


def test_deeply_nested_parens_evaluate():
    text = "{" + "(" * 300 + "$.eventName = CreateInternetGateway" + ")" * 300 + "}"
    p = _parse_or_error(text)
    assert p is not None
    assert matches(p, cloudtrail_record("CreateInternetGateway")) is True
    assert verdict(p, "CreateInternetGateway") == "CAUGHT"


@pytest.mark.parametrize(
    "record",
    [
        "[" * 5000 + "]" * 5000,
        '{"a":' * 3000 + "1" + "}" * 3000,
        "{not json",
        "null",
        "[1,2,3]",
        '"just a string"',
        "12",
        "",
    ],
)
def test_matches_on_odd_records_returns_bool(record):
    assert matches("{ $.a = 1 }", record) in (True, False)
    assert matches("{ $.a NOT EXISTS }", record) in (True, False)
    assert matches("a", record) in (True, False)
