"""The hands-free "go": watch a running pose feed for raised hands and show the hint.

Screens with a pose feed running (get in frame, countdown, results with a camera) let a
player three metres away carry on without the keyboard: both hands above the head for
about a second (:class:`~game.play.gestures.HandsUpHold`). This draws what to do and a
ring that fills while the hands are up, so the player sees it is working.
"""

from __future__ import annotations

import math

import pygame

from game.play.gestures import HandsUpHold
from game.pose.frame import PoseFrame
from game.ui import theme
from game.ui.assets import Assets
from game.ui.widgets import draw_text

__all__ = ["HandsFree"]

_RING_R = 30


class HandsFree:
    """One screen's hands-up watcher: ``update(frames)`` is True when the player says go."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.hold = HandsUpHold()

    def update(self, frames: list[PoseFrame]) -> bool:
        return self.hold.feed(frames)

    @property
    def progress(self) -> float:
        return self.hold.progress

    def draw(
        self, surface: pygame.Surface, assets: Assets, center: tuple[int, int], size: int = 30
    ) -> pygame.Rect:
        """The raised-hands figure in a ring that fills, then the label to its right."""
        cx, cy = center
        pygame.draw.circle(surface, theme.BG_DEEP, center, _RING_R + 4)
        pygame.draw.circle(surface, theme.PANEL_EDGE, center, _RING_R, width=3)
        if self.progress > 0:
            rect = pygame.Rect(0, 0, 2 * _RING_R, 2 * _RING_R)
            rect.center = center
            start = math.pi / 2
            pygame.draw.arc(
                surface, theme.GOOD, rect, start, start + 2 * math.pi * self.progress, 5
            )
        _figure(surface, center, theme.GOOD if self.progress > 0 else theme.TEXT)
        return draw_text(
            surface, assets, self.label, size, theme.TEXT, (cx + _RING_R + 14, cy), "midleft"
        )


def _figure(surface: pygame.Surface, center: tuple[int, int], color: theme.Color) -> None:
    """A stick figure with both arms up: the gesture itself, drawn (no glyph needed)."""
    cx, cy = center
    pygame.draw.circle(surface, color, (cx, cy - 9), 5)
    pygame.draw.line(surface, color, (cx, cy - 3), (cx, cy + 10), 3)
    pygame.draw.line(surface, color, (cx, cy + 10), (cx - 7, cy + 20), 3)
    pygame.draw.line(surface, color, (cx, cy + 10), (cx + 7, cy + 20), 3)
    pygame.draw.line(surface, color, (cx, cy), (cx - 10, cy - 18), 3)
    pygame.draw.line(surface, color, (cx, cy), (cx + 10, cy - 18), 3)
