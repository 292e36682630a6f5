"""The rep state machine on synthetic knee-flexion signals (no pose model involved)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.coach.reps import RepDetector, RepThresholds

FPS = 30.0


def squat_signal(
    depths: list[float],
    *,
    down_s: float = 1.2,
    hold_s: float = 0.3,
    up_s: float = 1.0,
    rest_s: float = 1.0,
    lead_s: float = 1.0,
    standing_deg: float = 8.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Knee flexion over time for reps going to ``depths`` degrees, cosine-eased."""
    parts = [np.full(int(lead_s * FPS), standing_deg)]
    for depth in depths:
        down = np.linspace(0, math.pi, int(down_s * FPS), endpoint=False)
        up = np.linspace(0, math.pi, int(up_s * FPS), endpoint=False)
        span = depth - standing_deg
        parts += [
            standing_deg + span * (1 - np.cos(down)) / 2,
            np.full(int(hold_s * FPS), depth),
            depth - span * (1 - np.cos(up)) / 2,
            np.full(int(rest_s * FPS), standing_deg),
        ]
    values = np.concatenate(parts)
    return np.arange(values.size) / FPS, values


def run(t: np.ndarray, values: np.ndarray, thresholds: RepThresholds | None = None):
    detector = RepDetector(thresholds)
    ends = []
    for ti, v in zip(t, values, strict=True):
        for event in detector.update(float(ti), None if np.isnan(v) else float(v)):
            if event.kind == "end":
                ends.append(event.rep)
    return [r for r in ends if r.counted], [r for r in ends if not r.counted]


def test_counts_clean_reps_with_times_and_depth():
    t, v = squat_signal([110, 105, 115])
    counted, partial = run(t, v)
    assert len(counted) == 3 and not partial
    for rep in counted:
        assert rep.start_s < rep.bottom_s < rep.end_s
        assert 95 < rep.depth_deg <= 115
    # The first rep's bottom is in the middle of its hold (lead 1 s + 1.2 s down).
    assert 2.1 < counted[0].bottom_s < 2.6


def test_partial_reps_are_reported_not_counted():
    t, v = squat_signal([60, 110, 65])
    counted, partial = run(t, v)
    assert len(counted) == 1
    assert len(partial) == 2


def test_knee_bobs_under_the_start_threshold_are_nothing():
    t, v = squat_signal([25, 27, 24])  # bend of 16-19° over standing at 8°
    assert run(t, v) == ([], [])


def test_long_idle_and_slow_held_reps():
    t, v = squat_signal([120, 100], down_s=6.0, hold_s=2.0, up_s=3.0, rest_s=20.0, lead_s=30.0)
    counted, _ = run(t, v)
    assert len(counted) == 2
    assert counted[0].end_s - counted[0].start_s > 7  # 11 s of motion, 8 s out of the standing band


def test_person_lost_mid_rep_drops_the_rep_until_seen_standing():
    t, v = squat_signal([110, 110])
    first_bottom = 1.0 + 1.2 + 0.15
    gone = (t > first_bottom - 0.2) & (t < first_bottom + 1.6)
    v = v.copy()
    v[gone] = np.nan
    counted, _ = run(t, v)
    assert len(counted) == 1
    assert counted[0].start_s > first_bottom


def test_short_glitch_spike_does_not_count():
    t = np.arange(90) / FPS
    v = np.full(t.size, 8.0)
    v[40:42] = 130.0  # two frames of a landmark swap
    assert run(t, v)[0] == []


def test_repeated_or_backward_timestamps_are_ignored():
    detector = RepDetector()
    assert detector.update(1.0, 10.0) == []
    assert detector.update(1.0, 120.0) == []
    assert detector.update(0.5, 120.0) == []
    assert detector.smoothed == pytest.approx(10.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"stand_deg": 50.0, "start_deg": 45.0},
        {"start_deg": 80.0, "full_deg": 75.0},
        {"rise_deg": 0.0},
    ],
)
def test_thresholds_must_make_sense(kwargs):
    with pytest.raises(ValueError):
        RepThresholds(**kwargs)


@settings(max_examples=40, deadline=None)
@given(
    depths=st.lists(st.floats(85, 135), min_size=1, max_size=5),
    down_s=st.floats(0.6, 4.0),
    hold_s=st.floats(0.0, 2.0),
    rest_s=st.floats(0.3, 3.0),
    noise_deg=st.floats(0.0, 4.0),
    seed=st.integers(0, 2**16),
)
def test_jitter_and_holds_never_change_the_count(depths, down_s, hold_s, rest_s, noise_deg, seed):
    t, v = squat_signal(depths, down_s=down_s, hold_s=hold_s, rest_s=rest_s)
    v = v + np.random.default_rng(seed).normal(0, noise_deg, v.size)
    counted, _ = run(t, v)
    assert len(counted) == len(depths)
