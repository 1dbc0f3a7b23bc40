"""Who works the console: sign-on, lock, unlock, sign-off, the idle lock, and whether a command
may run now.

:class:`OperatorSession` holds the operator who signed on (the shift's operator) and the one
*acting* at the keyboard: the same person, or a supervisor who unlocked the console in the
operator's absence. While the console is locked the lanes stay visible and the listener, polling
and pending payments carry on; only commands are refused (:meth:`OperatorSession.can_run`).
Passwords are checked by :class:`~booth_console.operators.Operators` on the session's own worker
thread (Argon2 takes a few tenths of a second), never on the Qt thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QInputEvent

from booth_console.operators import (
    Account,
    BadInput,
    NoSuchAccount,
    OperatorError,
    Operators,
    Role,
    SignOnRefused,
)

__all__ = [
    "CommandFlags",
    "LockReason",
    "NotASupervisor",
    "Operator",
    "OperatorSession",
    "OperatorState",
    "Permission",
    "UnlockRefused",
    "WrongState",
]

log = logging.getLogger("booth_console.operators")

T = TypeVar("T")

#: events that count as the operator being at the console
_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
})


@dataclass(frozen=True)
class Operator:
    """A signed-on operator."""

    name: str
    role: Role

    @classmethod
    def of(cls, account: Account) -> Operator:
        """The operator of an account."""
        return cls(account.name, account.role)


class LockReason(enum.Enum):
    """Why the console is locked."""

    MANUAL = "manual"  #: Ctrl+L, or the lock button
    IDLE = "idle"  #: no key or click for ``[booth] lock_after_idle_min``


@dataclass(frozen=True)
class OperatorState:
    """The session as the windows render it.

    Attributes:
        operator: who signed on (``None``: nobody; the console shows the sign-on screen).
        acting: who works the console now: the operator, or a supervisor who unlocked it.
        locked: why it is locked, or ``None``.
    """

    operator: Operator | None = None
    acting: Operator | None = None
    locked: LockReason | None = None

    @property
    def signed_on(self) -> bool:
        """Someone is signed on (locked or not)."""
        return self.operator is not None


class Permission(enum.Enum):
    """The answer of :meth:`OperatorSession.can_run`."""

    ALLOWED = "allowed"
    #: the command needs a supervisor's password (the acting operator is an attendant)
    APPROVAL_NEEDED = "approval_needed"
    LOCKED = "locked"
    SIGNED_OFF = "signed_off"

    @property
    def allowed(self) -> bool:
        """The command may run now, without asking anyone."""
        return self is Permission.ALLOWED


class CommandFlags(Protocol):
    """What :meth:`OperatorSession.can_run` reads of a declared command."""

    @property
    def needs_approval(self) -> bool:
        """A supervisor must approve it."""
        ...


class WrongState(OperatorError):
    """The call does not fit the session's state (e.g. a sign-on while someone is signed on)."""


class UnlockRefused(SignOnRefused):
    """The name given may not unlock the console (neither its operator nor a supervisor).

    Attributes:
        operator: the signed-on operator's name.
    """

    def __init__(self, name: str, operator: str) -> None:
        super().__init__(f"only {operator} or a supervisor can unlock the console", name)
        self.operator = operator


