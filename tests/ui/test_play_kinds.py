"""The play screen per level kind, played headless by the real demo athlete.

A hold shows the seconds held and the posture's state, with the skeleton green while the
hold is good and the faulty region red while it is not; a squat set shows a fault's cue
the moment the coach sees it, with that region red. The pixels are checked, not only
the state the scene decided.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pygame
import pytest

from game.coach.holds import HOLD_CUES
from game.coach.scoring import CUES
from game.paths import shipped_levels_dir
from game.play.levels import Level, load_levels
from game.play.session import HoldSession, LevelSession, SessionStatus
from game.play.stand_in import DEMO_HOLD_MARGIN_S
from game.ui import theme
from game.ui.app import GameApp, GameOptions
from game.ui.hud import CUE_SIZE, STAGE_RECT, HoldHudState, HudState
from game.ui.scenes.play import PlayPhase, PlayScene, spec_for_level, squat_extras

try:
    from game.pose.demo import open_demo  # noqa: F401
except ImportError:
    pytest.skip("the demo athlete (game.pose.demo) is not there yet", allow_module_level=True)


def shipped(level_id: str) -> Level:
    levels, errors = load_levels([shipped_levels_dir()])
    assert not errors
    return next(lv for lv in levels if lv.id == level_id)


@pytest.mark.parametrize(
    ("level_id", "spec", "opened"),
    [
        ("heels-stand", "demo", f"demo?hold=stand&hold_s={20 + DEMO_HOLD_MARGIN_S:g}"),
        (
            "heels-stand",
            "demo:weight_forward?fault_from=5&fault_to=12",
            "demo:weight_forward?fault_from=5&fault_to=12&hold=stand&hold_s=23",
        ),
        ("heels-stand", "demo?hold=stand&hold_s=30", "demo?hold=stand&hold_s=30"),
        ("sit-tall", "demo:tail_tuck", "demo:tail_tuck?hold=sit&hold_s=23"),
        ("desk-sit", "demo", "demo?hold=sit&hold_s=63"),
        ("tempo-3-1-1", "demo", "demo?reps=5&tempo=3-1-1"),
        ("tempo-3-1-1", "demo?tempo=1-0-1", "demo?tempo=1-0-1&reps=5"),
        ("bottom-pause", "demo", "demo?reps=5&pause=2.5"),
        ("ladder-middle", "demo", "demo?reps=5&depth=0.829"),
        ("ladder-middle", "demo?depth=1", "demo?depth=1&reps=5"),
        ("first-squats", "demo?hold=stand", "demo?hold=stand"),  # refused when opened
        ("heels-stand", "camera", "camera"),
    ],
)
def test_the_demo_plays_each_kind_of_level_as_asked(level_id: str, spec: str, opened: str) -> None:
    assert spec_for_level(spec, shipped(level_id)) == opened


@pytest.fixture
def app() -> Iterator[GameApp]:
    game = GameApp(GameOptions(headless=True, source="demo"))
    game.autopilot = None
    yield game
    game.close()


def start(app: GameApp, level_id: str, spec: str) -> PlayScene:
    app.ctx.source_spec = spec
    play = PlayScene(app.ctx, shipped(level_id), countdown_s=0.5)
    app.stack.push(play)
    return play


def run_until(app: GameApp, play: PlayScene, done, limit_s: float = 90.0) -> None:
    """Advance game time in small steps until ``done()`` or the limit."""
    while not done():
        assert app.game_time_s < limit_s, "did not happen in time"
        app.options.seconds = app.game_time_s + 0.1
        app.run()


def stage_pixels(app: GameApp, play: PlayScene) -> np.ndarray:
    """The stage as drawn now, (W, H, 3)."""
    surface = pygame.Surface(theme.LOGICAL_SIZE)
    play.draw(surface)
    return pygame.surfarray.array3d(surface.subsurface(STAGE_RECT))


def count(pixels: np.ndarray, color: theme.Color) -> int:
    return int((pixels == np.array(color)).all(axis=2).sum())


def test_a_good_hold_turns_the_skeleton_green_and_completes(app: GameApp) -> None:
    play = start(app, "heels-stand", "demo")
    assert isinstance(play.session, HoldSession)
    run_until(app, play, lambda: play.session.good_s > 3)
    state = play.hud_state
    assert isinstance(state, HoldHudState)
    assert state.state == "good" and state.good_s > 3 and state.hold_goal_s == 20
    assert state.cue_lines and " ".join(state.cue_lines) == HOLD_CUES["stand_heels"]
    pixels = stage_pixels(app, play)
    assert count(pixels, theme.GOOD) > 500  # bones and joints in the good colour
    assert count(pixels, theme.BAD) == 0
    run_until(app, play, lambda: play.phase is not PlayPhase.RUNNING)
    result = play.session.result()
    assert result.completed and result.kind == "hold" and result.stars == 3


def test_a_wobble_turns_the_hips_red_and_says_why(app: GameApp) -> None:
    play = start(app, "heels-stand", "demo:weight_forward?fault_from=4&fault_to=12")
    session = play.session
    assert isinstance(session, HoldSession)
    run_until(app, play, lambda: session.fault == "weight_forward" and play.hold_state == "fault")
    run_until(app, play, lambda: app.game_time_s > 9.0)  # well inside the fault window
    state = play.hud_state
    assert isinstance(state, HoldHudState) and state.state == "fault"
    assert " ".join(state.cue_lines) == HOLD_CUES["weight_forward"]
    assert state.cue_color == theme.BAD
    pixels = stage_pixels(app, play)
    assert count(pixels, theme.BAD) > 200  # hips and thighs
    assert count(pixels, theme.GOOD) == 0
    # Text is drawn big enough to read across the room.
    line_h = app.ctx.assets.font(CUE_SIZE).get_linesize()
    assert line_h >= 48


def test_a_tuck_is_cued_the_moment_it_shows_with_the_pelvis_red(app: GameApp) -> None:
    play = start(app, "long-tail", "demo:tail_tuck")
    session = play.session
    assert isinstance(session, LevelSession)
    run_until(app, play, lambda: play.cue_fault == "tail_tuck")
    assert not session.reps, "the cue comes mid-rep, before the rep is counted"
    state = play.hud_state
    assert isinstance(state, HudState)
    assert " ".join(state.cue_lines) == CUES["tail_tuck"] and state.cue_alpha > 0
    pixels = stage_pixels(app, play)
    assert count(pixels, theme.BAD) > 30  # the pelvis
    run_until(app, play, lambda: play.phase is not PlayPhase.RUNNING)
    result = session.result()
    assert result.completed and result.points == 350 and result.stars == 0  # short of a star


def test_a_clean_rep_has_no_red_on_the_body(app: GameApp) -> None:
    play = start(app, "first-squats", "demo")
    run_until(app, play, lambda: len(play.session.reps) == 1)
    assert play.cue_fault is None
    assert count(stage_pixels(app, play), theme.BAD) == 0


def test_the_squat_hud_shows_tempo_streak_and_the_ceiling(app: GameApp) -> None:
    play = start(app, "strong-and-steady", "demo")
    session = play.session
    assert isinstance(session, LevelSession)
    state = play.hud_state
    assert isinstance(state, HudState)
    assert [text for text, _ in state.extras] == ["TEMPO 3-1-1", "STREAK 0/8"]
    run_until(app, play, lambda: len(session.reps) == 2)
    texts = [text for text, _ in squat_extras(session)]
    assert texts[0] == "TEMPO 3-1-1" and texts[1].startswith("last ")
    assert texts[2] == "STREAK 2/8"
    assert dict(squat_extras(session))[texts[1]] == theme.GOOD  # on tempo

    ladder = start(app, "keep-em-high", "demo")
    state = ladder.hud_state
    assert isinstance(state, HudState) and state.ceiling_deg == 110


def test_a_hold_never_held_well_earns_nothing(app: GameApp) -> None:
    play = start(app, "heels-stand", "demo:weight_forward")
    run_until(app, play, lambda: play.session.status is not SessionStatus.RUNNING)
    result = play.session.result()
    # The demo stops after its 23 s stand, before the 60 s limit: the attempt ends there.
    assert play.session.status is SessionStatus.FAILED
    assert result.fail_reason == "ended" and play.finish_text == "The recording has ended"
    assert not result.completed and result.stars == 0 and result.hold_s < 5


COMBO_LEVEL = """\
format = 2
id = "combo"
world = 1
title = "Combo"
teaching = "Clean reps in a row score more."
kind = "squats"
time_limit_s = 60

