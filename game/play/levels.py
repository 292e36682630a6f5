"""Levels are data: TOML files in ``levels/``, loaded into checked dataclasses.

A broken file never stops the game: :func:`load_levels` returns the good levels and a
:class:`LevelError` per bad file, each naming the file, the field and the problem, so
the game can show a warning and start with the rest. The checks are strict on purpose
(unknown keys, wrong types, numbers out of range, goals that no one could meet): a
level author's typo should be an error on the day it is written, not a level that
silently never unlocks or never ends.

Level files (``format = 2``; ``format = 1`` files, the first game's, still load)::

    format = 2
    id = "first-squats"          # unique, lowercase letters, digits and dashes
    world = 1                    # a world listed in a worlds.toml (see below)
    order = 0                    # optional: sort key inside the world, before the file name
    title = "First squats"       # at most 40 characters
    teaching = "Sit back over your heels, hips to knee height, stand tall."  # one line
    kind = "squats"              # "squats" or "hold"
    time_limit_s = 90
    boss = false                 # optional: the world's challenge level

    [goals]                      # kind = "squats"
    reps = 5                     # counted reps needed to finish
    depth_deg = 90               # knee bend a rep should reach (degrees)
    max_depth_deg = 105          # optional ceiling: reps bending past it do not count
    pause_s = 2                  # optional: hold the bottom this long, or the rep does not count
    streak = 5                   # optional: the set must hold this many clean reps in a row
    allowed_faults = ["shallow"] # optional: faults this level forgives (see below)
    [goals.tempo]                # optional: seconds down, at the bottom, up (+- tolerance)
    down_s = 3
    pause_s = 1
    up_s = 1
    tolerance_s = 0.5

    [goals]                      # kind = "hold"
    posture = "stand_heels"      # "stand_heels" (weight over the heels) or "sit_tall"
    hold_s = 20                  # seconds in good position needed to finish
    allowed_faults = []

    [stars]
    thresholds = [250, 400, 460] # points for 1, 2, 3 stars: 1-3 numbers, rising, reachable

    [unlock]                     # optional: no table means open from the start
    after = ["first-squats"]     # these levels ...
    stars = 1                    # ... each with at least this many stars (default 1)
    total_stars = 6              # and/or this many stars across all levels before this one

    [modifiers]                  # optional
    mirror = true                # show the player as in a mirror (default: their setting)
    slow_motion = 0.5            # the guide and tempo count run at this fraction of speed
    combo = 1.5                  # a clean rep right after a clean rep scores x this

Goals, as the session plays them:

- **squats**: the level is complete when ``reps`` reps are counted within
  ``time_limit_s``; with ``streak`` set, those reps must include ``streak`` clean reps
  in a row. A clean rep scores at least ``CLEAN_REP_MIN_SCORE`` (85), counting only the
  faults the level does not forgive: ``allowed_faults`` lets an early level teach one
  thing at a time (the coach still cues the others, they just do not break a streak).
  A rep off the ``tempo`` by more than ``tolerance_s`` in any phase counts but is not
  clean (the session caps its score just under the clean bar, so points see it too).
  Points are the sum of rep scores (0-100 each); with ``combo`` above 1, each clean rep
  straight after a clean rep scores ``combo`` times as much.
- **hold**: the level is complete when the player has spent ``hold_s`` seconds in the
  posture (wobbles pause the count, they do not reset it). Points reward holding it in
  one go: ``100 x longest unbroken good stretch / hold_s``, rounded down and capped at
  100 (:meth:`Level.hold_points`). So 100 points means the whole hold without a wobble.

Stars need the goal: a level not completed earns none, whatever its points.

Worlds are listed once, in ``worlds.toml`` beside the levels (the shipped one is always
read; a player's ``levels/worlds.toml`` can add new worlds, never rename shipped ones)::

    format = 2
    [[worlds]]
    number = 1
    title = "Find your heels"
    teaching = "Where your weight sits: over the heels standing, on both sitting bones seated."

Across files, :func:`load_level_set` also refuses duplicate ids, levels in worlds no
``worlds.toml`` lists, unlock rules naming unknown levels or asking for more stars than
a level has, unlock rules that go round in a circle (named as a chain, ``a -> b -> a``)
and levels no player could ever unlock. Each is reported against the file of the level
that is dropped; the rest load.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from game.coach.reps import RepThresholds
from game.coach.scoring import CLEAN_REP_MIN_SCORE
from game.paths import data_dir, shipped_levels_dir
from game.pose.frame import FAULTS

__all__ = [
    "FORMAT_VERSION",
    "KINDS",
    "MAX_HOLD_POINTS",
    "MAX_REP_POINTS",
    "POSTURES",
    "POSTURE_WORDS",
    "READABLE_FORMATS",
    "WORLDS_FILE",
    "HoldGoals",
    "Level",
    "LevelError",
    "LevelSet",
    "Modifiers",
    "SquatGoals",
    "Tempo",
    "UnlockRule",
    "World",
    "default_level_paths",
    "load_level",
    "load_level_set",
    "load_levels",
    "load_worlds",
    "reachable_level_ids",
    "unlocked_level_ids",
]

#: The format this game writes about; every format in READABLE_FORMATS still loads.
FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
KINDS = ("squats", "hold")
#: Holds the coach can judge: weight over the heels standing; on both sitting bones seated.
POSTURES = ("stand_heels", "sit_tall")
POSTURE_WORDS = {"stand_heels": "standing over your heels", "sit_tall": "sitting tall"}
#: The world registry's file name; never read as a level.
WORLDS_FILE = "worlds.toml"
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
#: Deepest knee bend a target may ask for: past ~150 degrees the thigh meets the calf.
MAX_DEPTH_DEG = 150
#: Shallowest target worth calling a squat (a quarter squat is ~45-60 degrees).
MIN_DEPTH_DEG = 30
#: A ceiling must leave the player a band this wide above the target to land in.
MIN_DEPTH_BAND_DEG = 5
#: The coach counts a knee bend as a rep from this flexion on (never knee bobs or hip
#: hinges); a ceiling below it would leave no rep that counts.
COUNTS_FROM_DEG = RepThresholds().full_deg
#: A rep scores at most 100 points; a hold scores at most 100.
MAX_REP_POINTS = 100
MAX_HOLD_POINTS = 100
MAX_STARS = 3
MAX_REPS = 200
#: Fastest controlled bodyweight squat a time limit may assume (the demo athlete takes
#: about 2 s a rep; a rep under 1.5 s is a bounce, not the control the game teaches).
MIN_REP_S = 1.5
MAX_TIME_LIMIT_S = 3600
MAX_TITLE_CHARS = 40
#: The teaching line is one line on a level card, readable from across the room.
MAX_TEACHING_CHARS = 100


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
    """What a squat set asks for (see the module docstring for how each is judged)."""

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
    """Everything :func:`load_level_set` found: good levels in play order, the worlds,
    and one error per file (or per level) it had to leave out."""

    levels: list[Level]
    worlds: dict[int, World]
    errors: list[LevelError]

    def by_id(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)


# -- loading -----------------------------------------------------------------------------


def default_level_paths() -> list[Path]:
    """Where the game looks for levels: the shipped ones, then the player's own."""
    return [shipped_levels_dir(), data_dir() / "levels"]


