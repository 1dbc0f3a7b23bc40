"""Receipts on an ESC/POS receipt printer (``[printer] escpos = "tcp://HOST:PORT"``): a loopback
TCP server in the test is the network printer and receives the bytes. After a payment taken
with F4, the receipt goes there (not to Qt's printing) with the plate, the amount and the payment
order number in the printer's encoding (GB18030), a QR code command and a cut; a printer that
cannot be reached is told at the lane and the payment stands. Real simulator, real widgets."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import socket
import time
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from booth_console import receipt_escpos
from booth_console.client import condition
from booth_console.config import PrinterConfig, parse_config
from booth_console.errors import ConfigError
from booth_console.ui.console import Console
from booth_console.ui.dialogs import PaymentDialog
from tests.app.helpers import Stack, park_and_exit, wait_until
from tests.ui.helpers import run_console
from tests.ui.test_attendant import _fee_waiting
from tests.ui.test_windows import _dialog, _finished, activate

QR_STORE = b"\x1d(k"  # GS ( k: the printer's own QR code (store, then print: "1Q0")
QR_PRINT = b"\x1d(k\x03\x001Q0"
CUT = b"\x1dV"  # GS V


@pytest.fixture(autouse=True)
def _no_escpos_after() -> Iterator[None]:
    yield
    receipt_escpos.use("")


class _Printer:
    """A network receipt printer on 127.0.0.1: keeps what each connection sent."""

    def __init__(self) -> None:
        self.jobs: list[bytes] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._job, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"tcp://127.0.0.1:{port}"

    async def _job(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.jobs.append(await reader.read())  # to the end: the console closes when done
        writer.close()

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _pay_with_receipt(stack: Stack, win: Any, qtbot: Any, plate: str) -> tuple[
        Decimal, str, str]:
    ctl = stack.lane("2")
    await park_and_exit(stack.sim, plate, minutes=137)
    await wait_until(lambda: ctl.order is not None and ctl.order.plate == plate)
    fee = await _fee_waiting(ctl)
    await wait_until(lambda: ctl.order is not None and bool(ctl.order.lines))  # breakdown
    assert ctl.order is not None
    order_no = ctl.order.order_no
    await wait_until(lambda: win.buttons["confirm_payment"].isEnabled())
    await activate(win)
    win.last_dialog = None
    qtbot.keyClick(win, Qt.Key.Key_F4)
    pay: PaymentDialog = await _dialog(win, PaymentDialog)
    assert pay.receipt is not None and pay.receipt.isChecked()  # offered: the ESC/POS printer
    qtbot.keyClick(pay.method, Qt.Key.Key_1)  # cash
    pay.received.setText("100")
    fut = asyncio.ensure_future(_finished(stack, "confirm_payment", 10))
    qtbot.keyClick(pay.received, Qt.Key.Key_Return)
    _l, _c, ok, outcome = await fut
    assert ok and outcome.confirmed
    return fee, str(outcome.payment_order_no), order_no


def test_a_receipt_goes_to_the_escpos_printer_and_a_dead_printer_is_told_at_the_lane(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    printer = _Printer()
    folder = tmp_path / "pdf"

    async def body(stack: Stack, console: Console) -> None:
        win = console.lane_windows["2"]
        # Qt's printing would write a PDF here: nothing may appear, the ESC/POS printer prints
        win.config = dataclasses.replace(win.config, receipt_printer=f"pdf:{folder}")
        stack.session.ctx.lot_name = "海港路停车场"
        url = await printer.start()
        receipt_escpos.use_config(PrinterConfig(escpos=url, width_chars=42),
                                  stack.session.messages)
        try:
            fee, pno, _o = await _pay_with_receipt(stack, win, qtbot, "琼Z6161X")
            await wait_until(lambda: len(printer.jobs) == 1, timeout=10)
        finally:
            await printer.close()
        data = printer.jobs[0]
        text = data.decode("gb18030", errors="replace")
        for expected in ("海港路停车场", "Exit A (2)", "琼Z6161X", f"{fee:.2f}",
                         f"{Decimal(100) - fee:.2f}", "Offline Cash Payment", "tester", pno):
            assert expected in text, (expected, text)
        assert re.search(r"Duration +2 h 1[78] min\n", text), text  # parked 137 min ago
        assert "琼Z6161X".encode("gb18030") in data and "海港路停车场".encode("gb18030") in data
        assert receipt_escpos.CHINESE_MODE in data
        qr = data.index(QR_STORE)
        assert pno.encode() in data[qr:data.index(QR_PRINT)]  # the QR code holds the number
        assert data.rstrip(b"\x00").rfind(CUT) > data.index(QR_PRINT)  # then the paper is cut
        assert not folder.exists()
        assert not [m for m in stack.session.messages.for_lane("2") if "receipt" in m.text]

        # the printer is switched off: said at the lane, the payment stands, nothing hangs
        port = _closed_port()
        receipt_escpos.use_config(PrinterConfig(escpos=f"tcp://127.0.0.1:{port}",
                                                timeout_s=2.0), stack.session.messages)
        await stack.sim.pass_barrier("2")
        started = time.monotonic()
        fee2, _p, order2 = await _pay_with_receipt(stack, win, qtbot, "琼Z6262X")

        def told() -> list[str]:
            return [m.text for m in stack.session.messages.for_lane("2")
                    if "receipt was not printed" in m.text]

        await wait_until(lambda: bool(told()), timeout=10)
        assert time.monotonic() - started < 10
        assert f"127.0.0.1:{port} cannot be reached" in told()[0]
        page = await stack.session.client.query_payments([condition("OrderNo", 0, order2)])
        [paid] = page.results  # the payment stands on the server
        assert paid.total_amount_paid == fee2

    run_console(loop, tmp_path, body)


def test_chinese_text_is_sent_gb18030_encoded_to_a_network_printer(loop: Any) -> None:
    async def body() -> bytes:
        printer = _Printer()
        url = await printer.start()
        data = receipt_escpos.receipt_bytes(
            "停车收据", "海港路停车场", [("车牌", "琼Z5151X"), ("实收", "¥12.00")], "PO-77",
            width=32, encoding="gb18030")
        await asyncio.to_thread(receipt_escpos.send, url, data, timeout=2.0)
        await wait_until(lambda: bool(printer.jobs))
        await printer.close()
        return printer.jobs[0]

    got = loop.run_until_complete(body())
    assert "车牌".encode("gb18030") in got and "停车收据".encode("gb18030") in got
    assert "￥12.00".encode("gb18030") in got  # the printers' fonts have the full-width sign
    # label left, value right on one 32-column line (a Chinese character is two columns)
    assert ("车牌" + " " * (32 - 4 - 8) + "琼Z5151X").encode("gb18030") in got
    assert QR_STORE in got and b"PO-77" in got and CUT in got


def test_printer_settings_are_checked_when_read() -> None:
    cfg = parse_config(tomllib.loads('[printer]\nescpos = "tcp://10.0.0.9"\nwidth_chars = 42\n'))
    assert cfg.printer.escpos == "tcp://10.0.0.9" and cfg.printer.width_chars == 42
    assert receipt_escpos.parse_target(cfg.printer.escpos).port == 9100
    assert receipt_escpos.parse_target("usb://0416:5011").vendor == 0x0416
    assert receipt_escpos.parse_target("serial:///dev/ttyUSB0?baudrate=19200").baudrate == 19200
    for bad, why in (('escpos = "lp0"', "is not a printer address"),
                     ('escpos = "usb://printer"', "hexadecimal"),
                     ('encoding = "klingon"', "unknown encoding")):
        with pytest.raises(ConfigError, match=why):
            parse_config(tomllib.loads(f"[printer]\n{bad}\n"))


def test_a_printer_that_does_not_answer_is_given_up_after_the_timeout() -> None:
    # a printer whose connection queue is full: the console's connection attempt gets no answer
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(0)
        port = busy.getsockname()[1]
        queued = []
        for _ in range(3):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            queued.append(s)
        try:
            time.sleep(0.2)
            started = time.monotonic()
            with pytest.raises(receipt_escpos.PrinterError) as err:
                receipt_escpos.send(f"tcp://127.0.0.1:{port}", b"x", timeout=1.0)
            took = time.monotonic() - started
        finally:
            for s in queued:
                s.close()
    assert err.value.timed_out == 1.0 and "did not answer within 1 s" in str(err.value)
    assert 0.9 < took < 3.0
