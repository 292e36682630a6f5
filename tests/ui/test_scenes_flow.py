"""The new screens played headless: a new player's first level to its unlock, the map's
locks, settings that change what is drawn and stay, and the screenshot tour.

A real :class:`GameApp` on the dummy video driver, keys and typed text posted as a
player would, the small fake athlete (or the demo athlete for the tour) doing squats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pygame
import pytest
from drive import AppFactory, advance, press
from fake_athlete import FakeAthlete

from game.paths import data_dir
from game.play.scores import ScoreStore
from game.play.settings import PlayerSettings
from game.pose.source import PoseSource
from game.ui import skeleton, theme
from game.ui.app import GameApp
from game.ui.scenes.calibration import CalibrationScene
from game.ui.scenes.countdown import CountdownScene
from game.ui.scenes.level_select import LevelSelectScene
from game.ui.scenes.play import PlayScene
from game.ui.scenes.players import NEW_PLAYER, PlayerSelectScene
from game.ui.scenes.results import ResultsScene, rep_breakdown
from game.ui.scenes.settings import PREVIEW, ROWS, SettingsScene
from game.ui.scenes.text_entry import TextEntryScene
from game.ui.scenes.title import MENU_ITEMS, TitleScene
from game.ui.sound import Cue
from game.ui.tour import SHOTS


def quick_athlete() -> Callable[[str], PoseSource]:
    return lambda spec: FakeAthlete(lead_s=0.5, rep_s=2.0, mask=False)


@pytest.fixture(autouse=True)
def standard_palette() -> Iterator[None]:
    """The palette is the game's (module) state: every test starts and ends standard."""
    yield
    theme.apply_palette("standard")
    skeleton.LEG_COLORS[skeleton.LegState.DEEP] = theme.GOOD
    skeleton.LEG_COLORS[skeleton.LegState.DOWN] = theme.WARN


def type_text(app: GameApp, text: str) -> None:
    for ch in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    advance(app, 0.05)


def choose_title(app: GameApp, item: str) -> None:
    title = app.stack.top
    assert isinstance(title, TitleScene)
    while MENU_ITEMS[title.menu.selected] != item:
        press(app, pygame.K_DOWN)
    press(app, pygame.K_RETURN)


def new_player(app: GameApp, name: str) -> LevelSelectScene:
    """Title → Change player → + New player → type ``name`` → skip calibration → map."""
    choose_title(app, "Change player")
    players = app.stack.top
    assert isinstance(players, PlayerSelectScene)
    assert players.items[players.selected] == NEW_PLAYER  # nobody here yet
    press(app, pygame.K_RETURN)
    assert isinstance(app.stack.top, TextEntryScene)
    type_text(app, name)
    press(app, pygame.K_RETURN)
    assert isinstance(app.stack.top, CalibrationScene), "a new player is offered calibration"
    press(app, pygame.K_ESCAPE)  # skip it for now
    world_map = app.stack.top
    assert isinstance(world_map, LevelSelectScene)
    return world_map


def test_a_new_player_plays_level_one_and_sees_what_it_unlocked(make_app: AppFactory) -> None:
    app = make_app(quick_athlete())
    world_map = new_player(app, "Ana")
    assert app.ctx.player == "Ana"
    with ScoreStore(data_dir() / "scores.db") as store:
        assert "Ana" in store.players()
    progress = world_map.progress
    assert progress is not None and progress.total_stars == 0
    first, second = app.ctx.levels[0], app.ctx.levels[1]
    assert progress.is_unlocked(first.id) and not progress.is_unlocked(second.id)
    assert world_map.levels[world_map.selected].id == first.id  # the next level is chosen

    press(app, pygame.K_RETURN)  # play it: the countdown first
    countdown = app.stack.top
    assert isinstance(countdown, CountdownScene)
    play = countdown.play
    advance(app, 3.0 + 0.5 + 5 * 2.0 + 2.0)
    results = app.stack.top
    assert isinstance(results, ResultsScene), type(results)
    assert len(play.session.reps) == 5
    advance(app, 3.0)
    outcome = results.outcome
    assert outcome is not None and results.save_error is None
    assert [lv.id for lv in outcome.newly_unlocked] == [second.id]
    assert outcome.stars_gained == results.result.stars > 0
    assert results.new_best
    assert "first-set" in {b.id for b in outcome.badges_new}
    assert results.stars_shown == results.result.stars
    assert all(rep_breakdown(r.score, r.faults) == [] for r in play.session.reps if r.score == 100)

    press(app, pygame.K_ESCAPE)  # back to the map: the new level is open and marked
    assert app.stack.top is world_map
    advance(app, 0.1)
    assert world_map.progress is not None and world_map.progress.is_unlocked(second.id)
    assert second.id in world_map.fresh
    with ScoreStore(data_dir() / "scores.db") as store:
        assert store.player_data("Ana", "badges")["earned"]["first-set"]["count"] == 1


def test_a_locked_level_cannot_be_started(make_app: AppFactory) -> None:
    app = make_app(quick_athlete())
    world_map = new_player(app, "Bo")
    press(app, pygame.K_DOWN)  # the second level: locked for a new player
    level = world_map.levels[world_map.selected]
    assert world_map.progress is not None and not world_map.progress.is_unlocked(level.id)
    app.sound.played.clear()
    press(app, pygame.K_RETURN)
    assert app.stack.top is world_map
    assert not any(isinstance(s, PlayScene) for s in app.stack)
    assert world_map.locked_s > 0 and list(app.sound.played) == [Cue.FAULT]
    status = world_map.progress.status(level)
    assert status.needs and app.ctx.levels[0].title in status.needs
    # A click on a locked card is refused the same way.
    pos = world_map.card_rect(world_map.selected).center
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    advance(app, 0.05)
    assert app.stack.top is world_map


