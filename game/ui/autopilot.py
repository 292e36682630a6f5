"""A pretend player for headless runs: presses the keys a person would.

With ``--headless`` nobody is at the keyboard, yet the game should still walk through
its screens so the demo athlete can play a level by itself (for smoke tests, benchmarks
and screenshots). The autopilot only *posts key events*; scenes cannot tell it from a
person, so the headless run exercises the same input paths as a real one.

Menu delays are short (0.4 s) so that, with the default demo and a 3 s countdown, a
20-second run is well inside the play scene with several reps counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from game.ui.context import GameContext
from game.ui.scene import Scene
from game.ui.scenes.high_scores import HighScoresScene
from game.ui.scenes.level_select import LevelSelectScene
from game.ui.scenes.pause import PauseScene
from game.ui.scenes.results import ResultsScene
from game.ui.scenes.title import TitleScene

__all__ = ["Autopilot", "Key"]

Key = int  # a pygame key code


@dataclass
class Autopilot:
    """Decides which key to press next from the top scene and how long it has been up."""

    ctx: GameContext
    level_id: str | None = None
    menu_delay_s: float = 0.4
    results_delay_s: float = 3.0
    scores_delay_s: float = 3.0
    #: If a key seemed to do nothing, press again after this long.
    repeat_s: float = 0.15
    _scene: Scene | None = field(default=None, init=False)
    _age_s: float = field(default=0.0, init=False)
    _next_press_s: float = field(default=0.0, init=False)

    def update(self, dt: float, top: Scene | None) -> list[Key]:
        """Advance by ``dt``; return the keys to press now (usually none)."""
        if top is not self._scene:
            self._scene = top
            self._age_s = 0.0
            self._next_press_s = self._first_delay(top)
        else:
            self._age_s += dt
        if top is None or self._next_press_s < 0 or self._age_s < self._next_press_s:
            return []
        key = self._choose(top)
        if key is None:
            return []
        self._next_press_s = self._age_s + self.repeat_s
        return [key]

    def _first_delay(self, top: Scene | None) -> float:
        if isinstance(top, ResultsScene):
            return self.results_delay_s
        if isinstance(top, HighScoresScene):
            return self.scores_delay_s
        if isinstance(top, TitleScene | LevelSelectScene | PauseScene):
            return self.menu_delay_s
        return -1.0  # play scene (the athlete plays) or anything unknown: hands off

    def _choose(self, top: Scene) -> Key | None:
        if isinstance(top, TitleScene):
            return pygame.K_RETURN if top.menu.selected == 0 else pygame.K_UP
        if isinstance(top, LevelSelectScene):
            if not top.levels:
                return None
            target = self.ctx.level_index(self.level_id)
            if top.selected < target:
                return pygame.K_DOWN
            if top.selected > target:
                return pygame.K_UP
            return pygame.K_RETURN
        if isinstance(top, ResultsScene):
            return pygame.K_RETURN
        if isinstance(top, HighScoresScene | PauseScene):
            return pygame.K_ESCAPE
        return None
