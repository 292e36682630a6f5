"""Level select: every playable level with its goal and the player's best stars.

Broken level files are not hidden: each gets a visible warning line naming the file and
the field, so a player editing their own level sees why it is missing.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from game.play.levels import Level
from game.play.scores import ScoreStore
from game.ui import theme
from game.ui.context import GameContext, describe_level_error
from game.ui.hud import format_time
from game.ui.jobs import Job
from game.ui.scene import Scene
from game.ui.scenes.play import PlayScene
from game.ui.sound import Cue
from game.ui.widgets import BACK_KEYS, SELECT_KEYS, draw_panel, draw_stars, draw_text

__all__ = ["LevelSelectScene"]

LIST_TOP = 104
CARD_H = 112
CARD_GAP = 14
LIST_BOTTOM = 560
CARD_X, CARD_W = 140, 1000
WARN_TOP = 574
MAX_WARNINGS = 3


def load_best_stars(store_path: Path, player: str) -> dict[str, int]:
    """Best stars per level for ``player`` (runs in a :class:`Job` thread)."""
    with ScoreStore(store_path) as store:
        return store.best_stars(player)


class LevelSelectScene(Scene):
    """Arrows move, Enter starts, Esc goes back to the title."""

    def __init__(self, ctx: GameContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.selected = ctx.level_index(ctx.selected_level_id)
        self.scroll = 0
        self.best_stars: dict[str, int] = {}
        self.store_problem: str | None = None
        self._job: Job[dict[str, int]] | None = None
        errors = [describe_level_error(e) for e in ctx.level_errors]
        self.warnings = errors[:MAX_WARNINGS]
        if len(errors) > MAX_WARNINGS:
            self.warnings.append(f"...and {len(errors) - MAX_WARNINGS} more broken level files")
        self._keep_visible()

    @property
    def levels(self) -> list[Level]:
        return self.ctx.levels

    @property
    def visible_cards(self) -> int:
        return max(1, (LIST_BOTTOM - LIST_TOP + CARD_GAP) // (CARD_H + CARD_GAP))

    def enter(self) -> None:
        self._load_stars()

    def resume(self) -> None:
        self._load_stars()  # a level was just played: stars may have changed

    def _load_stars(self) -> None:
        ctx = self.ctx
        self._job = ctx.start_job(lambda: load_best_stars(ctx.store_path, ctx.player), "stars")

    def card_rect(self, index: int) -> pygame.Rect:
        row = index - self.scroll
        return pygame.Rect(CARD_X, LIST_TOP + row * (CARD_H + CARD_GAP), CARD_W, CARD_H)

    def _keep_visible(self) -> None:
        if self.selected < self.scroll:
            self.scroll = self.selected
        elif self.selected >= self.scroll + self.visible_cards:
            self.scroll = self.selected - self.visible_cards + 1

    def _move(self, step: int) -> None:
        if self.levels:
            self.ctx.sound.play(Cue.CLICK)
            self.selected = (self.selected + step) % len(self.levels)
            self.ctx.selected_level_id = self.levels[self.selected].id
            self._keep_visible()

    def _start(self) -> None:
        if not self.levels or self.stack is None:
            return
        level = self.levels[self.selected]
        self.ctx.selected_level_id = level.id
        self.ctx.sound.play(Cue.CLICK)
        self.stack.push(PlayScene(self.ctx, level))

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in BACK_KEYS:
                if self.stack is not None:
                    self.stack.pop()
                return True
            if event.key in (pygame.K_UP, pygame.K_w, pygame.K_LEFT):
                self._move(-1)
                return True
            if event.key in (pygame.K_DOWN, pygame.K_s, pygame.K_RIGHT):
                self._move(1)
                return True
            if event.key in SELECT_KEYS:
                self._start()
                return True
        elif event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN):
            for i in range(self.scroll, min(len(self.levels), self.scroll + self.visible_cards)):
                if self.card_rect(i).collidepoint(event.pos):
                    self.selected = i
                    self.ctx.selected_level_id = self.levels[i].id
                    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                        self._start()
                    return True
        elif event.type == pygame.MOUSEWHEEL:
            self._move(-event.y)
            return True
        return False

    def update(self, dt: float) -> None:
        job = self._job
        if job is not None and job.done:
            self._job = None
            if job.error is not None:
                self.store_problem = f"Best stars unavailable: {job.error}"
            else:
                self.best_stars = job.result or {}
                self.store_problem = None

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.blit(a.backdrop(surface.get_size()), (0, 0))
        draw_text(surface, a, "Choose a level", 64, theme.TEXT, (640, 30), "midtop")
        if not self.levels:
            draw_text(surface, a, "No levels to play", 48, theme.WARN, (640, 260), "center")
        for i in range(self.scroll, min(len(self.levels), self.scroll + self.visible_cards)):
            self._draw_card(surface, i)
        if self.scroll > 0:
            draw_text(
                surface, a, "more above", 22, theme.TEXT_DIM, (640, LIST_TOP - 6), "midbottom"
            )
        if self.scroll + self.visible_cards < len(self.levels):
            draw_text(
                surface, a, "more below", 22, theme.TEXT_DIM, (640, LIST_BOTTOM + 2), "midtop"
            )
        self._draw_warnings(surface)
        draw_text(
            surface,
            a,
            "Arrows move   Enter play   Esc back",
            28,
            theme.TEXT_DIM,
            (1256, 704),
            "bottomright",
        )
        status = self.store_problem or f"Player: {self.ctx.player}"
        color = theme.WARN if self.store_problem else theme.TEXT_DIM
        surf = a.fit(status, 28, color, 640)
        surface.blit(surf, surf.get_rect(bottomleft=(24, 704)))

    def _draw_card(self, surface: pygame.Surface, index: int) -> None:
        a = self.ctx.assets
        level = self.levels[index]
        rect = self.card_rect(index)
        chosen = index == self.selected
        draw_panel(surface, rect, edge=theme.SELECT if chosen else theme.PANEL_EDGE)
        if chosen:
            pygame.draw.rect(surface, theme.SELECT, rect.inflate(4, 4), width=2, border_radius=16)
        num = a.text(str(index + 1), 64, theme.SELECT if chosen else theme.MUTED)
        surface.blit(num, num.get_rect(center=(rect.x + 48, rect.centery)))
        text_x, text_w = rect.x + 96, rect.width - 96 - 230
        title = a.fit(level.title, 46, theme.TEXT if chosen else theme.TEXT_DIM, text_w)
        surface.blit(title, (text_x, rect.y + 14))
        teaching = a.fit(level.teaching, 28, theme.TEXT_DIM, text_w, bold=False)
        surface.blit(teaching, (text_x, rect.y + 52))
        goal = (
            f"{level.reps} reps   depth {level.depth_deg:.0f}°   "
            f"time {format_time(level.time_limit_s)}"
        )
        draw_text(surface, a, goal, 26, theme.ACCENT, (text_x, rect.y + 80))
        draw_stars(
            surface, rect.right - 206, rect.centery - 10, 28, self.best_stars.get(level.id, 0)
        )
        draw_text(
            surface, a, "best", 22, theme.MUTED, (rect.right - 120, rect.bottom - 12), "midbottom"
        )

    def _draw_warnings(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        for i, line in enumerate(self.warnings):
            y = WARN_TOP + i * 30
            _draw_warning_sign(surface, (CARD_X - 4, y + 3), 20)
            surf = a.fit(line, 26, theme.WARN, CARD_W - 30)
            surface.blit(surf, (CARD_X + 26, y))


def _draw_warning_sign(surface: pygame.Surface, topleft: tuple[int, int], size: int) -> None:
    """A small amber warning triangle with a mark, drawn (no font glyph needed)."""
    x, y = topleft
    pygame.draw.polygon(
        surface, theme.WARN, [(x + size / 2, y), (x + size, y + size), (x, y + size)]
    )
    cx = x + size // 2
    pygame.draw.line(surface, theme.BG_DEEP, (cx, y + 6), (cx, y + size - 7), 3)
    pygame.draw.circle(surface, theme.BG_DEEP, (cx, y + size - 3), 2)
