"""``booth-console simulate``: run the parking server simulator until Ctrl+C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from booth_console.simulator.lot import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_PARK_KEY,
    DEFAULT_PORT,
)

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``booth-console simulate``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to listen on (default {DEFAULT_PORT}; 0 = any free port)")
    parser.add_argument("--app-id", default=DEFAULT_APP_ID, help="AppId clients must use")
    parser.add_argument("--app-secret", default=DEFAULT_APP_SECRET,
                        help="AppSecret for signatures (default: the demo secret)")
    parser.add_argument("--park-key", default=DEFAULT_PARK_KEY, help="ParkKey of the lot")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the seeded lot")
    parser.add_argument("--traffic", type=float, default=0.0, metavar="VEHICLES_PER_MINUTE",
                        help="simulated arrivals and departures per minute (0 = none)")
    parser.add_argument("--misread-rate", type=float, default=0.0, metavar="R",
                        help="share (0-1) of traffic exits the camera misreads (look-alike, "
                             "last character, province or city, other, unreadable)")
    parser.add_argument("--no-entry-rate", type=float, default=0.0, metavar="R",
                        help="share (0-1) of traffic exits by vehicles without an entry record")
    parser.add_argument("--db", type=Path, default=None, metavar="FILE",
                        help="SQLite file to keep the state in (default: temporary)")
    parser.add_argument("--public-url", default=None,
                        help="base URL used in capture image links (default http://HOST:PORT)")
    parser.add_argument("--image-base64", action="store_true",
                        help="send capture images as Base64 in callbacks")
    mqtt = parser.add_argument_group(
        "V3.0 over MQTT",
        "with --mqtt-host the simulator also serves V3.0 through that broker: requests on "
        "{prefix}/{ParkKey}/request, answers on {prefix}/{ParkKey}/response/{AppId}, every "
        "callback kind published to {prefix}/{ParkKey}/callback/{Route}")
    mqtt.add_argument("--mqtt-host", default=None, metavar="HOST",
                      help="MQTT broker to serve V3.0 through (default: HTTP only)")
    mqtt.add_argument("--mqtt-port", type=int, default=1883, metavar="PORT",
                      help="broker port (default 1883)")
    mqtt.add_argument("--mqtt-username", default="", metavar="USER", help="broker user name")
    mqtt.add_argument("--mqtt-password-env", default=None, metavar="VAR",
                      help="environment variable holding the broker password")
    mqtt.add_argument("--mqtt-tls", action="store_true", help="connect to the broker with TLS")
    mqtt.add_argument("--topic-prefix", default="parking", metavar="PREFIX",
                      help="first level of the MQTT topics (default parking)")
    mqtt.add_argument("--callback-interval", type=int, default=1000, metavar="MS",
                      help="Interval of the callbacks switched on towards the broker (default 1000)")


def _make_gui_app() -> Any:
    """An offscreen QGuiApplication so capture images can show the plate text."""
    try:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtGui import QGuiApplication

        return QGuiApplication.instance() or QGuiApplication(["booth-console-simulate"])
    except Exception:  # images without text are fine
        return None


def _mqtt_settings(args: argparse.Namespace) -> Any:
    """The broker settings of the ``--mqtt-*`` options (a ``MqttConfig``), or ``None``."""
    if not getattr(args, "mqtt_host", None):
        return None
    from booth_console.config import MqttConfig

    password = ""
    if args.mqtt_password_env:
        password = os.environ.get(args.mqtt_password_env, "")
        if not password:
            raise ValueError(f"--mqtt-password-env: {args.mqtt_password_env} is not set")
    return MqttConfig(host=args.mqtt_host, port=args.mqtt_port, username=args.mqtt_username,
                      password=password, tls=args.mqtt_tls, topic_prefix=args.topic_prefix)


async def _start_bridge(sim: Any, settings: Any, args: argparse.Namespace) -> Any:
    """A started in-process ``SimulatorBridge`` with every callback kind pointed at the broker."""
    from booth_console.simulator.v3.bridge import SimulatorBridge

    bridge = SimulatorBridge(settings, simulator=sim, app_id=args.app_id,
                             app_secret=args.app_secret, park_key=args.park_key)
    await bridge.start()
    try:
        answer = await bridge.register_all(args.callback_interval)
    except BaseException:
        await bridge.aclose()
        raise
    if answer.get("ResultCode") != 200:
        logging.getLogger("booth_console.simulator").warning(
            "could not point the callbacks at the broker: %s", answer.get("ResultMsg"))
    return bridge


async def _main(args: argparse.Namespace) -> int:
    from booth_console.simulator import Simulator, SimulatorConfig

    try:
        mqtt_settings = _mqtt_settings(args)
    except ValueError as exc:
        print(f"booth-console simulate: {exc}", file=sys.stderr)
        return 2

    for name in ("misread_rate", "no_entry_rate"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            print(f"booth-console simulate: --{name.replace('_', '-')} must be between 0 and 1",
                  file=sys.stderr)
            return 2
    config = SimulatorConfig(
        host=args.host, port=args.port, app_id=args.app_id, app_secret=args.app_secret,
        park_key=args.park_key, seed=args.seed, traffic=args.traffic, db_path=args.db,
        image_base64_in_callbacks=args.image_base64, public_base_url=args.public_url,
        misread_rate=args.misread_rate, no_entry_rate=args.no_entry_rate)
    sim = Simulator(config)
    try:
        await sim.start()
    except OSError as exc:
        print(f"booth-console simulate: cannot listen on {args.host}:{args.port}: {exc}",
              file=sys.stderr)
        return 2
    bridge: Any = None
    if mqtt_settings is not None:
        try:
            bridge = await _start_bridge(sim, mqtt_settings, args)
        except Exception as exc:
            await sim.stop()
            print(f"booth-console simulate: cannot serve V3.0 through the broker "
                  f"{mqtt_settings.host}:{mqtt_settings.port}: {exc}", file=sys.stderr)
            return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    print(f"Parking server simulator listening on {sim.base_url}", flush=True)
    print(f"  base_url   = {sim.base_url}")
    print(f"  app_id     = {config.app_id}")
    print(f"  app_secret = {config.app_secret}")
    print(f"  park_key   = {config.park_key}")
    print("  lanes      = 1 Entrance A, 2 Exit A, 3 Entrance B, 4 Exit B")
    print(f"  traffic    = {config.traffic} vehicles/min; control API under {sim.base_url}/Sim/")
    if config.misread_rate or config.no_entry_rate:
        print(f"  exits      = {config.misread_rate:.0%} misread, {config.no_entry_rate:.0%} "
              "without entry record")
    if bridge is not None:
        topics = bridge.topics
        print(f"  mqtt       = {mqtt_settings.host}:{mqtt_settings.port} (V3.0, in-process)")
        print(f"  requests   = {topics.request}")
        print(f"  responses  = {topics.response(config.app_id)}")
        print(f"  callbacks  = {topics.callback_filter}")
    print("Press Ctrl+C to stop.", flush=True)
    try:
        await stop.wait()
    finally:
        if bridge is not None:
            await bridge.aclose()
        await sim.stop()
    print("Simulator stopped.", flush=True)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the simulator until interrupted; returns the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    app = _make_gui_app()
    try:
        return asyncio.run(_main(args))
    except KeyboardInterrupt:
        return 0
    finally:
        del app
