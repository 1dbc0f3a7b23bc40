"""An MqttLink reports "connected" only once the broker has acknowledged its subscriptions."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from booth_console.config import MqttConfig
from booth_console.devtools.broker import MosquittoBroker
from booth_console.transport.mqtt_link import IncomingMessage, MqttLink, make_client_id

pytestmark = [pytest.mark.mqtt]


def _slow_subacks(link: MqttLink, events: list[str], delay: float = 0.3) -> None:
    """Make paho handle each SUBACK ``delay`` seconds late (on its own thread), recording it."""
    client: Any = link._client
    real = client._handle_suback

    def late_suback() -> Any:
        time.sleep(delay)
        events.append("suback")
        return real()

    client._handle_suback = late_suback


def test_connected_waits_for_the_subscriptions(mqtt_cfg: MqttConfig,
                                               broker: MosquittoBroker) -> None:
    async def scenario() -> None:
        events: list[str] = []
        got: list[IncomingMessage] = []
        link = MqttLink(mqtt_cfg, client_id=make_client_id("ready"), clean_session=True,
                        reconnect_min=0.1, reconnect_max=0.2, name="ready")
        link.subscribe("parking/ready/#", got.append)
        link.on_state(lambda up: events.append("up" if up else "down"))
        _slow_subacks(link, events)
        try:
            await link.start(5)
            assert events == ["suback", "up"]
            # after a broker restart the clean session has no subscription until the SUBACK
            broker.stop_process()
            down = asyncio.Event()
            link.on_state(lambda up: None if up else down.set())
            await asyncio.wait_for(down.wait(), 5)
            broker.start()
            await link.wait_connected(10)
            assert events[-2:] == ["suback", "up"], events
            await link.publish("parking/ready/x", b"{}", qos=1, ack_timeout=5)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 5
            while not got:  # our own publish comes back through the subscription
                assert loop.time() < deadline
                await asyncio.sleep(0.01)
        finally:
            await link.aclose()

    asyncio.run(scenario())
