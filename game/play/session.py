"""One attempt at one level: frames and game time in, events and a result out.

The session owns the level's rules (goals, time limit, points, stars); the coach owns
what a rep or a posture is and how good it was. Game time comes from the UI's clock
(which stops while paused); frame time comes from the pose source. Neither layer imports
pygame, so a whole level can be played in a test. :func:`start_session` picks the session
for a level's kind: :class:`LevelSession` plays a squat set, :class:`HoldSession` a
posture hold.

A squat set plays every goal :mod:`game.play.levels` defines, as its docstring states
them; where it leaves a choice open, the session decides so:

- **Forgiven faults** (``allowed_faults``) cost the rep nothing: a rep's *level score* is
  the coach's score formula over the faults the level does not forgive (a forgiven
  ``shallow`` forgives the depth shortfall too). The coach's own findings and cues are
  kept: the faults stay on the rep and the coach still names them.
- **Tempo**: each phase is timed (:mod:`game.play.tempo`); a rep off by more than
  ``tolerance_s`` in any phase counts but is not clean, so its score is capped at
  ``TEMPO_MISS_MAX_SCORE``, just under the clean bar: points, combos, streaks and
  :meth:`Level.squat_points` all see it the same way. A rep whose timing the trace cannot
  show is given the benefit of the doubt.
- **Ceiling** (``max_depth_deg``) and **bottom pause** (``pause_s``): a rep deeper than
  the ceiling, or that did not hold the bottom ``pause_s`` (less ``PAUSE_SLACK_S``, the
  timing's error), does not count: no points, and it is not part of the set, so it
  neither adds to nor breaks a streak or a combo (a ``miss`` event says why).
- **Streak**: counted reps are the set; when the level's ``reps`` are counted without
  ``streak`` clean reps in a row among them, the attempt fails (``fail_reason``
  ``"no_streak"``) rather than running on to the time limit.
- **Combo**: a clean rep straight after a clean rep scores ``combo`` times as much;
  points are always :meth:`Level.squat_points` of the level scores.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field, replace
from enum import StrEnum

from game.coach.calibration import Calibration
from game.coach.coach import MAX_REP_S, Coach, RepResult
from game.coach.holds import HoldCoach, HoldStep
from game.coach.reps import RepPhase, RepWindow
from game.coach.scoring import CLEAN_REP_MIN_SCORE, CUES, PRAISE, rep_score
from game.play.levels import HoldGoals, Level, SquatGoals
from game.play.tempo import STANDING_S, RepTiming, measure_rep_timing, tempo_cue, tempo_misses
from game.pose.frame import FAULTS, PoseFrame

__all__ = [
    "PAUSE_SLACK_S",
    "TEMPO_MISS_MAX_SCORE",
    "HoldSession",
    "LevelSession",
    "RepVerdict",
    "Session",
    "SessionEvent",
    "SessionResult",
    "SessionStatus",
    "start_session",
]

#: An off-tempo rep "counts but is not clean" (levels.py): it scores at most this.
TEMPO_MISS_MAX_SCORE = CLEAN_REP_MIN_SCORE - 1
#: A bottom pause this much shorter than asked still counts: the phase timing's error on
#: the demo athlete at MediaPipe-like jitter (a 2 s pause reads 1.8-2.0 s, a 1 s one
#: 0.7-1.0 s; game/play/tempo.py).
PAUSE_SLACK_S = 0.3
#: Why a rep did not count, and what the player hears about it.
MISS_REASONS = ("too_deep", "no_pause")
TOO_DEEP_CUE = "Too deep - stop at the marker"


class SessionStatus(StrEnum):
    RUNNING = "running"
    COMPLETE = "complete"  # the goal was met in time
    FAILED = "failed"  # time ran out first, the goal cannot be met any more, or it was ended


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """Something the HUD, effects or sound should react to.

    Squat sets: ``rep`` (a counted rep: ``rep`` carries its level score, ``clean``
    whether it earns a reward, ``points`` what it added after ``multiplier``, ``streak``
    the clean reps in a row now, ``timing`` its phases when the level has a tempo or a
    pause, ``cue`` what to tell the player), ``miss`` (a rep the level's rules do not
    count: ``reason`` is one of ``MISS_REASONS``, ``cue`` says what to do), ``partial``
    (went down but not deep enough to be a rep; ``partial`` set), ``cue`` (a fault seen
    mid-rep: ``fault`` and its ``cue``, said the moment it shows), ``streak`` (the
    level's streak goal just reached), ``no_streak`` (the reps are done without it).

    Holds: ``hold_start`` (good position began: the hold clock runs), ``hold_break``
    (it stopped being good; ``fault`` says why, None when out of position), ``cue``
    (the hold coach's instruction or praise; ``fault`` when it names one).

    Both: ``complete``, ``time_up``, ``ended`` (stopped early by ``end()``).
    """

    kind: str
    rep: RepResult | None = None
    partial: RepWindow | None = None
    clean: bool = False
    cue: str | None = None
    fault: str | None = None
    reason: str | None = None
    points: int = 0
    multiplier: float = 1.0
    streak: int = 0
    timing: RepTiming | None = None


@dataclass(frozen=True, slots=True)
class SessionResult:
    """How the attempt ended; what the results screen and the score store read.

    The first seven fields are the original ones (positional construction still works);
    the rest say more about how it went, with defaults that read as "nothing to say".
    """

    level_id: str
    completed: bool
    points: int
    stars: int
    reps: tuple[RepResult, ...]
    partial_reps: int
    duration_s: float
    kind: str = "squats"
    #: Squat sets: reps the level did not count (too deep, no pause) and the longest run
    #: of clean reps.
    missed_reps: int = 0
    best_streak: int = 0
    #: Holds: seconds in good position, and the longest unbroken stretch (the points).
    hold_s: float = 0.0
    longest_hold_s: float = 0.0
    #: Why it was not completed: ``time_up``, ``no_streak`` or ``ended``; None if it was.
    fail_reason: str | None = None

    @property
    def rep_scores(self) -> list[int]:
        return [rep.score for rep in self.reps]


@dataclass(frozen=True, slots=True)
class RepVerdict:
    """A coach's rep judged by the level's rules."""

    rep: RepResult  # with ``score`` the level score
    counted: bool
    clean: bool
    reason: str | None  # why it did not count (one of MISS_REASONS)
    timing: RepTiming | None
    tempo_misses: dict[str, float]
    cue: str | None


def level_rep_score(goals: SquatGoals, rep: RepResult, target_deg: float) -> int:
    """The rep's score counting only the faults the level does not forgive."""
    allowed = goals.allowed_faults
    faults = [f for f in rep.faults if f not in allowed]
    # A forgiven "shallow" forgives the shortfall too: the rep is scored as at the target.
    depth = target_deg if "shallow" in allowed else rep.depth_deg
    return rep_score(faults, depth, target_deg)


def judge_rep(
    level: Level,
    rep: RepResult,
    timing: RepTiming | None,
    coach_cue: str | None,
    said_live: str | None = None,
) -> RepVerdict:
    """Apply ``level``'s squat rules to one counted rep of the coach.

    ``coach_cue`` is the cue the coach chose for the rep (None when it already said it
    mid-rep); ``said_live`` the fault it named mid-rep, so it is not said twice.
    """
    goals = level.goals
    if not isinstance(goals, SquatGoals):
        raise TypeError(f"level '{level.id}' is not a squat set")
    reason: str | None = None
    miss_cue: str | None = None
    if goals.max_depth_deg is not None and rep.depth_deg > goals.max_depth_deg:
        reason, miss_cue = "too_deep", TOO_DEEP_CUE
    elif goals.pause_s is not None:
        pause = timing.pause_s if timing is not None else rep.metrics.pause_s
        if not pause >= goals.pause_s - PAUSE_SLACK_S:
            reason = "no_pause"
            miss_cue = f"Pause {goals.pause_s:g} seconds at the bottom"

    misses: dict[str, float] = {}
    if goals.tempo is not None and timing is not None:
        misses = tempo_misses(goals.tempo, timing, level.modifiers.slow_motion)
    score = level_rep_score(goals, rep, level.depth_deg)
    if misses:
        score = min(score, TEMPO_MISS_MAX_SCORE)
    counted = reason is None
    clean = counted and score >= CLEAN_REP_MIN_SCORE
    unforgiven = [f for f in FAULTS if f in rep.faults and f not in goals.allowed_faults]
    fault_cue = CUES[unforgiven[0]] if unforgiven and unforgiven[0] != said_live else None
    tempo_text = (
        tempo_cue(goals.tempo, misses, level.modifiers.slow_motion)
        if goals.tempo is not None
        else None
    )
    # The coach's own cue last: a forgiven fault's (it still coaches those), or praise,
    # which only a rep the level calls clean earns.
    later = coach_cue if (coach_cue != PRAISE or clean) else None
    cue = miss_cue or fault_cue or tempo_text or later
    return RepVerdict(
        rep=replace(rep, score=score),
        counted=counted,
        clean=clean,
        reason=reason,
        timing=timing,
        tempo_misses=misses,
        cue=cue,
    )


@dataclass
class LevelSession:
    """Plays the squat set ``level``: call :meth:`add_frame` per pose frame and
    :meth:`tick` per update."""

    level: Level
    coach: Coach = field(init=False)
    elapsed_s: float = field(default=0.0, init=False)
    status: SessionStatus = field(default=SessionStatus.RUNNING, init=False)
    #: The newest cue for the player (after a rep, or a fault seen mid-rep).
    last_cue: str | None = field(default=None, init=False)
    depth_deg: float = field(default=math.nan, init=False)
    person_seen: bool = field(default=False, init=False)
    #: The newest frame as the coach saw it (smoothed, unsure landmarks NaN): what to draw.
    last_frame: PoseFrame | None = field(default=None, init=False, repr=False)
    #: Counted reps with their level scores, in order (the first ``reps`` are the set).
    counted: list[RepResult] = field(default_factory=list, init=False)
    #: Reps the level's rules did not count, with the reason.
    missed: list[tuple[RepResult, str]] = field(default_factory=list, init=False)
    #: Clean reps in a row now, and the most in a row so far.
    streak: int = field(default=0, init=False)
    best_streak: int = field(default=0, init=False)
    #: The last rep's verdict (its timing and tempo misses for the HUD).
    last_verdict: RepVerdict | None = field(default=None, init=False)
    #: A fault the coach saw in the rep under way (cleared when the player stands).
    live_fault: str | None = field(default=None, init=False)
    fail_reason: str | None = field(default=None, init=False)
    #: The player's own standing numbers, if they calibrated (the coach starts from them).
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.level.goals, SquatGoals):
            raise TypeError(
                f"level '{self.level.id}' is a {self.level.kind}, not a squat set: "
                "use start_session() or HoldSession"
            )
        self.goals: SquatGoals = self.level.goals
        self.coach = Coach(depth_target_deg=self.level.depth_deg, calibration=self.calibration)
        # (time, smoothed knee bend) for timing the phases: a whole rep and the standing
        # before it.
        self._trace: deque[tuple[float, float]] = deque()
        self._said_live: str | None = None

    @property
    def reps(self) -> list[RepResult]:
        return self.counted[: self.level.reps]

    @property
    def points(self) -> int:
        return self.level.squat_points([rep.score for rep in self.reps])

    @property
    def time_left_s(self) -> float:
        return max(0.0, self.level.time_limit_s - self.elapsed_s)

    @property
    def phase(self) -> RepPhase:
        return self.coach.phase

    @property
    def multiplier(self) -> float:
        """What the next clean rep's score is multiplied by (the combo, once earned)."""
        last_clean = bool(self.counted) and self.counted[-1].score >= CLEAN_REP_MIN_SCORE
        return self.level.modifiers.combo if last_clean else 1.0

    @property
    def times_reps(self) -> bool:
        """Whether the level asks for a tempo or a bottom pause (reps are timed)."""
        return self.goals.tempo is not None or self.goals.pause_s is not None

    def add_frame(self, frame: PoseFrame) -> list[SessionEvent]:
        """Coach one pose frame. Frames after the level ended are ignored."""
        return self.add_smoothed(self.smooth_frame(frame))

    def smooth_frame(self, frame: PoseFrame) -> PoseFrame:
        """``frame`` as the coach will measure it, to draw before it is judged: the first
        half of :meth:`add_frame` (see :meth:`~game.coach.coach.Coach.smooth_frame`)."""
        return self.coach.smooth_frame(frame)

    def add_smoothed(self, frame: PoseFrame) -> list[SessionEvent]:
        """The second half of :meth:`add_frame`, for a frame :meth:`smooth_frame` returned."""
        if self.status is not SessionStatus.RUNNING:
            return []
        step = self.coach.update_smoothed(frame)
        self.last_frame = step.frame
        self.depth_deg = step.depth_deg
        self.person_seen = step.features is not None
        t = step.timestamp_s
        self._trace.append((t, step.depth_deg))
        while self._trace and self._trace[0][0] < t - MAX_REP_S - STANDING_S:
            self._trace.popleft()
        events: list[SessionEvent] = []
        if any(e.kind == "start" for e in step.events):
            self._said_live = None
        if step.live_fault is not None:
            self.live_fault = self._said_live = step.live_fault
            self.last_cue = step.cue
            events.append(SessionEvent("cue", cue=step.cue, fault=step.live_fault))
        if step.partial is not None:
            events.append(SessionEvent("partial", partial=step.partial))
        if step.rep is not None:
            events.extend(self._take_rep(step.rep, step.cue))
        if step.phase is RepPhase.STANDING:
            self.live_fault = None
        return events

    def _take_rep(self, rep: RepResult, coach_cue: str | None) -> list[SessionEvent]:
        timing = measure_rep_timing(self._trace, rep.start_s, rep.end_s)
        verdict = judge_rep(self.level, rep, timing, coach_cue, self._said_live)
        self.last_verdict = verdict
        if verdict.cue:
            self.last_cue = verdict.cue
        if not verdict.counted:
            assert verdict.reason is not None
            self.missed.append((verdict.rep, verdict.reason))
            return [
                SessionEvent(
                    "miss",
                    rep=verdict.rep,
                    cue=verdict.cue,
                    reason=verdict.reason,
                    timing=timing,
                )
            ]
        multiplier = self.multiplier if verdict.clean else 1.0
        before = self.points
        self.counted.append(verdict.rep)
        self.streak = self.streak + 1 if verdict.clean else 0
        reached = self.goals.streak is not None and self.best_streak < self.goals.streak
        self.best_streak = max(self.best_streak, self.streak)
        events = [
            SessionEvent(
                "rep",
                rep=verdict.rep,
                clean=verdict.clean,
                cue=verdict.cue,
                points=self.points - before,
                multiplier=multiplier,
                streak=self.streak,
                timing=timing,
            )
        ]
        if reached and self.goals.streak is not None and self.best_streak >= self.goals.streak:
            events.append(SessionEvent("streak", streak=self.best_streak))
        if len(self.counted) >= self.level.reps:
            if self.goals.streak is not None and self.best_streak < self.goals.streak:
                self._fail("no_streak")
                events.append(SessionEvent("no_streak", streak=self.best_streak))
            else:
                self.status = SessionStatus.COMPLETE
                events.append(SessionEvent("complete"))
        return events

    def _fail(self, reason: str) -> None:
        self.status = SessionStatus.FAILED
        self.fail_reason = reason

    def tick(self, dt: float) -> list[SessionEvent]:
        """Advance the level clock by ``dt`` seconds of (unpaused) game time."""
        return _tick(self, dt)

    def end(self) -> list[SessionEvent]:
        """Stop a running attempt early (e.g. a video or recording ran out of frames).

        It counts as not completed, with the time actually played; stars need the goal.
        """
        return _end(self)

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
            kind="squats",
            missed_reps=len(self.missed),
            best_streak=self.best_streak,
            fail_reason=self.fail_reason,
        )


