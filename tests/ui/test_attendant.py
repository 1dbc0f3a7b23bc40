"""The attendant's screen under real conditions, driven by keyboard against the real simulator:
change after the amount changed, vehicles without an order, two lanes at once, dialogs that
name their lane, the payment dialog's order and number keys, in-dialog override checks, the
message history."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from booth_console.ui.console import Console
from booth_console.ui.dialogs import (
    HistoryWindow,
    NoPlateDialog,
    NoPlateResultDialog,
    OverrideDialog,
    PaymentDialog,
)
from booth_console.ui.lane_window import LaneWindow
from tests.app.helpers import Stack, park_and_exit, wait_until
from tests.ui.test_windows import _dialog, _finished, _message_box, activate, run_console


async def _fee_waiting(ctl: Any) -> Decimal:
    await wait_until(lambda: ctl.order is not None and bool(ctl.order.order_no)
                     and ctl.order.charge > 0 and bool(ctl.order.plate))
    return Decimal(ctl.order.charge)


def test_change_is_computed_again_when_the_amount_due_changed(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win, ctl = console.lane_windows["2"], stack.lane("2")
        await park_and_exit(stack.sim, "琼Z2020X", minutes=95)
        old = await _fee_waiting(ctl)
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F4)
        pay = await _dialog(win, PaymentDialog)
        qtbot.keyClick(pay.method, Qt.Key.Key_1)  # cash, then the amount received
        assert pay.focusWidget() is pay.received
        qtbot.keyClicks(pay.received, "200")
        assert pay.change.text() == f"¥{Decimal(200) - old:.2f}"
        # the fee rises on the server while the attendant counts the money
        stack.sim.advance_clock(240)
        await wait_until(lambda: ctl.order is not None and ctl.order.charge > old, 5)
        new = Decimal(ctl.order.charge if ctl.order else 0)
        qtbot.keyClick(pay.received, Qt.Key.Key_Return)
        box = await _message_box(win)
        assert f"¥{new:.2f}" in box.informativeText() and "¥200.00" in box.informativeText()
        box.button(QMessageBox.StandardButton.Yes).click()
        await wait_until(lambda: win.last_dialog is not pay and isinstance(win.last_dialog, PaymentDialog)
                         and win.last_dialog.isVisible())
        again: PaymentDialog = win.last_dialog
        # what the attendant typed is kept; the change is the real one for the new fee
        assert again.received.text() == "200.00"
        assert again.due == new
        assert again.change.text() == f"¥{Decimal(200) - new:.2f}"
        assert again.method_code == "79001"
        fut = asyncio.ensure_future(_finished(stack, "confirm_payment", 10))
        qtbot.keyClick(again.received, Qt.Key.Key_Return)
        _l, _c, ok, outcome = await fut
        assert ok and outcome.confirmed
        assert f"¥{Decimal(200) - new:.2f}" in win.message.text()

    run_console(loop, tmp_path, body)


def test_vehicle_without_order_gets_attention_and_the_right_action(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        booth = console.booth_window
        exit_win, exit_ctl = console.lane_windows["2"], stack.lane("2")
        # exit: a plate with no entry record, charge 0
        await stack.sim.arrive("2", "琼Z3030X")
        await wait_until(lambda: exit_ctl.order is not None and exit_ctl.order.plate == "琼Z3030X")
        assert exit_ctl.vehicle_without_order
        assert exit_win.plate.text() == "琼Z3030X"
        assert exit_win.plate_caption.text() == "Vehicle on the ground loop"
        assert exit_win.amount.text() == "—"
        assert "No entry record for 琼Z3030X" in exit_win.prompt.text()
        assert "F1" in exit_win.prompt.text()
        assert exit_win._flash_timer.isActive()  # attention: the header flashes
        assert not exit_win.buttons["confirm_payment"].isEnabled()
        assert booth.waiting_lanes == ["2"]
        assert booth.waiting.item(0, 1).text() == "琼Z3030X"
        assert booth.waiting.item(0, 2).text() == "no order"
        # exit: no plate read at all (the loop alone says a vehicle is there)
        win4, ctl4 = console.lane_windows["4"], stack.lane("4")
        await stack.sim.arrive("4", "")
        await wait_until(lambda: ctl4.order is not None)
        assert win4.plate.text() == "No plate read"
        assert "plate was not read" in win4.prompt.text()
        assert booth.waiting_lanes == ["2", "4"]
        # entry: a plate read but refused (blacklisted in the simulator's seed): no order either
        win3, ctl3 = console.lane_windows["3"], stack.lane("3")
        await stack.sim.arrive("3", "ABC123")
        await wait_until(lambda: ctl3.order is not None and ctl3.order.plate == "ABC123")
        assert win3.plate.text() == "ABC123"
        assert "no entry order" in win3.prompt.text() and "F1" in win3.prompt.text()
        assert booth.waiting_lanes == ["2", "4", "3"]
        # entry: the previous vehicle's plate and capture are not shown as this one's
        entry_win, entry_ctl = console.lane_windows["1"], stack.lane("1")
        await stack.sim.arrive("1", "琼Z4040X")
        await stack.sim.pass_barrier("1")
        await wait_until(lambda: entry_ctl.capture is not None and entry_ctl.order is None
                         and entry_win.plate.text() == "琼Z4040X", 10)
        assert entry_win.plate_caption.text() == "Last vehicle"
        entry_win._flash_timer.stop()
        await stack.sim.arrive("1", "")
        await wait_until(lambda: entry_ctl.vehicle_without_order)
        assert entry_win.plate.text() == "No plate read"
        assert "F7" in entry_win.prompt.text()
        assert entry_win._flash_timer.isActive()
        assert entry_win.capture_image.image is None
        assert "No capture of this vehicle yet" in entry_win.capture_caption.text()
        assert "琼Z4040X" in entry_win.capture_caption.text()  # named as the previous one
        # F7 as prompted: the no-plate entry order replaces the placeholder
        await stack.session.booth._load_types()
        await activate(entry_win)
        qtbot.keyClick(entry_win, Qt.Key.Key_F7)
        np = await _dialog(entry_win, NoPlateDialog)
        fut = asyncio.ensure_future(_finished(stack, "no_plate_entry"))
        qtbot.keyClick(np.vehicle, Qt.Key.Key_Return)
        _l, _c, ok, out = await fut
        assert ok
        res = await _dialog(entry_win, NoPlateResultDialog)
        qtbot.keyClick(res, Qt.Key.Key_Return)
        await wait_until(lambda: entry_ctl.order is not None and entry_ctl.order.order_no == out.order_no)
        assert entry_win.plate.text() == out.plate

    run_console(loop, tmp_path, body)


def test_two_lanes_waiting_list_enter_and_ctrl_number_with_a_dialog_open(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        booth = console.booth_window
        await park_and_exit(stack.sim, "琼Z5050X", exit_lane="4")
        await _fee_waiting(stack.lane("4"))
        await park_and_exit(stack.sim, "琼Z6060X", exit_lane="2")
        await _fee_waiting(stack.lane("2"))
        # first come, first in the list
        await wait_until(lambda: booth.waiting_lanes == ["4", "2"])
        assert booth.waiting.item(0, 1).text() == "琼Z5050X"
        assert booth.waiting.item(1, 1).text() == "琼Z6060X"
        assert booth.waiting.item(0, 2).text().startswith("¥")
        # Ctrl+0 puts the keyboard in the waiting list: Enter goes to the lane waiting longest
        await activate(console.lane_windows["1"])
        qtbot.keyClick(console.lane_windows["1"], Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
        await wait_until(lambda: QApplication.activeWindow() is booth)
        assert booth.focusWidget() is booth.waiting and booth.waiting.currentRow() == 0
        qtbot.keyClick(booth.waiting, Qt.Key.Key_Return)
        await wait_until(lambda: QApplication.activeWindow() is console.lane_windows["4"])
        # Enter on another row brings its lane window to the front
        await activate(booth)
        booth.waiting.setFocus()
        qtbot.keyClick(booth.waiting, Qt.Key.Key_Down)
        qtbot.keyClick(booth.waiting, Qt.Key.Key_Return)
        await wait_until(lambda: QApplication.activeWindow() is console.lane_windows["2"])
        # a payment dialog open at lane 2 does not stop Ctrl+4 / Ctrl+2
        win2 = console.lane_windows["2"]
        qtbot.keyClick(win2, Qt.Key.Key_F4)
        pay = await _dialog(win2, PaymentDialog)
        qtbot.keyClicks(pay.received, "7")
        await activate(pay)  # (a window manager activates a new dialog; offscreen has none)
        qtbot.keyClick(pay, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
        await wait_until(lambda: QApplication.activeWindow() is console.lane_windows["4"])
        assert pay.isVisible()
        assert pay.windowModality() == Qt.WindowModality.WindowModal  # modal to lane 2 only
        # lane 4 works meanwhile, and Ctrl+2 brings back the dialog as it was left
        win4 = console.lane_windows["4"]
        qtbot.keyClick(win4, Qt.Key.Key_F4)
        pay4 = await _dialog(win4, PaymentDialog)
        qtbot.keyClick(pay4, Qt.Key.Key_Escape)
        await wait_until(lambda: not pay4.isVisible())
        await activate(win4)
        qtbot.keyClick(win4, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        await wait_until(lambda: QApplication.activeWindow() is pay)
        assert pay.received.text().endswith("7")
        qtbot.keyClick(pay, Qt.Key.Key_Escape)
        await wait_until(lambda: not pay.isVisible())
        # after its flash, a lane's header stays tinted while the vehicle waits
        win4._flash_left = 1
        win4._flash_step()
        assert "#ffe082" in win4.header.styleSheet()
        # the lane leaves the list once served, and its header is plain again
        await stack.sim.qr_pay("4")
        await stack.sim.pass_barrier("4")
        await wait_until(lambda: booth.waiting_lanes == ["2"], 5)
        await wait_until(lambda: win4.header.styleSheet() == "")

    run_console(loop, tmp_path, body)


def test_arrange_lanes_tiles_the_screen_and_small_windows_keep_every_control(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        placed = console.arrange_lanes()
        screen = QApplication.primaryScreen().availableGeometry()
        assert sorted(placed) == ["1", "2", "3", "4"]
        rects = list(placed.values())
        assert all(r.width() == screen.width() // 2 and r.height() == screen.height() // 2
                   for r in rects)
        assert {(r.x(), r.y()) for r in rects} == {
            (screen.x() + dx, screen.y() + dy) for dx in (0, screen.width() // 2)
            for dy in (0, screen.height() // 2)}
        # a quarter of 1920x1080 (less a title bar) and a 1366x768 screen (less the taskbar)
        await park_and_exit(stack.sim, "琼Z7070X")
        win = console.lane_windows["2"]
        await _fee_waiting(win.ctl)
        for w, h, density in ((956, 506, "compact"), (1362, 694, "medium")):
            win.resize(w, h)
            await asyncio.sleep(0.05)
            assert win.density == density
            need = win.layout().minimumSize()
            assert need.width() <= w and need.height() <= h, (w, h, need)
            for widget in (*win.buttons.values(), win.message, win.plate, win.amount, win.prompt):
                if widget.isHidden():
                    continue
                geo = widget.geometry()
                assert geo.bottom() < h and geo.right() < w, (widget, geo)
                assert geo.height() >= widget.minimumSizeHint().height() - 1, (widget, geo)
        # the longest state: a vehicle without an order and its prompt, in the smallest window
        await stack.sim.arrive("4", "")
        win4 = console.lane_windows["4"]
        await wait_until(lambda: win4.prompt.isVisible())
        win4.resize(956, 506)
        await asyncio.sleep(0.05)
        need = win4.layout().minimumSize()
        assert need.height() <= 506, need
        assert win4.prompt.geometry().bottom() < 506
        win.resize(1400, 900)
        await asyncio.sleep(0.05)
        assert not win.compact and win.density == "normal"

    run_console(loop, tmp_path, body)


def test_every_dialog_names_its_lane_plate_and_fee(loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win, ctl = console.lane_windows["2"], stack.lane("2")
        await park_and_exit(stack.sim, "琼Z8080X", minutes=200)
        fee = await _fee_waiting(ctl)
        await wait_until(lambda: win.buttons["override_fee"].isEnabled())
        lane_name = ctl.lane.name
        titles: list[str] = []

        def check(dlg: QWidget, header: str) -> None:
            title = dlg.windowTitle()
            titles.append(title)
            assert lane_name in title and "(lane 2)" in title, title
            assert "琼Z8080X" in header and f"¥{fee:.2f}" in header, header

        for key, kind in ((Qt.Key.Key_F4, PaymentDialog), (Qt.Key.Key_F6, OverrideDialog)):
            await activate(win)
            qtbot.keyClick(win, key)
            dlg = await _dialog(win, kind)
            check(dlg, dlg.header.text())
            qtbot.keyClick(dlg, Qt.Key.Key_Escape)
            await wait_until(lambda dlg=dlg: not dlg.isVisible())
        # questions: close over a vehicle, keep-open
        await wait_until(lambda: ctl.status.vehicle_on_loop)
        for key in (Qt.Key.Key_F2, Qt.Key.Key_F3):
            await activate(win)
            qtbot.keyClick(win, key)
            box = await _message_box(win)
            check(box, box.text())
            qtbot.keyClick(box, Qt.Key.Key_Escape)
            await wait_until(lambda box=box: not box.isVisible())
        history = win.show_history()
        assert lane_name in history.windowTitle() and "(lane 2)" in history.windowTitle()
        history.close()
        # an entry lane: the no-plate dialogs
        entry = console.lane_windows["1"]
        await stack.session.booth._load_types()
        await activate(entry)
        qtbot.keyClick(entry, Qt.Key.Key_F7)
        np = await _dialog(entry, NoPlateDialog)
        assert entry.ctl.lane.name in np.windowTitle() and "(lane 1)" in np.windowTitle()
        assert entry.ctl.lane.name in np.header.text()
        fut = asyncio.ensure_future(_finished(stack, "no_plate_entry"))
        qtbot.keyClick(np.vehicle, Qt.Key.Key_Return)
        _l, _c, ok, out = await fut
        assert ok
        res = await _dialog(entry, NoPlateResultDialog)
        assert "(lane 1)" in res.windowTitle() and out.plate in res.header.text()
        qtbot.keyClick(res, Qt.Key.Key_Return)
        assert len(set(titles)) == len(titles)  # each says what it does, too
        # every window title (lanes and booth) is in the UI language's words, no fixed suffix
        assert win.windowTitle() == f"{lane_name} (lane 2) — Booth Console"

    run_console(loop, tmp_path, body)


def test_payment_dialog_tab_order_number_keys_and_no_silent_method_change(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win, ctl = console.lane_windows["2"], stack.lane("2")
        await park_and_exit(stack.sim, "琼Z9090X")
        await _fee_waiting(ctl)
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F4)
        pay: PaymentDialog = await _dialog(win, PaymentDialog)
        await activate(pay)
        from PySide6.QtWidgets import QDialogButtonBox

        ok = pay.buttons.button(QDialogButtonBox.StandardButton.Ok)
        cancel = pay.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        # the method comes first, as on screen; Tab follows the eye
        assert pay.focusWidget() is pay.method
        order = [pay.focusWidget()]
        for _ in range(5):
            qtbot.keyClick(pay.focusWidget(), Qt.Key.Key_Tab)
            order.append(pay.focusWidget())
        assert order == [pay.method, pay.method.other, pay.received, pay.remarks, ok, cancel]
        # arrows never change the method, neither on the picker nor on the full list
        for widget in (pay.method.other, pay.method):
            widget.setFocus()
            for key in (Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_End):
                qtbot.keyClick(widget, key)
            assert pay.method_code == "79001"
        qtbot.keyClicks(pay.method.other, "w")  # no type-ahead either
        assert pay.method_code == "79001"
        # number keys choose the common methods and move on to the amount
        pay.method.setFocus()
        qtbot.keyClick(pay.method, Qt.Key.Key_2)
        assert pay.method_code == "79010"
        assert pay.focusWidget() is pay.received
        assert pay.method.key_buttons[1].isChecked()
        # digits typed in the amount are the amount; Alt+number still picks a method
        pay.received.clear()
        qtbot.keyClicks(pay.received, "30")
        assert pay.method_code == "79010" and pay.received.text() == "30"
        qtbot.keyClick(pay.received, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
        assert pay.method_code == "79011" and pay.received.text() == "30"
        texts = [b.text() for b in pay.method.key_buttons]
        assert texts[0].startswith("1 ") and texts[2].startswith("3 ")
        fut = asyncio.ensure_future(_finished(stack, "confirm_payment", 10))
        qtbot.keyClick(pay.received, Qt.Key.Key_Return)
        _l, _c, okay, _out = await fut
        assert okay
        [row] = [p for p in await stack.session.journal.recent_actions() if p.action == "confirm_payment"]
        assert '"PaymentMethod": "79011"' in str(row.request) or "79011" in str(row.request)

    run_console(loop, tmp_path, body)


def test_override_is_checked_inside_the_dialog_and_shown_on_the_lane(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win, ctl = console.lane_windows["2"], stack.lane("2")
        await park_and_exit(stack.sim, "琼Z1111X", minutes=300)
        fee = await _fee_waiting(ctl)
        await wait_until(lambda: win.buttons["override_fee"].isEnabled())
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F6)
        dlg: OverrideDialog = await _dialog(win, OverrideDialog)
        # not below the fee: refused in the dialog, before anything is sent
        qtbot.keyClicks(dlg.amount, str(fee))
        qtbot.keyClick(dlg.amount, Qt.Key.Key_Tab)
        qtbot.keyClicks(dlg.reason, "x")
        qtbot.keyClick(dlg.reason, Qt.Key.Key_Return)
        assert dlg.isVisible() and "less than the fee shown" in dlg.error.text()
        # the stale error goes as soon as the amount is edited
        qtbot.keyClick(dlg.amount, Qt.Key.Key_Backspace)
        assert dlg.error.text() == ""
        dlg.amount.setText("1.234")
        qtbot.keyClick(dlg.amount, Qt.Key.Key_Return)
        assert "two decimals" in dlg.error.text()
        # presets fill the reason
        dlg.amount.clear()
        qtbot.keyClicks(dlg.amount, str(fee - 3))
        dlg.reason.clear()
        assert dlg.presets.count() == 5
        dlg.presets.setCurrentIndex(1)
        dlg.presets.activated.emit(1)
        assert dlg.reason.text() == win.default_reasons()[0]
        # the server refuses (the driver paid by QR meanwhile): shown in the dialog, kept typed
        await stack.sim.qr_pay("2")
        journal_before = len(await stack.session.journal.recent_actions())
        fut = asyncio.ensure_future(_finished(stack, "override_fee"))
        qtbot.keyClick(dlg.reason, Qt.Key.Key_Return)
        _l, _c, ok, _exc = await fut
        assert not ok
        await wait_until(lambda: dlg.buttons.isEnabled())
        assert dlg.isVisible()
        assert dlg.error.text() and "Sending" not in dlg.error.text()
        assert dlg.amount.text() == str(fee - 3) and dlg.reason.text() == win.default_reasons()[0]
        assert len(await stack.session.journal.recent_actions()) >= journal_before
        qtbot.keyClick(dlg, Qt.Key.Key_Escape)
        await wait_until(lambda: not dlg.isVisible())
        # another vehicle: the override goes through and the lane says who and why
        await stack.sim.pass_barrier("2")
        await park_and_exit(stack.sim, "琼Z2222X", minutes=300)
        await wait_until(lambda: ctl.order is not None and ctl.order.plate == "琼Z2222X"
                         and ctl.order.charge > 3)
        fee = Decimal(ctl.order.charge if ctl.order else 0)
        await wait_until(lambda: win.buttons["override_fee"].isEnabled())
        assert not win.override_label.isVisible()
        await activate(win)
        win.last_dialog = None  # (the first dialog is deleted)
        qtbot.keyClick(win, Qt.Key.Key_F6)
        dlg = await _dialog(win, OverrideDialog)
        assert dlg.error.text() == ""
        qtbot.keyClicks(dlg.amount, str(fee - 2))
        qtbot.keyClick(dlg.amount, Qt.Key.Key_Tab)
        qtbot.keyClicks(dlg.reason, "regular customer")
        fut = asyncio.ensure_future(_finished(stack, "override_fee"))
        qtbot.keyClick(dlg.reason, Qt.Key.Key_Return)
        assert (await fut)[2]
        await wait_until(lambda: win.amount.text() == f"¥{fee - 2:.2f}")
        note = win.override_label.text()
        assert win.override_label.isVisible()
        assert "tester" in note and "regular customer" in note and f"¥{fee:.2f}" in note

    run_console(loop, tmp_path, body)


def test_message_history_per_lane_and_for_the_booth(loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win2, win4 = console.lane_windows["2"], console.lane_windows["4"]
        await activate(win2)
        fut = asyncio.ensure_future(_finished(stack, "refresh"))
        qtbot.keyClick(win2, Qt.Key.Key_F5)
        await fut
        await activate(win4)
        fut = asyncio.ensure_future(_finished(stack, "open_gate"))
        qtbot.keyClick(win4, Qt.Key.Key_F1)
        await fut
        # the next message does not lose the previous one: Ctrl+M shows them all
        await activate(win2)
        qtbot.keyClick(win2, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
        await wait_until(lambda: win2.history is not None and win2.history.isVisible())
        hist2 = win2.history
        assert isinstance(hist2, HistoryWindow)
        rows = hist2.rows()
        assert any(r[3] == "Up to date." for r in rows)
        assert all("(4)" not in r[1] for r in rows)  # lane 4's messages stay in lane 4
        assert all(r[0].count(":") == 2 for r in rows)  # time of day on every row
        # new messages come in while it is open
        fut = asyncio.ensure_future(_finished(stack, "refresh"))
        qtbot.keyClick(win2, Qt.Key.Key_F5)
        await fut
        await wait_until(lambda: sum(r[3] == "Up to date." for r in hist2.rows()) == 2)
        qtbot.keyClick(hist2, Qt.Key.Key_Escape)
        await wait_until(lambda: not hist2.isVisible())
        booth = console.booth_window
        await activate(booth)
        qtbot.keyClick(booth, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
        await wait_until(lambda: booth.history is not None and booth.history.isVisible())
        assert booth.history is not None
        lanes = {r[1] for r in booth.history.rows()}
        assert any("(2)" in x for x in lanes) and any("(4)" in x for x in lanes)
        assert isinstance(booth.history, QDialog) and not booth.history.isModal()

    run_console(loop, tmp_path, body)


def test_tile_shares_lanes_over_screens() -> None:
    from PySide6.QtCore import QRect

    from booth_console.ui.console import tile

    hd, second = QRect(0, 0, 1920, 1040), QRect(1920, 0, 1366, 728)
    assert tile(4, [hd]) == [QRect(0, 0, 960, 520), QRect(960, 0, 960, 520),
                             QRect(0, 520, 960, 520), QRect(960, 520, 960, 520)]
    assert tile(2, [hd]) == [QRect(0, 0, 960, 1040), QRect(960, 0, 960, 1040)]
    # two screens: two lanes on each, side by side
    assert tile(4, [hd, second]) == [QRect(0, 0, 960, 1040), QRect(960, 0, 960, 1040),
                                     QRect(1920, 0, 683, 728), QRect(2603, 0, 683, 728)]
    assert tile(3, [hd, second]) == [QRect(0, 0, 960, 1040), QRect(960, 0, 960, 1040),
                                     QRect(1920, 0, 1366, 728)]
    assert tile(1, [hd]) == [hd] and tile(0, [hd]) == [] and tile(2, []) == []


def test_lane_window_builds_without_a_console(loop: Any, tmp_path: Path) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win = LaneWindow(stack.lane("3"), runner=stack.session.runner, booth=stack.session.booth,
                         images=stack.session.images, messages=stack.session.messages,
                         config=stack.session.cfg.booth)
        try:
            assert win.minimumWidth() <= 960 and win.minimumHeight() <= 500
        finally:
            win.deleteLater()

    run_console(loop, tmp_path, body)
