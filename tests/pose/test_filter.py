"""The One Euro filter and the landmark smoother.

The filter is checked against a plain transcription of the reference algorithm (Casiez et
al.'s published Python, one scalar at a time), then for the behaviour the game relies on:
constant stays constant, steps are followed faster as beta grows, jitter is cut at rest,
time comes from timestamps. The smoother is checked for what it must never do: invent a
landmark it was not sure of, drag a stale one, or produce NaN for a visible one.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from game.pose.filter import (
    DEFAULT_MAX_GAP_S,
    VISIBLE_MIN,
    LandmarkSmoother,
    OneEuroFilter,
)
from game.pose.frame import AthleteTruth, PoseFrame
from game.pose.landmarks import NUM_LANDMARKS, Landmark
from game.pose.sources import open_source

FPS = 30.0
SIZE = (640, 480)


# --- the reference, transcribed ------------------------------------------------------------------
class ReferenceOneEuro:
    """One scalar, as in the authors' OneEuroFilter.py: speed from the previous raw value."""

    def __init__(self, min_cutoff: float, beta: float, d_cutoff: float) -> None:
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.last_t: float | None = None
        self.raw: float | None = None
        self.x_hat = 0.0
        self.dx_hat = 0.0

    @staticmethod
    def alpha(te: float, cutoff: float) -> float:
        tau = 1.0 / (2 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / te)

    def __call__(self, x: float, t: float) -> float:
        if self.raw is None or self.last_t is None:
            self.raw, self.x_hat, self.dx_hat, self.last_t = x, x, 0.0, t
            return x
        te = t - self.last_t
        dx = (x - self.raw) / te
        self.dx_hat += self.alpha(te, self.d_cutoff) * (dx - self.dx_hat)
        cutoff = self.min_cutoff + self.beta * abs(self.dx_hat)
        self.x_hat += self.alpha(te, cutoff) * (x - self.x_hat)
        self.raw, self.last_t = x, t
        return self.x_hat


def irregular_times(n: int, seed: int = 0) -> np.ndarray:
    """Camera-like timestamps: 30 fps with jitter and a few dropped frames."""
    rng = np.random.default_rng(seed)
    steps = rng.uniform(0.8, 1.2, n) / FPS
    steps[rng.random(n) < 0.1] *= 3  # dropped frames
    return np.cumsum(steps)


def run(filt: OneEuroFilter, values: np.ndarray, times: np.ndarray) -> np.ndarray:
    return np.array([filt(v, t) for v, t in zip(values, times, strict=True)])


@pytest.mark.parametrize(
    ("min_cutoff", "beta", "d_cutoff"), [(1.0, 0.0, 1.0), (0.5, 20.0, 1.0), (2.0, 0.3, 3.0)]
)
def test_matches_the_reference_element_by_element(min_cutoff, beta, d_cutoff):
    times = irregular_times(200)
    rng = np.random.default_rng(1)
    signals = np.cumsum(rng.normal(0, 0.01, (200, 3, 2)), axis=0)  # six random walks
    out = run(OneEuroFilter(min_cutoff, beta, d_cutoff), signals, times)
    for index in np.ndindex(3, 2):
        reference = ReferenceOneEuro(min_cutoff, beta, d_cutoff)
        signal = signals[:, index[0], index[1]]
        expected = [reference(float(x), float(t)) for x, t in zip(signal, times, strict=True)]
        np.testing.assert_allclose(out[:, index[0], index[1]], expected, rtol=1e-12, atol=1e-15)


def test_a_constant_signal_stays_constant():
    times = irregular_times(100)
    out = run(OneEuroFilter(), np.full((100, 4), 0.37), times)
    assert (out == 0.37).all()


def time_to_reach(fraction: float, beta: float, fps: float = FPS) -> float:
    """Seconds after a 0 -> 1 step until the output passes ``fraction`` of it."""
    filt = OneEuroFilter(min_cutoff=1.0, beta=beta, d_cutoff=1.0)
    times = np.arange(0, 3, 1 / fps)
    values = (times >= 1.0).astype(float)
    out = run(filt, values, times)
    return float(times[np.argmax(out >= fraction)] - 1.0)


def test_a_step_is_followed_and_beta_shrinks_the_lag():
    lags = [time_to_reach(0.9, beta) for beta in (0.0, 0.1, 1.0, 10.0)]
    assert all(lag > 0 for lag in lags[:-1])
    assert lags == sorted(lags, reverse=True) and len(set(lags)) == len(lags), lags
    # beta = 0 is a first-order low-pass at 1 Hz: 90 % after ~2.3 time constants (0.37 s).
    assert 0.3 < lags[0] < 0.45


