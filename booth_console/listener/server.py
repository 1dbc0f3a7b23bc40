"""The embedded HTTP callback listener: aiohttp ``AppRunner`` + ``TCPSite`` (never ``run_app``).

Where it runs: by default (``threaded=True``) on a plain asyncio loop in a thread of its own,
started and stopped from the console's loop; accepted callbacks are handed back to the console's
loop (qasync: the Qt thread) in groups, where the processor's sink emits the Qt signals. Measured
reason (bench/callbacks.py): qasync runs every ``call_soon`` through a Qt timer, so even a bare
aiohttp handler on the qasync loop reaches only ~0.58x the throughput and costs ~1.9x the CPU of
the same handler on plain asyncio, and parsing a burst on the GUI thread stalls it. With
``threaded=False`` everything runs on the calling loop (for plain asyncio programs and tests).

Usage (inside ``main()``, on the running loop)::

    journal = await Journal.open(cfg.journal_path())
    hub = CallbackHub()                                   # booth_console.app.callbacks
    processor = CallbackProcessor(app_id=..., park_key=..., app_secret=..., journal=journal,
                                  timestamp_window_s=cfg.listener.timestamp_window_s)
    hub.attach(processor)                                 # sink + reject_sink
    listener = CallbackListener(processor, host=cfg.listener.host, port=cfg.listener.port,
                                max_body_bytes=cfg.listener.max_body_bytes,
                                allow_sources=cfg.listener.allow_sources)
    await listener.start()            # BoothError with a readable message if the port is busy
    ...
    await listener.stop(); await journal.close()

Or in one call: :func:`booth_console.listener.stack.start_listener`.

Paths: ``/API/V2/<Name>`` for the callback kinds 0-10 (``protocol.callbacks.CALLBACK_KINDS``),
matched case-insensitively, trailing slash allowed. Answers are always JSON
``{"ResultCode": n, "ResultMsg": "..."}``:

* checked bodies (see :mod:`booth_console.listener.processor`): HTTP 200 with ResultCode 200,
  1001 or 1002 (1003 if the journal failed);
* unknown path: HTTP 404, 1002; other method than POST: HTTP 405, 1002;
* body over ``max_body_bytes``: HTTP 413, 1002;
* source address not in ``allow_sources`` (when set): HTTP 403, 1001;
* body not received within ``body_timeout_s``: HTTP 408, 1002;
* a request aiohttp cannot parse (bad request line or header, header too long): its HTTP
  status (400, 431, ...), 1002, and the connection is closed;
* anything unexpected: HTTP 500, 1003 - never a stack trace or an HTML page.

Limits against a hostile network (a booth PC shares its LAN with anyone):

* a client must send a request's headers within ``idle_timeout_s`` of connecting (or of the
  previous answer on a keep-alive connection), and an idle keep-alive connection is closed after
  as long (aiohttp's keep-alive timer covers both); a body must arrive within
  ``body_timeout_s`` once its headers are in;
* at most ``max_connections`` connections are held, and never more than half of what the
  process's open-file limit leaves after :data:`FD_RESERVE` (``RLIMIT_NOFILE``; see
  :func:`connection_cap`). Beyond that, a moment after the new connections' requests have been
  read (:data:`TRIM_DELAY_S`; at once past 1.5 times the cap), the oldest idle ones (connected,
  no request being handled) are closed, else the oldest still sending a body; a request being
  checked or journaled is never cut off. So slow connections cannot lock out the parking
  server's callbacks;
* when the process does run out of file descriptors, the failed ``accept()`` is logged once a
  minute (with a count) instead of a traceback each time, and the cap is lowered below what is
  held, so that idle connections are closed to make room; the listener goes on serving.

The listener uses aiohttp's low-level :class:`aiohttp.web.Server` (there is one catch-all
handler; no router, middlewares or ``Application`` on the per-callback path).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.http import RawRequestMessage
from aiohttp.streams import StreamReader

from booth_console.errors import BoothError
from booth_console.listener.processor import CallbackProcessor, error_body
from booth_console.protocol.callbacks import CALLBACK_KINDS, CallbackKind
from booth_console.threadsafe import settle_threadsafe

__all__ = [
    "BODY_TIMEOUT_S",
    "DEFAULT_MAX_BODY",
    "FD_RESERVE",
    "IDLE_TIMEOUT_S",
    "MAX_CONNECTIONS",
    "CallbackListener",
    "ListenerCounts",
    "connection_cap",
]

log = logging.getLogger("booth_console.listener")

DEFAULT_MAX_BODY = 16 * 1024 * 1024

#: Seconds a client has to send a request's headers after connecting (or after the previous
#: answer), and after which an idle keep-alive connection is closed.
IDLE_TIMEOUT_S = 15.0

#: Seconds a body may take to arrive once its headers are in.
BODY_TIMEOUT_S = 30.0

#: Most connections held at once (see also :func:`connection_cap`).
MAX_CONNECTIONS = 256

#: File descriptors left to the rest of the process (journal, images, HTTP to the parking
#: server, MQTT, Qt) before the listener's share of the open-file limit is taken.
FD_RESERVE = 64

#: How long, at most, the rest of a refused body is read after the answer before the connection
#: is closed (aiohttp's ``lingering_time``, 10 s by default).
LINGER_S = 1.0

#: Connections the kernel queues for the listener (``listen()`` backlog; at most the connection
#: cap). asyncio accepts up to this many in one go before any of them is seen, so they count
#: against the file limit too.
BACKLOG = 128

#: A connection younger than this (seconds) has not had a fair chance to send its request: it
#: is closed to make room only when no older idle one is left.
MIN_AGE_S = 0.5

#: How long after accepting connections beyond the cap the oldest idle ones are closed
#: (seconds): long enough for the new ones' requests to be read, so that a valid request
#: that came in with a burst of idle connections is inside the handler and kept.
TRIM_DELAY_S = 0.02

#: How often, at most, running out of file descriptors is logged (seconds).
ACCEPT_ERROR_LOG_EVERY_S = 60.0

_ACCEPT_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})

_KINDS_BY_PATH: dict[str, CallbackKind] = {k.path.lower(): k for k in CALLBACK_KINDS}

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class ListenerCounts:
    """What the listener has seen since it started."""

    accepted: int
    rejected: int
    duplicates: int
    last_callback_at: float | None


def _json(status: int, code: int, msg: str) -> web.Response:
    return web.Response(status=status, body=error_body(code, msg), content_type="application/json")


def connection_cap(max_connections: int = MAX_CONNECTIONS) -> int:
    """``max_connections``, lowered to a quarter of what the open-file limit
    (``RLIMIT_NOFILE``) leaves after :data:`FD_RESERVE`; at least 8. (Up to 1.5 times the cap
    are held for a moment, plus a backlog of at most the cap being accepted.)"""
    try:
        import resource
    except ImportError:  # Windows: no per-process descriptor limit of this kind
        return max_connections
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft <= 0:
        return max_connections
    return max(8, min(max_connections, (soft - FD_RESERVE) // 4))


class _Handler(web.RequestHandler):
    """aiohttp's per-connection protocol, answering requests it cannot parse with JSON and
    logging them in one line (aiohttp logs a traceback and answers ``text/plain``)."""

    __slots__ = ("connected_at",)

    connected_at: float

    def handle_error(
        self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        what = " ".join(str(message or exc or "").split())[:200]
        log.debug("callback listener: bad HTTP request from %s: %d %s", request.remote, status,
                  what)
        if request.writer.output_size > 0:  # an answer has started: only closing is left
            raise ConnectionError("answer already started")
        if status >= 500:
            resp = _json(status, 1003, "internal error")
        else:
            resp = _json(status, 1002, f"bad HTTP request: {what or status}")
        resp.force_close()
        return resp


class _Server(web.Server):
    """aiohttp's low-level server with a connection cap (see the module's notes)."""

    def __init__(self, listener: CallbackListener, cap: int, **kwargs: Any) -> None:
        super().__init__(listener._serve_request, **kwargs)
        self.cap = cap
        self.max_body = listener.max_body_bytes
        #: handlers inside a request: True while the body is still being read, False once
        #: it is being checked and journaled (never cut off)
        self.busy: dict[web.RequestHandler, bool] = {}
        self.evicted = 0
        self._trim_scheduled = False

    def __call__(self) -> web.RequestHandler:
        return _Handler(self, loop=self._loop, **self._kwargs)

    def _make_request(
        self, message: RawRequestMessage, payload: StreamReader, protocol: web.RequestHandler,
        writer: Any, task: asyncio.Task[None],
    ) -> web.BaseRequest:
        return web.BaseRequest(message, payload, protocol, writer, task, self._loop,
                               client_max_size=self.max_body)

    def connection_made(self, handler: web.RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        if isinstance(handler, _Handler):
            handler.connected_at = self._loop.time()
        if len(self._connections) > self.cap + self.cap // 2:
            self.make_room(self._loop.time(), eager=True)  # no time to wait: keep within budget
        elif len(self._connections) > self.cap:
            self.schedule_trim()

    def schedule_trim(self) -> None:
        """Close what is beyond the cap in a moment: not at once, since a connection accepted
        in the same burst has not been read yet; a moment later every complete request is
        inside the handler (busy, kept)."""
        if not self._trim_scheduled:
            self._trim_scheduled = True
            self._loop.call_later(TRIM_DELAY_S, self._trim)

    def _trim(self) -> None:
        self._trim_scheduled = False
        self.make_room(self._loop.time())
        if sum(1 for h in self._connections if h.transport is not None) > self.cap:
            self.schedule_trim()  # some were too young to judge yet

    def make_room(self, now: float, *, eager: bool = False) -> int:
        """Close connections so that at most ``cap`` are open: first the oldest idle ones that
        have had :data:`MIN_AGE_S` to send their request, then the oldest still sending a
        body, then idle ones that have had at least :data:`TRIM_DELAY_S` (``eager``: then any
        idle one). A connection whose request is being checked or journaled is never closed."""
        live = [h for h in self._connections if h.transport is not None]
        excess = len(live) - self.cap
        closed = 0
        settled = now - MIN_AGE_S
        seen = now if eager else now - TRIM_DELAY_S
        for rule in range(3):
            for handler in live:
                if closed >= excess:
                    break
                if handler.transport is None:
                    continue
                state = self.busy.get(handler)
                age = getattr(handler, "connected_at", 0.0)
                if ((rule == 0 and state is None and age <= settled) or (rule == 1 and state)
                        or (rule == 2 and state is None and age <= seen)):
                    handler.force_close()
                    closed += 1
        self.evicted += closed
        return closed


def _parse_sources(sources: Sequence[str]) -> list[_Network]:
    nets: list[_Network] = []
    for item in sources:
        try:
            nets.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise BoothError(
                f"[listener] allow_sources: {item!r} is not an IP address or network"
            ) from None
    return nets


class CallbackListener:
    """Serves the callback paths on ``host:port`` and hands bodies to a :class:`CallbackProcessor`.

    Attributes:
        port: the bound port (the real one after :meth:`start` when 0 was asked for).
        url: ``http://host:port``.
    """

    def __init__(
        self,
        processor: CallbackProcessor,
        *,
        host: str,
        port: int,
        max_body_bytes: int = DEFAULT_MAX_BODY,
        allow_sources: Sequence[str] = (),
        threaded: bool = True,
        max_connections: int = MAX_CONNECTIONS,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
        body_timeout_s: float = BODY_TIMEOUT_S,
    ) -> None:
        self.processor = processor
        self.host = host
        self.port = port
        self.max_body_bytes = max_body_bytes
        self.threaded = threaded
        self.max_connections = max_connections
        self.idle_timeout_s = idle_timeout_s
        self.body_timeout_s = body_timeout_s
        self._allow = _parse_sources(allow_sources)
        self._runner: web.ServerRunner | None = None
        self._server: _Server | None = None
        self._accept_errors = 0
        self._accept_logged_at: float | None = None
        self._loop_handler: tuple[asyncio.AbstractEventLoop, Any] | None = None
        self._http_rejected = 0
        self._thread: threading.Thread | None = None
        self._net_loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._stopped: asyncio.Future[None] | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<CallbackListener {self.url} {state}>"

    @property
    def url(self) -> str:
        """``http://host:port`` of the listener."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the listener is serving."""
        return self._runner is not None or self._thread is not None

    @property
    def stats(self) -> ListenerCounts:
        """Accepted, rejected (including 404/405/413/403) and duplicate counts."""
        s = self.processor.stats
        return ListenerCounts(
            accepted=s.accepted,
            rejected=s.rejected + self._http_rejected,
            duplicates=s.duplicates,
            last_callback_at=s.last_callback_at,
        )

    def make_app(self) -> web.Application:
        """The aiohttp application (useful for tests with aiohttp's own test client; the
        listener itself serves with a low-level server and its connection limits)."""
        app = web.Application(client_max_size=self.max_body_bytes)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    @property
    def connections(self) -> int:
        """Connections open now."""
        server = self._server
        return len(server.connections) if server is not None else 0

    @property
    def connection_limit(self) -> int:
        """Most connections held at once (0 when not serving)."""
        server = self._server
        return server.cap if server is not None else 0

    async def start(self) -> None:
        """Bind and serve; returns once the port is bound.

        Threaded (the default): the server runs on a plain asyncio loop in its own thread, and
        accepted callbacks are handed to the calling loop (the console's qasync loop), where the
        processor's sink runs. Not threaded: everything runs on the calling loop.

        Raises:
            BoothError: the address cannot be bound (port busy, address not on this computer).
        """
        if self.running:
            return
        if not self.threaded:
            await self._bind()
            return
        home = asyncio.get_running_loop()
        self.processor.dispatch_loop = home
        ready: asyncio.Future[None] = home.create_future()
        self._stopped = home.create_future()
        self._thread = threading.Thread(
            target=self._thread_main, args=(home, ready), name="callback-listener", daemon=True
        )
        self._thread.start()
        try:
            await ready
        except BaseException:
            await asyncio.shield(self._stopped)
            self._thread = None
            raise

    async def stop(self) -> None:
        """Stop serving (requests in flight are finished first)."""
        if self._thread is not None:
            net, event, stopped = self._net_loop, self._stop_event, self._stopped
            if net is not None and event is not None:
                with contextlib.suppress(RuntimeError):
                    net.call_soon_threadsafe(event.set)
            if stopped is not None:
                await asyncio.shield(stopped)
            self._thread = None
            self.processor.deliver_pending()  # what was accepted before the stop
            self.processor.dispatch_loop = None
            return
        await self._unbind()

    async def _unbind(self) -> None:
        """Close the socket and the connections, on the loop that bound them."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
            self._restore_exception_handler()
            self._server = None
            log.info("callback listener on %s stopped", self.url)

    async def _bind(self) -> None:
        cap = connection_cap(self.max_connections)
        server = _Server(self, cap, access_log=None, keepalive_timeout=self.idle_timeout_s,
                         lingering_time=LINGER_S)
        runner = web.ServerRunner(server, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, backlog=min(BACKLOG, cap))
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
                why = "the port is already in use (another Booth Console or program?)"
            else:
                why = exc.strerror or str(exc)
            raise BoothError(
                f"cannot start the callback listener on {self.host}:{self.port}: {why}. "
                "Change [listener] host/port in the configuration."
            ) from None
        self._runner = runner
        self._server = server
        self._install_exception_handler()
        for addr in runner.addresses:
            if isinstance(addr, tuple) and len(addr) >= 2:
                self.port = int(addr[1])
                break
        log.info("callback listener serving on %s%s (at most %d connections)", self.url,
                 " (own thread)" if self.threaded else "", cap)

    def _install_exception_handler(self) -> None:
        loop = asyncio.get_running_loop()
        previous = loop.get_exception_handler()
        self._loop_handler = (loop, previous)

        def handler(lp: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            exc = context.get("exception")
            if (isinstance(exc, OSError) and exc.errno in _ACCEPT_ERRNOS
                    and "accept" in str(context.get("message", ""))):
                self._out_of_descriptors(exc)
            elif previous is not None:
                previous(lp, context)
            else:
                lp.default_exception_handler(context)

        loop.set_exception_handler(handler)

    def _restore_exception_handler(self) -> None:
        if self._loop_handler is not None:
            loop, previous = self._loop_handler
            self._loop_handler = None
            if not loop.is_closed():
                loop.set_exception_handler(previous)

    def _out_of_descriptors(self, exc: OSError) -> None:
        """``accept()`` failed for lack of file descriptors: asyncio retries in a second. Make
        room by closing idle connections, and log it once a minute, not each time."""
        self._accept_errors += 1
        server = self._server
        if server is not None:
            # the rest of the process holds more than its reserve: hold fewer connections from
            # now on, so that each new one replaces an old idle one instead of failing
            live = sum(1 for h in server.connections if h.transport is not None)
            server.cap = max(8, min(server.cap, live - max(1, live // 10)))
            server.schedule_trim()  # asyncio tries accept() again in a second
        now = time.monotonic()
        if (self._accept_logged_at is None
                or now - self._accept_logged_at >= ACCEPT_ERROR_LOG_EVERY_S):
            self._accept_logged_at = now
            log.warning(
                "callback listener: cannot accept connections: %s (%d times so far); holding at "
                "most %d connections now; check the open-file limit (ulimit -n)",
                exc.strerror or exc, self._accept_errors, server.cap if server else 0,
            )

    def _thread_main(self, home: asyncio.AbstractEventLoop, ready: asyncio.Future[None]) -> None:
        loop = asyncio.new_event_loop()
        self._net_loop = loop
        try:
            loop.run_until_complete(self._serve_thread(home, ready))
            loop.run_until_complete(loop.shutdown_asyncgens())
        except BaseException as exc:  # never leave the console waiting
            log.exception("callback listener thread failed")
            settle_threadsafe(home, ready, exc)
        finally:
            self._net_loop = None
            loop.close()
            settle_threadsafe(home, self._stopped, None)

    async def _serve_thread(self, home: asyncio.AbstractEventLoop, ready: asyncio.Future[None]) -> None:
        try:
            await self._bind()
        except BaseException as exc:
            settle_threadsafe(home, ready, exc)
            return
        self._stop_event = asyncio.Event()
        settle_threadsafe(home, ready, None)
        try:
            await self._stop_event.wait()
        finally:
            await self._unbind()

    # --- request handling ---

    def _allowed(self, remote: str | None) -> bool:
        if not self._allow:
            return True
        if not remote:
            return False
        try:
            ip = ipaddress.ip_address(remote.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in net for net in self._allow)

    async def _serve_request(self, request: web.BaseRequest) -> web.StreamResponse:
        # the low-level server's handler: marks the connection busy (not to be closed to make
        # room) while its request is handled
        server = self._server
        if server is None:
            return await self._handle(request)
        protocol = request.protocol
        server.busy[protocol] = True
        try:
            return await self._handle(request, server)
        finally:
            server.busy.pop(protocol, None)

    async def _handle(
        self, request: web.BaseRequest, server: _Server | None = None
    ) -> web.StreamResponse:
        # The only route (catch-all), so every answer, errors included, is built here as JSON.
        try:
            kind = _KINDS_BY_PATH.get(request.path.rstrip("/").lower())
            if kind is None:
                self._http_rejected += 1
                return _json(404, 1002, f"no callback is served at {request.path[:200]}")
            if request.method != "POST":
                self._http_rejected += 1
                return _json(405, 1002, f"{kind.path} accepts POST only")
            source = request.remote or ""
            if self._allow and not self._allowed(source):
                result = await self.processor.reject(
                    b"", kind, source, 1001, f"source address {source} is not allowed"
                )
                return _json(403, result.result_code, result.result_msg)
            length = request.content_length
            if length is not None and length > self.max_body_bytes:
                return await self._too_large(kind, source, f" ({length} bytes)")
            try:
                if request.content.is_eof():  # the whole body is here already (the usual case)
                    raw = await request.read()
                else:
                    async with asyncio.timeout(self.body_timeout_s):
                        raw = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return await self._too_large(kind, source, "")
            except (ConnectionError, web.RequestPayloadError) as exc:
                # the sender went away (or was closed to make room) while sending its body
                self._http_rejected += 1
                log.debug("callback from %s: body not received: %s", source, exc)
                response = _json(400, 1002, "body not received")
                response.force_close()
                return response
            except TimeoutError:
                result = await self.processor.reject(
                    b"", kind, source, 1002,
                    f"body not received within {self.body_timeout_s:g} s",
                )
                response = _json(408, result.result_code, result.result_msg)
                response.force_close()
                return response
            if server is not None:
                server.busy[request.protocol] = False  # checked and journaled: never cut off
            result = await self.processor.process(raw, kind, source)
            return web.Response(body=result.body(), content_type="application/json")
        except Exception:
            log.exception("callback listener: unexpected error on %s", request.path[:200])
            return _json(500, 1003, "internal error")

    async def _too_large(self, kind: CallbackKind, source: str, detail: str) -> web.Response:
        result = await self.processor.reject(
            b"", kind, source, 1002, f"body larger than {self.max_body_bytes} bytes{detail}"
        )
        return _json(413, result.result_code, result.result_msg)
