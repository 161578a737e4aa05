"""A soundness campaign: random (pattern, event) questions, each answer checked by the matcher.

    python tests/soundness_campaign.py [QUESTIONS] [SEED]      (default 100,000 and 0)

* every CAUGHT is checked against random *legal* CloudTrail records of the event (the record
  model's `violation()` is None), written compactly and pretty-printed: the matcher must
  accept every one, with no doubt;
* every MISSED counterexample must be legal, of the event, and rejected by the matcher, with
  no doubt, however it is written.

The generator is written here, apart from the engine: selectors over fixed, required, optional,
open and unknown fields, wildcard selectors and keys in another case; every operator; values of
every kind (wildcards, regexes with anchors, numbers, quoted strings, booleans, null); text
terms with `?`, `-`, quotes, regexes and punctuation. The questions are about the six gateway
calls and about the CIS monitoring section's classes that are no name list (root usage,
unauthorized calls, sign-ins without MFA, authentication failures): a record of such a class
is a legal record that holds the case's fixed fields and, for the matcher, its condition.
`tests/test_soundness.py` runs a few thousand questions in `make test`.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from prowler_ext.cis_monitoring import (
    CONSOLE_AUTHENTICATION_FAILURES,
    ROOT_USAGE,
    SIGN_IN_WITHOUT_MFA,
    UNAUTHORIZED_API_CALLS,
)
from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from prowler_ext.filterpattern import PatternError, RecordCase, coverage, violation
from prowler_ext.filterpattern.cloudtrail import base_record
from prowler_ext.filterpattern.matcher import evaluate

EVENTS = NETWORK_GATEWAY_CHANGES.events
CLASSES = tuple(
    control.records[0]
    for control in (
        ROOT_USAGE,
        UNAUTHORIZED_API_CALLS,
        SIGN_IN_WITHOUT_MFA,
        CONSOLE_AUTHENTICATION_FAILURES,
    )
)
CASES: tuple[RecordCase, ...] = (*NETWORK_GATEWAY_CHANGES.records, *CLASSES)

SELECTORS = (
    ["eventName"] * 6
    + ["eventSource", "eventType", "readOnly", "managementEvent", "eventCategory"]
    + ["awsRegion", "eventTime", "eventVersion", "eventID", "sourceIPAddress", "userIdentity.type"]
    + ["errorCode", "errorMessage", "userAgent", "userIdentity.arn", "userIdentity.invokedBy"]
    + ["recipientAccountId", "userIdentity", "requestParameters", "responseElements"]
    + ["requestParameters.vpcId", "requestParameters.x.y", "resources[0].type"]
    + ["userIdentity.sessionContext.attributes.mfaAuthenticated", "additionalEventData.MFAUsed"]
    + ["additionalEventData.MFAUsed", "responseElements.ConsoleLogin", "errorMessage"]
    + ["notAField", "*", "userIdentity.*", "resources[*].type", "EventName", "userIdentity.Type"]
)
WORDS = (
    list(EVENTS)
    + ["CreateVpnGateway", "Gateway", "InternetGateway", "Customer", "Create", "Delete"]
    + ["ec2.amazonaws.com", "AwsApiCall", "Management", "us-east-1", "Root", "IAMUser"]
    + ["AccessDenied", "Client.UnauthorizedOperation", "alice", "true", "false", "null", "x"]
    + ["ConsoleLogin", "signin.amazonaws.com", "AwsConsoleSignIn", "Yes", "No", "Success"]
    + ["Failed authentication", "HeadBucket", "delivery.logs.amazonaws.com", "AwsServiceEvent"]
    + ["*UnauthorizedOperation", "AccessDenied*", "cloudformation.amazonaws.com"]
)
OPS = ["="] * 6 + ["!="] * 3 + ["<", "<=", ">", ">="]
TESTS = ["IS NULL", "IS TRUE", "IS FALSE", "NOT EXISTS"]


def _regex(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    if len(word) > 3 and rng.random() < 0.5:
        start = rng.randrange(len(word) - 2)
        word = word[start : start + rng.randint(2, len(word) - start)]
    word = "".join(c for c in word if c.isalnum() or c in ":_#=@/;,-") or "a"
    body = rng.choice(["{}", "^{}", "{}$", "^{}$", "{}.*", "[A-Z]{}", "{}|Foo", "{}+", "\\w{}"])
    return body.format(word)


def _value(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    roll = rng.random()
    if roll < 0.35:
        return word if word.replace(".", "").replace("-", "").isalnum() else f'"{word}"'
    if roll < 0.45:
        return f'"{word}"'
    if roll < 0.6:
        return "*" + word[rng.randrange(len(word)) :]
    if roll < 0.7:
        return word[: rng.randint(1, len(word))] + "*"
    if roll < 0.78:
        return "*"
    if roll < 0.88:
        return f"%{_regex(rng)}%"
    return rng.choice(["0", "1", "-3", "1.5", "1e3", "111122223333"])


def _condition(rng: random.Random, regexes: list[int]) -> str:
    selector = "$." + rng.choice(SELECTORS)
    if selector.startswith("$.resources") or selector == "$.*":
        selector = selector.replace("$.*", "$.*")
    if rng.random() < 0.2:
        return f"{selector} {rng.choice(TESTS)}"
    value = _value(rng)
    if value.startswith("%"):
        if regexes[0] >= 2:
            value = rng.choice(WORDS).replace(".", "")
        regexes[0] += 1
    return f"{selector} {rng.choice(OPS)} {value}"


def _formula(rng: random.Random, depth: int, regexes: list[int]) -> str:
    if depth == 0 or rng.random() < 0.35:
        return _condition(rng, regexes)
    joiner = rng.choice([" && ", " || "])
    parts = [_formula(rng, depth - 1, regexes) for _ in range(rng.randint(2, 3))]
    return "(" + joiner.join(parts) + ")"


def json_pattern(rng: random.Random) -> str:
    return "{ " + _formula(rng, rng.randint(0, 3), [0]) + " }"


def text_pattern(rng: random.Random) -> str:
    terms = []
    mode = rng.choice(["and", "or", "exclude", "mixed"])
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        if roll < 0.2:
            term = f"%{_regex(rng)}%"
        elif roll < 0.35:
            term = f'"{rng.choice(WORDS)}"'
        elif roll < 0.45:
            term = rng.choice(['"eventName":', '":"', "eventName", '"readOnly":false', "{"])
        else:
            term = rng.choice(WORDS)
        terms.append(term)
    if mode == "or":
        terms = ["?" + t for t in terms]
    elif mode == "exclude":
        terms.append("-" + rng.choice(WORDS))
    elif mode == "mixed":
        terms.append("?" + rng.choice(WORDS))
    return " ".join(terms)


def _string(rng: random.Random, pool: list[str]) -> str:
    value = rng.choice(pool)
    roll = rng.random()
    if roll < 0.2:
        return value + rng.choice(["x", "Gateway", "-1", " "])
    if roll < 0.35:
        return rng.choice(["A", "z", "Create", ""]) + value
    if roll < 0.4:
        return ""
    return value


def _json(rng: random.Random, depth: int = 2):
    roll = rng.random()
    if depth == 0 or roll < 0.5:
        return rng.choice([None, True, False, 0, 7, -1.5, "x", "Gateway", "AccessDenied", ""])
    if roll < 0.75:
        return [_json(rng, depth - 1) for _ in range(rng.randint(0, 2))]
    return {
        rng.choice(["x", "y", "vpcId", "type", "MFAUsed"]): _json(rng, depth - 1)
        for _ in range(rng.randint(0, 3))
    }


def legal_record(rng: random.Random, case: RecordCase) -> dict | None:
    """A random record the record model allows, with the case's fixed fields; None when it
    falls outside the case's condition (the caller draws again)."""
    record = base_record(case, typical=rng.random() < 0.5)
    record["awsRegion"] = _string(rng, ["us-east-1", "eu-west-1", "Root", "*"])
    record["sourceIPAddress"] = _string(rng, ["203.0.113.10", "AWS Internal", "ec2.amazonaws.com"])
    record["eventVersion"] = rng.choice(["1.05", "1.08", "1.11"])
    identity = {"type": _string(rng, ["IAMUser", "Root", "AssumedRole", "AWSService", "Gateway"])}
    for key in ("arn", "accountId", "userName", "invokedBy", "principalId"):
        if rng.random() < 0.4:
            identity[key] = _string(rng, WORDS)
    if rng.random() < 0.3:
        identity["sessionContext"] = {
            "attributes": {"mfaAuthenticated": rng.choice(["true", "false"])}
        }
    if rng.random() < 0.2:
        identity[rng.choice(["foo", "Type", "x"])] = _json(rng)
    record["userIdentity"] = identity
    for key, pool in (
        ("errorCode", ["AccessDenied", "Client.UnauthorizedOperation", "x", "AccessDeniedX"]),
        ("errorMessage", ["You are not authorized", "Gateway", "Failed authentication"]),
        ("userAgent", ["aws-cli/2.15.0", "console.amazonaws.com", "CreateVpnGateway"]),
        ("recipientAccountId", ["111122223333", "123456789012"]),
    ):
        if rng.random() < 0.4:
            record[key] = _string(rng, pool)
        else:
            record.pop(key, None)
    for key in ("requestParameters", "responseElements"):
        record[key] = rng.choice(
            [None, {}, _json(rng), {"vpcId": _json(rng), "x": {"y": _json(rng)}}]
        )
        if not isinstance(record[key], (dict, type(None))):
            record[key] = {"value": record[key]}
    if rng.random() < 0.3:
        record["resources"] = [{"type": _json(rng, 1), "ARN": "arn:x"}][: rng.randint(0, 1)]
    if rng.random() < 0.2:
        record["additionalEventData"] = {"MFAUsed": rng.choice(["Yes", "No"])}
    if rng.random() < 0.2:
        record["responseElements"] = {"ConsoleLogin": rng.choice(["Success", "Failure"])}
    if rng.random() < 0.2:
        record["sourceIPAddress"] = "delivery.logs.amazonaws.com"
    for path, value in case.fixed:  # the case's fixed fields win over the random ones
        node = record
        for step in path[:-1]:
            if not isinstance(node.get(step), dict):
                node[step] = {}
            node = node[step]
        node[path[-1]] = value
    items = list(record.items())
    rng.shuffle(items)
    record = dict(items)
    problem = violation(record)
    assert problem is None, (problem, record)
    return record if of_case(record, case) else None