def test_time_comes_from_timestamps_not_the_frame_rate():
    """The same step sampled at 30 and 60 fps settles after the same time, not frames."""
    at_30, at_60 = time_to_reach(0.9, 0.0, 30.0), time_to_reach(0.9, 0.0, 60.0)
    assert at_30 == pytest.approx(at_60, rel=0.15)


def noise_through(amplitude: float, hz: float, sigma: float) -> tuple[float, float]:
    """(input jitter / output jitter, lag in ms) for a noisy sine through the defaults.

    Output jitter is what the noise changed in the output: the filter run on the noisy
    sine minus the same filter run on the clean one. Lag is the phase of the clean run.
    Units are frame heights, the smoother's units for image landmarks.
    """
    times = np.arange(0, 20, 1 / FPS)
    clean = 0.5 + amplitude * np.sin(2 * np.pi * hz * times)
    noisy = clean + np.random.default_rng(7).normal(0, sigma, times.size)
    out_clean = run(OneEuroFilter(), clean, times)
    out_noisy = run(OneEuroFilter(), noisy, times)
    settled = times >= 1.0
    jitter_in = np.sqrt(np.mean((noisy - clean)[settled] ** 2))
    jitter_out = np.sqrt(np.mean((out_noisy - out_clean)[settled] ** 2))
    basis = np.column_stack([np.sin(2 * np.pi * hz * times), np.cos(2 * np.pi * hz * times)])
    (sin_part, cos_part), *_ = np.linalg.lstsq(basis[settled], out_clean[settled] - 0.5)
    lag_ms = 1000 * math.atan2(-cos_part, sin_part) / (2 * np.pi * hz)
    return float(jitter_in / jitter_out), lag_ms


def test_defaults_cut_jitter_at_rest_at_least_3x():
    # Standing sway (~1 px, 0.3 Hz) under MediaPipe-sized jitter: 0.002 frame heights is
    # ~1 px at 480 p, between the shared side clips (0.45 px and 1.25 px per frame).
    ratio, _ = noise_through(amplitude=0.002, hz=0.3, sigma=0.002)
    assert ratio >= 3.0


def test_defaults_follow_a_squat_with_little_lag():
    # A squat: the hip travels ~0.2 frame heights and back in 3 s. The filter opens up
    # while moving (so it passes more jitter than at rest) to keep the lag near one frame.
    ratio, lag_ms = noise_through(amplitude=0.1, hz=1 / 3, sigma=0.002)
    assert ratio >= 1.5
    assert 0 < lag_ms <= 60


def test_a_repeated_or_backward_timestamp_returns_the_previous_output():
    times = irregular_times(20)
    values = np.linspace(0, 1, 20)[:, np.newaxis] * np.ones((20, 3))
    plain, poked = OneEuroFilter(), OneEuroFilter()
    expected = run(plain, values, times)
    for k, (value, t) in enumerate(zip(values, times, strict=True)):
        out = poked(value, t)
        np.testing.assert_array_equal(out, expected[k])
        # Repeated and earlier timestamps, with wild values: no effect, same output.
        np.testing.assert_array_equal(poked(value + 5.0, t), expected[k])
        np.testing.assert_array_equal(poked(value - 5.0, t - 0.01), expected[k])


def test_reset_forgets_everything_or_chosen_elements():
    filt = OneEuroFilter(min_cutoff=0.5, beta=0.0)
    filt(np.zeros(4), 0.0)
    filt(np.zeros(4), 0.1)
    filt.reset(np.array([True, False, True, False]))
    out = filt(np.ones(4), 0.2)
    assert out[0] == out[2] == 1.0  # restarted from the new value
    assert 0.0 < out[1] == out[3] < 1.0  # still smoothing
    filt.reset()
    np.testing.assert_array_equal(filt(np.full(4, 3.0), 0.0), 3.0)  # time may restart too