def load_level(path: Path | str) -> Level:
    """Read and check one level file on its own (no cross-file checks).

    Raises :class:`LevelError` naming what is wrong.
    """
    path = Path(path)
    return _parse_level(path, _read_toml(path))


def load_worlds(path: Path | str) -> list[World]:
    """Read and check one ``worlds.toml``; raises :class:`LevelError`."""
    path = Path(path)
    return _parse_worlds(path, _read_toml(path))


def load_levels(
    folders: Iterable[Path] | None = None,
) -> tuple[list[Level], list[LevelError]]:
    """Good levels in play order and an error per bad file (see :func:`load_level_set`).

    ``None`` reads the shipped levels, then the player's (:func:`default_level_paths`).
    """
    found = load_level_set(folders)
    return found.levels, found.errors


def load_level_set(paths: Iterable[Path] | None = None) -> LevelSet:
    """Load every level file in ``paths`` (folders or single files, in order) and check
    them together; bad files become errors, not crashes.

    Worlds come from the shipped ``worlds.toml`` plus any ``worlds.toml`` in ``paths``.
    A later file whose id is already taken is an error: a player's own level can add to
    the shipped ones but never silently replace one. Play order is world, then
    ``order``, then file name.
    """
    paths = default_level_paths() if paths is None else list(paths)
    errors: list[LevelError] = []
    worlds: dict[int, World] = {}
    level_files: list[Path] = []
    world_files: list[Path] = [shipped_levels_dir() / WORLDS_FILE]
    for given in paths:
        if given.is_dir():
            world_files.append(given / WORLDS_FILE)
            level_files.extend(p for p in sorted(given.glob("*.toml")) if p.name != WORLDS_FILE)
        elif given.name == WORLDS_FILE:
            world_files.append(given)
        elif given.exists() or given.suffix == ".toml":
            level_files.append(given)  # a missing file named on purpose is reported

    for path in _unique(world_files):
        if not path.exists():
            continue
        try:
            entries = load_worlds(path)
        except LevelError as exc:
            errors.append(exc)
            continue
        clash = next((i for i, w in enumerate(entries) if w.number in worlds), None)
        if clash is not None:
            number = entries[clash].number
            errors.append(
                LevelError(
                    path,
                    f"worlds[{clash}].number",
                    f"world {number} is already listed in {worlds[number].path}",
                )
            )
            continue
        worlds.update((w.number, w) for w in entries)

    levels: list[Level] = []
    seen: dict[str, Path] = {}
    worldless: set[str] = set()
    for path in _unique(level_files):
        try:
            level = load_level(path)
        except LevelError as exc:
            errors.append(exc)
            continue
        if level.id in seen:
            errors.append(
                LevelError(path, "id", f"'{level.id}' is already used by {seen[level.id]}")
            )
            continue
        if level.world not in worlds:
            listed = ", ".join(str(n) for n in sorted(worlds)) or "none"
            errors.append(
                LevelError(
                    path,
                    "world",
                    f"world {level.world} is not listed in any {WORLDS_FILE} (worlds: {listed})",
                )
            )
            worldless.add(level.id)
            continue
        seen[level.id] = path
        levels.append(level)
    levels.sort(key=lambda lv: (lv.world, lv.order, lv.path.name, lv.id))
    good, dropped = _check_unlocks(levels, worldless - set(seen))
    errors.extend(dropped)
    return LevelSet(levels=good, worlds=worlds, errors=errors)


