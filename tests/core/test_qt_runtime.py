"""Guards against known-bad Qt runtimes (see the traps table in docs/ARCHITECTURE.md)."""

from __future__ import annotations

import sys
from typing import Any


def test_void_qt_methods_do_not_drop_references_to_none(qapp: Any) -> None:
    # PySide6 6.12.0 on Python 3.11 drops one reference to None per call of a Qt method that
    # returns nothing; after some thousands of calls the process aborts (none_dealloc).
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    timer = QTimer()
    before = sys.getrefcount(None)
    for i in range(20_000):
        label.setText("粤B12345")
        timer.setInterval(i % 1000 + 1)
    after = sys.getrefcount(None)
    label.deleteLater()
    assert after >= before - 1_000, f"references to None fell from {before} to {after}"


def test_installed_pyside6_is_not_the_broken_release() -> None:
    import PySide6

    assert PySide6.__version__ != "6.12.0"
