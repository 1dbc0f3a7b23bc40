"""Stress: the demo's traffic with many lane pollers and slow answers; no lane may go stale.

The simulator runs on a thread and loop of its own (so that "the server answers" does not
depend on the console's loop) with live traffic, callbacks to the console's listener, and
answers slowed by its fault control (``SlowMs``, changed every few seconds, always well under
the console's request timeout and its stale threshold). The console runs as in ``demo``: its
session (listener, journal, server link, booth service), the booth window and one window per
lane, on the console's loop; extra pollers are added so that ``--lanes`` lanes poll at once (the
simulator has 4 lanes: the extra ones poll the same lanes again).

Reported: how many times a lane went stale or offline (both must be 0: the server answered all
along), the longest time each lane went without an answer, the loop's stalls (callbacks queued
over a second), the largest lateness of a 50 ms Qt timer, and how long quitting took (the
session's orderly shutdown; the console's limit is 3 s).

Run: ``QT_QPA_PLATFORM=offscreen python bench/stress.py --minutes 10 [--lanes 8]
[--traffic 60] [--slow 0,200,500,1000]``; it exits 1 when a lane went stale or offline or
quitting took 3 s or more. ``tests/app/test_stress.py`` runs the same for 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BOOTH_CONSOLE_NO_SOUND", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUIT_LIMIT_S = 3.0


@dataclasses.dataclass
class StressReport:
    """What a stress run measured."""

    seconds: float
    lanes: int
    polls: int = 0
    stale_events: dict[str, int] = dataclasses.field(default_factory=dict)
    offline_events: dict[str, int] = dataclasses.field(default_factory=dict)
    max_gap_s: dict[str, float] = dataclasses.field(default_factory=dict)
    loop_stalls: int = 0
    max_qt_lateness_ms: float = 0.0
    slow_ms_used: list[int] = dataclasses.field(default_factory=list)
    callbacks: int = 0
    quit_s: float = 0.0

    @property
    def ok(self) -> bool:
        """No lane went stale or offline, and quitting took less than the limit."""
        return (not any(self.stale_events.values()) and not any(self.offline_events.values())
                and self.quit_s < QUIT_LIMIT_S)


class SimulatorThread:
    """The simulator with traffic on its own thread and loop."""

    def __init__(self, data_dir: Path, traffic: float) -> None:
        self.data_dir = data_dir
        self.traffic = traffic
        self.sim: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._started = threading.Event()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="simulator", daemon=True)

    def start(self) -> Any:
        self._thread.start()
        if not self._started.wait(30):
            raise RuntimeError("the simulator did not start")
        if self._error is not None:
            raise self._error
        return self.sim

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run ``fn`` on the simulator's loop."""
        assert self.loop is not None
        self.loop.call_soon_threadsafe(lambda: fn(*args, **kwargs))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    def _main(self) -> None:
        from booth_console.simulator import Simulator as simulator
        from booth_console.simulator import SimulatorConfig as config

        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            captures = self.data_dir / "sim.db.captures" / "CameraCaptures"
            captures.mkdir(parents=True, exist_ok=True)
            self.sim = simulator(config(port=0, traffic=self.traffic,
                                        db_path=self.data_dir / "sim.db"))
            await self.sim.start()
            self._started.set()
            while not self._stop.is_set():
                await asyncio.sleep(0.05)
            await self.sim.stop()

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported by start()
            self._error = exc
            self._started.set()