def of_case(record: dict, case: RecordCase) -> bool:
    """Does the record hold the case's fixed fields and (for certain) its condition?"""
    for path, value in case.fixed:
        node: object = record
        for step in path:
            if not isinstance(node, dict) or step not in node:
                return False
            node = node[step]
        if node != value or type(node) is not type(value):
            return False
    if not case.condition:
        return True
    outcome = evaluate(case.condition, record)
    return bool(outcome.value) and outcome.doubt is None


def records_of(rng: random.Random, case: RecordCase, count: int) -> list[dict]:
    """Up to `count` random records of the case (fewer when the case is hard to hit)."""
    found: list[dict] = []
    for _ in range(count * 20):
        record = legal_record(rng, case)
        if record is not None:
            found.append(record)
            if len(found) == count:
                break
    return found


def _writings(record: dict) -> list[str]:
    return [
        json.dumps(record, separators=(",", ":")),
        json.dumps(record, indent=2),
        json.dumps(record, sort_keys=True),
    ]


@dataclass
class Tally:
    questions: int = 0
    verdicts: Counter = field(default_factory=Counter)
    by_case: Counter = field(default_factory=Counter)  # (case name, verdict)
    rejected_patterns: int = 0
    unsound: list = field(default_factory=list)
    records_checked: int = 0

    def summary(self) -> str:
        return (
            f"{self.questions:,} questions ({self.rejected_patterns:,} patterns AWS would reject "
            f"skipped): {dict(self.verdicts)}; {self.records_checked:,} records checked; "
            f"{len(self.unsound)} unsound answers"
        )


