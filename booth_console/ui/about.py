"""The About box: version, Python and Qt versions, where the data and configuration are.

Opened from the booth window's context menu (right click on its background) or Ctrl+F1.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from booth_console import __version__

__all__ = ["About", "install_about"]


class About(QObject):
    """The "About Booth Console" action of a window and the box it opens."""

    def __init__(self, window: QWidget, data_dir: Path, config: str) -> None:
        super().__init__(window)
        self.window = window
        self.data_dir = data_dir
        self.config = config
        self.box: QMessageBox | None = None
        self.action = QAction(self.tr("About Booth Console…"), window)
        self.action.setShortcut(QKeySequence("Ctrl+F1"))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.triggered.connect(self.show)

    def title(self) -> str:
        """The box's headline, with the version."""
        return self.tr("Booth Console {version}").format(version=__version__)

    def details(self) -> str:
        """Versions and paths, one per line."""
        import PySide6

        return "\n".join([
            self.tr("Python {py}, PySide6 {pyside}, Qt {qt}").format(
                py=platform.python_version(), pyside=PySide6.__version__, qt=qVersion()),
            self.tr("Platform: {platform}").format(platform=platform.platform()),
            self.tr("Data directory: {path}").format(path=self.data_dir),
            self.tr("Configuration: {path}").format(path=self.config or "-"),
            self.tr("Frozen build: {frozen}").format(
                frozen=self.tr("yes") if getattr(sys, "frozen", False) else self.tr("no")),
        ])

    def show(self) -> None:
        """Open the box, window-modal (the event loop keeps running)."""
        box = QMessageBox(self.window)
        box.setWindowTitle(self.tr("About Booth Console"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(self.title())
        box.setInformativeText(self.details())
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.box = box
        box.open()


def install_about(window: QWidget, data_dir: Path, config: str) -> About:
    """Add "About Booth Console" to ``window``'s context menu and to Ctrl+F1."""
    about = About(window, data_dir, config)
    window.addAction(about.action)
    window.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return about
