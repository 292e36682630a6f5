"""The level model: a level, its goals, unlock rule, modifiers and world, as dataclasses.

A level loaded through :mod:`game.play.levels` has passed the checks in
:mod:`game.play.level_toml` and :mod:`game.play.unlocks`, so the session, progress and
the screens trust it without checking again, and use it without importing the parser.
The file format, and how the session judges each goal, are documented in
:mod:`game.play.levels` (which re-exports every public name here).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from game.coach.scoring import CLEAN_REP_MIN_SCORE

__all__ = [
    "FORMAT_VERSION",
    "KINDS",
    "MAX_HOLD_POINTS",
    "MAX_REP_POINTS",
    "POSTURES",
    "POSTURE_WORDS",
    "READABLE_FORMATS",
    "HoldGoals",
    "Level",
    "LevelError",
    "LevelSet",
    "Modifiers",
    "SquatGoals",
    "Tempo",
    "UnlockRule",
    "World",
]

#: The format this game writes about; every format in READABLE_FORMATS still loads.
FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
KINDS = ("squats", "hold")
#: Holds the coach can judge: weight over the heels standing; on both sitting bones seated.
POSTURES = ("stand_heels", "sit_tall")
POSTURE_WORDS = {"stand_heels": "standing over your heels", "sit_tall": "sitting tall"}
#: A rep scores at most 100 points; a hold scores at most 100.
MAX_REP_POINTS = 100
MAX_HOLD_POINTS = 100
#: Fastest controlled bodyweight squat a time limit may assume (the demo athlete takes
#: about 2 s a rep; a rep under 1.5 s is a bounce, not the control the game teaches).
MIN_REP_S = 1.5


class LevelError(ValueError):
    """A level file is broken. ``str()`` reads ``FILE: field 'F': PROBLEM``."""

    def __init__(self, path: Path | str, field: str | None, problem: str) -> None:
        self.path = Path(path)
        self.field = field
        self.problem = problem
        where = f"field '{field}': " if field else ""
        super().__init__(f"{self.path}: {where}{problem}")


@dataclass(frozen=True, slots=True)
class Tempo:
    """Seconds for each phase of a rep; a phase off by more than ``tolerance_s`` misses."""

    down_s: float
    pause_s: float
    up_s: float
    tolerance_s: float

    @property
    def rep_s(self) -> float:
        return self.down_s + self.pause_s + self.up_s


@dataclass(frozen=True, slots=True)
class SquatGoals:
    """What a squat set asks for (see :mod:`game.play.levels` for how each is judged)."""

    reps: int
    depth_deg: float
    tempo: Tempo | None = None
    allowed_faults: frozenset[str] = frozenset()
    streak: int | None = None
    max_depth_deg: float | None = None
    pause_s: float | None = None

    @property
    def min_rep_s(self) -> float:
        """The least time one rep can take and still meet these goals."""
        if self.tempo is not None:
            return max(MIN_REP_S, self.tempo.rep_s - 3 * self.tempo.tolerance_s)
        return MIN_REP_S + (self.pause_s or 0.0)


@dataclass(frozen=True, slots=True)
class HoldGoals:
    """A posture to hold for ``hold_s`` seconds in good position."""

    posture: str
    hold_s: float
    allowed_faults: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class UnlockRule:
    """When a level opens: every level in ``after`` has ``stars`` or more, and the levels
    before this one (in play order) hold ``total_stars`` or more between them."""

    after: tuple[str, ...] = ()
    stars: int = 1
    total_stars: int = 0

    def is_met(self, best_stars: Mapping[str, int], earlier_stars: int) -> bool:
        """Whether a player with ``best_stars`` per level (and ``earlier_stars`` in the
        levels before this one) has opened the level."""
        return earlier_stars >= self.total_stars and all(
            best_stars.get(level_id, 0) >= self.stars for level_id in self.after
        )

    def describe(self, titles: Mapping[str, str] | None = None) -> str:
        """The rule in words, e.g. ``1 star in First squats; 6 stars in earlier levels``."""
        names = [(titles or {}).get(level_id, level_id) for level_id in self.after]
        parts = []
        if names:
            unit = "star" if self.stars == 1 else "stars"
            parts.append(f"{self.stars} {unit} in {_and_list(names)}")
        if self.total_stars:
            unit = "star" if self.total_stars == 1 else "stars"
            parts.append(f"{self.total_stars} {unit} in earlier levels")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Modifiers:
    """Small twists on a level; the defaults change nothing."""

    #: Show the player as in a mirror; None keeps the player's own setting.
    mirror: bool | None = None
    #: The guide and the tempo count run at this fraction of normal speed (learning aid).
    slow_motion: float = 1.0
    #: A clean rep straight after a clean rep scores this many times its score.
    combo: float = 1.0


@dataclass(frozen=True, slots=True)
class World:
    """A group of levels with one theme; its last level is usually the boss."""

    number: int
    title: str
    teaching: str
    path: Path


@dataclass(frozen=True, slots=True)
class Level:
    """One playable level, checked.

    ``reps`` and ``depth_deg`` mirror the squat goals so the first game's screens keep
    working; a hold level has ``reps = 0`` and ``depth_deg = 0`` (read ``goals``).
    """

    id: str
    title: str
    teaching: str
    kind: str
    world: int
    reps: int
    depth_deg: float
    time_limit_s: float
    star_thresholds: tuple[int, ...]
    path: Path
    goals: SquatGoals | HoldGoals
    unlock: UnlockRule | None = None
    modifiers: Modifiers = field(default_factory=Modifiers)
    boss: bool = False
    order: int = 0
    format: int = FORMAT_VERSION

    def stars_for(self, points: int, completed: bool) -> int:
        """Stars earned: none unless the goal was met, then one per threshold reached."""
        if not completed:
            return 0
        return sum(points >= threshold for threshold in self.star_thresholds)

    @property
    def max_stars(self) -> int:
        return len(self.star_thresholds)

    @property
    def max_points(self) -> int:
        """The most points a perfect attempt earns (the top star threshold's ceiling)."""
        if isinstance(self.goals, HoldGoals):
            return MAX_HOLD_POINTS
        return _squat_max_points(self.goals.reps, self.modifiers.combo)

    @property
    def goal_text(self) -> str:
        """The goal in a few words, e.g. ``5 reps to 90°, tempo 3-1-1`` (cards, lists)."""
        if isinstance(self.goals, HoldGoals):
            return f"hold {POSTURE_WORDS[self.goals.posture]} for {self.goals.hold_s:g} s"
        g = self.goals
        parts = [f"{g.reps} reps to {g.depth_deg:g}°"]
        if g.max_depth_deg is not None:
            parts[0] += f" (not past {g.max_depth_deg:g}°)"
        if g.tempo is not None:
            parts.append(f"tempo {g.tempo.down_s:g}-{g.tempo.pause_s:g}-{g.tempo.up_s:g}")
        if g.pause_s is not None:
            parts.append(f"pause {g.pause_s:g} s at the bottom")
        if g.streak is not None:
            parts.append(f"{g.streak} clean in a row")
        return ", ".join(parts)

    def squat_points(self, rep_scores: Sequence[int]) -> int:
        """Points for a squat set's rep scores, counting the ``combo`` modifier.

        Only the first ``reps`` reps count, as in the session. A clean rep is one scoring
        at least ``CLEAN_REP_MIN_SCORE``.
        """
        total = 0.0
        previous_clean = False
        for score in list(rep_scores)[: self.reps]:
            clean = score >= CLEAN_REP_MIN_SCORE
            total += score * (self.modifiers.combo if clean and previous_clean else 1.0)
            previous_clean = clean
        return round(total)

    def hold_points(self, longest_good_s: float) -> int:
        """Points for a hold: 100 x the longest unbroken good stretch / ``hold_s``, capped
        at 100 and rounded down."""
        if not isinstance(self.goals, HoldGoals):
            raise TypeError(f"level '{self.id}' is not a hold")
        if not longest_good_s > 0:  # also NaN
            return 0
        # Rounded down: 100 points (the top star) means the whole hold, not 99.5% of it.
        return math.floor(MAX_HOLD_POINTS * min(1.0, longest_good_s / self.goals.hold_s) + 1e-9)


def _squat_max_points(reps: int, combo: float) -> int:
    return round(MAX_REP_POINTS * (1 + (reps - 1) * combo))


@dataclass(slots=True)
class LevelSet:
    """Everything :func:`~game.play.levels.load_level_set` found: good levels in play
    order, the worlds, and one error per file (or per level) it had to leave out."""

    levels: list[Level]
    worlds: dict[int, World]
    errors: list[LevelError]

    def by_id(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)


# -- wording shared by the checks ---------------------------------------------------------


def _did_you_mean(ref: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(ref, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _and_list(items: Sequence[str]) -> str:
    quoted = list(items)
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
