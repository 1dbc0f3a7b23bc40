"""Opening and closing a shift.

:class:`ShiftOpenDialog` asks for the float. :class:`ShiftCloseDialog` is the cash-up: first the
counted cash, as one total or by denomination (a *blind* count: no expected figure is shown
until the count is entered), then, once the shift is closed, the report
(:class:`~booth_console.ui.shift_report.ShiftReportView`) with the variance.

Keyboard: the total is focused; Tab walks the denominations (typing a count there fills the
total); Enter closes the shift; Esc cancels (before) or closes the dialog (after).
Opened with ``open()`` and awaited through a future (:func:`close_shift_dialog`,
:func:`open_shift_dialog`); nothing here blocks the Qt thread.
"""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from booth_console.app.cashup import DENOMINATIONS, ShiftReport, count_total
from booth_console.app.commands.base import read_amount
from booth_console.app.shifts import ShiftError, ShiftManager
from booth_console.journal import ShiftRecord
from booth_console.ui.shift_report import ShiftReportView

__all__ = ["ShiftCloseDialog", "ShiftOpenDialog", "close_shift_dialog", "open_shift_dialog"]

log = logging.getLogger("booth_console.ui")


def _big(size: int) -> QFont:
    f = QFont()
    f.setPointSize(size)
    f.setBold(True)
    return f


def _amount(text: str) -> Decimal | None:
    value = read_amount(text)
    if value is None or value < 0 or value != value.quantize(Decimal("0.01")):
        return None
    return value


class ShiftOpenDialog(QDialog):
    """The float for a new shift; Enter opens the shift."""

    def __init__(self, parent: QWidget | None, manager: ShiftManager, operator: str) -> None:
        super().__init__(parent)
        self.manager, self.operator = manager, operator
        self.record: ShiftRecord | None = None
        self._task: asyncio.Task[None] | None = None
        self.setWindowTitle(self.tr("Open a shift"))
        lay = QVBoxLayout(self)
        title = QLabel(self.tr("Shift of {who}").format(who=operator), self)
        title.setFont(_big(20))
        lay.addWidget(title)
        form = QFormLayout()
        self.float_edit = QLineEdit("0.00", self)
        self.float_edit.setFont(_big(28))
        self.float_edit.selectAll()
        form.addRow(self.tr("Float in the drawer (¥)"), self.float_edit)
        lay.addLayout(form)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c62828")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton(self.tr("Open the shift (Enter)"),
                                    QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setDefault(True)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.float_edit.setFocus()

    def _submit(self) -> None:
        value = _amount(self.float_edit.text())
        if value is None:
            self.error.setText(self.tr("Enter the float as an amount, e.g. 200 or 200.50."))
            return
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.get_event_loop().create_task(self._open(value))

    async def _open(self, value: Decimal) -> None:
        self.ok.setEnabled(False)
        try:
            self.record = await self.manager.open_shift(self.operator, value)
        except ShiftError as exc:
            self.error.setText(str(exc))
            self.ok.setEnabled(True)
            return
        self.accept()


