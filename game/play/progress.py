"""A player's way through the levels: what is open, stars per world, what to play next,
and how many days in a row they have played.

Everything here is computed from two things the game already keeps, so it can never
disagree with them: the level files (their unlock rules, :mod:`game.play.levels`) and the
player's best stars per level (``ScoreStore.best_stars``, which ``add_run`` keeps up to
date in the store's ``progress`` table, in the same transaction as the run). Nothing is
cached: a level file edited to ask for more stars applies at once, exactly as written.

The pure part (:func:`compute_progress`, :func:`play_streak`) takes plain values and is
what tests and the UI's previews use; :func:`load_progress`, :func:`load_play_streak`
and :func:`record_result` read or write a :class:`~game.play.scores.ScoreStore`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from game.play.levels import Level, World, unlocked_level_ids
from game.play.scores import ScoreStore
from game.play.session import SessionResult

__all__ = [
    "LevelStatus",
    "PlayStreak",
    "Progress",
    "RecordedResult",
    "WorldProgress",
    "compute_progress",
    "load_play_streak",
    "load_progress",
    "play_days",
    "play_streak",
    "record_result",
]


@dataclass(frozen=True, slots=True)
class LevelStatus:
    """One level as a player sees it on the level select."""

    level: Level
    unlocked: bool
    stars: int
    #: What opens it, in words ("1 star in Sit tall; 8 stars in earlier levels"), or ""
    #: when it is open.
    needs: str


@dataclass(frozen=True, slots=True)
class WorldProgress:
    """Stars and state of one world."""

    number: int
    title: str
    teaching: str
    levels: tuple[LevelStatus, ...]

    @property
    def stars(self) -> int:
        return sum(s.stars for s in self.levels)

    @property
    def max_stars(self) -> int:
        return sum(s.level.max_stars for s in self.levels)

    @property
    def unlocked(self) -> bool:
        """Some level in it is open (a world is entered through its first level)."""
        return any(s.unlocked for s in self.levels)

    @property
    def complete(self) -> bool:
        """Every level in it has at least one star (completed at least once)."""
        return bool(self.levels) and all(s.stars > 0 for s in self.levels)

    @property
    def boss_beaten(self) -> bool:
        return any(s.level.boss and s.stars > 0 for s in self.levels)


@dataclass(frozen=True, slots=True)
class Progress:
    """A player's progress through ``levels`` (in play order)."""

    levels: tuple[Level, ...]
    #: Best stars per level id, for known levels only, capped at each level's most.
    stars: Mapping[str, int]
    unlocked: frozenset[str]
    worlds: Mapping[int, World]

    def is_unlocked(self, level_id: str) -> bool:
        return level_id in self.unlocked

    def stars_in(self, level_id: str) -> int:
        return self.stars.get(level_id, 0)

    @property
    def total_stars(self) -> int:
        return sum(self.stars.values())

    @property
    def max_stars(self) -> int:
        return sum(lv.max_stars for lv in self.levels)

    def status(self, level: Level) -> LevelStatus:
        open_ = level.id in self.unlocked
        needs = ""
        if not open_ and level.unlock is not None:
            titles = {lv.id: lv.title for lv in self.levels}
            needs = level.unlock.describe(titles)
        return LevelStatus(level, open_, self.stars_in(level.id), needs)

    def statuses(self) -> list[LevelStatus]:
        return [self.status(lv) for lv in self.levels]

    def world_progress(self) -> list[WorldProgress]:
        """Every world that has levels, in order; titles from the registry when known."""
        numbers = sorted({lv.world for lv in self.levels})
        out = []
        for n in numbers:
            world = self.worlds.get(n)
            out.append(
                WorldProgress(
                    number=n,
                    title=world.title if world else f"World {n}",
                    teaching=world.teaching if world else "",
                    levels=tuple(self.status(lv) for lv in self.levels if lv.world == n),
                )
            )
        return out

    def next_level(self) -> Level | None:
        """What to play next: the first open level not yet completed; else the first open
        level short of its most stars; None once every open level has every star."""
        open_levels = [lv for lv in self.levels if lv.id in self.unlocked]
        for level in open_levels:
            if self.stars_in(level.id) == 0:
                return level
        for level in open_levels:
            if self.stars_in(level.id) < level.max_stars:
                return level
        return None

    def newly_unlocked(self, before: Progress) -> list[Level]:
        """Levels open now that were locked in ``before`` (in play order)."""
        return [lv for lv in self.levels if lv.id in self.unlocked - before.unlocked]