@dataclass
class HoldSession:
    """Plays the posture hold ``level``: :meth:`add_frame` per frame, :meth:`tick` per update.

    The hold coach says per frame whether the player is in the posture and whether it is
    good; the session counts the seconds the *level* calls good (a fault the level
    forgives counts as good) the way the coach counts its own: the interval between two
    good frames is held time, a measurable frame that is not good breaks the unbroken
    stretch, and a frame the coach cannot judge (wrong view, nobody) pauses both.
    """

    level: Level
    coach: HoldCoach = field(init=False)
    elapsed_s: float = field(default=0.0, init=False)
    status: SessionStatus = field(default=SessionStatus.RUNNING, init=False)
    last_cue: str | None = field(default=None, init=False)
    person_seen: bool = field(default=False, init=False)
    last_frame: PoseFrame | None = field(default=None, init=False, repr=False)
    last_step: HoldStep | None = field(default=None, init=False, repr=False)
    #: Seconds in good position, the unbroken stretch now, and the longest one.
    good_s: float = field(default=0.0, init=False)
    streak_s: float = field(default=0.0, init=False)
    longest_s: float = field(default=0.0, init=False)
    #: The live state: good (as the level counts it), and the fault the coach sees.
    good: bool = field(default=False, init=False)
    fault: str | None = field(default=None, init=False)
    fail_reason: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.level.goals, HoldGoals):
            raise TypeError(
                f"level '{self.level.id}' is a {self.level.kind}, not a hold: "
                "use start_session() or LevelSession"
            )
        self.goals: HoldGoals = self.level.goals
        self.coach = HoldCoach(self.goals.posture)
        self._last_t: float | None = None
        self._was_good = False

    @property
    def hold_s(self) -> float:
        return self.goals.hold_s

    @property
    def points(self) -> int:
        return self.level.hold_points(self.longest_s)

    @property
    def time_left_s(self) -> float:
        return max(0.0, self.level.time_limit_s - self.elapsed_s)

    @property
    def in_position(self) -> bool:
        return self.last_step is not None and self.last_step.in_position

    @property
    def measurable(self) -> bool:
        return self.last_step is not None and self.last_step.measurable

    def add_frame(self, frame: PoseFrame) -> list[SessionEvent]:
        """Judge one pose frame. Frames after the level ended are ignored."""
        return self.add_smoothed(self.smooth_frame(frame))

    def smooth_frame(self, frame: PoseFrame) -> PoseFrame:
        """As :meth:`LevelSession.smooth_frame`: the frame to draw before it is judged."""
        return self.coach.smooth_frame(frame)

    def add_smoothed(self, frame: PoseFrame) -> list[SessionEvent]:
        """The second half of :meth:`add_frame`, for a frame :meth:`smooth_frame` returned."""
        if self.status is not SessionStatus.RUNNING:
            return []
        step = self.coach.update_smoothed(frame)
        self.last_step = step
        self.last_frame = step.frame
        self.person_seen = step.features is not None
        dt = 0.0 if self._last_t is None else max(0.0, step.timestamp_s - self._last_t)
        self._last_t = step.timestamp_s
        forgiven = step.fault is None or step.fault in self.goals.allowed_faults
        good = step.measurable and step.in_position and forgiven
        self.fault = step.fault
        events: list[SessionEvent] = []
        if good and self._was_good:
            self.good_s += dt
            self.streak_s += dt
            self.longest_s = max(self.longest_s, self.streak_s)
        elif not good and step.measurable:
            self.streak_s = 0.0
        if good and not self.good:
            events.append(SessionEvent("hold_start"))
        elif self.good and not good and step.measurable:
            events.append(SessionEvent("hold_break", fault=step.fault))
        if good or step.measurable:
            self.good = good
        self._was_good = good
        if step.cue is not None:
            self.last_cue = step.cue
            events.append(SessionEvent("cue", cue=step.cue, fault=step.fault))
        if self.good_s >= self.hold_s:
            self.status = SessionStatus.COMPLETE
            events.append(SessionEvent("complete"))
        return events

    def tick(self, dt: float) -> list[SessionEvent]:
        """Advance the level clock by ``dt`` seconds of (unpaused) game time."""
        return _tick(self, dt)

    def end(self) -> list[SessionEvent]:
        """Stop a running attempt early: not completed, with the time actually played."""
        return _end(self)

    def result(self) -> SessionResult:
        completed = self.status is SessionStatus.COMPLETE
        return SessionResult(
            level_id=self.level.id,
            completed=completed,
            points=self.points,
            stars=self.level.stars_for(self.points, completed),
            reps=(),
            partial_reps=0,
            duration_s=round(self.elapsed_s, 3),
            kind="hold",
            hold_s=round(self.good_s, 3),
            longest_hold_s=round(self.longest_s, 3),
            fail_reason=self.fail_reason,
        )


Session = LevelSession | HoldSession


def start_session(level: Level, calibration: Calibration | None = None) -> Session:
    """The session that plays ``level``'s kind (a squat set coaches from the player's
    ``calibration`` when there is one)."""
    if isinstance(level.goals, HoldGoals):
        return HoldSession(level)
    return LevelSession(level, calibration=calibration)


def _tick(session: Session, dt: float) -> list[SessionEvent]:
    if session.status is not SessionStatus.RUNNING or dt <= 0:
        return []
    session.elapsed_s += dt
    if session.elapsed_s >= session.level.time_limit_s:
        session.elapsed_s = session.level.time_limit_s
        session.status = SessionStatus.FAILED
        session.fail_reason = "time_up"
        return [SessionEvent("time_up")]
    return []


def _end(session: Session) -> list[SessionEvent]:
    if session.status is not SessionStatus.RUNNING:
        return []
    session.status = SessionStatus.FAILED
    session.fail_reason = "ended"
    return [SessionEvent("ended")]
