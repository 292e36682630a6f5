"""Results: how the attempt went, rep by rep, and whether it is a new best.

The run is saved exactly once, on ``enter``, in a background :class:`Job` (a locked
database must not freeze the screen; the job's thread is not a daemon, so a save in
progress still completes if the player leaves or quits at once). If saving fails the
player is told why and the game goes on: a lost score is sad, a crash is worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygame

from game.coach.scoring import CLEAN_REP_MIN_SCORE
from game.play.levels import Level
from game.play.scores import ScoreStore
from game.play.session import SessionResult
from game.ui import theme
from game.ui.context import GameContext
from game.ui.effects import Effects
from game.ui.jobs import Job
from game.ui.scene import Scene
from game.ui.scenes.high_scores import TOP_N, HighScoresScene
from game.ui.sound import Cue
from game.ui.widgets import BACK_KEYS, SELECT_KEYS, draw_panel, draw_star, draw_text

__all__ = ["STAR_DELAY_S", "STAR_FIRST_S", "ResultsScene", "SaveOutcome", "save_run"]

#: The first star lands this long after the screen opens, the others every STAR_DELAY_S.
STAR_FIRST_S = 0.7
STAR_DELAY_S = 0.55
#: A landing star grows from nothing over this long, overshooting a little.
STAR_POP_S = 0.3

_STAR_R = 46
_STAR_Y = 392
_STAR_X0 = 140
_STAR_STEP = 118
_REPS_PANEL = pygame.Rect(664, 40, 592, 600)
_ROW_H = 58


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    """What saving the run told us."""

    run_id: int
    previous_best: int | None
    rank: int | None  # place in the level's top TOP_N, from 1; None when outside it
    quarantined: Path | None  # where an unreadable old score file was moved, if it was


def save_run(store_path: Path, player: str, result: SessionResult) -> SaveOutcome:
    """Save ``result`` and read back the previous best and its rank (in a Job thread)."""
    with ScoreStore(store_path) as store:
        previous = store.best_points(player, result.level_id)
        run_id = store.add_run(player, result)
        top = store.top_runs(result.level_id, TOP_N)
        rank = next((i + 1 for i, row in enumerate(top) if row.run_id == run_id), None)
        return SaveOutcome(run_id, previous, rank, store.quarantined)


def _fault_words(faults: tuple[str, ...]) -> str:
    return ", ".join(f.replace("_", " ") for f in faults)


class ResultsScene(Scene):
    """Enter → high scores for this level; Esc → level select."""

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

    def _rep_rows(self) -> list[tuple[str, int, str, str]]:
        """(label, score, note, faults) per rep, worked out once."""
        rows = []
        for rep in self.result.reps:
            note = rep.cues[0] if rep.cues else "Counted"
            rows.append((f"Rep {rep.index}", rep.score, note, _fault_words(rep.faults)))
        return rows

    # -- lifecycle -------------------------------------------------------------------

    def enter(self) -> None:
        if self._save_started:
            return  # never save the same run twice
        self._save_started = True
        ctx, result = self.ctx, self.result
        if result.completed:
            ctx.sound.play(Cue.LEVEL)  # the stars' sparkles follow it, from STAR_FIRST_S
        self._job = ctx.start_job(lambda: save_run(ctx.store_path, ctx.player, result), "save")

    # -- input -----------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        clicked = event.type == pygame.MOUSEBUTTONDOWN and event.button == 1
        if (event.type == pygame.KEYDOWN and event.key in SELECT_KEYS) or clicked:
            if self.stack is not None:
                run_id = self.outcome.run_id if self.outcome else None
                self.stack.replace(HighScoresScene(self.ctx, self.level.id, highlight=run_id))
            return True
        if event.type == pygame.KEYDOWN and event.key in BACK_KEYS:
            if self.stack is not None:
                self.stack.pop()
            return True
        return False

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
        self.effects.update(dt)

    @staticmethod
    def star_center(i: int) -> tuple[float, float]:
        return float(_STAR_X0 + i * _STAR_STEP), float(_STAR_Y)

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
        draw_text(surface, a, headline, 84, theme.GOOD if done else theme.WARN, (72, 44))
        title = a.fit(self.level.title, 40, theme.TEXT_DIM, 560)
        surface.blit(title, (74, 118))

        draw_text(surface, a, "POINTS", 28, theme.TEXT_DIM, (74, 180))
        draw_text(surface, a, str(self.result.points), 120, theme.SELECT, (70, 204))
        goal = f"{len(self.result.reps)} of {self.level.reps} reps"
        if self.result.partial_reps:
            goal += f"   {self.result.partial_reps} too shallow"
        draw_text(surface, a, goal, 32, theme.TEXT, (330, 220))
        if self.new_best:
            badge = pygame.Rect(330, 262, 200, 50)
            pygame.draw.rect(surface, theme.GLUTES, badge, border_radius=12)
            draw_text(surface, a, "New best!", 40, theme.TEXT, badge.center, "center")

        for i in range(3):
            center = self.star_center(i)
            draw_star(surface, center, _STAR_R, filled=False)
            scale = self.star_scale(i)
            if scale > 0:
                draw_star(surface, center, _STAR_R * scale, filled=True)
        self.effects.draw(surface, a)

        self._draw_save_status(surface)
        self._draw_reps(surface)
        draw_text(
            surface,
            a,
            "Enter: high scores   Esc: levels",
            30,
            theme.TEXT_DIM,
            (1256, 704),
            "bottomright",
        )

    def _draw_save_status(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        lines: list[tuple[str, theme.Color]] = []
        if self.save_error:
            lines.append((self.save_error, theme.BAD))
        elif self.outcome is None:
            lines.append(("Saving...", theme.TEXT_DIM))
        else:
            if self.outcome.rank is not None:
                lines.append(
                    (f"Rank #{self.outcome.rank} in this level's top {TOP_N}", theme.ACCENT)
                )
            else:
                lines.append((f"Saved - not in this level's top {TOP_N} yet", theme.TEXT_DIM))
            if self.outcome.quarantined is not None:
                lines.append(
                    (
                        f"Old score file was unreadable; moved to {self.outcome.quarantined.name}",
                        theme.WARN,
                    )
                )
        for i, (text, color) in enumerate(lines):
            surf = a.fit(text, 34, color, 560)
            surface.blit(surf, (74, 480 + i * 40))

    def _draw_reps(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        draw_panel(surface, _REPS_PANEL)
        x = _REPS_PANEL.x + 24
        draw_text(surface, a, "Reps", 40, theme.TEXT, (x, _REPS_PANEL.y + 18))
        if not self.rows:
            draw_text(
                surface, a, "No reps counted this time", 32, theme.TEXT_DIM, (x, _REPS_PANEL.y + 80)
            )
            return
        top = _REPS_PANEL.y + 70
        fits = (_REPS_PANEL.bottom - top - 30) // _ROW_H
        shown = self.rows if len(self.rows) <= fits else self.rows[: fits - 1]
        for i, (label, score, note, faults) in enumerate(shown):
            y = top + i * _ROW_H
            if i % 2 == 0:
                band = pygame.Rect(_REPS_PANEL.x + 8, y - 4, _REPS_PANEL.width - 16, _ROW_H)
                pygame.draw.rect(surface, theme.BG, band, border_radius=8)
            draw_text(surface, a, label, 30, theme.TEXT_DIM, (x, y + 4))
            color = theme.score_color(score, CLEAN_REP_MIN_SCORE)
            draw_text(surface, a, str(score), 48, color, (x + 150, y + 24), "midright")
            note_surf = a.fit(note, 30, theme.TEXT, _REPS_PANEL.right - x - 190)
            surface.blit(note_surf, (x + 172, y + 2))
            if faults:
                fault_surf = a.fit(faults, 24, theme.WARN, _REPS_PANEL.right - x - 190)
                surface.blit(fault_surf, (x + 172, y + 30))
        if len(shown) < len(self.rows):
            more = f"...and {len(self.rows) - len(shown)} more reps"
            draw_text(surface, a, more, 28, theme.TEXT_DIM, (x, top + len(shown) * _ROW_H + 4))
