"""A running console whose broker crashed and lost its session: the attendant is warned, the
lanes are read again at once, and the parking software is asked to re-push failed callbacks."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from booth_console.app.messages import Level
from booth_console.app.session import Session
from booth_console.config import BoothConfig, Config, ListenerConfig, MqttConfig, ServerConfig
from booth_console.devtools.broker import MosquittoBroker
from booth_console.listener import mqtt as mqtt_console
from booth_console.simulator import lot
from booth_console.simulator.server import Simulator, SimulatorConfig
from booth_console.simulator.v3.bridge import SimulatorBridge
from tests.app.helpers import FAST, wait_until

pytestmark = [pytest.mark.mqtt, pytest.mark.slow]

APP_ID, SECRET, PARK = lot.DEFAULT_APP_ID, lot.DEFAULT_APP_SECRET, lot.DEFAULT_PARK_KEY


@pytest.mark.parametrize("autosave", [0, 1], ids=["no-autosave", "autosave-1s"])
def test_console_warns_repolls_and_asks_for_a_repush_when_the_broker_lost_its_session(
    loop: asyncio.AbstractEventLoop, mosquitto: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, autosave: int,
) -> None:
    monkeypatch.setattr(mqtt_console, "_last_repush", None)
    broker = MosquittoBroker(workdir=tmp_path / "broker", autosave_interval=autosave)
    os.makedirs(broker.workdir, exist_ok=True)
    broker.start()
    mqtt = MqttConfig(host=broker.host, port=broker.port, request_timeout=2.0)

    async def scenario() -> None:
        sim = Simulator(SimulatorConfig(port=0, db_path=tmp_path / "sim" / "sim.db"))
        await sim.start()
        bridge = await SimulatorBridge(mqtt, simulator=sim, app_id=APP_ID, app_secret=SECRET,
                                       park_key=PARK).start()
        cfg = Config(
            server=ServerConfig(base_url=sim.base_url, app_id=APP_ID, app_secret=SECRET,
                                park_key=PARK, transport="mqtt"),
            listener=ListenerConfig(host="127.0.0.1", port=0,
                                    journal=str(tmp_path / "journal.sqlite3")),
            booth=BoothConfig(lanes=["1", "2"], operator="tester", attention_sound=False),
            mqtt=mqtt,
        )
        session = await Session.create(cfg, register=False, timing=FAST)
        try:
            await asyncio.wait_for(session.booth.start(), 10)
            assert session.mqtt is not None and session.mqtt.subscriber is not None
            sub = session.mqtt.subscriber
            await sub.link.wait_connected(5)
            refreshed: list[str] = []
            for no, ctl in session.booth.controllers.items():
                original = ctl.request_refresh
                ctl.request_refresh = (  # type: ignore[method-assign]
                    lambda no=no, original=original: (refreshed.append(no), original())[1])
            if autosave:
                await asyncio.to_thread(broker.wait_saved)
            down = asyncio.Event()
            sub.link.on_state(lambda up: None if up else down.set())
            broker.kill()
            await asyncio.wait_for(down.wait(), 5)
            broker.start()
            await sub.link.wait_connected(10)

            def warnings() -> list[str]:
                return [m.text for m in session.messages.history if m.level is Level.WARNING
                        and "MQTT broker" in m.text]

            if autosave:  # the broker kept the session: nothing to say, nothing to recover
                await asyncio.sleep(0.5)
                assert warnings() == [] and refreshed == [] and sim.engine.last_retry is None
                return
            await wait_until(lambda: bool(warnings()), 5)
            assert "may be missing" in warnings()[0]
            assert sorted(refreshed) == ["1", "2"]
            # RetryCallback reaches the simulator once the request link is back too
            await wait_until(lambda: sim.engine.last_retry is not None, 20)
            assert sub.stats.sessions_lost == 1
        finally:
            await session.aclose()
            await bridge.aclose()
            await sim.stop()

    try:
        loop.run_until_complete(scenario())
    finally:
        broker.stop()
