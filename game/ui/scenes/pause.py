"""The pause overlay: drawn over a frozen play scene, whose clock stops meanwhile."""

from __future__ import annotations

from collections.abc import Callable

import pygame

from game.ui import theme
from game.ui.context import GameContext
from game.ui.scene import Scene
from game.ui.widgets import BACK_KEYS, Menu, draw_panel, draw_text

__all__ = ["PauseScene"]

ITEMS = ("Resume", "Quit level")
_PANEL = pygame.Rect(0, 0, 520, 340)
_PANEL.center = (640, 360)


class PauseScene(Scene):
    """Resume (or Esc) pops back into play; Quit level calls ``on_quit``."""

    overlay = True

    def __init__(self, ctx: GameContext, on_quit: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.on_quit = on_quit
        self.menu = Menu(ctx.assets, ITEMS, center_x=640, top=_PANEL.y + 150, size=52, spacing=74)
        self._dim: pygame.Surface | None = None

    def enter(self) -> None:
        # One translucent layer made on entry, not per frame.
        self._dim = pygame.Surface(theme.LOGICAL_SIZE)
        self._dim.fill(theme.BG_DEEP)
        self._dim.set_alpha(170)

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in BACK_KEYS:
            if self.stack is not None:
                self.stack.pop()
            return True
        result = self.menu.handle(event)
        if result.chosen == 0 and self.stack is not None:
            self.stack.pop()
        elif result.chosen == 1:
            self.on_quit()
        return True  # nothing gets past the pause screen

    def draw(self, surface: pygame.Surface) -> None:
        if self._dim is not None:
            surface.blit(self._dim, (0, 0))
        draw_panel(surface, _PANEL)
        draw_text(
            surface, self.ctx.assets, "Paused", 80, theme.TEXT, (640, _PANEL.y + 30), "midtop"
        )
        self.menu.draw(surface)
