"""Make a V2.0 parking server (the simulator) speak V3.0 through a broker.

:class:`SimulatorBridge` puts together, next to a running simulator:

* an :class:`~booth_console.simulator.v3.server.MqttServer` answering the request topic; each request
  goes to the simulator's own request handling, so signature checks and answers are exactly the
  simulator's: in-process through :meth:`Simulator.handle_envelope` when the bridge is given the
  simulator object (``simulator=sim``), else to its V2.0 endpoints over loopback HTTP
  (``base_url=``, for a simulator or parking server in another process);
* a :class:`~booth_console.simulator.v3.relay.CallbackRelay` whose URLs are the simulator's callback
  targets: every callback it pushes is published to ``.../callback/<Kind>``.

``SetCallbackParams`` (``CallbackParamChangeNotify``) received over MQTT keeps its indexes and
intervals, but its URLs are pointed at the relay (and the body re-signed with the lot's
AppSecret, as the server knows it): over V3.0 the parking software delivers callbacks through
the broker, whatever URL a console sends. :meth:`SimulatorBridge.register_all` switches every
callback kind on towards the broker (the demo does that at start).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from booth_console.config import MqttConfig
from booth_console.protocol.callbacks import CALLBACK_KINDS, kind_by_index
from booth_console.protocol.endpoints import Endpoint, by_name
from booth_console.protocol.jsonutil import dumps_bytes
from booth_console.protocol.signing import sign_envelope, verify_envelope
from booth_console.protocol.topics import Topics
from booth_console.simulator.v3.relay import CallbackRelay
from booth_console.simulator.v3.server import Handler, MqttServer, http_handler
from booth_console.transport.mqtt_link import RECONNECT_MAX_S, RECONNECT_MIN_S

__all__ = ["InProcessServer", "SimulatorBridge", "in_process_handler"]

log = logging.getLogger("booth_console.mqtt.server")


class InProcessServer(Protocol):
    """What the bridge needs from an in-process server (the simulator)."""

    base_url: str

    async def handle_envelope(self, endpoint: Endpoint, raw: bytes) -> dict[str, Any]: ...


def in_process_handler(server: InProcessServer) -> Handler:
    """A handler answering through ``server.handle_envelope`` (no HTTP hop).

    The envelope goes in as the JSON body a V2.0 client would post, so the simulator runs
    exactly the checks of its HTTP path (Decimal numbers keep their literal form).
    """

    async def handle(endpoint: Endpoint, envelope: dict[str, Any]) -> dict[str, Any]:
        return await server.handle_envelope(endpoint, dumps_bytes(envelope))

    return handle


class SimulatorBridge:
    """V3.0 in front of a V2.0 server: requests from the broker, callbacks to the broker.

    Args:
        settings: the broker (``[mqtt]``).
        base_url: the V2.0 server, e.g. the simulator's ``http://127.0.0.1:8888``; requests go
            there over HTTP unless ``simulator`` or ``handler`` is given.
        app_id, app_secret, park_key: the lot's credentials (the secret re-signs
            ``SetCallbackParams`` after its URLs are pointed at the relay; never logged).
        simulator: the simulator object when it runs in this process: requests are answered
            by :meth:`~booth_console.simulator.server.Simulator.handle_envelope` (no loopback
            HTTP); ``base_url`` defaults to its ``base_url``.
        handler: any other in-process ``async (endpoint, envelope) -> answer``.
        relay_host, relay_port: where the callback relay listens (loopback; port 0: free port).
        topics: topic names (default: from ``settings.topic_prefix``).
        ack_timeout: how long the relay waits for the broker's PUBACK before answering 1003 (the
            pusher retries); keep it below the pusher's HTTP timeout (5 s).
        rewrite_callback_urls: point ``SetCallbackParams`` received over MQTT at the relay (true
            V3.0); ``False`` passes it through (callbacks keep going to the URLs sent).
    """

    def __init__(
        self,
        settings: MqttConfig,
        *,
        base_url: str | None = None,
        app_id: str,
        app_secret: str,
        park_key: str,
        handler: Handler | None = None,
        simulator: InProcessServer | None = None,
        relay_host: str = "127.0.0.1",
        relay_port: int = 0,
        topics: Topics | None = None,
        ack_timeout: float = 3.0,
        rewrite_callback_urls: bool = True,
        reconnect_min: float = RECONNECT_MIN_S,
        reconnect_max: float = RECONNECT_MAX_S,
    ) -> None:
        if handler is not None and simulator is not None:
            raise ValueError("give either a handler or a simulator, not both")
        if base_url is None:
            if simulator is None and handler is None:
                raise ValueError("base_url is required without a simulator or handler")
            base_url = simulator.base_url if simulator is not None else ""
        self.settings = settings
        self.base_url = base_url
        #: how requests reach the server: "in-process", "handler" or "http"
        self.mode = "in-process" if simulator is not None else "handler" if handler else "http"
        if simulator is not None:
            handler = in_process_handler(simulator)
        self.app_id = app_id
        self.park_key = park_key
        self._secret = app_secret
        self.topics = topics or Topics(park_key=park_key, prefix=settings.topic_prefix)
        self._close_backend: Callable[[], Awaitable[None]] | None = None
        if handler is None:
            handler, self._close_backend = http_handler(base_url)
        self._backend = handler
        self.ack_timeout = ack_timeout
        self.rewrite_callback_urls = rewrite_callback_urls
        self.server = MqttServer(settings, park_key=park_key, handler=self._handle,
                                 topics=self.topics, reconnect_min=reconnect_min,
                                 reconnect_max=reconnect_max)
        self.relay = CallbackRelay(self._publish, host=relay_host, port=relay_port)

    def __repr__(self) -> str:
        return f"<SimulatorBridge {self.base_url} <-> {self.settings.host}:{self.settings.port}>"

    async def start(self, timeout: float | None = 5.0) -> SimulatorBridge:
        """Start the relay, then connect to the broker and serve requests."""
        await self.relay.start()
        try:
            await self.server.start(timeout)
        except BaseException:
            # Stop the link too: it would otherwise keep retrying on paho's thread, holding
            # its sockets, after the caller dropped this bridge.
            await self.relay.aclose()
            await self.server.aclose()
            if self._close_backend is not None:
                await self._close_backend()
                self._close_backend = None
            raise
        log.info("V3.0 bridge: %s (%s) <-> broker %s:%s, callbacks relayed from %s",
                 self.base_url, self.mode, self.settings.host, self.settings.port, self.relay.url)
        return self

    async def aclose(self) -> None:
        """Stop relaying and serving; close the HTTP backend."""
        await self.relay.aclose()
        await self.server.aclose()
        if self._close_backend is not None:
            close, self._close_backend = self._close_backend, None
            await close()

    async def _publish(self, route: str, raw: bytes) -> None:
        await self.server.publish_callback(route, raw, ack_timeout=self.ack_timeout)

    def relay_rows(self, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """``SetCallbackParams`` rows with each Url replaced by the relay's URL for that index."""
        out = []
        for row in rows:
            new = dict(row)
            index = row.get("Index")
            kind = kind_by_index(int(index)) if isinstance(index, int | str) and str(index).isdigit() else None
            if kind is not None:
                new["Url"] = self.relay.url + kind.path
            out.append(new)
        return out

    async def _handle(self, endpoint: Endpoint, envelope: dict[str, Any]) -> dict[str, Any]:
        if endpoint.name == "CallbackParamChangeNotify" and self.rewrite_callback_urls:
            envelope = self._point_at_relay(envelope)
        return await self._backend(endpoint, envelope)

    def _point_at_relay(self, envelope: dict[str, Any]) -> dict[str, Any]:
        data = envelope.get("Data")
        if not isinstance(data, list) or not verify_envelope(envelope, self._secret):
            return envelope  # the server answers it as it is (1001 / 1002)
        rows = self.relay_rows([r for r in data if isinstance(r, dict)])
        return sign_envelope(
            app_id=str(envelope.get("AppId")), park_key=str(envelope.get("ParkKey")),
            app_secret=self._secret, data=rows, timestamp=str(envelope.get("TimeStamp")),
            nonce=str(envelope.get("Nonce")),
        )

    async def register_all(self, interval_ms: int = 1000,
                           indexes: Sequence[int] | None = None) -> dict[str, Any]:
        """Switch callback kinds (default: all) on towards the broker; returns the answer."""
        kinds = [k for k in CALLBACK_KINDS if indexes is None or k.index in indexes]
        rows = [{"Index": k.index, "Url": self.relay.url + k.path, "Interval": interval_ms}
                for k in kinds]
        envelope = sign_envelope(app_id=self.app_id, park_key=self.park_key,
                                 app_secret=self._secret, data=rows)
        return await self._backend(by_name("CallbackParamChangeNotify"), envelope)