def test_a_non_finite_element_passes_through_and_restarts():
    filt = OneEuroFilter(min_cutoff=0.5, beta=0.0)
    filt(np.array([0.0, 0.0]), 0.0)
    out = filt(np.array([np.nan, 1.0]), 0.1)
    assert np.isnan(out[0]) and 0.0 < out[1] < 1.0
    out = filt(np.array([5.0, 1.0]), 0.2)
    assert out[0] == 5.0  # started afresh, not pulled toward the old 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_cutoff": 0.0}, "min_cutoff must be finite and positive"),
        ({"min_cutoff": -1.0}, "min_cutoff must be finite and positive"),
        ({"min_cutoff": math.nan}, "min_cutoff must be finite and positive"),
        ({"min_cutoff": math.inf}, "min_cutoff must be finite and positive"),
        ({"min_cutoff": "1"}, "min_cutoff must be a number"),
        ({"min_cutoff": True}, "min_cutoff must be a number"),
        ({"beta": -0.1}, "beta must be finite and not negative"),
        ({"beta": math.inf}, "beta must be finite and not negative"),
        ({"beta": math.nan}, "beta must be finite and not negative"),
        ({"d_cutoff": 0.0}, "d_cutoff must be finite and positive"),
        ({"d_cutoff": -math.inf}, "d_cutoff must be finite and positive"),
        ({"d_cutoff": None}, "d_cutoff must be a number"),
    ],
)
def test_parameters_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        OneEuroFilter(**kwargs)
    with pytest.raises(ValueError, match=message):
        LandmarkSmoother(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"world_beta": -1.0}, "beta must be finite and not negative"),
        ({"max_gap_s": 0.0}, "max_gap_s must be finite and positive"),
        ({"max_gap_s": math.inf}, "max_gap_s must be finite and positive"),
        ({"visible_min": -0.1}, "visible_min must be finite and not negative"),
        ({"visible_min": 1.5}, "visible_min must be between 0 and 1"),
        ({"visible_min": math.nan}, "visible_min must be finite and not negative"),
    ],
)
def test_smoother_parameters_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LandmarkSmoother(**kwargs)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: f(np.zeros(3), math.nan), "timestamp_s must be finite"),
        (lambda f: f(np.zeros(3), math.inf), "timestamp_s must be finite"),
        (lambda f: f(np.zeros(4), 1.0), r"shape \(3,\), got \(4,\)"),
    ],
)
def test_bad_calls_are_refused(call, message):
    filt = OneEuroFilter()
    filt(np.zeros(3), 0.0)
    with pytest.raises(ValueError, match=message):
        call(filt)


# --- the smoother ------------------------------------------------------------------------------
def pose(t: float, offset: float = 0.0, visibility: float = 0.9, **extra: object) -> PoseFrame:
    """A person frame with every landmark at a fixed spread position plus ``offset``."""
    base = np.linspace(0.2, 0.8, NUM_LANDMARKS, dtype=np.float32)
    landmarks = np.empty((NUM_LANDMARKS, 4), dtype=np.float32)
    landmarks[:, 0] = base + offset
    landmarks[:, 1] = base[::-1] + offset
    landmarks[:, 2] = 0.01
    landmarks[:, 3] = visibility
    world = np.stack([base - 0.5 + offset, base - 0.5, np.full_like(base, 0.1)], axis=1)
    return PoseFrame(t, landmarks, world.astype(np.float32), SIZE, **extra)


def with_visibility(frame: PoseFrame, landmark: int, visibility: float) -> PoseFrame:
    landmarks = frame.landmarks.copy()
    landmarks[landmark, 3] = visibility
    return dataclasses.replace(frame, landmarks=landmarks)


def test_smoothed_frame_keeps_everything_but_the_positions():
    truth = AthleteTruth(None, "stand", 0, 0, 0, 0, 0, 0, 0, 0, 0)
    image = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
    mask = np.zeros((SIZE[1], SIZE[0]), np.float32)
    frame = pose(1.0, image=image, mask=mask, truth=truth, extra_people=2)
    before = frame.landmarks.copy()
    out = LandmarkSmoother().smooth(frame)
    assert out is not frame
    assert out.image is image and out.mask is mask and out.truth is truth
    assert (out.extra_people, out.timestamp_s, out.frame_size) == (2, 1.0, SIZE)
    assert out.landmarks.dtype == out.world_landmarks.dtype == np.float32
    np.testing.assert_array_equal(out.landmarks, before)  # the first frame starts the filter
    np.testing.assert_array_equal(frame.landmarks, before)  # the input is untouched


def test_unsure_landmarks_come_out_missing_and_restart_when_seen_again():
    smoother = LandmarkSmoother()
    knee = Landmark.LEFT_KNEE
    for k in range(10):
        smoother.smooth(pose(k / FPS))
    hidden = smoother.smooth(with_visibility(pose(10 / FPS), knee, VISIBLE_MIN - 0.01))
    assert np.isnan(hidden.landmarks[knee, :3]).all()
    assert np.isnan(hidden.world_landmarks[knee]).all()
    assert hidden.landmarks[knee, 3] == pytest.approx(VISIBLE_MIN - 0.01)  # visibility kept
    others = np.arange(NUM_LANDMARKS) != knee
    assert np.isfinite(hidden.landmarks[others]).all()

    # The whole body moves; the knee that was hidden restarts where it is now, while the
    # others are still smoothed toward the new place.
    moved = pose(11 / FPS, offset=0.05)
    out = smoother.smooth(moved)
    np.testing.assert_array_equal(out.landmarks[knee], moved.landmarks[knee])
    np.testing.assert_array_equal(out.world_landmarks[knee], moved.world_landmarks[knee])
    hip = Landmark.LEFT_HIP
    assert 0.0 < out.landmarks[hip, 0] - pose(0).landmarks[hip, 0] < 0.05


