"""Offline: the parking server cannot be reached.

A cash payment is recorded with the last known order and fee (:func:`record_offline_payment`)
and sent only after the :class:`~booth_console.app.outbox.PaymentOutbox` checked it against the
order once the server answers again; a difference is not sent but kept for review
(:func:`settle_offline_payment`). The barrier is opened with its manual switch and the opening
journaled (:func:`record_manual_opening`); gate commands are never queued (docs/OFFLINE.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from booth_console.app.commands.base import (
    DATE_FMT,
    CommandContext,
    CommandError,
    Outcome,
    _tr,
    capture_evidence,
)
from booth_console.app.commands.payment import (
    OFFLINE_CASH,
    PaymentInput,
    new_payment_order_no,
    pay_request,
    yuan,
)
from booth_console.app.commands.registry import Operation
from booth_console.app.lane import LaneController
from booth_console.app.snapshots import OrderSnapshot

__all__ = [
    "OfflinePayment",
    "manual_open",
    "record_manual_opening",
    "record_offline_payment",
    "settle_offline_payment",
    "take_offline_payment",
]

log = logging.getLogger("booth_console.commands")


@dataclass(frozen=True)
class OfflinePayment:
    """A cash payment recorded while the server was unreachable (not sent yet)."""

    payment_order_no: str
    order_no: str
    amount: Decimal
    change: Decimal


def _when(at: dt.datetime | None) -> str | None:
    return at.strftime(DATE_FMT) if at is not None else None


async def record_offline_payment(
    ctx: CommandContext, lane: LaneController, payment: PaymentInput, *,
    plate: str = "", known_at: dt.datetime | None = None,
) -> OfflinePayment:
    """Record a cash payment taken while the parking server cannot be reached.

    The last known order and fee are journaled (status ``offline``, a fresh PaymentOrderNo)
    before anything else and nothing is sent. Once the server answers again the outbox checks
    the order and delivers it with the same PaymentOrderNo, or keeps it for review when the fee
    or the order changed.

    Raises:
        CommandError: no order known, not cash, less received than due, no journal, or a
            payment of this order still waiting for the server (a duplicate).
    """
    from booth_console.app.outbox import jsonable

    if not payment.order_no:
        raise CommandError(_tr("No order is known at this lane: an offline payment needs the "
                               "last known order."))
    if payment.method != OFFLINE_CASH:
        raise CommandError(_tr("Offline only cash payments can be recorded."))
    if payment.amount_due < 0:
        raise CommandError(_tr("The amount due is negative."))
    if payment.received < payment.amount_due:
        raise CommandError(_tr("The amount received is less than the amount due."))
    if ctx.journal is None:
        raise CommandError(_tr("Offline payments need the journal, and it is not open."))
    for p in await ctx.journal.open_payments():
        if p.order_no == payment.order_no:
            raise CommandError(
                _tr("Payment {pno} of this order is already recorded and waits for the parking "
                    "server: not recorded twice.").format(pno=p.payment_order_no))
    pno = new_payment_order_no()
    request = pay_request(payment, pno, ctx.operator)
    request.update({"_Offline": True, "_Plate": plate, "_KnownAt": _when(known_at)})
    await ctx.journal.add_pending_payment(
        payment_order_no=pno, lane_no=lane.lane_no, order_no=payment.order_no,
        request=jsonable(request), operator=ctx.operator, offline=True,
    )
    ctx.payments.changed()
    await ctx.journal_action(lane.lane_no, "offline_payment", jsonable(request))
    log.info("lane %s: offline payment %s of order %s recorded (%s)", lane.lane_no, pno,
             payment.order_no, payment.amount_due)
    out = OfflinePayment(pno, payment.order_no, payment.amount_due, payment.change)
    ctx.offline_taken[lane.lane_no] = out
    return out


async def settle_offline_payment(ctx: CommandContext, payment_order_no: str, note: str) -> bool:
    """Close an offline payment that needs review without sending it; ``note`` (required)
    says how the difference was settled. Journaled with the operator.

    Raises:
        CommandError: no note, no journal, or no such payment needing review.
    """
    if not note.strip():
        raise CommandError(_tr("Say how the difference was settled."))
    if ctx.journal is None:
        raise CommandError(_tr("Offline payments need the journal, and it is not open."))
    if not await ctx.journal.settle_review(payment_order_no, note=note.strip()):
        raise CommandError(_tr("Payment {pno} does not need review.").format(pno=payment_order_no))
    await ctx.journal_action(None, "offline_payment_settled",
                             {"PaymentOrderNo": payment_order_no, "Note": note.strip()})
    ctx.payments.changed()
    return True


async def record_manual_opening(
    ctx: CommandContext, lane: LaneController, reason: str,
) -> int:
    """Journal that the attendant opened ``lane``'s barrier with its manual switch (the server
    could not be reached). Nothing is sent, now or later. Returns the journal row.

    Raises:
        CommandError: no reason, or no journal.
    """
    if not reason.strip():
        raise CommandError(_tr("A reason is required for a manual opening."))
    if ctx.journal is None:
        raise CommandError(_tr("Manual openings need the journal, and it is not open."))
    order = lane.order
    request = {
        "LaneNo": lane.lane_no, "LaneName": lane.lane.name,
        "Plate": order.plate if order is not None else "",
        "OrderNo": order.order_no if order is not None else "",
        "LastKnownFee": str(order.charge) if order is not None else None,
        "Reason": reason.strip(), "OperatorName": ctx.operator,
        "OpenedAt": dt.datetime.now().strftime(DATE_FMT),
        "ServerLastSeen": _when(lane.link.last_seen),
        **capture_evidence(lane),
    }
    row: int = await ctx.journal.record_action(
        operator=ctx.operator, lane_no=lane.lane_no, action="manual_open", request=request,
        result_code=None, result_msg=None, result_id=None)
    log.info("lane %s: manual opening journaled (%s)", lane.lane_no, reason.strip())
    return row


# -- what the attendant gives -------------------------------------------------------------------


def offline_since(lane: LaneController) -> str:
    """When the lane last had an answer (HH:MM:SS), or "never"."""
    seen = lane.link.last_seen
    return seen.strftime("%H:%M:%S") if seen else _tr("never")


def manual_open_reasons() -> tuple[str, ...]:
    """Reasons offered for a manual opening."""
    return (
        _tr("Paid cash offline"),
        _tr("Nothing to pay (free time, monthly or free vehicle)"),
        _tr("Emergency or official vehicle"),
        _tr("Approved by the supervisor"),
    )


async def manual_open(op: Operation, *, reason: str = "") -> Outcome[Any]:
    """The server cannot be reached: ask the attendant to open the barrier with its manual
    switch and, once they say they did, journal the opening with a reason (``reason``: one
    given already, offered again). Nothing is sent to the server, now or later."""
    ctx, lane = op.runner.ctx, op.lane
    order = lane.order
    pending = ctx.offline_taken.get(op.lane_no)
    if pending is not None and order is not None and pending.order_no == order.order_no:
        reason = _tr("Paid cash offline (payment {pno})").format(pno=pending.payment_order_no)
    warning = _tr(
        "OFFLINE since {t}: the parking server cannot be reached, so this console cannot open "
        "the barrier, and the command is not kept for later. Open the barrier with its manual "
        "switch, then confirm here with the reason: the opening is recorded in the journal "
        "(lane, plate, last known order, your name, time).").format(t=offline_since(lane))
    why = await op.ask.enter_reason(_tr("Manual opening"), warning, manual_open_reasons(), reason)
    if why is None:
        text = _tr("No manual opening recorded.")
        ctx.messages.info(text, lane_no=op.lane_no)
        return Outcome.cancelled(text)
    why = why.strip()
    return await op.runner.run(
        op.lane_no, "manual_open", record_manual_opening, lane, why,
        busy_text=_tr("Recording the manual opening…"),
        success_text=lambda _r: _tr("Manual opening recorded: {why}").format(why=why))


async def take_offline_payment(
    op: Operation, *, received: Decimal | None = None, remarks: str = "",
    method: str = OFFLINE_CASH, order: OrderSnapshot | None = None,
) -> Outcome[Any]:
    """Record an offline cash payment with the last known order and fee (F4 while the server
    cannot be reached, or after it stopped answering mid-payment)."""
    ctx, lane = op.runner.ctx, op.lane
    msgs = ctx.messages
    order = order if order is not None else lane.order
    if order is None or not order.order_no:
        text = _tr("OFFLINE: no order is known at this lane, so no payment can be recorded.")
        msgs.info(text, lane_no=op.lane_no)
        return Outcome.cancelled(text)
    if received is not None:  # typed already: ask before recording it offline
        if method != OFFLINE_CASH:
            text = _tr("The parking server does not answer, and offline only cash payments "
                       "can be recorded: nothing was recorded.")
            msgs.error(text, lane_no=op.lane_no)
            return Outcome.cancelled(text)
        if not await op.ask.confirm(
            _tr("Offline cash payment"),
            _tr("The parking server does not answer: nothing was sent. Record this cash "
                "payment offline ({fee}, order {order})? It is sent when the server "
                "answers again, after checking the fee.").format(
                fee=yuan(order.amount_due), order=order.order_no),
        ):
            return Outcome.cancelled()
    warning = _tr(
        "OFFLINE since {t}: the parking server cannot be reached. This cash payment is "
        "recorded in this console with the last known order and fee (as of {t}) and sent "
        "with the same payment number when the server answers again. If the fee or the order "
        "has changed by then, it is NOT sent and is listed for review. Open the barrier with "
        "its manual switch ({open}).").format(
        t=offline_since(lane), open=op.ask.key_text("open_gate"))
    entry = await op.ask.enter_payment(order, offline=warning, received=received,
                                       remarks=remarks)
    if entry is None:
        return Outcome.cancelled()
    payment = PaymentInput(
        order_no=order.order_no, amount_due=order.amount_due, received=entry.received,
        method=OFFLINE_CASH, remarks=entry.remarks.strip(), total_due=order.total_due,
        discount=order.discount, coupon_nos=order.coupon_nos)
    return await op.runner.run(
        op.lane_no, "confirm_payment", record_offline_payment, lane, payment,
        plate=order.plate, known_at=lane.link.last_seen,
        busy_text=_tr("Recording the offline payment…"),
        success_text=lambda o: _tr(
            "OFFLINE payment recorded ({pno}), not sent yet. Change: {change}. Open the "
            "barrier with its manual switch and press {open}.").format(
            pno=o.payment_order_no, change=yuan(o.change), open=op.ask.key_text("open_gate")))
