"""One attempt at one level: frames and game time in, events and a result out.

The session owns the level's rules (goal reps, time limit, points, stars); the coach
owns what a rep is and how good it was. Game time comes from the UI's clock (which
stops while paused); frame time comes from the pose source. Neither layer imports
pygame, so a whole level can be played in a test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from game.coach.coach import Coach, RepResult
from game.coach.reps import RepPhase, RepWindow
from game.coach.scoring import CLEAN_REP_MIN_SCORE
from game.play.levels import Level
from game.pose.frame import PoseFrame

__all__ = ["LevelSession", "SessionEvent", "SessionResult", "SessionStatus"]


class SessionStatus(StrEnum):
    RUNNING = "running"
    COMPLETE = "complete"  # goal reps reached in time
    FAILED = "failed"  # time ran out first


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """Something the HUD, effects or sound should react to.

    ``kind``: ``rep`` (a counted rep, ``rep`` set; ``clean`` says whether it earns a
    reward), ``partial`` (went down but not deep enough; ``partial`` set), ``complete``,
    ``time_up``, ``ended`` (stopped early by :meth:`LevelSession.end`).
    """

    kind: str
    rep: RepResult | None = None
    partial: RepWindow | None = None
    clean: bool = False


@dataclass(frozen=True, slots=True)
class SessionResult:
    """How the attempt ended; what the results screen and the score store read."""

    level_id: str
    completed: bool
    points: int
    stars: int
    reps: tuple[RepResult, ...]
    partial_reps: int
    duration_s: float

    @property
    def rep_scores(self) -> list[int]:
        return [rep.score for rep in self.reps]


@dataclass
class LevelSession:
    """Plays ``level``: call :meth:`add_frame` per pose frame and :meth:`tick` per update."""

    level: Level
    coach: Coach = field(init=False)
    elapsed_s: float = field(default=0.0, init=False)
    status: SessionStatus = field(default=SessionStatus.RUNNING, init=False)
    last_cue: str | None = field(default=None, init=False)
    depth_deg: float = field(default=math.nan, init=False)
    person_seen: bool = field(default=False, init=False)
    #: The newest frame as the coach saw it (smoothed, unsure landmarks NaN): what to draw.
    last_frame: PoseFrame | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.coach = Coach(depth_target_deg=self.level.depth_deg)

    @property
    def reps(self) -> list[RepResult]:
        return self.coach.reps[: self.level.reps]

    @property
    def points(self) -> int:
        return sum(rep.score for rep in self.reps)

    @property
    def time_left_s(self) -> float:
        return max(0.0, self.level.time_limit_s - self.elapsed_s)

    @property
    def phase(self) -> RepPhase:
        return self.coach.phase

    def add_frame(self, frame: PoseFrame) -> list[SessionEvent]:
        """Coach one pose frame. Frames after the level ended are ignored."""
        if self.status is not SessionStatus.RUNNING:
            return []
        step = self.coach.update(frame)
        self.last_frame = step.frame
        self.depth_deg = step.depth_deg
        self.person_seen = step.features is not None
        events: list[SessionEvent] = []
        if step.partial is not None:
            events.append(SessionEvent("partial", partial=step.partial))
        if step.rep is not None:
            if step.cue:
                self.last_cue = step.cue
            clean = step.rep.score >= CLEAN_REP_MIN_SCORE
            events.append(SessionEvent("rep", rep=step.rep, clean=clean))
            if len(self.coach.reps) >= self.level.reps:
                self.status = SessionStatus.COMPLETE
                events.append(SessionEvent("complete"))
        return events

    def tick(self, dt: float) -> list[SessionEvent]:
        """Advance the level clock by ``dt`` seconds of (unpaused) game time."""
        if self.status is not SessionStatus.RUNNING or dt <= 0:
            return []
        self.elapsed_s += dt
        if self.elapsed_s >= self.level.time_limit_s:
            self.elapsed_s = self.level.time_limit_s
            self.status = SessionStatus.FAILED
            return [SessionEvent("time_up")]
        return []

    def end(self) -> list[SessionEvent]:
        """Stop a running attempt early (e.g. a video or recording ran out of frames).

        It counts as not completed, with the time actually played; stars need the goal.
        """
        if self.status is not SessionStatus.RUNNING:
            return []
        self.status = SessionStatus.FAILED
        return [SessionEvent("ended")]

    def result(self) -> SessionResult:
        completed = self.status is SessionStatus.COMPLETE
        return SessionResult(
            level_id=self.level.id,
            completed=completed,
            points=self.points,
            stars=self.level.stars_for(self.points, completed),
            reps=tuple(self.reps),
            partial_reps=len(self.coach.partial_reps),
            duration_s=round(self.elapsed_s, 3),
        )
