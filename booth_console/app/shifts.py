"""Shifts: opening with a float, closing with a blind count and the report, the items handed
over to the next operator.

:class:`ShiftManager` is the console's one owner of the shift. The journal keeps the shift
(:mod:`booth_console.journal.shifts`) and stamps every operator action and payment with it;
closing builds the report from the journal (:mod:`booth_console.app.cashup`), compares it with
the parking server's records for the shift's window, takes the counted cash, and keeps the
report in the shift's ``close`` row, from where it can be opened again.

The blind count: :meth:`ShiftManager.prepare_close` returns the report without the count, and
the dialog shows none of its figures until :meth:`ShiftManager.close_shift` has the counted
cash (``ui/shift_dialog.py``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal

from booth_console.app.cashup import (
    Item,
    ShiftReport,
    build_report,
    cross_check,
    fetch_server_records,
    unexplained_openings,
)
from booth_console.app.messages import error_text
from booth_console.errors import BoothError
from booth_console.journal import JournalError, ShiftRecord, ShiftStateError

if TYPE_CHECKING:
    from booth_console.client import ParkingClient
    from booth_console.journal import Journal

__all__ = ["Handover", "ShiftError", "ShiftManager"]

log = logging.getLogger("booth_console.shifts")

#: how long the cross-check may take before the report is shown without it (seconds)
CROSS_CHECK_TIMEOUT_S = 15.0


def _tr(text: str) -> str:
    return QCoreApplication.translate("Shifts", text)


class ShiftError(BoothError):
    """A shift cannot be opened or closed now (the attendant's text)."""


@dataclass(frozen=True)
class Handover:
    """What the next operator takes over: payments still waiting for the server, unexplained
    openings nobody annotated, and how the last shift ended."""

    waiting_payments: list[Item] = field(default_factory=list)
    unexplained_openings: list[Item] = field(default_factory=list)
    last_shift: ShiftReport | None = None

    @property
    def empty(self) -> bool:
        """Nothing is handed over."""
        return not (self.waiting_payments or self.unexplained_openings or (
            self.last_shift is not None and (self.last_shift.mismatches or (
                self.last_shift.variance not in (None, "0.00")))))

    def lines(self) -> list[str]:
        """The items as lines for the sign-on screen (translated)."""
        out: list[str] = []
        for it in self.waiting_payments:
            out.append(_tr("Payment waiting for the server: {what} (lane {lane}, {at})").format(
                what=it.what, lane=it.lane_no, at=it.at))
        for it in self.unexplained_openings:
            out.append(_tr("Unexplained opening not annotated: lane {lane} at {at} {what}").format(
                lane=it.lane_no, at=it.at, what=it.what))
        last = self.last_shift
        if last is not None and last.variance not in (None, "0.00"):
            out.append(_tr("Last shift ({who}) closed with a cash variance of ¥{v}").format(
                who=last.operator, v=last.variance))
        if last is not None and last.mismatches:
            out.append(_tr("Last shift ({who}): {n} differences with the parking server's "
                           "records").format(who=last.operator, n=len(last.mismatches)))
        return out


class ShiftManager(QObject):
    """Opens and closes shifts and makes their reports.

    Signals:
        changed(ShiftRecord | None): a shift was opened (the record) or closed (``None``).
        closed(ShiftReport): a shift was closed with this report.
    """

    changed = Signal(object)
    closed = Signal(object)

    def __init__(self, journal: Journal, client: ParkingClient | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.journal = journal
        self.client = client
        #: the open shift (``None``: between shifts); read with :meth:`load` at start
        self.current: ShiftRecord | None = None
        self.cross_check_timeout_s = CROSS_CHECK_TIMEOUT_S

    def __repr__(self) -> str:
        return f"<ShiftManager current={self.current.shift_id if self.current else None}>"

    async def load(self) -> ShiftRecord | None:
        """Read the open shift from the journal (after a restart the shift goes on)."""
        self.current = await self.journal.current_shift()
        self.changed.emit(self.current)
        return self.current

    async def open_shift(self, operator: str, float_amount: Decimal) -> ShiftRecord:
        """Open a shift for ``operator`` with ``float_amount`` yuan in the drawer.

        Raises:
            ShiftError: a shift is open already, the float is not an amount, or the journal
                cannot write.
        """
        if not float_amount.is_finite() or float_amount < 0 or \
                float_amount != float_amount.quantize(Decimal("0.01")):
            raise ShiftError(_tr("The float must be an amount of zero or more, with at most two "
                                 "decimals."))
        try:
            record = await self.journal.open_shift(
                operator=operator, data={"Float": f"{float_amount:.2f}"})
        except ShiftStateError:
            current = await self.journal.current_shift()
            raise ShiftError(_tr("Shift {id} of {who} is still open: close it first.").format(
                id=current.shift_id if current else "?",
                who=current.operator if current else "?")) from None
        except JournalError as exc:
            raise ShiftError(_tr("The shift could not be recorded: {error}").format(
                error=error_text(exc))) from exc
        self.current = record
        log.info("shift %d opened by %s, float %.2f", record.shift_id, operator, float_amount)
        self.changed.emit(record)
        return record

    async def prepare_close(self) -> ShiftReport:
        """The open shift's report up to now, cross-checked with the server (without the count:
        the attendant counts first).

        Raises:
            ShiftError: no shift is open.
        """
        current = self.current or await self.journal.current_shift()
        if current is None:
            raise ShiftError(_tr("No shift is open."))
        self.current = current
        return await self._build(current, time.time())

    async def _build(self, shift: ShiftRecord, until: float, *,
                     compare: bool = True) -> ShiftReport:
        payments = await self.journal.shift_payments(shift.shift_id)
        actions = await self.journal.shift_actions(shift.shift_id)
        recent = await self.journal.recent_actions(2000)
        report = build_report(
            shift_id=shift.shift_id, operator=shift.operator, opened_at=shift.opened_at,
            float_amount=Decimal(str(shift.opening.get("Float") or "0")), payments=payments,
            actions=actions, recent_actions=recent)
        report.closed_at = until
        if not compare:
            report.cross_check_error = _tr("the shift is still open")
        elif self.client is None:
            report.cross_check_error = _tr("no connection to the parking server")
        else:
            try:
                async with asyncio.timeout(self.cross_check_timeout_s):
                    server_pay, server_gates = await fetch_server_records(
                        self.client, shift.opened_at, until)
                report.mismatches = cross_check(payments, actions, server_pay, server_gates)
                report.checked = True
            except (BoothError, TimeoutError) as exc:
                log.warning("shift %d: cross-check failed: %s", shift.shift_id, exc)
                report.cross_check_error = error_text(exc) if isinstance(exc, BoothError) \
                    else _tr("the parking server did not answer in time")
        report.audit_heads = await self.journal.audit_heads()
        return report

    async def close_shift(self, report: ShiftReport, counted: Decimal, *,
                          denominations: dict[str, int] | None = None,
                          closed_by: str = "") -> ShiftReport:
        """Record the counted cash and close the shift with ``report`` (from
        :meth:`prepare_close`); returns the report with the count and the variance.

        Raises:
            ShiftError: the count is not an amount, the shift is not open, or the journal
                cannot write.
        """
        if not counted.is_finite() or counted < 0:
            raise ShiftError(_tr("The counted cash must be zero or more."))
        report.with_count(counted, denominations)
        report.closed_by = closed_by or report.operator
        try:
            await self.journal.close_shift(
                report.shift_id, operator=report.closed_by,
                data={"Counted": report.counted_cash, "Variance": report.variance,
                      "Report": report.to_dict()})
        except ShiftStateError:
            raise ShiftError(_tr("Shift {id} is not open.").format(id=report.shift_id)) from None
        except JournalError as exc:
            raise ShiftError(_tr("The shift could not be closed: {error}").format(
                error=error_text(exc))) from exc
        log.info("shift %d closed by %s: expected %s, counted %s, variance %s, %d mismatches",
                 report.shift_id, report.closed_by, report.expected_cash, report.counted_cash,
                 report.variance, len(report.mismatches))
        self.current = None
        self.changed.emit(None)
        self.closed.emit(report)
        return report

    async def report(self, shift_id: int | None = None) -> ShiftReport | None:
        """A shift's report: the one kept at its close, or, for the open shift, the report up
        to now (without the cross-check). ``None``: the last closed shift."""
        if shift_id is None:
            record = next((s for s in await self.journal.shifts(20) if not s.is_open), None)
        else:
            record = await self.journal.shift(shift_id)
        if record is None:
            return None
        kept = record.closing.get("Report")
        if isinstance(kept, dict):
            return ShiftReport.from_dict(kept)
        return await self._build(record, time.time(), compare=False)

    async def handover(self) -> Handover:
        """What the next operator's sign-on shows: open items handed over."""
        from booth_console.app.cashup import method_name, money_text, time_text

        waiting = [Item(time_text(p.created_at), p.lane_no,
                        f"{p.payment_order_no} ¥{money_text(Decimal(str(p.request.get('TotalAmountPaid') or 0)))}"
                        f" {method_name(str(p.request.get('PaymentMethod') or ''))} ({p.status})",
                        p.review, operator=p.operator)
                   for p in await self.journal.open_payments()]
        openings = unexplained_openings(await self.journal.recent_actions(2000))
        return Handover(waiting, openings, await self.report())
