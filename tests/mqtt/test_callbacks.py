"""Callbacks over a real mosquitto: same processor path as HTTP, QoS 1 redelivery, broker restart,
and fan-out of republished V2.0 callbacks to several consoles."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from booth_console.config import Config, ListenerConfig, MqttConfig, ServerConfig
from booth_console.devtools.broker import MosquittoBroker
from booth_console.journal import Journal
from booth_console.listener.mqtt_subscriber import CallbackSubscriber
from booth_console.listener.processor import CallbackProcessor, ProcessResult, ReceivedCallback
from booth_console.listener.republish import Republisher, strip_image_placeholders
from booth_console.listener.samples import signed_example_bytes
from booth_console.listener.stack import start_listener
from booth_console.protocol import jsonutil
from booth_console.protocol.callbacks import kind_by_route
from booth_console.protocol.signing import verify_body
from booth_console.protocol.topics import Topics
from booth_console.transport.mqtt_link import IncomingMessage, MqttLink, make_client_id

pytestmark = pytest.mark.mqtt

APP_ID, SECRET, PARK = "xb5glg0hgz40", "cb-secret-9", "1772492942362538"
TOPICS = Topics(park_key=PARK)


def body(name: str = "OnVehicleIn", **kw: Any) -> bytes:
    return signed_example_bytes(name, app_id=APP_ID, park_key=PARK, app_secret=SECRET, **kw)


def request_id(raw: bytes) -> str:
    return str(jsonutil.loads(raw)["RequestId"])


class Console:
    """One console's callback side: journal + processor + collected sink calls."""

    def __init__(self, journal: Journal, extra_sink: Callable[[ReceivedCallback], None] | None = None):
        self.journal = journal
        self.received: list[ReceivedCallback] = []
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.processor = CallbackProcessor(
            app_id=APP_ID, park_key=PARK, app_secret=SECRET, journal=journal, sink=self._sink,
        )
        self.extra_sink = extra_sink

    def _sink(self, cb: ReceivedCallback) -> None:
        self.received.append(cb)
        if self.extra_sink is not None:
            self.extra_sink(cb)
        for n, fut in self._waiters:
            if len(self.received) >= n and not fut.done():
                fut.set_result(None)

    async def wait_for(self, n: int, timeout: float = 10.0) -> None:
        if len(self.received) >= n:
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((n, fut))
        await asyncio.wait_for(fut, timeout)

    @property
    def request_ids(self) -> list[str | None]:
        return [cb.request_id for cb in self.received]


class Arrivals(list[IncomingMessage]):
    """Messages seen by a subscriber, with a future-based wait for the n-th one."""

    def __init__(self) -> None:
        super().__init__()
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    def add(self, message: IncomingMessage) -> None:
        self.append(message)
        for n, fut in self._waiters:
            if len(self) >= n and not fut.done():
                fut.set_result(None)

    async def wait(self, n: int, timeout: float = 10.0) -> None:
        if len(self) < n:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append((n, fut))
            await asyncio.wait_for(fut, timeout)


async def open_console(tmp: Path, name: str) -> Console:
    return Console(await Journal.open(tmp / f"{name}.sqlite3"))


async def publisher(cfg: MqttConfig) -> MqttLink:
    link = MqttLink(cfg, client_id=make_client_id("pub"), name="pub", reconnect_min=0.1,
                    reconnect_max=0.5)
    await link.start()
    return link


