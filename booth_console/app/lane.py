"""``LaneController``: one QObject per lane owning its state; the lane window only renders it.

Polling is sequential per lane (docs/ARCHITECTURE.md traps: httpx slows down with many requests in flight):
``GetLaneStatus`` every ``status_poll_ms`` (``status_poll_busy_ms`` while the ground loop reports a
vehicle) and ``GetLaneOrder`` every ``order_poll_ms``; when the OrderNo changes, ``GetOrderPrice``
and the ``ParkingOrder`` record are read. Callbacks call :meth:`LaneController.request_refresh`,
which wakes the loop at once; during a burst the lane is refreshed at most every 0.5 s (a
round of polls per burst, not per callback). When the server cannot be
reached the lane goes offline (with the last time it answered), polling backs off exponentially
and the lane recovers by itself. Nothing here raises into Qt.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from booth_console.app.messages import error_text
from booth_console.app.snapshots import (
    CaptureSnapshot,
    LaneInfo,
    LaneKind,
    LinkSnapshot,
    OrderSnapshot,
    StatusSnapshot,
)
from booth_console.config import BoothConfig
from booth_console.errors import ApiError, TransportError
from booth_console.protocol import models as m
from booth_console.waits import wait_event

__all__ = ["LaneClient", "LaneController", "PollTiming"]

_T = TypeVar("_T")


class LaneClient(Protocol):
    """What a lane controller asks the parking server (a
    :class:`~booth_console.client.ParkingClient`, or a test's stand-in)."""

    async def get_lane_status(self, lane_no: str) -> m.LaneStatus | None: ...

    async def get_lane_order(self, lane_no: str) -> m.LaneOrder: ...

    async def get_order_price(self, order_no: str) -> m.OrderPrice: ...

    async def query_parking_orders(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.ParkingOrderRecord]: ...

log = logging.getLogger("booth_console.lane")

#: the same kind of error answer is logged at most once per this many seconds per lane
API_WARNING_EVERY_S = 60.0
#: this many error answers in a row and no good one: the lane's link is "failing"
FAILING_AFTER = 3


class PollTiming:
    """Poll intervals and back-off limits (seconds)."""

    def __init__(
        self,
        status: float = 1.0,
        status_busy: float = 0.25,
        order: float = 0.5,
        backoff_first: float = 0.5,
        backoff_max: float = 15.0,
        refresh_min: float = 0.5,
        stale_after: float | None = None,
    ) -> None:
        self.status = status
        self.status_busy = status_busy
        self.order = order
        self.backoff_first = backoff_first
        self.backoff_max = backoff_max
        self.refresh_min = refresh_min  # callback-triggered refreshes: at most one per this
        #: no answer for this long: the lane shows itself as stale (a few poll intervals)
        self.stale_after = stale_after if stale_after is not None else max(3 * status, 3.0)

    @classmethod
    def from_config(cls, booth: BoothConfig) -> PollTiming:
        """Intervals from ``[booth]``."""
        return cls(
            status=booth.status_poll_ms / 1000,
            status_busy=booth.status_poll_busy_ms / 1000,
            order=booth.order_poll_ms / 1000,
        )


class LaneController(QObject):
    """The live state of one lane.

    Signals:
        status_changed(StatusSnapshot): gate, keep-open, ground loop or camera changed.
        order_changed(OrderSnapshot | None): the waiting order appeared, changed or left.
        link_changed(LinkSnapshot): the server link as this lane sees it.
        capture_changed(CaptureSnapshot): a new capture at this lane (from callbacks).
        attention(OrderSnapshot): a vehicle started waiting (flash, sound). A vehicle on the
            ground loop without an order (no plate read, no entry record) waits too: its snapshot
            has an empty ``order_no`` and a charge of 0 (see :attr:`vehicle_without_order`).
    """

    status_changed = Signal(object)
    order_changed = Signal(object)
    link_changed = Signal(object)
    capture_changed = Signal(object)
    attention = Signal(object)

    def __init__(
        self,
        client: LaneClient,
        lane: LaneInfo,
        *,
        timing: PollTiming | None = None,
        now: Callable[[], dt.datetime] = dt.datetime.now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.lane = lane
        self.timing = timing or PollTiming()
        self._now = now
        self.status = StatusSnapshot()
        self.order: OrderSnapshot | None = None
        self.link = LinkSnapshot(online=True)
        self.capture: CaptureSnapshot | None = None
        #: monotonic times: when the current capture came, when the vehicle now waiting arrived
        self.capture_received = 0.0
        self.arrived = 0.0
        #: wall-clock time the vehicle now waiting arrived (``None``: nobody waits)
        self.waiting_since: dt.datetime | None = None
        self._wake = asyncio.Event()
        self._force = False
        self._task: asyncio.Task[None] | None = None
        self._failures = 0
        self._latency: float | None = None
        self._last_link_emit = 0.0
        self._last_api_error = ""
        self._api_logged: dict[tuple[str, int], tuple[float, int]] = {}  # when, how many since
        self._api_errors = 0  # error answers in a row
        self._answered_at = time.monotonic()  # the last answer of any kind (or the start)
        self._stopping = False
        self.polls = 0
        self.max_gap_s = 0.0  # the longest time without an answer while polling (stress runs)
        self.stale_events = 0  # how many times the lane went stale
        # Not on the asyncio queue: a poller that is stuck, or a loop that is, must still show.
        self._stale_timer = QTimer(self)
        self._stale_timer.setInterval(1000)
        self._stale_timer.timeout.connect(self._check_stale)

    def __repr__(self) -> str:
        return f"<LaneController lane={self.lane.lane_no!r} {self.lane.kind.value} online={self.link.online}>"

    @property
    def lane_no(self) -> str:
        """The lane number."""
        return self.lane.lane_no

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start polling (on the running loop)."""
        self._stopping = False
        if self._task is None or self._task.done():
            self._answered_at = time.monotonic()
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"lane-{self.lane.lane_no}"
            )
            self._task.add_done_callback(self._task_done)
        self._stale_timer.start()

    async def stop(self) -> None:
        """Stop polling and wait for the poller to finish."""
        self._stopping = True
        self._stale_timer.stop()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @staticmethod
    def _task_done(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("lane poller died", exc_info=task.exception())

    def request_refresh(self) -> None:
        """Poll status and order now (coalesced: a burst of requests costs one round)."""
        self._force = True
        self._wake.set()

    async def refresh_now(self) -> None:
        """Poll status, order and fee now and return when done (the F5 command)."""
        await self._poll_status()
        await self._poll_order(force_details=True)

    def set_capture(self, capture: CaptureSnapshot) -> None:
        """Show a new capture at this lane."""
        self.capture = capture
        self.capture_received = time.monotonic()
        self.capture_changed.emit(capture)

    @property
    def vehicle_without_order(self) -> bool:
        """A vehicle waits with no OrderNo: no plate read (entry) or no entry record (exit)."""
        return self.order is not None and not self.order.order_no

    @property
    def capture_is_current(self) -> bool:
        """The capture shown was taken after the waiting vehicle arrived (not the previous one)."""
        if self.capture is None:
            return False
        return self.waiting_since is None or self.capture_received >= self.arrived

    def _set_waiting(self, waiting: bool, *, new_vehicle: bool = False) -> None:
        if waiting and (self.waiting_since is None or new_vehicle):
            self.waiting_since = self._now()
            self.arrived = time.monotonic()
        elif not waiting:
            self.waiting_since = None

    # -- staleness ---------------------------------------------------------------------------

    def _check_stale(self) -> None:
        """Every second (Qt timer): no answer for ``stale_after`` seconds (plus twice the recent
        latency) makes the lane stale; a poller that ended without being stopped is started
        again."""
        if self._stopping:
            return
        task = self._task
        if task is not None and task.done():
            log.warning("lane %s: the poller had ended; starting it again", self.lane.lane_no)
            self._task = None
            with contextlib.suppress(RuntimeError):  # no running loop: nothing to restart on
                self.start()
        age = time.monotonic() - self._answered_at
        # a slow server is not a stale lane: its answers are expected a round trip later
        # (twice the lane's recent latency, which includes waiting for a free connection)
        limit = self.timing.stale_after + 2 * (self._latency or 0.0) / 1000
        if age < limit or not self.link.online:
            return  # fresh, or offline already (which says when it was last seen)
        if self.link.stale_s is None:
            self.stale_events += 1
            log.warning("lane %s: no answer for %.0f s", self.lane.lane_no, age)
        self.link = dataclasses.replace(self.link, stale_s=age, latency_ms=None)
        self.link_changed.emit(self.link)

    # -- the poller -------------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_status = next_order = 0.0
        last_forced = -1e9
        while True:
            now = loop.time()
            if self._force and now - last_forced < self.timing.refresh_min:
                # a burst of callbacks: coalesce into one round per refresh_min
                await asyncio.sleep(last_forced + self.timing.refresh_min - now)
                now = loop.time()
            forced, self._force = self._force, False
            if forced:
                last_forced = now
            self._wake.clear()
            try:
                if forced or now >= next_status:
                    await self._poll_status()
                    interval = (
                        self.timing.status_busy if self.status.vehicle_on_loop else self.timing.status
                    )
                    next_status = loop.time() + interval
                if forced or now >= next_order:
                    await self._poll_order()
                    next_order = loop.time() + self.timing.order
                self._failures = 0
                delay = max(0.0, min(next_status, next_order) - loop.time())
            except TransportError as exc:
                self._failures += 1
                delay = min(
                    self.timing.backoff_first * 2 ** (self._failures - 1), self.timing.backoff_max
                )
                self._went_offline(exc, delay)
                next_status = next_order = 0.0
            except asyncio.CancelledError:
                raise
            except Exception:  # never let a surprise kill the lane
                log.exception("lane %s: poll failed", self.lane.lane_no)
                delay = self.timing.status
            if self._force:
                continue
            await wait_event(self._wake, delay)

    async def _timed(self, coro: Awaitable[_T]) -> _T:
        started = time.perf_counter()
        result = await coro
        ms = (time.perf_counter() - started) * 1000
        self._latency = ms if self._latency is None else self._latency * 0.8 + ms * 0.2
        self._seen()
        return result

    def _answered(self) -> None:
        now = time.monotonic()
        self.max_gap_s = max(self.max_gap_s, now - self._answered_at)
        self._answered_at = now

    def _seen(self, error: str = "") -> None:
        """An answer came back (``error``: an error answer, e.g. 1003)."""
        self.polls += 1
        self._answered()
        if error:
            self._api_errors += 1
        else:
            self._api_errors = 0
        failing = self._api_errors >= FAILING_AFTER
        was = self.link
        self.link = LinkSnapshot(
            online=True, last_seen=self._now(), latency_ms=self._latency,
            error=error if failing else "", failing=failing,
        )
        now = time.monotonic()
        changed = (not was.online or was.stale_s is not None or was.failing != failing)
        if changed or now - self._last_link_emit >= 1.0:
            self._last_link_emit = now
            self.link_changed.emit(self.link)

    def _went_offline(self, exc: BaseException, retry_in: float) -> None:
        if self.link.online:
            log.warning("lane %s: server unreachable: %s", self.lane.lane_no, exc)
        self._answered()  # a failure is an answer too: the lane knows it is offline
        self._api_errors = 0
        self.link = LinkSnapshot(
            online=False, last_seen=self.link.last_seen, latency_ms=None, error=error_text(exc),
            retry_in_s=retry_in,
        )
        self.link_changed.emit(self.link)

    def _api_problem(self, what: str, exc: ApiError) -> None:
        """Log an error answer: each kind (request, code) at most once a minute, with a count."""
        text = f"{what}: {exc}"
        self._last_api_error = text
        key = (what, exc.result_code)
        now = time.monotonic()
        when, since = self._api_logged.get(key, (-API_WARNING_EVERY_S, 0))
        if now - when < API_WARNING_EVERY_S:
            self._api_logged[key] = (when, since + 1)
            return
        more = f" (and {since} more like it in the last {now - when:.0f} s)" if since else ""
        self._api_logged[key] = (now, 0)
        log.warning("lane %s: %s%s", self.lane.lane_no, text, more)

    async def _poll_status(self) -> None:
        try:
            model = await self._timed(self.client.get_lane_status(self.lane.lane_no))
        except ApiError as exc:
            self._api_problem("GetLaneStatus", exc)
            self._seen(self._last_api_error)
            snap = StatusSnapshot(at=self._now())
        else:
            snap = StatusSnapshot.from_wire(model, self._now())
        if _status_key(snap) != _status_key(self.status):
            self.status = snap
            self.status_changed.emit(snap)
        else:
            self.status = snap

    async def _poll_order(self, *, force_details: bool = False) -> None:
        try:
            model = await self._timed(self.client.get_lane_order(self.lane.lane_no))
        except ApiError as exc:
            self._api_problem("GetLaneOrder", exc)
            self._seen(self._last_api_error)
            if self.status.vehicle_on_loop:
                return  # the server could not say: a vehicle on the loop is not "without order"
            model = m.LaneOrder()  # the server could not say, and no vehicle is seen: none
        seen = OrderSnapshot.from_wire(model)
        order_no, charge, coupons = seen.order_no, seen.charge, seen.coupon_nos
        if not order_no and charge == 0:
            if self.status.vehicle_on_loop or seen.plate:
                # a vehicle with no order: no plate read, or no entry record for its plate
                snap = seen
                if snap != self.order:
                    is_new = self.order is None
                    self._set_waiting(True)
                    self.order = snap
                    self.order_changed.emit(snap)
                    if is_new:
                        self.attention.emit(snap)
                return
            if self.order is not None:
                self._set_waiting(False)
                self.order = None
                self.order_changed.emit(None)
            return
        current = self.order
        if current is not None and current.order_no == order_no and not force_details:
            if current.charge != charge or current.coupon_nos != coupons:
                snap = _replace(current, charge=charge, coupon_nos=coupons)
                self.order = snap
                self.order_changed.emit(snap)
                await self._load_price(snap)
            return
        snap = seen
        if current is not None and current.order_no == order_no:
            snap = _replace(current, charge=charge, coupon_nos=coupons)
        # a vehicle that waited without an order and now has one (no-plate entry) is not new
        is_new = current is None or (current.order_no != order_no and bool(current.order_no))
        self._set_waiting(True, new_vehicle=is_new)
        self.order = snap
        self.order_changed.emit(snap)  # the fee first, details right after
        if is_new:
            self.attention.emit(snap)
        if order_no:
            await self._load_record(snap)
            await self._load_price(self.order or snap)

    async def _load_price(self, snap: OrderSnapshot) -> None:
        if not snap.order_no:
            return
        try:
            price = await self._timed(self.client.get_order_price(snap.order_no))
        except ApiError as exc:
            self._api_problem("GetOrderPrice", exc)
            new = _replace(snap, price_error=error_text(exc))
        else:
            new = snap.with_price(price)
        self._publish_if_current(new)

    async def _load_record(self, snap: OrderSnapshot) -> None:
        from booth_console.client import condition

        try:
            page = await self._timed(
                self.client.query_parking_orders([condition("OrderNo", 0, snap.order_no)], page_size=1)
            )
        except ApiError as exc:
            self._api_problem("ParkingOrder query", exc)
            return
        if not page.results:
            return
        rec = page.results[0]
        new = snap.with_record(rec)
        self._publish_if_current(new)
        # a capture of this vehicle at this lane, if the record has one
        exit_url = rec.exit_image_url or ""
        exit_lane = rec.exit_lane_no or ""
        if (exit_url and exit_lane in ("", self.lane.lane_no) and self.lane.kind is LaneKind.EXIT
                and (self.capture is None or self.capture.source != exit_url)):
            self.set_capture(CaptureSnapshot.from_record(self.lane.lane_no, new.plate, rec,
                                                         new.order_no))

    def _publish_if_current(self, new: OrderSnapshot) -> None:
        cur = self.order
        if cur is None or cur.order_no != new.order_no:
            return  # the vehicle left while we were asking
        merged = _replace(new, charge=cur.charge, coupon_nos=cur.coupon_nos)
        if merged != cur:
            self.order = merged
            self.order_changed.emit(merged)


def _status_key(s: StatusSnapshot) -> tuple[int, int, int, int]:
    return (s.gate, s.keep_open, s.loop, s.camera)


def _replace(snap: OrderSnapshot, **changes: Any) -> OrderSnapshot:
    import dataclasses

    return dataclasses.replace(snap, **changes)




