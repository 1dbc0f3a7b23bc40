"""Printing a receipt on an ESC/POS receipt printer (``[printer] escpos``, ``python-escpos``).

No Qt here: :func:`receipt_bytes` turns a receipt's lines (already in the console's language)
into the printer's bytes, :func:`send` writes them to the printer named by a URL
(``tcp://HOST:PORT``, ``usb://VID:PID``, ``serial:///dev/ttyUSB0?baudrate=9600``,
``file:///dev/usb/lp0``) within a timeout, and :class:`EscposPrinter` does both on a worker
thread of its own, one receipt after another, so a printer that does not answer never holds up
the console. ``ui/receipt.py`` decides between this printer and Qt's print support.

Text is sent in the printer's own encoding (``[printer] encoding``): Chinese ESC/POS printers
take GB18030 once switched to their Chinese character mode (``FS &``), which is sent first when
the encoding is a GB one. The payment order number is also printed as a QR code the printer
draws itself (``GS ( k``, ``qr(..., native=True)``), then the paper is fed and cut.
"""

from __future__ import annotations

import codecs
import concurrent.futures
import contextlib
import logging
import socket
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from booth_console.config import PrinterConfig


class _Messages(Protocol):
    def error(self, text: str, **kw: str) -> Any: ...

__all__ = ["CHINESE_MODE", "EscposPrinter", "PrinterError", "Target", "parse_target", "receipt_bytes", "send", "use", "use_config"]

log = logging.getLogger("booth_console.app")

class PrinterError(OSError):
    """The printer at ``where`` cannot be reached, or (``timed_out``) did not answer in time."""

    def __init__(self, where: str, *, timed_out: float = 0.0) -> None:
        self.where, self.timed_out = where, timed_out
        super().__init__(f"the receipt printer at {where} did not answer within {timed_out:g} s"
                         if timed_out else f"the receipt printer at {where} cannot be reached")


#: ``FS &``: select the Chinese (double-byte) character mode of a Chinese printer
CHINESE_MODE = b"\x1c\x26"
_GB = frozenset({"gb18030", "gbk", "gb2312"})


@dataclass(frozen=True)
class Target:
    """Where the printer is: ``kind`` is "tcp", "usb", "serial" or "file"."""

    kind: str
    host: str = ""
    port: int = 9100
    path: str = ""
    vendor: int = 0
    product: int = 0
    baudrate: int = 9600


def parse_target(url: str) -> Target:
    """The printer ``url`` names.

    Raises:
        ValueError: not a printer address (the message says what is expected).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "tcp":
        try:
            port = parts.port or 9100
        except ValueError:
            raise ValueError("has a port that is not a number from 1 to 65535") from None
        if not parts.hostname:
            raise ValueError('names no host: write "tcp://HOST:PORT"')
        return Target("tcp", host=parts.hostname, port=port)
    if scheme == "usb":
        ids = parts.netloc.split(":")
        try:
            vendor, product = (int(v, 16) for v in ids)
        except ValueError:
            raise ValueError('must be "usb://VID:PID" with hexadecimal ids') from None
        return Target("usb", vendor=vendor, product=product)
    if scheme in ("serial", "file"):
        if not parts.path:
            raise ValueError(f'names no device: write "{scheme}:///dev/..."')
        baud = parse_qs(parts.query).get("baudrate", ["9600"])[0]
        if not baud.isdigit():
            raise ValueError("has a baudrate that is not a number")
        return Target(scheme, path=parts.path, baudrate=int(baud))
    raise ValueError('is not a printer address: "tcp://HOST:PORT", "usb://VID:PID", '
                     '"serial:///dev/ttyUSB0" or "file:///dev/usb/lp0"')


def _columns(text: str) -> int:
    """Printed width: Chinese characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(label: str, value: str, width: int) -> list[str]:
    """``label`` left and ``value`` right on one line of ``width`` columns, or two lines when
    they do not fit."""
    gap = width - _columns(label) - _columns(value)
    if gap >= 1:
        return [label + " " * gap + value]
    return [label, " " * max(0, width - _columns(value)) + value]


def receipt_bytes(title: str, lot: str, rows: Sequence[tuple[str, str]], payment_order_no: str,
                  *, width: int = 48, encoding: str = "gb18030") -> bytes:
    """The ESC/POS bytes of a receipt: the lot and title centred and bold, one line per
    (label, value), the payment order number as a QR code and in text, then a cut.

    Text the encoding cannot hold prints as "?"; with a non-GB encoding the printer's own
    character table is used as it is set up (PC437 on most printers).

    Raises:
        LookupError: ``encoding`` is not known.
    """
    from escpos.printer import Dummy

    codecs.lookup(encoding)
    chinese = encoding.lower().replace("-", "").replace("_", "") in _GB
    p = Dummy()
    p.hw("INIT")
    if chinese:
        p._raw(CHINESE_MODE)

    def line(text: str = "") -> None:
        if chinese:  # the printers' GB2312 fonts have the full-width yuan sign only
            text = text.replace("¥", "￥")
        p._raw(text.encode(encoding, errors="replace") + b"\n")

    p.set(align="center", bold=True, double_height=bool(lot))
    if lot:
        line(lot)
        p.set(align="center", bold=True, normal_textsize=True)
    line(title)
    p.set(align="left", bold=False, normal_textsize=True)
    line("-" * width)
    for label, value in rows:
        for text in _fit(label, value, width):
            line(text)
    line("-" * width)
    if payment_order_no:
        p.set(align="center")
        p.qr(payment_order_no, size=6, native=True)
        line(payment_order_no)
        p.set(align="left")
    p.cut()
    return bytes(p.output)


