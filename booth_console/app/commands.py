"""Operator commands: one typed async function per action, plus the runner that reports them.

Buttons, shortcuts and tests call these functions (through :class:`CommandRunner`), never a
widget handler. Every command is journaled with the server's ResultCode/ResultMsg/ResultId.
Expected failures raise :class:`CommandError` (or :class:`~booth_console.errors.BoothError`
subclasses from the client); :class:`CommandRunner` turns them into one message for the
attendant. Safety rules (docs/PROTOCOL.md):

* gate commands are sent once: after a timeout or an outage they fail visibly, never replayed;
* closing the barrier while the ground loop reports a vehicle, and toggling keep-open, need an
  explicit ``confirmed=True`` (the UI asks first);
* a payment is journaled as pending *before* ``PaySuccess`` is sent and is retried with the same
  PaymentOrderNo until the server answers definitively;
* only a definite refusal (1001, 1002, 1004, or a 1005 that is not "already recorded") rejects
  a payment. A 1003 or any other code may come after the server recorded it: the PaymentOrderNo
  is looked up (``Query`` route ``PaymentOrder``) before anything is decided, and the payment
  stays pending while that lookup cannot be made;
* offline (the server unreachable) a cash payment is recorded with the last known order and fee
  (:func:`record_offline_payment`) and sent only after it was checked against the order once the
  server answers again (:func:`reconcile_offline_payments`); a difference is not sent but kept
  for review. The barrier is then opened with its manual switch and the opening journaled
  (:func:`record_manual_opening`); gate commands are never queued (docs/OFFLINE.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal

from booth_console.app.lane import LaneController
from booth_console.app.messages import MessageBus, error_text
from booth_console.app.snapshots import LaneKind, field
from booth_console.errors import ApiError, BoothError, ServerTimeout, TransportError
from booth_console.waits import wait_event

__all__ = [
    "COMMANDS",
    "AmountChanged",
    "CommandContext",
    "CommandError",
    "CommandRunner",
    "ConfirmationRequired",
    "Delivery",
    "NoPlateOutcome",
    "OfflinePayment",
    "Payable",
    "PaymentInput",
    "PaymentNotRecorded",
    "PaymentOutcome",
    "RetryPolicy",
    "ServerOffline",
    "already_recorded",
    "close_gate",
    "confirm_payment",
    "generate_virtual_plate",
    "no_plate_entry",
    "open_gate",
    "override_fee",
    "read_payable",
    "reconcile_offline_payments",
    "record_manual_opening",
    "record_offline_payment",
    "refresh",
    "resume_in_background",
    "resume_payment",
    "settle_offline_payment",
    "start_delivery",
    "toggle_keep_open",
]

log = logging.getLogger("booth_console.commands")
T = TypeVar("T")

#: command name -> English title (translated in the UI); the order of the lane window's buttons.
COMMANDS: dict[str, str] = {
    "open_gate": "Open barrier",
    "close_gate": "Close barrier",
    "toggle_keep_open": "Keep open",
    "confirm_payment": "Confirm payment",
    "refresh": "Refresh",
    "override_fee": "Fee override",
    "no_plate_entry": "No-plate entry",
}

DATE_FMT = "%Y-%m-%d %H:%M:%S"
_PLATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
#: PaymentMethod "Offline Cash Payment": the only method recorded offline
OFFLINE_CASH = "79001"
_ALREADY = re.compile(r"already|processing|processed|duplicate|重复|处理中|已处理", re.IGNORECASE)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Commands", text)


class CommandError(BoothError):
    """An expected command failure; ``str()`` is the attendant's message (translated)."""


class ConfirmationRequired(CommandError):
    """The command needs ``confirmed=True`` (the UI asks the attendant first)."""


class ServerOffline(CommandError):
    """The parking server cannot be reached (a transport error, not an error answer): nothing
    was sent. Offline the console records cash payments and manual openings instead."""


@dataclass(frozen=True)
class RetryPolicy:
    """How a payment is retried while the answer is not definite.

    A payment is sent again with the same PaymentOrderNo, with a back-off growing from
    ``first_delay`` to ``max_delay``, until the server answers definitively (docs/PROTOCOL.md, safety rules);
    ``give_up_after`` (seconds, ``None`` = never) exists for tools and tests only. The command
    that took the payment waits at most ``foreground_wait`` seconds for that answer; after that
    the delivery goes on in the background and the payment stays in the booth window's list.
    """

    first_delay: float = 0.5
    max_delay: float = 30.0
    give_up_after: float | None = None
    foreground_wait: float = 20.0
    #: answers of 1003 (or another code that is no definite refusal) after which a payment
    #: that the PaymentOrder lookup does not find is given up as not recorded
    server_error_tries: int = 3

    def delay(self, attempt: int) -> float:
        """Back-off before attempt number ``attempt + 1``."""
        return float(min(self.first_delay * 2 ** max(0, attempt - 1), self.max_delay))


