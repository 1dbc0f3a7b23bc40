"""A shift by keyboard against the real simulator: opened with a float from the booth window,
a cash and a non-cash payment taken with F4, a QR payment made through the simulator's control
API (the server has it, the console does not) and a payment the console counts that the server
lacks; closed from a lane window with Ctrl+Shift+F12 (application-wide): the count first (no expected figure on
screen), then the report with the variance and both differences; exported to CSV and PDF (the
PDF's text read back), re-opened from the journal, handed over to the next sign-on."""

from __future__ import annotations

import asyncio
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from booth_console.app.cashup import ShiftReport
from booth_console.ui.console import Console
from booth_console.ui.dialogs import PaymentDialog, ReasonListDialog
from booth_console.ui.shift_dialog import ShiftCloseDialog, ShiftOpenDialog
from tests.app.helpers import Stack, wait_until
from tests.ui.test_windows import _dialog, _finished, activate, run_console

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


async def _at_exit(stack: Stack, plate: str, minutes: float) -> Decimal:
    ctl = stack.lane("2")
    await stack.sim.seed_in_park(plate, minutes)  # the clock is not moved: times stay real
    await stack.sim.arrive("2", plate)
    await wait_until(lambda: ctl.order is not None and ctl.order.plate == plate
                     and ctl.order.charge > 0, 5)
    assert ctl.order is not None
    return Decimal(ctl.order.charge)


async def _pay(stack: Stack, console: Console, qtbot: Any, method_key: Qt.Key,
               received: str | None) -> Any:
    win = console.lane_windows["2"]
    await activate(win)
    win.last_dialog = None  # the previous payment's dialog is gone
    qtbot.keyClick(win, Qt.Key.Key_F4)
    pay = await _dialog(win, PaymentDialog)
    qtbot.keyClick(pay.method, method_key)
    if received is not None:
        qtbot.keyClicks(pay.received, received)
    fut = asyncio.ensure_future(_finished(stack, "confirm_payment", 10))
    qtbot.keyClick(pay.received, Qt.Key.Key_Return)
    _l, _c, ok, outcome = await fut
    assert ok and outcome.confirmed
    await stack.sim.pass_barrier("2")
    return outcome


def _visible_texts(widget: Any) -> str:
    texts = [w.text() for w in widget.findChildren(QLabel) if w.isVisible()]
    texts += [w.text() for w in widget.findChildren(QLineEdit) if w.isVisible()]
    return "\n".join(texts)


