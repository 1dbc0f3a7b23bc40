"""The parking-server side of V3.0: answer requests from the broker, publish callbacks to it.

:class:`MqttServer` subscribes to the request topic, looks the body's ``Route`` up in the
endpoint table (section 7.2), hands the V2.0 envelope (``Route`` and ``RequestId`` removed: they
are not signed) to a *handler* that does what the parking software does over HTTP (signature
check included), and publishes the answer, with the request's ``RequestId`` and ``Route``
added, to the response topic of the request's AppId.

Handlers:

* :func:`http_handler` forwards to a V2.0 HTTP server (the simulator's loopback endpoints, or a
  real parking server): the bridge needs nothing from the server but its documented interface.
* any ``async (endpoint, envelope) -> answer`` callable, e.g. an in-process simulator hook.

Callbacks: :meth:`MqttServer.publish_callback` publishes a signed callback body to
``.../callback/{Route}``; :class:`booth_console.simulator.v3.relay.CallbackRelay` receives the
simulator's HTTP callbacks and calls it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from booth_console.config import MqttConfig
from booth_console.errors import TransportError
from booth_console.protocol.endpoints import Endpoint, by_v3_route
from booth_console.protocol.jsonutil import JsonError, dumps_bytes
from booth_console.protocol.topics import TopicError, Topics
from booth_console.transport.mqtt_link import (
    RECONNECT_MAX_S,
    RECONNECT_MIN_S,
    IncomingMessage,
    MqttLink,
    make_client_id,
)

__all__ = ["Handler", "MqttServer", "http_handler"]

log = logging.getLogger("booth_console.mqtt.server")

#: ``async handler(endpoint, v2_envelope) -> answer envelope`` (ResultCode, ResultMsg, ...).
Handler = Callable[[Endpoint, dict[str, Any]], Awaitable[dict[str, Any]]]


def http_handler(base_url: str, timeout: float = 10.0) -> tuple[Handler, Callable[[], Awaitable[None]]]:
    """A handler that forwards to a V2.0 HTTP server, and the coroutine function that closes it."""
    from booth_console.transport.http import HttpTransport

    transport = HttpTransport(base_url, timeout=timeout, max_connections=8)
    return transport.send, transport.aclose


class MqttServer:
    """Serves V3.0 requests from the broker with a handler; publishes callbacks.

    Args:
        settings: the broker (``[mqtt]``).
        park_key: the lot's ParkKey (names the topics).
        handler: answers one request (see the module docstring).
        topics: topic names (default: built from ``settings.topic_prefix``).
        client_id: the MQTT client id (stable by default, so queued callbacks survive a
            reconnect of this side).
    """

    def __init__(
        self,
        settings: MqttConfig,
        *,
        park_key: str,
        handler: Handler,
        topics: Topics | None = None,
        client_id: str | None = None,
        reconnect_min: float = RECONNECT_MIN_S,
        reconnect_max: float = RECONNECT_MAX_S,
    ) -> None:
        self.topics = topics or Topics(park_key=park_key, prefix=settings.topic_prefix)
        self.handler = handler
        self.link = MqttLink(
            settings,
            client_id=client_id or make_client_id("server"),
            clean_session=True,
            reconnect_min=reconnect_min,
            reconnect_max=reconnect_max,
            name="server",
        )
        self.link.subscribe(self.topics.request, self._on_request, qos=1)
        self._tasks: set[asyncio.Task[None]] = set()
        self.requests = 0
        self.callbacks_published = 0

    def __repr__(self) -> str:
        return f"<MqttServer {self.topics.request}>"

    async def start(self, timeout: float | None = 5.0) -> MqttServer:
        """Connect and start serving."""
        await self.link.start(timeout)
        return self

    async def aclose(self) -> None:
        """Stop serving: finish the requests under way, then disconnect."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.link.aclose()

    # ------------------------------------------------------------------ requests

    def _on_request(self, message: IncomingMessage) -> None:
        task = asyncio.get_running_loop().create_task(self._serve(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, message: IncomingMessage) -> None:
        try:
            request = message.json_object()
        except JsonError as exc:
            log.warning("dropping a request on %s: %s", message.topic, exc)
            return
        self.requests += 1
        app_id = request.get("AppId")
        route = request.get("Route")
        request_id = request.get("RequestId")
        try:
            answer_topic = self.topics.response(str(app_id) if app_id is not None else "")
        except TopicError as exc:
            log.warning("cannot answer RequestId %r: %s", request_id, exc)
            return
        endpoint = by_v3_route(route) if isinstance(route, str) else None
        if endpoint is None:
            answer: dict[str, Any] = {
                "ResultCode": 1002,
                "ResultMsg": f"unknown Route {route!r}" if route else "Route is missing",
                "ResultId": None,
                "Data": None,
            }
        else:
            v2 = {k: v for k, v in request.items() if k not in ("Route", "RequestId")}
            try:
                answer = dict(await self.handler(endpoint, v2))
            except TransportError as exc:
                log.warning("backend failed for %s: %s", endpoint.name, exc)
                answer = {"ResultCode": 1003, "ResultMsg": f"server error: {exc}", "ResultId": None,
                          "Data": None}
            except Exception:
                log.exception("handler failed for %s", endpoint.name)
                answer = {"ResultCode": 1003, "ResultMsg": "server error", "ResultId": None,
                          "Data": None}
        answer["Route"] = route
        answer["RequestId"] = request_id
        try:
            await self.link.publish(answer_topic, dumps_bytes(answer), qos=1, ack_timeout=10.0)
        except (TimeoutError, TransportError) as exc:
            log.warning("answer to RequestId %r not acknowledged by the broker: %s", request_id, exc)

    # ------------------------------------------------------------------ callbacks

    async def publish_callback(self, route: str, raw: bytes, *, ack_timeout: float | None = 5.0) -> None:
        """Publish a signed callback body to ``.../callback/{route}`` (QoS 1, wait for PUBACK).

        Raises:
            TimeoutError: the broker did not acknowledge in ``ack_timeout`` seconds (paho keeps
                the message and sends it after reconnecting).
        """
        await self.link.publish(self.topics.callback(route), raw, qos=1, ack_timeout=ack_timeout)
        self.callbacks_published += 1
