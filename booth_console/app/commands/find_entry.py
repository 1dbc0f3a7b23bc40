"""Find the entry of the vehicle at an exit (F8): a misread or unread plate matched to its
in-lot order, the order corrected so the lane shows it, then charged as usual (F4); or, with no
entry record, the site's flat fee (``[booth] no_entry_fee``) or a free release.

The search is :class:`booth_console.app.find_entry.EntrySearch` (one per dialog session, so
typing more characters sends only new requests). The correction (docs/FIND_ENTRY.md):

1. when the lane's order is one the exit read made for itself (an order other than the chosen
   one), it is closed with ``ModifyParkingOrder`` NoticeType 1, only after the attendant
   confirmed it;
2. the chosen in-lot order's plate is set to the plate read at the exit with
   ``ModifyParkingOrder`` NoticeType 0 (Remarks: the entry plate, the lane, the operator), so
   the parking software matches the vehicle on the loop with it;
3. the lane is read again: ``GetLaneOrder`` must show the chosen order (else the attendant is
   told, and nothing else is sent). ``GetOrderPrice`` gives its fee; F4 charges it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from booth_console.app.commands.base import (
    DATE_FMT,
    CommandContext,
    CommandError,
    Outcome,
    _tr,
    send_once,
)
from booth_console.app.commands.payment import yuan
from booth_console.app.commands.registry import COMMANDS, N_, Lanes, Operation, register
from booth_console.app.find_entry import Candidate, EntrySearch, SearchResult
from booth_console.app.lane import LaneController
from booth_console.protocol import endpoints as ep
from booth_console.protocol import models as m

__all__ = [
    "FREE_RELEASE_COMMAND",
    "EntryFinder",
    "EntryPick",
    "charge_no_entry_fee",
    "correct_entry",
    "no_entry_reasons",
    "no_entry_texts",
]

log = logging.getLogger("booth_console.commands")

#: the free-release command, offered for a vehicle without entry record when it is declared
FREE_RELEASE_COMMAND = "free_release"


@dataclass(frozen=True)
class EntryPick:
    """What the attendant chose in the find-entry dialog.

    Attributes:
        candidate: the in-lot order picked (``None``: no entry record).
        no_entry_reason: charge the flat fee for a vehicle without entry record, for this reason.
        free_release: let the vehicle go through the free-release command instead.
    """

    candidate: Candidate | None = None
    no_entry_reason: str = ""
    free_release: bool = False


class EntryFinder:
    """One find-entry session at an exit lane: the exit read, its capture, the search (answers
    kept while the dialog is open) and what a candidate would pay."""

    def __init__(self, ctx: CommandContext, lane: LaneController) -> None:
        self.ctx = ctx
        self.lane = lane
        order = lane.order
        #: the plate read at the exit ("" when nothing was read)
        self.read = order.plate if order is not None else ""
        #: the order the lane showed when the dialog opened ("" for none)
        self.lane_order_no = order.order_no if order is not None else ""
        cap = lane.capture
        #: this lane's exit capture (URL or file; "" for none)
        self.exit_capture = cap.source if cap is not None and lane.capture_is_current else ""
        self.exit_capture_data = cap.data if cap is not None and lane.capture_is_current else b""
        self.search_session = EntrySearch(ctx.client)
        self.no_entry_fee = ctx.no_entry_fee
        self.free_release_offered = FREE_RELEASE_COMMAND in COMMANDS

    async def search(self, text: str) -> SearchResult:
        """Ranked in-lot candidates for ``text`` (best first, at most 10)."""
        return await self.search_session.search(text, top=10)

    async def price(self, order_no: str) -> m.OrderPrice:
        """What ``order_no`` would pay now (``GetOrderPrice``)."""
        return await self.ctx.client.get_order_price(order_no)


def no_entry_reasons() -> tuple[str, ...]:
    """Reasons offered for charging the flat fee of a vehicle without an entry record."""
    return (
        _tr("No entry record found: flat fee"),
        _tr("Entry camera fault: flat fee"),
        _tr("Vehicle entered behind another: flat fee"),
    )


def no_entry_texts(read: str, fee: Decimal) -> tuple[str, str]:
    """The title and warning of the reason dialog for the flat fee (``read``: the plate read)."""
    warning = _tr("No entry record for {plate}: take the flat fee of {fee} in cash. The barrier "
                  "then opens; the fee, your reason and the exit capture are recorded in the "
                  "journal.").format(plate=read or _tr("this vehicle"), fee=yuan(fee))
    return _tr("No entry record: flat fee"), warning


def _when() -> str:
    return dt.datetime.now().strftime(DATE_FMT)


async def opening_capture(ctx: CommandContext, lane_no: str, fallback: str = "") -> str:
    """The capture of the barrier opening just sent at ``lane_no``: the newest gate-release
    record's PassageImageUrl (``GateRelease`` query), else ``fallback`` (best effort: a failed
    query is logged, never raised)."""
    from booth_console.client import condition
    from booth_console.errors import BoothError

    try:
        page = await ctx.client.query_gate_releases(
            [condition("PassageLaneNo", 0, lane_no)], page_size=1, order_by="Uid", order_type=1)
    except BoothError as exc:
        log.info("lane %s: no gate-release capture: %s", lane_no, exc)
        return fallback
    rec = page.results[0] if page.results else None
    return (rec.passage_image_url if rec is not None else "") or fallback


async def correct_entry(
    ctx: CommandContext, lane: LaneController, candidate: Candidate, *, read: str,
    lane_order_no: str = "", close_lane_order: bool = False, exit_capture: str = "",
) -> str:
    """Make ``candidate``'s order the order of the vehicle at ``lane`` (see the module).

    Returns the order number the lane now shows.

    Raises:
        CommandError: no plate to match (an unread plate), the lane's own order is still
            there, or the lane does not show the chosen order afterwards.
    """
    read = read.strip()
    if not read:
        raise CommandError(_tr("No plate was read at this lane, so the parking server cannot "
                               "match the vehicle to an entry: type the plate the camera should "
                               "have read, then pick the entry."))
    other = lane_order_no if lane_order_no and lane_order_no != candidate.order_no else ""
    if other and not close_lane_order:
        raise CommandError(_tr("The lane shows order {order}: it must be closed first.").format(
            order=other))
    results: list[Any] = []
    if other:
        close = m.ParkingOrderNotice(notice_type=1, items=[m.ParkingOrderChange(
            order_no=other, remarks=f"Closed at exit lane {lane.lane_no} by {ctx.operator}: "
                                    f"the vehicle is {candidate.plate} ({candidate.order_no})")])
        results.append(await send_once(
            ctx, lane.lane_no, "find_entry_close", close.wire(),
            ctx.client.notice(ep.PARKING_ORDER_NOTICE, close)))
    if read != candidate.plate:
        change = m.ParkingOrderNotice(notice_type=0, items=[m.ParkingOrderChange(
            order_no=candidate.order_no, license_plate_number=read,
            remarks=f"Plate corrected at exit lane {lane.lane_no} by {ctx.operator}: "
                    f"entered as {candidate.plate}, read {read} at the exit")])
        results.append(await send_once(
            ctx, lane.lane_no, "find_entry_modify", change.wire(),
            ctx.client.notice(ep.PARKING_ORDER_NOTICE, change)))
    await lane.refresh_now()
    now = lane.order.order_no if lane.order is not None else ""
    last = results[-1] if results else None
    await ctx.journal_action(lane.lane_no, "find_entry", {
        "LaneNo": lane.lane_no, "OperatorName": ctx.operator,
        "OldPlate": candidate.plate, "NewPlate": read,
        "OrderNo": candidate.order_no, "ExitOrderNo": lane_order_no or None,
        "ExitOrderClosed": bool(other), "LaneOrderAfter": now or None,
        "Score": round(candidate.distance, 3),
        "EntryCapture": candidate.entry_image_url or "", "ExitCapture": exit_capture,
        "At": _when(),
    }, result=last)
    if now != candidate.order_no:
        raise CommandError(_tr("The parking server does not show order {order} at this lane yet "
                               "(it shows {now}). Refresh (F5) and try again.").format(
            order=candidate.order_no, now=now or _tr("none")))
    return now


async def charge_no_entry_fee(
    ctx: CommandContext, lane: LaneController, reason: str, *, read: str, exit_capture: str,
) -> Any:
    """Charge the flat fee of a vehicle without an entry record and open the barrier.

    The document has no payment without an order, so the fee (cash) is journaled here with the
    reason, the plate read and the exit capture, and the barrier is opened with
    ``SetLaneGateStatus`` naming the operator (the parking software records a gate release
    "without entry record").

    Raises:
        CommandError: no fee is configured, no reason, or the lane has an order after all.
    """
    fee = ctx.no_entry_fee
    if fee <= 0:
        raise CommandError(_tr("No flat fee is configured for vehicles without an entry record "
                               "([booth] no_entry_fee)."))
    if not reason.strip():
        raise CommandError(_tr("A reason is required."))
    if lane.order is not None and lane.order.order_no:
        raise CommandError(_tr("This lane shows order {order}: charge it with F4.").format(
            order=lane.order.order_no))
    request = {
        "LaneNo": lane.lane_no, "LaneName": lane.lane.name, "Plate": read,
        "Amount": str(fee), "PaymentMethod": "cash", "Reason": reason.strip(),
        "OperatorName": ctx.operator, "ExitCapture": exit_capture, "At": _when(),
    }
    gate = {"LaneNo": lane.lane_no, "Status": 1, "OperatorName": ctx.operator}
    try:
        result = await send_once(ctx, lane.lane_no, "open_gate", gate,
                                 ctx.client.set_gate(lane.lane_no, 1, ctx.operator))
    except Exception as exc:  # the fee is journaled all the same: the cash was taken
        await ctx.journal_action(lane.lane_no, "no_entry_fee", request, error=exc)
        raise
    request["ExitCapture"] = await opening_capture(ctx, lane.lane_no, exit_capture)
    await ctx.journal_action(lane.lane_no, "no_entry_fee", request, result=result)
    lane.request_refresh()
    return result


def _at_exit(lane: LaneController) -> bool:
    return lane.link.online


@register("find_entry", title=N_("Find entry"), key="F8", lanes=Lanes.EXIT,
          doc="find the entry of a misread or unread plate among the vehicles in the lot; "
              "picking one corrects the order so F4 charges it; without an entry record: the "
              "flat fee with a reason (or free release)",
          enabled=_at_exit, position=8)
async def find_entry(op: Operation) -> Outcome[Any]:
    """Search the lot for the vehicle at this exit, then correct its order (or charge the flat
    fee for a vehicle without an entry record)."""
    ctx, lane = op.runner.ctx, op.lane
    finder = EntryFinder(ctx, lane)
    pick = await op.ask.find_entry(finder)
    if pick is None:
        return Outcome.cancelled()
    if pick.free_release:
        command = COMMANDS.get(FREE_RELEASE_COMMAND)
        if command is None:
            return Outcome.cancelled()
        return await command.invoke(op)
    if pick.candidate is None:
        reason = pick.no_entry_reason
        return await op.runner.run(
            op.lane_no, "no_entry_fee", charge_no_entry_fee, lane, reason, read=finder.read,
            exit_capture=finder.exit_capture, busy_text=_tr("Opening the barrier…"),
            success_text=lambda _r: _tr("Flat fee {fee} recorded ({why}); the barrier "
                                        "opens.").format(fee=yuan(ctx.no_entry_fee), why=reason))
    cand = pick.candidate
    if not finder.read:
        return await _charge_unread(op, finder, cand)
    other = finder.lane_order_no if finder.lane_order_no != cand.order_no else ""
    shown = lane.order
    if other and not await op.ask.confirm(
            _tr("Close the exit's order"),
            _tr("This lane shows order {order} ({plate}, entered {at}), made or matched by the "
                "exit read. Close it, so that this vehicle's order {entry} ({entry_plate}, "
                "entered {entry_at}) is charged instead?").format(
                order=other, plate=shown.plate if shown is not None else "?",
                at=(shown.entry_time if shown is not None else "") or "?",
                entry=cand.order_no, entry_plate=cand.plate, entry_at=cand.entry_time or "?")):
        text = _tr("Nothing was changed.")
        ctx.messages.info(text, lane_no=op.lane_no)
        return Outcome.cancelled(text)
    return await op.runner.run(
        op.lane_no, "find_entry", correct_entry, lane, cand, read=finder.read,
        lane_order_no=finder.lane_order_no, close_lane_order=bool(other),
        exit_capture=finder.exit_capture, busy_text=_tr("Correcting the order…"),
        success_text=lambda _o: _tr("Order {order} ({plate}) is now this lane's: press {pay} to "
                                    "charge it.").format(order=cand.order_no, plate=cand.plate,
                                                         pay=op.ask.key_text("confirm_payment")))


async def release_unread(
    ctx: CommandContext, lane: LaneController, candidate: Candidate, *, payment_order_no: str,
    exit_capture: str = "",
) -> Any:
    """After the chosen order of a vehicle whose plate was not read has been paid: close the
    order (``ModifyParkingOrder`` NoticeType 1, Remarks naming the lane and the operator, since
    the parking software cannot see this vehicle leave) and open the barrier."""
    close = m.ParkingOrderNotice(notice_type=1, items=[m.ParkingOrderChange(
        order_no=candidate.order_no,
        remarks=f"Left through exit lane {lane.lane_no}, plate not read; paid "
                f"{payment_order_no or '(nothing due)'}; found by {ctx.operator}")])
    closed = await send_once(ctx, lane.lane_no, "find_entry_close", close.wire(),
                             ctx.client.notice(ep.PARKING_ORDER_NOTICE, close))
    row = {
        "LaneNo": lane.lane_no, "OperatorName": ctx.operator,
        "OldPlate": candidate.plate, "NewPlate": "", "OrderNo": candidate.order_no,
        "ExitOrderNo": None, "PaymentOrderNo": payment_order_no or None,
        "Reason": "plate not read at the exit",
        "EntryCapture": candidate.entry_image_url or "", "ExitCapture": exit_capture,
        "At": _when(),
    }
    gate = {"LaneNo": lane.lane_no, "Status": 1, "OperatorName": ctx.operator}
    try:
        result = await send_once(ctx, lane.lane_no, "open_gate", gate,
                                 ctx.client.set_gate(lane.lane_no, 1, ctx.operator))
    except Exception:
        await ctx.journal_action(lane.lane_no, "find_entry", row, result=closed)
        raise
    row["ExitCapture"] = await opening_capture(ctx, lane.lane_no, exit_capture)
    await ctx.journal_action(lane.lane_no, "find_entry", row, result=closed)
    lane.request_refresh()
    return result


async def _charge_unread(op: Operation, finder: EntryFinder, cand: Candidate) -> Outcome[Any]:
    """No plate was read: the document has no call that ties the vehicle on the loop to an
    order, so the chosen order is charged by its number (``GetOrderPrice``, then ``PaySuccess``
    through the outbox), closed and the barrier opened."""
    from booth_console.app.commands.payment import PaymentInput, confirm_payment
    from booth_console.app.snapshots import OrderSnapshot

    lane = op.lane

    async def read_price(_ctx: CommandContext, order_no: str) -> m.OrderPrice:
        return await finder.price(order_no)

    price_out = await op.runner.run(op.lane_no, "find_entry_price", read_price, cand.order_no,
                                    busy_text=_tr("Reading the fee…"),
                                    success_text=lambda _p: _tr("Fee read."))
    if not price_out.ok or price_out.value is None:
        return price_out
    price = price_out.value
    due = price.total_amount_paid  # the document's example: what is payable now
    snap = OrderSnapshot(order_no=cand.order_no, charge=due, plate=cand.plate,
                         entry_time=cand.entry_time or "",
                         entry_lane=cand.entry_lane_name or cand.entry_lane_no or "",
                         entry_image_url=cand.entry_image_url or "").with_price(price)
    pno = ""
    if due > 0:
        entry = await op.ask.enter_payment(snap)
        if entry is None:
            return Outcome.cancelled()
        payment = PaymentInput(order_no=cand.order_no, amount_due=due, received=entry.received,
                               method=entry.method, remarks=entry.remarks.strip(),
                               total_due=price.total_amount_due, discount=price.discount_amount,
                               coupon_nos=tuple(c.no for c in price.plate_coupon_nos if c.no))
        paid = await op.runner.run(op.lane_no, "confirm_payment", confirm_payment, None, payment,
                                   busy_text=_tr("Sending the payment…"),
                                   success_text=lambda o: _tr("Payment confirmed ({pno}).").format(
                                       pno=o.payment_order_no))
        if not paid.ok or paid.value is None:
            return paid
        pno = paid.value.payment_order_no
    return await op.runner.run(
        op.lane_no, "find_entry", release_unread, lane, cand, payment_order_no=pno,
        exit_capture=finder.exit_capture, busy_text=_tr("Opening the barrier…"),
        success_text=lambda _r: _tr("Order {order} ({plate}) paid and closed; the barrier "
                                    "opens.").format(order=cand.order_no, plate=cand.plate))


def candidates_text(found: Sequence[Candidate]) -> str:
    """One line per candidate (for logs)."""
    return "; ".join(f"{c.plate} {c.order_no} {c.distance:.2f}" for c in found)

