"""Apply a player's settings to the running game, and load or save them.

:class:`~game.play.settings.PlayerSettings` is pure data; this is where it takes effect:
the palette (every scene reads ``theme`` colours at draw time), the text scale (every
font comes from :class:`~game.ui.assets.Assets`), the sound board's volume and mute, and
how the pose source is opened (camera index, model file, mirror, inference quality).

The inference quality also reaches a camera that is already running: every camera opened
here is remembered (weakly, so a closed and dropped one is forgotten) and
:func:`apply_settings` hands it the new choice at once, which the settings screen then
shows (:func:`running_camera_quality`). The list lives here rather than in the
:class:`~game.ui.context.GameContext` because cameras are opened by whoever holds
``ctx.open_source`` (the play, results and calibration scenes, often in a background
job), and in the game all of them open through :func:`open_with_settings`.
"""

from __future__ import annotations

import logging
import threading
import weakref
from pathlib import Path
from typing import Protocol

from game.play.scores import ScoreStore
from game.play.settings import SETTINGS_FIELD, PlayerSettings
from game.pose.quality import QualityMode, QualityState
from game.pose.source import PoseSource, SourceError, parse_spec
from game.ui import skeleton, theme
from game.ui.context import GameContext

__all__ = [
    "TunableCamera",
    "apply_settings",
    "camera_spec",
    "load_settings",
    "open_with_settings",
    "running_camera_quality",
    "save_settings",
    "track_camera",
]

log = logging.getLogger(__name__)


class TunableCamera(Protocol):
    """The part of :class:`~game.pose.camera.CameraSource` a settings change reaches."""

    @property
    def quality(self) -> QualityMode: ...

    @quality.setter
    def quality(self, mode: QualityMode | str) -> None: ...

    @property
    def quality_state(self) -> QualityState: ...

    @property
    def closed(self) -> bool: ...


_cameras: weakref.WeakSet[TunableCamera] = weakref.WeakSet()
_cameras_lock = threading.Lock()  # cameras are opened in background jobs too


def track_camera(camera: TunableCamera) -> None:
    """Let :func:`apply_settings` reach ``camera`` while it runs (done for every camera
    :func:`open_with_settings` opens; tests call it for one they built themselves)."""
    with _cameras_lock:
        _cameras.add(camera)


def _running_cameras() -> list[TunableCamera]:
    with _cameras_lock:
        cameras = list(_cameras)
    return [camera for camera in cameras if not camera.closed]


def running_camera_quality() -> QualityState | None:
    """What a running camera's inference quality does now (None: no camera running)."""
    cameras = _running_cameras()  # one, in practice: a screen opens its own and closes it
    return cameras[0].quality_state if cameras else None


def apply_settings(ctx: GameContext, settings: PlayerSettings, *, force_mute: bool = False) -> None:
    """Make ``settings`` the game's from the next frame on (``force_mute``: ``--mute``)."""
    for problem in settings.problems:
        log.warning("player %s: setting ignored: %s", ctx.player, problem)
    theme.apply_palette(settings.palette)
    # The skeleton's leg colours are a table made at import: refill it from the palette
    # so the legs (and the HUD's depth gauge, which shares it) follow the choice.
    skeleton.LEG_COLORS.update(
        {
            skeleton.LegState.NEUTRAL: theme.NEUTRAL,
            skeleton.LegState.DOWN: theme.WARN,
            skeleton.LegState.DEEP: theme.GOOD,
        }
    )
    ctx.assets.set_text_scale(settings.text_scale)
    ctx.sound.volume = settings.volume
    ctx.sound.muted = settings.muted or force_mute
    for camera in _running_cameras():  # the only setting a running source takes live
        if camera.quality != settings.inference_quality:  # (setting Auto again restarts it)
            camera.quality = settings.inference_quality
    ctx.settings = settings


def load_settings(store_path: Path, player: str) -> PlayerSettings:
    """``player``'s stored settings (defaults for a new player); runs in a Job."""
    with ScoreStore(store_path) as store:
        return PlayerSettings.from_dict(store.player_data(player, SETTINGS_FIELD))


def save_settings(store_path: Path, player: str, settings: PlayerSettings) -> None:
    with ScoreStore(store_path) as store:
        store.set_player_data(player, SETTINGS_FIELD, settings.as_dict())


def camera_spec(spec: str, settings: PlayerSettings) -> str:
    """``spec`` with the player's camera: a plain ``camera`` becomes ``camera:N``.

    A spec naming its camera (``camera:1``, from the command line) is kept: someone asked
    for exactly that one. Other sources (demo, files) are not cameras and stay as given.
    """
    try:
        parsed = parse_spec(spec)
    except SourceError:
        return spec
    if parsed.kind != "camera" or ":" in spec.split("?", 1)[0]:
        return spec
    return spec.replace("camera", f"camera:{settings.camera_index}", 1)


def open_with_settings(spec: str, settings: PlayerSettings) -> PoseSource:
    """Open ``spec`` the way this player wants it: their camera, model, mirror and quality."""
    from game.pose.camera import CameraSource  # imported late: it pulls in the pose stack
    from game.pose.sources import open_source

    source = open_source(camera_spec(spec, settings), model=settings.model_path, keep_image=True)
    if hasattr(source, "mirror"):  # a camera: shown as a mirror unless turned off
        source.mirror = settings.mirror
    if isinstance(source, CameraSource):
        source.quality = settings.inference_quality
        track_camera(source)
    return source
