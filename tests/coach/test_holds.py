"""Posture holds: in position or not, good or faulty, and how long held."""

from __future__ import annotations

import pytest

from game.coach.holds import HoldCoach
from game.pose.sources import open_source


def judge(spec: str, posture: str) -> tuple[HoldCoach, list]:
    source = open_source(spec)
    coach = HoldCoach(posture)
    try:
        steps = [coach.update(frame) for frame in source.frames()]
    finally:
        source.close()
    return coach, steps


def test_standing_still_side_on_counts_as_a_good_stand():
    coach, steps = judge("demo?reps=1&lead=6&seed=2", "stand_heels")
    assert coach.longest_s > 4.5  # the 6 s lead, less the first frames and the first dip
    assert any(s.cue and "heels" in s.cue for s in steps)
    squatting = [s for s in steps if s.features and s.features.knee_flexion_deg > 60]
    assert squatting and not any(s.in_position for s in squatting)


def test_from_the_front_a_hold_is_not_measurable():
    coach, steps = judge("demo?reps=1&lead=4&view=front&seed=2", "stand_heels")
    assert coach.good_s == 0
    assert not any(s.measurable for s in steps)
    assert not any(s.fault for s in steps)


def test_unknown_posture():
    with pytest.raises(ValueError, match="postures: stand_heels, sit_tall"):
        HoldCoach("handstand")
