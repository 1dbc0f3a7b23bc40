"""Wiring for ``booth-console demo --transport mqtt``: a local broker and the simulator's V3.0 side.

Usage inside the demo's ``main()`` (simulator already serving V2.0 on ``sim_url``)::

    mqtt = await start_demo_mqtt(sim_base_url=sim_url, app_id=..., app_secret=..., park_key=...)
    cfg = replace(cfg, server=replace(cfg.server, transport="mqtt"), mqtt=mqtt.config)
    client = ParkingClient.from_config(cfg)                      # requests over MQTT
    subscriber = await start_console_callbacks(cfg, processor)    # callbacks over MQTT
    ...
    await subscriber.aclose(); await client.aclose(); await mqtt.aclose()

The broker is a local ``mosquitto`` when one is installed, otherwise amqtt's broker inside this
process (demo only: no persistence).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from booth_console.config import Config, MqttConfig
from booth_console.listener.processor import CallbackProcessor
from booth_console.mqtt.broker import EmbeddedBroker, MosquittoBroker, find_mosquitto
from booth_console.mqtt.server import Handler
from booth_console.mqtt.simbridge import SimulatorBridge
from booth_console.mqtt.subscriber import CallbackSubscriber

__all__ = ["DemoMqtt", "start_broker", "start_console_callbacks", "start_demo_mqtt"]

log = logging.getLogger("booth_console.mqtt")


@dataclass
class DemoMqtt:
    """A running demo broker and simulator bridge.

    Attributes:
        config: ``[mqtt]`` settings pointing at the broker (give them to the console).
        broker: the mosquitto process or the embedded broker.
        broker_kind: ``"mosquitto"`` or ``"embedded"``.
        bridge: the simulator's V3.0 side (``bridge.relay.url`` receives its callbacks).
    """

    config: MqttConfig
    broker: MosquittoBroker | EmbeddedBroker
    broker_kind: str
    bridge: SimulatorBridge | None

    async def aclose(self) -> None:
        """Stop the bridge, then the broker."""
        if self.bridge is not None:
            await self.bridge.aclose()
        if isinstance(self.broker, MosquittoBroker):
            self.broker.stop()
        else:
            await self.broker.stop()


async def start_broker(port: int | None = None, prefer: str = "auto") -> tuple[MosquittoBroker | EmbeddedBroker, str]:
    """Start a loopback broker: mosquitto if installed (``prefer="auto"``/``"mosquitto"``),
    else amqtt in-process (``prefer="embedded"`` forces it)."""
    if prefer != "embedded" and find_mosquitto() is not None:
        return MosquittoBroker(port, persistence=True).start(), "mosquitto"
    if prefer == "mosquitto":
        raise FileNotFoundError("mosquitto is not installed")
    return await EmbeddedBroker(port).start(), "embedded"


async def start_demo_mqtt(
    *,
    sim_base_url: str | None,
    app_id: str,
    app_secret: str,
    park_key: str,
    port: int | None = None,
    prefer: str = "auto",
    topic_prefix: str = "parking",
    request_timeout: float = 5.0,
    handler: Handler | None = None,
    register_callbacks: bool = True,
    callback_interval_ms: int = 1000,
) -> DemoMqtt:
    """Start a broker and, when ``sim_base_url`` (or ``handler``) is given, the simulator's
    V3.0 bridge; with ``register_callbacks`` every callback kind is pointed at the broker."""
    broker, kind = await start_broker(port, prefer)
    config = MqttConfig(host=broker.host, port=broker.port, topic_prefix=topic_prefix,
                        request_timeout=request_timeout)
    log.info("demo MQTT broker (%s) on %s:%s", kind, broker.host, broker.port)
    bridge: SimulatorBridge | None = None
    try:
        if sim_base_url is not None or handler is not None:
            bridge = SimulatorBridge(config, base_url=sim_base_url or "", app_id=app_id,
                                     app_secret=app_secret, park_key=park_key, handler=handler)
            await bridge.start()
            if register_callbacks:
                answer = await bridge.register_all(callback_interval_ms)
                if answer.get("ResultCode") != 200:
                    log.warning("could not point the simulator's callbacks at the broker: %s",
                                answer.get("ResultMsg"))
    except BaseException:
        demo = DemoMqtt(config, broker, kind, None)
        if bridge is not None:
            await bridge.aclose()
        await demo.aclose()
        raise
    return DemoMqtt(config, broker, kind, bridge)


async def start_console_callbacks(cfg: Config, processor: CallbackProcessor, *,
                                  client_id: str | None = None,
                                  timeout: float | None = None, **kwargs: Any) -> CallbackSubscriber:
    """The console's MQTT callback subscriber for ``cfg`` (returns at once unless ``timeout``)."""
    subscriber = CallbackSubscriber(cfg.mqtt, park_key=cfg.server.park_key, processor=processor,
                                    client_id=client_id, **kwargs)
    return await subscriber.start(timeout)
