"""A live level holds its clock when the camera or the player goes away, and carries on.

The play scene is driven directly with game time (fixed 1/60 s steps) and a scripted
live source: the test hands it each frame and waits until the feed's reader thread has
taken it, so every run sees the same frames at the same steps. No camera needed.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Callable, Iterator

import pygame
import pytest
from fake_athlete import make_frame

from game.pose.frame import PoseFrame
from game.pose.source import PoseSource, SourceInfo
from game.ui import theme
from game.ui.app import GameApp, GameOptions, post_key
from game.ui.hud import STAGE_RECT
from game.ui.live_watch import CAMERA_LOST, HOLD_AFTER_S, ONE_PERSON, STEP_BACK_IN
from game.ui.scenes.framing import HOLD_STILL, READY_SHOW_S, FramingScene
from game.ui.scenes.play import PlayPhase, PlayScene

STEP = 1 / 60
COUNTDOWN_S = 0.5


class ScriptedCamera:
    """A live source that yields exactly the frames the test gives it, when it gives them.

    ``status`` plays the camera's own health report (None: a source that has none).
    """

    def __init__(self) -> None:
        self.info = SourceInfo("scripted", 30.0, (640, 480), True, "scripted camera")
        self.status: str | None = None
        self._queue: queue.Queue[PoseFrame] = queue.Queue()
        self._closed = threading.Event()
        self._buffered = 0
        self._cond = threading.Condition()
        self.closes = 0

    def frames(self) -> Iterator[PoseFrame]:
        while not self._closed.is_set():
            try:
                frame = self._queue.get(timeout=0.01)
            except queue.Empty:
                continue
            yield frame
            # The reader is back for the next one, so it has buffered this one.
            with self._cond:
                self._buffered += 1
                self._cond.notify_all()

    def give(self, frame: PoseFrame) -> None:
        """Hand over one frame and wait until the feed's reader has buffered it."""
        with self._cond:
            target = self._buffered + 1
        self._queue.put(frame)
        with self._cond:
            assert self._cond.wait_for(lambda: self._buffered >= target, timeout=2.0)

    def close(self) -> None:
        self.closes += 1
        self._closed.set()


@dataclasses.dataclass
class Rig:
    app: GameApp
    camera: ScriptedCamera
    play: PlayScene
    t: float = 0.0  # the camera's clock
    added: int = 0  # frames the session was given

    def step(self, seconds: float, frame: Callable[[float], PoseFrame | None]) -> None:
        """Run the game for ``seconds``; the camera sends ``frame(t)`` every other step
        (30 fps) unless it returns None (nothing arrives)."""
        for i in range(round(seconds / STEP)):
            if i % 2 == 0:
                self.t += 2 * STEP
                f = frame(self.t)
                if f is not None:
                    self.camera.give(f)
            self.app.stack.update(STEP)


def standing(t: float) -> PoseFrame:
    return make_frame(t, 0.0, mask=False)


def nobody(t: float) -> PoseFrame:
    return make_frame(t, 0.0, mask=False, person=False)


def two_people(t: float) -> PoseFrame:
    return dataclasses.replace(standing(t), extra_people=1)


def silent(t: float) -> None:
    return None


@pytest.fixture
def rig() -> Iterator[Rig]:
    camera = ScriptedCamera()

    def open_source(spec: str) -> PoseSource:
        return camera

    app = GameApp(GameOptions(headless=True, source="camera"), open_source=open_source)
    app.autopilot = None
    play = PlayScene(app.ctx, app.ctx.levels[0], countdown_s=COUNTDOWN_S)
    app.stack.push(play)
    r = Rig(app, camera, play)
    counted = play.session.add_smoothed  # the scene's second half of add_frame

    def add_smoothed(frame: PoseFrame) -> object:
        r.added += 1
        return counted(frame)

    play.session.add_smoothed = add_smoothed  # type: ignore[method-assign]
    yield r
    app.close()


def start_running(rig: Rig) -> None:
    """Through the get-in-frame step and the countdown, into the level."""
    rig.step(STEP, standing)
    framing = rig.app.stack.top
    assert isinstance(framing, FramingScene)
    rig.step(0.5, standing)
    assert framing.message == HOLD_STILL
    assert 0 < framing.gate.progress < 1
    rig.step(1.0 + READY_SHOW_S + 0.1, standing)
    assert rig.app.stack.top is rig.play
    rig.step(COUNTDOWN_S + 0.1, standing)
    assert rig.play.phase is PlayPhase.RUNNING


def test_a_camera_that_stops_holds_the_clock_and_play_resumes_by_itself(rig: Rig) -> None:
    start_running(rig)
    rig.step(1.0, standing)
    assert rig.play.hold_message is None
    clock, added = rig.play.play_clock_s, rig.added
    assert clock > 0.5 and added > 0

    rig.step(3.0, silent)  # unplugged: nothing arrives
    assert rig.play.hold_message == CAMERA_LOST
    held_clock, held_elapsed = rig.play.play_clock_s, rig.play.session.elapsed_s
    assert held_clock < clock + 1.1, "the clock ran on for more than ~1 s without frames"
    rig.step(2.0, silent)
    assert rig.play.play_clock_s == held_clock
    assert rig.play.session.elapsed_s == held_elapsed
    assert rig.added == added, "the session got frames while the camera was gone"

    rig.step(0.5, standing)  # plugged back in
    assert rig.play.hold_message is None
    assert rig.play.play_clock_s > held_clock
    assert rig.added > added


