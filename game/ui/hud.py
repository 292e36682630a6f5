"""The play screen's heads-up display: reps, points, time, depth gauge, timeline, cue.

A posture hold shows its own panel (:class:`HoldHudState`): the seconds held toward the
goal, a bar filling toward it, the posture's state in words and colour, and the longest
stretch held in one go (what the points reward).

The HUD draws from a :class:`HudState` snapshot the play scene builds in ``update``;
it never looks at the session itself, so what is drawn is exactly what was decided this
step. All numbers become text through the shared cache, so "3 / 5" is rendered once
per change, not 60 times a second. Sizes are for reading from about three metres: the
cue is at least 48 px tall on the 1280x720 screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from game.ui import theme
from game.ui.assets import Assets
from game.ui.skeleton import LEG_COLORS, LegState
from game.ui.theme import Color
from game.ui.widgets import draw_panel, draw_text

__all__ = [
    "CUE_RECT",
    "CUE_SIZE",
    "GAUGE_MAX_DEG",
    "HINT_SIZE",
    "PANEL_RECT",
    "STAGE_RECT",
    "HoldHudState",
    "Hud",
    "HudState",
    "format_time",
]

STAGE_RECT = pygame.Rect(16, 16, 900, 510)
CUE_RECT = pygame.Rect(16, 538, 900, 166)
PANEL_RECT = pygame.Rect(932, 16, 332, 688)
#: Cue font size: pygame's default font at 72 is 49 px tall, readable from ~3 m.
CUE_SIZE = 72
HINT_SIZE = 34
#: The gauge runs 0-140° of knee flexion: past parallel (~110-120°) with a little room.
GAUGE_MAX_DEG = 140.0
#: Below this many seconds the clock turns red.
HURRY_S = 10.0
#: Gauge labels closer than this (px) would overlap: the "counts" one gives way.
LABEL_GAP_PX = 26
EXTRAS_SIZE = 28

_GAUGE = pygame.Rect(PANEL_RECT.x + 28, 318, 46, 272)
_TIMELINE_TOP = 636
#: Extra-goal lines sit beside the gauge, below the depth value and above its marks.
_EXTRAS_TOP = 360
_EXTRAS_LINES = 3
_COL2 = PANEL_RECT.x + PANEL_RECT.width // 2 + 16  # second column: the clock


@dataclass(frozen=True, slots=True)
class HudState:
    """Everything the HUD shows, decided in ``update``."""

    level_title: str
    reps_done: int
    reps_goal: int
    points: int
    time_left_s: float
    depth_deg: float  # smoothed knee flexion; NaN when nobody is seen
    target_deg: float
    count_deg: float
    rep_scores: tuple[int, ...]
    clean_min: int
    legs: LegState
    cue_lines: tuple[str, ...] = ()
    cue_alpha: float = 0.0
    hint_lines: tuple[str, ...] = ()  # shown when there is no cue
    #: The level's depth ceiling (reps past it do not count), drawn on the gauge.
    ceiling_deg: float | None = None
    #: Short lines for the level's extra goals (tempo, streak, combo), with colours.
    extras: tuple[tuple[str, Color], ...] = ()
    cue_color: Color | None = None  # None: the theme's text colour


@dataclass(frozen=True, slots=True)
class HoldHudState:
    """Everything a posture hold's HUD shows, decided in ``update``.

    ``state`` is ``good`` (in the posture and good), ``fault`` (in it, with the fault
    ``state_text`` names), ``out`` (not in the posture) or ``unseen`` (nobody, or not
    side-on enough to judge).
    """

    level_title: str
    hold_goal_s: float
    good_s: float
    streak_s: float
    longest_s: float
    points: int
    time_left_s: float
    state: str
    state_text: str
    cue_lines: tuple[str, ...] = ()
    cue_alpha: float = 0.0
    cue_color: Color | None = None
    hint_lines: tuple[str, ...] = ()


def format_time(seconds: float) -> str:
    """``83.2`` → ``"1:24"`` (rounded up, so the clock never shows 0:00 with time left)."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


def hold_state_color(state: str) -> Color:
    """A hold state's colour (read at draw time: the palette can change)."""
    return {"good": theme.GOOD, "fault": theme.BAD, "out": theme.WARN}.get(state, theme.TEXT_DIM)


