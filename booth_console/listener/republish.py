"""``[listener] republish_mqtt = true``: fan V2.0 HTTP callbacks out to other booths via the broker.

With V2.0 the parking software posts each callback kind to one URL, so only one console hears
it. That console can republish every callback it accepted, signed body unchanged, to
``{prefix}/{ParkKey}/callback/{Route}``; every other console subscribes to the callback topics
(:class:`~booth_console.listener.mqtt_subscriber.CallbackSubscriber`) and processes the body exactly as
if it had arrived itself (same signature check, de-duplication by RequestId, journal).

Wiring (``booth_console.listener.mqtt.attach_console`` does this)::

    republisher = await Republisher(cfg.mqtt, park_key=cfg.server.park_key,
                                    journal=stack.journal).start()
    republisher.install(stack.processor)
    ...
    await republisher.aclose()

Installed this way, the HTTP listener answers the parking software 200 only once the broker has
acknowledged the republished body (PUBACK, waited for at most ``ack_timeout`` seconds); otherwise
it answers 1003, so the parking software retries (3 times, then the callback is "failed" and
RetryCallback can re-push it). The retry is a duplicate for this console (not shown twice) but is
republished again. Capture images are not carried (Base64 image fields are not signed, so the
signature still holds; they are sent as empty strings). Callbacks that themselves came from MQTT
are not republished (no loops).

The older wiring, ``start_listener(..., sink=republisher.chain(hub.sink))``, republishes from
the sink after the answer was given (no acknowledgement wait).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from booth_console.config import MqttConfig
from booth_console.listener.processor import CallbackProcessor, ProcessResult, ReceivedCallback
from booth_console.protocol import jsonutil
from booth_console.protocol.callbacks import CallbackKind
from booth_console.protocol.signing import IMAGE_FIELDS
from booth_console.protocol.topics import Topics
from booth_console.transport.mqtt_link import (
    RECONNECT_MAX_S,
    RECONNECT_MIN_S,
    MqttLink,
    make_client_id,
)

__all__ = ["RepublishStats", "Republisher", "strip_image_placeholders", "strip_images"]

log = logging.getLogger("booth_console.listener")


@dataclass
class RepublishStats:
    """Counts since start."""

    published: int = 0
    skipped: int = 0
    failed: int = 0
    refused: int = 0  # answered 1003 because the broker did not acknowledge in time


def _empty_image_fields(raw: bytes, emptied: Callable[[str], bool]) -> bytes:
    """``raw`` with each text image field for which ``emptied`` holds emptied, or ``raw``
    unchanged when there is none."""
    try:
        envelope = jsonutil.loads(raw)
    except jsonutil.JsonError:
        return raw
    data = envelope.get("Data") if isinstance(envelope, dict) else None
    if not isinstance(data, dict) or not any(
        isinstance(data.get(name), str) and emptied(data[name]) for name in IMAGE_FIELDS
    ):
        return raw
    envelope["Data"] = {
        k: ("" if k in IMAGE_FIELDS and isinstance(v, str) and emptied(v) else v)
        for k, v in data.items()
    }
    return jsonutil.dumps_bytes(envelope)


def strip_images(raw: bytes) -> bytes:
    """``raw`` with every non-empty Base64 image field emptied (they are not signed)."""
    return _empty_image_fields(raw, bool)


def strip_image_placeholders(raw: bytes) -> bytes:
    """The journaled body with image fields emptied (they are not signed), or ``raw`` unchanged."""
    return _empty_image_fields(raw, lambda value: value.startswith("<image"))


class Republisher:
    """Republishes accepted HTTP callbacks to the broker.

    Args:
        settings: the broker (``[mqtt]``).
        park_key: the lot's ParkKey.
        journal: the console's journal (the raw body of each accepted callback is read back from
            it by row id); anything with a ``path`` attribute naming the SQLite file.
        topics: topic names (default: from ``settings.topic_prefix``).
        client_id: the MQTT client id (default: unique).
        ack_timeout: how long an installed gate waits for the broker's PUBACK before the
            listener answers 1003 (keep it below the parking software's HTTP timeout).
    """

    def __init__(
        self,
        settings: MqttConfig,
        *,
        park_key: str,
        journal: Any,
        topics: Topics | None = None,
        client_id: str | None = None,
        reconnect_min: float = RECONNECT_MIN_S,
        reconnect_max: float = RECONNECT_MAX_S,
        ack_timeout: float = 3.0,
    ) -> None:
        self.topics = topics or Topics(park_key=park_key, prefix=settings.topic_prefix)
        self.journal_path = Path(journal.path)
        self.link = MqttLink(
            settings,
            client_id=client_id or make_client_id("repub"),
            clean_session=True,
            reconnect_min=reconnect_min,
            reconnect_max=reconnect_max,
            name="republish",
        )
        self.stats = RepublishStats()
        self.ack_timeout = ack_timeout
        self._reader: sqlite3.Connection | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._gated = False

    def __repr__(self) -> str:
        return f"<Republisher -> {self.topics.callback_filter}>"

    async def start(self, timeout: float | None = None) -> Republisher:
        """Start the connection. By default does not wait: messages queue until it is up."""
        self._loop = asyncio.get_running_loop()
        await self.link.start(timeout)
        return self

    def install(self, processor: CallbackProcessor) -> None:
        """Republish from ``processor``'s answer path: its 200 waits for the broker's PUBACK.

        Call after :meth:`start`, on the loop the link runs on (the listener may run its own).
        """
        if self._loop is None:
            raise RuntimeError("Republisher.install() before start()")
        processor.answer_gate = self.gate
        self._gated = True

    async def gate(self, raw: bytes, kind: CallbackKind | None, source: str,
                   result: ProcessResult) -> ProcessResult:
        """The processor's answer gate: republish an accepted (or duplicate) HTTP callback and
        keep the 200 only once the broker has acknowledged it; 1003 otherwise."""
        if kind is None and result.callback is not None:
            kind = result.callback.kind
        if result.result_code != 200 or kind is None or source.startswith("mqtt:"):
            return result
        assert self._loop is not None
        publish = self._publish_acked(kind.name, strip_images(raw))
        try:
            here: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if here is self._loop:
            ok = await publish
        else:  # the listener's own thread: the link's futures live on the console's loop
            ok = await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(publish, self._loop))
        if ok:
            return result
        self.stats.refused += 1
        return ProcessResult(
            1003, "stored, but the MQTT broker has not acknowledged it for the other booths; "
            "please retry", result.callback, result.duplicate)

    async def _publish_acked(self, route: str, body: bytes) -> bool:
        try:
            await self.link.publish(self.topics.callback(route), body, qos=1,
                                    ack_timeout=self.ack_timeout)
        except Exception as exc:  # still queued in paho: it may go out after a reconnect
            log.warning("republish of %s not acknowledged within %g s: %s", route,
                        self.ack_timeout, exc or type(exc).__name__)
            return False
        self.stats.published += 1
        return True

    async def aclose(self) -> None:
        """Wait for republishes under way (acknowledged or timed out), then disconnect."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.link.aclose()
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def chain(
        self, other: Callable[[ReceivedCallback], None] | None
    ) -> Callable[[ReceivedCallback], None]:
        """A sink that calls ``other`` (e.g. the Qt hub's) and then :meth:`sink`."""

        def both(received: ReceivedCallback) -> None:
            try:
                if other is not None:
                    other(received)
            finally:
                self.sink(received)

        return both

    def sink(self, received: ReceivedCallback) -> None:
        """The processor sink: republish one accepted callback (in the background); nothing
        when :meth:`install` put the republish on the answer path instead."""
        if received.source.startswith("mqtt:") or self._gated:
            self.stats.skipped += 1
            return
        raw = self._read_body(received.row_id)
        if raw is None:
            self.stats.failed += 1
            log.warning("republish: journal row %s not found", received.row_id)
            return
        task = asyncio.get_running_loop().create_task(self.republish_raw(received.kind.name, raw))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def republish_raw(self, route: str, raw: bytes, ack_timeout: float = 30.0) -> None:
        """Publish a signed callback body to ``.../callback/{route}`` with QoS 1."""
        body = strip_image_placeholders(raw)
        try:
            await self.link.publish(self.topics.callback(route), body, qos=1, ack_timeout=ack_timeout)
        except Exception as exc:  # queued in paho; it may still go out after a reconnect
            self.stats.failed += 1
            log.warning("republish of %s not acknowledged: %s", route, exc)
            return
        self.stats.published += 1

    def _read_body(self, row_id: int) -> bytes | None:
        # One read by primary key on a WAL database: well under a millisecond, never blocked by
        # the journal's writer thread.
        if self._reader is None:
            uri = self.journal_path.absolute().as_uri() + "?mode=ro"
            self._reader = sqlite3.connect(uri, uri=True, check_same_thread=False)
        row = self._reader.execute(
            "SELECT raw_body FROM callbacks WHERE id = ? AND result_code = 200", (row_id,)
        ).fetchone()
        return bytes(row[0]) if row is not None else None
