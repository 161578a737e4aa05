"""Coverage of text-term patterns: each term is looked for in the record's whole text.

AWS applies a text pattern to the log event's text, for CloudTrail the record written as
JSON; it does not document that writing (key order, spaces, escapes). So a proof rests only on
what every way of writing a record shares, its *atoms*: key names and scalar values, always
separated by JSON punctuation (`{ } [ ] " : ,`).

* A term is surely in every record's text when it lies inside an atom every record of the case
  has (a required key, a fixed value) and, for a regular expression, has no anchor (`^`, `$`
  depend on where the text starts and ends).
* A term is surely absent from a record when it cannot span atoms (no punctuation, no
  backslash, no whitespace but spaces between other characters; a regex that can only match
  such characters) and no atom of that record holds it. The records built for this use plain
  ASCII atoms, which JSON writes as they are.
* Anything else depends on the writing: UNKNOWN. So does mixing `?` terms with plain or `-`
  terms, which AWS does not document.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

from . import ast
from .answers import Coverage, Verdict, article
from .classes import regex_sample, sre_constants, sre_parse
from .cloudtrail import RECORD, FieldSpec, RecordCase, base_record, violation
from .matcher import evaluate
from .values import regex_search

_ATOM_CHARS = frozenset(string.ascii_letters + string.digits + "_-@/;#=.+*?!%&'()<>|^$~`")
_ANCHORS = frozenset({"^", "$"})


def _atoms(value: Any) -> Iterator[str]:
    """Key names and scalar values of a JSON value, as JSON writes them."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _atoms(item)
    elif isinstance(value, list):
        for item in value:
            yield from _atoms(item)
    elif isinstance(value, bool):
        yield "true" if value else "false"
    elif value is None:
        yield "null"
    else:
        yield str(value)


def sure_atoms(case: RecordCase) -> list[str]:
    """Atoms every record of the case holds: required key names and fixed values."""
    atoms = [name for name, spec in RECORD.members.items() if spec.required]
    user_identity = RECORD.members["userIdentity"]
    atoms += [name for name, spec in user_identity.members.items() if spec.required]
    for path, value in case.fixed:
        atoms += [step for step in path if isinstance(step, str)]
        atoms += list(_atoms(value))
    return atoms


def _is_anchored(regex: str) -> bool:
    return any(char in _ANCHORS for char in regex.replace("\\^", "").replace("\\$", ""))


def _contained(term: ast.Term, atoms: list[str]) -> bool:
    if term.is_regex:
        if _is_anchored(term.text):
            return False
        return any(_found(term.text, atom) for atom in atoms)
    return any(term.text in atom for atom in atoms)


def _found(regex: str, text: str) -> bool:
    """Surely found; a regex the engine cannot decide is never surely found."""
    outcome = regex_search(regex, text)
    return outcome.value and outcome.doubt is None


def _atom_bound(term: ast.Term) -> bool:
    """Can the term only ever be found inside one atom, however the record is written?"""
    if term.is_regex:
        return not _is_anchored(term.text) and _regex_atom_bound(term.text)
    text = term.text
    # A space between two atom characters lies inside a string: JSON puts punctuation
    # between any two tokens, and the whitespace it adds always touches punctuation.
    return (
        bool(text)
        and text == text.strip(" ")
        and all(char in _ATOM_CHARS or char == " " for char in text)
    )


def _regex_atom_bound(regex: str) -> bool:
    try:
        parsed = sre_parse.parse(regex)
    except (sre_constants.error, RecursionError, OverflowError):
        return False
    stack = [list(parsed)]
    while stack:
        for op, arg in stack.pop():
            if op is sre_constants.LITERAL:
                if chr(arg) not in _ATOM_CHARS:
                    return False
            elif op is sre_constants.IN:
                for item_op, item in arg:
                    if item_op is sre_constants.LITERAL and chr(item) in _ATOM_CHARS:
                        continue
                    if item_op is sre_constants.RANGE and all(
                        chr(c) in _ATOM_CHARS for c in range(item[0], item[1] + 1)
                    ):
                        continue
                    if item_op is sre_constants.CATEGORY and item in (
                        sre_constants.CATEGORY_DIGIT,
                        sre_constants.CATEGORY_WORD,
                    ):
                        continue
                    return False
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                stack.append(list(arg[2]))
            elif op is sre_constants.SUBPATTERN:
                stack.append(list(arg[-1]))
            elif op is sre_constants.BRANCH:
                stack.extend(list(branch) for branch in arg[1])
            elif op is sre_constants.AT:
                continue
            else:
                return False  # `.`, negated classes, \s \S \D \W: may match punctuation
    return True


