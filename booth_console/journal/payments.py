"""Pending payments in the journal: a PaySuccess is journaled before it is sent and stays until
the server's answer is definite; offline cash payments wait here for their check."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from booth_console.journal.redact import dumps
from booth_console.journal.writer import GroupCommitWriter

__all__ = ["OPEN_PAYMENT_STATUSES", "Payments", "PendingPayment"]


@dataclass(frozen=True, slots=True)
class PendingPayment:
    """A PaySuccess journaled before sending and not yet answered definitively."""

    payment_order_no: str
    lane_no: str
    order_no: str
    request: dict[str, Any]
    operator: str
    created_at: float
    attempts: int
    #: ``pending`` (to deliver), ``offline`` (recorded offline, not checked against the order
    #: yet) or ``review`` (the check found a difference: not sent, see ``review``)
    status: str = "pending"
    #: taken while the parking server was unreachable (an offline cash payment)
    offline: bool = False
    #: why an offline payment was not sent (the difference found), for the attendant
    review: str = ""


#: statuses of payments not settled yet (listed in the booth window)
OPEN_PAYMENT_STATUSES = ("pending", "offline", "review")


class Payments(GroupCommitWriter):
    """The ``pending_payments`` table of the journal."""

    async def add_pending_payment(
        self, *, payment_order_no: str, lane_no: str, order_no: str, request: dict[str, Any],
        operator: str, offline: bool = False,
    ) -> None:
        """Journal a PaySuccess before it is sent; committed when this returns.

        Adding the same PaymentOrderNo again keeps the first entry (the retry reuses it).
        ``offline``: taken while the server was unreachable; it stays ``offline`` (never sent)
        until :meth:`mark_offline_checked` says how the check against the order went.
        """
        now = time.time()
        text = dumps(request)
        await self._submit(lambda c: c.execute(
            "INSERT OR IGNORE INTO pending_payments (payment_order_no, lane_no, order_no, request,"
            " operator, created_at, status, offline, shift_id) VALUES (?,?,?,?,?,?,?,?,"
            " (SELECT CASE WHEN event = 'open' THEN shift_id END FROM shifts"
            "  ORDER BY id DESC LIMIT 1))",
            (payment_order_no, lane_no, order_no, text, operator, now,
             "offline" if offline else "pending", 1 if offline else 0),
        ))

    async def mark_offline_checked(self, payment_order_no: str, *, review: str = "") -> bool:
        """An offline payment was checked against its order: to deliver (``review`` empty,
        status ``pending``) or not to send (status ``review``, with the difference found).
        Returns whether this call made the change (``False``: it was checked already, e.g. by
        a check running at the same time; the caller then does nothing)."""
        now = time.time()

        def job(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "UPDATE pending_payments SET status = ?, review = ?, checked_at = ?"
                " WHERE payment_order_no = ? AND status = 'offline'",
                ("review" if review else "pending", review or None, now, payment_order_no))
            return cur.rowcount > 0

        result: bool = await self._submit(job)
        return result

    async def settle_review(self, payment_order_no: str, *, note: str) -> bool:
        """Close a payment that needs review without sending it (the attendant or supervisor
        settled the difference); ``note`` says how. Returns whether a row was closed."""
        now = time.time()

        def job(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "UPDATE pending_payments SET status = 'settled', resolved_at = ?, result_msg = ?"
                " WHERE payment_order_no = ? AND status = 'review'",
                (now, note, payment_order_no))
            return cur.rowcount > 0

        result: bool = await self._submit(job)
        return result

    async def resolve_pending_payment(
        self, payment_order_no: str, *, status: str, result_code: int | None, result_msg: str | None
    ) -> None:
        """Close a pending payment with the server's definitive answer.

        Args:
            status: ``"confirmed"`` or ``"rejected"``.
        """
        if status not in ("confirmed", "rejected"):
            raise ValueError(f"status must be 'confirmed' or 'rejected', not {status!r}")
        now = time.time()
        await self._submit(lambda c: c.execute(
            "UPDATE pending_payments SET status = ?, resolved_at = ?, result_code = ?,"
            " result_msg = ? WHERE payment_order_no = ?",
            (status, now, result_code, result_msg, payment_order_no),
        ))

    async def pending_payments(self) -> list[PendingPayment]:
        """Payments to deliver (not yet answered definitively), oldest first."""
        return await self._payments("status = 'pending'")

    async def open_payments(self) -> list[PendingPayment]:
        """Every payment not settled yet (to deliver, offline, needing review), oldest first."""
        return await self._payments(
            "status IN (" + ", ".join(f"'{s}'" for s in OPEN_PAYMENT_STATUSES) + ")")

    async def offline_payments(self) -> list[PendingPayment]:
        """Offline payments not yet checked against their order, oldest first."""
        return await self._payments("status = 'offline'")

    async def _payments(self, where: str) -> list[PendingPayment]:
        def job(conn: sqlite3.Connection) -> list[PendingPayment]:
            rows = conn.execute(
                "SELECT payment_order_no, lane_no, order_no, request, operator, created_at,"
                " attempts, status, offline, review"
                f" FROM pending_payments WHERE {where} ORDER BY created_at, rowid"
            ).fetchall()
            return [PendingPayment(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7],
                                   bool(r[8]), r[9] or "")
                    for r in rows]

        result: list[PendingPayment] = await self._submit(job)
        return result

    async def shift_payments(self, shift_id: int) -> list[tuple[PendingPayment, str]]:
        """Every payment journaled while shift ``shift_id`` was open, oldest first, with its
        status now (``pending``, ``offline``, ``review``, ``confirmed``, ``rejected``,
        ``settled``)."""

        def job(conn: sqlite3.Connection) -> list[tuple[PendingPayment, str]]:
            rows = conn.execute(
                "SELECT payment_order_no, lane_no, order_no, request, operator, created_at,"
                " attempts, status, offline, review FROM pending_payments WHERE shift_id = ?"
                " ORDER BY created_at, rowid", (shift_id,)).fetchall()
            return [(PendingPayment(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7],
                                    bool(r[8]), r[9] or ""), r[7]) for r in rows]

        result: list[tuple[PendingPayment, str]] = await self._submit(job)
        return result

    async def note_payment_attempt(self, payment_order_no: str) -> None:
        """Count one more sending attempt of a pending payment."""
        await self._submit(lambda c: c.execute(
            "UPDATE pending_payments SET attempts = attempts + 1 WHERE payment_order_no = ?",
            (payment_order_no,),
        ))
