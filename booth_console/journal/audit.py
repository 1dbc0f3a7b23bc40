"""The audit chain over operator actions and shift records.

Every row of ``actions`` and of ``shifts`` carries ``hash``: the SHA-256 (hex) of the previous
row's hash of the same table (``""`` for the first row), a newline and the row's canonical
encoding (:func:`canonical`: a JSON array of the table name and every column but ``hash``, in a
fixed order, UTF-8, no spaces). Row ids are given in sequence (the last id + 1), so a row that is
changed breaks its own hash, and a row that is deleted leaves a gap in the ids and breaks the
next row's hash. Triggers (schema 5) refuse UPDATE and DELETE on both tables; the chain catches
what is done around them (the triggers dropped with the ``sqlite3`` shell, the file edited).

What the chain cannot show: the *last* rows deleted together with nothing after them (the chain
that is left is intact). The head hash that ``booth-console audit verify`` prints and that every
closed shift's report keeps pins the chain at that moment: a later verify that ends before a
recorded head shows the loss.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from booth_console.journal.redact import clean

__all__ = [
    "ACTION_COLUMNS",
    "SHIFT_COLUMNS",
    "AuditBreak",
    "AuditResult",
    "canonical",
    "chain_existing",
    "chain_head",
    "export_rows",
    "open_shift_id",
    "row_hash",
    "verify",
]

#: the columns hashed, in order (``hash`` itself excluded)
ACTION_COLUMNS = ("id", "at", "operator", "lane_no", "action", "request", "result_code",
                  "result_msg", "result_id", "shift_id")
SHIFT_COLUMNS = ("id", "at", "shift_id", "event", "operator", "data")
_TABLES: dict[str, tuple[str, ...]] = {"actions": ACTION_COLUMNS, "shifts": SHIFT_COLUMNS}


def canonical(table: str, values: Sequence[Any]) -> bytes:
    """The canonical encoding of one row: ``[table, value, ...]`` as compact UTF-8 JSON (a REAL
    as Python's shortest round-trip text, so a re-read value encodes the same)."""
    return json.dumps([table, *values], ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def row_hash(previous: str, table: str, values: Sequence[Any]) -> str:
    """The hash of a row given the previous row's hash."""
    h = hashlib.sha256(previous.encode("ascii"))
    h.update(b"\n")
    h.update(canonical(table, values))
    return h.hexdigest()


def chain_head(conn: sqlite3.Connection, cache: dict[str, Any], table: str) -> tuple[int, str]:
    """The last row id and hash of ``table`` (``(0, "")``: empty), from ``cache`` when known
    (the writer thread keeps it; see ``GroupCommitWriter._audit_cache``)."""
    head = cache.get(table)
    if head is None:
        row = conn.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
        head = (int(row[0]), row[1] or "") if row is not None else (0, "")
        cache[table] = head
    row_id, digest = head
    return int(row_id), str(digest)


def open_shift_id(conn: sqlite3.Connection, cache: dict[str, Any]) -> int | None:
    """The id of the open shift (the last shift row is an ``open``), cached like
    :func:`chain_head`."""
    if "shift" not in cache:
        row = conn.execute("SELECT shift_id, event FROM shifts ORDER BY id DESC LIMIT 1"
                           ).fetchone()
        cache["shift"] = int(row[0]) if row is not None and row[1] == "open" else None
    value: int | None = cache["shift"]
    return value


def chain_existing(conn: sqlite3.Connection) -> None:
    """Fill ``hash`` of every row already in ``actions`` and ``shifts`` (the migration to
    schema 5, inside its transaction)."""
    for table, columns in _TABLES.items():
        previous = ""
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()
        for row in rows:
            previous = row_hash(previous, table, row)
            conn.execute(f"UPDATE {table} SET hash = ? WHERE id = ?", (previous, row[0]))


@dataclass(frozen=True)
class AuditBreak:
    """The first row where a chain is broken."""

    table: str
    row_id: int
    problem: str

    def __str__(self) -> str:
        return f"{self.table} row {self.row_id}: {self.problem}"


@dataclass(frozen=True)
class AuditResult:
    """What :func:`verify` found: rows checked per table, the head hashes, the first break."""

    rows: dict[str, int]
    heads: dict[str, str]
    broken: AuditBreak | None

    @property
    def intact(self) -> bool:
        """Whether both chains are intact."""
        return self.broken is None


def verify(conn: sqlite3.Connection) -> AuditResult:
    """Check both chains row by row; the first break found (actions first) is reported."""
    rows: dict[str, int] = {}
    heads: dict[str, str] = {}
    broken: AuditBreak | None = None
    for table, columns in _TABLES.items():
        previous, expected_id, count = "", None, 0
        cur = conn.execute(f"SELECT {', '.join(columns)}, hash FROM {table} ORDER BY id")
        for row in cur:
            count += 1
            row_id = int(row[0])
            if broken is None:
                if expected_id is not None and row_id != expected_id:
                    broken = AuditBreak(table, row_id, f"rows {expected_id}..{row_id - 1} are "
                                        "missing (deleted)")
                else:
                    want = row_hash(previous, table, row[:-1])
                    if row[-1] != want:
                        broken = AuditBreak(
                            table, row_id, "its hash does not match its contents and the row "
                            "before (changed, or a row before it deleted)")
            previous = row[-1] or ""
            expected_id = row_id + 1
        rows[table], heads[table] = count, previous
    return AuditResult(rows, heads, broken)


def _iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at).isoformat(timespec="seconds")


def export_rows(conn: sqlite3.Connection, *, since: float | None = None,
                until: float | None = None) -> Iterator[dict[str, Any]]:
    """Every action and shift row with ``since <= at < until`` (epoch seconds), oldest first,
    as flat dictionaries (the request or data parsed, secret-looking keys dropped again)."""
    where, args = [], []
    if since is not None:
        where.append("at >= ?")
        args.append(since)
    if until is not None:
        where.append("at < ?")
        args.append(until)
    cond = (" WHERE " + " AND ".join(where)) if where else ""
    out: list[dict[str, Any]] = []
    for r in conn.execute(f"SELECT {', '.join(ACTION_COLUMNS)}, hash FROM actions{cond}", args):
        out.append({"table": "actions", "id": r[0], "at": _iso(r[1]), "operator": r[2],
                    "lane_no": r[3], "kind": r[4], "shift_id": r[9],
                    "detail": clean(json.loads(r[5])), "result_code": r[6],
                    "result_msg": r[7], "result_id": r[8], "hash": r[10], "_t": r[1]})
    for r in conn.execute(f"SELECT {', '.join(SHIFT_COLUMNS)}, hash FROM shifts{cond}", args):
        out.append({"table": "shifts", "id": r[0], "at": _iso(r[1]), "operator": r[4],
                    "lane_no": None, "kind": r[3], "shift_id": r[2],
                    "detail": clean(json.loads(r[5])), "result_code": None, "result_msg": None,
                    "result_id": None, "hash": r[6], "_t": r[1]})
    out.sort(key=lambda d: (d["_t"], d["table"], d["id"]))
    for d in out:
        del d["_t"]
        yield d
