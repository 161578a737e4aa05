"""Filter-pattern engine throughput: parse, and the six coverage questions of CIS 4.12.

    python -m benchmarks.filterpattern_bench [--distinct 3000] [--runs 500]
                                             [--pathological all|fast|none] [--seed 412]
                                             [--adversarial 2000]

Prints, with no assertion on timings:

1. the six coverage questions on the (already parsed) benchmark pattern: first run and the
   median over many runs, each run with the coverage cache cleared so the proof really runs;
2. parse-only throughput over thousands of distinct realistic patterns;
3. parse + six coverage questions throughput over another set of distinct patterns;
4. the worst case over that corpus, and a few pathological patterns of up to 1024 characters
   with dozens of conditions on free fields (time and verdict);
4b. adversarial patterns: the worst ones kept here and `--adversarial` seeded random nested
   ones, against the 100 ms a pattern's six questions may take (the proof's step budget);
5. matching on the worst inputs known.

`parse()` and `coverage()` cache their answers by pattern text, so a pattern seen twice costs a
dictionary look-up. Only throughput on distinct patterns, with the caches cleared, is an
honest figure; that is what this benchmark measures (the memoized figure is shown apart).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence

from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from prowler_ext.filterpattern import PatternError, coverage, matches, parse, purge_caches
from prowler_ext.filterpattern.coverage import DEFAULT_BUDGET

EVENTS = NETWORK_GATEWAY_CHANGES.events

# The CIS AWS Foundations Benchmark (v1.4-v3.0, 4.12) remediation pattern, verbatim.
BENCHMARK_PATTERN = NETWORK_GATEWAY_CHANGES.benchmark_pattern

# CIS 4.10-4.14 (security groups, NACLs, network gateways, route tables, VPCs) as one filter.
CIS_NETWORK_EVENTS = {
    "4.10": (
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "CreateSecurityGroup",
        "DeleteSecurityGroup",
    ),
    "4.11": (
        "CreateNetworkAcl",
        "CreateNetworkAclEntry",
        "DeleteNetworkAcl",
        "DeleteNetworkAclEntry",
        "ReplaceNetworkAclEntry",
        "ReplaceNetworkAclAssociation",
    ),
    "4.12": EVENTS,
    "4.13": (
        "CreateRoute",
        "CreateRouteTable",
        "ReplaceRoute",
        "ReplaceRouteTableAssociation",
        "DeleteRouteTable",
        "DeleteRoute",
        "DisassociateRouteTable",
    ),
    "4.14": (
        "CreateVpc",
        "DeleteVpc",
        "ModifyVpcAttribute",
        "AcceptVpcPeeringConnection",
        "CreateVpcPeeringConnection",
        "DeleteVpcPeeringConnection",
        "RejectVpcPeeringConnection",
        "AttachClassicLinkVpc",
        "DetachClassicLinkVpc",
    ),
}
ALL_CIS_NETWORK_EVENTS = tuple(e for events in CIS_NETWORK_EVENTS.values() for e in events)
# The 34 names as a plain `||` list take 1,236 characters, over AWS's 1,024: a combined filter
# fits with one anchored regex alternation (850 characters) ...
COMBINED_PATTERN = (
    "{ $.eventSource = ec2.amazonaws.com && $.eventName = %"
    + "|".join(f"^{e}$" for e in ALL_CIS_NETWORK_EVENTS)
    + "% }"
)
# ... or as a list of three of the five controls (768 characters).
COMBINED_LIST_PATTERN = (
    "{ "
    + " || ".join(
        f"($.eventName = {e})" for c in ("4.10", "4.12", "4.13") for e in CIS_NETWORK_EVENTS[c]
    )
    + " }"
)
TOO_LONG_PATTERN = "{ " + " || ".join(f"$.eventName={e}" for e in ALL_CIS_NETWORK_EVENTS) + " }"

UNRELATED_EVENTS = (
    "CreateVpnGateway",
    "DeleteVpnGateway",
    "AttachVpnGateway",
    "DetachVpnGateway",
    "CreateNatGateway",
    "DeleteNatGateway",
    "CreateTransitGateway",
    "DeleteTransitGateway",
    "CreateEgressOnlyInternetGateway",
    "DeleteEgressOnlyInternetGateway",
    "CreateCarrierGateway",
    "CreateVpnConnection",
    "DeleteVpnConnection",
) + ALL_CIS_NETWORK_EVENTS[:20]

# Named members of the corpus: what real estates hold on a CloudTrail log group.
NAMED_PATTERNS: dict[str, str] = {
    "benchmark (CIS 4.12 verbatim)": BENCHMARK_PATTERN,
    "combined CIS 4.10-4.14 (one regex)": COMBINED_PATTERN,
    "combined CIS 4.10+4.12+4.13 (event list)": COMBINED_LIST_PATTERN,
    "CIS 4.10-4.14 plain list (>1024 chars)": TOO_LONG_PATTERN,
    "eventSource && six events": "{ ($.eventSource = ec2.amazonaws.com) && "
    + BENCHMARK_PATTERN[2:-2]
    + " }",
    "wildcard *InternetGateway/*CustomerGateway": (
        "{ ($.eventName = *InternetGateway) || ($.eventName = *CustomerGateway) }"
    ),
    "wildcard *Gateway && eventSource": (
        '{ $.eventSource = "ec2.amazonaws.com" && $.eventName = "*Gateway" }'
    ),
    "regex %Gateway$%": "{ $.eventName = %^[A-Za-z]+Gateway$% }",
    "regex two alternatives": "{ $.eventName = %InternetGateway$% || $.eventName = %Customer% }",
    "text terms ?six": " ".join(f"?{e}" for e in EVENTS),
    "text term Gateway": "Gateway",
    "text term with exclusion": "Gateway -AccessDenied",
    "narrowed: Root only": BENCHMARK_PATTERN[:-1] + "&& $.userIdentity.type = Root }",
    "narrowed: errorCode NOT EXISTS": (
        "{ (" + BENCHMARK_PATTERN[2:-2] + ") && $.errorCode NOT EXISTS }"
    ),
    "narrowed: one region": "{ (" + BENCHMARK_PATTERN[2:-2] + ") && $.awsRegion = us-east-1 }",
    "five of six": "{ " + " || ".join(f"$.eventName = {e}" for e in EVENTS[:5]) + " }",
    "CIS 4.3 root usage (unrelated)": (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }'
    ),
    "CIS 4.1 unauthorized calls (unrelated)": (
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
    ),
    "application log (unrelated)": '{ $.level = "ERROR" && $.service = "payments" }',
    "space-delimited (unrelated)": "[ip, id, user, timestamp, request, status_code = 5*, size]",
}


# --------------------------------------------------------------------------- generated corpus

_NARROWING = (
    lambda r: f"$.awsRegion = {r.choice(_REGIONS)}",
    lambda r: f"$.awsRegion != {r.choice(_REGIONS)}",
    lambda r: f"$.userIdentity.type = {r.choice(('Root', 'IAMUser', 'AssumedRole'))}",
    lambda r: f"$.userIdentity.type != {r.choice(('AWSService', 'AssumedRole'))}",
    lambda r: "$.errorCode NOT EXISTS",
    lambda r: f'$.errorCode != "{r.choice(("AccessDenied", "Client.DryRunOperation"))}"',
    lambda r: f"$.sourceIPAddress != 10.{r.randrange(256)}.*",
    lambda r: "$.eventSource = ec2.amazonaws.com",
    lambda r: "$.readOnly IS FALSE",
    lambda r: "$.userIdentity.invokedBy NOT EXISTS",
    lambda r: (
        f"$.userIdentity.arn != arn:aws:iam::{r.randrange(10**12):012d}:"
        f"role/ci-{r.randrange(10**4)}"
    ),
    lambda r: f"$.recipientAccountId = {r.randrange(10**12):012d}",
    lambda r: f'$.userAgent != "*terraform/{r.randrange(100)}*"',
)
_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
)
_UNRELATED_TEMPLATES = (
    lambda r: (
        f'{{ $.level = "{r.choice(("ERROR", "FATAL", "WARN"))}" && '
        f'$.service = "svc-{r.randrange(10**5)}" }}'
    ),
    lambda r: (
        f'{{ $.statusCode >= {r.choice((400, 500, 502))} && $.path = "/api/v{r.randrange(9)}/*" }}'
    ),
    lambda r: (
        f'"{r.choice(("Exception", "Traceback", "OutOfMemory"))}" -"health-{r.randrange(10**4)}"'
    ),
    lambda r: f"[ip, user, ts, request, status = {r.choice((4, 5))}*, size > {r.randrange(10**5)}]",
    lambda r: (
        f'{{ $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed != "Yes" && '
        f"$.userIdentity.arn != *break-glass-{r.randrange(10**4)} }}"
    ),
    lambda r: (
        f"{{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || "
        f"($.eventName = ScheduleKeyDeletion)) && "
        f"$.recipientAccountId = {r.randrange(10**12):012d} }}"
    ),
    lambda r: (
        f"{{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketPolicy) || "
        f"($.eventName = DeleteBucketPolicy)) && "
        f"$.requestParameters.bucketName = logs-{r.randrange(10**6)} }}"
    ),
)


def _event_list(rng: random.Random, events: Sequence[str]) -> str:
    events = list(events)
    rng.shuffle(events)
    parenthesized = rng.random() < 0.6
    quoted = rng.random() < 0.3
    spaced = rng.random() < 0.8
    eq = " = " if spaced else "="
    parts = []
    for event in events:
        value = f'"{event}"' if quoted else event
        condition = f"$.eventName{eq}{value}"
        parts.append(f"({condition})" if parenthesized else condition)
    return (" || " if spaced else "||").join(parts)


def _gateway_events(rng: random.Random) -> list[str]:
    chosen = list(EVENTS)
    if rng.random() < 0.15:  # a real estate's typo or an omission: the filter misses one event
        chosen.remove(rng.choice(chosen))
    chosen += rng.sample(UNRELATED_EVENTS, rng.randrange(0, 5))
    return chosen


def _generated(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.30:  # the benchmark list, reordered, reformatted, with unrelated events
        return "{ " + _event_list(rng, _gateway_events(rng)) + " }"
    if shape < 0.55:  # ... narrowed by one or two clauses
        clauses = [rng.choice(_NARROWING)(rng) for _ in range(rng.randrange(1, 3))]
        return (
            "{ (" + _event_list(rng, _gateway_events(rng)) + ") && " + " && ".join(clauses) + " }"
        )
    if shape < 0.63:  # the combined CIS 4.10-4.14 filter, some controls only, shuffled
        controls = rng.sample(sorted(CIS_NETWORK_EVENTS), rng.randrange(2, 6))
        events = [e for c in controls for e in CIS_NETWORK_EVENTS[c]]
        text = "{ " + "||".join(f"$.eventName={e}" for e in rng.sample(events, len(events)))
        clause = rng.choice(_NARROWING)(rng)
        return text + (" }" if len(text) + len(clause) > 1010 else f" && {clause} }}")
    if shape < 0.72:  # wildcards
        values = rng.choice(
            (
                ("*InternetGateway", "*CustomerGateway"),
                ("*Gateway",),
                ("Create*", "Delete*", "Attach*", "Detach*"),
                ("*InternetGateway", "CreateCustomerGateway", "DeleteCustomerGateway"),
            )
        )
        body = " || ".join(f"$.eventName = {v}" for v in values)
        return "{ (" + body + ") && " + rng.choice(_NARROWING)(rng) + " }"
    if shape < 0.80:  # regular expressions (at most two per pattern)
        values = rng.choice(
            (
                ("%InternetGateway$%", "%CustomerGateway$%"),
                ("%^[A-Za-z]+Gateway$%",),
                ("%Gateway%",),
                ("%^(Create|Delete)CustomerGateway$%",),  # rejected: no parentheses in a regex
                ("%^[CDA][a-z]+InternetGateway$%", "%CustomerGateway%"),
            )
        )
        body = " || ".join(f"$.eventName = {v}" for v in values)
        return "{ (" + body + ") && " + rng.choice(_NARROWING)(rng) + " }"
    if shape < 0.88:  # text terms
        terms = _gateway_events(rng)
        rng.shuffle(terms)
        style = rng.random()
        if style < 0.6:
            return " ".join(f"?{t}" for t in terms)
        if style < 0.8:
            excluded = f"{rng.choice(('AccessDenied', 'DryRun'))}-{rng.randrange(10**4)}"
            return f'"{rng.choice(terms)}" -"{excluded}"'
        broad = rng.choice(("Gateway", "InternetGateway", "ec2.amazonaws.com"))
        return f'"{broad}" "{rng.choice(terms)}"'
    return rng.choice(_UNRELATED_TEMPLATES)(rng)


def generate_patterns(count: int, seed: int, exclude: set[str] | None = None) -> list[str]:
    """`count` distinct realistic patterns (none in `exclude`), reproducibly from `seed`."""
    rng = random.Random(seed)
    seen = set(exclude or ())
    out: list[str] = []
    attempts = 0
    while len(out) < count and attempts < count * 50:
        attempts += 1
        text = _generated(rng)
        if len(text) <= 1024 and text not in seen:
            seen.add(text)
            out.append(text)
    return out


# --------------------------------------------------------------------------- pathological


def _fill(make: Callable[[int], str], separator: str, limit: int = 1024) -> str:
    """`{ make(0) sep make(1) sep ... }` with as many conditions as fit in `limit` characters."""
    parts: list[str] = []
    while True:
        candidate = "{ " + separator.join(parts + [make(len(parts))]) + " }"
        if len(candidate) > limit:
            return "{ " + separator.join(parts) + " }"
        parts.append(make(len(parts)))


# Found by a seeded random search over mixed conditions on 15 free fields (43 conditions).
# It used to exhaust the proof's step budget on every event; it is now CAUGHT in about 10 ms
# (the fields a, b, c, d, e are outside CloudTrail's record, so `$.c.y NOT EXISTS` holds).
BUDGET_EXHAUSTING = (
    "{ ($.a.x.k < 2 || ((($.d > 5 && $.b = *v && $.userIdentity.type = 3 && $.awsRegion != *v) "
    "&& ($.e > 1 || $.a = v2 || $.sourceIPAddress != v*) && ($.sourceIPAddress != v1 || "
    "$.c.y IS NULL || $.d IS NULL || $.sourceIPAddress < 1) && ($.c < 2 && $.e != Root && "
    "$.a.x.k = v*)) || ($.d[0] = 3 && ($.awsRegion NOT EXISTS && $.awsRegion IS TRUE && "
    "$.awsRegion = v2 && $.sourceIPAddress = %v[0-9]%) && ($.b = v* || $.d[0] != Root || "
    "$.sourceIPAddress != v2 || $.c = v1)) || (($.b.x IS NULL && $.e[1] = *v && $.e[1] < 2 && "
    "$.errorCode IS TRUE) || ($.a = v1 && $.d[0] = * && $.d[0] IS NULL) || ($.awsRegion < 5 || "
    "$.c = v2 || $.e[1] > 0 || $.a.x NOT EXISTS)) || $.c.y NOT EXISTS) || $.c.y IS NULL || "
    "((($.a IS NULL || $.e[1] > 4) && ($.sourceIPAddress > 1 || $.errorCode IS NULL)) || "
    "$.c.y IS TRUE || $.e IS NULL)) }"
)


# The slowest of about 20,000 random nested patterns (<= 1024 characters, conditions on 14
# fields of the record, six of them open) in a seeded search: its six questions take over a
# second (CAUGHT), ten times the 100 ms a pattern should take.
SLOWEST_RANDOM = (
    "{ ((($.requestParameters.f6 != *x && $.userAgent > 2 && $.additionalEventData.x = v1) && "
    "($.requestParameters.f0 != v1 && $.requestParameters.f1 != v2) && "
    "($.requestParameters.f6 = *v || $.requestParameters.f0 IS NULL || "
    "$.requestParameters.f3 != v1) && ($.errorCode != *x || $.awsRegion IS TRUE)) || "
    "(($.requestParameters.f3 NOT EXISTS || $.requestParameters.f1 != *x || "
    "$.errorCode IS FALSE || $.requestParameters.f2 != v2) && ($.awsRegion != v2 && "
    "$.requestParameters.f4 != Root && $.requestParameters.f0 != Root && $.errorCode != Root) "
    "&& ($.eventName = v* || $.requestParameters.f6 = v1)) || (($.requestParameters.f1 IS TRUE "
    "&& $.requestParameters.f4 > 5 && $.requestParameters.f6 = v2 && "
    "$.requestParameters.f2 != v1) || ($.requestParameters.f1 IS FALSE || "
    "$.requestParameters.f0 != v2 || $.awsRegion != *x) || ($.awsRegion > 7 && "
    "$.requestParameters.f5 = CreateCustomerGateway) || ($.awsRegion = %v[0-9]% || "
    "$.requestParameters.f3 < 1 || $.awsRegion != Root))) }"
)


# The same, with four of its conditions read on eventName: the six events no longer share one
# proof, so each question searches on its own (six times the work of one).
SLOWEST_RANDOM_PER_EVENT = (
    SLOWEST_RANDOM.replace("$.eventName = v*", "$.eventName = Create*")
    .replace("$.requestParameters.f5 = CreateCustomerGateway", "$.eventName = *Customer*")
    .replace("$.errorCode != Root", "$.eventName != Delete*")
    .replace("$.requestParameters.f4 != Root", "$.eventName != Attach*")
)

ADVERSARIAL_LIMIT = 0.100  # seconds: parse + six questions for any pattern <= 1024 characters

# Fields of the adversarial generator: fixed ones (eventName, eventSource), ones every record
# has with a free value, optional ones, and members of open objects (free, nested).
_ADVERSARIAL_FIELDS = (
    "eventName",
    "eventSource",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "userIdentity.type",
    "additionalEventData.x",
    *(f"requestParameters.f{i}" for i in range(7)),
)
_ADVERSARIAL_VALUES = ("v1", "v2", "Root", "v*", "*v", "*x", "Create*", "*Customer*", "%v[0-9]%")


def _adversarial_condition(rng: random.Random) -> str:
    field = rng.choice(_ADVERSARIAL_FIELDS)
    kind = rng.random()
    if kind < 0.15:
        return f"$.{field} {rng.choice(('IS NULL', 'NOT EXISTS', 'IS TRUE', 'IS FALSE'))}"
    if kind < 0.3:
        return f"$.{field} {rng.choice(('<', '>', '<=', '>='))} {rng.randrange(8)}"
    value = rng.choice(_ADVERSARIAL_VALUES)
    if value.startswith("%"):
        return f"$.{field} = {value}"
    return f"$.{field} {rng.choice(('=', '!='))} {value}"


def _adversarial_expression(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.2:
        return _adversarial_condition(rng)
    joiner = rng.choice((" && ", " || "))
    parts = [_adversarial_expression(rng, depth - 1) for _ in range(rng.randint(2, 4))]
    return "(" + joiner.join(parts) + ")"


def adversarial_patterns(count: int, seed: int) -> list[str]:
    """`count` random nested patterns of up to 1024 characters, mixed conditions on fixed,
    free, optional and nested fields of the record (the kind that makes a proof branch most),
    reproducibly from `seed`."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        text = "{ " + _adversarial_expression(rng, 4) + " }"
        if 400 <= len(text) <= 1024:
            out.append(text)
    return out


