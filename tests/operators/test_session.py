"""The operator session on the console's loop: sign-on, lock and unlock (by the operator or a
supervisor), sign-off, approval, whether a command may run, the idle lock, and the Qt thread
kept free while Argon2 checks a password."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent

from booth_console.app.operator_session import (
    LockReason,
    NotASupervisor,
    Operator,
    OperatorSession,
    OperatorState,
    Permission,
    UnlockRefused,
    WrongState,
)
from booth_console.operators import (
    FREE_FAILURES,
    AccountDisabled,
    AccountExists,
    Operators,
    Role,
    TooManyAttempts,
    WrongPassword,
)
from tests.operators.conftest import FAST


@dataclass(frozen=True)
class Flags:
    """A command's declaration, as far as the session reads it."""

    needs_approval: bool = False


PLAIN, NEEDS_APPROVAL = Flags(), Flags(needs_approval=True)


def _store(tmp_path: Path) -> Operators:
    store = Operators(tmp_path / "operators.sqlite3", hasher=FAST)
    store.add("boss", "admin", "boss-pass")
    store.add("zhang", "supervisor", "zhang-pass")
    store.add("li", "attendant", "li-pass-1")
    store.add("wang", "attendant", "wang-pass")
    return store


def _session(tmp_path: Path, **kw: Any) -> tuple[OperatorSession, list[OperatorState]]:
    session = OperatorSession(_store(tmp_path), **kw)
    seen: list[OperatorState] = []
    session.changed.connect(seen.append)
    return session, seen


def test_sign_on_lock_unlock_sign_off(loop: Any, tmp_path: Path) -> None:
    session, seen = _session(tmp_path)
    li = Operator("li", Role.ATTENDANT)

    async def scenario() -> None:
        assert session.can_run(PLAIN) is Permission.SIGNED_OFF
        with pytest.raises(WrongPassword):
            await session.sign_on("li", "not-it")
        assert session.operator is None and seen == []
        assert await session.sign_on("LI", "li-pass-1") == li
        assert seen[-1] == OperatorState(li, li, None)
        assert session.can_run(PLAIN) is Permission.ALLOWED
        assert session.can_run(NEEDS_APPROVAL) is Permission.APPROVAL_NEEDED
        with pytest.raises(WrongState):
            await session.sign_on("wang", "wang-pass")  # one operator at a time

        session.lock()
        assert seen[-1] == OperatorState(li, li, LockReason.MANUAL)
        assert session.can_run(PLAIN) is Permission.LOCKED
        with pytest.raises(WrongPassword):
            await session.unlock("li", "not-it")
        assert session.locked
        assert await session.unlock("li", "li-pass-1") == li
        assert not session.locked and session.can_run(PLAIN) is Permission.ALLOWED

        session.sign_off()
        assert seen[-1] == OperatorState()
        assert session.can_run(PLAIN) is Permission.SIGNED_OFF
        assert await session.sign_on("wang", "wang-pass") == Operator("wang", Role.ATTENDANT)

    loop.run_until_complete(scenario())
    session.close()


def test_a_supervisor_unlocks_and_acts_another_attendant_cannot(loop: Any, tmp_path: Path) -> None:
    session, seen = _session(tmp_path)
    li, zhang = Operator("li", Role.ATTENDANT), Operator("zhang", Role.SUPERVISOR)

    async def scenario() -> None:
        await session.sign_on("li", "li-pass-1")
        session.lock()
        # another attendant is refused before any password is checked: even a wrong one
        # does not count against wang
        with pytest.raises(UnlockRefused) as refused:
            await session.unlock("wang", "wrong-password")
        assert refused.value.operator == "li"
        assert session.operators.get("wang").failures == 0
        with pytest.raises(WrongPassword):
            await session.unlock("nobody", "whatever")
        assert session.locked

        assert await session.unlock("Zhang", "zhang-pass") == zhang
        assert seen[-1] == OperatorState(li, zhang, None)  # the shift stays li's
        assert session.can_run(NEEDS_APPROVAL) is Permission.ALLOWED  # approves their own
        session.lock()
        assert await session.unlock("li", "li-pass-1") == li
        assert seen[-1] == OperatorState(li, li, None)
        assert session.can_run(NEEDS_APPROVAL) is Permission.APPROVAL_NEEDED
        with pytest.raises(WrongState):
            await session.unlock("li", "li-pass-1")  # not locked

    loop.run_until_complete(scenario())
    session.close()


