"""The world map: every world and level, what is open, stars, and what to play next.

Three worlds side by side, each a column of its levels in play order. A level shows its
stars, or a lock when it is closed (greyed, with what opens it in the panel below); the
world's boss level wears a crown; the level to play next (:meth:`Progress.next_level`)
is marked; levels opened since the map last looked are tagged NEW. The header has the
player's total stars and their days-in-a-row streak.

Progress is never cached: it is computed from the level files and the player's best
stars each time the map is shown (:func:`~game.play.progress.load_progress`), in a
:class:`Job`. A locked level cannot be started: Enter on it says what it needs.

Broken level files are not hidden: each gets a visible warning line naming the file and
the field, so a player editing their own level sees why it is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygame

from game.play.levels import Level, World
from game.play.progress import (
    PlayStreak,
    Progress,
    compute_progress,
    load_play_streak,
    load_progress,
)
from game.play.scores import ScoreStore
from game.ui import theme
from game.ui.assets import Assets
from game.ui.context import GameContext, describe_level_error
from game.ui.jobs import Job
from game.ui.scene import Scene
from game.ui.scenes.countdown import start_level
from game.ui.sound import Cue
from game.ui.widgets import BACK_KEYS, SELECT_KEYS, draw_panel, draw_star, draw_stars, draw_text

__all__ = ["LevelSelectScene", "MapData", "load_best_stars", "load_map_data"]

HEADER_H = 84
COL_TOP = 90
COL_W = 404
COL_GAP = 12
COL_X0 = (1280 - 3 * COL_W - 2 * COL_GAP) // 2
WORLD_HEAD_H = 66
ROW_TOP = COL_TOP + WORLD_HEAD_H + 4
#: Level rows share the room down to ROWS_BOTTOM; a row is at most ROW_H_MAX tall.
ROWS_BOTTOM = 560
ROW_H_MAX = 56
ROW_GAP = 6
DETAIL = pygame.Rect(COL_X0, 574, 3 * COL_W + 2 * COL_GAP, 106)
MAX_WARNINGS = 3
#: How long "Locked" stays on the panel after trying to start a closed level.
LOCKED_SHOW_S = 2.0


@dataclass(frozen=True, slots=True)
class MapData:
    """What the map shows for one player, read together."""

    progress: Progress
    streak: PlayStreak


def load_map_data(
    store_path: Path, player: str, levels: list[Level], worlds: dict[int, World]
) -> MapData:
    """``player``'s progress and streak (runs in a :class:`Job` thread)."""
    with ScoreStore(store_path) as store:
        return MapData(
            load_progress(store, player, levels, worlds), load_play_streak(store, player)
        )


def load_best_stars(store_path: Path, player: str) -> dict[str, int]:
    """Best stars per level for ``player``."""
    with ScoreStore(store_path) as store:
        return store.best_stars(player)


