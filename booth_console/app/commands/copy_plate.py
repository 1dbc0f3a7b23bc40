"""Copy the lane's plate to the clipboard (to paste it into another program or a search)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication

from booth_console.app.commands.base import CommandContext, Outcome, _tr
from booth_console.app.commands.registry import N_, Lanes, Operation, register
from booth_console.app.lane import LaneController
from booth_console.app.snapshots import LaneKind

__all__ = ["copy_plate", "lane_plate"]


def lane_plate(lane: LaneController) -> str:
    """The plate shown at ``lane``: the waiting vehicle's, else at an entry lane the last
    vehicle's (``""``: none)."""
    if lane.order is not None:
        return lane.order.plate
    if lane.lane.kind is LaneKind.ENTRY and lane.capture is not None:
        return lane.capture.plate
    return ""


async def copy_plate(_ctx: CommandContext, plate: str) -> str:
    """Put ``plate`` on the clipboard."""
    QGuiApplication.clipboard().setText(plate)
    return plate


@register("copy_plate", title=N_("Copy plate"), key="Ctrl+Shift+C", lanes=Lanes.ANY,
          doc="copy the lane's plate to the clipboard (says so when there is none)")
async def copy_lane_plate(op: Operation) -> Outcome[Any]:
    """Copy the lane's plate; with no plate the attendant is told so."""
    plate = lane_plate(op.lane)
    if not plate:
        text = _tr("There is no plate at this lane to copy.")
        op.runner.ctx.messages.info(text, lane_no=op.lane_no)
        return Outcome.cancelled(text)
    return await op.runner.run(
        op.lane_no, "copy_plate", copy_plate, plate,
        success_text=lambda p: _tr("Plate {plate} copied to the clipboard.").format(plate=p))
