"""A console's callback side without windows, as a process: for fan-out checks and installers.

``python -m booth_console.devtools.headless --config booth.toml [--no-listener]`` opens the journal,
starts the HTTP listener (unless ``--no-listener``) and whatever the config asks of MQTT
(``[server] transport = "mqtt"``: callbacks over MQTT; ``[listener] republish_mqtt``:
republish), then prints one JSON line per accepted callback::

    READY {"listener": "http://127.0.0.1:8890", "mqtt": true}
    CALLBACK {"kind": "OnVehicleIn", "request_id": "2037822471407697920", "source": "mqtt:..."}

It stops when its standard input closes or on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from booth_console.config import load_config
from booth_console.errors import BoothError
from booth_console.journal import Journal
from booth_console.listener.mqtt import attach_console
from booth_console.listener.processor import CallbackProcessor, ReceivedCallback
from booth_console.listener.stack import start_listener

__all__ = ["main"]


def _emit(tag: str, payload: dict[str, object]) -> None:
    sys.stdout.write(f"{tag} {json.dumps(payload, ensure_ascii=False)}\n")
    sys.stdout.flush()


def _print_sink(cb: ReceivedCallback) -> None:
    _emit("CALLBACK", {"kind": cb.kind.name, "request_id": cb.request_id, "source": cb.source})


async def _serve(args: argparse.Namespace) -> int:
    cfg = load_config(args.config)
    journal_path = Path(args.journal) if args.journal else cfg.journal_path()
    journal = await Journal.open(journal_path)
    stack = None
    try:
        if args.no_listener:
            processor = CallbackProcessor(
                app_id=cfg.server.app_id, park_key=cfg.server.park_key,
                app_secret=cfg.server.app_secret, journal=journal,
                timestamp_window_s=cfg.listener.timestamp_window_s, sink=_print_sink,
            )
        else:
            stack = await start_listener(cfg, journal=journal, sink=_print_sink)
            processor = stack.processor
        side = await attach_console(cfg, processor, hub_sink=_print_sink,
                                    subscriber_client_id=args.client_id)
        if side is not None:
            for part in (side.subscriber, side.republisher):
                if part is not None:
                    await part.link.wait_connected(args.connect_timeout)
        _emit("READY", {"listener": stack.listener.url if stack else None,
                        "mqtt": side is not None})
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)

        def watch_stdin() -> None:  # a daemon thread: never delays the exit
            with contextlib.suppress(Exception):
                sys.stdin.read()
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)

        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()
        await stop.wait()
        if side is not None:
            await side.aclose()
    finally:
        if stack is not None:
            await stack.listener.stop()
        await journal.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m booth_console.devtools.headless",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--config", required=True, help="the console's TOML configuration")
    parser.add_argument("--journal", help="journal file (default: from the configuration)")
    parser.add_argument("--no-listener", action="store_true", help="do not start the HTTP listener")
    parser.add_argument("--client-id", help="MQTT client id of the callback subscriber")
    parser.add_argument("--connect-timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_serve(args))
    except BoothError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
