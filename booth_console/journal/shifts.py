"""Shifts in the journal: an append-only list of shift events (``open``, ``close``), each row in
the audit chain (:mod:`booth_console.journal.audit`).

A shift is the ``open`` row (its id is the shift's id) and, once closed, its ``close`` row
holding the counted cash and the report as it was shown. One shift is open at a time: the last
row of the table is an ``open``. Every operator action written meanwhile carries the shift's id
(:meth:`~booth_console.journal.actions.Actions.record_action`).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

from booth_console.journal.audit import chain_head, open_shift_id, row_hash
from booth_console.journal.errors import JournalError
from booth_console.journal.redact import dumps
from booth_console.journal.writer import GroupCommitWriter

__all__ = ["ShiftRecord", "ShiftStateError", "Shifts"]


class ShiftStateError(JournalError):
    """A shift is open already (opening), or not open (closing)."""


@dataclass(frozen=True)
class ShiftRecord:
    """One shift as journaled."""

    shift_id: int
    operator: str
    opened_at: float
    #: what the ``open`` row holds (``Float``: the float in yuan, as text)
    opening: dict[str, Any] = field(default_factory=dict)
    closed_at: float | None = None
    closed_by: str = ""
    #: what the ``close`` row holds (``Counted``, ``Report``, ...); empty while open
    closing: dict[str, Any] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        """Whether the shift is still open."""
        return self.closed_at is None


def _append(conn: sqlite3.Connection, cache: dict[str, Any], now: float, shift_id: int | None,
            event: str, operator: str, data: dict[str, Any]) -> int:
    last_id, last_hash = chain_head(conn, cache, "shifts")
    row_id = last_id + 1
    values = (row_id, now, shift_id if shift_id is not None else row_id, event, operator,
              dumps(data))
    digest = row_hash(last_hash, "shifts", values)
    conn.execute("INSERT INTO shifts (id, at, shift_id, event, operator, data, hash)"
                 " VALUES (?,?,?,?,?,?,?)", (*values, digest))
    cache["shifts"] = (row_id, digest)
    cache["shift"] = values[2] if event == "open" else None
    return row_id


def _record(conn: sqlite3.Connection, shift_id: int) -> ShiftRecord | None:
    rows = conn.execute("SELECT at, event, operator, data FROM shifts WHERE shift_id = ?"
                        " ORDER BY id", (shift_id,)).fetchall()
    opened = next((r for r in rows if r[1] == "open"), None)
    if opened is None:
        return None
    closed = next((r for r in rows if r[1] == "close"), None)
    return ShiftRecord(
        shift_id, opened[2], opened[0], json.loads(opened[3]),
        closed[0] if closed else None, closed[2] if closed else "",
        json.loads(closed[3]) if closed else {})


class Shifts(GroupCommitWriter):
    """The ``shifts`` table of the journal."""

    async def open_shift(self, *, operator: str, data: dict[str, Any]) -> ShiftRecord:
        """Open a shift for ``operator`` (``data``: the float and anything else to keep).

        Raises:
            ShiftStateError: a shift is open already.
        """
        now = time.time()

        def job(conn: sqlite3.Connection) -> ShiftRecord:
            current = open_shift_id(conn, self._audit_cache)
            if current is not None:
                raise ShiftStateError(f"shift {current} is still open")
            row_id = _append(conn, self._audit_cache, now, None, "open", operator, data)
            record = _record(conn, row_id)
            assert record is not None
            return record

        result: ShiftRecord = await self._submit(job)
        return result

    async def close_shift(self, shift_id: int, *, operator: str,
                          data: dict[str, Any]) -> ShiftRecord:
        """Close shift ``shift_id`` (``data``: the counted cash and the report).

        Raises:
            ShiftStateError: that shift is not the open one.
        """
        now = time.time()

        def job(conn: sqlite3.Connection) -> ShiftRecord:
            if open_shift_id(conn, self._audit_cache) != shift_id:
                raise ShiftStateError(f"shift {shift_id} is not open")
            _append(conn, self._audit_cache, now, shift_id, "close", operator, data)
            record = _record(conn, shift_id)
            assert record is not None
            return record

        result: ShiftRecord = await self._submit(job)
        return result

    async def current_shift(self) -> ShiftRecord | None:
        """The open shift, if any."""

        def job(conn: sqlite3.Connection) -> ShiftRecord | None:
            current = open_shift_id(conn, self._audit_cache)
            return _record(conn, current) if current is not None else None

        result: ShiftRecord | None = await self._submit(job)
        return result

    async def shift(self, shift_id: int) -> ShiftRecord | None:
        """Shift ``shift_id`` (open or closed), or ``None``."""
        result: ShiftRecord | None = await self._submit(lambda c: _record(c, shift_id))
        return result

    async def shifts(self, limit: int = 50) -> list[ShiftRecord]:
        """The newest shifts, newest first."""

        def job(conn: sqlite3.Connection) -> list[ShiftRecord]:
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM shifts WHERE event = 'open' ORDER BY id DESC LIMIT ?", (limit,))]
            return [r for r in (_record(conn, i) for i in ids) if r is not None]

        result: list[ShiftRecord] = await self._submit(job)
        return result

    async def audit_heads(self) -> dict[str, str]:
        """The hash of the last row of each audited table (``""``: empty)."""

        def job(conn: sqlite3.Connection) -> dict[str, str]:
            out: dict[str, str] = {}
            for table in ("actions", "shifts"):
                row = conn.execute(f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
                out[table] = (row[0] or "") if row else ""
            return out

        result: dict[str, str] = await self._submit(job)
        return result
