"""Where the game keeps its files: the shipped levels/assets and the player's data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["APP_NAME", "HOME_ENV", "assets_dir", "data_dir", "shipped_levels_dir"]

APP_NAME = "glutes-high"
#: Overrides the data directory; tests always point it at a temporary folder.
HOME_ENV = "GLUTES_HIGH_HOME"
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The player's data directory (scores, progress, own levels). Not created here."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def shipped_levels_dir() -> Path:
    """The ``levels/`` folder that comes with the game."""
    return _PROJECT_ROOT / "levels"


def assets_dir() -> Path:
    """The ``assets/`` folder that comes with the game."""
    return _PROJECT_ROOT / "assets"
