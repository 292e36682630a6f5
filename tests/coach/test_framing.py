"""The get-in-frame check, table-driven from demo-athlete frames with edited landmarks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from game.coach.features import View
from game.coach.framing import (
    DARK_LUMA_MAX,
    FRAMING_GRACE_S,
    FRAMING_HOLD_S,
    MORE_LIGHT,
    ONE_PERSON,
    SHOW_FEET,
    SHOW_HEAD,
    STEP_CLOSER,
    STEP_INTO_VIEW,
    TURN_SIDEWAYS,
    FramingGate,
    check_framing,
    mean_luma,
)
from game.pose.frame import PoseFrame
from game.pose.landmarks import NUM_LANDMARKS, Landmark, Side, side_landmarks
from game.pose.sources import open_source

VOCABULARY = {MORE_LIGHT, ONE_PERSON, SHOW_FEET, SHOW_HEAD, STEP_CLOSER, STEP_INTO_VIEW}
VOCABULARY |= {TURN_SIDEWAYS}
STEP = 1 / 60  # the game's update step
_cache: dict[str, PoseFrame] = {}


def demo_frame(view: str = "side", facing: str = "right") -> PoseFrame:
    """A standing frame of the demo athlete (640x480), seen from ``view``."""
    key = f"demo?view={view}&facing={facing}&seed=1"
    if key not in _cache:
        source = open_source(key)
        try:
            _cache[key] = next(iter(source.frames()))
        finally:
            source.close()
    return _cache[key]


def demo_bottom_frame(_: PoseFrame) -> PoseFrame:
    """The side-view demo athlete at the bottom of the first rep (smallest nose-to-toe)."""
    if "bottom" not in _cache:
        source = open_source("demo?view=side&seed=1")
        try:
            bottom_s = source.rep_windows[0][1]  # type: ignore[attr-defined]
            _cache["bottom"] = next(f for f in source.frames() if f.timestamp_s >= bottom_s)
        finally:
            source.close()
    return _cache["bottom"]


Edit = Callable[[PoseFrame], PoseFrame]


def landmarks_edited(change: Callable[[np.ndarray], None], view: str = "side") -> Edit:
    def edit(_: PoseFrame) -> PoseFrame:
        frame = demo_frame(view)
        assert frame.landmarks is not None
        lm = frame.landmarks.copy()
        change(lm)
        return dataclasses.replace(frame, landmarks=lm)

    return edit


def shifted(dy: float) -> Callable[[np.ndarray], None]:
    def change(lm: np.ndarray) -> None:
        lm[:, 1] += dy

    return change


def shrunk(scale: float) -> Callable[[np.ndarray], None]:
    def change(lm: np.ndarray) -> None:
        lm[:, :2] = 0.5 + (lm[:, :2] - 0.5) * scale

    return change


def _shrink(frame: PoseFrame, scale: float) -> PoseFrame:
    assert frame.landmarks is not None
    lm = frame.landmarks.copy()
    shrunk(scale)(lm)
    return dataclasses.replace(frame, landmarks=lm)


def with_visibility(names: list[Landmark], visibility: float) -> Callable[[np.ndarray], None]:
    def change(lm: np.ndarray) -> None:
        lm[names, 3] = visibility

    return change


def put(name: Landmark, x: float, y: float) -> Callable[[np.ndarray], None]:
    def change(lm: np.ndarray) -> None:
        lm[name, :2] = (x, y)

    return change


def with_image(level: int) -> Edit:
    return lambda frame: dataclasses.replace(
        frame, image=np.full((*frame.frame_size[::-1], 3), level, dtype=np.uint8)
    )


def rear(frame: PoseFrame) -> PoseFrame:
    """The front view seen from behind: the hips' left/right order flips in camera x."""
    front = demo_frame("front")
    assert front.world_landmarks is not None
    world = front.world_landmarks.copy()
    world[:, 0] *= -1
    return dataclasses.replace(front, world_landmarks=world)


def chain(*edits: Edit) -> Edit:
    def edit(frame: PoseFrame) -> PoseFrame:
        for e in edits:
            frame = e(frame)
        return frame

    return edit


FEET = [getattr(side_landmarks(s), p) for s in Side for p in ("ankle", "heel", "foot_index")]
FAR_FOOT = [Landmark.LEFT_ANKLE, Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX]

CASES: list[tuple[str, str, Edit, list[str]]] = [
    ("side view, whole body", "side", lambda f: f, []),
    ("three-quarter view", "three_quarter", lambda f: f, []),
    ("front view", "front", lambda f: f, [TURN_SIDEWAYS]),
    ("rear view", "front", rear, [TURN_SIDEWAYS]),
    ("nobody", "side", lambda f: PoseFrame.empty(1.0, f.frame_size), [STEP_INTO_VIEW]),
    (
        "nobody, in the dark",
        "side",
        chain(lambda f: PoseFrame.empty(1.0, f.frame_size), with_image(10)),
        [MORE_LIGHT, STEP_INTO_VIEW],
    ),
    ("someone else too", "side", lambda f: dataclasses.replace(f, extra_people=1), [ONE_PERSON]),
    ("feet below the picture", "side", landmarks_edited(shifted(0.2)), [SHOW_FEET]),
    ("feet unsure", "side", landmarks_edited(with_visibility(FEET, 0.2)), [SHOW_FEET]),
    (
        "far foot hidden, near foot seen",
        "side",
        landmarks_edited(with_visibility(FAR_FOOT, 0.1)),
        [],
    ),
    (
        "a toe past the bottom edge",
        "side",
        landmarks_edited(put(Landmark.LEFT_FOOT_INDEX, 0.47, 1.02)),
        [SHOW_FEET],
    ),
    ("head above the picture", "side", landmarks_edited(shifted(-0.3)), [SHOW_HEAD]),
    ("face unsure", "side", landmarks_edited(with_visibility([Landmark.NOSE], 0.1)), [SHOW_HEAD]),
    ("far away", "side", landmarks_edited(shrunk(0.4)), [STEP_CLOSER]),
    (
        "far away and squatting",
        "side",
        chain(demo_bottom_frame, lambda f: _shrink(f, 0.4)),
        [STEP_CLOSER],
    ),
    ("squatting is not being far away", "side", demo_bottom_frame, []),
    ("dark picture", "side", with_image(DARK_LUMA_MAX - 15), [MORE_LIGHT]),
    ("bright picture", "side", with_image(DARK_LUMA_MAX + 60), []),
    (
        "everything at once, in priority order",
        "front",
        chain(
            landmarks_edited(shifted(0.2), view="front"),
            lambda f: dataclasses.replace(f, extra_people=2),
            with_image(5),
        ),
        [ONE_PERSON, SHOW_FEET, TURN_SIDEWAYS, MORE_LIGHT],
    ),
]


