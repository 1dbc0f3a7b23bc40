"""Benchmark V3.0 over MQTT against V2.0 over HTTP, on loopback, in one run.

    python bench/mqtt.py [--requests 500] [--callbacks 2000] [--json]
    python bench/mqtt.py --fanout 1,2,4,8 [--fanout-callbacks 1000]   # fan-out runs only

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
3. fan-out (``--fanout``): N consoles (each a CallbackSubscriber with its own journal, all in
   this process) on one mosquitto configured like production (default in-flight window 20,
   autosave every second): callbacks/s through the broker, p50/p99 from publish to journal
   commit per console, then the cost of a graceful restart and of a ``kill -9`` of the broker
   with callbacks published at a steady rate across it: how long each console was blind after
   the broker was back, and how many callbacks a console is missing at the end (target 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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
from booth_console.devtools.broker import MosquittoBroker, find_mosquitto  # noqa: E402
from booth_console.journal import Journal  # noqa: E402
from booth_console.listener.mqtt_subscriber import CallbackSubscriber  # noqa: E402
from booth_console.listener.processor import CallbackProcessor, ReceivedCallback  # noqa: E402
from booth_console.listener.samples import signed_example_bytes  # noqa: E402
from booth_console.protocol import jsonutil  # noqa: E402
from booth_console.protocol.endpoints import Endpoint  # noqa: E402
from booth_console.protocol.topics import Topics  # noqa: E402
from booth_console.simulator import lot  # noqa: E402
from booth_console.simulator.server import Simulator, SimulatorConfig  # noqa: E402
from booth_console.simulator.v3.bridge import SimulatorBridge  # noqa: E402
from booth_console.simulator.v3.server import MqttServer  # noqa: E402
from booth_console.transport.mqtt import MqttTransport  # noqa: E402
from booth_console.transport.mqtt_link import MqttLink, make_client_id  # noqa: E402

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


class FanoutConsole:
    """One console of the fan-out run: journal, processor, subscriber, and arrival times."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.arrived: dict[str, float] = {}  # RequestId -> perf_counter at the sink
        self.duplicates_emitted = 0
        self.up_at: list[float] = []
        self.sub: CallbackSubscriber | None = None
        self.journal: Journal | None = None

    async def start(self, cfg: MqttConfig, tmp: Path) -> FanoutConsole:
        self.journal = await Journal.open(tmp / f"fanout-{self.name}.sqlite3")
        processor = CallbackProcessor(app_id=APP_ID, park_key=PARK, app_secret=SECRET,
                                      journal=self.journal, sink=self._sink)
        self.sub = CallbackSubscriber(cfg, park_key=PARK, processor=processor,
                                      client_id=f"booth-cb-fan-{self.name}")
        self.sub.link.on_state(lambda up: self.up_at.append(time.perf_counter()) if up else None)
        await self.sub.start()
        return self

    def _sink(self, cb: ReceivedCallback) -> None:
        key = str(cb.request_id)
        if key in self.arrived:
            self.duplicates_emitted += 1
        else:
            self.arrived[key] = time.perf_counter()

    async def aclose(self) -> None:
        if self.sub is not None:
            await self.sub.aclose()
        if self.journal is not None:
            await self.journal.close()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _signed_bodies(n: int) -> list[tuple[str, bytes]]:
    out = []
    for _ in range(n):
        raw = signed_example_bytes("OnVehicleIn", app_id=APP_ID, park_key=PARK, app_secret=SECRET)
        out.append((str(jsonutil.loads(raw)["RequestId"]), raw))
    return out