@dataclass
class Delivery:
    """A payment being delivered: one task per PaymentOrderNo, never two at once."""

    payment_order_no: str
    lane_no: str
    task: asyncio.Task[PaymentOutcome]
    wake: asyncio.Event
    watchers: int = 0  # commands awaiting the answer (they report it); 0: reported by the context


@dataclass
class CommandContext:
    """What commands need: the client, the journal, who is on duty, the message channel."""

    client: Any
    journal: Any  # booth_console.journal.Journal or None
    operator: str
    messages: MessageBus
    virtual_plate_prefix: str = "无"
    payment_retry: RetryPolicy = dc_field(default_factory=RetryPolicy)
    #: payments being delivered, by PaymentOrderNo
    deliveries: dict[str, Delivery] = dc_field(default_factory=dict)
    #: called when the set of pending payments may have changed (the booth window's list)
    on_pending_changed: Callable[[], None] | None = None

    async def journal_action(
        self, lane_no: str | None, action: str, request: dict[str, Any],
        result: Any = None, error: BaseException | None = None,
    ) -> None:
        """Journal one action with the server's answer (or the failure)."""
        if self.journal is None:
            return
        code: int | None = None
        msg: str | None = None
        rid: str | None = None
        if result is not None:
            code, msg, rid = result.result_code, result.result_msg, result.result_id
        elif isinstance(error, ApiError):
            code, msg, rid = error.result_code, error.result_msg, error.result_id
        elif error is not None:
            msg = f"{type(error).__name__}: {error}"
        try:
            await self.journal.record_action(
                operator=self.operator, lane_no=lane_no, action=action, request=request,
                result_code=code, result_msg=msg, result_id=rid,
            )
        except Exception:
            log.exception("cannot journal %s", action)


async def _send_once(
    ctx: CommandContext, lane_no: str | None, action: str, request: dict[str, Any],
    call: Awaitable[T],
) -> T:
    """Send a request once and journal the answer; failures are journaled and re-raised."""
    try:
        result = await call
    except BaseException as exc:
        if isinstance(exc, Exception):
            await ctx.journal_action(lane_no, action, request, error=exc)
        raise
    await ctx.journal_action(lane_no, action, request, result=result)
    return result


# -- gate ------------------------------------------------------------------------------------