def test_a_live_pose_is_drawn_before_the_coach_judges_it(rig: Rig) -> None:
    """The coach's millisecond comes after the picture: an update shows the new pose
    (smoothed as the coach will measure it), and the coach judges it once the frame is
    on screen, or at the next update if nobody said so."""
    start_running(rig)
    rig.step(0.5, standing)
    rig.app.stack.update(STEP)  # judge what is left over
    before = rig.added
    rig.t += 2 * STEP
    rig.camera.give(standing(rig.t))
    rig.app.stack.update(STEP)
    shown = rig.play.stage.shown_frame
    assert shown is not None and shown.timestamp_s == pytest.approx(rig.t)
    assert rig.added == before, "judged before the frame showing it was drawn"
    rig.app.stack.draw(rig.app.screen)
    rig.app.stack.presented()
    assert rig.added == before + 1
    assert rig.play.session.last_frame is shown  # the coach measured what was drawn
    rig.t += 2 * STEP
    rig.camera.give(standing(rig.t))
    rig.app.stack.update(STEP)
    rig.app.stack.update(STEP)  # no presented(): the next update judges it
    assert rig.added == before + 2


def test_the_camera_saying_it_is_lost_holds_at_once(rig: Rig) -> None:
    start_running(rig)
    rig.camera.status = "lost"
    rig.step(3 * STEP, standing)
    assert rig.play.hold_message == CAMERA_LOST
    rig.camera.status = "ok"
    rig.step(3 * STEP, standing)
    assert rig.play.hold_message is None


@pytest.mark.parametrize(("frame", "message"), [(nobody, STEP_BACK_IN), (two_people, ONE_PERSON)])
def test_nobody_or_two_people_for_a_while_holds_the_level(
    rig: Rig, frame: Callable[[float], PoseFrame], message: str
) -> None:
    start_running(rig)
    rig.step(HOLD_AFTER_S - 0.2, frame)  # a short spell is ridden out
    assert rig.play.hold_message is None
    rig.step(0.5, frame)
    assert rig.play.hold_message == message
    clock, added = rig.play.play_clock_s, rig.added
    rig.step(2.0, frame)
    assert (rig.play.play_clock_s, rig.added) == (clock, added)
    rig.step(0.2, standing)
    assert rig.play.hold_message is None
    assert rig.play.play_clock_s > clock


def test_the_hold_message_is_drawn_over_the_stage(rig: Rig) -> None:
    start_running(rig)
    rig.step(2.5, silent)
    assert rig.play.hold_message == CAMERA_LOST
    rig.app._render()
    box = pygame.Rect(0, 0, STAGE_RECT.width - 40, 190)
    box.center = STAGE_RECT.center
    assert tuple(rig.app.screen.get_at((box.left, box.centery)))[:3] == theme.BAD


def test_the_level_does_not_start_until_the_player_is_in_frame(rig: Rig) -> None:
    rig.step(STEP, nobody)
    framing = rig.app.stack.top
    assert isinstance(framing, FramingScene)
    rig.step(3.0, nobody)
    assert rig.app.stack.top is framing and framing.gate.progress == 0
    assert framing.message == "Step into view"
    rig.step(3.0, two_people)
    assert rig.app.stack.top is framing and framing.message == ONE_PERSON
    rig.step(3.0, silent)
    assert framing.message == CAMERA_LOST
    rig.step(2.5, standing)
    assert rig.app.stack.top is rig.play and rig.play.phase is PlayPhase.COUNTDOWN


def test_esc_on_the_framing_step_leaves_the_level(rig: Rig) -> None:
    rig.step(STEP, standing)
    assert isinstance(rig.app.stack.top, FramingScene)
    post_key(pygame.K_ESCAPE)
    rig.app._handle_events()
    assert rig.play not in list(rig.app.stack)
    assert rig.camera.closes >= 1


def test_a_camera_still_starting_up_is_not_called_lost(rig: Rig) -> None:
    rig.camera.status = "starting"
    rig.step(2.0, silent)
    framing = rig.app.stack.top
    assert isinstance(framing, FramingScene)
    assert framing.message == "Starting the camera..."
    rig.camera.status = "stalled"  # what the camera says once its first image is overdue
    rig.step(STEP, silent)
    assert framing.message == CAMERA_LOST


@pytest.mark.parametrize(("level_mirror", "shown"), [(None, True), (False, False), (True, True)])
def test_a_levels_mirror_modifier_overrides_the_players_setting(level_mirror, shown) -> None:
    camera = ScriptedCamera()
    camera.mirror = True  # type: ignore[attr-defined]  # the player's setting: a mirror
    app = GameApp(GameOptions(headless=True, source="camera"), open_source=lambda spec: camera)
    app.autopilot = None
    level = app.ctx.levels[0]
    modifiers = dataclasses.replace(level.modifiers, mirror=level_mirror)
    level = dataclasses.replace(level, modifiers=modifiers)
    play = PlayScene(app.ctx, level, countdown_s=COUNTDOWN_S)
    app.stack.push(play)
    try:
        app._step(app.stepper.dt)
        assert play.feed is not None
        assert camera.mirror is shown  # type: ignore[attr-defined]
    finally:
        app.close()
