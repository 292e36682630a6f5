"""Levels are data: TOML files in ``levels/``, loaded into checked dataclasses.

A broken file never stops the game: :func:`load_levels` returns the good levels and a
:class:`LevelError` per bad file, each naming the file, the field and the problem, so
the game can show a warning and start with the rest.

File format (``format = 1``)::

    format = 1
    id = "first-squats"            # unique, lowercase letters, digits and dashes
    world = 1                      # optional, default 1
    title = "First squats"
    teaching = "One line that says what this level teaches."
    kind = "squats"
    time_limit_s = 90

    [goals]
    reps = 5                       # counted reps needed to finish
    depth_deg = 90                 # knee bend a rep should reach (degrees)

    [stars]
    thresholds = [250, 380, 450]   # points for 1, 2 and 3 stars (sum of rep scores)
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FORMAT_VERSION", "KINDS", "Level", "LevelError", "load_level", "load_levels"]

FORMAT_VERSION = 1
#: Level kinds this version of the game can play. Posture holds ("hold") come later.
KINDS = ("squats",)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
#: Deepest knee bend a target may ask for: past ~150° the thigh meets the calf.
MAX_DEPTH_DEG = 150
#: A rep scores at most 100 points.
MAX_REP_POINTS = 100


class LevelError(ValueError):
    """A level file is broken. ``str()`` reads ``FILE: field 'F': PROBLEM``."""

    def __init__(self, path: Path | str, field: str | None, problem: str) -> None:
        self.path = Path(path)
        self.field = field
        self.problem = problem
        where = f"field '{field}': " if field else ""
        super().__init__(f"{self.path}: {where}{problem}")


@dataclass(frozen=True, slots=True)
class Level:
    """One playable level, checked."""

    id: str
    title: str
    teaching: str
    kind: str
    world: int
    reps: int
    depth_deg: float
    time_limit_s: float
    star_thresholds: tuple[int, int, int]
    path: Path

    def stars_for(self, points: int, completed: bool) -> int:
        """Stars earned: none unless the goal was met, then one per threshold reached."""
        if not completed:
            return 0
        return sum(points >= threshold for threshold in self.star_thresholds)

    @property
    def max_points(self) -> int:
        return self.reps * MAX_REP_POINTS


_TOP_KEYS = {"format", "id", "world", "title", "teaching", "kind", "time_limit_s", "goals", "stars"}
_GOAL_KEYS = {"reps", "depth_deg"}
_STAR_KEYS = {"thresholds"}


def load_level(path: Path | str) -> Level:
    """Read and check one level file; raises :class:`LevelError` naming what is wrong."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise LevelError(path, None, f"cannot read file ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LevelError(path, None, f"not valid TOML ({exc})") from exc
    return _parse(path, data)


def load_levels(folders: Iterable[Path]) -> tuple[list[Level], list[LevelError]]:
    """Load every ``*.toml`` in ``folders`` (in order); bad files become errors, not crashes.

    A later file whose id is already taken is an error too: a player's own level can add
    to the shipped ones but never silently replace one.
    """
    levels: list[Level] = []
    errors: list[LevelError] = []
    seen: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
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
            seen[level.id] = path
            levels.append(level)
    levels.sort(key=lambda lv: (lv.world, lv.path.name))
    return levels, errors


def _parse(path: Path, data: Mapping[str, Any]) -> Level:
    _no_unknown(path, data, _TOP_KEYS, "")
    fmt = _get(path, data, "format", int, "")
    if fmt != FORMAT_VERSION:
        raise LevelError(path, "format", f"this game reads format {FORMAT_VERSION}, got {fmt}")
    level_id = _get(path, data, "id", str, "")
    if not _ID_RE.match(level_id):
        raise LevelError(
            path, "id", f"'{level_id}' must be 1-48 lowercase letters, digits or dashes"
        )
    title = _get(path, data, "title", str, "").strip()
    if not title:
        raise LevelError(path, "title", "must not be empty")
    kind = _get(path, data, "kind", str, "")
    if kind not in KINDS:
        raise LevelError(path, "kind", f"must be one of {', '.join(KINDS)}; got '{kind}'")
    world = _get(path, data, "world", int, "", default=1)
    if world < 1:
        raise LevelError(path, "world", f"must be 1 or more, got {world}")
    time_limit = _number(path, data, "time_limit_s", "", low=5, high=3600)

    goals = _get(path, data, "goals", dict, "")
    _no_unknown(path, goals, _GOAL_KEYS, "goals.")
    reps = _get(path, goals, "reps", int, "goals.")
    if not 1 <= reps <= 200:
        raise LevelError(path, "goals.reps", f"must be between 1 and 200, got {reps}")
    depth = _number(path, goals, "depth_deg", "goals.", low=30, high=MAX_DEPTH_DEG)

    stars = _get(path, data, "stars", dict, "")
    _no_unknown(path, stars, _STAR_KEYS, "stars.")
    thresholds = _get(path, stars, "thresholds", list, "stars.")
    if len(thresholds) != 3 or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in thresholds
    ):
        raise LevelError(path, "stars.thresholds", "must be three whole numbers of points")
    if not 0 < thresholds[0] < thresholds[1] < thresholds[2] <= reps * MAX_REP_POINTS:
        raise LevelError(
            path,
            "stars.thresholds",
            f"must rise strictly from above 0 to at most {reps * MAX_REP_POINTS} "
            f"({reps} reps x {MAX_REP_POINTS} points); got {thresholds}",
        )
    return Level(
        id=level_id,
        title=title,
        teaching=_get(path, data, "teaching", str, "", default="").strip(),
        kind=kind,
        world=world,
        reps=reps,
        depth_deg=float(depth),
        time_limit_s=float(time_limit),
        star_thresholds=(thresholds[0], thresholds[1], thresholds[2]),
        path=path,
    )


_TYPE_NAMES = {int: "a whole number", str: "text", dict: "a table", list: "a list"}
_MISSING = object()


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
    path: Path, table: Mapping[str, Any], key: str, prefix: str, *, low: float, high: float
) -> float:
    value = table.get(key, _MISSING)
    if value is _MISSING:
        raise LevelError(path, prefix + key, "is missing")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LevelError(
            path, prefix + key, f"must be a number, got {type(value).__name__} {value!r}"
        )
    if not low <= value <= high:
        raise LevelError(path, prefix + key, f"must be between {low} and {high}, got {value}")
    return float(value)


def _no_unknown(path: Path, table: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise LevelError(
                path, prefix + key, f"unknown key (allowed: {', '.join(sorted(allowed))})"
            )
