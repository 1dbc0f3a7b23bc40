"""The console's MQTT side in one call: callbacks over MQTT and republishing, from the config.

Usage, right after the listener stack is started (``booth_console.app.session``)::

    mqtt_side = await attach_console(cfg, stack.processor, hub_sink=hub.sink)
    ...
    if mqtt_side is not None:
        await mqtt_side.aclose()          # before the journal is closed

* ``[server] transport = "mqtt"``: a :class:`CallbackSubscriber` feeds MQTT callbacks to the
  same processor as the HTTP listener (verification, de-duplication, journal, Qt signals).
* ``[listener] republish_mqtt = true``: a :class:`Republisher` republishes every callback the
  HTTP listener accepted; the processor's sink becomes ``hub_sink`` + republish.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from booth_console.config import Config
from booth_console.listener.processor import CallbackProcessor, ReceivedCallback
from booth_console.mqtt.republish import Republisher
from booth_console.mqtt.subscriber import CallbackSubscriber

__all__ = ["ConsoleMqtt", "attach_console"]

log = logging.getLogger("booth_console.mqtt")


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
        processor.sink = republisher.chain(hub_sink if hub_sink is not None else processor.sink)
    if want_sub:
        subscriber = CallbackSubscriber(cfg.mqtt, park_key=cfg.server.park_key,
                                        processor=processor, client_id=subscriber_client_id)
        await subscriber.start(timeout=None)
    log.info("MQTT console side: %s%s", "callbacks over MQTT " if want_sub else "",
             "republishing HTTP callbacks" if want_repub else "")
    return ConsoleMqtt(subscriber, republisher)
