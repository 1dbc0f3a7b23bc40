"""Offline, as the attendant meets it: keyboard only, a lane window the size of a 1366x768 screen,
in English and Chinese. The simulator is stopped (connections refused) and started again on the
same port and database. ``OFFLINE_SHOTS=<dir>`` saves screenshots there."""

from __future__ import annotations

import asyncio
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from booth_console.app import commands as cmd
from booth_console.app.i18n import install_translators
from booth_console.ui.console import Console
from booth_console.ui.dialogs import ManualOpenDialog, PaymentDialog, ReasonListDialog
from tests.app.helpers import Stack, start_simulator, wait_until
from tests.app.test_offline import PaySpy, exit_with_fee, go_offline
from tests.ui.helpers import SMALL, run_console
from tests.ui.test_windows import _dialog, _finished, _message_box, activate

pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]



def shot(widget: QWidget, name: str) -> None:
    """Save a screenshot of ``widget`` when ``OFFLINE_SHOTS`` names a directory."""
    where = os.environ.get("OFFLINE_SHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(where) / f"{name}.png"))


def run(loop: Any, tmp_path: Path, language: str, body: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        assert install_translators(app, language)
        run_console(loop, tmp_path, body, language=language)
    finally:
        install_translators(app, "en")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_offline_payment_and_manual_opening_by_keyboard(
        loop: Any, tmp_path: Path, qtbot: Any, language: str) -> None:
    async def body(stack: Stack, console: Console) -> None:
        ctx, ctl = stack.session.ctx, stack.lane("2")
        spy = PaySpy(ctx.client)
        win, booth_win = console.lane_windows["2"], console.booth_window
        win.resize(*SMALL)
        order = await exit_with_fee(stack, "琼Z4101X")
        fee = f"¥{order.charge:.2f}"
        port = await go_offline(stack)
        await wait_until(lambda: win.offline_label.isVisible())
        # the last known plate and fee stay, greyed, with the time of the last answer
        since = win.offline_since()
        assert since in win.offline_label.text() and since != win.tr("never")
        assert win.amount.text() == fee and not win.amount.isEnabled()
        assert win.plate.text() == "琼Z4101X" and not win.plate.isEnabled()
        if language == "en":
            assert "OFFLINE since" in win.offline_label.text()
        need = win.layout().minimumSize()
        assert need.height() <= SMALL[1] and need.width() <= SMALL[0], need
        for button in win.buttons.values():
            if not button.isHidden():
                assert button.geometry().bottom() < SMALL[1]
        shot(win, f"{language}-1-lane-offline")
        # F4: an offline cash payment of the last known order and fee
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F4)
        pay = await _dialog(win, PaymentDialog)
        assert pay.offline is not None and pay.offline.isVisible()
        assert since in pay.offline.text()
        assert pay.due == order.charge and pay.method_code == cmd.OFFLINE_CASH
        assert not pay.method.isEnabled()
        assert pay.focusWidget() is pay.received  # the amount received first
        assert pay.tr("Offline cash payment") in pay.windowTitle()
        qtbot.keyClicks(pay.received, "100")
        assert pay.change.text() == f"¥{Decimal(100) - order.charge:.2f}"
        shot(pay, f"{language}-2-offline-payment-dialog")
        fut = asyncio.ensure_future(_finished(stack, "confirm_payment", 10))
        qtbot.keyClick(pay.received, Qt.Key.Key_Return)
        _l, _c, ok, recorded = await fut
        assert ok and isinstance(recorded, cmd.OfflinePayment)
        assert recorded.payment_order_no in win.message.text()
        assert spy.paid == []
        # the booth lists it, marked offline
        await wait_until(lambda: booth_win.pending_list.count() == 1)
        item = booth_win.pending_list.item(0).text()
        assert recorded.payment_order_no in item and booth_win.tr("offline, pending") in item
        shot(booth_win, f"{language}-3-booth-offline-pending")
        # F1: the barrier's manual switch, then the reason (the payment's, offered)
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F1)
        manual = await _dialog(win, ManualOpenDialog)
        assert recorded.payment_order_no in manual.reason.text()
        assert manual.focusWidget() is manual.reason
        shot(manual, f"{language}-4-manual-opening")
        fut = asyncio.ensure_future(_finished(stack, "manual_open", 10))
        qtbot.keyClick(manual.reason, Qt.Key.Key_Return)
        assert (await fut)[2]
        [opening] = await ctx.journal.recent_actions(action="manual_open")
        assert opening.request["OrderNo"] == order.order_no
        assert recorded.payment_order_no in opening.request["Reason"]
        # the server returns: checked, sent once with the same number, the list clears
        stack.sim = await start_simulator(tmp_path, port)
        await wait_until(lambda: booth_win.pending_list.count() == 0, 10)
        assert spy.paid == [recorded.payment_order_no]
        assert spy.gate == []  # the opening was never sent
        await wait_until(lambda: not win.offline_label.isVisible(), 5)
        await ctl.refresh_now()
        assert ctl.status.gate == 0
        shot(booth_win, f"{language}-5-booth-back-online")

    run(loop, tmp_path, language, body)


