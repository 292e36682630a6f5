"""The inference-quality policy, fed made-up camera timelines (no camera, no model).

:func:`simulate` plays a camera at a steady rate into the policy: each frame is grabbed,
submitted if the policy says so, and its result comes back after a latency the test
chooses (possibly depending on the level it was submitted at), or never (dropped; the
next result reports it). Every observation carries its time, as in the camera source.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.pose.quality import (
    BEHIND_LATENCY_RATIO,
    LEVELS,
    MAX_STEP_UP_AFTER_S,
    QUALITY_MODES,
    STEP_UP_AFTER_S,
    WINDOW_S,
    InferenceQuality,
    QualityLevel,
    QualityMode,
)

FPS = 30.0
INTERVAL = 1.0 / FPS
HD = (1280, 720)

#: Latency of a frame submitted at time t at a level, in seconds; None = dropped.
Latency = Callable[[float, int], float | None]


@dataclass
class Run:
    """What happened: the level after each frame, and the submits."""

    levels: list[tuple[float, int]] = field(default_factory=list)
    submitted: list[tuple[float, int]] = field(default_factory=list)  # (t, level)

    def level_at(self, t: float) -> int:
        return [level for when, level in self.levels if when <= t][-1]

    def changes(self) -> list[tuple[float, int, int]]:
        """(time, from, to) of every level change."""
        out = []
        for (_, a), (t, b) in zip(self.levels, self.levels[1:], strict=False):
            if a != b:
                out.append((t, a, b))
        return out

    def first_time_at(self, level: int) -> float | None:
        return next((t for t, lv in self.levels if lv == level), None)


def simulate(
    policy: InferenceQuality,
    seconds: float,
    latency: Latency,
    *,
    fps: float = FPS,
    size: tuple[int, int] = HD,
    start_s: float = 0.0,
    run: Run | None = None,
) -> Run:
    run = run or Run()
    due: list[tuple[float, float]] = []  # (arrival, latency) heap
    dropped = 0
    frames = round(seconds * fps)
    for i in range(frames):
        now = start_s + i / fps
        while due and due[0][0] <= now:
            arrival, lat = heapq.heappop(due)
            policy.result_arrived(arrival, lat, dropped)
            dropped = 0
        level = policy.level
        if policy.frame_grabbed(now, size):
            run.submitted.append((now, level))
            lat = latency(now, level)
            if lat is None:
                dropped += 1
            else:
                heapq.heappush(due, (now + lat, lat))
        run.levels.append((now, policy.level))
    return run


def constant(seconds: float) -> Latency:
    return lambda _t, _level: seconds


# --- stepping down ----------------------------------------------------------------------------


def test_steps_down_when_latency_exceeds_the_frame_interval() -> None:
    policy = InferenceQuality("auto")
    run = simulate(policy, 6.0, constant(1.6 * INTERVAL))
    one, two = run.first_time_at(1), run.first_time_at(2)
    assert one is not None and two is not None
    assert WINDOW_S <= one <= WINDOW_S + 0.5, "judged on a full window, then at once"
    # The next step waits for a full window of results from frames submitted at level 1.
    assert two - one >= WINDOW_S
    assert run.level_at(6.0) == 2 and policy.steps == 2
    assert [(a, b) for _, a, b in run.changes()] == [(0, 1), (1, 2)]


def test_steps_down_when_a_third_of_the_frames_are_dropped() -> None:
    # Quick results, but every other frame is dropped: the machine is not keeping up.
    policy = InferenceQuality()
    frame = iter(range(10**6))
    run = simulate(policy, 3.0, lambda _t, _lv: None if next(frame) % 2 else 0.3 * INTERVAL)
    assert run.level_at(3.0) >= 1


def test_a_step_is_judged_on_results_of_frames_submitted_after_it() -> None:
    """Results still coming back from level 0 must not push level 1 down at once."""
    policy = InferenceQuality()

    def latency(_t: float, level: int) -> float:
        return 1.5 if level == 0 else 1.0 * INTERVAL  # a machine that choked, then copes

    run = simulate(policy, 8.0, latency)
    assert [(a, b) for _, a, b in run.changes()] == [(0, 1)]


def test_a_latency_just_below_the_line_is_not_behind() -> None:
    policy = InferenceQuality()
    simulate(policy, 20.0, constant(0.97 * BEHIND_LATENCY_RATIO * INTERVAL))
    assert policy.level == 0 and policy.steps == 0


def test_a_small_camera_skips_the_level_that_changes_nothing_for_it() -> None:
    """640x480 is already 640 px: the downscale level would change nothing."""
    policy = InferenceQuality()
    run = simulate(policy, 3.0, constant(2 * INTERVAL), size=(640, 480))
    assert [(a, b) for _, a, b in run.changes()] == [(0, 2)]
    assert policy.describe() == "640 px, every 2nd frame"


# --- stepping up ------------------------------------------------------------------------------


def test_steps_back_up_only_after_the_hysteresis_time() -> None:
    policy = InferenceQuality()
    slow_until = 4.0

    def latency(t: float, _level: int) -> float:
        return 2.0 * INTERVAL if t < slow_until else 0.3 * INTERVAL

    run = simulate(policy, 30.0, latency)
    assert run.level_at(slow_until) == 2
    ups = [(t, a, b) for t, a, b in run.changes() if b < a]
    assert [(a, b) for _, a, b in ups] == [(2, 1), (1, 0)]
    # A full window to see the change, then a few seconds of comfort, per step.
    assert STEP_UP_AFTER_S >= 3.0, "a few seconds, not a blink"
    assert ups[0][0] - slow_until >= STEP_UP_AFTER_S
    assert ups[1][0] - ups[0][0] >= STEP_UP_AFTER_S
    assert ups[1][0] - slow_until <= 2 * (STEP_UP_AFTER_S + WINDOW_S) + 0.5
    assert run.level_at(30.0) == 0


def test_a_machine_just_keeping_up_comes_back_from_every_2nd_frame() -> None:
    """This machine's normal pace (28 ms a frame at 30 fps: over 80 % of the interval,
    under 100 %): after a busy spell it returns to every frame at 640 px, where each
    frame costs the same, but not to the bigger full-size picture."""
    policy = InferenceQuality()
    busy_until = 4.0

    def latency(t: float, _level: int) -> float:
        return 2.0 * INTERVAL if t < busy_until else 0.028

    run = simulate(policy, 40.0, latency)
    assert run.level_at(busy_until) == 2
    assert [(a, b) for _, a, b in run.changes() if b < a] == [(2, 1)]
    assert run.level_at(40.0) == 1


def test_a_short_quiet_spell_does_not_bring_a_level_back() -> None:
    """Slow, quiet for less than the hysteresis time, slow again: no step up at all."""
    policy = InferenceQuality()
    quiet = 2.5  # seconds: a player standing still, another program pausing

    def latency(t: float, _level: int) -> float:
        phase = t % (quiet + 3.0)
        return 0.3 * INTERVAL if phase < quiet else 2.0 * INTERVAL

    run = simulate(policy, 60.0, latency)
    assert all(b > a for _, a, b in run.changes()), run.changes()


def test_a_step_up_that_fails_waits_longer_each_time() -> None:
    """A machine that holds level 1 easily but not level 0: it must not flip every 6 s."""
    policy = InferenceQuality()

    def latency(_t: float, level: int) -> float:
        return 2.0 * INTERVAL if level == 0 else 0.3 * INTERVAL

    run = simulate(policy, 180.0, latency)
    ups = [t for t, a, b in run.changes() if b < a]
    assert 2 <= len(ups) <= 6, ups
    gaps = [b - a for a, b in itertools.pairwise(ups)]
    assert all(later > earlier for earlier, later in itertools.pairwise(gaps)), gaps
    assert gaps[-1] >= MAX_STEP_UP_AFTER_S * 0.9 or len(ups) < 6
    # Most of the time is spent where the machine copes.
    frames_at_1 = sum(1 for _, level in run.levels if level == 1)
    assert frames_at_1 > 0.85 * len(run.levels)


def test_a_noisy_borderline_machine_settles() -> None:
    """Latency wandering across the line at full size and a little under it lighter (a
    busy machine): it steps down, and never back and forth."""
    rng = random.Random(7)

    def latency(_t: float, level: int) -> float | None:
        if rng.random() < 0.03:
            return None
        low, high = (0.9, 1.6) if level == 0 else (0.7, 1.2)
        return INTERVAL * rng.uniform(low, high)

    policy = InferenceQuality()
    run = simulate(policy, 120.0, latency)
    directions = [b > a for _, a, b in run.changes()]
    assert len(directions) <= 2 and all(directions), run.changes()


# --- pinned modes -----------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "level", "every"), [("full", 0, 1), ("fast", len(LEVELS) - 1, 2)])
@pytest.mark.parametrize("lat", [0.1 * INTERVAL, 5 * INTERVAL])
def test_pinned_modes_never_move(mode: str, level: int, every: int, lat: float) -> None:
    policy = InferenceQuality(mode)
    run = simulate(policy, 20.0, constant(lat))
    assert {lv for _, lv in run.levels} == {level} and policy.steps == 0
    assert len(run.submitted) == len(run.levels) // every


def test_changing_mode_applies_at_once() -> None:
    policy = InferenceQuality()
    simulate(policy, 5.0, constant(3 * INTERVAL))
    assert policy.level == 2
    policy.mode = "full"
    assert (policy.mode, policy.level) == (QualityMode.FULL, 0)
    policy.mode = QualityMode.FAST
    assert policy.level == 2 and policy.state().description == "640 px, every 2nd frame"
    policy.mode = "auto"  # starts again from the top, as at start-up
    assert policy.level == 0
    with pytest.raises(ValueError, match="auto, full, fast"):
        policy.mode = "turbo"
    with pytest.raises(ValueError, match="turbo"):
        InferenceQuality("turbo")
    assert QUALITY_MODES == ("auto", "full", "fast")


# --- levels and words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "size", "inferred", "words"),
    [
        (LEVELS[0], (1280, 720), (1280, 720), "1280 px, every frame"),
        (LEVELS[1], (1280, 720), (640, 360), "640 px, every frame"),
        (LEVELS[2], (1280, 720), (640, 360), "640 px, every 2nd frame"),
        (LEVELS[1], (1920, 1080), (640, 360), "640 px, every frame"),
        (LEVELS[1], (720, 1280), (360, 640), "640 px, every frame"),  # a phone held upright
        (LEVELS[1], (640, 480), (640, 480), "640 px, every frame"),  # never scaled up
        (LEVELS[1], (320, 240), (320, 240), "320 px, every frame"),
        (QualityLevel(640, 3), (1280, 720), (640, 360), "640 px, every 3rd frame"),
    ],
)
def test_inference_size_and_words(
    level: QualityLevel, size: tuple[int, int], inferred: tuple[int, int], words: str
) -> None:
    assert level.inference_size(*size) == inferred
    assert level.describe(size) == words


def test_words_before_the_camera_sent_a_frame() -> None:
    assert InferenceQuality("full").describe() == "full size, every frame"
    assert InferenceQuality("fast").describe() == "640 px, every 2nd frame"


# --- any trace --------------------------------------------------------------------------------

_trace = st.lists(
    st.tuples(
        st.floats(0.001, 0.2),  # time to the next frame
        st.one_of(st.none(), st.floats(-0.01, 1.0)),  # its latency (None: dropped)
    ),
    min_size=1,
    max_size=400,
)


@settings(max_examples=60, deadline=None)
@given(trace=_trace, mode=st.sampled_from(QUALITY_MODES))
def test_any_trace_keeps_the_level_in_range_and_the_skip_pattern(
    trace: list[tuple[float, float | None]], mode: str
) -> None:
    policy = InferenceQuality(mode)
    now, dropped = 0.0, 0
    due: list[tuple[float, float]] = []
    submitted_in_a_row = 0
    for gap, lat in trace:
        now += gap
        while due and due[0][0] <= now:
            arrival, latency = heapq.heappop(due)
            policy.result_arrived(arrival, latency, dropped)
            dropped = 0
        every = policy.current.every
        submit = policy.frame_grabbed(now, HD)
        assert 0 <= policy.level < len(LEVELS)
        submitted_in_a_row = submitted_in_a_row + 1 if submit else 0
        if every == 2 and policy.current.every == 2:
            assert submitted_in_a_row <= 1, "the fast level hands over every 2nd frame"
        if submit:
            if lat is None:
                dropped += 1
            else:
                heapq.heappush(due, (now + max(lat, 0.0), lat))
    if mode != "auto":
        assert policy.steps == 0


@settings(max_examples=40, deadline=None)
@given(
    ratio=st.floats(0.0, BEHIND_LATENCY_RATIO * 0.99),
    fps=st.sampled_from([15.0, 24.0, 30.0, 60.0]),
)
def test_a_steady_machine_that_keeps_up_never_steps_down(ratio: float, fps: float) -> None:
    policy = InferenceQuality()
    simulate(policy, 15.0, constant(ratio / fps), fps=fps)
    assert policy.level == 0 and policy.steps == 0