def test_callback_goes_through_the_listener_path(loop: asyncio.AbstractEventLoop,
                                                 mqtt_cfg: MqttConfig, tmp_path: Path) -> None:
    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        sub = await CallbackSubscriber(mqtt_cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-test-a").start()
        pub = await publisher(mqtt_cfg)
        try:
            good = body("OnVehicleIn")
            pay = body("OnPayResult")
            forged = body("OnVehicleOut").replace(b'"Sign":"', b'"Sign":"x')
            await pub.publish(TOPICS.callback("OnVehicleIn"), good)
            await pub.publish(TOPICS.callback("OnVehicleOut"), forged)
            await pub.publish(TOPICS.callback("OnPayResult"), pay)
            await console.wait_for(2)
            await sub.drain()
            assert [cb.kind.name for cb in console.received] == ["OnVehicleIn", "OnPayResult"]
            first = console.received[0]
            assert first.source == f"mqtt:parking/{PARK}/callback/OnVehicleIn"
            assert first.request_id == request_id(good)
            assert first.data.order_no == "1774718489366642-6Y8MT1"
            rows = await console.journal.recent_callbacks()
            by_code = sorted((r.kind, r.result_code) for r in rows)
            assert by_code == [("OnPayResult", 200), ("OnVehicleIn", 200), ("OnVehicleOut", 1001)]
            assert sub.stats.accepted == 2 and sub.stats.rejected == 1
        finally:
            await pub.aclose()
            await sub.aclose()
            await console.journal.close()

    loop.run_until_complete(scenario())


def test_qos1_duplicates_are_processed_once(loop: asyncio.AbstractEventLoop, broker: MosquittoBroker,
                                            mqtt_cfg: MqttConfig, tmp_path: Path) -> None:
    """A publisher retry (same body twice) and a real broker redelivery (DUP) count once."""

    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        gate = asyncio.Event()
        real_process = console.processor.process
        arrivals = Arrivals()

        async def slow_process(raw: bytes, kind: Any, source: str) -> ProcessResult:
            await gate.wait()  # hold the first delivery unacknowledged
            return await real_process(raw, kind, source)

        console.processor.process = slow_process  # type: ignore[method-assign]
        sub = CallbackSubscriber(mqtt_cfg, park_key=PARK, processor=console.processor,
                                 client_id="booth-cb-dup", reconnect_min=0.1, reconnect_max=0.5)
        original = sub._on_message

        def spy(message: IncomingMessage) -> None:
            arrivals.add(message)
            original(message)

        sub.link._subs[TOPICS.callback_filter] = (1, spy)
        await sub.start()
        pub = await publisher(mqtt_cfg)
        try:
            raw = body("OnVehicleIn")
            await pub.publish(TOPICS.callback("OnVehicleIn"), raw)
            await pub.publish(TOPICS.callback("OnVehicleIn"), raw)  # the publisher's retry
            await arrivals.wait(2)
            # the broker restarts before the console acknowledged: it must redeliver (DUP)
            reconnected = asyncio.Event()
            sub.link.on_state(lambda up: reconnected.set() if up else None)
            broker.restart()
            await asyncio.wait_for(reconnected.wait(), 10)
            await arrivals.wait(4)
            gate.set()
            await sub.drain()
            assert any(m.dup for m in arrivals[2:]), "the broker did not redeliver with DUP"
            assert console.request_ids == [request_id(raw)]
            assert await console.journal.callback_count() == 1
            assert console.processor.stats.duplicates == len(arrivals) - 1
        finally:
            gate.set()
            await pub.aclose()
            await sub.aclose()
            await console.journal.close()

    loop.run_until_complete(scenario())


def test_broker_restart_loses_and_duplicates_nothing(
    loop: asyncio.AbstractEventLoop, broker: MosquittoBroker, mqtt_cfg: MqttConfig, tmp_path: Path
) -> None:
    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        sub = await CallbackSubscriber(mqtt_cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-restart", reconnect_min=0.1,
                                       reconnect_max=0.5).start()
        pub = await publisher(mqtt_cfg)
        sent: list[bytes] = []
        try:
            for _ in range(20):
                sent.append(body("OnVehicleIn"))
                await pub.publish(TOPICS.callback("OnVehicleIn"), sent[-1])
            await console.wait_for(20)
            down = asyncio.Event()
            sub.link.on_state(lambda up: None if up else down.set())
            broker.stop_process()
            await asyncio.wait_for(down.wait(), 5)
            # published during the outage: queued by the publisher's client until it is back
            during = [body("OnPayResult") for _ in range(10)]
            waits = [asyncio.ensure_future(pub.publish(TOPICS.callback("OnPayResult"), r))
                     for r in during]
            sent.extend(during)
            broker.start()
            await asyncio.wait_for(asyncio.gather(*waits), 15)
            for _ in range(20):
                sent.append(body("OnVehicleOut"))
                await pub.publish(TOPICS.callback("OnVehicleOut"), sent[-1])
            await console.wait_for(len(sent), 15)
            await sub.drain()
            assert sorted(str(i) for i in console.request_ids) == sorted(request_id(r) for r in sent)
            assert len(set(console.request_ids)) == len(sent) == 50
            assert await console.journal.callback_count() == 50
            assert sub.link.connects == 2
        finally:
            await pub.aclose()
            await sub.aclose()
            await console.journal.close()

    loop.run_until_complete(scenario())


def test_callbacks_sent_while_console_away_arrive_later(
    loop: asyncio.AbstractEventLoop, mqtt_cfg: MqttConfig, tmp_path: Path
) -> None:
    """The persistent session keeps QoS 1 callbacks for a console that is offline."""

    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        sub = await CallbackSubscriber(mqtt_cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-away").start()
        await sub.aclose()
        pub = await publisher(mqtt_cfg)
        raws = [body("OnVehicleIn") for _ in range(3)]
        for r in raws:
            await pub.publish(TOPICS.callback("OnVehicleIn"), r)
        sub = await CallbackSubscriber(mqtt_cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-away").start()
        try:
            await console.wait_for(3)
            assert console.request_ids == [request_id(r) for r in raws]
        finally:
            await pub.aclose()
            await sub.aclose()
            await console.journal.close()

    loop.run_until_complete(scenario())


def test_two_consoles_receive_a_republished_http_callback(
    loop: asyncio.AbstractEventLoop, mqtt_cfg: MqttConfig, tmp_path: Path
) -> None:
    async def scenario() -> None:
        cfg = Config(
            server=ServerConfig(app_id=APP_ID, app_secret=SECRET, park_key=PARK),
            listener=ListenerConfig(host="127.0.0.1", port=0, republish_mqtt=True),
            mqtt=mqtt_cfg,
        )
        journal_a = await Journal.open(tmp_path / "a.sqlite3")
        republisher = await Republisher(mqtt_cfg, park_key=PARK, journal=journal_a).start(5.0)
        got_a: list[ReceivedCallback] = []
        stack = await start_listener(cfg, journal=journal_a, sink=republisher.chain(got_a.append))
        b = await open_console(tmp_path, "b")
        c = await open_console(tmp_path, "c")
        sub_b = await CallbackSubscriber(mqtt_cfg, park_key=PARK, processor=b.processor,
                                         client_id="booth-cb-b").start()
        sub_c = await CallbackSubscriber(mqtt_cfg, park_key=PARK, processor=c.processor,
                                         client_id="booth-cb-c").start()
        # console A subscribes too: its own republished callback comes back as a duplicate
        a_sub = await CallbackSubscriber(mqtt_cfg, park_key=PARK, processor=stack.processor,
                                         client_id="booth-cb-a").start()
        try:
            image = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
            data = jsonutil.loads(body("OnVehicleIn"))["Data"]
            data["EntryImageBase64"] = image
            raws = [body("OnVehicleIn", data=data), body("OnGateReleaseRecord")]
            async with httpx.AsyncClient(trust_env=False) as http:
                for raw, path in zip(raws, ("OnVehicleIn", "OnGateReleaseRecord"), strict=True):
                    answer = await http.post(f"{stack.listener.url}/API/V2/{path}", content=raw)
                    assert answer.json()["ResultCode"] == 200
            await b.wait_for(2)
            await c.wait_for(2)
            await sub_b.drain()
            await sub_c.drain()
            await a_sub.drain()
            ids = [request_id(r) for r in raws]
            assert b.request_ids == ids and c.request_ids == ids
            assert [cb.request_id for cb in got_a] == ids  # A emitted each once
            assert b.received[0].source == f"mqtt:parking/{PARK}/callback/OnVehicleIn"
            assert republisher.stats.published == 2
            assert a_sub.stats.duplicates == 2 and a_sub.stats.accepted == 0
            # the image is not carried, and the body still verifies
            row = (await b.journal.recent_callbacks())[-1]
            assert jsonutil.loads(row.raw_body)["Data"]["EntryImageBase64"] == ""
            assert verify_body(row.raw_body, SECRET).ok
        finally:
            await sub_b.aclose()
            await sub_c.aclose()
            await a_sub.aclose()
            await stack.aclose()
            await republisher.aclose()
            await journal_a.close()
            await b.journal.close()
            await c.journal.close()

    loop.run_until_complete(scenario())


def test_strip_image_placeholders_keeps_other_bodies() -> None:
    raw = body("OnVehicleIn")
    assert strip_image_placeholders(raw) == raw
    assert strip_image_placeholders(b"not json") == b"not json"
    assert kind_by_route(TOPICS.callback_route(TOPICS.callback("OnLaneChange")) or "") is not None
    assert TOPICS.callback_route("parking/other/callback/OnVehicleIn") is None
