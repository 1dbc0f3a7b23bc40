"""``BoothService``: the booth-level state the booth window shows, and the hub of lane controllers.

It reads the lanes (``Lane`` query, filtered by ``[booth] lanes``), creates one
:class:`~booth_console.app.lane.LaneController` per lane, keeps the areas and their free spaces
(``Area`` query plus parking-space callbacks), the plate and vehicle type lists (for no-plate
entry), the server link (aggregated from the lanes), the listener's state
and a live feed of entries, exits, payments and gate releases built from callbacks.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from booth_console.app.lane import LaneController, PollTiming
from booth_console.app.messages import MessageBus, error_text
from booth_console.app.openings import OpeningWatch
from booth_console.app.snapshots import (
    AreaSnapshot,
    CaptureSnapshot,
    FeedItem,
    FeedKind,
    LaneInfo,
    LaneKind,
    LinkSnapshot,
    ListenerSnapshot,
    OrderSnapshot,
)
from booth_console.config import BoothConfig
from booth_console.errors import BoothError
from booth_console.protocol import endpoints as ep
from booth_console.protocol import models as m
from booth_console.waits import TaskSet

if TYPE_CHECKING:
    from booth_console.app.callbacks import CallbackHub
    from booth_console.client import ParkingClient
    from booth_console.journal import Journal
    from booth_console.listener.processor import ReceivedCallback
    from booth_console.listener.server import CallbackListener

__all__ = ["BoothService", "TypeChoice"]

log = logging.getLogger("booth_console.booth")

#: While the callbacks are registered and polling sees vehicles, this long (seconds) without any
#: callback is shown as a warning (the server may have forgotten the table or cannot reach us).
NO_CALLBACKS_WARN_S = 300.0


def _tr(text: str) -> str:
    return QCoreApplication.translate("BoothService", text)


class TypeChoice:
    """A plate or vehicle type offered in the no-plate dialog."""

    __slots__ = ("name", "no")

    def __init__(self, no: str, name: str) -> None:
        self.no = no
        self.name = name

    def __repr__(self) -> str:
        return f"TypeChoice({self.no!r}, {self.name!r})"


class BoothService(QObject):
    """Booth-wide state and the lane controllers.

    Signals:
        lanes_loaded(list[LaneController]): the lanes of this booth are known.
        areas_changed(list[AreaSnapshot]): free spaces changed.
        link_changed(LinkSnapshot): the server link (online, failing, stale or offline; from the
            lanes' links).
        listener_changed(ListenerSnapshot): the listener's address, counts, last callback.
        feed_added(list[FeedItem]): new live-feed items (batched, newest last).
    """

    lanes_loaded = Signal(object)
    areas_changed = Signal(object)
    link_changed = Signal(object)
    listener_changed = Signal(object)
    feed_added = Signal(object)

    def __init__(
        self,
        client: ParkingClient,
        booth: BoothConfig,
        messages: MessageBus,
        *,
        hub: CallbackHub | None = None,
        listener: CallbackListener | None = None,
        journal: Journal | None = None,
        timing: PollTiming | None = None,
        registered: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.booth = booth
        self.messages = messages
        self.hub = hub
        self.listener = listener
        self.journal = journal
        self.timing = timing or PollTiming.from_config(booth)
        self.registered = registered
        self.controllers: dict[str, LaneController] = {}
        self.areas: dict[str, AreaSnapshot] = {}
        self.plate_types: list[TypeChoice] = []
        self.vehicle_types: list[TypeChoice] = []
        self.feed: deque[FeedItem] = deque(maxlen=300)
        self.link = LinkSnapshot(online=False)
        self._link_known = False
        self.listener_state: ListenerSnapshot | None = None
        self._pending_feed: list[FeedItem] = []
        self._feed_timer = QTimer(self)
        self._feed_timer.setSingleShot(True)
        self._feed_timer.setInterval(250)
        self._feed_timer.timeout.connect(self._flush_feed)
        self._listener_timer = QTimer(self)
        self._listener_timer.setInterval(1000)
        self._listener_timer.timeout.connect(self._poll_listener)
        self._tasks = TaskSet("booth", log)
        self._area_refresh_s = 30.0
        #: see :data:`NO_CALLBACKS_WARN_S`
        self.no_callbacks_warn_s = NO_CALLBACKS_WARN_S
        self._quiet_since = time.time()  # no callback expected before the start
        self._activity_at: float | None = None  # last new vehicle order seen by polling
        self._orders: dict[str, str] = {}
        self._quiet_warned = False
        #: gate releases and exits nothing this booth did explains (``app/openings.py``)
        self.openings = OpeningWatch(journal, lambda: self.booth.operator,
                                     kept_open=self._kept_open, parent=self)
        if hub is not None:
            self._connect_hub(hub)

    def __repr__(self) -> str:
        return f"<BoothService lanes={list(self.controllers)} online={self.link.online}>"

    @property
    def operator(self) -> str:
        """The attendant on duty."""
        return self.booth.operator

    # -- life cycle ------------------------------------------------------------------------

    async def start(self) -> list[LaneController]:
        """Load lanes, types and areas, start the lane pollers. Retries while the server is down."""
        # the listener is bound already: show its address even while the server is down
        self._listener_timer.start()
        self._poll_listener()
        # openings an earlier run listed and nobody explained are listed again
        self._spawn(self.openings.restore(), "openings-restore")
        lanes = await self._load_lanes_until_ok()
        for info in lanes:
            ctl = LaneController(self.client, info, timing=self.timing, parent=self)
            ctl.link_changed.connect(self._on_lane_link)
            ctl.order_changed.connect(lambda snap, no=info.lane_no: self._on_order(no, snap))
            self.controllers[info.lane_no] = ctl
        for ctl in self.controllers.values():
            ctl.start()
        self.lanes_loaded.emit(list(self.controllers.values()))
        log.info("booth ready: polling lanes %s", ", ".join(self.controllers) or "(none)")
        self._spawn(self._load_types(), "types")
        self._spawn(self._area_loop(), "areas")
        return list(self.controllers.values())

    async def stop(self) -> None:
        """Stop every poller and background task."""
        self._listener_timer.stop()
        self._feed_timer.stop()
        for ctl in self.controllers.values():
            await ctl.stop()
        await self._tasks.aclose()

    def _spawn(self, coro: Coroutine[Any, Any, object], name: str) -> None:
        self._tasks.spawn(coro, name)

    async def _load_lanes_until_ok(self) -> list[LaneInfo]:
        delay = 0.5
        warned = False
        while True:
            try:
                return await self.load_lanes()
            except BoothError as exc:
                if not warned:
                    log.warning("cannot read the lanes: %s", exc)  # the detail (URL, reason)
                    self.messages.error(
                        _tr("Cannot read the lanes from the parking server: {error}. Retrying…")
                        .format(error=error_text(exc))
                    )
                    warned = True
                self._link_known = True  # the recovery is announced (replacing this error)
                self.link = LinkSnapshot(online=False, error=error_text(exc), retry_in_s=delay)
                self.link_changed.emit(self.link)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def load_lanes(self) -> list[LaneInfo]:
        """Every lane (``Lane`` query), filtered by ``[booth] lanes`` in its order."""
        records = [r async for r in self.client.iter_records(ep.LANES)]
        lanes = [LaneInfo.from_record(r) for r in records]
        wanted = list(self.booth.lanes)
        if wanted:
            by_no = {lane.lane_no: lane for lane in lanes}
            missing = [no for no in wanted if no not in by_no]
            if missing:
                self.messages.warning(
                    _tr("Lanes not found on the parking server: {lanes}").format(lanes=", ".join(missing))
                )
            lanes = [by_no[no] for no in wanted if no in by_no]
        return lanes

    async def _load_types(self) -> None:
        delay = 1.0
        while True:
            try:
                plates = [r async for r in self.client.iter_records(ep.PLATE_TYPES)]
                vehicles = [r async for r in self.client.iter_records(ep.VEHICLE_TYPES)]
            except BoothError as exc:
                log.info("type lists not loaded yet: %s", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            self.plate_types = [TypeChoice(r.no, r.parking_card_type_name or r.no) for r in plates]
            self.vehicle_types = [TypeChoice(r.no, r.vehicle_type_name or r.no) for r in vehicles]
            return

    async def _area_loop(self) -> None:
        while True:
            try:
                await self.refresh_areas()
                wait = self._area_refresh_s
            except BoothError as exc:
                log.info("areas not loaded: %s", exc)
                wait = 5.0
            await asyncio.sleep(wait)

    async def refresh_areas(self) -> None:
        """Read the areas and their free spaces (``Area`` query)."""
        records = [r async for r in self.client.iter_records(ep.AREAS)]
        areas = {}
        for r in records:
            prev = self.areas.get(r.no or "")
            snap = AreaSnapshot.from_record(r, prev.total if prev else None)  # total: not in it
            areas[snap.area_no] = snap
        self.areas = areas
        self.areas_changed.emit(list(areas.values()))

    # -- link ------------------------------------------------------------------------------

    def _on_lane_link(self, _snap: LinkSnapshot) -> None:
        """The booth's server light from the lanes' links: online while some lane gets good
        answers in time; "failing" when the answers that come back are errors; stale as soon as
        no lane has had an answer for a few poll intervals; offline when none can reach it."""
        links = [c.link for c in self.controllers.values()]
        online = [s for s in links if s.online]
        fresh = [s for s in online if s.stale_s is None]
        good = [s for s in fresh if not s.failing]
        seen = [s.last_seen for s in links if s.last_seen is not None]
        last_seen = max(seen) if seen else self.link.last_seen
        if good:
            lat = [s.latency_ms for s in good if s.latency_ms is not None]
            snap = LinkSnapshot(
                online=True, last_seen=last_seen, latency_ms=sum(lat) / len(lat) if lat else None,
            )
        elif fresh:  # answers, but errors
            snap = LinkSnapshot(online=True, last_seen=last_seen, failing=True,
                                error=next((s.error for s in fresh if s.error), ""))
        elif online:  # nothing answered lately
            snap = LinkSnapshot(online=True, last_seen=last_seen,
                                stale_s=min(s.stale_s or 0.0 for s in online))
        else:
            errors = [s.error for s in links if s.error]
            snap = LinkSnapshot(
                online=False, last_seen=last_seen,
                error=errors[0] if errors else "",
                retry_in_s=min((s.retry_in_s for s in links if s.retry_in_s is not None), default=None),
            )
        went = snap.online != self.link.online and (self._link_known or not snap.online)
        began_failing = snap.failing and not self.link.failing
        self._link_known = True
        self.link = snap
        self.link_changed.emit(snap)
        if went:
            if snap.online:
                self.messages.success(_tr("The parking server answers again."))
            else:
                self.messages.error(
                    _tr("The parking server does not answer ({error}). Retrying by itself.")
                    .format(error=snap.error)
                )
        if began_failing:
            self.messages.error(
                _tr("The parking server answers with errors ({error}).").format(error=snap.error))

    # -- listener --------------------------------------------------------------------------

    def set_registered(self, registered: bool) -> None:
        """Record that the callback table was registered with the server (shown at once)."""
        if registered and not self.registered:
            self._quiet_since = time.time()
        self.registered = registered
        self._poll_listener()

    def _on_order(self, lane_no: str, snap: OrderSnapshot | None) -> None:
        order_no = snap.order_no if snap is not None else ""
        if order_no and self._orders.get(lane_no) != order_no:
            self._activity_at = time.time()
        self._orders[lane_no] = order_no

    def _quiet_minutes(self, last_callback_at: float | None) -> int:
        """Minutes without a callback while registered and vehicles come and go (0: fine)."""
        if not self.registered or self._activity_at is None:
            return 0
        since = max(last_callback_at or 0.0, self._quiet_since)
        quiet = time.time() - since
        if self._activity_at <= since or quiet < self.no_callbacks_warn_s:
            return 0
        return max(1, int(quiet // 60))

    def _poll_listener(self) -> None:
        lst = self.listener
        if lst is None:
            snap = ListenerSnapshot(address="", running=False, registered=self.registered)
        else:
            stats = lst.stats
            last = (dt.datetime.fromtimestamp(stats.last_callback_at)
                    if stats.last_callback_at else None)
            quiet = self._quiet_minutes(stats.last_callback_at)
            if quiet and not self._quiet_warned:
                self._quiet_warned = True
                log.warning("no callbacks for %d min while lanes are busy", quiet)
                self.messages.warning(
                    _tr("No callbacks for {n} min while lanes are busy: the parking server may "
                        "have lost the callback table or cannot reach this console.").format(n=quiet))
            elif not quiet:
                self._quiet_warned = False
            snap = ListenerSnapshot(
                address=lst.url, running=lst.running, last_callback=last,
                received=stats.accepted, rejected=stats.rejected, registered=self.registered,
                quiet_min=quiet,
            )
        if snap != self.listener_state:
            self.listener_state = snap
            self.listener_changed.emit(snap)

    # -- callbacks -------------------------------------------------------------------------

    def _connect_hub(self, hub: CallbackHub) -> None:
        hub.vehicle_in.connect(self._on_vehicle_in)
        hub.vehicle_out.connect(self._on_vehicle_out)
        hub.pay_result.connect(self._on_pay_result)
        hub.gate_release.connect(self._on_gate_release)
        hub.parking_spaces.connect(self._on_parking_spaces)
        hub.lane_change.connect(self._on_lane_change)
        hub.rejected.connect(lambda _r: self._poll_listener())

    def _kept_open(self, lane_no: str) -> bool:
        ctl = self.controllers.get(lane_no)
        return ctl is not None and ctl.status.keep_open == 1

    def _lane_name(self, lane_no: str, fallback: str = "") -> str:
        ctl = self.controllers.get(lane_no)
        return ctl.lane.name if ctl else (fallback or lane_no)

    @staticmethod
    def _image(cb: ReceivedCallback, name: str, url: str | None) -> tuple[str, bytes]:
        """The capture of a callback: the file its Base64 image ``name`` was saved to, else
        its image URL."""
        paths: dict[str, Path] = getattr(cb, "image_paths", {}) or {}
        if name in paths:
            return str(paths[name]), b""
        if url:
            return url, b""
        return "", b""

    def _add_feed(self, item: FeedItem) -> None:
        self.feed.append(item)
        self._pending_feed.append(item)
        if not self._feed_timer.isActive():
            self._feed_timer.start()

    def _flush_feed(self) -> None:
        items, self._pending_feed = self._pending_feed, []
        if items:
            self.feed_added.emit(items)

    def _capture(self, lane_no: str, cap: CaptureSnapshot) -> None:
        ctl = self.controllers.get(lane_no)
        if ctl is not None:
            ctl.set_capture(cap)
            ctl.request_refresh()

    def _on_vehicle_in(self, cb: ReceivedCallback) -> None:
        d: m.VehicleInCallback = cb.data
        lane_no = d.entry_lane_no or ""
        plate = d.license_plate_number or ""
        src, data = self._image(cb, "EntryImageBase64", d.entry_image_url)
        at = d.entry_time or ""
        lane_name = self._lane_name(lane_no, d.entry_lane_name or "")
        plate_type = d.parking_card_type_name or ""
        self._add_feed(FeedItem(FeedKind.ENTRY, at, lane_no, lane_name, plate, None, plate_type,
                                src, data))
        self._capture(lane_no, CaptureSnapshot(
            lane_no, plate, at, src, data, "entry",
            order_no=d.order_no or "", lane_name=lane_name,
            plate_type=" / ".join(x for x in (plate_type, d.vehicle_type_name or "") if x)))

    def _on_vehicle_out(self, cb: ReceivedCallback) -> None:
        d: m.VehicleOutCallback = cb.data
        lane_no = d.exit_lane_no or ""
        plate = d.license_plate_number or ""
        src, data = self._image(cb, "ExitImageBase64", d.exit_image_url)
        at = d.exit_time or ""
        self._add_feed(FeedItem(FeedKind.EXIT, at, lane_no,
                                self._lane_name(lane_no, d.exit_lane_name or ""),
                                plate, d.total_amount_paid,
                                d.parking_card_type_name or "", src, data))
        self._capture(lane_no, CaptureSnapshot(lane_no, plate, at, src, data, "exit"))
        self.openings.vehicle_left(
            lane_no=lane_no, lane_name=self._lane_name(lane_no, d.exit_lane_name or ""), at=at,
            plate=plate, order_no=d.order_no or "", capture=src, due=d.total_amount_due,
            paid=d.total_amount_paid, free_pass_reason=d.free_pass_reason or "")

    def _on_pay_result(self, cb: ReceivedCallback) -> None:
        d: m.PayResultCallback = cb.data
        order_no = d.order_no or ""
        self.openings.payment(order_no)
        lane_no = ""
        for ctl in self.controllers.values():
            if ctl.order is not None and ctl.order.order_no == order_no:
                lane_no = ctl.lane_no
                ctl.request_refresh()
        method = d.payment_method or ""
        self._add_feed(FeedItem(FeedKind.PAYMENT, d.payment_time or "",
                                lane_no, self._lane_name(lane_no) if lane_no else "",
                                d.license_plate_number or "",
                                d.total_amount_paid, _method_name(method)))

    def _on_gate_release(self, cb: ReceivedCallback) -> None:
        d: m.GateReleaseCallback = cb.data
        lane_no = d.passage_lane_no or ""
        src, data = self._image(cb, "ImageBase64", d.image_url)
        at = d.passage_time or ""
        plate = d.license_plate_number or ""
        detail = d.remarks or ""
        op = d.operator_name or ""
        self._add_feed(FeedItem(FeedKind.GATE, at, lane_no,
                                self._lane_name(lane_no, d.passage_lane_name or ""),
                                plate, None, f"{detail} ({op})" if op else detail, src, data))
        if src or data:
            self._capture(lane_no, CaptureSnapshot(lane_no, plate, at, src, data, "gate"))
        elif lane_no in self.controllers:
            self.controllers[lane_no].request_refresh()
        self.openings.gate_released(
            lane_no=lane_no, lane_name=self._lane_name(lane_no, d.passage_lane_name or ""),
            at=at, plate=plate, order_no=d.order_no or "", capture=src, remarks=detail,
            operator=op, abnormal_type=d.abnormal_pass_type)

    def _on_parking_spaces(self, cb: ReceivedCallback) -> None:
        d: m.ParkingSpacesCallback = cb.data
        areas = dict(self.areas)
        for a in d.area_spaces:
            snap = AreaSnapshot.from_spaces(a)
            areas[snap.area_no] = snap
        self.areas = areas
        self.areas_changed.emit(list(areas.values()))

    def _on_lane_change(self, cb: ReceivedCallback) -> None:
        d: m.LaneChangeCallback = cb.data
        lanes = [LaneInfo.from_record(r) for r in d.lanes]

        def key(info: LaneInfo) -> tuple[str, LaneKind, bool]:
            return (info.name, info.kind, info.charging)

        changed = [info for info in lanes if info.lane_no in self.controllers
                   and key(self.controllers[info.lane_no].lane) != key(info)]
        for info in changed:
            old = self.controllers[info.lane_no].lane
            self.controllers[info.lane_no].lane = dataclasses.replace(
                info, booth_no=info.booth_no or old.booth_no)
        if changed:
            self.messages.info(_tr("Lane settings changed on the parking server."))
            self.lanes_loaded.emit(list(self.controllers.values()))

    def lane_for(self, predicate: Callable[[LaneController], bool]) -> LaneController | None:
        """The first lane controller matching ``predicate``."""
        return next((c for c in self.controllers.values() if predicate(c)), None)


def _method_name(code: str, language: str | None = None) -> str:
    """A payment method's name in the UI language (the code if unknown)."""
    from booth_console.app.i18n import current_language
    from booth_console.protocol.enums import PaymentMethod

    try:
        return PaymentMethod(code).display_name(language or current_language())
    except ValueError:
        return code