def bench_adversarial(count: int, seed: int) -> dict:
    """Parse + six questions, caches cleared, on the kept worst patterns and `count` generated
    ones: the slowest of each, and how many went over `ADVERSARIAL_LIMIT`."""
    kept = {
        "slowest of 20,000 random nested patterns": SLOWEST_RANDOM,
        "the same, one proof per event": SLOWEST_RANDOM_PER_EVENT,
        "mixed random, 43 conditions on 15 fields": BUDGET_EXHAUSTING,
    }
    rows = []
    for name, text in kept.items():
        clear_caches()
        seconds, verdict = parse_and_six(text)
        rows.append((seconds, name, len(text), verdict))
    generated = []
    for text in adversarial_patterns(count, seed):
        clear_caches()
        seconds, verdict = parse_and_six(text)
        generated.append((seconds, text, verdict))
    generated.sort(reverse=True)
    return {
        "kept": rows,
        "generated": generated,
        "over": sum(1 for row in rows if row[0] > ADVERSARIAL_LIMIT)
        + sum(1 for row in generated if row[0] > ADVERSARIAL_LIMIT),
    }


def pathological_patterns(which: str) -> dict[str, str]:
    if which == "none":
        return {}
    patterns = {
        "flat OR of free-field equalities": _fill(lambda i: f"$.field{i} = value{i}", " || "),
        "flat AND of free-field equalities": _fill(lambda i: f"$.field{i} = value{i}", " && "),
        "OR of nested-path conjunctions": _fill(lambda i: f"($.f{i}.k = a && $.f{i} != b)", " || "),
        "AND of nested-path disjunctions": _fill(
            lambda i: f"($.f{i} NOT EXISTS || $.f{i}.k = a || $.f{i} IS NULL)", " && "
        ),
        "numeric bounds on shared fields": _fill(
            lambda i: f"($.f{i % 6} > {i} || $.f{(i + 1) % 6} <= {i} || $.f{i % 6} = v{i})",
            " && ",
        ),
        "six events after 30 free-field conditions": "{ "
        + " || ".join(
            [f"($.f{i} = v{i} && $.g{i} != w)" for i in range(22)] + [BENCHMARK_PATTERN[2:-2]]
        )
        + " }",
    }
    if which == "all":
        patterns["mixed random, 43 conditions on 15 fields"] = BUDGET_EXHAUSTING
        patterns["slowest of 20,000 random nested patterns"] = SLOWEST_RANDOM
    return patterns


