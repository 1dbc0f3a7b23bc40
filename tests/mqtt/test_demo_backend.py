"""``booth-console demo --transport mqtt``: the demo's console gets its callbacks through the broker.

The demo says so explicitly (``callbacks_via_broker=True``); nothing inspects the console's code,
which a frozen build could not do (it ships bytecode only).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from booth_console.app.session import Session
from booth_console.config import BoothConfig, Config, ListenerConfig
from booth_console.devtools.demo import DemoBackend
from booth_console.listener.processor import ReceivedCallback
from tests.app.helpers import FAST, wait_until

pytestmark = [pytest.mark.mqtt, pytest.mark.slow]


def test_the_mqtt_demo_console_receives_callbacks_through_the_broker(
    loop: asyncio.AbstractEventLoop, mosquitto: str, tmp_path: Path
) -> None:
    async def scenario() -> None:
        base = Config(
            listener=ListenerConfig(host="127.0.0.1", port=0, register_callbacks=True,
                                    journal=str(tmp_path / "journal.sqlite3"),
                                    callback_interval_ms=200),
            booth=BoothConfig(lanes=("1",), operator="tester", attention_sound=False),
        )
        backend = await DemoBackend.start(base, tmp_path, traffic=0)
        try:
            await backend.use_mqtt()
            cfg = backend.cfg
            assert cfg.server.transport == "mqtt" and cfg.mqtt.port != 1883
            session = await Session.create(cfg, register=True, timing=FAST)
            got: list[ReceivedCallback] = []
            session.hub.received.connect(got.append)
            try:
                await asyncio.wait_for(session.booth.start(), 10)
                await wait_until(lambda: session.booth.registered, 10)
                await backend.sim.arrive("1", "粤B7D001")
                await backend.sim.pass_barrier("1")
                await wait_until(lambda: any(cb.kind.name == "OnVehicleIn" for cb in got), 15)
                vehicle_in = [cb for cb in got if cb.kind.name == "OnVehicleIn"]
                assert vehicle_in[0].source.startswith("mqtt:")
                assert vehicle_in[0].data.license_plate_number == "粤B7D001"
                assert all(cb.source.startswith("mqtt:") for cb in got)  # none came over HTTP
            finally:
                await session.aclose()
        finally:
            await backend.aclose()

    loop.run_until_complete(scenario())
