"""The shift report view: big figures first (expected, counted, variance), then payments by
method, the exceptions of the shift, payments still waiting for the server, unexplained openings
and every difference with the parking server's records. Printed through Qt's print support,
exported to PDF (the same document through a PDF :class:`QPrinter`) and to CSV.

Keys: Ctrl+P print, Ctrl+E export PDF, Ctrl+S export CSV, Esc close (in the dialog).
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, Qt, Signal
from PySide6.QtGui import QKeySequence, QPageLayout, QPageSize, QShortcut, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from booth_console.app.cashup import Item, ShiftReport, method_name, report_csv, time_text
from booth_console.app.i18n import current_language

__all__ = ["ShiftReportView", "export_csv", "export_pdf", "report_document", "report_html"]

log = logging.getLogger("booth_console.ui")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ShiftReport", text)


def _e(text: object) -> str:
    return html.escape(str(text))


def _items_table(title: str, items: list[Item], *, reasons: bool = True) -> str:
    if not items:  # one line: the sections with something in them stand out
        return f"<p><b>{_e(title)}</b>: {_e(_tr('None'))}</p>"
    out = [f"<h3>{_e(title)} ({len(items)})</h3>"]
    head = [_tr("Time"), _tr("Lane"), _tr("What")]
    if reasons:
        head += [_tr("Reason"), _tr("Approved by")]
    head.append(_tr("Operator"))
    out.append("<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>")
    out += [f"<th align='left'>{_e(h)}</th>" for h in head]
    out.append("</tr>")
    for it in items:
        cells = [it.at, it.lane_no, it.what]
        if reasons:
            cells += [it.reason, it.approver or "—"]
        cells.append(it.operator)
        out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def report_html(report: ShiftReport) -> str:
    """The report as HTML in the console's language (for the view, printing and PDF)."""
    zh = current_language().startswith("zh")
    variance = report.variance
    if variance is None:
        colour, vtext = "#555555", "—"
    else:
        colour = "#1b7f2a" if variance == "0.00" else "#c62828"
        vtext = f"-¥{variance[1:]}" if variance.startswith("-") else (
            f"+¥{variance}" if variance != "0.00" else "¥0.00")
    if report.closed_by or not report.closed_at:
        closed = time_text(report.closed_at) if report.closed_at else _tr("open")
    else:  # the open shift's report so far
        closed = _tr("still open (figures up to {time})").format(time=time_text(report.closed_at))
    parts = [
        "<html><body style='font-family: sans-serif'>",
        f"<h2>{_e(_tr('Shift report'))} #{report.shift_id}</h2>",
        f"<p>{_e(_tr('Operator'))}: <b>{_e(report.operator)}</b> &nbsp; "
        f"{_e(_tr('Opened'))}: {_e(time_text(report.opened_at))} &nbsp; "
        f"{_e(_tr('Closed'))}: {_e(closed)}"
        + (f" &nbsp; {_e(_tr('Closed by'))}: {_e(report.closed_by)}" if report.closed_by else "")
        + "</p>",
        "<table cellspacing='0' cellpadding='6' width='100%'><tr>",
        f"<td><span style='font-size:14pt'>{_e(_tr('Expected cash'))}</span><br>"
        f"<span style='font-size:30pt; font-weight:bold'>¥{_e(report.expected_cash)}</span></td>",
        f"<td><span style='font-size:14pt'>{_e(_tr('Counted'))}</span><br>"
        f"<span style='font-size:30pt; font-weight:bold'>"
        f"{_e('¥' + report.counted_cash if report.counted_cash is not None else '—')}</span></td>",
        f"<td><span style='font-size:14pt'>{_e(_tr('Variance'))}</span><br>"
        f"<span style='font-size:30pt; font-weight:bold; color:{colour}'>{_e(vtext)}</span></td>",
        "</tr></table>",
        f"<p>{_e(_tr('Float'))} ¥{_e(report.float_amount)} + {_e(_tr('cash received'))} "
        f"¥{_e(report.cash_received)} − {_e(_tr('change given'))} ¥{_e(report.change_given)} = "
        f"{_e(_tr('expected'))} ¥{_e(report.expected_cash)}</p>",
    ]
    if report.denominations:
        parts.append("<p>" + _e(_tr("Counted by denomination")) + ": " + ", ".join(
            f"¥{_e(d)} × {n}" for d, n in report.denominations.items() if n) + "</p>")
    parts.append(f"<h3>{_e(_tr('Payments by method'))}</h3>")
    parts.append("<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>"
                 f"<th align='left'>{_e(_tr('Method'))}</th><th align='right'>"
                 f"{_e(_tr('Count'))}</th><th align='right'>{_e(_tr('Total'))}</th></tr>")
    for line in report.methods:
        parts.append(f"<tr><td>{_e(method_name(line.method, zh))}</td>"
                     f"<td align='right'>{line.count}</td>"
                     f"<td align='right'>¥{_e(line.total)}</td></tr>")
    parts.append(f"<tr><td><b>{_e(_tr('All'))}</b></td><td align='right'><b>"
                 f"{report.payments_count}</b></td><td align='right'><b>¥"
                 f"{_e(report.payments_total)}</b></td></tr></table>")
    parts.append(f"<h3>{_e(_tr('Differences with the parking server'))} "
                 f"({len(report.mismatches)})</h3>")
    if report.cross_check_error:
        parts.append(f"<p style='color:#c62828'>{_e(_tr('Not compared'))}: "
                     f"{_e(report.cross_check_error)}</p>")
    elif not report.mismatches:
        parts.append(f"<p>{_e(_tr('None: the server holds the same payments and openings.'))}</p>")
    else:
        kinds = {"server_only": _tr("on the server only"),
                 "console_only": _tr("in the console only"),
                 "amount": _tr("different amounts")}
        records = {"payment": _tr("payment"), "opening": _tr("opening")}
        parts.append("<table border='1' cellspacing='0' cellpadding='3' width='100%'>")
        for mm in report.mismatches:
            parts.append(f"<tr><td>{_e(kinds.get(mm.kind, mm.kind))}</td>"
                         f"<td>{_e(records.get(mm.record, mm.record))}</td>"
                         f"<td>{_e(mm.ref)}</td><td>{_e(mm.detail)}</td></tr>")
        parts.append("</table>")
    parts += [
        _items_table(_tr("Fee overrides"), report.overrides),
        _items_table(_tr("Free releases"), report.free_releases),
        _items_table(_tr("Manual openings"), report.manual_openings),
        _items_table(_tr("No-plate entries"), report.no_plate_entries, reasons=False),
        _items_table(_tr("Plate corrections"), report.plate_corrections, reasons=False),
    ]
    if report.no_entry_fees:
        parts.append(_items_table(_tr("Vehicles without entry record (flat fee)"),
                                  report.no_entry_fees))
    parts += [
        _items_table(_tr("Payments waiting for the server"), report.waiting_payments),
        _items_table(_tr("Unexplained openings not annotated"), report.unexplained_openings),
    ]
    if report.audit_heads:
        parts.append("<p style='font-size:7pt; color:#777777'>" + _e(_tr("Audit chain")) + ": "
                     + " ".join(f"{_e(t)} {_e(h[:16])}" for t, h in report.audit_heads.items())
                     + "</p>")
    parts.append("</body></html>")
    return "".join(parts)


