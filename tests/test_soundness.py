"""One truth, two readers: coverage and the matcher never disagree (a few thousand random
questions here; `python tests/soundness_campaign.py 100000` runs the full campaign)."""

from __future__ import annotations

from soundness_campaign import campaign


def test_random_questions_have_sound_answers():
    tally = campaign(questions=3000, seed=20261203)
    assert not tally.unsound, tally.unsound[:3]
    # the campaign exercises every verdict, so a silent generator cannot pass it
    assert tally.verdicts["CAUGHT"] > 100 and tally.verdicts["MISSED"] > 100
    assert tally.verdicts["UNKNOWN"] > 0
