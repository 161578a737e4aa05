"""The CloudTrail record model, record classes, text mode over the whole record, AWS's dialect.

Each case comes from AWS's documentation (CloudTrail record contents, the userIdentity element,
filter pattern syntax) or from an adversarial pattern that once broke the engine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from prowler_ext.cis_monitoring import IAM_POLICY_CHANGES
from prowler_ext.cis_monitoring import ROOT_USAGE as ROOT_USAGE_CONTROL
from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from prowler_ext.filterpattern import (
    PatternError,
    RecordCase,
    api_call,
    coverage,
    matches,
    parse,
    violation,
)
from prowler_ext.filterpattern.cloudtrail import RECORD, base_record
from prowler_ext.filterpattern.matcher import evaluate

EVENTS = NETWORK_GATEWAY_CHANGES.events


def _legal_missed(pattern: str, case) -> dict:
    answer = coverage(pattern, case)
    assert answer.verdict == "MISSED", answer
    record = answer.counterexample
    assert violation(record) is None, (record, violation(record))
    assert matches(pattern, record) is False
    return record


# --------------------------------------------------------------------------- the record model


@pytest.mark.parametrize(
    "pattern",
    [
        "{ $.eventName = *Gateway && $.awsRegion = * }",
        "{ $.eventTime = * }",
        "{ $.eventVersion = * }",
        "{ $.eventID = * }",
        "{ $.userIdentity.type = * }",
        "{ $.sourceIPAddress = * }",
        "{ $.errorCode = * || $.errorCode NOT EXISTS }",
        "{ $.errorMessage NOT EXISTS || $.errorMessage = * }",
        "{ $.userIdentity NOT EXISTS || $.userIdentity.type = * }",
        # CloudTrail writes no such top-level field
        "{ $.eventName = *Gateway && $.notACloudTrailField NOT EXISTS }",
        # a required string field is never null, an object or an array
        "{ $.awsRegion IS NULL || $.awsRegion = * }",
    ],
)
def test_fields_cloudtrail_always_writes_are_caught(pattern):
    """Fields the record reference marks "Optional: False" are in every record, as strings."""
    for event in EVENTS:
        assert coverage(pattern, event).verdict == "CAUGHT", (pattern, event)


@pytest.mark.parametrize(
    "pattern, field",
    [
        ("{ $.eventName = *Gateway && $.errorCode NOT EXISTS }", "errorCode"),
        ("{ $.userAgent = * }", "userAgent"),
        ('{ $.recipientAccountId = "111122223333" || $.recipientAccountId NOT EXISTS }', None),
        ("{ $.awsRegion = us-east-1 }", "awsRegion"),
        ("{ $.userIdentity.type = IAMUser || $.userIdentity.type = AssumedRole }", "userIdentity"),
        ("{ $.requestParameters.vpcId = * }", None),
    ],
)
def test_optional_or_free_fields_give_legal_counterexamples(pattern, field):
    """A MISSED is shown with a record CloudTrail could write, that the pattern rejects."""
    for event in EVENTS[:2]:
        record = _legal_missed(pattern, event)
        assert record["eventName"] == event
        if field:
            assert field in json.dumps(record) or field not in record


def test_the_model_knows_every_documented_top_level_field():
    documented = {
        "eventTime", "eventVersion", "userIdentity", "eventSource", "eventName", "awsRegion",
        "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
        "responseElements", "additionalEventData", "requestID", "eventID", "eventType",
        "apiVersion", "managementEvent", "readOnly", "resources", "recipientAccountId",
        "serviceEventDetails", "sharedEventID", "vpcEndpointId", "vpcEndpointAccountId",
        "eventCategory", "addendum", "sessionCredentialFromConsole", "edgeDeviceDetails",
        "tlsDetails",
    }  # fmt: skip
    assert documented <= set(RECORD.members)
    required = {name for name, spec in RECORD.members.items() if spec.required}
    assert required == {
        "eventTime", "eventVersion", "userIdentity", "eventSource", "eventName", "awsRegion",
        "sourceIPAddress", "requestParameters", "responseElements", "eventID", "eventType",
        "eventCategory",
    }  # fmt: skip


@pytest.mark.parametrize(
    "record, problem",
    [
        ({}, "eventTime is missing"),
        ({**base_record(api_call("CreateCustomerGateway"), typical=True), "foo": 1}, "foo"),
        (
            {**base_record(api_call("CreateCustomerGateway"), typical=True), "errorCode": {}},
            "errorCode",
        ),
        (
            {**base_record(api_call("CreateCustomerGateway"), typical=True), "userIdentity": {}},
            "type",
        ),
    ],
)
def test_violation_names_what_makes_a_record_illegal(record, problem):
    assert problem in (violation(record) or "")


def test_the_base_records_are_legal():
    for case in NETWORK_GATEWAY_CHANGES.records:
        for typical in (True, False):
            assert violation(base_record(case, typical=typical)) is None


# --------------------------------------------------------------------------- record classes

# CIS 4.3 (root account usage), a record class that is no list of event names, and 4.4 (IAM
# policy changes), a list of another service's calls: as `cis_monitoring` states them.
ROOT_USAGE = ROOT_USAGE_CONTROL.records[0]
ROOT_BENCHMARK = ROOT_USAGE_CONTROL.benchmark_patterns[0]  # CIS 1.4-3.0, values quoted
IAM_POLICY_CALLS = IAM_POLICY_CHANGES.events


def test_a_second_control_as_data_root_usage():
    assert coverage(ROOT_BENCHMARK, ROOT_USAGE).verdict == "CAUGHT"
    # widened: every root record, service events included
    assert coverage('{ $.userIdentity.type = "Root" }', ROOT_USAGE).verdict == "CAUGHT"
    # the benchmark's clauses in another order and spelling
    reordered = (
        "{ ($.eventType != AwsServiceEvent) && ($.userIdentity.invokedBy NOT EXISTS) "
        "&& ($.userIdentity.type = Root) }"
    )
    assert coverage(reordered, ROOT_USAGE).verdict == "CAUGHT"
    # narrowed to API calls: a root console sign-in is missed
    narrowed = '{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }'
    record = _legal_missed(narrowed, ROOT_USAGE)
    assert record["userIdentity"]["type"] == "Root"
    assert record["eventType"] != "AwsApiCall"
    assert "invokedBy" not in record["userIdentity"]
    # narrowed to one region
    record = _legal_missed(ROOT_BENCHMARK[:-1] + " && $.awsRegion = us-east-1 }", ROOT_USAGE)
    assert record["awsRegion"] != "us-east-1"
    # a pattern on another identity type catches nothing of the class
    assert coverage('{ $.userIdentity.type = "IAMUser" }', ROOT_USAGE).verdict == "MISSED"


def test_a_second_control_as_data_iam_policy_changes():
    control = IAM_POLICY_CHANGES
    assert control.events == IAM_POLICY_CALLS
    assert control.event_sources == {"iam.amazonaws.com"}
    for case in control.records:
        assert coverage(control.benchmark_pattern, case).verdict == "CAUGHT"
        # widened: every IAM write
        widened = "{ $.eventSource = iam.amazonaws.com && $.readOnly IS FALSE }"
        assert coverage(widened, case).verdict == "CAUGHT"
        # the network-gateway pattern catches none of them
        record = _legal_missed(NETWORK_GATEWAY_CHANGES.benchmark_pattern, case)
        assert record["eventSource"] == "iam.amazonaws.com"
    # narrowed: a source the calls do not have
    narrowed = "{(" + control.benchmark_pattern[1:-1] + ")&&($.eventSource=ec2.amazonaws.com)}"
    assert coverage(narrowed, control.records[0]).verdict == "MISSED"


def test_the_gateway_control_is_data_written_once():
    control = NETWORK_GATEWAY_CHANGES
    assert control.event_sources == {"ec2.amazonaws.com"}
    for case in control.records:
        assert dict(case.fixed)[("eventSource",)] == "ec2.amazonaws.com"
        assert dict(case.fixed)[("readOnly",)] is False
        assert coverage(control.benchmark_pattern, case).verdict == "CAUGHT"


# --------------------------------------------------------------------------- text mode


@pytest.mark.parametrize(
    "pattern, event",
    [
        ("%Gateway$%", "CreateCustomerGateway"),
        ("%^Create%", "CreateCustomerGateway"),
        ("%^CreateCustomerGateway$%", "CreateCustomerGateway"),
        ("%^eventName$%", "CreateCustomerGateway"),
        ("?CreateCustomerGateway ?%Gateway$%", "DeleteCustomerGateway"),
        ('"eventName":"CreateCustomerGateway"', "CreateCustomerGateway"),
        ('"eventName": "CreateCustomerGateway"', "CreateCustomerGateway"),
    ],
)
def test_text_patterns_that_depend_on_how_the_record_is_written_are_never_caught(pattern, event):
    """AWS matches a text pattern against the whole log event; it does not document how
    CloudTrail writes a record, so anchors and punctuation cannot be proved."""
    answer = coverage(pattern, event)
    assert answer.verdict == "UNKNOWN", answer
    assert "writes the record" in answer.reason


def test_question_terms_mixed_with_other_terms_are_undecided():
    for pattern in ("CreateCustomerGateway ?Foo", "?CreateCustomerGateway -Foo"):
        assert coverage(pattern, "CreateCustomerGateway").verdict == "UNKNOWN"
    outcome = evaluate("?CreateCustomerGateway -Foo", "hello world")
    assert outcome.doubt is not None


@pytest.mark.parametrize(
    "pattern, verdict",
    [
        ("CreateCustomerGateway", "CAUGHT"),
        ("%CustomerGate?way%", "CAUGHT"),
        ("%Customer[A-Z]ateway%", "CAUGHT"),
        ("awsRegion", "CAUGHT"),  # a key every record has
        ('"Create Customer"', "MISSED"),
        ("%Create Customer%", "UNKNOWN"),  # a space in a regex: AWS's rules disagree
        ("Root", "MISSED"),
        ("?Root ?IAMUser", "MISSED"),
        ("CreateCustomerGateway -Root", "MISSED"),
    ],
)
def test_text_terms_over_the_whole_record(pattern, verdict):
    answer = coverage(pattern, "CreateCustomerGateway")
    assert answer.verdict == verdict, answer
    if verdict == "MISSED":
        assert violation(answer.counterexample) is None
        assert matches(pattern, answer.counterexample) is False


# --------------------------------------------------------------------------- AWS's dialect


@pytest.mark.parametrize(
    "pattern, where",
    [
        ("%Gateway~%", 8),
        ("%Gatewayé%", 8),
        ("{ $.a = %% }", 9),
        ("{ $.email = john@example.com }", 16),
        ("{ $.path = a$b }", 12),
        ("{ $.path = a\\b }", 12),
        ("{ $.a@b = 1 }", 5),
        ("{ $.eventName = %Create(Customer)%}", 23),
        ("%Create!%", 7),
    ],
)
def test_what_aws_rejects_is_a_pattern_error_with_a_position(pattern, where):
    with pytest.raises(PatternError) as raised:
        parse(pattern)
    assert raised.value.position == where, raised.value.message


@pytest.mark.parametrize(
    "pattern",
    [
        '{ $.email = "john@example.com" }',
        "{ $.['key.with.dots'] = x }",
        "{ $.sourceIPAddress != 123.123.* }",
        "{ ($.eventSource = s3.amazonaws.com) }",
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
        "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)}",
        "%10\\.10\\.0\\.1%",
        "%^starting|^initializing|^shutting down%",
        "%\\x3A%",
        "[ip=%127\\.0\\.0\\.[1-9]%, user, username, timestamp, request =*.html*, "
        "status_code = 4*, bytes]",
        "[w1=ERROR || w1=%WARN%, w2]",
        '"ERROR" - "Exiting"',
        "?ERROR ?ARGUMENTS REQUEST",
    ],
)
def test_what_aws_documents_parses(pattern):
    parse(pattern)


def test_aws_documented_examples_match_as_documented():
    # "if you change the filter pattern to "ERROR" - "Exiting", the log event message
    # "Exiting with ERRORCODE: -1" would be excluded"
    assert matches('"ERROR" - "Exiting"', "Exiting with ERRORCODE: -1") is False
    assert matches('"ERROR" - "Exiting"', "[ERROR] Caught IllegalArgumentException") is True
    # the trailing comma is one more, unnamed field
    line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'
    assert matches("[..., request=*.html*, status_code=4*,]", line) is True
    assert matches("[..., request=*.html*, status_code=4*,]", line.replace("404", "200")) is False
    assert matches("%ab+c%", "abbbc") and not matches("%ab+c%", "ac")
    assert matches("%a{3,5}%", "aaa") and not matches("%a{3,5}%", "aa")


def test_repeat_counts_beyond_the_engine_are_undecided_not_wrong():
    answer = coverage("{ $.eventName = %C{1001}%}", "CreateCustomerGateway")
    assert answer.verdict == "UNKNOWN"


# --------------------------------------------------------------------------- linear matching


@pytest.mark.parametrize(
    "pattern, text",
    [
        ("%a*a*b%", "a" * 8000),
        ("%a{0,100}a{0,100}a{0,100}b%", "a" * 8000),
        ("%x*y*z*a{0,1000}b%", "xyz" + "a" * 54_000),
        ("{ $.m = %a*a*a*a*a*b% }", json.dumps({"m": "a" * 50_000})),
    ],
)
def test_matching_is_linear(pattern, text):
    start = time.perf_counter()
    assert matches(pattern, text) is False
    assert time.perf_counter() - start < 2.0  # minutes before; a loose guard against flakiness


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("record", [None, 42, ["a"], b"bytes"])
def test_matches_names_bad_input(record):
    with pytest.raises(TypeError, match="a log event is a str"):
        matches("{ $.a = 1 }", record)


def test_cli_match_on_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "records.json"
    path.write_bytes(b'{"eventName": "CreateCustomerGateway", "x": "\xff\xfe"}\n')
    done = subprocess.run(
        [sys.executable, "-m", "prowler_ext", "match", "{ $.eventName = *Gateway }", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "not UTF-8" in done.stderr


def test_a_quoted_wildcard_is_the_same_value_as_the_bare_one():
    """`"*X"` and `*X` mean one thing: a class stated with one and a pattern written with the
    other are proved, not left UNKNOWN over a string that would match one and not the other."""
    case = RecordCase("denied call", (), '{ ($.errorCode = "*UnauthorizedOperation") }')
    assert coverage("{ $.errorCode = *UnauthorizedOperation }", case).verdict == "CAUGHT"
    assert coverage('{ $.errorCode = "AccessDenied*" }', case).verdict == "MISSED"


def test_a_case_may_fix_a_field_below_one_a_typical_record_leaves_null():
    """`responseElements` is null in a typical API call's record; a case that fixes a field
    below it (a console sign-in's `responseElements.ConsoleLogin`) gets an object there."""
    case = RecordCase(
        "sign-in",
        ((("eventName",), "ConsoleLogin"), (("responseElements", "ConsoleLogin"), "Success")),
    )
    record = _legal_missed("{ $.responseElements.ConsoleLogin = Failure }", case)
    assert record["responseElements"]["ConsoleLogin"] == "Success"
