"""Callbacks over MQTT (V3.0, or republished V2.0 callbacks): the console's side.

Every message on ``{prefix}/{ParkKey}/callback/+`` goes through the same
:class:`~booth_console.listener.processor.CallbackProcessor` as the HTTP listener's bodies:
signature and AppId/ParkKey checks, de-duplication by RequestId, journaling, then the sink (the
Qt signals). The source recorded in the journal is ``mqtt:<topic>``.

Delivery: QoS 1 on a persistent session (``clean_session=False`` and a stable client id), so
callbacks published while this console is away, or while the broker restarts, are delivered
when it is back. Every message is processed, whenever it arrives (a broker that kept the session
sends the queued ones right after CONNACK, before it confirms the re-subscription), and
acknowledged (PUBACK) exactly once, after the processor has journaled it (manual
acknowledgement, in arrival order), on the connection it came on. The broker stops sending once
its in-flight window (mosquitto: 20 per client) is full of unacknowledged messages, so a message
never stays unacknowledged on a live connection: one whose journal write failed (1003) is
processed again a few times with back-off. A message whose connection dropped before it was
journaled is not acknowledged; the broker redelivers it (DUP) on the next connection, where it is
journaled as a duplicate, acknowledged, and not emitted twice.

A reconnection without the session (``session present: False``: the broker lost it, e.g. a crash
before it saved its persistence file) means callbacks published meanwhile may be lost: the
subscriber reports it to :meth:`CallbackSubscriber.on_session_lost` handlers with the outage
window, so that the console can warn the attendant and recover what it can.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from booth_console.config import MqttConfig
from booth_console.listener.processor import CallbackProcessor, ProcessResult
from booth_console.protocol.callbacks import kind_by_route
from booth_console.protocol.topics import Topics
from booth_console.transport.mqtt_link import (
    RECONNECT_MAX_S,
    RECONNECT_MIN_S,
    IncomingMessage,
    MqttLink,
)

__all__ = ["CallbackSubscriber", "SessionLost", "SubscriberStats", "default_subscriber_id"]

log = logging.getLogger("booth_console.listener")


def default_subscriber_id(app_id: str, park_key: str, journal_path: Any = "") -> str:
    """A stable client id for one console: same host, lot and journal -> same id.

    The broker keeps one session per client id, so two consoles must not share one; the journal
    path tells two consoles on the same computer apart.
    """
    seed = f"{socket.gethostname()}|{app_id}|{park_key}|{journal_path}"
    return "booth-cb-" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:14]


@dataclass
class SubscriberStats:
    """Counts since start."""

    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    unacked: int = 0  # not stored (1003) after every attempt: left for redelivery
    acked: int = 0  # PUBACKs queued
    ack_skipped: int = 0  # its connection had dropped: the broker redelivers it
    store_retries: int = 0  # journal writes tried again after a 1003
    sessions_lost: int = 0  # reconnections with session present: False


@dataclass(frozen=True, slots=True)
class SessionLost:
    """The broker had no session for this console when it reconnected.

    Attributes:
        down_since: wall-clock time (``time.time()``) the connection was lost.
        back_at: wall-clock time the console was subscribed again.
    """

    down_since: float
    back_at: float


#: attempts to journal one message before leaving it unacknowledged (1003 each time)
STORE_ATTEMPTS = 5
#: how far back a lost session found at start-up is reported (the console may have been off long)
STARTUP_WINDOW_S = 24 * 3600


def last_mqtt_callback_at(journal_path: Any) -> float | None:
    """When the newest callback that came over MQTT was journaled (``None``: never, or no
    journal). Blocking: run it off the loop."""
    import sqlite3
    from pathlib import Path

    path = Path(str(journal_path)) if journal_path else None
    if path is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT received_at FROM callbacks WHERE source LIKE 'mqtt:%' "
                               "ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return float(row[0]) if row is not None else None


class CallbackSubscriber:
    """Subscribes to the callback topics and feeds a :class:`CallbackProcessor`.

    Args:
        settings: the broker (``[mqtt]``).
        park_key: the lot's ParkKey.
        processor: the console's callback processor (shared with the HTTP listener).
        topics: topic names (default: from ``settings.topic_prefix``).
        client_id: the MQTT client id; must be stable (persistent session) and unique per
            console (default: :func:`default_subscriber_id` of the processor's journal).
        persistent: keep the session at the broker while disconnected (``clean_session=False``).
    """

    def __init__(
        self,
        settings: MqttConfig,
        *,
        park_key: str,
        processor: CallbackProcessor,
        topics: Topics | None = None,
        client_id: str | None = None,
        persistent: bool = True,
        reconnect_min: float = RECONNECT_MIN_S,
        reconnect_max: float = RECONNECT_MAX_S,
    ) -> None:
        self.topics = topics or Topics(park_key=park_key, prefix=settings.topic_prefix)
        self.processor = processor
        cid = client_id or default_subscriber_id(
            processor.app_id, park_key, processor.journal.path
        )
        self.link = MqttLink(
            settings,
            client_id=cid,
            clean_session=not persistent,
            manual_ack=True,
            reconnect_min=reconnect_min,
            reconnect_max=reconnect_max,
            name="callbacks",
        )
        self.persistent = persistent
        self.link.subscribe(self.topics.callback_filter, self._on_message, qos=1)
        self.link.on_session(self._on_session)
        self.link.on_state(self._on_state)
        self.stats = SubscriberStats()
        self._order: deque[tuple[IncomingMessage, asyncio.Task[ProcessResult | None]]] = deque()
        self._tasks: set[asyncio.Task[ProcessResult | None]] = set()
        self._lost_handlers: list[Callable[[SessionLost], None]] = []
        self._unreported: SessionLost | None = None
        self._down_since: float | None = None
        self._closing = False
        #: seconds between journal attempts of one message (tests shorten it)
        self.store_retry_delay = 0.5

    def __repr__(self) -> str:
        return f"<CallbackSubscriber {self.topics.callback_filter} as {self.link.client_id}>"

    async def start(self, timeout: float | None = 5.0) -> CallbackSubscriber:
        """Connect and subscribe (``timeout=None``: do not wait; the link keeps retrying).

        A persistent subscriber whose journal already holds callbacks that came over MQTT
        expects the broker to have kept its session: if it has not (the broker crashed while
        this console was off), that is reported like a lost session on reconnection, for the
        time since the last such callback (at most a day).

        Raises:
            ServerUnreachable: not connected within ``timeout`` (it keeps retrying anyway).
        """
        if self.persistent:
            last = await asyncio.to_thread(
                last_mqtt_callback_at, self.processor.journal.path)
            if last is not None:
                self._down_since = max(last, time.time() - STARTUP_WINDOW_S)
        await self.link.start(timeout)
        return self

    def on_session_lost(self, handler: Callable[[SessionLost], None]) -> None:
        """Call ``handler(SessionLost)`` on the loop when a reconnection finds no session at the
        broker (persistent sessions only): callbacks published meanwhile may be lost. A loss
        found before any handler was added is given to the first one (soon, on the loop)."""
        self._lost_handlers.append(handler)
        lost, self._unreported = self._unreported, None
        if lost is not None:
            asyncio.get_running_loop().call_soon(handler, lost)

    def _on_state(self, up: bool) -> None:
        if not up and self._down_since is None:
            self._down_since = time.time()

    def _on_session(self, present: bool) -> None:
        down_since, self._down_since = self._down_since, None
        if present or not self.persistent or down_since is None:
            return  # kept, or not asked for, or a first connection with nothing to expect
        self.stats.sessions_lost += 1
        lost = SessionLost(down_since=down_since, back_at=time.time())
        log.warning("the MQTT broker lost this console's session (reconnected after %.1f s "
                    "without it): callbacks published meanwhile may be missing",
                    lost.back_at - lost.down_since)
        if not self._lost_handlers:
            self._unreported = lost
        for handler in list(self._lost_handlers):
            try:
                handler(lost)
            except Exception:
                log.exception("session-lost handler failed")

    async def aclose(self) -> None:
        """Finish processing what arrived, acknowledge it, then disconnect."""
        self._closing = True
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        self._ack_ready()
        await self.link.aclose()

    async def drain(self) -> None:
        """Wait until every message received so far is processed (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _on_message(self, message: IncomingMessage) -> None:
        self.stats.received += 1
        route = self.topics.callback_route(message.topic)
        kind = kind_by_route(route) if route else None
        task = asyncio.get_running_loop().create_task(
            self._store(message.payload, kind, f"mqtt:{message.topic}")
        )
        self._tasks.add(task)
        self._order.append((message, task))
        task.add_done_callback(self._done)

    async def _store(self, payload: bytes, kind: Any, source: str) -> ProcessResult | None:
        """Process one message; a journal failure (1003) is tried again a few times, because
        the broker resends an unacknowledged message only on the next connection."""
        delay = self.store_retry_delay
        result: ProcessResult | None = None
        for attempt in range(STORE_ATTEMPTS):
            if attempt:
                self.stats.store_retries += 1
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            result = await self.processor.process(payload, kind, source=source)
            if result.result_code != 1003 or self._closing:
                break
        return result

    def _done(self, task: asyncio.Task[ProcessResult | None]) -> None:
        self._tasks.discard(task)
        self._ack_ready()

    def _ack_ready(self) -> None:
        # Acknowledge in arrival order (MQTT 3.1.1 expects PUBACKs in order).
        while self._order and self._order[0][1].done():
            message, task = self._order.popleft()
            if task.cancelled():
                continue
            exc = task.exception()
            result = None if exc is not None else task.result()
            if result is None or result.result_code == 1003:
                self.stats.unacked += 1
                log.error("callback on %s could not be stored; left unacknowledged for "
                          "redelivery at the next connection", message.topic)
                continue
            if result.duplicate:
                self.stats.duplicates += 1
            elif result.result_code == 200:
                self.stats.accepted += 1
            else:
                self.stats.rejected += 1
                log.warning("callback on %s rejected: %s %s", message.topic, result.result_code,
                            result.result_msg)
            # Only on the connection it came on (the link checks): a message from an earlier
            # connection is redelivered by the broker (persistent session) and acknowledged
            # then, as a duplicate; its old packet id may be reused for another message.
            if self.link.ack(message):
                self.stats.acked += 1
            else:
                self.stats.ack_skipped += 1