async def stress(
    data_dir: Path,
    seconds: float,
    *,
    lanes: int = 8,
    traffic: float = 60.0,
    slow_ms: tuple[int, ...] = (0, 200, 500, 1000),
    change_every_s: tuple[float, float] = (3.0, 8.0),
    windows: bool = True,
    progress: Callable[[str], None] | None = None,
) -> StressReport:
    """Run the stress for ``seconds`` on the running (console) loop; return what it measured."""
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from booth_console.app.lane import LaneController
    from booth_console.app.session import Session
    from booth_console.config import BoothConfig, Config, ListenerConfig, ServerConfig
    from booth_console.simulator import DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_PARK_KEY

    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setQuitOnLastWindowClosed(False)  # as the console does: closing windows is not quit
    report = StressReport(seconds=seconds, lanes=lanes)
    simulator = SimulatorThread(data_dir, traffic)
    sim = simulator.start()
    app_id, secret, park_key = DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_PARK_KEY
    cfg = Config(
        server=ServerConfig(base_url=sim.base_url, app_id=app_id, app_secret=secret,
                            park_key=park_key),
        listener=ListenerConfig(host="127.0.0.1", port=0, register_callbacks=True,
                                journal=str(data_dir / "journal.sqlite3")),
        booth=BoothConfig(operator="stress", attention_sound=False),
    )
    session = None
    console = None
    extra: list[LaneController] = []
    lateness = {"last": time.perf_counter(), "max": 0.0}

    def tick() -> None:
        now = time.perf_counter()
        lateness["max"] = max(lateness["max"], now - lateness["last"] - 0.05)
        lateness["last"] = now

    meter = QTimer()
    meter.setInterval(50)
    meter.timeout.connect(tick)
    try:
        session = await Session.create(cfg, register=True)
        if session.operators is not None:  # a staffed booth: windows not covered
            from booth_console.devtools.demo import sign_on_demo

            await sign_on_demo(session.operators, "stress")
        if windows:
            from booth_console.ui.booth_window import BoothWindow
            from booth_console.ui.console import Console

            settings = QSettings(str(data_dir / "windows.ini"), QSettings.Format.IniFormat)
            booth_window = BoothWindow("stress", settings)
            console = Console(booth_window, cfg.booth, settings)
            console.bind(session)
            booth_window.show()
        controllers = await asyncio.wait_for(session.booth.start(), 30)
        base = list(controllers)
        while len(base) + len(extra) < lanes:  # more pollers on the same lanes
            info = base[len(extra) % len(base)].lane
            ctl = LaneController(session.client, info, timing=session.booth.timing,
                                 parent=session.booth)
            ctl.start()
            extra.append(ctl)
        pollers = {f"{c.lane_no}" if i < len(base) else f"{c.lane_no}+{i // len(base)}": c
                   for i, c in enumerate(base + extra)}
        offline = {name: 0 for name in pollers}

        def watch(name: str, ctl: LaneController) -> None:
            def on_link(snap: Any) -> None:
                if not snap.online:
                    offline[name] += 1
            ctl.link_changed.connect(on_link)

        for name, ctl in pollers.items():
            watch(name, ctl)
            ctl.max_gap_s = 0.0
        lateness["last"] = time.perf_counter()
        meter.start()
        loop = asyncio.get_running_loop()
        started = loop.time()
        next_report = started + 60
        # every delay comes up once in each round of len(slow_ms) changes, in a random order,
        # so even a short run meets the slow ones
        schedule: list[int] = []
        while loop.time() - started < seconds:
            if not schedule:
                schedule = random.sample(list(slow_ms), len(slow_ms))
            chosen = schedule.pop()
            report.slow_ms_used.append(chosen)
            simulator.call(sim.set_fault, slow_ms=chosen)
            await asyncio.sleep(random.uniform(*change_every_s))
            if progress is not None and loop.time() >= next_report:
                next_report += 60
                progress(f"{(loop.time() - started) / 60:.0f} min: polls "
                         f"{sum(c.polls for c in pollers.values())}, stale "
                         f"{sum(c.stale_events for c in pollers.values())}, offline "
                         f"{sum(offline.values())}, worst gap "
                         f"{max(c.max_gap_s for c in pollers.values()):.2f} s")
        meter.stop()  # quitting happens with the last slow answers still in flight
        report.polls = sum(c.polls for c in pollers.values())
        report.stale_events = {n: c.stale_events for n, c in pollers.items()}
        report.offline_events = offline
        report.max_gap_s = {n: round(c.max_gap_s, 3) for n, c in pollers.items()}
        report.loop_stalls = int(getattr(loop, "_stalls", 0))
        report.max_qt_lateness_ms = round(lateness["max"] * 1000, 1)
        report.callbacks = session.stack.listener.stats.accepted if session.stack else 0
    finally:
        meter.stop()
        quit_started = time.monotonic()
        for ctl in extra:
            await ctl.stop()
        if console is not None:
            console.close_all()
        if session is not None:
            await session.aclose()
        report.quit_s = round(time.monotonic() - quit_started, 2)
        simulator.stop()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--lanes", type=int, default=8)
    parser.add_argument("--traffic", type=float, default=60.0, help="vehicles per minute")
    parser.add_argument("--slow", default="0,200,500,1000",
                        help="SlowMs values to pick from (ms, comma-separated)")
    parser.add_argument("--no-windows", action="store_true")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from booth_console.app.gc_guard import GuiThreadCollector
    from booth_console.app.qtloop import ConsoleEventLoop

    app = QApplication.instance() or QApplication([sys.argv[0]])
    collector = GuiThreadCollector(app)
    slow = tuple(int(x) for x in args.slow.split(",") if x.strip())
    with (tempfile.TemporaryDirectory(prefix="booth-stress-") as tmp,
          asyncio.Runner(loop_factory=lambda: ConsoleEventLoop(app)) as runner):
        report = runner.run(stress(
            Path(tmp), args.minutes * 60, lanes=args.lanes, traffic=args.traffic,
            slow_ms=slow, windows=not args.no_windows,
            progress=lambda line: print(line, flush=True)))
    collector.stop()
    out = dataclasses.asdict(report)
    out["ok"] = report.ok
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
