"""The journal's integrity check at open: a damaged file is moved aside (kept for inspection)
and what can still be read of it (accepted callbacks never delivered, payments still waiting
for the server) is copied to a fresh journal."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from booth_console.journal.errors import JournalError
from booth_console.journal.migrations import connect, is_damage

__all__ = ["Damage", "open_checked"]

log = logging.getLogger("booth_console.journal")


@dataclass(slots=True)
class Damage:
    """A damaged journal found at open.

    Attributes:
        copy: where the damaged file was moved (kept).
        problem: what the integrity check said.
        callbacks, payments: rows copied from it to the fresh journal.
    """

    copy: Path
    problem: str
    callbacks: int = 0
    payments: int = 0


def open_checked(path: Path) -> tuple[sqlite3.Connection, Damage | None]:
    """Connect and check the file (``PRAGMA quick_check``). A damaged journal is moved aside
    (kept), its undelivered callbacks and pending payments are copied to a fresh one, and the
    :class:`Damage` says so.

    Raises:
        JournalError: the file cannot be used and is not a damaged journal (locked, read-only,
            full disk, some other file), or cannot be moved aside.
    """
    problem = ""
    try:
        conn = connect(path)
    except JournalError as exc:
        if not exc.damaged or not _sqlite_header(path):
            raise  # locked, read-only, full disk; or some other file: not ours to move
        problem = str(exc)
    else:
        problem = _quick_check(conn)
        if not problem:
            return conn, None
        conn.close()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    copy = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(path) + suffix)
            if part.exists():
                part.rename(Path(str(copy) + suffix))
    except OSError as exc:
        raise JournalError(f"the journal {path} is damaged ({problem}) and cannot be moved "
                           f"aside: {exc.strerror or exc}") from None
    log.error("journal %s is damaged (%s); kept as %s, starting a new one", path, problem,
              copy.name)
    damage = Damage(copy, problem)
    conn = connect(path)
    try:
        damage.callbacks, damage.payments = _salvage(copy, conn)
    except Exception:  # best effort: the damaged copy is kept whatever happens
        log.exception("journal: copying rows from the damaged journal failed")
    return conn, damage


def _sqlite_header(path: Path) -> bool:
    """Whether the file starts like an SQLite database (else it is not a journal at all)."""
    try:
        with path.open("rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _quick_check(conn: sqlite3.Connection) -> str:
    """``""`` when ``PRAGMA quick_check`` finds the file sound, else what it found."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and not is_damage(exc):
            msg = str(exc).lower()
            if "malformed" not in msg and "corrupt" not in msg:
                return ""  # locked or busy: not a verdict on the file (it is checked next time)
        return str(exc)
    found = [str(r[0]) for r in rows]
    return "" if found == ["ok"] else "; ".join(found[:3])


_SALVAGE_COLUMNS = ("kind, request_id, body_hash, dedup_key, nonce_key, received_at, source,"
                    " signature_ok, result_code, reason, raw_body, image_paths")
_PAYMENT_COLUMNS = ("payment_order_no, lane_no, order_no, request, operator, created_at, attempts,"
                    " status")


def _salvage(copy: Path, fresh: sqlite3.Connection) -> tuple[int, int]:
    """Copy what can still be read from a damaged journal into the fresh one: accepted
    callbacks never delivered, and payments still waiting for the server. Returns the counts."""
    old = sqlite3.connect(f"file:{copy}?mode=ro", uri=True, isolation_level=None)
    try:
        with contextlib.suppress(sqlite3.Error):
            old.execute("PRAGMA busy_timeout=1000")
        callbacks = _readable_rows(old, "callbacks", _SALVAGE_COLUMNS,
                                   "processed = 0 AND result_code = 200")
        payments = _readable_rows(old, "pending_payments", _PAYMENT_COLUMNS,
                                  "status IN ('pending', 'offline', 'review')")
    finally:
        old.close()
    fresh.execute("BEGIN IMMEDIATE")
    try:
        fresh.executemany(
            f"INSERT OR IGNORE INTO callbacks ({_SALVAGE_COLUMNS}) VALUES"
            f" ({', '.join('?' * 12)})", [row[1:] for row in callbacks])
        fresh.executemany(
            f"INSERT OR IGNORE INTO pending_payments ({_PAYMENT_COLUMNS}) VALUES"
            f" ({', '.join('?' * 8)})", [row[1:] for row in payments])
        fresh.execute("COMMIT")
    except sqlite3.Error:
        fresh.execute("ROLLBACK")
        raise
    if callbacks or payments:
        log.warning("journal: copied %d undelivered callback(s) and %d pending payment(s) from "
                    "the damaged journal", len(callbacks), len(payments))
    return len(callbacks), len(payments)


def _readable_rows(conn: sqlite3.Connection, table: str, columns: str, where: str,
                   step: int = 200) -> list[tuple[Any, ...]]:
    """``SELECT rowid, <columns> FROM <table> WHERE <where>``: the rows that can still be
    read. When the whole scan fails, in rowid ranges, and row by row within a damaged range."""
    select = f"SELECT rowid, {columns} FROM {table} WHERE ({where})"
    try:
        return list(conn.execute(select + " ORDER BY rowid").fetchall())
    except sqlite3.DatabaseError:
        pass
    try:
        top = int(conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0)
    except (sqlite3.DatabaseError, TypeError, ValueError):
        top = 100_000  # the table's last page is unreadable: walk a generous range
    rows: list[tuple[Any, ...]] = []
    for start in range(0, top + 1, step):
        try:
            rows.extend(conn.execute(f"{select} AND rowid > ? AND rowid <= ? ORDER BY rowid",
                                     (start, start + step)).fetchall())
            continue
        except sqlite3.DatabaseError:
            pass
        for rid in range(start + 1, start + step + 1):
            with contextlib.suppress(sqlite3.DatabaseError):
                rows.extend(conn.execute(f"{select} AND rowid = ?", (rid,)).fetchall())
    return rows
