"""Synthetic capture images: JPEGs showing the plate, lane and time.

Rendered with PySide6's QtGui on a worker thread. Text needs a ``QGuiApplication`` (fonts):
``booth-console simulate`` creates an offscreen one, and in-process users (the demo, tests)
already have a QApplication. Without one the image is a plain coloured frame without text.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QFont

__all__ = ["render_capture", "render_capture_async"]

# One rendering thread for the whole process: Qt's image plugins are QObjects that belong to
# the thread that first loaded them, so every capture is rendered on the same thread.
_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _render_thread() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            # Qt takes the first thread that uses it for the application's main thread. Touch
            # Qt here, on the caller's (the event loop's) thread, so that the capture thread
            # never becomes it: a QApplication created later on the main thread would
            # otherwise run on a "wrong" thread and its event dispatcher would be missing.
            from PySide6.QtCore import QThread

            QThread.currentThread()
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sim-capture")
        return _executor


async def render_capture_async(plate: str | None, lane_name: str, time_text: str) -> bytes:
    """:func:`render_capture` on the process's capture thread."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_render_thread(), render_capture, plate, lane_name,
                                      time_text)

WIDTH, HEIGHT = 640, 360

#: The blue plate box: at least this wide, centred, and never closer than the margin to the edges.
PLATE_MIN_WIDTH, PLATE_HEIGHT, PLATE_TOP, PLATE_MARGIN, PLATE_PADDING = 300, 90, 120, 20, 24
PLATE_FONT_PX = 52


def _has_gui_app() -> bool:
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() is not None and isinstance(
        QGuiApplication.instance(), QGuiApplication)


def _plate_box(text: str, font: QFont) -> QRect:
    """The blue box sized to the plate text (font shrunk, in place, if even the widest box is
    too narrow): the text always lies inside the box, with padding on both sides."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QFontMetrics

    widest = WIDTH - 2 * PLATE_MARGIN
    size = PLATE_FONT_PX
    font.setPixelSize(size)
    metrics = QFontMetrics(font)
    while size > 12:
        text_width = metrics.boundingRect(text).width()
        if max(text_width, metrics.horizontalAdvance(text)) + 2 * PLATE_PADDING <= widest:
            break
        size -= 2
        font.setPixelSize(size)
        metrics = QFontMetrics(font)
    text_width = max(metrics.boundingRect(text).width(), metrics.horizontalAdvance(text))
    width = min(widest, max(PLATE_MIN_WIDTH, text_width + 2 * PLATE_PADDING))
    return QRect((WIDTH - width) // 2, PLATE_TOP, width, PLATE_HEIGHT)


def render_capture(plate: str | None, lane_name: str, time_text: str) -> bytes:
    """A JPEG capture for a recognition at a lane (thread-safe, no event loop needed)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    seed = hashlib.md5((plate or "").encode("utf-8")).digest()
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor(30 + seed[0] % 40, 40 + seed[1] % 40, 55 + seed[2] % 40))
    if _has_gui_app():
        painter = QPainter(image)
        try:
            painter.fillRect(QRect(0, HEIGHT - 70, WIDTH, 70), QColor(0, 0, 0))
            text = plate or "NO PLATE"
            font = QFont()
            font.setBold(True)
            box = _plate_box(text, font)
            painter.fillRect(box, QColor(20, 70, 190))
            painter.setPen(QColor(255, 255, 255))
            painter.setFont(font)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            font.setPixelSize(22)
            font.setBold(False)
            painter.setFont(font)
            painter.drawText(QRect(16, HEIGHT - 64, WIDTH - 32, 28),
                             Qt.AlignmentFlag.AlignLeft, f"{lane_name}")
            painter.drawText(QRect(16, HEIGHT - 34, WIDTH - 32, 28),
                             Qt.AlignmentFlag.AlignLeft, f"{time_text}  Booth Console simulator")
        finally:
            painter.end()
    buffer_bytes = QByteArray()
    buffer = QBuffer(buffer_bytes)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG", 75)  # type: ignore[call-overload]
    buffer.close()
    return bytes(buffer_bytes.data())
