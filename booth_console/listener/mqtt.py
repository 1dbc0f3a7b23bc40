"""The console's MQTT side in one call: callbacks over MQTT and republishing, from the config.

Usage, right after the listener stack is started (``booth_console.app.session``)::

    mqtt_side = await attach_console(cfg, stack.processor, hub_sink=hub.sink)
    ...
    if mqtt_side is not None:
        await mqtt_side.aclose()          # before the journal is closed

* ``[server] transport = "mqtt"``: a :class:`CallbackSubscriber` feeds MQTT callbacks to the
  same processor as the HTTP listener (verification, de-duplication, journal, Qt signals).
* ``[listener] republish_mqtt = true``: a :class:`Republisher` republishes every callback the
  HTTP listener accepted, before the listener answers 200 (its answer gate).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from booth_console.config import Config
from booth_console.listener.mqtt_subscriber import CallbackSubscriber, SessionLost
from booth_console.listener.processor import CallbackProcessor, ReceivedCallback
from booth_console.listener.republish import Republisher

__all__ = ["RETRY_CALLBACK_EVERY_S", "ConsoleMqtt", "attach_console", "request_repush"]

log = logging.getLogger("booth_console.mqtt")


#: the parking software accepts RetryCallback once every 30 minutes
RETRY_CALLBACK_EVERY_S = 30 * 60
#: margin added to both ends of the outage window asked for (clocks of two machines)
REPUSH_MARGIN_S = 60
_last_repush: float | None = None


class RepushAnswer(Protocol):
    """The part of the parking software's answer that :func:`request_repush` reports."""

    @property
    def result_msg(self) -> str: ...


class RepushClient(Protocol):
    """What :func:`request_repush` needs of the client (``ParkingClient`` has it)."""

    async def retry_callback(self, start: str, end: str) -> RepushAnswer: ...


async def request_repush(client: RepushClient, lost: SessionLost, *, attempts: int = 8,
                         first_delay: float = 0.5) -> str:
    """Ask the parking software to re-push the callbacks that failed during an outage.

    Calls RetryCallback (``client.retry_callback``) for ``lost``'s window, one minute wider on
    each side, all kinds, unless this process asked less than 30 minutes ago (the server's
    rule). The request link reconnects on its own schedule after a broker restart, so a
    request that could not reach the server is tried again (``attempts`` times, the delay
    doubling from ``first_delay`` up to 5 s); an answer other than 200 (not supported, or
    another booth asked already) is final. Never raises: returns what happened.
    """
    global _last_repush
    from booth_console.errors import ApiError, BoothError

    now = time.monotonic()
    if _last_repush is not None and now - _last_repush < RETRY_CALLBACK_EVERY_S:
        return "not asked: RetryCallback was already used in the last 30 minutes"
    fmt = "%Y-%m-%d %H:%M:%S"
    start = time.strftime(fmt, time.localtime(lost.down_since - REPUSH_MARGIN_S))
    end = time.strftime(fmt, time.localtime(lost.back_at + REPUSH_MARGIN_S))
    delay = first_delay
    outcome = ""
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        try:
            result = await client.retry_callback(start, end)
        except ApiError as exc:  # answered: not supported, or asked already by another booth
            outcome = f"RetryCallback {start} - {end} refused: {exc}"
            break
        except BoothError as exc:  # the server or the broker is not reachable yet
            outcome = f"RetryCallback {start} - {end} not done: {exc}"
            continue
        _last_repush = time.monotonic()
        outcome = f"RetryCallback {start} - {end}: {result.result_msg}"
        break
    log.info("%s", outcome)
    return outcome


@dataclass
class ConsoleMqtt:
    """What :func:`attach_console` started (either part may be ``None``)."""

    subscriber: CallbackSubscriber | None
    republisher: Republisher | None

    @property
    def connected(self) -> bool:
        """Whether every started part is connected to the broker (for a status light)."""
        links = [p.link for p in (self.subscriber, self.republisher) if p is not None]
        return all(link.connected for link in links)

    def on_session_lost(self, handler: Callable[[SessionLost], None]) -> None:
        """Call ``handler`` when the callback subscriber reconnects without its session (see
        :meth:`CallbackSubscriber.on_session_lost`); nothing without a subscriber."""
        if self.subscriber is not None:
            self.subscriber.on_session_lost(handler)

    async def aclose(self) -> None:
        """Stop the subscriber (after acknowledging what it processed), then the republisher."""
        if self.subscriber is not None:
            await self.subscriber.aclose()
        if self.republisher is not None:
            await self.republisher.aclose()


async def attach_console(
    cfg: Config,
    processor: CallbackProcessor,
    *,
    hub_sink: Callable[[ReceivedCallback], None] | None = None,
    subscriber_client_id: str | None = None,
) -> ConsoleMqtt | None:
    """Start what ``cfg`` asks for on the running loop; ``None`` when it asks for nothing.

    Neither part waits for the broker: both connect (and reconnect) in the background, and
    the subscriber's persistent session delivers what was published meanwhile.
    """
    want_sub = cfg.server.transport == "mqtt"
    want_repub = cfg.listener.republish_mqtt
    if not (want_sub or want_repub):
        return None
    republisher: Republisher | None = None
    subscriber: CallbackSubscriber | None = None
    if want_repub:
        republisher = Republisher(cfg.mqtt, park_key=cfg.server.park_key, journal=processor.journal)
        await republisher.start(timeout=None)
        republisher.install(processor)
        if hub_sink is not None:
            processor.sink = hub_sink
    if want_sub:
        subscriber = CallbackSubscriber(cfg.mqtt, park_key=cfg.server.park_key,
                                        processor=processor, client_id=subscriber_client_id)
        await subscriber.start(timeout=None)
    log.info("MQTT console side: %s%s", "callbacks over MQTT " if want_sub else "",
             "republishing HTTP callbacks" if want_repub else "")
    return ConsoleMqtt(subscriber, republisher)
