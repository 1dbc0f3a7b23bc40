"""Exit exceptions through the keyboard, against the simulator: a free release with a reason
(F9), a manual opening with a reason (F1 while an unpaid vehicle waits), and an opening made
outside the console, flagged in the booth window and annotated there. Each leaves journal rows
with the operator, the reason and a capture. ``EXCEPTION_SHOTS=<dir>`` saves screenshots there
(windows the size of a 1366x768 screen)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

from booth_console.app.i18n import install_translators
from booth_console.client import condition
from booth_console.ui.console import Console
from booth_console.ui.dialogs import ReasonListDialog
from tests.app.helpers import Stack, park_and_exit, wait_until
from tests.ui.helpers import SMALL, run_console
from tests.ui.test_windows import _finished, activate


def shot(widget: Any, name: str) -> None:
    """Save a screenshot of ``widget`` when ``EXCEPTION_SHOTS`` names a directory."""
    where = os.environ.get("EXCEPTION_SHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(where) / f"{name}.png"))


async def _dialog(win: Any, kind: type) -> Any:
    """The dialog of ``kind`` the window shows now (a closed one may be deleted already)."""
    def shown() -> bool:
        dlg: Any = win.last_dialog
        return (isinstance(dlg, kind) and shiboken6.isValid(dlg) and dlg.isVisible())

    await wait_until(shown)
    return win.last_dialog


def _tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


async def _order_record(stack: Stack, order_no: str) -> Any:
    page = await stack.session.client.query_parking_orders(
        [condition("OrderNo", 0, order_no)], page_size=1)
    assert page.results, order_no
    return page.results[0]


async def _actions(stack: Stack, action: str) -> list[Any]:
    journal = stack.session.journal
    assert journal is not None
    rows: list[Any] = await journal.recent_actions(action=action)
    return rows


async def _waiting_unpaid(stack: Stack, plate: str, lane: str = "2") -> Any:
    entry = "1" if lane == "2" else "3"
    await park_and_exit(stack.sim, plate, minutes=200, entry=entry, exit_lane=lane)
    ctl = stack.lane(lane)
    await wait_until(lambda: ctl.order is not None and ctl.order.plate == plate
                     and ctl.order.charge > 0 and ctl.status.vehicle_on_loop)
    return ctl


def test_free_release_with_a_reason(loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win = console.lane_windows["2"]
        win.resize(*SMALL)
        ctl = await _waiting_unpaid(stack, "琼Z9101X")
        order = ctl.order
        assert order is not None
        assert "F9" in win.buttons["free_release"].text()
        await wait_until(lambda: win.buttons["free_release"].isEnabled())
        shot(win, "lane-free-release-key-en")
        # Esc: nothing is sent, the fee stays
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F9)
        dlg = await _dialog(win, ReasonListDialog)
        assert "Exit A" in dlg.windowTitle() and "2" in dlg.windowTitle()
        qtbot.keyClick(dlg, Qt.Key.Key_Escape)
        await wait_until(lambda: not dlg.isVisible())
        assert not await _actions(stack, "free_release")
        # Enter without a reason is refused in the dialog; "2" picks Equipment fault
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F9)
        dlg = await _dialog(win, ReasonListDialog)
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_Return)
        assert dlg.isVisible() and dlg.error.text()
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_2)
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_Tab)
        qtbot.keyClicks(dlg.text, "barrier arm jammed")
        shot(dlg, "free-release-en")
        done = asyncio.ensure_future(_finished(stack, "free_release", 20))
        qtbot.keyClick(dlg.text, Qt.Key.Key_Return)
        _lane, _cmd, ok, released = await done
        assert ok, released
        assert released.fee_waived == order.charge
        # the barrier opens (the server opens it on the payment)
        await ctl.refresh_now()
        assert ctl.status.gate == 1
        # journal: who, why, which order, what was waived, the capture fields
        [row] = await _actions(stack, "free_release")
        assert row.operator == "tester" and row.result_code == 200
        req = row.request
        assert req["Reason"] == "Equipment fault" and req["Text"] == "barrier arm jammed"
        assert req["OrderNo"] == order.order_no and req["Plate"] == "琼Z9101X"
        assert req["FeeWaived"] == str(order.charge)
        assert req["PaymentOrderNo"] == released.payment_order_no
        assert "Capture" in req and "EntryCapture" in req
        # the vehicle drives out: the server closes the order as a free pass with the reason
        await stack.sim.pass_barrier("2")
        rec = await _order_record(stack, order.order_no)
        assert rec.order_status == 201 and rec.is_free_pass
        assert rec.free_pass_reason and "Equipment fault: barrier arm jammed" in rec.free_pass_reason
        assert "tester" in rec.free_pass_reason
        # the exit's capture is journaled beside the free release, and nothing is flagged
        await wait_until(lambda: bool(stack.session.booth.feed) and any(
            f.kind.value == "exit" for f in stack.session.booth.feed))

        async def capture_row() -> Any:
            for _ in range(100):
                rows = await _actions(stack, "opening_capture")
                if rows:
                    return rows[0]
                await asyncio.sleep(0.05)
            raise AssertionError("no opening_capture row")

        cap = await capture_row()
        assert cap.request["Command"] == "free_release" and cap.request["OrderNo"] == order.order_no
        assert cap.request["Capture"] and Path(cap.request["Capture"]).is_file()
        assert cap.operator == "tester"
        assert stack.session.booth.openings.unexplained == []
        assert not console.booth_window.openings_box.isVisibleTo(console.booth_window)

    run_console(loop, tmp_path, body, timeout=5.0)


def test_f1_asks_a_reason_while_an_unpaid_vehicle_waits(loop: Any, tmp_path: Path,
                                                         qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win = console.lane_windows["2"]
        ctl = await _waiting_unpaid(stack, "琼Z9202X")
        order = ctl.order
        assert order is not None
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F1)
        dlg = await _dialog(win, ReasonListDialog)
        assert "Exit A" in dlg.windowTitle()
        # Esc: the barrier stays closed, nothing sent
        qtbot.keyClick(dlg, Qt.Key.Key_Escape)
        await wait_until(lambda: not dlg.isVisible())
        await ctl.refresh_now()
        assert ctl.status.gate == 0 and not await _actions(stack, "open_gate")
        # "Other" needs the attendant's words; "2" (emergency vehicle) does not
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F1)
        dlg = await _dialog(win, ReasonListDialog)
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_5)
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_Return)
        assert dlg.isVisible() and dlg.error.text()
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_2)
        done = asyncio.ensure_future(_finished(stack, "open_gate"))
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_Return)
        assert (await done)[2]
        await ctl.refresh_now()
        assert ctl.status.gate == 1
        [row] = await _actions(stack, "open_gate")
        assert row.operator == "tester" and row.result_code == 200
        assert row.request["OperatorName"] == "tester"
        assert row.request["Reason"] == "Emergency or official vehicle"
        assert row.request["OrderNo"] == order.order_no
        assert row.request["FeeDue"] == str(order.charge)
        # SetLaneGateStatus carried the operator: the server's gate record names them
        gates = await stack.session.client.query_gate_releases(page_size=20)
        assert any(g.operator_name == "tester" and g.passage_lane_no == "2"
                   for g in gates.results)

        async def capture_row() -> Any:
            for _ in range(100):
                rows = await _actions(stack, "opening_capture")
                if rows:
                    return rows[0]
                await asyncio.sleep(0.05)
            raise AssertionError("no opening_capture row")

        # the opening and the exit that follows are this booth's: nothing is flagged, and the
        # first capture of the opening (here the exit's: the simulator sends no Base64 with
        # gate releases) is kept beside the open_gate row
        await stack.sim.pass_barrier("2")
        await wait_until(lambda: any(f.kind.value == "exit" for f in stack.session.booth.feed))
        cap = await capture_row()
        assert cap.request["Command"] == "open_gate" and cap.operator == "tester"
        assert cap.request["Callback"] == "OnVehicleOut"
        assert cap.request["OrderNo"] == order.order_no
        assert cap.request["Capture"] and Path(cap.request["Capture"]).is_file()
        assert cap.request["CaptureSource"].startswith("http://")
        await asyncio.sleep(0.3)
        assert stack.session.booth.openings.unexplained == []

    run_console(loop, tmp_path, body)


def test_f1_with_nobody_waiting_asks_nothing_unless_configured(loop: Any, tmp_path: Path,
                                                                qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win = console.lane_windows["2"]
        await activate(win)
        done = asyncio.ensure_future(_finished(stack, "open_gate"))
        await asyncio.sleep(0)
        qtbot.keyClick(win, Qt.Key.Key_F1)
        assert (await done)[2]
        assert not isinstance(win.last_dialog, ReasonListDialog)
        stack.session.ctx.reason_for_every_opening = True
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F1)
        dlg = await _dialog(win, ReasonListDialog)
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_4)
        done = asyncio.ensure_future(_finished(stack, "open_gate"))
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_Return)
        assert (await done)[2]
        rows = await _actions(stack, "open_gate")
        assert rows[0].request["Reason"] == "Approved by the supervisor"
        assert "Reason" not in rows[1].request

    run_console(loop, tmp_path, body)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_an_opening_made_outside_is_flagged_and_annotated(loop: Any, tmp_path: Path, qtbot: Any,
                                                          language: str) -> None:
    async def body(stack: Stack, console: Console) -> None:
        booth = console.booth_window
        booth.resize(*SMALL)
        ctl = await _waiting_unpaid(stack, "琼Z9303X", lane="4")
        order = ctl.order
        assert order is not None
        assert not booth.openings_box.isVisibleTo(booth)
        # the parking software's own booth program opens lane 4: the console did not
        result = await stack.sim.open_outside("4", "admin")
        assert result["Status"] == "opened"
        await wait_until(lambda: booth.openings_table.rowCount() == 1)
        assert booth.openings_box.isVisibleTo(booth)
        cells = [booth.openings_table.item(0, c).text() for c in range(4)]
        assert cells[1] == "Exit B (4)" and cells[2] == "琼Z9303X"
        assert "admin" in cells[3]
        # the vehicle drives out: the same opening, listed once, now with the exit's capture
        # (a copy kept in the journal's image folder)
        await stack.sim.pass_barrier("4")
        await wait_until(lambda: any(f.kind.value == "exit" for f in stack.session.booth.feed))
        await asyncio.sleep(0.3)
        assert booth.openings_table.rowCount() == 1
        watch = stack.session.booth.openings
        await wait_until(lambda: len(watch.unexplained) == 1
                         and Path(watch.unexplained[0].capture).is_file())
        [flagged] = watch.unexplained
        assert flagged.order_no == order.order_no
        await wait_until(lambda: booth.opening_capture.pixmap() is not None
                         and not booth.opening_capture.pixmap().isNull())
        shot(booth, f"unexplained-openings-1366x768-{language}")
        # Ctrl+0 / the booth window: Ctrl+U puts the keyboard in the list, Enter asks why
        await activate(booth)
        qtbot.keyClick(booth, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
        assert booth.openings_table.hasFocus()
        qtbot.keyClick(booth.openings_table, Qt.Key.Key_Return)
        dlg = await _dialog(booth, ReasonListDialog)
        assert "Exit B" in dlg.windowTitle() and "4" in dlg.windowTitle()
        reason = _tr("BoothWindow", "Opened by the supervisor or security")
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_2)
        assert dlg.reason == reason
        qtbot.keyClick(dlg.reasons, Qt.Key.Key_Tab)
        qtbot.keyClicks(dlg.text, "Wang, night shift")
        shot(dlg, f"unexplained-opening-reason-{language}")
        qtbot.keyClick(dlg.text, Qt.Key.Key_Return)
        await wait_until(lambda: booth.openings_table.rowCount() == 0)
        assert not booth.openings_box.isVisibleTo(booth)
        [listed] = await _actions(stack, "opening_unexplained")
        assert listed.request["LaneNo"] == "4" and listed.request["Plate"] == "琼Z9303X"
        [row] = await _actions(stack, "opening_annotated")
        assert row.operator == "tester" and row.lane_no == "4"
        assert row.request["Reason"] == f"{reason}: Wang, night shift"
        assert row.request["Plate"] == "琼Z9303X" and row.request["OrderNo"] == order.order_no
        assert row.request["Capture"] == flagged.capture
        assert row.request["Callback"] == "OnGateReleaseRecord"

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        assert install_translators(app, language)
        run_console(loop, tmp_path, body, language=language)
    finally:
        install_translators(app, "en")
