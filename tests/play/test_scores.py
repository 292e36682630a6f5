"""The SQLite score store on a temporary file: runs, tables, names and a corrupt file."""

from __future__ import annotations

import sqlite3

import pytest

from game.play.scores import SCHEMA_VERSION, InvalidName, ScoreStore, StoreError, clean_name
from game.play.session import SessionResult


def result(level: str = "first-squats", points: int = 300, stars: int = 2) -> SessionResult:
    return SessionResult(level, True, points, stars, (), 0, 42.0)


def test_runs_are_ranked_per_level(tmp_path):
    with ScoreStore(tmp_path / "scores.db") as store:
        store.add_run("Ann", result(points=300))
        store.add_run("bob", result(points=450, stars=3))
        store.add_run("ann", result(points=200))  # same player, any case
        store.add_run("Ann", result(level="other", points=500))
        top = store.top_runs("first-squats")
        assert [(r.player, r.points) for r in top] == [("bob", 450), ("Ann", 300), ("Ann", 200)]
        assert store.players() == ["Ann", "bob"]
        assert store.best_points("ANN", "first-squats") == 300
        assert store.best_points("Ann", "nothing") is None
        assert store.best_stars("Ann") == {"first-squats": 2, "other": 2}
        assert len(store.top_runs(limit=2)) == 2


def test_runs_survive_reopening_and_the_file_is_wal(tmp_path):
    path = tmp_path / "scores.db"
    with ScoreStore(path) as store:
        store.add_run("Ann", result())
    with ScoreStore(path) as store:
        assert len(store.top_runs("first-squats")) == 1
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


@pytest.mark.parametrize(
    "content",
    [b"this is not a database" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
)
def test_a_corrupt_file_is_moved_aside_not_overwritten(tmp_path, content):
    path = tmp_path / "scores.db"
    path.write_bytes(content)
    with ScoreStore(path) as store:
        assert store.quarantined is not None
        assert store.quarantined.name.startswith("scores.db.corrupt-")
        assert store.quarantined.read_bytes() == content
        store.add_run("Ann", result())
        assert len(store.top_runs()) == 1


def test_a_foreign_database_is_moved_aside(tmp_path):
    path = tmp_path / "scores.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with ScoreStore(path) as store:
        assert store.quarantined is not None
    assert sqlite3.connect(store.quarantined).execute("SELECT * FROM recipes").fetchall() == []


def test_a_newer_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "scores.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE players (id INTEGER)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer Glutes High"):
        ScoreStore(path)
    assert path.exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ann  ", "Ann"),
        ("Robert'); DROP TABLE runs;--"[:16], "Robert'); DROP T"),
        ("💪 Glute Queen", "💪 Glute Queen"),
    ],
)
def test_names_are_trimmed_and_stored_verbatim(tmp_path, raw, expected):
    assert clean_name(raw) == expected
    with ScoreStore(tmp_path / "scores.db") as store:
        store.add_run(raw, result())
        assert store.top_runs()[0].player == expected


@pytest.mark.parametrize("raw", ["", "   ", "a\x00b", "tab\there", "x" * 17, "y" * 10_000])
def test_bad_names_are_rejected(raw):
    with pytest.raises(InvalidName):
        clean_name(raw)
