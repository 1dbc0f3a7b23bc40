"""The Operators dialog: an admin lists, adds and changes operator accounts at the console.

Keyboard first: the list of accounts (name, role, enabled) has the focus; the form below it
(name, role, password twice) is reached with Tab, and Enter in the second password field adds
the account. Reset password, Disable/Enable and Change role act on the selected account (the new
password typed twice in the same fields; the role chosen in the role box). Every change runs on
a worker thread of its own (Argon2 takes a few tenths of a second); refusals of the accounts file (the last
admin, a name that exists, a short password) are shown in the dialog as they are. Passwords are
never logged, and the password fields are cleared after each attempt.

The dialog closes itself when the console is locked or someone other than an admin acts.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from booth_console.app.operator_session import OperatorSession, OperatorState
from booth_console.operators import Account, AccountExists, OperatorError, Role
from booth_console.ui.operator_reasons import reason_text
from booth_console.ui.widgets import async_slot, big_font, set_text_color

__all__ = ["OperatorsDialog"]

log = logging.getLogger("booth_console.ui")


class OperatorsDialog(QDialog):
    """Manage the operator accounts of ``session`` (for an admin).

    Attributes:
        table: the accounts, one row each (name, role, enabled).
        message: the last refusal or confirmation.
        busy: a change is being written.
    """

    def __init__(self, session: OperatorSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = False
        self._accounts: list[Account] = []
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._closed = False
        self.setWindowTitle(self.tr("Operators"))
        self.setFont(big_font(15, bold=False))
        root = QVBoxLayout(self)

        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Role"),
                                              self.tr("Enabled")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the form
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_selection)
        root.addWidget(self.table, 1)

        form = QFormLayout()
        self.name = QLineEdit(self)
        self.name.setMaxLength(32)
        self.role = QComboBox(self)
        for role in Role:
            self.role.addItem(self._role_text(role), role)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.returnPressed.connect(self.add)
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("R&ole:"), self.role)
        form.addRow(self.tr("&Password:"), self.password)
        form.addRow(self.tr("Pass&word again:"), self.repeat)
        root.addLayout(form)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add"), self)
        self.add_button.clicked.connect(self.add)
        self.reset_button = QPushButton(self.tr("&Reset password"), self)
        self.reset_button.clicked.connect(self.reset_password)
        self.disable_button = QPushButton(self.tr("&Disable"), self)
        self.disable_button.clicked.connect(self.toggle_disabled)
        self.role_button = QPushButton(self.tr("&Change role"), self)
        self.role_button.clicked.connect(self.change_role)
        for b in (self.add_button, self.reset_button, self.disable_button, self.role_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        root.addLayout(buttons)

        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        root.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        root.addWidget(close)

        self.setTabOrder(self.table, self.name)
        self.setTabOrder(self.name, self.role)
        self.setTabOrder(self.role, self.password)
        self.setTabOrder(self.password, self.repeat)
        session.changed.connect(self._on_session)
        self.resize(640, 520)
        self.refresh()
        self.table.setFocus()

    # -- rendering --

    def _role_text(self, role: Role) -> str:
        return {Role.ATTENDANT: self.tr("attendant"), Role.SUPERVISOR: self.tr("supervisor"),
                Role.ADMIN: self.tr("admin")}[role]

    def refresh(self, select: str | None = None) -> None:
        """Read the accounts again and list them (``select``: the name to select)."""
        chosen = self.selected()
        current = select or (chosen.name if chosen is not None else None)
        try:
            self._accounts = self.session.operators.accounts()
        except OperatorError as exc:
            self._show(self.tr("The accounts cannot be read: {error}").format(error=exc), False)
            return
        self.table.setRowCount(len(self._accounts))
        for row, acc in enumerate(self._accounts):
            enabled = self.tr("no (disabled)") if acc.disabled else self.tr("yes")
            for col, text in enumerate((acc.name, self._role_text(acc.role), enabled)):
                self.table.setItem(row, col, QTableWidgetItem(text))
            if current is not None and acc.name.casefold() == current.casefold():
                self.table.selectRow(row)
        if self.selected() is None and self._accounts:
            self.table.selectRow(0)
        self._on_selection()

    def selected(self) -> Account | None:
        """The selected account."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self._accounts):
            return None
        return self._accounts[rows[0].row()]

    def _on_selection(self) -> None:
        acc = self.selected()
        self.disable_button.setText(self.tr("&Enable") if acc is not None and acc.disabled
                                    else self.tr("&Disable"))
        for b in (self.reset_button, self.disable_button, self.role_button):
            b.setEnabled(acc is not None and not self.busy)
        self.add_button.setEnabled(not self.busy)

    def _show(self, text: str, ok: bool) -> None:
        self.message.setText(text)
        set_text_color(self.message, "" if ok else "#c62828")

    def _on_session(self, state: OperatorState) -> None:
        """Only an admin at an unlocked console manages accounts."""
        if state.locked is not None or state.acting is None or not state.acting.role.can_manage:
            self.reject()

    # -- changes --

    def _passwords(self) -> str | None:
        """The password typed twice, or ``None`` (and a message) when the two differ."""
        password, repeat = self.password.text(), self.repeat.text()
        self.password.clear()
        self.repeat.clear()
        if password != repeat:
            self._show(self.tr("The two passwords differ: type the same password twice."), False)
            self.password.setFocus()
            return None
        return password

    async def _run(self, fn: Callable[..., Any], *args: Any, done: str,
                   select: str | None = None) -> bool:
        """Run ``fn(*args)`` on a worker thread; show ``done`` or the refusal."""
        if self.busy:
            return False
        self.busy = True
        self._on_selection()
        error: OperatorError | None = None
        try:
            # submitted to our own thread, not through loop.run_in_executor: an event loop in
            # debug mode logs the arguments of what it runs there, and one is a password
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(
                    1, thread_name_prefix="operators-dialog")
            await asyncio.wrap_future(self._pool.submit(fn, *args))
        except OperatorError as exc:
            error = exc
        finally:
            self.busy = False
        if self._closed:  # the dialog was closed (and may be deleted) meanwhile
            return False
        if error is not None:
            self._show(self.tr("An account with this name exists already.")
                       if isinstance(error, AccountExists)
                       else self.tr("Refused: {reason}").format(reason=reason_text(error)), False)
            self._on_selection()
            return False
        self._show(done, True)
        self.refresh(select)
        return True

    @async_slot
    async def add(self) -> None:
        """Add the account of the form (name, role, password twice)."""
        if self.busy:
            return
        name, role = self.name.text().strip(), Role(self.role.currentData())
        password = self._passwords()
        if password is None:
            return
        if await self._run(self.session.operators.add, name, role, password, select=name,
                           done=self.tr("Account {name} added.").format(name=name)):
            log.info("operator account %s added (%s) by %s", name, role.value, self._admin())
            self.name.clear()
            self.table.setFocus()
        else:
            self.name.setFocus()

    @async_slot
    async def reset_password(self) -> None:
        """Give the selected account the password typed twice."""
        acc = self.selected()
        if acc is None or self.busy:
            return
        password = self._passwords()
        if password is None:
            return
        if await self._run(self.session.operators.set_password, acc.name, password,
                           done=self.tr("New password set for {name}.").format(name=acc.name)):
            log.info("password of operator %s reset by %s", acc.name, self._admin())

    @async_slot
    async def toggle_disabled(self) -> None:
        """Disable the selected account, or enable it again."""
        acc = self.selected()
        if acc is None or self.busy:
            return
        disable = not acc.disabled
        done = (self.tr("{name} is disabled.") if disable
                else self.tr("{name} is enabled.")).format(name=acc.name)
        if await self._run(self.session.operators.set_disabled, acc.name, disable, done=done):
            log.info("operator %s %s by %s", acc.name, "disabled" if disable else "enabled",
                     self._admin())

    @async_slot
    async def change_role(self) -> None:
        """Give the selected account the role chosen in the role box."""
        acc = self.selected()
        if acc is None or self.busy:
            return
        role = Role(self.role.currentData())
        done = self.tr("{name} is now {role}.").format(name=acc.name, role=self._role_text(role))
        if await self._run(self.session.operators.set_role, acc.name, role, done=done):
            log.info("operator %s made %s by %s", acc.name, role.value, self._admin())

    def _admin(self) -> str:
        acting = self.session.acting
        return acting.name if acting is not None else "?"

    def keyPressEvent(self, event: Any) -> None:
        """Enter in a line edit must not close the dialog."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        """Stop following the session, and forget the typed passwords."""
        with contextlib.suppress(RuntimeError, TypeError):
            self.session.changed.disconnect(self._on_session)
        self._closed = True
        self.password.clear()
        self.repeat.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=False)  # a change in progress finishes on its own
            self._pool = None
        super().done(result)
