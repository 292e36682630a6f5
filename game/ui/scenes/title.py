"""The title screen: the game's name, its promise, and where to go next."""

from __future__ import annotations

import math

import pygame

from game.ui import theme
from game.ui.context import GameContext
from game.ui.scene import Scene
from game.ui.scenes.high_scores import HighScoresScene
from game.ui.scenes.level_select import LevelSelectScene
from game.ui.scenes.players import PlayerSelectScene
from game.ui.scenes.settings import SettingsScene
from game.ui.sound import Cue
from game.ui.widgets import Menu, draw_banner, draw_text

__all__ = ["TAGLINE", "TITLE", "TitleScene"]

TITLE = "GLUTES HIGH"
TAGLINE = "Keep 'em up, keep 'em high"
MENU_ITEMS = ("Play", "Change player", "Settings", "High scores", "Quit")


class TitleScene(Scene):
    """Play / Change player / Settings / High scores / Quit. Esc quits too."""

    def __init__(self, ctx: GameContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.menu = self._menu()
        self.time_s = 0.0

    def _menu(self, selected: int = 0) -> Menu:
        return Menu(
            self.ctx.assets,
            MENU_ITEMS,
            center_x=640,
            top=326,
            size=50,
            spacing=58,
            selected=selected,
        )

    def resume(self) -> None:
        # The text size may have changed in settings: the menu measures its items anew.
        self.menu = self._menu(self.menu.selected)

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.ctx.request_quit()
            return True
        result = self.menu.handle(event)
        if result.chosen is not None or (event.type == pygame.KEYDOWN and result.consumed):
            self.ctx.sound.play(Cue.CLICK)  # a choice, or a move by key (not mouse hover)
        if result.chosen is not None:
            self._choose(MENU_ITEMS[result.chosen])
        return result.consumed

    def _choose(self, item: str) -> None:
        assert self.stack is not None
        if item == "Play":
            self.stack.push(LevelSelectScene(self.ctx))
        elif item == "Change player":
            self.stack.push(PlayerSelectScene(self.ctx))
        elif item == "Settings":
            self.stack.push(SettingsScene(self.ctx))
        elif item == "High scores":
            self.stack.push(HighScoresScene(self.ctx, self.ctx.selected_level_id))
        else:
            self.ctx.request_quit()

    def update(self, dt: float) -> None:
        self.time_s += dt

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.blit(a.backdrop(surface.get_size()), (0, 0))
        bob = math.sin(self.time_s * 2.0) * 6  # the title breathes: a squat in miniature
        cy = 150 + bob
        draw_text(surface, a, TITLE, 170, theme.BG_DEEP, (646, cy + 6), "center")
        draw_text(surface, a, TITLE, 170, theme.GLUTES, (640, cy), "center")
        pygame.draw.line(surface, theme.SELECT, (330, 222 + bob), (950, 222 + bob), 5)
        draw_text(surface, a, TAGLINE, 48, theme.TEXT, (640, 268), "center")
        self.menu.draw(surface)
        draw_text(
            surface, a, f"Playing as {self.ctx.player}", 28, theme.TEXT_DIM, (24, 704), "bottomleft"
        )
        sound = self.ctx.sound  # M (handled by the app) works on every screen; said here
        mute = ("M unmute   " if sound.muted else "M mute   ") if sound.available else ""
        draw_text(
            surface,
            a,
            f"Arrows move   Enter select   {mute}Esc quit",
            28,
            theme.TEXT_DIM,
            (1256, 704),
            "bottomright",
        )
        if self.ctx.notice:
            draw_banner(surface, a, self.ctx.notice, pygame.Rect(190, 628, 900, 46))
