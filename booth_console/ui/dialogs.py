"""The attendant's dialogs: payment, fee override, no-plate entry and its result.

Every dialog works from the keyboard: the first field has focus, Tab moves on, Enter accepts
(the OK button is the default) and Escape cancels. They are opened with ``open()`` and awaited
through :func:`booth_console.ui.widgets.run_dialog`, never ``exec()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from booth_console.app.booth import TypeChoice
from booth_console.app.snapshots import OrderSnapshot
from booth_console.ui.widgets import BigLabel, big_font

__all__ = ["NoPlateDialog", "NoPlateResultDialog", "OverrideDialog", "PaymentDialog", "yuan"]


def yuan(value: Decimal | None) -> str:
    """An amount for the screen: ``¥12.50``."""
    if value is None:
        return "—"
    return f"¥{value:.2f}"


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace("¥", "").replace("￥", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class _Base(QDialog):
    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setFont(big_font(16, bold=False))
        self.setMinimumWidth(620)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setDefault(True)
        ok.setAutoDefault(True)
        self.lay = QVBoxLayout(self)
        self.lay.addLayout(self.form)
        self.lay.addWidget(self.error)
        self.lay.addWidget(self.buttons)

    def validate(self) -> str:
        """An error text, or ``""`` when the input can be accepted."""
        return ""

    def _try_accept(self) -> None:
        problem = self.validate()
        self.error.setText(problem)
        if not problem:
            self.accept()


class PaymentDialog(_Base):
    """Amount due, payment method (default Offline Cash 79001), received, change, remarks."""

    def __init__(self, parent: QWidget | None, order: OrderSnapshot, language: str = "en") -> None:
        super().__init__(parent, self.tr("Confirm payment"))
        self.order = order
        self.due = order.amount_due
        due = BigLabel(48, yuan(self.due), self)
        due.setStyleSheet("color: #b71c1c;")
        self.form.addRow(self.tr("Plate"), BigLabel(28, order.plate or "—", self))
        self.form.addRow(self.tr("Amount due"), due)
        self.method = QComboBox(self)
        from booth_console.protocol.enums import PaymentMethod

        for pm in PaymentMethod:
            self.method.addItem(f"{pm.value}  {pm.display_name(language)}", pm.value)
        self.method.setCurrentIndex(max(0, self.method.findData("79001")))
        self.received = QLineEdit(f"{self.due:.2f}", self)
        self.received.setFont(big_font(28))
        self.received.selectAll()
        self.change = BigLabel(28, yuan(Decimal(0)), self)
        self.remarks = QLineEdit(self)
        self.form.addRow(self.tr("Amount received"), self.received)
        self.form.addRow(self.tr("Change"), self.change)
        self.form.addRow(self.tr("Method"), self.method)
        self.form.addRow(self.tr("Remarks"), self.remarks)
        self.received.textChanged.connect(self._update_change)
        self.received.setFocus()
        self._update_change()

    def _update_change(self) -> None:
        value = _amount(self.received.text())
        if value is None:
            self.change.setText("—")
        else:
            self.change.setText(yuan(max(Decimal(0), value - self.due)))

    def validate(self) -> str:
        value = _amount(self.received.text())
        if value is None:
            return self.tr("Enter the amount received.")
        if value < self.due:
            return self.tr("The amount received is less than the amount due.")
        return ""

    @property
    def received_amount(self) -> Decimal:
        """The amount received (yuan)."""
        return _amount(self.received.text()) or Decimal(0)

    @property
    def method_code(self) -> str:
        """The PaymentMethod code chosen."""
        return str(self.method.currentData())


class OverrideDialog(_Base):
    """A new, lower fee (yuan) and the reason (required)."""

    def __init__(self, parent: QWidget | None, order: OrderSnapshot) -> None:
        super().__init__(parent, self.tr("Fee override"))
        self.current = order.amount_due
        self.form.addRow(self.tr("Plate"), BigLabel(28, order.plate or "—", self))
        self.form.addRow(self.tr("Fee shown"), BigLabel(36, yuan(self.current), self))
        self.amount = QLineEdit(self)
        self.amount.setFont(big_font(28))
        self.amount.setPlaceholderText(self.tr("new amount in yuan, below the fee shown"))
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("required"))
        self.form.addRow(self.tr("New fee (¥)"), self.amount)
        self.form.addRow(self.tr("Reason"), self.reason)
        self.amount.setFocus()

    def validate(self) -> str:
        value = _amount(self.amount.text())
        if value is None:
            return self.tr("Enter the new fee in yuan.")
        if not self.reason.text().strip():
            return self.tr("A reason is required.")
        return ""  # the command checks "strictly below" before anything is sent

    @property
    def new_amount(self) -> Decimal:
        """The new fee (yuan)."""
        return _amount(self.amount.text()) or Decimal(0)


class NoPlateDialog(_Base):
    """Vehicle type and plate type from the server's lists, and remarks."""

    def __init__(self, parent: QWidget | None, lane_name: str, vehicle_types: Sequence[TypeChoice],
                 plate_types: Sequence[TypeChoice], prefix: str) -> None:
        super().__init__(parent, self.tr("No-plate entry"))
        self.form.addRow(self.tr("Lane"), QLabel(lane_name, self))
        self.form.addRow(self.tr("Virtual plate"),
                         QLabel(self.tr("generated: {prefix} + 6 characters").format(prefix=prefix), self))
        self.vehicle = QComboBox(self)
        for t in vehicle_types:
            self.vehicle.addItem(t.name, t.no)
        self.plate_type = QComboBox(self)
        for t in plate_types:
            self.plate_type.addItem(t.name, t.no)
        temp = next((i for i, t in enumerate(plate_types)
                     if "temp" in t.name.lower() or "临时" in t.name), 0)
        self.plate_type.setCurrentIndex(temp)
        self.remarks = QLineEdit(self)
        self.form.addRow(self.tr("Vehicle type"), self.vehicle)
        self.form.addRow(self.tr("Plate type"), self.plate_type)
        self.form.addRow(self.tr("Remarks"), self.remarks)
        self.vehicle.setFocus()

    def validate(self) -> str:
        if self.plate_type.count() == 0:
            return self.tr("The plate types have not been loaded from the parking server yet.")
        return ""

    @property
    def vehicle_type_no(self) -> str:
        """Chosen vehicle type number."""
        return str(self.vehicle.currentData() or "")

    @property
    def plate_type_no(self) -> str:
        """Chosen plate type number."""
        return str(self.plate_type.currentData() or "")


class NoPlateResultDialog(QDialog):
    """The virtual plate and the new OrderNo, large, to write on the ticket."""

    def __init__(self, parent: QWidget | None, plate: str, order_no: str, msg: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("No-plate entry created"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("Virtual plate"), self))
        self.plate = BigLabel(56, plate, self)
        lay.addWidget(self.plate)
        lay.addWidget(QLabel(self.tr("Order number"), self))
        self.order = BigLabel(30, order_no or "—", self)
        lay.addWidget(self.order)
        lay.addWidget(QLabel(msg, self))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        box.accepted.connect(self.accept)
        lay.addWidget(box)
        box.button(QDialogButtonBox.StandardButton.Ok).setFocus()
