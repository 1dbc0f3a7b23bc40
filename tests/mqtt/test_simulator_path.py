"""The whole V3.0 path with the simulator: console requests and callbacks through the broker.

simulator (V2.0) <-> SimulatorBridge <-> mosquitto <-> MqttTransport / CallbackSubscriber
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from booth_console.client import ParkingClient
from booth_console.config import Config, ListenerConfig, MqttConfig, ServerConfig
from booth_console.devtools.broker import MosquittoBroker
from booth_console.devtools.mqtt_demo import start_demo_mqtt, start_demo_stack
from booth_console.listener.mqtt import attach_console
from booth_console.listener.processor import ReceivedCallback
from booth_console.listener.registration import register_callbacks
from booth_console.listener.stack import start_listener
from booth_console.protocol.callbacks import kind_by_route
from booth_console.protocol.endpoints import Endpoint
from booth_console.simulator import lot
from booth_console.simulator.server import Simulator, SimulatorConfig
from booth_console.simulator.v3.bridge import SimulatorBridge
from booth_console.transport.mqtt import MqttTransport

pytestmark = [pytest.mark.mqtt, pytest.mark.slow]

APP_ID, SECRET, PARK = lot.DEFAULT_APP_ID, lot.DEFAULT_APP_SECRET, lot.DEFAULT_PARK_KEY


class Collected:
    """Callbacks handed to the console's sink, with a future-based wait."""

    def __init__(self) -> None:
        self.items: list[ReceivedCallback] = []
        self._waiters: list[tuple[str, int, asyncio.Future[None]]] = []

    def sink(self, cb: ReceivedCallback) -> None:
        self.items.append(cb)
        for kind, n, fut in self._waiters:
            if len(self.of(kind)) >= n and not fut.done():
                fut.set_result(None)

    def of(self, kind: str) -> list[ReceivedCallback]:
        return [cb for cb in self.items if cb.kind.name == kind]

    async def wait(self, kind: str, n: int, timeout: float = 20.0) -> list[ReceivedCallback]:
        if len(self.of(kind)) < n:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append((kind, n, fut))
            await asyncio.wait_for(fut, timeout)
        return self.of(kind)


def console_cfg(tmp: Path, sim: Simulator, mqtt: MqttConfig) -> Config:
    return Config(
        server=ServerConfig(base_url=sim.base_url, app_id=APP_ID, app_secret=SECRET,
                            park_key=PARK, transport="mqtt"),
        listener=ListenerConfig(host="127.0.0.1", port=0, journal=str(tmp / "journal.sqlite3"),
                                callback_interval_ms=200),
        mqtt=mqtt,
    )


async def vehicle_in(sim: Simulator, plate: str, lane: str = "1") -> None:
    await sim.arrive(lane, plate)
    await sim.pass_barrier(lane)


def test_demo_support_runs_a_console_entirely_over_mqtt(
    loop: asyncio.AbstractEventLoop, mosquitto: str, tmp_path: Path
) -> None:
    async def scenario() -> None:
        sim = Simulator(SimulatorConfig(port=0, db_path=tmp_path / "sim" / "sim.db"))
        await sim.start()
        base = console_cfg(tmp_path, sim, MqttConfig())
        cfg, cleanup = await start_demo_mqtt(sim, base, prefer="mosquitto",
                                             callbacks_via_broker=True)
        got = Collected()
        stack = await start_listener(cfg, sink=got.sink)
        side = await attach_console(cfg, stack.processor, hub_sink=got.sink)
        client = ParkingClient.from_config(cfg)
        try:
            assert cfg.server.transport == "mqtt" and cfg.mqtt.port != 1883
            assert side is not None and side.subscriber is not None
            await side.subscriber.link.wait_connected(5)
            lanes = await client.query_lanes()
            assert lanes.total_count >= 4
            # what Session does with register_callbacks, over MQTT: the bridge points the
            # simulator's table at the broker instead of the listener's URL
            await register_callbacks(client, stack.listener.url, interval_ms=200)
            await vehicle_in(sim, "粤B5M001")
            received = await got.wait("OnVehicleIn", 1)
            assert received[0].source == f"mqtt:parking/{PARK}/callback/OnVehicleIn"
            assert received[0].data.license_plate_number == "粤B5M001"
            assert all(cb.source.startswith("mqtt:") for cb in got.items)  # none came over HTTP
            status = await client.get_lane_status("1")
            assert status is not None
        finally:
            await client.aclose()
            if side is not None:
                await side.aclose()
            await stack.aclose()
            await cleanup()
            await sim.stop()

    loop.run_until_complete(scenario())


