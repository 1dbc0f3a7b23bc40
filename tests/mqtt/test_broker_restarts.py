"""Broker restarts and crashes with mosquitto's default in-flight window (20) and persistence.

Every callback reaches each console exactly once, every PUBLISH the broker sent a console is
acknowledged (counted in the broker's verbose log), and a crash that loses the sessions is
reported instead of passing silently.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path

import pytest

from booth_console.config import MqttConfig
from booth_console.devtools.broker import MosquittoBroker
from booth_console.listener.mqtt_subscriber import CallbackSubscriber, SessionLost
from booth_console.listener.processor import ProcessResult
from booth_console.transport.mqtt_link import MqttLink, make_client_id
from tests.mqtt.test_callbacks import PARK, TOPICS, Console, body, open_console, request_id

pytestmark = pytest.mark.mqtt


def cfg_of(broker: MosquittoBroker) -> MqttConfig:
    return MqttConfig(host=broker.host, port=broker.port, topic_prefix="parking")


async def fast_publisher(cfg: MqttConfig) -> MqttLink:
    link = MqttLink(cfg, client_id=make_client_id("pub"), name="pub", reconnect_min=0.05,
                    reconnect_max=0.2)
    await link.start()
    return link


async def publish_all(pub: MqttLink, raws: list[bytes], timeout: float = 15.0) -> None:
    await asyncio.wait_for(asyncio.gather(*(
        pub.publish(TOPICS.callback("OnVehicleIn"), raw) for raw in raws)), timeout)


def last_connection(broker: MosquittoBroker, client_id: str) -> tuple[int, int]:
    """``(PUBLISH sent, PUBACK received)`` on ``client_id``'s latest connection (broker log)."""
    text = broker.log_text()
    start = text.rfind(f"Sending CONNACK to {client_id}")
    tail = text[start:] if start >= 0 else ""
    sent = len(re.findall(rf"Sending PUBLISH to {re.escape(client_id)} ", tail))
    acked = len(re.findall(rf"Received PUBACK from {re.escape(client_id)} ", tail))
    return sent, acked


async def all_acknowledged(broker: MosquittoBroker, client_id: str, timeout: float = 5.0) -> None:
    """Wait until the broker has a PUBACK from ``client_id`` for every PUBLISH it sent it on
    its current connection (PUBACKs queued when an earlier connection dropped are lost with it:
    the broker redelivers those messages, counted here)."""
    deadline = time.monotonic() + timeout
    while True:
        sent, acked = last_connection(broker, client_id)
        if sent and sent == acked:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{client_id}: broker sent {sent} PUBLISH, got {acked} PUBACK")
        await asyncio.sleep(0.05)


def published_before_suback(broker: MosquittoBroker, client_id: str) -> int:
    """PUBLISHes the broker sent ``client_id`` after its last CONNACK and before the SUBACK."""
    text = broker.log_text()
    start = text.rfind(f"Sending CONNACK to {client_id}")
    end = text.find(f"Sending SUBACK to {client_id}", start)
    assert start >= 0 and end > start, "no CONNACK/SUBACK in the broker log"
    return len(re.findall(rf"Sending PUBLISH to {re.escape(client_id)} ", text[start:end]))


def exactly_once(console: Console, sent: list[bytes]) -> None:
    ids = [str(i) for i in console.request_ids]
    assert sorted(ids) == sorted(request_id(r) for r in sent)
    assert len(set(ids)) == len(ids)


def test_thirty_queued_over_a_graceful_restart_then_live_ones(
    loop: asyncio.AbstractEventLoop, verbose_broker: MosquittoBroker, tmp_path: Path
) -> None:
    """Messages the broker sends right after CONNACK, before SUBACK, are processed and
    acknowledged; more than the in-flight window of them does not jam the console."""
    broker, cfg = verbose_broker, cfg_of(verbose_broker)

    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        # the console comes back 3 s after the broker went away: the publisher is back first
        sub = await CallbackSubscriber(cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-queue", reconnect_min=3.0,
                                       reconnect_max=3.0).start()
        pub = await fast_publisher(cfg)
        sent: list[bytes] = []
        try:
            live = [body("OnVehicleIn") for _ in range(5)]
            sent += live
            await publish_all(pub, live)
            await console.wait_for(5)
            await all_acknowledged(broker, "booth-cb-queue")
            down = asyncio.Event()
            sub.link.on_state(lambda up: None if up else down.set())
            broker.restart()  # SIGTERM: mosquitto saves the sessions, then starts again
            await asyncio.wait_for(down.wait(), 5)
            queued = [body("OnVehicleIn") for _ in range(30)]
            sent += queued
            await publish_all(pub, queued)  # acknowledged by the broker, queued for the console
            assert not sub.link.connected
            await console.wait_for(35, timeout=15)
            after = [body("OnVehicleIn") for _ in range(10)]
            sent += after
            await publish_all(pub, after)
            await console.wait_for(45, timeout=10)
            await sub.drain()
            exactly_once(console, sent)
            assert await console.journal.callback_count() == 45
            assert published_before_suback(broker, "booth-cb-queue") >= 20
            await all_acknowledged(broker, "booth-cb-queue")
            # each message acknowledged once, none sent again by the broker
            assert sub.stats.acked == sub.stats.received == 45
            assert not [m for m, dup in broker.publishes_to("booth-cb-queue") if dup]
            assert sub.stats.unacked == 0 and sub.stats.sessions_lost == 0
        finally:
            await pub.aclose()
            await sub.aclose()
            await console.journal.close()

    loop.run_until_complete(scenario())