def _unique(paths: Iterable[Path]) -> list[Path]:
    """``paths`` without repeats (the shipped folder may be named twice)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise LevelError(path, None, f"cannot read file ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LevelError(path, None, f"not valid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise LevelError(path, None, f"not UTF-8 text ({exc.reason})") from exc


# -- unlock rules across files -------------------------------------------------------------


def unlocked_level_ids(levels: Sequence[Level], best_stars: Mapping[str, int]) -> frozenset[str]:
    """Ids of the levels a player with ``best_stars`` (stars per level id) has opened.

    ``levels`` must be in play order: ``total_stars`` counts the levels before each one.
    Stars in levels that are not in ``levels`` count for nothing; stars above a level's
    most are capped to it (a level file may since have dropped a threshold).
    """
    stars = _capped_stars(levels, best_stars)
    opened: set[str] = set()
    earlier = 0
    for level in levels:
        if level.unlock is None or level.unlock.is_met(stars, earlier):
            opened.add(level.id)
        earlier += stars.get(level.id, 0)
    return frozenset(opened)


def reachable_level_ids(levels: Sequence[Level]) -> frozenset[str]:
    """Levels a player could open by earning every star on offer, level by level."""
    opened: frozenset[str] = frozenset()
    while True:
        stars = {lv.id: lv.max_stars for lv in levels if lv.id in opened}
        now = unlocked_level_ids(levels, stars)
        if now == opened:
            return opened
        opened = now


def _capped_stars(levels: Sequence[Level], best_stars: Mapping[str, int]) -> dict[str, int]:
    return {
        lv.id: max(0, min(lv.max_stars, int(best_stars.get(lv.id, 0))))
        for lv in levels
        if lv.id in best_stars
    }


def _check_unlocks(
    levels: list[Level], broken: Iterable[str] = ()
) -> tuple[list[Level], list[LevelError]]:
    """Drop levels whose unlock rules cannot work; one error each, on its own file.

    References first (a typo gets a "did you mean"), then circles, then whatever still
    can never open; dropping one level can break another's rule, so it repeats. ``broken``
    are ids of levels already left out (so a rule naming one says so, not "unknown").
    """
    alive = list(levels)
    errors: list[LevelError] = []
    dropped: set[str] = set(broken)

    def drop(level: Level, where: str, problem: str) -> None:
        errors.append(LevelError(level.path, where, problem))
        dropped.add(level.id)

    while True:
        by_id = {lv.id: lv for lv in alive}
        for level in alive:
            rule = level.unlock
            if rule is None:
                continue
            for ref in rule.after:
                if ref in by_id:
                    if rule.stars > by_id[ref].max_stars:
                        drop(
                            level,
                            "unlock.stars",
                            f"asks for {rule.stars} stars in '{ref}', which has only "
                            f"{by_id[ref].max_stars}",
                        )
                        break
                    continue
                if ref in dropped:
                    problem = (
                        f"'{ref}' is a broken level (see its own error): this could never open"
                    )
                else:
                    problem = f"'{ref}' is not a level{_did_you_mean(ref, by_id)}"
                drop(level, "unlock.after", problem)
                break
        if dropped & set(by_id):
            alive = [lv for lv in alive if lv.id not in dropped]
            continue
        cycle = _find_cycle(alive)
        if cycle:
            ring = cycle[:-1]
            for k, level_id in enumerate(ring):
                chain = " -> ".join([*ring[k:], *ring[:k], level_id])
                drop(
                    by_id[level_id],
                    "unlock.after",
                    f"unlock rules go round in a circle ({chain}): none of them could ever open",
                )
            alive = [lv for lv in alive if lv.id not in dropped]
            continue
        break

    reachable = reachable_level_ids(alive)
    for level in alive:
        if level.id not in reachable and level.unlock is not None:
            field_name = "unlock.after" if _blocked(level, reachable) else "unlock.total_stars"
            drop(level, field_name, _why_unreachable(level, alive, reachable))
    return [lv for lv in alive if lv.id not in dropped], errors


def _did_you_mean(ref: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(ref, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _find_cycle(levels: Sequence[Level]) -> list[str] | None:
    """One circle of ``after`` references, as ids ending where they start, or None."""
    edges = {lv.id: (lv.unlock.after if lv.unlock else ()) for lv in levels}
    done: set[str] = set()
    for start in edges:
        if start in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                path.append(node)
                on_path.add(node)
            nexts = [n for n in edges.get(node, ()) if n in edges]
            if i < len(nexts):
                stack.append((node, i + 1))
                nxt = nexts[i]
                if nxt in on_path:
                    return [*path[path.index(nxt) :], nxt]
                if nxt not in done:
                    stack.append((nxt, 0))
            else:
                path.pop()
                on_path.discard(node)
                done.add(node)
    return None


def _blocked(level: Level, reachable: frozenset[str]) -> list[str]:
    """The levels in ``level``'s rule that no player can ever open."""
    return [ref for ref in level.unlock.after if ref not in reachable] if level.unlock else []


