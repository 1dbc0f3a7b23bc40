"""One MQTT connection: paho-mqtt 2.x on its own network thread, feeding the asyncio loop.

Why paho with ``loop_start()``: qasync's Windows loop is a proactor loop without
``add_reader``, so clients that need it (aiomqtt, paho's asyncio helper) fail there. paho's
own thread does every socket operation and hands each event to the asyncio (qasync) loop with
``loop.call_soon_threadsafe``, which works on every qasync loop. See ``docs/MQTT.md``.

Everything the caller sees (message handlers, connection-state handlers, futures) runs on the
asyncio loop; nothing here blocks it for more than a lock acquisition.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode

from booth_console.config import MqttConfig
from booth_console.errors import ServerUnreachable
from booth_console.protocol.jsonutil import JsonError, loads

__all__ = ["RECONNECT_MAX_S", "RECONNECT_MIN_S", "IncomingMessage", "MqttLink", "make_client_id"]

log = logging.getLogger("booth_console.mqtt")

#: Reconnect back-off of every MQTT link (consoles, republisher, simulator bridge): it doubles
#: from the minimum to the maximum, so a link is blind at most this long after the broker is
#: back. The same on every side, so that no booth lags the others after a broker restart.
RECONNECT_MIN_S = 0.5
RECONNECT_MAX_S = 2.0


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A message received on a subscription.

    Attributes:
        topic: the topic it was published to.
        payload: the raw bytes (a JSON envelope for every topic we use).
        qos: the delivery QoS.
        dup: the broker marked it as a redelivery.
        mid: the packet id (for :meth:`MqttLink.ack` when manual acknowledgement is on).
        conn: the number of the network connection it arrived on (1 for the first CONNACK,
            counted on paho's thread); a PUBACK only means something on that connection.
    """

    topic: str
    payload: bytes
    qos: int
    dup: bool
    mid: int
    conn: int = 0

    def json_object(self) -> dict[str, Any]:
        """The payload as a JSON object (numbers kept as written).

        Raises:
            JsonError: the payload is not JSON, or not an object.
        """
        value = loads(self.payload)
        if not isinstance(value, dict):
            raise JsonError("not a JSON object")
        return value


MessageHandler = Callable[[IncomingMessage], None]


def make_client_id(role: str) -> str:
    """A unique client id such as ``booth-request-3f2a...`` (23 characters at most)."""
    return f"booth-{role[:8]}-{uuid.uuid4().hex[:8]}"


def _topic_matches(sub: str, topic: str) -> bool:
    return bool(paho.topic_matches_sub(sub, topic))


