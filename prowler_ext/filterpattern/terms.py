"""Coverage of text-term patterns: judged on what every record's text surely contains (its
certain field names and values) and on what a free field could add."""

from __future__ import annotations

from . import ast
from .answers import Coverage, Verdict, article
from .classes import regex_sample
from .events import TYPICAL_FIELDS, certain_fields
from .matcher import evaluate
from .regex import searcher


def _surely_contained(event_name: str) -> list[str]:
    """Strings every record's text of the event contains, whatever its formatting."""
    fixed = certain_fields(event_name)
    texts = list(fixed.keys())
    for value in fixed.values():
        if isinstance(value, bool):
            texts.append("true" if value else "false")
        elif isinstance(value, str):
            texts.append(value)
    return texts


def term_coverage(pattern: ast.TermPattern, event_name: str) -> Coverage:
    terms = pattern.effective_terms
    base = {**TYPICAL_FIELDS, **certain_fields(event_name)}
    if not terms:
        return Coverage(
            Verdict.CAUGHT, "an empty pattern matches every event", event_name=event_name
        )
    surely = _surely_contained(event_name)

    def contained(term: ast.Term) -> bool:
        if term.is_regex:
            return any(searcher(term.text)(text) for text in surely)
        return any(term.text in text for text in surely)

    excluded = [t for t in terms if t.kind is ast.TermKind.EXCLUDED]
    if excluded:
        term = excluded[0]
        shown = regex_sample(term.text) if term.is_regex else term.text
        record = dict(base)
        if shown is not None:
            record["userAgent"] = f"agent {shown}"
        if shown is not None and not evaluate(pattern, record).value:
            return Coverage(
                Verdict.MISSED,
                f"{article(event_name)} {event_name} record whose userAgent contains {shown!r} "
                f"is excluded by -{term.text}",
                record,
                event_name,
            )
        return Coverage(
            Verdict.UNKNOWN,
            f"the exclusion -{term.text} can drop {event_name} records",
            event_name=event_name,
        )
    optional = all(t.kind is ast.TermKind.OPTIONAL for t in terms)
    decided = any(contained(t) for t in terms) if optional else all(contained(t) for t in terms)
    if decided:
        return Coverage(
            Verdict.CAUGHT,
            f"every {event_name} record contains the text the pattern asks for",
            event_name=event_name,
        )
    for record in ({**certain_fields(event_name)}, base):
        if not evaluate(pattern, record).value:
            missing = [t.text for t in terms if not contained(t)]
            return Coverage(
                Verdict.MISSED,
                f"{article(event_name)} {event_name} record need not contain "
                f"{' or '.join(map(repr, missing))}",
                record,
                event_name,
            )
    return Coverage(
        Verdict.UNKNOWN,
        f"whether every {event_name} record contains {pattern.text.strip()!r} depends on how "
        "CloudTrail formats the record's text",
        event_name=event_name,
    )
