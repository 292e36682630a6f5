"""The shin gap: knees over the toes, read from the mask between the lower legs."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from game.coach.coach import Coach
from game.coach.faults import SHIN_GAP_MIN
from game.coach.knees import shin_gap
from game.pose.landmarks import Landmark
from game.pose.sources import open_source

SIZE = 200  # square mask, pixels


def legs(ankles: tuple[float, float], knees: tuple[float, float], toes: tuple[float, float]):
    """A mask with two 16 px wide lower legs from ankle x (row 170) to knee x (row 110)
    under a body block, and landmarks (0..1) for ankles and toes."""
    mask = np.zeros((SIZE, SIZE), np.float32)
    mask[40:110, 40:160] = 1.0  # the body and thighs: closes the gap above the knees
    for ankle_x, knee_x in zip(ankles, knees, strict=True):
        for y in range(110, 171):
            x = ankle_x + (knee_x - ankle_x) * (170 - y) / 60
            mask[y, round(x - 8) : round(x + 8)] = 1.0
    landmarks = np.zeros((33, 4), np.float32)
    landmarks[:, 3] = 1.0
    landmarks[Landmark.RIGHT_ANKLE, :2] = (ankles[0] / SIZE, 170 / SIZE)
    landmarks[Landmark.LEFT_ANKLE, :2] = (ankles[1] / SIZE, 170 / SIZE)
    landmarks[Landmark.RIGHT_FOOT_INDEX, :2] = (toes[0] / SIZE, 185 / SIZE)
    landmarks[Landmark.LEFT_FOOT_INDEX, :2] = (toes[1] / SIZE, 185 / SIZE)
    return mask, landmarks, np.ones(33, bool)


def test_knees_out_over_the_toes_leave_a_gap_as_wide_as_the_toes():
    mask, lm, vis = legs(ankles=(75, 125), knees=(55, 145), toes=(55, 145))
    # widest at the knees: (145 - 8) - (55 + 8) = 74 px of background over 90 px of toes
    assert shin_gap(mask, lm, vis) == pytest.approx(74 / 90, abs=0.03)


def test_knees_falling_inside_the_toes_close_the_gap():
    out = shin_gap(*legs(ankles=(75, 125), knees=(55, 145), toes=(50, 150)))
    caved = shin_gap(*legs(ankles=(75, 125), knees=(90, 110), toes=(50, 150)))
    assert caved < SHIN_GAP_MIN < out
    # widest at the ankles now: (125 - 8) - (75 + 8) = 34 px over 100 px of toes
    assert caved == pytest.approx(0.34, abs=0.03)


def test_a_smaller_mask_than_the_frame_reads_the_same():
    mask, lm, vis = legs(ankles=(75, 125), knees=(55, 145), toes=(55, 145))
    half = mask[::2, ::2]
    assert shin_gap(half, lm, vis) == pytest.approx(shin_gap(mask, lm, vis), abs=0.05)


@pytest.mark.parametrize(
    "damage",
    ["no_mask", "feet_unseen", "ankles_touch", "toes_together", "one_leg_at_the_edge", "nan"],
)
def test_what_cannot_be_read_is_nan(damage):
    mask, lm, vis = legs(ankles=(75, 125), knees=(55, 145), toes=(55, 145))
    if damage == "no_mask":
        mask = None
    elif damage == "feet_unseen":
        vis[Landmark.LEFT_FOOT_INDEX] = False
    elif damage == "ankles_touch":
        mask[160:175, 60:140] = 1.0
    elif damage == "toes_together":
        lm[Landmark.LEFT_FOOT_INDEX, 0] = lm[Landmark.RIGHT_FOOT_INDEX, 0] + 0.01
    elif damage == "one_leg_at_the_edge":
        mask[:, 100:] = 0.0
    elif damage == "nan":
        lm[Landmark.LEFT_ANKLE, 0] = np.nan
    assert math.isnan(shin_gap(mask, lm, vis))


@cache
def front_reps(spec: str) -> dict[int, tuple[float, tuple[str, ...]]]:
    source = open_source(spec)
    coach = Coach()
    try:
        for frame in source.frames():
            coach.update(frame)
    finally:
        source.close()
    coach.finish()
    return {rep.index: (rep.metrics.shin_gap, rep.faults) for rep in coach.reps}


@pytest.mark.parametrize("seed", [0, 1])
def test_the_demo_athletes_caving_rep_has_the_narrow_gap(seed):
    reps = front_reps(f"demo:knees_cave?reps=3&fault_reps=2&view=front&seed={seed}")
    assert sorted(reps) == [1, 2, 3]
    for index, (gap, faults) in reps.items():
        if index == 2:
            assert gap < SHIN_GAP_MIN and "knees_cave" in faults
        else:
            assert gap >= SHIN_GAP_MIN and "knees_cave" not in faults