def test_a_shift_with_payments_closed_blind_with_a_variance_and_cross_checked(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    import pypdf

    async def body(stack: Stack, console: Console) -> None:
        shifts = stack.session.shifts
        assert shifts is not None and shifts.current is None
        booth = console.booth_window
        # open the shift: Ctrl+Shift+F12 in the booth window, the float, Enter
        await activate(booth)
        qtbot.keyClick(booth, Qt.Key.Key_F12, CTRL_SHIFT)
        await wait_until(lambda: any(d.isVisible() for d in booth.findChildren(ShiftOpenDialog)))
        opening = next(d for d in booth.findChildren(ShiftOpenDialog) if d.isVisible())
        opening.float_edit.selectAll()
        qtbot.keyClicks(opening.float_edit, "200")
        qtbot.keyClick(opening.float_edit, Qt.Key.Key_Return)
        await wait_until(lambda: shifts.current is not None)
        assert shifts.current is not None and shifts.current.opening == {"Float": "200.00"}

        # a cash payment (key 1, 100 received) and an offline-WeChat one (key 2) with F4
        fee1 = await _at_exit(stack, "粤B11111", 95)
        cash = await _pay(stack, console, qtbot, Qt.Key.Key_1, "100")
        fee2 = await _at_exit(stack, "粤B22222", 185)
        wechat = await _pay(stack, console, qtbot, Qt.Key.Key_2, None)
        # a free release with F9: reason 2 from the list and the attendant's own words
        await _at_exit(stack, "粤B44444", 45)
        win = console.lane_windows["2"]
        await activate(win)
        win.last_dialog = None
        qtbot.keyClick(win, Qt.Key.Key_F9)
        release = await _dialog(win, ReasonListDialog)
        qtbot.keyClick(release.reasons, Qt.Key.Key_2)
        qtbot.keyClick(release.reasons, Qt.Key.Key_Tab)
        qtbot.keyClicks(release.text, "barrier arm jammed")
        done = asyncio.ensure_future(_finished(stack, "free_release", 20))
        qtbot.keyClick(release.text, Qt.Key.Key_Return)
        _l, _c, ok, released = await done
        assert ok, released
        await stack.sim.pass_barrier("2")
        # the driver of a third car pays by the lane's QR code: the server has it, not the console
        await _at_exit(stack, "粤B33333", 65)
        async with httpx.AsyncClient() as http:
            answer = (await http.post(f"{stack.sim.base_url}/Sim/Pay",
                                      json={"LaneNo": "2"})).json()
        assert answer["Ok"], answer
        qr_no = answer["Data"]["PaymentOrderNo"]
        await stack.sim.pass_barrier("2")
        # a cash payment the console counts as confirmed that the server does not hold
        journal = stack.session.journal
        assert journal is not None
        await journal.add_pending_payment(
            payment_order_no="BCLOST1", lane_no="2", order_no="ORD-LOST",
            request={"TotalAmountPaid": "30", "PaymentMethod": "79001", "_Received": "30"},
            operator="tester")
        await journal.resolve_pending_payment("BCLOST1", status="confirmed", result_code=200,
                                              result_msg="ok")

        # close from a lane window: the count comes first, no expected figure on screen
        win = console.lane_windows["2"]
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F12, CTRL_SHIFT)
        await wait_until(lambda: any(d.isVisible() for d in win.findChildren(ShiftCloseDialog)))
        dlg = next(d for d in win.findChildren(ShiftCloseDialog) if d.isVisible())
        expected = Decimal(200) + Decimal(100) + Decimal(30) - (Decimal(100) - fee1)
        await wait_until(lambda: dlg._prepared.done(), 10)  # the report is ready behind the count
        shown = _visible_texts(dlg)
        assert f"{expected:.2f}" not in shown and "Expected" not in shown
        assert dlg.view is None and dlg.total.hasFocus()
        counted = expected - 10
        qtbot.keyClicks(dlg.total, f"{counted:.2f}")
        qtbot.keyClick(dlg.total, Qt.Key.Key_Return)
        await wait_until(lambda: dlg.report is not None, 10)
        report: ShiftReport = dlg.report
        assert shifts.current is None

        methods = {m.method: (m.count, Decimal(m.total)) for m in report.methods}
        assert methods == {"79001": (2, fee1 + 30), "79010": (1, fee2)}
        assert Decimal(report.float_amount) == 200
        assert Decimal(report.cash_received) == 130
        assert Decimal(report.change_given) == 100 - fee1
        assert Decimal(report.expected_cash) == expected
        assert Decimal(report.counted_cash or "") == counted
        assert report.variance == "-10.00"
        assert report.checked and not report.cross_check_error
        kinds = {(m.kind, m.record, m.ref) for m in report.mismatches if m.record == "payment"}
        assert kinds == {("server_only", "payment", qr_no), ("console_only", "payment", "BCLOST1")}
        # the free release with its reason; its ¥0 payment is not counted as a cash payment
        assert [f.what.split()[1] for f in report.free_releases] == ["粤B44444"]
        assert report.free_releases[0].reason.endswith(": barrier arm jammed")
        assert report.free_releases[0].operator == "tester"
        assert cash.payment_order_no not in str(report.mismatches)
        assert wechat.payment_order_no not in str(report.mismatches)
        # the report on screen: the big figures, in that order
        html = dlg.view.browser.toPlainText()
        assert f"¥{expected:.2f}" in html and f"¥{counted:.2f}" in html and "-¥10.00" in html
        assert qr_no in html and "BCLOST1" in html

        # exported: CSV and PDF with the same figures
        assert dlg.view.export("csv", tmp_path / "shift.csv") is not None
        rows = (tmp_path / "shift.csv").read_text(encoding="utf-8-sig").splitlines()
        assert f"cash,expected,{expected:.2f}" in rows
        assert f"cash,counted,{counted:.2f}" in rows
        assert "cash,variance,-10.00" in rows
        assert any(r.startswith(f"mismatch,server_only,payment,{qr_no}") for r in rows)
        assert dlg.view.export("pdf", tmp_path / "shift.pdf") is not None
        text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "shift.pdf").pages)
        flat = "".join(text.split())  # big type comes out as "227.0 0"
        for figure in (f"{expected:.2f}", f"{counted:.2f}", "-¥10.00", qr_no, "BCLOST1",
                       f"{fee1 + 30:.2f}", f"{fee2:.2f}"):
            assert figure in flat, (figure, flat)
        qtbot.keyClick(dlg.view.browser, Qt.Key.Key_Escape)
        await wait_until(lambda: not dlg.isVisible())

        # kept: re-opened from the journal as it was closed; handed over to the next sign-on
        again = await shifts.report(report.shift_id)
        assert again is not None and again.to_dict() == report.to_dict()
        handover = await shifts.handover()
        assert handover.last_shift is not None and handover.last_shift.variance == "-10.00"
        lines = "\n".join(handover.lines())
        assert "-10.00" in lines and "2 differences" in lines
        if os.environ.get("SHIFT_REPORT_DUMP"):
            Path(os.environ["SHIFT_REPORT_DUMP"]).write_text(json.dumps(report.to_dict()),
                                                             encoding="utf-8")

    run_console(loop, tmp_path, body)
