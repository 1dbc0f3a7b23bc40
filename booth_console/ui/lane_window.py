"""The lane window: one top-level window per lane, rendering its :class:`LaneController`.

The window renders the controller's signals; its command buttons and keys come from the
operator-command registry (:data:`~booth_console.app.commands.COMMANDS`): a button or key runs
the command's flow, which asks the attendant through this window's dialogs (:class:`LaneAsker`)
and reports through the :class:`~booth_console.app.commands.CommandRunner`. It holds no lane
state of its own.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from booth_console.app import commands as cmd
from booth_console.app.booth import BoothService, TypeChoice
from booth_console.app.commands import CommandRunner
from booth_console.app.images import ImageLoader
from booth_console.app.lane import LaneController
from booth_console.app.messages import Level, Message, MessageBus
from booth_console.app.receipt import Receipt
from booth_console.app.snapshots import (
    CaptureSnapshot,
    LaneKind,
    LinkSnapshot,
    OrderSnapshot,
    StatusSnapshot,
)
from booth_console.config import BoothConfig
from booth_console.ui.dialogs import (
    DEFAULT_METHOD_KEYS,
    HistoryWindow,
    ManualOpenDialog,
    NoPlateDialog,
    NoPlateResultDialog,
    OverrideDialog,
    PaymentDialog,
    ReasonListDialog,
    Subject,
    yuan,
)
from booth_console.ui.receipt import can_print, print_receipt
from booth_console.ui.sign_on import ApprovalDialog
from booth_console.ui.widgets import (
    BigLabel,
    ImageView,
    StatusLight,
    ask_yes_no,
    async_slot,
    big_font,
    run_dialog,
    show_image,
)

if TYPE_CHECKING:
    from booth_console.app.commands.find_entry import EntryFinder, EntryPick

__all__ = ["LaneAsker", "LaneWindow"]

log = logging.getLogger("booth_console.ui.lane")

#: below this size (client area) the lane window uses smaller type: it stays usable on a
#: quarter of a 1920x1080 screen (960x540) and on a 1366x768 screen
COMPACT_BELOW = (1100, 800)
#: between this and COMPACT_BELOW the plate and amount stay large (a 1366x768 screen)
MEDIUM_FROM = (1200, 640)


def _fixed_by_layout(label: QLabel) -> None:
    """Let the layout, not the text, decide the label's width (height stays the text's)."""
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)


_WAITING_HEADER = "QFrame#header { background: #ffe082; }"

_LEVEL_STYLE = {
    Level.BUSY: "background:#fff8e1; color:#6d4c00;",
    Level.INFO: "background:#e3f2fd; color:#0d47a1;",
    Level.SUCCESS: "background:#e8f5e9; color:#1b5e20;",
    Level.WARNING: "background:#fff3e0; color:#e65100;",
    Level.ERROR: "background:#ffebee; color:#b71c1c;",
}


class LaneWindow(QWidget):
    """Everything about one lane, readable from a metre away, driven from the keyboard."""

    def __init__(
        self,
        ctl: LaneController,
        *,
        runner: CommandRunner,
        booth: BoothService,
        images: ImageLoader,
        messages: MessageBus,
        config: BoothConfig,
        settings: QSettings | None = None,
        language: str = "en",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctl = ctl
        self.runner = runner
        self.booth = booth
        self.images = images
        self.messages = messages
        self.config = config
        self.settings = settings
        self.language = language
        self._force_close = False
        self._asking_close = False
        self._flash_left = 0
        self._image_tasks: dict[str, asyncio.Task[Any]] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.shortcuts: dict[str, QShortcut] = {}
        self.last_dialog: Any = None
        self.history: HistoryWindow | None = None
        self.compact: bool | None = None
        self.density = ""  # "normal", "medium" (1366x768) or "compact" (a quarter of 1920x1080)
        #: order no. -> who lowered its fee and why (shown beside the amount)
        self.override_notes: dict[str, str] = runner.ctx.fee_notes
        self._capture_hidden = False
        self._build()
        self._connect_signals()
        self._restore_geometry()
        self._render_status(ctl.status)
        self._render_order(ctl.order)
        self._render_link(ctl.link)
        self._render_lane()

    def __repr__(self) -> str:
        return f"<LaneWindow lane={self.ctl.lane_no!r}>"

    # -- construction ----------------------------------------------------------------------

    def _build(self) -> None:
        self.setMinimumSize(640, 480)
        root = QVBoxLayout(self)
        self._root = root
        root.setSpacing(8)

        self.header = QFrame(self)
        self.header.setObjectName("header")
        self.header.setAutoFillBackground(True)
        hl = QHBoxLayout(self.header)
        self.title = BigLabel(30, "", self.header)
        self.subtitle = QLabel("", self.header)
        self.subtitle.setFont(big_font(18, bold=False))
        hl.addWidget(self.title)
        hl.addStretch(1)
        hl.addWidget(self.subtitle)
        root.addWidget(self.header)

        lights = QHBoxLayout()
        self.light_gate = StatusLight(self.tr("Barrier"), self)
        self.light_keep = StatusLight(self.tr("Keep-open"), self)
        self.light_loop = StatusLight(self.tr("Ground loop"), self)
        self.light_camera = StatusLight(self.tr("Camera"), self)
        self.light_link = StatusLight(self.tr("Server"), self)
        for w in (self.light_gate, self.light_keep, self.light_loop, self.light_camera,
                  self.light_link):
            lights.addWidget(w)
        lights.addStretch(1)
        root.addLayout(lights)
        # the server cannot be reached: what is shown is the last known state, and what to do
        self.offline_label = QLabel("", self)
        self.offline_label.setObjectName("offline")
        self.offline_label.setFont(big_font(16))
        self.offline_label.setWordWrap(True)
        self.offline_label.setStyleSheet("QLabel#offline { background: #b71c1c; color: #ffffff;"
                                         " padding: 4px 8px; border-radius: 4px; }")
        self.offline_label.setVisible(False)
        root.addWidget(self.offline_label)

        middle = QHBoxLayout()
        left = QVBoxLayout()
        self.plate_caption = QLabel(self.tr("Plate"), self)
        self.plate_caption.setFont(big_font(16, bold=False))
        self.plate = BigLabel(72, "—", self)
        self.amount_caption = QLabel(self.tr("Amount due"), self)
        self.amount_caption.setFont(big_font(16, bold=False))
        self.amount = BigLabel(84, "—", self)
        # greyed while what it shows may be out of date (stale or offline)
        self.amount.setStyleSheet("QLabel { color: #b71c1c; } QLabel:disabled { color: #9e9e9e; }")
        # who lowered the fee and why (after an override)
        self.override_label = QLabel("", self)
        self.override_label.setFont(big_font(14))
        self.override_label.setWordWrap(True)
        self.override_label.setStyleSheet("color: #e65100;")
        self.override_label.setVisible(False)
        # what to do about a vehicle that waits without an order
        self.prompt = QLabel("", self)
        self.prompt.setObjectName("prompt")
        self.prompt.setFont(big_font(20))
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("QLabel#prompt { background: #fff3e0; color: #bf360c;"
                                  " border: 2px solid #ef6c00; border-radius: 4px; padding: 6px; }")
        self.prompt.setVisible(False)
        # Texts that change with every vehicle do not size the layout (their width is ignored;
        # the columns keep their 3:2 share): a new plate or order number repaints its label,
        # not the whole window with the pictures moved and rescaled.
        for lab in (self.plate_caption, self.plate, self.amount_caption, self.amount):
            _fixed_by_layout(lab)
        left.addWidget(self.plate_caption)
        left.addWidget(self.plate)
        left.addWidget(self.amount_caption)
        left.addWidget(self.amount)
        left.addWidget(self.override_label)
        left.addWidget(self.prompt)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.detail_labels: dict[str, QLabel] = {}
        self._detail_caps: list[QLabel] = []
        rows = [
            ("entry_time", self.tr("Entry time")),
            ("entry_lane", self.tr("Entry lane")),
            ("duration", self.tr("Duration")),
            ("plate_type", self.tr("Plate type")),
            ("order_no", self.tr("Order")),
            ("paid", self.tr("Total / discount")),
            ("coupons", self.tr("Coupons")),
        ]
        for i, (key, caption) in enumerate(rows):
            cap = QLabel(caption + ":", self)
            cap.setFont(big_font(14, bold=False))
            val = QLabel("—", self)
            val.setFont(big_font(16))
            val.setMinimumHeight(val.fontMetrics().height() + 2)
            val.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            _fixed_by_layout(val)
            self._detail_caps.append(cap)
            grid.addWidget(cap, i, 0, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(val, i, 1)
            self.detail_labels[key] = val
        left.addLayout(grid)
        self.breakdown = QLabel("", self)
        self.breakdown.setFont(big_font(13, bold=False))
        self.breakdown.setWordWrap(True)
        left.addWidget(self.breakdown)
        left.addStretch(1)
        middle.addLayout(left, 3)

        right = QVBoxLayout()
        self.entry_image = ImageView(self.tr("No entry image"), self)
        self.capture_image = ImageView(self.tr("No capture yet"), self)
        self.entry_caption = QLabel(self.tr("Entry image"), self)
        self.capture_caption = QLabel(self.tr("Latest capture at this lane"), self)
        for cap_label in (self.entry_caption, self.capture_caption):
            cap_label.setFont(big_font(14, bold=False))
            _fixed_by_layout(cap_label)
        right.addWidget(self.entry_caption)
        right.addWidget(self.entry_image, 1)
        right.addWidget(self.capture_caption)
        right.addWidget(self.capture_image, 1)
        middle.addLayout(right, 2)
        root.addLayout(middle, 1)

        row = QHBoxLayout()
        for name, command in cmd.COMMANDS.items():
            key = self.config.shortcut(name)
            native = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) if key else ""
            title = command.display_title()
            btn = QPushButton(f"{native}\n{title}" if native else title, self)
            btn.setFont(big_font(16))
            btn.setMinimumHeight(64)
            btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            btn.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            btn.setToolTip(f"{title} ({native})" if native else title)
            self.buttons[name] = btn
            row.addWidget(btn)
            if key:
                sc = QShortcut(QKeySequence(key), self)
                sc.setContext(Qt.ShortcutContext.WindowShortcut)
                self.shortcuts[name] = sc
        root.addLayout(row)

        self.message = QLabel("", self)
        self.message.setFont(big_font(17))
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(40)
        self.message.setContentsMargins(8, 4, 8, 4)
        _fixed_by_layout(self.message)
        self.history_button = QToolButton(self)
        self.history_button.setText(self.tr("History (Ctrl+M)"))
        self.history_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bar = QHBoxLayout()
        bar.addWidget(self.message, 1)
        bar.addWidget(self.history_button)
        root.addLayout(bar)
        self.history_shortcut = QShortcut(QKeySequence("Ctrl+M"), self)
        self.history_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)

        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(400)
        self._capture_timer = QTimer(self)  # a burst of captures repaints at most 4 times/s
        self._capture_timer.setSingleShot(True)
        self._capture_timer.setInterval(250)
        self._pending_capture: CaptureSnapshot | None = None

    def _connect_signals(self) -> None:
        self.ctl.status_changed.connect(self._render_status)
        self.ctl.order_changed.connect(self._render_order)
        self.ctl.link_changed.connect(self._render_link)
        self.ctl.capture_changed.connect(self._queue_capture)
        self._capture_timer.timeout.connect(self._flush_capture)
        self.ctl.attention.connect(self._attention)
        self.messages.message.connect(self._on_message)
        self.runner.busy_changed.connect(self._on_busy)
        self.booth.lanes_loaded.connect(lambda _l: self._render_lane())
        self._flash_timer.timeout.connect(self._flash_step)
        for name in cmd.COMMANDS:
            slot = self._slot(name)
            self.buttons[name].clicked.connect(slot)
            if name in self.shortcuts:
                self.shortcuts[name].activated.connect(slot)
        self.history_shortcut.activated.connect(self.show_history)
        self.history_button.clicked.connect(self.show_history)
        self.entry_image.clicked.connect(self.on_enlarge_entry)
        self.capture_image.clicked.connect(self.on_enlarge_capture)

    # -- rendering -------------------------------------------------------------------------

    def _render_lane(self) -> None:
        lane = self.ctl.lane
        kind = {LaneKind.ENTRY: self.tr("Entry"), LaneKind.EXIT: self.tr("Exit")}.get(
            lane.kind, self.tr("Unknown direction"))
        parts = [self.tr("Lane {no}").format(no=lane.lane_no), kind]
        if lane.charging:
            parts.append(self.tr("Charging"))
        self.title.setText(lane.name)
        self.subtitle.setText(" · ".join(parts))
        self.setWindowTitle(self.tr("{name} (lane {no}) — Booth Console").format(
            name=lane.name, no=lane.lane_no))
        entry = lane.kind is LaneKind.ENTRY
        for name, command in cmd.COMMANDS.items():
            self.buttons[name].setVisible(command.shows_button(self.ctl))
        self.amount.setVisible(not entry or lane.charging)
        self.amount_caption.setVisible(not entry or lane.charging)
        self._update_enabled()

    def _render_status(self, s: StatusSnapshot) -> None:
        gate = {1: ("ok", self.tr("Open")), 0: ("off", self.tr("Closed"))}
        keep = {1: ("warn", self.tr("ON")), 0: ("off", self.tr("Off"))}
        loop = {1: ("on", self.tr("Vehicle")), 0: ("off", self.tr("Empty"))}
        cam = {1: ("ok", self.tr("Online")), 0: ("bad", self.tr("Offline"))}
        unknown = ("unknown", self.tr("Unknown"))
        self.light_gate.set_state(*gate.get(s.gate, unknown))
        self.light_keep.set_state(*keep.get(s.keep_open, unknown))
        self.light_loop.set_state(*loop.get(s.loop, unknown))
        self.light_camera.set_state(*cam.get(s.camera, unknown))
        self._render_capture_state()

    def _render_link(self, link: LinkSnapshot) -> None:
        stale = link.online and link.stale_s is not None
        offline = not link.online
        # what is shown may be out of date: plate, amount and lights are greyed (and say why)
        self.amount.setEnabled(not stale and not offline)
        self.plate.setEnabled(not offline)
        lights = (self.light_gate, self.light_keep, self.light_loop, self.light_camera)
        if stale or offline:  # the last known state, grey: not a live "Online" in green
            for light in lights:
                light.set_state("unknown", light.text())
        elif any(light.state == "unknown" for light in lights):
            self._render_status(self.ctl.status)
        self.amount.setToolTip(
            self.tr("No answer for {n} s").format(n=f"{link.stale_s:.0f}") if stale else "")
        self._render_offline(link)
        if stale and link.stale_s is not None:
            self.light_link.set_state(
                "warn", self.tr("No answer for {n} s").format(n=f"{link.stale_s:.0f}"))
            self.light_link.setToolTip(self.tr("The lane's state may be out of date."))
        elif link.online and link.failing:
            self.light_link.set_state("bad", self.tr("FAILING · the server answers with errors"))
            self.light_link.setToolTip(link.error)
        elif link.online:
            text = self.tr("Online")
            if link.latency_ms is not None:
                text += f" · {link.latency_ms:.0f} ms"
            self.light_link.set_state("ok", text)
            self.light_link.setToolTip("")
        else:
            seen = link.last_seen.strftime("%H:%M:%S") if link.last_seen else self.tr("never")
            self.light_link.set_state("bad", self.tr("OFFLINE · last seen {t}").format(t=seen))
            self.light_link.setToolTip(link.error)  # translated (messages.error_text)
        self._update_enabled()

    def offline_since(self, link: LinkSnapshot | None = None) -> str:
        """When the lane last had an answer (HH:MM:SS), or "never"."""
        link = link or self.ctl.link
        return link.last_seen.strftime("%H:%M:%S") if link.last_seen else self.tr("never")

    def _render_offline(self, link: LinkSnapshot) -> None:
        if link.online:
            if self.offline_label.isVisibleTo(self):
                self.offline_label.setVisible(False)
                self._render_order(self.ctl.order)  # the captions of a live order again
            return
        order = self.ctl.order
        if order is not None and order.order_no:
            caption = self.tr("Amount due") + " — " + self.tr("last known, not live")
            if self.amount_caption.text() != caption:
                self.amount_caption.setText(caption)
        if order is not None and order.order_no:
            shown = self.tr("The plate and fee shown are the last known. {pay}: offline cash "
                            "payment; {open}: open with the barrier's manual switch.")
        else:
            shown = self.tr("No order known at this lane. {open}: open with the barrier's "
                            "manual switch.")
        text = self.tr("OFFLINE since {t}: the parking server cannot be reached.").format(
            t=self.offline_since(link)) + " " + shown.format(
            pay=self._key_text("confirm_payment"), open=self._key_text("open_gate"))
        if self.offline_label.text() != text:
            self.offline_label.setText(text)
        if not self.offline_label.isVisibleTo(self):
            self.offline_label.setVisible(True)

    def _render_order(self, order: OrderSnapshot | None) -> None:
        d = self.detail_labels
        if order is None:
            cap = self.ctl.capture
            last = self.ctl.lane.kind is LaneKind.ENTRY and cap is not None and bool(cap.plate)
            if last and cap is not None:
                self.plate_caption.setText(self.tr("Last vehicle"))
                self.plate.setText(cap.plate)
            else:
                self.plate_caption.setText(self.tr("Plate"))
                self.plate.setText("—")
            self.amount.setText("—")
            self.amount_caption.setText(self.tr("Amount due") + " — " + self.tr("no vehicle waiting"))
            for lab in d.values():
                lab.setText("—")
            if last and cap is not None:  # what OnVehicleIn told about the last entry
                d["entry_time"].setText(cap.at or "—")
                d["entry_lane"].setText(cap.lane_name or self.ctl.lane.name or "—")
                d["order_no"].setText(cap.order_no or "—")
                d["plate_type"].setText(cap.plate_type or "—")
            self.breakdown.setText("")
            self.entry_image.set_image(None)
            self._entry_source = ""
            self._render_override_note(None)
            self._hide_prompt()
            self._render_capture_state()
            self._update_enabled()
            return
        if not order.order_no and not order.charge:
            self._render_vehicle_without_order(order)
            return
        self.amount_caption.setText(self.tr("Amount due"))
        self.plate_caption.setText(self.tr("Plate"))
        self.plate.setText(order.plate or (self.tr("(no entry record)") if not order.order_no else "…"))
        self.amount.setText(yuan(order.amount_due))
        d["entry_time"].setText(order.entry_time or "—")
        d["entry_lane"].setText(order.entry_lane or "—")
        minutes = order.duration_minutes
        d["duration"].setText(
            self.tr("{h} h {m} min").format(h=minutes // 60, m=minutes % 60) if minutes is not None else "—"
        )
        d["plate_type"].setText(" / ".join(x for x in (order.plate_type, order.vehicle_type) if x) or "—")
        d["order_no"].setText(order.order_no or "—")
        d["paid"].setText(
            f"{yuan(order.total_due)} / {yuan(order.discount)}" if order.total_due is not None else "—"
        )
        d["coupons"].setText(", ".join(order.coupons or order.coupon_nos) or "—")
        lines = [
            self.tr("{area}: {start} → {end}, {minutes} min, {amount} {remarks}").format(
                area=line.area, start=line.start[5:16], end=line.end[5:16], minutes=line.stay_minutes,
                amount=yuan(line.amount), remarks=line.remarks)
            for line in order.lines
        ]
        if order.price_error:
            lines.append(self.tr("Fee details unavailable: {error}").format(error=order.price_error))
        if len(lines) > 4:
            lines = [*lines[:3], self.tr("… and {n} more").format(n=len(lines) - 3)]
        self.breakdown.setText("\n".join(lines))
        if order.entry_image_url and order.entry_image_url != getattr(self, "_entry_source", ""):
            self._entry_source = order.entry_image_url
            self._load_image(self.entry_image, order.entry_image_url, b"", order.plate)
        elif not order.entry_image_url:
            self._entry_source = ""
            self.entry_image.set_image(None)
        self._render_override_note(order)
        self._hide_prompt()
        self._render_capture_state()
        self._update_enabled()

    def _render_vehicle_without_order(self, order: OrderSnapshot) -> None:
        """A vehicle on the loop with no OrderNo: say so, and what the attendant can do."""
        entry = self.ctl.lane.kind is LaneKind.ENTRY
        self.plate_caption.setText(self.tr("Vehicle on the ground loop"))
        self.plate.setText(order.plate or self.tr("No plate read"))
        self.amount.setText("—")
        if entry and order.plate:  # read, but not admitted (e.g. a blacklisted plate)
            self.amount_caption.setText(self.tr("No entry order for this vehicle"))
            hint = self.tr("{plate} was read but the parking server created no entry order (the "
                           "barrier stays closed). Check the vehicle; {open} opens the barrier "
                           "(recorded in the journal).").format(
                plate=order.plate, open=self._key_text("open_gate"))
        elif entry:
            self.amount_caption.setText(self.tr("No entry order for this vehicle"))
            hint = self.tr("No plate was read. Check the vehicle, then press {key} for a no-plate "
                           "entry.").format(key=self._key_text("no_plate_entry"))
        else:
            self.amount_caption.setText(self.tr("No entry record — nothing to charge"))
            what = (self.tr("No entry record for {plate}.").format(plate=order.plate) if order.plate
                    else self.tr("The plate was not read, so no entry record can be found."))
            hint = self.tr("{what} {find} finds its entry among the vehicles in the lot (or "
                           "charges the flat fee). {open} opens the barrier (recorded in the "
                           "journal); {refresh} reads the lane again.").format(
                what=what, find=self._key_text("find_entry"), open=self._key_text("open_gate"),
                refresh=self._key_text("refresh"))
        for lab in self.detail_labels.values():
            lab.setText("—")
        self.breakdown.setText("")
        self.prompt.setText(hint)
        self.prompt.setVisible(True)
        self.amount.setVisible(False)  # nothing to charge: the prompt takes its place
        self.entry_image.set_image(None)
        self._entry_source = ""
        self._render_override_note(None)
        self._render_capture_state()
        self._update_enabled()

    def _key_text(self, command: str) -> str:
        key = self.config.shortcut(command)
        return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) if key else ""

    def _hide_prompt(self) -> None:
        if self.prompt.isVisibleTo(self):
            self.prompt.setVisible(False)
            lane = self.ctl.lane
            self.amount.setVisible(lane.kind is not LaneKind.ENTRY or lane.charging)

    def _render_override_note(self, order: OrderSnapshot | None) -> None:
        note = self.override_notes.get(order.order_no, "") if order is not None else ""
        if self.override_label.text() != note:
            self.override_label.setText(note)
        self.override_label.setVisible(bool(note))

    def _render_capture_state(self) -> None:
        """Never show the previous vehicle's capture as the one now waiting."""
        self._render_waiting_header()
        ctl = self.ctl
        stale = ctl.capture is not None and ctl.waiting_since is not None and not ctl.capture_is_current
        if stale and not self._capture_hidden:
            self._capture_hidden = True
            cap = ctl.capture
            assert cap is not None
            self.capture_caption.setText(
                self.tr("No capture of this vehicle yet (previous: {plate} {at})").format(
                    plate=cap.plate or "—", at=cap.at))
            self._cancel_image(self.capture_image)  # the previous capture may still be loading
            self.capture_image.set_image(None, self.tr("No capture of this vehicle yet"))
        elif not stale and self._capture_hidden:
            self._capture_hidden = False
            if ctl.capture is not None:
                self._render_capture(ctl.capture)

    def _queue_capture(self, cap: CaptureSnapshot) -> None:
        first = self._pending_capture is None and not self._capture_timer.isActive()
        self._pending_capture = cap
        if first:
            self._flush_capture()
            self._capture_timer.start()
        elif not self._capture_timer.isActive():
            self._capture_timer.start()

    def _flush_capture(self) -> None:
        cap, self._pending_capture = self._pending_capture, None
        if cap is not None:
            self._render_capture(cap)

    def _render_capture(self, cap: CaptureSnapshot) -> None:
        self._capture_hidden = False
        caption = f"{cap.plate}  {cap.at}"
        self.capture_caption.setText(self.tr("Latest capture at this lane: {caption}").format(
            caption=caption))
        self._capture_source = (cap.source, cap.data)
        if self.ctl.order is None and self.ctl.lane.kind is LaneKind.ENTRY and cap.plate:
            self._render_order(None)  # the last vehicle's plate, entry time, lane and order
        if cap.source or cap.data:
            self._load_image(self.capture_image, cap.source, cap.data, caption)
        else:
            self.capture_image.set_image(None, caption)

    def _cancel_image(self, view: ImageView) -> None:
        """Stop loading an image into ``view`` (a newer one, or none, is to be shown)."""
        task = self._image_tasks.pop(str(id(view)), None)
        if task is not None:
            task.cancel()

    def _load_image(self, view: ImageView, source: str, data: bytes, caption: str) -> None:
        self._cancel_image(view)
        key = str(id(view))

        async def load() -> None:
            box = view.fit_size()  # decoded to fit on a worker: no scaling on the Qt thread
            image = await self.images.load(source, data, box.width(), box.height())
            view.set_image(image, caption)

        try:
            task = asyncio.get_running_loop().create_task(load())
        except RuntimeError:
            return
        self._image_tasks[key] = task
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    def _update_enabled(self) -> None:
        for name, command in cmd.COMMANDS.items():
            if command.enabled is not None:
                self.buttons[name].setEnabled(command.is_enabled(self.ctl))

    def _on_message(self, msg: Message) -> None:
        if msg.lane_no not in ("", self.ctl.lane_no):
            return
        if not msg.lane_no and msg.level not in (Level.ERROR, Level.SUCCESS, Level.WARNING):
            return
        self.message.setText(f"{msg.at:%H:%M:%S}  {msg.text}")
        style = _LEVEL_STYLE.get(msg.level, "")
        if self.message.styleSheet() != style:  # re-polishing relayouts the window
            self.message.setStyleSheet(style)

    def _on_busy(self, state: tuple[str, str, bool]) -> None:
        lane_no, command, busy = state
        if lane_no != self.ctl.lane_no or command not in self.buttons:
            return
        btn = self.buttons[command]
        btn.setDown(busy)
        if busy:
            btn.setEnabled(False)
        else:
            btn.setEnabled(True)
            self._update_enabled()

    # -- dialogs name their lane ---------------------------------------------------------------

    def subject(self, order: OrderSnapshot | None = None) -> Subject:
        """This lane, and the plate and fee waiting at it (what a dialog acts on)."""
        order = order if order is not None else self.ctl.order
        charging = self.ctl.lane.kind is not LaneKind.ENTRY or self.ctl.lane.charging
        fee = order.amount_due if order is not None and order.order_no and charging else None
        plate = order.plate if order is not None else ""
        return Subject(self.ctl.lane.name, self.ctl.lane_no, plate, fee)

    async def ask(self, action: str, question: str) -> bool:
        """A Yes/No question whose title and header name this lane, its plate and fee."""
        subject = self.subject()
        return await ask_yes_no(self, subject.title(action), question, subject.header())

    # -- message history -----------------------------------------------------------------------

    def show_history(self) -> HistoryWindow:
        """The messages of this lane (and the booth's warnings), newest first (Ctrl+M)."""
        if self.history is None:
            names = {c.lane_no: c.lane.name for c in self.booth.controllers.values()}
            self.history = HistoryWindow(
                self, self.messages, self.ctl.lane_no,
                self.subject().title(self.tr("Message history")),
                lambda no: f"{names.get(no, no)} ({no})")
        self.history.show()
        self.history.raise_()
        self.history.activateWindow()
        return self.history

    # -- size ----------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = event.size()
        w, h = size.width(), size.height()
        if w >= COMPACT_BELOW[0] and h >= COMPACT_BELOW[1]:
            self.set_density("normal")
        elif w >= MEDIUM_FROM[0] and h >= MEDIUM_FROM[1]:
            self.set_density("medium")
        else:
            self.set_density("compact")

    def set_density(self, density: str) -> None:
        """Type and button sizes for the window's size (done once per change, not per resize)."""
        if density == self.density:
            return
        self.density = density
        self.compact = c = density != "normal"
        big = density == "medium"
        self._root.setSpacing(3 if c else 8)
        self._root.setContentsMargins(*((6, 4, 6, 4) if c else (11, 11, 11, 11)))
        self.title.setFont(big_font(22 if c else 30))
        self.subtitle.setFont(big_font(14 if c else 18, bold=False))
        for lab in (self.plate_caption, self.amount_caption):
            lab.setFont(big_font(13 if c else 16, bold=False))
        self.plate.setFont(big_font(64 if big else 50 if c else 72))
        self.amount.setFont(big_font(72 if big else 56 if c else 84))
        self.prompt.setFont(big_font(16 if c else 20))
        self.override_label.setFont(big_font(12 if c else 14))
        for cap in self._detail_caps:
            cap.setFont(big_font(12 if c else 14, bold=False))
        for val in self.detail_labels.values():
            val.setFont(big_font(14 if big else 13 if c else 16))
            val.setMinimumHeight(val.fontMetrics().height() + 2)
        self.breakdown.setFont(big_font(12 if c else 13, bold=False))
        for cap_label in (self.entry_caption, self.capture_caption):
            cap_label.setFont(big_font(12 if c else 14, bold=False))
            # the layout squeezes the column to its minimum in a small window: keep the whole
            # line (Chinese glyphs come from a fallback font taller than the Latin one)
            cap_label.setMinimumHeight(round(cap_label.fontMetrics().height() * 1.3))
        for view in (self.entry_image, self.capture_image):
            view.setMinimumHeight(120 if c else 150)
        for btn in self.buttons.values():
            btn.setFont(big_font(12 if c else 16))
            btn.setMinimumHeight(52 if big else 44 if c else 64)
        self.message.setFont(big_font(14 if c else 17))
        self.message.setMinimumHeight(26 if c else 40)
        self.message.setContentsMargins(*((6, 2, 6, 2) if c else (8, 4, 8, 4)))
        for light in (self.light_gate, self.light_keep, self.light_loop, self.light_camera,
                      self.light_link):
            light.set_compact(c)

    # -- attention ---------------------------------------------------------------------------

    def _attention(self, _order: OrderSnapshot) -> None:
        if self.config.attention_flash:
            self._flash_left = 8
            self._flash_timer.start()
        if self.config.attention_sound and not os.environ.get("BOOTH_CONSOLE_NO_SOUND"):
            QApplication.beep()

    def _flash_step(self) -> None:
        self._flash_left -= 1
        on = self._flash_left % 2 == 1
        self.header.setStyleSheet("QFrame#header { background: #ffca28; }" if on else "")
        if self._flash_left <= 0:
            self._flash_timer.stop()
            self.header.setStyleSheet("")
            self._render_waiting_header()

    def _render_waiting_header(self) -> None:
        """After the flash, the header stays tinted as long as a vehicle waits at this lane."""
        if self._flash_timer.isActive():
            return
        style = _WAITING_HEADER if self.ctl.waiting_since is not None else ""
        if self.header.styleSheet() != style:  # a style sheet re-polishes: only on a change
            self.header.setStyleSheet(style)

    # -- commands: each declared once in the registry (booth_console/app/commands) -----------

    def operation(self) -> cmd.Operation:
        """An invocation at this lane: this window asks the attendant."""
        return cmd.Operation(self.runner, self.ctl, LaneAsker(self), self.booth)

    async def invoke(self, name: str) -> cmd.Outcome[Any]:
        """Give the operator command ``name`` at this lane (its button or key)."""
        return await cmd.COMMANDS[name].invoke(self.operation())

    def _slot(self, name: str) -> Callable[..., Any]:
        return functools.partial(self.on_command, name)

    @async_slot
    async def on_command(self, name: str) -> None:
        await self.invoke(name)

    def default_reasons(self) -> tuple[str, ...]:
        """Fee override reasons offered when ``[booth] override_reasons`` is not set."""
        return cmd.default_reasons()

    async def enlarge(self, which: str) -> None:
        """Show the entry image or the latest capture larger."""
        if which == "entry":
            source, data = getattr(self, "_entry_source", ""), b""
        else:
            source, data = getattr(self, "_capture_source", ("", b""))
        if not source and not data:
            return
        image = await self.images.load(source, data, 1600, 1200)
        show_image(self, image, self.subject().title(
            self.tr("Entry image") if which == "entry" else self.tr("Latest capture at this lane")))

    @async_slot
    async def on_enlarge_entry(self) -> None:
        await self.enlarge("entry")

    @async_slot
    async def on_enlarge_capture(self) -> None:
        await self.enlarge("capture")

    # -- geometry and closing -------------------------------------------------------------

    def _settings_key(self) -> str:
        return f"lane/{self.ctl.lane_no}/geometry"

    def _restore_geometry(self) -> None:
        if self.settings is not None:
            geo = self.settings.value(self._settings_key())
            if geo is not None:
                self.restoreGeometry(geo)
                return
        self.resize(1180, 860)
        screen = self.screen()
        if screen is not None:  # never larger than the screen (1366x768: F-keys and messages)
            avail = screen.availableGeometry()
            self.resize(min(1180, avail.width()), min(860, avail.height() - 40))

    def save_geometry(self) -> None:
        """Remember position and size for this lane."""
        if self.settings is not None:
            self.settings.setValue(self._settings_key(), self.saveGeometry())
            self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._force_close or not self.ctl.status.vehicle_on_loop:
            self.save_geometry()
            self._force_close = False
            event.accept()
            return
        event.ignore()
        if not self._asking_close:
            self._asking_close = True
            try:
                asyncio.get_running_loop().create_task(self._ask_close())
            except RuntimeError:
                self._asking_close = False

    async def _ask_close(self) -> None:
        try:
            yes = await self.ask(
                self.tr("Close lane window"),
                self.tr("A vehicle is on the ground loop of {lane}. Close this window anyway?")
                .format(lane=self.ctl.lane.name),
            )
        finally:
            self._asking_close = False
        if yes:
            self._force_close = True
            self.close()


