"""Closing the shift from any lane window (the booth window has its own button): the cash-up
with a blind count and the shift report (``app/shifts.py``, ``ui/shift_dialog.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from booth_console.app.commands.base import Outcome, Status, _tr
from booth_console.app.commands.registry import N_, Lanes, Operation, register

if TYPE_CHECKING:
    from booth_console.app.cashup import ShiftReport
    from booth_console.app.shifts import ShiftManager

__all__ = ["ShiftAsker", "close_shift_flow"]


@runtime_checkable
class ShiftAsker(Protocol):
    """An asker that can run the cash-up (the lane window's does)."""

    async def close_shift(self, manager: ShiftManager) -> ShiftReport | None:
        """Count, close and show the report; the report (``None``: cancelled)."""


@register("close_shift", title=N_("Close shift"), key="Ctrl+Shift+F12", lanes=Lanes.ANY,
          doc="close the shift: count the cash first (a blind count: total or by "
              "denomination), then the shift report with the variance, the exceptions and the "
              "differences with the server's records; print, PDF, CSV",
          position=900)
async def close_shift_flow(op: Operation) -> Outcome[Any]:
    """Run the cash-up through the asker."""
    ctx = op.runner.ctx
    manager = ctx.shifts
    if manager is None or manager.current is None:
        text = _tr("No shift is open.")
        ctx.messages.info(text, lane_no=op.lane_no)
        return Outcome.cancelled(text)
    if not isinstance(op.ask, ShiftAsker):
        return Outcome.cancelled()
    report = await op.ask.close_shift(manager)
    if report is None:
        return Outcome.cancelled()
    text = _tr("Shift {id} closed: variance ¥{v}.").format(id=report.shift_id, v=report.variance)
    ctx.messages.success(text, lane_no=op.lane_no)
    return Outcome(Status.OK, value=report, text=text)
