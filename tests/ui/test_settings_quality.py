"""The settings screen's "Pose quality" row: it cycles, is saved per player, reaches a
running camera at once, and says what Auto chose while a camera runs.

The running camera is the real :class:`~game.pose.camera.CameraSource` with the real
model, fed grey 1280x720 images by a stand-in capture device (no camera needed).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pygame
import pytest
from drive import AppFactory, advance, press
from fake_camera import StillCamera

from game.play.scores import ScoreStore
from game.play.settings import SETTINGS_FIELD
from game.pose.camera import CameraSource
from game.pose.model import resolve_model
from game.pose.quality import QualityMode
from game.ui.app import GameApp
from game.ui.prefs import running_camera_quality, track_camera
from game.ui.scenes.settings import ROWS, SettingsScene
from game.ui.scenes.title import MENU_ITEMS, TitleScene


class GreyCamera(StillCamera):
    """A 1280x720 camera at 30 fps showing an empty grey room."""

    def __init__(self) -> None:
        super().__init__(np.full((720, 1280, 3), 128, dtype=np.uint8))


@pytest.fixture
def camera() -> Iterator[CameraSource]:
    source = CameraSource(0, model=resolve_model(), capture=GreyCamera())
    track_camera(source)
    yield source
    source.close()


def open_settings(app: GameApp) -> SettingsScene:
    title = app.stack.top
    assert isinstance(title, TitleScene)
    while MENU_ITEMS[title.menu.selected] != "Settings":
        press(app, pygame.K_DOWN)
    press(app, pygame.K_RETURN)
    settings = app.stack.top
    assert isinstance(settings, SettingsScene)
    settings.selected = ROWS.index("Pose quality")
    return settings


def test_the_pose_quality_row_cycles_and_is_saved(make_app: AppFactory) -> None:
    app = make_app(player="Hal")
    settings = open_settings(app)
    assert settings.value("Pose quality") == "Auto"
    assert settings.note("Pose quality") == ""  # no camera running
    seen = []
    for _ in range(3):
        press(app, pygame.K_RIGHT)
        seen.append((settings.value("Pose quality"), app.ctx.settings.inference_quality))
    assert seen == [("Full", "full"), ("Fast", "fast"), ("Auto", "auto")]
    press(app, pygame.K_LEFT)
    assert settings.value("Pose quality") == "Fast"
    app.stack.draw(app.screen)
    press(app, pygame.K_ESCAPE)
    advance(app, 0.2)  # the save job finishes
    with ScoreStore(app.ctx.store_path) as store:
        assert store.player_data("Hal", SETTINGS_FIELD)["inference_quality"] == "fast"
    app.close()

    again = make_app(player="Hal")  # a new start reads Hal's choice back
    assert again.ctx.settings.inference_quality == "fast"
    assert open_settings(again).value("Pose quality") == "Fast"
    other = make_app(player="Ivy")
    assert other.ctx.settings.inference_quality == "auto"


def test_a_running_camera_takes_the_choice_and_the_row_says_what_auto_chose(
    make_app: AppFactory, camera: CameraSource
) -> None:
    app = make_app(player="Jo")
    settings = open_settings(app)
    deadline = time.monotonic() + 5.0
    while camera.stats().results < 3 and time.monotonic() < deadline:
        advance(app, 0.05)
    advance(app, 0.05)
    assert camera.quality is QualityMode.AUTO
    assert settings.value("Pose quality") == "Auto"
    note = settings.note("Pose quality")
    assert note == f"now {camera.quality_state.description}"
    assert note in ("now 1280 px, every frame", "now 640 px, every frame",
                    "now 640 px, every 2nd frame")  # fmt: skip
    app.stack.draw(app.screen)

    press(app, pygame.K_RIGHT)  # Full: the camera changes at once, and Auto's note goes
    assert camera.quality is QualityMode.FULL
    assert camera.quality_state.description == "1280 px, every frame"
    assert settings.note("Pose quality") == ""
    press(app, pygame.K_RIGHT)  # Fast
    assert camera.quality is QualityMode.FAST
    assert camera.quality_state.description == "640 px, every 2nd frame"
    press(app, pygame.K_RIGHT)  # Auto again: starts from the top, as a new camera would
    assert camera.quality is QualityMode.AUTO
    assert settings.note("Pose quality").startswith("now ")

    camera.close()
    advance(app, 0.05)
    assert running_camera_quality() is None
    assert settings.note("Pose quality") == ""