def test_an_invalid_or_taken_name_is_explained(make_app: AppFactory) -> None:
    app = make_app()
    new_player(app, "Cy")
    press(app, pygame.K_ESCAPE)  # map → title
    choose_title(app, "Change player")
    players = app.stack.top
    assert isinstance(players, PlayerSelectScene) and players.items[0] == "Cy"
    players.selected = len(players.items) - 1
    press(app, pygame.K_RETURN)
    entry = app.stack.top
    assert isinstance(entry, TextEntryScene)
    press(app, pygame.K_RETURN)  # nothing typed
    assert entry.error and "at least one character" in entry.error
    type_text(app, "cy")
    press(app, pygame.K_RETURN)
    assert app.stack.top is entry and entry.error and "already plays here" in entry.error
    press(app, pygame.K_BACKSPACE)
    press(app, pygame.K_BACKSPACE)
    type_text(app, "Mo")
    assert entry.text == "Mo"
    assert not app.sound.muted, "typing an M must not mute the sound"


def pixel(app: GameApp, pos: tuple[int, int]) -> tuple[int, int, int]:
    app.stack.draw(app.screen)
    r, g, b, *_ = app.screen.get_at(pos)
    return (r, g, b)


def test_settings_change_the_palette_and_text_size_and_persist(make_app: AppFactory) -> None:
    app = make_app(player="Dee")
    choose_title(app, "Settings")
    settings = app.stack.top
    assert isinstance(settings, SettingsScene)
    chip = (PREVIEW.x + 30, PREVIEW.y + 100)  # the "clean rep" colour sample
    assert pixel(app, chip) == theme.PALETTES["standard"]["GOOD"]
    big_before = app.ctx.assets.font(40).get_height()

    settings.selected = ROWS.index("Colours")
    press(app, pygame.K_RIGHT)
    assert theme.PALETTES["colour-blind"]["GOOD"] == theme.GOOD
    assert skeleton.LEG_COLORS[skeleton.LegState.DEEP] == theme.GOOD
    assert pixel(app, chip) == theme.PALETTES["colour-blind"]["GOOD"]

    settings.selected = ROWS.index("Text size")
    press(app, pygame.K_RIGHT)
    assert app.ctx.assets.font(40).get_height() > big_before * 1.1
    settings.selected = ROWS.index("Volume")
    press(app, pygame.K_LEFT)
    assert app.sound.volume == pytest.approx(0.7)
    press(app, pygame.K_ESCAPE)
    app.close()
    theme.apply_palette("standard")

    again = make_app(player="Dee")  # a new start: Dee's settings are read and applied
    assert again.ctx.settings == PlayerSettings(
        volume=0.7, palette="colour-blind", text_size="large"
    )
    assert theme.PALETTES["colour-blind"]["GOOD"] == theme.GOOD
    assert again.ctx.assets.text_scale == pytest.approx(1.15)
    assert again.sound.volume == pytest.approx(0.7)
    again.close()
    other = make_app(player="Eve")  # another player keeps the defaults
    assert theme.PALETTES["standard"]["GOOD"] == theme.GOOD
    assert other.ctx.assets.text_scale == 1.0


def test_every_screen_draws_at_the_largest_text_size(make_app: AppFactory) -> None:
    """Large text must not crash a layout (fitting uses the scaled font)."""
    app = make_app(quick_athlete(), player="Fay")
    from game.ui.prefs import apply_settings

    apply_settings(app.ctx, PlayerSettings(text_size="larger"))
    for item in ("Change player", "Settings", "High scores"):
        choose_title(app, item)
        app.stack.draw(app.screen)
        press(app, pygame.K_ESCAPE)
    choose_title(app, "Play")
    app.stack.draw(app.screen)
    press(app, pygame.K_RETURN)
    advance(app, 1.0)
    app.stack.draw(app.screen)


def test_the_screenshot_tour_saves_every_screen(tmp_path: Path) -> None:
    from game.cli import main

    out = tmp_path / "shots"
    assert main(["play", "--screenshot-dir", str(out), "--mute"]) == 0
    for name in SHOTS:
        assert pygame.image.load(str(out / name)).get_size() == (1280, 720), name
    assert sorted(p.name for p in out.iterdir()) == sorted(SHOTS)
    with ScoreStore(data_dir() / "scores.db") as store:
        assert store.players() == [] and store.top_runs(None) == []  # its own scores only


def test_a_rep_score_is_broken_down_into_what_it_lost() -> None:
    assert rep_breakdown(100, ()) == []
    assert rep_breakdown(55, ("tail_tuck",)) == [("tail tuck", -30), ("depth", -15)]
    assert rep_breakdown(50, ("glutes_low", "heels_lift")) == [
        ("glutes low", -25),
        ("heels lift", -15),
        ("depth", -10),
    ]
    assert rep_breakdown(0, ("tail_tuck", "glutes_low", "shallow", "knees_cave")) == [
        ("tail tuck", -30),
        ("glutes low", -25),
        ("shallow", -20),
        ("knees cave", -20),
    ]