def report_document(report: ShiftReport) -> QTextDocument:
    """The report as a document (for printing)."""
    doc = QTextDocument()
    doc.setHtml(report_html(report))
    return doc


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                      QPageLayout.Orientation.Portrait, QMarginsF(12, 12, 12, 12),
                                      QPageLayout.Unit.Millimeter))
    return printer


def export_pdf(report: ShiftReport, path: Path) -> None:
    """Write the report to ``path`` as PDF (through Qt's print support)."""
    report_document(report).print_(_pdf_printer(path))


def export_csv(report: ShiftReport, path: Path) -> None:
    """Write the report to ``path`` as CSV (UTF-8 with a BOM, so spreadsheets read the Chinese)."""
    path.write_text(report_csv(report), encoding="utf-8-sig")


class ShiftReportView(QWidget):
    """A shift report with Print (Ctrl+P), PDF (Ctrl+E) and CSV (Ctrl+S).

    Signals:
        exported(str): a file was written (its path).
    """

    exported = Signal(str)

    def __init__(self, report: ShiftReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        lay = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setHtml(report_html(report))
        self.browser.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        lay.addWidget(self.browser, 1)
        self.status = QLabel(self)
        lay.addWidget(self.status)
        row = QHBoxLayout()
        self.print_button = QPushButton(self.tr("Print (Ctrl+P)"), self)
        self.pdf_button = QPushButton(self.tr("Export PDF (Ctrl+E)"), self)
        self.csv_button = QPushButton(self.tr("Export CSV (Ctrl+S)"), self)
        for b in (self.print_button, self.pdf_button, self.csv_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        for key, slot in (("Ctrl+P", self.print_report), ("Ctrl+E", lambda: self.export("pdf")),
                          ("Ctrl+S", lambda: self.export("csv"))):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

    def default_name(self, ext: str) -> str:
        """``shift-<id>-<date>.<ext>``."""
        return f"shift-{self.report.shift_id}-{time_text(self.report.opened_at)[:10]}.{ext}"

    def export(self, kind: str, path: Path | None = None) -> Path | None:
        """Export as ``pdf`` or ``csv`` to ``path`` (asked for when ``None``)."""
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export the shift report"), self.default_name(kind),
                "PDF (*.pdf)" if kind == "pdf" else "CSV (*.csv)")
            if not name:
                return None
            path = Path(name)
        try:
            if kind == "pdf":
                export_pdf(self.report, path)
            else:
                export_csv(self.report, path)
        except OSError as exc:
            self.status.setText(self.tr("Could not write {path}: {error}").format(
                path=path, error=exc.strerror or exc))
            return None
        self.status.setText(self.tr("Written: {path}").format(path=path))
        self.exported.emit(str(path))
        return path

    def print_report(self) -> None:
        """Print through the system's print dialog."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            report_document(self.report).print_(printer)
            self.status.setText(self.tr("Sent to the printer."))

        dialog.accepted.connect(accepted)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
