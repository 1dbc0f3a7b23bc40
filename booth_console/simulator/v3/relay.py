"""The server side of V3.0 callbacks: a tiny HTTP receiver that republishes to the broker.

The simulator (like the V2.0 parking software) pushes callbacks by HTTP POST to the URL of each
callback kind. For V3.0 the bridge registers this relay's URLs instead (``/API/V2/<Kind>``); the
relay publishes each signed body unchanged to ``{prefix}/{ParkKey}/callback/<Kind>`` with QoS 1
and answers 200 once the broker has acknowledged it (PUBACK).

Delivery: the relay answers 200 only after the broker's PUBACK, i.e. once the broker holds the
message (and, with persistence, will save it). If no PUBACK comes within the publisher's
``ack_timeout`` (broker away or restarting), it answers 1003, so the pusher retries the same
callback (same RequestId: a console that got an earlier copy journals it once), 3 times, then
marks it failed, which RetryCallback can re-push. paho still keeps the unacknowledged copy and
sends it after reconnecting; consoles recognise it as a duplicate. Answering 200 for a message
the broker never acknowledged would lose it silently when the broker crashes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from booth_console.protocol.callbacks import kind_by_path
from booth_console.protocol.jsonutil import dumps_bytes

__all__ = ["CallbackRelay"]

log = logging.getLogger("booth_console.mqtt.relay")

#: ``async publish(route, raw_body)``; raises when the message could not even be queued.
Publish = Callable[[str, bytes], Awaitable[None]]

_OK = dumps_bytes({"ResultCode": 200, "ResultMsg": "Operation successful"})


class CallbackRelay:
    """An aiohttp server on loopback: ``POST /API/V2/<Kind>`` -> ``publish(kind, body)``.

    Args:
        publish: publishes one body (e.g. :meth:`MqttServer.publish_callback`).
        host, port: where to listen (port 0: any free port; see :attr:`url` after start).
        max_body_bytes: larger bodies are refused (413).
    """

    def __init__(self, publish: Publish, *, host: str = "127.0.0.1", port: int = 0,
                 max_body_bytes: int = 16 * 1024 * 1024) -> None:
        self._publish = publish
        self.host = host
        self.port = port
        self.max_body_bytes = max_body_bytes
        self._runner: web.AppRunner | None = None
        self.relayed = 0
        self.failed = 0
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    def __repr__(self) -> str:
        return f"<CallbackRelay {self.url}>"

    @property
    def url(self) -> str:
        """``http://host:port`` (the base of the URLs to register)."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> CallbackRelay:
        """Start listening."""
        app = web.Application(client_max_size=self.max_body_bytes)
        app.router.add_post("/API/V2/{kind}", self._handle)
        app.router.add_post("/api/v2/{kind}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        if runner.addresses:
            self.port = int(runner.addresses[0][1])
        self._runner = runner
        return self

    async def aclose(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        kind = kind_by_path(request.path)
        if kind is None:
            return web.Response(status=404, body=dumps_bytes(
                {"ResultCode": 1002, "ResultMsg": f"unknown callback path {request.path}"}),
                content_type="application/json")
        raw = await request.read()
        try:
            await self._publish(kind.name, raw)
        except TimeoutError:
            self.failed += 1
            log.warning("%s not acknowledged by the MQTT broker in time; answering 1003 so that "
                        "it is retried", kind.name)
            return web.Response(body=dumps_bytes(
                {"ResultCode": 1003, "ResultMsg": "the MQTT broker has not acknowledged the "
                 "callback; please retry"}), content_type="application/json")
        except Exception as exc:
            self.failed += 1
            log.warning("cannot publish %s: %s", kind.name, exc)
            return web.Response(body=dumps_bytes(
                {"ResultCode": 1003, "ResultMsg": "cannot reach the MQTT broker"}),
                content_type="application/json")
        self.relayed += 1
        for n, fut in self._waiters:
            if self.relayed >= n and not fut.done():
                fut.set_result(None)
        self._waiters = [w for w in self._waiters if not w[1].done()]
        return web.Response(body=_OK, content_type="application/json")

    async def wait_relayed(self, n: int, timeout: float = 10.0) -> None:
        """Wait until ``n`` callbacks in all have been relayed (answered 200)."""
        if self.relayed >= n:
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((n, fut))
        async with asyncio.timeout(timeout):
            await fut
