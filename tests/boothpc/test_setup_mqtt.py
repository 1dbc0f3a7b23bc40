"""The connection checks over MQTT V3.0: broker refused, no broker, no answer on the response topic."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from booth_console.config import Config, MqttConfig, ServerConfig
from booth_console.devtools.broker import MosquittoBroker, find_mosquitto, free_port
from booth_console.setup_checks import run_checks

pytestmark = pytest.mark.mqtt


class _ClosedBroker(MosquittoBroker):
    """A mosquitto that lets nobody in (no anonymous access, no password file)."""

    def _write_config(self) -> None:
        super()._write_config()
        text = self.config_path.read_text(encoding="utf-8").replace("allow_anonymous true",
                                                                     "allow_anonymous false")
        self.config_path.write_text(text, encoding="utf-8")


def _need_mosquitto() -> None:
    if find_mosquitto() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("mosquitto is not installed but CI=true")
        pytest.skip("mosquitto is not installed")


@pytest.fixture
def open_broker(tmp_path: Path) -> Iterator[MosquittoBroker]:
    _need_mosquitto()
    (tmp_path / "open").mkdir()
    with MosquittoBroker(workdir=tmp_path / "open", persistence=False) as b:
        yield b


@pytest.fixture
def closed_broker(tmp_path: Path) -> Iterator[MosquittoBroker]:
    _need_mosquitto()
    (tmp_path / "closed").mkdir()
    with _ClosedBroker(workdir=tmp_path / "closed", persistence=False) as b:
        yield b


def _cfg(host: str, port: int, **mqtt: object) -> Config:
    return Config(
        server=ServerConfig(app_id="a", app_secret="s3cret", park_key="1", transport="mqtt"),
        mqtt=MqttConfig(host=host, port=port, request_timeout=1.5, **mqtt),  # type: ignore[arg-type]
    )


def _lines(cfg: Config) -> str:
    report = asyncio.run(run_checks(cfg, listener=False))
    assert not report.ok
    return "\n".join(c.line() for c in report.checks)


def test_broker_refuses(closed_broker: MosquittoBroker) -> None:
    text = _lines(_cfg(closed_broker.host, closed_broker.port, username="booth", password="wrong"))
    assert f"FAIL  MQTT broker: the MQTT broker at {closed_broker.host}:{closed_broker.port} refused" in text
    assert "username and password" in text and "wrong" not in text.replace("wrong port", "")


def test_no_broker() -> None:
    port = free_port()
    assert f"FAIL  MQTT broker: no MQTT broker at 127.0.0.1:{port}" in _lines(_cfg("127.0.0.1", port))


def test_no_answer_on_the_response_topic(open_broker: MosquittoBroker) -> None:
    text = _lines(_cfg(open_broker.host, open_broker.port))
    assert "ok    MQTT broker: connected" in text
    assert "FAIL  credentials: no answer on the response topic within 1.5 s" in text


def test_all_checks_pass_against_the_simulator_over_mqtt(tmp_path: Path) -> None:
    _need_mosquitto()
    from booth_console.devtools.mqtt_demo import start_demo_stack
    from tests.app.helpers import simulator_api

    simulator, sim_config, (app_id, secret, park_key) = simulator_api()

    async def main() -> tuple[str, list[str]]:
        (tmp_path / "sim.db.captures" / "CameraCaptures").mkdir(parents=True, exist_ok=True)
        sim = simulator(sim_config(port=0, traffic=0, db_path=tmp_path / "sim.db"))
        await sim.start()
        try:
            demo = await start_demo_stack(sim_base_url=str(sim.base_url), app_id=app_id, app_secret=secret,
                                          park_key=park_key, prefer="mosquitto", register_callbacks=False)
            try:
                cfg = Config(server=ServerConfig(app_id=app_id, app_secret=secret, park_key=park_key,
                                                 transport="mqtt"), mqtt=demo.config)
                report = await run_checks(cfg, listener=False)
                return "\n".join(c.line() for c in report.checks), [lane.no for lane in report.lanes]
            finally:
                await demo.aclose()
        finally:
            await sim.stop()

    text, lanes = asyncio.run(main())
    assert "FAIL" not in text, text
    assert "ok    credentials: AppId, AppSecret and ParkKey accepted (MQTT)" in text
    assert len(lanes) >= 2
