"""``PaymentOutbox``: the one owner of payments not settled yet.

A payment is journaled as pending *before* it is sent (``Journal.add_pending_payment``); from
then on the outbox delivers it: one task per PaymentOrderNo, sent again with the same
PaymentOrderNo after a back-off (:class:`RetryPolicy`) until the server answers definitively.
Only a definite refusal (1001, 1002, 1004, or a 1005 that is not "already recorded") rejects a
payment; after a 1003 or another code the PaymentOrderNo is looked up with the ``PaymentOrder``
query before anything is decided (docs/PROTOCOL.md). Offline cash payments are checked against
their order before they are sent (:meth:`PaymentOutbox.reconcile_offline`, docs/OFFLINE.md).

The outbox resumes pending payments when the server link comes back and after a restart, checks
offline payments again with back-off while some stay unchecked, serves the booth window's "Send
again" (:meth:`PaymentOutbox.retry`) and tells the booth window what is pending
(``pending_changed``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from booth_console.app.commands.base import CommandContext, CommandError, describe_error
from booth_console.app.messages import error_text
from booth_console.app.snapshots import to_decimal, to_int
from booth_console.errors import ApiError, BoothError, ServerTimeout, TransportError
from booth_console.protocol.payment_answers import DEFINITE_REFUSALS, already_recorded
from booth_console.waits import TaskSet, wait_event

if TYPE_CHECKING:
    from booth_console.app.commands.base import CommandRunner
    from booth_console.journal import PendingPayment

__all__ = [
    "Delivery",
    "PaymentNotRecorded",
    "PaymentOutbox",
    "PaymentOutcome",
    "RetryPolicy",
    "jsonable",
    "request_from_journal",
]

log = logging.getLogger("booth_console.outbox")


def _tr(text: str) -> str:
    return QCoreApplication.translate("PaymentOutbox", text)


@dataclass(frozen=True)
class RetryPolicy:
    """How a payment is retried while the answer is not definite.

    A payment is sent again with the same PaymentOrderNo, with a back-off growing from
    ``first_delay`` to ``max_delay``, until the server answers definitively (docs/PROTOCOL.md,
    safety rules); ``give_up_after`` (seconds, ``None`` = never) exists for tools and tests only.
    The command that took the payment waits at most ``foreground_wait`` seconds for that answer;
    after that the delivery goes on in the background and the payment stays in the booth
    window's list.
    """

    first_delay: float = 0.5
    max_delay: float = 30.0
    give_up_after: float | None = None
    foreground_wait: float = 20.0
    #: answers of 1003 (or another code that is no definite refusal) after which a payment
    #: that the PaymentOrder lookup does not find is given up as not recorded
    server_error_tries: int = 3
    #: offline payments left unchecked while the link stays up are checked again after this
    #: back-off (doubling from the first value to the second)
    offline_recheck: tuple[float, float] = (2.0, 30.0)

    def delay(self, attempt: int) -> float:
        """Back-off before attempt number ``attempt + 1``."""
        return float(min(self.first_delay * 2 ** max(0, attempt - 1), self.max_delay))


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


@dataclass
class Delivery:
    """A payment being delivered: one task per PaymentOrderNo, never two at once."""

    payment_order_no: str
    lane_no: str
    task: asyncio.Task[PaymentOutcome]
    wake: asyncio.Event
    watchers: int = 0  # commands awaiting the answer (they report it); 0: reported by the outbox


def jsonable(request: dict[str, Any]) -> dict[str, Any]:
    """``request`` with amounts as strings (as the journal keeps it)."""
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in request.items()}


def request_from_journal(pending: PendingPayment) -> dict[str, Any]:
    """A journaled payment's request with its amounts as Decimal again."""
    request = dict(pending.request)
    for key in ("TotalAmountDue", "TotalAmountPaid", "DiscountAmount"):
        if key in request and request[key] is not None:
            request[key] = Decimal(str(request[key]))
    return request


def _wire_pay(request: dict[str, Any]) -> Any:
    from booth_console.protocol import models as m

    data = {k: v for k, v in request.items() if not k.startswith("_")}
    return m.PaySuccessRequest.model_validate(data)


@dataclass(frozen=True)
class _Answer:
    result_code: int | None
    result_msg: str | None
    result_id: str | None