class ShiftCloseDialog(QDialog):
    """The blind count, then the report.

    The report is prepared (journal and cross-check) while the attendant counts; none of its
    figures is on screen before the count is entered.
    """

    def __init__(self, parent: QWidget | None, manager: ShiftManager, closed_by: str = "") -> None:
        super().__init__(parent)
        self.manager, self.closed_by = manager, closed_by
        self.report: ShiftReport | None = None
        self.view: ShiftReportView | None = None
        self._task: asyncio.Task[None] | None = None
        self.setWindowTitle(self.tr("Close the shift"))
        self.resize(1000, 700)
        lay = QVBoxLayout(self)
        self.pages = QStackedWidget(self)
        lay.addWidget(self.pages)
        # page 1: the count
        count = QWidget(self.pages)
        cl = QVBoxLayout(count)
        head = QLabel(self.tr("Count the cash in the drawer"), count)
        head.setFont(_big(22))
        cl.addWidget(head)
        cl.addWidget(QLabel(self.tr("Enter the total counted, or the number of notes and coins of "
                                    "each value. The expected amount is shown after the count."),
                            count))
        form = QFormLayout()
        self.total = QLineEdit(count)
        self.total.setFont(_big(30))
        self.total.setPlaceholderText(self.tr("total in yuan"))
        form.addRow(self.tr("Counted cash (¥)"), self.total)
        cl.addLayout(form)
        grid = QGridLayout()
        self.denoms: dict[str, QSpinBox] = {}
        for i, d in enumerate(DENOMINATIONS):
            box = QSpinBox(count)
            box.setRange(0, 100000)
            box.setFont(_big(16))
            box.valueChanged.connect(self._denominations_changed)
            grid.addWidget(QLabel(f"¥{d} ×", count), i // 4, (i % 4) * 2)
            grid.addWidget(box, i // 4, (i % 4) * 2 + 1)
            self.denoms[d] = box
        cl.addLayout(grid)
        self.error = QLabel(count)
        self.error.setStyleSheet("color: #c62828")
        self.error.setFont(_big(12))
        cl.addWidget(self.error)
        cl.addStretch(1)
        buttons = QDialogButtonBox(count)
        self.close_button = buttons.addButton(self.tr("Close the shift (Enter)"),
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setDefault(True)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        cl.addWidget(buttons)
        self.pages.addWidget(count)
        self.total.setFocus()
        self._prepared: asyncio.Task[ShiftReport] = asyncio.get_event_loop().create_task(
            manager.prepare_close(), name="shift-prepare")
        self._prepared.add_done_callback(_log_failure)

    def counted(self) -> tuple[Decimal, dict[str, int]] | None:
        """The count entered: total and denominations (``None``: not an amount)."""
        denominations = {d: b.value() for d, b in self.denoms.items() if b.value()}
        if denominations:
            return count_total(denominations), denominations
        value = _amount(self.total.text())
        return (value, {}) if value is not None else None

    def _denominations_changed(self) -> None:
        denominations = {d: b.value() for d, b in self.denoms.items() if b.value()}
        self.total.setReadOnly(bool(denominations))
        if denominations:
            self.total.setText(f"{count_total(denominations):.2f}")

    def _submit(self) -> None:
        if self.report is not None:
            self.accept()
            return
        count = self.counted()
        if count is None:
            self.error.setText(self.tr("Enter the counted cash as an amount (e.g. 1250 or "
                                       "1250.50), or count by denomination."))
            self.total.setFocus()
            return
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.get_event_loop().create_task(self._close(*count))

    async def _close(self, counted: Decimal, denominations: dict[str, int]) -> None:
        self.close_button.setEnabled(False)
        self.error.setText(self.tr("Comparing with the parking server's records…"))
        try:
            prepared = await self._prepared
            report = await self.manager.close_shift(prepared, counted, denominations=denominations,
                                                    closed_by=self.closed_by)
        except ShiftError as exc:
            self.error.setText(str(exc))
            self.close_button.setEnabled(True)
            if self._prepared.done() and self._prepared.exception() is not None:
                self._prepared = asyncio.get_event_loop().create_task(
                    self.manager.prepare_close(), name="shift-prepare")
                self._prepared.add_done_callback(_log_failure)
            return
        self.show_report(report)

    def show_report(self, report: ShiftReport) -> None:
        """Show the report (the shift is closed)."""
        self.report = report
        self.view = ShiftReportView(report, self.pages)
        self.pages.addWidget(self.view)
        self.pages.setCurrentWidget(self.view)
        self.setWindowTitle(self.tr("Shift report"))
        self.view.browser.setFocus()

    def reject(self) -> None:
        """Esc: cancel the count (the shift stays open), or close the report."""
        if self.report is not None:
            self.accept()
            return
        if not self._prepared.done():
            self._prepared.cancel()
        super().reject()


def _log_failure(task: asyncio.Task[ShiftReport]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("shift report not prepared: %s", task.exception())


async def _await_dialog(dialog: QDialog) -> int:
    fut: asyncio.Future[int] = asyncio.get_event_loop().create_future()

    def done(code: int) -> None:
        if not fut.done():
            fut.set_result(code)

    dialog.finished.connect(done)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return await fut


async def close_shift_dialog(parent: QWidget | None, manager: ShiftManager,
                             closed_by: str = "") -> ShiftReport | None:
    """Run the cash-up; the report once the shift is closed (``None``: cancelled)."""
    dialog = ShiftCloseDialog(parent, manager, closed_by)
    try:
        await _await_dialog(dialog)
        return dialog.report
    finally:
        dialog.deleteLater()


async def open_shift_dialog(parent: QWidget | None, manager: ShiftManager,
                            operator: str) -> ShiftRecord | None:
    """Ask for the float and open a shift; the shift (``None``: cancelled)."""
    dialog = ShiftOpenDialog(parent, manager, operator)
    try:
        await _await_dialog(dialog)
        return dialog.record
    finally:
        dialog.deleteLater()
