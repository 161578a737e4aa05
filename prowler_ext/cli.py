"""`prowler-ext explain|match` (or `python -m prowler_ext`): the filter-pattern engine from a
shell; `prowler-ext --version` names the plug-in and the Prowler it runs next to.

    explain '<pattern>'            CAUGHT / MISSED (with a counterexample) / UNKNOWN per event
    match '<pattern>' FILE...      which records match (JSON lines or a {"Records": [...]} file)
    doctor                         does the Prowler installed here load the plug-in? (exit 1: no)

A pattern AWS would reject prints the error with a caret under it and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence

from . import PLUGIN, doctor
from .control import NETWORK_GATEWAY_CHANGES
from .filterpattern import PatternError, Verdict, coverage, matches, parse
from .filterpattern.matcher import record_text

EXIT_BAD_PATTERN = 2


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="prowler-ext",
        description="Read CloudWatch Logs filter patterns the way AWS does.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", required=True)
    explain = commands.add_parser(
        "explain",
        help="does the pattern catch every record of each "
        f"{NETWORK_GATEWAY_CHANGES.subject} event?",
    )
    explain.add_argument("pattern")
    explain.add_argument(
        "--event",
        action="append",
        dest="events",
        metavar="EVENT",
        help=f"an event name to judge instead of the {len(NETWORK_GATEWAY_CHANGES.events)} "
        f"{NETWORK_GATEWAY_CHANGES.subject} events (repeatable)",
    )
    match = commands.add_parser(
        "match", help="which records of these files does the pattern match?"
    )
    match.add_argument("pattern")
    match.add_argument("files", nargs="+", metavar="FILE")
    commands.add_parser(
        "doctor", help="does the Prowler installed here load the check, frameworks and fixer?"
    )
    return parser.parse_args(argv)


def _version() -> str:
    try:
        from prowler.config.config import prowler_version
    except ImportError:  # the engine works without Prowler
        prowler_version = "not installed"
    return f"{PLUGIN} (Prowler {prowler_version})"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
        sys.stderr.close()
        return 0


def _main(argv: Sequence[str] | None) -> int:
    arguments = _arguments(argv)
    if arguments.command == "doctor":
        code, lines = doctor.report()
        print("\n".join(lines), file=sys.stdout if code == 0 else sys.stderr)
        return code
    try:
        pattern = parse(arguments.pattern)
    except PatternError as error:
        print(f"error: {error.message}", file=sys.stderr)
        print(error.caret(), file=sys.stderr)
        return EXIT_BAD_PATTERN
    if arguments.command == "explain":
        return _explain(pattern, arguments.events or list(NETWORK_GATEWAY_CHANGES.events))
    return _match(pattern, arguments.files)


def _explain(pattern, events: list[str]) -> int:
    width = max(len(e) for e in events)
    caught = 0
    for event in events:
        answer = coverage(pattern, _case(event))
        caught += answer.verdict is Verdict.CAUGHT
        print(f"{event:<{width}}  {answer.verdict.value:<7}  {answer.reason}")
        if answer.counterexample is not None:
            print(f"{'':<{width}}  {'':<7}  counterexample: {record_text(answer.counterexample)}")
    print(f"{caught} of {len(events)} events caught")
    return 0


def _case(event: str):
    """The control's case of that name, or the API call of that name."""
    try:
        return NETWORK_GATEWAY_CHANGES.case(event)
    except KeyError:
        return event


def _records(path: str) -> Iterator[tuple[str, str | dict]]:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("Records"), list):
        for number, record in enumerate(document["Records"], 1):
            yield f"{path}:Records[{number - 1}]", record
        return
    if isinstance(document, dict):
        yield f"{path}:1", document
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield f"{path}:{number}", line


def _match(pattern, files: list[str]) -> int:
    matched = total = 0
    for path in files:
        try:
            records = list(_records(path))
        except OSError as error:
            print(f"error: cannot read {path}: {error.strerror}", file=sys.stderr)
            return 1
        except UnicodeDecodeError as error:
            print(
                f"error: {path} is not UTF-8 text (byte 0x{error.object[error.start]:02x} at "
                f"offset {error.start}); CloudTrail writes UTF-8 JSON",
                file=sys.stderr,
            )
            return 1
        for where, record in records:
            total += 1
            hit = matches(pattern, record)
            matched += hit
            summary = record.get("eventName", "") if isinstance(record, dict) else ""
            if not summary and isinstance(record, str):
                summary = record[:80]
            print(f"{'MATCH   ' if hit else 'no match'}  {where}  {summary}")
    print(f"{matched} of {total} records match")
    return 0
