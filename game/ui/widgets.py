"""Small drawing and input helpers the scenes share: menus, stars, panels, key groups.

Stars are drawn as polygons, not a font glyph: pygame's bundled font has no star, and a
missing glyph draws as an empty box.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import pygame

from game.ui import theme
from game.ui.assets import Assets
from game.ui.theme import Color

__all__ = [
    "BACK_KEYS",
    "SELECT_KEYS",
    "Menu",
    "MenuResult",
    "draw_banner",
    "draw_panel",
    "draw_star",
    "draw_stars",
    "draw_text",
    "star_points",
]

SELECT_KEYS = frozenset({pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE})
BACK_KEYS = frozenset({pygame.K_ESCAPE, pygame.K_BACKSPACE})
_UP_KEYS = frozenset({pygame.K_UP, pygame.K_w})
_DOWN_KEYS = frozenset({pygame.K_DOWN, pygame.K_s})


def star_points(
    center: tuple[float, float], radius: float, inner: float = 0.45, spin: float = 0.0
) -> list[tuple[float, float]]:
    """The 10 corners of a five-pointed star, first point up (``spin`` in radians)."""
    cx, cy = center
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * inner
        a = -math.pi / 2 + spin + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def draw_star(
    surface: pygame.Surface,
    center: tuple[float, float],
    radius: float,
    filled: bool,
    color: Color = theme.STAR,
    spin: float = 0.0,
) -> None:
    """One star: solid ``color`` if earned, else a dim outline."""
    pts = star_points(center, radius, spin=spin)
    if filled:
        pygame.draw.polygon(surface, color, pts)
        pygame.draw.aalines(surface, theme.blend(color, theme.TEXT, 0.4), True, pts)
    else:
        pygame.draw.polygon(surface, theme.STAR_EMPTY, pts, width=max(1, round(radius / 8)))


def draw_stars(
    surface: pygame.Surface, left: float, cy: float, radius: float, earned: int, total: int = 3
) -> None:
    """A row of ``total`` stars starting at ``left``, the first ``earned`` filled."""
    step = radius * 2.3
    for i in range(total):
        draw_star(surface, (left + radius + i * step, cy), radius, i < earned)


def draw_panel(
    surface: pygame.Surface,
    rect: pygame.Rect,
    color: Color = theme.PANEL,
    edge: Color | None = theme.PANEL_EDGE,
    radius: int = 14,
) -> None:
    pygame.draw.rect(surface, color, rect, border_radius=radius)
    if edge is not None:
        pygame.draw.rect(surface, edge, rect, width=2, border_radius=radius)


def draw_text(
    surface: pygame.Surface,
    assets: Assets,
    text: str,
    size: int,
    color: Color,
    pos: tuple[float, float],
    anchor: str = "topleft",
) -> pygame.Rect:
    """Blit cached text with ``pos`` at the given rect anchor; returns where it went."""
    surf = assets.text(text, size, color)
    rect = surf.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
    surface.blit(surf, rect)
    return rect


def draw_banner(
    surface: pygame.Surface, assets: Assets, text: str, rect: pygame.Rect, size: int = 30
) -> None:
    """A one-line amber notice strip (e.g. "No camera found - playing the demo athlete")."""
    pygame.draw.rect(surface, (60, 44, 12), rect, border_radius=10)
    pygame.draw.rect(surface, theme.WARN, rect, width=2, border_radius=10)
    surf = assets.fit(text, size, theme.WARN, rect.width - 24)
    surface.blit(surf, surf.get_rect(center=rect.center))


class MenuResult(NamedTuple):
    consumed: bool
    chosen: int | None = None


class Menu:
    """A vertical text menu driven by arrows, Enter/Space and the mouse.

    Item rectangles are measured once on creation (the font is fixed), so hit-testing a
    click costs nothing and drawing only blits cached text.
    """

    def __init__(
        self,
        assets: Assets,
        items: Sequence[str],
        center_x: int,
        top: int,
        size: int = 52,
        spacing: int = 70,
        selected: int = 0,
    ) -> None:
        self.assets = assets
        self.items = list(items)
        self.size = size
        self.selected = selected
        self.rects: list[pygame.Rect] = []
        for i, item in enumerate(self.items):
            w, h = assets.font(size).size(item)
            rect = pygame.Rect(0, 0, w + 80, h + 20)
            rect.center = (center_x, top + i * spacing + h // 2)
            self.rects.append(rect)

    def handle(self, event: pygame.event.Event) -> MenuResult:
        if event.type == pygame.KEYDOWN:
            if event.key in _UP_KEYS:
                self.selected = (self.selected - 1) % len(self.items)
                return MenuResult(True)
            if event.key in _DOWN_KEYS:
                self.selected = (self.selected + 1) % len(self.items)
                return MenuResult(True)
            if event.key in SELECT_KEYS:
                return MenuResult(True, self.selected)
        elif event.type == pygame.MOUSEMOTION:
            hit = self._hit(event.pos)
            if hit is not None:
                self.selected = hit
                return MenuResult(True)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            hit = self._hit(event.pos)
            if hit is not None:
                self.selected = hit
                return MenuResult(True, hit)
        return MenuResult(False)

    def _hit(self, pos: tuple[int, int]) -> int | None:
        for i, rect in enumerate(self.rects):
            if rect.collidepoint(pos):
                return i
        return None

    def draw(self, surface: pygame.Surface) -> None:
        for i, (item, rect) in enumerate(zip(self.items, self.rects, strict=True)):
            chosen = i == self.selected
            if chosen:
                pygame.draw.rect(surface, theme.PANEL, rect, border_radius=12)
                pygame.draw.rect(surface, theme.SELECT, rect, width=3, border_radius=12)
            color = theme.SELECT if chosen else theme.TEXT_DIM
            surf = self.assets.text(item, self.size, color)
            surface.blit(surf, surf.get_rect(center=rect.center))
