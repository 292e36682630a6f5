"""Progress: exactly the levels the unlock rules open, stars per world, what to play next,
days in a row, and a saved result that opens the next level (real SQLite store)."""

from __future__ import annotations

import json
from datetime import UTC, date, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.paths import shipped_levels_dir
from game.play.levels import Level, load_level_set, unlocked_level_ids
from game.play.progress import (
    compute_progress,
    load_play_streak,
    load_progress,
    play_days,
    play_streak,
    record_result,
)
from game.play.scores import ScoreStore
from game.play.session import SessionResult

SHIPPED = load_level_set([shipped_levels_dir()])


def make_level(folder: Path, name: str, level_id: str, unlock: str = "", stars: str = "") -> None:
    thresholds = stars or "[100, 200, 280]"
    text = (
        f'format = 2\nid = "{level_id}"\nworld = 1\ntitle = "Level {level_id}"\n'
        f'teaching = "A line."\nkind = "squats"\ntime_limit_s = 60\n\n'
        f"[goals]\nreps = 3\ndepth_deg = 90\n\n[stars]\nthresholds = {thresholds}\n"
    )
    if unlock:
        text += f"\n[unlock]\n{unlock}\n"
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def ladder(tmp_path: Path) -> list[Level]:
    """a (open), b after a, c after b with 2 stars, d at 4 stars in earlier levels,
    e after b and c with 1 star plus 5 stars in earlier levels, f after a (1 star max)."""
    make_level(tmp_path, "1.toml", "a")
    make_level(tmp_path, "2.toml", "b", 'after = ["a"]')
    make_level(tmp_path, "3.toml", "c", 'after = ["b"]\nstars = 2')
    make_level(tmp_path, "4.toml", "d", "total_stars = 4")
    make_level(tmp_path, "5.toml", "e", 'after = ["b", "c"]\ntotal_stars = 5')
    make_level(tmp_path, "6.toml", "f", 'after = ["a"]', stars="[150]")
    found = load_level_set([tmp_path])
    assert not found.errors, [str(e) for e in found.errors]
    return found.levels


@pytest.mark.parametrize(
    ("stars", "unlocked"),
    [
        ({}, "a"),
        ({"a": 0}, "a"),  # played, not completed
        ({"a": 1}, "abf"),
        ({"a": 3}, "abf"),
        ({"a": 3, "b": 1}, "abdf"),  # c wants 2 in b; d: 3 + 1 = 4 before it
        ({"a": 1, "b": 2}, "abcf"),  # only 3 stars before d
        ({"a": 2, "b": 2}, "abcdf"),
        ({"a": 1, "b": 1, "c": 1}, "abf"),  # c's own stars do not open c, b's do
        ({"a": 1, "b": 2, "c": 1}, "abcdf"),  # d: 1 + 2 + 1 = 4
        ({"a": 1, "b": 2, "c": 1, "d": 1}, "abcdef"),  # e: b, c starred and 5 before it
        # The rules read stars however they were won (say, a level started with --level):
        # b is still locked, but c's rule (2 stars in b) and d's and e's are met.
        ({"b": 3, "c": 3}, "acde"),
        ({"a": 1, "b": 2, "c": 1, "d": 1, "e": 3, "f": 1}, "abcdef"),
        ({"a": 9}, "abf"),  # more stars than a level has count as its most (3)
        ({"zzz": 3, "a": -2}, "a"),  # unknown levels count for nothing; no negative stars
    ],
)
def test_a_player_with_these_stars_sees_exactly_these_levels_open(ladder, stars, unlocked):
    assert unlocked_level_ids(ladder, stars) == set(unlocked)
    progress = compute_progress(ladder, stars)
    assert progress.unlocked == set(unlocked)
    assert [s.level.id for s in progress.statuses() if s.unlocked] == sorted(unlocked)


def test_capped_stars_and_totals(ladder):
    progress = compute_progress(ladder, {"a": 9, "f": 3, "zzz": 3, "b": -1})
    assert progress.stars == {"a": 3, "f": 1, "b": 0}
    assert progress.total_stars == 4
    assert progress.max_stars == 5 * 3 + 1