async def _wait_all(consoles: list[FanoutConsole], ids: list[str], timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while any(any(i not in c.arrived for i in ids) for c in consoles):
        if time.perf_counter() > deadline:
            return
        await asyncio.sleep(0.02)


async def _steady(pub: MqttLink, topic: str, bodies: list[tuple[str, bytes]], rate: float,
                  sent_at: dict[str, float]) -> None:
    """Publish at ``rate``/s without waiting for PUBACKs (paho queues them during an outage)."""
    started = time.perf_counter()
    for i, (rid, raw) in enumerate(bodies):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent_at[rid] = time.perf_counter()
        pub.publish_nowait(topic, raw, qos=1)


async def bench_fanout(n_consoles: int, tmp: Path, n_callbacks: int) -> dict[str, Any]:
    workdir = tmp / f"fanout-broker-{n_consoles}"
    workdir.mkdir()
    broker = MosquittoBroker(workdir=workdir, autosave_interval=1).start()
    cfg = MqttConfig(host=broker.host, port=broker.port)
    consoles = [await FanoutConsole(f"{n_consoles}-{i}").start(cfg, tmp) for i in range(n_consoles)]
    pub = MqttLink(cfg, client_id=make_client_id("benchlot"), name="bench-lot")
    await pub.start()
    topic = Topics(park_key=PARK, prefix=cfg.topic_prefix).callback("OnVehicleIn")
    result: dict[str, Any] = {"consoles": n_consoles}
    try:
        # 1. throughput and latency: QoS 1 publishes with 100 in flight at the publisher
        bodies = _signed_bodies(n_callbacks)
        sent_at: dict[str, float] = {}
        broker_pid = broker.pid
        cpu_before = _cpu_seconds(broker_pid)
        started = time.perf_counter()
        pending: set[asyncio.Future[None]] = set()
        for rid, raw in bodies:
            sent_at[rid] = time.perf_counter()
            pending.add(asyncio.ensure_future(pub.publish(topic, raw)))
            if len(pending) >= 100:
                _done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        await asyncio.gather(*pending)
        ids = [rid for rid, _ in bodies]
        await _wait_all(consoles, ids, 120)
        last = max(max(c.arrived[i] for i in ids if i in c.arrived) for c in consoles)
        elapsed = last - started
        broker_cpu = _cpu_seconds(broker_pid) - cpu_before
        result["throughput"] = {
            "callbacks": n_callbacks, "elapsed_s": elapsed,
            "callbacks_per_s": n_callbacks / elapsed,
            "deliveries_per_s": n_callbacks * n_consoles / elapsed,
            "missing": sum(1 for c in consoles for i in ids if i not in c.arrived),
            "broker_cpu_s": broker_cpu,
            "broker_cpu_us_per_delivery": broker_cpu / (n_callbacks * n_consoles) * 1e6,
        }
        # 1b. latency at a steady 100 callbacks/s (a busy lot is ~1/s; bursts queue up)
        bodies = _signed_bodies(300)
        sent_at = {}
        await _steady(pub, topic, bodies, 100.0, sent_at)
        ids = [rid for rid, _ in bodies]
        await _wait_all(consoles, ids, 30)
        per_console = []
        for c in consoles:
            lat = [(c.arrived[i] - sent_at[i]) * 1000 for i in ids if i in c.arrived]
            per_console.append({"console": c.name, "received": len(lat), **percentiles(lat)})
        result["latency_100_per_s"] = per_console
        # 2. the cost of a broker restart and of a crash, with traffic at 50/s across it
        for label in ("graceful restart", "kill -9"):
            bodies = _signed_bodies(150)
            sent_at = {}
            traffic = asyncio.ensure_future(_steady(pub, topic, bodies, 50.0, sent_at))
            await asyncio.sleep(1.0)
            for c in consoles:
                c.up_at.clear()
            if label == "kill -9":
                await asyncio.to_thread(broker.wait_saved)
                broker.kill()
            else:
                broker.stop_process()
            await asyncio.sleep(0.5)  # the broker is away half a second
            await asyncio.to_thread(broker.start)
            back = time.perf_counter()
            await traffic
            ids = [rid for rid, _ in bodies]
            await _wait_all(consoles, ids, 30)
            result[label] = [{
                "console": c.name,
                "blind_after_broker_back_s": (c.up_at[0] - back) if c.up_at else None,
                "missing": sum(1 for i in ids if i not in c.arrived),
                "emitted_twice": c.duplicates_emitted,
                "sessions_lost": c.sub.stats.sessions_lost if c.sub else None,
            } for c in consoles]
    finally:
        await pub.aclose()
        for c in consoles:
            await c.aclose()
        broker.stop()
    return result


def fanout_report(runs: list[dict[str, Any]]) -> str:
    lines = ["fan-out: N consoles on one mosquitto (in-flight 20, autosave 1 s), one process",
             f"{'N':>2} {'callbacks/s':>11} {'deliveries/s':>12} {'broker CPU/delivery':>19}  "
             "per console p50/p99 ms, publish -> journal at 100 callbacks/s"]
    for r in runs:
        t = r["throughput"]
        lat = ", ".join(f"{c['p50_ms']:.1f}/{c['p99_ms']:.1f}" for c in r["latency_100_per_s"])
        lines.append(f"{r['consoles']:>2} {t['callbacks_per_s']:11.0f} "
                     f"{t['deliveries_per_s']:12.0f} {t['broker_cpu_us_per_delivery']:16.0f} us  "
                     f"{lat}")
    lines += ["", "broker restart, 150 callbacks at 50/s across it, broker away 0.5 s",
              f"{'N':>2} {'event':16} {'blind after back (max s)':>24} {'missing':>8} "
              f"{'twice':>6} {'sessions lost':>14}"]
    for r in runs:
        for label in ("graceful restart", "kill -9"):
            rows = r[label]
            blind = [x["blind_after_broker_back_s"] for x in rows
                     if x["blind_after_broker_back_s"] is not None]
            lines.append(
                f"{r['consoles']:>2} {label:16} {max(blind) if blind else float('nan'):24.2f} "
                f"{sum(x['missing'] for x in rows):8d} {sum(x['emitted_twice'] for x in rows):6d} "
                f"{sum(x['sessions_lost'] or 0 for x in rows):14d}")
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="booth-bench-mqtt-") as tmp:
        out: dict[str, Any] = {}
        if args.fanout:
            out["fanout"] = [await bench_fanout(int(n), Path(tmp), args.fanout_callbacks)
                             for n in args.fanout.split(",")]
            return out
        with MosquittoBroker() as broker:
            cfg = MqttConfig(host=broker.host, port=broker.port, request_timeout=10.0)
            out["requests"] = await bench_requests(cfg, Path(tmp), args.requests)
            out["callbacks"] = await bench_callbacks(cfg, Path(tmp), args.callbacks)
        return out


def report(out: dict[str, Any]) -> str:
    if "fanout" in out:
        return fanout_report(out["fanout"])
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
    parser.add_argument("--fanout", default="", metavar="N,N,...",
                        help="run only the fan-out benchmark with these console counts (max 8)")
    parser.add_argument("--fanout-callbacks", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    arguments = parser.parse_args()
    if arguments.fanout and max(int(n) for n in arguments.fanout.split(",")) > 8:
        parser.error("--fanout: at most 8 consoles")
    if find_mosquitto() is None:
        sys.exit("mosquitto is not installed")
    result = asyncio.run(main(arguments))
    print(json.dumps(result, indent=2) if arguments.json else report(result))
