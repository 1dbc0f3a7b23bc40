"""Payments the server answers with an error: looked up before anything is decided.

Real simulator over loopback HTTP with its payment faults (``pay_recorded_then_1003``: the
payment is recorded and answered 1003 all the same; ``pay_1003``: answered 1003, not recorded),
a real journal file and the console session.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from booth_console.app import commands as cmd
from booth_console.app.outbox import PaymentNotRecorded, RetryPolicy
from booth_console.app.snapshots import OrderSnapshot
from booth_console.client import condition
from tests.app.helpers import Stack, park_and_exit, start_stack, wait_until
from tests.conftest import wait_signal


async def _waiting_order(stack: Stack, plate: str) -> OrderSnapshot:
    ctl = stack.lane("2")
    await park_and_exit(stack.sim, plate)

    def ready(o: Any) -> bool:
        return isinstance(o, OrderSnapshot) and o.plate == plate and o.charge > 0

    if not ready(ctl.order):
        await wait_signal(ctl.order_changed, 5, ready)
    assert ctl.order is not None
    return ctl.order


def _payment_input(order: OrderSnapshot) -> cmd.PaymentInput:
    return cmd.PaymentInput(order_no=order.order_no, amount_due=order.amount_due,
                            received=order.amount_due + 5)


async def _records(stack: Stack, order_no: str) -> list[Any]:
    page = await stack.session.ctx.client.query_payments([condition("OrderNo", 0, order_no)])
    return list(page.results)


def _journal_status(stack: Stack, pno: str) -> tuple[str, int | None]:
    with sqlite3.connect(stack.tmp_path / "journal.sqlite3") as conn:
        row = conn.execute("SELECT status, result_code FROM pending_payments"
                           " WHERE payment_order_no = ?", (pno,)).fetchone()
    assert row is not None
    return row[0], row[1]


def test_payment_recorded_then_answered_1003_is_confirmed(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx = stack.session.ctx
            order = await _waiting_order(stack, "琼Z1003A")
            stack.sim.set_fault(pay_recorded_then_1003=1)
            out = await cmd.confirm_payment(ctx, stack.lane("2"), _payment_input(order))
            assert out.confirmed and out.found_by_lookup and not out.already_recorded
            assert out.attempts == 1 and out.result_code == 1003  # sent once, not twice
            records = await _records(stack, order.order_no)
            assert [r.no for r in records] == [out.payment_order_no]
            assert await ctx.journal.pending_payments() == []
            assert _journal_status(stack, out.payment_order_no) == ("confirmed", 1003)
            actions = list(reversed(await ctx.journal.recent_actions()))
            kinds = [a.action for a in actions]
            assert kinds == ["payment_lookup", "confirm_payment"]
            assert actions[0].request["Found"] == "recorded"
            assert actions[0].request["AfterResultCode"] == 1003
            # the server opened the barrier for the paid vehicle, as for any payment
            await stack.sim.pass_barrier("2")
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_1003_not_recorded_is_sent_again_after_the_lookup(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx = stack.session.ctx
            order = await _waiting_order(stack, "琼Z1003B")
            stack.sim.set_fault(pay_1003=1)
            out = await cmd.confirm_payment(ctx, stack.lane("2"), _payment_input(order))
            assert out.confirmed and out.attempts == 2 and out.result_code == 200
            assert not out.found_by_lookup
            records = await _records(stack, order.order_no)
            assert [r.no for r in records] == [out.payment_order_no]
            kinds = [a.action for a in reversed(await ctx.journal.recent_actions())]
            assert kinds == ["payment_lookup", "confirm_payment"]
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_1003_never_recorded_ends_rejected_only_after_lookups(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx = stack.session.ctx
            order = await _waiting_order(stack, "琼Z1003C")
            stack.sim.set_fault(pay_1003=10)
            with pytest.raises(PaymentNotRecorded) as info:
                await cmd.confirm_payment(ctx, stack.lane("2"), _payment_input(order))
            assert info.value.result_code == 1003
            assert "did not record" in str(info.value) and "not paid" in str(info.value)
            assert await _records(stack, order.order_no) == []
            assert await ctx.journal.pending_payments() == []
            actions = list(reversed(await ctx.journal.recent_actions()))
            tries = ctx.payment_retry.server_error_tries
            # every 1003 was looked up, and the rejection came after the last lookup
            assert [a.action for a in actions] == ["payment_lookup"] * tries + ["confirm_payment"]
            assert all(a.request["Found"] == "absent" for a in actions[:-1])
            assert actions[-1].result_code == 1003
            pno = actions[-1].request["PaymentOrderNo"]
            assert _journal_status(stack, pno) == ("rejected", 1003)
            assert stack.sim.faults.pay_1003 == 10 - tries
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_payment_stays_waiting_while_the_lookup_cannot_be_made(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx = stack.session.ctx
            ctx.payment_retry = RetryPolicy(first_delay=0.05, max_delay=0.2,
                                                foreground_wait=1.0)
            order = await _waiting_order(stack, "琼Z1003D")
            real_pay = ctx.client.pay_success

            async def pay_then_server_fails(request: Any) -> Any:
                # recorded, answered 1003, and from now on every request fails (lookups too)
                stack.sim.set_fault(pay_recorded_then_1003=1)
                try:
                    return await real_pay(request)
                finally:
                    stack.sim.set_fault(fail_rate=1.0)

            ctx.client.pay_success = pay_then_server_fails
            with pytest.raises(cmd.CommandError, match="sent again automatically"):
                await cmd.confirm_payment(ctx, stack.lane("2"), _payment_input(order))
            [pending] = await ctx.journal.pending_payments()  # neither confirmed nor rejected
            assert pending.order_no == order.order_no
            await asyncio.sleep(0.5)
            assert pending.payment_order_no in ctx.payments.deliveries
            assert await ctx.journal.pending_payments() == [pending]
            ctx.client.pay_success = real_pay
            stack.sim.set_fault(clear=True)
            await wait_until(lambda: pending.payment_order_no not in ctx.payments.deliveries, 5)
            assert await ctx.journal.pending_payments() == []
            assert _journal_status(stack, pending.payment_order_no)[0] == "confirmed"
            records = await _records(stack, order.order_no)
            assert [r.no for r in records] == [pending.payment_order_no]
            assert any(pending.payment_order_no in m.text and "records hold it" in m.text
                       for m in stack.session.messages.history)
            assert not any("refused" in m.text or "did not record" in m.text
                           for m in stack.session.messages.history)
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_payment_faults_through_the_control_api(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        from tests.app.helpers import start_simulator

        sim = await start_simulator(tmp_path)
        try:
            async with httpx.AsyncClient(base_url=sim.base_url) as http:
                r = await http.post("/Sim/Fault", json={"PayRecordedThen1003": 2, "Pay1003": 1})
                assert r.json()["Data"]["PayRecordedThen1003"] == 2
                assert r.json()["Data"]["Pay1003"] == 1
                r = await http.post("/Sim/Fault", json={"Clear": True})
                assert r.json()["Data"]["PayRecordedThen1003"] == 0
        finally:
            await sim.stop()

    loop.run_until_complete(scenario())