[goals]
reps = 3
depth_deg = 90

[stars]
thresholds = [100, 200, 400]

[modifiers]
combo = 1.5
"""


def test_the_combo_line_lights_up_after_a_clean_rep(tmp_path) -> None:
    from game.play.levels import load_level
    from game.pose.sources import open_source

    path = tmp_path / "combo.toml"
    path.write_text(COMBO_LEVEL)
    session = LevelSession(load_level(path))
    assert squat_extras(session) == (("COMBO x1.5", theme.MUTED),)
    with open_source("demo?reps=1&mask=false") as source:
        for frame in source.frames():
            session.add_frame(frame)
    assert [r.score for r in session.reps] == [100]
    assert squat_extras(session) == (("COMBO x1.5 on", theme.SELECT),)


def test_a_long_cue_wraps_into_even_lines(app: GameApp) -> None:
    from game.ui.hud import CUE_RECT
    from game.ui.scenes.play import balanced_wrap

    assets = app.ctx.assets
    width = CUE_RECT.width - 40
    plain = assets.wrap(HOLD_CUES["stand_heels"], CUE_SIZE, width)
    lines = balanced_wrap(assets, HOLD_CUES["stand_heels"], CUE_SIZE, width)
    assert len(lines) == len(plain) == 2 and plain[-1] == "it!"  # what it fixes
    assert " ".join(lines) == HOLD_CUES["stand_heels"]
    widths = [assets.font(CUE_SIZE).size(line)[0] for line in lines]
    assert max(widths) <= width and min(widths) > 0.6 * max(widths)
    assert balanced_wrap(assets, "Deeper!", CUE_SIZE, width) == ("Deeper!",)


def test_a_slow_source_opens_without_freezing_the_screen(app: GameApp) -> None:
    """Opening a camera loads the pose model: the frame loop keeps running meanwhile, the
    screen says what is happening, and the countdown starts once the source is there."""
    import threading
    import time

    from game.pose.sources import open_source
    from game.ui.scenes.play import OPENING_MESSAGE

    release = threading.Event()

    def slow_open(spec: str):
        release.wait(5.0)  # like a model load or a camera waking up
        return open_source(spec)

    app.ctx.open_source = slow_open
    app.ctx.background_jobs = True
    play = start(app, "first-squats", "demo")
    t0 = time.perf_counter()
    for _ in range(30):
        app._step(app.stepper.dt)
        app._render()
    assert time.perf_counter() - t0 < 2.0  # 30 frames while the source is still opening
    assert play.feed is None and play.hold_message == OPENING_MESSAGE
    assert play.countdown_s == 0.5  # the countdown waits for the source
    release.set()
    play._opening.wait(5.0)
    app._step(app.stepper.dt)
    assert play.feed is not None and play.hold_message is None
    run_until(app, play, lambda: play.phase is PlayPhase.RUNNING)


def test_reward_particles_follow_the_palette_in_use() -> None:
    from game.ui import theme
    from game.ui.scenes.play import burst_colors

    try:
        theme.apply_palette("colour-blind")
        assert theme.PALETTES["colour-blind"]["GOOD"] in burst_colors()
        assert theme.PALETTES["standard"]["GOOD"] not in burst_colors()
    finally:
        theme.apply_palette("standard")
    assert theme.PALETTES["standard"]["GOOD"] in burst_colors()