class LevelSelectScene(Scene):
    """Arrows move (up/down through the levels, left/right between worlds), Enter plays
    an open level, Esc goes back to the title."""

    def __init__(self, ctx: GameContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.selected = ctx.level_index(ctx.selected_level_id)
        #: The player moved the selection: the map stops jumping to the next level.
        self._moved = ctx.selected_level_id is not None
        self.data: MapData | None = None
        self.store_problem: str | None = None
        self.fresh: frozenset[str] = frozenset()
        self.locked_s = 0.0
        self._job: Job[MapData] | None = None
        errors = [describe_level_error(e) for e in ctx.level_errors]
        self.warnings = errors[:MAX_WARNINGS]
        if len(errors) > MAX_WARNINGS:
            self.warnings.append(f"...and {len(errors) - MAX_WARNINGS} more broken level files")
        worlds = sorted({lv.world for lv in self.levels})
        self.world_numbers = worlds
        self.rows_fit = max(1, max((self._count(w) for w in worlds), default=1))
        pitch = min(ROW_H_MAX + ROW_GAP, (ROWS_BOTTOM - ROW_TOP) // self.rows_fit)
        self.row_h = pitch - ROW_GAP

    @property
    def levels(self) -> list[Level]:
        return self.ctx.levels

    @property
    def progress(self) -> Progress | None:
        return self.data.progress if self.data is not None else None

    @property
    def best_stars(self) -> dict[str, int]:
        return dict(self.progress.stars) if self.progress is not None else {}

    def _count(self, world: int) -> int:
        return sum(1 for lv in self.levels if lv.world == world)

    # -- lifecycle -------------------------------------------------------------------

    def enter(self) -> None:
        self._load()

    def resume(self) -> None:
        self._load()  # a level was just played: stars and unlocks may have changed

    def _load(self) -> None:
        ctx = self.ctx
        levels, worlds = list(ctx.levels), dict(ctx.worlds)
        self._job = ctx.start_job(
            lambda: load_map_data(ctx.store_path, ctx.player, levels, worlds), "map"
        )

    # -- layout ----------------------------------------------------------------------

    def column_rect(self, world: int) -> pygame.Rect:
        i = self.world_numbers.index(world)
        bottom = ROW_TOP + self.rows_fit * (self.row_h + ROW_GAP) + 4
        return pygame.Rect(COL_X0 + i * (COL_W + COL_GAP), COL_TOP, COL_W, bottom - COL_TOP)

    def card_rect(self, index: int) -> pygame.Rect:
        level = self.levels[index]
        col = self.column_rect(level.world)
        row = sum(1 for lv in self.levels[:index] if lv.world == level.world)
        top = ROW_TOP + row * (self.row_h + ROW_GAP)
        return pygame.Rect(col.x + 8, top, COL_W - 16, self.row_h)

    def detail_rect(self) -> pygame.Rect:
        return DETAIL.copy()

    # -- input -----------------------------------------------------------------------

    def _select(self, index: int, sound: bool = True) -> None:
        if not self.levels:
            return
        if sound:
            self.ctx.sound.play(Cue.CLICK)
        self.selected = index % len(self.levels)
        self.ctx.selected_level_id = self.levels[self.selected].id
        self._moved = True
        self.locked_s = 0.0

    def _move_world(self, step: int) -> None:
        """Same row in the next world left or right (its last row if it is shorter)."""
        if not self.levels:
            return
        level = self.levels[self.selected]
        wi = self.world_numbers.index(level.world)
        row = sum(1 for lv in self.levels[: self.selected] if lv.world == level.world)
        target = self.world_numbers[(wi + step) % len(self.world_numbers)]
        in_target = [i for i, lv in enumerate(self.levels) if lv.world == target]
        self._select(in_target[min(row, len(in_target) - 1)])

    def _start(self) -> None:
        if not self.levels or self.stack is None:
            return
        level = self.levels[self.selected]
        self.ctx.selected_level_id = level.id
        progress = self.progress
        if progress is None or not progress.is_unlocked(level.id):
            self.ctx.sound.play(Cue.FAULT)
            self.locked_s = LOCKED_SHOW_S  # the panel says what opens it
            return
        self.ctx.sound.play(Cue.CLICK)
        start_level(self.ctx, self.stack, level)

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in BACK_KEYS:
                if self.stack is not None:
                    self.stack.pop()
                return True
            if event.key in (pygame.K_UP, pygame.K_w):
                self._select(self.selected - 1)
                return True
            if event.key in (pygame.K_DOWN, pygame.K_s):
                self._select(self.selected + 1)
                return True
            if event.key in (pygame.K_LEFT, pygame.K_a):
                self._move_world(-1)
                return True
            if event.key in (pygame.K_RIGHT, pygame.K_d):
                self._move_world(1)
                return True
            if event.key in SELECT_KEYS:
                self._start()
                return True
        elif event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN):
            for i in range(len(self.levels)):
                if self.card_rect(i).collidepoint(event.pos):
                    if i != self.selected:
                        self._select(i, sound=False)
                    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                        self._start()
                    return True
        elif event.type == pygame.MOUSEWHEEL:
            self._select(self.selected - event.y)
            return True
        return False

    def update(self, dt: float) -> None:
        self.locked_s = max(0.0, self.locked_s - dt)
        job = self._job
        if job is not None and job.done:
            self._job = None
            before = self.progress
            if job.error is not None:
                # The game plays on without the store (as it saves without it): the
                # levels open from the start stay playable, and the map says why.
                self.store_problem = f"Progress unavailable: {job.error}"
                fresh = compute_progress(self.levels, {}, self.ctx.worlds)
                self.data = MapData(fresh, PlayStreak(0, 0, False, None))
            else:
                self.data = job.result
                self.store_problem = None
            if self.data is None:
                return
            if before is not None:
                self.fresh = self.fresh | (self.data.progress.unlocked - before.unlocked)
            nxt = self.data.progress.next_level()
            if not self._moved and nxt is not None:
                self.selected = self.ctx.level_index(nxt.id)

    # -- draw ------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.blit(a.backdrop(surface.get_size()), (0, 0))
        self._draw_header(surface)
        if not self.levels:
            draw_text(surface, a, "No levels to play", 48, theme.WARN, (640, 300), "center")
        progress = self.progress
        nxt = progress.next_level() if progress is not None else None
        for world in self.world_numbers:
            self._draw_world(surface, world)
        for i in range(len(self.levels)):
            self._draw_card(surface, i, nxt)
        if self.levels:
            self._draw_detail(surface)
        self._draw_footer(surface)

    def _draw_header(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        draw_text(surface, a, "World map", 64, theme.TEXT, (COL_X0, HEADER_H // 2 + 4), "midleft")
        right = 1280 - COL_X0
        progress = self.progress
        parts: list[tuple[str, theme.Color]] = []
        if self.data is not None and progress is not None:
            streak = self.data.streak
            days = streak.current
            if days > 0:
                word = "day" if days == 1 else "days"
                parts.append((f"{days} {word} in a row", theme.GLUTES))
            parts.append((f"{progress.total_stars} / {progress.max_stars}", theme.STAR))
        x = right
        y = HEADER_H // 2 + 4
        for i, (text, color) in enumerate(reversed(parts)):
            rect = draw_text(surface, a, text, 36, color, (x, y), "midright")
            if i == 0:  # the star total gets a star
                draw_star(surface, (rect.x - 22, y), 16, filled=True)
                rect.x -= 44
            x = rect.x - 30
        name = a.fit(self.ctx.player, 36, theme.TEXT_DIM, max(60, x - COL_X0 - 420))
        surface.blit(name, name.get_rect(midright=(x, y)))

    def _draw_world(self, surface: pygame.Surface, world: int) -> None:
        a = self.ctx.assets
        col = self.column_rect(world)
        info = self.ctx.worlds.get(world)
        wp = None
        if self.progress is not None:
            wp = next((w for w in self.progress.world_progress() if w.number == world), None)
        open_ = wp is None or wp.unlocked
        draw_panel(surface, col, color=theme.PANEL if open_ else theme.BG_DEEP)
        head_color = theme.TEXT if open_ else theme.MUTED
        label = draw_text(
            surface, a, f"WORLD {world}", 22, theme.TEXT_DIM, (col.x + 16, col.y + 10)
        )
        if not open_:
            _draw_lock(surface, (label.right + 16, label.centery - 2), 7, theme.MUTED)
        size = _capped(a, 34, WORLD_HEAD_H + 4 - 32 - 1)
        title = a.fit(info.title if info else f"World {world}", size, head_color, COL_W - 130)
        surface.blit(title, (col.x + 16, col.y + 32))
        if wp is not None:
            draw_star(surface, (col.right - 96, col.y + 24), 12, filled=wp.stars > 0)
            draw_text(
                surface,
                a,
                f"{wp.stars}/{wp.max_stars}",
                28,
                theme.STAR if open_ else theme.MUTED,
                (col.right - 14, col.y + 24),
                "midright",
            )
            if wp.complete:
                draw_text(
                    surface, a, "complete", 22, theme.GOOD, (col.right - 14, col.y + 52), "midright"
                )

    def _draw_card(self, surface: pygame.Surface, index: int, nxt: Level | None) -> None:
        a = self.ctx.assets
        level = self.levels[index]
        rect = self.card_rect(index)
        chosen = index == self.selected
        progress = self.progress
        open_ = progress is not None and progress.is_unlocked(level.id)
        stars = progress.stars_in(level.id) if progress is not None else 0
        is_next = nxt is not None and nxt.id == level.id
        fill = theme.BG if open_ else theme.BG_DEEP
        edge = theme.SELECT if chosen else (theme.ACCENT if is_next else None)
        draw_panel(surface, rect, color=fill, edge=edge, radius=10)
        if chosen:
            pygame.draw.rect(surface, theme.SELECT, rect.inflate(4, 4), width=2, border_radius=12)
        # Left: the boss crown, or the level's number in its world.
        row = sum(1 for lv in self.levels[:index] if lv.world == level.world) + 1
        badge_c = (rect.x + 28, rect.centery)
        if level.boss:
            _draw_crown(surface, badge_c, 15, theme.STAR if open_ else theme.MUTED)
        else:
            color = theme.SELECT if chosen else (theme.TEXT_DIM if open_ else theme.MUTED)
            draw_text(surface, a, str(row), 34, color, badge_c, "center")
        # Right: stars, or a lock.
        right_w = 104
        if open_:
            draw_stars(surface, rect.right - right_w + 4, rect.centery, 13, stars, level.max_stars)
        else:
            _draw_lock(surface, (rect.right - 30, rect.centery), 11, theme.MUTED)
        # Middle: the title and a tag.
        tag, tag_color = "", theme.ACCENT
        if level.id in self.fresh and open_:
            tag, tag_color = "NEW", theme.GLUTES
        elif is_next:
            tag = "NEXT"
        tag_w = a.font(20).size(tag)[0] + 12 if tag else 0
        text_x = rect.x + 56
        width = rect.right - right_w - text_x - tag_w - 6
        color = theme.TEXT if open_ else theme.MUTED
        if chosen and open_:
            color = theme.SELECT
        title = a.fit(level.title, 30, color, width)
        surface.blit(title, title.get_rect(midleft=(text_x, rect.centery)))
        if tag:
            draw_text(
                surface,
                a,
                tag,
                20,
                tag_color,
                (text_x + title.get_width() + 10, rect.centery),
                "midleft",
            )

    def _draw_detail(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        rect = self.detail_rect()
        level = self.levels[self.selected]
        progress = self.progress
        status = progress.status(level) if progress is not None else None
        locked = status is not None and not status.unlocked
        edge = theme.BAD if self.locked_s > 0 else theme.PANEL_EDGE
        draw_panel(surface, rect, edge=edge)
        x = rect.x + 20
        info_w = rect.width - 40 - 330
        # The crown marks a boss on the map; here it is said, unless the title says it.
        boss = level.boss and "boss" not in level.title.casefold()
        head = f"{level.title}  -  boss level" if boss else level.title
        title = a.fit(head, _capped(a, 40, 52 - 10), theme.TEXT, info_w)
        surface.blit(title, (x, rect.y + 10))
        goal = a.fit(level.goal_text, _capped(a, 28, 82 - 52), theme.ACCENT, info_w)
        surface.blit(goal, (x, rect.y + 52))
        size = _capped(a, 24, rect.height - 82, bold=False)
        teaching = a.fit(level.teaching, size, theme.TEXT_DIM, info_w, bold=False)
        surface.blit(teaching, (x, rect.y + 82))
        right = pygame.Rect(rect.right - 340, rect.y + 8, 320, rect.height - 16)
        if status is None:
            draw_text(surface, a, "Loading...", 30, theme.TEXT_DIM, right.center, "center")
        elif locked:
            color = theme.BAD if self.locked_s > 0 else theme.WARN
            _draw_lock(surface, (right.x + 14, right.y + 22), 11, color)
            draw_text(
                surface, a, "Locked - needs", 28, color, (right.x + 34, right.y + 22), "midleft"
            )
            lines = a.wrap(status.needs, 24, right.width)[:2]
            for i, line in enumerate(lines):
                surf = a.fit(line, 24, theme.TEXT, right.width, bold=False)
                surface.blit(surf, (right.x, right.y + 44 + i * 24))
        else:
            draw_stars(surface, right.x, right.y + 30, 20, status.stars, level.max_stars)
            best = "best" if status.stars else "no stars yet"
            draw_text(
                surface, a, best, 24, theme.TEXT_DIM, (right.x + 160, right.y + 30), "midleft"
            )
            draw_text(
                surface, a, "Enter: play", 34, theme.SELECT, (right.x, right.bottom - 18), "midleft"
            )

    def _draw_footer(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        hint = "Arrows move   Enter play   Esc back"
        hint_rect = draw_text(surface, a, hint, 26, theme.TEXT_DIM, (1256, 712), "bottomright")
        room = hint_rect.x - 24 - COL_X0 - 30
        if self.store_problem:
            surf = a.fit(self.store_problem, 26, theme.WARN, room)
            surface.blit(surf, surf.get_rect(bottomleft=(COL_X0, 712)))
        elif self.warnings:
            more = f" (+{len(self.warnings) - 1})" if len(self.warnings) > 1 else ""
            _draw_warning_sign(surface, (COL_X0, 689), 20)
            surf = a.fit(self.warnings[0] + more, 24, theme.WARN, room)
            surface.blit(surf, surf.get_rect(bottomleft=(COL_X0 + 28, 712)))


def _capped(a: Assets, size: int, height: int, bold: bool = True) -> int:
    """``size``, made smaller when the player's text scale would make its line taller
    than ``height`` px: the map's header and detail panel are fixed slots, and larger
    text there would run into the next line (at normal size every line fits)."""
    line = a.font(size, bold).get_height()
    return size if line <= height else max(8, size * height // line)


def _draw_lock(
    surface: pygame.Surface, center: tuple[float, float], size: int, color: theme.Color
) -> None:
    """A padlock: body and shackle, drawn (no font glyph needed)."""
    cx, cy = round(center[0]), round(center[1])
    body = pygame.Rect(0, 0, 2 * size, round(1.5 * size))
    body.midtop = (cx, cy - size // 4)
    shackle = pygame.Rect(0, 0, round(1.3 * size), round(1.6 * size))
    shackle.midbottom = (cx, body.y + size // 2)
    pygame.draw.rect(surface, color, shackle, width=max(2, size // 4), border_radius=size)
    pygame.draw.rect(surface, color, body, border_radius=max(2, size // 4))


def _draw_crown(
    surface: pygame.Surface, center: tuple[float, float], size: int, color: theme.Color
) -> None:
    """The boss level's crown: three points on a band."""
    cx, cy = center
    s = size
    points = [
        (cx - s, cy + 0.6 * s),
        (cx - s, cy - 0.5 * s),
        (cx - 0.5 * s, cy),
        (cx, cy - 0.8 * s),
        (cx + 0.5 * s, cy),
        (cx + s, cy - 0.5 * s),
        (cx + s, cy + 0.6 * s),
    ]
    pygame.draw.polygon(surface, color, points)


def _draw_warning_sign(surface: pygame.Surface, topleft: tuple[int, int], size: int) -> None:
    """A small amber warning triangle with a mark, drawn (no font glyph needed)."""
    x, y = topleft
    pygame.draw.polygon(
        surface, theme.WARN, [(x + size / 2, y), (x + size, y + size), (x, y + size)]
    )
    cx = x + size // 2
    pygame.draw.line(surface, theme.BG_DEEP, (cx, y + 6), (cx, y + size - 7), 3)
    pygame.draw.circle(surface, theme.BG_DEEP, (cx, y + size - 3), 2)
