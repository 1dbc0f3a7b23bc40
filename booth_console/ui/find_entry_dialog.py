"""The find-entry dialog (F8 at an exit lane): the plate read at the exit, editable; the ranked
in-lot candidates with the characters that differ highlighted (colour and brackets), entry time
and lane; the chosen candidate's entry capture beside this lane's exit capture and what it would
pay. Arrow keys move, Enter picks, typing refines (debounced), Esc leaves.

Searching, the fee and the images run on the asyncio loop (HTTP on the server link, ranking of
large answers on a worker thread, decoding on the image loader's workers): the Qt thread only
fills the list.
"""

from __future__ import annotations

import asyncio
import html
import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from booth_console.app.commands.find_entry import EntryFinder, EntryPick
from booth_console.app.find_entry import Candidate, SearchResult
from booth_console.app.images import ImageLoader
from booth_console.app.messages import error_text
from booth_console.protocol.plates import Mark
from booth_console.ui.dialogs import Subject, yuan
from booth_console.ui.widgets import ImageView, big_font

__all__ = ["FindEntryDialog", "plate_html"]

log = logging.getLogger("booth_console.ui.find_entry")

#: debounce of typing before a search is sent
DEBOUNCE_MS = 250
_DIFF = "color:#c62828; text-decoration: underline;"


def plate_html(candidate: Candidate) -> str:
    """The candidate's plate with the characters that differ from the read in red, underlined
    and in brackets (readable without colour)."""
    out: list[str] = []
    for ch, mark in zip(candidate.plate, candidate.comparison.marks, strict=False):
        esc = html.escape(ch)
        if mark is Mark.SAME:
            out.append(esc)
        else:
            out.append(f"<span style='{_DIFF}'>[{esc}]</span>")
    if candidate.comparison.extra:
        out.append(f"<span style='{_DIFF}'>[−]</span>")
    return "".join(out)


class _EntryKeys(QLineEdit):
    """The plate field: Up/Down/PageUp/PageDown move in the candidate list, Enter picks."""

    def __init__(self, dialog: FindEntryDialog) -> None:
        super().__init__(dialog)
        self._dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self._dialog.move_selection(int(key))
            return
        super().keyPressEvent(event)


