""""Send again" in the booth window: the payment outbox sends the waiting payment again (joining
the delivery already running, never a second one) and the booth window shows its outcome.
Keyboard only; real simulator answering 1003 until its fault is cleared, real journal."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from booth_console.client import condition
from booth_console.ui.console import Console
from tests.app.helpers import Stack, park_and_exit, wait_until
from tests.ui.helpers import run_console
from tests.ui.test_windows import _finished, activate


def test_send_again_delivers_the_waiting_payment_once(loop: Any, tmp_path: Path,
                                                      qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        ctx, outbox, win = stack.session.ctx, stack.session.outbox, console.booth_window
        await park_and_exit(stack.sim, "琼Z7171X")
        ctl = stack.lane("2")
        await wait_until(lambda: ctl.order is not None and ctl.order.charge > 0)
        assert ctl.order is not None
        due, order_no = ctl.order.amount_due, ctl.order.order_no
        paid: list[str] = []
        real_pay = ctx.client.pay_success

        async def pay(model: Any) -> Any:
            paid.append(str(model.payment_order_no))
            return await real_pay(model)

        ctx.client.pay_success = pay
        stack.sim.set_fault(fail_rate=1.0)  # every answer is 1003 (lookups too)
        await ctx.journal.add_pending_payment(
            payment_order_no="BC-AGAIN-1", lane_no="2", order_no=order_no,
            request={"OrderNo": order_no, "TotalAmountDue": str(due),
                     "TotalAmountPaid": str(due), "DiscountAmount": "0",
                     "PaymentTime": "2026-01-01 10:00:00", "PaymentMethod": "79001",
                     "PaymentOrderNo": "BC-AGAIN-1", "Remarks": None, "PlateCouponNos": []},
            operator="tester")
        await outbox.reload()
        await wait_until(lambda: "BC-AGAIN-1" in outbox.deliveries and paid != [])
        assert win.pending_list.count() == 1 and win.retry_button.isEnabled()
        await activate(win)
        win.retry_button.setFocus()
        done = asyncio.ensure_future(_finished(stack, "confirm_payment", 10))
        await asyncio.sleep(0)
        qtbot.keyClick(win.retry_button, Qt.Key.Key_Space)
        await asyncio.sleep(0.3)
        stack.sim.set_fault(clear=True)
        lane, _command, ok, out = await done
        assert lane == "2" and ok and out.confirmed and out.payment_order_no == "BC-AGAIN-1"
        assert "Payment BC-AGAIN-1 confirmed." in win.message.text()
        await wait_until(lambda: win.pending_list.count() == 0)
        page = await ctx.client.query_payments([condition("OrderNo", 0, order_no)])
        assert [r.no for r in page.results] == ["BC-AGAIN-1"]
        assert set(paid) == {"BC-AGAIN-1"} and await ctx.journal.open_payments() == []
        assert Decimal(str(page.results[0].total_amount_paid)) == due

    run_console(loop, tmp_path, body)