class MqttLink:
    """A paho client on its network thread, with asyncio-side handlers and futures.

    Args:
        settings: host, port, credentials and TLS (``[mqtt]``).
        client_id: the MQTT client id. A persistent session (``clean_session=False``) needs a
            stable one.
        clean_session: ``False`` keeps subscriptions and queued QoS 1 messages at the broker
            while this client is away (callback subscribers); ``True`` for request links.
        manual_ack: acknowledge received QoS 1 messages only through :meth:`ack` (after they
            are durably processed), so a crash before that gets them redelivered.
        drop_unsent_on_disconnect: forget QoS 1 publishes that were not acknowledged when the
            connection drops, instead of paho's default of sending them again after
            reconnecting. Requests (gate commands!) must never be replayed after an outage.
        reconnect_min, reconnect_max: the reconnect back-off, doubling from min to max seconds.
        keepalive: MQTT keep-alive in seconds.
        name: a short name for logs.
    """

    def __init__(
        self,
        settings: MqttConfig,
        *,
        client_id: str,
        clean_session: bool = True,
        manual_ack: bool = False,
        drop_unsent_on_disconnect: bool = False,
        reconnect_min: float = RECONNECT_MIN_S,
        reconnect_max: float = RECONNECT_MAX_S,
        keepalive: int = 30,
        name: str = "mqtt",
    ) -> None:
        self._settings = settings
        self.client_id = client_id
        self.name = name
        self._drop_unsent = drop_unsent_on_disconnect
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._pub_waiters: dict[int, asyncio.Future[None]] = {}
        self._acked_early: set[int] = set()
        #: SUBACKs still awaited after a (re)connection, and that connection's session flag
        self._suback_pending: set[int] = set()
        self._session_present = False
        #: network connections so far (bumped in _on_connect, on paho's thread) and whether the
        #: latest one is still up; guarded by _ack_lock so that a PUBACK is queued only while the
        #: connection its message came on is alive (see ack())
        self._ack_lock = threading.Lock()
        self._conn_no = 0
        self._conn_alive = False
        self.acks_sent = 0
        self.acks_skipped = 0
        self._session_handlers: list[Callable[[bool], None]] = []
        self._subs: dict[str, tuple[int, MessageHandler]] = {}
        self._state_handlers: list[Callable[[bool], None]] = []
        self._connected = False
        self._connected_event: asyncio.Event | None = None
        self._started = False
        self._closing = False
        self.connects = 0  # successful CONNACKs so far (reconnects are connects - 1)
        self.last_error = ""
        self._keepalive = keepalive
        client = paho.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=clean_session,
            protocol=paho.MQTTv311,
            manual_ack=manual_ack,
        )
        if settings.username:
            client.username_pw_set(settings.username, settings.password or None)
        if settings.tls:
            client.tls_set_context(ssl.create_default_context())
        client.reconnect_delay_set(reconnect_min, reconnect_max)  # type: ignore[arg-type]
        client.max_inflight_messages_set(100)
        client.on_socket_open = _no_delay
        client.on_pre_connect = self._on_pre_connect
        client.on_connect = self._on_connect
        client.on_subscribe = self._on_subscribe
        client.on_disconnect = self._on_disconnect
        client.on_connect_fail = self._on_connect_fail
        client.on_message = self._on_message
        client.on_publish = self._on_publish
        self._client = client

    def __repr__(self) -> str:
        state = "connected" if self._connected else "disconnected"
        return f"<MqttLink {self.name} {self._settings.host}:{self._settings.port} {state}>"

    # ------------------------------------------------------------------ lifecycle

    @property
    def connected(self) -> bool:
        """Whether the broker has accepted the connection and it is still up."""
        return self._connected

    def on_state(self, handler: Callable[[bool], None]) -> None:
        """Call ``handler(connected)`` on the asyncio loop whenever the connection goes up or down."""
        self._state_handlers.append(handler)

    def on_session(self, handler: Callable[[bool], None]) -> None:
        """Call ``handler(session_present)`` on the asyncio loop at every connection, before the
        ``on_state`` handlers; ``False`` on a persistent session means the broker had none for
        this client id (first connection ever, or the broker lost it)."""
        self._session_handlers.append(handler)

    @property
    def session_present(self) -> bool:
        """The CONNACK's session-present flag of the current (or last) connection."""
        return self._session_present

    async def start(self, timeout: float | None = 5.0) -> None:
        """Start the network thread and wait for the first connection.

        The thread keeps retrying with back-off whatever happens here.

        Raises:
            ServerUnreachable: not connected within ``timeout`` seconds (``None``: do not wait).
        """
        if self._started:
            raise RuntimeError("MqttLink.start() called twice")
        self._loop = asyncio.get_running_loop()
        self._connected_event = asyncio.Event()
        self._started = True
        self._client.connect_async(self._settings.host, self._settings.port, self._keepalive)
        self._client.loop_start()
        if timeout is not None:
            await self.wait_connected(timeout)

    async def wait_connected(self, timeout: float) -> None:
        """Wait until connected. Raises :class:`ServerUnreachable` after ``timeout`` seconds."""
        assert self._connected_event is not None, "start() first"
        try:
            async with asyncio.timeout(timeout):  # not wait_for: it can lose a cancel on 3.11
                await self._connected_event.wait()
        except TimeoutError:
            raise ServerUnreachable(self._unreachable_text()) from None

    def _unreachable_text(self) -> str:
        why = f": {self.last_error}" if self.last_error else ""
        return (
            f"MQTT broker {self._settings.host}:{self._settings.port} is not reachable{why}"
        )

    async def aclose(self) -> None:
        """Disconnect cleanly and stop the network thread. Pending publish waits fail."""
        if self._closing:
            return
        self._closing = True
        if self._started:
            self._client.disconnect()
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            loop = asyncio.get_running_loop()

            def _stop() -> None:
                try:
                    self._stop_network_thread()
                finally:
                    with contextlib.suppress(RuntimeError):  # loop already closed
                        loop.call_soon_threadsafe(_resolve, done)

            threading.Thread(target=_stop, name=f"mqtt-stop-{self.name}", daemon=True).start()
            await done
        self._fail_publishes("the MQTT connection was closed")
        self._connected = False

    def _stop_network_thread(self) -> None:
        """Stop paho's thread, wait for it, then close its sockets (blocking: not on the loop).

        paho closes its wake-up socket pair only in ``Client.__del__``. When the client is
        collected as part of a reference cycle (it is: its callbacks are this link's bound
        methods), the sockets' own finalizers may run first and warn "unclosed socket"; so
        they are closed here, deterministically, once the thread that uses them is gone.
        """
        client = self._client
        thread = getattr(client, "_thread", None)
        try:
            # paho's loop_stop() checks ``_thread`` and then joins it; if the thread ends in
            # between (it does by itself after disconnect()), it raises AttributeError.
            client.loop_stop()
        except AttributeError:
            pass
        finally:
            if thread is not None and thread is not threading.current_thread():
                thread.join()
            reset = getattr(client, "_reset_sockets", None)
            if reset is not None:
                with contextlib.suppress(Exception):
                    reset()

    # ------------------------------------------------------------------ subscribe / publish

    def subscribe(self, topic_filter: str, handler: MessageHandler, qos: int = 1) -> None:
        """Subscribe (now if connected, and again after every reconnect).

        ``handler(message)`` runs on the asyncio loop; it must not block.
        """
        self._subs[topic_filter] = (qos, handler)
        if self._connected:
            self._client.subscribe(topic_filter, qos)

    def publish_nowait(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> int:
        """Hand a message to paho (queued while disconnected unless dropped); return its mid."""
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc not in (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_NO_CONN):
            raise ServerUnreachable(f"MQTT publish to {topic} failed: {paho.error_string(info.rc)}")
        return int(info.mid)

    async def publish(
        self,
        topic: str,
        payload: bytes,
        qos: int = 1,
        retain: bool = False,
        *,
        require_connected: bool = False,
        ack_timeout: float | None = None,
    ) -> None:
        """Publish and, for QoS 1, wait for the broker's PUBACK.

        Args:
            require_connected: raise :class:`ServerUnreachable` at once when not connected
                instead of letting paho queue the message until the next connection.
            ack_timeout: give up waiting for the PUBACK after this many seconds
                (``TimeoutError``; the message may still be delivered later).
        """
        loop = asyncio.get_running_loop()
        if require_connected and not self._connected:
            raise ServerUnreachable(self._unreachable_text())
        if qos == 0:
            self.publish_nowait(topic, payload, 0, retain)
            return
        fut: asyncio.Future[None] = loop.create_future()
        # Never hold self._lock while calling into paho: paho calls _on_publish with its own
        # message lock held, and _on_publish takes self._lock (lock order: paho's, then ours).
        mid = self.publish_nowait(topic, payload, qos, retain)
        with self._lock:
            if mid in self._acked_early:
                self._acked_early.discard(mid)
                fut.set_result(None)
            else:
                self._pub_waiters[mid] = fut
        try:
            async with asyncio.timeout(ack_timeout):
                await asyncio.shield(fut)
        finally:
            with self._lock:
                self._pub_waiters.pop(mid, None)

    def ack(self, message: IncomingMessage) -> bool:
        """Acknowledge a QoS 1 message received with manual acknowledgement on.

        The PUBACK is queued only while the connection the message arrived on is still up
        (checked and queued under one lock that paho's thread also takes when that connection
        ends, before it opens the next one): a packet id means nothing on another connection,
        and the broker may already have reused it there for a different message. A message
        whose connection is gone is not acknowledged here; a broker that kept the session
        redelivers it (DUP) on the next connection, where it is acknowledged as a duplicate.

        Returns:
            whether a PUBACK was queued (``True`` for QoS 0, which needs none).
        """
        if message.qos == 0:
            return True
        with self._ack_lock:
            if not self._conn_alive or message.conn != self._conn_no:
                self.acks_skipped += 1
                return False
            # paho queues the packet (no paho lock is held while our callbacks take _ack_lock)
            self._client.ack(message.mid, message.qos)
            self.acks_sent += 1
        return True

    # ------------------------------------------------------------------ paho callbacks (network thread)

    def _post(self, fn: Callable[..., None], *args: Any) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # loop closed while we were on the way
            loop.call_soon_threadsafe(fn, *args)

    def _on_connect(self, client: paho.Client, _userdata: Any, flags: Any, reason: Any,
                    _properties: Any) -> None:
        if getattr(reason, "is_failure", False):
            self.last_error = str(reason)
            log.warning("%s: broker refused the connection: %s", self.name, reason)
            return
        # A new network connection: messages read from now on belong to it (the broker may send
        # queued ones right after CONNACK, before any SUBACK), and only they may be acknowledged.
        with self._ack_lock:
            self._conn_no += 1
            self._conn_alive = True
        # Re-subscribe every time (harmless when the broker kept the session) and report the
        # link up only once the broker has acknowledged every subscription: a clean session
        # has none until then, and a message published meanwhile would not reach us.
        # paho runs _on_connect and _on_subscribe on its network thread, one after the other,
        # so no SUBACK is handled before this returns. (Never call into paho holding
        # self._lock: see publish().)
        pending: set[int] = set()
        for topic_filter, (qos, _handler) in list(self._subs.items()):
            rc, mid = client.subscribe(topic_filter, qos)
            if rc == MQTTErrorCode.MQTT_ERR_SUCCESS and mid is not None:
                pending.add(int(mid))
        with self._lock:
            self._session_present = bool(getattr(flags, "session_present", False))
            self._suback_pending = pending
            ready = not pending
        if ready:
            self._post(self._set_connected, True, self._session_present)

    def _on_subscribe(self, _client: paho.Client, _userdata: Any, mid: int, _reasons: Any,
                      _properties: Any) -> None:
        with self._lock:
            if mid not in self._suback_pending:
                return  # a later subscribe() while connected
            self._suback_pending.discard(mid)
            ready = not self._suback_pending
        if ready:
            self._post(self._set_connected, True, self._session_present)

    def _on_pre_connect(self, _client: paho.Client, _userdata: Any) -> None:
        # paho is about to open a new socket: no PUBACK of an earlier connection may be queued
        # from here on (on_disconnect normally said so already).
        with self._ack_lock:
            self._conn_alive = False

    def _on_connect_fail(self, _client: paho.Client, _userdata: Any) -> None:
        self.last_error = "connection refused or timed out"
        log.debug("%s: connect attempt failed", self.name)

    def _on_disconnect(self, client: paho.Client, _userdata: Any, _flags: Any, reason: Any,
                       _properties: Any) -> None:
        # Called on paho's thread before it reconnects (which empties its outgoing packet queue):
        # from here on no PUBACK of this connection may be queued (see ack()).
        with self._ack_lock:
            self._conn_alive = False
        if self._drop_unsent:
            self._drop_out_messages(client)
        self.last_error = f"disconnected ({reason})"
        self._post(self._set_connected, False, False)

    def _drop_out_messages(self, client: paho.Client) -> None:
        # paho re-sends unacknowledged QoS>0 publishes after reconnecting; a request link must
        # not do that (a gate command is never replayed after an outage). paho has no public
        # call for it, so clear its queue under its own lock.
        mutex = getattr(client, "_out_message_mutex", None)
        messages = getattr(client, "_out_messages", None)
        if mutex is None or messages is None:
            return
        with mutex:
            dropped = len(messages)
            messages.clear()
            client._inflight_messages = 0
        if dropped:
            log.info("%s: dropped %d unacknowledged request(s) on disconnect", self.name, dropped)

    def _on_message(self, _client: paho.Client, _userdata: Any, msg: paho.MQTTMessage) -> None:
        # paho's thread: _on_connect of this connection ran before any of its messages is read
        incoming = IncomingMessage(msg.topic, bytes(msg.payload), msg.qos, bool(msg.dup), msg.mid,
                                   self._conn_no)
        self._post(self._dispatch, incoming)

    def _on_publish(self, _client: paho.Client, _userdata: Any, mid: int, _reason: Any,
                    _properties: Any) -> None:
        with self._lock:
            fut = self._pub_waiters.pop(mid, None)
            if fut is None:
                self._acked_early.add(mid)
                if len(self._acked_early) > 10_000:  # publishes nobody waits for
                    self._acked_early.clear()
                return
        self._post(_resolve, fut)

    # ------------------------------------------------------------------ asyncio side

    def _set_connected(self, up: bool, session_present: bool) -> None:
        if up == self._connected:
            return
        self._connected = up
        assert self._connected_event is not None
        if up:
            self.connects += 1
            self.last_error = ""
            self._connected_event.set()
            log.info("%s: connected to %s:%s (session present: %s)", self.name,
                     self._settings.host, self._settings.port, session_present)
            for session_handler in list(self._session_handlers):
                try:
                    session_handler(session_present)
                except Exception:
                    log.exception("%s: session handler failed", self.name)
        else:
            self._connected_event.clear()
            if self._drop_unsent:
                self._fail_publishes("the MQTT connection dropped before the broker acknowledged")
            if not self._closing:
                log.warning("%s: lost the broker connection; reconnecting", self.name)
        for handler in list(self._state_handlers):
            try:
                handler(up)
            except Exception:
                log.exception("%s: connection-state handler failed", self.name)

    def _dispatch(self, message: IncomingMessage) -> None:
        for topic_filter, (_qos, handler) in list(self._subs.items()):
            if _topic_matches(topic_filter, message.topic):
                try:
                    handler(message)
                except Exception:
                    log.exception("%s: handler for %s failed", self.name, message.topic)

    def _fail_publishes(self, text: str) -> None:
        with self._lock:
            waiters = list(self._pub_waiters.values())
            self._pub_waiters.clear()
        for fut in waiters:
            if not fut.done():
                fut.set_exception(ServerUnreachable(text, sent=True))
                fut.exception()  # retrieved: nobody may be waiting any more


def _no_delay(_client: paho.Client, _userdata: Any, sock: Any) -> None:
    # Requests, answers and acknowledgements are small packets written back to back; with
    # Nagle's algorithm each one waits for the peer's delayed ACK (~40 ms on Linux).
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)
