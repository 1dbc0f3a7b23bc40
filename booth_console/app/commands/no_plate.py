"""An entry order for a vehicle without a plate (``CreateNoPlate``), with a virtual plate."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from booth_console.app.commands.base import (
    DATE_FMT,
    CommandContext,
    CommandError,
    Outcome,
    _tr,
    send_once,
)
from booth_console.app.commands.registry import N_, Lanes, Operation, register
from booth_console.app.lane import LaneController
from booth_console.app.snapshots import LaneKind

__all__ = ["NoPlateOutcome", "generate_virtual_plate", "no_plate_entry", "unique_virtual_plate"]

_PLATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class NoPlateOutcome:
    """The order created for a vehicle without a plate."""

    order_no: str
    plate: str
    result_msg: str


def generate_virtual_plate(prefix: str = "无", length: int = 6) -> str:
    """A virtual plate: ``prefix`` plus ``length`` letters/digits (no I or O)."""
    return prefix + "".join(secrets.choice(_PLATE_ALPHABET) for _ in range(length))


async def unique_virtual_plate(ctx: CommandContext, tries: int = 8) -> str:
    """A virtual plate not used by any order in the park (checked with a ``ParkingOrder`` query)."""
    from booth_console.client import condition

    for _ in range(tries):
        plate = generate_virtual_plate(ctx.virtual_plate_prefix)
        page = await ctx.client.query_parking_orders(
            [condition("LicensePlateNumber", 0, plate), condition("OrderStatus", 6, [199, 200])],
            page_size=1,
        )
        if not (page.results or []):
            return plate
    raise CommandError(_tr("Could not find an unused virtual plate; try again."))


async def no_plate_entry(
    ctx: CommandContext, lane: LaneController, *, vehicle_type_no: str, plate_type_no: str,
    remarks: str = "", plate: str | None = None,
) -> NoPlateOutcome:
    """Create an entry order for a vehicle without a plate at an entry lane (``CreateNoPlate``).

    Raises:
        CommandError: the lane is not an entry lane or no plate type was chosen.
    """
    from booth_console.protocol import models as m

    if lane.lane.kind is not LaneKind.ENTRY:
        raise CommandError(_tr("No-plate entry is only possible at an entry lane."))
    if not plate_type_no:
        raise CommandError(_tr("Choose a plate type."))
    plate = plate or await unique_virtual_plate(ctx)
    entry_time = dt.datetime.now().strftime(DATE_FMT)
    request = {
        "LicensePlateNumber": plate, "EntryTime": entry_time,
        "VehicleTypeNo": vehicle_type_no or None, "ParkingCardTypeNo": plate_type_no,
        "LaneNo": lane.lane_no, "OperatorName": ctx.operator, "Remarks": remarks or None,
    }
    model = m.CreateNoPlateRequest.model_validate(request)
    result = await send_once(ctx, lane.lane_no, "no_plate_entry", request,
                             ctx.client.create_no_plate(model))
    data = result.data
    order_no = str((data.order_no if data is not None else "") or "")
    lane.request_refresh()
    return NoPlateOutcome(order_no, plate, result.result_msg)


@register("no_plate_entry", title=N_("No-plate entry"), key="F7", lanes=Lanes.ENTRY,
          doc="no-plate entry (entry lanes): virtual plate, vehicle and plate type from the "
              "server", position=7)
async def enter_without_plate(op: Operation) -> Outcome[Any]:
    """Create an entry order for a vehicle without a plate (entry lanes): the attendant chooses
    the types, then reads the virtual plate and order number to write on the ticket."""
    ctx, lane = op.runner.ctx, op.lane
    if lane.lane.kind is not LaneKind.ENTRY:
        text = _tr("No-plate entry is only possible at an entry lane.")
        ctx.messages.info(text, lane_no=op.lane_no)
        return Outcome.cancelled(text)
    booth = op.booth
    choice = await op.ask.choose(booth.vehicle_types if booth is not None else [],
                                 booth.plate_types if booth is not None else [],
                                 ctx.virtual_plate_prefix)
    if choice is None:
        return Outcome.cancelled()
    out = await op.runner.run(
        op.lane_no, "no_plate_entry", no_plate_entry, lane,
        vehicle_type_no=choice.vehicle_type_no, plate_type_no=choice.plate_type_no,
        remarks=choice.remarks.strip(), busy_text=_tr("Creating the entry order…"),
        success_text=lambda o: _tr("Entry created: {plate}, order {order}").format(
            plate=o.plate, order=o.order_no))
    if out.ok and out.value is not None:
        await op.ask.show_entry(out.value.plate, out.value.order_no, out.value.result_msg)
    return out