def _why_unreachable(level: Level, levels: Sequence[Level], reachable: frozenset[str]) -> str:
    rule = level.unlock
    assert rule is not None
    blocked = _blocked(level, reachable)
    if blocked:
        return (
            f"can never be unlocked: it waits for {_and_list(blocked)}, which can never be "
            "unlocked either"
        )
    index = next(i for i, lv in enumerate(levels) if lv.id == level.id)
    possible = sum(lv.max_stars for lv in levels[:index] if lv.id in reachable)
    return (
        f"can never be unlocked: needs {rule.total_stars} stars in earlier levels, but at "
        f"most {possible} can be earned before it"
    )


def _and_list(items: Sequence[str]) -> str:
    quoted = list(items)
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


# -- one file -------------------------------------------------------------------------------

_V1_TOP_KEYS = {
    "format",
    "id",
    "world",
    "title",
    "teaching",
    "kind",
    "time_limit_s",
    "goals",
    "stars",
}
_TOP_KEYS = _V1_TOP_KEYS | {"order", "unlock", "modifiers", "boss"}
_V1_SQUAT_KEYS = {"reps", "depth_deg"}
_SQUAT_KEYS = _V1_SQUAT_KEYS | {"tempo", "allowed_faults", "streak", "max_depth_deg", "pause_s"}
_HOLD_KEYS = {"posture", "hold_s", "allowed_faults"}
_TEMPO_KEYS = {"down_s", "pause_s", "up_s", "tolerance_s"}
_STAR_KEYS = {"thresholds"}
_UNLOCK_KEYS = {"after", "stars", "total_stars"}
_MODIFIER_KEYS = {"mirror", "slow_motion", "combo"}
_WORLDS_TOP_KEYS = {"format", "worlds"}
_WORLD_KEYS = {"number", "title", "teaching"}