class NotASupervisor(SignOnRefused):
    """An approval was given with an attendant's account."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not a supervisor", name)


class OperatorSession(QObject):
    """Who is signed on, whether the console is locked, and the idle lock.

    Args:
        operators: the accounts.
        lock_after_idle_s: lock after this many seconds without a key or click (0: never;
            the console passes ``[booth] lock_after_idle_min`` * 60); input is seen once
            :meth:`watch_input` is called.
        clock: monotonic seconds (for tests).

    Signals:
        changed(OperatorState): after every sign-on, lock, unlock and sign-off.
    """

    changed = Signal(object)

    def __init__(self, operators: Operators, *, lock_after_idle_s: float = 0.0,
                 clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.operators = operators
        self._state = OperatorState()
        self._clock = clock
        self._idle_s = max(0.0, lock_after_idle_s)
        self._last_input = clock()
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._idle_check)
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._watched: QCoreApplication | None = None

    # -- state --

    @property
    def state(self) -> OperatorState:
        """The current state."""
        return self._state

    @property
    def operator(self) -> Operator | None:
        """Who signed on."""
        return self._state.operator

    @property
    def acting(self) -> Operator | None:
        """Who works the console now."""
        return self._state.acting

    @property
    def locked(self) -> bool:
        """Whether the console is locked."""
        return self._state.locked is not None

    @property
    def idle_lock_s(self) -> float:
        """Seconds without input before the console locks itself (0: never)."""
        return self._idle_s

    def needs_first_admin(self) -> bool:
        """A fresh installation: no account exists, the first admin must be created.

        Raises:
            OperatorsFileError: the accounts file cannot be read.
        """
        return not self.operators.has_accounts()

    def wait_s(self, name: str) -> float:
        """Seconds before ``name`` may try a password again (for the sign-on screen's count)."""
        try:
            return self.operators.wait_s(name)
        except OperatorError:
            return 0.0

    def can_run(self, command: CommandFlags) -> Permission:
        """Whether ``command`` may run now: signed on, not locked, and approved if it needs it
        (a supervisor or admin at the keyboard approves their own commands)."""
        state = self._state
        if state.operator is None or state.acting is None:
            return Permission.SIGNED_OFF
        if state.locked is not None:
            return Permission.LOCKED
        if command.needs_approval and not state.acting.role.can_approve:
            return Permission.APPROVAL_NEEDED
        return Permission.ALLOWED

    # -- changes --

    async def sign_on(self, name: str, password: str) -> Operator:
        """Sign ``name`` on.

        Raises:
            WrongState: someone is signed on already.
            BadInput: no name or no password.
            SignOnRefused: wrong password, a wait after wrong passwords, a disabled account.
            OperatorsFileError: the accounts file cannot be read or written.
        """
        self._require(signed_on=False)
        _require_input(name, password)
        account = await self._in_worker(self.operators.verify, name, password)
        self._require(signed_on=False)  # nobody else signed on meanwhile
        who = Operator.of(account)
        self._set(OperatorState(who, who, None))
        return who

    async def create_first_admin(self, name: str, password: str) -> Operator:
        """On a fresh installation: create the first admin and sign them on.

        Raises:
            WrongState: someone is signed on.
            AccountExists: an account exists already.
            BadInput: the name or password is not acceptable.
        """
        self._require(signed_on=False)
        account = await self._in_worker(self.operators.add_first_admin, name, password)
        self._require(signed_on=False)
        who = Operator.of(account)
        self._set(OperatorState(who, who, None))
        return who

    def lock(self, reason: LockReason = LockReason.MANUAL) -> None:
        """Lock the console (nothing happens when nobody is signed on or it is locked)."""
        state = self._state
        if state.operator is None or state.locked is not None:
            return
        log.info("console locked (%s; %s at the keyboard)", reason.value,
                 state.acting.name if state.acting else "")
        self._set(OperatorState(state.operator, state.acting, reason))

    async def unlock(self, name: str, password: str) -> Operator:
        """Unlock: the signed-on operator, or a supervisor or admin (who then acts until the
        console is locked again and the operator unlocks it).

        Raises:
            WrongState: the console is not locked.
            BadInput: no name or no password.
            UnlockRefused: ``name`` is another attendant (the password is not checked).
            SignOnRefused: wrong password, a wait, a disabled account.
        """
        self._require(locked=True)
        _require_input(name, password)
        operator = self._state.operator
        assert operator is not None
        try:
            known: Account | None = self.operators.get(name)
        except NoSuchAccount:
            known = None  # verify says "wrong name or password", as for any unknown name
        if known is not None and known.name != operator.name and not known.role.can_approve:
            raise UnlockRefused(known.name, operator.name)
        account = await self._in_worker(self.operators.verify, name, password)
        who = Operator.of(account)
        if who.name != operator.name and not who.role.can_approve:  # role changed meanwhile
            raise UnlockRefused(who.name, operator.name)
        if self._state.locked is None or self._state.operator != operator:
            return who  # unlocked or signed off in another window meanwhile
        log.info("console unlocked by %s", who.name)
        self._set(OperatorState(operator, who, None))
        return who

    async def approve(self, name: str, password: str) -> Operator:
        """Check a supervisor's (or admin's) password for a command that needs approval.

        Raises:
            BadInput: no name or no password.
            NotASupervisor: the password is right but the account is an attendant's.
            SignOnRefused: wrong password, a wait, a disabled account.
        """
        _require_input(name, password)
        account = await self._in_worker(self.operators.verify, name, password)
        if not account.role.can_approve:
            raise NotASupervisor(account.name)
        log.info("approval given by %s", account.name)
        return Operator.of(account)

    def sign_off(self) -> None:
        """Sign the operator off (the console shows the sign-on screen)."""
        if self._state.operator is None:
            return
        log.info("operator %s signed off", self._state.operator.name)
        self._set(OperatorState())

    # -- idle lock --

    def watch_input(self, app: QCoreApplication) -> None:
        """See every key press and click of ``app`` (an event filter) for the idle lock."""
        if self._watched is not None:
            return
        app.installEventFilter(self)
        self._watched = app

    def note_activity(self) -> None:
        """The operator did something (also called by the event filter)."""
        self._last_input = self._clock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note input for the idle lock; never consumes an event."""
        # isinstance first: it is cheap, and almost every event is something else (timers,
        # paints, posted calls); this runs for every event of the application
        if isinstance(event, QInputEvent) and event.type() in _INPUT_EVENTS:
            self._last_input = self._clock()
        return False

    def _idle_check(self) -> None:
        if self._state.operator is None or self._state.locked is not None or not self._idle_s:
            return
        idle = self._clock() - self._last_input
        if idle >= self._idle_s:
            self.lock(LockReason.IDLE)
        else:
            self._idle_timer.start(max(50, int((self._idle_s - idle) * 1000) + 1))

    def _arm_idle(self) -> None:
        if self._state.operator is not None and self._state.locked is None and self._idle_s:
            self.note_activity()
            self._idle_timer.start(int(self._idle_s * 1000))
        else:
            self._idle_timer.stop()

    # -- plumbing --

    def _set(self, state: OperatorState) -> None:
        self._state = state
        self._arm_idle()
        self.changed.emit(state)

    def _require(self, *, signed_on: bool | None = None, locked: bool | None = None) -> None:
        state = self._state
        if signed_on is False and state.operator is not None:
            raise WrongState(f"{state.operator.name} is signed on; sign off first")
        if locked is True and state.locked is None:
            raise WrongState("the console is not locked")

    async def _in_worker(self, fn: Callable[..., T], *args: str) -> T:
        if self._pool is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="operators")
        # submitted to the pool directly: the loop's run_in_executor (qasync) logs its arguments
        # (the password) when asyncio debugging is on
        return await asyncio.wrap_future(self._pool.submit(fn, *args))

    def close(self) -> None:
        """Stop the idle timer, the input filter and the worker thread (a check in progress
        finishes on its own)."""
        self._idle_timer.stop()
        if self._watched is not None:
            self._watched.removeEventFilter(self)
            self._watched = None
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _require_input(name: str, password: str) -> None:
    if not name.strip():
        raise BadInput("enter a name")
    if not password:
        raise BadInput("enter a password")
