"""Hands up for a second means "go": never during squats, once per raise, after a hold."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from game.play.gestures import HOLD_S, MAX_GAP_S, HandsUpHold, hands_up
from game.pose.frame import PoseFrame
from game.pose.landmarks import Landmark
from game.pose.sources import open_source

L = Landmark


def demo_frames(spec: str) -> list[PoseFrame]:
    source = open_source(spec)
    try:
        return list(source.frames())
    finally:
        source.close()


@pytest.fixture(scope="module")
def standing() -> PoseFrame:
    """The demo athlete standing before its first rep (side view, arms forward)."""
    return demo_frames("demo?reps=1&mask=false")[0]


def raise_hands(
    frame: PoseFrame,
    wrists: tuple[Landmark, ...] = (L.LEFT_WRIST, L.RIGHT_WRIST),
    above: float = 0.12,
    t: float | None = None,
) -> PoseFrame:
    """``frame`` with the given wrists moved ``above`` (image heights) over the nose."""
    assert frame.landmarks is not None
    lm = frame.landmarks.copy()
    nose_y = lm[L.NOSE, 1]
    for w in wrists:
        lm[w, 1] = nose_y - above
        lm[w, 3] = 0.99
    return replace(frame, landmarks=lm, timestamp_s=frame.timestamp_s if t is None else t)


@pytest.mark.parametrize(
    "spec",
    [
        "demo?reps=3&mask=false",
        "demo?reps=3&mask=false&arms=chest",
        "demo?reps=2&mask=false&view=front",
        "demo:tail_tuck?reps=2&mask=false",
        "demo?hold=stand&arms=rest&mask=false&hold_s=3",
        "demo?hold=sit&mask=false&hold_s=3",
    ],
)
def test_squats_and_holds_never_raise_the_hands(spec: str) -> None:
    frames = demo_frames(spec)
    assert frames and not any(hands_up(f) for f in frames)
    assert not HandsUpHold().feed(frames)


def test_both_wrists_above_the_nose_are_hands_up(standing: PoseFrame) -> None:
    assert not hands_up(standing)
    assert hands_up(raise_hands(standing))


def test_one_hand_is_not_enough(standing: PoseFrame) -> None:
    assert not hands_up(raise_hands(standing, (L.LEFT_WRIST,)))
    assert not hands_up(raise_hands(standing, (L.RIGHT_WRIST,)))


def test_wrists_level_with_the_nose_are_not_up(standing: PoseFrame) -> None:
    assert not hands_up(raise_hands(standing, above=0.0))


def test_an_unsure_wrist_does_not_count(standing: PoseFrame) -> None:
    up = raise_hands(standing)
    assert up.landmarks is not None
    lm = up.landmarks.copy()
    lm[L.RIGHT_WRIST, 3] = 0.2
    assert not hands_up(replace(up, landmarks=lm))
    lm[L.RIGHT_WRIST, 3] = 0.99
    lm[L.NOSE, 0] = np.nan
    assert not hands_up(replace(up, landmarks=lm))


def test_nobody_in_the_frame_is_not_hands_up(standing: PoseFrame) -> None:
    assert not hands_up(None)
    assert not hands_up(PoseFrame.empty(0.0, standing.frame_size))


def raised_series(standing: PoseFrame, start: float, seconds: float, fps: float = 30.0):
    n = round(seconds * fps)
    return [raise_hands(standing, t=start + i / fps) for i in range(n + 1)]


def test_the_hold_fires_once_after_a_second(standing: PoseFrame) -> None:
    hold = HandsUpHold()
    frames = raised_series(standing, 5.0, 2.5)
    fired_at = [f.timestamp_s for f in frames if hold.update(f)]
    assert fired_at == [pytest.approx(5.0 + HOLD_S, abs=1 / 30 + 1e-9)]
    assert hold.progress == 1.0


def test_hands_down_re_arms_the_hold(standing: PoseFrame) -> None:
    hold = HandsUpHold()
    assert hold.feed(raised_series(standing, 0.0, 1.2))
    down = replace(standing, timestamp_s=1.3)
    assert not hold.update(down) and hold.progress == 0.0
    assert hold.feed(raised_series(standing, 1.4, 1.2))


def test_a_short_raise_or_a_gap_does_not_fire(standing: PoseFrame) -> None:
    hold = HandsUpHold()
    assert not hold.feed(raised_series(standing, 0.0, 0.6))
    assert 0.5 < hold.progress < 1.0
    # A long gap (camera stalled) restarts the count: 0.6 s + 0.6 s is not one second held.
    assert not hold.feed(raised_series(standing, 0.6 + MAX_GAP_S + 0.1, 0.6))
