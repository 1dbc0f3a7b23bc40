"""``booth-console demo``: the console against the built-in simulator, with live traffic.

No configuration file: the simulator starts in-process on the same qasync loop, a callback
listener starts on an ephemeral port and is registered with the simulator (``SetCallbackParams``),
and the console is configured against both. A vehicle is staged at the first exit lane so the
payment flow can be tried at once. ``--screenshot-dir DIR --exit-after SECONDS`` saves every
window as PNG and exits 0.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "run"]

log = logging.getLogger("booth_console.demo")


def _tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Demo", text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``booth-console demo``."""
    parser.add_argument("--port", type=int, default=0,
                        help="simulator port (default 0: any free port; 8888 is the document's)")
    parser.add_argument("--listener-port", type=int, default=0, help="callback listener port (default: any)")
    parser.add_argument("--traffic", type=float, default=6.0, metavar="N",
                        help="simulated vehicles per minute (default 6; 0 for none)")
    parser.add_argument("--misread-rate", type=float, default=0.3, metavar="R",
                        help="share of exits whose plate the camera misreads (default 0.3)")
    parser.add_argument("--no-entry-rate", type=float, default=0.1, metavar="R",
                        help="share of exits by vehicles without an entry record (default 0.1)")
    parser.add_argument("--lanes", help="comma-separated lane numbers to open windows for (default: all)")
    parser.add_argument("--operator", default="demo", help="attendant name (default: demo)")
    parser.add_argument("--lang", choices=("en", "zh_CN"), help="language (default: the system locale)")
    parser.add_argument("--transport", choices=("http", "mqtt"), default="http",
                        help="talk to the simulator over HTTP V2.0 (default) or MQTT V3.0")
    parser.add_argument("--data-dir", metavar="DIR", help="journal, log, window positions (default: a temp dir)")
    parser.add_argument("--no-stage", action="store_true",
                        help="do not stage a vehicle waiting at the first exit lane")
    parser.add_argument("--exit-after", type=float, metavar="SECONDS", help="stop after this many seconds")
    parser.add_argument("--screenshot-dir", metavar="DIR", help="save every window as PNG before exiting")
    parser.add_argument("--verbose", "-v", action="store_true", help="log debug messages to stderr")


#: flat fee of the demo site for a vehicle without an entry record
DEMO_NO_ENTRY_FEE = 20.0
_TASKS: set[Any] = set()


def _keep(task: Any) -> None:
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


async def _open_find_entry(wait_s: float = 30.0) -> None:
    """For the screenshots: open find entry (F8) at the lane where the demo staged a misread
    plate, once that lane shows the vehicle (``find-entry.png``)."""
    import asyncio

    from PySide6.QtWidgets import QApplication

    from booth_console.devtools.demo import MISREAD_LANE
    from booth_console.ui.lane_window import LaneWindow

    loop = asyncio.get_running_loop()
    end = loop.time() + wait_s
    while loop.time() < end:
        await asyncio.sleep(0.25)
        for win in QApplication.topLevelWidgets():
            order = win.ctl.order if isinstance(win, LaneWindow) else None
            # the misread: a plate read at the exit that no in-lot order has (no OrderNo)
            if isinstance(win, LaneWindow) and win.ctl.lane_no == MISREAD_LANE and \
                    order is not None and order.plate and not order.order_no:
                await asyncio.sleep(0.5)  # the exit capture arrives with the callback
                await win.invoke("find_entry")
                return


def run(args: argparse.Namespace) -> int:
    """Run the demo; returns the exit code."""
    import sys

    from booth_console.config import BoothConfig, Config, ListenerConfig

    for name in ("misread_rate", "no_entry_rate"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            print(f"booth-console demo: --{name.replace('_', '-')} must be between 0 and 1",
                  file=sys.stderr)
            return 2
    folder = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="booth-console-demo-"))
    lanes = tuple(x.strip() for x in args.lanes.split(",") if x.strip()) if args.lanes else ()
    base_cfg = Config(
        listener=ListenerConfig(host="127.0.0.1", port=args.listener_port, register_callbacks=True,
                                journal=str(folder / "journal.sqlite3")),
        booth=BoothConfig(lanes=lanes, operator=args.operator, language=args.lang or "",
                          no_entry_fee=DEMO_NO_ENTRY_FEE),
    )

    async def factory() -> tuple[Any, Any]:
        from booth_console.app.session import Session
        from booth_console.devtools.demo import DemoBackend, stage, stage_misread

        backend = await DemoBackend.start(base_cfg, folder, port=args.port, traffic=args.traffic,
                                          misread_rate=args.misread_rate,
                                          no_entry_rate=args.no_entry_rate)
        note = ""
        if args.transport == "mqtt":
            try:
                await backend.use_mqtt()
            except Exception as exc:
                note = _tr("MQTT is unavailable ({error}); using HTTP V2.0.").format(error=exc)
                log.warning(note)
        try:
            session = await Session.create(backend.cfg, register=True)
        except BaseException:
            await backend.aclose()
            raise
        if note:
            session.messages.warning(note)
        session.messages.info(
            _tr("Demo: simulator at {url}, {n} vehicles/min. Data in {folder}").format(
                url=backend.sim.base_url, n=f"{args.traffic:g}", folder=folder)
        )
        from booth_console.devtools.demo import DEMO_FLOAT, DEMO_SUPERVISOR, sign_on_demo

        # the shift first: signing on with no shift open would offer one
        if session.shifts is not None and session.shifts.current is None:
            from decimal import Decimal

            from booth_console.app.shifts import ShiftError

            try:
                await session.shifts.open_shift(args.operator, Decimal(DEMO_FLOAT))
                session.messages.info(_tr(
                    "Demo: a shift is open with a float of ¥{float}; close it with the booth "
                    "window's Shift button for the cash-up and the report.").format(
                    float=DEMO_FLOAT))
            except ShiftError as exc:
                session.messages.warning(str(exc))
        if session.operators is not None:
            if await sign_on_demo(session.operators, args.operator):
                session.messages.info(_tr(
                    "Demo: signed on as “{name}” (attendant) by itself; the supervisor “{boss}” "
                    "approves. Passwords: docs/OPERATORS.md.").format(
                    name=args.operator, boss=DEMO_SUPERVISOR[0]))
            else:
                session.messages.warning(_tr(
                    "Demo: “{name}” could not be signed on by itself: sign on at the booth "
                    "window.").format(name=args.operator))
        if not args.no_stage:
            import asyncio

            async def stage_all() -> None:
                await stage(backend.sim)  # the misread comes to the lane the opening used
                await stage_misread(backend.sim)

            _keep(asyncio.get_running_loop().create_task(stage_all()))
            if args.screenshot_dir:
                _keep(asyncio.get_running_loop().create_task(_open_find_entry()))

        return session, backend.aclose

    from booth_console.ui.bootstrap import ConsoleRun, run_console

    return run_console(ConsoleRun(
        cfg=base_cfg, data_dir=folder, session_factory=factory, language=args.lang or "",
        exit_after=args.exit_after,
        screenshot_dir=Path(args.screenshot_dir) if args.screenshot_dir else None,
        verbose=args.verbose,
    ))