def test_server_lost_mid_payment_offers_the_offline_payment_with_what_was_typed(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        ctx = stack.session.ctx
        spy = PaySpy(ctx.client)
        win = console.lane_windows["2"]
        win.resize(*SMALL)
        order = await exit_with_fee(stack, "琼Z4202X")
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F4)
        pay = await _dialog(win, PaymentDialog)
        assert pay.offline is None  # online: the ordinary dialog
        qtbot.keyClick(pay.method, Qt.Key.Key_1)
        qtbot.keyClicks(pay.received, "50")
        port = int(stack.sim.port)
        await stack.sim.stop()  # the server goes away while the attendant counts the money
        qtbot.keyClick(pay.received, Qt.Key.Key_Return)
        box = await _message_box(win)
        assert "offline" in box.informativeText() and order.order_no in box.informativeText()
        shot(box, "en-6-lost-mid-payment")
        box.button(QMessageBox.StandardButton.Yes).click()
        await wait_until(lambda: win.last_dialog is not pay
                         and isinstance(win.last_dialog, PaymentDialog)
                         and win.last_dialog.isVisible())
        again: PaymentDialog = win.last_dialog
        assert again.offline is not None and again.received.text() == "50.00"
        fut = asyncio.ensure_future(_finished(stack, "confirm_payment", 10))
        qtbot.keyClick(again.received, Qt.Key.Key_Return)
        _l, _c, ok, recorded = await fut
        assert ok and isinstance(recorded, cmd.OfflinePayment)
        assert recorded.change == Decimal(50) - order.charge
        assert spy.paid == []
        stack.sim = await start_simulator(tmp_path, port)
        # the lanes back off up to 15 s while the server is gone: the link is seen again at
        # their next poll, then the payment is checked and delivered
        await wait_until(lambda: console.booth_window.pending_list.count() == 0, 30)
        assert spy.paid == [recorded.payment_order_no]

    run(loop, tmp_path, "en", body)


def test_offline_needs_review_is_settled_from_the_booth_window(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        ctx, ctl = stack.session.ctx, stack.lane("2")
        spy = PaySpy(ctx.client)
        booth_win = console.booth_window
        order = await exit_with_fee(stack, "琼Z4303X")
        port = await go_offline(stack)
        await cmd.record_offline_payment(ctx, ctl, cmd.PaymentInput(
            order_no=order.order_no, amount_due=order.charge, received=order.charge))
        other = await start_simulator(tmp_path)  # the stay grows while the console is cut off
        await other.seed_in_park("琼Z4303X", 300)
        await other.stop()
        stack.sim = await start_simulator(tmp_path, port)
        review = booth_win.tr("NEEDS REVIEW (not sent): {why}").split("{")[0].rstrip(": ：")
        await wait_until(lambda: booth_win.pending_list.count() == 1
                         and review in booth_win.pending_list.item(0).text(), 10)
        assert not booth_win.settle_button.isEnabled()
        await activate(booth_win)
        booth_win.pending_list.setFocus()
        qtbot.keyClick(booth_win.pending_list, Qt.Key.Key_Down)
        assert booth_win.settle_button.isEnabled()
        shot(booth_win, "en-7-booth-needs-review")
        task = asyncio.ensure_future(booth_win.settle_review())
        await wait_until(lambda: booth_win.last_dialog is not None
                         and booth_win.last_dialog.isVisible())
        dlg = booth_win.last_dialog
        qtbot.keyClick(dlg.note, Qt.Key.Key_Return)  # a note is required
        assert dlg.isVisible() and dlg.error.text()
        qtbot.keyClicks(dlg.note, "driver paid the difference")
        qtbot.keyClick(dlg.note, Qt.Key.Key_Return)
        await task
        await wait_until(lambda: booth_win.pending_list.count() == 0, 5)
        assert spy.paid == []

    run(loop, tmp_path, "en", body)


def test_f1_when_the_server_just_went_away_offers_the_manual_switch(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        ctx, ctl = stack.session.ctx, stack.lane("2")
        spy = PaySpy(ctx.client)
        win = console.lane_windows["2"]
        await exit_with_fee(stack, "琼Z4404X")
        await wait_until(lambda: ctl.status.vehicle_on_loop, 5)
        # the lane has not noticed yet (its poller is paused): F1 tries the server, which
        # refuses the connection, so the command certainly did not reach it
        await ctl.stop()
        assert ctl.link.online
        port = int(stack.sim.port)
        await stack.sim.stop()
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F1)
        # a vehicle with a fee is on the loop: the reason first (issue: openings with a reason)
        why = await _dialog(win, ReasonListDialog)
        qtbot.keyClick(why.reasons, Qt.Key.Key_2)
        picked = why.reasons.currentItem().text()
        qtbot.keyClick(why.reasons, Qt.Key.Key_Return)
        # then the server refuses the connection: the manual switch, the reason carried over
        manual = await _dialog(win, ManualOpenDialog)
        reason = manual.reason.text()
        assert reason == picked.split(maxsplit=1)[1]  # "2  Emergency or official vehicle"
        fut = asyncio.ensure_future(_finished(stack, "manual_open", 10))
        qtbot.keyClick(manual.reason, Qt.Key.Key_Return)
        assert (await fut)[2]
        assert spy.gate == [("2", 1)]  # tried once, refused at the door
        ctl.start()
        stack.sim = await start_simulator(tmp_path, port)
        await wait_until(lambda: ctl.link.online, 10)
        await ctl.refresh_now()
        # the gate command that may have been tried was never repeated
        assert spy.gate == [("2", 1)] and ctl.status.gate == 0
        [opening] = await ctx.journal.recent_actions(action="manual_open")
        assert opening.request["Reason"] == reason

    run(loop, tmp_path, "en", body)
