"""The booth window: lanes at a glance, free spaces, server link, listener, operator, live feed."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QIcon,
    QKeySequence,
    QPixmap,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from booth_console.app import commands as cmd
from booth_console.app.lane import LaneController
from booth_console.app.messages import Level, Message
from booth_console.app.openings import Opening
from booth_console.app.snapshots import (
    AreaSnapshot,
    FeedItem,
    FeedKind,
    LaneKind,
    LinkSnapshot,
    ListenerSnapshot,
)
from booth_console.ui.dialogs import HistoryWindow, ReasonListDialog, SettleDialog, Subject, yuan
from booth_console.ui.widgets import (
    BigLabel,
    StatusLight,
    ask_yes_no,
    async_slot,
    big_font,
    run_dialog,
    set_text_color,
)
from booth_console.waits import TaskSet

__all__ = ["BoothWindow"]

log = logging.getLogger("booth_console.ui")

_FEED_ROWS = 200
_THUMBS_PER_BATCH = 8  # a burst loads thumbnails only for the newest rows


class FeedModel(QStandardItemModel):
    """The live feed, newest first. The cells are Qt items, so painting the feed runs no
    Python (a Python ``data()`` is called for every cell and role of every repaint, and each
    call must take the GIL from the listener's and journal's threads)."""

    def __init__(self, headers: list[str], kind_text: Callable[[FeedKind], str],
                 parent: QObject | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.headers = headers
        self.kind_text = kind_text
        self.rows: list[FeedItem] = []
        self.setHorizontalHeaderLabels(headers)

    def cell_text(self, item: FeedItem, col: int) -> str:
        """The text of one cell."""
        if col == 0:
            return item.at[11:19] if len(item.at) >= 19 else item.at
        if col == 1:
            return self.kind_text(item.kind)
        if col == 2:
            return f"{item.lane_name} ({item.lane_no})" if item.lane_no else ""
        if col == 3:
            return item.plate
        if col == 4:
            return yuan(item.amount) if item.amount is not None else ""
        return item.detail

    def prepend(self, items: list[FeedItem]) -> None:
        """Add a batch (oldest first) at the top and drop rows past the limit."""
        if not items:
            return
        new = list(reversed(items))[:_FEED_ROWS]
        cols = len(self.headers)
        self.insertRows(0, len(new))
        # one dataChanged for the batch: each setItem would tell the view on its own (a burst
        # of 50 rows was 300 view updates, 17% of the Qt thread at 200 callbacks/s)
        self.blockSignals(True)
        try:
            for row, item in enumerate(new):
                for col in range(cols):
                    self.setItem(row, col, QStandardItem(self.cell_text(item, col)))
        finally:
            self.blockSignals(False)
        self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, cols - 1))
        self.rows[0:0] = new
        if len(self.rows) > _FEED_ROWS:
            self.removeRows(_FEED_ROWS, len(self.rows) - _FEED_ROWS)
            del self.rows[_FEED_ROWS:]

    def set_icon(self, item: FeedItem, icon: QIcon) -> None:
        """Show a capture thumbnail beside the plate (if the row is still there)."""
        for row, it in enumerate(self.rows):
            if it is item:
                cell = self.item(row, 3)
                if cell is not None:
                    cell.setIcon(icon)
                return


class BoothWindow(QWidget):
    """The booth at a glance. Built before any network module is imported; :meth:`bind` wires it.

    Signals:
        quit_requested(): the attendant confirmed quitting.
        lane_requested(str): show the window of this lane.
        arrange_requested(): tile the lane windows over the screens.
    """

    quit_requested = Signal()
    lane_requested = Signal(str)
    arrange_requested = Signal()

    def __init__(self, operator: str, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.settings = settings
        self.session: Any = None
        self._force_close = False
        self._lane_rows: dict[str, int] = {}
        self._tasks = TaskSet("booth-window", log)  # thumbnails, annotations
        self.pending: list[Any] = []
        self.controllers: list[LaneController] = []
        self.waiting_lanes: list[str] = []  # lane numbers in the waiting list, first come first
        self.history: HistoryWindow | None = None
        self.last_dialog: Any = None
        self.openings: list[Opening] = []  # the unexplained openings listed, newest first
        self._annotating = False
        self.setWindowTitle(self.tr("Booth Console"))
        self._build(operator)
        geo = settings.value("booth/geometry") if settings is not None else None
        if geo is not None:
            self.restoreGeometry(geo)
        else:
            self.resize(1280, 800)
            screen = self.screen()
            if screen is not None:
                avail = screen.availableGeometry()
                self.resize(min(1280, avail.width()), min(800, avail.height() - 40))

    def __repr__(self) -> str:
        return f"<BoothWindow lanes={list(self._lane_rows)}>"

    def _build(self, operator: str) -> None:
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = BigLabel(28, self.tr("Booth Console"), self)
        top.addWidget(self.title)
        top.addStretch(1)
        self.operator = QLabel(self.tr("On duty: {name}").format(name=operator), self)
        self.operator.setFont(big_font(18))
        top.addWidget(self.operator)
        self.lock_button = QPushButton(self.tr("Lock (Ctrl+L)"), self)
        self.lock_button.clicked.connect(self._lock)
        self.sign_off_button = QPushButton(self.tr("Sign off"), self)
        self.sign_off_button.clicked.connect(self._sign_off)
        self.operators_button = QPushButton(self.tr("Operators…"), self)
        self.operators_button.clicked.connect(self.show_operators)
        self.operators_dialog: Any = None
        for b in (self.lock_button, self.sign_off_button, self.operators_button):
            b.setAutoDefault(False)
            b.setEnabled(False)  # until someone signs on
            top.addWidget(b)
        root.addLayout(top)

        lights = QHBoxLayout()
        self.light_server = StatusLight(self.tr("Parking server"), self)
        self.light_server.set_state("unknown", self.tr("Connecting…"))
        self.light_listener = StatusLight(self.tr("Callback listener"), self)
        self.light_listener.set_state("unknown", self.tr("Starting…"))
        lights.addWidget(self.light_server)
        lights.addWidget(self.light_listener)
        lights.addStretch(1)
        root.addLayout(lights)
        self.listener_detail = QLabel("", self)
        self.listener_detail.setFont(big_font(14, bold=False))
        root.addWidget(self.listener_detail)

        middle = QHBoxLayout()
        lanes_box = QGroupBox(self.tr("Lanes"), self)
        lb = QVBoxLayout(lanes_box)
        self.lanes = QTableWidget(0, 7, self)
        self.lanes.setHorizontalHeaderLabels([
            self.tr("Lane"), self.tr("Name"), self.tr("Kind"), self.tr("Barrier"),
            self.tr("Loop"), self.tr("Plate"), self.tr("Due"),
        ])
        self._table_style(self.lanes)
        self.lanes.cellActivated.connect(lambda r, _c: self._activate_lane_row(r))
        self.lanes.cellDoubleClicked.connect(lambda r, _c: self._activate_lane_row(r))
        lb.addWidget(self.lanes)
        left = QVBoxLayout()
        left.addWidget(lanes_box, 1)
        middle.addLayout(left, 3)

        right = QVBoxLayout()
        waiting_box = QGroupBox(self.tr("Waiting (Enter: go to the lane)"), self)
        wb = QVBoxLayout(waiting_box)
        self.waiting = QTableWidget(0, 4, self)
        self.waiting.setHorizontalHeaderLabels([
            self.tr("Lane"), self.tr("Plate"), self.tr("Fee"), self.tr("Waiting since")])
        self._table_style(self.waiting)
        self.waiting.setFont(big_font(15))
        self.waiting.verticalHeader().setDefaultSectionSize(self.waiting.fontMetrics().height() + 8)
        # three waiting lanes readable without scrolling, however small the window: the list
        # is where the attendant looks when several lanes need them at once
        self.waiting.setMinimumHeight(
            self.waiting.horizontalHeader().sizeHint().height()
            + 3 * self.waiting.verticalHeader().defaultSectionSize() + 2 * self.waiting.frameWidth())
        self.waiting.cellActivated.connect(lambda r, _c: self._activate_waiting_row(r))
        self.waiting.cellDoubleClicked.connect(lambda r, _c: self._activate_waiting_row(r))
        wb.addWidget(self.waiting)
        left.addWidget(waiting_box, 1)  # beside the lanes, where the eye starts
        self._waiting_timer = QTimer(self)  # "for N min" goes on counting
        self._waiting_timer.setInterval(15_000)
        self._waiting_timer.timeout.connect(self._render_waiting)
        self.openings_box = QGroupBox(
            self.tr("Unexplained openings (Ctrl+U; Enter: give the reason)"), self)
        self.openings_box.setStyleSheet("QGroupBox { color: #b71c1c; font-weight: bold; }")
        ob = QHBoxLayout(self.openings_box)
        self.openings_table = QTableWidget(0, 4, self)
        self.openings_table.setHorizontalHeaderLabels([
            self.tr("Time"), self.tr("Lane"), self.tr("Plate"), self.tr("What")])
        self._table_style(self.openings_table)
        # fixed widths: sizing columns to their contents on every insert costs the whole table
        head = self.openings_table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setStretchLastSection(True)
        for col, width in enumerate((100, 150, 190)):
            self.openings_table.setColumnWidth(col, width)
        self.openings_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.openings_table.setIconSize(QSize(64, 40))
        self.openings_table.verticalHeader().setDefaultSectionSize(44)
        self.openings_table.cellActivated.connect(lambda r, _c: self._annotate_row(r))
        self.openings_table.cellDoubleClicked.connect(lambda r, _c: self._annotate_row(r))
        self.openings_table.currentCellChanged.connect(
            lambda r, _c, _pr, _pc: self._preview_opening(r))
        self.opening_capture = QLabel(self.tr("no capture"), self)
        self.opening_capture.setFixedSize(192, 120)
        self.opening_capture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening_capture.setStyleSheet("QLabel { background: #263238; color: #ffffff; }")
        ob.addWidget(self.openings_table, 1)
        ob.addWidget(self.opening_capture)
        self.openings_box.setVisible(False)
        self._opening_images: dict[str, QPixmap] = {}
        areas_box = QGroupBox(self.tr("Free spaces"), self)
        ab = QVBoxLayout(areas_box)
        self.areas = QTableWidget(0, 2, self)
        self.areas.setHorizontalHeaderLabels([self.tr("Area"), self.tr("Free / total")])
        self._table_style(self.areas)
        ab.addWidget(self.areas)
        right.addWidget(areas_box)
        pend_box = QGroupBox(self.tr("Payments waiting for the server"), self)
        pb = QVBoxLayout(pend_box)
        self.pending_list = QListWidget(self)
        self.pending_list.setFont(big_font(14, bold=False))
        self.pending_list.setWordWrap(True)  # an offline payment's review reason is long
        self.retry_button = QPushButton(self.tr("Send again"), self)
        self.retry_button.setEnabled(False)
        self.settle_button = QPushButton(self.tr("Settle review…"), self)
        self.settle_button.setToolTip(self.tr("Close the selected offline payment that needs "
                                              "review, without sending it"))
        self.settle_button.setEnabled(False)
        pb.addWidget(self.pending_list)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.settle_button)
        pb.addLayout(buttons)
        right.addWidget(pend_box)
        middle.addLayout(right, 2)
        root.addLayout(middle, 3)
        # across the window, above the feed: shown only while some opening waits for a reason
        self.openings_box.setMaximumHeight(210)
        root.addWidget(self.openings_box, 1)

        feed_box = QGroupBox(self.tr("Live feed"), self)
        fb = QVBoxLayout(feed_box)
        self.feed_model = FeedModel([
            self.tr("Time"), self.tr("Event"), self.tr("Lane"), self.tr("Plate"),
            self.tr("Amount"), self.tr("Detail"),
        ], self._feed_kind, self)
        self.feed = QTableView(self)
        self.feed.setModel(self.feed_model)
        self.feed.setFont(big_font(15, bold=False))
        self.feed.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.feed.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.feed.verticalHeader().setVisible(False)
        # fixed widths: sizing rows to their contents on every insert stalls the Qt thread
        header = self.feed.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((90, 90, 190, 200, 100)):
            self.feed.setColumnWidth(col, width)
        self.feed.setIconSize(QSize(64, 40))
        self.feed.verticalHeader().setDefaultSectionSize(44)
        fb.addWidget(self.feed)
        root.addWidget(feed_box, 2)

        self.message = QLabel("", self)
        self.message.setFont(big_font(16))
        self.message.setWordWrap(True)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.addWidget(self.message, 1)
        self.arrange_button = QPushButton(self.tr("Arrange lanes (Ctrl+Shift+A)"), self)
        self.arrange_button.clicked.connect(self.arrange_requested)
        self.history_button = QPushButton(self.tr("History (Ctrl+M)"), self)
        self.history_button.clicked.connect(self.show_history)
        bar.addWidget(self.arrange_button)
        bar.addWidget(self.history_button)
        #: opens a shift (the float) or, with one open, closes it (count, report)
        self.shift_button = QPushButton(self.tr("Shift (Ctrl+Shift+F12)"), self)
        self.shift_button.clicked.connect(self.on_shift)
        bar.addWidget(self.shift_button)
        # application-wide, as Ctrl+0..9: from a lane window too (no lane-window button, which
        # would widen every lane window)
        shift_key = QShortcut(QKeySequence("Ctrl+Shift+F12"), self)
        shift_key.setContext(Qt.ShortcutContext.ApplicationShortcut)
        shift_key.activated.connect(self.on_shift)
        root.addLayout(bar)
        for key, slot in (("Ctrl+M", self.show_history), ("Ctrl+Shift+A", self.arrange_requested.emit),
                          ("Ctrl+U", self.focus_openings)):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(slot)

    @staticmethod
    def _table_style(t: QTableWidget) -> None:
        t.setFont(big_font(15, bold=False))
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)

    # -- wiring ----------------------------------------------------------------------------

    def bind(self, session: Any) -> None:
        """Render ``session``'s booth service and messages."""
        self.session = session
        self._connect_signals()
        if session.booth.controllers:
            self._on_lanes(list(session.booth.controllers.values()))
        if session.booth.listener_state is not None:
            self._on_listener(session.booth.listener_state)
        operators = getattr(session, "operators", None)
        if operators is not None:
            operators.changed.connect(self._on_operator)
            self._on_operator(operators.state)

    # -- who is on duty ----------------------------------------------------------------------

    def _on_operator(self, state: Any) -> None:
        """"On duty" names the operator who signed on (and who acts, when a supervisor
        unlocked the console for them); the buttons work while someone is signed on."""
        who = state.operator
        if who is None:
            text = self.tr("On duty: nobody signed on")
        elif state.acting is not None and state.acting != who:
            text = self.tr("On duty: {name} (acting: {acting})").format(
                name=who.name, acting=state.acting.name)
        else:
            text = self.tr("On duty: {name}").format(name=who.name)
        if state.locked is not None and who is not None:
            text += " · " + self.tr("locked")
        self.operator.setText(text)
        self.lock_button.setEnabled(who is not None and state.locked is None)
        self.sign_off_button.setEnabled(who is not None and state.locked is None)
        self.operators_button.setEnabled(
            who is not None and state.locked is None and state.acting is not None
            and state.acting.role.can_manage)  # accounts are managed by an admin

    def _lock(self) -> None:
        operators = getattr(self.session, "operators", None)
        if operators is not None:
            operators.lock()

    def _sign_off(self) -> None:
        operators = getattr(self.session, "operators", None)
        if operators is not None:
            operators.sign_off()

    def show_operators(self) -> Any:
        """Open the Operators dialog (accounts; an admin only), or raise the open one."""
        operators = getattr(self.session, "operators", None)
        if operators is None or not self.operators_button.isEnabled():
            return None
        from booth_console.ui.operators_dialog import OperatorsDialog

        if self.operators_dialog is None or not self.operators_dialog.isVisible():
            self.operators_dialog = OperatorsDialog(operators, self)
            self.operators_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.operators_dialog.finished.connect(self._operators_closed)
            self.operators_dialog.open()
        self.operators_dialog.raise_()
        self.operators_dialog.activateWindow()
        return self.operators_dialog

    def _operators_closed(self) -> None:
        self.operators_dialog = None

    def _connect_signals(self) -> None:
        s = self.session
        s.booth.lanes_loaded.connect(self._on_lanes)
        s.booth.areas_changed.connect(self._on_areas)
        s.booth.link_changed.connect(self._on_link)
        s.booth.listener_changed.connect(self._on_listener)
        s.booth.feed_added.connect(self._on_feed)
        s.outbox.pending_changed.connect(self._on_pending)
        s.booth.openings.changed.connect(self._on_openings)
        s.messages.attach(self._on_message)
        self.retry_button.clicked.connect(self.on_retry_pending)
        self.settle_button.clicked.connect(self.on_settle_review)
        self.pending_list.currentRowChanged.connect(lambda _r: self._update_settle())

    # -- rendering -------------------------------------------------------------------------

    def _on_lanes(self, controllers: list[LaneController]) -> None:
        self.lanes.setRowCount(len(controllers))
        self._lane_rows = {}
        for row, ctl in enumerate(controllers):
            self._lane_rows[ctl.lane_no] = row
            kind = {LaneKind.ENTRY: self.tr("Entry"), LaneKind.EXIT: self.tr("Exit")}.get(
                ctl.lane.kind, "?")
            if ctl.lane.charging:
                kind += " · " + self.tr("charging")
            for col, text in enumerate([ctl.lane_no, ctl.lane.name, kind]):
                self.lanes.setItem(row, col, QTableWidgetItem(text))
            ctl.status_changed.connect(lambda _s, c=ctl: self._render_lane_row(c))
            ctl.order_changed.connect(lambda _o, c=ctl: self._render_lane_row(c))
            ctl.order_changed.connect(lambda _o: self._render_waiting())
            ctl.link_changed.connect(lambda _l, c=ctl: self._render_lane_row(c))
            self._render_lane_row(ctl)
        self.controllers = list(controllers)
        self._render_waiting()
        # every lane's row visible at once (up to 6; more scroll): the table is what the
        # attendant reads first, so it keeps its height when the window is small
        t = self.lanes
        rows = sum(t.rowHeight(r) for r in range(min(t.rowCount(), 6)))
        t.setMinimumHeight(t.horizontalHeader().height() + rows + 2 * t.frameWidth()
                           + t.horizontalScrollBar().sizeHint().height())

    def _render_lane_row(self, ctl: LaneController) -> None:
        row = self._lane_rows.get(ctl.lane_no)
        if row is None:
            return
        s = ctl.status
        gate = {1: self.tr("Open"), 0: self.tr("Closed")}.get(s.gate, self.tr("Unknown"))
        if s.keep_open == 1:
            gate += " · " + self.tr("KEEP OPEN")
        loop = {1: self.tr("Vehicle"), 0: self.tr("Empty")}.get(s.loop, self.tr("Unknown"))
        order = ctl.order
        plate = order.plate if order is not None else ""
        if order is not None and not order.order_no and not plate:
            plate = self.tr("no plate read")
        # nothing is due at a lane that does not charge (an entry lane shows the plate only)
        due = yuan(order.amount_due) if order is not None and ctl.lane.charging else ""
        if order is not None and not order.order_no and not order.charge:
            due = self.tr("no order") if ctl.lane.charging else ""
        for col, text in ((3, gate), (4, loop), (5, plate), (6, due)):
            self._set_cell(self.lanes, row, col, text)
        self._render_lane_stale(row, ctl.link.stale_s if ctl.link.online else None)

    def _render_lane_stale(self, row: int, stale_s: float | None) -> None:
        """A lane without an answer for a while: its row is greyed and says so."""
        tip = "" if stale_s is None else self.tr("No answer for {n} s").format(n=f"{stale_s:.0f}")
        for col in range(3, self.lanes.columnCount()):
            item = self.lanes.item(row, col)
            if item is None or item.toolTip() == tip:
                continue
            item.setToolTip(tip)
            flags = item.flags()
            item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled if tip else flags | Qt.ItemFlag.ItemIsEnabled)

    def _render_waiting(self) -> None:
        """Lanes where a vehicle waits, the longest-waiting first."""
        waiting = sorted((c for c in self.controllers if c.waiting_since is not None),
                         key=lambda c: c.waiting_since or dt.datetime.min)
        self.waiting_lanes = [c.lane_no for c in waiting]
        if self.waiting.rowCount() != len(waiting):
            self.waiting.setRowCount(len(waiting))
        now = dt.datetime.now()
        for row, ctl in enumerate(waiting):
            order, since = ctl.order, ctl.waiting_since
            assert since is not None
            plate = (order.plate if order is not None else "") or self.tr("no plate read")
            if order is None or not order.order_no:
                fee = self.tr("no order")
            else:
                fee = yuan(order.amount_due) if ctl.lane.charging else ""
            minutes = int((now - since).total_seconds() // 60)
            when = since.strftime("%H:%M:%S")
            if minutes >= 1:
                when += " · " + self.tr("{n} min").format(n=minutes)
            for col, text in enumerate((f"{ctl.lane.name} ({ctl.lane_no})", plate, fee, when)):
                self._set_cell(self.waiting, row, col, text)
        if waiting and not self._waiting_timer.isActive():
            self._waiting_timer.start()
        elif not waiting:
            self._waiting_timer.stop()

    def focus_waiting(self) -> None:
        """Put the keyboard in the waiting list, on the lane waiting longest (if any)."""
        if self.waiting.rowCount():
            self.waiting.setFocus()
            if self.waiting.currentRow() < 0:
                self.waiting.setCurrentCell(0, 0)

    def _activate_waiting_row(self, row: int) -> None:
        if 0 <= row < len(self.waiting_lanes):
            self.lane_requested.emit(self.waiting_lanes[row])

    def show_history(self) -> HistoryWindow:
        """Every message of the booth and its lanes, newest first (Ctrl+M)."""
        if self.history is None:
            bus = self.session.messages if self.session is not None else None
            if bus is None:
                from booth_console.app.messages import MessageBus

                bus = MessageBus(self)
            names = {c.lane_no: c.lane.name for c in self.controllers}
            self.history = HistoryWindow(self, bus, None, self.tr("Message history — booth"),
                                         lambda no: f"{names.get(no, no)} ({no})")
        self.history.show()
        self.history.raise_()
        self.history.activateWindow()
        return self.history

    def _activate_lane_row(self, row: int) -> None:
        for lane_no, r in self._lane_rows.items():
            if r == row:
                self.lane_requested.emit(lane_no)

    # -- unexplained openings ------------------------------------------------------------------

    def _opening_text(self, o: Opening) -> str:
        if o.kind == "gate":
            text = self.tr("Barrier opened, not by this booth")
        else:
            text = self.tr("Left without paying, not released by this booth")
        return f"{text} · {o.detail}" if o.detail else text

    def _render_opening(self, row: int, o: Opening, *, load: bool) -> None:
        t = self.openings_table
        at = o.at[11:19] if len(o.at) >= 19 else o.at
        lane = f"{o.lane_name} ({o.lane_no})" if o.lane_name else o.lane_no
        for col, text in enumerate((at, lane, o.plate or self.tr("no plate"),
                                    self._opening_text(o))):
            self._set_cell(t, row, col, text)
        item = t.item(row, 2)
        pix = self._opening_images.get(o.capture)
        if item is not None and pix is not None:
            item.setIcon(QIcon(pix))
        if o.capture and pix is None and load:
            self._load_opening_capture(o.capture)

    def _on_openings(self, openings: list[Opening]) -> None:
        """The unexplained openings, newest first; the box shows only while there are some.
        Rows are removed, inserted and updated one by one (a burst re-renders nothing else)."""
        keep = self.selected_opening()
        new = list(reversed(openings))
        by_key = {o.key: o for o in new}
        t = self.openings_table
        t.setUpdatesEnabled(False)
        try:
            for row in range(len(self.openings) - 1, -1, -1):  # gone: annotated or dropped
                if self.openings[row].key not in by_key:
                    t.removeRow(row)
                    del self.openings[row]
            shown = {o.key for o in self.openings}
            added = [o for o in new if o.key not in shown]  # newer than any shown: at the top
            for i, o in enumerate(added):
                t.insertRow(i)
                self._render_opening(i, o, load=i < _THUMBS_PER_BATCH)
            self.openings[0:0] = added
            for row, o in enumerate(self.openings):  # plate, order or capture added later
                cur = by_key[o.key]
                if cur != o:
                    self.openings[row] = cur
                    self._render_opening(row, cur, load=True)
        finally:
            t.setUpdatesEnabled(True)
        self.openings_box.setVisible(bool(self.openings))
        rows = [i for i, o in enumerate(self.openings) if keep is not None and o.key == keep.key]
        if self.openings and (rows or t.currentRow() < 0 or added):
            t.setCurrentCell(rows[0] if rows else 0, 0)
        self._preview_opening(t.currentRow())

    def _load_opening_capture(self, source: str) -> None:
        if self.session is None:
            return

        async def load() -> None:
            image = await self.session.images.load(source, b"", 192, 120)
            if image is None:
                return
            self._opening_images[source] = QPixmap.fromImage(image)
            for row, o in enumerate(self.openings):
                item = self.openings_table.item(row, 2)
                if o.capture == source and item is not None:
                    item.setIcon(QIcon(self._opening_images[source]))
            self._preview_opening(self.openings_table.currentRow())

        self._tasks.spawn(load(), "thumbnail")

    def _preview_opening(self, row: int) -> None:
        o = self.openings[row] if 0 <= row < len(self.openings) else None
        pix = self._opening_images.get(o.capture) if o is not None else None
        if pix is not None:
            self.opening_capture.setPixmap(pix)
        else:
            self.opening_capture.clear()
            self.opening_capture.setText(self.tr("no capture"))

    def selected_opening(self) -> Opening | None:
        """The unexplained opening selected in the list (``None``: none)."""
        row = self.openings_table.currentRow()
        return self.openings[row] if 0 <= row < len(self.openings) else None

    def focus_openings(self) -> None:
        """Put the keyboard in the unexplained-openings list (Ctrl+U)."""
        if self.openings:
            self.openings_table.setFocus()
            if self.openings_table.currentRow() < 0:
                self.openings_table.setCurrentCell(0, 0)

    def _annotate_row(self, row: int) -> None:
        if not 0 <= row < len(self.openings):
            return
        opening = self.openings[row]

        async def annotate() -> None:
            try:
                await self.annotate(opening)
            except Exception as exc:
                log.error("annotating an opening failed", exc_info=True)
                if self.session is not None:
                    self.session.messages.error(
                        self.tr("The reason was not recorded: {error}").format(error=exc))

        self._tasks.spawn(annotate(), "annotate")

    def annotation_reasons(self) -> tuple[str, ...]:
        """Reasons offered for an unexplained opening (the last one needs the attendant's words)."""
        return (
            self.tr("Opened from the parking software's own booth program"),
            self.tr("Opened by the supervisor or security"),
            self.tr("Emergency or official vehicle"),
            self.tr("Equipment fault or maintenance test"),
            self.tr("Paid another way"),
            self.tr("Other (say why)"),
        )

    async def annotate(self, opening: Opening) -> bool:
        """Ask why ``opening`` happened and journal the answer (it then leaves the list)."""
        if self.session is None or self._annotating:
            return False
        self._annotating = True
        try:
            subject = Subject(opening.lane_name or opening.lane_no, opening.lane_no, opening.plate)
            what = self._opening_text(opening)
            detail = self.tr("At {at}: {what}. Nothing this booth did explains it (no opening, "
                             "payment or free release). Say why: it is recorded with your "
                             "name.").format(at=opening.at, what=what)
            reasons = self.annotation_reasons()
            dlg = ReasonListDialog(self, subject, self.tr("Unexplained opening"), detail,
                                   reasons, ok_text=self.tr("Record the reason"),
                                   explain=reasons[-1:])
            self.last_dialog = dlg
            try:
                if await run_dialog(dlg) != ReasonListDialog.DialogCode.Accepted.value:
                    return False
                pick = cmd.ReasonPick(dlg.reason, dlg.text.text().strip())
            finally:
                dlg.deleteLater()
            await self.session.booth.openings.annotate(opening.key, pick.full())
            self.session.messages.success(
                self.tr("Opening at {lane} ({at}) explained: {why}").format(
                    lane=subject.lane_name, at=opening.at, why=pick.full()),
                lane_no=opening.lane_no)
            return True
        finally:
            self._annotating = False

    def _on_areas(self, areas: list[AreaSnapshot]) -> None:
        if self.areas.rowCount() != len(areas):
            self.areas.setRowCount(len(areas))
        for row, a in enumerate(areas):
            # the Area query gives the free count only; the total comes with OnParkingSpaces
            total = "—" if a.total is None else str(a.total)
            self._set_cell(self.areas, row, 0, a.name)
            self._set_cell(self.areas, row, 1, f"{a.free} / {total}")

    @staticmethod
    def _set_cell(table: QTableWidget, row: int, col: int, text: str) -> None:
        """Set a cell's text; an unchanged cell is left alone (no relayout, no repaint)."""
        item = table.item(row, col)
        if item is None:
            table.setItem(row, col, QTableWidgetItem(text))
        elif item.text() != text:
            item.setText(text)

    def _on_link(self, link: LinkSnapshot) -> None:
        if link.online and link.stale_s is not None:
            self.light_server.set_state(
                "warn", self.tr("No answer for {n} s").format(n=f"{link.stale_s:.0f}"))
            self.light_server.setToolTip(self.tr("The lanes' states may be out of date."))
        elif link.online and link.failing:
            self.light_server.set_state(
                "bad", self.tr("FAILING · {error}").format(error=link.error))
            self.light_server.setToolTip(link.error)
        elif link.online:
            lat = f" · {link.latency_ms:.0f} ms" if link.latency_ms is not None else ""
            mqtt = self.session is not None and self.session.cfg.server.transport == "mqtt"
            via = " · MQTT V3.0" if mqtt else ""
            self.light_server.set_state("ok", self.tr("Online") + lat + via)
            self.light_server.setToolTip("")
        else:
            seen = link.last_seen.strftime("%H:%M:%S") if link.last_seen else self.tr("never")
            self.light_server.set_state("bad", self.tr("OFFLINE · last seen {t}").format(t=seen))
            self.light_server.setToolTip(link.error)

    def _on_listener(self, snap: ListenerSnapshot) -> None:
        if not snap.running:
            self.light_listener.set_state("bad", self.tr("Not running"))
        elif snap.quiet_min:
            self.light_listener.set_state(
                "warn", self.tr("No callbacks for {n} min while lanes are busy").format(
                    n=snap.quiet_min))
        else:
            self.light_listener.set_state("ok", snap.address)
        last = snap.last_callback.strftime("%H:%M:%S") if snap.last_callback else self.tr("none yet")
        reg = self.tr("registered with the server") if snap.registered else self.tr("not registered")
        self.listener_detail.setText(
            self.tr("Callbacks: {n} received, {r} rejected, last at {t} · {reg}").format(
                n=snap.received, r=snap.rejected, t=last, reg=reg)
        )

    def _feed_kind(self, kind: FeedKind) -> str:
        return {
            FeedKind.ENTRY: self.tr("Entry"),
            FeedKind.EXIT: self.tr("Exit"),
            FeedKind.PAYMENT: self.tr("Payment"),
            FeedKind.GATE: self.tr("Barrier"),
        }[kind]

    def _on_feed(self, items: list[FeedItem]) -> None:
        fresh = items[-_FEED_ROWS:]
        self.feed_model.prepend(fresh)
        for item in fresh[-_THUMBS_PER_BATCH:]:
            if item.image_source or item.image_data:
                self._thumb(item)

    def _thumb(self, item: FeedItem) -> None:
        if self.session is None:
            return

        async def load() -> None:
            image = await self.session.images.load(item.image_source, item.image_data, 96, 60)
            if image is not None:
                self.feed_model.set_icon(item, QIcon(QPixmap.fromImage(image)))

        self._tasks.spawn(load(), "thumbnail")

    def _on_pending(self, pending: list[Any]) -> None:
        self.pending = list(pending)
        self.pending_list.clear()
        for p in self.pending:
            amount = p.request.get("TotalAmountPaid", "")
            text = self.tr("{pno} · lane {lane} · order {order} · ¥{amount}").format(
                pno=p.payment_order_no, lane=p.lane_no, order=p.order_no, amount=amount)
            status = getattr(p, "status", "pending")
            plate = str(p.request.get("_Plate") or "")
            # the mark first: the list is narrow and what matters is whether it was sent
            mark = ""
            if status == "review":
                mark = self.tr("NEEDS REVIEW (not sent): {why}").format(why=p.review)
            elif status == "offline":
                mark = self.tr("offline, pending")
            elif getattr(p, "offline", False):
                mark = self.tr("offline, checked: sending")
            if mark:
                text = " · ".join(x for x in (mark.split(":")[0].split("：")[0], plate, text) if x)
                if status == "review":
                    text += " · " + p.review
            item = QListWidgetItem(text)
            item.setToolTip(text)
            if status == "review":
                item.setForeground(QColor("#b71c1c"))
            elif status == "offline":
                item.setForeground(QColor("#e65100"))
            self.pending_list.addItem(item)
        self.retry_button.setEnabled(any(getattr(p, "status", "pending") != "review"
                                         for p in self.pending))
        self._update_settle()

    def _update_settle(self) -> None:
        p = self.selected_payment()
        self.settle_button.setEnabled(p is not None and getattr(p, "status", "") == "review")

    def selected_payment(self) -> Any:
        """The payment selected in "Payments waiting for the server" (``None``: none)."""
        row = self.pending_list.currentRow()
        return self.pending[row] if 0 <= row < len(self.pending) else None

    def _on_message(self, msg: Message) -> None:
        if msg.lane_no and msg.level is Level.BUSY:
            return
        color = {Level.ERROR: "#b71c1c", Level.WARNING: "#e65100", Level.SUCCESS: "#1b5e20"}.get(
            msg.level, "#0d47a1")
        lane = self.tr("Lane {no}: ").format(no=msg.lane_no) if msg.lane_no else ""
        set_text_color(self.message, color)
        self.message.setText(f"{msg.at:%H:%M:%S}  {lane}{msg.text}")

    # -- actions ---------------------------------------------------------------------------

    async def retry_pending(self) -> None:
        """Send every pending payment again with its own PaymentOrderNo ("Send again"; the
        outbox checks offline payments first and never sends those needing review)."""
        if self.session is None:
            return
        await self.session.outbox.retry(self.session.runner, self.pending)

    @async_slot
    async def on_retry_pending(self) -> None:
        await self.retry_pending()

    async def settle_review(self) -> Any:
        """Close the selected offline payment that needs review, with a note (not sent)."""
        p = self.selected_payment()
        if self.session is None or p is None or getattr(p, "status", "") != "review":
            return None
        plate = str(p.request.get("_Plate") or "")
        lane = self.session.booth.controllers.get(p.lane_no)
        subject = Subject(lane.lane.name if lane is not None else p.lane_no, p.lane_no, plate,
                          Decimal(str(p.request.get("TotalAmountPaid") or 0)))
        dlg = SettleDialog(self, subject, self.tr(
            "Offline payment {pno} (order {order}) was not sent: {why}. Settle the difference "
            "with the driver or the supervisor, then say how.").format(
            pno=p.payment_order_no, order=p.order_no, why=p.review))
        self.last_dialog = dlg
        if await run_dialog(dlg) != SettleDialog.DialogCode.Accepted.value:
            dlg.deleteLater()
            return None
        note = dlg.note.text().strip()
        dlg.deleteLater()
        return await self.session.runner.run(
            p.lane_no, "settle_payment", cmd.settle_offline_payment, p.payment_order_no, note,
            success_text=lambda _r: self.tr("Offline payment {pno} settled: {note}").format(
                pno=p.payment_order_no, note=note))

    @async_slot
    async def on_settle_review(self) -> None:
        await self.settle_review()

    async def shift_action(self) -> Any:
        """Open a shift (asks for the float) or close the open one (count, then the report)."""
        from PySide6.QtWidgets import QApplication, QDialog

        from booth_console.ui.shift_dialog import close_shift_dialog, open_shift_dialog

        manager = getattr(self.session, "shifts", None) if self.session is not None else None
        if manager is None:
            return None
        operator = self.session.ctx.operator
        # window-modal to the window the attendant is in (a lane window, or this one)
        active = QApplication.activeWindow()
        parent = active if active is not None and not isinstance(active, QDialog) else self
        if manager.current is None:
            return await open_shift_dialog(parent, manager, operator)
        return await close_shift_dialog(parent, manager, operator)

    @async_slot
    async def on_shift(self) -> None:
        await self.shift_action()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.settings is not None:
            self.settings.setValue("booth/geometry", self.saveGeometry())
            self.settings.sync()
        if self._force_close:
            event.accept()
            return
        event.ignore()
        try:
            asyncio.get_running_loop().create_task(self._ask_quit())
        except RuntimeError:
            event.accept()

    async def _ask_quit(self) -> None:
        if await ask_yes_no(self, self.tr("Quit"), self.tr("Quit Booth Console?")):
            self._force_close = True
            self.quit_requested.emit()
