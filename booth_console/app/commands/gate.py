"""Barrier commands: open, close, keep-open, and reading a lane again.

Gate commands are sent once: after a timeout or an outage they fail visibly and are never
replayed or queued (docs/OFFLINE.md). Offline, opening the barrier means its manual switch and
a journaled reason (:func:`~booth_console.app.commands.offline.manual_open`).
"""

from __future__ import annotations

from typing import Any

from booth_console.app.commands.base import (
    CommandContext,
    ConfirmationRequired,
    Outcome,
    ReasonPick,
    _tr,
    capture_evidence,
    send_once,
)
from booth_console.app.commands.payment import yuan
from booth_console.app.commands.registry import N_, Lanes, Operation, register
from booth_console.app.lane import LaneController
from booth_console.app.snapshots import LaneKind
from booth_console.errors import ServerTimeout, TransportError

__all__ = ["close_gate", "open_gate", "opening_reasons", "refresh", "toggle_keep_open",
           "unpaid_on_loop"]


async def open_gate(ctx: CommandContext, lane: LaneController,
                    reason: ReasonPick | None = None) -> Any:
    """Open the barrier of ``lane`` (``SetLaneGateStatus`` Status 1, with the operator's name).
    Sent once, never replayed. With ``reason`` the journal row also keeps the reason, the order
    and fee waiting and the capture shown at the lane."""
    request: dict[str, Any] = {"LaneNo": lane.lane_no, "Status": 1, "OperatorName": ctx.operator}
    if reason is not None:
        order = lane.order
        request.update({
            "Reason": reason.reason.strip(), "Text": reason.text.strip(),
            "Plate": order.plate if order is not None else "",
            "OrderNo": order.order_no if order is not None else "",
            "FeeDue": str(order.charge) if order is not None else None,
            **capture_evidence(lane)})
    result = await send_once(
        ctx, lane.lane_no, "open_gate", request, ctx.client.set_gate(lane.lane_no, 1, ctx.operator)
    )
    lane.request_refresh()
    return result


async def close_gate(ctx: CommandContext, lane: LaneController, *, confirmed: bool = False) -> Any:
    """Close the barrier (Status 0). Needs ``confirmed`` while the ground loop reports a vehicle.

    Raises:
        ConfirmationRequired: a vehicle is on the loop and ``confirmed`` is false.
    """
    if lane.status.vehicle_on_loop and not confirmed:
        raise ConfirmationRequired(
            _tr("A vehicle is on the ground loop. Close the barrier anyway?")
        )
    request = {"LaneNo": lane.lane_no, "Status": 0, "OperatorName": ctx.operator,
               "VehicleOnLoop": lane.status.vehicle_on_loop}
    result = await send_once(
        ctx, lane.lane_no, "close_gate", request, ctx.client.set_gate(lane.lane_no, 0, ctx.operator)
    )
    lane.request_refresh()
    return result


async def toggle_keep_open(
    ctx: CommandContext, lane: LaneController, *, confirmed: bool = False
) -> Any:
    """Switch keep-open on or off (Status 2). Always needs ``confirmed``.

    Raises:
        ConfirmationRequired: ``confirmed`` is false.
    """
    if not confirmed:
        on = lane.status.keep_open == 1
        raise ConfirmationRequired(
            _tr("Cancel keep-open on this lane?") if on
            else _tr("Keep the barrier open for every vehicle on this lane?")
        )
    request = {"LaneNo": lane.lane_no, "Status": 2, "OperatorName": ctx.operator,
               "WasKeepOpen": lane.status.keep_open}
    result = await send_once(
        ctx, lane.lane_no, "toggle_keep_open", request,
        ctx.client.set_gate(lane.lane_no, 2, ctx.operator),
    )
    lane.request_refresh()
    return result


async def refresh(ctx: CommandContext, lane: LaneController) -> None:
    """Read the lane's status, order and fee again now."""
    await lane.refresh_now()


# -- what the attendant gives -------------------------------------------------------------------


async def _confirmed_run(op: Operation, name: str, fn: Any, action: str, declined: str,
                         busy: str, done: str, *, busy_first: str = "", done_first: str = ""
                         ) -> Outcome[Any]:
    """Run a command that may need a confirmation: ask, then run it again confirmed."""
    lane_no = op.lane_no
    out = await op.runner.run(lane_no, name, fn, op.lane, busy_text=busy_first,
                              success_text=(lambda _r: done_first) if done_first else None)
    if not isinstance(out.error, ConfirmationRequired):
        return out
    if not await op.ask.confirm(action, out.text):
        op.runner.ctx.messages.info(declined, lane_no=lane_no)
        return Outcome.cancelled(declined)
    return await op.runner.run(lane_no, name, fn, op.lane, confirmed=True, busy_text=busy,
                               success_text=lambda _r: done)


def opening_reasons() -> tuple[str, ...]:
    """Reasons offered when F1 asks why the barrier is opened."""
    return (
        _tr("Paid another way (not recorded in this console)"),
        _tr("Emergency or official vehicle"),
        _tr("Equipment fault: barrier, camera or loop"),
        _tr("Approved by the supervisor"),
        _tr("Other (say why)"),
    )


