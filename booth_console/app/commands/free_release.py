"""Free release: a vehicle with a fee due leaves without paying, for a reason from a list.

The parking server is told in the documented way that leaves the order closed and explained
(docs/EXCEPTIONS.md): the lane fee is lowered to 0 (``ModifyLaneOrderMoney``), then a zero
payment is delivered (``PaySuccess``, TotalAmountPaid 0) whose Remarks carry the reason, the
attendant's words and name. The server opens the barrier on the payment, as after any payment;
the vehicle's exit record is closed with the payment that explains it. The free release is
journaled with the operator, the reason, the order, the fee waived and the capture shown at the
lane; the capture of the opening itself is journaled when its callback arrives
(:mod:`booth_console.app.openings`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from booth_console.app.commands.base import (
    CommandContext,
    CommandError,
    Outcome,
    ReasonPick,
    _tr,
    capture_evidence,
    send_once,
)
from booth_console.app.commands.payment import OFFLINE_CASH, PaymentInput, confirm_payment, yuan
from booth_console.app.commands.registry import N_, Lanes, Operation, register
from booth_console.app.lane import LaneController
from booth_console.errors import BoothError

__all__ = ["FreeRelease", "default_free_release_reasons", "free_release", "free_release_remarks"]

log = logging.getLogger("booth_console.commands")

#: the built-in reasons (``[booth] free_release_reasons`` default), marked for translation
_BUILT_IN = (N_("Emergency vehicle"), N_("Equipment fault"), N_("Complaint resolved"),
             N_("Staff vehicle"))


@dataclass(frozen=True)
class FreeRelease:
    """A free release the server accepted: the order, the fee waived, the zero payment."""

    order_no: str
    plate: str
    fee_waived: Decimal
    payment_order_no: str
    remarks: str


def default_free_release_reasons() -> tuple[str, ...]:
    """The built-in free release reasons, translated."""
    return tuple(_tr(r) for r in _BUILT_IN)


def free_release_remarks(pick: ReasonPick, operator: str) -> str:
    """The PaySuccess Remarks of a free release (the server's FreePassReason)."""
    return _tr("Free release: {why} (by {who})").format(why=pick.full(), who=operator)


async def free_release(ctx: CommandContext, lane: LaneController, pick: ReasonPick) -> FreeRelease:
    """Let the vehicle waiting at ``lane`` leave without paying, for ``pick``'s reason.

    Lowers the lane fee to 0 (skipped when it is 0 already, e.g. after an earlier attempt),
    then delivers a zero payment whose Remarks carry the reason (journaled as pending first,
    delivered like any payment until the answer is definite). The ``free_release`` journal row
    holds operator, reason, order, fee waived, PaymentOrderNo and the capture shown.

    Raises:
        CommandError: no order at the lane, no reason, or the payment was not confirmed.
        ApiError: the server refused the fee change or the payment.
    """
    order = lane.order
    if order is None or not order.order_no:
        raise CommandError(_tr("There is no order at this lane to release."))
    if not pick.reason.strip():
        raise CommandError(_tr("A reason is required for a free release."))
    evidence = capture_evidence(lane)
    remarks = free_release_remarks(pick, ctx.operator)
    fee = order.charge
    request: dict[str, Any] = {
        "LaneNo": lane.lane_no, "LaneName": lane.lane.name, "OrderNo": order.order_no,
        "Plate": order.plate, "FeeWaived": str(fee),
        "TotalDue": str(order.total_due) if order.total_due is not None else None,
        "Reason": pick.reason.strip(),
        "Text": pick.text.strip(), "OperatorName": ctx.operator, "Remarks": remarks,
        **evidence,
    }
    try:
        if fee > 0:
            await send_once(
                ctx, lane.lane_no, "free_release_fee",
                {"OrderNo": order.order_no, "LaneNo": lane.lane_no, "Money": 0,
                 "FeeShown": str(fee), "Reason": remarks},
                ctx.client.modify_lane_order_money(order.order_no, lane.lane_no, 0))
            try:
                await lane.refresh_now()
            except BoothError as exc:
                log.warning("fee re-read after free release failed: %s", exc)
        payment = PaymentInput(order_no=order.order_no, amount_due=Decimal(0),
                               received=Decimal(0), method=OFFLINE_CASH, remarks=remarks)
        paid = await confirm_payment(ctx, lane, payment)
    except Exception as exc:
        await ctx.journal_action(lane.lane_no, "free_release", request, error=exc)
        raise
    request["PaymentOrderNo"] = paid.payment_order_no
    await ctx.journal_action(lane.lane_no, "free_release", request, result=paid)
    log.info("lane %s: order %s released free (%s)", lane.lane_no, order.order_no, pick.reason)
    return FreeRelease(order.order_no, order.plate, fee, paid.payment_order_no, remarks)


# -- what the attendant gives -------------------------------------------------------------------


def _can_release(lane: LaneController) -> bool:
    order = lane.order
    return order is not None and bool(order.order_no) and lane.link.online


@register("free_release", title=N_("Free release"), key="F9", lanes=Lanes.EXIT,
          doc="free release: the vehicle leaves without paying; a reason from the list is "
              "required (own words optional); the barrier opens and the journal keeps who, "
              "why and the capture",
          needs_reason=True, enabled=_can_release, position=9)
async def release_free(op: Operation) -> Outcome[Any]:
    """Ask for the reason (list plus optional words), then release the vehicle free."""
    ctx, lane = op.runner.ctx, op.lane
    order = lane.order
    if order is None or not order.order_no:
        text = _tr("No order at this lane: nothing to release.")
        ctx.messages.info(text, lane_no=op.lane_no)
        return Outcome.cancelled(text)
    if not lane.link.online:
        text = _tr("The parking server does not answer: a free release needs it. Use the "
                   "barrier's manual switch and {open}.").format(
            open=op.ask.key_text("open_gate"))
        ctx.messages.error(text, lane_no=op.lane_no)
        return Outcome.cancelled(text)
    configured = ctx.free_release_reasons or _BUILT_IN
    reasons = [_tr(r) for r in configured]
    pick = await op.ask.pick_reason(
        _tr("Free release"),
        _tr("{plate} leaves WITHOUT PAYING {fee}. Choose the reason (your own words are "
            "optional): the server records it with the order, and the barrier opens.").format(
            plate=order.plate or _tr("The vehicle"), fee=yuan(order.charge)),
        reasons, ok_text=_tr("Release free and open"))
    if pick is None:
        text = _tr("No free release.")
        ctx.messages.info(text, lane_no=op.lane_no)
        return Outcome.cancelled(text)
    from booth_console.app.commands.approval import Rule

    refused = await op.refused_approval(  # [approval] free_release
        Rule.FREE_RELEASE, _tr("Free release"),
        _tr("{plate} leaves without paying {fee} ({why}).").format(
            plate=order.plate or _tr("The vehicle"), fee=yuan(order.charge), why=pick.full()),
        fee=order.charge)
    if refused is not None:
        return refused
    return await op.runner.run(
        op.lane_no, "free_release", free_release, lane, pick,
        busy_text=_tr("Releasing free…"),
        success_text=lambda r: _tr("Released free ({why}): the barrier opens. Fee waived: "
                                   "{fee}.").format(why=pick.full(), fee=yuan(r.fee_waived)))
