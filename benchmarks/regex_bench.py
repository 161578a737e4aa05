"""Regex search of filter patterns (`%...%`): compile and search times of `regex.searcher`.

    python -m benchmarks.regex_bench [--size 262144] [--repeat 3] [--max-mem MIB] [--only WORD]

For each case prints the regex (abridged) and its length, the text and its length, the time to
build the searcher with the caches cleared (Python's parse, the rewrite for RE2, RE2's
compile), the first search (RE2 builds its DFA lazily, so this is the cold figure) and the best
of --repeat later searches, the answer, and `OVER` where build + first search exceeds the
50 ms target. Asserts nothing. The cases: the worst cases of the old backtracking / hand-made
NFA engine, alternations without parentheses, 1024-character regexes, 256 KB texts, non-ASCII
texts, and regexes built to defeat RE2's DFA (it then falls back to its NFA: linear, slower).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence

from prowler_ext.control import NETWORK_GATEWAY_CHANGES
from prowler_ext.filterpattern import regex

from .filterpattern_bench import machine_load

TARGET_MS = 50.0
EVENT_NAMES = NETWORK_GATEWAY_CHANGES.events


def _record(i: int) -> str:
    name = EVENT_NAMES[i % len(EVENT_NAMES)]
    return (
        '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA'
        f'{i:016d}","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012"}},'
        f'"eventTime":"2024-05-01T12:{i % 60:02d}:00Z","eventSource":"ec2.amazonaws.com",'
        f'"eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.{i % 256}",'
        '"userAgent":"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2",'
        f'"requestParameters":{{"internetGatewayId":"igw-{i:017x}"}},"readOnly":false}}\n'
    )


def texts(size: int) -> dict[str, str]:
    rng = random.Random(412)
    json_text = "".join(_record(i) for i in range(size // 400 + 2))[:size]
    non_ascii = json_text.replace("alice", "José").replace("Linux", "Liñux")
    return {
        "a*8000": "a" * 8000,
        "a*54K": "a" * (54 * 1024),
        "a*N": "a" * size,
        "b*N": "b" * size,
        "y*N": "y" * size,
        "y+a*N": "y" + "a" * (size - 1),
        "json": json_text,
        "json+é": non_ascii,
        "rand(ac)": "".join(rng.choice("ac") for _ in range(size)),
        "rand(ay)": "".join(rng.choice("ay") for _ in range(size)),
        "cjk": "".join(chr(0x4E00 + rng.randrange(2000)) for _ in range(size)),
    }


def _alternation(limit: int, word) -> str:
    parts: list[str] = []
    i = 1
    while len("|".join([*parts, word(i)])) <= limit:
        parts.append(word(i))
        i += 1
    return "|".join(parts)


def _fill(head: str, body: str, tail: str, limit: int = 1024) -> str:
    count = (limit - len(head) - len(tail)) // len(body)
    return head + body * count + tail


def cases() -> list[tuple[str, str, str]]:
    """(group, regex, text name)."""
    verbs = "Create Delete Attach Detach Modify Replace Enable Disable".split()
    things = "Customer Transit Vpn Carrier Local Nat EgressOnly Virtual".split()
    names = [f"{verb}{thing}Gateway" for verb in verbs for thing in things]
    return [
        ("old worst case", "a*a*b", "a*8000"),
        ("old worst case", "a*a*b", "a*N"),
        ("old worst case", "a{0,100}a{0,100}a{0,100}b", "a*8000"),
        ("old worst case", "a{0,100}a{0,100}a{0,100}b", "a*N"),
        ("old worst case", "x*y*z*a{0,1000}b", "a*54K"),
        ("old worst case", "x*y*z*a{0,1000}b", "a*N"),
        ("old worst case", ".*.*.*.*x", "a*N"),
        ("old worst case", "[a-z]{0,1000}[a-z]{0,1000}x", "a*N"),
        ("not trimmable", "y[a-z]{0,1000}[a-z]{0,1000}x", "y+a*N"),
        ("not trimmable", "y[a-z]{0,1000}[a-z]{0,1000}x", "y*N"),
        ("not trimmable", "q.*.*.*.*x", "a*N"),
        ("not trimmable", "y[a-z]{0,1000}x", "y*N"),
        ("alternation", _alternation(1024, lambda i: "a" * i), "b*N"),
        ("alternation", _alternation(1024, lambda i: "a" * i + "b"), "a*N"),
        ("alternation", _alternation(1024, lambda i: "^" + "a" * i + "$"), "a*N"),
        ("alternation", _alternation(1024, lambda i: names[(i - 1) % len(names)]), "json"),
        ("typical", "^Create.*Gateway$", "json"),
        ("typical", r"arn:aws:iam::\d{12}:user/[\w+=,.@-]+", "json"),
        ("typical", r"igw-[0-9a-f]{17}\x22,\x22readOnly\x22:true", "json"),
        ("typical", r"\s\d{3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\s", "json+é"),
        ("1024 chars", _fill("", r"\w", ""), "json"),
        ("1024 chars", _fill("", r"\w\W", ""), "json+é"),
        ("1024 chars", _fill("", "xa{1000}", ""), "a*N"),
        ("1024 chars", _fill("y", "[a-z]{0,1000}-", "x"), "json"),
        ("1024 chars", _fill("y", "[a-z]{0,1000}-", "x"), "y*N"),
        ("1024 chars", _fill("q", "a{0,1000}b{0,1000}", "x"), "a*N"),
        ("1024 chars", _fill("", ".{0,9}x", ""), "a*N"),
        ("non-ASCII", r"\w{1000}", "cjk"),
        ("non-ASCII", r"x\d+y", "cjk"),
        ("non-ASCII", r"^.*x$", "cjk"),
        ("non-ASCII", r"José.{0,40}Liñux", "json+é"),
        ("DFA-hostile", "a.{999}b", "rand(ac)"),
        ("DFA-hostile", "a[ac]{0,20}a[ac]{0,20}b", "rand(ac)"),
        ("DFA-hostile", "y[a-z]{0,100}x", "rand(ay)"),
        ("limit", "xa{1001}", "a*N"),
        ("limit", "a{2000}b", "a*N"),
    ]


def _clear() -> None:
    regex.searcher.cache_clear()
    regex._compile.cache_clear()


def _abridge(text: str, width: int = 34) -> str:
    shown = repr(text)
    return shown if len(shown) <= width else shown[: width - 3] + "..."


def run_case(pattern: str, text: str, repeat: int) -> dict:
    _clear()
    start = time.perf_counter()
    reason = regex.unsupported(pattern)
    if reason is not None:
        return {"reason": reason, "build": time.perf_counter() - start}
    search = regex.searcher(pattern)
    build = time.perf_counter() - start
    start = time.perf_counter()
    found = search(text)
    first = time.perf_counter() - start
    best = first
    for _ in range(repeat):
        start = time.perf_counter()
        search(text)
        best = min(best, time.perf_counter() - start)
    return {"found": found, "build": build, "first": first, "best": best}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256 * 1024, help="characters of text N")
    parser.add_argument("--repeat", type=int, default=3, help="warm searches per case")
    parser.add_argument("--max-mem", type=int, default=None, help="RE2 budget per regex, MiB")
    parser.add_argument("--only", default=None, help="run the cases whose group has this word")
    args = parser.parse_args(argv)
    if args.max_mem is not None:
        regex.MAX_MEM = args.max_mem << 20
    corpus = texts(args.size)
    print(f"regex search (RE2 {_re2_version()}), N = {args.size} characters; {machine_load()}")
    print(f"RE2 memory budget per regex: {regex.MAX_MEM >> 20} MiB; target {TARGET_MS:.0f} ms")
    print(
        f"{'group':15} {'regex':36} {'len':>5} {'text':9} {'chars':>7} "
        f"{'build':>9} {'1st search':>11} {'best':>9}  answer"
    )
    slowest: tuple[float, str] = (0.0, "")
    over = within = 0
    for group, pattern, text_name in cases():
        if args.only and args.only not in group:
            continue
        text = corpus[text_name]
        result = run_case(pattern, text, args.repeat)
        head = (
            f"{group:15} {_abridge(pattern, 36):36} {len(pattern):5} {text_name:9} "
            f"{len(text):7} {result['build'] * 1e3:7.2f}ms"
        )
        if "reason" in result:
            print(f"{head} {'':>11} {'':>9}  unsupported: {result['reason']}")
            continue
        total = (result["build"] + result["first"]) * 1e3
        flag = "  OVER" if total > TARGET_MS else ""
        if total > TARGET_MS:
            over += 1
        else:
            within += 1
        if total > slowest[0]:
            slowest = (total, f"{_abridge(pattern, 50)} on {text_name}")
        print(
            f"{head} {result['first'] * 1e3:9.2f}ms {result['best'] * 1e3:7.2f}ms  "
            f"{result['found']}{flag}",
            flush=True,
        )
    print(f"within {TARGET_MS:.0f} ms (build + first search): {within}; over: {over}")
    print(f"slowest: {slowest[0]:.1f} ms, {slowest[1]}")
    return 0


def _re2_version() -> str:
    try:
        from importlib.metadata import version

        return version("google-re2")
    except Exception:  # pragma: no cover - metadata missing
        return "?"


if __name__ == "__main__":
    sys.exit(main())
