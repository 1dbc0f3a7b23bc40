"""Receipts: after a payment taken with F4, with "Print a receipt" ticked, the receipt is printed
through Qt's print support (here to a PDF file, ``[booth] receipt_printer = "pdf:DIR"``) and
its text has the payment's figures; unticked (Alt+P), nothing is printed; with no printer, the
dialog does not offer one. Real simulator, real widgets, the PDF read with pypdf."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
from PySide6.QtCore import Qt

from booth_console.app.receipt import Receipt, qr_matrix
from booth_console.client import condition
from booth_console.ui.console import Console
from booth_console.ui.dialogs import PaymentDialog
from tests.app.helpers import Stack, park_and_exit, wait_until
from tests.ui.helpers import run_console
from tests.ui.test_attendant import _fee_waiting
from tests.ui.test_windows import _dialog, _finished, activate


def _squeezed(text: str) -> str:
    """Text without white space and ligatures (pypdf puts tabs between words and may split a
    line where the font changes)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _pdf_text(path: Path) -> str:
    return _squeezed("".join(page.extract_text() for page in pypdf.PdfReader(path).pages))


def test_a_receipt_is_printed_after_a_payment_with_its_figures(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    folder = tmp_path / "receipts"

    async def body(stack: Stack, console: Console) -> None:
        win, ctl = console.lane_windows["2"], stack.lane("2")
        win.config = dataclasses.replace(win.config, receipt_printer=f"pdf:{folder}",
                                         lot_name="Harbour Road Car Park")
        stack.session.ctx.lot_name = "Harbour Road Car Park"
        await park_and_exit(stack.sim, "琼Z5151X", minutes=137)
        fee = await _fee_waiting(ctl)
        await wait_until(lambda: ctl.order is not None and bool(ctl.order.lines))  # breakdown
        order = ctl.order
        assert order is not None
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F4)
        pay: PaymentDialog = await _dialog(win, PaymentDialog)
        assert pay.receipt is not None and pay.receipt.isChecked()  # offered, ticked
        qtbot.keyClick(pay.method, Qt.Key.Key_1)  # cash
        pay.received.setText("100")
        fut = asyncio.ensure_future(_finished(stack, "confirm_payment", 10))
        qtbot.keyClick(pay.received, Qt.Key.Key_Return)
        _l, _c, ok, outcome = await fut
        assert ok and outcome.confirmed
        pno = outcome.payment_order_no
        path = folder / f"receipt-{pno}.pdf"
        await asyncio.sleep(0)
        assert path.exists()
        text = _pdf_text(path)
        for expected in ("Harbour Road Car Park", "Parking receipt", "Exit A (2)", "琼Z5151X",
                         f"¥{fee:.2f}", "¥100.00", f"¥{Decimal(100) - fee:.2f}",
                         "Offline Cash Payment", "tester", pno, "2 h 17 min",
                         order.entry_time):
            assert _squeezed(expected) in text, (expected, text)
        page = await stack.session.client.query_payments([condition("OrderNo", 0, order.order_no)])
        [paid] = page.results
        assert _squeezed(f"Paid¥{paid.total_amount_paid:.2f}") in text

        # the next payment with the box unticked (Alt+P): nothing printed
        await stack.sim.pass_barrier("2")
        await park_and_exit(stack.sim, "琼Z5252X", minutes=60)
        await wait_until(lambda: ctl.order is not None and ctl.order.plate == "琼Z5252X")
        await _fee_waiting(ctl)
        await activate(win)
        win.last_dialog = None
        qtbot.keyClick(win, Qt.Key.Key_F4)
        pay = await _dialog(win, PaymentDialog)
        qtbot.keyClick(pay.method, Qt.Key.Key_1)
        qtbot.keyClick(pay.received, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
        assert pay.receipt is not None and not pay.receipt.isChecked()
        fut = asyncio.ensure_future(_finished(stack, "confirm_payment", 10))
        qtbot.keyClick(pay.received, Qt.Key.Key_Return)
        assert (await fut)[2]
        assert sorted(p.name for p in folder.iterdir()) == [path.name]

        # no printer on this PC and none named: the dialog does not offer a receipt
        win.config = dataclasses.replace(win.config, receipt_printer="no such printer")
        await stack.sim.pass_barrier("2")
        await park_and_exit(stack.sim, "琼Z5353X", minutes=60)
        await wait_until(lambda: ctl.order is not None and ctl.order.plate == "琼Z5353X")
        await _fee_waiting(ctl)
        await wait_until(lambda: win.buttons["confirm_payment"].isEnabled())
        await activate(win)
        win.last_dialog = None
        qtbot.keyClick(win, Qt.Key.Key_F4)
        pay = await _dialog(win, PaymentDialog)
        assert pay.receipt is None
        pay.reject()

    run_console(loop, tmp_path, body)


def test_receipt_lines_name_the_method_and_say_when_a_time_is_unknown() -> None:
    receipt = Receipt(lot="", lane="Exit A (2)", plate="琼Z1X", entry_time="", exit_time="",
                      duration_min=None, lines=(), total_due=Decimal(5), discount=Decimal(0),
                      paid=Decimal(5), received=Decimal(5), change=Decimal(0), method="79003",
                      operator="li", payment_order_no="BC1700000000000123456")
    rows = receipt.rows()
    assert ("Method", "WeChat Pay") in rows and ("Duration", "—") in rows
    assert ("Entry time", "—") in rows and rows[-1] == ("Payment no.", "BC1700000000000123456")
    assert Receipt.duration_between("2026-12-03 08:00:00", "2026-12-03 10:17:59") == 137
    assert Receipt.duration_between("", "2026-12-03 10:17:59") is None
    modules = qr_matrix(receipt.payment_order_no)
    assert len(modules) in range(21, 178, 4) and all(len(r) == len(modules) for r in modules)
    assert qr_matrix("BC1700000000000123457") != modules
