"""A headless callback listener on plain asyncio (no Qt): ``python -m booth_console.listener.standalone``.

For crash tests, benchmarks and checking a site from a shell. It journals and acknowledges
callbacks exactly as the console does, without any window::

    BOOTH_CONSOLE_APP_SECRET=... python -m booth_console.listener.standalone \\
        --journal /tmp/j.sqlite3 --port 8890 --app-id APPID --park-key PARKKEY
    python -m booth_console.listener.standalone --config booth.toml

The AppSecret is read from ``BOOTH_CONSOLE_APP_SECRET`` (or the config file), never from the
command line, so it does not show in process lists. On start it prints one line
``listening on http://HOST:PORT`` to stdout; SIGINT/SIGTERM stop it cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from booth_console.config import ListenerConfig, ServerConfig, load_config
from booth_console.errors import BoothError
from booth_console.journal import Journal
from booth_console.listener.processor import CallbackProcessor
from booth_console.listener.server import CallbackListener

__all__ = ["main"]

SECRET_ENV = "BOOTH_CONSOLE_APP_SECRET"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m booth_console.listener.standalone",
        description="Headless callback listener (plain asyncio).",
    )
    p.add_argument("--config", help="TOML configuration ([server] and [listener] are used)")
    p.add_argument("--journal", help="journal file (default: from the config)")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (0: any free port)")
    p.add_argument("--app-id", help="AppId")
    p.add_argument("--park-key", help="ParkKey")
    p.add_argument("--window", type=int, help="TimeStamp window in seconds (default 600)")
    p.add_argument("-v", "--verbose", action="store_true", help="log each callback")
    return p


async def _serve(args: argparse.Namespace) -> int:
    server, lc = ServerConfig(), ListenerConfig()
    journal_path: Path | None = None
    if args.config:
        cfg = load_config(args.config)
        server, lc = cfg.server, cfg.listener
        journal_path = cfg.journal_path()
    if args.journal:
        journal_path = Path(args.journal)
    if journal_path is None:
        print("error: --journal or --config is required", file=sys.stderr)
        return 2
    secret = os.environ.get(SECRET_ENV) or server.app_secret
    if not secret:
        print(f"error: set {SECRET_ENV} (or [server] app_secret in --config)", file=sys.stderr)
        return 2
    journal = await Journal.open(journal_path)
    try:
        processor = CallbackProcessor(
            app_id=args.app_id or server.app_id, park_key=args.park_key or server.park_key,
            app_secret=secret, journal=journal,
            timestamp_window_s=args.window if args.window is not None else lc.timestamp_window_s,
        )
        listener = CallbackListener(
            processor, host=args.host or lc.host, port=args.port if args.port is not None else lc.port,
            max_body_bytes=lc.max_body_bytes, allow_sources=lc.allow_sources,
            max_connections=lc.max_connections, idle_timeout_s=lc.idle_timeout_s,
            body_timeout_s=lc.body_timeout_s,
        )
        await listener.start()
        print(f"listening on {listener.url}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await listener.stop()
    finally:
        await journal.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run until interrupted; returns the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return asyncio.run(_serve(args))
    except BoothError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
