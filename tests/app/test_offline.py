"""Offline: the server unreachable (the simulator stopped), cash payments recorded with the last
known order and fee, checked and delivered once the server answers again; manual openings
journaled and never replayed. Real simulator over loopback, real journal (docs/OFFLINE.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from booth_console.app import commands as cmd
from booth_console.app.snapshots import OrderSnapshot
from booth_console.client import condition
from tests.app.helpers import Stack, start_simulator, start_stack, wait_until

pytestmark = [
    # Stopping the simulator while lanes poll can leave a socket it accepted during its own
    # shutdown unclosed (aiohttp accept/cleanup race in the simulator, not the console).
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


async def exit_with_fee(stack: Stack, plate: str, minutes: int = 95) -> OrderSnapshot:
    """``plate`` parked ``minutes`` ago (the clock does not move: the fee survives a restart of
    the simulator) and waiting at exit lane 2."""
    ctl = stack.lane("2")
    await stack.sim.seed_in_park(plate, minutes)
    await stack.sim.arrive("2", plate)
    await wait_until(lambda: ctl.order is not None and ctl.order.plate == plate
                     and ctl.order.charge > 0, 5)
    assert ctl.order is not None
    return ctl.order


async def go_offline(stack: Stack) -> int:
    """Stop the simulator (connections refused) and wait for the lanes to notice."""
    port = int(stack.sim.port)
    await stack.sim.stop()
    booth = stack.session.booth
    await wait_until(lambda: not booth.link.online and not stack.lane("2").link.online, 8)
    return port


class PaySpy:
    """Counts PaySuccess and SetLaneGateStatus requests the console makes."""

    def __init__(self, client: Any) -> None:
        self.paid: list[str] = []
        self.gate: list[tuple[str, int]] = []
        real_pay, real_gate = client.pay_success, client.set_gate

        async def pay(model: Any) -> Any:
            self.paid.append(str(model.payment_order_no))
            return await real_pay(model)

        async def gate(lane_no: str, status: int, operator: str) -> Any:
            self.gate.append((lane_no, status))
            return await real_gate(lane_no, status, operator)

        client.pay_success = pay
        client.set_gate = gate


def test_offline_cash_payment_is_delivered_once_when_the_server_returns(
        loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl, booth = stack.session.ctx, stack.lane("2"), stack.session.booth
            spy = PaySpy(ctx.client)
            shown: list[list[Any]] = []
            booth.pending_changed.connect(lambda rows: shown.append(list(rows)))
            order = await exit_with_fee(stack, "琼Z3101X")
            port = await go_offline(stack)
            # the lane keeps its last known order and fee while offline
            assert ctl.order is not None and ctl.order.order_no == order.order_no
            assert ctl.order.charge == order.charge
            out = await cmd.record_offline_payment(
                ctx, ctl, cmd.PaymentInput(order_no=order.order_no, amount_due=order.charge,
                                           received=Decimal(50)),
                plate=order.plate, known_at=ctl.link.last_seen)
            assert out.amount == order.charge and out.change == Decimal(50) - order.charge
            [row] = await ctx.journal.open_payments()
            assert (row.payment_order_no, row.status, row.offline) == (
                out.payment_order_no, "offline", True)
            assert Decimal(row.request["TotalAmountPaid"]) == order.charge
            assert row.request["_Received"] == "50"
            await wait_until(lambda: bool(shown) and [p.status for p in shown[-1]] == ["offline"])
            # a second offline payment of the same order is refused (no duplicate)
            with pytest.raises(cmd.CommandError, match="not recorded twice"):
                await cmd.record_offline_payment(
                    ctx, ctl, cmd.PaymentInput(order_no=order.order_no, amount_due=order.charge,
                                               received=order.charge))
            assert spy.paid == []  # nothing is sent while offline
            # nor is the same order paid again online while the offline payment waits
            with pytest.raises(cmd.CommandError, match="taken offline"):
                await cmd.confirm_payment(ctx, None, cmd.PaymentInput(
                    order_no=order.order_no, amount_due=order.charge, received=order.charge))
            stack.sim = await start_simulator(tmp_path, port)
            await wait_until(lambda: bool(shown) and shown[-1] == [], 10)
            assert spy.paid == [out.payment_order_no]  # checked, then sent once
            page = await ctx.client.query_payments([condition("OrderNo", 0, order.order_no)])
            assert [r.no for r in page.results] == [out.payment_order_no]
            assert await ctx.journal.open_payments() == []
            texts = [m.text for m in stack.session.messages.history]
            assert any(out.payment_order_no in t and "confirmed" in t for t in texts)
            actions = [a.action for a in await ctx.journal.recent_actions()]
            assert {"offline_payment", "offline_payment_check", "confirm_payment"} <= set(actions)
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_offline_payment_whose_check_fails_once_is_checked_again_while_the_link_stays_up(
        loop: Any, tmp_path: Path) -> None:
    """A server that drops the check's request in the seconds it comes back (or goes away for a
    moment while a lane still answers) gives no second "back online": the payment must not stay
    offline until the next outage."""
    from booth_console.errors import TransportError

    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl, booth = stack.session.ctx, stack.lane("2"), stack.session.booth
            spy = PaySpy(ctx.client)
            order = await exit_with_fee(stack, "琼Z3111X")
            port = await go_offline(stack)
            out = await cmd.record_offline_payment(
                ctx, ctl, cmd.PaymentInput(order_no=order.order_no, amount_due=order.charge,
                                           received=order.charge),
                plate=order.plate, known_at=ctl.link.last_seen)
            real_query, dropped = ctx.client.query_parking_orders, []

            async def query_once_dropped(*args: Any, **kwargs: Any) -> Any:
                if not dropped:
                    dropped.append(1)
                    raise TransportError("connection reset while the server was starting")
                return await real_query(*args, **kwargs)

            ctx.client.query_parking_orders = query_once_dropped
            went_offline: list[bool] = []
            shown: list[list[Any]] = []
            booth.pending_changed.connect(lambda rows: shown.append(list(rows)))
            stack.sim = await start_simulator(tmp_path, port)
            await wait_until(lambda: booth.link.online, 10)
            booth.link_changed.connect(lambda snap: went_offline.append(not snap.online))
            await wait_until(lambda: dropped and spy.paid == [out.payment_order_no], 15)
            await wait_until(lambda: bool(shown) and shown[-1] == [], 10)  # confirmed
            assert not any(went_offline)  # delivered without another outage
            assert await ctx.journal.open_payments() == []
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_fee_changed_while_offline_needs_review_and_is_not_sent(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl, booth = stack.session.ctx, stack.lane("2"), stack.session.booth
            spy = PaySpy(ctx.client)
            shown: list[list[Any]] = []
            booth.pending_changed.connect(lambda rows: shown.append(list(rows)))
            order = await exit_with_fee(stack, "琼Z3202X", minutes=95)
            port = await go_offline(stack)
            out = await cmd.record_offline_payment(
                ctx, ctl, cmd.PaymentInput(order_no=order.order_no, amount_due=order.charge,
                                           received=order.charge), plate=order.plate)
            # while the console cannot reach it, the server's order changes: the stay is longer
            # (another simulator on the same database, on another port)
            other = await start_simulator(tmp_path)
            await other.seed_in_park("琼Z3202X", 200)
            await other.stop()
            stack.sim = await start_simulator(tmp_path, port)
            await wait_until(lambda: bool(shown) and [p.status for p in shown[-1]] == ["review"], 10)
            [row] = shown[-1]
            assert row.payment_order_no == out.payment_order_no
            assert f"¥{order.charge:.2f}" in row.review and "difference" in row.review
            assert spy.paid == []  # not sent blindly
            page = await ctx.client.query_payments([condition("OrderNo", 0, order.order_no)])
            assert page.results == []
            assert any(out.payment_order_no in m.text and "NOT sent" in m.text
                       for m in stack.session.messages.history)
            # listed until settled; settling needs a note and is journaled
            with pytest.raises(cmd.CommandError):
                await cmd.settle_offline_payment(ctx, out.payment_order_no, " ")
            await cmd.settle_offline_payment(ctx, out.payment_order_no, "driver paid the rest")
            await wait_until(lambda: shown[-1] == [], 3)
            assert spy.paid == []
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_order_closed_while_offline_needs_review(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            spy = PaySpy(ctx.client)
            order = await exit_with_fee(stack, "琼Z3303X")
            port = await go_offline(stack)
            out = await cmd.record_offline_payment(
                ctx, ctl, cmd.PaymentInput(order_no=order.order_no, amount_due=order.charge,
                                           received=order.charge), plate=order.plate)
            # meanwhile the driver paid by QR code and left (the server saw it, we did not)
            other = await start_simulator(tmp_path)
            await other.arrive("2", "琼Z3303X")
            await other.qr_pay("2")
            await other.pass_barrier("2")
            await other.stop()
            stack.sim = await start_simulator(tmp_path, port)

            shown: list[list[Any]] = []
            stack.session.booth.pending_changed.connect(lambda rows: shown.append(list(rows)))
            await wait_until(lambda: bool(shown) and [p.status for p in shown[-1]] == ["review"], 10)
            [row] = shown[-1]
            assert row.payment_order_no == out.payment_order_no and "closed" in row.review
            assert spy.paid == []
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_manual_opening_is_journaled_and_no_gate_command_is_sent_later(
        loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl, booth = stack.session.ctx, stack.lane("2"), stack.session.booth
            spy = PaySpy(ctx.client)
            order = await exit_with_fee(stack, "琼Z3404X")
            port = await go_offline(stack)
            with pytest.raises(cmd.CommandError):
                await cmd.record_manual_opening(ctx, ctl, "  ")
            row_id = await cmd.record_manual_opening(ctx, ctl, "Offline: paid cash")
            [action] = await ctx.journal.recent_actions(action="manual_open")
            assert action.row_id == row_id and action.lane_no == "2"
            assert action.operator == "tester" and action.result_code is None
            assert action.request["Plate"] == "琼Z3404X"
            assert action.request["OrderNo"] == order.order_no
            assert action.request["Reason"] == "Offline: paid cash"
            assert action.request["OpenedAt"] and action.request["ServerLastSeen"]
            stack.sim = await start_simulator(tmp_path, port)
            await wait_until(lambda: booth.link.online and ctl.link.online, 10)
            await ctl.refresh_now()
            await ctl.refresh_now()
            assert spy.gate == []  # never queued, never replayed
            assert ctl.status.gate == 0
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_journal_of_schema_2_is_migrated_and_keeps_its_pending_payments(
        loop: Any, tmp_path: Path) -> None:
    import sqlite3

    from booth_console.journal import MIGRATIONS, Journal

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:2]):
        conn.executescript(f"BEGIN;\n{script};\nPRAGMA user_version={number + 1};\nCOMMIT;")
    conn.execute("INSERT INTO pending_payments (payment_order_no, lane_no, order_no, request,"
                 " operator, created_at) VALUES ('P-OLD', '2', 'X-1', '{}', 'tester', 1.0)")
    conn.close()

    async def scenario() -> None:
        journal = await Journal.open(path)
        try:
            [old] = await journal.pending_payments()
            assert (old.payment_order_no, old.status, old.offline, old.review) == (
                "P-OLD", "pending", False, "")
            await journal.add_pending_payment(payment_order_no="P-OFF", lane_no="2",
                                              order_no="X-2", request={}, operator="tester",
                                              offline=True)
            assert [p.payment_order_no for p in await journal.pending_payments()] == ["P-OLD"]
            assert [p.payment_order_no for p in await journal.offline_payments()] == ["P-OFF"]
            await journal.mark_offline_checked("P-OFF", review="the fee is now higher")
            assert [(p.payment_order_no, p.status) for p in await journal.open_payments()] == [
                ("P-OLD", "pending"), ("P-OFF", "review")]
            assert not await journal.settle_review("P-OLD", note="no")  # not under review
            assert await journal.settle_review("P-OFF", note="settled by the supervisor")
            assert [p.payment_order_no for p in await journal.open_payments()] == ["P-OLD"]
        finally:
            await journal.close()
        version = sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
        assert version == len(MIGRATIONS)  # every migration applied

    loop.run_until_complete(scenario())


def test_offline_payment_left_by_a_closed_console_is_checked_and_sent_at_the_next_start(
        loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        from booth_console.client import ParkingClient
        from booth_console.journal import Journal
        from tests.app.helpers import simulator_api

        _s, _c, (app_id, secret, park_key) = simulator_api()
        sim = await start_simulator(tmp_path)
        client = ParkingClient.for_http(sim.base_url, app_id=app_id, app_secret=secret,
                                        park_key=park_key, timeout=2.0)
        try:
            await sim.seed_in_park("琼Z3505X", 95)
            page = await client.query_parking_orders(
                [condition("LicensePlateNumber", 0, "琼Z3505X")])
            order_no = page.results[0].order_no
            price = await client.get_order_price(order_no)
            fee = Decimal(str(price.total_amount_paid))
        finally:
            await client.aclose()
            await sim.stop()
        # the console closed (or crashed) while the server was unreachable
        journal = await Journal.open(tmp_path / "journal.sqlite3")
        request = {"OrderNo": order_no, "TotalAmountDue": str(fee), "TotalAmountPaid": str(fee),
                   "DiscountAmount": "0", "PaymentTime": "2026-01-01 10:00:00",
                   "PaymentMethod": "79001", "PaymentOrderNo": "BC-OFF-1", "Remarks": None,
                   "PlateCouponNos": [], "_Offline": True, "_Plate": "琼Z3505X"}
        await journal.add_pending_payment(payment_order_no="BC-OFF-1", lane_no="2",
                                          order_no=order_no, request=request, operator="tester",
                                          offline=True)
        await journal.close()
        stack = await start_stack(tmp_path)  # the same simulator database, now reachable
        try:
            ctx = stack.session.ctx
            await wait_until(lambda: any("BC-OFF-1" in m.text and "confirmed" in m.text
                                         for m in stack.session.messages.history), 10)
            assert await ctx.journal.open_payments() == []
            page = await ctx.client.query_payments([condition("OrderNo", 0, order_no)])
            assert [r.no for r in page.results] == ["BC-OFF-1"]
            [check] = await ctx.journal.recent_actions(action="offline_payment_check")
            assert check.request["Review"] is None
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_offline_payment_answered_1003_after_the_server_recorded_it_is_found_by_the_lookup(
        loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            spy = PaySpy(ctx.client)
            order = await exit_with_fee(stack, "琼Z3606X")
            port = await go_offline(stack)
            out = await cmd.record_offline_payment(
                ctx, ctl, cmd.PaymentInput(order_no=order.order_no, amount_due=order.charge,
                                           received=order.charge), plate=order.plate)
            stack.sim = await start_simulator(tmp_path, port)
            # the server records the payment but answers 1003 (before the console can ask)
            stack.sim.set_fault(pay_recorded_then_1003=1)
            await wait_until(lambda: any(out.payment_order_no in m.text and "confirmed" in m.text
                                         for m in stack.session.messages.history), 10)
            assert spy.paid == [out.payment_order_no]  # not sent a second time
            assert await ctx.journal.open_payments() == []
            page = await ctx.client.query_payments([condition("OrderNo", 0, order.order_no)])
            assert [r.no for r in page.results] == [out.payment_order_no]
            lookups = await ctx.journal.recent_actions(action="payment_lookup")
            assert any(a.request.get("Found") == "recorded" for a in lookups)
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_two_checks_at_once_deliver_an_offline_payment_once(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        import asyncio

        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            spy = PaySpy(ctx.client)
            order = await exit_with_fee(stack, "琼Z3707X")
            port = await go_offline(stack)
            out = await cmd.record_offline_payment(
                ctx, ctl, cmd.PaymentInput(order_no=order.order_no, amount_due=order.charge,
                                           received=order.charge))
            stack.sim = await start_simulator(tmp_path, port)
            # "Send again" pressed as the link comes back: a second check runs beside the
            # session's own
            counts = await asyncio.gather(cmd.reconcile_offline_payments(ctx),
                                          cmd.reconcile_offline_payments(ctx))
            assert sum(counts) <= 1
            await wait_until(lambda: not ctx.deliveries and spy.paid != [], 10)
            await wait_until(lambda: any(out.payment_order_no in m.text and "confirmed" in m.text
                                         for m in stack.session.messages.history), 10)
            await asyncio.sleep(0.3)
            assert spy.paid == [out.payment_order_no]
            assert await ctx.journal.open_payments() == []
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())