def send(url: str, data: bytes, *, timeout: float = 5.0) -> None:
    """Write ``data`` to the printer at ``url`` (connecting and sending within ``timeout``
    seconds for a network printer).

    Raises:
        PrinterError: the printer cannot be reached or took too long.
        ValueError: ``url`` is not a printer address.
    """
    target = parse_target(url)
    from escpos import exceptions, printer

    device: Any
    if target.kind == "tcp":  # a plain socket: connect and send bounded, closed whatever happens
        where = f"{target.host}:{target.port}"
        try:
            with socket.create_connection((target.host, target.port), timeout=timeout) as sock:
                sock.sendall(data)
        except TimeoutError:
            raise PrinterError(where, timed_out=timeout) from None
        except OSError as exc:
            log.warning("ESC/POS printer %s: %s", where, exc)
            raise PrinterError(where) from None
        return
    if target.kind == "usb":
        device = printer.Usb(target.vendor, target.product, timeout=int(timeout * 1000))
        where = f"USB {target.vendor:04x}:{target.product:04x}"
    elif target.kind == "serial":
        device = printer.Serial(target.path, baudrate=target.baudrate, timeout=timeout)
        where = target.path
    else:
        device = printer.File(target.path)
        where = target.path
    try:
        device.open()
        try:
            device._raw(data)
        finally:
            device.close()
    except TimeoutError:
        raise PrinterError(where, timed_out=timeout) from None
    except (exceptions.Error, OSError) as exc:
        log.warning("ESC/POS printer %s: %s", where, exc)
        raise PrinterError(where) from None


#: ``report(lane_no, text)``: tells the attendant of a printer problem
Report = Callable[[str, str], None]


def _warm_up() -> None:
    with contextlib.suppress(ImportError):  # said when a receipt is printed
        import escpos.printer  # noqa: F401


class EscposPrinter:
    """An ESC/POS printer and the worker thread that prints on it, one receipt at a time."""

    def __init__(self, url: str, *, width: int = 48, encoding: str = "gb18030",
                 timeout: float = 5.0) -> None:
        parse_target(url)
        codecs.lookup(encoding)
        self.url, self.width, self.encoding, self.timeout = url, width, encoding, timeout
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="escpos")
        self._pool.submit(_warm_up)  # the library is imported before the first receipt

    def __repr__(self) -> str:
        return f"<EscposPrinter {self.url}>"

    def submit(self, title: str, lot: str, rows: Sequence[tuple[str, str]],
               payment_order_no: str) -> concurrent.futures.Future[None]:
        """Print a receipt on the worker thread (the bytes are made there too: the first
        receipt imports ``python-escpos``, a tenth of a second and more). The future fails with
        :class:`PrinterError` when the printer cannot be reached, ``ImportError`` when
        ``python-escpos`` is not installed."""
        rows = list(rows)

        def job() -> None:
            data = receipt_bytes(title, lot, rows, payment_order_no, width=self.width,
                                 encoding=self.encoding)
            send(self.url, data, timeout=self.timeout)

        return self._pool.submit(job)

    def close(self) -> None:
        """Stop the worker once the receipts asked for are done."""
        self._pool.shutdown(wait=False)


_current: EscposPrinter | None = None
_report: Report | None = None


def use(url: str, *, width: int = 48, encoding: str = "gb18030", timeout: float = 5.0,
        report: Report | None = None) -> EscposPrinter | None:
    """Print receipts on the ESC/POS printer at ``url`` from now on ("": none, Qt's print
    support). ``report(lane_no, text)`` tells the attendant of a printer problem."""
    global _current, _report
    if _current is not None:
        _current.close()
    _current = EscposPrinter(url, width=width, encoding=encoding, timeout=timeout) if url \
        else None
    _report = report
    return _current


def current() -> tuple[EscposPrinter | None, Report | None]:
    """The ESC/POS printer receipts go to (``None``: Qt's print support) and how its problems
    are told."""
    return _current, _report


def use_config(cfg: PrinterConfig, messages: _Messages) -> EscposPrinter | None:
    """:func:`use` ``[printer]``, telling printer problems at the lane through ``messages``."""

    def report(lane_no: str, text: str) -> None:
        if lane_no:
            messages.error(text, lane_no=lane_no)
        else:
            messages.error(text)

    return use(cfg.escpos, width=cfg.width_chars, encoding=cfg.encoding, timeout=cfg.timeout_s,
               report=report)
