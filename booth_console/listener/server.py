"""The embedded HTTP callback listener: an asyncio server whose connections parse with llhttp.

Where it runs: by default (``threaded=True``) on a plain asyncio loop in a thread of its own,
started and stopped from the console's loop; accepted callbacks are handed back to the console's
loop (qasync: the Qt thread) in groups, where the processor's sink emits the Qt signals. Measured
reason (bench/callbacks.py): qasync runs every ``call_soon`` through a Qt timer, so even a bare
handler on the qasync loop reaches only ~0.58x the throughput and costs ~1.9x the CPU of the
same handler on plain asyncio, and parsing a burst on the GUI thread stalls it. With
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
* a request that cannot be parsed (not HTTP, bad header, head over 16 KB or 100 headers, a
  protocol upgrade): HTTP 400, 1002, and the connection is closed;
* anything unexpected: HTTP 500, 1003 - never a stack trace or an HTML page.

Limits against a hostile network (a booth PC shares its LAN with anyone):

* a client must send a request's headers within ``idle_timeout_s`` of connecting (or of the
  previous answer on a keep-alive connection), and an idle keep-alive connection is closed after
  as long; a body must arrive within
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

Each connection is a :class:`booth_console.listener.http.Connection`: llhttp (``httptools``)
parses, the listener's :meth:`CallbackListener.check_head` and :meth:`CallbackListener.answer`
decide, and the answer is written as prebuilt bytes. It does not use aiohttp's web server, whose
request and response objects cost about 40 µs per request, a third of what a checked and
journaled callback costs (measured, docs/LISTENER.md).
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

from booth_console.errors import BoothError
from booth_console.listener.http import LINGER_S, Answer, ConnectionPool, Refusal
from booth_console.listener.processor import CallbackProcessor, error_body
from booth_console.protocol.callbacks import CALLBACK_KINDS, CallbackKind
from booth_console.threadsafe import settle_threadsafe

__all__ = [
    "BODY_TIMEOUT_S",
    "DEFAULT_MAX_BODY",
    "FD_RESERVE",
    "IDLE_TIMEOUT_S",
    "LINGER_S",
    "MAX_CONNECTIONS",
    "STOP_TIMEOUT_S",
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

#: Connections the kernel queues for the listener (``listen()`` backlog; at most the connection
#: cap). asyncio accepts up to this many in one go before any of them is seen, so they count
#: against the file limit too.
BACKLOG = 128

#: How long stopping the listener waits for requests being checked or journaled (seconds).
STOP_TIMEOUT_S = 10.0

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
        body_budget_bytes: int | None = None,
    ) -> None:
        self.processor = processor
        self.host = host
        self.port = port
        self.max_body_bytes = max_body_bytes
        self.threaded = threaded
        self.max_connections = max_connections
        self.idle_timeout_s = idle_timeout_s
        self.body_timeout_s = body_timeout_s
        #: most body bytes held by requests being read together (None: the default,
        #: ``listener.http.BODY_BUDGET_BYTES`` or twice ``max_body_bytes``)
        self.body_budget_bytes = body_budget_bytes
        self._allow = _parse_sources(allow_sources)
        self._server: asyncio.Server | None = None
        self._pool: ConnectionPool | None = None
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
        return self._server is not None or self._thread is not None

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

    @property
    def connections(self) -> int:
        """Connections open now."""
        pool = self._pool
        return len(pool.connections) if pool is not None else 0

    @property
    def connection_limit(self) -> int:
        """Most connections held at once (0 when not serving)."""
        pool = self._pool
        return pool.cap if pool is not None else 0

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
        """Close the socket and the connections, on the loop that bound them (a request being
        checked or journaled is answered first, for at most :data:`STOP_TIMEOUT_S`)."""
        server, self._server = self._server, None
        pool, self._pool = self._pool, None
        if server is None:
            return
        server.close()
        if pool is not None:
            await pool.close(STOP_TIMEOUT_S)
        await server.wait_closed()
        self._restore_exception_handler()
        log.info("callback listener on %s stopped", self.url)

    async def _bind(self) -> None:
        loop = asyncio.get_running_loop()
        cap = connection_cap(self.max_connections)
        pool = ConnectionPool(self, loop, cap, min_age_s=MIN_AGE_S, trim_delay_s=TRIM_DELAY_S,
                              body_budget=self.body_budget_bytes)
        try:
            server = await loop.create_server(pool, self.host, self.port,
                                              backlog=min(BACKLOG, cap))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
                why = "the port is already in use (another Booth Console or program?)"
            else:
                why = exc.strerror or str(exc)
            raise BoothError(
                f"cannot start the callback listener on {self.host}:{self.port}: {why}. "
                "Change [listener] host/port in the configuration."
            ) from None
        self._server = server
        self._pool = pool
        self._install_exception_handler()
        for sock in server.sockets:
            addr = sock.getsockname()
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
        pool = self._pool
        if pool is not None:
            # the rest of the process holds more than its reserve: hold fewer connections from
            # now on, so that each new one replaces an old idle one instead of failing
            live = sum(1 for c in pool.connections if c.transport is not None)
            pool.cap = max(8, min(pool.cap, live - max(1, live // 10)))
            pool.schedule_trim()  # asyncio tries accept() again in a second
        now = time.monotonic()
        if (self._accept_logged_at is None
                or now - self._accept_logged_at >= ACCEPT_ERROR_LOG_EVERY_S):
            self._accept_logged_at = now
            log.warning(
                "callback listener: cannot accept connections: %s (%d times so far); holding at "
                "most %d connections now; check the open-file limit (ulimit -n)",
                exc.strerror or exc, self._accept_errors, pool.cap if pool else 0,
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

    def check_head(
        self, method: bytes, path: str, remote: str, content_length: int | None
    ) -> CallbackKind | Refusal:
        """The callback kind a request's head is for, or how to refuse it (before its body)."""
        kind = _KINDS_BY_PATH.get(path.rstrip("/").lower())
        if kind is None:
            self._http_rejected += 1
            return 404, error_body(1002, f"no callback is served at {path[:200]}")
        if method != b"POST":
            self._http_rejected += 1
            return 405, error_body(1002, f"{kind.path} accepts POST only")
        if self._allow and not self._allowed(remote):
            return lambda: self._refuse(kind, remote, 403, 1001,
                                        f"source address {remote} is not allowed")
        if content_length is not None and content_length > self.max_body_bytes:
            return lambda: self.too_large(kind, remote, f" ({content_length} bytes)")
        return kind

    async def answer(self, kind: CallbackKind, body: bytes, remote: str) -> Answer:
        """Check, journal and dispatch a complete body (the processor never raises)."""
        result = await self.processor.process(body, kind, remote)
        return 200, result.body()

    async def too_large(self, kind: CallbackKind, remote: str, detail: str) -> Answer:
        """Journal a body over ``max_body_bytes``: 413."""
        return await self._refuse(kind, remote, 413, 1002,
                                  f"body larger than {self.max_body_bytes} bytes{detail}")

    async def body_timeout(self, kind: CallbackKind, remote: str) -> Answer:
        """Journal a body not received within ``body_timeout_s``: 408."""
        return await self._refuse(kind, remote, 408, 1002,
                                  f"body not received within {self.body_timeout_s:g} s")

    async def busy(self, kind: CallbackKind, remote: str) -> Answer:
        """Journal a body refused because the bodies being read hold too much memory: 503,
        1003 (the sender retries)."""
        return await self._refuse(kind, remote, 503, 1003,
                                  "bodies being received hold too much memory; please retry")

    def bad_request(self, remote: str, status: int, what: str) -> None:
        """A request that could not be parsed: counted, and one line in the debug log."""
        self._http_rejected += 1
        log.debug("callback listener: bad HTTP request from %s: %d %s", remote, status, what)

    async def _refuse(
        self, kind: CallbackKind, remote: str, status: int, code: int, reason: str
    ) -> Answer:
        result = await self.processor.reject(b"", kind, remote, code, reason)
        return status, error_body(result.result_code, result.result_msg)
