"""Several booths on one mosquitto (in-flight window 20, autosave every second): every console
receives every callback exactly once across live traffic, a graceful broker restart with
callbacks queued, live traffic after it, and a ``kill -9`` of the broker."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from booth_console.config import Config, ListenerConfig, ServerConfig
from booth_console.devtools.broker import MosquittoBroker
from booth_console.listener.mqtt import attach_console
from booth_console.listener.mqtt_subscriber import CallbackSubscriber
from booth_console.listener.processor import ReceivedCallback
from booth_console.listener.stack import start_listener
from booth_console.transport.mqtt_link import MqttLink, make_client_id
from tests.mqtt.test_broker_restarts import all_acknowledged, cfg_of, exactly_once
from tests.mqtt.test_callbacks import APP_ID, PARK, SECRET, TOPICS, Console, body, open_console

pytestmark = [pytest.mark.mqtt, pytest.mark.slow]


async def both_down(*subs: CallbackSubscriber) -> None:
    events = []
    for sub in subs:
        ev = asyncio.Event()
        sub.link.on_state(lambda up, e=ev: None if up else e.set())
        events.append(ev)
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), 5)


def test_two_consoles_receive_everything_once_across_restart_and_crash(
    loop: asyncio.AbstractEventLoop, verbose_broker: MosquittoBroker, tmp_path: Path
) -> None:
    broker, cfg = verbose_broker, cfg_of(verbose_broker)

    async def scenario() -> None:
        consoles = [await open_console(tmp_path, name) for name in ("b", "c")]
        ids = ["booth-cb-fan-b", "booth-cb-fan-c"]
        subs = [await CallbackSubscriber(cfg, park_key=PARK, processor=c.processor,
                                         client_id=cid).start()
                for c, cid in zip(consoles, ids, strict=True)]
        # the parking software's side, with the same back-off as every other link
        pub = MqttLink(cfg, client_id=make_client_id("lot"), name="lot")
        await pub.start()
        sent: list[bytes] = []

        async def publish(n: int, name: str = "OnVehicleIn") -> None:
            raws = [body(name) for _ in range(n)]
            sent.extend(raws)
            await asyncio.wait_for(asyncio.gather(*(
                pub.publish(TOPICS.callback(name), raw) for raw in raws)), 20)

        async def everyone_has_all() -> None:
            for c in consoles:
                await c.wait_for(len(sent), timeout=20)

        try:
            await publish(10)
            await everyone_has_all()
            # graceful restart; 30 callbacks published as soon as the broker is back, whoever
            # reconnects first (they wait in the publisher's client until it is)
            broker.stop_process()
            await both_down(*subs)
            broker.start()
            await publish(30, "OnPayResult")
            await everyone_has_all()
            await publish(10, "OnVehicleOut")
            await everyone_has_all()
            # crash: kill -9 after an autosave, then callbacks right after the restart
            await asyncio.to_thread(broker.wait_saved)
            broker.kill()
            await both_down(*subs)
            broker.start()
            await publish(10)
            await everyone_has_all()
            for sub in subs:
                await sub.drain()
            for c in consoles:
                exactly_once(c, sent)
                assert await c.journal.callback_count() == 60
            for sub, cid in zip(subs, ids, strict=True):
                assert sub.stats.sessions_lost == 0 and sub.stats.unacked == 0
                assert sub.stats.acked + sub.stats.ack_skipped == sub.stats.received
                await all_acknowledged(broker, cid)
        finally:
            await pub.aclose()
            for sub in subs:
                await sub.aclose()
            for c in consoles:
                await c.journal.close()

    loop.run_until_complete(scenario())


async def post_like_the_parking_software(http: httpx.AsyncClient, url: str, raw: bytes,
                                         attempts: int = 40) -> int:
    """POST until ResultCode 200 (the parking software retries); returns the attempts used."""
    for attempt in range(1, attempts + 1):
        try:
            answer = (await http.post(url, content=raw)).json()
            if answer["ResultCode"] == 200:
                return attempt
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"{url} never answered 200")


def test_republishing_console_answers_200_only_once_the_broker_has_it(
    loop: asyncio.AbstractEventLoop, verbose_broker: MosquittoBroker, tmp_path: Path
) -> None:
    """Console A gets V2.0 callbacks over HTTP and republishes them; consoles B and C get each
    exactly once, also across a broker restart, during which A answers 1003 (so the parking
    software retries) instead of 200 for callbacks the broker has not acknowledged."""
    broker, cfg = verbose_broker, cfg_of(verbose_broker)

    async def scenario() -> None:
        a_cfg = Config(
            server=ServerConfig(app_id=APP_ID, app_secret=SECRET, park_key=PARK),
            listener=ListenerConfig(host="127.0.0.1", port=0, republish_mqtt=True,
                                    journal=str(tmp_path / "a.sqlite3")),
            mqtt=cfg,
        )
        got_a: list[ReceivedCallback] = []
        stack = await start_listener(a_cfg, sink=got_a.append)
        side = await attach_console(a_cfg, stack.processor, hub_sink=got_a.append)
        assert side is not None and side.republisher is not None and side.subscriber is None
        republisher = side.republisher
        republisher.ack_timeout = 0.5
        await republisher.link.wait_connected(5)
        consoles: list[Console] = [await open_console(tmp_path, n) for n in ("b", "c")]
        subs = [await CallbackSubscriber(cfg, park_key=PARK, processor=c.processor,
                                         client_id=f"booth-cb-rep-{i}").start()
                for i, c in enumerate(consoles)]
        url = f"{stack.listener.url}/API/V2/OnVehicleIn"
        sent: list[bytes] = []
        try:
            async with httpx.AsyncClient(trust_env=False, timeout=10) as http:
                for _ in range(5):
                    sent.append(body("OnVehicleIn"))
                    assert await post_like_the_parking_software(http, url, sent[-1]) == 1
                broker.stop_process()
                await both_down(*subs)
                outage = body("OnVehicleIn")
                sent.append(outage)
                answer = (await http.post(url, content=outage)).json()
                assert answer["ResultCode"] == 1003, answer  # not 200: the broker never had it
                assert republisher.stats.refused == 1
                broker.start()
                # the parking software's retry: a duplicate for A, republished again -> 200
                await post_like_the_parking_software(http, url, outage)
                for _ in range(5):
                    sent.append(body("OnVehicleIn"))
                    await post_like_the_parking_software(http, url, sent[-1])
            for c in consoles:
                await c.wait_for(len(sent), timeout=15)
            for sub in subs:
                await sub.drain()
            await asyncio.sleep(0.3)  # a late copy from paho's queue would show up now
            for c in consoles:
                exactly_once(c, sent)
            assert sorted(str(cb.request_id) for cb in got_a) == sorted(
                str(r) for r in (cb.request_id for c in consoles[:1] for cb in c.received))
            for i in range(2):
                await all_acknowledged(broker, f"booth-cb-rep-{i}")
        finally:
            for sub in subs:
                await sub.aclose()
            await side.aclose()
            await stack.aclose()
            for c in consoles:
                await c.journal.close()

    loop.run_until_complete(scenario())
