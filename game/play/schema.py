"""The score database's schema, one forward migration per version.

``PRAGMA user_version`` holds the version. A fresh file runs every migration from 1; an
older file runs the ones it lacks, each in its own transaction, so a crash mid-upgrade
leaves the file at the last complete version. Never edit a released migration: add one.
"""

from __future__ import annotations

import sqlite3
import uuid

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

_V1 = """
CREATE TABLE players (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    player_id INTEGER NOT NULL REFERENCES players(id) ON DELETE CASCADE,
    level_id TEXT NOT NULL,
    points INTEGER NOT NULL,
    stars INTEGER NOT NULL,
    completed INTEGER NOT NULL,
    reps INTEGER NOT NULL,
    rep_detail TEXT NOT NULL,
    duration_s REAL NOT NULL,
    game_version TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX runs_by_level ON runs(level_id, points DESC);
"""

# Version 2: player settings and calibration, a per-level progress table, a stable id
# per run (so an export merged into another computer never duplicates a run), and a
# case-folded name key (SQLite's NOCASE folds ASCII only: "Émile" and "émile" must be
# one player).
_V2 = """
ALTER TABLE players ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE players ADD COLUMN calibration TEXT NOT NULL DEFAULT '{}';
ALTER TABLE players ADD COLUMN name_key TEXT;
ALTER TABLE runs ADD COLUMN uid TEXT;
CREATE TABLE progress (
    player_id INTEGER NOT NULL REFERENCES players(id) ON DELETE CASCADE,
    level_id TEXT NOT NULL,
    stars INTEGER NOT NULL DEFAULT 0,
    best_points INTEGER NOT NULL DEFAULT 0,
    unlocked INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (player_id, level_id)
);
"""


# Version 3: a player's badges (game.play.badges), a JSON record like settings.
_V3 = """
ALTER TABLE players ADD COLUMN badges TEXT NOT NULL DEFAULT '{}';
"""


def _run(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would COMMIT the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _to_v1(conn: sqlite3.Connection) -> None:
    _run(conn, _V1)


def _to_v2(conn: sqlite3.Connection) -> None:
    _run(conn, _V2)
    rows = conn.execute("SELECT id, name FROM players").fetchall()
    conn.executemany(
        "UPDATE players SET name_key = ? WHERE id = ?",
        [(name.casefold(), pid) for pid, name in rows],
    )
    run_ids = [r[0] for r in conn.execute("SELECT id FROM runs")]
    conn.executemany(
        "UPDATE runs SET uid = ? WHERE id = ?", [(uuid.uuid4().hex, i) for i in run_ids]
    )
    conn.execute("CREATE UNIQUE INDEX players_by_key ON players(name_key)")
    conn.execute("CREATE UNIQUE INDEX runs_by_uid ON runs(uid)")
    conn.execute(
        "INSERT INTO progress (player_id, level_id, stars, best_points, unlocked, updated_at)"
        " SELECT player_id, level_id, MAX(stars), MAX(points), 1, MAX(created_at)"
        " FROM runs GROUP BY player_id, level_id"
    )


def _to_v3(conn: sqlite3.Connection) -> None:
    _run(conn, _V3)


#: ``MIGRATIONS[n]`` brings a version-``n`` file to version ``n + 1``.
MIGRATIONS = (_to_v1, _to_v2, _to_v3)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring ``conn`` (autocommit mode) up to :data:`SCHEMA_VERSION`; the version it had."""
    start = conn.execute("PRAGMA user_version").fetchone()[0]
    for version in range(start, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return start