class PaymentOutbox(QObject):
    """Pending payments: journal rows, delivery tasks, retries, resuming, manual retry.

    Signals:
        pending_changed(list[PendingPayment]): payments not settled yet: waiting for a definite
            answer, offline payments not checked yet, and offline payments needing review.
    """

    pending_changed = Signal(object)

    def __init__(self, ctx: CommandContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        ctx.outbox = self
        #: payments being delivered, by PaymentOrderNo
        self.deliveries: dict[str, Delivery] = {}
        self.online = False
        self._resuming = False
        self._offline_retry_s = 0.0
        self._tasks = TaskSet("outbox", log)
        self.pending_changed.connect(self._on_pending)

    def __repr__(self) -> str:
        return f"<PaymentOutbox delivering={sorted(self.deliveries)}>"

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy (the context's: tools and tests change it there)."""
        return self.ctx.payment_retry

    # -- the list --------------------------------------------------------------------------------

    def changed(self) -> None:
        """The set of pending payments may have changed: read it again (in the background)."""
        self._spawn(self.reload(), "pending")

    async def reload(self, *, announce: bool = False) -> None:
        """Read payments not settled from the journal and tell the booth window (``announce``:
        tell the attendant too; at start)."""
        journal = self.ctx.journal
        if journal is None:
            return
        try:
            pending = await journal.open_payments()
        except Exception:
            log.exception("cannot read pending payments")
            return
        to_send = [p for p in pending if p.status != "review"]
        review = len(pending) - len(to_send)
        if to_send and announce:
            self.ctx.messages.warning(
                _tr("{n} payment(s) were not confirmed by the parking server yet; they are "
                    "sent again automatically.").format(n=len(to_send)))
        if review and announce:
            self.ctx.messages.warning(
                _tr("{n} offline payment(s) need review: their order changed while the parking "
                    "server could not be reached (see “Payments waiting for the server”).")
                .format(n=review))
        self.pending_changed.emit(pending)

    def _on_pending(self, pending: list[PendingPayment]) -> None:
        if self.online and any(p.payment_order_no not in self.deliveries
                               and p.status in ("pending", "offline") for p in pending):
            self.resume_soon()

    # -- the link --------------------------------------------------------------------------------

    def set_online(self, online: bool) -> None:
        """The server link's state: when it comes back, every delivery tries now and every
        pending payment is resumed (offline ones checked first)."""
        came_back = online and not self.online
        self.online = online
        if came_back:  # only on the transition (the link is re-announced every second)
            for d in list(self.deliveries.values()):
                d.wake.set()  # the server answers again: try now rather than after the back-off
            self.resume_soon()

    def resume_soon(self) -> None:
        """Deliver, in the background, every pending payment not being delivered already."""
        if self._resuming or self._tasks.closing:
            return
        self._resuming = True
        self._spawn(self._resume_pending(), "resume-payments")

    async def _resume_pending(self) -> None:
        unchecked = False
        try:
            journal = self.ctx.journal
            if journal is None:
                return
            # offline payments are checked against their order first (docs/OFFLINE.md)
            await self.reconcile_offline()
            for p in await journal.pending_payments():
                if p.payment_order_no not in self.deliveries and not self._tasks.closing:
                    log.info("delivering pending payment %s in the background", p.payment_order_no)
                    self.resume_in_background(p)
            unchecked = bool(await journal.offline_payments())
        finally:
            self._resuming = False
        if unchecked:
            # The server went away again while they were checked, or it answered a lane in the
            # seconds it was going away, so the link never showed offline and no "back online"
            # will come: look again later, backing off, until every one is checked.
            first, most = self.policy.offline_recheck
            self._offline_retry_s = min(max(self._offline_retry_s * 2, first), most)
            self._spawn(self._resume_later(self._offline_retry_s), "offline-retry")
        else:
            self._offline_retry_s = 0.0

    async def _resume_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        if self.online:
            self.resume_soon()
        # offline now: the link's coming back resumes them

    # -- manual retry ----------------------------------------------------------------------------

    async def retry(self, runner: CommandRunner, pending: list[PendingPayment]) -> None:
        """"Send again": every payment of ``pending`` waiting for an answer is sent again with
        its own PaymentOrderNo, each reported through ``runner``. Offline payments are checked
        against their order first; those needing review are never sent from here."""
        if any(p.status == "offline" for p in pending):
            await self.reconcile_offline()
        for p in list(pending):
            if p.status != "pending":
                continue
            await runner.run(
                p.lane_no, "confirm_payment", self._resume_for_runner, p,
                busy_text=_tr("Sending payment {pno} again…").format(pno=p.payment_order_no),
                success_text=self.outcome_text,
            )
        await self.reload()

    async def _resume_for_runner(self, _ctx: CommandContext, pending: PendingPayment
                                 ) -> PaymentOutcome:
        return await self.resume(pending)

    # -- delivery --------------------------------------------------------------------------------

    async def resume(self, pending: PendingPayment) -> PaymentOutcome:
        """Send a payment left pending (after a restart) again, with its own PaymentOrderNo.

        It may have reached the server before (the console stopped before reading the answer),
        so the delivery starts uncertain: a 1005 "already recorded for order [this order]"
        confirms it. If the payment is being delivered already, the delivery is woken up to try
        now and awaited instead of starting a second one.

        Raises:
            ApiError: the server refused the payment (journaled as rejected).
            CommandError: no definite answer within ``foreground_wait``.
        """
        d = self.start_delivery(pending.lane_no, pending.payment_order_no,
                                request_from_journal(pending), uncertain=True)
        return await self.await_delivery(d)

    def resume_in_background(self, pending: PendingPayment) -> Delivery:
        """Deliver a pending payment in the background; the answer is reported as a message."""
        return self.start_delivery(pending.lane_no, pending.payment_order_no,
                                   request_from_journal(pending), uncertain=True)

    def start_delivery(
        self, lane_no: str, pno: str, request: dict[str, Any], *, uncertain: bool = False,
    ) -> Delivery:
        """The delivery of ``pno``: the running one (woken up to try now) or a new task."""
        running = self.deliveries.get(pno)
        if running is not None and not running.task.done():
            running.wake.set()
            return running
        wake = asyncio.Event()
        task = asyncio.get_running_loop().create_task(
            self._deliver(lane_no, pno, request, uncertain=uncertain, wake=wake),
            name=f"payment-{pno}",
        )
        d = Delivery(pno, lane_no, task, wake)
        self.deliveries[pno] = d
        messages = self.ctx.messages

        def done(t: asyncio.Task[PaymentOutcome]) -> None:
            if self.deliveries.get(pno) is d:
                del self.deliveries[pno]
            self.changed()
            if t.cancelled():
                return
            exc = t.exception()
            if d.watchers:
                return  # the command awaiting it reports the answer
            if exc is None:
                messages.success(self.outcome_text(t.result()), lane_no=lane_no,
                                 command="confirm_payment")
            else:
                messages.error(describe_error(exc, "confirm_payment"), lane_no=lane_no,
                               command="confirm_payment")

        task.add_done_callback(done)
        return d

    @staticmethod
    def outcome_text(out: PaymentOutcome) -> str:
        """What the attendant reads about a payment's definitive result."""
        if out.found_by_lookup:
            return _tr("Payment {pno} confirmed: the parking server answered with an error "
                       "(code {code}) but its payment records hold it.").format(
                pno=out.payment_order_no, code=out.result_code)
        if out.already_recorded:
            return _tr("Payment {pno} had already been recorded by the parking server.").format(
                pno=out.payment_order_no)
        return _tr("Payment {pno} confirmed.").format(pno=out.payment_order_no)

    async def await_delivery(self, d: Delivery) -> PaymentOutcome:
        """Wait for ``d``'s answer, at most ``foreground_wait`` seconds.

        Raises:
            CommandError: no definite answer in time (the delivery goes on in the background).
        """
        d.watchers += 1
        try:
            async with asyncio.timeout(self.policy.foreground_wait):  # keeps a cancel (3.11)
                return await asyncio.shield(d.task)
        except TimeoutError:
            raise CommandError(
                _tr("No definite answer from the parking server yet. Payment {pno} stays in "
                    "“Payments waiting for the server” and is sent again automatically.")
                .format(pno=d.payment_order_no)
            ) from None
        finally:
            d.watchers -= 1

    async def look_up(self, pno: str, order_no: str) -> str:
        """What the server's PaymentOrder records say about PaymentOrderNo ``pno``.

        Returns:
            ``"recorded"`` (a successful payment of ``order_no``), ``"absent"`` (no record) or
            ``"other"`` (recorded for another order, or not as a success).

        Raises:
            BoothError: the server cannot be asked (unreachable, timeout, an error answer).
        """
        from booth_console.client import condition

        page = await self.ctx.client.query_payments([condition("No", 0, pno)], page_size=10)
        rows = [r for r in (page.results or []) if str(r.no or "") == pno]
        if not rows:
            return "absent"
        for r in rows:
            if str(r.order_no or "") == order_no and int(r.payment_status or 0) == 1:
                return "recorded"
        return "other"

    @staticmethod
    async def _pause(wake: asyncio.Event | None, delay: float) -> None:
        """Wait ``delay`` seconds, or less if ``wake`` is set (a manual "Send again")."""
        if wake is None:
            await asyncio.sleep(delay)
            return
        await wait_event(wake, delay)  # a cancel (quit) is never lost
        wake.clear()

    async def _look_up_until_known(
        self, lane_no: str, pno: str, order_no: str, answer: ApiError, started: float,
        wake: asyncio.Event | None,
    ) -> str:
        """:meth:`look_up`, repeated with the payment's back-off until the server tells.

        Raises:
            BoothError: ``give_up_after`` passed without an answer (the payment stays pending).
        """
        ctx, policy = self.ctx, self.policy
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
                state = await self.look_up(pno, order_no)
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
                await self._pause(wake, delay)
                continue
            log.info("payment %s after ResultCode %s: lookup says %s", pno, answer.result_code,
                     state)
            await ctx.journal_action(lane_no, "payment_lookup", dict(request, Found=state))
            return state

    async def _deliver(
        self, lane_no: str, pno: str, request: dict[str, Any], *,
        uncertain: bool = False, wake: asyncio.Event | None = None,
    ) -> PaymentOutcome:
        ctx, policy = self.ctx, self.policy
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
                answer = (exc.result_code, exc.result_msg, exc.result_id)
                if code == 1005 and uncertain and already_recorded(exc.result_msg or "", order_no):
                    log.info("payment %s: %s after an uncertain attempt: confirmed", pno,
                             exc.result_msg)
                    out = await self._resolve(lane_no, pno, request, True, attempts, *answer)
                    return dataclasses.replace(out, already_recorded=True)
                if code in DEFINITE_REFUSALS and not (code == 1005 and uncertain):
                    await self._resolve(lane_no, pno, request, False, attempts, *answer)
                    raise
                # 1003, an unknown code, or a refusal after an attempt that may have gone
                # through: the server may hold the payment. Ask before deciding anything.
                uncertain = True
                state = await self._look_up_until_known(lane_no, pno, order_no, exc, started, wake)
                if state == "recorded":
                    out = await self._resolve(lane_no, pno, request, True, attempts, *answer)
                    return dataclasses.replace(out, found_by_lookup=True)
                if code == 1005:
                    await self._resolve(lane_no, pno, request, False, attempts, *answer)
                    raise
                server_errors += 1
                if state == "other" or server_errors >= policy.server_error_tries:
                    await self._resolve(lane_no, pno, request, False, attempts, *answer)
                    raise PaymentNotRecorded(
                        _tr("The parking server did not record payment {pno}: it answered "
                            "“{msg}” (code {code}) and its payment records do not hold it. The "
                            "order is not paid: confirm the payment again or give the money "
                            "back.").format(pno=pno, msg=exc.result_msg, code=exc.result_code),
                        exc,
                    ) from exc
                delay = policy.delay(server_errors)
                ctx.messages.busy(
                    _tr("The parking server did not record payment {pno} (code {code}); sending "
                        "it again in {s:.0f} s (attempt {n})").format(
                        pno=pno, code=exc.result_code, s=delay, n=attempts + 1),
                    lane_no=lane_no, command="confirm_payment",
                )
                await self._pause(wake, delay)
                continue
            except TransportError as exc:
                uncertain = uncertain or exc.sent or isinstance(exc, ServerTimeout)
                elapsed = time.monotonic() - started
                if policy.give_up_after is not None and elapsed >= policy.give_up_after:
                    await ctx.journal_action(lane_no, "confirm_payment", jsonable(request),
                                             error=exc)
                    raise
                delay = policy.delay(attempts)
                ctx.messages.busy(
                    _tr("Payment not answered yet ({error}); sending it again in {s:.0f} s "
                        "(attempt {n})").format(error=error_text(exc), s=delay, n=attempts + 1),
                    lane_no=lane_no, command="confirm_payment",
                )
                log.warning("payment %s attempt %d: %s", pno, attempts, exc)
                await self._pause(wake, delay)
                continue
            return await self._resolve(lane_no, pno, request, True, attempts, result.result_code,
                                       result.result_msg, result.result_id)

    async def _resolve(
        self, lane_no: str, pno: str, request: dict[str, Any], confirmed: bool, attempts: int,
        code: int | None, msg: str | None, rid: str | None,
    ) -> PaymentOutcome:
        ctx = self.ctx
        if ctx.journal is not None:
            await ctx.journal.resolve_pending_payment(
                pno, status="confirmed" if confirmed else "rejected", result_code=code,
                result_msg=msg)
        await ctx.journal_action(lane_no, "confirm_payment", jsonable(request),
                                 result=_Answer(code, msg, rid))
        return PaymentOutcome(pno, confirmed, attempts, code, msg or "", rid)

    # -- offline payments ------------------------------------------------------------------------

    async def check_offline(self, pending: PendingPayment) -> str:
        """Check an offline payment against its order now: ``""`` when it can be sent as
        recorded, otherwise what differs (the attendant's text).

        Raises:
            TransportError: the server cannot be reached (the payment stays offline).
            ApiError: an error answer other than "no such order" (it stays offline).
        """
        from booth_console.client import condition

        client = self.ctx.client
        order_no = pending.order_no
        recorded = Decimal(str(pending.request.get("TotalAmountPaid") or 0))
        page = await client.query_parking_orders([condition("OrderNo", 0, order_no)], page_size=1)
        rows = page.results or []
        if not rows:
            return _tr("order {order} is not known to the parking server").format(order=order_no)
        status = to_int(rows[0].order_status)
        if status not in (199, 200):
            return _tr("order {order} is closed at the parking server (status {status})").format(
                order=order_no, status=status)
        now: Decimal | None = None
        if pending.lane_no:
            lane_order = await client.get_lane_order(pending.lane_no)
            if lane_order is not None and str(lane_order.order_no or "") == order_no:
                now = to_decimal(lane_order.charge_money)  # the lane's fee (overrides too)
        if now is None:
            try:
                price = await client.get_order_price(order_no)
            except ApiError as exc:
                if exc.result_code == 1005:
                    return _tr("the parking server cannot price order {order}: {msg}").format(
                        order=order_no, msg=exc.result_msg)
                raise
            now = to_decimal(price.total_amount_paid if price is not None else None)
        if now != recorded:
            return _tr("the fee is now ¥{now}; ¥{recorded} was taken offline (difference "
                       "¥{diff})").format(now=f"{now:.2f}", recorded=f"{recorded:.2f}",
                                          diff=f"{now - recorded:+.2f}")
        return ""

    async def reconcile_offline(self) -> int:
        """Check every offline payment against its order and deliver those that match, with
        their own PaymentOrderNo; a difference is kept for review (never sent) and the attendant
        told.

        Stops at the first transport error (the server went away again; the rest stay offline).
        Returns how many were checked.
        """
        ctx = self.ctx
        if ctx.journal is None:
            return 0
        checked = 0
        for p in await ctx.journal.offline_payments():
            plate = str(p.request.get("_Plate") or "")
            try:
                review = await self.check_offline(p)
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
                    _tr("Offline payment {pno} ({plate}, order {order}) was NOT sent: {why}. It "
                        "is listed for review in the booth window.").format(
                        pno=p.payment_order_no, plate=plate or "—", order=p.order_no, why=review),
                    lane_no=p.lane_no, command="confirm_payment")
                self.changed()
                continue
            ctx.messages.info(
                _tr("Offline payment {pno} matches order {order}: sending it.").format(
                    pno=p.payment_order_no, order=p.order_no),
                lane_no=p.lane_no, command="confirm_payment")
            self.start_delivery(p.lane_no, p.payment_order_no, request_from_journal(p))
            self.changed()
        return checked

    # -- tasks -----------------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        self._tasks.spawn(coro, name)

    async def aclose(self) -> None:
        """Stop resuming and cancel every delivery (the journal keeps them pending)."""
        await self._tasks.aclose(*(d.task for d in self.deliveries.values()))
