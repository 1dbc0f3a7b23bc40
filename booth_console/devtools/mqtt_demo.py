"""Wiring for ``booth-console demo --transport mqtt``: a local broker and the simulator's V3.0 side.

Usage inside the demo's ``main()`` (simulator already started)::

    cfg, cleanup = await start_demo_mqtt(sim, cfg, callbacks_via_broker=True)
    # cfg now says transport = "mqtt"
    session = await Session.create(cfg, register=True)
    ...
    await cleanup()

or, with more control, :func:`start_demo_stack` (returns a :class:`DemoMqtt`).

The broker is a local ``mosquitto`` when one is installed, otherwise amqtt's broker inside this
process (demo only: no persistence).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from booth_console.config import Config, MqttConfig
from booth_console.devtools.broker import EmbeddedBroker, MosquittoBroker, find_mosquitto
from booth_console.listener.mqtt_subscriber import CallbackSubscriber
from booth_console.listener.processor import CallbackProcessor
from booth_console.simulator.server import Simulator
from booth_console.simulator.v3.bridge import InProcessServer, SimulatorBridge
from booth_console.simulator.v3.server import Handler

__all__ = [
    "DemoMqtt",
    "start_broker",
    "start_console_callbacks",
    "start_demo_mqtt",
    "start_demo_stack",
]

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
    sim: Simulator, cfg: Config, *, callbacks_via_broker: bool, prefer: str = "auto",
    port: int | None = None,
) -> tuple[Config, Callable[[], Awaitable[None]]]:
    """Start a broker and the simulator's V3.0 bridge for the demo's console.

    Args:
        sim: the started simulator; the bridge answers requests through it in-process.
        cfg: the console's configuration (``[server]`` credentials of the simulator's lot).
        callbacks_via_broker: point ``SetCallbackParams`` at the broker (true V3.0: the console
            must subscribe to MQTT callbacks, as a ``Session`` with ``transport = "mqtt"`` and a
            listener does through :func:`booth_console.listener.mqtt.attach_console`);
            ``False`` keeps callbacks on the console's HTTP listener and only requests use MQTT.
        prefer: ``"auto"`` (mosquitto if installed, else embedded), ``"mosquitto"``,
            ``"embedded"``.
        port: the broker's port (default: a free one).

    Returns:
        the configuration to run the console with (``transport = "mqtt"``, ``[mqtt]`` set) and
        the coroutine function that stops the bridge and the broker.
    """
    s = cfg.server
    demo = await start_demo_stack(
        sim_base_url=str(sim.base_url), simulator=sim,
        app_id=s.app_id, app_secret=s.app_secret,
        park_key=s.park_key, port=port, prefer=prefer, topic_prefix=cfg.mqtt.topic_prefix,
        request_timeout=cfg.mqtt.request_timeout, register_callbacks=False,
        rewrite_callback_urls=callbacks_via_broker,
    )
    if not callbacks_via_broker:
        log.warning("callbacks stay on HTTP V2.0, requests use MQTT V3.0")
    new_cfg = replace(cfg, server=replace(s, transport="mqtt"), mqtt=demo.config)
    return new_cfg, demo.aclose


async def start_demo_stack(
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
    simulator: InProcessServer | None = None,
    register_callbacks: bool = True,
    callback_interval_ms: int = 1000,
    rewrite_callback_urls: bool = True,
) -> DemoMqtt:
    """Start a broker and, when ``sim_base_url``, ``simulator`` or ``handler`` is given, the
    simulator's V3.0 bridge (in-process through ``simulator.handle_envelope`` when the simulator
    object is given, else over loopback HTTP to ``sim_base_url``); with ``register_callbacks``
    every callback kind is pointed at the broker."""
    broker, kind = await start_broker(port, prefer)
    config = MqttConfig(host=broker.host, port=broker.port, topic_prefix=topic_prefix,
                        request_timeout=request_timeout)
    log.info("demo MQTT broker (%s) on %s:%s", kind, broker.host, broker.port)
    bridge: SimulatorBridge | None = None
    try:
        if sim_base_url is not None or handler is not None or simulator is not None:
            bridge = SimulatorBridge(config, base_url=sim_base_url, app_id=app_id,
                                     app_secret=app_secret, park_key=park_key, handler=handler,
                                     simulator=simulator,
                                     rewrite_callback_urls=rewrite_callback_urls)
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
