"""Short reward effects: particle bursts, a screen flash, floating and pop-up text.

Everything is timed in seconds of game time and moves in pixels per *second*, so an
effect looks the same at any frame rate and freezes with the game when it is paused.
``update`` ages and moves effects; ``draw`` only reads them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import pygame

from game.ui.assets import Assets
from game.ui.theme import Color

__all__ = ["Effects", "FloatingText", "Particle"]

#: Downward pull on particles (px/s²): enough to arc, not to look like a fountain.
GRAVITY_PX_S2 = 900.0
FLASH_S = 0.25
FLOAT_S = 1.2
FLOAT_RISE_PX_S = 90.0
#: At most this many live particles, so a burst of bursts can never eat the frame.
MAX_PARTICLES = 600


@dataclass(slots=True)
class Particle:
    x: float
    y: float
    vx: float
    vy: float
    life_s: float
    age_s: float
    radius: float
    color: Color


@dataclass(slots=True)
class FloatingText:
    """Text that rises and fades (``+92``) or stays put and fades (``Deeper!``)."""

    text: str
    x: float
    y: float
    size: int
    color: Color
    life_s: float
    age_s: float = 0.0
    rise_px_s: float = FLOAT_RISE_PX_S

    @property
    def alpha(self) -> float:
        fade_from = self.life_s * 0.6
        if self.age_s <= fade_from:
            return 1.0
        return max(0.0, 1.0 - (self.age_s - fade_from) / (self.life_s - fade_from))


class Effects:
    """All live effects of one scene."""

    def __init__(self, seed: int | None = None) -> None:
        self.particles: list[Particle] = []
        self.texts: list[FloatingText] = []
        self.flash_left_s = 0.0
        self.flash_color: Color = (255, 255, 255)
        self._rng = random.Random(seed)

    def burst(self, pos: tuple[float, float], colors: list[Color], count: int = 48) -> None:
        """Particles thrown out from ``pos``, mostly upward."""
        rng = self._rng
        for _ in range(count):
            angle = rng.uniform(-math.pi, 0.0) if rng.random() < 0.8 else rng.uniform(0, math.pi)
            speed = rng.uniform(180.0, 520.0)
            self.particles.append(
                Particle(
                    x=pos[0],
                    y=pos[1],
                    vx=math.cos(angle) * speed,
                    vy=math.sin(angle) * speed,
                    life_s=rng.uniform(0.5, 1.1),
                    age_s=0.0,
                    radius=rng.uniform(3.0, 7.0),
                    color=rng.choice(colors),
                )
            )
        if len(self.particles) > MAX_PARTICLES:
            del self.particles[: len(self.particles) - MAX_PARTICLES]

    def flash(self, color: Color = (255, 255, 255), duration_s: float = FLASH_S) -> None:
        self.flash_left_s = duration_s
        self.flash_color = color

    def float_text(
        self,
        text: str,
        pos: tuple[float, float],
        color: Color,
        size: int = 64,
        life_s: float = FLOAT_S,
        rise: bool = True,
    ) -> None:
        self.texts.append(
            FloatingText(
                text, pos[0], pos[1], size, color, life_s, rise_px_s=FLOAT_RISE_PX_S if rise else 0
            )
        )

    def clear(self) -> None:
        self.particles.clear()
        self.texts.clear()
        self.flash_left_s = 0.0

    def update(self, dt: float) -> None:
        for p in self.particles:
            p.age_s += dt
            p.vy += GRAVITY_PX_S2 * dt
            p.x += p.vx * dt
            p.y += p.vy * dt
        self.particles = [p for p in self.particles if p.age_s < p.life_s]
        for t in self.texts:
            t.age_s += dt
            t.y -= t.rise_px_s * dt
        self.texts = [t for t in self.texts if t.age_s < t.life_s]
        self.flash_left_s = max(0.0, self.flash_left_s - dt)

    @property
    def busy(self) -> bool:
        return bool(self.particles or self.texts or self.flash_left_s > 0)

    def draw(
        self,
        surface: pygame.Surface,
        assets: Assets,
        flash_rect: pygame.Rect | None = None,
        flash_overlay: pygame.Surface | None = None,
    ) -> None:
        """Draw particles and texts; the flash needs a prepared overlay surface.

        ``flash_overlay`` is a surface the size of ``flash_rect`` made once by the scene
        (allocating a full-stage surface each frame would be wasteful).
        """
        if self.flash_left_s > 0 and flash_rect is not None and flash_overlay is not None:
            flash_overlay.fill(self.flash_color)
            flash_overlay.set_alpha(round(110 * self.flash_left_s / FLASH_S))
            surface.blit(flash_overlay, flash_rect)
        for p in self.particles:
            k = 1.0 - p.age_s / p.life_s
            radius = max(1, round(p.radius * (0.4 + 0.6 * k)))
            pygame.draw.circle(surface, p.color, (round(p.x), round(p.y)), radius)
        for t in self.texts:
            surf = assets.faded(t.text, t.size, t.color, t.alpha)
            surface.blit(surf, surf.get_rect(center=(round(t.x), round(t.y))))
