"""The sign-on screen, the lock overlay and "create the first admin", over an
:class:`~booth_console.app.operator_session.OperatorSession`.

All three are one form (:class:`SignOnForm`) in three modes: name and password in large type,
Enter moves on and submits, Escape clears the password, and every refusal is said plainly in the
form (including how long to wait after wrong passwords, counted down). The password is checked
on the session's worker thread; the form stays responsive and shows "Checking…" meanwhile.

* :class:`SignOnScreen`: the window the console starts on; on a fresh installation (no account)
  it asks for the first admin instead.
* :class:`LockOverlay`: covers a window while the console is locked (its content stays visible
  through a veil) or nobody is signed on; the operator or a supervisor unlocks it there.
* :func:`lock_shortcut`: Ctrl+L, application-wide.

Keys typed into the form's fields never reach the window's shortcuts (F1..F12 and the like do
nothing while a password is typed); commands are refused by the session anyway
(:meth:`OperatorSession.can_run`).
"""

from __future__ import annotations

import enum
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from booth_console.app.operator_session import (
    LockReason,
    NotASupervisor,
    OperatorSession,
    OperatorState,
    UnlockRefused,
    WrongState,
)
from booth_console.operators import (
    MAX_NAME_LEN,
    MAX_PASSWORD_LEN,
    MIN_PASSWORD_LEN,
    AccountDisabled,
    AccountExists,
    BadInput,
    OperatorError,
    OperatorsFileError,
    Role,
    TooManyAttempts,
    WrongPassword,
)
from booth_console.ui.operator_reasons import reason_text
from booth_console.ui.widgets import async_slot, big_font, set_text_color

__all__ = [
    "ApprovalDialog", "FormMode", "LockOverlay", "SignOnForm", "SignOnScreen", "lock_shortcut",
]

log = logging.getLogger("booth_console.ui")

_ERROR_COLOR = "#c62828"
_VEIL = QColor(38, 50, 56, 190)  # the booth window's header colour, see-through


class FormMode(enum.Enum):
    """What the form does on submit."""

    SIGN_ON = "sign_on"
    UNLOCK = "unlock"
    FIRST_ADMIN = "first_admin"
    APPROVE = "approve"  #: a supervisor approves a command (:class:`ApprovalDialog`)


class _Field(QLineEdit):
    """A line edit that keeps plain keys (F1..F12 included) from the window's shortcuts."""

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent):
            mods = e.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                    | Qt.KeyboardModifier.AltModifier
                                    | Qt.KeyboardModifier.MetaModifier)
            if not mods:
                e.accept()
                return True
        return super().event(e)


