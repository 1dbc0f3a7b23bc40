"""Benchmark: the console's callback listener against a bare aiohttp handler, in one run.

    python bench/callbacks.py [--n 5000] [--concurrency 50] [--rate 200] [--seconds 5]
    python bench/callbacks.py --compare-with ../main    # before/after in the same rounds

Two servers run as child processes, one after the other, each measured the same way:

* **listener**: the real thing on the qasync loop with a live (offscreen) window:
  ``CallbackListener`` (llhttp connections, ``listener/http.py``) -> ``CallbackProcessor`` (envelope checks, signature, model validation,
  duplicate/replay checks) -> ``Journal`` (SQLite WAL, batched commits on the writer thread,
  ``synchronous=FULL``) -> ``CallbackHub`` signals -> a slot updating a label in the window;
* **bare**: an aiohttp handler on plain asyncio (no Qt) that parses the JSON with number
  literals kept and verifies the signature with our protocol code, and writes nothing.

Measured for each: throughput with ``--concurrency`` callbacks in flight, server CPU time per
callback (user+sys of the server process, all threads), p50/p99 latency at ``--rate``
callbacks/s (open loop), and for the listener the longest Qt event-loop stall during a burst of
2,000 callbacks (a 1 ms precise QTimer records the longest gap between its ticks). The load
generator is a minimal keep-alive HTTP/1.1 client on raw asyncio streams, so it costs far less
than the servers.

``BENCH_SERVER_CPUS=0`` runs each server on the given cores only (``os.sched_setaffinity``; the
load generator stays free), to see what threads on different cores cost.

``BENCH_TRACE=1`` prints, for every probe gap over 8 ms, the hand-overs to the Qt thread (and
garbage collections) that overlapped it.

Targets (issue 4): throughput >= 0.6x bare, CPU per callback <= 1.6x bare, p99 < 20 ms at
200/s, Qt stall <= 16 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

APP_ID = "benchapp"
PARK_KEY = "1772492942362538"
SECRET = "bench-secret-0123456789"
KIND = "OnVehicleIn"
PATH = "/API/V2/OnVehicleIn"


# --------------------------------------------------------------------------------------------
# servers (child processes)
# --------------------------------------------------------------------------------------------


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def _thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds (user+sys) of each thread of a process, by thread id (Linux /proc)."""
    out: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        out[tid] = (int(fields[11]) + int(fields[12])) / tick
    return out


async def _stdin_closed() -> None:
    """Return once the parent closes our stdin (how the benchmark stops a server)."""
    import threading

    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    threading.Thread(target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(done.set)),
                     daemon=True).start()
    await done.wait()


async def _control_app(extra: dict[str, Any]) -> tuple[Any, int]:
    """A tiny control server: GET /cpu, POST /stall/start, GET /stall/stop."""
    from aiohttp import web

    async def cpu(_r: web.Request) -> web.Response:
        if "settle" in extra:  # let every accepted callback reach the window first
            await extra["settle"]()
        return web.json_response({"cpu": _cpu(), **{k: v() for k, v in extra.get("info", {}).items()}})

    async def stall_start(_r: web.Request) -> web.Response:
        extra["stall_start"]()
        return web.json_response({})

    async def stall_stop(_r: web.Request) -> web.Response:
        return web.json_response({"stall_ms": extra["stall_stop"]()})

    app = web.Application()
    app.router.add_get("/cpu", cpu)
    app.router.add_post("/stall/start", stall_start)
    app.router.add_get("/stall/stop", stall_stop)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1]


