"""Every declared operator command has its button and key in every lane window that applies,
titled in the console's language, and the keys work, in English and Chinese (keyboard only)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

from booth_console.app import commands as cmd
from booth_console.app.i18n import install_translators
from booth_console.ui.console import Console
from tests.app.helpers import Stack, wait_until
from tests.ui.helpers import run_console
from tests.ui.test_windows import _finished, _message_box, activate


@pytest.mark.parametrize(("language", "open_title"), [("en", "Open barrier"), ("zh_CN", "开闸")])
def test_buttons_and_keys_come_from_the_registry(loop: Any, tmp_path: Path, qtbot: Any,
                                                 language: str, open_title: str) -> None:
    async def body(stack: Stack, console: Console) -> None:
        for win in console.lane_windows.values():
            assert list(win.buttons) == list(cmd.COMMANDS)
            for name, command in cmd.COMMANDS.items():
                button = win.buttons[name]
                assert command.display_title() in button.text()
                assert command.key in button.text()
                assert button.isHidden() != command.shows_button(win.ctl)
        assert open_title in console.lane_windows["2"].buttons["open_gate"].text()
        win, ctl = console.lane_windows["2"], stack.lane("2")

        async def press(key: Qt.Key, command: str) -> Any:
            fut = asyncio.ensure_future(_finished(stack, command))
            await asyncio.sleep(0)
            qtbot.keyClick(win, key)
            return await fut

        await activate(win)
        assert (await press(Qt.Key.Key_F1, "open_gate"))[2]
        await ctl.refresh_now()
        assert ctl.status.gate == 1
        assert (await press(Qt.Key.Key_F2, "close_gate"))[2]
        assert (await press(Qt.Key.Key_F5, "refresh"))[2]
        qtbot.keyClick(win, Qt.Key.Key_F3)  # asks first; Escape answers No
        box = await _message_box(win)
        qtbot.keyClick(box, Qt.Key.Key_Escape)
        unchanged = QCoreApplication.translate("Commands", "Keep-open unchanged.")
        await wait_until(lambda: win.message.text().endswith(unchanged))
        actions = await stack.session.journal.recent_actions()
        assert [a.action for a in reversed(actions)] == ["open_gate", "close_gate"]

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        assert install_translators(app, language)
        run_console(loop, tmp_path, body, language=language)
    finally:
        install_translators(app, "en")