def test_simulator_callbacks_survive_a_broker_restart(
    loop: asyncio.AbstractEventLoop, broker: MosquittoBroker, mqtt_cfg: MqttConfig, tmp_path: Path
) -> None:
    """Vehicles keep coming while the broker restarts: every OnVehicleIn arrives exactly once."""

    async def scenario() -> None:
        sim = Simulator(SimulatorConfig(port=0, db_path=tmp_path / "sim" / "sim.db"))
        await sim.start()
        bridge = SimulatorBridge(mqtt_cfg, base_url=sim.base_url, app_id=APP_ID,
                                 app_secret=SECRET, park_key=PARK, ack_timeout=0.5,
                                 reconnect_min=0.1, reconnect_max=0.5)
        await bridge.start()
        cfg = console_cfg(tmp_path, sim, mqtt_cfg)
        got = Collected()
        stack = await start_listener(cfg, sink=got.sink)
        side = await attach_console(cfg, stack.processor, hub_sink=got.sink,
                                    subscriber_client_id="booth-cb-sim-restart")
        try:
            assert side is not None and side.subscriber is not None
            sub = side.subscriber
            await sub.link.wait_connected(5)
            answer = await bridge.register_all(interval_ms=200, indexes=[0])
            assert answer["ResultCode"] == 200, answer
            plates = [f"粤B9R{i:03d}" for i in range(9)]
            for plate in plates[:3]:
                await vehicle_in(sim, plate)
            await got.wait("OnVehicleIn", 3)
            down = asyncio.Event()
            sub.link.on_state(lambda up: None if up else down.set())
            broker.stop_process()
            await asyncio.wait_for(down.wait(), 5)
            for plate in plates[3:6]:  # pushed while the broker is down
                await vehicle_in(sim, plate)
            # the relay answers 1003 while the broker cannot acknowledge (the pusher retries;
            # paho keeps its copy and sends it once the broker is back)
            for _ in range(300):
                if bridge.relay.failed:
                    break
                await asyncio.sleep(0.05)
            assert bridge.relay.failed >= 1 and bridge.relay.relayed == 3
            broker.start()
            for plate in plates[6:]:
                await vehicle_in(sim, plate)
            received = await got.wait("OnVehicleIn", 9, timeout=30)
            await sub.drain()
            assert sorted(cb.data.license_plate_number for cb in received) == sorted(plates)
            ids = [cb.request_id for cb in received]
            assert len(set(ids)) == len(ids) == 9
            assert sub.link.connects == 2
            assert all(kind_by_route(cb.kind.name) for cb in received)
        finally:
            if side is not None:
                await side.aclose()
            await stack.aclose()
            await bridge.aclose()
            await sim.stop()

    loop.run_until_complete(scenario())


def test_embedded_broker_serves_the_demo(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    """Without mosquitto the demo falls back to amqtt in-process; requests work over it."""

    async def scenario() -> None:
        sim = Simulator(SimulatorConfig(port=0, db_path=tmp_path / "sim" / "sim.db"))
        await sim.start()
        cfg, cleanup = await start_demo_mqtt(sim, console_cfg(tmp_path, sim, MqttConfig()),
                                             prefer="embedded", callbacks_via_broker=False)
        client = ParkingClient.from_config(cfg)
        try:
            areas = await client.query_areas()
            assert areas.total_count >= 1
        finally:
            await client.aclose()
            await cleanup()
            await sim.stop()

    loop.run_until_complete(scenario())


class CountingSimulator:
    """The simulator's in-process hook, counted; its base_url is a port nobody listens on."""

    base_url = "http://127.0.0.1:9"

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.calls: list[str] = []

    async def handle_envelope(self, endpoint: Endpoint, raw: bytes) -> dict[str, Any]:
        self.calls.append(endpoint.name)
        return await self.sim.handle_envelope(endpoint, raw)


def test_bridge_answers_in_process_without_http(
    loop: asyncio.AbstractEventLoop, mqtt_cfg: MqttConfig, tmp_path: Path
) -> None:
    """Given the simulator object, the bridge calls ``handle_envelope`` (no loopback HTTP);
    mqtt_demo does so for the demo's simulator."""

    async def scenario() -> None:
        sim = Simulator(SimulatorConfig(port=0, db_path=tmp_path / "sim" / "sim.db"))
        await sim.start()
        proxy = CountingSimulator(sim)
        bridge = SimulatorBridge(mqtt_cfg, simulator=proxy, app_id=APP_ID, app_secret=SECRET,
                                 park_key=PARK)
        assert bridge.mode == "in-process" and bridge.base_url == proxy.base_url
        await bridge.start()
        transport = MqttTransport(mqtt_cfg, app_id=APP_ID, park_key=PARK)
        client = ParkingClient(transport, app_id=APP_ID, app_secret=SECRET, park_key=PARK)
        # same transport, signed with a wrong secret: the simulator's signature check answers
        intruder = ParkingClient(transport, app_id=APP_ID, app_secret="wrong", park_key=PARK)
        try:
            status = await client.get_lane_status("1")
            assert status is not None
            bad = await intruder.call_raw("BarrierStatusQuery", {"LaneNo": "1"})
            assert bad["ResultCode"] == 1001, bad
            answer = await bridge.register_all(interval_ms=1000, indexes=[0])
            assert answer["ResultCode"] == 200, answer
            assert proxy.calls == ["BarrierStatusQuery", "BarrierStatusQuery",
                                   "CallbackParamChangeNotify"]
            targets = sim.dump_state()["Callbacks"]["targets"]
            assert [t["Url"] for t in targets] == [bridge.relay.url + "/API/V2/OnVehicleIn"]
        finally:
            await client.aclose()
            await bridge.aclose()
            await sim.stop()

    loop.run_until_complete(scenario())


def test_demo_support_uses_the_in_process_hook(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        sim = Simulator(SimulatorConfig(port=0, db_path=tmp_path / "sim" / "sim.db"))
        await sim.start()
        demo = await start_demo_stack(sim_base_url=sim.base_url, simulator=sim, app_id=APP_ID,
                                      app_secret=SECRET, park_key=PARK, register_callbacks=False)
        try:
            assert demo.bridge is not None and demo.bridge.mode == "in-process"
        finally:
            await demo.aclose()
            await sim.stop()

    loop.run_until_complete(scenario())
