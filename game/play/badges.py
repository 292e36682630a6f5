"""Badges: small named rewards for the habits the game teaches, kept per player.

Stars say how well a level went; badges name *what* went well, in the game's own words
("Glutes high x10": ten clean reps in one set), so a player learns which habit earned
it. Each badge is a pure rule on one attempt's :class:`~game.play.session.SessionResult`
(and its level), so the rules are tested without a screen or a database.

A player's badges are stored as a plain dict in the score store's per-player ``badges``
field (``ScoreStore.player_data(name, "badges")``)::

    {"version": 1, "earned": {"glutes-high-10": {"first": "2026-01-03T21:30:00+00:00",
                                                  "count": 2}}}

A damaged record is read as "no badges yet" rather than stopping the results screen; the
next award writes a good one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from game.coach.scoring import CLEAN_REP_MIN_SCORE
from game.play.levels import Level
from game.play.scores import ScoreStore
from game.play.session import SessionResult

__all__ = [
    "BADGES",
    "BADGE_FIELD",
    "Badge",
    "BadgeAward",
    "badge_by_id",
    "earned_badges",
    "merge_badges",
    "player_badges",
    "record_badges",
]

BADGE_FIELD = "badges"
BADGES_VERSION = 1
#: The fault id the coach gives a tucked tail (``game.pose.frame.FAULTS``).
TAIL_TUCK = "tail_tuck"
#: A set must have at least this many counted reps for the tuck-free badge: one careful
#: rep without a tuck proves little; five is the shortest shipped squat level.
NO_TUCK_MIN_REPS = 5
#: Ten clean reps in one set: the issue's "Glutes high x10".
GLUTES_HIGH_REPS = 10


@dataclass(frozen=True, slots=True)
class Badge:
    """One badge: a stable id (stored), a title and what earns it (both shown)."""

    id: str
    title: str
    description: str
    rule: Callable[[SessionResult, Level | None], bool]


def _clean_reps(result: SessionResult) -> int:
    return sum(rep.score >= CLEAN_REP_MIN_SCORE for rep in result.reps)


def _first_set(result: SessionResult, level: Level | None) -> bool:
    return result.completed


def _glutes_high(result: SessionResult, level: Level | None) -> bool:
    return _clean_reps(result) >= GLUTES_HIGH_REPS


def _no_tuck(result: SessionResult, level: Level | None) -> bool:
    return (
        result.completed
        and len(result.reps) >= NO_TUCK_MIN_REPS
        and all(TAIL_TUCK not in rep.faults for rep in result.reps)
    )


def _perfect_set(result: SessionResult, level: Level | None) -> bool:
    return (
        result.completed
        and len(result.reps) >= NO_TUCK_MIN_REPS
        and _clean_reps(result) == len(result.reps)
    )


def _three_stars(result: SessionResult, level: Level | None) -> bool:
    top = level.max_stars if level is not None else 3
    return result.completed and top > 0 and result.stars >= top


def _boss(result: SessionResult, level: Level | None) -> bool:
    return result.completed and level is not None and level.boss and result.stars > 0


#: Every badge, in the order the results screen and the player's list show them.
BADGES: tuple[Badge, ...] = (
    Badge("first-set", "First set", "Finish any level", _first_set),
    Badge(
        "no-tuck-streak",
        "No tuck streak",
        f"A finished set of {NO_TUCK_MIN_REPS}+ reps without tucking the tail",
        _no_tuck,
    ),
    Badge(
        "glutes-high-10",
        f"Glutes high x{GLUTES_HIGH_REPS}",
        f"{GLUTES_HIGH_REPS} clean reps in one set",
        _glutes_high,
    ),
    Badge(
        "perfect-set",
        "Perfect set",
        f"Every rep clean in a finished set of {NO_TUCK_MIN_REPS}+",
        _perfect_set,
    ),
    Badge("top-marks", "Top marks", "Every star a level has", _three_stars),
    Badge("boss-beaten", "Boss beaten", "Finish a world's boss level", _boss),
)
_BY_ID = {b.id: b for b in BADGES}


def badge_by_id(badge_id: str) -> Badge | None:
    return _BY_ID.get(badge_id)


def earned_badges(result: SessionResult, level: Level | None = None) -> list[Badge]:
    """The badges this one attempt earns (whether or not the player had them already)."""
    return [b for b in BADGES if b.rule(result, level)]


@dataclass(frozen=True, slots=True)
class BadgeAward:
    """What one attempt did to a player's badges."""

    earned: tuple[Badge, ...]  # every badge the attempt earned
    new: tuple[Badge, ...]  # those the player did not have before
    record: dict[str, Any]  # the player's updated badge record (to store)

    @property
    def total(self) -> int:
        return len(self.record["earned"])


def _earned_map(stored: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The ``earned`` table of a stored record, keeping only well-formed known entries."""
    if not isinstance(stored, Mapping) or not isinstance(stored.get("earned"), Mapping):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for badge_id, entry in stored["earned"].items():
        if badge_id not in _BY_ID or not isinstance(entry, Mapping):
            continue
        count = entry.get("count")
        first = entry.get("first")
        out[badge_id] = {
            "count": count if isinstance(count, int) and count > 0 else 1,
            "first": first if isinstance(first, str) else "",
        }
    return out


def player_badges(stored: Mapping[str, Any] | None) -> list[Badge]:
    """The badges in a stored record, in :data:`BADGES` order."""
    earned = _earned_map(stored)
    return [b for b in BADGES if b.id in earned]


def merge_badges(
    stored: Mapping[str, Any] | None, earned: Sequence[Badge], when: datetime | None = None
) -> BadgeAward:
    """Add ``earned`` to a player's stored record; which of them are new. Pure."""
    table = _earned_map(stored)
    stamp = (when or datetime.now(UTC)).isoformat(timespec="seconds")
    new = []
    for badge in earned:
        entry = table.get(badge.id)
        if entry is None:
            table[badge.id] = {"count": 1, "first": stamp}
            new.append(badge)
        else:
            entry["count"] += 1
    record = {"version": BADGES_VERSION, "earned": table}
    return BadgeAward(tuple(earned), tuple(new), record)


def record_badges(
    store: ScoreStore,
    player: str,
    result: SessionResult,
    level: Level | None = None,
    when: datetime | None = None,
) -> BadgeAward:
    """Award ``result``'s badges to ``player`` in ``store``; what was new."""
    award = merge_badges(store.player_data(player, BADGE_FIELD), earned_badges(result, level), when)
    if award.earned:
        store.set_player_data(player, BADGE_FIELD, award.record)
    return award
