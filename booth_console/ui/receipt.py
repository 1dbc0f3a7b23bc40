"""Printing a payment's receipt through Qt's print support: the system printer, a named one, or
a PDF file (``[booth] receipt_printer = "pdf:DIR"``; the tests read the PDF's text); or, when
``[printer] escpos`` names one, on an ESC/POS receipt printer (``booth_console/receipt_escpos.py``, on a
worker thread: a printer problem is told at the lane once known, the payment stands).

The page is a receipt roll, 80 mm wide: the lot's name, "Parking receipt", one line per item
(label left, value right), the QR code of the payment order number (``segno``'s modules drawn as
squares: sharp at any printer resolution) and the number under it. A receipt is a few
milliseconds of painting on the Qt thread; spooling to the printer is the system's.
"""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from booth_console import receipt_escpos
from booth_console.app.receipt import Receipt, qr_matrix

__all__ = ["PAGE_WIDTH_MM", "can_print", "print_receipt", "render", "save_pdf"]

log = logging.getLogger("booth_console.ui")

PAGE_WIDTH_MM = 80.0
_MARGIN_MM = 4.0
_QR_MM = 30.0


def _tr(text: str) -> str:
    return QCoreApplication.translate("Receipt", text)


def _page_height_mm(receipt: Receipt, language: str) -> float:
    return 26.0 + 5.0 * len(receipt.rows(language)) + _QR_MM + 10.0


def _setup(printer: QPrinter, receipt: Receipt, language: str) -> None:
    size = QPageSize(QSizeF(PAGE_WIDTH_MM, _page_height_mm(receipt, language)),
                     QPageSize.Unit.Millimeter, "receipt")
    printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait,
                                      QMarginsF(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM, _MARGIN_MM),
                                      QPageLayout.Unit.Millimeter))
    printer.setDocName(f"receipt {receipt.payment_order_no}")


def render(receipt: Receipt, painter: QPainter, page: QRectF, language: str = "en") -> None:
    """Paint ``receipt`` into ``page`` (device pixels of the painter)."""
    mm = page.width() / (PAGE_WIDTH_MM - 2 * _MARGIN_MM)
    y = page.top()
    painter.setPen(QColor("black"))

    def font(pt: float, bold: bool = False) -> QFont:
        f = QFont()
        f.setPointSizeF(pt)
        f.setBold(bold)
        return f

    def centred(text: str, pt: float, bold: bool = False) -> None:
        nonlocal y
        painter.setFont(font(pt, bold))
        h = painter.fontMetrics().height()
        painter.drawText(QRectF(page.left(), y, page.width(), h),
                         int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                         | int(Qt.TextFlag.TextDontClip), text)
        y += h * 1.25

    if receipt.lot:
        centred(receipt.lot, 12, bold=True)
    centred(_tr("Parking receipt"), 11, bold=True)
    y += 1.5 * mm
    painter.setFont(font(8.5))
    h = painter.fontMetrics().height()
    no_clip = int(Qt.TextFlag.TextDontClip)  # CJK glyphs come from a taller fallback font
    for label, value in receipt.rows(language):
        row = QRectF(page.left(), y, page.width(), h * 1.3)  # label and value: one mid-line
        painter.drawText(row, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                         | no_clip, label)
        painter.drawText(row, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                         | no_clip, value)
        y += h * 1.3
    y += 2 * mm
    modules = qr_matrix(receipt.payment_order_no)
    n = len(modules) + 8  # the quiet zone: 4 modules each side
    cell = _QR_MM * mm / n
    left = page.left() + (page.width() - n * cell) / 2 + 4 * cell
    top = y + 4 * cell
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for r, row_modules in enumerate(modules):
        for c, dark in enumerate(row_modules):
            if dark:
                painter.drawRect(QRectF(left + c * cell, top + r * cell, cell, cell))
    painter.setPen(QColor("black"))
    y += n * cell
    centred(receipt.payment_order_no, 8)


def save_pdf(receipt: Receipt, path: Path, language: str = "en") -> Path:
    """Write ``receipt`` as a one-page PDF at ``path``.

    Raises:
        OSError: the file cannot be written.
    """
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    _paint(printer, receipt, language)
    if not path.exists():
        raise OSError(f"cannot write {path}")
    return path