@pytest.mark.parametrize(
    ("view", "edit", "problems"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_framing_problems(view: str, edit: Edit, problems: list[str]) -> None:
    report = check_framing(edit(demo_frame(view)))
    assert report.problems == problems
    assert report.ok is (not problems)
    assert report.top == (problems[0] if problems else None)
    assert 0.0 <= report.fit <= 1.0


def test_the_view_and_fit_are_reported() -> None:
    side = check_framing(demo_frame("side"))
    assert side.view is View.SIDE and side.fit > 0.9
    assert check_framing(demo_frame("front")).view is View.FRONT
    nobody = check_framing(PoseFrame.empty(0.0, (640, 480)))
    assert nobody.view is None and nobody.fit == 0.0
    far = check_framing(landmarks_edited(shrunk(0.4))(demo_frame()))
    assert far.fit < 0.6 * side.fit
    feet_cut = check_framing(landmarks_edited(shifted(0.2))(demo_frame()))
    assert feet_cut.fit < side.fit


def test_mean_luma_weights_green_most() -> None:
    black = np.zeros((48, 64, 3), np.uint8)
    assert mean_luma(black) == 0.0
    assert mean_luma(black + 255) == pytest.approx(255.0, abs=0.01)
    green = black.copy()
    green[..., 1] = 255
    assert mean_luma(green) == pytest.approx(0.587 * 255, abs=0.01)


@settings(max_examples=60, deadline=None)
@given(
    landmarks=arrays(np.float32, (NUM_LANDMARKS, 4), elements=st.floats(-0.5, 1.5, width=32)),
    world=arrays(np.float32, (NUM_LANDMARKS, 3), elements=st.floats(-2, 2, width=32)),
    extra=st.integers(0, 3),
)
def test_any_detected_pose_gets_a_sane_verdict(
    landmarks: np.ndarray, world: np.ndarray, extra: int
) -> None:
    report = check_framing(PoseFrame(0.0, landmarks, world, (640, 480), extra_people=extra))
    assert set(report.problems) <= VOCABULARY
    assert len(set(report.problems)) == len(report.problems)
    assert report.ok is (not report.problems)
    assert 0.0 <= report.fit <= 1.0
    assert (ONE_PERSON in report.problems) is (extra > 0)


# --- the gate --------------------------------------------------------------------------------


def run_gate(gate: FramingGate, verdicts: Callable[[float], bool], seconds: float) -> float | None:
    """Step the gate at 60 Hz; the game time at which it opened, or None."""
    for i in range(round(seconds / STEP)):
        if gate.update(verdicts(i * STEP), STEP):
            return (i + 1) * STEP
    return None


def test_the_gate_opens_after_holding_still_for_the_hold_time() -> None:
    gate = FramingGate()
    opened = run_gate(gate, lambda t: True, 5.0)
    assert opened == pytest.approx(FRAMING_HOLD_S, abs=STEP)
    assert gate.progress == 1.0
    assert gate.update(False, 1.0), "once open it stays open"
    gate.reset()
    assert not gate.is_open and gate.progress == 0.0


def test_a_dropped_frame_now_and_then_does_not_restart_the_hold() -> None:
    gate = FramingGate()
    opened = run_gate(gate, lambda t: (t % 0.5) > 2 * STEP, 5.0)  # 2 bad steps every 0.5 s
    assert opened is not None and opened < FRAMING_HOLD_S + 0.3


def test_a_flickering_check_never_opens_the_gate() -> None:
    gate = FramingGate()
    assert run_gate(gate, lambda t: (t % 0.4) < 0.2, 10.0) is None
    assert gate.progress < 1.0


def test_a_real_break_empties_the_bar() -> None:
    gate = FramingGate()
    run_gate(gate, lambda t: True, 1.0)
    assert gate.progress == pytest.approx(1.0 / FRAMING_HOLD_S, abs=0.02)
    run_gate(gate, lambda t: False, FRAMING_GRACE_S + 0.1)
    assert gate.progress == 0.0
    assert run_gate(gate, lambda t: True, 5.0) == pytest.approx(FRAMING_HOLD_S, abs=STEP)


@pytest.mark.parametrize(("hold", "grace"), [(0.0, 0.2), (-1.0, 0.2), (1.0, -0.1)])
def test_a_gate_with_impossible_times_is_refused(hold: float, grace: float) -> None:
    with pytest.raises(ValueError, match="hold_s"):
        FramingGate(hold_s=hold, grace_s=grace)