async def _serve_bare_llhttp() -> None:
    """The bare handler on the listener's own HTTP layer (``listener/http.py``): what is left
    between it and the listener is the listener's own work (checks, journal, hand-off to Qt)."""
    from booth_console.listener.http import Answer, ConnectionPool
    from booth_console.protocol import jsonutil
    from booth_console.protocol.callbacks import CALLBACK_KINDS
    from booth_console.protocol.signing import verify_envelope

    ok = jsonutil.dumps_bytes({"ResultCode": 200, "ResultMsg": "Operation successful"})
    bad = jsonutil.dumps_bytes({"ResultCode": 1001, "ResultMsg": "signature mismatch"})
    kind = next(k for k in CALLBACK_KINDS if k.name == KIND)

    class Bare:
        max_body_bytes = 16 * 1024 * 1024
        idle_timeout_s = 15.0
        body_timeout_s = 30.0

        def check_head(self, method: bytes, path: str, remote: str, length: int | None) -> Any:
            return kind

        async def answer(self, _kind: Any, raw: bytes, remote: str) -> Answer:
            env = jsonutil.loads(raw)
            good = isinstance(env, dict) and verify_envelope(env, SECRET)
            return 200, ok if good else bad

        async def busy(self, _kind: Any, remote: str) -> Answer:
            return 503, bad

        def bad_request(self, remote: str, status: int, what: str) -> None:
            pass

    loop = asyncio.get_running_loop()
    pool = ConnectionPool(Bare(), loop, 256, min_age_s=0.5, trim_delay_s=0.02)  # type: ignore[arg-type]
    server = await loop.create_server(pool, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    ctl, ctl_port = await _control_app({"stall_start": lambda: None, "stall_stop": lambda: 0.0})
    print(f"READY {port} {ctl_port}", flush=True)
    await _stdin_closed()
    await ctl.cleanup()
    server.close()
    await pool.close(1.0)


async def _serve_bare(lowlevel: bool = False) -> None:
    from aiohttp import web

    from booth_console.protocol import jsonutil
    from booth_console.protocol.signing import verify_envelope

    ok = jsonutil.dumps_bytes({"ResultCode": 200, "ResultMsg": "Operation successful"})
    bad = jsonutil.dumps_bytes({"ResultCode": 1001, "ResultMsg": "signature mismatch"})

    async def handle(request: web.BaseRequest) -> web.Response:
        raw = await request.read()
        env = jsonutil.loads(raw)
        good = isinstance(env, dict) and verify_envelope(env, SECRET)
        return web.Response(body=ok if good else bad, content_type="application/json")

    runner: web.BaseRunner
    if lowlevel:  # aiohttp's low-level server (no Application, router)
        runner = web.ServerRunner(web.Server(handle, access_log=None), handle_signals=False)
    else:
        app = web.Application()
        app.router.add_post("/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    ctl, ctl_port = await _control_app({"stall_start": lambda: None, "stall_stop": lambda: 0.0})
    print(f"READY {port} {ctl_port}", flush=True)
    await _stdin_closed()
    await ctl.cleanup()
    await runner.cleanup()


def _serve_listener(journal_dir: str, plain_gc: bool) -> None:
    import gc
    import threading

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    window = QMainWindow()
    label = QLabel("waiting for callbacks")
    window.setCentralWidget(label)
    window.resize(480, 120)
    window.show()

    async def main() -> None:
        from booth_console.app.callbacks import CallbackHub
        from booth_console.journal import Journal
        from booth_console.listener.processor import CallbackProcessor
        from booth_console.listener.server import CallbackListener

        journal = await Journal.open(Path(journal_dir) / "journal.sqlite3")
        hub = CallbackHub()
        count = 0
        last: list[Any] = [None]
        refresh = QTimer()
        refresh.setSingleShot(True)
        refresh.setInterval(50)

        def repaint() -> None:
            cb = last[0]
            label.setText(f"{count} callbacks; last {cb.data.license_plate_number} "
                          f"at lane {cb.data.entry_lane_no}")

        refresh.timeout.connect(repaint)

        def on_vehicle_in(cb: Any) -> None:
            nonlocal count
            count += 1
            last[0] = cb
            if not refresh.isActive():
                refresh.start()

        hub.vehicle_in.connect(on_vehicle_in)
        processor = CallbackProcessor(app_id=APP_ID, park_key=PARK_KEY, app_secret=SECRET,
                                      journal=journal)
        hub.attach(processor)
        listener = CallbackListener(processor, host="127.0.0.1", port=0)
        await listener.start()

        collector = QTimer()
        if not plain_gc:  # the GC policy the console's main() should have
            gc.collect()
            gc.freeze()
            gc.disable()
            collector.setInterval(1000)
            def collect() -> None:
                t0 = time.perf_counter()
                gc.collect(1)
                events.append(("gc", t0, time.perf_counter()))

            collector.timeout.connect(collect)
            collector.start()

        probe = QTimer()
        probe.setTimerType(Qt.TimerType.PreciseTimer)
        probe.setInterval(1)
        gaps = {"last": 0.0, "max": 0.0}

        events: list[tuple[str, float, float]] = []
        if os.environ.get("BENCH_TRACE"):
            orig_drain = processor._drain_handoff

            def drain() -> None:
                t0 = time.perf_counter()
                n = len(processor._handoff)
                orig_drain()
                events.append((f"drain{n}", t0, time.perf_counter()))

            processor._drain_handoff = drain  # type: ignore[method-assign]

        def tick() -> None:
            now = time.perf_counter()
            gap = now - gaps["last"]
            if gap > 0.008 and os.environ.get("BENCH_TRACE"):
                near = [(n, round((a - gaps['last']) * 1000, 1), round((b - a) * 1000, 1))
                        for n, a, b in events if b >= gaps["last"] - 0.001 and a <= now]
                print(f"gap {gap*1000:.1f} ms: {near}", file=sys.stderr, flush=True)
            if len(events) > 1000:
                del events[:500]
            gaps["max"] = max(gaps["max"], gap)
            gaps["last"] = now

        probe.timeout.connect(tick)

        def stall_start() -> None:
            gaps["last"] = time.perf_counter()
            gaps["max"] = 0.0
            probe.start()

        def stall_stop() -> float:
            probe.stop()
            return max(0.0, gaps["max"] * 1000 - 1.0)

        ctl, ctl_port = await _control_app({
            "stall_start": stall_start, "stall_stop": stall_stop, "settle": processor.dispatched,
            "info": {"batches": lambda: journal.batches, "jobs": lambda: journal.jobs,
                     "emitted": lambda: count, "main_tid": threading.get_native_id,
                     "journal_tid": lambda: journal._thread.native_id if journal._thread else 0,
                     "listener_tid": lambda: (listener._thread.native_id
                                              if listener._thread else 0)},
        })
        print(f"READY {listener.port} {ctl_port}", flush=True)
        await _stdin_closed()
        await ctl.cleanup()
        await listener.stop()
        await journal.close()
        window.close()

    from booth_console.app.qtloop import ConsoleEventLoop  # the console's loop

    with asyncio.Runner(loop_factory=ConsoleEventLoop) as runner:
        runner.run(main())


# --------------------------------------------------------------------------------------------
# load generator
# --------------------------------------------------------------------------------------------


def _request(port: int, body: bytes) -> bytes:
    head = (f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("ascii") + body


class Conn:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Conn:
        r, w = await asyncio.open_connection("127.0.0.1", port)
        return cls(r, w)

    async def call(self, request: bytes) -> int:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        payload = await self.reader.readexactly(length)
        return int(json.loads(payload)["ResultCode"])

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


def _bodies(n: int) -> list[bytes]:
    from booth_console.listener.samples import signed_example_bytes

    return [signed_example_bytes(KIND, app_id=APP_ID, park_key=PARK_KEY, app_secret=SECRET)
            for _ in range(n)]


async def _get(port: int, path: str, method: str = "GET") -> dict[str, Any]:
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .encode())
    data = await r.read()
    w.close()
    await w.wait_closed()
    return dict(json.loads(data.split(b"\r\n\r\n", 1)[1]))


async def _closed_loop(port: int, requests: list[bytes], concurrency: int) -> tuple[float, list[int]]:
    conns = [await Conn.open(port) for _ in range(concurrency)]
    it = iter(requests)
    codes: list[int] = []

    async def worker(c: Conn) -> None:
        for req in it:
            codes.append(await c.call(req))

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    wall = time.perf_counter() - t0
    for c in conns:
        await c.close()
    return wall, codes


async def _open_loop(port: int, requests: list[bytes], rate: float) -> list[float]:
    """Send at a fixed rate; each request on a free connection; returns latencies (s)."""
    pool: asyncio.Queue[Conn] = asyncio.Queue()
    conns = [await Conn.open(port) for _ in range(16)]
    for c in conns:
        pool.put_nowait(c)
    latencies: list[float] = []
    tasks = []

    async def one(req: bytes, due: float) -> None:
        c = await pool.get()
        code = await c.call(req)
        latencies.append(time.perf_counter() - due)
        pool.put_nowait(c)
        assert code == 200, code

    start = time.perf_counter()
    for i, req in enumerate(requests):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(req, due)))
    await asyncio.gather(*tasks)
    for c in conns:
        await c.close()
    return latencies


