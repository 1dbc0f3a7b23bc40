"""Taking a payment at a lane (``PaySuccess``).

The lane order and its price are read again right before sending; a changed amount is not sent
(:class:`AmountChanged`): the attendant confirms the new one (the amount received is kept). The
payment is journaled as pending *before* it is sent and handed to the
:class:`~booth_console.app.outbox.PaymentOutbox`, which delivers it with the same PaymentOrderNo
until the server answers definitively (docs/PROTOCOL.md, safety rules).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from booth_console.app.commands.base import (
    DATE_FMT,
    CommandContext,
    CommandError,
    Outcome,
    ServerOffline,
    _tr,
)
from booth_console.app.commands.registry import N_, Lanes, Operation, register
from booth_console.app.lane import LaneController
from booth_console.app.messages import error_text
from booth_console.app.snapshots import OrderSnapshot, Payable
from booth_console.errors import ApiError, BoothError, TransportError
from booth_console.protocol import models as m

if TYPE_CHECKING:  # the outbox imports this package: at run time it is imported when used
    from booth_console.app.outbox import PaymentOutcome

__all__ = [
    "OFFLINE_CASH",
    "AmountChanged",
    "Payable",
    "PaymentInput",
    "confirm_payment",
    "new_payment_order_no",
    "pay_request",
    "read_payable",
    "remarks_with_operator",
]

log = logging.getLogger("booth_console.commands")

#: PaymentMethod "Offline Cash Payment": the only method recorded offline
OFFLINE_CASH = "79001"


@dataclass(frozen=True)
class PaymentInput:
    """What the attendant entered in the payment dialog."""

    order_no: str
    amount_due: Decimal
    received: Decimal
    method: str = "79001"
    remarks: str = ""
    coupon_nos: tuple[str, ...] = ()
    #: GetOrderPrice breakdown: the order's total due and its discount (``None``: not known)
    total_due: Decimal | None = None
    discount: Decimal | None = None

    @property
    def change(self) -> Decimal:
        """Change to give back."""
        return max(Decimal(0), self.received - self.amount_due)


def new_payment_order_no() -> str:
    """A unique PaymentOrderNo: ``BC`` + milliseconds + 6 random digits."""
    return f"BC{int(time.time() * 1000)}{secrets.randbelow(10**6):06d}"


def _money(value: Decimal) -> Decimal:
    """An amount in its shortest form (``5``, ``5.5``)."""
    q = value.quantize(Decimal("0.01"))
    text = format(q.normalize(), "f")
    return Decimal(text)


def remarks_with_operator(remarks: str, operator: str) -> str:
    """A payment's Remarks naming the operator who took it (the document's payment request
    has no operator field; ``Operator: li`` after the attendant's own remarks)."""
    named = f"Operator: {operator}"
    return f"{remarks.strip()}; {named}" if remarks.strip() else named


def pay_request(inp: PaymentInput, payment_order_no: str, operator: str, *,
                operator_in_remarks: bool = False) -> dict[str, Any]:
    """The PaySuccess Data for ``inp`` (plus local ``_`` keys the journal keeps, never sent);
    ``operator_in_remarks``: the Remarks name the operator (a console with sign-on)."""
    remarks = (remarks_with_operator(inp.remarks, operator) if operator_in_remarks
               else inp.remarks or None)
    return {
        "OrderNo": inp.order_no,
        "TotalAmountDue": _money(inp.total_due if inp.total_due is not None else inp.amount_due),
        "TotalAmountPaid": _money(inp.amount_due),
        "DiscountAmount": _money(inp.discount or Decimal(0)),
        "PaymentTime": dt.datetime.now().strftime(DATE_FMT),
        "PaymentMethod": inp.method,
        "PaymentOrderNo": payment_order_no,
        "Remarks": remarks,
        "PlateCouponNos": [{"No": c} for c in inp.coupon_nos],
        # local only (not sent): what the attendant took and gave back
        "_Received": str(inp.received),
        "_Operator": operator,
    }