def campaign(questions: int, seed: int = 0, records_per_caught: int = 6) -> Tally:
    rng = random.Random(seed)
    tally = Tally()
    while tally.questions < questions:
        pattern = json_pattern(rng) if rng.random() < 0.75 else text_pattern(rng)
        case = rng.choice(CASES)
        try:
            answer = coverage(pattern, case)
        except PatternError:
            tally.rejected_patterns += 1
            continue
        tally.questions += 1
        tally.verdicts[answer.verdict.value] += 1
        tally.by_case[(case.name, answer.verdict.value)] += 1
        if answer.verdict == "CAUGHT":
            for record in records_of(rng, case, records_per_caught):
                tally.records_checked += 1
                for written in [record, *_writings(record)]:
                    outcome = evaluate(pattern, written)
                    if not outcome.value or outcome.doubt:
                        tally.unsound.append(("CAUGHT", pattern, case.name, written, outcome))
                        break
        elif answer.verdict == "MISSED":
            record = answer.counterexample
            tally.records_checked += 1
            problem = violation(record)
            if problem or not of_case(record, case):
                tally.unsound.append(
                    ("illegal counterexample", pattern, case.name, record, problem)
                )
                continue
            for written in [record, *_writings(record)]:
                outcome = evaluate(pattern, written)
                if outcome.value or outcome.doubt:
                    tally.unsound.append(("MISSED", pattern, case.name, written, outcome))
                    break
    return tally


def main(argv: list[str]) -> int:
    questions = int(argv[1]) if len(argv) > 1 else 100_000
    seed = int(argv[2]) if len(argv) > 2 else 0
    start = time.perf_counter()
    tally = campaign(questions, seed)
    print(tally.summary(), f"in {time.perf_counter() - start:.0f} s")
    for item in tally.unsound[:20]:
        print(*item, sep="\n  ")
    return 1 if tally.unsound else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
