"""Typing a line of text with the keyboard: a player's name, a model file's path.

Letters arrive as ``TEXTINPUT`` events (SDL's text input: layouts, accents and input
methods all work, which reading ``KEYDOWN`` keys would not), started on ``enter`` and
stopped on ``exit``. Backspace deletes, Enter submits, Esc goes back. ``check`` turns
the text into the value to keep or raises ``ValueError`` with a message for the player,
shown under the box; the scene stays until the text is good.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from game.ui import theme
from game.ui.context import GameContext
from game.ui.scene import Scene
from game.ui.sound import Cue
from game.ui.widgets import SELECT_KEYS, draw_panel, draw_text

__all__ = ["TextEntryScene"]

BOX = pygame.Rect(240, 300, 800, 96)
TEXT_SIZE = 56
#: Caret blink: on for half of each period.
BLINK_S = 1.0


class TextEntryScene(Scene):
    """Edit one line; ``on_done(value)`` gets the checked value (the scene does not pop)."""

    #: Tells the app that letter keys are typing here (M must not mute the sound).
    wants_text = True

    def __init__(
        self,
        ctx: GameContext,
        title: str,
        prompt: str,
        check: Callable[[str], str],
        on_done: Callable[[str], None],
        initial: str = "",
        max_chars: int = 200,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = title
        self.prompt = prompt
        self.check = check
        self.on_done = on_done
        self.text = initial
        self.max_chars = max_chars
        self.error: str | None = None
        self.age_s = 0.0

    def enter(self) -> None:
        pygame.key.start_text_input()

    def exit(self) -> None:
        pygame.key.stop_text_input()

    def pause(self) -> None:
        pygame.key.stop_text_input()

    def resume(self) -> None:
        pygame.key.start_text_input()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.TEXTINPUT:
            room = self.max_chars - len(self.text)
            if room > 0:
                self.text += event.text[:room]
                self.error = None
            return True
        if event.type != pygame.KEYDOWN:
            return False
        if event.key == pygame.K_ESCAPE:
            if self.stack is not None:
                self.stack.pop()
            return True
        if event.key == pygame.K_BACKSPACE:
            self.text = self.text[:-1]
            self.error = None
            return True
        if event.key in SELECT_KEYS - {pygame.K_SPACE}:  # Space is a letter here
            self.submit()
            return True
        return True  # every other key is typing, never a shortcut

    def submit(self) -> None:
        try:
            value = self.check(self.text)
        except ValueError as exc:
            self.error = str(exc)
            self.ctx.sound.play(Cue.FAULT)
            return
        self.ctx.sound.play(Cue.CLICK)
        self.on_done(value)

    def update(self, dt: float) -> None:
        self.age_s += dt

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.blit(a.backdrop(surface.get_size()), (0, 0))
        draw_text(surface, a, self.title, 80, theme.TEXT, (640, 110), "center")
        draw_text(surface, a, self.prompt, 34, theme.TEXT_DIM, (640, 220), "center")
        draw_panel(surface, BOX, color=theme.BG_DEEP, edge=theme.SELECT)
        shown = a.fit(self.text, TEXT_SIZE, theme.TEXT, BOX.width - 60) if self.text else None
        x = BOX.x + 28
        if shown is not None:
            surface.blit(shown, shown.get_rect(midleft=(x, BOX.centery)))
            x += shown.get_width() + 4
        if (self.age_s % BLINK_S) < BLINK_S / 2:
            pygame.draw.line(surface, theme.SELECT, (x, BOX.y + 20), (x, BOX.bottom - 20), 4)
        if self.error:
            surf = a.fit(self.error, 34, theme.WARN, 1000)
            surface.blit(surf, surf.get_rect(center=(640, BOX.bottom + 50)))
        draw_text(
            surface, a, "Enter: OK   Esc: back", 28, theme.TEXT_DIM, (1256, 704), "bottomright"
        )
