"""The one asset loader: fonts by size and a small cache of rendered text.

Fonts are opened once per size and kept; rendered text is kept in a small LRU keyed by
(size, text, colour), so a HUD value is only re-rendered when it changes (the pattern
of the cached score text in pygame's ``aliens.py``). Rendering text is one of the most
expensive things a pygame frame does, so no scene calls ``Font.render`` directly.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pygame

from game.ui.theme import Color

__all__ = ["Assets", "gradient"]

#: Enough for every label on the busiest screen several times over; old entries drop out.
TEXT_CACHE_SIZE = 512


class Assets:
    """Fonts and rendered text for the whole game. Needs ``pygame.font`` initialised."""

    def __init__(self, cache_size: int = TEXT_CACHE_SIZE) -> None:
        self._fonts: dict[int, pygame.font.Font] = {}
        self._text: OrderedDict[tuple[int, str, Color], pygame.Surface] = OrderedDict()
        self._faded: OrderedDict[tuple[int, str, Color], pygame.Surface] = OrderedDict()
        self._cache_size = cache_size
        self._backdrops: dict[tuple[int, int], pygame.Surface] = {}
        self.renders = 0  # how many times text was really rendered (tests check caching)

    def font(self, size: int) -> pygame.font.Font:
        """The default font at ``size`` (pygame's bundled font: present on every machine)."""
        font = self._fonts.get(size)
        if font is None:
            font = pygame.font.Font(None, size)
            self._fonts[size] = font
        return font

    def text(self, text: str, size: int, color: Color) -> pygame.Surface:
        """``text`` rendered antialiased; the same surface is returned until it drops out.

        Callers must not modify the returned surface: it is shared. Use :meth:`faded`
        for text whose transparency changes.
        """
        key = (size, text, color)
        surf = self._text.get(key)
        if surf is not None:
            self._text.move_to_end(key)
            return surf
        surf = self.font(size).render(text, True, color)
        self.renders += 1
        self._text[key] = surf
        if len(self._text) > self._cache_size:
            self._text.popitem(last=False)
        return surf

    def faded(self, text: str, size: int, color: Color, alpha: float) -> pygame.Surface:
        """Cached text with its surface alpha set (0..1), for fading cues and pop-ups.

        A separate copy from :meth:`text`'s, so fading one never fades the other.
        """
        key = (size, text, color)
        surf = self._faded.get(key)
        if surf is None:
            surf = self.text(text, size, color).copy()
            self._faded[key] = surf
            if len(self._faded) > self._cache_size:
                self._faded.popitem(last=False)
        else:
            self._faded.move_to_end(key)
        surf.set_alpha(max(0, min(255, round(alpha * 255))))
        return surf

    def fit(self, text: str, size: int, color: Color, max_width: int) -> pygame.Surface:
        """Cached text, shortened with an ellipsis until it fits ``max_width`` pixels."""
        font = self.font(size)
        if font.size(text)[0] <= max_width:
            return self.text(text, size, color)
        lo, hi = 0, len(text)
        while lo < hi:  # longest prefix that fits with the ellipsis
            mid = (lo + hi + 1) // 2
            if font.size(text[:mid].rstrip() + "...")[0] <= max_width:
                lo = mid
            else:
                hi = mid - 1
        return self.text(text[:lo].rstrip() + "...", size, color)

    def wrap(self, text: str, size: int, max_width: int) -> list[str]:
        """Split ``text`` into lines no wider than ``max_width`` (words kept whole)."""
        font = self.font(size)
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            line = ""
            for word in paragraph.split():
                trial = f"{line} {word}".strip()
                if not line or font.size(trial)[0] <= max_width:
                    line = trial
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        return lines

    def backdrop(self, size: tuple[int, int]) -> pygame.Surface:
        """The menus' background: a dark diagonal gradient, drawn once per size."""
        surf = self._backdrops.get(size)
        if surf is None:
            surf = gradient(size, BACKDROP_TOP, BACKDROP_BOTTOM, diagonal=True)
            self._backdrops[size] = surf
        return surf


BACKDROP_TOP: Color = (10, 12, 26)
BACKDROP_BOTTOM: Color = (34, 22, 58)


def gradient(
    size: tuple[int, int], top: Color, bottom: Color, diagonal: bool = False
) -> pygame.Surface:
    """A smooth two-colour gradient surface (vertical, or top-left to bottom-right)."""
    w, h = size
    ys = np.linspace(0.0, 1.0, h, dtype=np.float32)[None, :]
    if diagonal:
        xs = np.linspace(0.0, 1.0, w, dtype=np.float32)[:, None]
        t = np.clip(ys * 0.75 + xs * 0.25, 0.0, 1.0)
    else:
        t = np.broadcast_to(ys, (w, h))
    a = np.array(top, dtype=np.float32)
    b = np.array(bottom, dtype=np.float32)
    pixels = (a + (b - a) * t[..., None]).astype(np.uint8)
    surf = pygame.surfarray.make_surface(pixels)
    return surf.convert() if pygame.display.get_surface() is not None else surf
