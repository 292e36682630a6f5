"""Hands up for a second carries a player on without the keyboard, on the screens that
watch a camera: get in frame, the countdown, and the results (next level).

A scripted live camera (the one the camera-pause tests use) hands the game exactly the
frames each test gives it; "hands up" frames are the fake athlete standing with both
wrists moved above its nose.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest
from fake_athlete import make_frame
from test_camera_pause import ScriptedCamera

from game.coach.framing import FRAMING_HOLD_S
from game.play.gestures import HOLD_S, hands_up
from game.play.session import SessionResult
from game.pose.frame import PoseFrame
from game.pose.landmarks import Landmark
from game.pose.source import PoseSource
from game.ui.app import GameApp, GameOptions
from game.ui.scenes.countdown import COUNTDOWN_S, CountdownScene, start_level
from game.ui.scenes.framing import FramingScene
from game.ui.scenes.play import PlayPhase, PlayScene
from game.ui.scenes.results import ResultsScene

STEP = 1 / 60


def standing(t: float) -> PoseFrame:
    return make_frame(t, 0.0, mask=False)


def arms_up(t: float) -> PoseFrame:
    frame = standing(t)
    assert frame.landmarks is not None
    lm = frame.landmarks.copy()
    for wrist in (Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST):
        lm[wrist, 1] = lm[Landmark.NOSE, 1] - 0.1
        lm[wrist, 3] = 0.99
    return dataclasses.replace(frame, landmarks=lm)


@dataclasses.dataclass
class Rig:
    app: GameApp
    camera: ScriptedCamera
    t: float = 0.0

    def step(self, seconds: float, frame: Callable[[float], PoseFrame]) -> None:
        """``seconds`` of game time; the camera sends ``frame(t)`` at 30 fps."""
        for i in range(round(seconds / STEP)):
            if i % 2 == 0:
                self.t += 2 * STEP
                self.camera.give(frame(self.t))
            self.app.stack.update(STEP)


@pytest.fixture
def rig() -> Iterator[Rig]:
    camera = ScriptedCamera()

    def open_source(spec: str) -> PoseSource:
        return camera

    app = GameApp(GameOptions(headless=True, source="camera"), open_source=open_source)
    app.autopilot = None
    yield Rig(app, camera)
    app.close()


def test_the_pose_used_here_is_hands_up() -> None:
    assert hands_up(arms_up(1.0)) and not hands_up(standing(1.0))


def test_hands_up_starts_from_framing_and_skips_the_countdown(rig: Rig) -> None:
    play = start_level(rig.app.ctx, rig.app.stack, rig.app.ctx.levels[0])
    rig.step(STEP, standing)
    framing = rig.app.stack.top
    assert isinstance(framing, FramingScene)
    rig.step(HOLD_S + 0.2, arms_up)  # placed right and hands up: starts before the bar fills
    assert HOLD_S + 0.2 < FRAMING_HOLD_S
    countdown = rig.app.stack.top
    assert isinstance(countdown, CountdownScene), "hands up should leave the framing step"
    rig.step(0.2, standing)  # hands down: the count runs on its own...
    assert rig.app.stack.top is countdown
    rig.step(HOLD_S + 0.2, arms_up)  # ...and hands up again starts the level at once
    assert countdown.left_s > COUNTDOWN_S - 2 * HOLD_S  # well before the count's end
    assert rig.app.stack.top is play
    rig.step(0.1, standing)
    assert play.phase is PlayPhase.RUNNING


def test_hands_kept_down_wait_for_the_bar_and_the_count(rig: Rig) -> None:
    play = start_level(rig.app.ctx, rig.app.stack, rig.app.ctx.levels[0])
    rig.step(STEP, standing)
    assert isinstance(rig.app.stack.top, FramingScene)
    waited = 0.0
    while isinstance(rig.app.stack.top, FramingScene) and waited < 5.0:
        rig.step(2 * STEP, standing)
        waited += 2 * STEP
    assert waited >= FRAMING_HOLD_S  # the bar had to fill: no shortcut without hands
    assert isinstance(rig.app.stack.top, CountdownScene)
    rig.step(COUNTDOWN_S - 0.5, standing)
    assert isinstance(rig.app.stack.top, CountdownScene)
    rig.step(0.7, standing)
    assert rig.app.stack.top is play


def test_hands_up_on_the_results_starts_the_next_level(rig: Rig) -> None:
    ctx = rig.app.ctx
    level = ctx.levels[0]
    result = SessionResult(level.id, True, 450, level.stars_for(450, True), (), 0, 30.0)
    results = ResultsScene(ctx, level, result)
    rig.app.stack.push(results)
    rig.app.stack.update(STEP)  # saved; the camera is opened for the gesture
    rig.step(0.5, standing)
    assert results.outcome is not None and results.feed is not None
    assert results.next_level.id == ctx.levels[1].id  # level one's star opened level two
    held = 0.0
    while results in list(rig.app.stack) and held < HOLD_S + 0.5:
        rig.step(2 * STEP, arms_up)  # (the scripted camera, once closed, sends no more)
        held += 2 * STEP
    assert results not in list(rig.app.stack)
    assert held >= HOLD_S
    play = next(s for s in rig.app.stack if isinstance(s, PlayScene))
    assert play.level.id == ctx.levels[1].id
