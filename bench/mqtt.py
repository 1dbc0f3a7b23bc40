"""Benchmark V3.0 over MQTT against V2.0 over HTTP, on loopback, in one run.

    python bench/mqtt.py [--requests 500] [--callbacks 2000] [--json]

Needs ``mosquitto`` (started here on a free loopback port) and the simulator.

Measures:
1. request round trip (p50/p99/mean, sequential) of BarrierStatusQuery and LaneQuery:
   * HTTP: ParkingClient -> simulator;
   * MQTT: ParkingClient -> MqttTransport -> mosquitto -> SimulatorBridge -> simulator, with
     the bridge reaching the simulator over loopback HTTP (``mqtt``: one HTTP hop too) and
     in-process through ``Simulator.handle_envelope`` (``mqtt-inproc``);
   * MQTT echo: MqttTransport -> mosquitto -> an in-process responder (the broker's own cost).
2. callbacks/s through the broker: signed OnVehicleIn bodies published with QoS 1 by one
   client, received by a CallbackSubscriber and processed by the console's CallbackProcessor
   (signature check, de-duplication, SQLite journal commit, sink), timed from the first publish
   to the last callback handed to the sink.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from booth_console.client import ParkingClient  # noqa: E402
from booth_console.config import MqttConfig  # noqa: E402
from booth_console.journal import Journal  # noqa: E402
from booth_console.listener.processor import CallbackProcessor, ReceivedCallback  # noqa: E402
from booth_console.listener.samples import signed_example_bytes  # noqa: E402
from booth_console.mqtt.broker import MosquittoBroker, find_mosquitto  # noqa: E402
from booth_console.mqtt.link import MqttLink, make_client_id  # noqa: E402
from booth_console.mqtt.server import MqttServer  # noqa: E402
from booth_console.mqtt.simbridge import SimulatorBridge  # noqa: E402
from booth_console.mqtt.subscriber import CallbackSubscriber  # noqa: E402
from booth_console.mqtt.topics import Topics  # noqa: E402
from booth_console.protocol.endpoints import Endpoint  # noqa: E402
from booth_console.simulator import lot  # noqa: E402
from booth_console.simulator.server import Simulator, SimulatorConfig  # noqa: E402
from booth_console.transport.mqtt import MqttTransport  # noqa: E402

APP_ID, SECRET, PARK = lot.DEFAULT_APP_ID, lot.DEFAULT_APP_SECRET, lot.DEFAULT_PARK_KEY
PAGE = {"PageIndex": 1, "PageSize": 20, "OrderBy": "Uid", "OrderType": 0, "QueryCondition": []}


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {"n": len(ordered), "p50_ms": pct(50), "p99_ms": pct(99),
            "mean_ms": statistics.fmean(ordered), "max_ms": ordered[-1]}


async def time_calls(call: Callable[[], Awaitable[Any]], n: int, warmup: int = 20) -> dict[str, float]:
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


async def bench_requests(cfg: MqttConfig, tmp: Path, n: int) -> dict[str, Any]:
    sim = Simulator(SimulatorConfig(port=0, db_path=tmp / "sim" / "sim.db"))
    await sim.start()
    bridge = await SimulatorBridge(cfg, base_url=sim.base_url, app_id=APP_ID, app_secret=SECRET,
                                   park_key=PARK).start()
    http = ParkingClient.for_http(sim.base_url, app_id=APP_ID, app_secret=SECRET, park_key=PARK)
    mqtt = ParkingClient(MqttTransport(cfg, app_id=APP_ID, park_key=PARK), app_id=APP_ID,
                         app_secret=SECRET, park_key=PARK)

    async def echo(_endpoint: Endpoint, _envelope: dict[str, Any]) -> dict[str, Any]:
        return {"ResultCode": 200, "ResultMsg": "ok", "ResultId": None, "Data": None}

    echo_topics = Topics(park_key="echo" + PARK, prefix=cfg.topic_prefix)
    echo_server = await MqttServer(cfg, park_key=echo_topics.park_key, handler=echo).start()
    echo_client = ParkingClient(MqttTransport(cfg, app_id=APP_ID, park_key=echo_topics.park_key),
                                app_id=APP_ID, app_secret=SECRET, park_key=echo_topics.park_key)
    results: dict[str, Any] = {}
    cases = (("BarrierStatusQuery", {"LaneNo": "1"}), ("LaneQuery", PAGE))

    async def run(label: str, client: ParkingClient) -> None:
        for name, data in cases:

            def call(c: ParkingClient = client, nm: str = name,
                     d: Any = data) -> Awaitable[dict[str, Any]]:
                return c.call_raw(nm, d)

            results[f"{name} {label}"] = await time_calls(call, n)

    try:
        await run("http", http)
        await run("mqtt", mqtt)
        # the same topics, now answered by a bridge that calls the simulator in-process
        await bridge.aclose()
        bridge = await SimulatorBridge(cfg, simulator=sim, app_id=APP_ID, app_secret=SECRET,
                                       park_key=PARK).start()
        await run("mqtt-inproc", mqtt)
        results["BarrierStatusQuery mqtt-echo"] = await time_calls(
            lambda: echo_client.call_raw("BarrierStatusQuery", {"LaneNo": "1"}), n)
    finally:
        for closer in (mqtt.aclose, http.aclose, echo_client.aclose, echo_server.aclose,
                       bridge.aclose, sim.stop):
            await closer()
    return results


async def bench_callbacks(cfg: MqttConfig, tmp: Path, n: int) -> dict[str, Any]:
    journal = await Journal.open(tmp / "bench-journal.sqlite3")
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    count = 0

    def sink(_cb: ReceivedCallback) -> None:
        nonlocal count
        count += 1
        if count >= n and not done.done():
            done.set_result(None)

    processor = CallbackProcessor(app_id=APP_ID, park_key=PARK, app_secret=SECRET,
                                  journal=journal, sink=sink)
    sub = await CallbackSubscriber(cfg, park_key=PARK, processor=processor,
                                   client_id="booth-cb-bench", persistent=False).start()
    pub = MqttLink(cfg, client_id=make_client_id("benchpub"), name="bench-pub")
    await pub.start()
    topic = Topics(park_key=PARK, prefix=cfg.topic_prefix).callback("OnVehicleIn")
    bodies = [signed_example_bytes("OnVehicleIn", app_id=APP_ID, park_key=PARK, app_secret=SECRET)
              for _ in range(n)]
    try:
        started = time.perf_counter()
        window = 100  # QoS 1 publishes in flight
        pending: set[asyncio.Task[None]] = set()
        for raw in bodies:
            pending.add(asyncio.ensure_future(pub.publish(topic, raw)))
            if len(pending) >= window:
                finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for f in finished:
                    f.result()
        await asyncio.gather(*pending)
        published = time.perf_counter() - started
        await asyncio.wait_for(done, 120)
        elapsed = time.perf_counter() - started
        await sub.drain()
        rows = await journal.callback_count()
    finally:
        await pub.aclose()
        await sub.aclose()
        await journal.close()
    return {"callbacks": n, "journaled": rows, "publish_s": published, "total_s": elapsed,
            "callbacks_per_s": n / elapsed, "journal_batches": journal.batches}


async def main(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="booth-bench-mqtt-") as tmp, MosquittoBroker() as broker:
        cfg = MqttConfig(host=broker.host, port=broker.port, request_timeout=10.0)
        out: dict[str, Any] = {"requests": await bench_requests(cfg, Path(tmp), args.requests)}
        out["callbacks"] = await bench_callbacks(cfg, Path(tmp), args.callbacks)
        return out


def report(out: dict[str, Any]) -> str:
    lines = ["request round trip (sequential, loopback)",
             f"{'endpoint / transport':40} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}"]
    for name, r in out["requests"].items():
        lines.append(f"{name:40} {r['n']:5d} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['mean_ms']:8.2f}")
    c = out["callbacks"]
    lines += ["", "callbacks through the broker (QoS 1 -> subscriber -> processor -> journal)",
              f"{c['callbacks']} callbacks in {c['total_s']:.2f} s = {c['callbacks_per_s']:.0f}/s "
              f"(published in {c['publish_s']:.2f} s; {c['journaled']} journaled in "
              f"{c['journal_batches']} commits)"]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--callbacks", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    arguments = parser.parse_args()
    if find_mosquitto() is None:
        sys.exit("mosquitto is not installed")
    result = asyncio.run(main(arguments))
    print(json.dumps(result, indent=2) if arguments.json else report(result))
