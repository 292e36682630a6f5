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

This module is the loader and the one place to import from. The parts live beside it:
the dataclasses in :mod:`game.play.level_model`, reading and checking one file in
:mod:`game.play.level_toml`, unlock rules in :mod:`game.play.unlocks`; their public
names are re-exported here, so ``from game.play.levels import Level`` keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from game.paths import data_dir, shipped_levels_dir
from game.play.level_model import (
    FORMAT_VERSION,
    KINDS,
    MAX_HOLD_POINTS,
    MAX_REP_POINTS,
    POSTURE_WORDS,
    POSTURES,
    READABLE_FORMATS,
    HoldGoals,
    Level,
    LevelError,
    LevelSet,
    Modifiers,
    SquatGoals,
    Tempo,
    UnlockRule,
    World,
)
from game.play.level_toml import load_level, load_worlds
from game.play.unlocks import _check_unlocks, reachable_level_ids, unlocked_level_ids

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


#: The world registry's file name; never read as a level.
WORLDS_FILE = "worlds.toml"


# -- loading -----------------------------------------------------------------------------


def default_level_paths() -> list[Path]:
    """Where the game looks for levels: the shipped ones, then the player's own."""
    return [shipped_levels_dir(), data_dir() / "levels"]


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
