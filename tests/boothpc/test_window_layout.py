"""Window positions per screen arrangement; the About box with the version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from booth_console import __version__
from booth_console.ui.about import install_about
from booth_console.ui.screens import arrangement_key, current_arrangement_key, use_arrangement

ONE = [QRect(0, 0, 1920, 1080)]
TWO = [QRect(0, 0, 1920, 1080), QRect(1920, 0, 1366, 768)]


def test_each_arrangement_has_its_own_key() -> None:
    assert arrangement_key(ONE) != arrangement_key(TWO)
    assert arrangement_key(TWO) == arrangement_key(reversed(TWO))
    assert arrangement_key([QRect(-1366, 0, 1366, 768), *ONE]) != arrangement_key([QRect(1366, 0, 1366, 768), *ONE])
    assert all(c.isalnum() or c == "_" for c in arrangement_key(TWO))


def test_positions_saved_with_two_screens_stay_with_two_screens(qapp: Any, tmp_path: Path) -> None:
    path = str(tmp_path / "windows.ini")
    two = QSettings(path, QSettings.Format.IniFormat)
    two.beginGroup(arrangement_key(TWO))
    two.setValue("lane/2/geometry", b"two-screen layout")
    two.sync()
    now = QSettings(path, QSettings.Format.IniFormat)
    assert use_arrangement(now) == current_arrangement_key() != arrangement_key(TWO)
    assert now.value("lane/2/geometry") is None  # not applied to this (offscreen, one-screen) layout
    now.setValue("lane/2/geometry", b"this layout")
    now.sync()
    again = QSettings(path, QSettings.Format.IniFormat)
    use_arrangement(again)
    assert again.value("lane/2/geometry") == b"this layout"
    back = QSettings(path, QSettings.Format.IniFormat)
    back.beginGroup(arrangement_key(TWO))
    assert back.value("lane/2/geometry") == b"two-screen layout"


def test_about_shows_the_version(qtbot: Any, tmp_path: Path) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    about = install_about(window, tmp_path / "data", "/etc/booth.toml")
    window.show()
    assert about.action in window.actions() and about.action.shortcut().toString() == "Ctrl+F1"
    about.action.trigger()
    box = about.box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == f"Booth Console {__version__}"
    assert "Qt 6." in box.informativeText() and str(tmp_path / "data") in box.informativeText()
    assert "/etc/booth.toml" in box.informativeText()
    box.accept()
