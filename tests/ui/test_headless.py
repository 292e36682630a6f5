"""Headless runs with the real demo athlete: the autopilot plays level 1 by itself."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.paths import data_dir
from game.play.scores import ScoreStore
from game.ui import app as app_module
from game.ui.app import GameApp, GameOptions, run_game
from game.ui.scenes.play import PlayPhase, PlayScene

try:  # importorskip is not enough: a half-written package imports as a namespace
    from game.pose.demo import open_demo  # noqa: F401
except ImportError:
    pytest.skip("the demo athlete (game.pose.demo) is not there yet", allow_module_level=True)


def test_twenty_seconds_ends_mid_level_with_reps_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[object, int, float]] = []
    close = GameApp.close

    def spy_close(self: GameApp) -> None:  # look at the last scene before it is closed
        top = self.stack.top
        if isinstance(top, PlayScene):
            seen.append((top.phase, len(top.session.reps), self.game_time_s))
        close(self)

    monkeypatch.setattr(app_module.GameApp, "close", spy_close)
    shot = tmp_path / "a.png"
    assert run_game(GameOptions(headless=True, seconds=20, screenshot=shot)) == 0
    assert pygame.image.load(str(shot)).get_size() == (1280, 720)
    assert len(seen) == 1, "the run ends in the play scene"
    phase, reps, game_time = seen[0]
    assert phase is PlayPhase.RUNNING and reps >= 2
    assert game_time == pytest.approx(20.0)


def test_long_run_finishes_level_one_and_saves_it_once() -> None:
    # No silhouette mask: the same athlete and reps, at twice the speed (this test is about
    # the flow: finish, results, save once, high scores, title, and into a second attempt).
    options = GameOptions(source="demo?mask=false", headless=True, seconds=45, player="Demo")
    assert run_game(options) == 0
    with ScoreStore(data_dir() / "scores.db") as store:
        runs = store.top_runs("first-squats")
    assert len(runs) == 1
    assert runs[0].player == "Demo" and runs[0].reps == 5
