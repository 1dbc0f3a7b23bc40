"""The attendant's dialogs: payment, fee override, no-plate entry and its result.

Every dialog works from the keyboard: the first field has focus, Tab moves on in the order the
eye reads, Enter accepts (the OK button is the default) and Escape cancels. They are opened with
``open()`` and awaited through :func:`booth_console.ui.widgets.run_dialog`, never ``exec()``; they
are window-modal to their lane window, so the other lanes stay usable. Every title and header
names the lane, and shows the plate and the fee the dialog acts on (:class:`Subject`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeyEvent, QKeySequence, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from booth_console.app.booth import TypeChoice
from booth_console.app.commands import read_amount
from booth_console.app.messages import Level, Message, MessageBus
from booth_console.app.snapshots import OrderSnapshot
from booth_console.config import DEFAULT_PAYMENT_METHOD_KEYS
from booth_console.ui.widgets import BigLabel, big_font

__all__ = [
    "DEFAULT_METHOD_KEYS",
    "HistoryWindow",
    "ManualOpenDialog",
    "MethodPicker",
    "NoPlateDialog",
    "NoPlateResultDialog",
    "OverrideDialog",
    "PaymentDialog",
    "ReasonListDialog",
    "SettleDialog",
    "Subject",
    "yuan",
]

log = logging.getLogger("booth_console.ui.dialogs")

#: payment methods on the number keys 1-9 of the payment dialog, in this order
DEFAULT_METHOD_KEYS: tuple[str, ...] = DEFAULT_PAYMENT_METHOD_KEYS


def yuan(value: Decimal | None) -> str:
    """An amount for the screen: ``¥12.50``."""
    if value is None:
        return "—"
    return f"¥{value:.2f}"


def _tr(text: str) -> str:
    return QCoreApplication.translate("Dialogs", text)


@dataclass(frozen=True)
class Subject:
    """What a dialog acts on: the lane, and the plate and fee waiting there."""

    lane_name: str
    lane_no: str
    plate: str = ""
    fee: Decimal | None = None

    def title(self, action: str) -> str:
        """``action`` with the lane, for a window title."""
        return _tr("{action} · {lane} (lane {no})").format(
            action=action, lane=self.lane_name, no=self.lane_no)

    def header(self) -> str:
        """Lane, plate and fee on one line."""
        parts = [_tr("{lane} (lane {no})").format(lane=self.lane_name, no=self.lane_no)]
        parts.append(self.plate or _tr("no plate"))
        if self.fee is not None:
            parts.append(yuan(self.fee))
        return " · ".join(parts)


_amount = read_amount  # the dialogs check range and decimals themselves, with their own words


class _Base(QDialog):
    """Title and header naming the lane, a form, an error line and OK/Cancel.

    ``submit`` (optional) runs when the input is valid: the dialog stays open, its buttons
    disabled, until it returns; an error text is shown in the dialog (nothing is retyped), ``""``
    closes the dialog as accepted.
    """

    def __init__(self, parent: QWidget | None, action: str, subject: Subject) -> None:
        super().__init__(parent)
        self.subject = subject
        self.setWindowTitle(subject.title(action))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setFont(big_font(16, bold=False))
        self.setMinimumWidth(620)
        self.submit: Callable[[], Awaitable[str]] | None = None
        self._submitting: asyncio.Task[None] | None = None
        self.header = QLabel(subject.header(), self)
        self.header.setObjectName("dialogHeader")
        self.header.setFont(big_font(20))
        self.header.setWordWrap(True)
        self.header.setStyleSheet("QLabel#dialogHeader { background: #263238; color: #ffffff;"
                                  " padding: 6px 10px; border-radius: 4px; }")
        self.action = QLabel(action, self)
        self.action.setFont(big_font(18))
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
        self.lay.addWidget(self.header)
        self.lay.addWidget(self.action)
        self.lay.addLayout(self.form)
        self.lay.addWidget(self.error)
        self.lay.addWidget(self.buttons)

    def validate(self) -> str:
        """An error text, or ``""`` when the input can be accepted."""
        return ""

    def _clear_error_on_edit(self, *edits: QLineEdit) -> None:
        """A validation error goes away as soon as the attendant edits the input."""
        for edit in edits:
            edit.textEdited.connect(lambda _t: self.error.clear())

    def _try_accept(self) -> None:
        if self._submitting is not None:
            return
        problem = self.validate()
        self.error.setText(problem)
        if problem:
            return
        if self.submit is None:
            self.accept()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.accept()
            return
        self._submitting = loop.create_task(self._run_submit(self.submit))
        self._submitting.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def _run_submit(self, submit: Callable[[], Awaitable[str]]) -> None:
        self.buttons.setEnabled(False)
        self.error.setStyleSheet("color: #6d4c00;")
        self.error.setText(_tr("Sending…"))
        try:
            problem = await submit()
        except Exception as exc:  # reported in the dialog, never lost
            log.exception("dialog submit failed")
            problem = str(exc)
        finally:
            self._submitting = None
            self.buttons.setEnabled(True)
            self.error.setStyleSheet("color: #c62828;")
        self.error.setText(problem)
        if not problem:
            self.accept()


_QUIET = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
                    Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Left, Qt.Key.Key_Right})


class _NoArrowCombo(QComboBox):
    """A combo box that never changes its choice silently: arrow keys, typing and the mouse
    wheel do nothing; Space, F4 or Alt+Down open the list, where arrows choose."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if key in _QUIET and not (alt and key == Qt.Key.Key_Down):
            event.accept()
            return
        text = event.text()
        if text and text.isprintable() and text != " ":
            event.ignore()  # no type-ahead search (the dialog may use the key)
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()