class FindEntryDialog(QDialog):
    """Find the in-lot order of the vehicle at this exit.

    ``pick`` holds the attendant's choice once accepted: a candidate, ``no_entry`` (charge the
    flat fee; the reason is asked next) or ``free_release``.
    """

    def __init__(self, parent: QWidget | None, finder: EntryFinder, subject: Subject,
                 images: ImageLoader) -> None:
        super().__init__(parent)
        self.finder = finder
        self.images = images
        self.subject = subject
        self.pick: EntryPick | None = None
        self.no_entry = False
        self.found: SearchResult | None = None
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._prices: dict[str, str] = {}
        self.searches = 0
        self.setWindowTitle(subject.title(self.tr("Find entry")))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setFont(big_font(16, bold=False))

        header = QLabel(subject.header(), self)
        header.setObjectName("dialogHeader")
        header.setFont(big_font(20))
        header.setStyleSheet("QLabel#dialogHeader { background: #263238; color: #ffffff;"
                             " padding: 6px 10px; border-radius: 4px; }")
        read = finder.read or self.tr("nothing read")
        self.read_label = QLabel(self.tr("Read at the exit: {plate}").format(plate=read), self)
        self.read_label.setFont(big_font(18))
        self.plate = _EntryKeys(self)
        self.plate.setFont(big_font(30))
        self.plate.setText(finder.read)
        self.plate.setPlaceholderText(self.tr("type the plate or part of it"))
        self.status = QLabel(self.tr("Searching…"), self)
        self.status.setWordWrap(True)

        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setMinimumWidth(360)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.entry_image = ImageView(self.tr("Entry capture"), self)
        self.exit_image = ImageView(self.tr("No capture at this lane"), self)
        self.entry_caption = QLabel(self.tr("Entry capture of the selected vehicle"), self)
        self.exit_caption = QLabel(self.tr("This lane's exit capture"), self)
        self.fee = QLabel("", self)
        self.fee.setFont(big_font(26))
        self.details = QLabel("", self)
        self.details.setFont(big_font(16, bold=False))
        self.details.setWordWrap(True)

        images_box = QVBoxLayout()
        images_box.addWidget(self.fee)
        images_box.addWidget(self.details)
        pair = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.entry_caption)
        left.addWidget(self.entry_image, 1)
        right.addWidget(self.exit_caption)
        right.addWidget(self.exit_image, 1)
        pair.addLayout(left)
        pair.addLayout(right)
        images_box.addLayout(pair, 1)

        middle = QHBoxLayout()
        middle.addWidget(self.list, 1)
        middle.addLayout(images_box, 1)

        self.pick_button = QPushButton(self.tr("Enter: this is the vehicle"), self)
        self.pick_button.setDefault(True)
        self.pick_button.clicked.connect(self.accept_selected)
        fee = finder.no_entry_fee
        self.flat_button = QPushButton(
            self.tr("Ctrl+N: no entry record, flat fee {fee}").format(fee=yuan(fee)), self)
        self.flat_button.setEnabled(fee > 0)
        self.flat_button.clicked.connect(self.choose_no_entry)
        self.free_button = QPushButton(self.tr("Ctrl+R: free release"), self)
        self.free_button.setVisible(finder.free_release_offered)
        self.free_button.clicked.connect(self.choose_free_release)
        cancel = QPushButton(self.tr("Esc: leave"), self)
        cancel.clicked.connect(self.reject)
        for b in (self.pick_button, self.flat_button, self.free_button, cancel):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setMinimumHeight(44)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pick_button, 2)
        buttons.addWidget(self.flat_button, 2)
        buttons.addWidget(self.free_button, 1)
        buttons.addWidget(cancel, 1)

        lay = QVBoxLayout(self)
        lay.addWidget(header)
        top = QHBoxLayout()
        top.addWidget(self.read_label)
        top.addWidget(self.plate, 1)
        lay.addLayout(top)
        lay.addWidget(self.status)
        lay.addLayout(middle, 1)
        lay.addLayout(buttons)

        sc = QShortcut(QKeySequence("Ctrl+N"), self)
        sc.activated.connect(self.choose_no_entry)
        sc2 = QShortcut(QKeySequence("Ctrl+R"), self)
        sc2.activated.connect(self.choose_free_release)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.plate.textEdited.connect(lambda _t: self._debounce.start())
        self.plate.returnPressed.connect(self.accept_selected)
        self.list.currentRowChanged.connect(self._selected)
        self.list.itemDoubleClicked.connect(lambda _i: self.accept_selected())
        self.plate.setFocus()
        self._fit_screen()
        QTimer.singleShot(0, self._start)

    def _fit_screen(self) -> None:
        width, height = 1180, 700
        screen = self.screen()
        if screen is not None:
            avail = screen.availableGeometry()
            width, height = min(width, avail.width() - 20), min(height, avail.height() - 40)
        self.resize(width, height)

    def _start(self) -> None:
        self.search_now()
        if self.finder.exit_capture or self.finder.exit_capture_data:
            self._load(self.exit_image, self.finder.exit_capture, self.finder.exit_capture_data,
                       "exit")

    # -- tasks ----------------------------------------------------------------------------

    def _run(self, name: str, coro: Any) -> None:
        old = self._tasks.pop(name, None)
        if old is not None:
            old.cancel()
        try:
            task = asyncio.get_running_loop().create_task(coro)
        except RuntimeError:
            coro.close()
            return
        self._tasks[name] = task
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    def done(self, code: int) -> None:
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        self._debounce.stop()
        super().done(code)

    # -- searching ------------------------------------------------------------------------

    def search_now(self) -> None:
        """Search for what the plate field says now."""
        self._debounce.stop()
        self._run("search", self._search(self.plate.text()))

    async def _search(self, text: str) -> None:
        self.status.setText(self.tr("Searching…"))
        try:
            result = await self.finder.search(text)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("find entry: search failed: %s", exc)
            self.status.setText(self.tr("The search failed: {error}").format(
                error=error_text(exc)))
            return
        self.searches += 1
        self.show_result(result)

    def show_result(self, result: SearchResult) -> None:
        """List ``result``'s candidates (best first), the first one selected."""
        self.found = result
        self.list.clear()
        for cand in result.candidates:
            item = QListWidgetItem(self.list)
            label = QLabel(self._row_html(cand), self.list)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setContentsMargins(6, 4, 6, 4)
            item.setSizeHint(label.sizeHint())
            self.list.setItemWidget(item, label)
        n = len(result.candidates)
        if n:
            text = self.tr("{n} candidates, closest first. Arrows choose, Enter picks.").format(n=n)
        elif result.read:
            text = self.tr("No vehicle in the lot fits this plate. Correct it, or: no entry "
                           "record (Ctrl+N).")
        else:
            text = self.tr("No vehicle in the lot.")
        if not result.complete:
            text += " " + self.tr("(Only part of the lot was searched: type more characters.)")
        self.status.setText(text)
        if n:
            self.list.setCurrentRow(0)
        else:
            self._selected(-1)

    def _row_html(self, cand: Candidate) -> str:
        lane = cand.entry_lane_name or cand.entry_lane_no or "?"
        when = (cand.entry_time or "?")[5:16] if cand.entry_time else "?"  # MM-dd HH:mm
        sub = self.tr("entered {time} · {lane}").format(time=html.escape(when),
                                                  lane=html.escape(lane))
        return (f"<div style='font-size:32px; font-weight:bold'>{plate_html(cand)}</div>"
                f"<div style='font-size:16px'>{sub}</div>")

    def move_selection(self, key: int) -> None:
        """Arrow keys in the plate field move the list's selection."""
        n = self.list.count()
        if not n:
            return
        row = max(0, self.list.currentRow())
        step = {Qt.Key.Key_Up.value: -1, Qt.Key.Key_Down.value: 1, Qt.Key.Key_PageUp.value: -5,
                Qt.Key.Key_PageDown.value: 5}.get(int(key), 0)
        self.list.setCurrentRow(min(n - 1, max(0, row + step)))

    def current(self) -> Candidate | None:
        """The candidate selected now."""
        row = self.list.currentRow()
        if self.found is None or not 0 <= row < len(self.found.candidates):
            return None
        return self.found.candidates[row]

    def _selected(self, _row: int) -> None:
        cand = self.current()
        self.pick_button.setEnabled(cand is not None)
        if cand is None:
            self.fee.setText("")
            self.details.setText("")
            self.entry_image.set_image(None)
            return
        self.details.setText(self.tr("{plate} · entered {time} at {lane} · order {order}").format(
            plate=cand.plate, time=cand.entry_time or "?",
            lane=cand.entry_lane_name or cand.entry_lane_no or "?", order=cand.order_no))
        known = self._prices.get(cand.order_no)
        self.fee.setText(known or self.tr("Fee: …"))
        if known is None:
            self._run("price", self._price(cand.order_no))
        if cand.entry_image_url:
            self._load(self.entry_image, cand.entry_image_url, b"", "entry")
        else:
            self.entry_image.set_image(None, self.tr("No entry capture"))

    async def _price(self, order_no: str) -> None:
        try:
            price = await self.finder.price(order_no)
            text = self.tr("Would pay {fee}").format(fee=yuan(price.total_amount_paid))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            text = self.tr("Fee unknown: {error}").format(error=error_text(exc))
        self._prices[order_no] = text
        cur = self.current()
        if cur is not None and cur.order_no == order_no:
            self.fee.setText(text)

    def _load(self, view: ImageView, source: str, data: bytes, name: str) -> None:
        async def load() -> None:
            box = view.fit_size()
            image = await self.images.load(source, data, box.width(), box.height())
            view.set_image(image, source.rsplit("/", 1)[-1])

        self._run("image-" + name, load())

    # -- choosing -------------------------------------------------------------------------

    def accept_selected(self) -> None:
        """Pick the selected candidate (Enter)."""
        cand = self.current()
        if cand is None:
            return
        self.pick = EntryPick(candidate=cand)
        self.accept()

    def choose_no_entry(self) -> None:
        """No entry record: charge the flat fee (the reason is asked next)."""
        if self.finder.no_entry_fee <= 0:
            return
        self.no_entry = True
        self.pick = EntryPick()
        self.accept()

    def choose_free_release(self) -> None:
        """No entry record: free release (the free-release command asks its reason)."""
        if not self.finder.free_release_offered:
            return
        self.pick = EntryPick(free_release=True)
        self.accept()