def compute_progress(
    levels: Sequence[Level],
    best_stars: Mapping[str, int],
    worlds: Mapping[int, World] | None = None,
) -> Progress:
    """Progress of a player whose best stars per level id are ``best_stars``.

    ``levels`` must be in play order (as :func:`~game.play.levels.load_levels` returns
    them): ``total_stars`` rules count the levels before each one.
    """
    known = {lv.id: lv for lv in levels}
    stars = {
        level_id: max(0, min(known[level_id].max_stars, int(n)))
        for level_id, n in best_stars.items()
        if level_id in known
    }
    return Progress(
        levels=tuple(levels),
        stars=stars,
        unlocked=unlocked_level_ids(levels, stars),
        worlds=dict(worlds or {}),
    )


def load_progress(
    store: ScoreStore,
    player: str,
    levels: Sequence[Level],
    worlds: Mapping[int, World] | None = None,
) -> Progress:
    """``player``'s progress as the score store has it (a new player: first levels open)."""
    return compute_progress(levels, store.best_stars(player), worlds)


@dataclass(frozen=True, slots=True)
class RecordedResult:
    """What saving one attempt changed, for the results screen."""

    run_id: int
    before: Progress
    after: Progress
    #: The level's best stars before this attempt (the results screen's "new best").
    best_stars_before: int

    @property
    def newly_unlocked(self) -> list[Level]:
        return self.after.newly_unlocked(self.before)

    @property
    def stars_gained(self) -> int:
        """Stars added to the player's total (only a new best adds any)."""
        return self.after.total_stars - self.before.total_stars


def record_result(
    store: ScoreStore,
    player: str,
    result: SessionResult,
    levels: Sequence[Level],
    worlds: Mapping[int, World] | None = None,
) -> RecordedResult:
    """Save ``result`` for ``player`` and say what it unlocked.

    The run and the player's best stars are written together by ``ScoreStore.add_run``
    (one transaction), so progress read back afterwards always includes this run.
    """
    before = load_progress(store, player, levels, worlds)
    run_id = store.add_run(player, result)
    after = load_progress(store, player, levels, worlds)
    return RecordedResult(
        run_id=run_id,
        before=before,
        after=after,
        best_stars_before=before.stars_in(result.level_id),
    )


# -- days in a row ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlayStreak:
    """Days in a row with at least one run, counted in the player's own calendar days."""

    #: Days in a row up to today, or up to yesterday when today has no run yet (the
    #: streak is still alive until today is over); 0 when the last day played is older.
    current: int
    best: int
    played_today: bool
    last_day: date | None


def play_days(timestamps: Iterable[str], tz: tzinfo | None = None) -> set[date]:
    """Calendar days (in ``tz``; None = this computer's zone) with a run.

    The store writes UTC ISO-8601 times (``2026-01-03T21:30:00+00:00``); a time without
    a zone is taken as UTC. Unreadable stamps are skipped: a streak is a reward, never a
    reason to fail.
    """
    days = set()
    for stamp in timestamps:
        try:
            when = datetime.fromisoformat(stamp)
        except (TypeError, ValueError):
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        days.add(when.astimezone(tz).date())
    return days


def play_streak(days: Iterable[date], today: date) -> PlayStreak:
    """Current and best runs of consecutive days in ``days``, as of ``today``."""
    played = sorted(set(days))
    best = run = 0
    previous: date | None = None
    for day in played:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    played_set = set(played)
    end = today if today in played_set else today - timedelta(days=1)
    current = 0
    while end - timedelta(days=current) in played_set:
        current += 1
    past = [d for d in played if d <= today]
    return PlayStreak(
        current=current,
        best=best,
        played_today=today in played_set,
        last_day=past[-1] if past else None,
    )


def load_play_streak(
    store: ScoreStore, player: str, today: date | None = None, tz: tzinfo | None = None
) -> PlayStreak:
    """``player``'s streak from the run times in ``store`` (today: this computer's)."""
    stamps = [row.created_at for row in store.runs(player=player)]
    when = today or datetime.now(tz).date()
    return play_streak(play_days(stamps, tz), when)
