"""Who is playing: the players this computer knows, and a new player with a typed name.

Each player has their own stars, unlocks, settings, calibration and badges, all in the
score store. Choosing one loads and applies their settings (palette, text size, sound,
camera) and opens the world map; a new player is offered calibration first (skippable).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygame

from game.play.badges import BADGE_FIELD, player_badges
from game.play.scores import ScoreStore, clean_name
from game.play.settings import SETTINGS_FIELD, PlayerSettings
from game.ui import theme
from game.ui.context import GameContext
from game.ui.jobs import Job
from game.ui.prefs import apply_settings
from game.ui.scene import Scene
from game.ui.scenes.calibration import CalibrationScene
from game.ui.scenes.level_select import LevelSelectScene
from game.ui.scenes.text_entry import TextEntryScene
from game.ui.sound import Cue
from game.ui.widgets import BACK_KEYS, SELECT_KEYS, draw_panel, draw_star, draw_text

__all__ = ["NEW_PLAYER", "PlayerSelectScene", "PlayerSummary", "load_players"]

NEW_PLAYER = "+ New player"
LIST_TOP = 150
ROW_H = 70
ROW_GAP = 10
VISIBLE_ROWS = 6
ROW_X, ROW_W = 290, 700


@dataclass(frozen=True, slots=True)
class PlayerSummary:
    name: str
    stars: int
    badges: int


def load_players(store_path: Path) -> list[PlayerSummary]:
    """Every player with their total stars and badges (in a Job thread)."""
    with ScoreStore(store_path) as store:
        return [
            PlayerSummary(
                name,
                sum(store.best_stars(name).values()),
                len(player_badges(store.player_data(name, BADGE_FIELD))),
            )
            for name in store.players()
        ]


def _open_player(store_path: Path, name: str, create: bool) -> tuple[str, PlayerSettings]:
    """The player's name as stored and their settings; ``create`` registers a new one."""
    with ScoreStore(store_path) as store:
        if create:
            store.player_id(name)
        known = {n.casefold(): n for n in store.players()}
        stored_name = known.get(name.casefold(), name)
        return stored_name, PlayerSettings.from_dict(store.player_data(name, SETTINGS_FIELD))


