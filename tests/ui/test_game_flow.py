"""The screens played through headless with the small fake athlete (no demo needed).

Each test drives a real :class:`GameApp` on the dummy video driver by posting the keys a
player would press and advancing *game* time, then looks at the scenes' state.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pygame
import pytest
from drive import AppFactory, advance, press
from fake_athlete import FakeAthlete

from game.paths import data_dir
from game.play.scores import ScoreStore
from game.pose.source import PoseSource, SourceUnavailable
from game.ui.app import GameApp, GameOptions
from game.ui.hud import CUE_SIZE
from game.ui.scene import Scene
from game.ui.scenes.countdown import CountdownScene
from game.ui.scenes.high_scores import HighScoresScene
from game.ui.scenes.level_select import LevelSelectScene
from game.ui.scenes.pause import PauseScene
from game.ui.scenes.play import PlayPhase, PlayScene
from game.ui.scenes.results import ResultsScene
from game.ui.scenes.title import MENU_ITEMS, TitleScene


def quick_athlete(**kw: object) -> Callable[[str], PoseSource]:
    """Five fast reps, no mask (drawing the mask is the slow part of the fake)."""
    params: dict[str, object] = {"lead_s": 0.5, "rep_s": 2.0, "mask": False}
    params.update(kw)
    return lambda spec: FakeAthlete(**params)  # type: ignore[arg-type]


def start_level(app: GameApp) -> PlayScene:
    press(app, pygame.K_RETURN)  # title: Play
    assert isinstance(app.stack.top, LevelSelectScene)
    press(app, pygame.K_RETURN)  # first level: its countdown over the play scene
    top = app.stack.top
    if isinstance(top, PlayScene):  # a source that failed: no countdown, its message
        return top
    assert isinstance(top, CountdownScene)
    return top.play


def test_a_missing_source_shows_a_message_and_esc_goes_back(make_app: AppFactory) -> None:
    def unavailable(spec: str) -> PoseSource:
        raise SourceUnavailable("camera: no camera found on this machine")

    app = make_app(unavailable, source="camera")
    play = start_level(app)
    advance(app, 0.5)
    assert play.phase is PlayPhase.ERROR
    assert any("no camera found" in line for line in play.error_lines)
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.stack.top, LevelSelectScene)


def test_pause_stops_the_play_clock_and_resume_restarts_it(make_app: AppFactory) -> None:
    app = make_app(quick_athlete())
    play = start_level(app)
    advance(app, 3.5)  # past the countdown
    assert play.phase is PlayPhase.RUNNING
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.stack.top, PauseScene)
    clock, elapsed, left = play.play_clock_s, play.session.elapsed_s, play.session.time_left_s
    advance(app, 2.0)
    assert (play.play_clock_s, play.session.elapsed_s) == (clock, elapsed)
    assert play.hud_state.time_left_s == left
    press(app, pygame.K_ESCAPE)  # Esc resumes
    assert app.stack.top is play
    advance(app, 1.0)
    assert play.play_clock_s == pytest.approx(clock + 1.05, abs=0.02)


def test_quit_level_from_pause_returns_to_level_select_and_closes_the_source(
    make_app: AppFactory,
) -> None:
    sources: list[FakeAthlete] = []

    def opener(spec: str) -> PoseSource:
        sources.append(FakeAthlete(mask=False))
        return sources[-1]

    app = make_app(opener)
    start_level(app)
    advance(app, 1.0)
    press(app, pygame.K_ESCAPE)
    press(app, pygame.K_DOWN)
    press(app, pygame.K_RETURN)  # Quit level
    assert isinstance(app.stack.top, LevelSelectScene)
    assert sources[0].closed == 1


def test_a_played_level_is_saved_once_and_shown_in_high_scores(make_app: AppFactory) -> None:
    app = make_app(quick_athlete(), player="Sam")
    play = start_level(app)
    advance(app, 3.0 + 0.5 + 5 * 2.0 + 2.0)  # countdown, lead, reps, finish hold
    assert play.session.status.value == "complete"
    results = app.stack.top
    assert isinstance(results, ResultsScene)
    advance(app, 3.0)
    assert results.outcome is not None and results.save_error is None
    assert results.outcome.rank == 1 and results.new_best
    assert results.stars_shown == results.result.stars == 3
    results.enter()  # even a second enter must not save again
    press(app, pygame.K_RETURN)
    scores = app.stack.top
    assert isinstance(scores, HighScoresScene)
    advance(app, 0.2)
    rows = scores.rows["first-squats"]
    assert [(r.player, r.points) for r in rows] == [("Sam", 500)]
    assert scores.highlight == rows[0].run_id
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.stack.top, TitleScene)
    with ScoreStore(data_dir() / "scores.db") as store:
        assert len(store.top_runs(None)) == 1


def test_a_store_failure_is_shown_and_the_game_goes_on(make_app: AppFactory) -> None:
    app = make_app(quick_athlete(), player="   ")  # a name the store refuses
    start_level(app)
    advance(app, 3.0 + 0.5 + 5 * 2.0 + 2.5)
    results = app.stack.top
    assert isinstance(results, ResultsScene)
    assert results.save_error is not None
    assert results.save_error.startswith("Score not saved: ")
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.stack.top, LevelSelectScene)


def test_level_select_warns_about_each_broken_level_file(
    make_app: AppFactory, game_home: Path
) -> None:
    levels = game_home / "levels"
    levels.mkdir()
    (levels / "x.toml").write_text(
        'format = 1\nid = "x"\ntitle = "X"\nkind = "squats"\ntime_limit_s = 60\n'
        "[goals]\nreps = 0\ndepth_deg = 90\n[stars]\nthresholds = [1, 2, 3]\n"
    )
    app = make_app()
    press(app, pygame.K_RETURN)
    select = app.stack.top
    assert isinstance(select, LevelSelectScene)
    assert select.warnings == [
        "Skipped levels/x.toml: field 'goals.reps': must be between 1 and 200, got 0"
    ]


def test_a_mouse_click_on_a_menu_item_chooses_it(make_app: AppFactory) -> None:
    app = make_app()
    title = app.stack.top
    assert isinstance(title, TitleScene)
    pos = title.menu.rects[MENU_ITEMS.index("High scores")].center
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    advance(app, 0.1)
    assert isinstance(app.stack.top, HighScoresScene)


def test_window_mouse_positions_are_mapped_through_the_letterbox(make_app: AppFactory) -> None:
    app = make_app(size=(1920, 1200))
    app.options.headless = False
    app.window = pygame.display.set_mode((1920, 1200))
    app.screen = pygame.Surface((1280, 720))
    box = app._letterbox()
    assert box.size == (1920, 1080) and box.top == 60  # bars above and below
    event = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(960, 600), button=1)
    mapped = app._to_logical(event)
    assert mapped is not None and mapped.pos == (640, 360)
    in_bar = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(960, 20), button=1)
    assert app._to_logical(in_bar) is None


class _Diary(Scene):
    """A scene that writes down what the loop asks of it, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def update(self, dt: float) -> None:
        self.calls.append("update")

    def draw(self, surface: pygame.Surface) -> None:
        self.calls.append("draw")

    def presented(self) -> None:
        self.calls.append("presented")


