"""Apply a player's settings to the running game, and load or save them.

:class:`~game.play.settings.PlayerSettings` is pure data; this is where it takes effect:
the palette (every scene reads ``theme`` colours at draw time), the text scale (every
font comes from :class:`~game.ui.assets.Assets`), the sound board's volume and mute, and
how the pose source is opened (camera index, model file, mirror).
"""

from __future__ import annotations

import logging
from pathlib import Path

from game.play.scores import ScoreStore
from game.play.settings import SETTINGS_FIELD, PlayerSettings
from game.pose.source import PoseSource, SourceError, parse_spec
from game.ui import skeleton, theme
from game.ui.context import GameContext

__all__ = [
    "apply_settings",
    "camera_spec",
    "load_settings",
    "open_with_settings",
    "save_settings",
]

log = logging.getLogger(__name__)


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
    """Open ``spec`` the way this player wants it: their camera, model and mirror."""
    from game.pose.sources import open_source  # imported late: it pulls in the pose stack

    source = open_source(camera_spec(spec, settings), model=settings.model_path, keep_image=True)
    if hasattr(source, "mirror"):  # a camera: shown as a mirror unless turned off
        source.mirror = settings.mirror
    return source