def test_a_locked_level_says_what_opens_it(ladder):
    progress = compute_progress(ladder, {"a": 1})
    by_id = {s.level.id: s for s in progress.statuses()}
    assert by_id["b"].needs == ""
    assert by_id["c"].needs == "2 stars in Level b"
    assert by_id["e"].needs == "1 star in Level b and Level c; 5 stars in earlier levels"


def test_next_level_is_the_first_open_level_not_yet_completed(ladder):
    assert compute_progress(ladder, {}).next_level().id == "a"
    assert compute_progress(ladder, {"a": 1}).next_level().id == "b"
    # every open level completed: the first one short of its most stars
    assert compute_progress(ladder, {"a": 3, "b": 1, "d": 3, "f": 1}).next_level().id == "b"
    everything = {lv.id: lv.max_stars for lv in ladder}
    assert compute_progress(ladder, everything).next_level() is None


def test_newly_unlocked_in_play_order(ladder):
    before = compute_progress(ladder, {"a": 1, "b": 1})
    after = compute_progress(ladder, {"a": 1, "b": 2})
    assert [lv.id for lv in after.newly_unlocked(before)] == ["c"]
    assert after.newly_unlocked(after) == []


# -- the shipped game --------------------------------------------------------------------


def test_a_new_player_starts_with_first_squats_only():
    progress = compute_progress(SHIPPED.levels, {}, SHIPPED.worlds)
    assert progress.unlocked == {"first-squats"}
    assert progress.next_level().id == "first-squats"


def test_the_first_boss_opens_on_its_rule_exactly():
    stars = {"first-squats": 3, "heels-stand": 1, "sit-tall": 1, "heels-heavy": 1, "sit-back": 1}
    assert "heel-check" not in unlocked_level_ids(SHIPPED.levels, stars)  # 7 of 8 stars
    stars["heels-stand"] = 2
    assert "heel-check" in unlocked_level_ids(SHIPPED.levels, stars)
    stars["sit-back"] = 0  # the stars are there, a named level is not done
    stars["first-squats"], stars["sit-tall"] = 3, 3
    assert "heel-check" not in unlocked_level_ids(SHIPPED.levels, stars)


def test_every_shipped_level_opens_for_a_player_with_every_star():
    everything = {lv.id: lv.max_stars for lv in SHIPPED.levels}
    assert unlocked_level_ids(SHIPPED.levels, everything) == {lv.id for lv in SHIPPED.levels}


def test_one_star_everywhere_is_not_enough_for_the_later_bosses():
    """Bosses gate on total stars: scraping through every level is not mastering it."""
    scraped = {lv.id: 1 for lv in SHIPPED.levels}
    unlocked = unlocked_level_ids(SHIPPED.levels, scraped)
    assert "keep-em-high" not in unlocked and "strong-and-steady" not in unlocked


def test_world_progress_counts_stars_per_world():
    stars = {"first-squats": 3, "heels-stand": 2, "long-tail": 1, "heel-check": 1}
    worlds = compute_progress(SHIPPED.levels, stars, SHIPPED.worlds).world_progress()
    assert [(w.number, w.title) for w in worlds] == [
        (1, "Find your heels"),
        (2, "Keep 'em high"),
        (3, "Strong and steady"),
    ]
    first, second, third = worlds
    assert (first.stars, first.max_stars, first.boss_beaten, first.complete) == (6, 18, True, False)
    assert (second.stars, second.unlocked, third.unlocked) == (1, True, False)
    assert sum(w.max_stars for w in worlds) == compute_progress(SHIPPED.levels, {}).max_stars


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([lv.id for lv in SHIPPED.levels]), st.integers(0, 3), max_size=18
    ),
    st.sampled_from([lv.id for lv in SHIPPED.levels]),
)
def test_more_stars_never_lock_a_level(stars, better):
    more = {**stars, better: min(3, stars.get(better, 0) + 1)}
    assert unlocked_level_ids(SHIPPED.levels, stars) <= unlocked_level_ids(SHIPPED.levels, more)


# -- saving a result ---------------------------------------------------------------------