def _record_without(case: RecordCase, terms: list[ast.Term]) -> dict | None:
    """A record of the case whose atoms hold none of the terms, or None."""
    record = base_record(case, typical=False)
    fixed = {path for path, _ in case.fixed}

    def holds(text: str) -> bool:
        return any(_contained(term, [text]) for term in terms)

    def clean(node: dict, spec: FieldSpec, prefix: tuple) -> bool:
        for key in list(node):
            path = prefix + (key,)
            if holds(key):
                return False
            value = node[key]
            member = spec.members.get(key)
            if isinstance(value, dict) and member is not None:
                if not clean(value, member, path):
                    return False
            elif isinstance(value, str) and holds(value):
                if path in fixed or member is None:
                    return False
                options = [e for e in member.examples if isinstance(e, str) and not holds(e)]
                options += [o for o in ("0", "x", "Z9") if not holds(o)]
                if not options:
                    return False
                node[key] = options[0]
            elif not isinstance(value, str) and any(holds(a) for a in _atoms(value)):
                return False
        return True

    return record if clean(record, RECORD, ()) else None


def _insertable(term: ast.Term) -> str | None:
    """Text that, put in a free string field, surely puts the term in the record's text."""
    if term.is_regex:
        if _is_anchored(term.text):
            return None
        sample = regex_sample(term.text)
    else:
        sample = term.text
    if sample is None or not sample or any(c in '"\\/' or not c.isprintable() for c in sample):
        return None
    if not sample.isascii():
        return None
    return sample


def term_coverage(pattern: ast.TermPattern, case: RecordCase) -> Coverage:
    event = case.name
    terms = pattern.terms
    if not terms:
        return Coverage(Verdict.CAUGHT, "an empty pattern matches every event", event_name=event)
    kinds = {term.kind for term in terms}
    if ast.TermKind.OPTIONAL in kinds and len(kinds) > 1:
        return Coverage(
            Verdict.UNKNOWN,
            f"whether every {event} record matches depends on how AWS reads ?terms mixed with "
            "other terms, which it does not document",
            event_name=event,
        )
    atoms = sure_atoms(case)
    excluded = [t for t in terms if t.kind is ast.TermKind.EXCLUDED]
    wanted = [t for t in terms if t.kind is not ast.TermKind.EXCLUDED]
    optional = ast.TermKind.OPTIONAL in kinds

    def missed(record: dict | None, reason: str) -> Coverage | None:
        if record is None or violation(record) is not None:
            return None
        if case.condition:
            member = evaluate(case.condition, record)
            if not member.value or member.doubt is not None:
                return None  # not surely a record of the case
        outcome = evaluate(pattern, record)
        if outcome.value or outcome.doubt is not None:
            return None
        return Coverage(Verdict.MISSED, reason, record, event)

    # an excluded term the record surely holds, or can be made to hold
    for term in excluded:
        if _contained(term, atoms):
            answer = missed(
                base_record(case, typical=True),
                f"every {event} record contains {term.text!r}, which -{term.text} excludes",
            )
            if answer:
                return answer
        shown = _insertable(term)
        if shown is not None:
            record = base_record(case, typical=True)
            record["userAgent"] = f"agent {shown}"
            answer = missed(
                record,
                f"{article(event)} {event} record whose userAgent contains {shown!r} is "
                f"excluded by -{term.text}",
            )
            if answer:
                return answer
    # terms asked for that some record lacks
    absent_capable = [t for t in wanted if not _contained(t, atoms) and _atom_bound(t)]
    lacking = wanted if optional else absent_capable[:1]
    if lacking and (not optional or len(absent_capable) == len(wanted)):
        answer = missed(
            _record_without(case, lacking),
            f"{article(event)} {event} record need not contain "
            f"{' or '.join(repr(t.text) for t in lacking)}",
        )
        if answer:
            return answer
    contained = [_contained(t, atoms) for t in wanted]
    if not excluded and (any(contained) if optional else all(contained)):
        return Coverage(
            Verdict.CAUGHT,
            f"every {event} record contains the text the pattern asks for",
            event_name=event,
        )
    return Coverage(
        Verdict.UNKNOWN,
        f"whether every {event} record contains {pattern.text.strip()!r} depends on how "
        "CloudTrail writes the record's text, which AWS does not document",
        event_name=event,
    )