class PlayerSelectScene(Scene):
    """Arrows move, Enter picks (or types a new name), Esc goes back."""

    def __init__(self, ctx: GameContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.players: list[PlayerSummary] = []
        self.selected = 0
        self.scroll = 0
        self.problem: str | None = None
        self.loaded = False
        self._list_job: Job[list[PlayerSummary]] | None = None
        self._pick_job: Job[tuple[str, PlayerSettings]] | None = None
        self._pick_is_new = False

    @property
    def items(self) -> list[str]:
        return [p.name for p in self.players] + [NEW_PLAYER]

    def enter(self) -> None:
        self._list_job = self.ctx.start_job(lambda: load_players(self.ctx.store_path), "players")

    # -- input -----------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        if self._pick_job is not None:
            return True  # a choice is being opened
        if event.type == pygame.KEYDOWN:
            if event.key in BACK_KEYS:
                if self.stack is not None:
                    self.stack.pop()
                return True
            if event.key in (pygame.K_UP, pygame.K_w):
                self._move(-1)
                return True
            if event.key in (pygame.K_DOWN, pygame.K_s):
                self._move(1)
                return True
            if event.key in SELECT_KEYS:
                self.choose(self.selected)
                return True
        elif event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN):
            for i in range(self.scroll, min(len(self.items), self.scroll + VISIBLE_ROWS)):
                if self.row_rect(i).collidepoint(event.pos):
                    self.selected = i
                    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                        self.choose(i)
                    return True
        elif event.type == pygame.MOUSEWHEEL:
            self._move(-event.y)
            return True
        return False

    def _move(self, step: int) -> None:
        self.ctx.sound.play(Cue.CLICK)
        self.selected = (self.selected + step) % len(self.items)
        if self.selected < self.scroll:
            self.scroll = self.selected
        elif self.selected >= self.scroll + VISIBLE_ROWS:
            self.scroll = self.selected - VISIBLE_ROWS + 1

    def choose(self, index: int) -> None:
        """Pick the player at ``index``, or ask for a new name on the last row."""
        if self.stack is None:
            return
        self.ctx.sound.play(Cue.CLICK)
        if index >= len(self.players):
            self.stack.push(
                TextEntryScene(
                    self.ctx,
                    "New player",
                    "Type your name (up to 16 characters)",
                    self._check_new_name,
                    self._new_name_done,
                    max_chars=16,
                )
            )
            return
        self._open(self.players[index].name, create=False)

    def _check_new_name(self, text: str) -> str:
        name = clean_name(text)  # InvalidName is a ValueError: shown under the box
        if any(p.name.casefold() == name.casefold() for p in self.players):
            raise ValueError(f"{name} already plays here - pick them from the list")
        return name

    def _new_name_done(self, name: str) -> None:
        if self.stack is not None:
            self.stack.pop()  # the text entry; this scene opens the new player
        self._open(name, create=True)

    def _open(self, name: str, create: bool) -> None:
        path = self.ctx.store_path
        self._pick_is_new = create
        self._pick_job = self.ctx.start_job(lambda: _open_player(path, name, create), "player")

    # -- update ----------------------------------------------------------------------

    def update(self, dt: float) -> None:
        job = self._list_job
        if job is not None and job.done:
            self._list_job = None
            self.loaded = True
            if job.error is not None:
                self.problem = f"Players unavailable: {job.error}"
            else:
                self.players = job.result or []
                names = [p.name.casefold() for p in self.players]
                current = self.ctx.player.casefold()
                self.selected = names.index(current) if current in names else len(names)
                self.scroll = max(0, self.selected - VISIBLE_ROWS + 1)
        pick = self._pick_job
        if pick is not None and pick.done:
            self._pick_job = None
            if pick.error is not None or pick.result is None:
                self.problem = f"Cannot open that player: {pick.error}"
                return
            name, settings = pick.result
            self._enter_game(name, settings)

    def _enter_game(self, name: str, settings: PlayerSettings) -> None:
        """Make ``name`` the player and open the world map (calibration first if new)."""
        ctx = self.ctx
        ctx.player = name
        ctx.selected_level_id = None
        apply_settings(ctx, settings, force_mute=ctx.force_mute)
        if self.stack is None:
            return
        stack = self.stack
        stack.replace(LevelSelectScene(ctx))
        if self._pick_is_new:
            stack.push(CalibrationScene(ctx, first_time=True))

    # -- draw ------------------------------------------------------------------------

    def row_rect(self, index: int) -> pygame.Rect:
        row = index - self.scroll
        return pygame.Rect(ROW_X, LIST_TOP + row * (ROW_H + ROW_GAP), ROW_W, ROW_H)

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.blit(a.backdrop(surface.get_size()), (0, 0))
        draw_text(surface, a, "Who's playing?", 80, theme.TEXT, (640, 70), "center")
        if not self.loaded:
            draw_text(surface, a, "Loading...", 40, theme.TEXT_DIM, (640, 300), "center")
        else:
            for i in range(self.scroll, min(len(self.items), self.scroll + VISIBLE_ROWS)):
                self._draw_row(surface, i)
            if self.scroll > 0:
                draw_text(
                    surface, a, "more above", 22, theme.TEXT_DIM, (640, LIST_TOP - 4), "midbottom"
                )
            if self.scroll + VISIBLE_ROWS < len(self.items):
                bottom = self.row_rect(self.scroll + VISIBLE_ROWS - 1).bottom
                draw_text(surface, a, "more below", 22, theme.TEXT_DIM, (640, bottom + 4), "midtop")
        if self.problem:
            surf = a.fit(self.problem, 30, theme.WARN, 1200)
            surface.blit(surf, surf.get_rect(midbottom=(640, 660)))
        draw_text(
            surface,
            a,
            "Arrows move   Enter choose   Esc back",
            28,
            theme.TEXT_DIM,
            (1256, 704),
            "bottomright",
        )

    def _draw_row(self, surface: pygame.Surface, index: int) -> None:
        a = self.ctx.assets
        rect = self.row_rect(index)
        chosen = index == self.selected
        new = index >= len(self.players)
        draw_panel(surface, rect, color=theme.PANEL, edge=theme.SELECT if chosen else None)
        if chosen:
            pygame.draw.rect(surface, theme.SELECT, rect.inflate(4, 4), width=2, border_radius=16)
        color = theme.SELECT if chosen else theme.TEXT
        if new:
            label = a.fit(NEW_PLAYER, 44, theme.ACCENT if not chosen else theme.SELECT, 600)
            surface.blit(label, label.get_rect(midleft=(rect.x + 28, rect.centery)))
            return
        player = self.players[index]
        name = a.fit(player.name, 44, color, 380)
        surface.blit(name, name.get_rect(midleft=(rect.x + 28, rect.centery)))
        if player.name.casefold() == self.ctx.player.casefold():
            draw_text(
                surface,
                a,
                "playing",
                24,
                theme.GOOD,
                (rect.x + 40 + name.get_width(), rect.centery),
                "midleft",
            )
        draw_star(surface, (rect.right - 170, rect.centery), 16, filled=player.stars > 0)
        draw_text(
            surface,
            a,
            str(player.stars),
            34,
            theme.TEXT,
            (rect.right - 146, rect.centery),
            "midleft",
        )
        badges = f"{player.badges} badge{'s' if player.badges != 1 else ''}"
        draw_text(
            surface, a, badges, 26, theme.TEXT_DIM, (rect.right - 20, rect.centery), "midright"
        )
