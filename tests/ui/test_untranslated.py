"""The Chinese UI shows no English: every widget of every window and dialog, and every message
(including failures of the link to the parking server), walked and compared with the English
source strings. Server data (lane, area and type names from the simulator, plates, URLs) is
what it is and is left out."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableView,
    QWidget,
)

from booth_console.app.i18n import install_translators
from booth_console.ui.console import Console
from booth_console.ui.dialogs import ManualOpenDialog, NoPlateDialog, OverrideDialog, PaymentDialog
from tests.app.helpers import Stack, park_and_exit, wait_until
from tests.ui.helpers import run_console
from tests.ui.test_windows import _dialog, _finished, _message_box, activate

_URL = re.compile(r"(https?://\S+|/[\w./-]+)")
_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")
#: words that stay as they are in Chinese: key names and protocol terms
_ALLOWED = {"Ctrl", "Shift", "Space", "AppId", "AppSecret", "ParkKey", "MQTT", "HTTP", "ETC",
            "APP", "App"}


def _english_sources() -> list[str]:
    """Fragments (between placeholders) of every English source string with two words or more."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("extract", root / "resources/i18n/extract.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out: set[str] = set()
    for entries in mod.extract().values():
        for text, _rel in entries:
            for frag in re.split(r"\{[^}]*\}", text):
                frag = frag.strip(" .:,()…—·")
                if len(_WORD.findall(frag)) >= 2:
                    out.add(frag)
    return sorted(out)


