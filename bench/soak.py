"""Soak: a compressed 8-hour shift, and whether the console's memory stays flat over it.

    QT_QPA_PLATFORM=offscreen python bench/soak.py [--hours 8] [--hour-s 60] [--traffic 300]
                                                   [--trace] [--details] [--warm-up 2]
                                                   [--max-growth-mb-h 0.5]
                                                   [--no-heap-trimmer] [--probe-trim] ...

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

The sample also gives glibc's view of the C heap (``mallinfo2``: obtained, in use, free, in
mappings of their own; and each malloc arena's size and free bytes); ``--details`` adds the
resident memory of each malloc heap with the threads that allocate from it. The bench does
not trim the heap itself (``--probe-trim`` does, as a diagnostic that changes the curve): RSS
is what the booth PC sees, with whatever the console does about it (``app/memory.py``;
``--no-heap-trimmer`` leaves it out, as before it existed).

The verdict, for the target "no growth after warm-up beyond the journal's own rows": growth
of RSS less SQLite's own memory (``sqlite3_memory_used``: the journal's page cache grows with
its file up to SQLite's ``cache_size``) after ``--warm-up`` hours (the feed, message history
and image cache are bounded and fill first), least squares over the hourly samples, in MB per
simulated hour, against ``--max-growth-mb-h``; exit 1 when it is over. docs/MEMORY.md has the
findings and the curves.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import ctypes
import ctypes.util
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


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name and sys.platform.startswith("linux") else None


def _mallinfo() -> dict[str, float]:
    """glibc's ``mallinfo2`` over all arenas (MB): ``heap`` obtained from the system by
    brk/arenas, ``in_use`` of it, ``free`` in it, ``mmapped`` large blocks."""
    libc = _libc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        return {}
    libc.mallinfo2.restype = _MallInfo2
    m = libc.mallinfo2()
    return {"heap": m.arena / 1e6, "in_use": m.uordblks / 1e6, "free": m.fordblks / 1e6,
            "mmapped": m.hblkhd / 1e6}


def _malloc_arenas() -> list[tuple[int, float, float]]:
    """Per malloc arena (glibc ``malloc_info``): number, MB obtained from the system, MB free
    in it. Arena 0 is the main heap (brk); the others belong to threads."""
    import re

    libc = _libc()
    if libc is None:
        return []
    libc.open_memstream.restype = ctypes.c_void_p
    libc.open_memstream.argtypes = [ctypes.POINTER(ctypes.c_void_p),
                                    ctypes.POINTER(ctypes.c_size_t)]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    libc.free.argtypes = [ctypes.c_void_p]
    buf, size = ctypes.c_void_p(), ctypes.c_size_t()
    fp = libc.open_memstream(ctypes.byref(buf), ctypes.byref(size))
    libc.malloc_info(0, fp)
    libc.fclose(fp)
    text = ctypes.string_at(buf, size.value).decode("ascii", "replace")
    libc.free(buf)
    out = []
    for m in re.finditer(r'<heap nr="(\d+)">(.*?)</heap>', text, re.S):
        body = m.group(2)
        current = re.search(r'<system type="current" size="(\d+)"', body)
        free = sum(int(x) for x in re.findall(r'<total type="(?:fast|rest)" count="\d+" '
                                               r'size="(\d+)"', body))
        out.append((int(m.group(1)), int(current.group(1)) / 1e6 if current else 0.0,
                    free / 1e6))
    return out


def _mallopt(arena_max: int, mmap_threshold: int) -> None:
    """Allocator experiments: ``mallopt(M_ARENA_MAX)`` / ``mallopt(M_MMAP_THRESHOLD)``."""
    libc = _libc()
    if libc is None:
        return
    m_mmap_threshold, m_arena_max = -3, -8
    if arena_max:
        libc.mallopt(m_arena_max, arena_max)
    if mmap_threshold:
        libc.mallopt(m_mmap_threshold, mmap_threshold)


async def _trim_every(seconds: float, times: list[float]) -> None:
    """Allocator experiment: ``malloc_trim(0)`` from the loop every ``seconds``."""
    while True:
        await asyncio.sleep(seconds)
        t0 = time.perf_counter()
        _malloc_trim()
        times.append((time.perf_counter() - t0) * 1000)


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


_HEAP_ALIGN = 64 << 20  # glibc's HEAP_MAX_SIZE on 64-bit: a thread arena's heaps are aligned


def _heap_of_this_thread(libc: Any) -> int:
    """The 64 MiB-aligned heap (or 0: the main heap) that this thread's malloc serves from.
    (Small blocks can come from the thread's cache of blocks it freed, whatever their arena.)"""
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    ptr = libc.malloc(4000)  # above tcache's sizes: from this thread's own arena
    libc.free(ptr)
    base = int(ptr or 0) & ~(_HEAP_ALIGN - 1)
    with open("/proc/self/maps", encoding="ascii", errors="replace") as f:
        for line in f:
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            if lo <= int(ptr or 0) < hi:
                return 0 if line.rstrip().endswith("[heap]") else base
    return base


async def _arena_owners(session: Any) -> dict[int, list[str]]:
    """Which threads allocate from which heap: a malloc on each thread the bench can reach
    (the journal's writer, every other asyncio loop, every worker pool), keyed by heap."""
    import concurrent.futures
    import threading

    libc = _libc()
    if libc is None:
        return {}
    owners: dict[int, list[str]] = collections.defaultdict(list)

    def probe() -> None:
        owners[_heap_of_this_thread(libc)].append(threading.current_thread().name)

    probe()
    waits: list[Any] = []
    journal = getattr(getattr(session, "ctx", None), "journal", None)
    if journal is not None and hasattr(journal, "_submit"):
        waits.append(journal._submit(lambda _conn: probe()))
    here = asyncio.get_running_loop()
    # what start-up made is frozen out of gc.get_objects() (app/gc_guard.py): name it
    transport = getattr(getattr(session, "client", None), "transport", None)
    ready = getattr(transport, "_ready", None)
    stack = getattr(session, "stack", None)
    known = [getattr(getattr(stack, "listener", None), "_net_loop", None),
             ready.result()[0] if ready is not None and ready.done() else None,
             getattr(getattr(session, "images", None), "_pool", None),
             getattr(here, "_default_executor", None)]
    for obj in [o for o in known if o is not None] + gc.get_objects():
        if isinstance(obj, asyncio.AbstractEventLoop) and obj is not here and obj.is_running():
            fut: concurrent.futures.Future[None] = concurrent.futures.Future()

            def on_loop(f: concurrent.futures.Future[None] = fut) -> None:
                probe()
                f.set_result(None)

            obj.call_soon_threadsafe(on_loop)
            waits.append(asyncio.wrap_future(fut))
        elif isinstance(obj, concurrent.futures.ThreadPoolExecutor) and obj._threads:
            barrier = threading.Barrier(len(obj._threads), timeout=2)

            def job(b: threading.Barrier = barrier) -> None:
                probe()
                with contextlib.suppress(threading.BrokenBarrierError):
                    b.wait()  # one job per worker thread

            waits.extend(asyncio.wrap_future(obj.submit(job)) for _ in obj._threads)
    await asyncio.wait([asyncio.ensure_future(w) for w in waits], timeout=5)
    return owners


def _heap_rss() -> dict[int, float]:
    """Resident MB per malloc heap: 0 for [heap], else the 64 MiB-aligned base."""
    out: dict[int, float] = collections.defaultdict(float)
    key: int | None = None
    with open("/proc/self/smaps", encoding="ascii", errors="replace") as f:
        for line in f:
            head = line.split()
            if "-" in head[0] and not head[0].endswith(":"):
                start = int(head[0].split("-")[0], 16)
                path = head[5] if len(head) > 5 else ""
                key = 0 if path == "[heap]" else (
                    start if not path and start % _HEAP_ALIGN == 0 else None)
            elif head[0] == "Rss:" and key is not None:
                out[key] += int(head[1]) / 1024
    return out


def _type_counts() -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for obj in gc.get_objects():
        counts[type(obj).__qualname__] += 1
    return counts


class Sampler:
    """One line per simulated hour; object growth by type (and allocation site with tracing)."""

    def __init__(self, journal: Path, trace: bool, details: bool = False,
                 probe_trim: bool = False) -> None:
        self.journal = journal
        self.probe_trim = probe_trim
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
        mall = _mallinfo()
        arenas = _malloc_arenas()
        row = {
            "hour": hour,
            "rss_mb": _proc_status("VmRSS") / 1024,
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
            "malloc": mall,
            "malloc_arenas": arenas,
            "trimmed_mb": None,
            "trim_ms": None,
        }
        if self.probe_trim:
            # diagnostic only: what the allocator holds free (this changes the later curve)
            t0 = time.perf_counter()
            if _malloc_trim():
                row["trim_ms"] = (time.perf_counter() - t0) * 1000
                row["trimmed_mb"] = _proc_status("VmRSS") / 1024
        self.rows.append(row)
        traced = f"  traced {row['py_mb']:.1f} MB" if self.trace else ""
        extra = f"; anonymous {row['anon_mb']:.1f}, files {row['file_mb']:.1f}"
        if row["trimmed_mb"] is not None:
            extra += f", {row['trimmed_mb']:.1f} after malloc_trim ({row['trim_ms']:.1f} ms)"
        if self.details:
            extra += " (" + ", ".join(f"{k} {v:.1f}" for k, v in _anon_by_kind().items()) + ")"
        print(f"hour {hour}: RSS {row['rss_mb']:.1f} MB{extra} (peak {row['hwm_mb']:.1f})  "
              f"threads {row['threads']}  open files {row['fds']}  journal "
              f"{row['journal_mb']:.1f} MB + images {row['images_mb']:.1f} MB  rows: {callbacks} "
              f"callbacks, {actions} actions  objects {row['objects']}  pymalloc arenas "
              f"{row['arenas']}  SQLite heap {row['sqlite_mb']:.1f} MB{traced}", flush=True)
        if mall:
            print("    malloc: " + ", ".join(f"{k} {v:.1f}" for k, v in mall.items())
                  + " MB; arenas (MB from system/free): " + ", ".join(
                      f"#{n} {cur:.1f}/{free:.1f}" for n, cur, free in arenas), flush=True)
        if self.details:
            owners = await _arena_owners(session)
            heaps = _heap_rss()
            print("    heaps (resident MB, threads): " + ", ".join(
                f"{'main' if base == 0 else hex(base)} {heaps.get(base, 0.0):.1f} "
                f"[{', '.join(sorted(set(owners.get(base, []))))}]"
                for base in sorted(heaps)), flush=True)
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

    _mallopt(args.mallopt_arena_max, args.mmap_threshold)
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
    from booth_console.app import memory
    from booth_console.app import session as session_module

    if args.no_heap_trimmer:  # as consoles before app/memory.py: no mallopt, no trim
        setattr(session_module, "HeapTrimmer", lambda *_a, **_k: None)  # noqa: B010
    if args.heap_trimmer_every:
        memory.TRIM_EVERY_S = args.heap_trimmer_every
    session = await Session.create(cfg, register=True, timing=PollTiming.from_config(booth_cfg))
    heap_trimmer = session.memory
    if session.operators is not None:  # a staffed booth: windows not covered
        from booth_console.devtools.demo import sign_on_demo

        await sign_on_demo(session.operators, "soak")
    settings = QSettings(str(tmp / "windows.ini"), QSettings.Format.IniFormat)
    booth_window = BoothWindow("soak", settings)
    console = Console(booth_window, booth_cfg, settings)
    if not args.no_windows:
        console.bind(session)
        booth_window.show()
    sampler = Sampler(journal_path, args.trace, args.details, args.probe_trim)
    stats: dict[str, int] = collections.Counter()
    attendant: asyncio.Task[None] | None = None
    trimmer: asyncio.Task[None] | None = None
    trim_ms: list[float] = []
    try:
        await session.booth.start()
        attendant = loop.create_task(_attendant(session, args.pay_every, stats))
        if args.trim_every:
            trimmer = loop.create_task(_trim_every(args.trim_every, trim_ms))
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
        for task in (attendant, trimmer):
            if task is not None:
                task.cancel()
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
    if heap_trimmer is not None and heap_trimmer.calls:
        print(f"console's heap trimmer: {heap_trimmer.calls} calls, last "
              f"{heap_trimmer.last_ms:.2f} ms, max {heap_trimmer.max_ms:.2f} ms")
    if trim_ms:
        trim_ms.sort()
        print(f"malloc_trim every {args.trim_every:.0f} s: {len(trim_ms)} calls, median "
              f"{trim_ms[len(trim_ms) // 2]:.2f} ms, max {trim_ms[-1]:.2f} ms")
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
    parser.add_argument("--no-heap-trimmer", action="store_true",
                        help="the console without app/memory.py (no mallopt, no trim)")
    parser.add_argument("--heap-trimmer-every", type=float, default=0.0,
                        help="the console's trim interval in seconds (default: its own)")
    parser.add_argument("--probe-trim", action="store_true",
                        help="malloc_trim(0) after each sample, to show what the allocator "
                             "holds free (changes the later curve)")
    parser.add_argument("--trim-every", type=float, default=0.0,
                        help="experiment: malloc_trim(0) from the loop every N real seconds")
    parser.add_argument("--mallopt-arena-max", type=int, default=0,
                        help="experiment: mallopt(M_ARENA_MAX, N) at start")
    parser.add_argument("--mmap-threshold", type=int, default=0,
                        help="experiment: mallopt(M_MMAP_THRESHOLD, BYTES) at start")
    parser.add_argument("--warm-up", type=int, default=2,
                        help="simulated hours left out of the verdict (bounded caches fill)")
    parser.add_argument("--max-growth-mb-h", type=float, default=0.5,
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
    print("\nhour  RSS MB  less SQLite  SQLite  malloc heap/in use/free/mmapped  "
          "main arena  thread arenas  objects  threads  files  journal MB  rows")
    for r in rows:
        m = r["malloc"]
        alloc = (f"{m['heap']:6.1f}/{m['in_use']:5.1f}/{m['free']:5.1f}/{m['mmapped']:5.1f}"
                 if m else " " * 26)
        main_arena = sum(cur for n, cur, _f in r["malloc_arenas"] if n == 0)
        threads_arenas = sum(cur for n, cur, _f in r["malloc_arenas"] if n != 0)
        print(f"{r['hour']:4d}  {r['rss_mb']:6.1f}  {r['rss_mb'] - r['sqlite_mb']:11.1f}  "
              f"{r['sqlite_mb']:6.1f}  {alloc:>32}  {main_arena:10.1f}  {threads_arenas:13.1f}  "
              f"{r['objects']:7d}  {r['threads']:7d}  {r['fds']:5d}  {r['journal_mb']:10.1f}  "
              f"{r['callbacks'] + r['actions']}")
    after = [r for r in rows if r["hour"] >= max(1, args.warm_up)]
    hours = [float(r["hour"]) for r in after]
    rss = _slope(hours, [r["rss_mb"] for r in after])
    # The target: no growth after warm-up beyond the journal's own rows. The rows live on
    # disk; what they cost in this process is SQLite's page cache, which grows with the file
    # up to cache_size (sqlite3_memory_used). So: RSS as the booth PC sees it (the bench
    # gives nothing back to the system itself, unless --probe-trim), less SQLite's memory.
    held = _slope(hours, [r["rss_mb"] - r["sqlite_mb"] for r in after])
    sqlite_mb = _slope(hours, [r["sqlite_mb"] for r in after])
    objects = _slope(hours, [float(r["objects"]) for r in after])
    fds = after[-1]["fds"] - after[0]["fds"] if after else 0
    threads = after[-1]["threads"] - after[0]["threads"] if after else 0
    journal = _slope(hours, [r["journal_mb"] for r in after])
    total = ((after[-1]["rss_mb"] - after[-1]["sqlite_mb"])
             - (after[0]["rss_mb"] - after[0]["sqlite_mb"])) if after else 0.0
    ok = held <= args.max_growth_mb_h
    print(f"after warm-up (hours {hours[0]:.0f}-{args.hours}): RSS less SQLite {held:+.2f} MB/h "
          f"({total:+.1f} MB in all; target <= {args.max_growth_mb_h} MB/h) "
          f"{'OK' if ok else 'MISSED'}; RSS {rss:+.2f} MB/h; SQLite {sqlite_mb:+.2f} MB/h; "
          f"objects {objects:+.0f}/h; open files {fds:+d}; threads {threads:+d}; journal file "
          f"{journal:+.2f} MB/h")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
