"""A player's settings: camera, pose model and its quality, sound, mirror, colours, text size.

Kept per player in the score store (``ScoreStore.player_data(name, "settings")``) as a
plain dict, so two people sharing a computer each get their own camera, volume and
palette. Pure and pygame-free: the UI applies them (:mod:`game.ui.prefs`).

Reading is forgiving on purpose: a stored record with an unknown key (a newer game) or a
bad value (a hand-edited file) keeps every good field and falls back to the default for
the rest, listing what it replaced in :attr:`PlayerSettings.problems`. Settings are a
convenience; they must never keep a player out of the game.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from game.pose.quality import QUALITY_MODES

__all__ = [
    "MAX_CAMERA_INDEX",
    "PALETTES",
    "QUALITY_MODES",
    "SETTINGS_FIELD",
    "TEXT_SIZES",
    "VOLUME_STEP",
    "PlayerSettings",
]

SETTINGS_FIELD = "settings"
#: Palette names the UI knows (``game.ui.theme.PALETTES`` holds their colours).
PALETTES: tuple[str, ...] = ("standard", "colour-blind")
#: Text sizes and their scale on every font: "large" and "larger" for players who read
#: the screen from further away or with poorer eyesight. 1.3 is the largest the busiest
#: layouts (results, world map) take without text running into its neighbours.
TEXT_SIZES: dict[str, float] = {"normal": 1.0, "large": 1.15, "larger": 1.3}
#: Cameras are numbered from 0 by OpenCV; ten is more than any home machine has.
MAX_CAMERA_INDEX = 9
#: The settings screen moves the volume in tenths.
VOLUME_STEP = 0.1


@dataclass(frozen=True, slots=True)
class PlayerSettings:
    """One player's choices. ``model_path`` None = the shipped model."""

    camera_index: int = 0
    model_path: str | None = None
    volume: float = 0.8
    muted: bool = False
    #: Show the camera picture as a mirror (what players expect; off for a coach filming).
    mirror: bool = True
    palette: str = "standard"
    text_size: str = "normal"
    #: How much pose inference each camera frame gets: "auto" follows the machine,
    #: "full" and "fast" pin it (see :mod:`game.pose.quality`).
    inference_quality: str = "auto"
    #: Fields a stored record had wrong and were reset (for a log line); not stored.
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def text_scale(self) -> float:
        return TEXT_SIZES[self.text_size]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for ``set_player_data``."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "problems"}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> PlayerSettings:
        """Settings from a stored record; bad or unknown fields become defaults (see module)."""
        if not isinstance(data, Mapping):
            return cls(problems=("the record is not a table",) if data is not None else ())
        default = cls()
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, value in data.items():
            if name == "problems":
                continue
            check = _CHECKS.get(name)
            if check is None:
                problems.append(f"unknown setting {name!r}")
                continue
            good = check(value)
            if good is None and not (name == "model_path" and value is None):
                problems.append(f"{name}: {value!r} is not valid")
                continue
            values[name] = good
        return replace(default, **values, problems=tuple(problems))

    # -- the settings screen's steps ---------------------------------------------------

    def next_camera(self, step: int) -> PlayerSettings:
        return replace(self, camera_index=(self.camera_index + step) % (MAX_CAMERA_INDEX + 1))

    def next_volume(self, step: int) -> PlayerSettings:
        volume = round(min(1.0, max(0.0, self.volume + step * VOLUME_STEP)), 2)
        return replace(self, volume=volume)

    def next_palette(self, step: int) -> PlayerSettings:
        return replace(self, palette=_cycle(PALETTES, self.palette, step))

    def next_text_size(self, step: int) -> PlayerSettings:
        return replace(self, text_size=_cycle(tuple(TEXT_SIZES), self.text_size, step))

    def next_inference_quality(self, step: int) -> PlayerSettings:
        return replace(self, inference_quality=_cycle(QUALITY_MODES, self.inference_quality, step))


def _cycle(options: tuple[str, ...], current: str, step: int) -> str:
    i = options.index(current) if current in options else 0
    return options[(i + step) % len(options)]


def _int_in(lo: int, hi: int) -> Any:
    def check(v: Any) -> int | None:
        return v if isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi else None

    return check


def _volume(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        return None
    return float(v) if 0.0 <= v <= 1.0 else None


def _bool(v: Any) -> bool | None:
    return v if isinstance(v, bool) else None


def _choice(options: tuple[str, ...]) -> Any:
    return lambda v: v if isinstance(v, str) and v in options else None


def _path(v: Any) -> str | None:
    return v if isinstance(v, str) and v.strip() else None


_CHECKS: dict[str, Any] = {
    "camera_index": _int_in(0, MAX_CAMERA_INDEX),
    "model_path": _path,
    "volume": _volume,
    "muted": _bool,
    "mirror": _bool,
    "palette": _choice(PALETTES),
    "text_size": _choice(tuple(TEXT_SIZES)),
    "inference_quality": _choice(QUALITY_MODES),
}