def test_approval_needs_a_supervisors_password(loop: Any, tmp_path: Path) -> None:
    session, _seen = _session(tmp_path)

    async def scenario() -> None:
        await session.sign_on("li", "li-pass-1")
        with pytest.raises(NotASupervisor):
            await session.approve("wang", "wang-pass")
        with pytest.raises(WrongPassword):
            await session.approve("zhang", "not-it")
        assert await session.approve("zhang", "zhang-pass") == Operator("zhang", Role.SUPERVISOR)
        assert await session.approve("boss", "boss-pass") == Operator("boss", Role.ADMIN)
        assert session.acting == Operator("li", Role.ATTENDANT)  # approving is not taking over

    loop.run_until_complete(scenario())
    session.close()


def test_disabled_and_waiting_accounts_cannot_sign_on(loop: Any, tmp_path: Path) -> None:
    session, seen = _session(tmp_path)
    session.operators.set_disabled("wang")

    async def scenario() -> None:
        with pytest.raises(AccountDisabled):
            await session.sign_on("wang", "wang-pass")
        for _ in range(FREE_FAILURES):
            with pytest.raises(WrongPassword):
                await session.sign_on("li", "guess")
        with pytest.raises(TooManyAttempts):
            await session.sign_on("li", "li-pass-1")
        assert session.wait_s("li") > 0
        assert seen == [] and session.operator is None

    loop.run_until_complete(scenario())
    session.close()


def test_first_admin_on_a_fresh_installation(loop: Any, tmp_path: Path) -> None:
    session = OperatorSession(Operators(tmp_path / "operators.sqlite3", hasher=FAST))

    async def scenario() -> None:
        assert session.needs_first_admin()
        who = await session.create_first_admin("王芳", "first-pass")
        assert who == Operator("王芳", Role.ADMIN) == session.operator
        assert not session.needs_first_admin()
        session.sign_off()
        with pytest.raises(AccountExists):
            await session.create_first_admin("someone", "other-pass")

    loop.run_until_complete(scenario())
    session.close()


class _Target(QObject):
    """Receives the key presses of the test."""


def test_the_console_locks_itself_after_idle_time_and_input_postpones_it(
        loop: Any, qapp: Any, tmp_path: Path) -> None:
    session, seen = _session(tmp_path, lock_after_idle_s=0.6)
    session.watch_input(qapp)
    target = _Target()

    def press() -> None:
        QCoreApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A,
                                                     Qt.KeyboardModifier.NoModifier, "a"))

    async def scenario() -> None:
        await session.sign_on("li", "li-pass-1")
        started = time.monotonic()
        while time.monotonic() - started < 1.5:  # typing every 0.2 s for 1.5 s
            press()
            idle_from = time.monotonic()
            await asyncio.sleep(0.2)
            assert not session.locked
        while not session.locked and time.monotonic() - idle_from < 5:
            await asyncio.sleep(0.02)
        assert seen[-1].locked is LockReason.IDLE
        assert 0.55 <= time.monotonic() - idle_from < 1.5
        # locked: no timer runs; unlocking starts the count again
        await session.unlock("li", "li-pass-1")
        await asyncio.sleep(0.3)
        assert not session.locked
        session.sign_off()
        await asyncio.sleep(0.8)
        assert seen[-1] == OperatorState()  # signed off: nothing to lock

    loop.run_until_complete(scenario())
    session.close()
    press()  # the filter is gone: nothing happens


def test_the_qt_thread_keeps_running_while_a_password_is_checked(
        loop: Any, tmp_path: Path) -> None:
    store = Operators(tmp_path / "operators.sqlite3")  # the real Argon2 parameters
    store.add("li", "attendant", "li-pass-1")
    session = OperatorSession(store)
    gaps: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        last = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    async def scenario() -> float:
        stop = asyncio.Event()
        tick = asyncio.ensure_future(ticker(stop))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await session.sign_on("li", "li-pass-1")
        took = time.monotonic() - started
        stop.set()
        await tick
        return took

    took = loop.run_until_complete(scenario())
    session.close()
    assert took > 0.1  # Argon2 did real work ...
    assert max(gaps) < 0.1, f"the loop stalled {max(gaps) * 1000:.0f} ms"  # ... elsewhere


def test_passwords_stay_out_of_the_log_with_asyncio_debugging_on(
        loop: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    session, _seen = _session(tmp_path)

    async def scenario() -> None:
        asyncio.get_running_loop().set_debug(True)  # as a supporter chasing a hang would
        try:
            await session.sign_on("li", "li-pass-1")
            session.lock()
            await session.unlock("li", "li-pass-1")
            await session.approve("zhang", "zhang-pass")
        finally:
            asyncio.get_running_loop().set_debug(False)

    import logging

    with caplog.at_level(logging.DEBUG):
        loop.run_until_complete(scenario())
    text = caplog.text
    assert "li-pass-1" not in text and "zhang-pass" not in text
    session.close()