def _parse_level(path: Path, data: Mapping[str, Any]) -> Level:
    fmt = _get(path, data, "format", int, "")
    if fmt not in READABLE_FORMATS:
        raise LevelError(
            path, "format", f"this game reads formats {_or_list(READABLE_FORMATS)}, got {fmt}"
        )
    v1 = fmt == 1
    _no_unknown(path, data, _V1_TOP_KEYS if v1 else _TOP_KEYS, "")
    level_id = _get(path, data, "id", str, "")
    if not _ID_RE.match(level_id):
        raise LevelError(
            path, "id", f"'{level_id}' must be 1-48 lowercase letters, digits or dashes"
        )
    world = _get(path, data, "world", int, "", default=1 if v1 else _MISSING)
    if world < 1:
        raise LevelError(path, "world", f"must be 1 or more, got {world}")
    order = _get(path, data, "order", int, "", default=0)
    if not 0 <= order <= 9999:
        raise LevelError(path, "order", f"must be between 0 and 9999, got {order}")
    title = _text(path, data, "title", "", MAX_TITLE_CHARS)
    teaching = _text(path, data, "teaching", "", MAX_TEACHING_CHARS, default="" if v1 else _MISSING)
    kind = _get(path, data, "kind", str, "")
    kinds = ("squats",) if v1 else KINDS
    if kind not in kinds:
        raise LevelError(path, "kind", f"must be one of {', '.join(kinds)}; got '{kind}'")
    time_limit = _number(path, data, "time_limit_s", "", low=5, high=MAX_TIME_LIMIT_S)
    boss = _get(path, data, "boss", bool, "", default=False)

    goal_table = _get(path, data, "goals", dict, "")
    modifiers = _parse_modifiers(path, _get(path, data, "modifiers", dict, "", default={}))
    goals: SquatGoals | HoldGoals
    if kind == "squats":
        goals = _parse_squat_goals(path, goal_table, v1, time_limit)
        max_points = _squat_max_points(goals.reps, modifiers.combo)
        points_why = f"{goals.reps} reps x {MAX_REP_POINTS} points"
        if modifiers.combo != 1:
            points_why += f" with combo x{modifiers.combo:g}"
    else:
        goals = _parse_hold_goals(path, goal_table, time_limit)
        max_points = MAX_HOLD_POINTS
        points_why = "a hold scores at most 100"

    thresholds = _parse_stars(path, _get(path, data, "stars", dict, ""), v1, max_points, points_why)
    unlock = None
    if "unlock" in data:
        unlock = _parse_unlock(path, _get(path, data, "unlock", dict, ""), level_id)
    squats = isinstance(goals, SquatGoals)
    return Level(
        id=level_id,
        title=title,
        teaching=teaching,
        kind=kind,
        world=world,
        reps=goals.reps if squats else 0,
        depth_deg=goals.depth_deg if squats else 0.0,
        time_limit_s=time_limit,
        star_thresholds=thresholds,
        path=path,
        goals=goals,
        unlock=unlock,
        modifiers=modifiers,
        boss=boss,
        order=order,
        format=fmt,
    )