def test_console_restart_with_more_queued_than_the_window(
    loop: asyncio.AbstractEventLoop, verbose_broker: MosquittoBroker, tmp_path: Path
) -> None:
    """A console that was away while 40 callbacks were published gets all 40 and acknowledges
    each (they arrive before its re-subscription is confirmed)."""
    broker, cfg = verbose_broker, cfg_of(verbose_broker)

    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        sub = await CallbackSubscriber(cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-away40").start()
        await sub.aclose()
        pub = await fast_publisher(cfg)
        raws = [body("OnVehicleIn") for _ in range(40)]
        await publish_all(pub, raws)
        sub = await CallbackSubscriber(cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-away40").start()
        try:
            await console.wait_for(40, timeout=15)
            await sub.drain()
            exactly_once(console, raws)
            assert published_before_suback(broker, "booth-cb-away40") >= 20
            await all_acknowledged(broker, "booth-cb-away40")
        finally:
            await pub.aclose()
            await sub.aclose()
            await console.journal.close()

    loop.run_until_complete(scenario())


def test_redelivered_duplicates_are_acknowledged_once_each(
    loop: asyncio.AbstractEventLoop, verbose_broker: MosquittoBroker, tmp_path: Path
) -> None:
    """Messages whose connection dropped before they were journaled are not acknowledged on
    the new connection by mistake; the broker's redeliveries (DUP) are, and count once."""
    broker, cfg = verbose_broker, cfg_of(verbose_broker)

    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        gate = asyncio.Event()
        real = console.processor.process

        async def held(raw: bytes, kind: object, source: str) -> object:
            await gate.wait()
            return await real(raw, kind, source)  # type: ignore[arg-type]

        console.processor.process = held  # type: ignore[assignment,method-assign]
        sub = await CallbackSubscriber(cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-held", reconnect_min=0.1,
                                       reconnect_max=0.3).start()
        pub = await fast_publisher(cfg)
        try:
            raws = [body("OnVehicleIn") for _ in range(25)]
            await publish_all(pub, raws)
            await asyncio.sleep(0.3)  # 20 delivered, all held unacknowledged (the window)
            assert sub.stats.received == 20
            reconnected = asyncio.Event()
            sub.link.on_state(lambda up: reconnected.set() if up else None)
            broker.restart()
            await asyncio.wait_for(reconnected.wait(), 10)
            gate.set()
            await console.wait_for(25, timeout=15)
            await sub.drain()
            exactly_once(console, raws)
            await all_acknowledged(broker, "booth-cb-held")
            # the first 20 were not acknowledged on the new connection with stale packet ids
            assert sub.stats.ack_skipped >= 20
            dups = [mid for mid, dup in broker.publishes_to("booth-cb-held") if dup]
            assert len(dups) >= 20
            assert console.processor.stats.duplicates >= 20
        finally:
            gate.set()
            await pub.aclose()
            await sub.aclose()
            await console.journal.close()

    loop.run_until_complete(scenario())


async def crash_and_restart(broker: MosquittoBroker, sub: CallbackSubscriber) -> None:
    down = asyncio.Event()
    sub.link.on_state(lambda up: None if up else down.set())
    broker.kill()
    await asyncio.wait_for(down.wait(), 5)
    broker.start()


def test_kill_9_with_autosave_every_second_loses_nothing(
    loop: asyncio.AbstractEventLoop, verbose_broker: MosquittoBroker, tmp_path: Path
) -> None:
    broker, cfg = verbose_broker, cfg_of(verbose_broker)

    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        sub = await CallbackSubscriber(cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-crash1").start()
        lost: list[SessionLost] = []
        sub.on_session_lost(lost.append)
        pub = await fast_publisher(cfg)
        sent: list[bytes] = []
        try:
            live = [body("OnVehicleIn") for _ in range(10)]
            sent += live
            await publish_all(pub, live)
            await console.wait_for(10)
            # an autosave with the console's session in it (blocks the loop: nothing to do)
            broker.wait_saved()
            await crash_and_restart(broker, sub)
            right_after = [body("OnVehicleIn") for _ in range(15)]
            sent += right_after
            await publish_all(pub, right_after)  # probably before the console is back
            await console.wait_for(25, timeout=15)
            await sub.drain()
            exactly_once(console, sent)
            assert lost == [] and sub.link.session_present
            await all_acknowledged(broker, "booth-cb-crash1")
        finally:
            await pub.aclose()
            await sub.aclose()
            await console.journal.close()

    loop.run_until_complete(scenario())


def test_kill_9_without_autosave_warns_that_callbacks_may_be_missing(
    loop: asyncio.AbstractEventLoop, mosquitto: str, tmp_path: Path
) -> None:
    """The tests' previous configuration (save only on a clean stop): a crash loses the session,
    and the console says so instead of carrying on silently."""
    broker = MosquittoBroker(workdir=tmp_path / "broker", autosave_interval=0)
    os.makedirs(broker.workdir, exist_ok=True)
    broker.start()
    cfg = cfg_of(broker)

    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        sub = await CallbackSubscriber(cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-crash0").start()
        lost: list[SessionLost] = []
        warned = asyncio.Event()
        sub.on_session_lost(lambda s: (lost.append(s), warned.set()))
        pub = await fast_publisher(cfg)
        try:
            await publish_all(pub, [body("OnVehicleIn")])
            await console.wait_for(1)
            before_crash = time.time()
            await crash_and_restart(broker, sub)
            await asyncio.wait_for(warned.wait(), 10)
            assert len(lost) == 1 and sub.stats.sessions_lost == 1
            assert lost[0].down_since <= lost[0].back_at
            assert abs(lost[0].down_since - before_crash) < 5
            assert not sub.link.session_present
            # subscribed again: what is published now arrives
            await publish_all(pub, [body("OnVehicleIn")])
            await console.wait_for(2)
        finally:
            await pub.aclose()
            await sub.aclose()
            await console.journal.close()

    try:
        loop.run_until_complete(scenario())
    finally:
        broker.stop()


def test_a_failed_journal_write_is_tried_again_then_acknowledged(
    loop: asyncio.AbstractEventLoop, verbose_broker: MosquittoBroker, tmp_path: Path
) -> None:
    """The broker resends an unacknowledged message only on the next connection, so a journal
    failure (1003) must not leave it hanging in the in-flight window."""
    broker, cfg = verbose_broker, cfg_of(verbose_broker)

    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        real = console.processor.process
        failures = [2]

        async def flaky(raw: bytes, kind: object, source: str) -> ProcessResult:
            if failures[0]:
                failures[0] -= 1
                return ProcessResult(1003, "the callback could not be stored; please retry",
                                     None, False)
            return await real(raw, kind, source)  # type: ignore[arg-type]

        console.processor.process = flaky  # type: ignore[assignment,method-assign]
        sub = CallbackSubscriber(cfg, park_key=PARK, processor=console.processor,
                                 client_id="booth-cb-flaky")
        sub.store_retry_delay = 0.05
        await sub.start()
        pub = await fast_publisher(cfg)
        try:
            raw = body("OnVehicleIn")
            await publish_all(pub, [raw])
            await console.wait_for(1)
            await sub.drain()
            assert console.request_ids == [request_id(raw)]
            assert sub.stats.store_retries == 2 and sub.stats.acked == 1
            await all_acknowledged(broker, "booth-cb-flaky")
        finally:
            await pub.aclose()
            await sub.aclose()
            await console.journal.close()

    loop.run_until_complete(scenario())


def test_a_console_started_after_the_broker_lost_its_session_says_so(
    loop: asyncio.AbstractEventLoop, mosquitto: str, tmp_path: Path
) -> None:
    """The console was off while the broker crashed (autosave 0): its journal shows it had
    received callbacks over MQTT, so a first connection without a session is reported too; a
    console restart against a broker that kept the session is not."""
    broker = MosquittoBroker(workdir=tmp_path / "broker", autosave_interval=0)
    os.makedirs(broker.workdir, exist_ok=True)
    broker.start()
    cfg = cfg_of(broker)

    async def run_console(console: Console) -> list[SessionLost]:
        sub = await CallbackSubscriber(cfg, park_key=PARK, processor=console.processor,
                                       client_id="booth-cb-offline").start()
        lost: list[SessionLost] = []
        sub.on_session_lost(lost.append)  # added after start: a loss found meanwhile waits
        await asyncio.sleep(0.2)
        await sub.aclose()
        return lost

    async def scenario() -> None:
        console = await open_console(tmp_path, "a")
        assert await run_console(console) == []  # a new console: nothing to expect
        pub = await fast_publisher(cfg)
        try:
            sub = await CallbackSubscriber(cfg, park_key=PARK, processor=console.processor,
                                           client_id="booth-cb-offline").start()
            await publish_all(pub, [body("OnVehicleIn")])
            await console.wait_for(1)
            await sub.aclose()
            received_at = console.received[0].received_at
            assert await run_console(console) == []  # the broker kept the session
            broker.kill()  # the console is off; the broker never saved its session
            broker.start()
            lost = await run_console(console)
            assert len(lost) == 1
            assert lost[0].down_since == pytest.approx(received_at, abs=0.01)
        finally:
            await pub.aclose()
            await console.journal.close()

    try:
        loop.run_until_complete(scenario())
    finally:
        broker.stop()
