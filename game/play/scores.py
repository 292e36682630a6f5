"""Local high scores, players and progress in SQLite (standard library ``sqlite3``).

A score once shown as saved must survive a crash, a power cut or a second copy of the
game: WAL journal (a crash mid-write loses nothing already committed; readers never
block the writer), ``synchronous=FULL`` (a committed run is on disk before
:meth:`ScoreStore.add_run` returns), foreign keys on, every write one transaction.

Bad files lose nothing: a file that is not a readable Glutes High database is moved
aside as ``<name>.corrupt-<time>`` and a fresh one started; one written by a newer game
is refused and left alone; a locked file (another copy saving) is waited for briefly and
then reported; a read-only folder is reported, and the game plays on without saving.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from game import __version__
from game.play.schema import SCHEMA_VERSION, migrate
from game.play.session import SessionResult

__all__ = [
    "EXPORT_FORMAT",
    "SCHEMA_VERSION",
    "InvalidName",
    "RunRow",
    "ScoreStore",
    "StoreError",
    "clean_name",
]

MAX_NAME_CHARS = 16
#: How long to wait for another copy of the game holding the write lock before saying so.
BUSY_TIMEOUT_S = 3.0
EXPORT_FORMAT = "glutes-high-scores"
EXPORT_VERSION = 1
#: Per-player JSON records: ``player_data(name, field)``.
PLAYER_FIELDS = ("settings", "calibration", "badges")


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
    if not isinstance(raw, str):
        raise InvalidName("a name must be text")
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise InvalidName("a name needs at least one character")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidName(f"a name has at most {MAX_NAME_CHARS} characters")
    if any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in name):
        raise InvalidName("a name cannot hold control, invisible or line-break characters")
    return name


def _key(name: str) -> str:
    return clean_name(name).casefold()


class ScoreStore:
    """The score database at ``path``. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.quarantined: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot save scores in {self.path.parent}: {exc.strerror}") from exc
        try:
            self._conn = self._open()
        except sqlite3.OperationalError as exc:
            raise self._operational(exc) from exc
        except sqlite3.DatabaseError:
            self.quarantined = self._quarantine()
            try:
                self._conn = self._open()
            except sqlite3.Error as exc:
                raise StoreError(f"cannot start a new score file at {self.path}: {exc}") from exc

    def __enter__(self) -> ScoreStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    # -- opening ----------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer Glutes High (schema {version}); "
                    "update the game to keep these scores"
                )
            if version == 0 and tables:
                raise sqlite3.DatabaseError(f"not a Glutes High score database: {self.path}")
            if version > 0 and not {"players", "runs"} <= tables:
                raise sqlite3.DatabaseError(f"damaged Glutes High score database: {self.path}")
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError(f"damaged Glutes High score database: {self.path}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _operational(self, exc: sqlite3.OperationalError) -> StoreError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreError(
                f"{self.path} is busy: another copy of Glutes High is saving. Try again."
            )
        if "readonly" in text or "unable to open" in text or "read-only" in text:
            return StoreError(f"cannot save scores in {self.path.parent}: it is read-only")
        return StoreError(f"cannot use the score file {self.path}: {text}")

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

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a lock held too long becomes a StoreError."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._operational(exc) from exc
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._conn.execute("ROLLBACK")
            raise self._operational(exc) from exc

    # -- players ------------------------------------------------------------------------

    def _player_id(self, conn: sqlite3.Connection, name: str) -> int:
        name = clean_name(name)
        row = conn.execute(
            "SELECT id FROM players WHERE name_key = ?", (name.casefold(),)
        ).fetchone()
        if row:
            return int(row[0])
        cur = conn.execute(
            "INSERT INTO players (name, name_key, created_at) VALUES (?, ?, ?)",
            (name, name.casefold(), _now()),
        )
        return int(cur.lastrowid or 0)

    def player_id(self, name: str) -> int:
        """The id of player ``name`` (any case), created if new."""
        with self._write() as conn:
            return self._player_id(conn, name)

    def players(self) -> list[str]:
        rows = self._conn.execute("SELECT name FROM players ORDER BY name_key")
        return [r[0] for r in rows]

    def player_data(self, name: str, field: str) -> dict[str, Any]:
        """A player's ``settings``, ``calibration`` or ``badges`` (empty if new)."""
        column = _json_column(field)
        row = self._conn.execute(
            f"SELECT {column} FROM players WHERE name_key = ?", (_key(name),)
        ).fetchone()
        return json.loads(row[0]) if row else {}

    def set_player_data(self, name: str, field: str, data: dict[str, Any]) -> None:
        column = _json_column(field)
        text = json.dumps(data, sort_keys=True)
        with self._write() as conn:
            pid = self._player_id(conn, name)
            conn.execute(f"UPDATE players SET {column} = ? WHERE id = ?", (text, pid))

    # -- runs ---------------------------------------------------------------------------

    def add_run(self, player: str, result: SessionResult) -> int:
        """Save one finished attempt; returns its run id once it is safely on disk."""
        detail = json.dumps(
            [
                {"score": r.score, "faults": list(r.faults), "depth_deg": _finite(r.depth_deg)}
                for r in result.reps
            ]
        )
        with self._write() as conn:
            pid = self._player_id(conn, player)
            run_id = self._insert_run(
                conn,
                pid,
                {
                    "uid": uuid.uuid4().hex,
                    "level_id": result.level_id,
                    "points": result.points,
                    "stars": result.stars,
                    "completed": result.completed,
                    "reps": len(result.reps),
                    "rep_detail": detail,
                    "duration_s": result.duration_s,
                    "game_version": __version__,
                    "created_at": _now(),
                },
            )
        return run_id

    def _insert_run(self, conn: sqlite3.Connection, pid: int, run: dict[str, Any]) -> int:
        cur = conn.execute(
            "INSERT INTO runs (uid, player_id, level_id, points, stars, completed, reps,"
            " rep_detail, duration_s, game_version, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run["uid"],
                pid,
                run["level_id"],
                int(run["points"]),
                int(run["stars"]),
                int(bool(run["completed"])),
                int(run["reps"]),
                run["rep_detail"],
                float(run["duration_s"]),
                run["game_version"],
                run["created_at"],
            ),
        )
        conn.execute(
            "INSERT INTO progress (player_id, level_id, stars, best_points, unlocked, updated_at)"
            " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (player_id, level_id) DO UPDATE SET"
            " stars = MAX(stars, excluded.stars),"
            " best_points = MAX(best_points, excluded.best_points),"
            " updated_at = excluded.updated_at",
            (pid, run["level_id"], int(run["stars"]), int(run["points"]), run["created_at"]),
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

    def runs(self, level_id: str | None = None, player: str | None = None) -> list[RunRow]:
        """Every run, filtered by level and/or player, best first."""
        clauses, args = [], []
        if level_id:
            clauses.append("r.level_id = ?")
            args.append(level_id)
        if player:
            clauses.append("p.name_key = ?")
            args.append(_key(player))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._conn.execute(
            "SELECT r.id, p.name, r.level_id, r.points, r.stars, r.reps, r.created_at"
            f" FROM runs r JOIN players p ON p.id = r.player_id {where}"
            " ORDER BY r.points DESC, r.id ASC",
            args,
        ).fetchall()
        return [RunRow(*row) for row in rows]

    def rank(self, run_id: int, level_id: str) -> int:
        """1-based place of ``run_id`` in its level's table (ties: earlier run first)."""
        row = self._conn.execute(
            "SELECT COUNT(*) FROM runs WHERE level_id = ? AND (points > "
            "(SELECT points FROM runs WHERE id = ?) OR (points = "
            "(SELECT points FROM runs WHERE id = ?) AND id < ?))",
            (level_id, run_id, run_id, run_id),
        ).fetchone()
        return int(row[0]) + 1

    def best_points(self, player: str, level_id: str) -> int | None:
        row = self._conn.execute(
            "SELECT MAX(r.points) FROM runs r JOIN players p ON p.id = r.player_id"
            " WHERE p.name_key = ? AND r.level_id = ?",
            (_key(player), level_id),
        ).fetchone()
        return None if row[0] is None else int(row[0])

    def best_stars(self, player: str) -> dict[str, int]:
        """Most stars per level for ``player``."""
        rows = self._conn.execute(
            "SELECT g.level_id, g.stars FROM progress g JOIN players p ON p.id = g.player_id"
            " WHERE p.name_key = ?",
            (_key(player),),
        )
        return {level: int(stars) for level, stars in rows}

    # -- moving to a new computer -------------------------------------------------------

    def export_json(self, path: Path) -> int:
        """Write every player and run to ``path`` (JSON); the number of runs written."""
        players = [
            {"name": row[0], "created_at": row[1]}
            | {f: json.loads(v) for f, v in zip(PLAYER_FIELDS, row[2:], strict=True)}
            for row in self._conn.execute(
                f"SELECT name, created_at, {', '.join(PLAYER_FIELDS)} FROM players ORDER BY id"
            )
        ]
        cols = (
            "uid, level_id, points, stars, completed, reps, rep_detail, duration_s,"
            " game_version, created_at"
        )
        runs = []
        for row in self._conn.execute(
            f"SELECT p.name, {', '.join('r.' + c.strip() for c in cols.split(','))}"
            " FROM runs r JOIN players p ON p.id = r.player_id ORDER BY r.id"
        ):
            run = dict(zip(["player", *(c.strip() for c in cols.split(","))], row, strict=True))
            run["rep_detail"] = json.loads(run["rep_detail"])
            run["completed"] = bool(run["completed"])
            runs.append(run)
        doc = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "players": players, "runs": runs}
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        return len(runs)

    def import_json(self, path: Path) -> tuple[int, int]:
        """Merge an export into this store: (runs added, runs already here). All or nothing."""
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(
                f"{path}: cannot read it as a Glutes High score export ({exc})"
            ) from exc
        if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
            raise StoreError(f"{path}: not a Glutes High score export")
        if doc.get("version") != EXPORT_VERSION:
            raise StoreError(f"{path}: export version {doc.get('version')!r} is not supported")
        added = skipped = 0
        try:
            with self._write() as conn:
                for player in doc.get("players", []):
                    pid = self._player_id(conn, player["name"])
                    for field in PLAYER_FIELDS:
                        if player.get(field):
                            conn.execute(
                                f"UPDATE players SET {field} = ? WHERE id = ? AND {field} = '{{}}'",
                                (json.dumps(player[field], sort_keys=True), pid),
                            )
                for run in doc.get("runs", []):
                    exists = conn.execute("SELECT 1 FROM runs WHERE uid = ?", (run["uid"],))
                    if exists.fetchone():
                        skipped += 1
                        continue
                    pid = self._player_id(conn, run["player"])
                    self._insert_run(
                        conn, pid, {**run, "rep_detail": json.dumps(run["rep_detail"])}
                    )
                    added += 1
        except (KeyError, TypeError, ValueError, InvalidName) as exc:
            raise StoreError(
                f"{path}: a damaged entry in the export ({exc!r}); nothing imported"
            ) from exc
        return added, skipped


def _json_column(field: str) -> str:
    if field not in PLAYER_FIELDS:
        raise ValueError(f"unknown player field {field!r}")
    return field


def _finite(value: float) -> float | None:
    return round(value, 1) if value == value and abs(value) != float("inf") else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
