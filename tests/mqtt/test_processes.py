"""Many booths: the simulator's callbacks reach consoles in separate processes through mosquitto.

* V2.0 + republish: the simulator posts to console A's HTTP listener; A republishes to the
  broker; console B (another process, MQTT only) receives the same callbacks.
* V3.0: the simulator speaks MQTT through its bridge; two MQTT consoles both receive.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from booth_console.client import ParkingClient
from booth_console.config import MqttConfig
from booth_console.simulator import lot
from booth_console.simulator.server import Simulator, SimulatorConfig
from booth_console.simulator.v3.bridge import SimulatorBridge

pytestmark = [pytest.mark.mqtt, pytest.mark.slow]

APP_ID, SECRET, PARK = lot.DEFAULT_APP_ID, lot.DEFAULT_APP_SECRET, lot.DEFAULT_PARK_KEY


def write_config(path: Path, mqtt: MqttConfig, *, transport: str, republish: bool) -> Path:
    path.write_text(
        f'[server]\nbase_url = "http://127.0.0.1:9"\napp_id = "{APP_ID}"\n'
        f'app_secret = "{SECRET}"\npark_key = "{PARK}"\ntransport = "{transport}"\n'
        f'[listener]\nhost = "127.0.0.1"\nport = 0\nrepublish_mqtt = {str(republish).lower()}\n'
        f'journal = "{path.with_suffix(".sqlite3")}"\n'
        f'[mqtt]\nhost = "{mqtt.host}"\nport = {mqtt.port}\ntopic_prefix = "{mqtt.topic_prefix}"\n',
        encoding="utf-8",
    )
    return path


class ConsoleProcess:
    """``python -m booth_console.devtools.headless`` with its output lines parsed."""

    def __init__(self, proc: asyncio.subprocess.Process, name: str) -> None:
        self.proc = proc
        self.name = name
        self.ready: dict[str, Any] = {}
        self.callbacks: list[dict[str, Any]] = []

    @classmethod
    async def start(cls, name: str, config: Path, *extra: str) -> ConsoleProcess:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "booth_console.devtools.headless", "--config", str(config),
            "--client-id", f"booth-cb-{name}", *extra,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=env,
        )
        self = cls(proc, name)
        line = await self._line(30)
        assert line.startswith("READY "), line
        self.ready = json.loads(line.split(" ", 1)[1])
        return self

    async def _line(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        raw = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not raw:
            assert self.proc.stderr is not None
            err = await self.proc.stderr.read()
            raise AssertionError(f"console {self.name} exited: {err.decode(errors='replace')[-2000:]}")
        return raw.decode().strip()

    async def wait_callbacks(self, n: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        while len(self.callbacks) < n:
            line = await self._line(timeout)
            if line.startswith("CALLBACK "):
                self.callbacks.append(json.loads(line.split(" ", 1)[1]))
        return self.callbacks

    async def stop(self) -> None:
        if self.proc.returncode is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                await stream.read()


async def drive_traffic(sim: Simulator) -> None:
    """One vehicle in through lane 1: OnVehicleIn (and space/lane callbacks)."""
    await sim.arrive("1", "粤B7E001")
    await sim.pass_barrier("1")


def test_republished_http_callbacks_reach_another_console_process(
    mqtt_cfg: MqttConfig, tmp_path: Path
) -> None:
    async def scenario() -> None:
        sim = Simulator(SimulatorConfig(port=0, db_path=tmp_path / "sim" / "sim.db"))
        await sim.start()
        a = b = None
        try:
            a = await ConsoleProcess.start(
                "a", write_config(tmp_path / "a.toml", mqtt_cfg, transport="http", republish=True))
            b = await ConsoleProcess.start(
                "b", write_config(tmp_path / "b.toml", mqtt_cfg, transport="mqtt", republish=False),
                "--no-listener")
            async with ParkingClient.for_http(sim.base_url, app_id=APP_ID, app_secret=SECRET,
                                              park_key=PARK) as client:
                answer = await client.call_raw("CallbackParamChangeNotify", [
                    {"Index": 0, "Url": a.ready["listener"] + "/API/V2/OnVehicleIn",
                     "Interval": 200}])
                assert answer["ResultCode"] == 200, answer
            await drive_traffic(sim)
            got_a = await a.wait_callbacks(1)
            got_b = await b.wait_callbacks(1)
            assert got_a[0]["kind"] == got_b[0]["kind"] == "OnVehicleIn"
            assert got_a[0]["request_id"] == got_b[0]["request_id"]
            assert not got_a[0]["source"].startswith("mqtt:")
            assert got_b[0]["source"] == f"mqtt:parking/{PARK}/callback/OnVehicleIn"
        finally:
            for c in (a, b):
                if c is not None:
                    await c.stop()
            await sim.stop()

    asyncio.run(scenario())


def test_v3_callbacks_reach_two_mqtt_console_processes(mqtt_cfg: MqttConfig, tmp_path: Path) -> None:
    async def scenario() -> None:
        sim = Simulator(SimulatorConfig(port=0, db_path=tmp_path / "sim" / "sim.db"))
        await sim.start()
        bridge = await SimulatorBridge(mqtt_cfg, base_url=sim.base_url, app_id=APP_ID,
                                       app_secret=SECRET, park_key=PARK).start()
        consoles: list[ConsoleProcess] = []
        try:
            for name in ("b", "c"):
                consoles.append(await ConsoleProcess.start(
                    name, write_config(tmp_path / f"{name}.toml", mqtt_cfg, transport="mqtt",
                                       republish=False), "--no-listener"))
            answer = await bridge.register_all(interval_ms=200, indexes=[0])
            assert answer["ResultCode"] == 200, answer
            await drive_traffic(sim)
            got = [await c.wait_callbacks(1) for c in consoles]
            assert got[0][0]["request_id"] == got[1][0]["request_id"]
            assert {g[0]["kind"] for g in got} == {"OnVehicleIn"}
        finally:
            for c in consoles:
                await c.stop()
            await bridge.aclose()
            await sim.stop()

    asyncio.run(scenario())