def result(level: str, stars: int, points: int = 300) -> SessionResult:
    return SessionResult(level, stars > 0, points, stars, (), 0, 40.0)


def test_recording_a_result_saves_it_and_says_what_it_opened(tmp_path):
    levels, worlds = SHIPPED.levels, SHIPPED.worlds
    with ScoreStore(tmp_path / "scores.db") as store:
        failed = record_result(store, "Ann", result("first-squats", 0, 120), levels, worlds)
        assert failed.newly_unlocked == [] and failed.stars_gained == 0
        first = record_result(store, "Ann", result("first-squats", 2), levels, worlds)
        assert [lv.id for lv in first.newly_unlocked] == ["heels-stand"]
        assert (first.best_stars_before, first.stars_gained) == (0, 2)
        assert first.run_id > failed.run_id
        worse = record_result(store, "ann", result("first-squats", 1), levels, worlds)
        assert worse.newly_unlocked == [] and worse.stars_gained == 0
        assert worse.best_stars_before == 2
        assert store.best_stars("Ann") == {"first-squats": 2}
    with ScoreStore(tmp_path / "scores.db") as store:  # it is on disk
        progress = load_progress(store, "ANN", levels, worlds)
        assert progress.unlocked == {"first-squats", "heels-stand"}
        assert progress.next_level().id == "heels-stand"
        assert load_progress(store, "Bob", levels).unlocked == {"first-squats"}


# -- days in a row -----------------------------------------------------------------------

D = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("offsets", "current", "best", "today_played"),
    [
        ([], 0, 0, False),
        ([0], 1, 1, True),
        ([-1], 1, 1, False),  # yesterday: still alive until today is over
        ([-2], 0, 1, False),
        ([0, -1, -2], 3, 3, True),
        ([-1, -2, -3], 3, 3, False),
        ([0, -1, -3, -4, -5, -6], 2, 4, True),
        ([0, 0, -1], 2, 2, True),  # two runs on one day are one day
        ([1, 0], 1, 2, True),  # a run "tomorrow" (clock changed) never extends today's
    ],
)
def test_play_streak(offsets, current, best, today_played):
    streak = play_streak([D + timedelta(days=o) for o in offsets], D)
    assert (streak.current, streak.best, streak.played_today) == (current, best, today_played)
    past = [o for o in offsets if o <= 0]
    assert streak.last_day == (D + timedelta(days=max(past)) if past else None)


def test_play_days_are_the_players_calendar_days():
    stamps = ["2026-03-09T23:30:00+00:00", "2026-03-10T08:00:00+00:00", "garbage", "2026-03-08"]
    assert play_days(stamps, UTC) == {date(2026, 3, 8), date(2026, 3, 9), date(2026, 3, 10)}
    plus_two = timezone(timedelta(hours=2))  # 23:30 UTC is already the next day there
    assert play_days(stamps, plus_two) == {date(2026, 3, 8), date(2026, 3, 10)}


def test_streak_from_the_run_times_in_the_store(tmp_path):
    runs = [
        {
            "player": "Ann",
            "uid": f"run-{i}",
            "level_id": "first-squats",
            "points": 300,
            "stars": 2,
            "completed": True,
            "reps": 5,
            "rep_detail": [],
            "duration_s": 40.0,
            "game_version": "0.1.0",
            "created_at": f"2026-03-{day:02d}T18:00:00+00:00",
        }
        for i, day in enumerate([3, 4, 8, 9, 10, 10])
    ]
    export = tmp_path / "export.json"
    doc = {"format": "glutes-high-scores", "version": 1, "players": [], "runs": runs}
    export.write_text(json.dumps(doc), encoding="utf-8")
    with ScoreStore(tmp_path / "scores.db") as store:
        assert store.import_json(export) == (6, 0)
        streak = load_play_streak(store, "ann", today=date(2026, 3, 11), tz=UTC)
        assert (streak.current, streak.best, streak.played_today) == (3, 3, False)
        assert load_play_streak(store, "Ann", today=date(2026, 3, 12), tz=UTC).current == 0
        assert load_play_streak(store, "Nobody", today=date(2026, 3, 12)).best == 0