async def open_gate(ctx: CommandContext, lane: LaneController) -> Any:
    """Open the barrier of ``lane`` (``SetLaneGateStatus`` Status 1). Sent once, never replayed."""
    request = {"LaneNo": lane.lane_no, "Status": 1, "OperatorName": ctx.operator}
    result = await _send_once(
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
    result = await _send_once(
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
    result = await _send_once(
        ctx, lane.lane_no, "toggle_keep_open", request,
        ctx.client.set_gate(lane.lane_no, 2, ctx.operator),
    )
    lane.request_refresh()
    return result


async def refresh(ctx: CommandContext, lane: LaneController) -> None:
    """Read the lane's status, order and fee again now."""
    await lane.refresh_now()


# -- payment ---------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class PaymentOutcome:
    """A payment's definitive result."""

    payment_order_no: str
    confirmed: bool
    attempts: int
    result_code: int | None
    result_msg: str
    result_id: str | None = None
    #: confirmed by a 1005 "already recorded" answer: an earlier attempt had gone through
    already_recorded: bool = False
    #: confirmed by the PaymentOrder lookup after the server answered with an error
    found_by_lookup: bool = False


def new_payment_order_no() -> str:
    """A unique PaymentOrderNo: ``BC`` + milliseconds + 6 random digits."""
    return f"BC{int(time.time() * 1000)}{secrets.randbelow(10**6):06d}"


def _money(value: Decimal) -> Decimal:
    """An amount in its shortest form (``5``, ``5.5``)."""
    q = value.quantize(Decimal("0.01"))
    text = format(q.normalize(), "f")
    return Decimal(text)


def _pay_request(inp: PaymentInput, payment_order_no: str, operator: str) -> dict[str, Any]:
    return {
        "OrderNo": inp.order_no,
        "TotalAmountDue": _money(inp.total_due if inp.total_due is not None else inp.amount_due),
        "TotalAmountPaid": _money(inp.amount_due),
        "DiscountAmount": _money(inp.discount or Decimal(0)),
        "PaymentTime": dt.datetime.now().strftime(DATE_FMT),
        "PaymentMethod": inp.method,
        "PaymentOrderNo": payment_order_no,
        "Remarks": inp.remarks or None,
        "PlateCouponNos": [{"No": c} for c in inp.coupon_nos],
        # local only (not sent): what the attendant took and gave back
        "_Received": str(inp.received),
        "_Operator": operator,
    }


def _wire_pay(request: dict[str, Any]) -> Any:
    from booth_console.protocol import models as m

    data = {k: v for k, v in request.items() if not k.startswith("_")}
    return m.PaySuccessRequest.model_validate(data)


async def confirm_payment(
    ctx: CommandContext, lane: LaneController | None, payment: PaymentInput, *,
    payment_order_no: str | None = None,
) -> PaymentOutcome:
    """Confirm a manual payment of the order waiting at ``lane`` (``PaySuccess``).

    The payment is journaled as pending with a fresh PaymentOrderNo before it is sent, then sent
    and, while the answer is not definite (timeout, dropped connection, server down), sent again
    with the same PaymentOrderNo after a back-off, until the server answers definitively. A 1005
    "already ... recorded for order [this order]" answer after an uncertain attempt means an
    earlier attempt went through: the payment is confirmed.

    Raises:
        CommandError: nothing to pay, the amount received is less than the amount due, or no
            definite answer within ``payment_retry.foreground_wait`` (the payment stays pending
            and is delivered in the background).
        ApiError: the server refused the payment (definitive; journaled as rejected).
    """
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
    request = _pay_request(payment, pno, ctx.operator)
    if ctx.journal is not None:
        await ctx.journal.add_pending_payment(
            payment_order_no=pno, lane_no=lane_no, order_no=payment.order_no,
            request=_jsonable(request), operator=ctx.operator,
        )
        _pending_changed(ctx)
    try:
        return await _await_delivery(ctx, start_delivery(ctx, lane_no, pno, request))
    finally:
        if lane is not None:
            lane.request_refresh()


class AmountChanged(CommandError):
    """The amount due changed while the payment dialog was open; nothing was sent."""

    def __init__(self, message: str, old: Decimal, new: Decimal) -> None:
        super().__init__(message)
        self.old = old
        self.new = new


@dataclass(frozen=True)
class Payable:
    """What the server says is payable at a lane right now (GetLaneOrder + GetOrderPrice)."""

    order_no: str
    charge: Decimal
    total_due: Decimal | None = None
    discount: Decimal | None = None
    coupon_nos: tuple[str, ...] = ()


async def read_payable(ctx: CommandContext, lane_no: str) -> Payable:
    """Read the lane's order and its price breakdown now.

    Raises:
        BoothError: the server cannot be asked (the lane order); a price error leaves the
            breakdown unknown.
    """
    from booth_console.app.snapshots import to_decimal

    model = await ctx.client.get_lane_order(lane_no)
    order_no = str(field(model, "order_no", default="") or "")
    charge = to_decimal(field(model, "charge_money"))
    if not order_no:
        return Payable("", charge)
    try:
        price = await ctx.client.get_order_price(order_no)
    except ApiError as exc:
        log.warning("GetOrderPrice %s before payment: %s", order_no, exc)
        scheme = tuple(str(c) for c in (field(model, "coupon_scheme_nos") or []))
        return Payable(order_no, charge, coupon_nos=scheme)
    coupons = tuple(str(field(c, "no", default="") or "")
                    for c in (field(price, "plate_coupon_nos") or []))
    coupons = tuple(c for c in coupons if c) or tuple(
        str(c) for c in (field(price, "coupon_scheme_nos") or []) if c)
    return Payable(order_no, charge, to_decimal(field(price, "total_amount_due")),
                   to_decimal(field(price, "discount_amount")), coupons)


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


def _request_from_journal(pending: Any) -> dict[str, Any]:
    request = dict(pending.request)
    for key in ("TotalAmountDue", "TotalAmountPaid", "DiscountAmount"):
        if key in request and request[key] is not None:
            request[key] = Decimal(str(request[key]))
    return request


async def resume_payment(ctx: CommandContext, pending: Any) -> PaymentOutcome:
    """Send a payment left pending (after a restart) again, with its own PaymentOrderNo.

    It may have reached the server before (the console stopped before reading the answer), so
    the delivery starts uncertain: a 1005 "already recorded for order [this order]" confirms it.
    If the payment is being delivered already, the delivery is woken up to try now and awaited
    instead of starting a second one.

    Raises:
        ApiError: the server refused the payment (journaled as rejected).
        CommandError: no definite answer within ``payment_retry.foreground_wait``.
    """
    d = start_delivery(ctx, pending.lane_no, pending.payment_order_no,
                       _request_from_journal(pending), uncertain=True)
    return await _await_delivery(ctx, d)


def resume_in_background(ctx: CommandContext, pending: Any) -> Delivery:
    """Deliver a pending payment in the background; the answer is reported through messages."""
    return start_delivery(ctx, pending.lane_no, pending.payment_order_no,
                          _request_from_journal(pending), uncertain=True)


def start_delivery(
    ctx: CommandContext, lane_no: str, pno: str, request: dict[str, Any], *,
    uncertain: bool = False,
) -> Delivery:
    """The delivery of ``pno``: the running one (woken up to try now) or a new task."""
    running = ctx.deliveries.get(pno)
    if running is not None and not running.task.done():
        running.wake.set()
        return running
    wake = asyncio.Event()
    task = asyncio.get_running_loop().create_task(
        _deliver_payment(ctx, lane_no, pno, request, uncertain=uncertain, wake=wake),
        name=f"payment-{pno}",
    )
    d = Delivery(pno, lane_no, task, wake)
    ctx.deliveries[pno] = d

    def done(t: asyncio.Task[PaymentOutcome]) -> None:
        if ctx.deliveries.get(pno) is d:
            del ctx.deliveries[pno]
        _pending_changed(ctx)
        if t.cancelled():
            return
        exc = t.exception()
        if d.watchers:
            return  # the command awaiting it reports the answer
        if exc is None:
            out = t.result()
            ctx.messages.success(_outcome_text(out), lane_no=lane_no, command="confirm_payment")
        else:
            ctx.messages.error(describe_error(exc, "confirm_payment"), lane_no=lane_no,
                               command="confirm_payment")

    task.add_done_callback(done)
    return d


def _outcome_text(out: PaymentOutcome) -> str:
    if out.found_by_lookup:
        return _tr("Payment {pno} confirmed: the parking server answered with an error "
                   "(code {code}) but its payment records hold it.").format(
            pno=out.payment_order_no, code=out.result_code)
    if out.already_recorded:
        return _tr("Payment {pno} had already been recorded by the parking server.").format(
            pno=out.payment_order_no)
    return _tr("Payment {pno} confirmed.").format(pno=out.payment_order_no)


async def _await_delivery(ctx: CommandContext, d: Delivery) -> PaymentOutcome:
    d.watchers += 1
    try:
        async with asyncio.timeout(ctx.payment_retry.foreground_wait):  # keeps a cancel (3.11)
            return await asyncio.shield(d.task)
    except TimeoutError:
        raise CommandError(
            _tr("No definite answer from the parking server yet. Payment {pno} stays in "
                "“Payments waiting for the server” and is sent again automatically.")
            .format(pno=d.payment_order_no)
        ) from None
    finally:
        d.watchers -= 1


def _pending_changed(ctx: CommandContext) -> None:
    if ctx.on_pending_changed is not None:
        try:
            ctx.on_pending_changed()
        except Exception:
            log.exception("pending payments listener failed")


_OTHER_ORDER = re.compile(r"another order|other order|不属于|其他订单|另一", re.IGNORECASE)
_BRACKETED = re.compile(r"\[([^\]]*)\]")


def already_recorded(message: str, order_no: str) -> bool:
    """Whether a 1005 answer says this payment was recorded for ``order_no`` already.

    "... has already been recorded for order [X]" with X the payment's order: yes. "... belongs
    to another order", or a different order named: no (a real rejection).
    """
    if not _ALREADY.search(message) or _OTHER_ORDER.search(message):
        return False
    named = _BRACKETED.findall(message)
    if order_no and "order" in message.lower() and len(named) >= 2:
        return order_no in named
    return True


#: ResultCodes that refuse a payment for certain, with nothing recorded: 1001 (signature),
#: 1002 (parameters), 1004 (interface off) and 1005 (a business refusal; after an uncertain
#: attempt only once the lookup shows the payment is not recorded). Anything else, 1003 first,
#: may come after the server recorded the payment.
DEFINITE_REFUSALS = frozenset({1001, 1002, 1004, 1005})


class PaymentNotRecorded(CommandError):
    """The server answered a payment with errors and its PaymentOrder records do not hold it.

    Attributes:
        result_code, result_msg, result_id: the server's last answer to the payment.
    """

    def __init__(self, message: str, error: ApiError) -> None:
        super().__init__(message)
        self.result_code = error.result_code
        self.result_msg = error.result_msg
        self.result_id = error.result_id


async def look_up_payment(ctx: CommandContext, pno: str, order_no: str) -> str:
    """What the server's PaymentOrder records say about PaymentOrderNo ``pno``.

    Returns:
        ``"recorded"`` (a successful payment of ``order_no``), ``"absent"`` (no record) or
        ``"other"`` (recorded for another order, or not as a success).

    Raises:
        BoothError: the server cannot be asked (unreachable, timeout, an error answer).
    """
    from booth_console.client import condition

    page = await ctx.client.query_payments([condition("No", 0, pno)], page_size=10)
    rows = [r for r in (field(page, "results") or []) if str(field(r, "no", default="")) == pno]
    if not rows:
        return "absent"
    for r in rows:
        if (str(field(r, "order_no", default="") or "") == order_no
                and int(field(r, "payment_status", default=0) or 0) == 1):
            return "recorded"
    return "other"


async def _pause(wake: asyncio.Event | None, delay: float) -> None:
    """Wait ``delay`` seconds, or less if ``wake`` is set (a manual "Send again")."""
    if wake is None:
        await asyncio.sleep(delay)
        return
    await wait_event(wake, delay)  # a cancel (quit) is never lost
    wake.clear()


async def _look_up_until_known(
    ctx: CommandContext, lane_no: str, pno: str, order_no: str, answer: ApiError,
    started: float, wake: asyncio.Event | None,
) -> str:
    """:func:`look_up_payment`, repeated with the payment's back-off until the server tells.

    Raises:
        BoothError: ``give_up_after`` passed without an answer (the payment stays pending).
    """
    policy = ctx.payment_retry
    tries = 0
    ctx.messages.busy(
        _tr("The parking server answered “{msg}” (code {code}) to payment {pno}; asking it "
            "whether the payment was recorded…").format(
            msg=answer.result_msg, code=answer.result_code, pno=pno),
        lane_no=lane_no, command="confirm_payment",
    )
    while True:
        tries += 1
        request = {"PaymentOrderNo": pno, "OrderNo": order_no,
                   "AfterResultCode": answer.result_code}
        try:
            state = await look_up_payment(ctx, pno, order_no)
        except BoothError as exc:
            await ctx.journal_action(lane_no, "payment_lookup", request, error=exc)
            elapsed = time.monotonic() - started
            if policy.give_up_after is not None and elapsed >= policy.give_up_after:
                raise
            delay = policy.delay(tries)
            ctx.messages.busy(
                _tr("Payment {pno} is waiting for the server: cannot check whether it was "
                    "recorded ({error}); asking again in {s:.0f} s").format(
                    pno=pno, error=error_text(exc), s=delay),
                lane_no=lane_no, command="confirm_payment",
            )
            log.warning("payment %s lookup %d: %s", pno, tries, exc)
            await _pause(wake, delay)
            continue
        log.info("payment %s after ResultCode %s: lookup says %s", pno, answer.result_code, state)
        await ctx.journal_action(lane_no, "payment_lookup", dict(request, Found=state))
        return state


async def _deliver_payment(
    ctx: CommandContext, lane_no: str, pno: str, request: dict[str, Any], *,
    uncertain: bool = False, wake: asyncio.Event | None = None,
) -> PaymentOutcome:
    policy = ctx.payment_retry
    model = _wire_pay(request)
    order_no = str(request.get("OrderNo") or "")
    started = time.monotonic()
    attempts = 0
    server_errors = 0
    while True:
        attempts += 1
        if ctx.journal is not None:
            await ctx.journal.note_payment_attempt(pno)
        try:
            result = await ctx.client.pay_success(model)
        except ApiError as exc:
            code = exc.result_code
            if code == 1005 and uncertain and already_recorded(exc.result_msg or "", order_no):
                log.info("payment %s: %s after an uncertain attempt: confirmed", pno, exc.result_msg)
                out = await _resolve(ctx, lane_no, pno, request, True, attempts, exc.result_code,
                                     exc.result_msg, exc.result_id)
                return dataclasses.replace(out, already_recorded=True)
            if code in DEFINITE_REFUSALS and not (code == 1005 and uncertain):
                await _resolve(ctx, lane_no, pno, request, False, attempts, exc.result_code,
                               exc.result_msg, exc.result_id)
                raise
            # 1003, an unknown code, or a refusal after an attempt that may have gone through:
            # the server may hold the payment. Ask before deciding anything.
            uncertain = True
            state = await _look_up_until_known(ctx, lane_no, pno, order_no, exc, started, wake)
            if state == "recorded":
                out = await _resolve(ctx, lane_no, pno, request, True, attempts, exc.result_code,
                                     exc.result_msg, exc.result_id)
                return dataclasses.replace(out, found_by_lookup=True)
            if code == 1005:
                await _resolve(ctx, lane_no, pno, request, False, attempts, exc.result_code,
                               exc.result_msg, exc.result_id)
                raise
            server_errors += 1
            if state == "other" or server_errors >= policy.server_error_tries:
                await _resolve(ctx, lane_no, pno, request, False, attempts, exc.result_code,
                               exc.result_msg, exc.result_id)
                raise PaymentNotRecorded(
                    _tr("The parking server did not record payment {pno}: it answered “{msg}” "
                        "(code {code}) and its payment records do not hold it. The order is "
                        "not paid: confirm the payment again or give the money back.").format(
                        pno=pno, msg=exc.result_msg, code=exc.result_code),
                    exc,
                ) from exc
            delay = policy.delay(server_errors)
            ctx.messages.busy(
                _tr("The parking server did not record payment {pno} (code {code}); sending "
                    "it again in {s:.0f} s (attempt {n})").format(
                    pno=pno, code=exc.result_code, s=delay, n=attempts + 1),
                lane_no=lane_no, command="confirm_payment",
            )
            await _pause(wake, delay)
            continue
        except TransportError as exc:
            uncertain = uncertain or exc.sent or isinstance(exc, ServerTimeout)
            elapsed = time.monotonic() - started
            if policy.give_up_after is not None and elapsed >= policy.give_up_after:
                await ctx.journal_action(lane_no, "confirm_payment", _jsonable(request), error=exc)
                raise
            delay = policy.delay(attempts)
            ctx.messages.busy(
                _tr("Payment not answered yet ({error}); sending it again in {s:.0f} s "
                    "(attempt {n})").format(error=error_text(exc), s=delay, n=attempts + 1),
                lane_no=lane_no, command="confirm_payment",
            )
            log.warning("payment %s attempt %d: %s", pno, attempts, exc)
            await _pause(wake, delay)
            continue
        return await _resolve(ctx, lane_no, pno, request, True, attempts, result.result_code,
                              result.result_msg, result.result_id)


async def _resolve(
    ctx: CommandContext, lane_no: str, pno: str, request: dict[str, Any], confirmed: bool,
    attempts: int, code: int | None, msg: str | None, rid: str | None,
) -> PaymentOutcome:
    if ctx.journal is not None:
        await ctx.journal.resolve_pending_payment(
            pno, status="confirmed" if confirmed else "rejected", result_code=code, result_msg=msg
        )

    @dataclass(frozen=True)
    class _Answer:
        result_code: int | None
        result_msg: str | None
        result_id: str | None

    await ctx.journal_action(lane_no, "confirm_payment", _jsonable(request),
                             result=_Answer(code, msg, rid))
    return PaymentOutcome(pno, confirmed, attempts, code, msg or "", rid)


def _jsonable(request: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in request.items():
        out[k] = str(v) if isinstance(v, Decimal) else v
    return out


# -- offline ---------------------------------------------------------------------------------


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
    before anything else and nothing is sent. Once the server answers again
    :func:`reconcile_offline_payments` checks the order and delivers it with the same
    PaymentOrderNo, or keeps it for review when the fee or the order changed.

    Raises:
        CommandError: no order known, not cash, less received than due, no journal, or a
            payment of this order still waiting for the server (a duplicate).
    """
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
    request = _pay_request(payment, pno, ctx.operator)
    request.update({"_Offline": True, "_Plate": plate, "_KnownAt": _when(known_at)})
    await ctx.journal.add_pending_payment(
        payment_order_no=pno, lane_no=lane.lane_no, order_no=payment.order_no,
        request=_jsonable(request), operator=ctx.operator, offline=True,
    )
    _pending_changed(ctx)
    await ctx.journal_action(lane.lane_no, "offline_payment", _jsonable(request))
    log.info("lane %s: offline payment %s of order %s recorded (%s)", lane.lane_no, pno,
             payment.order_no, payment.amount_due)
    return OfflinePayment(pno, payment.order_no, payment.amount_due, payment.change)


async def check_offline_payment(ctx: CommandContext, pending: Any) -> str:
    """Check an offline payment against its order now: ``""`` when it can be sent as recorded,
    otherwise what differs (the attendant's text).

    Raises:
        TransportError: the server cannot be reached (the payment stays offline).
        ApiError: an error answer other than "no such order" (it stays offline).
    """
    from booth_console.app.snapshots import to_decimal, to_int
    from booth_console.client import condition

    order_no = pending.order_no
    recorded = Decimal(str(pending.request.get("TotalAmountPaid") or 0))
    page = await ctx.client.query_parking_orders([condition("OrderNo", 0, order_no)], page_size=1)
    rows = field(page, "results") or []
    if not rows:
        return _tr("order {order} is not known to the parking server").format(order=order_no)
    status = to_int(field(rows[0], "order_status"))
    if status not in (199, 200):
        return _tr("order {order} is closed at the parking server (status {status})").format(
            order=order_no, status=status)
    now: Decimal | None = None
    if pending.lane_no:
        lane_order = await ctx.client.get_lane_order(pending.lane_no)
        if str(field(lane_order, "order_no", default="") or "") == order_no:
            now = to_decimal(field(lane_order, "charge_money"))  # the lane's fee (overrides too)
    if now is None:
        try:
            price = await ctx.client.get_order_price(order_no)
        except ApiError as exc:
            if exc.result_code == 1005:
                return _tr("the parking server cannot price order {order}: {msg}").format(
                    order=order_no, msg=exc.result_msg)
            raise
        now = to_decimal(field(price, "total_amount_paid"))  # payable now
    if now != recorded:
        return _tr("the fee is now ¥{now}; ¥{recorded} was taken offline (difference "
                   "¥{diff})").format(now=f"{now:.2f}", recorded=f"{recorded:.2f}",
                                      diff=f"{now - recorded:+.2f}")
    return ""


async def reconcile_offline_payments(ctx: CommandContext) -> int:
    """Check every offline payment against its order and deliver those that match, with their
    own PaymentOrderNo; a difference is kept for review (never sent) and the attendant told.

    Stops at the first transport error (the server went away again; the rest stay offline).
    Returns how many were checked.
    """
    if ctx.journal is None:
        return 0
    checked = 0
    for p in await ctx.journal.offline_payments():
        plate = str(p.request.get("_Plate") or "")
        try:
            review = await check_offline_payment(ctx, p)
        except TransportError as exc:
            log.info("offline payments stay offline: %s", exc)
            break
        except ApiError as exc:
            log.warning("offline payment %s not checked: %s", p.payment_order_no, exc)
            continue
        if not await ctx.journal.mark_offline_checked(p.payment_order_no, review=review):
            continue  # another check got there first (it reports and delivers)
        checked += 1
        await ctx.journal_action(p.lane_no, "offline_payment_check", {
            "PaymentOrderNo": p.payment_order_no, "OrderNo": p.order_no,
            "Recorded": p.request.get("TotalAmountPaid"), "Review": review or None,
        })
        if review:
            ctx.messages.warning(
                _tr("Offline payment {pno} ({plate}, order {order}) was NOT sent: {why}. It is "
                    "listed for review in the booth window.").format(
                    pno=p.payment_order_no, plate=plate or "—", order=p.order_no, why=review),
                lane_no=p.lane_no, command="confirm_payment")
            _pending_changed(ctx)
            continue
        ctx.messages.info(
            _tr("Offline payment {pno} matches order {order}: sending it.").format(
                pno=p.payment_order_no, order=p.order_no),
            lane_no=p.lane_no, command="confirm_payment")
        start_delivery(ctx, p.lane_no, p.payment_order_no, _request_from_journal(p))
        _pending_changed(ctx)
    return checked


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
    _pending_changed(ctx)
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
    }
    row: int = await ctx.journal.record_action(
        operator=ctx.operator, lane_no=lane.lane_no, action="manual_open", request=request,
        result_code=None, result_msg=None, result_id=None)
    log.info("lane %s: manual opening journaled (%s)", lane.lane_no, reason.strip())
    return row


# -- fee override ----------------------------------------------------------------------------


def parse_yuan(text: str) -> Decimal:
    """An amount typed by the attendant (yuan, at most two decimals).

    Raises:
        CommandError: not a number, negative, or more than two decimals.
    """
    try:
        value = Decimal(text.strip().replace(",", ".").replace("¥", "").replace("￥", ""))
    except InvalidOperation:
        raise CommandError(_tr("“{text}” is not an amount.").format(text=text)) from None
    if not value.is_finite() or value < 0:
        raise CommandError(_tr("The amount must be zero or more."))
    if value != value.quantize(Decimal("0.01")):
        raise CommandError(_tr("Amounts have at most two decimals (fen)."))
    return value


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
    result = await _send_once(
        ctx, lane.lane_no, "override_fee", request,
        ctx.client.modify_lane_order_money(order.order_no, lane.lane_no, cents),
    )
    try:
        await lane.refresh_now()
    except BoothError as exc:
        log.warning("fee re-read after override failed: %s", exc)
    return result


# -- no-plate entry --------------------------------------------------------------------------


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
        if not (field(page, "results") or []):
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
    result = await _send_once(ctx, lane.lane_no, "no_plate_entry", request,
                              ctx.client.create_no_plate(model))
    order_no = str(field(result.data, "order_no", default="") or "")
    lane.request_refresh()
    return NoPlateOutcome(order_no, plate, result.result_msg)


# -- the runner ------------------------------------------------------------------------------


def describe_error(exc: BaseException, command: str = "") -> str:
    """The attendant's message for a failed command."""
    if isinstance(exc, CommandError):
        return str(exc)
    if isinstance(exc, ApiError):
        return _tr("The parking server refused: {msg} (code {code})").format(
            msg=exc.result_msg or error_text(exc), code=exc.result_code
        )
    if isinstance(exc, TransportError):
        if command in ("open_gate", "close_gate", "toggle_keep_open"):
            return _tr("No answer from the parking server ({error}). The command was not "
                       "repeated: check the barrier and try again.").format(error=error_text(exc))
        return _tr("No answer from the parking server ({error}).").format(error=error_text(exc))
    if isinstance(exc, BoothError):
        return str(exc)
    return _tr("Unexpected error: {error}").format(error=error_text(exc))


class CommandRunner(QObject):
    """Runs commands and reports them: busy, then success (ResultMsg) or the reason it failed.

    Signals:
        busy_changed(tuple[str, str, bool]): (lane_no, command, busy).
        finished(tuple[str, str, bool, object]): (lane_no, command, ok, result or exception).
    """

    busy_changed = Signal(object)
    finished = Signal(object)

    def __init__(self, ctx: CommandContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.running: set[tuple[str, str]] = set()

    def __repr__(self) -> str:
        return f"<CommandRunner running={sorted(self.running)}>"

    async def run(
        self, lane_no: str, command: str, fn: Callable[..., Awaitable[T]], *args: Any,
        busy_text: str = "", success_text: Callable[[T], str] | None = None, **kwargs: Any,
    ) -> T | None:
        """Run ``fn(ctx, *args, **kwargs)``; return its result, or ``None`` after reporting why not.

        :class:`ConfirmationRequired` is re-raised: the caller asks and calls again.
        """
        key = (lane_no, command)
        if key in self.running:
            self.ctx.messages.info(_tr("Still working on the previous request…"),
                                   lane_no=lane_no, command=command)
            return None
        msgs = self.ctx.messages
        self.running.add(key)
        self.busy_changed.emit((lane_no, command, True))
        msgs.busy(busy_text or _tr("Working…"), lane_no=lane_no, command=command)
        try:
            result = await fn(self.ctx, *args, **kwargs)
        except ConfirmationRequired:
            msgs.info(_tr("Waiting for confirmation"), lane_no=lane_no, command=command)
            raise
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not isinstance(exc, BoothError):
                log.exception("command %s failed", command)
            else:  # the attendant reads a translated summary; the detail stays in the log
                log.warning("lane %s: %s failed: %s", lane_no or "-", command, exc)
            msgs.error(describe_error(exc, command), lane_no=lane_no, command=command)
            self.finished.emit((lane_no, command, False, exc))
            return None
        finally:
            self.running.discard(key)
            self.busy_changed.emit((lane_no, command, False))
        if success_text is not None:
            text = success_text(result)
        else:
            text = str(getattr(result, "result_msg", "") or _tr("Done"))
        msgs.success(text, lane_no=lane_no, command=command)
        self.finished.emit((lane_no, command, True, result))
        return result
