"""3-2-1-GO before a level, after the get-in-frame guide; and how every level is started.

:func:`start_level` is the one way the menus start a level: it pushes the
:class:`~game.ui.scenes.play.PlayScene` (which opens the pose source) with no countdown
of its own, then this scene over it. The countdown shows the player on the stage — the
same feed the level will coach — with the level's goal, counts 3, 2, 1 with a tick each,
and pops: the play scene's clock starts on its next update, with its "go" sound, and a
big GO! rises over the stage.

With a camera, the player first gets in frame (:class:`FramingScene`, pushed from here
so the order is always frame → count → play). Hands-free: raising both hands for a
second starts at once, as Enter does. Esc goes back to the map.
"""

from __future__ import annotations

import math

import pygame

from game.play.levels import Level
from game.ui import theme
from game.ui.context import GameContext
from game.ui.gesture_hint import HandsFree
from game.ui.scene import Scene, SceneStack
from game.ui.scenes.framing import STAGE_RECT, FramingScene
from game.ui.scenes.play import PlayPhase, PlayScene
from game.ui.skeleton import LegState, Stage
from game.ui.sound import Cue
from game.ui.widgets import BACK_KEYS, SELECT_KEYS, draw_panel, draw_text

__all__ = ["COUNTDOWN_S", "GO_SHOW_S", "CountdownScene", "start_level"]

#: Seconds of counting: 3, 2, 1, one second each (time to step back from the keyboard).
COUNTDOWN_S = 3.0
#: How long GO! stays over the play scene once the level runs.
GO_SHOW_S = 0.9
_BAND = pygame.Rect(16, 526, 1248, 178)


def start_level(ctx: GameContext, stack: SceneStack, level: Level) -> PlayScene:
    """Push ``level``'s play scene and its countdown (see the module); the play scene."""
    play = PlayScene(ctx, level, countdown_s=0.0)
    stack.push(play)
    if play.phase is not PlayPhase.ERROR:  # a source that failed shows its message
        stack.push(CountdownScene(ctx, play))
    return play


class CountdownScene(Scene):
    """Counts down over ``play`` (paused below it); pops itself when the count ends."""

    def __init__(self, ctx: GameContext, play: PlayScene, seconds: float = COUNTDOWN_S) -> None:
        super().__init__()
        self.ctx = ctx
        self.play = play
        self.seconds = seconds
        self.left_s = seconds
        self._ticked = 0
        self.stage = Stage(STAGE_RECT)
        self.hands = HandsFree("Hands up: start now")
        self._dim: pygame.Surface | None = None

    @property
    def number(self) -> int:
        """The number on screen: 3, 2, 1."""
        return max(1, math.ceil(self.left_s - 1e-9))

    @property
    def live(self) -> bool:
        return self.play.feed is not None and self.play.feed.live

    def enter(self) -> None:
        self._dim = pygame.Surface(STAGE_RECT.size)
        self._dim.fill(theme.BG_DEEP)
        self._dim.set_alpha(120)

    def resume(self) -> None:
        self.hands.hold.reset()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in BACK_KEYS:
                self._back()
                return True
            if event.key in SELECT_KEYS:
                self.go()
                return True
            return True  # nothing else gets past the countdown
        return False

    def _back(self) -> None:
        if self.stack is not None:
            play = self.play
            self.stack.pop_to(lambda s: s is not self and s is not play)

    def go(self) -> None:
        """End the count now: the level starts on the play scene's next update."""
        if self.stack is None:
            return
        self.stack.pop()
        self.play.effects.float_text(
            "GO!", STAGE_RECT.center, theme.GOOD, 200, life_s=GO_SHOW_S, rise=False
        )

    def update(self, dt: float) -> None:
        play, feed = self.play, self.play.feed
        if feed is None or play.phase is PlayPhase.ERROR:
            if self.stack is not None:
                self.stack.pop()  # the play scene shows what went wrong
            return
        if feed.live and not play.framed and self.stack is not None:
            play.framed = True  # the play scene must not push its own
            self.stack.push(FramingScene(self.ctx, feed, play.level.title, self._back))
            return
        frames = feed.poll(0.0)  # the athlete (or camera) standing; nothing coached yet
        self.stage.prepare(feed.latest, dt)
        if self.hands.update(frames):
            self.go()
            return
        if math.ceil(self.left_s - 1e-9) != self._ticked and self.left_s > 0:
            self._ticked = math.ceil(self.left_s - 1e-9)
            self.ctx.sound.play(Cue.TICK)  # each number sounds as it shows
        self.left_s -= dt
        if self.left_s <= 1e-9:
            self.go()

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.fill(theme.BG)
        self.stage.draw(surface, LegState.NEUTRAL)
        if self._dim is not None:
            surface.blit(self._dim, STAGE_RECT)
        pygame.draw.rect(surface, theme.PANEL_EDGE, STAGE_RECT, width=2, border_radius=4)
        # Right of centre: the player stands in the middle of the picture, the count
        # must not cover them.
        cx = STAGE_RECT.x + round(STAGE_RECT.width * 0.8)
        draw_text(surface, a, "Get ready", 64, theme.TEXT, (cx, STAGE_RECT.y + 90), "center")
        # The number shrinks a little through its second: it visibly counts.
        frac = self.left_s - math.floor(self.left_s - 1e-9) if self.left_s > 0 else 0.0
        size = round(200 + 60 * max(0.0, min(1.0, frac)))
        center = (cx, STAGE_RECT.centery + 30)
        draw_text(surface, a, str(self.number), size, theme.SELECT, center, "center")

        level = self.play.level
        draw_panel(surface, _BAND, color=theme.BG_DEEP)
        title = a.fit(level.title, 56, theme.TEXT, _BAND.width - 60)
        surface.blit(title, title.get_rect(midtop=(_BAND.centerx, _BAND.y + 16)))
        goal = a.fit(level.goal_text, 36, theme.ACCENT, _BAND.width - 60)
        surface.blit(goal, goal.get_rect(midtop=(_BAND.centerx, _BAND.y + 78)))
        if self.live:
            self.hands.draw(surface, a, (_BAND.x + 60, _BAND.bottom - 34), 28)
        draw_text(
            surface,
            a,
            "Enter: start now   Esc: back",
            28,
            theme.TEXT_DIM,
            (_BAND.right - 20, _BAND.bottom - 34),
            "midright",
        )
