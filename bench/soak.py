"""Soak: a compressed 8-hour shift, and whether the console's memory stays flat over it.

    QT_QPA_PLATFORM=offscreen python bench/soak.py [--hours 8] [--hour-s 60] [--traffic 300]
                                                   [--trace] [--details] [--warm-up 2]
                                                   [--max-growth-mb-h 1]

The parking server (the simulator, with ``--traffic`` vehicles per minute: entries, exits,
QR payments, callbacks with capture images) runs in its own process, as on site. The console
runs in this process as ``booth-console run`` does: its session (lane controllers polling,
callback listener on its thread, journal writer, server link), the booth window and one lane
window per lane, offscreen, on the console's loop, with its own garbage-collection policy.
An attendant takes the payment of every vehicle waiting at an exit with a fee (F4, through
the command runner) every ``--pay-every`` seconds.

A simulated hour lasts ``--hour-s`` real seconds; at the end of each, the simulator's clock is
moved on by the rest of the hour (so fees and record times follow an 8-hour shift) and a
sample is printed: RSS, threads, open files, the journal's size on disk (file, WAL, images)
and rows, live Python objects, and what grew most since the previous hour (object counts by
type; with ``--trace`` also tracemalloc's top allocation sites, which slows everything down).

Each sample first gives the C heap's free pages back (glibc ``malloc_trim(0)``), so that RSS
shows what is held, not what the allocator keeps for later. The verdict: growth of resident
anonymous memory less SQLite's own (``sqlite3_memory_used``: the journal's page cache grows
with its file up to SQLite's ``cache_size``) after ``--warm-up`` hours (the feed, message
history and image cache are bounded and fill first), least squares over the hourly samples,
in MB per simulated hour, against ``--max-growth-mb-h``; exit 1 when it is over.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import multiprocessing
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BOOTH_CONSOLE_NO_SOUND", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


# --------------------------------------------------------------------------------------------
# the parking server, in its own process
# --------------------------------------------------------------------------------------------


def _simulator_process(db: str, traffic: float, queue: Any, stop: Any) -> None:
    import logging

    logging.basicConfig(level=logging.CRITICAL)
    from booth_console.simulator import Simulator as simulator
    from booth_console.simulator import SimulatorConfig as sim_config

    async def run() -> None:
        Path(db + ".captures", "CameraCaptures").mkdir(parents=True, exist_ok=True)
        sim = simulator(sim_config(port=0, traffic=traffic, db_path=Path(db)))
        await sim.start()
        queue.put(sim.base_url)
        while not stop.is_set():
            await asyncio.sleep(0.1)
        await sim.stop()

    asyncio.run(run())


# --------------------------------------------------------------------------------------------
# measurements
# --------------------------------------------------------------------------------------------


def _proc_status(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return 0


def _dir_size(path: Path) -> int:
    total = 0
    if path.is_dir():
        for p in path.rglob("*"):
            if p.is_file():
                total += p.stat().st_size
    return total


def _journal_rows(path: Path) -> tuple[int, int]:
    """Rows in the journal, read through a connection of our own (read-only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (conn.execute("SELECT COUNT(*) FROM callbacks").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM actions").fetchone()[0])
    finally:
        conn.close()


def _malloc_trim() -> bool:
    """glibc's ``malloc_trim(0)``: free pages of every malloc arena go back to the system."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError):
        return False
    return True


def _without_pixmap_cache() -> float:
    """RSS (MB) after emptying QPixmapCache and trimming: what the cache held (diagnostic;
    the cache fills again as windows repaint)."""
    from PySide6.QtGui import QPixmapCache

    QPixmapCache.clear()
    _malloc_trim()
    return _proc_status("VmRSS") / 1024


def _sqlite_memory() -> int:
    """Bytes held by SQLite in this process (``sqlite3_memory_used``; 0 if not available)."""
    import ctypes

    try:
        lib = ctypes.CDLL("libsqlite3.so.0")
    except OSError:
        return 0
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    return int(lib.sqlite3_memory_used())


def _pymalloc_arenas() -> int:
    """pymalloc arenas (256 KiB each) in use, from ``sys._debugmallocstats``."""
    import re

    with tempfile.TemporaryFile() as f:
        saved = os.dup(2)
        try:
            os.dup2(f.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        text = f.read().decode("ascii", "replace")
    m = re.search(r"# arenas allocated current\s*=\s*([\d,]+)", text)
    return int(m.group(1).replace(",", "")) if m else 0


def _anon_by_kind() -> dict[str, float]:
    """Resident anonymous memory (MB) by kind of mapping: the main malloc heap, other threads'
    malloc arenas (64 MiB-aligned heaps) and other anonymous mappings (large malloc blocks,
    pymalloc arenas, thread stacks, Qt's image buffers)."""
    out = {"main heap": 0.0, "thread arenas": 0.0, "other anonymous": 0.0}
    kind: str | None = None
    with open("/proc/self/smaps", encoding="ascii", errors="replace") as f:
        for line in f:
            head = line.split()
            if "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
                start = int(head[0].split("-")[0], 16)
                path = head[5] if len(head) > 5 else ""
                if path == "[heap]":
                    kind = "main heap"
                elif path:
                    kind = None
                else:
                    kind = "thread arenas" if start % (64 << 20) == 0 else "other anonymous"
            elif head[0] == "Rss:" and kind is not None:
                out[kind] += int(head[1]) / 1024
    return out


def _type_counts() -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for obj in gc.get_objects():
        counts[type(obj).__qualname__] += 1
    return counts


class Sampler:
    """One line per simulated hour; object growth by type (and allocation site with tracing)."""

    def __init__(self, journal: Path, trace: bool, details: bool = False) -> None:
        self.journal = journal
        self.trace = trace
        self.details = details
        self.rows: list[dict[str, Any]] = []
        self._types: collections.Counter[str] | None = None
        self._snapshot: Any = None

    async def sample(self, hour: int, session: Any) -> dict[str, Any]:
        gc.collect()  # what survives a full collection: real growth, not garbage
        callbacks, actions = await asyncio.get_running_loop().run_in_executor(
            None, _journal_rows, self.journal)
        size = sum(p.stat().st_size for p in (self.journal, Path(str(self.journal) + "-wal"))
                   if p.exists())
        images = _dir_size(Path(str(self.journal) + ".images"))
        types = _type_counts()
        rss = _proc_status("VmRSS") / 1024
        trimmed = _malloc_trim()
        row = {
            "hour": hour,
            "rss_mb": rss,
            # after giving the C heap's free pages back (``--trim``): what is really held
            "trimmed_mb": _proc_status("VmRSS") / 1024 if trimmed else None,
            # and also after emptying Qt's global pixmap cache
            "no_pixmaps_mb": _without_pixmap_cache() if trimmed else None,
            "hwm_mb": _proc_status("VmHWM") / 1024,
            "anon_mb": _proc_status("RssAnon") / 1024,
            "file_mb": _proc_status("RssFile") / 1024,
            "threads": len(os.listdir("/proc/self/task")),
            "fds": len(os.listdir("/proc/self/fd")),
            "journal_mb": size / 1e6,
            "images_mb": images / 1e6,
            "callbacks": callbacks,
            "actions": actions,
            "objects": sum(types.values()),
            "sqlite_mb": _sqlite_memory() / 1e6,
            "arenas": _pymalloc_arenas(),
            "py_mb": (tracemalloc.get_traced_memory()[0] / 1e6) if self.trace else None,
        }
        self.rows.append(row)
        traced = f"  traced {row['py_mb']:.1f} MB" if self.trace else ""
        trim = (f", {row['trimmed_mb']:.1f} after malloc_trim, {row['no_pixmaps_mb']:.1f} "
                f"without QPixmapCache" if row["trimmed_mb"] else "")
        trim += f"; anonymous {row['anon_mb']:.1f}, files {row['file_mb']:.1f}"
        if self.details:
            trim += " (" + ", ".join(f"{k} {v:.1f}" for k, v in _anon_by_kind().items()) + ")"
        print(f"hour {hour}: RSS {row['rss_mb']:.1f} MB{trim} (peak {row['hwm_mb']:.1f})  threads "
              f"{row['threads']}  open files {row['fds']}  journal {row['journal_mb']:.1f} MB "
              f"+ images {row['images_mb']:.1f} MB  rows: {callbacks} callbacks, {actions} "
              f"actions  objects {row['objects']}  pymalloc arenas {row['arenas']}  SQLite heap "
              f"{row['sqlite_mb']:.1f} MB{traced}", flush=True)
        if self._types is not None:
            grew = [(t, n - self._types.get(t, 0)) for t, n in types.items()]
            grew = sorted((g for g in grew if g[1] > 0), key=lambda g: -g[1])[:8]
            print("    objects grown: " + (", ".join(f"{t} +{n}" for t, n in grew) or "none"))
        self._types = types
        if self.trace:
            self._new_weakrefs()
            snap = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)])
            if self._snapshot is not None:
                for stat in snap.compare_to(self._snapshot, "lineno")[:8]:
                    if stat.size_diff > 0:
                        frame = stat.traceback[0]
                        print(f"    +{stat.size_diff / 1024:.0f} KiB ({stat.count_diff:+d}) "
                              f"{frame.filename}:{frame.lineno}")
            self._snapshot = snap
        return row


    def _new_weakrefs(self) -> None:
        """What the weak references made since the last hour point to, and their callbacks."""
        import weakref

        refs = {id(o): o for o in gc.get_objects() if type(o) is weakref.ReferenceType}
        seen = getattr(self, "_weakref_ids", None)
        self._weakref_ids = set(refs)
        if seen is None:
            return
        kinds: collections.Counter[str] = collections.Counter()
        for key in set(refs) - seen:
            ref = refs[key]
            target = ref()
            callback = getattr(ref, "__callback__", None)
            kinds[f"{type(target).__qualname__} (callback "
                  f"{getattr(callback, '__qualname__', type(callback).__qualname__)})"] += 1
        if kinds:
            print("    new weak references: " + ", ".join(
                f"{k} x{n}" for k, n in kinds.most_common(5)))


