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
* anything unexpected: HTTP 500, 1003 - never a stack trace or an HTML page.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from booth_console.errors import BoothError
from booth_console.listener.processor import CallbackProcessor, error_body
from booth_console.protocol.callbacks import CALLBACK_KINDS, CallbackKind
from booth_console.threadsafe import settle_threadsafe

__all__ = ["DEFAULT_MAX_BODY", "CallbackListener", "ListenerCounts"]

log = logging.getLogger("booth_console.listener")

DEFAULT_MAX_BODY = 16 * 1024 * 1024

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
    ) -> None:
        self.processor = processor
        self.host = host
        self.port = port
        self.max_body_bytes = max_body_bytes
        self.threaded = threaded
        self._allow = _parse_sources(allow_sources)
        self._runner: web.AppRunner | None = None
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
        """The aiohttp application (useful for tests with aiohttp's own test client)."""
        app = web.Application(client_max_size=self.max_body_bytes)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

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
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
            log.info("callback listener on %s stopped", self.url)

    async def _bind(self) -> None:
        runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
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
        for addr in runner.addresses:
            if isinstance(addr, tuple) and len(addr) >= 2:
                self.port = int(addr[1])
                break
        log.info("callback listener serving on %s%s", self.url,
                 " (own thread)" if self.threaded else "")

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
            runner, self._runner = self._runner, None
            if runner is not None:
                await runner.cleanup()
                log.info("callback listener on %s stopped", self.url)

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

    async def _handle(self, request: web.Request) -> web.StreamResponse:
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
                raw = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return await self._too_large(kind, source, "")
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
