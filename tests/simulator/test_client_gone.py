"""A client that drops the connection in the middle of its body is not an error (no traceback)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.simulator.helpers import run, simulator


class _Watch(logging.Handler):
    """Resolves a future with the first record about the lost body (error or debug)."""

    def __init__(self, fut: asyncio.Future[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.fut = fut
        self.loop = fut.get_loop()

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if "Error handling request" in msg or "went away while sending the body" in msg:
            self.loop.call_soon_threadsafe(self._set, record)

    def _set(self, record: logging.LogRecord) -> None:
        if not self.fut.done():
            self.fut.set_result(record)


def test_connection_lost_while_reading_the_body_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        fut: asyncio.Future[logging.LogRecord] = asyncio.get_running_loop().create_future()
        watch = _Watch(fut)
        loggers = [logging.getLogger("aiohttp.server"), logging.getLogger("booth_console.simulator")]
        old_levels = [lg.level for lg in loggers]
        for lg in loggers:
            lg.addHandler(watch)
            lg.setLevel(logging.DEBUG)
        try:
            async with simulator() as sim:
                host, port = sim.base_url.removeprefix("http://").split(":")
                _reader, writer = await asyncio.open_connection(host, int(port))
                writer.write(b"POST /Api/V2/OpenApi/GetLaneOrder HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                             b'{"AppId":"bcdemo01",')
                await writer.drain()
                writer.transport.abort()  # connection lost mid-body
                record = await asyncio.wait_for(fut, 10)
                assert record.levelno == logging.DEBUG, record.getMessage()
                assert record.exc_info is None
        finally:
            for lg, level in zip(loggers, old_levels, strict=True):
                lg.removeHandler(watch)
                lg.setLevel(level)
        errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert not errors, [r.getMessage() for r in errors]

    run(scenario())
