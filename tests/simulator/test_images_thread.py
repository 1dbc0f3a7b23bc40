"""The capture thread never becomes Qt's main thread (a fresh process, no QApplication yet)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import asyncio, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from booth_console.simulator.images import render_capture_async
jpeg = asyncio.run(render_capture_async("AB123", "Entry 1", "2026-11-29 12:00:00"))
assert jpeg[:2] == b"\\xff\\xd8", jpeg[:4]
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
app = QApplication([])
assert app.thread() is QThread.currentThread(), "Qt's main thread is not the main thread"
assert app.eventDispatcher() is not None
print("ok")
"""


def test_rendering_before_the_application_keeps_qt_on_the_main_thread() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]
