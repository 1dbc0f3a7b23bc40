"""Lowering the fee of the order waiting at a lane (``ModifyLaneOrderMoney``), with a reason."""

from __future__ import annotations

import logging
import time
from decimal import Decimal
from typing import Any

from booth_console.app.commands.approval import ApprovalRefused, Rule
from booth_console.app.commands.base import CommandContext, CommandError, Outcome, _tr, send_once
from booth_console.app.commands.payment import yuan
from booth_console.app.commands.registry import N_, Lanes, Operation, register
from booth_console.app.lane import LaneController
from booth_console.errors import BoothError

__all__ = ["default_reasons", "override_fee"]

log = logging.getLogger("booth_console.commands")


async def override_fee(
    ctx: CommandContext, lane: LaneController, new_amount: Decimal, reason: str
) -> Any:
    """Lower the fee of the order waiting at ``lane`` to ``new_amount`` yuan.

    Checked before anything is sent: an order is waiting, a reason is given, and the new amount
    is strictly below the fee on screen. Sent as cents (``ModifyLaneOrderMoney``); the fee is
    read again afterwards.

    Raises:
        CommandError: one of the checks failed (nothing was sent).
    """
    order = lane.order
    if order is None or not order.order_no:
        raise CommandError(_tr("There is no order at this lane to change."))
    if not reason.strip():
        raise CommandError(_tr("A reason is required for a fee override."))
    if new_amount < 0 or new_amount != new_amount.quantize(Decimal("0.01")):
        raise CommandError(_tr("The amount must be zero or more, with at most two decimals."))
    if new_amount >= order.charge:
        raise CommandError(
            _tr("The new fee must be less than the fee shown (¥{fee}).").format(fee=f"{order.charge:.2f}")
        )
    cents = int((new_amount * 100).to_integral_value())
    request = {"OrderNo": order.order_no, "LaneNo": lane.lane_no, "Money": cents,
               "FeeShown": str(order.charge), "Reason": reason.strip()}
    result = await send_once(
        ctx, lane.lane_no, "override_fee", request,
        ctx.client.modify_lane_order_money(order.order_no, lane.lane_no, cents),
    )
    try:
        await lane.refresh_now()
    except BoothError as exc:
        log.warning("fee re-read after override failed: %s", exc)
    return result


def default_reasons() -> tuple[str, ...]:
    """Fee override reasons offered when ``[booth] override_reasons`` is not set."""
    return (
        _tr("Customer complaint: fee disputed"),
        _tr("Equipment fault: barrier or camera"),
        _tr("Grace period: short stay"),
        _tr("Approved by the supervisor"),
    )


def _can_lower(lane: LaneController) -> bool:
    order = lane.order
    return (order is not None and bool(order.order_no) and order.amount_due > 0
            and lane.link.online)


@register("override_fee", title=N_("Fee override"), key="F6", lanes=Lanes.EXIT,
          doc="lower the fee (strictly below the fee shown; a reason is required, presets "
              "offered): checked in the dialog, a refusal is shown there; the lane then shows "
              "who lowered it and why",
          needs_reason=True, enabled=_can_lower, position=6)
async def lower_fee(op: Operation) -> Outcome[Any]:
    """Lower the fee with a reason; a refusal is shown where the amount was entered. The lane
    window shows who lowered it and why (``ctx.fee_notes``)."""
    ctx, lane = op.runner.ctx, op.lane
    order = lane.order
    if order is None or not order.order_no:
        text = _tr("No order at this lane.")
        ctx.messages.info(text, lane_no=op.lane_no)
        return Outcome.cancelled(text)
    reasons = ctx.override_reasons or default_reasons()
    done: list[Outcome[Any]] = []

    async def submit(amount: Decimal, reason: str) -> str:
        try:
            approver = await ctx.require_approval(
                op.ask, Rule.FEE_OVERRIDE, _tr("Fee override"),
                _tr("Lowering the fee from {old} to {new}.")
                .format(old=yuan(order.charge), new=yuan(amount)),
                fee=order.charge, new_fee=amount)
        except ApprovalRefused as exc:
            return str(exc)
        out = await op.runner.run(
            op.lane_no, "override_fee", override_fee, lane, amount, reason,
            busy_text=_tr("Changing the fee…"),
            success_text=lambda _r: _tr("Fee lowered to {new}.").format(new=yuan(amount)))
        if not out.ok:
            return out.text if out.error is not None else _tr("The fee was not changed.")
        ctx.fee_notes[order.order_no] = _tr(
            "Lowered from {old} to {new} by {who}: {why} ({at})").format(
            old=yuan(order.amount_due), new=yuan(amount), who=ctx.operator, why=reason,
            at=time.strftime("%H:%M"))
        if approver and approver != ctx.operator:
            ctx.fee_notes[order.order_no] += _tr(", approved by {name}").format(name=approver)
        done.append(out)
        return ""

    await op.ask.enter_amount(order, reasons, submit)
    return done[0] if done else Outcome.cancelled()