def _paint(printer: QPrinter, receipt: Receipt, language: str) -> None:
    _setup(printer, receipt, language)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(_tr("the printer cannot be opened"))
    try:
        render(receipt, painter, QRectF(printer.pageRect(QPrinter.Unit.DevicePixel)), language)
    finally:
        painter.end()


def can_print(printer_name: str = "") -> bool:
    """Whether receipts can be printed on ``printer_name`` (see :func:`print_receipt`): a PDF
    folder, a printer of that name, or a default printer (a tenth of a millisecond after the
    first call); always, when ``[printer] escpos`` names an ESC/POS printer."""
    if receipt_escpos.current()[0] is not None or printer_name.startswith("pdf:"):
        return True
    info = (QPrinterInfo.printerInfo(printer_name) if printer_name
            else QPrinterInfo.defaultPrinter())
    return not info.isNull()


def print_receipt(receipt: Receipt, printer_name: str = "", language: str = "en") -> str:
    """Print ``receipt`` on ``printer_name`` ("" the system's default; ``pdf:DIR``: a PDF file
    ``DIR/receipt-<payment order no>.pdf``). Returns ``""`` when done, or why not (for the
    attendant).

    With ``[printer] escpos`` set, the receipt goes to that ESC/POS printer instead: handed to
    its worker thread, and ``""`` is returned at once; a printer problem is told at the lane when
    known (``[printer] timeout_s`` at most)."""
    escpos, report = receipt_escpos.current()
    if escpos is not None:
        return _print_escpos(escpos, report, receipt, language)
    if printer_name.startswith("pdf:"):
        folder = Path(printer_name[4:]).expanduser()
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", receipt.payment_order_no) or "receipt"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = save_pdf(receipt, folder / f"receipt-{safe}.pdf", language)
        except OSError as exc:
            log.error("receipt not saved: %s", exc)
            return str(exc)
        log.info("receipt %s saved as %s", receipt.payment_order_no, path)
        return ""
    info = (QPrinterInfo.printerInfo(printer_name) if printer_name
            else QPrinterInfo.defaultPrinter())
    if info.isNull():
        return (_tr("no printer named {name}").format(name=printer_name) if printer_name
                else _tr("no default printer is set up on this PC"))
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    try:
        _paint(printer, receipt, language)
    except OSError as exc:
        return str(exc)
    log.info("receipt %s printed on %s", receipt.payment_order_no, info.printerName())
    return ""


def _print_escpos(escpos: receipt_escpos.EscposPrinter,
                  report: receipt_escpos.Report | None, receipt: Receipt, language: str) -> str:
    try:
        job = escpos.submit(_tr("Parking receipt"), receipt.lot, receipt.rows(language),
                            receipt.payment_order_no)
    except RuntimeError as exc:  # the printer's worker is shut down
        log.error("receipt %s not printed: %s", receipt.payment_order_no, exc)
        return str(exc)
    lane = re.search(r"\(([^()]*)\)$", receipt.lane)  # "Exit A (2)"
    lane_no = lane.group(1) if lane else ""
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None

    def done(fut: Future[None]) -> None:  # on the printer's thread
        exc = fut.exception()
        if exc is None:
            log.info("receipt %s printed on %s", receipt.payment_order_no, escpos.url)
            return
        log.error("receipt %s not printed: %s", receipt.payment_order_no, exc)
        if report is None or loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(report, lane_no, _escpos_problem(exc))

    job.add_done_callback(done)
    return ""


def _escpos_problem(exc: BaseException) -> str:
    """What to tell the attendant when the ESC/POS printer failed (translated here: the printing
    module is Qt-free)."""
    if isinstance(exc, receipt_escpos.PrinterError):
        why = (_tr("the receipt printer at {where} did not answer within {s} s").format(
            where=exc.where, s=f"{exc.timed_out:g}") if exc.timed_out
            else _tr("the receipt printer at {where} cannot be reached").format(where=exc.where))
    elif isinstance(exc, ImportError):
        why = _tr('python-escpos is not installed (pip install "booth-console[escpos]")')
    else:
        why = str(exc)
    return QCoreApplication.translate("Commands", "The receipt was not printed: {why}").format(
        why=why)
