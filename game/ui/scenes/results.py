"""Results: how the attempt went, rep by rep, what it unlocked and which badges it earned.

The run is saved exactly once, on ``enter``, in a background :class:`Job` (a locked
database must not freeze the screen; the job's thread is not a daemon, so a save in
progress still completes if the player leaves or quits at once). Saving goes through
:func:`~game.play.progress.record_result`, which reports the levels this run opened,
and :func:`~game.play.badges.record_badges`. If saving fails the player is told why and
the game goes on: a lost score is sad, a crash is worse.

Each rep's score is broken down into what it lost and why (``-30 tail tuck``), the
stars land one by one, and a new best, new levels and new badges are called out. With a
camera, the player can carry on hands-free: both hands up for a second starts the next
level (:mod:`game.play.gestures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygame

from game.coach.scoring import CLEAN_REP_MIN_SCORE, FAULT_PENALTY
from game.play.badges import Badge, record_badges
from game.play.levels import Level, World
from game.play.progress import record_result
from game.play.scores import ScoreStore
from game.play.session import SessionResult
from game.pose.source import PoseSource, SourceError, parse_spec
from game.ui import theme
from game.ui.context import GameContext
from game.ui.effects import Effects
from game.ui.feed import PoseFeed
from game.ui.gesture_hint import HandsFree
from game.ui.jobs import Job
from game.ui.scene import Scene
from game.ui.scenes.high_scores import TOP_N, HighScoresScene
from game.ui.sound import Cue
from game.ui.widgets import BACK_KEYS, SELECT_KEYS, draw_panel, draw_star, draw_text

__all__ = [
    "STAR_DELAY_S",
    "STAR_FIRST_S",
    "ResultsScene",
    "SaveOutcome",
    "rep_breakdown",
    "save_run",
]

#: The first star lands this long after the screen opens, the others every STAR_DELAY_S.
STAR_FIRST_S = 0.7
STAR_DELAY_S = 0.55
#: A landing star grows from nothing over this long, overshooting a little.
STAR_POP_S = 0.3

_STAR_R = 42
_STAR_Y = 356
_STAR_X0 = 124
_STAR_STEP = 110
_REPS_PANEL = pygame.Rect(664, 40, 592, 610)
#: With a camera the panel is one rep row shorter, and the hands-up hint sits under it,
#: above the key hints (beside them it ran into "Enter: high scores").
_HANDS_ROOM = 66
_HANDS_CENTER = (_REPS_PANEL.x + 40, _REPS_PANEL.bottom - _HANDS_ROOM // 2 + 4)
_ROW_H = 62
_UNLOCK = pygame.Rect(72, 470, 560, 64)
_BADGES_TOP = 548
_BADGE_W, _BADGE_H = 275, 56


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    """What saving the run told us."""

    run_id: int
    previous_best: int | None
    rank: int | None  # place in the level's top TOP_N, from 1; None when outside it
    quarantined: Path | None  # where an unreadable old score file was moved, if it was
    newly_unlocked: tuple[Level, ...] = ()
    stars_gained: int = 0
    best_stars_before: int = 0
    #: What to play next after this run (None: every open level has every star).
    next_level: Level | None = None
    badges_new: tuple[Badge, ...] = ()
    badges_earned: tuple[Badge, ...] = ()


def save_run(
    store_path: Path,
    player: str,
    result: SessionResult,
    levels: list[Level] | None = None,
    worlds: dict[int, World] | None = None,
) -> SaveOutcome:
    """Save ``result``, award badges, and read back what changed (in a Job thread)."""
    levels = list(levels or [])
    level = next((lv for lv in levels if lv.id == result.level_id), None)
    with ScoreStore(store_path) as store:
        previous = store.best_points(player, result.level_id)
        recorded = record_result(store, player, result, levels, worlds)
        top = store.top_runs(result.level_id, TOP_N)
        rank = next((i + 1 for i, row in enumerate(top) if row.run_id == recorded.run_id), None)
        award = record_badges(store, player, result, level)
        return SaveOutcome(
            run_id=recorded.run_id,
            previous_best=previous,
            rank=rank,
            quarantined=store.quarantined,
            newly_unlocked=tuple(recorded.newly_unlocked),
            stars_gained=recorded.stars_gained,
            best_stars_before=recorded.best_stars_before,
            next_level=recorded.after.next_level(),
            badges_new=award.new,
            badges_earned=award.earned,
        )


def rep_breakdown(score: int, faults: tuple[str, ...]) -> list[tuple[str, int]]:
    """Where a rep's points went: ``[("tail tuck", -30), ("depth", -5)]``; [] if 100.

    Penalties per fault are the coach's (``FAULT_PENALTY``); whatever else is missing
    from 100 is the depth penalty (the only other deduction in ``rep_score``).
    """
    parts = [(f.replace("_", " "), -FAULT_PENALTY[f]) for f in faults if f in FAULT_PENALTY]
    rest = 100 - score + sum(p for _, p in parts)
    if score > 0 and rest > 0:
        parts.append(("depth", -rest))
    return parts


class ResultsScene(Scene):
    """Enter → high scores for this level; N → next level; R → retry; Esc → the map."""

    def __init__(self, ctx: GameContext, level: Level, result: SessionResult) -> None:
        super().__init__()
        self.ctx = ctx
        self.level = level
        self.result = result
        self.age_s = 0.0
        self.stars_shown = 0
        self.effects = Effects()
        self.outcome: SaveOutcome | None = None
        self.save_error: str | None = None
        self._job: Job[SaveOutcome] | None = None
        self._save_started = False
        self.rows = self._rep_rows()
        self.hands = HandsFree("Hands up: next level")
        self.feed: PoseFeed | None = None
        self._feed_job: Job[PoseSource] | None = None
        self._badges_shown = False

    def _rep_rows(self) -> list[tuple[str, int, str, list[tuple[str, int]]]]:
        """(label, score, note, breakdown) per rep, worked out once."""
        rows = []
        for rep in self.result.reps:
            note = rep.cues[0] if rep.cues else "Counted"
            rows.append((f"Rep {rep.index}", rep.score, note, rep_breakdown(rep.score, rep.faults)))
        return rows

    # -- lifecycle -------------------------------------------------------------------

    def enter(self) -> None:
        if self._save_started:
            return  # never save the same run twice
        self._save_started = True
        ctx, result = self.ctx, self.result
        if result.completed:
            ctx.sound.play(Cue.LEVEL)  # the stars' sparkles follow it, from STAR_FIRST_S
        levels, worlds = list(ctx.levels), dict(ctx.worlds)
        self._job = ctx.start_job(
            lambda: save_run(ctx.store_path, ctx.player, result, levels, worlds), "save"
        )
        if _is_camera(ctx.source_spec):  # the camera keeps watching for raised hands
            spec = ctx.source_spec
            self._feed_job = ctx.start_job(lambda: ctx.open_source(spec), "camera")

    def exit(self) -> None:
        job = self._feed_job
        if job is not None:
            job.wait(5.0)  # a camera being opened: close it once it is
            if job.result is not None and self.feed is None:
                job.result.close()
            self._feed_job = None
        if self.feed is not None:
            self.feed.close()
            self.feed = None

    # -- input -----------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        clicked = event.type == pygame.MOUSEBUTTONDOWN and event.button == 1
        if (event.type == pygame.KEYDOWN and event.key in SELECT_KEYS) or clicked:
            if self.stack is not None:
                run_id = self.outcome.run_id if self.outcome else None
                self.stack.replace(HighScoresScene(self.ctx, self.level.id, highlight=run_id))
            return True
        if event.type == pygame.KEYDOWN:
            if event.key in BACK_KEYS:
                if self.stack is not None:
                    self.stack.pop()
                return True
            if event.key == pygame.K_n:
                self.play_next()
                return True
            if event.key == pygame.K_r:
                self._play(self.level)
                return True
        return False

    @property
    def next_level(self) -> Level:
        """The level "next" starts: the progress's next one, else this one again."""
        nxt = self.outcome.next_level if self.outcome is not None else None
        return nxt or self.level

    def play_next(self) -> None:
        if self.outcome is None and self.save_error is None:
            return  # not saved yet: what opens next is not known
        self._play(self.next_level)

    def _play(self, level: Level) -> None:
        # Imported here: the play scene opens this one, so a module-level import would
        # go round in a circle (play -> results -> countdown -> play).
        from game.ui.scenes.countdown import start_level

        if self.stack is None:
            return
        self.ctx.sound.play(Cue.CLICK)
        self.ctx.selected_level_id = level.id
        stack = self.stack
        stack.pop()
        start_level(self.ctx, stack, level)

    # -- update ----------------------------------------------------------------------

    def update(self, dt: float) -> None:
        self.age_s += dt
        job = self._job
        if job is not None and job.done and self.outcome is None and self.save_error is None:
            if job.error is not None:
                self.save_error = f"Score not saved: {job.error}"
            else:
                self.outcome = job.result
        while (
            self.stars_shown < self.result.stars
            and self.age_s >= STAR_FIRST_S + self.stars_shown * STAR_DELAY_S
        ):
            center = self.star_center(self.stars_shown)
            self.effects.burst(center, [theme.STAR, theme.TEXT, theme.GLUTES], count=36)
            self.ctx.sound.play(Cue.STAR)
            self.stars_shown += 1
        outcome = self.outcome
        stars_done = self.age_s >= STAR_FIRST_S + self.result.stars * STAR_DELAY_S
        if outcome is not None and outcome.badges_new and stars_done and not self._badges_shown:
            self._badges_shown = True  # new badges sparkle after the stars
            for i in range(len(outcome.badges_new[:4])):
                self.effects.burst(self.badge_rect(i).center, [theme.GLUTES, theme.STAR])
        self.effects.update(dt)
        self._watch_hands()

    def _watch_hands(self) -> None:
        job = self._feed_job
        if job is not None and job.done:
            self._feed_job = None
            if job.result is not None:
                self.feed = PoseFeed(job.result, on_arrival=self.ctx.live_frames)
        if self.feed is not None and self.hands.update(self.feed.poll(0.0)):
            self.play_next()

    @staticmethod
    def star_center(i: int) -> tuple[float, float]:
        return float(_STAR_X0 + i * _STAR_STEP), float(_STAR_Y)

    @staticmethod
    def badge_rect(i: int) -> pygame.Rect:
        col, row = i % 2, i // 2
        return pygame.Rect(
            72 + col * (_BADGE_W + 10), _BADGES_TOP + row * (_BADGE_H + 8), _BADGE_W, _BADGE_H
        )

    def star_scale(self, i: int) -> float:
        """0 before star ``i`` lands, a quick overshoot, then 1."""
        t = (self.age_s - (STAR_FIRST_S + i * STAR_DELAY_S)) / STAR_POP_S
        if i >= self.stars_shown or t < 0:
            return 0.0
        if t >= 1:
            return 1.0
        c1 = 1.70158  # "ease out back": grows past full size, then settles
        return 1 + (c1 + 1) * (t - 1) ** 3 + c1 * (t - 1) ** 2

    @property
    def new_best(self) -> bool:
        if self.outcome is None:
            return False
        previous = self.outcome.previous_best
        return self.result.points > (previous if previous is not None else 0)

    # -- draw ------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.blit(a.backdrop(surface.get_size()), (0, 0))
        done = self.result.completed
        headline = "Level complete!" if done else "Time's up!"
        draw_text(surface, a, headline, 84, theme.GOOD if done else theme.WARN, (72, 36))
        title = a.fit(self.level.title, 40, theme.TEXT_DIM, 560)
        surface.blit(title, (74, 110))

        draw_text(surface, a, "POINTS", 28, theme.TEXT_DIM, (74, 166))
        points = draw_text(surface, a, str(self.result.points), 120, theme.SELECT, (70, 190))
        x2 = max(330, points.right + 30)
        goal = self._goal_line()
        surface.blit(a.fit(goal, 32, theme.TEXT, 640 - x2), (x2, 200))
        if self.new_best:
            badge = pygame.Rect(x2, 244, 200, 50)
            pygame.draw.rect(surface, theme.GLUTES, badge, border_radius=12)
            draw_text(surface, a, "New best!", 40, theme.TEXT, badge.center, "center")

        for i in range(max(1, self.level.max_stars)):
            center = self.star_center(i)
            draw_star(surface, center, _STAR_R, filled=False)
            scale = self.star_scale(i)
            if scale > 0:
                draw_star(surface, center, _STAR_R * scale, filled=True)
        if self.outcome is not None and self.outcome.stars_gained > 0 and self.stars_shown:
            gained = (
                f"+{self.outcome.stars_gained} star{'s' if self.outcome.stars_gained > 1 else ''}"
            )
            x = self.star_center(max(1, self.level.max_stars) - 1)[0] + _STAR_R + 24
            draw_text(surface, a, gained, 36, theme.STAR, (x, _STAR_Y), "midleft")

        self._draw_save_status(surface)
        self._draw_unlocked(surface)
        self._draw_badges(surface)
        self.effects.draw(surface, a)
        self._draw_reps(surface)
        self._draw_footer(surface)

    def _goal_line(self) -> str:
        if self.level.kind == "hold":
            return "posture hold"
        goal = f"{len(self.result.reps)} of {self.level.reps} reps"
        if self.result.partial_reps:
            goal += f", {self.result.partial_reps} too shallow"
        return goal

    def _draw_footer(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        keys = "Enter: high scores   N: next level   R: retry   Esc: map"
        draw_text(surface, a, keys, 28, theme.TEXT_DIM, (1256, 704), "bottomright")
        if self.feed is not None:
            self.hands.draw(surface, a, _HANDS_CENTER, 26)

    def _draw_save_status(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        lines: list[tuple[str, theme.Color]] = []
        if self.save_error:
            lines.append((self.save_error, theme.BAD))
        elif self.outcome is None:
            lines.append(("Saving...", theme.TEXT_DIM))
        else:
            if self.outcome.quarantined is not None:
                name = self.outcome.quarantined.name
                lines.append((f"Old score file was unreadable; moved to {name}", theme.WARN))
            elif self.outcome.rank is not None:
                lines.append(
                    (f"Rank #{self.outcome.rank} in this level's top {TOP_N}", theme.ACCENT)
                )
            else:
                lines.append((f"Saved - not in this level's top {TOP_N} yet", theme.TEXT_DIM))
        for i, (text, color) in enumerate(lines[:1]):
            surf = a.fit(text, 30, color, 560)
            surface.blit(surf, (74, 414 + i * 36))

    def _draw_unlocked(self, surface: pygame.Surface) -> None:
        outcome = self.outcome
        if outcome is None or not outcome.newly_unlocked:
            return
        a = self.ctx.assets
        draw_panel(surface, _UNLOCK, color=theme.BG_DEEP, edge=theme.GOOD)
        draw_text(surface, a, "UNLOCKED", 24, theme.GOOD, (_UNLOCK.x + 16, _UNLOCK.y + 8))
        names = ", ".join(lv.title for lv in outcome.newly_unlocked)
        surf = a.fit(names, 30, theme.TEXT, _UNLOCK.width - 32)
        surface.blit(surf, (_UNLOCK.x + 16, _UNLOCK.y + 32))

    def _draw_badges(self, surface: pygame.Surface) -> None:
        outcome = self.outcome
        if outcome is None or not outcome.badges_earned:
            return
        a = self.ctx.assets
        new_ids = {b.id for b in outcome.badges_new}
        # New badges first: they are the news.
        shown = sorted(outcome.badges_earned, key=lambda b: b.id not in new_ids)[:4]
        for i, badge in enumerate(shown):
            rect = self.badge_rect(i)
            new = badge.id in new_ids
            draw_panel(
                surface, rect, color=theme.BG_DEEP, edge=theme.GLUTES if new else None, radius=12
            )
            medal = (rect.x + 30, rect.centery)
            pygame.draw.circle(surface, theme.GLUTES if new else theme.MUTED, medal, 20)
            draw_star(surface, medal, 13, filled=True, color=theme.STAR if new else theme.TEXT_DIM)
            label = "NEW BADGE" if new else "badge again"
            draw_text(
                surface,
                a,
                label,
                18,
                theme.GLUTES if new else theme.TEXT_DIM,
                (rect.x + 60, rect.y + 6),
            )
            name = a.fit(badge.title, 28, theme.TEXT, rect.width - 72)
            surface.blit(name, (rect.x + 60, rect.y + 24))

    def _draw_reps(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        panel = _REPS_PANEL.copy()
        if self.feed is not None:  # room for the hands-up hint below
            panel.height -= _HANDS_ROOM
        draw_panel(surface, panel)
        x = panel.x + 24
        draw_text(surface, a, "Reps", 40, theme.TEXT, (x, panel.y + 16))
        draw_text(
            surface,
            a,
            "score = 100 - what each fault cost",
            22,
            theme.TEXT_DIM,
            (panel.right - 24, panel.y + 36),
            "midright",
        )
        if not self.rows:
            empty = (
                "A hold: points for the longest steady stretch"
                if self.level.kind == "hold"
                else "No reps counted this time"
            )
            surf = a.fit(empty, 30, theme.TEXT_DIM, panel.width - 48)
            surface.blit(surf, (x, panel.y + 80))
            return
        top = panel.y + 70
        fits = (panel.bottom - top - 30) // _ROW_H
        shown = self.rows if len(self.rows) <= fits else self.rows[: fits - 1]
        text_x = x + 172
        text_w = panel.right - text_x - 20
        for i, (label, score, note, parts) in enumerate(shown):
            y = top + i * _ROW_H
            if i % 2 == 0:
                band = pygame.Rect(panel.x + 8, y - 4, panel.width - 16, _ROW_H)
                pygame.draw.rect(surface, theme.BG, band, border_radius=8)
            draw_text(surface, a, label, 30, theme.TEXT_DIM, (x, y + 4))
            color = theme.score_color(score, CLEAN_REP_MIN_SCORE)
            draw_text(surface, a, str(score), 48, color, (x + 150, y + 27), "midright")
            note_surf = a.fit(note, 28, theme.TEXT, text_w)
            surface.blit(note_surf, (text_x, y + 2))
            if parts:
                cost = "   ".join(f"{p} {name}" for name, p in parts)
                surf = a.fit(cost, 24, theme.WARN, text_w)
            else:
                surf = a.fit("clean: nothing lost", 24, theme.GOOD, text_w)
            surface.blit(surf, (text_x, y + 32))
        if len(shown) < len(self.rows):
            more = f"...and {len(self.rows) - len(shown)} more reps"
            draw_text(surface, a, more, 28, theme.TEXT_DIM, (x, top + len(shown) * _ROW_H + 4))


def _is_camera(spec: str) -> bool:
    try:
        return parse_spec(spec).kind == "camera"
    except SourceError:
        return False