class SignOnForm(QFrame):
    """Name and password (and the password again for the first admin), a big button and a
    plain error line.

    Signals:
        done(Operator): signed on, unlocked, or the first admin created and signed on.
    """

    done = Signal(object)

    def __init__(self, session: OperatorSession, mode: FormMode = FormMode.SIGN_ON,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.mode = mode
        self.busy = False
        #: APPROVE mode: checks the name and password, returns the approver's name or raises
        #: an ``OperatorError`` (see :meth:`Asker.approve`); the approval's action and why
        self.approve_with: Callable[[str, str], Awaitable[str]] | None = None
        self.approve_action = ""
        self.approve_detail = ""
        self.setObjectName("signOnCard")
        self.setStyleSheet("QFrame#signOnCard { background: #fafafa; border-radius: 10px; }")
        self.setMinimumWidth(560)
        self.setMaximumWidth(720)
        self.title = QLabel("", self)
        self.title.setFont(big_font(32))
        self.hint = QLabel("", self)
        self.hint.setFont(big_font(17, bold=False))
        self.hint.setWordWrap(True)
        self.name = _Field(self)
        self.password = _Field(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = _Field(self)
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        for edit in (self.name, self.password, self.again):
            edit.setFont(big_font(26, bold=False))
            edit.setMinimumHeight(48)
            edit.textEdited.connect(self._edited)
        self.name.setMaxLength(MAX_NAME_LEN)
        self.password.setMaxLength(MAX_PASSWORD_LEN)
        self.again.setMaxLength(MAX_PASSWORD_LEN)
        self.name.returnPressed.connect(self._name_entered)
        self.password.returnPressed.connect(self._password_entered)
        self.again.returnPressed.connect(self.submit)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setVerticalSpacing(14)
        self.name_label = QLabel(self.tr("Operator"), self)
        self.password_label = QLabel(self.tr("Password"), self)
        self.again_label = QLabel(self.tr("Password again"), self)
        for label in (self.name_label, self.password_label, self.again_label):
            label.setFont(big_font(20, bold=False))
        self.form.addRow(self.name_label, self.name)
        self.form.addRow(self.password_label, self.password)
        self.form.addRow(self.again_label, self.again)
        self.button = QPushButton("", self)
        self.button.setFont(big_font(22))
        self.button.setMinimumHeight(56)
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.submit)
        self.error = QLabel("", self)
        self.error.setFont(big_font(18))
        self.error.setWordWrap(True)
        self.error.setMinimumHeight(30)
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        set_text_color(self.error, _ERROR_COLOR)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(36, 28, 36, 28)
        lay.setSpacing(14)
        lay.addWidget(self.title)
        lay.addWidget(self.hint)
        lay.addLayout(self.form)
        lay.addWidget(self.button)
        lay.addWidget(self.error)
        # the count-down after too many wrong passwords
        self._wait_name = ""
        self._wait_until = 0.0
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        self.set_mode(mode)

    # -- modes --

    def set_mode(self, mode: FormMode) -> None:
        """Show the form for ``mode``, with the name filled in when unlocking."""
        self.mode = mode
        state = self.session.state
        first = mode is FormMode.FIRST_ADMIN
        self.again.setVisible(first)
        self.again_label.setVisible(first)
        if mode is FormMode.SIGN_ON:
            self.title.setText(self.tr("Sign on"))
            self.hint.setText(self.tr("Enter your operator name and password."))
            self.button.setText(self.tr("Sign on (Enter)"))
        elif mode is FormMode.UNLOCK:
            self.title.setText(self.tr("Locked"))
            who = state.operator
            if who is not None:
                text = (self.tr("Locked after {n} min without input.").format(
                    n=round(self.session.idle_lock_s / 60)) + "\n"
                    if state.locked is LockReason.IDLE else "")
                text += self.tr("{name} ({role}) is signed on. {name} or a supervisor can unlock "
                                "the console.").format(name=who.name, role=self.role_name(who.role))
                self.hint.setText(text)
                if not self.name.text():
                    self.name.setText(who.name)
            self.button.setText(self.tr("Unlock (Enter)"))
        elif mode is FormMode.APPROVE:
            self.title.setText(self.tr("Supervisor approval"))
            hint = self.tr("{action} needs a supervisor's approval. The supervisor enters "
                           "their name and password.").format(action=self.approve_action)
            self.hint.setText(f"{self.approve_detail}\n{hint}" if self.approve_detail else hint)
            self.button.setText(self.tr("Approve (Enter)"))
        else:
            self.title.setText(self.tr("Create the first administrator"))
            self.hint.setText(self.tr(
                "No operator accounts exist yet. Create the administrator's account; the "
                "administrator then adds the other operators."))
            self.button.setText(self.tr("Create and sign on (Enter)"))
        self.error.clear()
        self.focus_first()

    def focus_first(self) -> None:
        """Focus the name, or the password when the name is filled in."""
        (self.password if self.name.text().strip() else self.name).setFocus()

    def role_name(self, role: Role) -> str:
        """A role in the UI's language."""
        return {Role.ATTENDANT: self.tr("attendant"), Role.SUPERVISOR: self.tr("supervisor"),
                Role.ADMIN: self.tr("administrator")}[role]

    # -- keys --

    def _name_entered(self) -> None:
        if not self.name.text().strip():
            self.show_error(self.tr("Enter your operator name."))
        elif not self.password.text():
            self.password.setFocus()
        else:
            self.submit()

    def _password_entered(self) -> None:
        if self.mode is FormMode.FIRST_ADMIN and not self.again.text():
            self.again.setFocus()
        else:
            self.submit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape clears the passwords and the message."""
        if event.key() == Qt.Key.Key_Escape:
            if self.mode is FormMode.APPROVE and not self.password.text():
                event.ignore()  # the approval dialog cancels
                return
            self.clear_passwords()
            self.error.clear()
            self.focus_first()
            return
        super().keyPressEvent(event)

    def _edited(self, _text: str) -> None:
        if self.sender() is self.name and self._wait_name:
            self._countdown.stop()
            self._wait_name = ""
        if not self._wait_name:
            self.error.clear()

    # -- submitting --

    def validate(self) -> str:
        """What is missing or wrong in the input (``""``: nothing)."""
        name, password = self.name.text().strip(), self.password.text()
        if not name:
            return self.tr("Enter your operator name.")
        if not password:
            return self.tr("Enter your password.")
        if self.mode is FormMode.FIRST_ADMIN:
            if len(password) < MIN_PASSWORD_LEN:
                return self.tr("The password needs at least {n} characters.").format(
                    n=MIN_PASSWORD_LEN)
            if not password.strip():
                return self.tr("The password cannot be only spaces.")
            if self.again.text() != password:
                return self.tr("The two passwords differ. Type them again.")
        return ""

    def submit(self) -> None:
        """Check the input and run the mode's action (once at a time)."""
        if self.busy:
            return
        problem = self.validate()
        if problem:
            self.show_error(problem)
            if self.mode is FormMode.FIRST_ADMIN and self.password.text() and self.again.text():
                self.clear_passwords()  # too short or different: both are typed again
            self.focus_first()
            return
        self._set_busy(True)  # at once: a second Enter before the check starts does nothing
        self._run()

    @async_slot
    async def _run(self) -> None:
        name, password = self.name.text().strip(), self.password.text()
        who: object
        try:
            if self.mode is FormMode.SIGN_ON:
                who = await self.session.sign_on(name, password)
            elif self.mode is FormMode.UNLOCK:
                who = await self.session.unlock(name, password)
            elif self.mode is FormMode.APPROVE:
                assert self.approve_with is not None
                who = await self.approve_with(name, password)
            else:
                who = await self.session.create_first_admin(name, password)
        except OperatorError as exc:
            self._set_busy(False)
            self._refused(exc)
            return
        self._set_busy(False)
        self.clear_passwords()
        self.error.clear()
        if self.mode not in (FormMode.UNLOCK, FormMode.APPROVE):
            self.name.clear()
        self.done.emit(who)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for w in (self.name, self.password, self.again, self.button):
            w.setEnabled(not busy)
        if busy:
            set_text_color(self.error, "")
            self.error.setText(self.tr("Checking…"))
        else:
            set_text_color(self.error, _ERROR_COLOR)

    def _refused(self, exc: OperatorError) -> None:
        self.clear_passwords()
        if isinstance(exc, TooManyAttempts | WrongPassword) and exc.wait_s > 0:
            self._wait_name, self._wait_until = exc.name, time.monotonic() + exc.wait_s
            self._tick()
            self._countdown.start()
        elif isinstance(exc, WrongPassword):
            self.show_error(self.tr("Wrong operator name or password."))
        elif isinstance(exc, AccountDisabled):
            self.show_error(self.tr("The account {name} is disabled. Ask an administrator.")
                            .format(name=exc.name))
        elif isinstance(exc, UnlockRefused):
            self.show_error(self.tr("Only {operator} or a supervisor can unlock the console.")
                            .format(operator=exc.operator))
        elif isinstance(exc, NotASupervisor):
            self.show_error(self.tr("{name} is not a supervisor.").format(name=exc.name))
        elif isinstance(exc, AccountExists) and self.mode is FormMode.FIRST_ADMIN:
            self.set_mode(FormMode.SIGN_ON)
            self.show_error(self.tr("An administrator account exists already: sign on with it."))
        elif isinstance(exc, WrongState):
            self.show_error(self.tr("Someone else signed on meanwhile."))
        elif isinstance(exc, BadInput):
            log.info("sign-on input refused: %s", exc)  # never contains the password
            self.show_error(self.tr("This name or password cannot be used: {reason}.")
                            .format(reason=reason_text(exc)))
        elif isinstance(exc, OperatorsFileError):
            log.error("operator accounts: %s", exc)
            self.show_error(self.tr("The operator accounts cannot be read. The details are in "
                                    "the log."))
        else:
            log.error("sign-on failed: %s", exc)
            self.show_error(self.tr("Sign-on failed. The details are in the log."))
        self.focus_first()

    def _tick(self) -> None:
        left = self._wait_until - time.monotonic()
        if left <= 0:
            self._countdown.stop()
            self.show_error(self.tr("{name} can try again now.").format(name=self._wait_name))
            self._wait_name = ""
            return
        self.show_error(self.tr("Too many wrong passwords. {name} can try again in {time}.")
                        .format(name=self._wait_name, time=self.duration(left)))

    def duration(self, seconds: float) -> str:
        """``seconds`` (rounded up) as "2 min 5 s" in the UI's language."""
        s = max(1, math.ceil(seconds))
        if s < 60:
            return self.tr("{s} s").format(s=s)
        return self.tr("{m} min {s} s").format(m=s // 60, s=s % 60)

    def show_error(self, text: str) -> None:
        """Say what went wrong, in the form."""
        set_text_color(self.error, _ERROR_COLOR)
        self.error.setText(text)

    def clear_passwords(self) -> None:
        """Empty the password fields."""
        self.password.clear()
        self.again.clear()


class SignOnScreen(QWidget):
    """The window the console starts on: the sign-on form on the booth's dark background, or
    "create the first administrator" when no account exists yet.

    Signals:
        signed_on(Operator): someone signed on (the window may close).
    """

    signed_on = Signal(object)

    def __init__(self, session: OperatorSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Booth Console · Sign on"))
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor("#263238"))
        self.setPalette(pal)
        self.heading = QLabel(self.tr("Booth Console"), self)
        self.heading.setFont(big_font(40))
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.keys = QLabel(self.tr("Enter: next field and sign on · Esc: clear the password"), self)
        self.keys.setFont(big_font(15, bold=False))
        self.keys.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_text_color(self.heading, "#ffffff")
        set_text_color(self.keys, "#cfd8dc")
        self.form = SignOnForm(session, _signed_off_mode(session), self)
        self.form.done.connect(self.signed_on)
        lay = QVBoxLayout(self)
        lay.addStretch(2)
        lay.addWidget(self.heading)
        lay.addSpacing(18)
        lay.addWidget(self.form, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addSpacing(12)
        lay.addWidget(self.keys)
        lay.addStretch(3)
        self.resize(1024, 700)

    def showEvent(self, event: Any) -> None:
        """The cursor starts in the first empty field."""
        super().showEvent(event)
        self.form.focus_first()


class LockOverlay(QWidget):
    """Covers ``window`` while the console is locked or nobody is signed on; what is under it
    stays visible through a veil, nothing under it can be clicked.

    Locked, it asks for the operator's (or a supervisor's) password; signed off, it is the
    sign-on form (or "create the first administrator" when there is no account yet).
    """

    def __init__(self, window: QWidget, session: OperatorSession) -> None:
        super().__init__(window)
        self.covered = window
        self.session = session
        self.setObjectName("lockOverlay")
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, _VEIL)
        self.setPalette(pal)
        self.form = SignOnForm(session, FormMode.UNLOCK, self)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.form, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(1)
        window.installEventFilter(self)
        session.changed.connect(self._render)
        self._render(session.state)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the window's size."""
        if watched is self.covered and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.covered.rect())
        return False

    def _render(self, state: OperatorState) -> None:
        if state.operator is not None and state.locked is None:
            self.hide()
            return
        mode = FormMode.UNLOCK if state.operator is not None else _signed_off_mode(self.session)
        if mode is not self.form.mode or mode is FormMode.UNLOCK:
            self.form.name.clear()
            self.form.set_mode(mode)
        self.setGeometry(self.covered.rect())
        self.raise_()
        self.show()
        if self.window().isActiveWindow():
            self.form.focus_first()


class ApprovalDialog(QDialog):
    """A supervisor's name and password for a command, window-modal to the window that asked,
    in the same form as the sign-on (refusals and waits said in it; it stays open after a wrong
    password). Accepted once ``check`` approved; :attr:`approver` is then the approver's name.
    """

    def __init__(self, parent: QWidget, session: OperatorSession, action: str, detail: str,
                 check: Callable[[str, str], Awaitable[str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("{action}: supervisor approval").format(action=action))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.approver = ""
        self.form = SignOnForm(session, FormMode.SIGN_ON, self)
        self.form.approve_with = check
        self.form.approve_action = action
        self.form.approve_detail = detail
        self.form.set_mode(FormMode.APPROVE)
        self.form.done.connect(self._approved)
        cancel = QPushButton(self.tr("Cancel (Esc)"), self)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.form)
        lay.addWidget(cancel, 0, Qt.AlignmentFlag.AlignRight)

    def _approved(self, who: object) -> None:
        self.approver = str(who)
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape cancels (the form's own Escape clears the password first)."""
        if event.key() == Qt.Key.Key_Escape and not self.form.password.text():
            self.reject()
            return
        super().keyPressEvent(event)


def _signed_off_mode(session: OperatorSession) -> FormMode:
    """Sign on, or create the first administrator when there is no account yet."""
    try:
        return FormMode.FIRST_ADMIN if session.needs_first_admin() else FormMode.SIGN_ON
    except OperatorError as exc:  # said again in the form when a sign-on is tried
        log.error("operator accounts: %s", exc)
        return FormMode.SIGN_ON


def lock_shortcut(parent: QWidget, session: OperatorSession, key: str = "Ctrl+L") -> QShortcut:
    """``key`` locks the console from any of the application's windows."""
    sc = QShortcut(QKeySequence(key), parent)
    sc.setContext(Qt.ShortcutContext.ApplicationShortcut)
    sc.activated.connect(lambda: session.lock(LockReason.MANUAL))
    return sc
