"""Callbacks over MQTT (V3.0, or republished V2.0 callbacks): the console's side.

Every message on ``{prefix}/{ParkKey}/callback/+`` goes through the same
:class:`~booth_console.listener.processor.CallbackProcessor` as the HTTP listener's bodies:
signature and AppId/ParkKey checks, de-duplication by RequestId, journaling, then the sink (the
Qt signals). The source recorded in the journal is ``mqtt:<topic>``.

Delivery: QoS 1 on a persistent session (``clean_session=False`` and a stable client id), so
callbacks published while this console is away, or while the broker restarts, are delivered
when it is back. Messages are acknowledged (PUBACK) only after the processor has journaled them
(manual acknowledgement, in arrival order); one that could not be stored (answer 1003) is left
unacknowledged and comes back on the next connection. A redelivered duplicate is journaled as a
duplicate and not emitted twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import socket
from collections import deque
from dataclasses import dataclass
from typing import Any

from booth_console.config import MqttConfig
from booth_console.listener.processor import CallbackProcessor, ProcessResult
from booth_console.mqtt.link import IncomingMessage, MqttLink
from booth_console.mqtt.topics import Topics
from booth_console.protocol.callbacks import kind_by_route

__all__ = ["CallbackSubscriber", "SubscriberStats", "default_subscriber_id"]

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
    unacked: int = 0  # not stored (1003): left for redelivery


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
        reconnect_min: float = 0.5,
        reconnect_max: float = 30.0,
    ) -> None:
        self.topics = topics or Topics(park_key=park_key, prefix=settings.topic_prefix)
        self.processor = processor
        cid = client_id or default_subscriber_id(
            processor.app_id, park_key, getattr(processor.journal, "path", "")
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
        self.link.subscribe(self.topics.callback_filter, self._on_message, qos=1)
        self.stats = SubscriberStats()
        self._order: deque[tuple[IncomingMessage, int, asyncio.Task[ProcessResult]]] = deque()
        self._tasks: set[asyncio.Task[ProcessResult]] = set()

    def __repr__(self) -> str:
        return f"<CallbackSubscriber {self.topics.callback_filter} as {self.link.client_id}>"

    async def start(self, timeout: float | None = 5.0) -> CallbackSubscriber:
        """Connect and subscribe (``timeout=None``: do not wait; the link keeps retrying).

        Raises:
            ServerUnreachable: not connected within ``timeout`` (it keeps retrying anyway).
        """
        await self.link.start(timeout)
        return self

    async def aclose(self) -> None:
        """Finish processing what arrived, acknowledge it, then disconnect."""
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
            self.processor.process(message.payload, kind, source=f"mqtt:{message.topic}")
        )
        self._tasks.add(task)
        self._order.append((message, self.link.connects, task))
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[ProcessResult]) -> None:
        self._tasks.discard(task)
        self._ack_ready()

    def _ack_ready(self) -> None:
        # Acknowledge in arrival order (MQTT 3.1.1 expects PUBACKs in order).
        while self._order and self._order[0][2].done():
            message, generation, task = self._order.popleft()
            if task.cancelled():
                continue
            exc = task.exception()
            result = None if exc is not None else task.result()
            if result is None or result.result_code == 1003:
                self.stats.unacked += 1
                log.warning("callback on %s not stored; left for redelivery", message.topic)
                continue
            if result.duplicate:
                self.stats.duplicates += 1
            elif result.result_code == 200:
                self.stats.accepted += 1
            else:
                self.stats.rejected += 1
                log.warning("callback on %s rejected: %s %s", message.topic, result.result_code,
                            result.result_msg)
            # A message from an earlier connection is redelivered by the broker (persistent
            # session) and acknowledged then, as a duplicate; its old packet id may be reused.
            if self.link.connected and generation == self.link.connects:
                self.link.ack(message)
