"""One level file, or one ``worlds.toml``, read into checked dataclasses.

Every check a single file can fail on its own is here, beside the limits it enforces;
the checks that need every level at once (duplicate ids, unknown worlds, unlock rules)
belong to :func:`game.play.levels.load_level_set` and :mod:`game.play.unlocks`. The
format itself is documented in :mod:`game.play.levels`. Each message is what a level
author reads (``FILE: field 'F': PROBLEM``): it names the field and what would be right.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from game.coach.reps import RepThresholds
from game.play.level_model import (
    FORMAT_VERSION,
    KINDS,
    MAX_HOLD_POINTS,
    MAX_REP_POINTS,
    POSTURES,
    READABLE_FORMATS,
    HoldGoals,
    Level,
    LevelError,
    Modifiers,
    SquatGoals,
    Tempo,
    UnlockRule,
    World,
    _did_you_mean,
    _squat_max_points,
)
from game.pose.frame import FAULTS

__all__ = ["load_level", "load_worlds"]

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
MAX_STARS = 3
MAX_REPS = 200
MAX_TIME_LIMIT_S = 3600
MAX_TITLE_CHARS = 40
#: The teaching line is one line on a level card, readable from across the room.
MAX_TEACHING_CHARS = 100


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
        return _get(path, table, key, object, prefix, default)  # the default, or "is missing"
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
