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


async def _stage(sim: Any) -> None:
    """Park a few vehicles and bring one to the first exit lane with a fee to pay."""
    import inspect

    async def call(fn: Any, *a: Any) -> Any:
        result = fn(*a)
        return await result if inspect.isawaitable(result) else result

    try:
        await call(sim.arrive, "3", "沪A7K913")
        await call(sim.pass_barrier, "3")
        # parked since 137 minutes ago, the simulated clock staying on the wall clock
        await call(sim.seed_in_park, "粤BD2468", 137, "1")
        await call(sim.arrive, "2", "粤BD2468")
    except Exception:
        log.warning("could not stage the demo vehicles", exc_info=True)


def _simulator_api() -> tuple[Any, Any, tuple[str, str, str]]:
    """The simulator class, its config class and the default AppId/AppSecret/ParkKey."""
    import importlib

    sim_pkg: Any = importlib.import_module("booth_console.simulator")
    if not hasattr(sim_pkg, "Simulator"):
        sim_pkg = importlib.import_module("booth_console.simulator.server")
    lot: Any = importlib.import_module("booth_console.simulator.lot")
    defaults = (
        getattr(sim_pkg, "DEFAULT_APP_ID", lot.DEFAULT_APP_ID),
        getattr(sim_pkg, "DEFAULT_APP_SECRET", lot.DEFAULT_APP_SECRET),
        getattr(sim_pkg, "DEFAULT_PARK_KEY", lot.DEFAULT_PARK_KEY),
    )
    return sim_pkg.Simulator, sim_pkg.SimulatorConfig, defaults


def run(args: argparse.Namespace) -> int:
    """Run the demo; returns the exit code."""
    from booth_console.config import BoothConfig, Config, ListenerConfig, ServerConfig

    folder = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="booth-console-demo-"))
    lanes = tuple(x.strip() for x in args.lanes.split(",") if x.strip()) if args.lanes else ()
    base_cfg = Config(
        listener=ListenerConfig(host="127.0.0.1", port=args.listener_port, register_callbacks=True,
                                journal=str(folder / "journal.sqlite3")),
        booth=BoothConfig(lanes=lanes, operator=args.operator, language=args.lang or ""),
    )

    async def factory() -> tuple[Any, Any]:
        import dataclasses

        from booth_console.app.session import Session

        Simulator, SimulatorConfig, defaults = _simulator_api()
        db = folder / "simulator.db"
        (folder / "simulator.db.captures" / "CameraCaptures").mkdir(parents=True, exist_ok=True)
        sim = Simulator(SimulatorConfig(port=args.port, traffic=args.traffic, db_path=db))
        await sim.start()
        cfg = dataclasses.replace(base_cfg, server=ServerConfig(
            base_url=sim.base_url, app_id=defaults[0], app_secret=defaults[1], park_key=defaults[2],
        ))
        mqtt_cleanup: Any = None
        note = ""
        if args.transport == "mqtt":
            try:
                from booth_console.mqtt.demo_support import start_demo_mqtt  # type: ignore[import-not-found,unused-ignore]

                started = await start_demo_mqtt(sim, cfg)
                cfg, mqtt_cleanup = started if isinstance(started, tuple) else (started, None)
            except Exception as exc:
                note = _tr("MQTT is unavailable ({error}); using HTTP V2.0.").format(error=exc)
                log.warning(note)
        try:
            session = await Session.create(cfg, register=True)
        except BaseException:
            await sim.stop()
            raise
        if note:
            session.messages.warning(note)
        session.messages.info(
            _tr("Demo: simulator at {url}, {n} vehicles/min. Data in {folder}").format(
                url=sim.base_url, n=f"{args.traffic:g}", folder=folder)
        )
        if not args.no_stage:
            import asyncio

            asyncio.get_running_loop().create_task(_stage(sim))

        async def cleanup() -> None:
            if mqtt_cleanup is not None:
                await mqtt_cleanup()
            await sim.stop()

        return session, cleanup

    from booth_console.ui.bootstrap import ConsoleRun, run_console

    return run_console(ConsoleRun(
        cfg=base_cfg, data_dir=folder, session_factory=factory, language=args.lang or "",
        exit_after=args.exit_after,
        screenshot_dir=Path(args.screenshot_dir) if args.screenshot_dir else None,
        verbose=args.verbose,
    ))
