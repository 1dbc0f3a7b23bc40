"""The simulator's HTTP server: the vendor's V2.0 paths, capture images and the /Sim/ control API.

Every answer under ``/Api/V2/OpenApi/`` is a JSON envelope ``{ResultCode, ResultMsg, ResultId,
Data}``, even for garbage input (a middleware turns any failure into JSON).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from booth_console.protocol import jsonutil
from booth_console.protocol.endpoints import Endpoint, by_v2
from booth_console.protocol.signing import verify_envelope
from booth_console.simulator import lot
from booth_console.simulator.dotnet import dotnet_view
from booth_console.simulator.engine import BusinessError, Engine, LaneState, SimError
from booth_console.simulator.ids import IdGen
from booth_console.simulator.images import render_capture_async
from booth_console.simulator.pusher import CallbackPusher
from booth_console.simulator.seed import seed_lot
from booth_console.simulator.store import ParamError, Store

__all__ = ["BODY_LIMIT", "Simulator", "SimulatorConfig"]


class _ClientGone(Exception):
    """The connection was lost while a request body was being read."""

log = logging.getLogger("booth_console.simulator")

#: Largest accepted request body (bytes); larger bodies get ResultCode 1002.
BODY_LIMIT = 1024 * 1024
_DRAIN_LIMIT = 64 * 1024 * 1024


@dataclass
class SimulatorConfig:
    """Settings of a simulator instance (see docs/SIMULATOR.md)."""

    host: str = "127.0.0.1"
    port: int = lot.DEFAULT_PORT
    app_id: str = lot.DEFAULT_APP_ID
    app_secret: str = lot.DEFAULT_APP_SECRET
    park_key: str = lot.DEFAULT_PARK_KEY
    seed: int = 1
    traffic: float = 0.0
    db_path: Path | None = None
    image_base64_in_callbacks: bool = False
    public_base_url: str | None = None
    #: Seconds after which a released vehicle drives through by itself; ``None``: 1 s when
    #: traffic is on, never otherwise (tests call ``pass_barrier``).
    auto_pass_s: float | None = None
    #: share of traffic exits the camera misreads (``simulator/misread.py``: look-alikes,
    #: last character, province or city, other, unreadable)
    misread_rate: float = 0.0
    #: share of traffic exits by a vehicle without an entry record
    no_entry_rate: float = 0.0

    def __repr__(self) -> str:  # never show the secret
        return (f"SimulatorConfig(host={self.host!r}, port={self.port}, app_id={self.app_id!r}, "
                f"park_key={self.park_key!r}, seed={self.seed}, traffic={self.traffic})")


@dataclass
class Faults:
    """Simulated faults (see :meth:`Simulator.set_fault`)."""

    slow_ms: int = 0
    fail_rate: float = 0.0
    drop_callbacks: bool = False
    #: the next N PaySuccess requests are recorded, then answered 1003 anyway
    pay_recorded_then_1003: int = 0
    #: the next N PaySuccess requests are answered 1003 without being recorded
    pay_1003: int = 0


class Simulator:
    """The simulated parking server: HTTP API, state, callbacks and traffic."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.port = config.port
        self.base_url = f"http://{config.host}:{config.port}"
        self.faults = Faults()
        self._ids = IdGen()
        self._rng = random.Random(config.seed)
        self._runner: web.AppRunner | None = None
        self._tmpdir: Path | None = None
        self._store: Store | None = None
        self._engine: Engine | None = None
        self._pusher: CallbackPusher | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        #: the tasks of the HTTP requests in flight (answer included), cancelled by stop()
        self._requests: set[asyncio.Task[Any]] = set()
        self._lane_timers: dict[str, asyncio.TimerHandle] = {}
        self._traffic_task: asyncio.Task[None] | None = None
        self.requests = 0

    # -- life cycle -----------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the simulator is not started")
        return self._engine

    async def start(self) -> None:
        """Open the database, seed it if new, and serve on the running loop.

        Raises:
            OSError: the port is busy (everything opened so far is closed again).
        """
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        cfg = self.config
        if cfg.db_path is None:
            self._tmpdir = Path(tempfile.mkdtemp(prefix="booth-sim-"))
            db_path = self._tmpdir / "simulator.db"
            image_root = self._tmpdir
        else:
            db_path = Path(cfg.db_path)
            db_path.parent.mkdir(parents=True, exist_ok=True)
            image_root = db_path.parent / (db_path.name + ".captures")
            image_root.mkdir(parents=True, exist_ok=True)
        store = Store(db_path)
        self._store = store
        pusher = CallbackPusher(
            store, self._ids, app_id=cfg.app_id, app_secret=cfg.app_secret,
            park_key=cfg.park_key, now=lambda: self.engine.now(),
            image_base64=cfg.image_base64_in_callbacks, image_root=image_root,
            dropping=lambda: self.faults.drop_callbacks)
        self._pusher = pusher
        engine = Engine(store, self._ids, pusher, image_root=image_root,
                        base_url=lambda: self.public_base_url, render=self._render)
        engine.on_lane_change = self._lane_changed
        self._engine = engine
        app = web.Application(middlewares=[self._json_errors], client_max_size=_DRAIN_LIMIT)
        # ASP.NET routing is case-insensitive: /api/v2/openapi/query works too.
        app.router.add_route("*", r"/{api:(?i:api)}/{v2:(?i:v2)}/{open:(?i:openapi)}/{action}",
                             self._api)
        app.router.add_route("*", "/Sim/{command}", self._control)
        (image_root / "CameraCaptures").mkdir(parents=True, exist_ok=True)
        app.router.add_static("/CameraCaptures/", image_root / "CameraCaptures",
                              show_index=False)
        # A short graceful shutdown: stop() must not wait for clients that keep a request open.
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        self._runner = runner
        site = web.TCPSite(runner, cfg.host, cfg.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        host = cfg.host if ":" not in cfg.host else f"[{cfg.host}]"
        self.base_url = f"http://{host}:{self.port}"
        if store.is_empty():
            seed_lot(store, self._ids, engine.now(), cfg.seed, self.public_base_url)
        await pusher.start()
        if cfg.traffic > 0:
            self._traffic_task = asyncio.get_running_loop().create_task(
                self._traffic(), name="sim-traffic")
            self._traffic_task.add_done_callback(_log_error)
        log.info("simulator serving on %s (AppId %s, ParkKey %s)", self.base_url, cfg.app_id,
                 cfg.park_key)

    async def stop(self) -> None:
        """Stop traffic, the pusher and the server; close the database."""
        if self._traffic_task is not None:
            self._traffic_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._traffic_task
            self._traffic_task = None
        for handle in self._lane_timers.values():
            handle.cancel()
        self._lane_timers.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._pusher is not None:
            await self._pusher.stop()
        if self._runner is not None:
            # Like a server process going away: drop open connections at once instead of
            # holding requests that arrive during a graceful shutdown. Each request's task is
            # cancelled *before* its transport is closed: closing the transport under a
            # capture image's loop.sendfile left that task waiting forever, and asyncio (3.11)
            # then reported InvalidStateError from _call_connection_lost (it sets an exception
            # on the transport's sendfile "empty waiter", already done). Cancelling first lets
            # sendfile unwind (callbacks run in order) before connection_lost; see
            # docs/SIMULATOR.md, "Stopping".
            for task in list(self._requests):
                task.cancel()
            server = self._runner.server
            for handler in list(getattr(server, "connections", None) or []):
                transport = getattr(handler, "transport", None)
                if transport is not None:
                    transport.close()
            await self._runner.cleanup()
            self._runner = None
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    @property
    def public_base_url(self) -> str:
        return (self.config.public_base_url or self.base_url).rstrip("/")

    async def _render(self, plate: str | None, lane_name: str, time_text: str) -> bytes:
        return await render_capture_async(plate, lane_name, time_text)

    # -- in-process control (same as /Sim/) -----------------------------------------------------

    async def arrive(self, lane_no: str, plate: str, plate_type_no: str | None = None,
                     vehicle_type_no: str | None = None, *,
                     read: str | None = None) -> dict[str, Any]:
        """A plate is recognised at a lane (``""``: a vehicle without a plate). ``read``: at an
        exit lane, the camera reads this instead (``""``: nothing; the capture shows the
        real plate)."""
        return await self.engine.arrive(lane_no, plate, plate_type_no, vehicle_type_no,
                                        read=read)

    async def misread_exit(self, lane_no: str, plate: str,
                           kind: str | None = None) -> dict[str, Any]:
        """``plate`` at exit ``lane_no``, misread by the camera: of class ``kind`` (one of
        ``misread.KINDS``), or drawn with the error classes' shares."""
        from booth_console.simulator.misread import misread

        try:
            read, drawn = misread(self._rng, plate, kind)
        except ValueError as exc:
            raise SimError(str(exc)) from None
        result = await self.arrive(lane_no, plate, read=read)
        result.update(Read=read, Class=drawn)
        return result

    async def seed_in_park(self, plate: str, minutes_ago: float, lane_no: str | None = None,
                           plate_type_no: str | None = None,
                           vehicle_type_no: str | None = None) -> dict[str, Any]:
        """Make ``plate`` a vehicle parked since ``minutes_ago`` minutes; the clock stays.

        Not parked yet: a new order entered that long ago (through ``lane_no``, default the
        first entry lane), with ``OnVehicleIn``/``OnParkingSpaces`` sent now. Already parked:
        its order's EntryTime is moved to that time. Then ``arrive`` at an exit lane shows the
        fee of that stay while record times and callbacks keep the real time of day.
        """
        return await self.engine.seed_in_park(plate, minutes_ago, lane_no, plate_type_no,
                                              vehicle_type_no)

    async def pass_barrier(self, lane_no: str) -> dict[str, Any]:
        """The vehicle at the lane drives through the open barrier."""
        return self.engine.pass_barrier(lane_no)

    async def open_outside(self, lane_no: str, operator: str = "admin") -> dict[str, Any]:
        """The barrier is opened from outside the console (the parking software's own booth
        program): ``OnGateReleaseRecord`` with AbnormalPassType 6201 and ``operator``."""
        return self.engine.open_outside(lane_no, operator)

    async def qr_pay(self, lane_no: str) -> dict[str, Any]:
        """The driver at an exit lane pays the lane fee by QR code (WeChat Pay, scene 2)."""
        return self.engine.qr_pay(lane_no)

    def advance_clock(self, minutes: float) -> None:
        """Move the simulated clock forward (fees and record times use it)."""
        self.engine.clock_offset += timedelta(minutes=minutes)

    def set_fault(self, *, camera_offline: str | None = None, camera_online: str | None = None,
                  gate_stuck: str | None = None, gate_ok: str | None = None,
                  slow_ms: int | None = None, fail_rate: float | None = None,
                  drop_callbacks: bool | None = None,
                  pay_recorded_then_1003: int | None = None, pay_1003: int | None = None,
                  clear: bool = False) -> None:
        """Inject or clear device and service faults.

        Args:
            camera_offline / camera_online: a lane number whose camera goes off/on line.
            gate_stuck / gate_ok: a lane number whose barrier stops/starts responding.
            slow_ms: delay added to every vendor API answer.
            fail_rate: share (0-1) of vendor API requests answered with ResultCode 1003.
            drop_callbacks: callbacks are not delivered (recorded as failed attempts).
            pay_recorded_then_1003: the next N valid PaySuccess requests are recorded (payment
                order, detail, OnPayResult, barrier) and then answered 1003 all the same.
            pay_1003: the next N signed PaySuccess requests are answered 1003 without being
                recorded.
            clear: reset every fault first.
        """
        engine = self.engine
        if clear:
            self.faults = Faults()
            for lane in engine.lanes.values():
                lane.camera_online = True
                lane.gate_stuck = False
        for lane_no, attr, value in ((camera_offline, "camera_online", False),
                                     (camera_online, "camera_online", True),
                                     (gate_stuck, "gate_stuck", True),
                                     (gate_ok, "gate_stuck", False)):
            if lane_no is not None:
                try:
                    lane = engine.lane(lane_no)
                except ParamError as exc:
                    raise SimError(str(exc)) from None
                setattr(lane, attr, value)
        if slow_ms is not None:
            self.faults.slow_ms = max(0, min(int(slow_ms), 60_000))
        if fail_rate is not None:
            self.faults.fail_rate = max(0.0, min(float(fail_rate), 1.0))
        if drop_callbacks is not None:
            self.faults.drop_callbacks = bool(drop_callbacks)
        if pay_recorded_then_1003 is not None:
            self.faults.pay_recorded_then_1003 = max(0, min(int(pay_recorded_then_1003), 1000))
        if pay_1003 is not None:
            self.faults.pay_1003 = max(0, min(int(pay_1003), 1000))

    def dump_state(self) -> dict[str, Any]:
        """Lanes, clock, occupancy, faults, callback table and recent callbacks."""
        state = self.engine.dump()
        state["Faults"] = dict(SlowMs=self.faults.slow_ms, FailRate=self.faults.fail_rate,
                               DropCallbacks=self.faults.drop_callbacks,
                               PayRecordedThen1003=self.faults.pay_recorded_then_1003,
                               Pay1003=self.faults.pay_1003)
        assert self._pusher is not None
        state["Callbacks"] = self._pusher.summary()
        state["RecentCallbacks"] = self._pusher.recent(20)
        state["BaseUrl"] = self.base_url
        state["Requests"] = self.requests
        return state

    # -- automatic passing ----------------------------------------------------------------------

    def _auto_pass_delay(self) -> float | None:
        if self.config.auto_pass_s is not None:
            return self.config.auto_pass_s
        return 1.0 if self.config.traffic > 0 else None

    def _lane_changed(self, lane: LaneState) -> None:
        delay = self._auto_pass_delay()
        v = lane.vehicle
        if delay is None or v is None or not v.released or (lane.gate != 1 and not lane.keep_open):
            return
        no = lane.d.no
        if no in self._lane_timers:
            return
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self._lane_timers.pop(no, None)
            with contextlib.suppress(SimError):
                if lane.vehicle is v:
                    self.engine.pass_barrier(no)

        self._lane_timers[no] = loop.call_later(delay, fire)

    # -- traffic --------------------------------------------------------------------------------

    async def _traffic(self) -> None:
        rng = self._rng
        per_minute = self.config.traffic
        from booth_console.simulator.seed import random_plate

        qr_wait: dict[str, float] = {}
        while True:
            await asyncio.sleep(min(rng.expovariate(per_minute / 60.0), 30.0))
            engine = self.engine
            try:
                self._traffic_payments(qr_wait)
                in_park = engine.occupied()
                share = 0.8 if in_park <= 20 else 0.5 if in_park <= 250 else 0.2
                arrive = rng.random() < share
                lanes = [ln for ln in engine.lanes.values()
                         if ln.d.entry == arrive and ln.vehicle is None]
                if not lanes:
                    continue
                lane = rng.choice(lanes)
                if arrive:
                    plate = random_plate(rng)
                    if rng.random() < 0.05:
                        plate = rng.choice(["P12345", "DASH1", "粤B88888", "FREE01"])
                    await engine.arrive(lane.d.no, plate)
                else:
                    rows = engine.store.all(
                        'SELECT LicensePlateNumber FROM "ParkingOrder" WHERE OrderStatus = 200 '
                        "ORDER BY EntryTime LIMIT 30")
                    busy = {ln.vehicle.plate for ln in engine.lanes.values() if ln.vehicle}
                    plates = [r[0] for r in rows if r[0] not in busy]
                    if not plates:
                        continue
                    plate = rng.choice(plates)
                    read: str | None = None
                    if rng.random() < self.config.no_entry_rate:
                        plate = random_plate(rng)  # never entered (or its entry was lost)
                    elif rng.random() < self.config.misread_rate:
                        from booth_console.simulator.misread import misread

                        read, _kind = misread(rng, plate)
                    result = await engine.arrive(lane.d.no, plate, read=read)
                    if str(result.get("Status", "")).startswith("waiting for payment"):
                        share_qr = rng.random() < 0.5
                        delay = rng.uniform(4, 15) if share_qr else 120.0
                        qr_wait[lane.d.no] = time.monotonic() + delay
            except SimError as exc:
                log.debug("traffic: %s", exc)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("traffic step failed")

    def _traffic_payments(self, qr_wait: dict[str, float]) -> None:
        now = time.monotonic()
        engine = self.engine
        for lane in engine.lanes.values():
            v = lane.vehicle
            if v is None:
                qr_wait.pop(lane.d.no, None)
                continue
            due = qr_wait.get(lane.d.no)
            waited = now - v.arrived
            if v.order_no and not v.paid and not v.released and (
                    (due is not None and now >= due) or waited > 120):
                with contextlib.suppress(SimError):
                    engine.qr_pay(lane.d.no)
                qr_wait.pop(lane.d.no, None)
            elif not v.released and waited > 150:
                # A vehicle nobody lets through (no entry record, blacklisted, no plate)
                # reverses out so the lane does not stay blocked.
                lane.vehicle = None
                self._lane_changed(lane)

    # -- HTTP: vendor API -------------------------------------------------------------------------

    def _envelope(self, code: int, msg: str, data: Any = None) -> dict[str, Any]:
        """An answer envelope ``{ResultCode, ResultMsg, ResultId, Data}``."""
        return {"ResultCode": code, "ResultMsg": msg, "ResultId": self._ids.snowflake(),
                "Data": data}

    def _answer(self, code: int, msg: str, data: Any = None, status: int = 200) -> web.Response:
        return _json_response(self._envelope(code, msg, data), status)

    @web.middleware
    async def _json_errors(self, request: web.Request,
                           handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
                           ) -> web.StreamResponse:
        task = request.task  # it also sends the answer (a capture image: loop.sendfile)
        if task not in self._requests:
            self._requests.add(task)
            task.add_done_callback(self._requests.discard)
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if request.path.startswith("/CameraCaptures/") and exc.status == 404:
                raise
            code = 1002
            msg = {404: f"No interface at {request.path}",
                   405: f"Method {request.method} is not allowed for {request.path}",
                   413: f"Request body exceeds the {BODY_LIMIT // 1024} KB limit"}.get(
                exc.status, exc.reason or "Bad request")
            return self._answer(code, msg, status=exc.status if exc.status >= 400 else 400)
        except _ClientGone:
            # The client went away while sending its body (e.g. a console closing at exit):
            # nobody reads this answer; aiohttp drops it quietly on the closed connection.
            return web.Response(status=400)
        except (asyncio.CancelledError, ConnectionResetError):
            raise  # the client went away: nothing to answer
        except Exception:
            log.exception("simulator request failed: %s %s", request.method, request.path)
            return self._answer(1003, "Interface service processing exception, please "
                                      "contact administrator", status=500)

    async def _read_body(self, request: web.Request) -> bytes | None:
        """The body, or ``None`` when it exceeds :data:`BODY_LIMIT` (the rest is drained)."""
        chunks: list[bytes] = []
        size = 0
        too_big = False
        while True:
            try:
                chunk = await request.content.read(65536)
            except ConnectionResetError as exc:  # aiohttp's "Connection lost"
                log.debug("%s %s: the client went away while sending the body (%s)",
                          request.method, request.path, exc)
                raise _ClientGone from None
            if not chunk:
                break
            size += len(chunk)
            if size > _DRAIN_LIMIT:
                raise web.HTTPRequestEntityTooLarge(max_size=BODY_LIMIT, actual_size=size)
            if size > BODY_LIMIT:
                too_big = True
                chunks.clear()
                continue
            chunks.append(chunk)
        return None if too_big else b"".join(chunks)

    async def _api(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        action = request.match_info["action"]
        route = next((v for k, v in request.query.items() if k.lower() == "route"), None)
        endpoint = by_v2(action, route)
        if endpoint is None and action.lower() not in ("query", "notice"):
            endpoint = by_v2(action, None)  # a stray Route on an unrouted action is ignored
        if endpoint is None:
            known = {"query", "notice", "getlanestatus", "getlaneorder", "getorderprice",
                     "setlanegatestatus", "modifylaneordermoney", "paysuccess", "createnoplate",
                     "setcallbackparams", "retrycallback"}
            await self._read_body(request)
            if action.lower() in ("query", "notice"):
                if not route:
                    return self._answer(1002, f"The Route query parameter is required for "
                                              f"{action} (e.g. ?Route=Area)")
                return self._answer(1002, f"Unknown Route '{route}' for {action}")
            if action.lower() in known:
                return self._answer(1002, f"Unknown Route '{route}' for {action}")
            return self._answer(1002, f"No interface at {request.path}", status=404)
        allowed = ("GET", "POST") if endpoint.method == "GET" else ("POST",)
        if request.method not in allowed:
            await self._read_body(request)
            return self._answer(1002, f"{endpoint.action} must be called with "
                                      f"{' or '.join(allowed)}", status=405)
        raw = await self._read_body(request)
        ctype = request.headers.get("Content-Type", "")
        answer = await self._handle(endpoint, raw, ctype)
        return _json_response(answer, 200)

    # -- the vendor API, shared by HTTP and in-process callers --------------------------------

    async def handle_envelope(self, endpoint: Endpoint, raw: bytes) -> dict[str, Any]:
        """Answer one request body for ``endpoint`` in-process, exactly as over HTTP.

        The same faults (slow, failure rate), size limit, envelope checks (13-digit TimeStamp,
        AppId, ParkKey, Sign) and dispatch as ``POST /Api/V2/OpenApi/...`` run; only HTTP
        matters (path, method, Content-Type) are left out. Used by the MQTT bridge
        (:class:`booth_console.simulator.v3.bridge.SimulatorBridge`) when it runs in this process.

        Returns:
            the answer envelope ``{ResultCode, ResultMsg, ResultId, Data}``; it is built for
            this call (serialise it, e.g. with ``jsonutil.dumps_bytes``; numbers may be
            ``Decimal``).
        """
        self.requests += 1
        return await self._handle(endpoint, raw if len(raw) <= BODY_LIMIT else None, None)

    async def _handle(self, endpoint: Endpoint, raw: bytes | None,
                      content_type: str | None) -> dict[str, Any]:
        """Checks and dispatch of one vendor API request (``raw`` None: the body was too large;
        ``content_type`` None: not HTTP, no header to check)."""
        answer = self._envelope
        if self.faults.slow_ms:
            await asyncio.sleep(self.faults.slow_ms / 1000)
        if raw is None:
            return answer(1002, f"Request body exceeds the {BODY_LIMIT // 1024} KB limit")
        if self.faults.fail_rate and self._rng.random() < self.faults.fail_rate:
            return answer(1003, "Interface service processing exception, please contact "
                                "administrator (simulated fault)")
        if content_type is not None and \
                content_type.split(";")[0].strip().lower() != "application/json":
            return answer(1002, f"Content-Type must be application/json (got "
                                f"'{content_type[:60] or 'none'}')")
        try:
            envelope = jsonutil.loads(raw)
        except jsonutil.JsonError as exc:
            return answer(1002, f"Request body is not valid JSON: {exc}")
        if not isinstance(envelope, dict):
            return answer(1002, "Request body must be a JSON object")
        for key in ("AppId", "ParkKey", "TimeStamp", "Nonce"):
            value = envelope.get(key)
            if not isinstance(value, str) or not value:
                return answer(1002, f"{key} is required (a non-empty string)")
        if not (len(envelope["TimeStamp"]) == 13 and envelope["TimeStamp"].isascii()
                and envelope["TimeStamp"].isdigit()):
            return answer(1002, "TimeStamp must be a 13-digit millisecond timestamp")
        sign = envelope.get("Sign")
        if not isinstance(sign, str) or not sign:
            return answer(1001, "Signature verification failed: Sign is missing")
        if envelope["AppId"] != self.config.app_id:
            return answer(1001, f"AppId '{envelope['AppId'][:40]}' is not authorised "
                                f"for this parking lot")
        if envelope["ParkKey"] != self.config.park_key:
            return answer(1002, f"ParkKey '{envelope['ParkKey'][:40]}' does not match "
                                f"this parking lot")
        # Verified over the Data as a .NET server sees it: absent numeric and boolean fields of
        # the request model signed with their defaults (0, false), docs/PROTOCOL.md.
        signed = dict(envelope, Data=dotnet_view(endpoint.request_model, envelope.get("Data")))
        if not verify_envelope(signed, self.config.app_secret):
            return answer(1001, "Signature verification failed")
        if "Data" not in envelope:
            return answer(1002, "Data is required")
        paying = endpoint.name == "VehiclePaymentNotify"
        if paying and self.faults.pay_1003:
            self.faults.pay_1003 -= 1
            return answer(1003, "Interface service processing exception, please contact "
                                "administrator (simulated fault: payment not recorded)")
        try:
            msg, data = self._dispatch(endpoint, envelope["Data"])
        except ParamError as exc:
            return answer(1002, str(exc))
        except BusinessError as exc:
            return answer(1005, str(exc))
        except OverflowError:
            return answer(1002, "A number in Data is out of range")
        if paying and self.faults.pay_recorded_then_1003:
            self.faults.pay_recorded_then_1003 -= 1
            return answer(1003, "Interface service processing exception, please contact "
                                "administrator (simulated fault after recording)")
        return answer(200, msg, data)

    def _dispatch(self, endpoint: Endpoint, data: Any) -> tuple[str, Any]:
        engine = self.engine
        name = endpoint.name
        if endpoint.paged:
            assert endpoint.route is not None
            return "Query data successfully", engine.query(endpoint.route, data)
        if name == "BarrierStatusQuery":
            return ("Lane ground loop gate status retrieved successfully!",
                    engine.lane_status(data))
        if name == "LaneOrderQuery":
            return "Lane order information retrieved successfully!", engine.lane_order(data)
        if name == "OrderFeeQuery":
            return ("Successfully retrieved parking fee information for the specified parking "
                    "order!", engine.order_price(data))
        if endpoint.action.lower() == "notice":
            assert endpoint.route is not None
            return engine.notice(endpoint.route, data), None
        if name == "BarrierStatusNotify":
            return engine.set_gate(data), None
        if name == "LaneFeeModifyNotify":
            return engine.modify_lane_money(data), None
        if name == "VehiclePaymentNotify":
            return engine.pay_success(data), None
        if name == "NoPlateEntryNotify":
            return engine.create_no_plate(data)
        if name == "CallbackParamChangeNotify":
            return engine.set_callback_params(data), None
        if name == "FailedCallbackRetryNotify":
            return engine.retry_callback(data), None
        raise ParamError(f"Interface {name} is not supported")

    # -- HTTP: control API ----------------------------------------------------------------------

    async def _control(self, request: web.Request) -> web.StreamResponse:
        command = request.match_info["command"].lower()
        body: dict[str, Any] = {}
        if request.method == "POST":
            raw = await self._read_body(request)
            if raw:
                try:
                    parsed = jsonutil.loads(raw)
                except jsonutil.JsonError as exc:
                    return _sim_answer(False, str(exc), status=400)
                if not isinstance(parsed, dict):
                    return _sim_answer(False, "body must be a JSON object", status=400)
                body = parsed
        elif command != "state":
            return _sim_answer(False, "use POST", status=405)
        try:
            if command == "state":
                return _sim_answer(True, "state", self.dump_state())
            if command == "arrive":
                read = body.get("Read")
                result = await self.arrive(str(body.get("LaneNo", "")),
                                           str(body.get("Plate") or ""),
                                           body.get("PlateTypeNo"), body.get("VehicleTypeNo"),
                                           read=None if read is None else str(read))
                return _sim_answer(True, "arrived", result)
            if command == "misread":
                result = await self.misread_exit(str(body.get("LaneNo", "")),
                                                 str(body.get("Plate") or ""),
                                                 _opt(body, "Class"))
                return _sim_answer(True, "arrived, misread", result)
            if command == "seedinpark":
                if "MinutesAgo" not in body:
                    raise SimError("MinutesAgo is required")
                result = await self.seed_in_park(
                    str(body.get("Plate") or ""), body["MinutesAgo"], _opt(body, "LaneNo"),
                    _opt(body, "PlateTypeNo"), _opt(body, "VehicleTypeNo"))
                return _sim_answer(True, "parked", result)
            if command == "pass":
                return _sim_answer(True, "passed",
                                   await self.pass_barrier(str(body.get("LaneNo", ""))))
            if command == "pay":
                return _sim_answer(True, "paid", await self.qr_pay(str(body.get("LaneNo", ""))))
            if command == "clock":
                minutes = float(body.get("Minutes", 0))
                if not -10_000_000 < minutes < 10_000_000:
                    raise SimError("Minutes out of range")
                self.advance_clock(minutes)
                return _sim_answer(True, "clock advanced", {"Now": str(self.engine.now())})
            if command == "opengate":
                return _sim_answer(True, "opened", await self.open_outside(
                    str(body.get("LaneNo", "")), str(body.get("OperatorName") or "admin")))
            if command == "fault":
                self.set_fault(
                    camera_offline=_opt(body, "CameraOffline"),
                    camera_online=_opt(body, "CameraOnline"),
                    gate_stuck=_opt(body, "GateStuck"), gate_ok=_opt(body, "GateOk"),
                    slow_ms=int(body["SlowMs"]) if "SlowMs" in body else None,
                    fail_rate=float(body["FailRate"]) if "FailRate" in body else None,
                    drop_callbacks=bool(body["DropCallbacks"]) if "DropCallbacks" in body
                    else None,
                    pay_recorded_then_1003=int(body["PayRecordedThen1003"])
                    if "PayRecordedThen1003" in body else None,
                    pay_1003=int(body["Pay1003"]) if "Pay1003" in body else None,
                    clear=bool(body.get("Clear", False)))
                return _sim_answer(True, "faults set", self.dump_state()["Faults"])
        except SimError as exc:
            return _sim_answer(False, str(exc), status=409)
        except (TypeError, ValueError) as exc:
            return _sim_answer(False, f"bad parameter: {exc}", status=400)
        return _sim_answer(False, f"unknown command {command}", status=404)


def _opt(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    return None if value is None else str(value)


def _json_response(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(body=jsonutil.dumps_bytes(body), status=status,
                        content_type="application/json", charset="utf-8")


def _sim_answer(ok: bool, msg: str, data: Any = None, status: int = 200) -> web.Response:
    return web.Response(body=jsonutil.dumps_bytes({"Ok": ok, "Message": msg, "Data": data}),
                        status=status, content_type="application/json", charset="utf-8")


def _log_error(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("simulator task failed", exc_info=task.exception())