def _parse_squat_goals(
    path: Path, table: Mapping[str, Any], v1: bool, time_limit: float
) -> SquatGoals:
    _no_unknown(path, table, _V1_SQUAT_KEYS if v1 else _SQUAT_KEYS, "goals.")
    reps = _get(path, table, "reps", int, "goals.")
    if not 1 <= reps <= MAX_REPS:
        raise LevelError(path, "goals.reps", f"must be between 1 and {MAX_REPS}, got {reps}")
    depth = _number(path, table, "depth_deg", "goals.", low=MIN_DEPTH_DEG, high=MAX_DEPTH_DEG)
    ceiling = _number(
        path, table, "max_depth_deg", "goals.", low=MIN_DEPTH_DEG, high=MAX_DEPTH_DEG, default=None
    )
    if ceiling is not None and ceiling < depth + MIN_DEPTH_BAND_DEG:
        raise LevelError(
            path,
            "goals.max_depth_deg",
            f"must be at least {MIN_DEPTH_BAND_DEG} degrees above depth_deg ({depth:g}) so a "
            f"rep can land between them, got {ceiling:g}",
        )
    if ceiling is not None and ceiling < COUNTS_FROM_DEG + MIN_DEPTH_BAND_DEG:
        raise LevelError(
            path,
            "goals.max_depth_deg",
            f"must be at least {COUNTS_FROM_DEG + MIN_DEPTH_BAND_DEG:g}: the coach counts a rep "
            f"from {COUNTS_FROM_DEG:g} degrees of knee bend, so no rep could count below "
            f"{ceiling:g}",
        )
    pause = _number(path, table, "pause_s", "goals.", low=0.5, high=10, default=None)
    streak = _get(path, table, "streak", int, "goals.", default=None)
    if streak is not None and not 2 <= streak <= reps:
        raise LevelError(path, "goals.streak", f"must be between 2 and reps ({reps}), got {streak}")
    tempo = None
    if "tempo" in table:
        tempo = _parse_tempo(path, _get(path, table, "tempo", dict, "goals."))
        if pause is not None:
            raise LevelError(
                path,
                "goals.pause_s",
                "give the bottom pause once: as goals.pause_s or as goals.tempo.pause_s",
            )
    goals = SquatGoals(
        reps=reps,
        depth_deg=depth,
        tempo=tempo,
        allowed_faults=_parse_faults(path, table),
        streak=streak,
        max_depth_deg=ceiling,
        pause_s=pause,
    )
    needed = reps * goals.min_rep_s
    if needed > time_limit:
        raise LevelError(
            path,
            "time_limit_s",
            f"{time_limit:g} s is too short: {reps} reps need at least {needed:g} s "
            f"({goals.min_rep_s:g} s a rep)",
        )
    return goals


def _parse_hold_goals(path: Path, table: Mapping[str, Any], time_limit: float) -> HoldGoals:
    _no_unknown(path, table, _HOLD_KEYS, "goals.")
    posture = _get(path, table, "posture", str, "goals.")
    if posture not in POSTURES:
        raise LevelError(
            path, "goals.posture", f"must be one of {', '.join(POSTURES)}; got '{posture}'"
        )
    hold = _number(path, table, "hold_s", "goals.", low=3, high=600)
    if hold > time_limit:
        raise LevelError(
            path,
            "goals.hold_s",
            f"{hold:g} s cannot be held within time_limit_s ({time_limit:g} s)",
        )
    return HoldGoals(posture=posture, hold_s=hold, allowed_faults=_parse_faults(path, table))