def test_a_frame_without_a_person_passes_and_a_short_gap_keeps_the_smoothing():
    smoother = LandmarkSmoother()
    for k in range(10):
        smoother.smooth(pose(k / FPS))
    empty = PoseFrame.empty(10 / FPS, SIZE)
    assert smoother.smooth(empty) is empty
    back = pose(11 / FPS, offset=0.05)
    out = smoother.smooth(back)
    assert (out.landmarks[:, 0] < back.landmarks[:, 0]).all()  # still smoothed


def test_a_gap_longer_than_max_gap_resets_everything():
    smoother = LandmarkSmoother()
    for k in range(10):
        smoother.smooth(pose(k / FPS))
    t = 9 / FPS
    for k in range(1, 20):
        smoother.smooth(PoseFrame.empty(t + k / FPS, SIZE))
    back = pose(t + DEFAULT_MAX_GAP_S + 0.1, offset=0.05)
    out = smoother.smooth(back)
    np.testing.assert_array_equal(out.landmarks, back.landmarks)
    np.testing.assert_array_equal(out.world_landmarks, back.world_landmarks)


def test_time_jumping_back_far_is_a_new_stream():
    smoother = LandmarkSmoother()
    for k in range(60):
        smoother.smooth(pose(k / FPS))
    restart = pose(0.0, offset=0.05)
    np.testing.assert_array_equal(smoother.smooth(restart).landmarks, restart.landmarks)


def test_on_the_demo_athlete_jitter_at_rest_drops_3x_and_reps_still_count():
    from game.coach.analysis import analyze_frames

    frames = list(open_source("demo?reps=1").frames())
    smoother = LandmarkSmoother()
    smoothed = [smoother.smooth(frame) for frame in frames]
    standing = np.array([f.truth.phase == "stand" for f in frames])
    steady = standing[1:] & standing[:-1]
    near = [Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE]

    def jitter(seq: list[PoseFrame]) -> float:
        xy = np.array([f.landmarks[near, :2] for f in seq]) * SIZE
        return float(np.sqrt(np.mean(np.diff(xy, axis=0)[steady] ** 2)))

    assert jitter(smoothed) * 3 <= jitter(frames)
    raw = analyze_frames(frames, source="demo", fps=FPS)
    smooth = analyze_frames(smoothed, source="demo", fps=FPS)
    assert raw["rep_count"] == smooth["rep_count"] == 1
    assert smooth["view"] == raw["view"] == "side"


# --- properties ----------------------------------------------------------------------------------
finite32 = st.floats(allow_nan=False, allow_infinity=False, width=32)
unit = st.floats(0.0, 1.0, width=32)
steps = st.sampled_from([0.0, 1e-3, 1 / 60, 1 / 30, 0.1, 0.4, 0.6, 2.0, -0.05, -1.0])


@st.composite
def frames_strategy(draw: st.DrawFn) -> list[PoseFrame]:
    count = draw(st.integers(1, 12))
    t = draw(st.floats(0.0, 100.0))
    frames = []
    for _ in range(count):
        t = max(0.0, t + draw(steps))
        if draw(st.integers(0, 5)) == 0:
            frames.append(PoseFrame.empty(t, SIZE))
            continue
        positions = draw(hnp.arrays(np.float32, (NUM_LANDMARKS, 3), elements=finite32))
        visibility = draw(hnp.arrays(np.float32, (NUM_LANDMARKS, 1), elements=unit))
        world = draw(hnp.arrays(np.float32, (NUM_LANDMARKS, 3), elements=finite32))
        landmarks = np.concatenate([positions, visibility], axis=1)
        frames.append(PoseFrame(t, landmarks, world, SIZE))
    return frames


@settings(max_examples=100, deadline=None)
@given(frames_strategy())
def test_visible_landmarks_always_come_out_finite_and_shapes_hold(frames):
    smoother = LandmarkSmoother()
    for frame in frames:
        out = smoother.smooth(frame)
        if frame.landmarks is None:
            assert out is frame
            continue
        assert out.landmarks.shape == (NUM_LANDMARKS, 4)
        assert out.world_landmarks.shape == (NUM_LANDMARKS, 3)
        assert out.landmarks.dtype == out.world_landmarks.dtype == np.float32
        visible = frame.landmarks[:, 3] >= VISIBLE_MIN
        assert np.isfinite(out.landmarks[visible]).all()
        assert np.isfinite(out.world_landmarks[visible]).all()
        assert np.isnan(out.landmarks[~visible, :3]).all()
        assert np.isnan(out.world_landmarks[~visible]).all()
        np.testing.assert_array_equal(out.landmarks[:, 3], frame.landmarks[:, 3])
