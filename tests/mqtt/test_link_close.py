"""Closing an MqttLink always stops paho's thread and closes its sockets, deterministically."""

from __future__ import annotations

import asyncio
import gc
import socket
from typing import Any

import pytest

from booth_console.config import MqttConfig
from booth_console.transport.mqtt_link import MqttLink, make_client_id

pytestmark = [pytest.mark.mqtt]


def _paho_sockets(link: MqttLink) -> list[socket.socket]:
    client: Any = link._client
    return [s for s in (client._sockpairR, client._sockpairW, client._sock) if s is not None]


def test_aclose_closes_the_wake_up_socket_pair(mqtt_cfg: MqttConfig) -> None:
    async def scenario() -> list[socket.socket]:
        link = MqttLink(mqtt_cfg, client_id=make_client_id("close"), name="close")
        await link.start(5)
        sockets = _paho_sockets(link)
        assert len(sockets) == 3  # the wake-up pair and the broker connection
        await link.publish("parking/test/close", b"{}", qos=1, ack_timeout=5)
        await asyncio.wait_for(link.aclose(), 5)
        assert _paho_sockets(link) == []
        return sockets

    sockets = asyncio.run(scenario())
    assert all(s.fileno() == -1 for s in sockets)  # closed, not left to the collector
    gc.collect()


def test_aclose_survives_pahos_loop_stop_race(mqtt_cfg: MqttConfig) -> None:
    """paho's loop_stop() checks ``_thread``, then joins it; when the thread ends by itself in
    between (it does after disconnect()), it raises AttributeError. aclose() must still wait
    for the thread, close the sockets and return (before: it hung, sockets left open)."""

    async def scenario() -> list[socket.socket]:
        link = MqttLink(mqtt_cfg, client_id=make_client_id("race"), name="race")
        await link.start(5)
        sockets = _paho_sockets(link)
        client: Any = link._client
        thread = client._thread
        real_loop_stop = client.loop_stop

        def racing_loop_stop() -> Any:
            thread.join(5)  # the thread ends between paho's check and its join ...
            assert not thread.is_alive()
            raise AttributeError("'NoneType' object has no attribute 'join'")  # ... like this

        client.loop_stop = racing_loop_stop
        try:
            await asyncio.wait_for(link.aclose(), 5)
        finally:
            client.loop_stop = real_loop_stop
        assert not thread.is_alive()
        assert _paho_sockets(link) == []
        return sockets

    sockets = asyncio.run(scenario())
    assert all(s.fileno() == -1 for s in sockets)
    gc.collect()


def test_a_bridge_that_cannot_start_leaves_no_link_running() -> None:
    """SimulatorBridge.start() failing (no broker) stops its link: no paho thread keeps
    retrying with open sockets after the caller dropped the bridge."""
    from booth_console.devtools.broker import free_port
    from booth_console.errors import ServerUnreachable
    from booth_console.simulator.v3.bridge import SimulatorBridge

    async def scenario() -> None:
        cfg = MqttConfig(host="127.0.0.1", port=free_port())  # nobody listens there
        bridge = SimulatorBridge(cfg, base_url="http://127.0.0.1:9", app_id="a",
                                 app_secret="s", park_key="1", reconnect_min=0.1,
                                 reconnect_max=0.2)
        client: Any = bridge.server.link._client
        with pytest.raises(ServerUnreachable):
            await bridge.start(timeout=0.3)
        assert client._thread is None  # paho's thread has stopped
        assert _paho_sockets(bridge.server.link) == []
        await bridge.aclose()  # still safe to call

    asyncio.run(scenario())
