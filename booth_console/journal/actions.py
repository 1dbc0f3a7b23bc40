"""Operator actions in the journal: what was sent (without secrets) and the server's answer."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

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
        """Journal one operator action (secret-looking keys are dropped); returns its row id."""
        now = time.time()
        text = dumps(request)

        def job(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO actions (at, operator, lane_no, action, request, result_code,"
                " result_msg, result_id) VALUES (?,?,?,?,?,?,?,?)",
                (now, operator, lane_no, action, text, result_code, result_msg, result_id),
            )
            return int(cur.lastrowid or 0)

        result: int = await self._submit(job)
        return result

    async def recent_actions(self, limit: int = 100, action: str | None = None) -> list[ActionRow]:
        """The newest operator actions (optionally of one kind), newest first."""

        def job(conn: sqlite3.Connection) -> list[ActionRow]:
            sql = ("SELECT id, at, operator, lane_no, action, request, result_code, result_msg,"
                   " result_id FROM actions")
            args: tuple[Any, ...] = ()
            if action is not None:
                sql += " WHERE action = ?"
                args = (action,)
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
            return [ActionRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7], r[8])
                    for r in rows]

        result: list[ActionRow] = await self._submit(job)
        return result
