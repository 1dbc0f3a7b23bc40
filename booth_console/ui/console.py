"""The window manager: the booth window, one lane window per lane, Ctrl+1..9, screenshots."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from booth_console.app.lane import LaneController
from booth_console.config import BoothConfig
from booth_console.ui.booth_window import BoothWindow
from booth_console.ui.lane_window import LaneWindow

__all__ = ["Console"]

log = logging.getLogger("booth_console.ui")


class Console(QObject):
    """Owns the windows of a running console."""

    def __init__(self, booth_window: BoothWindow, config: BoothConfig, settings: QSettings | None,
                 language: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.booth_window = booth_window
        self.config = config
        self.settings = settings
        self.language = language
        self.session: Any = None
        self.lane_windows: dict[str, LaneWindow] = {}
        self._install_shortcuts(booth_window)
        booth_window.lane_requested.connect(self.show_lane)

    def __repr__(self) -> str:
        return f"<Console lanes={list(self.lane_windows)}>"

    def bind(self, session: Any) -> None:
        """Render ``session``: the booth window now, lane windows once the lanes are known."""
        self.session = session
        self.booth_window.bind(session)
        session.booth.lanes_loaded.connect(self._on_lanes)
        if session.booth.controllers:
            self._on_lanes(list(session.booth.controllers.values()))

    def _on_lanes(self, controllers: list[LaneController]) -> None:
        for ctl in controllers:
            if ctl.lane_no in self.lane_windows:
                continue
            win = LaneWindow(
                ctl, runner=self.session.runner, booth=self.session.booth, images=self.session.images,
                messages=self.session.messages, config=self.config, settings=self.settings,
                language=self.language,
            )
            self._install_shortcuts(win)
            self.lane_windows[ctl.lane_no] = win
            win.show()

    def _install_shortcuts(self, window: QWidget) -> None:
        for i in range(1, 10):
            sc = QShortcut(QKeySequence(f"Ctrl+{i}"), window)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(lambda n=i: self.raise_lane(n))
        sc = QShortcut(QKeySequence("Ctrl+0"), window)
        sc.setContext(Qt.ShortcutContext.WindowShortcut)
        sc.activated.connect(lambda: self._bring(self.booth_window))

    def raise_lane(self, n: int) -> LaneWindow | None:
        """Bring lane window number ``n`` (1-based, in ``[booth] lanes`` order) to the front."""
        wins = list(self.lane_windows.values())
        if not 1 <= n <= len(wins):
            return None
        self._bring(wins[n - 1])
        return wins[n - 1]

    def show_lane(self, lane_no: str) -> None:
        """Bring the window of ``lane_no`` to the front."""
        win = self.lane_windows.get(lane_no)
        if win is not None:
            self._bring(win)

    @staticmethod
    def _bring(win: QWidget) -> None:
        win.show()
        win.setWindowState(win.windowState() & ~Qt.WindowState.WindowMinimized)
        win.raise_()
        win.activateWindow()

    def windows(self) -> list[QWidget]:
        """Every window: the booth window first, then the lanes."""
        return [self.booth_window, *self.lane_windows.values()]

    def screenshots(self, folder: Path) -> list[Path]:
        """Render every window to ``folder`` as PNG (``booth.png``, ``lane-<no>.png``)."""
        folder.mkdir(parents=True, exist_ok=True)
        out: list[Path] = []
        targets: list[tuple[str, QWidget]] = [("booth", self.booth_window)]
        targets += [(f"lane-{no}", w) for no, w in self.lane_windows.items()]
        for name, win in targets:
            path = folder / f"{name}.png"
            if win.grab().save(str(path), "PNG"):
                out.append(path)
            else:
                log.error("cannot save screenshot %s", path)
        return out

    def close_all(self) -> None:
        """Close every window without asking (shutdown)."""
        for win in self.lane_windows.values():
            win.save_geometry()
            win._force_close = True
            win.close()
        self.booth_window._force_close = True
        self.booth_window.close()