def _slope(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


# --------------------------------------------------------------------------------------------
# the shift
# --------------------------------------------------------------------------------------------


async def _attendant(session: Any, every: float, stats: dict[str, int]) -> None:
    """Takes the payment of each vehicle waiting at an exit with a fee (as F4 does)."""
    from booth_console.app import commands as cmd

    while True:
        await asyncio.sleep(every)
        for ctl in list(session.booth.controllers.values()):
            order = ctl.order
            if order is None or not order.order_no or order.charge <= 0:
                continue
            payment = cmd.PaymentInput(order_no=order.order_no, amount_due=order.amount_due,
                                       received=order.amount_due)
            out = await session.runner.run(ctl.lane_no, "confirm_payment", cmd.confirm_payment,
                                           ctl, payment)
            stats["paid" if out.ok else "not_paid"] += 1


async def soak(args: argparse.Namespace) -> list[dict[str, Any]]:
    import httpx
    from PySide6.QtCore import QSettings

    from booth_console.app.gc_guard import GuiThreadCollector
    from booth_console.app.lane import PollTiming
    from booth_console.app.session import Session
    from booth_console.config import BoothConfig, Config, ListenerConfig, ServerConfig
    from booth_console.simulator import DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_PARK_KEY
    from booth_console.ui.booth_window import BoothWindow
    from booth_console.ui.console import Console

    collector = GuiThreadCollector()
    tmp = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    app_id, secret, park_key = DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_PARK_KEY
    mp = multiprocessing.get_context("spawn")
    sim_queue: Any = mp.Queue()
    sim_stop = mp.Event()
    sim_proc = mp.Process(target=_simulator_process,
                          args=(str(tmp / "sim.db"), args.traffic, sim_queue, sim_stop))
    sim_proc.start()
    loop = asyncio.get_running_loop()
    base_url = await loop.run_in_executor(None, sim_queue.get, True, 60)
    control = httpx.AsyncClient(base_url=base_url, timeout=10.0)
    booth_cfg = BoothConfig(operator="soak", attention_sound=False)
    journal_path = tmp / "journal.sqlite3"
    cfg = Config(
        server=ServerConfig(base_url=base_url, app_id=app_id, app_secret=secret, park_key=park_key),
        listener=ListenerConfig(host="127.0.0.1", port=0, journal=str(journal_path)),
        booth=booth_cfg,
    )
    session = await Session.create(cfg, register=True, timing=PollTiming.from_config(booth_cfg))
    if session.operators is not None:  # a staffed booth: windows not covered
        from booth_console.devtools.demo import sign_on_demo

        await sign_on_demo(session.operators, "soak")
    settings = QSettings(str(tmp / "windows.ini"), QSettings.Format.IniFormat)
    booth_window = BoothWindow("soak", settings)
    console = Console(booth_window, booth_cfg, settings)
    if not args.no_windows:
        console.bind(session)
        booth_window.show()
    sampler = Sampler(journal_path, args.trace, args.details)
    stats: dict[str, int] = collections.Counter()
    attendant: asyncio.Task[None] | None = None
    try:
        await session.booth.start()
        attendant = loop.create_task(_attendant(session, args.pay_every, stats))
        print(f"soak: {args.hours} simulated hours of {args.hour_s:.0f} s, traffic "
              f"{args.traffic:.0f} vehicles/min, {len(console.lane_windows)} lane windows; "
              f"data in {tmp}", flush=True)
        if args.trace:
            tracemalloc.start(1)
        await sampler.sample(0, session)
        for hour in range(1, args.hours + 1):
            started = time.monotonic()
            await asyncio.sleep(args.hour_s)
            rest = 60 - (time.monotonic() - started) / 60
            if rest > 0:
                await control.post("/Sim/Clock", json={"Minutes": rest})
            await sampler.sample(hour, session)
    finally:
        if attendant is not None:
            attendant.cancel()
        console.close_all()
        await session.aclose()
        await control.aclose()
        sim_stop.set()
        sim_proc.join(15)
        collector.stop()
        if not args.keep_data:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"attendant: {stats['paid']} payments confirmed, {stats['not_paid']} not "
          f"(amount changed, vehicle gone, ...)")
    return sampler.rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=8, help="simulated hours (default 8)")
    parser.add_argument("--hour-s", type=float, default=60.0,
                        help="real seconds per simulated hour (default 60)")
    parser.add_argument("--traffic", type=float, default=300.0,
                        help="vehicles per minute at the simulator (default 300)")
    parser.add_argument("--pay-every", type=float, default=5.0,
                        help="seconds between the attendant's rounds of the exits")
    parser.add_argument("--trace", action="store_true",
                        help="tracemalloc: top allocation sites per hour (slow)")
    parser.add_argument("--no-windows", action="store_true",
                        help="the session only, no windows (to tell UI growth from the rest)")
    parser.add_argument("--keep-data", action="store_true",
                        help="keep the journal and the simulator's database afterwards")
    parser.add_argument("--details", action="store_true",
                        help="also resident anonymous memory by kind of mapping (smaps)")
    parser.add_argument("--warm-up", type=int, default=2,
                        help="simulated hours left out of the verdict (bounded caches fill)")
    parser.add_argument("--max-growth-mb-h", type=float, default=1.0,
                        help="growth per simulated hour after warm-up that fails the run")
    args = parser.parse_args()

    import logging

    logging.basicConfig(level=logging.ERROR)
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["bench-soak"])
    app.setQuitOnLastWindowClosed(False)
    from booth_console.app.qtloop import ConsoleEventLoop

    with asyncio.Runner(loop_factory=lambda: ConsoleEventLoop(app)) as runner:
        rows = runner.run(soak(args))
    after = [r for r in rows if r["hour"] >= max(1, args.warm_up)]
    hours = [float(r["hour"]) for r in after]
    rss = _slope(hours, [r["rss_mb"] for r in after])
    # what the process really holds (free heap pages given back first), less SQLite's own
    # memory: the journal's page cache grows with its file up to SQLite's cache_size
    held = _slope(hours, [r["anon_mb"] - r["sqlite_mb"] for r in after])
    sqlite_mb = _slope(hours, [r["sqlite_mb"] for r in after])
    objects = _slope(hours, [float(r["objects"]) for r in after])
    fds = after[-1]["fds"] - after[0]["fds"] if after else 0
    threads = after[-1]["threads"] - after[0]["threads"] if after else 0
    journal = _slope(hours, [r["journal_mb"] for r in after])
    ok = held <= args.max_growth_mb_h
    print(f"after warm-up (hours {hours[0]:.0f}-{args.hours}): resident anonymous memory less "
          f"SQLite {held:+.2f} MB/h (target <= {args.max_growth_mb_h} MB/h) "
          f"{'OK' if ok else 'MISSED'}; RSS {rss:+.2f} MB/h; SQLite {sqlite_mb:+.2f} MB/h; "
          f"objects {objects:+.0f}/h; open files {fds:+d}; threads {threads:+d}; journal file "
          f"{journal:+.2f} MB/h")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
