"""A retried callback keeps its RequestId, so a console that already recorded it sees a duplicate.

The receiver here is a bare asyncio HTTP server so that it can read a request and then drop
the connection without answering - the "200 answer was lost" case.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from booth_console.journal import Journal
from booth_console.listener.processor import CallbackProcessor, ReceivedCallback
from booth_console.protocol import jsonutil
from booth_console.protocol.callbacks import kind_by_path
from booth_console.protocol.signing import verify_body
from booth_console.simulator import DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_PARK_KEY
from tests.simulator.helpers import raw, run, simulator

SET = "/Api/V2/OpenApi/SetCallbackParams"
RETRY = "/Api/V2/OpenApi/RetryCallback"

#: Called with (path, body, attempt number from 1); returns the JSON answer, or None to drop
#: the connection without answering.
Handler = Callable[[str, bytes, int], Awaitable[dict[str, Any] | None]]


class DroppingReceiver:
    """Reads each HTTP request fully, then answers or drops the connection per ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.bodies: list[dict[str, Any]] = []
        self.url = ""
        self._server: asyncio.Server | None = None
        self._changed = asyncio.Event()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/API/V2"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def wait_attempts(self, n: int, timeout: float = 5.0) -> None:
        async def until() -> None:
            while len(self.bodies) < n:
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(until(), timeout)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            path = head.split(" ", 2)[1]
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            body = await reader.readexactly(length)
            self.bodies.append(jsonutil.loads(body))
            answer = await self.handler(path, body, len(self.bodies))
            if answer is not None:
                payload = jsonutil.dumps_bytes(answer)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Connection: close\r\nContent-Length: "
                             + str(len(payload)).encode() + b"\r\n\r\n" + payload)
                await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            self._changed.set()


@contextlib.asynccontextmanager
async def dropping_receiver(handler: Handler) -> AsyncIterator[DroppingReceiver]:
    rx = DroppingReceiver(handler)
    await rx.start()
    try:
        yield rx
    finally:
        await rx.stop()


def _params(url: str, interval: int = 200) -> list[dict[str, Any]]:
    return [{"Index": 0, "Url": f"{url}/OnVehicleIn", "Interval": interval}]


def test_a_retry_carries_the_same_request_id() -> None:
    async def handler(path: str, body: bytes, attempt: int) -> dict[str, Any] | None:
        if attempt == 1:
            return None  # read, then drop: the parking software never sees an answer
        return {"ResultCode": 200, "ResultMsg": "Operation successful"}

    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r, dropping_receiver(handler) as rx:
            assert (await r.call(SET, _params(rx.url)))["ResultCode"] == 200
            await sim.arrive("1", "RID001")
            await sim.pass_barrier("1")
            await rx.wait_attempts(2)
            first, second = rx.bodies[:2]
            assert first["Data"]["LicensePlateNumber"] == "RID001" == \
                second["Data"]["LicensePlateNumber"]
            assert first["RequestId"] == second["RequestId"]
            # Re-signed for the retry: fresh Nonce, both valid signatures.
            assert first["Nonce"] != second["Nonce"]
            for env in (first, second):
                assert verify_body(jsonutil.dumps_bytes(env), DEFAULT_APP_SECRET).ok
            state = sim.dump_state()["RecentCallbacks"]
            assert state[0]["RequestId"] == first["RequestId"]

    run(scenario())


def test_retry_callback_repush_keeps_the_request_id() -> None:
    failing = {"on": True}

    async def handler(path: str, body: bytes, attempt: int) -> dict[str, Any] | None:
        if failing["on"]:
            return {"ResultCode": 1003, "ResultMsg": "busy"}
        return {"ResultCode": 200, "ResultMsg": "Operation successful"}

    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r, dropping_receiver(handler) as rx:
            assert (await r.call(SET, _params(rx.url)))["ResultCode"] == 200
            await sim.arrive("1", "RID002")
            await sim.pass_barrier("1")
            await rx.wait_attempts(4)  # one try and three retries, then "failed"
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 5
            while sim.dump_state()["RecentCallbacks"][0]["Status"] != "failed":
                assert loop.time() < deadline
                await asyncio.sleep(0.02)
            failing["on"] = False
            now = sim.engine.now()
            window = {"StartTime": now.strftime("%Y-%m-%d 00:00:00"),
                      "EndTime": now.strftime("%Y-%m-%d 23:59:59")}
            answer = await r.call(RETRY, window)
            assert answer["ResultCode"] == 200, answer
            await rx.wait_attempts(5)
            assert len({b["RequestId"] for b in rx.bodies}) == 1
            assert len({b["Nonce"] for b in rx.bodies}) == 5

    run(scenario())


def test_the_console_records_a_retried_callback_once(tmp_path: Path) -> None:
    """The real listener processor + journal as receiver: its 200 answer to attempt 1 is lost."""
    received: list[ReceivedCallback] = []

    async def scenario() -> None:
        journal = await Journal.open(tmp_path / "journal.sqlite3")
        processor = CallbackProcessor(app_id=DEFAULT_APP_ID, park_key=DEFAULT_PARK_KEY,
                                      app_secret=DEFAULT_APP_SECRET, journal=journal,
                                      sink=received.append)
        answers: list[int] = []

        async def handler(path: str, body: bytes, attempt: int) -> dict[str, Any] | None:
            result = await processor.process(body, kind_by_path(path), source="127.0.0.1")
            answers.append(result.result_code)
            if attempt == 1:
                return None  # journaled and acknowledged, but the answer never arrives
            return {"ResultCode": result.result_code, "ResultMsg": result.result_msg}

        try:
            async with simulator() as sim, raw(sim) as r, dropping_receiver(handler) as rx:
                assert (await r.call(SET, _params(rx.url)))["ResultCode"] == 200
                await sim.arrive("1", "RID003")
                await sim.pass_barrier("1")
                await rx.wait_attempts(2)
                await processor.dispatched()
                assert answers == [200, 200]
                assert processor.stats.duplicates == 1
                assert [cb.data.license_plate_number for cb in received] == ["RID003"]
                assert await journal.callback_count() == 1
        finally:
            await journal.close()

    run(scenario())
