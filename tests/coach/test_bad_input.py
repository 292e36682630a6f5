"""Bad input never breaks the coach and never invents a fault (property tests).

NaN landmarks, missing ones, low visibility, an empty or absent mask, a person half out of
frame: the coach keeps going, the affected metrics read "not measurable" (NaN), and no fault
is reported from a measurement that was not there.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import replace
from functools import cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from game.coach.calibration import Calibration, CalibrationError
from game.coach.coach import Coach
from game.coach.features import measure
from game.coach.silhouette import facing_sign, measure_back
from game.pose.frame import PoseFrame
from game.pose.sources import open_source


@cache
def demo_frames(spec: str = "demo:tail_tuck?reps=2&seed=11") -> tuple[PoseFrame, ...]:
    source = open_source(spec)
    try:
        return tuple(source.frames())
    finally:
        source.close()


def corrupt(frame: PoseFrame, kind: str, rng: np.random.Generator) -> PoseFrame:
    if frame.landmarks is None:
        return frame
    lm = frame.landmarks.copy()
    world = frame.world_landmarks.copy()
    if kind == "nan":
        rows = rng.choice(33, size=rng.integers(1, 33), replace=False)
        lm[rows, :3] = np.nan
        world[rows] = np.nan
    elif kind == "low_visibility":
        lm[:, 3] = rng.uniform(0.0, 0.45, 33).astype(np.float32)
    elif kind == "half_out":
        lm[:, 0] += 0.5  # shifted right: half the body past the frame's edge
        lm[lm[:, 0] > 1.0, 3] = 0.05
    elif kind == "garbage":
        lm = rng.normal(0.5, 3.0, lm.shape).astype(np.float32)
        world = rng.normal(0.0, 5.0, world.shape).astype(np.float32)
    elif kind == "inf":
        lm[rng.integers(0, 33)] = np.inf
        world[rng.integers(0, 33)] = -np.inf
    mask = frame.mask
    if kind == "empty_mask" and mask is not None:
        mask = np.zeros_like(mask)
    elif kind == "no_mask":
        mask = None
    elif kind == "tiny_mask":
        mask = np.ones((2, 2), np.float32)
    return replace(frame, landmarks=lm, world_landmarks=world, mask=mask)


KINDS = [
    "nan",
    "low_visibility",
    "half_out",
    "garbage",
    "inf",
    "empty_mask",
    "no_mask",
    "tiny_mask",
]


@settings(max_examples=30, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    share=st.sampled_from([0.1, 0.5, 1.0]),
    seed=st.integers(0, 2**31),
)
def test_corrupt_frames_never_raise(kind, share, seed):
    rng = np.random.default_rng(seed)
    coach = Coach()
    for frame in demo_frames():
        if rng.random() < share:
            frame = corrupt(frame, kind, rng)
        step = coach.update(frame)
        assert step.timestamp_s == frame.timestamp_s
    coach.finish()
    for rep in coach.reps:
        assert 0 <= rep.score <= 100


@settings(max_examples=10, deadline=None)
@given(kind=st.sampled_from(["empty_mask", "no_mask", "tiny_mask"]), seed=st.integers(0, 99))
def test_without_a_silhouette_no_tuck_or_glutes_fault_is_invented(kind, seed):
    rng = np.random.default_rng(seed)
    coach = Coach()
    for frame in demo_frames():
        coach.update(corrupt(frame, kind, rng))
    coach.finish()
    assert coach.reps  # the landmarks still count the reps
    for rep in coach.reps:
        assert "tail_tuck" not in rep.faults
        assert "glutes_low" not in rep.faults
        assert math.isnan(rep.metrics.lumbar_bulge)


def test_low_visibility_everywhere_measures_nothing():
    frame = next(f for f in demo_frames() if f.landmarks is not None)
    rng = np.random.default_rng(0)
    features = measure(corrupt(frame, "low_visibility", rng))
    assert features is not None
    for name in ("knee_flexion_deg", "hip_flexion_deg", "lumbar_bulge", "com_over_foot"):
        assert math.isnan(getattr(features, name)), name


def test_the_back_contour_needs_a_person_in_the_mask():
    frame = next(f for f in demo_frames() if f.landmarks is not None and f.mask is not None)
    visible = frame.landmarks[:, 3] >= 0.5
    facing = facing_sign(frame.landmarks, visible)
    assert measure_back(frame.mask, frame.landmarks, visible, facing) is not None
    empty = np.zeros_like(frame.mask)
    assert measure_back(empty, frame.landmarks, visible, facing) is None
    assert measure_back(None, frame.landmarks, visible, facing) is None
    assert measure_back(frame.mask, frame.landmarks, visible, math.nan) is None


@settings(max_examples=50, deadline=None)
@given(data=st.dictionaries(st.text(max_size=20), st.one_of(st.none(), st.floats(), st.text())))
def test_a_damaged_calibration_record_is_rejected_cleanly(data):
    with contextlib.suppress(CalibrationError):
        Calibration.from_dict(data)
