"""The score store under stress: migrations, two writers, a killed writer, hostile names,
a locked file, a read-only folder, and moving scores to a new computer."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.play.schema import MIGRATIONS, SCHEMA_VERSION
from game.play.scores import InvalidName, ScoreStore, StoreError, clean_name
from game.play.session import SessionResult


def result(level: str = "first-squats", points: int = 300, stars: int = 2) -> SessionResult:
    return SessionResult(level, True, points, stars, (), 0, 42.0)


def make_v1(path) -> None:
    """A version-1 file as the first release wrote it, with two players and three runs."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO players (name, created_at) VALUES ('Ann', '2026-01-01')")
    conn.execute("INSERT INTO players (name, created_at) VALUES ('Émile', '2026-01-02')")
    for pid, points, stars in [(1, 300, 2), (1, 450, 3), (2, 200, 1)]:
        conn.execute(
            "INSERT INTO runs (player_id, level_id, points, stars, completed, reps, rep_detail,"
            " duration_s, game_version, created_at)"
            " VALUES (?, 'first-squats', ?, ?, 1, 5, '[]', 40.0, '0.1.0', '2026-01-03')",
            (pid, points, stars),
        )
    conn.execute("COMMIT")
    conn.close()


def test_a_fresh_file_gets_the_latest_schema(tmp_path):
    with ScoreStore(tmp_path / "scores.db") as store:
        store.add_run("Ann", result())
    conn = sqlite3.connect(tmp_path / "scores.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"players", "runs", "progress"} <= tables


def test_migration_from_version_1_keeps_every_run(tmp_path):
    path = tmp_path / "scores.db"
    make_v1(path)
    with ScoreStore(path) as store:
        assert store.quarantined is None
        assert [(r.player, r.points) for r in store.top_runs("first-squats")] == [
            ("Ann", 450),
            ("Ann", 300),
            ("Émile", 200),
        ]
        assert store.best_stars("ann") == {"first-squats": 3}
        assert store.best_stars("ÉMILE") == {"first-squats": 1}  # non-ASCII case folding
        store.add_run("émile", result(points=500))
        assert store.players() == ["Ann", "Émile"]
    conn = sqlite3.connect(path)
    uids = [r[0] for r in conn.execute("SELECT uid FROM runs")]
    assert len(set(uids)) == 4 and all(uids)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


WRITER = textwrap.dedent(
    """
    import sys
    from game.play.scores import ScoreStore
    from game.play.session import SessionResult
    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with ScoreStore(__import__("pathlib").Path(path)) as store:
        for i in range(count):
            run_id = store.add_run(name, SessionResult("lvl", True, i, 1, (), 0, 1.0))
            print(run_id, flush=True)
    """
)


def test_two_processes_writing_at_once_keep_both(tmp_path):
    path = tmp_path / "scores.db"
    ScoreStore(path).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, "40"], stdout=subprocess.PIPE, text=True
        )
        for name in ("Ann", "Bob")
    ]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert all(len(out.split()) == 40 for out in outs)
    with ScoreStore(path) as store:
        assert len(store.runs(player="Ann")) == 40 and len(store.runs(player="Bob")) == 40


def test_a_writer_killed_mid_save_loses_nothing_acknowledged(tmp_path):
    path = tmp_path / "scores.db"
    ScoreStore(path).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), "Ann", "100000"],
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            acknowledged.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of the next saves
    proc.wait()
    proc.stdout.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    saved = {r[0] for r in conn.execute("SELECT id FROM runs")}
    conn.close()
    assert len(acknowledged) >= 150
    assert set(acknowledged) <= saved
    with ScoreStore(path) as store:  # and the game opens it as usual
        assert store.quarantined is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40) | st.binary(max_size=40).map(lambda b: b.decode("latin-1")))
def test_hostile_names_are_stored_verbatim_or_rejected_cleanly(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("names") / "scores.db"
    with ScoreStore(path) as store:
        try:
            name = clean_name(raw)
        except InvalidName:
            with pytest.raises(InvalidName):
                store.add_run(raw, result())
            assert store.players() == []
            return
        store.add_run(raw, result())
        assert store.players() == [name]
        assert store.top_runs()[0].player == name


@pytest.mark.parametrize(
    "raw",
    ["Robert'); DROP TABLE runs;--", "x" * 10_000, "a\nb", "\u200b", "zero\u200dwidth", "\x1b[31m"],
)
def test_known_hostile_names(tmp_path, raw):
    with ScoreStore(tmp_path / "scores.db") as store:
        with pytest.raises(InvalidName):
            store.add_run(raw, result())
        store.add_run("Robert'); DROP", result())
        assert store.players() == ["Robert'); DROP"]


def test_a_locked_file_is_waited_for_then_reported(tmp_path, monkeypatch):
    import game.play.scores as scores

    monkeypatch.setattr(scores, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "scores.db"
    ScoreStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with ScoreStore(path) as store, pytest.raises(StoreError, match="another copy"):
            store.add_run("Ann", result())
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def read_only(folder):
    """Make ``folder`` unwritable even for root (CI runs as root): chmod for a user,
    the immutable attribute for root; skip where neither works."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("root, and this file system has no immutable attribute")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_folder_is_reported(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    with read_only(folder), pytest.raises(StoreError, match="read-only"):
        ScoreStore(folder / "scores.db")


def test_a_read_only_folder_with_scores_in_it_is_reported_and_kept(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    with ScoreStore(folder / "scores.db") as store:
        store.add_run("Ann", result())
    before = (folder / "scores.db").read_bytes()
    with read_only(folder), pytest.raises(StoreError, match="read-only"):
        ScoreStore(folder / "scores.db")
    assert (folder / "scores.db").read_bytes() == before


def test_a_missing_parent_that_cannot_be_made_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot save scores"):
        ScoreStore(blocker / "sub" / "scores.db")


def test_export_then_import_merges_without_duplicates(tmp_path):
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    export = tmp_path / "scores.json"
    with ScoreStore(old) as store:
        store.add_run("Ann", result(points=300))
        store.add_run("Bob", result(points=400, stars=3))
        store.set_player_data("Ann", "settings", {"mirror": False})
        assert store.export_json(export) == 2
    with ScoreStore(new) as store:
        store.add_run("ann", result(points=100, stars=1))
        assert store.import_json(export) == (2, 0)
        assert store.import_json(export) == (0, 2)  # importing twice adds nothing
        assert [(r.player, r.points) for r in store.top_runs()] == [
            ("Bob", 400),
            ("ann", 300),
            ("ann", 100),
        ]
        assert store.player_data("Ann", "settings") == {"mirror": False}
        assert store.best_stars("Bob") == {"first-squats": 3}


@pytest.mark.parametrize(
    "content",
    ["", "{", json.dumps({"format": "other"}), json.dumps({"format": "glutes-high-scores"})],
)
def test_a_bad_export_is_refused_and_imports_nothing(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with ScoreStore(tmp_path / "s.db") as store, pytest.raises(StoreError):
        store.import_json(path)


def test_a_damaged_entry_imports_nothing(tmp_path):
    src = tmp_path / "a.db"
    export = tmp_path / "e.json"
    with ScoreStore(src) as store:
        store.add_run("Ann", result())
        store.export_json(export)
    doc = json.loads(export.read_text())
    doc["runs"].append({"uid": "x", "player": "\x00bad"})
    export.write_text(json.dumps(doc))
    with ScoreStore(tmp_path / "b.db") as store:
        with pytest.raises(StoreError, match="nothing imported"):
            store.import_json(export)
        assert store.top_runs() == []