class MethodPicker(QWidget):
    """Payment methods: the common ones on the number keys 1-9, every other one in a list.

    It takes the focus first in the payment dialog; a number key chooses and moves on to the
    amount received. Arrow keys change nothing.

    Signals:
        chosen(): a method was chosen with a number key.
    """

    chosen = Signal()

    def __init__(self, language: str, keys: Sequence[str], current: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from booth_console.protocol.enums import PaymentMethod

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        known = {pm.value: pm for pm in PaymentMethod}
        self.keys = [k for k in keys if k in known][:9]
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.key_buttons: list[QToolButton] = []
        for i, code in enumerate(self.keys):
            btn = QToolButton(self)
            btn.setText(f"{i + 1}  {known[code].display_name(language)}")
            btn.setCheckable(True)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            btn.setFont(big_font(16))
            btn.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            btn.setMinimumHeight(38)
            btn.setStyleSheet("QToolButton:checked { background: #1565c0; color: white; }")
            btn.clicked.connect(lambda _c=False, n=i: self.choose_key(n + 1))
            self.group.addButton(btn, i)
            grid.addWidget(btn, i // 3, i % 3)
            self.key_buttons.append(btn)
        self.other = _NoArrowCombo(self)
        self.other.setToolTip(_tr("All methods: Space opens the list"))
        for pm in PaymentMethod:
            self.other.addItem(f"{pm.value}  {pm.display_name(language)}", pm.value)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(grid)
        row = QHBoxLayout()
        row.addWidget(QLabel(_tr("Other:"), self))
        row.addWidget(self.other, 1)
        lay.addLayout(row)
        self.other.currentIndexChanged.connect(self._from_list)
        self.set_code(current)

    @property
    def code(self) -> str:
        """The chosen PaymentMethod code."""
        return str(self.other.currentData())

    def set_code(self, code: str) -> None:
        """Choose ``code`` (ignored if unknown)."""
        i = self.other.findData(code)
        if i >= 0:
            self.other.setCurrentIndex(i)
            self._from_list(i)

    def choose_key(self, n: int) -> bool:
        """Choose the method on number key ``n``; ``False`` if there is none."""
        if not 1 <= n <= len(self.keys):
            return False
        self.set_code(self.keys[n - 1])
        self.chosen.emit()
        return True

    def _from_list(self, _index: int) -> None:
        code = self.code
        for i, btn in enumerate(self.key_buttons):
            btn.setChecked(self.keys[i] == code)
        if code not in self.keys:
            checked = self.group.checkedButton()
            if checked is not None:  # an exclusive group keeps one checked: lift that rule briefly
                self.group.setExclusive(False)
                checked.setChecked(False)
                self.group.setExclusive(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and len(text) == 1 and self.choose_key(int(text)):
            event.accept()
            return
        if Qt.Key(event.key()) in _QUIET:
            event.accept()  # arrows never change the method
            return
        super().keyPressEvent(event)


def offline_banner(parent: QWidget, text: str) -> QLabel:
    """A warning that the server cannot be reached, in white on dark red (not only colour: the
    text starts with OFFLINE)."""
    label = QLabel(text, parent)
    label.setObjectName("offlineBanner")
    label.setWordWrap(True)
    label.setFont(big_font(15))
    label.setStyleSheet("QLabel#offlineBanner { background: #b71c1c; color: #ffffff;"
                        " padding: 6px 10px; border-radius: 4px; }")
    return label


class PaymentDialog(_Base):
    """Method first (number keys for the common ones), then amount received, change, remarks.

    ``received``, ``method`` and ``remarks`` pre-fill the dialog (the payment is taken again after
    the amount due changed: what the attendant typed is kept, the change is computed anew).
    ``offline`` (the server cannot be reached; the text says as of when the order and fee are
    known): an offline cash payment, the method fixed to cash and a warning saying what happens.
    """

    def __init__(self, parent: QWidget | None, order: OrderSnapshot, language: str = "en", *,
                 subject: Subject | None = None, received: Decimal | None = None,
                 method: str = "79001", remarks: str = "", note: str = "",
                 method_keys: Sequence[str] = DEFAULT_METHOD_KEYS, offline: str = "") -> None:
        subject = subject or Subject("", "", order.plate, order.amount_due)
        super().__init__(parent, self.tr("Offline cash payment") if offline
                         else self.tr("Confirm payment"), subject)
        self.order = order
        self.due = order.amount_due
        due = BigLabel(48, yuan(self.due), self)
        due.setStyleSheet("color: #b71c1c;")
        self.plate = BigLabel(28, order.plate or "—", self)
        self.form.addRow(self.tr("Plate"), self.plate)
        self.form.addRow(self.tr("Amount due"), due)
        self.method = MethodPicker(language, method_keys, method, self)
        self.received = QLineEdit(f"{received if received is not None else self.due:.2f}", self)
        self.received.setFont(big_font(28))
        self.change = BigLabel(28, yuan(Decimal(0)), self)
        self.remarks = QLineEdit(remarks, self)
        self.form.addRow(self.tr("Method"), self.method)
        self.form.addRow(self.tr("Amount received"), self.received)
        self.form.addRow(self.tr("Change"), self.change)
        self.form.addRow(self.tr("Remarks"), self.remarks)
        if note:
            self.note = QLabel(note, self)
            self.note.setWordWrap(True)
            self.note.setStyleSheet("color: #e65100;")
            self.lay.insertWidget(2, self.note)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        # the order the eye reads: method, received, remarks, OK, Cancel
        QWidget.setTabOrder(self.method, self.method.other)
        QWidget.setTabOrder(self.method.other, self.received)
        QWidget.setTabOrder(self.received, self.remarks)
        QWidget.setTabOrder(self.remarks, ok)
        QWidget.setTabOrder(ok, cancel)
        self.method.chosen.connect(self._to_received)
        self.offline: QLabel | None = None
        if offline:
            self.offline = offline_banner(self, offline)
            self.lay.insertWidget(1, self.offline)
            self.method.set_code("79001")  # offline: cash only
            self.method.setEnabled(False)
        else:
            for n in range(1, len(self.method.keys) + 1):  # Alt+number anywhere in the dialog
                sc = QShortcut(QKeySequence(f"Alt+{n}"), self)
                sc.activated.connect(lambda n=n: self.method.choose_key(n))
        self.received.textChanged.connect(self._update_change)
        self._clear_error_on_edit(self.received, self.remarks)
        if offline:
            self._to_received()
            self._fit_banner(self.offline)
        else:
            self.method.setFocus()
        self._update_change()

    def _fit_banner(self, banner: QLabel | None) -> None:
        """A wrapped banner gets the height its text needs (dialogs size before wrapping)."""
        if banner is not None:
            width = max(self.minimumWidth(), self.sizeHint().width()) - 24
            banner.setMinimumHeight(banner.heightForWidth(width))

    def _to_received(self) -> None:
        self.received.setFocus()
        self.received.selectAll()

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
        return self.method.code


class _ReasonDialog(_Base):
    """A dialog whose reason (``self.reason``) can be typed or picked from preset reasons."""

    reason: QLineEdit

    def _add_presets(self, reasons: Sequence[str]) -> None:
        """``self.presets``: the preset reasons; picking one fills in the reason."""
        self.presets = _NoArrowCombo(self)
        self.presets.addItem(self.tr("— choose a preset reason (Space) —"), "")
        for text in reasons:
            self.presets.addItem(text, text)
        self.presets.setEnabled(bool(reasons))
        self.presets.activated.connect(self._preset)

    def _preset(self, index: int) -> None:
        text = str(self.presets.itemData(index) or "")
        if text:
            self.reason.setText(text)
            self.error.clear()
            self.reason.setFocus()


class OverrideDialog(_ReasonDialog):
    """A new, lower fee (yuan) and the reason (required; presets from the settings).

    Checked in the dialog before anything is sent (a number, at most two decimals, strictly below
    the fee shown, a reason); with ``submit`` set, a refusal by the server is shown here too.
    """

    def __init__(self, parent: QWidget | None, order: OrderSnapshot, *,
                 subject: Subject | None = None, reasons: Sequence[str] = ()) -> None:
        subject = subject or Subject("", "", order.plate, order.amount_due)
        super().__init__(parent, self.tr("Fee override"), subject)
        self.current = order.amount_due
        self.form.addRow(self.tr("Plate"), BigLabel(28, order.plate or "—", self))
        self.form.addRow(self.tr("Fee shown"), BigLabel(36, yuan(self.current), self))
        self.amount = QLineEdit(self)
        self.amount.setFont(big_font(28))
        self.amount.setPlaceholderText(self.tr("new amount in yuan, below the fee shown"))
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("required"))
        self._add_presets(reasons)
        if reasons:
            completer = QCompleter(list(reasons), self.reason)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.reason.setCompleter(completer)
        self.form.addRow(self.tr("New fee (¥)"), self.amount)
        self.form.addRow(self.tr("Reason"), self.reason)
        self.form.addRow(self.tr("Preset reasons"), self.presets)
        self._clear_error_on_edit(self.amount, self.reason)
        self.amount.setFocus()

    def validate(self) -> str:
        raw = self.amount.text().strip()
        value = _amount(raw)
        if not raw or value is None:
            return self.tr("Enter the new fee in yuan.")
        if value < 0:
            return self.tr("The new fee cannot be negative.")
        if value != value.quantize(Decimal("0.01")):
            return self.tr("At most two decimals (fen).")
        if value >= self.current:
            return self.tr("The new fee must be less than the fee shown ({fee}).").format(
                fee=yuan(self.current))
        if not self.reason.text().strip():
            return self.tr("A reason is required.")
        return ""

    @property
    def new_amount(self) -> Decimal:
        """The new fee (yuan)."""
        return _amount(self.amount.text()) or Decimal(0)


class ManualOpenDialog(_ReasonDialog):
    """The server cannot be reached: open the barrier with its manual switch, then record why.

    OK means "I opened it with the manual switch"; a reason is required (presets or text).
    Nothing is sent to the parking server, now or later.
    """

    def __init__(self, parent: QWidget | None, subject: Subject, *, warning: str,
                 reasons: Sequence[str] = (), reason: str = "") -> None:
        super().__init__(parent, self.tr("Manual opening"), subject)
        self.warning = offline_banner(self, warning)
        self.lay.insertWidget(1, self.warning)
        width = max(self.minimumWidth(), self.sizeHint().width()) - 24
        self.warning.setMinimumHeight(self.warning.heightForWidth(width))
        self.reason = QLineEdit(reason, self)
        self.reason.setPlaceholderText(self.tr("required"))
        self._add_presets(reasons)
        self.form.addRow(self.tr("Preset reasons"), self.presets)
        self.form.addRow(self.tr("Reason"), self.reason)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("I opened it with the manual switch"))
        self._clear_error_on_edit(self.reason)
        QWidget.setTabOrder(self.presets, self.reason)
        if reason:
            self.reason.setFocus()
        else:
            self.presets.setFocus()

    def validate(self) -> str:
        if not self.reason.text().strip():
            return self.tr("A reason is required.")
        return ""


class _ReasonList(QListWidget):
    """The reasons of a :class:`ReasonListDialog`: arrows or the number keys 1-9 choose."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and text != "0" and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            row = int(text) - 1
            if row < self.count():
                self.setCurrentRow(row)
            return
        super().keyPressEvent(event)


class ReasonListDialog(_Base):
    """A reason chosen from a list (arrows or 1-9; required) and the attendant's own words
    (optional, except for the reasons in ``explain``). Enter accepts, Esc cancels."""

    def __init__(self, parent: QWidget | None, subject: Subject, action: str, detail: str,
                 reasons: Sequence[str], *, ok_text: str = "",
                 explain: Sequence[str] = ()) -> None:
        super().__init__(parent, action, subject)
        self.explain = set(explain)
        self.detail = QLabel(detail, self)
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("QLabel { background: #fff3e0; color: #4e2600; padding: 6px; }")
        self.lay.insertWidget(2, self.detail)
        self.reasons = _ReasonList(self)
        self.reasons.setFont(big_font(18))
        for n, text in enumerate(reasons, 1):
            item_text = f"{n}  {text}" if n <= 9 else text
            self.reasons.addItem(item_text)
            self.reasons.item(self.reasons.count() - 1).setData(Qt.ItemDataRole.UserRole, text)
        self.reasons.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        rows = max(1, min(len(reasons), 6))
        self.reasons.setMinimumHeight(rows * (self.reasons.fontMetrics().height() + 10))
        self.reasons.itemSelectionChanged.connect(self.error.clear)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(self.tr("optional"))
        self.form.addRow(self.tr("Reason (1-9)"), self.reasons)
        self.form.addRow(self.tr("Your words"), self.text)
        self._clear_error_on_edit(self.text)
        if ok_text:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        QWidget.setTabOrder(self.reasons, self.text)
        self.reasons.setFocus()

    @property
    def reason(self) -> str:
        """The reason chosen (``""``: none)."""
        items = self.reasons.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else ""

    def validate(self) -> str:
        if not self.reason:
            return self.tr("Choose a reason (arrows or 1-9).")
        if self.reason in self.explain and not self.text.text().strip():
            return self.tr("Say why in your own words.")
        return ""


class SettleDialog(_Base):
    """Close an offline payment that needs review without sending it: how it was settled."""

    def __init__(self, parent: QWidget | None, subject: Subject, detail: str) -> None:
        super().__init__(parent, self.tr("Settle offline payment"), subject)
        text = QLabel(detail, self)
        text.setWordWrap(True)
        self.lay.insertWidget(2, text)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("e.g. the driver paid the difference; supervisor"))
        self.form.addRow(self.tr("How it was settled"), self.note)
        self._clear_error_on_edit(self.note)
        self.note.setFocus()

    def validate(self) -> str:
        if not self.note.text().strip():
            return self.tr("Say how the difference was settled.")
        return ""


class NoPlateDialog(_Base):
    """Vehicle type and plate type from the server's lists, and remarks."""

    def __init__(self, parent: QWidget | None, subject: Subject, vehicle_types: Sequence[TypeChoice],
                 plate_types: Sequence[TypeChoice], prefix: str) -> None:
        super().__init__(parent, self.tr("No-plate entry"), subject)
        self.form.addRow(self.tr("Lane"), QLabel(subject.lane_name, self))
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

    def __init__(self, parent: QWidget | None, plate: str, order_no: str, msg: str,
                 subject: Subject | None = None) -> None:
        super().__init__(parent)
        subject = subject or Subject("", "", plate)
        self.setWindowTitle(subject.title(self.tr("No-plate entry created")))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        lay = QVBoxLayout(self)
        self.header = QLabel(subject.header(), self)
        self.header.setFont(big_font(20))
        lay.addWidget(self.header)
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




class HistoryWindow(QDialog):
    """The messages the attendant was shown, newest first: time, lane, level, text.

    Not modal: it stays open beside the lane (Ctrl+M opens it, Escape closes it) and new
    messages appear as they come. ``lane_no`` limits it to one lane (and the booth's warnings
    and errors); ``None`` shows every lane.
    """

    def __init__(self, parent: QWidget | None, bus: MessageBus, lane_no: str | None, title: str,
                 lane_names: Callable[[str], str] = str) -> None:
        super().__init__(parent)
        self.bus = bus
        self.lane_no = lane_no
        self.lane_names = lane_names
        self.setWindowTitle(title)
        self.setFont(big_font(15, bold=False))
        self.resize(900, 420)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("Lane"), self.tr("Level"), self.tr("Message")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        box.rejected.connect(self.close)
        lay.addWidget(box)
        for msg in bus.history:
            self.add(msg)
        bus.message.connect(self.add)

    def wants(self, msg: Message) -> bool:
        """Whether ``msg`` belongs in this history."""
        if msg.level is Level.BUSY:
            return False
        if self.lane_no is None or msg.lane_no == self.lane_no:
            return True
        return not msg.lane_no and msg.level in (Level.ERROR, Level.WARNING, Level.SUCCESS)

    def level_text(self, level: Level) -> str:
        """The level in words (colour is never the only signal)."""
        return {
            Level.INFO: self.tr("Info"), Level.SUCCESS: self.tr("Done"),
            Level.WARNING: self.tr("Warning"), Level.ERROR: self.tr("Error"),
            Level.BUSY: self.tr("Working"),
        }[level]

    def add(self, msg: Message) -> None:
        """Show ``msg`` at the top (if it belongs here)."""
        if not self.wants(msg):
            return
        self.table.insertRow(0)
        lane = self.lane_names(msg.lane_no) if msg.lane_no else self.tr("Booth")
        cells = (f"{msg.at:%H:%M:%S}", lane, self.level_text(msg.level), msg.text)
        colour = {Level.ERROR: "#b71c1c", Level.WARNING: "#e65100", Level.SUCCESS: "#1b5e20"}
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if msg.level in colour:
                item.setForeground(QColor(colour[msg.level]))
            self.table.setItem(0, col, item)
        if self.table.rowCount() > 1000:
            self.table.setRowCount(1000)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The table's texts, top row first."""
        out = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in range(4)]
            t = tuple(c.text() if c is not None else "" for c in cells)
            out.append((t[0], t[1], t[2], t[3]))
        return out

    def closeEvent(self, event: QCloseEvent) -> None:
        self.hide()
        event.ignore()