def _gauge_y(deg: float) -> int:
    t = max(0.0, min(1.0, deg / GAUGE_MAX_DEG))
    return round(_GAUGE.top + t * _GAUGE.height)


def _layer(rect: pygame.Rect) -> pygame.Surface:
    surf = pygame.Surface(rect.size)
    surf = surf.convert() if pygame.display.get_surface() is not None else surf
    surf.fill(theme.BG)
    return surf


class Hud:
    """Draws the right-hand panel and the cue strip for one :class:`HudState`.

    What never changes during a level (panel backgrounds, labels, the level title, the
    teaching hint) is drawn once into layers by :meth:`prepare`; each frame then blits
    those and draws only the live values on top.
    """

    def __init__(self, assets: Assets) -> None:
        self.assets = assets
        self._static_key: tuple[object, ...] | None = None
        self._panel_layer: pygame.Surface | None = None
        self._cue_layer: pygame.Surface | None = None
        self._hint_layer: pygame.Surface | None = None

    def prepare(self, state: HudState | HoldHudState) -> None:
        """(Re)build the static layers if what they show changed (once per level)."""
        hold = isinstance(state, HoldHudState)
        key = (hold, state.level_title, state.hint_lines)
        if key == self._static_key:
            return
        self._static_key = key
        a = self.assets
        panel = _layer(PANEL_RECT)
        ox, oy = PANEL_RECT.topleft
        draw_panel(panel, pygame.Rect((0, 0), PANEL_RECT.size))
        cx, x0 = PANEL_RECT.width // 2, 24
        title = a.fit(state.level_title, 32, theme.ACCENT, PANEL_RECT.width - 48)
        panel.blit(title, title.get_rect(midtop=(cx, 16)))
        draw_text(panel, a, "HELD" if hold else "REPS", 26, theme.TEXT_DIM, (cx, 66 - oy), "midtop")
        draw_text(panel, a, "POINTS", 26, theme.TEXT_DIM, (x0, 190 - oy))
        draw_text(panel, a, "TIME", 26, theme.TEXT_DIM, (_COL2 - ox, 190 - oy))
        draw_text(panel, a, "POSTURE" if hold else "DEPTH", 26, theme.TEXT_DIM, (x0, 286 - oy))
        bottom_label = "IN ONE GO" if hold else "SET"
        draw_text(panel, a, bottom_label, 22, theme.TEXT_DIM, (x0, _TIMELINE_TOP - 22 - oy))
        gauge = _GAUGE.move(-ox, -oy)
        pygame.draw.rect(panel, theme.BG_DEEP, gauge, border_radius=8)
        if not hold:
            draw_text(
                panel,
                a,
                "knee bend",
                22,
                theme.MUTED,
                (gauge.right + 14, gauge.bottom - 4),
                "bottomleft",
            )
        self._panel_layer = panel

        cue = _layer(CUE_RECT)
        draw_panel(cue, pygame.Rect((0, 0), CUE_RECT.size), color=theme.BG_DEEP, edge=theme.PANEL)
        hint = cue.copy()
        line_h = a.font(HINT_SIZE).get_linesize()
        top = CUE_RECT.height / 2 - line_h * len(state.hint_lines) / 2
        for i, line in enumerate(state.hint_lines):
            draw_text(
                hint,
                a,
                line,
                HINT_SIZE,
                theme.TEXT_DIM,
                (CUE_RECT.width / 2, top + i * line_h),
                "midtop",
            )
        self._cue_layer, self._hint_layer = cue, hint

    def draw(self, surface: pygame.Surface, state: HudState | HoldHudState) -> None:
        """Draw ``state``; :meth:`prepare` must have seen a state of this level."""
        if isinstance(state, HoldHudState):
            self._draw_hold_panel(surface, state)
        else:
            self._draw_panel(surface, state)
        self._draw_cue(surface, state)

    def _draw_panel(self, surface: pygame.Surface, s: HudState) -> None:
        a = self.assets
        if self._panel_layer is not None:
            surface.blit(self._panel_layer, PANEL_RECT)
        reps = f"{min(s.reps_done, s.reps_goal)} / {s.reps_goal}"
        draw_text(surface, a, reps, 124, theme.TEXT, (PANEL_RECT.centerx, 88), "midtop")
        draw_text(surface, a, str(s.points), 60, theme.SELECT, (PANEL_RECT.x + 24, 214))
        clock_color = theme.BAD if s.time_left_s <= HURRY_S else theme.TEXT
        draw_text(surface, a, format_time(s.time_left_s), 60, clock_color, (_COL2, 214))
        self._draw_gauge(surface, s)
        self._draw_extras(surface, s)
        self._draw_timeline(surface, s)

    def _draw_extras(self, surface: pygame.Surface, s: HudState) -> None:
        """The level's extra goals, beside the gauge under the depth value."""
        a = self.assets
        line_h = a.font(EXTRAS_SIZE).get_linesize()
        x, top = _GAUGE.right + 14, _EXTRAS_TOP
        width = PANEL_RECT.right - 16 - x
        for i, (text, color) in enumerate(s.extras[:_EXTRAS_LINES]):
            surf = a.fit(text, EXTRAS_SIZE, color, width)
            surface.blit(surf, (x, top + i * line_h))

    def _draw_hold_panel(self, surface: pygame.Surface, s: HoldHudState) -> None:
        a = self.assets
        if self._panel_layer is not None:
            surface.blit(self._panel_layer, PANEL_RECT)
        cx = PANEL_RECT.centerx
        held = max(0, math.floor(s.good_s + 1e-9))
        share = max(0.0, min(1.0, s.good_s / s.hold_goal_s)) if s.hold_goal_s > 0 else 0.0
        done = share >= 1.0
        color = theme.GOOD if s.state == "good" or done else theme.TEXT
        number = draw_text(surface, a, str(held), 124, color, (cx + 10, 88), "topright")
        goal = f"/ {s.hold_goal_s:g} s"
        draw_text(
            surface,
            a,
            goal,
            40,
            theme.TEXT_DIM,
            (number.right + 10, number.bottom - 16),
            "bottomleft",
        )
        draw_text(surface, a, str(s.points), 60, theme.SELECT, (PANEL_RECT.x + 24, 214))
        clock_color = theme.BAD if s.time_left_s <= HURRY_S else theme.TEXT
        draw_text(surface, a, format_time(s.time_left_s), 60, clock_color, (_COL2, 214))

        # The bar fills toward the goal: all the seconds held, wobbles only pause it.
        fill_h = round(_GAUGE.height * share)
        if fill_h > 0:
            fill = pygame.Rect(_GAUGE.x, _GAUGE.bottom - fill_h, _GAUGE.width, fill_h)
            if s.state == "good" or done:
                bar = theme.GOOD
            else:  # paused: amber while the posture is off, muted while nobody is judged
                bar = theme.WARN if s.state in ("fault", "out") else theme.MUTED
            pygame.draw.rect(surface, bar, fill, border_radius=8)
        pygame.draw.rect(surface, theme.PANEL_EDGE, _GAUGE, width=2, border_radius=8)
        state_color = hold_state_color(s.state)
        x = _GAUGE.right + 14
        width = PANEL_RECT.right - 16 - x
        lines = a.wrap(s.state_text, 34, width)[:3]
        line_h = a.font(34).get_linesize()
        for i, line in enumerate(lines):
            surf = a.fit(line, 34, state_color, width)
            surface.blit(surf, (x, _GAUGE.y + 40 + i * line_h))

        # In one go: the unbroken stretch now, and the longest (the points), toward the goal.
        left, right = PANEL_RECT.x + 24, PANEL_RECT.right - 24
        track = pygame.Rect(left, _TIMELINE_TOP, right - left, 40)
        pygame.draw.rect(surface, theme.BG_DEEP, track, border_radius=8)
        for seconds, col in ((s.longest_s, theme.MUTED), (s.streak_s, state_color)):
            frac = max(0.0, min(1.0, seconds / s.hold_goal_s)) if s.hold_goal_s > 0 else 0.0
            if frac > 0:
                bar = pygame.Rect(
                    track.x, track.y, max(12, round(track.width * frac)), track.height
                )
                pygame.draw.rect(surface, col, bar, border_radius=8)
        pygame.draw.rect(surface, theme.PANEL_EDGE, track, width=2, border_radius=8)
        best = f"best {s.longest_s:.1f} s"
        draw_text(surface, a, best, 24, theme.TEXT, (right, _TIMELINE_TOP - 22), "midright")

    def _draw_gauge(self, surface: pygame.Surface, s: HudState) -> None:
        a = self.assets
        if math.isfinite(s.depth_deg):
            fill = pygame.Rect(_GAUGE.x, _GAUGE.y, _GAUGE.width, _gauge_y(s.depth_deg) - _GAUGE.y)
            if fill.height > 0:
                pygame.draw.rect(surface, LEG_COLORS[s.legs], fill, border_radius=8)
        pygame.draw.rect(surface, theme.PANEL_EDGE, _GAUGE, width=2, border_radius=8)

        label_x = _GAUGE.right + 14
        y_count = _gauge_y(s.count_deg)
        y_target = _gauge_y(s.target_deg)
        pygame.draw.line(
            surface, theme.MUTED, (_GAUGE.x - 6, y_count), (_GAUGE.right + 6, y_count), 2
        )
        if abs(y_count - y_target) >= LABEL_GAP_PX:  # the target's label matters more
            draw_text(
                surface,
                a,
                f"counts {s.count_deg:.0f}°",
                24,
                theme.MUTED,
                (label_x, y_count),
                "midleft",
            )
        if s.ceiling_deg is not None:
            y_max = _gauge_y(s.ceiling_deg)
            pygame.draw.line(
                surface, theme.BAD, (_GAUGE.x - 8, y_max), (_GAUGE.right + 8, y_max), 4
            )
            # Below its line when the target's label sits just above it.
            anchor = "topleft" if y_max - y_target < LABEL_GAP_PX else "midleft"
            pos = (label_x, y_max + 2) if anchor == "topleft" else (label_x, y_max)
            draw_text(surface, a, f"max {s.ceiling_deg:.0f}°", 28, theme.BAD, pos, anchor)
        pygame.draw.line(
            surface, theme.GOOD, (_GAUGE.x - 8, y_target), (_GAUGE.right + 8, y_target), 4
        )
        draw_text(
            surface,
            a,
            f"target {s.target_deg:.0f}°",
            28,
            theme.GOOD,
            (label_x, y_target),
            "midleft",
        )
        value = f"{s.depth_deg:.0f}°" if math.isfinite(s.depth_deg) else "--"
        value_color = LEG_COLORS[s.legs] if math.isfinite(s.depth_deg) else theme.MUTED
        draw_text(surface, a, value, 64, value_color, (PANEL_RECT.right - 24, 286), "topright")

    def _draw_timeline(self, surface: pygame.Surface, s: HudState) -> None:
        a = self.assets
        left, right = PANEL_RECT.x + 24, PANEL_RECT.right - 24
        n = max(1, s.reps_goal)
        gap = 6 if n <= 20 else 2
        box_w = min(48.0, max(3.0, (right - left - gap * (n - 1)) / n))
        for i in range(n):
            rect = pygame.Rect(round(left + i * (box_w + gap)), _TIMELINE_TOP, round(box_w), 40)
            if rect.right > right:
                break
            if i < len(s.rep_scores):
                color = theme.score_color(s.rep_scores[i], s.clean_min)
                pygame.draw.rect(surface, color, rect, border_radius=6)
                if box_w >= 34:
                    draw_text(
                        surface, a, str(s.rep_scores[i]), 24, theme.BG_DEEP, rect.center, "center"
                    )
            else:
                edge = theme.TEXT_DIM if i == len(s.rep_scores) else theme.PANEL_EDGE
                pygame.draw.rect(surface, edge, rect, width=2, border_radius=6)

    def _draw_cue(self, surface: pygame.Surface, s: HudState | HoldHudState) -> None:
        a = self.assets
        showing_cue = bool(s.cue_lines) and s.cue_alpha > 0
        layer = self._cue_layer if showing_cue else self._hint_layer
        if layer is not None:
            surface.blit(layer, CUE_RECT)
        if showing_cue:
            size = CUE_SIZE if len(s.cue_lines) <= 2 else CUE_SIZE - 16
            line_h = a.font(size).get_linesize()
            top = CUE_RECT.centery - line_h * len(s.cue_lines) / 2
            color = s.cue_color or theme.TEXT
            for i, line in enumerate(s.cue_lines):
                surf = a.faded(line, size, color, s.cue_alpha)
                pos = (CUE_RECT.centerx, round(top + i * line_h))
                surface.blit(surf, surf.get_rect(midtop=pos))
