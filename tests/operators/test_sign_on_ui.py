"""The sign-on screen, the lock overlay and "create the first administrator", driven by keyboard
offscreen, in English and Chinese."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QVBoxLayout, QWidget

from booth_console.app.i18n import install_translators
from booth_console.app.operator_session import LockReason, Operator, OperatorSession
from booth_console.operators import BASE_DELAY_S, FREE_FAILURES, Operators, Role
from booth_console.ui.sign_on import FormMode, LockOverlay, SignOnScreen, lock_shortcut
from tests.conftest import wait_signal
from tests.operators.conftest import FAST
from tests.ui.test_untranslated import _english_sources, _texts, _untranslated
from tests.ui.test_windows import activate


def _store(tmp_path: Path) -> Operators:
    store = Operators(tmp_path / "operators.sqlite3", hasher=FAST)
    store.add("zhang", "supervisor", "zhang-pass")
    store.add("li", "attendant", "li-pass-1")
    store.add("wang", "attendant", "wang-pass")
    return store


async def _until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def test_sign_on_by_keyboard_with_plain_errors(loop: Any, qtbot: Any, tmp_path: Path) -> None:
    session = OperatorSession(_store(tmp_path))
    screen = SignOnScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    form = screen.form
    assert form.mode is FormMode.SIGN_ON
    assert not form.again.isVisible()

    async def scenario() -> None:
        await activate(screen)
        assert form.name.hasFocus()
        qtbot.keyClick(form.name, Qt.Key.Key_Return)  # nothing typed: said so
        assert form.error.text() == "Enter your operator name."
        qtbot.keyClicks(form.name, "li")
        qtbot.keyClick(form.name, Qt.Key.Key_Return)  # Enter moves on to the password
        assert form.password.hasFocus()
        qtbot.keyClicks(form.password, "not-it")
        qtbot.keyClick(form.password, Qt.Key.Key_Return)
        await _until(lambda: not form.busy)
        assert form.error.text() == "Wrong operator name or password."
        assert form.password.text() == "" and form.password.hasFocus()
        assert form.name.text() == "li"  # kept
        # Escape clears what was typed and the message
        qtbot.keyClicks(form.password, "half")
        qtbot.keyClick(form.password, Qt.Key.Key_Escape)
        assert form.password.text() == "" and form.error.text() == ""

        got = asyncio.ensure_future(wait_signal(screen.signed_on, 5))
        qtbot.keyClicks(form.password, "li-pass-1")
        qtbot.keyClick(form.password, Qt.Key.Key_Return)
        assert await got == Operator("li", Role.ATTENDANT) == session.operator
        assert form.name.text() == "" and form.password.text() == "" and form.error.text() == ""

    loop.run_until_complete(scenario())
    session.close()


def test_the_wait_after_wrong_passwords_is_counted_down(
        loop: Any, qtbot: Any, tmp_path: Path) -> None:
    session = OperatorSession(_store(tmp_path))
    session.operators.set_disabled("wang")
    screen = SignOnScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    form = screen.form

    async def attempt(name: str, password: str) -> str:
        form.name.setText(name)
        form.password.setFocus()
        qtbot.keyClicks(form.password, password)
        qtbot.keyClick(form.password, Qt.Key.Key_Return)
        await _until(lambda: not form.busy)
        return str(form.error.text())

    async def scenario() -> None:
        assert await attempt("wang", "wang-pass") == ("The account wang is disabled. Ask an "
                                                      "administrator.")
        for _ in range(FREE_FAILURES - 1):
            assert await attempt("li", "guess-1") == "Wrong operator name or password."
        wait = int(BASE_DELAY_S)
        assert await attempt("li", "guess-2") == (f"Too many wrong passwords. li can try again "
                                                  f"in {wait} s.")
        await _until(lambda: str(wait - 1) in form.error.text(), 3)  # counting down
        # the right password is not even checked while li waits
        assert "li can try again in" in await attempt("li", "li-pass-1")
        assert session.operator is None
        # another name: the count-down stops, the other operator signs on
        qtbot.keyClicks(form.name, "x")
        assert form.error.text() == ""
        assert await attempt("zhang", "zhang-pass") == ""
        assert session.operator == Operator("zhang", Role.SUPERVISOR)

    loop.run_until_complete(scenario())
    session.close()


def test_checking_is_shown_while_argon2_works(loop: Any, qtbot: Any, tmp_path: Path) -> None:
    store = Operators(tmp_path / "operators.sqlite3")  # the real, slow parameters
    store.add("li", "attendant", "li-pass-1")
    session = OperatorSession(store)
    screen = SignOnScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    form = screen.form

    async def scenario() -> None:
        form.name.setText("li")
        form.password.setText("li-pass-1")
        got = asyncio.ensure_future(wait_signal(screen.signed_on, 10))
        qtbot.keyClick(form.password, Qt.Key.Key_Return)
        await _until(lambda: form.busy)
        assert form.error.text() == "Checking…"
        assert not form.password.isEnabled() and not form.button.isEnabled()
        qtbot.keyClick(form.button, Qt.Key.Key_Return)  # pressed again: nothing more happens
        await got
        assert form.password.isEnabled()

    loop.run_until_complete(scenario())
    session.close()


class _LaneWindow(QMainWindow):
    """A stand-in for a lane window: a button and an F4 shortcut that must not fire while locked."""

    def __init__(self) -> None:
        super().__init__()
        self.fired: list[str] = []
        body = QWidget(self)
        lay = QVBoxLayout(body)
        lay.addWidget(QLabel("粤BD2468  ¥9.00", body))
        self.pay = QPushButton("F4 Confirm payment", body)
        self.pay.clicked.connect(lambda: self.fired.append("button"))
        lay.addWidget(self.pay)
        self.setCentralWidget(body)
        sc = QShortcut(QKeySequence("F4"), self)
        sc.setContext(Qt.ShortcutContext.WindowShortcut)
        sc.activated.connect(lambda: self.fired.append("F4"))
        self.resize(900, 600)


def test_lock_overlay_by_keyboard(loop: Any, qtbot: Any, tmp_path: Path,
                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    session = OperatorSession(_store(tmp_path))
    win = _LaneWindow()
    qtbot.addWidget(win)
    overlay = LockOverlay(win, session)
    lock_shortcut(win, session)
    win.show()
    win.activateWindow()
    form = overlay.form

    def covered() -> bool:
        centre = win.pay.mapTo(win, win.pay.rect().center())
        hit = win.childAt(centre)
        return overlay.isVisible() and hit is not None and (hit is overlay
                                                            or overlay.isAncestorOf(hit))

    async def enter(name: str, password: str) -> None:
        form.name.setText(name)
        form.password.setFocus()
        qtbot.keyClicks(form.password, password)
        qtbot.keyClick(form.password, Qt.Key.Key_F4)  # typing: F4 stays in the field
        qtbot.keyClick(form.password, Qt.Key.Key_Return)
        await _until(lambda: not form.busy)

    async def scenario() -> None:
        await activate(win)
        # nobody signed on: the window is covered by the sign-on form
        assert covered() and form.mode is FormMode.SIGN_ON
        assert overlay.geometry() == win.rect()
        await enter("li", "li-pass-1")
        assert session.operator == Operator("li", Role.ATTENDANT)
        assert not overlay.isVisible()

        qtbot.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert session.state.locked is LockReason.MANUAL
        assert covered() and form.mode is FormMode.UNLOCK
        assert form.name.text() == "li" and form.password.hasFocus()
        assert "li (attendant) is signed on" in form.hint.text()
        win.resize(1200, 700)
        await _until(lambda: overlay.geometry() == win.rect())

        await enter("wang", "wang-pass")
        assert form.error.text() == "Only li or a supervisor can unlock the console."
        assert session.locked
        await enter("zhang", "zhang-pass")
        assert not session.locked and not overlay.isVisible()
        assert session.acting == Operator("zhang", Role.SUPERVISOR)
        assert win.fired == []  # no F4 reached the window while the form had the keys

        session.lock(LockReason.IDLE)
        assert "without input" in form.hint.text()
        await enter("li", "li-pass-1")
        assert session.acting == Operator("li", Role.ATTENDANT)
        session.sign_off()
        assert covered() and form.mode is FormMode.SIGN_ON and form.name.text() == ""

    loop.run_until_complete(scenario())
    session.close()
    assert "console unlocked by zhang" in caplog.text
    for secret in ("li-pass-1", "wang-pass", "zhang-pass", "$argon2"):
        assert secret not in caplog.text


def test_first_administrator_on_a_fresh_installation(
        loop: Any, qtbot: Any, tmp_path: Path) -> None:
    store = Operators(tmp_path / "data" / "operators.sqlite3", hasher=FAST)
    session = OperatorSession(store)
    screen = SignOnScreen(session)
    qtbot.addWidget(screen)
    lane = _LaneWindow()
    qtbot.addWidget(lane)
    overlay = LockOverlay(lane, session)  # the lane windows ask for the same
    lane.show()
    screen.show()
    form = screen.form
    assert form.mode is FormMode.FIRST_ADMIN is overlay.form.mode
    assert form.title.text() == "Create the first administrator"

    def type_in(name: str, first: str, again: str) -> None:
        for edit in (form.name, form.password, form.again):
            edit.clear()
        form.name.setFocus()
        form.name.insert(name)  # as an input method commits it (QTest types ASCII only)
        qtbot.keyClick(form.name, Qt.Key.Key_Return)
        qtbot.keyClicks(form.password, first)
        qtbot.keyClick(form.password, Qt.Key.Key_Return)  # on to "again"
        assert form.again.hasFocus()
        qtbot.keyClicks(form.again, again)
        qtbot.keyClick(form.again, Qt.Key.Key_Return)

    async def scenario() -> None:
        await activate(screen)
        type_in("王芳", "k3y!9", "k3y!9")
        assert form.error.text() == "The password needs at least 6 characters."
        type_in("王芳", "first-pass", "first-past")
        assert form.error.text() == "The two passwords differ. Type them again."
        assert form.password.text() == form.again.text() == ""
        assert store.accounts() == []
        got = asyncio.ensure_future(wait_signal(screen.signed_on, 5))
        type_in("王芳", "first-pass", "first-pass")
        assert await got == Operator("王芳", Role.ADMIN)
        assert [(a.name, a.role) for a in store.accounts()] == [("王芳", Role.ADMIN)]
        assert not overlay.isVisible()
        session.sign_off()  # from now on, the lane windows ask for a sign-on
        assert overlay.isVisible() and overlay.form.mode is FormMode.SIGN_ON

    loop.run_until_complete(scenario())
    session.close()


def test_chinese_screens_have_no_english(loop: Any, qapp: Any, qtbot: Any, tmp_path: Path) -> None:
    sources = _english_sources()
    try:
        assert install_translators(qapp, "zh_CN")
        session = OperatorSession(_store(tmp_path), lock_after_idle_s=600)
        fresh = OperatorSession(Operators(tmp_path / "fresh" / "o.sqlite3", hasher=FAST))
        screen, first = SignOnScreen(session), SignOnScreen(fresh)
        win = _LaneWindow()
        for w in (screen, first, win):
            qtbot.addWidget(w)
            w.show()
        overlay = LockOverlay(win, session)
        texts = _texts(screen) + _texts(first)
        assert "登录" in screen.form.title.text() and "管理员" in first.form.title.text()

        async def scenario() -> None:
            form = screen.form
            for _ in range(FREE_FAILURES):
                form.name.setText("li")
                form.password.setText("guess-it")
                form.submit()
                await _until(lambda: not form.busy)
                texts.append(form.error.text())
            assert "秒" in form.error.text()
            await session.sign_on("wang", "wang-pass")
            session.lock(LockReason.IDLE)
            texts.extend(_texts(overlay))
            await overlay.form.session.unlock("wang", "wang-pass")

        loop.run_until_complete(scenario())
        # operators' names, the stand-in's button, and key names as printed on the keys
        server_data = {"li", "wang", "F4 Confirm payment", "Enter", "Esc"}
        assert _untranslated(texts, server_data, sources) == []
        session.close()
        fresh.close()
    finally:
        install_translators(qapp, "en")
