"""V3.0 over MQTT: the same signed envelopes, plus ``Route`` and ``RequestId`` (not signed).

A request is published with QoS 1 to ``{prefix}/{ParkKey}/request``; the parking software
answers on ``{prefix}/{ParkKey}/response/{AppId}`` with the same ``RequestId``, which is how
answers are matched to requests. See ``booth_console.protocol.topics`` and ``docs/MQTT.md``.

Failures map to the same errors as HTTP: broker not reachable -> ``ServerUnreachable`` (nothing
sent); no answer in ``[mqtt] request_timeout`` seconds -> ``ServerTimeout(sent=True)``; an
answer that is not a JSON envelope with a ResultCode -> ``ProtocolError``. Requests are never
queued while the broker is away and never replayed after a reconnect.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from typing import Any

from booth_console.config import MqttConfig
from booth_console.errors import ProtocolError, ServerTimeout, ServerUnreachable
from booth_console.protocol.endpoints import Endpoint
from booth_console.protocol.jsonutil import JsonError, dumps_bytes
from booth_console.protocol.topics import Topics
from booth_console.transport.mqtt_link import (
    RECONNECT_MAX_S,
    RECONNECT_MIN_S,
    IncomingMessage,
    MqttLink,
    make_client_id,
)

__all__ = ["MqttTransport", "new_request_id"]

log = logging.getLogger("booth_console.client")

_node = secrets.randbits(12)
_id_lock = threading.Lock()
_last_id = 0


def new_request_id() -> str:
    """A unique numeric RequestId shaped like the document's (a 64-bit snowflake as text).

    Milliseconds, 12 random bits per process, 10 sequence bits; strictly increasing within a
    process, so unique here even past 1024 ids per millisecond.
    """
    global _last_id
    with _id_lock:
        candidate = ((time.time_ns() // 1_000_000) << 22) | (_node << 10)
        _last_id = max(candidate, _last_id + 1)
        return str(_last_id)


class MqttTransport:
    """The Transport for V3.0.

    Args:
        settings: ``[mqtt]`` (host, port, username, password, tls, topic_prefix, request_timeout).
        app_id: this console's AppId (names the response topic).
        park_key: the lot's ParkKey (names every topic).
        topics: topic names to use instead of the defaults built from ``settings.topic_prefix``.
        client_id: the MQTT client id (default: unique per instance).
        reconnect_min, reconnect_max: reconnect back-off in seconds.

    The connection is opened on the first :meth:`send` (or by :meth:`connect`), so the object
    can be built outside a running event loop.
    """

    def __init__(
        self,
        settings: MqttConfig,
        *,
        app_id: str,
        park_key: str,
        topics: Topics | None = None,
        client_id: str | None = None,
        reconnect_min: float = RECONNECT_MIN_S,
        reconnect_max: float = RECONNECT_MAX_S,
    ) -> None:
        self.settings = settings
        self.app_id = app_id
        self.topics = topics or Topics(park_key=park_key, prefix=settings.topic_prefix)
        self.response_topic = self.topics.response(app_id)
        self.request_timeout = settings.request_timeout
        self._link = MqttLink(
            settings,
            client_id=client_id or make_client_id("req"),
            clean_session=True,
            drop_unsent_on_disconnect=True,
            reconnect_min=reconnect_min,
            reconnect_max=reconnect_max,
            name="requests",
        )
        self._link.subscribe(self.response_topic, self._on_answer, qos=1)
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._start_lock: asyncio.Lock | None = None
        self._started = False
        self._first_wait_done = False  # the first connection wait ended (either way)
        self._closed = False

    def __repr__(self) -> str:
        return (
            f"<MqttTransport {self.settings.host}:{self.settings.port} "
            f"{self.topics.request} -> {self.response_topic}>"
        )

    @property
    def link(self) -> MqttLink:
        """The underlying connection (for status lights: ``link.connected``, ``link.on_state``)."""
        return self._link

    async def connect(self, timeout: float | None = None) -> None:
        """Open the connection now and wait for it (default: ``request_timeout``).

        Raises:
            ServerUnreachable: the broker did not accept the connection in time; the link
                keeps retrying in the background.
        """
        if self._closed:
            raise ServerUnreachable("the MQTT transport is closed")
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        wait = self.request_timeout if timeout is None else timeout
        async with self._start_lock:
            if not self._started:
                self._started = True
                await self._link.start(timeout=None)
        try:
            if not self._link.connected:
                await self._link.wait_connected(wait)
        finally:
            self._first_wait_done = True

    async def send(self, endpoint: Endpoint, envelope: dict[str, Any]) -> dict[str, Any]:
        """Publish ``envelope`` + ``Route`` + ``RequestId``; return the matching answer."""
        if not self._link.connected and not self._first_wait_done:
            await self.connect()  # first use: open the connection and wait for it once
        elif not self._link.connected:  # later: fail at once, the link reconnects by itself
            raise ServerUnreachable(
                f"MQTT broker {self.settings.host}:{self.settings.port} is not connected; "
                f"{endpoint.name} was not sent"
            )
        request_id = new_request_id()
        message = dict(envelope)
        message.pop("Data", None)
        message["Route"] = endpoint.v3_route
        message["RequestId"] = request_id
        message["Data"] = envelope.get("Data")
        body = dumps_bytes(message)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = fut
        sent = False
        try:
            async with asyncio.timeout(self.request_timeout):
                await self._link.publish(self.topics.request, body, qos=1, require_connected=True)
                sent = True
                return await fut
        except TimeoutError:
            raise ServerTimeout(
                f"no answer to {endpoint.name} (RequestId {request_id}) on MQTT topic "
                f"{self.response_topic} within {self.request_timeout:g} s"
                + ("" if sent else " (the broker did not acknowledge the request)")
                + f"; is the parking software connected and subscribed to {self.topics.request}?",
                sent=True,
            ) from None
        finally:
            self._pending.pop(request_id, None)

    def _on_answer(self, message: IncomingMessage) -> None:
        try:
            answer = message.json_object()
        except JsonError as exc:
            log.warning("ignoring a message on %s: %s", message.topic, exc)
            return
        request_id = answer.get("RequestId")
        fut = self._pending.get(str(request_id)) if request_id is not None else None
        if fut is None:
            log.debug("answer on %s for unknown or expired RequestId %r", message.topic, request_id)
            return
        if fut.done():
            return  # a QoS 1 duplicate
        if "ResultCode" not in answer:
            fut.set_exception(
                ProtocolError(f"answer to RequestId {request_id} has no ResultCode", sent=True)
            )
            return
        fut.set_result(answer)

    async def aclose(self) -> None:
        """Fail pending requests and disconnect."""
        if self._closed:
            return
        self._closed = True
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(ServerUnreachable("the MQTT transport was closed", sent=True))
        self._pending.clear()
        await self._link.aclose()