async def confirm_payment(
    ctx: CommandContext, lane: LaneController | None, payment: PaymentInput, *,
    payment_order_no: str | None = None,
) -> PaymentOutcome:
    """Confirm a manual payment of the order waiting at ``lane`` (``PaySuccess``).

    The payment is journaled as pending with a fresh PaymentOrderNo before it is sent, then
    delivered by the outbox (sent again with the same PaymentOrderNo while the answer is not
    definite).

    Raises:
        CommandError: nothing to pay, the amount received is less than the amount due, or no
            definite answer within ``payment_retry.foreground_wait`` (the payment stays pending
            and is delivered in the background).
        AmountChanged: the amount due changed (nothing was sent).
        ApiError: the server refused the payment (definitive; journaled as rejected).
    """
    from booth_console.app.outbox import jsonable

    if not payment.order_no:
        raise CommandError(_tr("There is no order to pay at this lane."))
    if payment.amount_due < 0:
        raise CommandError(_tr("The amount due is negative."))
    if payment.received < payment.amount_due:
        raise CommandError(_tr("The amount received is less than the amount due."))
    if ctx.journal is not None and payment_order_no is None:
        for p in await ctx.journal.open_payments():
            if p.offline and p.order_no == payment.order_no:
                raise CommandError(
                    _tr("Payment {pno} of this order was taken offline and waits for the parking "
                        "server (see “Payments waiting for the server”): not taken twice.")
                    .format(pno=p.payment_order_no))
    if lane is not None:
        payment = await _checked_against_server(ctx, lane, payment)
    pno = payment_order_no or new_payment_order_no()
    lane_no = lane.lane_no if lane is not None else ""
    request = pay_request(payment, pno, ctx.operator,
                          operator_in_remarks=ctx.operators is not None)
    outbox = ctx.payments
    if ctx.journal is not None:
        await ctx.journal.add_pending_payment(
            payment_order_no=pno, lane_no=lane_no, order_no=payment.order_no,
            request=jsonable(request), operator=ctx.operator,
        )
        outbox.changed()
    try:
        return await outbox.await_delivery(outbox.start_delivery(lane_no, pno, request))
    finally:
        if lane is not None:
            lane.request_refresh()


class AmountChanged(CommandError):
    """The amount due changed while the payment dialog was open; nothing was sent."""

    def __init__(self, message: str, old: Decimal, new: Decimal) -> None:
        super().__init__(message)
        self.old = old
        self.new = new


async def read_payable(ctx: CommandContext, lane_no: str) -> Payable:
    """Read the lane's order and its price breakdown now.

    Raises:
        BoothError: the server cannot be asked (the lane order); a price error leaves the
            breakdown unknown.
    """
    order = await ctx.client.get_lane_order(lane_no)
    price: m.OrderPrice | None = None
    if order.order_no:
        try:
            price = await ctx.client.get_order_price(order.order_no)
        except ApiError as exc:
            log.warning("GetOrderPrice %s before payment: %s", order.order_no, exc)
    return Payable.from_wire(order, price)


async def _checked_against_server(
    ctx: CommandContext, lane: LaneController, payment: PaymentInput
) -> PaymentInput:
    """The payment with the server's current breakdown, or an error if the amount changed."""
    try:
        now = await read_payable(ctx, lane.lane_no)
    except TransportError as exc:
        raise ServerOffline(
            _tr("Cannot check the amount due with the parking server ({error}). The payment was "
                "not sent.").format(error=error_text(exc))
        ) from None
    finally:
        lane.request_refresh()
    if now.order_no != payment.order_no:
        raise CommandError(
            _tr("The order at this lane changed (now: {order}). The payment was not sent.")
            .format(order=now.order_no or "—")
        )
    if now.charge != payment.amount_due:
        raise AmountChanged(
            _tr("The amount due changed from ¥{old} to ¥{new}. The payment was not sent: "
                "check the new amount and confirm again.").format(
                old=f"{payment.amount_due:.2f}", new=f"{now.charge:.2f}"),
            payment.amount_due, now.charge,
        )
    return dataclasses.replace(payment, total_due=now.total_due, discount=now.discount,
                               coupon_nos=now.coupon_nos)


# -- what the attendant gives -------------------------------------------------------------------


def yuan(value: Decimal | None) -> str:
    """An amount for the attendant: ``¥12.50``."""
    return "—" if value is None else f"¥{value:.2f}"


def _has_order(lane: LaneController) -> bool:
    order = lane.order
    return order is not None and bool(order.order_no)


@register("confirm_payment", title=N_("Confirm payment"), key="F4", lanes=Lanes.EXIT,
          doc="confirm payment: method first (1-9 choose the common methods, Alt+1-9 from any "
              "field; Space opens the full list, arrows never change it), amount received, "
              "change. If the amount due changes before sending, the amount received is kept "
              "and the change computed again",
          enabled=_has_order, position=4)