def test_the_loop_tells_the_top_scene_once_its_frame_is_shown(make_app: AppFactory) -> None:
    app = make_app()
    diary = _Diary()
    app.stack.push(diary)
    advance(app, 3 / 60)
    assert diary.calls == ["update", "draw", "presented"] * 3


def test_a_window_of_the_logical_size_is_drawn_on_directly(make_app: AppFactory) -> None:
    """No copy of the whole screen per frame when the window has the game's size; a
    window of another size gets the logical screen scaled and letterboxed."""
    app = make_app()
    app.options.headless = False
    app.window = pygame.display.set_mode((1280, 720))
    app._render()
    assert app.screen is app.window
    app.window = pygame.display.set_mode((1920, 1200))
    app._render()
    assert app.screen is not app.window and app.screen.get_size() == (1280, 720)
    assert app.window.get_at((960, 20))[:3] == (0, 0, 0)  # the bar above the picture
    box = app._letterbox()
    expected = pygame.transform.smoothscale(app.screen, box.size)
    shown = app.window.subsurface(box)
    assert (pygame.surfarray.array3d(shown) == pygame.surfarray.array3d(expected)).all()


def test_hud_text_is_rendered_only_when_it_changes(make_app: AppFactory) -> None:
    app = make_app(quick_athlete())
    play = start_level(app)
    advance(app, 4.0)
    surface = app.screen
    play.draw(surface)
    before = app.ctx.assets.renders
    for _ in range(5):
        play.draw(surface)
    assert app.ctx.assets.renders == before


