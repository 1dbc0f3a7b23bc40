"""The attendant's flows end to end: real simulator over loopback, real journal, real listener."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from booth_console.app import commands as cmd
from booth_console.app.outbox import RetryPolicy
from booth_console.app.snapshots import OrderSnapshot
from booth_console.client import ParkingClient, condition
from booth_console.errors import ApiError
from booth_console.protocol.payment_answers import already_recorded
from tests.app.helpers import Stack, park_and_exit, simulator_api, start_stack, wait_until
from tests.conftest import wait_signal


def _has_fee(order: Any) -> bool:
    return isinstance(order, OrderSnapshot) and bool(order.order_no) and order.charge > 0


async def _waiting_order(stack: Stack, lane_no: str = "2") -> OrderSnapshot:
    ctl = stack.lane(lane_no)
    if not _has_fee(ctl.order):
        await wait_signal(ctl.order_changed, 5, _has_fee)
    assert ctl.order is not None
    return ctl.order


def test_exit_with_payment_clears_lane_after_exit_callback(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            await park_and_exit(stack.sim, "琼Z1201X")
            order = await _waiting_order(stack)
            await wait_until(lambda: ctl.order is not None and ctl.order.plate == "琼Z1201X")
            out = await cmd.confirm_payment(ctx, ctl, cmd.PaymentInput(
                order_no=order.order_no, amount_due=order.amount_due,
                received=order.amount_due + 10, method="79001", remarks="test"))
            assert out.confirmed and out.attempts == 1 and out.result_code == 200
            assert await ctx.journal.pending_payments() == []
            # the paid vehicle drives through; the exit callback clears the lane
            exit_cb = asyncio.ensure_future(wait_signal(stack.session.hub.vehicle_out, 10))
            await stack.sim.pass_barrier("2")
            cb = await exit_cb
            assert cb.data.license_plate_number == "琼Z1201X"
            if ctl.order is not None:
                await wait_signal(ctl.order_changed, 5, lambda o: o is None)
            assert ctl.order is None
            actions = await ctx.journal.recent_actions(action="confirm_payment")
            assert len(actions) == 1 and actions[0].result_code == 200
            assert actions[0].request["PaymentOrderNo"] == out.payment_order_no
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_override_lowers_fee(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            await park_and_exit(stack.sim, "琼Z2202X", minutes=240)
            order = await _waiting_order(stack)
            new = order.charge - Decimal("1.5")
            result = await cmd.override_fee(ctx, ctl, new, "regular customer")
            assert result.result_code == 200
            assert ctl.order is not None and ctl.order.charge == new  # re-read from the server
            rows = await ctx.journal.recent_actions(action="override_fee")
            assert rows[0].request["Money"] == int(new * 100)
            assert rows[0].request["Reason"] == "regular customer"
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_override_not_below_fee_is_refused_before_sending(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            await park_and_exit(stack.sim, "琼Z3303X", minutes=240)
            order = await _waiting_order(stack)
            sent: list[Any] = []
            real = ctx.client.modify_lane_order_money

            async def spy(*a: Any, **kw: Any) -> Any:
                sent.append(a)
                return await real(*a, **kw)

            ctx.client.modify_lane_order_money = spy
            for amount, reason in ((order.charge, "same"), (order.charge + 1, "more"),
                                   (order.charge - 1, "  ")):
                with pytest.raises(cmd.CommandError):
                    await cmd.override_fee(ctx, ctl, amount, reason)
            with pytest.raises(cmd.CommandError):
                cmd.parse_yuan("1.234")
            assert sent == []
            assert await ctx.journal.recent_actions(action="override_fee") == []
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_no_plate_entry_creates_in_park_order(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, booth = stack.session.ctx, stack.session.booth
            await booth._load_types()
            assert booth.plate_types and booth.vehicle_types
            with pytest.raises(cmd.CommandError):  # exit lanes have no no-plate entry
                await cmd.no_plate_entry(ctx, stack.lane("2"), vehicle_type_no=booth.vehicle_types[0].no,
                                         plate_type_no=booth.plate_types[0].no)
            out = await cmd.no_plate_entry(
                ctx, stack.lane("1"), vehicle_type_no=booth.vehicle_types[0].no,
                plate_type_no=booth.plate_types[-1].no, remarks="walk-in")
            assert out.plate.startswith("无") and len(out.plate) == 7 and out.order_no
            page = await ctx.client.query_parking_orders(
                [condition("LicensePlateNumber", 0, out.plate)])
            assert [(r.order_no, r.order_status) for r in page.results] == [(out.order_no, 199)]
            await stack.sim.pass_barrier("1")  # the barrier opened; the vehicle drives in
            page = await ctx.client.query_parking_orders(
                [condition("LicensePlateNumber", 0, out.plate)])
            assert [(r.order_no, r.order_status) for r in page.results] == [(out.order_no, 200)]
            rows = await ctx.journal.recent_actions(action="no_plate_entry")
            assert rows[0].request["LicensePlateNumber"] == out.plate and rows[0].result_code == 200
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_virtual_plate_format() -> None:
    plates = {cmd.generate_virtual_plate() for _ in range(200)}
    assert len(plates) == 200
    for p in plates:
        assert p[0] == "无" and len(p) == 7 and not ({"I", "O"} & set(p))
    assert cmd.generate_virtual_plate("临").startswith("临")


def test_close_gate_needs_confirm_with_vehicle_on_loop(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            await park_and_exit(stack.sim, "琼Z4404X")
            if not ctl.status.vehicle_on_loop:
                await wait_signal(ctl.status_changed, 5, lambda s: s.vehicle_on_loop)
            with pytest.raises(cmd.ConfirmationRequired):
                await cmd.close_gate(ctx, ctl)
            with pytest.raises(cmd.ConfirmationRequired):
                await cmd.toggle_keep_open(ctx, ctl)
            assert await ctx.journal.recent_actions() == []
            result = await cmd.close_gate(ctx, ctl, confirmed=True)
            assert result.result_code == 200
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


@pytest.mark.slow
# Stopping the simulator while lanes poll can leave a socket it accepted during its own
# shutdown unclosed (aiohttp accept/cleanup race in the simulator, not the console).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_server_killed_mid_shift_goes_offline_and_recovers(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl, booth = stack.session.ctx, stack.lane("2"), stack.session.booth
            assert ctl.link.online
            # mid-shift: the console has had answers from the server before it goes away
            await wait_until(lambda: ctl.link.last_seen is not None, 5)
            went_off = asyncio.ensure_future(wait_signal(booth.link_changed, 5, lambda s: not s.online))
            port = stack.sim.port
            await stack.sim.stop()
            off = await went_off
            assert off.last_seen is not None and not ctl.link.online
            # a gate command during the outage fails visibly and is not queued
            before = len(await ctx.journal.recent_actions())
            result = await stack.session.runner.run("2", "open_gate", cmd.open_gate, ctl)
            assert not result.ok and result.value is None
            assert "not repeated" in stack.session.messages.history[-1].text
            assert len(await ctx.journal.recent_actions()) == before + 1
            back = asyncio.ensure_future(wait_signal(booth.link_changed, 8, lambda s: s.online))
            from tests.app.helpers import start_simulator

            stack.sim = await start_simulator(tmp_path, port)
            await back
            await wait_until(lambda: ctl.link.online, 5)  # each lane recovers on its own back-off
            # nothing was replayed: the barrier is still closed
            await ctl.refresh_now()
            assert ctl.status.gate == 0
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


class DropAfterSend(httpx.AsyncBaseTransport):
    """Forwards requests; the first PaySuccess is applied by the server, then the line drops."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.pay_attempts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/PaySuccess"):
            self.pay_attempts += 1
            if self.pay_attempts == 1:
                await response.aread()
                await response.aclose()
                raise httpx.ReadError("connection reset by peer", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_payment_retried_after_dropped_connection_is_recorded_once(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        _s, _c, (app_id, secret, park_key) = simulator_api()
        from tests.app.helpers import start_simulator

        # a first simulator only to learn a free port; the stack's client is built for it
        probe = await start_simulator(tmp_path / "probe")
        await probe.stop()
        drop = DropAfterSend()
        stack = await start_stack(tmp_path)
        client = ParkingClient.for_http(stack.sim.base_url, app_id=app_id, app_secret=secret,
                                        park_key=park_key, timeout=2.0, httpx_transport=drop)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            await park_and_exit(stack.sim, "琼Z5505X")
            order = await _waiting_order(stack)
            ctx.client = client
            out = await cmd.confirm_payment(ctx, ctl, cmd.PaymentInput(
                order_no=order.order_no, amount_due=order.amount_due, received=order.amount_due))
            assert drop.pay_attempts == 2
            assert out.confirmed and out.attempts == 2
            page = await client.query_payments([condition("OrderNo", 0, order.order_no)])
            assert len(page.results) == 1
            assert await ctx.journal.pending_payments() == []
        finally:
            await client.aclose()
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_pending_payment_is_delivered_again_after_restart(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        from booth_console.journal import Journal

        journal = await Journal.open(tmp_path / "journal.sqlite3")
        await journal.add_pending_payment(
            payment_order_no="BC1", lane_no="2", order_no="X-1",
            request={"OrderNo": "X-1", "TotalAmountDue": "5", "TotalAmountPaid": "5",
                     "DiscountAmount": "0", "PaymentTime": "2026-01-01 10:00:00",
                     "PaymentMethod": "79001", "PaymentOrderNo": "BC1", "Remarks": None,
                     "PlateCouponNos": []},
            operator="tester")
        await journal.close()
        stack = await start_stack(tmp_path)
        try:
            assert any("not confirmed" in m.text for m in stack.session.messages.history)
            # delivered by itself once the link is up: a definite refusal (no such order)
            await wait_until(lambda: any("refused" in m.text and "X-1" in m.text
                                         for m in stack.session.messages.history), 5)
            assert await stack.session.journal.pending_payments() == []
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def _pay_request(order: OrderSnapshot, pno: str) -> dict[str, Any]:
    return {"OrderNo": order.order_no, "TotalAmountDue": str(order.amount_due),
            "TotalAmountPaid": str(order.amount_due), "DiscountAmount": "0",
            "PaymentTime": "2026-01-01 10:00:00", "PaymentMethod": "79001",
            "PaymentOrderNo": pno, "Remarks": None, "PlateCouponNos": []}


def test_resumed_payment_the_server_recorded_is_confirmed(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        from booth_console.protocol import models as m

        stack = await start_stack(tmp_path)
        try:
            ctx = stack.session.ctx
            await park_and_exit(stack.sim, "琼Z6606X")
            order = await _waiting_order(stack)
            request = _pay_request(order, "BC-CRASH-1")
            await ctx.journal.add_pending_payment(
                payment_order_no="BC-CRASH-1", lane_no="2", order_no=order.order_no,
                request=request, operator="tester")
            # the console sent it and crashed before reading the answer
            sent = {k: v for k, v in request.items()}
            sent["TotalAmountDue"] = sent["TotalAmountPaid"] = order.amount_due
            sent["DiscountAmount"] = Decimal(0)
            await ctx.client.pay_success(m.PaySuccessRequest.model_validate(sent))
            [pending] = await ctx.journal.pending_payments()
            out = await ctx.payments.resume(pending)
            assert out.confirmed and out.already_recorded and out.result_code == 1005
            assert "recorded" in out.result_msg
            assert await ctx.journal.pending_payments() == []
            page = await ctx.client.query_payments([condition("OrderNo", 0, order.order_no)])
            assert len(page.results) == 1
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_payment_of_another_order_is_a_real_rejection(loop: Any, tmp_path: Path) -> None:
    assert already_recorded(
        "The payment order is already being processed: payment [P1] has already been recorded "
        "for order [A-1]", "A-1")
    assert not already_recorded(
        "The payment order is already being processed: payment [P1] has already been recorded "
        "for order [A-1]", "B-2")
    assert not already_recorded(
        "The payment order is already being processed: payment [P1] belongs to another order",
        "A-1")

    async def scenario() -> None:
        from booth_console.protocol import models as m

        stack = await start_stack(tmp_path)
        try:
            ctx = stack.session.ctx
            await park_and_exit(stack.sim, "琼Z7707X")
            order = await _waiting_order(stack)
            other = dict(_pay_request(order, "BC-DUP-1"))
            for k in ("TotalAmountDue", "TotalAmountPaid", "DiscountAmount"):
                other[k] = Decimal(other[k])
            await ctx.client.pay_success(m.PaySuccessRequest.model_validate(other))
            # a pending payment for another order that reuses that PaymentOrderNo
            await stack.sim.arrive("1", "琼Z7708X")
            await stack.sim.pass_barrier("1")
            page = await ctx.client.query_parking_orders(
                [condition("LicensePlateNumber", 0, "琼Z7708X")])
            second = page.results[0].order_no
            req = dict(_pay_request(order, "BC-DUP-1"), OrderNo=second)
            await ctx.journal.add_pending_payment(
                payment_order_no="BC-DUP-1", lane_no="2", order_no=second, request=req,
                operator="tester")
            [pending] = await ctx.journal.pending_payments()
            with pytest.raises(ApiError) as info:
                await ctx.payments.resume(pending)
            assert "another order" in info.value.result_msg
            assert await ctx.journal.pending_payments() == []
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_payment_during_outage_is_kept_and_delivered_when_server_returns(
    loop: Any, tmp_path: Path
) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl, outbox = stack.session.ctx, stack.lane("2"), stack.session.outbox
            ctx.payment_retry = RetryPolicy(first_delay=0.05, max_delay=0.3,
                                            foreground_wait=0.5)
            await park_and_exit(stack.sim, "琼Z8808X")
            order = await _waiting_order(stack)
            port = stack.sim.port
            real_pay = ctx.client.pay_success

            async def server_dies_first(request: Any) -> Any:
                # the amount was checked; the server goes down before the payment reaches it
                if stack.sim is not None and stack.sim.port == port and not stopped:
                    stopped.append(True)
                    await stack.sim.stop()
                return await real_pay(request)

            stopped: list[bool] = []
            ctx.client.pay_success = server_dies_first
            shown: list[list[Any]] = []
            outbox.pending_changed.connect(lambda rows: shown.append(list(rows)))
            with pytest.raises(cmd.CommandError, match="sent again automatically"):
                await cmd.confirm_payment(ctx, ctl, cmd.PaymentInput(
                    order_no=order.order_no, amount_due=order.amount_due,
                    received=order.amount_due))
            [pending] = await ctx.journal.pending_payments()
            await wait_until(lambda: any(r and r[0].payment_order_no == pending.payment_order_no
                                         for r in shown), 3)
            assert pending.payment_order_no in ctx.payments.deliveries  # still retrying
            # a manual "Send again" joins the running delivery instead of starting another
            d = ctx.payments.deliveries[pending.payment_order_no]
            assert ctx.payments.start_delivery("2", pending.payment_order_no, {}) is d
            from tests.app.helpers import start_simulator

            stack.sim = await start_simulator(tmp_path, port)
            await wait_until(lambda: pending.payment_order_no not in ctx.payments.deliveries, 8)
            assert await ctx.journal.pending_payments() == []
            await wait_until(lambda: shown and shown[-1] == [], 3)
            page = await ctx.client.query_payments([condition("OrderNo", 0, order.order_no)])
            assert [r.no for r in page.results] == [pending.payment_order_no]
            assert any("confirmed" in m.text for m in stack.session.messages.history)
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_payment_sends_the_price_breakdown_and_coupons(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            store = stack.sim.engine.store
            rows = store.all('SELECT c.No, c.OrderNo, c.LicensePlateNumber FROM "PlateCoupon" c '
                             'JOIN "ParkingOrder" o ON o.OrderNo = c.OrderNo '
                             "WHERE o.OrderStatus = 200 AND c.Type = '101'")
            assert rows, "the simulator seeds an amount coupon on an in-park vehicle"
            coupon_no, order_no, plate = rows[0]["No"], rows[0]["OrderNo"], rows[0]["LicensePlateNumber"]
            await stack.sim.seed_in_park(plate, 300)  # a fee larger than the coupon
            await stack.sim.arrive("2", plate)
            await wait_until(lambda: ctl.order is not None and ctl.order.order_no == order_no
                             and ctl.order.charge > 0)
            assert ctl.order is not None
            price = await ctx.client.get_order_price(order_no)
            assert price.discount_amount > 0
            due = ctl.order.amount_due
            out = await cmd.confirm_payment(ctx, ctl, cmd.PaymentInput(
                order_no=order_no, amount_due=due, received=Decimal(500)))
            assert out.confirmed
            [action] = await ctx.journal.recent_actions(action="confirm_payment")
            sent = action.request
            assert Decimal(sent["TotalAmountDue"]) == price.total_amount_due
            assert Decimal(sent["DiscountAmount"]) == price.discount_amount
            assert Decimal(sent["TotalAmountPaid"]) == due
            assert sent["PlateCouponNos"] == [{"No": coupon_no}]
            used = store.one('SELECT _UsedBy FROM "PlateCoupon" WHERE No = ?', (coupon_no,))
            assert used["_UsedBy"] == order_no
            page = await ctx.client.query_payments([condition("OrderNo", 0, order_no)])
            [record] = [r for r in page.results if r.no == out.payment_order_no]
            assert Decimal(str(record.discount_amount)) == price.discount_amount
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_amount_changed_while_dialog_open_is_not_sent(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            await park_and_exit(stack.sim, "琼Z1212X", minutes=240)
            order = await _waiting_order(stack)
            typed = cmd.PaymentInput(order_no=order.order_no, amount_due=order.amount_due,
                                     received=order.amount_due)
            # while the dialog is open, the fee is lowered elsewhere
            await ctx.client.modify_lane_order_money(order.order_no, "2",
                                                     int(order.charge * 100) - 100)
            with pytest.raises(cmd.AmountChanged) as info:
                await cmd.confirm_payment(ctx, ctl, typed)
            assert info.value.new == order.charge - 1 and info.value.old == order.charge
            assert f"{order.charge - 1:.2f}" in str(info.value)
            assert await ctx.journal.pending_payments() == []
            page = await ctx.client.query_payments([condition("OrderNo", 0, order.order_no)])
            assert page.results == []
            # confirmed again with the new amount, it goes through
            out = await cmd.confirm_payment(ctx, ctl, cmd.PaymentInput(
                order_no=order.order_no, amount_due=info.value.new, received=info.value.new))
            assert out.confirmed
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())
