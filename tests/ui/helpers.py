"""Shared set-up for tests of the real windows: simulator, session and windows in one loop run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from booth_console.ui.booth_window import BoothWindow
from booth_console.ui.console import Console
from tests.app.helpers import Stack, start_stack

Body = Callable[[Stack, Console], Awaitable[None]]


#: a 1366x768 screen less the taskbar and the title bar
SMALL = (1362, 694)


def run_console(loop: Any, tmp_path: Path, body: Body, *, timeout: float = 2.0,
                operator: str = "tester", language: str = "en", sign_on: bool = True,
                approval: Any = None) -> Stack:
    """Simulator, session and windows, all inside one run of the loop (nothing left running).

    ``body`` gets the stack and the console with the booth window shown; the windows are closed
    and the stack stopped afterwards, also when ``body`` fails. ``timeout`` is the server
    timeout, ``language`` the console's (its translators are the caller's business).
    ``sign_on``: the supervisor ``tester`` is signed on first (else nobody is); ``approval``:
    the ``[approval]`` rules.
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # as the real start-up does (docs/ARCHITECTURE.md trap)

    async def scenario() -> Stack:
        stack = await start_stack(tmp_path, timeout=timeout, sign_on=sign_on, approval=approval)
        settings = QSettings(str(tmp_path / "windows.ini"), QSettings.Format.IniFormat)
        booth_window = BoothWindow(operator, settings)
        console = Console(booth_window, stack.session.cfg.booth, settings, language=language)
        console.bind(stack.session)
        booth_window.show()
        try:
            await body(stack, console)
        finally:
            console.close_all()
            await stack.aclose()
        return stack

    result: Stack = loop.run_until_complete(scenario())
    return result
