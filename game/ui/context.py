"""What every scene shares: assets, sound, levels, the player, where scores live, how to quit.

One :class:`GameContext` is built by the app at start-up and handed to each scene, so
scenes never reach for globals, never reload assets, and tests can build one with a
fake pose source and a temporary score file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from game.play.levels import Level, LevelError, World
from game.play.settings import PlayerSettings
from game.pose.source import PoseSource
from game.ui.assets import Assets
from game.ui.jobs import Job
from game.ui.sound import SoundBoard

T = TypeVar("T")

__all__ = ["GameContext", "describe_level_error"]


@dataclass
class GameContext:
    """Shared, long-lived game state. Scenes read it; only the app and menus change it."""

    assets: Assets
    levels: list[Level]
    level_errors: list[LevelError]
    store_path: Path
    source_spec: str
    open_source: Callable[[str], PoseSource]
    player: str = "Player"
    notice: str | None = None
    #: The level the menus point at; level select and high scores start from it.
    selected_level_id: str | None = None
    #: Run store access in threads (a window) or inline (headless, deterministic).
    background_jobs: bool = True
    #: Game time runs faster than real time (headless): slow recorded sources are waited
    #: for, so the run sees every frame a player would instead of outrunning the video.
    simulated_clock: bool = False
    #: The sound cues; silent unless the app started the mixer (tests need not).
    sound: SoundBoard = field(default_factory=lambda: SoundBoard.silent("no mixer started"))
    #: The worlds the levels belong to (titles, teaching), by number.
    worlds: dict[int, World] = field(default_factory=dict)
    #: The current player's settings, as applied (:func:`game.ui.prefs.apply_settings`).
    settings: PlayerSettings = field(default_factory=PlayerSettings)
    #: ``--mute``: the sound stays off whatever a player's settings say.
    force_mute: bool = False
    quit_requested: bool = field(default=False, init=False)
    #: Set by a live pose feed when a camera pose arrives: the main loop wakes on it and
    #: draws the pose at once instead of at its next 60 Hz tick.
    live_frames: threading.Event = field(default_factory=threading.Event, init=False)

    def request_quit(self) -> None:
        """Ask the app to end after this frame (never ``sys.exit`` inside the loop)."""
        self.quit_requested = True

    def start_job(self, fn: Callable[[], T], name: str) -> Job[T]:
        """Start slow work (the score store) the way this run wants it: see :class:`Job`."""
        return Job(fn, name=name, background=self.background_jobs)

    def level_index(self, level_id: str | None) -> int:
        """Index of ``level_id`` in :attr:`levels`, or 0 when unknown."""
        for i, level in enumerate(self.levels):
            if level.id == level_id:
                return i
        return 0

    def level_by_id(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)


def describe_level_error(error: LevelError) -> str:
    """A level error as one warning line, naming the file by its folder and name."""
    where = f"field '{error.field}': " if error.field else ""
    return f"Skipped {error.path.parent.name}/{error.path.name}: {where}{error.problem}"