def _start(kind: str, tmp: str, plain_gc: bool,
           root: str | None = None) -> tuple[subprocess.Popen[str], int, int]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    script = __file__
    if root is not None:  # another checkout's code (and its own copy of this script)
        env["PYTHONPATH"] = root
        script = str(Path(root) / "bench" / "callbacks.py")
    extra = ["--plain-gc"] if plain_gc else []
    pin = os.environ.get("BENCH_SERVER_CPUS")  # e.g. "0": the servers on that core only
    if pin:
        extra_pin = {"preexec_fn": lambda: os.sched_setaffinity(0, {int(c) for c in pin.split(",")})}
    else:
        extra_pin = {}
    proc = subprocess.Popen([sys.executable, script, "--serve", kind, "--dir", tmp, *extra],
                            **extra_pin,  # type: ignore[call-overload]
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    if not line or line[0] != "READY":
        proc.kill()
        raise SystemExit(f"{kind} server did not start")
    return proc, int(line[1]), int(line[2])


async def _measure(kind: str, args: argparse.Namespace, tmp: str,
                   root: str | None = None) -> dict[str, float]:
    proc, port, ctl = _start(kind, tmp, args.plain_gc, root)
    try:
        # warm-up
        await _closed_loop(port, [_request(port, b) for b in _bodies(300)], args.concurrency)
        # throughput and CPU per callback
        reqs = [_request(port, b) for b in _bodies(args.n)]
        cpu0 = _thread_cpu(proc.pid)
        wall, codes = await _closed_loop(port, reqs, args.concurrency)
        cpu1 = _thread_cpu(proc.pid)
        assert codes.count(200) == args.n, f"{kind}: {len(codes) - codes.count(200)} not 200"
        # latency at a fixed rate
        lat_reqs = [_request(port, b) for b in _bodies(int(args.rate * args.seconds))]
        lat = sorted(await _open_loop(port, lat_reqs, args.rate))
        # burst with the Qt stall probe
        burst = [_request(port, b) for b in _bodies(2000)]
        await _get(ctl, "/stall/start", "POST")
        burst_wall, burst_codes = await _closed_loop(port, burst, args.concurrency)
        stall = (await _get(ctl, "/stall/stop"))["stall_ms"]
        assert burst_codes.count(200) == 2000
        info = await _get(ctl, "/cpu")
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    per_thread = {tid: (cpu1[tid] - cpu0.get(tid, 0.0)) / args.n * 1e6 for tid in cpu1}
    result = {
        "throughput": args.n / wall,
        "cpu_us": sum(per_thread.values()),
        "p50_ms": statistics.median(lat) * 1000,
        "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
        "burst_per_s": 2000 / burst_wall,
        "stall_ms": float(stall),
    }
    if "jobs" in info:
        result["qt_thread_us"] = per_thread.get(str(info["main_tid"]), 0.0)
        result["journal_thread_us"] = per_thread.get(str(info["journal_tid"]), 0.0)
        result["net_thread_us"] = per_thread.get(str(info["listener_tid"]), 0.0)
        result["rows_per_commit"] = info["jobs"] / max(1, info["batches"])
        expected = 300 + args.n + len(lat_reqs) + 2000
        result["emitted_ok"] = float(info["emitted"] == expected)
    return result


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


async def _bench(args: argparse.Namespace) -> int:
    bare_runs: list[dict[str, float]] = []
    listener_runs: list[dict[str, float]] = []
    qasync_runs: list[dict[str, float]] = []
    lowlevel_runs: list[dict[str, float]] = []
    llhttp_runs: list[dict[str, float]] = []
    other_runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="booth-bench-") as tmp:
        for i in range(args.rounds):
            journal_dir = Path(tmp) / f"round{i}"
            journal_dir.mkdir()
            bare_runs.append(await _measure("bare", args, tmp))
            listener_runs.append(await _measure("listener", args, str(journal_dir)))
            if args.qasync_bare:
                qasync_runs.append(await _measure("bare-qasync", args, tmp))
            if args.lowlevel_bare:
                lowlevel_runs.append(await _measure("bare-lowlevel", args, tmp))
            if args.llhttp_bare:
                llhttp_runs.append(await _measure("bare-llhttp", args, tmp))
            if args.compare_with:
                other_dir = Path(tmp) / f"other{i}"
                other_dir.mkdir()
                other_runs.append(await _measure("listener", args, str(other_dir),
                                                 args.compare_with))
    bare, listener = _median(bare_runs), _median(listener_runs)
    print(f"Callbacks: {args.n} with {args.concurrency} in flight; latency at {args.rate:g}/s for "
          f"{args.seconds:g} s; burst of 2000; median of {args.rounds} alternating rounds; "
          f"CPUs: {os.cpu_count()}; GC: {'default' if args.plain_gc else 'GUI-thread only'}")
    print(f"{'':32}{'bare aiohttp':>14}{'listener+Qt':>14}{'ratio':>9}   (medians)")
    rows = [("throughput (callbacks/s)", "throughput", "{:.0f}"),
            ("CPU per callback (us)", "cpu_us", "{:.0f}"),
            (f"p50 latency @{args.rate:g}/s (ms)", "p50_ms", "{:.2f}"),
            (f"p99 latency @{args.rate:g}/s (ms)", "p99_ms", "{:.2f}"),
            ("burst rate (callbacks/s)", "burst_per_s", "{:.0f}")]
    ratios: dict[str, float] = {}
    for title, key, fmt in rows:
        # the median of the per-round ratios: both servers of a round saw the same machine load
        ratios[key] = statistics.median(
            lr[key] / br[key] for lr, br in zip(listener_runs, bare_runs, strict=True))
        print(f"{title:32}{fmt.format(bare[key]):>14}{fmt.format(listener[key]):>14}"
              f"{ratios[key]:>8.2f}x")
    for title, key in (("  Qt (GUI) thread", "qt_thread_us"),
                       ("  listener network thread", "net_thread_us"),
                       ("  journal writer thread", "journal_thread_us")):
        print(f"{title + ' (us)':32}{'-':>14}{listener[key]:>14.0f}")
    stalls = ", ".join(f"{r['stall_ms']:.1f}" for r in listener_runs)
    print(f"{'max Qt-loop stall, burst (ms)':32}{'-':>14}{listener['stall_ms']:>14.1f}"
          f"   (each round: {stalls})")
    print(f"{'journal rows per commit':32}{'-':>14}{listener['rows_per_commit']:>14.1f}")
    checks = [
        ("throughput >= 0.6x bare", ratios["throughput"] >= 0.6),
        ("CPU per callback <= 1.6x bare", ratios["cpu_us"] <= 1.6),
        (f"p99 < 20 ms at {args.rate:g}/s", listener["p99_ms"] < 20),
        ("Qt stall <= 16 ms in the burst", listener["stall_ms"] <= 16),
        ("every callback emitted exactly once",
         all(r["emitted_ok"] == 1.0 for r in listener_runs)),
    ]
    for name, ok in checks:
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}")
    if qasync_runs:
        print("The bare handler on a qasync loop (no journal, no signals), against the same on "
              "plain asyncio:")
        for title, key, _fmt in rows[:2]:
            ratio = statistics.median(
                q[key] / b[key] for q, b in zip(qasync_runs, bare_runs, strict=True))
            print(f"  {title:30}{_median(qasync_runs)[key]:>10.0f}{ratio:>8.2f}x")
    if other_runs:
        print(f"The listener of {args.compare_with}, measured in the same rounds:")
        for title, key, fmt in [*rows[:2], ("network thread (us)", "net_thread_us", "{:.0f}"),
                                ("max Qt-loop stall, burst (ms)", "stall_ms", "{:.1f}")]:
            of_bare = ""
            if key in bare_runs[0] and key != "stall_ms":
                ratio = statistics.median(
                    o[key] / b[key] for o, b in zip(other_runs, bare_runs, strict=True))
                of_bare = f"{ratio:>8.2f}x of bare;"
            vs = statistics.median(
                lr[key] / o[key] for lr, o in zip(listener_runs, other_runs, strict=True))
            print(f"  {title:30}{fmt.format(_median(other_runs)[key]):>10}{of_bare:>19}"
                  f" this listener {vs:.2f}x of it")
        stalls = ", ".join(f"{o['stall_ms']:.1f}" for o in other_runs)
        print(f"  (its Qt-loop stall in each round: {stalls})")
    for runs, what in ((lowlevel_runs, "on aiohttp's low-level server"),
                       (llhttp_runs, "on the listener's own HTTP layer (listener/http.py)")):
        if not runs:
            continue
        print(f"The bare handler {what}, and the listener against it:")
        for title, key, _fmt in rows[:2]:
            ratio = statistics.median(
                q[key] / b[key] for q, b in zip(runs, bare_runs, strict=True))
            vs = statistics.median(
                lr[key] / q[key] for lr, q in zip(listener_runs, runs, strict=True))
            print(f"  {title:30}{_median(runs)[key]:>10.0f}{ratio:>8.2f}x of bare;"
                  f" listener {vs:.2f}x of it")
    return 0 if all(ok for _, ok in checks) else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=4000, help="callbacks for the throughput run")
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument("--rate", type=float, default=200.0, help="callbacks/s for the latency run")
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds (medians reported)")
    p.add_argument("--plain-gc", action="store_true",
                   help="leave Python's default GC on in the listener process")
    p.add_argument("--qasync-bare", action="store_true",
                   help="also measure the bare handler on a qasync loop (why the listener has "
                        "its own network thread)")
    p.add_argument("--compare-with", metavar="CHECKOUT",
                   help="also measure the listener of another checkout (e.g. the main branch) "
                        "in the same rounds")
    p.add_argument("--lowlevel-bare", action="store_true",
                   help="also measure the bare handler on aiohttp's low-level server")
    p.add_argument("--llhttp-bare", action="store_true",
                   help="also measure the bare handler on the listener's own HTTP layer (what "
                        "the listener's checks, journal and hand-off cost on top)")
    p.add_argument("--serve", choices=("bare", "bare-qasync", "bare-lowlevel", "bare-llhttp",
                                       "listener"),
                   help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.serve == "bare":
        asyncio.run(_serve_bare())
        return 0
    if args.serve == "bare-lowlevel":
        asyncio.run(_serve_bare(lowlevel=True))
        return 0
    if args.serve == "bare-llhttp":
        asyncio.run(_serve_bare_llhttp())
        return 0
    if args.serve == "bare-qasync":
        import qasync
        from PySide6.QtWidgets import QApplication

        QApplication(sys.argv[:1])
        with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
            runner.run(_serve_bare())
        return 0
    if args.serve == "listener":
        _serve_listener(args.dir, args.plain_gc)
        return 0
    return asyncio.run(_bench(args))


if __name__ == "__main__":
    sys.exit(main())
