"""Ctrl+Shift+C copies the lane's plate to the clipboard, by keyboard, in English and Chinese;
with no plate at the lane the attendant is told so and the clipboard is left alone."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

from booth_console.app.i18n import install_translators
from booth_console.ui.console import Console
from tests.app.helpers import Stack, park_and_exit, wait_until
from tests.ui.helpers import run_console
from tests.ui.test_windows import _finished, activate


def _commands_tr(text: str) -> str:
    return QCoreApplication.translate("Commands", text)


@pytest.mark.parametrize(("language", "title"), [("en", "Copy plate"), ("zh_CN", "复制车牌")])
def test_ctrl_shift_c_copies_the_plate(loop: Any, tmp_path: Path, qtbot: Any, language: str,
                                       title: str) -> None:
    async def body(stack: Stack, console: Console) -> None:
        clipboard = QApplication.clipboard()
        exit_win, empty_win = console.lane_windows["2"], console.lane_windows["4"]
        assert title in exit_win.buttons["copy_plate"].text()
        assert "Ctrl+Shift+C" in exit_win.buttons["copy_plate"].text()
        clipboard.setText("before")
        # no vehicle at lane 4: told so, nothing copied
        await activate(empty_win)
        qtbot.keyClick(empty_win, Qt.Key.Key_C,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        no_plate = _commands_tr("There is no plate at this lane to copy.")
        assert language == "en" or no_plate != "There is no plate at this lane to copy."
        await wait_until(lambda: empty_win.message.text().endswith(no_plate))
        assert clipboard.text() == "before"
        # a vehicle waits at lane 2: its plate is copied
        await park_and_exit(stack.sim, "琼Z8181X")
        ctl = stack.lane("2")
        await wait_until(lambda: ctl.order is not None and ctl.order.plate == "琼Z8181X")
        await activate(exit_win)
        done = asyncio.ensure_future(_finished(stack, "copy_plate"))
        await asyncio.sleep(0)
        qtbot.keyClick(exit_win, Qt.Key.Key_C,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        _lane, _command, ok, plate = await done
        assert ok and plate == "琼Z8181X" and clipboard.text() == "琼Z8181X"
        copied = _commands_tr("Plate {plate} copied to the clipboard.").format(plate="琼Z8181X")
        assert exit_win.message.text().endswith(copied)

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        assert install_translators(app, language)
        run_console(loop, tmp_path, body, language=language)
    finally:
        install_translators(app, "en")