def test_cue_text_is_readable_from_three_metres(make_app: AppFactory) -> None:
    app = make_app()
    assert app.ctx.assets.font(CUE_SIZE).get_height() >= 48


def test_an_unknown_level_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    from game.ui.app import run_game

    assert run_game(GameOptions(headless=True, seconds=1, level_id="nope")) == 2
    assert "no level 'nope'" in capsys.readouterr().err


def test_headless_run_with_autopilot_reaches_the_level_and_saves_a_screenshot(
    tmp_path: Path,
) -> None:
    shot = tmp_path / "shot.png"
    app = GameApp(
        GameOptions(headless=True, seconds=6, screenshot=shot), open_source=quick_athlete()
    )
    try:
        assert app.run() == 0
        play = app.stack.top
        assert isinstance(play, PlayScene) and play.phase is PlayPhase.RUNNING
    finally:
        app.close()
    assert pygame.image.load(str(shot)).get_size() == (1280, 720)


def test_a_shallow_rep_asks_for_more_depth(make_app: AppFactory) -> None:
    app = make_app(quick_athlete(bottoms=(60.0,)))  # first rep stops at a quarter squat
    play = start_level(app)
    advance(app, 3.0 + 0.5 + 2.0)
    assert play.session.reps == []
    assert [t.text for t in play.effects.texts] == ["Deeper!"]


def test_nobody_in_view_says_step_into_view(make_app: AppFactory) -> None:
    app = make_app(quick_athlete(gap=(0.0, 60.0)))
    play = start_level(app)
    advance(app, 4.0)
    assert play.phase is PlayPhase.RUNNING and not play.person_visible


def test_a_clean_rep_bursts_from_the_hips_with_its_score(make_app: AppFactory) -> None:
    app = make_app(quick_athlete())
    play = start_level(app)
    advance(app, 3.0 + 0.5 + 1.8)  # just after the first rep ends
    assert len(play.session.reps) == 1
    assert play.effects.particles and play.effects.flash_left_s >= 0
    assert any(t.text == "+100" for t in play.effects.texts)
    assert play.cue_lines and play.cue_alpha > 0


@pytest.mark.parametrize(
    ("spec", "opened"),
    [
        ("demo", "demo?reps=5"),
        ("demo:tail_tuck", "demo:tail_tuck?reps=5"),
        ("demo?view=front", "demo?view=front&reps=5"),
        ("demo?reps=3", "demo?reps=3"),  # asked for explicitly: kept
        ("camera", "camera"),
        ("clip.mp4", "clip.mp4"),
        ("demo?bad", "demo?bad"),  # malformed: opening it tells the player
    ],
)
def test_the_demo_athlete_does_as_many_reps_as_the_level_asks(spec: str, opened: str) -> None:
    from game.paths import shipped_levels_dir
    from game.play.levels import load_levels
    from game.ui.scenes.play import spec_for_level

    level = next(lv for lv in load_levels([shipped_levels_dir()])[0] if lv.id == "first-squats")
    assert spec_for_level(spec, level) == opened
