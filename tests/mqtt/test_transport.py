"""MqttTransport against a real mosquitto and a small responder (MqttServer + a test handler)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from booth_console.config import MqttConfig
from booth_console.devtools.broker import MosquittoBroker, free_port
from booth_console.errors import ServerTimeout, ServerUnreachable
from booth_console.protocol.endpoints import Endpoint, by_name
from booth_console.protocol.jsonutil import loads
from booth_console.protocol.signing import sign_envelope, verify_envelope
from booth_console.protocol.topics import Topics
from booth_console.simulator.v3.server import MqttServer
from booth_console.transport.mqtt import MqttTransport, new_request_id
from booth_console.transport.mqtt_link import IncomingMessage, MqttLink, make_client_id

pytestmark = pytest.mark.mqtt

APP_ID, SECRET, PARK = "fvytu5eq", "test-secret-1", "1726313394251322"


def _signed(data: Any) -> dict[str, Any]:
    return sign_envelope(app_id=APP_ID, park_key=PARK, app_secret=SECRET, data=data)


class EchoHandler:
    """Verifies the signature like the parking software, echoes Data; optional per-call delay."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.delay: dict[str, float] = {}

    async def __call__(self, endpoint: Endpoint, envelope: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((endpoint.name, envelope))
        data = envelope.get("Data")
        if isinstance(data, dict) and "Delay" in data:
            await asyncio.sleep(float(data["Delay"]))
        if not verify_envelope(envelope, SECRET):
            return {"ResultCode": 1001, "ResultMsg": "Signature verification failed", "Data": None}
        return {"ResultCode": 200, "ResultMsg": "Query succeeded!", "ResultId": None,
                "Data": {"Route": endpoint.name, "Echo": data}}


def test_round_trip_adds_route_and_request_id_unsigned(loop: asyncio.AbstractEventLoop,
                                                       mqtt_cfg: MqttConfig) -> None:
    async def scenario() -> None:
        handler = EchoHandler()
        server = await MqttServer(mqtt_cfg, park_key=PARK, handler=handler).start()
        spy = MqttLink(mqtt_cfg, client_id=make_client_id("spy"), name="spy")
        seen: list[IncomingMessage] = []
        topics = Topics(park_key=PARK)
        spy.subscribe(topics.request, seen.append)
        await spy.start()
        transport = MqttTransport(mqtt_cfg, app_id=APP_ID, park_key=PARK)
        try:
            data = {"PageIndex": 1, "PageSize": 25, "OrderBy": "Uid", "OrderType": 0,
                    "QueryCondition": [], "Money": Decimal("0.00")}
            envelope = _signed(data)
            answer = await transport.send(by_name("AreaQuery"), envelope)
            assert answer["ResultCode"] == 200
            assert answer["Data"]["Route"] == "AreaQuery"
            # Decimal literal precision survives the broker both ways
            assert str(answer["Data"]["Echo"]["Money"]) == "0.00"
            # the caller's envelope is not modified
            assert "RequestId" not in envelope and "Route" not in envelope
            # the published body: Route + RequestId added, signature still valid without them
            # (the spy is another client: the broker may deliver its copy after the answer)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.02)
            assert len(seen) == 1
            assert seen[0].qos == 1
            body = loads(seen[0].payload)
            assert body["Route"] == "AreaQuery"
            assert body["RequestId"] == answer["RequestId"]
            assert body["RequestId"].isdigit()
            assert verify_envelope(body, SECRET)
            # the handler got the V2.0 envelope, without the unsigned V3.0 additions
            name, v2 = handler.calls[0]
            assert name == "AreaQuery" and "Route" not in v2 and "RequestId" not in v2
            # a tampered body is refused by the handler's signature check
            bad = dict(envelope, Sign="0pv/bitn6cuvogmlg8xtgniuytiealcy5fkxtgy7wci=")
            answer = await transport.send(by_name("AreaQuery"), bad)
            assert answer["ResultCode"] == 1001
        finally:
            await transport.aclose()
            await spy.aclose()
            await server.aclose()

    loop.run_until_complete(scenario())


def test_concurrent_answers_are_matched_by_request_id(loop: asyncio.AbstractEventLoop,
                                                      mqtt_cfg: MqttConfig) -> None:
    async def scenario() -> None:
        server = await MqttServer(mqtt_cfg, park_key=PARK, handler=EchoHandler()).start()
        transport = MqttTransport(mqtt_cfg, app_id=APP_ID, park_key=PARK)
        try:
            # later requests are answered first
            delays = [0.3, 0.2, 0.1, 0.0]
            answers = await asyncio.gather(*(
                transport.send(by_name("LaneOrderQuery"), _signed({"LaneNo": str(i), "Delay": d}))
                for i, d in enumerate(delays)
            ))
            assert [a["Data"]["Echo"]["LaneNo"] for a in answers] == ["0", "1", "2", "3"]
            assert len({a["RequestId"] for a in answers}) == 4
        finally:
            await transport.aclose()
            await server.aclose()

    loop.run_until_complete(scenario())


def test_unknown_route_is_answered_1002(loop: asyncio.AbstractEventLoop, mqtt_cfg: MqttConfig) -> None:
    async def scenario() -> None:
        server = await MqttServer(mqtt_cfg, park_key=PARK, handler=EchoHandler()).start()
        transport = MqttTransport(mqtt_cfg, app_id=APP_ID, park_key=PARK)
        try:
            fake = replace(by_name("AreaQuery"), name="NoSuchRoute")
            answer = await transport.send(fake, _signed(None))
            assert answer["ResultCode"] == 1002
            assert "NoSuchRoute" in answer["ResultMsg"]
        finally:
            await transport.aclose()
            await server.aclose()

    loop.run_until_complete(scenario())


def test_unanswered_request_times_out_clearly(loop: asyncio.AbstractEventLoop,
                                              mqtt_cfg: MqttConfig) -> None:
    async def scenario() -> None:
        cfg = replace(mqtt_cfg, request_timeout=0.5)
        transport = MqttTransport(cfg, app_id=APP_ID, park_key=PARK)
        try:
            started = loop.time()
            with pytest.raises(ServerTimeout) as info:
                await transport.send(by_name("BarrierStatusNotify"), _signed({"LaneNo": "1"}))
            assert 0.45 <= loop.time() - started < 2.0
            assert info.value.sent is True
            text = str(info.value)
            assert "BarrierStatusNotify" in text and "0.5 s" in text
            assert f"parking/{PARK}/response/{APP_ID}" in text
            assert f"parking/{PARK}/request" in text
        finally:
            await transport.aclose()

    loop.run_until_complete(scenario())


def test_broker_down_is_unreachable_not_sent(loop: asyncio.AbstractEventLoop) -> None:
    """Broker down: the first request waits request_timeout for it, later ones fail at once."""
    async def scenario() -> None:
        cfg = MqttConfig(host="127.0.0.1", port=free_port(), request_timeout=0.5)
        transport = MqttTransport(cfg, app_id=APP_ID, park_key=PARK)
        try:
            with pytest.raises(ServerUnreachable) as info:
                await transport.send(by_name("AreaQuery"), _signed(None))
            assert info.value.sent is False
            assert f"127.0.0.1:{cfg.port}" in str(info.value)
            # after the first wait, requests fail at once while the link keeps retrying
            started = loop.time()
            with pytest.raises(ServerUnreachable):
                await transport.send(by_name("BarrierStatusNotify"), _signed({"LaneNo": "1"}))
            assert loop.time() - started < 0.1
        finally:
            await transport.aclose()

    loop.run_until_complete(scenario())


def test_reconnects_after_broker_restart_and_never_replays(
    loop: asyncio.AbstractEventLoop, broker: MosquittoBroker, mqtt_cfg: MqttConfig
) -> None:
    async def scenario() -> None:
        handler = EchoHandler()
        server = await MqttServer(mqtt_cfg, park_key=PARK, handler=handler,
                                  reconnect_min=0.1, reconnect_max=0.5).start()
        transport = MqttTransport(mqtt_cfg, app_id=APP_ID, park_key=PARK,
                                  reconnect_min=0.1, reconnect_max=0.5)
        try:
            ok = await transport.send(by_name("AreaQuery"), _signed(None))
            assert ok["ResultCode"] == 200
            down = asyncio.Event()
            up = asyncio.Event()
            transport.link.on_state(lambda c: (up if c else down).set())
            broker.stop_process()
            await asyncio.wait_for(down.wait(), 5)
            # a gate command during the outage fails at once, visibly, and is never queued
            with pytest.raises(ServerUnreachable) as info:
                await transport.send(by_name("BarrierStatusNotify"), _signed({"LaneNo": "1", "GataStatus": 1}))
            assert info.value.sent is False
            broker.start()
            await asyncio.wait_for(up.wait(), 10)
            await server.link.wait_connected(10)
            ok = await transport.send(by_name("AreaQuery"), _signed({"PageIndex": 2}))
            assert ok["ResultCode"] == 200
            assert transport.link.connects == 2
            assert [name for name, _ in handler.calls] == ["AreaQuery", "AreaQuery"]
        finally:
            await transport.aclose()
            await server.aclose()

    loop.run_until_complete(scenario())


def test_request_ids_are_unique_and_numeric() -> None:
    ids = [new_request_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert all(i.isdigit() and len(i) <= 20 for i in ids)
