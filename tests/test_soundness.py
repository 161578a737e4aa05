"""One truth, two readers: coverage and the matcher never disagree (a few thousand random
questions here; `python tests/soundness_campaign.py 100000` runs the full campaign)."""

from __future__ import annotations

from soundness_campaign import CLASSES, campaign


def test_random_questions_have_sound_answers():
    tally = campaign(questions=3000, seed=20261203)
    assert not tally.unsound, tally.unsound[:3]
    # the campaign exercises every verdict, so a silent generator cannot pass it
    assert tally.verdicts["CAUGHT"] > 100 and tally.verdicts["MISSED"] > 100
    assert tally.verdicts["UNKNOWN"] > 0
    # the section's classes that are no name list are asked about, and answered both ways
    for case in CLASSES:
        assert tally.by_case[(case.name, "MISSED")] > 10, case.name
        assert sum(n for (name, _), n in tally.by_case.items() if name == case.name) > 100
