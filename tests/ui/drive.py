"""Driving the game headless from a test: an app factory, game time moved on, keys pressed.

Shared by the UI flow tests; the autopilot is off, so the test presses every key itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from game.pose.source import PoseSource
from game.ui.app import GameApp, GameOptions, post_key

AppFactory = Callable[..., GameApp]


@pytest.fixture
def make_app() -> Iterator[AppFactory]:
    apps: list[GameApp] = []

    def make(open_source: Callable[[str], PoseSource] | None = None, **options: object) -> GameApp:
        app = GameApp(GameOptions(headless=True, **options), open_source=open_source)  # type: ignore[arg-type]
        app.autopilot = None  # these tests press the keys themselves
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


def advance(app: GameApp, seconds: float) -> None:
    app.options.seconds = app.game_time_s + seconds
    app.run()


def press(app: GameApp, key: int, then_s: float = 0.05) -> None:
    post_key(key)
    advance(app, then_s)
