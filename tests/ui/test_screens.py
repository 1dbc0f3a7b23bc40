"""The attendant's screen at the sizes booths have, in both languages: a lane window and the
payment dialog on a 1366x768 screen, the booth window there with two lanes waiting, and four
lanes tiled over 1920x1080. Plate and fee stay large, every command button and the message bar
stay inside the window, and nothing in the Chinese screen is left in English.

``SCREEN_SHOTS=<dir>`` saves what the tests look at (the screenshots in ``docs/screenshots/``).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from booth_console.app.i18n import install_translators
from booth_console.simulator.lot import AREA_NAME, PLATE_TYPES, VEHICLE_TYPES
from booth_console.ui.console import Console
from booth_console.ui.dialogs import PaymentDialog
from tests.app.helpers import Stack, park_and_exit, wait_until
from tests.ui.helpers import SMALL, run_console
from tests.ui.test_attendant import _fee_waiting
from tests.ui.test_windows import _dialog, activate

pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

#: a quarter of a 1920x1080 screen less a title bar (what "arrange lanes" gives each of four)
QUARTER = (956, 506)


def _save(image: QImage, language: str, name: str) -> None:
    where = os.environ.get("SCREEN_SHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        image.save(str(Path(where) / f"{name}-{language}.png"))


def _inside(win: QWidget, size: tuple[int, int]) -> None:
    """Every visible command button, the message bar, plate and fee lie inside the window."""
    widgets: list[QWidget] = [*win.buttons.values(), win.message, win.plate,  # type: ignore[attr-defined]
                              win.amount]  # type: ignore[attr-defined]
    for widget in widgets:
        if widget.isHidden():
            continue
        top_left = widget.mapTo(win, QPoint(0, 0))
        assert top_left.x() >= 0 and top_left.y() >= 0, widget
        assert top_left.x() + widget.width() <= size[0], (widget, top_left, widget.size())
        assert top_left.y() + widget.height() <= size[1], (widget, top_left, widget.size())
    # the captions keep their whole line above their pictures (the layout overlaps widgets
    # when a column's minimum does not fit)
    for caption, view in ((win.entry_caption, win.entry_image),  # type: ignore[attr-defined]
                          (win.capture_caption, win.capture_image)):  # type: ignore[attr-defined]
        assert caption.height() >= caption.sizeHint().height(), (caption.height(), caption.text())
        assert caption.geometry().bottom() < view.geometry().top(), (caption.geometry(),
                                                                     view.geometry())
    above = win.entry_image.geometry().bottom()  # type: ignore[attr-defined]
    assert above < win.capture_caption.geometry().top(), above  # type: ignore[attr-defined]


def _glance(win: QWidget) -> None:
    """Plate and fee readable from a metre: at least 40 px and 36 px tall glyphs."""
    plate: QLabel = win.plate  # type: ignore[attr-defined]
    amount: QLabel = win.amount  # type: ignore[attr-defined]
    assert plate.fontMetrics().capHeight() >= 28, plate.font().pixelSize()
    assert amount.fontMetrics().capHeight() >= 24, amount.font().pixelSize()
    assert plate.fontMetrics().horizontalAdvance(plate.text()) <= plate.width()
    assert amount.fontMetrics().horizontalAdvance(amount.text()) <= amount.width()


_URL = re.compile(r"\w+://\S+")
_LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
#: words that are the same in the Chinese screen (units, protocol names, key names)
_KEPT = {"Ctrl", "Shift", "Enter", "Space", "Online", "AppId", "ParkKey", "Alipay", "WeChat"}


def _english_left(root: QWidget, names: list[str]) -> list[str]:
    """Texts of visible labels and buttons under ``root`` that still hold English words
    (``names``: the lanes' names, which come from the parking server as they are)."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            text = widget.text()
            for name in names:
                text = text.replace(name, "")
            text = _URL.sub("", text)
            words = [w for w in _LATIN_WORD.findall(text) if w not in _KEPT]
            if words:
                found.append(text)
    return found


def _tile(windows: Sequence[QWidget]) -> QImage:
    """Four windows as "arrange lanes" places them on a 1920x1080 screen."""
    screen = QImage(1920, 1080, QImage.Format.Format_RGB32)
    screen.fill(QColor("#20242a"))
    painter = QPainter(screen)
    title = 34  # a title bar per window
    for i, win in enumerate(windows):
        x, y = (i % 2) * 960, (i // 2) * 540
        painter.fillRect(x, y, 960, title, QColor("#3a4250"))
        painter.setPen(QColor("white"))
        painter.drawText(x + 10, y + 22, win.windowTitle())
        painter.drawPixmap(x + 2, y + title, win.grab())
    painter.end()
    return screen


async def _settle() -> None:
    await asyncio.sleep(0.15)  # layouts and repaints run on the loop meanwhile


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_attendant_screen_at_1366x768_and_four_lanes_on_1920x1080(
        loop: Any, tmp_path: Path, qtbot: Any, language: str) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)

    async def body(stack: Stack, console: Console) -> None:
        # two lanes need the attendant at once: a fee at lane 2, a vehicle without an order at 4
        await park_and_exit(stack.sim, "琼Z5050X", exit_lane="2")
        await _fee_waiting(stack.lane("2"))
        await stack.sim.arrive("4", "")
        win2, win4 = console.lane_windows["2"], console.lane_windows["4"]
        await wait_until(lambda: win4.prompt.isVisible())
        booth = console.booth_window
        # names the parking server gives (lanes, plate and vehicle types) are shown as given
        names = [*(w.ctl.lane.name for w in console.lane_windows.values() if w.ctl.lane.name),
                 *(t.name for t in PLATE_TYPES), *(t.name for t in VEHICLE_TYPES), AREA_NAME,
                 "Charged by", "Free of charge"]  # (the simulator's fee remarks)

        # the lane window on a 1366x768 screen
        win2.resize(*SMALL)
        await _settle()
        _inside(win2, SMALL)
        _glance(win2)
        _save(win2.grab().toImage(), language, "lane-1366x768")

        # F4: the payment dialog names lane, plate and fee, inside the same screen
        await activate(win2)
        qtbot.keyClick(win2, Qt.Key.Key_F4)
        pay = await _dialog(win2, PaymentDialog)
        pay.received.selectAll()
        qtbot.keyClicks(pay.received, "50")
        await _settle()
        assert "琼Z5050X" in pay.windowTitle() + pay.header.text()
        assert pay.width() <= SMALL[0] and pay.height() <= SMALL[1], pay.size()
        shot = win2.grab().toImage()
        painter = QPainter(shot)
        painter.drawPixmap((shot.width() - pay.width()) // 2, (shot.height() - pay.height()) // 3,
                           pay.grab())
        painter.end()
        _save(shot, language, "payment-1366x768")
        if language == "zh_CN":
            assert _english_left(pay, names) == []
        qtbot.keyClick(pay, Qt.Key.Key_Escape)
        await wait_until(lambda: not pay.isVisible())

        # the booth window at the same size: both waiting lanes listed, first come first
        booth.resize(*SMALL)
        await wait_until(lambda: sorted(booth.waiting_lanes) == ["2", "4"])
        await _settle()
        assert booth.waiting.isVisible()
        # both waiting lanes readable without scrolling
        for row in range(2):
            rect = booth.waiting.visualRect(booth.waiting.model().index(row, 1))
            assert booth.waiting.viewport().rect().contains(rect), (row, rect)
        assert booth.lanes.isVisible()
        _save(booth.grab().toImage(), language, "booth-1366x768")

        # four lanes tiled over 1920x1080: every control inside a quarter of the screen
        windows = [console.lane_windows[no] for no in sorted(console.lane_windows)]
        for win in windows:
            win.resize(*QUARTER)
        await _settle()
        for win in windows:
            _inside(win, QUARTER)
        _glance(win2)
        _save(_tile(windows), language, "four-lanes-1920x1080")
        if language == "zh_CN":
            for shown in (*windows, booth):
                assert _english_left(shown, names) == [], shown.windowTitle()

    try:
        assert install_translators(app, language)
        run_console(loop, tmp_path, body, language=language)
    finally:
        install_translators(app, "en")