# --------------------------------------------------------------------------- measuring


def machine_load() -> str:
    """CPUs and load average, so a reader can tell a loaded machine's figures apart."""
    try:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        load = "n/a"
    return f"{os.cpu_count()} CPUs, load average {load} (other processes skew timings)"


def _module(name: str):
    return importlib.import_module(name)  # the module, even where the package re-exports a name


def clear_caches(parse_cache: bool = True, coverage_cache: bool = True) -> bool:
    """Forget memoized answers: everything (`purge_caches`), or only the coverage answers and
    shared proofs (`parse_cache=False`), or only parsed patterns (`coverage_cache=False`)."""
    if parse_cache and coverage_cache:
        purge_caches()
        return True
    targets = []
    if parse_cache:
        targets.append(("prowler_ext.filterpattern.parser", "_parse_cached"))
    if coverage_cache:
        targets.append(("prowler_ext.filterpattern.coverage", "_cached_coverage"))
        _module("prowler_ext.filterpattern.coverage")._SHARED_SEARCHES.clear()
    for module, name in targets:
        getattr(_module(module), name).cache_clear()
    return True


MATCH_LIMIT = 0.050  # seconds: any pattern of at most 1024 characters on any record of 256 KB
RECORD_LIMIT = 256 * 1024  # CloudTrail sends no larger event to CloudWatch Logs