class LaneAsker:
    """The :class:`~booth_console.app.commands.Asker` of a lane window: its dialogs, window-modal
    to the lane, each naming the lane, the plate and the fee."""

    def __init__(self, win: LaneWindow) -> None:
        self.win = win

    def __repr__(self) -> str:
        return f"<LaneAsker lane={self.win.ctl.lane_no!r}>"

    async def confirm(self, action: str, question: str) -> bool:
        return await self.win.ask(action, question)

    async def enter_payment(
        self, order: OrderSnapshot, *, offline: str = "", received: Decimal | None = None,
        method: str = "79001", remarks: str = "", note: str = "",
    ) -> cmd.PaymentEntry | None:
        win = self.win
        keys = win.config.payment_method_keys or DEFAULT_METHOD_KEYS
        dlg = PaymentDialog(win, order, win.language, subject=win.subject(order),
                            received=received, method=method, remarks=remarks, note=note,
                            method_keys=keys, offline=offline,
                            receipt=None if offline or not can_print(
                                win.config.receipt_printer) else win.config.receipt)
        win.last_dialog = dlg
        try:
            if await run_dialog(dlg) != PaymentDialog.DialogCode.Accepted.value:
                return None
            return cmd.PaymentEntry(dlg.received_amount, dlg.method_code, dlg.remarks.text(),
                                    receipt=dlg.receipt is not None and dlg.receipt.isChecked())
        finally:
            dlg.deleteLater()

    async def enter_amount(
        self, order: OrderSnapshot, reasons: Sequence[str],
        submit: Callable[[Decimal, str], Awaitable[str]],
    ) -> bool:
        win = self.win
        dlg = OverrideDialog(win, order, subject=win.subject(order), reasons=reasons)
        win.last_dialog = dlg

        async def send() -> str:
            problem = await submit(dlg.new_amount, dlg.reason.text().strip())
            if not problem:
                win._render_override_note(win.ctl.order)
            return problem

        dlg.submit = send
        try:
            return await run_dialog(dlg) == OverrideDialog.DialogCode.Accepted.value
        finally:
            dlg.deleteLater()

    async def enter_reason(
        self, action: str, warning: str, reasons: Sequence[str], reason: str = "",
    ) -> str | None:
        win = self.win
        dlg = ManualOpenDialog(win, win.subject(), warning=warning, reasons=reasons,
                               reason=reason)
        win.last_dialog = dlg
        try:
            if await run_dialog(dlg) != ManualOpenDialog.DialogCode.Accepted.value:
                return None
            return dlg.reason.text()
        finally:
            dlg.deleteLater()

    async def pick_reason(
        self, action: str, detail: str, reasons: Sequence[str], *, ok_text: str = "",
        explain: Sequence[str] = (),
    ) -> cmd.ReasonPick | None:
        win = self.win
        dlg = ReasonListDialog(win, win.subject(), action, detail, reasons, ok_text=ok_text,
                               explain=explain)
        win.last_dialog = dlg
        try:
            if await run_dialog(dlg) != ReasonListDialog.DialogCode.Accepted.value:
                return None
            return cmd.ReasonPick(dlg.reason, dlg.text.text().strip())
        finally:
            dlg.deleteLater()

    async def choose(
        self, vehicle_types: Sequence[TypeChoice], plate_types: Sequence[TypeChoice], prefix: str,
    ) -> cmd.NoPlateChoice | None:
        win = self.win
        dlg = NoPlateDialog(win, win.subject(), vehicle_types, plate_types, prefix)
        win.last_dialog = dlg
        try:
            if await run_dialog(dlg) != NoPlateDialog.DialogCode.Accepted.value:
                return None
            return cmd.NoPlateChoice(dlg.vehicle_type_no, dlg.plate_type_no, dlg.remarks.text())
        finally:
            dlg.deleteLater()

    async def show_entry(self, plate: str, order_no: str, msg: str) -> None:
        win = self.win
        res = NoPlateResultDialog(win, plate, order_no, msg,
                                  Subject(win.ctl.lane.name, win.ctl.lane_no, plate))
        win.last_dialog = res
        try:
            await run_dialog(res)
        finally:
            res.deleteLater()

    async def find_entry(self, finder: EntryFinder) -> EntryPick | None:
        from booth_console.app.commands.find_entry import (
            EntryPick,
            no_entry_reasons,
            no_entry_texts,
        )
        from booth_console.ui.find_entry_dialog import FindEntryDialog

        win = self.win
        dlg = FindEntryDialog(win, finder, win.subject(), win.images)
        win.last_dialog = dlg
        try:
            if await run_dialog(dlg) != FindEntryDialog.DialogCode.Accepted.value:
                return None
            pick = dlg.pick
        finally:
            dlg.deleteLater()
        if pick is None or not dlg.no_entry:
            return pick
        title, warning = no_entry_texts(finder.read, finder.no_entry_fee)
        reason = await self.enter_reason(title, warning, no_entry_reasons())
        if reason is None or not reason.strip():
            return None
        return EntryPick(no_entry_reason=reason.strip())

    def key_text(self, command: str) -> str:
        return self.win._key_text(command)

    async def print_receipt(self, receipt: Receipt) -> str:
        return print_receipt(receipt, self.win.config.receipt_printer, self.win.language)

    async def approve(
        self, action: str, detail: str, check: Callable[[str, str], Awaitable[str]],
    ) -> str | None:
        win = self.win
        operators = win.runner.ctx.operators
        if operators is None:
            return None
        top = win.last_dialog  # over the command's own dialog when one is open
        parent = top if isinstance(top, QDialog) and top.isVisible() else win
        dlg = ApprovalDialog(parent, operators, win.subject().title(action), detail, check)
        win.last_dialog = dlg
        try:
            if await run_dialog(dlg) != ApprovalDialog.DialogCode.Accepted.value:
                return None
            return dlg.approver or None
        finally:
            dlg.deleteLater()
