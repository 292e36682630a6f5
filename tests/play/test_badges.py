"""Badges: each rule on real coached reps from the demo athlete, stored per player."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from game.coach.coach import Coach, RepResult
from game.paths import shipped_levels_dir
from game.play.badges import (
    BADGE_FIELD,
    BADGES,
    badge_by_id,
    earned_badges,
    merge_badges,
    player_badges,
    record_badges,
)
from game.play.levels import load_level_set
from game.play.scores import ScoreStore
from game.play.session import SessionResult
from game.pose.sources import open_source

LEVELS = load_level_set([shipped_levels_dir()])


def coached_reps(spec: str) -> tuple[RepResult, ...]:
    coach = Coach()
    source = open_source(spec)
    try:
        for frame in source.frames():
            coach.update(frame)
    finally:
        source.close()
    return tuple(coach.reps)


@pytest.fixture(scope="module")
def clean_ten() -> tuple[RepResult, ...]:
    return coached_reps("demo?reps=10&mask=false")


@pytest.fixture(scope="module")
def tucked_five() -> tuple[RepResult, ...]:
    # The tuck is read from the silhouette's lower back: this needs the mask.
    return coached_reps("demo:tail_tuck?reps=5&width=640&height=360")


def result(reps: tuple[RepResult, ...], completed: bool = True, stars: int = 2) -> SessionResult:
    return SessionResult("first-squats", completed, sum(r.score for r in reps), stars, reps, 0, 60)


def ids(badges: list) -> set[str]:
    return {b.id for b in badges}


def test_ten_clean_reps_earn_glutes_high_x10(clean_ten: tuple[RepResult, ...]) -> None:
    assert len(clean_ten) == 10
    assert "glutes-high-10" in ids(earned_badges(result(clean_ten)))
    assert "glutes-high-10" not in ids(earned_badges(result(clean_ten[:9])))
    assert badge_by_id("glutes-high-10").title == "Glutes high x10"  # type: ignore[union-attr]


def test_a_set_without_a_tuck_earns_no_tuck_streak(
    clean_ten: tuple[RepResult, ...], tucked_five: tuple[RepResult, ...]
) -> None:
    assert all("tail_tuck" in r.faults for r in tucked_five)
    assert "no-tuck-streak" in ids(earned_badges(result(clean_ten[:5])))
    assert "no-tuck-streak" not in ids(earned_badges(result(tucked_five)))
    mixed = (*clean_ten[:4], tucked_five[0])
    assert "no-tuck-streak" not in ids(earned_badges(result(mixed)))
    # Too short a set, or one not finished, proves nothing.
    assert "no-tuck-streak" not in ids(earned_badges(result(clean_ten[:3])))
    assert "no-tuck-streak" not in ids(earned_badges(result(clean_ten[:5], completed=False)))


def test_stars_boss_and_first_set_badges(clean_ten: tuple[RepResult, ...]) -> None:
    first = LEVELS.by_id("first-squats")
    boss = next(lv for lv in LEVELS.levels if lv.boss)
    done = result(clean_ten[:5], stars=3)
    assert {"first-set", "top-marks", "perfect-set"} <= ids(earned_badges(done, first))
    assert "boss-beaten" not in ids(earned_badges(done, first))
    assert "boss-beaten" in ids(earned_badges(done, boss))
    assert earned_badges(result((), completed=False, stars=0), first) == []


def test_badges_are_stored_per_player_and_new_only_once(
    tmp_path: Path, clean_ten: tuple[RepResult, ...]
) -> None:
    when = datetime(2026, 1, 3, 21, 30, tzinfo=UTC)
    with ScoreStore(tmp_path / "s.db") as store:
        first = record_badges(store, "Ana", result(clean_ten), LEVELS.by_id("first-squats"), when)
        assert "glutes-high-10" in ids(list(first.new))
        again = record_badges(store, "Ana", result(clean_ten), LEVELS.by_id("first-squats"))
        assert again.new == () and again.earned == first.earned
        stored = store.player_data("Ana", BADGE_FIELD)
        assert stored["earned"]["glutes-high-10"] == {
            "count": 2,
            "first": "2026-01-03T21:30:00+00:00",
        }
        assert store.player_data("Ben", BADGE_FIELD) == {}
        assert [b.id for b in player_badges(stored)] == [
            b.id for b in BADGES if b.id in stored["earned"]
        ]


def test_a_damaged_record_reads_as_no_badges() -> None:
    assert player_badges({"earned": "nonsense"}) == []
    assert player_badges({"earned": {"made-up": {}, "first-set": 3}}) == []
    award = merge_badges({"earned": {"first-set": {"count": -4}}}, [BADGES[0]])
    assert award.new == () and award.record["earned"]["first-set"]["count"] == 2
