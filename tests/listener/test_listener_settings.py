"""The ``[listener]`` limits in the configuration reach the running listener and journal."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from booth_console.config import parse_config
from booth_console.listener.stack import start_listener
from tests.listener.conftest import APP_ID, PARK_KEY, SECRET

Run = Callable[[Any], Any]


def test_configured_idle_timeout_closes_a_silent_connection(run: Run, tmp_path: Path) -> None:
    cfg = parse_config({
        "server": {"app_id": APP_ID, "park_key": PARK_KEY, "app_secret": SECRET,
                   "base_url": "http://127.0.0.1:9"},
        "listener": {"host": "127.0.0.1", "port": 0, "journal": str(tmp_path / "j.sqlite3"),
                     "idle_timeout_s": 1.0, "max_connections": 40, "rejected_rows_kept": 200},
    })

    async def scenario() -> None:
        stack = await start_listener(cfg, sink=lambda cb: None)
        try:
            assert stack.listener.max_connections <= 40
            assert stack.journal.max_rejected_rows == 200
            url = urlsplit(stack.listener.url)
            reader, writer = await asyncio.open_connection(url.hostname, url.port)
            started = time.monotonic()
            async with asyncio.timeout(10):
                assert await reader.read() == b""  # closed by the listener, nothing sent
            assert time.monotonic() - started < 5.0  # not aiohttp's default of an hour
            writer.close()
        finally:
            await stack.aclose()

    run(scenario())
