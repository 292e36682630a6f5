"""High scores: the top runs per level, or across all levels.

Left/right switch between the levels and an "All levels" tab. Each tab's rows are read
once, in a background :class:`Job`, and kept while the screen is open.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from game.play.scores import RunRow, ScoreStore
from game.ui import theme
from game.ui.context import GameContext
from game.ui.jobs import Job
from game.ui.scene import Scene
from game.ui.widgets import BACK_KEYS, draw_panel, draw_stars, draw_text

__all__ = ["ALL_LEVELS", "TOP_N", "HighScoresScene", "load_top_runs"]

TOP_N = 10
ALL_LEVELS = "All levels"
_TABLE = pygame.Rect(140, 150, 1000, 500)
_ROW_H = 42
_LEFT_ARROW = pygame.Rect(180, 62, 60, 60)
_RIGHT_ARROW = pygame.Rect(1040, 62, 60, 60)


def load_top_runs(store_path: Path, level_id: str | None) -> list[RunRow]:
    """The top runs of one level (or all when None); runs in a Job thread."""
    with ScoreStore(store_path) as store:
        return store.top_runs(level_id, TOP_N)


class HighScoresScene(Scene):
    """Top 10 per level. Esc goes back to the title screen."""

    def __init__(
        self, ctx: GameContext, level_id: str | None = None, highlight: int | None = None
    ) -> None:
        super().__init__()
        self.ctx = ctx
        # Tabs: one per level, then "All levels" (None).
        self.tabs: list[str | None] = [lv.id for lv in ctx.levels] + [None]
        self.tab = self.tabs.index(level_id) if level_id in self.tabs else 0
        self.highlight = highlight
        self.rows: dict[str | None, list[RunRow]] = {}
        self.problem: str | None = None
        self._jobs: dict[str | None, Job[list[RunRow]]] = {}
        self._titles = {lv.id: lv.title for lv in ctx.levels}

    @property
    def level_id(self) -> str | None:
        return self.tabs[self.tab]

    def enter(self) -> None:
        self._request(self.level_id)

    def _request(self, level_id: str | None) -> None:
        if level_id in self.rows or level_id in self._jobs:
            return
        path = self.ctx.store_path
        self._jobs[level_id] = self.ctx.start_job(lambda: load_top_runs(path, level_id), "top")

    def _switch(self, step: int) -> None:
        self.tab = (self.tab + step) % len(self.tabs)
        if self.level_id is not None:
            self.ctx.selected_level_id = self.level_id
        self._request(self.level_id)

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in BACK_KEYS:
                if self.stack is not None:
                    root = next(iter(self.stack))  # the title screen
                    self.stack.pop_to(lambda scene: scene is root)
                return True
            if event.key in (pygame.K_LEFT, pygame.K_a, pygame.K_UP):
                self._switch(-1)
                return True
            if event.key in (pygame.K_RIGHT, pygame.K_d, pygame.K_DOWN):
                self._switch(1)
                return True
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if _LEFT_ARROW.collidepoint(event.pos):
                self._switch(-1)
                return True
            if _RIGHT_ARROW.collidepoint(event.pos):
                self._switch(1)
                return True
        return False

    def update(self, dt: float) -> None:
        for level_id, job in list(self._jobs.items()):
            if job.done:
                del self._jobs[level_id]
                if job.error is not None:
                    self.problem = f"Scores unavailable: {job.error}"
                    self.rows[level_id] = []
                else:
                    self.rows[level_id] = job.result or []

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.blit(a.backdrop(surface.get_size()), (0, 0))
        draw_text(surface, a, "High scores", 44, theme.TEXT_DIM, (640, 18), "midtop")
        name = ALL_LEVELS if self.level_id is None else self._titles.get(self.level_id, "?")
        title = a.fit(name, 64, theme.SELECT, 760)
        surface.blit(title, title.get_rect(center=(640, 94)))
        if len(self.tabs) > 1:
            _arrow(surface, _LEFT_ARROW, -1)
            _arrow(surface, _RIGHT_ARROW, 1)
        draw_text(
            surface,
            a,
            f"{self.tab + 1} / {len(self.tabs)}",
            26,
            theme.TEXT_DIM,
            (640, 139),
            "center",  # centred in the gap: a taller line box must not reach the table
        )

        draw_panel(surface, _TABLE)
        show_level = self.level_id is None
        cols = {"#": 190, "Player": 250, "Level": 540, "Points": 860, "Stars": 900}
        head_y = _TABLE.y + 16
        for label, x in cols.items():
            if label == "Level" and not show_level:
                continue
            anchor = "topright" if label == "Points" else "topleft"
            draw_text(surface, a, label, 28, theme.TEXT_DIM, (x, head_y), anchor)
        rows = self.rows.get(self.level_id)
        if rows is None:
            draw_text(surface, a, "Loading...", 36, theme.TEXT_DIM, _TABLE.center, "center")
        elif not rows:
            message = self.problem or "No runs yet - be the first!"
            color = theme.WARN if self.problem else theme.TEXT_DIM
            surf = a.fit(message, 36, color, _TABLE.width - 40)
            surface.blit(surf, surf.get_rect(center=_TABLE.center))
        else:
            for i, row in enumerate(rows):
                self._draw_row(surface, i, row, cols, show_level)
        draw_text(
            surface,
            a,
            "Left/Right switch level   Esc back",
            28,
            theme.TEXT_DIM,
            (1256, 704),
            "bottomright",
        )

    def _draw_row(
        self, surface: pygame.Surface, i: int, row: RunRow, cols: dict[str, int], show_level: bool
    ) -> None:
        a = self.ctx.assets
        y = _TABLE.y + 56 + i * _ROW_H
        mine = row.run_id == self.highlight
        if mine:
            band = pygame.Rect(_TABLE.x + 10, y - 4, _TABLE.width - 20, _ROW_H - 2)
            pygame.draw.rect(surface, theme.BG_DEEP, band, border_radius=8)
            pygame.draw.rect(surface, theme.SELECT, band, width=2, border_radius=8)
        color = theme.SELECT if mine else theme.TEXT
        draw_text(surface, a, str(i + 1), 34, theme.TEXT_DIM, (cols["#"], y))
        surface.blit(a.fit(row.player, 34, color, 270), (cols["Player"], y))
        if show_level:
            level = self._titles.get(row.level_id, row.level_id)
            surface.blit(a.fit(level, 30, theme.TEXT_DIM, 290), (cols["Level"], y + 2))
        draw_text(surface, a, str(row.points), 34, color, (cols["Points"], y), "topright")
        draw_stars(surface, cols["Stars"], y + 14, 14, row.stars)


def _arrow(surface: pygame.Surface, rect: pygame.Rect, direction: int) -> None:
    """A triangle pointing left (-1) or right (1), clickable like a button."""
    cx, cy, h = rect.centerx, rect.centery, rect.height // 2 - 8
    tip = (cx + direction * h, cy)
    pygame.draw.polygon(
        surface, theme.ACCENT, [tip, (cx - direction * h, cy - h), (cx - direction * h, cy + h)]
    )
