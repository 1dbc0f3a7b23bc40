"""What the attendant reads after F4 when the server answers a payment with an error."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from booth_console.app.outbox import PaymentNotRecorded
from booth_console.client import condition
from booth_console.ui.console import Console
from booth_console.ui.dialogs import PaymentDialog
from tests.app.helpers import Stack, park_and_exit, wait_until
from tests.ui.test_windows import _dialog, _finished, activate, run_console


async def _pay_by_keyboard(stack: Stack, console: Console, qtbot: Any, plate: str) -> Any:
    win, ctl = console.lane_windows["2"], stack.lane("2")
    await park_and_exit(stack.sim, plate)
    await wait_until(lambda: ctl.order is not None and ctl.order.plate == plate
                     and ctl.order.charge > 0)
    await wait_until(lambda: win.buttons["confirm_payment"].isEnabled())
    await activate(win)
    qtbot.keyClick(win, Qt.Key.Key_F4)
    pay = await _dialog(win, PaymentDialog)
    fut = asyncio.ensure_future(_finished(stack, "confirm_payment"))
    qtbot.keyClick(pay.received, Qt.Key.Key_Return)
    return await fut


def test_payment_recorded_despite_1003_is_shown_as_paid(loop: Any, tmp_path: Path,
                                                        qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win = console.lane_windows["2"]
        stack.sim.set_fault(pay_recorded_then_1003=1)
        _l, _c, ok, out = await _pay_by_keyboard(stack, console, qtbot, "琼Z1003U")
        assert ok and out.confirmed and out.found_by_lookup
        assert "Payment confirmed" in win.message.text()
        assert "refused" not in win.message.text()
        page = await stack.session.ctx.client.query_payments(
            [condition("LicensePlateNumber", 0, "琼Z1003U")])
        assert len(page.results) == 1

    run_console(loop, tmp_path, body)


def test_payment_never_recorded_is_shown_as_not_paid(loop: Any, tmp_path: Path,
                                                     qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win = console.lane_windows["2"]
        stack.sim.set_fault(pay_1003=100)
        _l, _c, ok, exc = await _pay_by_keyboard(stack, console, qtbot, "琼Z1003V")
        assert isinstance(exc, PaymentNotRecorded)
        assert not ok
        assert "did not record" in win.message.text() and "not paid" in win.message.text()
        assert win.buttons["confirm_payment"].isEnabled()  # the order is still to be paid
        page = await stack.session.ctx.client.query_payments(
            [condition("LicensePlateNumber", 0, "琼Z1003V")])
        assert page.results == []

    run_console(loop, tmp_path, body)
