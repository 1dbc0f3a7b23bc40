"""Find entry (F8) through the lane window, by keyboard, against the simulator: a misread plate
found in the top 3, its order corrected, charged the right fee with F4, and the vehicle leaves;
an unreadable plate found by typing it; a vehicle without entry record charged the flat fee with
a reason. Each journal row carries the operator, the reason or plates, and the captures."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from booth_console.client import condition
from booth_console.ui.console import Console
from booth_console.ui.dialogs import ManualOpenDialog, PaymentDialog
from booth_console.ui.find_entry_dialog import FindEntryDialog
from tests.app.helpers import Stack, wait_until
from tests.ui.helpers import run_console
from tests.ui.test_windows import _dialog, _finished, activate

TRUE = "粤B80261"
#: parked look-alikes of the true plate (decoys the ranking must put after it)
DECOYS = (("粤B80267", 40), ("粤B30261", 200), ("粤E80261", 15), ("粤B86261", 70))


async def _park(stack: Stack) -> str:
    await stack.sim.seed_in_park(TRUE, 95, "1")  # 95 minutes: 5 + 2 = 7 yuan
    for plate, minutes in DECOYS:
        await stack.sim.seed_in_park(plate, minutes, "3")
    page = await stack.session.ctx.client.query_parking_orders(
        [condition("LicensePlateNumber", 0, TRUE), condition("OrderStatus", 0, 200)])
    return str(page.results[0].order_no)


async def _open_dialog(stack: Stack, console: Console, qtbot: Any) -> FindEntryDialog:
    win = console.lane_windows["2"]
    await wait_until(lambda: win.buttons["find_entry"].isEnabled())
    await activate(win)
    qtbot.keyClick(win, Qt.Key.Key_F8)
    dlg: FindEntryDialog = await _dialog(win, FindEntryDialog)
    assert "Exit A" in dlg.windowTitle() and "lane 2" in dlg.windowTitle()
    return dlg


async def _found(dlg: FindEntryDialog, searches: int = 1) -> list[str]:
    await wait_until(lambda: dlg.searches >= searches and dlg.found is not None)
    assert dlg.found is not None
    return [c.plate for c in dlg.found.candidates]


async def _order(stack: Stack, order_no: str) -> Any:
    page = await stack.session.ctx.client.query_parking_orders(
        [condition("OrderNo", 0, order_no)])
    return page.results[0]


def test_misread_plate_found_corrected_charged_and_leaves(loop: Any, tmp_path: Path,
                                                          qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        order_no = await _park(stack)
        ctl, win = stack.lane("2"), console.lane_windows["2"]
        await stack.sim.arrive("2", TRUE, read="粤BB0261")  # 8 read as B: no entry record
        await wait_until(lambda: ctl.order is not None and ctl.order.plate == "粤BB0261")
        assert ctl.order is not None and ctl.order.order_no == ""
        dlg = await _open_dialog(stack, console, qtbot)
        assert dlg.plate.text() == "粤BB0261"
        need = dlg.layout().minimumSize()  # fits a 1366x768 screen less taskbar and title bar
        assert need.width() <= 1362 and need.height() <= 694, need
        plates = await _found(dlg)
        assert TRUE in plates[:3]
        for _ in range(plates.index(TRUE)):
            qtbot.keyClick(dlg.plate, Qt.Key.Key_Down)
        current = dlg.current()
        assert current is not None and current.plate == TRUE
        assert current.differing == (2,)  # the 8 read as B: highlighted
        assert "[8]" in dlg.list.itemWidget(dlg.list.currentItem()).text()
        await wait_until(lambda: dlg.fee.text() == "Would pay ¥7.00")
        done = asyncio.ensure_future(_finished(stack, "find_entry"))
        qtbot.keyClick(dlg.plate, Qt.Key.Key_Return)
        _l, _c, ok, now = await done
        assert ok and now == order_no
        assert ctl.order is not None and ctl.order.order_no == order_no
        assert ctl.order.charge == Decimal("7.00")
        record = await _order(stack, order_no)
        assert record.license_plate_number == "粤BB0261"  # the read now names the order
        # F4 charges as usual; the barrier opens and the vehicle leaves
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F4)
        pay = await _dialog(win, PaymentDialog)
        pay.received.clear()
        qtbot.keyClicks(pay.received, "10")
        paid = asyncio.ensure_future(_finished(stack, "confirm_payment"))
        qtbot.keyClick(pay.received, Qt.Key.Key_Return)
        _l, _c, ok, outcome = await paid
        assert ok and outcome.confirmed
        await stack.sim.pass_barrier("2")
        record = await _order(stack, order_no)
        assert record.order_status == 201 and Decimal(record.total_amount_paid) == Decimal(7)
        [row] = await stack.session.journal.recent_actions(action="find_entry")
        assert row.operator == "tester" and row.request["OperatorName"] == "tester"
        assert row.request["OldPlate"] == TRUE and row.request["NewPlate"] == "粤BB0261"
        assert row.request["OrderNo"] == order_no and row.request["ExitOrderNo"] is None
        assert row.request["EntryCapture"].endswith(".jpg") and "ExitCapture" in row.request
        assert row.result_code == 200

    run_console(loop, tmp_path, body)


def test_unreadable_plate_typed_found_paid_and_released(loop: Any, tmp_path: Path,
                                                        qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        order_no = await _park(stack)
        ctl, win = stack.lane("2"), console.lane_windows["2"]
        await stack.sim.arrive("2", TRUE, read="")  # nothing read
        await wait_until(lambda: ctl.order is not None and ctl.status.vehicle_on_loop)
        dlg = await _open_dialog(stack, console, qtbot)
        assert dlg.plate.text() == ""
        await _found(dlg)  # the latest entries
        qtbot.keyClicks(dlg.plate, "B80261")
        await wait_until(lambda: dlg.found is not None and dlg.found.read == "B80261")
        plates = await _found(dlg, 2)
        assert plates[0] == TRUE
        qtbot.keyClick(dlg.plate, Qt.Key.Key_Return)
        pay = await _dialog(win, PaymentDialog)
        assert pay.subject.plate == TRUE
        pay.received.clear()
        qtbot.keyClicks(pay.received, "7")
        done = asyncio.ensure_future(_finished(stack, "find_entry", 10))
        qtbot.keyClick(pay.received, Qt.Key.Key_Return)
        _l, _c, ok, _r = await done
        assert ok
        state = stack.sim.dump_state()
        lane = next(x for x in state["Lanes"] if x["LaneNo"] == "2")
        assert lane["Gate"] == 1
        record = await _order(stack, order_no)
        assert record.order_status == 202 and Decimal(record.total_amount_paid) == Decimal(7)
        [row] = await stack.session.journal.recent_actions(action="find_entry")
        assert row.operator == "tester" and row.request["Reason"] == "plate not read at the exit"
        assert row.request["OldPlate"] == TRUE and row.request["NewPlate"] == ""
        assert row.request["PaymentOrderNo"]
        assert row.request["ExitCapture"].endswith(".jpg")  # the opening's capture
        await stack.sim.pass_barrier("2")

    run_console(loop, tmp_path, body)


def test_no_entry_record_charged_the_flat_fee(loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        await _park(stack)
        stack.session.ctx.no_entry_fee = Decimal("20")
        ctl, win = stack.lane("2"), console.lane_windows["2"]
        await stack.sim.arrive("2", "晋K31597")  # never entered
        await wait_until(lambda: ctl.order is not None and ctl.order.plate == "晋K31597")
        # Esc leaves: nothing sent, nothing journaled
        dlg = await _open_dialog(stack, console, qtbot)
        qtbot.keyClick(dlg.plate, Qt.Key.Key_Escape)
        await wait_until(lambda: not dlg.isVisible())
        win.last_dialog = None  # the closed dialog is deleted
        assert await stack.session.journal.recent_actions() == []
        dlg = await _open_dialog(stack, console, qtbot)
        assert await _found(dlg) == []
        assert "¥20.00" in dlg.flat_button.text()
        qtbot.keyClick(dlg.plate, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        reason = await _dialog(win, ManualOpenDialog)
        qtbot.keyClicks(reason.reason, "entered while the camera was down")
        done = asyncio.ensure_future(_finished(stack, "no_entry_fee"))
        qtbot.keyClick(reason.reason, Qt.Key.Key_Return)
        _l, _c, ok, _r = await done
        assert ok
        lane = next(x for x in stack.sim.dump_state()["Lanes"] if x["LaneNo"] == "2")
        assert lane["Gate"] == 1
        [row] = await stack.session.journal.recent_actions(action="no_entry_fee")
        assert row.operator == "tester" and row.request["OperatorName"] == "tester"
        assert row.request["Amount"] == "20" and row.request["Plate"] == "晋K31597"
        assert row.request["Reason"] == "entered while the camera was down"
        assert row.request["ExitCapture"].endswith(".jpg")
        assert row.result_code == 200

    run_console(loop, tmp_path, body)
