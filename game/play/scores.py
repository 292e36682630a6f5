"""Local high scores and players in SQLite (standard library ``sqlite3``).

Schema version 1: players and runs. WAL journal so a reader never blocks the game's
writer and a crash mid-write loses nothing already committed; foreign keys on; every
write in one transaction. A file that is not a readable score database is moved aside
as ``<name>.corrupt-<time>`` (never overwritten) and a fresh one is started.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from game import __version__
from game.play.session import SessionResult

__all__ = [
    "SCHEMA_VERSION",
    "InvalidName",
    "RunRow",
    "ScoreStore",
    "StoreError",
    "clean_name",
]

SCHEMA_VERSION = 1
MAX_NAME_CHARS = 16
#: How long to wait for another copy of the game holding the write lock.
BUSY_TIMEOUT_S = 3.0

_SCHEMA_V1 = """
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


class StoreError(RuntimeError):
    """The score store cannot do what was asked; the message is for the player."""


class InvalidName(ValueError):
    """A player name that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class RunRow:
    """One saved run, as the high-score tables show it."""

    run_id: int
    player: str
    level_id: str
    points: int
    stars: int
    reps: int
    created_at: str


def clean_name(raw: str) -> str:
    """Trim and check a player name: 1-16 printable characters, no control characters."""
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise InvalidName("a name needs at least one character")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidName(f"a name has at most {MAX_NAME_CHARS} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InvalidName("a name cannot hold control or invisible characters")
    return name


class ScoreStore:
    """The score database at ``path``. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.quarantined: Path | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise StoreError(f"{path} is locked by another copy of the game") from exc
            self.quarantined = self._quarantine()
            self._conn = self._open()

    def __enter__(self) -> ScoreStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if version == 0 and not tables:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(
                    f"BEGIN;{_SCHEMA_V1}PRAGMA user_version = {SCHEMA_VERSION};COMMIT;"
                )
            elif version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer Glutes High (schema {version}); "
                    "update the game to keep these scores"
                )
            elif version != SCHEMA_VERSION or not {"players", "runs"} <= tables:
                raise sqlite3.DatabaseError(f"not a Glutes High score database: {self.path}")
            conn.execute("PRAGMA journal_mode = WAL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _quarantine(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
        return target

    def player_id(self, name: str) -> int:
        """The id of player ``name`` (case-insensitive), created if new."""
        name = clean_name(name)
        with _transaction(self._conn):
            row = self._conn.execute("SELECT id FROM players WHERE name = ?", (name,)).fetchone()
            if row:
                return int(row[0])
            cur = self._conn.execute(
                "INSERT INTO players (name, created_at) VALUES (?, ?)", (name, _now())
            )
            return int(cur.lastrowid or 0)

    def players(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT name FROM players ORDER BY name")]

    def add_run(self, player: str, result: SessionResult) -> int:
        """Save one finished attempt; returns its run id once it is safely on disk."""
        detail = json.dumps(
            [
                {"score": r.score, "faults": list(r.faults), "depth_deg": r.depth_deg}
                for r in result.reps
            ]
        )
        pid = self.player_id(player)
        with _transaction(self._conn):
            cur = self._conn.execute(
                "INSERT INTO runs (player_id, level_id, points, stars, completed, reps,"
                " rep_detail, duration_s, game_version, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pid,
                    result.level_id,
                    result.points,
                    result.stars,
                    int(result.completed),
                    len(result.reps),
                    detail,
                    result.duration_s,
                    __version__,
                    _now(),
                ),
            )
            return int(cur.lastrowid or 0)

    def top_runs(self, level_id: str | None = None, limit: int = 10) -> list[RunRow]:
        """Best runs, highest points first (earliest first on a tie); all levels if None."""
        where, args = ("WHERE r.level_id = ?", (level_id,)) if level_id else ("", ())
        rows = self._conn.execute(
            "SELECT r.id, p.name, r.level_id, r.points, r.stars, r.reps, r.created_at"
            f" FROM runs r JOIN players p ON p.id = r.player_id {where}"
            " ORDER BY r.points DESC, r.id ASC LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [RunRow(*row) for row in rows]

    def best_points(self, player: str, level_id: str) -> int | None:
        row = self._conn.execute(
            "SELECT MAX(r.points) FROM runs r JOIN players p ON p.id = r.player_id"
            " WHERE p.name = ? AND r.level_id = ?",
            (clean_name(player), level_id),
        ).fetchone()
        return None if row[0] is None else int(row[0])

    def best_stars(self, player: str) -> dict[str, int]:
        """Most stars per level for ``player``."""
        rows = self._conn.execute(
            "SELECT r.level_id, MAX(r.stars) FROM runs r JOIN players p ON p.id = r.player_id"
            " WHERE p.name = ? GROUP BY r.level_id",
            (clean_name(player),),
        )
        return {level: int(stars) for level, stars in rows}


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