def _parse_tempo(path: Path, table: Mapping[str, Any]) -> Tempo:
    p = "goals.tempo."
    _no_unknown(path, table, _TEMPO_KEYS, p)
    tempo = Tempo(
        down_s=_number(path, table, "down_s", p, low=0.5, high=10),
        pause_s=_number(path, table, "pause_s", p, low=0, high=10),
        up_s=_number(path, table, "up_s", p, low=0.5, high=10),
        tolerance_s=_number(path, table, "tolerance_s", p, low=0.1, high=2),
    )
    shortest = min(tempo.down_s, tempo.up_s)
    if tempo.tolerance_s >= shortest:
        raise LevelError(
            path,
            p + "tolerance_s",
            f"must be less than the shortest phase ({shortest:g} s), or any speed would do; "
            f"got {tempo.tolerance_s:g}",
        )
    return tempo


def _parse_faults(path: Path, table: Mapping[str, Any]) -> frozenset[str]:
    raw = _get(path, table, "allowed_faults", list, "goals.", default=[])
    out: list[str] = []
    for item in raw:
        if not isinstance(item, str) or item not in FAULTS:
            raise LevelError(
                path,
                "goals.allowed_faults",
                f"{item!r} is not a fault{_did_you_mean(str(item), FAULTS)} "
                f"(faults: {', '.join(FAULTS)})",
            )
        if item in out:
            raise LevelError(path, "goals.allowed_faults", f"'{item}' is listed twice")
        out.append(item)
    if len(out) == len(FAULTS):
        raise LevelError(
            path, "goals.allowed_faults", "forgives every fault, so nothing would be coached"
        )
    return frozenset(out)


def _parse_stars(
    path: Path, table: Mapping[str, Any], v1: bool, max_points: int, points_why: str
) -> tuple[int, ...]:
    _no_unknown(path, table, _STAR_KEYS, "stars.")
    thresholds = _get(path, table, "thresholds", list, "stars.")
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in thresholds)
    if v1 and (len(thresholds) != 3 or not whole):
        raise LevelError(path, "stars.thresholds", "must be three whole numbers of points")
    if not 1 <= len(thresholds) <= MAX_STARS or not whole:
        raise LevelError(
            path, "stars.thresholds", f"must be 1 to {MAX_STARS} whole numbers of points"
        )
    rising = thresholds[0] > 0 and all(a < b for a, b in pairwise(thresholds))
    if not rising or thresholds[-1] > max_points:
        raise LevelError(
            path,
            "stars.thresholds",
            f"must rise strictly from above 0 to at most {max_points} ({points_why}); "
            f"got {thresholds}",
        )
    return tuple(thresholds)


def _parse_unlock(path: Path, table: Mapping[str, Any], level_id: str) -> UnlockRule:
    _no_unknown(path, table, _UNLOCK_KEYS, "unlock.")
    after = _get(path, table, "after", list, "unlock.", default=[])
    for item in after:
        if not isinstance(item, str) or not _ID_RE.match(item):
            raise LevelError(path, "unlock.after", f"{item!r} is not a level id")
    if len(set(after)) != len(after):
        raise LevelError(path, "unlock.after", "names a level twice")
    if level_id in after:
        raise LevelError(
            path,
            "unlock.after",
            f"unlock rules go round in a circle ({level_id} -> {level_id}): it waits for itself",
        )
    stars = _get(path, table, "stars", int, "unlock.", default=None)
    if stars is not None:
        if not after:
            raise LevelError(path, "unlock.stars", "needs unlock.after: stars in which levels?")
        if not 1 <= stars <= MAX_STARS:
            raise LevelError(
                path, "unlock.stars", f"must be between 1 and {MAX_STARS}, got {stars}"
            )
    total = _get(path, table, "total_stars", int, "unlock.", default=0)
    if not 0 <= total <= 10_000:
        raise LevelError(path, "unlock.total_stars", f"must be between 0 and 10000, got {total}")
    if not after and not total:
        raise LevelError(
            path,
            "unlock",
            "needs 'after' and/or 'total_stars' (leave the table out to open it from the start)",
        )
    return UnlockRule(after=tuple(after), stars=1 if stars is None else stars, total_stars=total)