def _big_record(filler: str) -> dict:
    """A CloudTrail record of about 256 KB whose requestParameters carry `filler`."""
    record = {
        "eventVersion": "1.11",
        "eventTime": "2026-01-01T00:00:00Z",
        "eventSource": "ec2.amazonaws.com",
        "eventName": "CreateInternetGateway",
        "awsRegion": "us-east-1",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice"},
        "requestParameters": {},
        "resources": [],
    }
    room = RECORD_LIMIT - len(json.dumps(record)) - 64
    record["requestParameters"]["blob"] = (filler * (room // len(filler) + 1))[:room]
    return record


def _wide_record() -> dict:
    """A record of about 256 KB spread over 10,000 members, for wildcard selectors."""
    record = _big_record("x")
    record["requestParameters"] = {f"k{i}": "a" * 12 for i in range(9_000)}
    record["resources"] = [{"type": f"AWS::EC2::Thing{i}"} for i in range(1_000)]
    return record


def match_cases() -> list[tuple[str, str, object]]:
    """(name, pattern, log event): the slowest matching inputs known, each within AWS's limits."""
    a_text = "a" * RECORD_LIMIT
    ab_record = _big_record("a")
    wide = _wide_record()
    conditions = [f"$.requestParameters.k{i} = %a*a*b{i}%" for i in range(2)]
    many = ""
    for i in range(2, 200):
        candidate = "{ " + " || ".join(conditions + [f"$.requestParameters.k{i} = *zz{i}"]) + " }"
        if len(candidate) > 1024:
            break
        conditions.append(f"$.requestParameters.k{i} = *zz{i}")
        many = candidate
    return [
        ("regex a*a*b on 256 KB of 'a' (text)", "%a*a*b%", a_text),
        ("regex a{0,100}a{0,100}a{0,100}b (text)", "%a{0,100}a{0,100}a{0,100}b%", a_text),
        ("regex x*y*z*a{0,1000}b (text)", "%x*y*z*a{0,1000}b%", "xyz" + a_text[:-3]),
        (
            "regex \\w{1000}\\d on one 256 KB field (JSON)",
            "{ $.requestParameters.blob = %\\w{1000}\\d% }",
            ab_record,
        ),
        ("regex x*y*z*a{0,1000}b on a 256 KB record (text)", "%x*y*z*a{0,1000}b%", ab_record),
        (
            "two regexes, three wildcards, 10,000 members",
            "{ $.requestParameters.* = %a*a*b% || $.resources[*].type = *Gateway "
            "|| $.userIdentity.* = *Root }",
            wide,
        ),
        (f"{len(conditions)} conditions on a 256 KB record", many, wide),
        ("text ?regex ?regex -term on 256 KB", "?%a*a*a*c% ?%[a-z]{0,1000}q% -zzz", ab_record),
        (
            "space-delimited, ... twice, 256 KB line",
            "[..., w1=%a*b%, ..., w2=*z]",
            " ".join(["a" * 7] * 32_000),
        ),
    ]


def bench_matching(passes: int) -> list[tuple[str, int, int, float, bool]]:
    """(name, pattern length, event size, best seconds with every cache purged, match)."""
    rows = []
    for name, pattern, event in match_cases():
        size = len(event) if isinstance(event, str) else len(json.dumps(event))
        best, found = float("inf"), False
        for _ in range(passes):
            purge_caches()
            start = time.perf_counter()
            found = matches(pattern, event)
            best = min(best, time.perf_counter() - start)
        rows.append((name, len(pattern), size, best, found))
    return rows


def six_questions(pattern) -> list:
    return [coverage(pattern, event) for event in EVENTS]


def parse_and_six(text: str) -> tuple[float, str]:
    """Seconds for parse + the six coverage questions, and the verdicts in short."""
    start = time.perf_counter()
    try:
        parsed = parse(text)
        answers = six_questions(parsed)
    except PatternError as error:
        return time.perf_counter() - start, f"rejected ({error.message})"
    return time.perf_counter() - start, summarize(answers)


def summarize(answers) -> str:
    counts = Counter(str(a.verdict) for a in answers)
    return ", ".join(f"{n} {v}" for v, n in sorted(counts.items(), key=lambda kv: -kv[1]))


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _short(text: str, width: int = 96) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_benchmark_pattern(runs: int) -> dict:
    clear_caches()
    parse_start = time.perf_counter()
    parsed = parse(BENCHMARK_PATTERN)
    parse_time = time.perf_counter() - parse_start
    times = []
    answers = []
    for _ in range(runs):
        clear_caches(parse_cache=False)  # the parsed pattern stays; every proof really runs
        start = time.perf_counter()
        answers = six_questions(parsed)
        times.append(time.perf_counter() - start)
    memo = []
    for _ in range(runs):
        start = time.perf_counter()
        six_questions(parsed)
        memo.append(time.perf_counter() - start)
    return {
        "parse": parse_time,
        "first": times[0],
        "median": statistics.median(times),
        "p95": _percentile(times, 0.95),
        "memoized": statistics.median(memo),
        "verdict": summarize(answers),
    }


def bench_parse(patterns: list[str], passes: int) -> dict:
    """Parse every pattern once per pass, the parse cache cleared before each pass."""
    rejected = 0
    elapsed = []
    for _ in range(passes):
        clear_caches()
        rejected = 0
        start = time.perf_counter()
        for text in patterns:
            try:
                parse(text)
            except PatternError:
                rejected += 1
        elapsed.append(time.perf_counter() - start)
    return {
        "n": len(patterns),
        "best": min(elapsed),
        "median": statistics.median(elapsed),
        "rejected": rejected,
    }


def bench_coverage(patterns: list[str], passes: int) -> dict:
    """Parse + six questions per pattern, caches cleared before each pass.

    A pattern's time is its best over the passes, so a garbage-collector pause or another
    process on the machine does not pass for the engine's worst case.
    """
    best: list[float] = [float("inf")] * len(patterns)
    verdicts_of: list[str] = [""] * len(patterns)
    elapsed = []
    for _ in range(passes):
        clear_caches()
        start = time.perf_counter()
        for i, text in enumerate(patterns):
            seconds, verdicts_of[i] = parse_and_six(text)
            best[i] = min(best[i], seconds)
        elapsed.append(time.perf_counter() - start)
    verdicts: Counter = Counter()
    for verdict in verdicts_of:
        for part in verdict.split(", "):
            count, _, name = part.partition(" ")
            if count.isdigit():
                verdicts[name] += int(count)
            else:
                verdicts["rejected"] += 1
    worst = max(range(len(patterns)), key=best.__getitem__)
    return {
        "each": dict(zip(patterns, zip(best, verdicts_of, strict=True), strict=True)),
        "n": len(patterns),
        "best": min(elapsed),
        "median": statistics.median(elapsed),
        "pattern_median": statistics.median(best),
        "p99": _percentile(best, 0.99),
        "worst": (best[worst], verdicts_of[worst], patterns[worst]),
        "verdicts": verdicts,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.filterpattern_bench")
    parser.add_argument("--distinct", type=int, default=3000, help="generated patterns per set")
    parser.add_argument("--runs", type=int, default=500, help="runs on the benchmark pattern")
    parser.add_argument("--passes", type=int, default=3, help="passes over each corpus")
    parser.add_argument("--seed", type=int, default=412)
    parser.add_argument(
        "--adversarial", type=int, default=2000, help="generated adversarial patterns"
    )
    parser.add_argument(
        "--pathological",
        choices=("all", "fast", "none"),
        default="all",
        help="'fast' leaves out the pattern that exhausts the proof budget (about a minute)",
    )
    args = parser.parse_args(argv)

    print("Filter-pattern engine benchmark (CIS 4.12: six coverage questions per pattern)")
    print(f"python {sys.version.split()[0]}, {len(EVENTS)} events: {', '.join(EVENTS)}")
    print(f"machine: {machine_load()}")
    if not clear_caches():
        print("WARNING: the engine's caches could not be cleared; figures below are memoized")
    print(
        "Note: parse() and coverage() cache by pattern text; every figure below is on distinct "
        "patterns or with the caches cleared, except the one marked memoized."
    )

    # 1. the benchmark pattern
    result = bench_benchmark_pattern(args.runs)
    print("\n[1] Six coverage questions on the parsed benchmark pattern")
    print(f"    parse (once, cold)                 {_us(result['parse'])}")
    print(f"    six questions, first run (cold)    {_us(result['first'])}")
    print(
        f"    six questions, median of {args.runs:<5}     {_us(result['median'])}"
        f"   (p95 {_us(result['p95'])}; coverage cache cleared before each run)"
    )
    print(f"    six questions, memoized (cache hit) {_us(result['memoized'])}")
    print(f"    verdict                            {result['verdict']}")

    # 2. parse-only throughput
    named = set(NAMED_PATTERNS.values())
    parse_set = generate_patterns(args.distinct, args.seed, exclude=named)
    parsed = bench_parse(parse_set, args.passes)
    print(
        f"\n[2] Parse only, {parsed['n']:,} distinct generated patterns "
        f"(parse cache cleared; best of {args.passes} passes)"
    )
    print(
        f"    {parsed['n'] / parsed['best']:,.0f} patterns/s   "
        f"({_us(parsed['best'] / parsed['n'])} per pattern; median pass "
        f"{parsed['n'] / parsed['median']:,.0f}/s; {parsed['rejected']} rejected as invalid, "
        "on purpose)"
    )

    # 3. parse + six coverage questions on another distinct set, plus the named corpus
    corpus_set = generate_patterns(args.distinct, args.seed + 1, exclude=named | set(parse_set))
    corpus = list(NAMED_PATTERNS.values()) + corpus_set
    covered = bench_coverage(corpus, args.passes)
    print(
        f"\n[3] Parse + six coverage questions, {covered['n']:,} distinct patterns "
        f"({len(NAMED_PATTERNS)} named + {len(corpus_set):,} generated; caches cleared; "
        f"best of {args.passes} passes)"
    )
    print(
        f"    {covered['n'] / covered['best']:,.0f} patterns/s   "
        f"(median pass {covered['n'] / covered['median']:,.0f}/s; per pattern: median "
        f"{_us(covered['pattern_median'])}, p99 {_us(covered['p99'])})"
    )
    print(
        "    answers: "
        + ", ".join(f"{n:,} {v}" for v, n in covered["verdicts"].most_common())
        + f" (of {covered['n'] * len(EVENTS):,} questions; rejected = whole patterns)"
    )
    print("    named patterns (each one's best of the passes):")
    for name, text in NAMED_PATTERNS.items():
        seconds, verdict = covered["each"][text]
        print(f"      {name:<44} {_us(seconds):>10}  {verdict}")

    # 4. worst cases
    seconds, verdict, text = covered["worst"]
    print("\n[4] Worst case")
    print(
        f"    over the corpus: {_ms(seconds)} for parse + six questions -> {verdict} "
        f"(each pattern's best of {args.passes} passes)"
    )
    print(f"      {_short(text)}")
    pathological = pathological_patterns(args.pathological)
    if pathological:
        print(
            "    pathological patterns (caches cleared; parse + six questions, best of the passes):"
        )
    slowest = (0.0, "", "")
    for name, text in pathological.items():
        runs = []
        while len(runs) < args.passes and (not runs or runs[0][0] < 1.0):
            clear_caches()
            runs.append(parse_and_six(text))
        seconds, verdict = min(runs)
        conditions = len(getattr(parse(text), "conditions", ()) or ())
        print(
            f"      {name:<44} {len(text):>4} chars {conditions:>3} conditions "
            f"{_ms(seconds):>10}  {verdict}"
        )
        slowest = max(slowest, (seconds, name, verdict))
    if pathological:
        print(f"    slowest pathological: {slowest[1]}: {_ms(slowest[0])} -> {slowest[2]}")
        if args.pathological == "all" and BUDGET_EXHAUSTING in pathological.values():
            answer = coverage(BUDGET_EXHAUSTING, EVENTS[0])
            print(f"      {EVENTS[0]}: {answer.verdict}: {_short(answer.reason, 90)}")
    # 6 (printed here, before matching): adversarial patterns and the proof's budget
    adversarial = bench_adversarial(args.adversarial, args.seed)
    print(
        f"\n[4b] Adversarial patterns (400-1024 characters, nested, mixed conditions; caches "
        f"cleared; parse + six questions; limit {_ms(ADVERSARIAL_LIMIT)}, "
        f"budget {DEFAULT_BUDGET:,} steps per question)"
    )
    for seconds, name, length, verdict in adversarial["kept"]:
        flag = "" if seconds <= ADVERSARIAL_LIMIT else "   OVER THE LIMIT"
        print(f"      {name:<44} {length:>4} chars {_ms(seconds):>10}  {verdict}{flag}")
    generated = adversarial["generated"]
    if generated:
        seconds, text, verdict = generated[0]
        decided = sum(1 for row in generated if "UNKNOWN" not in row[2])
        print(
            f"    {len(generated):,} generated (seed {args.seed}): slowest {_ms(seconds)} -> "
            f"{verdict}; median {_ms(generated[len(generated) // 2][0])}; "
            f"{decided:,} fully decided"
        )
        print(f"      {_short(text)}")
    print(f"    over the limit: {adversarial['over']}")

    # 5. matching worst cases
    print(
        f"\n[5] Matching, worst inputs known (pattern <= 1024 characters, event <= 256 KB; every "
        f"cache purged; best of {args.passes} passes; limit {_ms(MATCH_LIMIT)})"
    )
    rows = bench_matching(args.passes)
    for name, length, size, seconds, found in rows:
        flag = "" if seconds <= MATCH_LIMIT else "   OVER THE LIMIT"
        print(
            f"      {name:<48} {length:>4} chars {size / 1024:>6.0f} KB {_ms(seconds):>10}  "
            f"{'match' if found else 'no match'}{flag}"
        )
    print(f"    slowest: {_ms(max(row[3] for row in rows))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