def _texts(widget: QWidget) -> list[str]:
    """Every text the attendant can read on ``widget`` and its children."""
    out = [widget.windowTitle()]
    for w in [widget, *widget.findChildren(QWidget)]:
        if not w.isVisibleTo(widget) and w is not widget:
            continue
        if isinstance(w, QLabel):
            out.append(w.text())
        elif isinstance(w, QAbstractButton):
            out += [w.text(), w.toolTip()]
        elif isinstance(w, QGroupBox):
            out.append(w.title())
        elif isinstance(w, QLineEdit):
            out.append(w.placeholderText())
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())] + [w.toolTip()]
        elif isinstance(w, QListWidget):
            out += [w.item(i).text() for i in range(min(w.count(), 30))]
        if isinstance(w, QTableView) and w.model() is not None:
            m = w.model()
            out += [str(m.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(m.columnCount())]
            out += [str(m.index(r, c).data() or "") for r in range(min(m.rowCount(), 30))
                    for c in range(m.columnCount())]
    return [t for t in out if t]


def _untranslated(texts: list[str], server_data: set[str], sources: list[str]) -> list[str]:
    bad = []
    for text in texts:
        if any(src in text for src in sources):
            bad.append(text)
            continue
        rest = _URL.sub(" ", text)
        for data in sorted(server_data, key=len, reverse=True):
            rest = rest.replace(data, " ")
        words = [w for w in _WORD.findall(rest) if w not in _ALLOWED]
        if words:
            bad.append(f"{text!r} -> {words}")
    return bad


def test_chinese_ui_and_messages_have_no_english(
        loop: Any, qapp: Any, tmp_path: Path, qtbot: Any) -> None:
    texts: list[str] = []
    server_data: set[str] = set()
    earlier = set(QApplication.topLevelWidgets())  # windows of other tests are not ours

    def grab_all() -> None:
        for top in QApplication.topLevelWidgets():
            if top.isVisible() and top not in earlier:
                texts.extend(_texts(top))

    async def body(stack: Stack, console: Console) -> None:
        booth = stack.session.booth
        await booth._load_types()
        for ctl in booth.controllers.values():
            server_data.add(ctl.lane.name)
        server_data.update(t.name for t in (*booth.vehicle_types, *booth.plate_types))
        # a fee at lane 2, a vehicle with no entry record at lane 4, an entry at lane 1
        await park_and_exit(stack.sim, "琼Z1357X", minutes=150)
        await stack.sim.arrive("4", "")
        ctl2 = stack.lane("2")
        await wait_until(lambda: ctl2.order is not None and bool(ctl2.order.lines)
                         and bool(ctl2.order.plate_type))
        await wait_until(lambda: stack.lane("4").order is not None)
        assert ctl2.order is not None
        server_data.update(line.remarks for line in ctl2.order.lines)
        server_data.update(line.area for line in ctl2.order.lines)
        server_data.update((ctl2.order.plate_type, ctl2.order.vehicle_type, ctl2.order.entry_lane))
        for item in console.booth_window.feed_model.rows:
            server_data.add(item.detail)
        await booth.refresh_areas()
        for r in range(console.booth_window.areas.rowCount()):
            cell = console.booth_window.areas.item(r, 0)
            if cell is not None:
                server_data.add(cell.text())
        win = console.lane_windows["2"]
        await wait_until(lambda: win.buttons["override_fee"].isEnabled())
        grab_all()
        # every dialog, open
        for key, kind in ((Qt.Key.Key_F4, PaymentDialog), (Qt.Key.Key_F6, OverrideDialog)):
            await activate(win)
            win.last_dialog = None
            qtbot.keyClick(win, key)
            dlg = await _dialog(win, kind)
            grab_all()
            qtbot.keyClick(dlg, Qt.Key.Key_Escape)
            await wait_until(lambda dlg=dlg: not dlg.isVisible())
        for key in (Qt.Key.Key_F2, Qt.Key.Key_F3):
            await activate(win)
            qtbot.keyClick(win, key)
            box = await _message_box(win)
            texts.extend([box.text(), box.informativeText(), box.windowTitle()])
            texts.extend(b.text() for b in box.buttons())
            qtbot.keyClick(box, Qt.Key.Key_Escape)
            await wait_until(lambda box=box: not box.isVisible())
        entry = console.lane_windows["1"]
        await activate(entry)
        qtbot.keyClick(entry, Qt.Key.Key_F7)
        np = await _dialog(entry, NoPlateDialog)
        grab_all()
        qtbot.keyClick(np, Qt.Key.Key_Escape)
        await wait_until(lambda: not np.isVisible())
        # failures: the server stops answering in time (lanes offline, a gate command fails)
        stack.sim.set_fault(slow_ms=2600)  # the client's timeout is 2 s
        await wait_until(lambda: not stack.session.booth.link.online, 10)
        # offline, F1 asks for the barrier's manual switch and F4 records an offline payment
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F1)
        manual = await _dialog(win, ManualOpenDialog)
        grab_all()
        qtbot.keyClick(manual, Qt.Key.Key_Escape)
        await wait_until(lambda: not manual.isVisible())
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F4)
        offline = await _dialog(win, PaymentDialog)
        assert offline.offline is not None
        grab_all()
        fut = asyncio.ensure_future(_finished(stack, "confirm_payment", 10))
        qtbot.keyClick(offline.received, Qt.Key.Key_Return)
        assert (await fut)[2]
        await wait_until(lambda: console.booth_window.pending_list.count() == 1)
        grab_all()
        win.show_history()
        console.booth_window.show_history()
        grab_all()
        stack.sim.set_fault(clear=True)
        await wait_until(lambda: stack.session.booth.link.online, 15)
        await asyncio.sleep(1.0)  # answers delayed before the fault was cleared are done

    try:
        assert install_translators(qapp, "zh_CN")
        stack = run_console(loop, tmp_path, body, operator="值班员", language="zh_CN")
    finally:
        install_translators(qapp, "en")
    messages = [m.text for m in stack.session.messages.history]
    sources = _english_sources()
    assert len(sources) > 100
    server_data.discard("")
    assert any("服务器" in m for m in messages)  # the outage was reported, in Chinese
    bad = _untranslated(texts, server_data, sources) + _untranslated(messages, server_data, sources)
    assert not bad, "\n".join(bad)