def unpaid_on_loop(lane: LaneController) -> bool:
    """At an exit (charging) lane, a vehicle is on the ground loop and its order has a fee due."""
    order = lane.order
    exit_lane = lane.lane.kind is not LaneKind.ENTRY or lane.lane.charging
    return (exit_lane and lane.status.vehicle_on_loop and order is not None
            and bool(order.order_no) and order.charge > 0)


@register("open_gate", title=N_("Open barrier"), key="F1", lanes=Lanes.ANY,
          doc="open the barrier; asks for a reason first at an exit lane while a vehicle with "
              "a fee due is on the loop (always with `reason_for_every_opening`)", position=1)
async def open_barrier(op: Operation) -> Outcome[Any]:
    """Open the barrier. At an exit lane while a vehicle with a fee due is on the loop (and
    before every opening with ``[booth] reason_for_every_opening``) the attendant gives a reason
    first; it is journaled with the opening and the capture. Offline (or when the command
    certainly did not reach the server) the attendant is told to use the barrier's manual
    switch and the opening is journaled."""
    from booth_console.app.commands.offline import manual_open

    if not op.lane.link.online:
        return await manual_open(op)
    ctx, lane = op.runner.ctx, op.lane
    pick: ReasonPick | None = None
    unpaid = unpaid_on_loop(lane)
    if unpaid or ctx.reason_for_every_opening:
        order = lane.order
        if unpaid and order is not None:
            detail = _tr("{plate} has {fee} to pay and has NOT paid. Opening the barrier lets "
                         "it leave without paying: say why (recorded with your name and the "
                         "capture). To waive the fee use Free release ({free}).").format(
                plate=order.plate or _tr("The vehicle"), fee=yuan(order.charge),
                free=op.ask.key_text("free_release") or "—")
        else:
            detail = _tr("Say why the barrier is opened (recorded with your name and the "
                         "capture).")
        reasons = opening_reasons()
        pick = await op.ask.pick_reason(_tr("Open barrier"), detail, reasons,
                                        ok_text=_tr("Open the barrier"), explain=reasons[-1:])
        if pick is None:
            text = _tr("Barrier not opened.")
            ctx.messages.info(text, lane_no=op.lane_no)
            return Outcome.cancelled(text)
        if unpaid and order is not None:  # [approval] manual_open_with_fee
            from booth_console.app.commands.approval import Rule

            refused = await op.refused_approval(
                Rule.MANUAL_OPEN, _tr("Open barrier"),
                _tr("{plate} leaves without paying {fee} ({why}).").format(
                    plate=order.plate or _tr("The vehicle"), fee=yuan(order.charge),
                    why=pick.full()),
                fee=order.charge)
            if refused is not None:
                return refused
    out = await op.runner.run(
        op.lane_no, "open_gate", open_gate, lane, pick, busy_text=_tr("Opening the barrier…"),
        success_text=lambda _r: _tr("The barrier opens."))
    exc = out.error
    if isinstance(exc, TransportError) and not exc.sent and not isinstance(exc, ServerTimeout):
        # certainly not sent (the server refused the connection): offer the manual switch.
        # After a timeout the barrier may have moved: the attendant checks it first.
        return await manual_open(op, reason=pick.full() if pick is not None else "")
    return out


@register("close_gate", title=N_("Close barrier"), key="F2", lanes=Lanes.ANY,
          doc="close the barrier (asks first while the ground loop reports a vehicle)",
          position=2)
async def close_barrier(op: Operation) -> Outcome[Any]:
    """Close the barrier, asking first while a vehicle is on the loop."""
    return await _confirmed_run(
        op, "close_gate", close_gate, _tr("Close barrier"), _tr("Barrier not closed."),
        _tr("Closing the barrier…"), _tr("The barrier closes."),
        busy_first=_tr("Closing the barrier…"), done_first=_tr("The barrier closes."))


@register("toggle_keep_open", title=N_("Keep open"), key="F3", lanes=Lanes.ANY,
          doc="keep-open on / off (asks first)", position=3)
async def keep_open(op: Operation) -> Outcome[Any]:
    """Switch keep-open on or off after a confirmation; switching it on by an attendant needs
    a supervisor's approval (``[approval] keep_open``)."""
    from booth_console.app.commands.approval import Rule

    if op.lane.status.keep_open != 1:  # switching it off never needs approval
        refused = await op.refused_approval(
            Rule.KEEP_OPEN, _tr("Keep open"),
            _tr("Keeping the barrier open lets every vehicle through without paying."))
        if refused is not None:
            return refused
    return await _confirmed_run(
        op, "toggle_keep_open", toggle_keep_open, _tr("Keep open"), _tr("Keep-open unchanged."),
        _tr("Switching keep-open…"), _tr("Keep-open switched."))


@register("refresh", title=N_("Refresh"), key="F5", lanes=Lanes.ANY,
          doc="refresh the lane now", position=5)
async def read_again(op: Operation) -> Outcome[Any]:
    """Read status, order and fee again."""
    return await op.runner.run(op.lane_no, "refresh", refresh, op.lane,
                               busy_text=_tr("Refreshing…"),
                               success_text=lambda _r: _tr("Up to date."))
