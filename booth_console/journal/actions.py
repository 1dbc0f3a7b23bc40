"""Operator actions in the journal: what was sent (without secrets) and the server's answer."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from booth_console.journal.audit import chain_head, open_shift_id, row_hash
from booth_console.journal.redact import dumps
from booth_console.journal.writer import GroupCommitWriter

__all__ = ["ActionRow", "Actions"]


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One journaled operator action."""

    row_id: int
    at: float
    operator: str
    lane_no: str | None
    action: str
    request: dict[str, Any]
    result_code: int | None
    result_msg: str | None
    result_id: str | None
    #: the shift open when it was written (``None``: no shift was open)
    shift_id: int | None = None


class Actions(GroupCommitWriter):
    """The ``actions`` table of the journal."""

    async def record_action(
        self,
        *,
        operator: str,
        lane_no: str | None,
        action: str,
        request: dict[str, Any],
        result_code: int | None,
        result_msg: str | None,
        result_id: str | None,
    ) -> int:
        """Journal one operator action (secret-looking keys are dropped); returns its row id.

        The row gets the shift open at the time (the last shift row is an ``open``) and its
        link in the audit chain (:mod:`booth_console.journal.audit`).
        """
        now = time.time()
        text = dumps(request)

        def job(conn: sqlite3.Connection) -> int:
            last_id, last_hash = chain_head(conn, self._audit_cache, "actions")
            row_id = last_id + 1
            values = (row_id, now, operator, lane_no, action, text, result_code, result_msg,
                      result_id, open_shift_id(conn, self._audit_cache))
            digest = row_hash(last_hash, "actions", values)
            conn.execute(
                "INSERT INTO actions (id, at, operator, lane_no, action, request, result_code,"
                " result_msg, result_id, shift_id, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (*values, digest),
            )
            self._audit_cache["actions"] = (row_id, digest)
            return row_id

        result: int = await self._submit(job)
        return result

    async def recent_actions(self, limit: int = 100, action: str | None = None) -> list[ActionRow]:
        """The newest operator actions (optionally of one kind), newest first."""

        def job(conn: sqlite3.Connection) -> list[ActionRow]:
            sql = ("SELECT id, at, operator, lane_no, action, request, result_code, result_msg,"
                   " result_id, shift_id FROM actions")
            args: tuple[Any, ...] = ()
            if action is not None:
                sql += " WHERE action = ?"
                args = (action,)
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
            return [_action_row(r) for r in rows]

        result: list[ActionRow] = await self._submit(job)
        return result

    async def shift_actions(self, shift_id: int) -> list[ActionRow]:
        """Every operator action written while shift ``shift_id`` was open, oldest first."""

        def job(conn: sqlite3.Connection) -> list[ActionRow]:
            rows = conn.execute(
                "SELECT id, at, operator, lane_no, action, request, result_code, result_msg,"
                " result_id, shift_id FROM actions WHERE shift_id = ? ORDER BY id",
                (shift_id,)).fetchall()
            return [_action_row(r) for r in rows]

        result: list[ActionRow] = await self._submit(job)
        return result


def _action_row(r: Any) -> ActionRow:
    return ActionRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7], r[8], r[9])
