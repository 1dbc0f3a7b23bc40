"""Storage faults at start-up, with the real listener and real SQLite files: a journal another
program holds locked, and a journal with damaged pages. Every callback the listener acknowledged
(answered 200) is delivered after each fault."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from booth_console.config import parse_config
from booth_console.journal import Journal
from booth_console.listener.processor import ReceivedCallback
from booth_console.listener.stack import start_listener
from tests.listener.conftest import APP_ID, PARK_KEY, SECRET, body

Run = Callable[[Any], Any]


def _cfg(journal: Path) -> Any:
    return parse_config({
        "server": {"app_id": APP_ID, "park_key": PARK_KEY, "app_secret": SECRET,
                   "base_url": "http://127.0.0.1:9"},
        "listener": {"host": "127.0.0.1", "port": 0, "journal": str(journal)},
    })


async def _post(url: str, raw: bytes) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(
            url + "/API/V2/OnVehicleIn", data=raw) as resp:
        answer: dict[str, Any] = await resp.json()
        return answer


async def _acknowledge_undelivered(path: Path, count: int, *, delivered: int = 0) -> list[str]:
    """A run whose listener answered 200 to ``count`` callbacks but whose window never took
    them (the receiver failed: they are committed, not flagged processed); ``delivered`` more
    are taken normally first. Returns the undelivered RequestIds."""
    def broken(_cb: ReceivedCallback) -> None:
        raise RuntimeError("the window died")

    ids: list[str] = []
    stack = await start_listener(_cfg(path), sink=lambda cb: None)
    try:
        for _ in range(delivered):
            assert (await _post(stack.listener.url, body("OnVehicleIn")))["ResultCode"] == 200
        await stack.processor.dispatched()
        stack.processor.sink = broken
        for _ in range(count):
            raw = body("OnVehicleIn")
            assert (await _post(stack.listener.url, raw))["ResultCode"] == 200
            ids.append(json.loads(raw)["RequestId"])
        await stack.processor.dispatched()
    finally:
        await stack.aclose()
    return ids


def _unprocessed(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        n: int = conn.execute("SELECT count(*) FROM callbacks WHERE result_code = 200"
                              " AND processed = 0").fetchone()[0]
        return n
    finally:
        conn.close()


def test_a_journal_locked_during_start_is_redelivered_once_it_is_free(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite3"

    async def scenario() -> None:
        ids = await _acknowledge_undelivered(path, 50)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another program holds the journal
        got: list[ReceivedCallback] = []
        loop = asyncio.get_running_loop()
        # whether the re-delivery had happened while the journal was still locked
        early: list[bool] = []
        stack: Any = None

        def release() -> None:
            early.append(bool(stack is not None and stack.redelivered))
            other.execute("ROLLBACK")

        loop.call_later(7.0, release)
        stack = await start_listener(_cfg(path), sink=got.append)
        try:
            assert got == [] and not stack.redelivered  # the first attempt failed (locked)
            # a callback arriving meanwhile waits for the lock: acknowledged once it is free
            # (or refused with 1003 and sent again by the server), delivered once either way
            live = body("OnVehicleIn")
            live_code = (await _post(stack.listener.url, live))["ResultCode"]
            assert live_code in (200, 1003)
            deadline = time.monotonic() + 30
            while not stack.redelivered and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert stack.redelivered and early == [False]
            await stack.processor.dispatched()
            replayed = [cb.request_id for cb in got if cb.replayed]
            assert replayed == ids
            live_got = [cb.request_id for cb in got if not cb.replayed]
            assert live_got == ([json.loads(live)["RequestId"]] if live_code == 200 else [])
        finally:
            await stack.aclose()
            other.close()
        assert _unprocessed(path) == 0

    run(scenario())


def _quick_check(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA quick_check").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


def _damage(path: Path, fraction: tuple[float, float] = (0.15, 0.6)) -> None:
    """Overwrite the b-tree headers of some pages in the middle of the file."""
    size = path.stat().st_size
    page = 4096
    pages = size // page
    with path.open("r+b") as fh:
        for n in range(max(2, int(pages * fraction[0])), int(pages * fraction[1]), 3):
            fh.seek(n * page)
            fh.write(b"\xa5" * 64)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_damaged_journal_is_kept_aside_and_its_undelivered_rows_are_delivered(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite3"

    async def scenario() -> None:
        journal = await Journal.open(path)
        try:
            await journal.add_pending_payment(payment_order_no="P-1", lane_no="2", order_no="O-1",
                                              request={"PayMoney": "5.00"}, operator="a")
        finally:
            await journal.close()
        # many delivered rows first (their pages get damaged), the undelivered ones last
        ids = await _acknowledge_undelivered(path, 20, delivered=150)
        old_body = body("OnVehicleIn")  # signed before the damage, never sent
        _damage(path)
        assert _quick_check(path) != "ok"

        got: list[ReceivedCallback] = []
        stack = await start_listener(_cfg(path), sink=got.append)
        try:
            journal = stack.journal
            assert journal.damaged_copy is not None and journal.damaged_copy.exists()
            assert journal.damaged_copy.name.startswith("journal.sqlite3.damaged-")
            assert journal.salvaged_callbacks == 20 and journal.salvaged_payments == 1
            await stack.processor.dispatched()
            assert [cb.request_id for cb in got] == ids
            assert [p.payment_order_no for p in await journal.pending_payments()] == ["P-1"]
            # the replay memory is gone: a body signed before this start is refused...
            answer = await _post(stack.listener.url, old_body)
            assert answer["ResultCode"] == 1002 and "start" in str(answer)
            # ...a new one is taken
            assert (await _post(stack.listener.url, body("OnVehicleIn")))["ResultCode"] == 200
        finally:
            await stack.aclose()
        assert _quick_check(path) == "ok"
        assert _unprocessed(path) == 0

    run(scenario())
