"""Get in frame: before a live level, the player stands where the coach can see them.

The play scene pushes this for live sources only (a camera); the demo athlete, videos and
recordings are framed already. It shows the camera picture with the skeleton, the one
thing to fix in letters big enough to read from the far side of a room, and a bar that
fills while the player holds a good position (:class:`~game.coach.framing.FramingGate`).
When the bar is full it says so, pops itself, and the play scene's countdown begins.
Hands-free: once the player is placed right, both hands up for a second starts at once
(:mod:`game.play.gestures`). Esc goes back to the levels.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from game.coach.framing import FRAMING_HOLD_S, FramingGate, FramingReport, check_framing
from game.ui import theme
from game.ui.assets import Assets
from game.ui.context import GameContext
from game.ui.feed import PoseFeed
from game.ui.gesture_hint import HandsFree
from game.ui.live_watch import CAMERA_LOST, LiveWatch
from game.ui.scene import Scene
from game.ui.skeleton import LegState, Stage
from game.ui.widgets import BACK_KEYS, draw_panel, draw_text

__all__ = ["HOLD_STILL", "READY", "READY_SHOW_S", "WAITING", "FramingScene", "fitting_size"]

STAGE_RECT = pygame.Rect(16, 16, 1248, 498)
_BAND = pygame.Rect(16, 526, 1248, 178)
_BAR = pygame.Rect(0, 0, 900, 30)
_BAR.midbottom = (_BAND.centerx, _BAND.bottom - 22)
#: The instruction's largest font size (capitals 48 px on the 1280x720 screen), a third
#: bigger than the play HUD's cue (72, the size we read from ~3 m).
PROBLEM_SIZE = 96
#: Smallest size a long instruction may shrink to, to fit the band.
PROBLEM_MIN_SIZE = 64
_PROBLEM_WIDTH = _BAND.width - 60
WAITING = "Starting the camera..."
HOLD_STILL = "Hold it there..."
READY = "Great - get ready!"
#: How long "Great - get ready!" stays up with a full bar before play begins.
READY_SHOW_S = 0.6


def fitting_size(assets: Assets, text: str, size: int, max_width: int, min_size: int = 40) -> int:
    """The largest font size up to ``size`` (in steps of 4) at which ``text`` fits
    ``max_width``: a long instruction shrinks a little rather than lose its end."""
    while size > min_size and assets.font(size).size(text)[0] > max_width:
        size -= 4
    return size


class FramingScene(Scene):
    """Reads the live ``feed`` until the player has held a good position; see module."""

    def __init__(
        self,
        ctx: GameContext,
        feed: PoseFeed,
        title: str,
        on_quit: Callable[[], None],
        hold_s: float = FRAMING_HOLD_S,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.feed = feed
        self.title = title
        self.on_quit = on_quit
        self.gate = FramingGate(hold_s=hold_s)
        self.watch = LiveWatch()
        self.stage = Stage(STAGE_RECT)
        self.report: FramingReport | None = None
        self.message = WAITING
        self.others: tuple[str, ...] = ()
        self.ready_s = 0.0
        self.hands = HandsFree("Hands up: start")

    @property
    def ok(self) -> bool:
        """Whether the player is placed right this moment."""
        return (
            not self.watch.camera_down
            and self.feed.latest is not None
            and self.report is not None
            and self.report.ok
        )

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in BACK_KEYS:
            self.on_quit()
            return True
        return event.type == pygame.KEYDOWN  # nothing else gets past this screen

    def update(self, dt: float) -> None:
        frames = self.feed.poll(0.0)
        if frames:
            self.report = check_framing(frames[-1])
        self.watch.update(frames, self.feed.source_status, dt)
        if self.hands.update(frames) and self.ok and self.stack is not None:
            self.stack.pop()  # placed right and asked to start: no need to wait for the bar
            return
        if self.gate.update(self.ok, dt):
            self.ready_s += dt
            if self.ready_s >= READY_SHOW_S and self.stack is not None:
                self.stack.pop()
                return
        self.message, self.others = self._words()
        self.stage.prepare(self.feed.latest, dt)
        self.feed.show_pictures_at(self.stage.fit.size)

    def _words(self) -> tuple[str, tuple[str, ...]]:
        """The big line and the smaller ones under it."""
        if self.gate.is_open:
            return READY, ()
        if self.watch.camera_down:
            error = self.feed.error
            return CAMERA_LOST, (f"The camera stopped: {error}",) if error is not None else ()
        if self.feed.latest is None or self.report is None:
            return WAITING, ()
        problems = self.report.problems
        if not problems:
            return HOLD_STILL, ()
        return problems[0], tuple(problems[1:])

    # -- draw ------------------------------------------------------------------------

    def _color(self) -> theme.Color:
        if self.message in (READY, HOLD_STILL):
            return theme.GOOD
        if self.message == CAMERA_LOST:
            return theme.BAD
        return theme.WARN if self.message != WAITING else theme.TEXT

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.fill(theme.BG)
        self.stage.draw(surface, LegState.NEUTRAL)
        pygame.draw.rect(surface, theme.PANEL_EDGE, STAGE_RECT, width=2, border_radius=4)
        label = pygame.Rect(STAGE_RECT.x + 12, STAGE_RECT.y + 12, 0, 48)
        label.width = a.font(36).size(f"Get in frame - {self.title}")[0] + 32
        draw_panel(surface, label, color=theme.BG_DEEP, radius=10)
        draw_text(
            surface, a, f"Get in frame - {self.title}", 36, theme.TEXT, label.center, "center"
        )

        hint = pygame.Rect(0, 0, 300, 60)
        hint.topright = (STAGE_RECT.right - 12, STAGE_RECT.y + 6)
        draw_panel(surface, hint, color=theme.BG_DEEP, radius=10)
        self.hands.draw(surface, a, (hint.x + 40, hint.centery), 28)

        draw_panel(surface, _BAND, color=theme.BG_DEEP)
        color = self._color()
        size = fitting_size(a, self.message, PROBLEM_SIZE, _PROBLEM_WIDTH, PROBLEM_MIN_SIZE)
        draw_text(surface, a, self.message, size, color, (_BAND.centerx, _BAND.y + 58), "center")
        if self.others:
            also = " / ".join(self.others)
            also = also if self.watch.camera_down else f"Then: {also}"
            surf = a.fit(also, 30, theme.TEXT_DIM, _BAND.width - 60)
            surface.blit(surf, surf.get_rect(center=(_BAND.centerx, _BAND.y + 108)))
        pygame.draw.rect(surface, theme.PANEL, _BAR, border_radius=12)
        fill = _BAR.copy()
        fill.width = round(_BAR.width * self.gate.progress)
        if fill.width > 0:  # amber while a doubtful moment pauses the fill
            bar_color = theme.GOOD if self.ok or self.gate.is_open else theme.WARN
            pygame.draw.rect(surface, bar_color, fill, border_radius=12)
        pygame.draw.rect(surface, theme.PANEL_EDGE, _BAR, width=2, border_radius=12)
        draw_text(
            surface,
            a,
            "Esc: back",
            28,
            theme.TEXT_DIM,
            (_BAND.right - 20, _BAR.centery),
            "midright",
        )
