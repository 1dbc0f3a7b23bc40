"""Small widgets: status lights that carry text, big labels, clickable images, async dialogs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "COLORS",
    "BigLabel",
    "ImageView",
    "StatusLight",
    "ask_yes_no",
    "async_slot",
    "big_font",
    "run_dialog",
    "set_text_color",
    "show_image",
]

#: state -> colour of a status light
COLORS = {
    "ok": "#2e7d32",
    "on": "#1565c0",
    "warn": "#ef6c00",
    "bad": "#c62828",
    "off": "#757575",
    "unknown": "#9e9e9e",
}


def async_slot(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., Any]:
    """``qasync.asyncSlot()`` with a type (the slot body stays a one-line ``await``)."""
    from qasync import asyncSlot

    wrapped: Callable[..., Any] = asyncSlot()(fn)
    return wrapped


def big_font(px: int, bold: bool = True) -> QFont:
    """A font of ``px`` pixels."""
    font = QFont()
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def set_text_color(label: QLabel, color: str) -> None:
    """Colour a label's text through its palette (a style sheet would re-polish the label and
    relayout its window each time); ``""`` restores the default colour."""
    pal = label.palette()
    role = QPalette.ColorRole.WindowText
    want = QColor(color) if color else QApplication.palette().color(role)
    if pal.color(role) != want:
        pal.setColor(role, want)
        label.setPalette(pal)


_DOTS: dict[str, QPixmap] = {}


def _dot_pixmap(color: str) -> QPixmap:
    """A 22 px disc of ``color`` (made once per colour)."""
    pm = _DOTS.get(color)
    if pm is None:
        pm = QPixmap(22, 22)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor(color))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(1, 1, 20, 20)
        p.end()
        _DOTS[color] = pm
    return pm


class _Dot(QLabel):
    """The light's disc: a cached pixmap, so painting it runs no Python (a Python
    ``paintEvent`` must take the GIL from the network threads on every repaint)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(QSize(22, 22))
        self.set_color(COLORS["unknown"])

    def set_color(self, color: str) -> None:
        self.color = QColor(color)
        self.setPixmap(_dot_pixmap(color))


class StatusLight(QWidget):
    """A coloured dot with a caption and a state text (colour is never the only signal)."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dot = _Dot(self)
        self._caption = QLabel(caption, self)
        self._caption.setFont(big_font(15, bold=False))
        self._text = QLabel("—", self)
        self._text.setFont(big_font(17))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 8, 2)
        lay.addWidget(self._dot)
        col = QVBoxLayout()
        col.setSpacing(0)
        col.addWidget(self._caption)
        col.addWidget(self._text)
        lay.addLayout(col)
        self.state = ""

    def set_state(self, state: str, text: str) -> None:
        """Show ``state`` (a key of :data:`COLORS`) and its text (unchanged: nothing is done,
        so a poll that finds nothing new costs no repaint)."""
        if state == self.state and text == self._text.text():
            return
        self.state = state
        color = COLORS.get(state, COLORS["unknown"])
        self._dot.set_color(color)
        # the text's width only ever grows, so a latency going from 9 to 12 ms does not move
        # the lights beside it (and repaint the whole row)
        need = self._text.fontMetrics().horizontalAdvance(text) + 4
        if need > self._text.minimumWidth():
            self._text.setMinimumWidth(need)
        self._text.setText(text)
        set_text_color(self._text, color)

    def text(self) -> str:
        """The state text."""
        return self._text.text()

    def set_compact(self, compact: bool) -> None:
        """Smaller type for small windows."""
        self._caption.setFont(big_font(12 if compact else 15, bold=False))
        self._text.setFont(big_font(14 if compact else 17))
        self._text.setMinimumWidth(0)
        need = self._text.fontMetrics().horizontalAdvance(self._text.text()) + 4
        self._text.setMinimumWidth(need)


class BigLabel(QLabel):
    """A label in very large type (readable from a metre away)."""

    def __init__(self, px: int, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setFont(big_font(px))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


class ImageView(QLabel):
    """Shows a picture scaled to fit; click (or Enter when focused) to enlarge.

    Signals:
        clicked(): the attendant wants the picture bigger.
    """

    clicked = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = placeholder
        self.image: QImage | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(240, 150))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setStyleSheet("background: #263238; color: #eceff1; border-radius: 4px;")
        self.setFont(big_font(14, bold=False))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setText(placeholder)

    def set_image(self, image: QImage | None, caption: str = "") -> None:
        """Show ``image`` (``None``: the placeholder or ``caption``)."""
        self.image = image
        if image is None or image.isNull():
            self.setPixmap(QPixmap())
            self.setText(caption or self.placeholder)
        else:
            self._rescale()
        self.setToolTip(caption)

    def fit_size(self) -> QSize:
        """The largest picture this view shows unscaled (ask the image loader for this size,
        so that no scaling is left for the Qt thread)."""
        return QSize(max(64, self.width() - 4), max(48, self.height() - 4))

    def _rescale(self) -> None:
        image = self.image
        if image is None or image.isNull():
            return
        box = self.fit_size()
        size = image.size()
        if size.width() <= box.width() and size.height() <= box.height() and (
                size.width() >= box.width() - 2 or size.height() >= box.height() - 2):
            self.setPixmap(QPixmap.fromImage(image))  # already fitted by the loader
            return
        self.setPixmap(QPixmap.fromImage(image).scaled(
            box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._rescale()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


async def run_dialog(dialog: QDialog) -> int:
    """Open ``dialog`` window-modally and wait for its result without a nested event loop."""
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def done(code: int) -> None:
        if not fut.done():
            fut.set_result(code)

    dialog.finished.connect(done)
    dialog.open()
    try:
        return await fut
    finally:
        dialog.finished.disconnect(done)


async def ask_yes_no(parent: QWidget, title: str, text: str, header: str = "") -> bool:
    """A Yes/No question (No is the default); ``True`` for Yes. ``header`` (lane, plate, fee)
    is shown in large type above the question."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, header or text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    if header:
        box.setInformativeText(text)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(QMessageBox.StandardButton.No)
    box.setFont(big_font(16, bold=False))
    box.setWindowModality(Qt.WindowModality.WindowModal)
    await run_dialog(box)
    clicked = box.clickedButton()
    yes = clicked is not None and box.standardButton(clicked) == QMessageBox.StandardButton.Yes
    box.deleteLater()
    return yes


def show_image(parent: QWidget, image: QImage | None, title: str) -> QDialog | None:
    """A non-modal window with the picture at a larger size (Escape closes it)."""
    if image is None or image.isNull():
        return None
    dlg = QDialog(parent)
    dlg.setWindowTitle(title)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    lab = QLabel(dlg)
    pm = QPixmap.fromImage(image)
    lab.setPixmap(pm.scaled(QSize(1280, 800), Qt.AspectRatioMode.KeepAspectRatio,
                            Qt.TransformationMode.SmoothTransformation) if pm.width() > 1280 else pm)
    lay = QVBoxLayout(dlg)
    lay.addWidget(lab)
    dlg.show()
    return dlg