async def take_payment(op: Operation) -> Outcome[Any]:
    """Take a payment: the attendant enters it, then PaySuccess is journaled first and
    delivered until definite. If the amount due changed while it was entered, nothing is sent
    and the attendant is asked to take it again with the new amount (what was typed is kept);
    if the server stopped answering, the payment is offered as an offline cash payment."""
    from booth_console.app.commands.offline import take_offline_payment

    ctl, msgs = op.lane, op.runner.ctx.messages
    if not ctl.link.online:
        return await take_offline_payment(op)
    kept: PaymentEntryKept | None = None
    note = ""
    while True:
        order = ctl.order
        if order is None or not order.order_no:
            text = _tr("No order to pay at this lane.")
            msgs.info(text, lane_no=op.lane_no)
            return Outcome.cancelled(text)
        if kept is None:
            entry = await op.ask.enter_payment(order)
        else:
            entry = await op.ask.enter_payment(order, received=kept.received, method=kept.method,
                                               remarks=kept.remarks, note=note)
        if entry is None:
            return Outcome.cancelled()
        kept = PaymentEntryKept(entry.received, entry.method, entry.remarks, order)
        payment = PaymentInput(order_no=order.order_no, amount_due=order.amount_due,
                               received=entry.received, method=entry.method,
                               remarks=entry.remarks.strip(), coupon_nos=order.coupon_nos)
        change = payment.change

        def paid(o: PaymentOutcome, change: Decimal = change) -> str:
            return _tr("Payment confirmed ({pno}). Change: {change}").format(
                pno=o.payment_order_no, change=yuan(change))

        out = await op.runner.run(op.lane_no, "confirm_payment", confirm_payment, ctl, payment,
                                  busy_text=_tr("Sending the payment…"), success_text=paid)
        if isinstance(out.error, ServerOffline):  # the server went away mid-payment
            return await take_offline_payment(op, received=kept.received, remarks=kept.remarks,
                                              method=kept.method, order=order)
        changed = out.error
        if not isinstance(changed, AmountChanged):
            if out.ok and entry.receipt and out.value is not None and out.value.confirmed:
                await _print_receipt(op, order, payment, out.value.payment_order_no)
            return out
        if not await op.ask.confirm(
            _tr("Amount due changed"),
            _tr("The amount due is now {new} (it was {old}). Take the payment with the "
                "new amount? The amount received ({received}) is kept.").format(
                new=yuan(changed.new), old=yuan(changed.old), received=yuan(kept.received)),
        ):
            return Outcome.cancelled()
        note = _tr("The amount due changed from {old} to {new}: the amount received is "
                   "kept and the change computed again.").format(
            old=yuan(changed.old), new=yuan(changed.new))
        try:
            await ctl.refresh_now()
        except BoothError as exc:
            msgs.error(error_text(exc), lane_no=op.lane_no)
            return Outcome.cancelled()


async def _print_receipt(op: Operation, order: OrderSnapshot, payment: PaymentInput,
                         payment_order_no: str) -> None:
    """Print the receipt of a confirmed payment; a printer problem is said at the lane (the
    payment stands)."""
    from booth_console.app.receipt import Receipt

    ctx = op.runner.ctx
    # the server's clock (the time the fee was computed) when known, like the entry time
    paid_at = order.calc_time or dt.datetime.now().strftime(DATE_FMT)
    entry_time = order.entry_time
    duration = order.duration_minutes
    receipt = Receipt(
        lot=ctx.lot_name, lane=f"{op.lane.lane.name} ({op.lane_no})", plate=order.plate,
        entry_time=entry_time, exit_time=paid_at,
        duration_min=duration if duration is not None
        else Receipt.duration_between(entry_time, paid_at),
        lines=order.lines,
        total_due=order.total_due if order.total_due is not None else payment.amount_due,
        discount=order.discount or Decimal(0), paid=payment.amount_due,
        received=payment.received, change=payment.change, method=payment.method,
        operator=ctx.operator, payment_order_no=payment_order_no)
    try:
        problem = await op.ask.print_receipt(receipt)
    except Exception as exc:  # the payment is confirmed whatever the printer does
        log.exception("receipt %s not printed", payment_order_no)
        problem = error_text(exc)
    if problem:
        ctx.messages.error(_tr("The receipt was not printed: {why}").format(why=problem),
                           lane_no=op.lane_no)


@dataclass(frozen=True)
class PaymentEntryKept:
    """What the attendant typed for a payment, kept when it is taken again."""

    received: Decimal
    method: str
    remarks: str
    order: OrderSnapshot