def _parse_modifiers(path: Path, table: Mapping[str, Any]) -> Modifiers:
    p = "modifiers."
    _no_unknown(path, table, _MODIFIER_KEYS, p)
    return Modifiers(
        mirror=_get(path, table, "mirror", bool, p, default=None),
        slow_motion=_number(path, table, "slow_motion", p, low=0.25, high=1, default=1.0),
        combo=_number(path, table, "combo", p, low=1, high=3, default=1.0),
    )


def _parse_worlds(path: Path, data: Mapping[str, Any]) -> list[World]:
    _no_unknown(path, data, _WORLDS_TOP_KEYS, "")
    fmt = _get(path, data, "format", int, "")
    if fmt != FORMAT_VERSION:
        raise LevelError(path, "format", f"a worlds file is format {FORMAT_VERSION}, got {fmt}")
    entries = _get(path, data, "worlds", list, "")
    if not entries:
        raise LevelError(path, "worlds", "lists no worlds")
    worlds: list[World] = []
    for i, entry in enumerate(entries):
        p = f"worlds[{i}]."
        if not isinstance(entry, dict):
            raise LevelError(path, f"worlds[{i}]", "must be a table ([[worlds]])")
        _no_unknown(path, entry, _WORLD_KEYS, p)
        number = _get(path, entry, "number", int, p)
        if not 1 <= number <= 999:
            raise LevelError(path, p + "number", f"must be between 1 and 999, got {number}")
        if any(w.number == number for w in worlds):
            raise LevelError(path, p + "number", f"world {number} is listed twice")
        worlds.append(
            World(
                number=number,
                title=_text(path, entry, "title", p, MAX_TITLE_CHARS),
                teaching=_text(path, entry, "teaching", p, MAX_TEACHING_CHARS),
                path=path,
            )
        )
    return worlds


# -- field helpers ------------------------------------------------------------------------

_TYPE_NAMES = {
    int: "a whole number",
    str: "text",
    dict: "a table",
    list: "a list",
    bool: "true or false",
}
_MISSING: Any = object()


def _get(
    path: Path, table: Mapping[str, Any], key: str, kind: type, prefix: str, default: Any = _MISSING
) -> Any:
    if key not in table:
        if default is _MISSING:
            raise LevelError(path, prefix + key, "is missing")
        return default
    value = table[key]
    # bool is an int in Python; a level saying `reps = true` is a mistake, not 1.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise LevelError(
            path, prefix + key, f"must be {_TYPE_NAMES[kind]}, got {type(value).__name__} {value!r}"
        )
    return value


def _number(
    path: Path,
    table: Mapping[str, Any],
    key: str,
    prefix: str,
    *,
    low: float,
    high: float,
    default: Any = _MISSING,
) -> Any:
    if key not in table:
        if default is _MISSING:
            raise LevelError(path, prefix + key, "is missing")
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LevelError(
            path, prefix + key, f"must be a number, got {type(value).__name__} {value!r}"
        )
    if not low <= value <= high:  # also refuses nan
        raise LevelError(path, prefix + key, f"must be between {low:g} and {high:g}, got {value}")
    return float(value)


def _text(
    path: Path,
    table: Mapping[str, Any],
    key: str,
    prefix: str,
    max_chars: int,
    default: Any = _MISSING,
) -> str:
    value = _get(path, table, key, str, prefix, default=default).strip()
    if not value and default is _MISSING:
        raise LevelError(path, prefix + key, "must not be empty")
    if "\n" in value or "\r" in value:
        raise LevelError(path, prefix + key, "must be one line")
    if len(value) > max_chars:
        raise LevelError(
            path, prefix + key, f"must be at most {max_chars} characters, got {len(value)}"
        )
    return value


def _no_unknown(path: Path, table: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            hint = _did_you_mean(key, allowed)
            raise LevelError(
                path,
                prefix + key,
                f"unknown key{hint} (allowed: {', '.join(sorted(allowed))})",
            )


def _or_list(items: Iterable[object]) -> str:
    words = [str(i) for i in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
