"""Rep phase timing: exact on a synthetic minimum-jerk rep, close on the demo athlete."""

from __future__ import annotations

import math

import pytest

from game.coach.coach import Coach
from game.play.levels import Tempo
from game.play.tempo import (
    RepTiming,
    measure_rep_timing,
    min_jerk,
    tempo_cue,
    tempo_misses,
)
from game.pose.sources import open_source

TEMPO_311 = Tempo(down_s=3, pause_s=1, up_s=1, tolerance_s=0.5)


def synthetic_rep(
    down: float, pause: float, up: float, fps: float = 30.0, lead: float = 1.0
) -> tuple[list[tuple[float, float]], float, float]:
    """A knee-bend trace standing at 10°, to 120° and back along minimum-jerk curves,
    with the coach-like window (start/end where it is 15° above standing)."""
    stand, deep = 10.0, 120.0
    t_end = lead + down + pause + up + 1.0
    trace = []
    for i in range(int(t_end * fps)):
        t = i / fps
        if t < lead:
            x = 0.0
        elif t < lead + down:
            x = min_jerk((t - lead) / down)
        elif t < lead + down + pause:
            x = 1.0
        elif t < lead + down + pause + up:
            x = 1.0 - min_jerk((t - lead - down - pause) / up)
        else:
            x = 0.0
        trace.append((t, stand + x * (deep - stand)))
    start = max(t for t, d in trace if d <= stand + 15 and t < lead + down)
    end = min(t for t, d in trace if d <= stand + 15 and t > lead + down + pause)
    return trace, start, end


@pytest.mark.parametrize(
    ("down", "pause", "up"), [(3, 1, 1), (1.5, 0.3, 1.2), (1, 0, 1), (2, 2, 2)]
)
def test_a_minimum_jerk_rep_is_timed_to_a_frame(down: float, pause: float, up: float) -> None:
    trace, start, end = synthetic_rep(down, pause, up)
    timing = measure_rep_timing(trace, start, end + 0.1)
    assert timing is not None
    frame = 1 / 30
    assert timing.down_s == pytest.approx(down, abs=2 * frame)
    assert timing.pause_s == pytest.approx(pause, abs=2 * frame)
    assert timing.up_s == pytest.approx(up, abs=2 * frame)


def test_a_rep_not_yet_back_past_the_lower_edge_is_not_timed() -> None:
    trace, start, _end = synthetic_rep(2, 1, 2)
    cut = [(t, d) for t, d in trace if t <= 1.0 + 2 + 1 + 0.5]  # halfway up
    assert measure_rep_timing(cut, start, 4.5) is None
    assert measure_rep_timing([], start, 4.5) is None
    flat = [(t, 10.0) for t, _ in trace]
    assert measure_rep_timing(flat, start, 6.0) is None


def demo_timings(spec: str) -> list[RepTiming]:
    coach = Coach()
    trace: list[tuple[float, float]] = []
    out = []
    with open_source(spec) as source:
        for frame in source.frames():
            step = coach.update(frame)
            if math.isfinite(step.depth_deg):
                trace.append((step.timestamp_s, step.depth_deg))
            if step.rep is not None:
                timing = measure_rep_timing(trace, step.rep.start_s, step.rep.end_s)
                assert timing is not None
                out.append(timing)
    return out


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        ("demo?reps=3&tempo=3-1-1&mask=false", (3, 1, 1)),
        ("demo?reps=2&tempo=3-1-1&mask=false&view=front", (3, 1, 1)),
        ("demo?reps=2&tempo=3-1-1&mask=false&view=three_quarter&noise=2", (3, 1, 1)),
        ("demo?reps=3&tempo=2-2-1&mask=false", (2, 2, 1)),
        ("demo?reps=2&tempo=1-0-1&mask=false", (1, 0, 1)),
    ],
)
def test_the_demo_athletes_tempo_reads_within_the_tolerance(
    spec: str, want: tuple[float, float, float]
) -> None:
    timings = demo_timings(spec)
    assert timings
    tempo = Tempo(*want, tolerance_s=0.5)
    for timing in timings:
        assert tempo_misses(tempo, timing) == {}, timing


def test_phases_off_by_more_than_the_tolerance_are_named_with_their_error() -> None:
    on = RepTiming(3.4, 0.6, 1.2)
    assert tempo_misses(TEMPO_311, on) == {}
    fast = RepTiming(1.2, 0.1, 1.0)
    misses = tempo_misses(TEMPO_311, fast)
    assert set(misses) == {"down", "pause"}
    assert misses["down"] == pytest.approx(-1.8)
    assert tempo_cue(TEMPO_311, misses) == "Slower down - count 3 seconds"
    slow_up = tempo_misses(TEMPO_311, RepTiming(3, 1, 2.2))
    assert tempo_cue(TEMPO_311, slow_up) == "Quicker up - 1 second to stand"
    assert tempo_cue(TEMPO_311, {}) is None


def test_slow_motion_stretches_the_count() -> None:
    # At half speed 3-1-1 is 6-2-2, and the tolerance doubles with it.
    assert tempo_misses(TEMPO_311, RepTiming(6, 2, 2), slow_motion=0.5) == {}
    assert "down" in tempo_misses(TEMPO_311, RepTiming(3, 2, 2), slow_motion=0.5)
    assert "down" not in tempo_misses(TEMPO_311, RepTiming(5.2, 2, 2), slow_motion=0.5)
