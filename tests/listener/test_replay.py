"""The journal's processed flag: set after the sink has run (batched), and at start-up the
accepted-but-undelivered rows are handed to the sink again, oldest first, as replays."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from booth_console.app.callbacks import CallbackHub
from booth_console.config import parse_config
from booth_console.journal import Journal
from booth_console.listener.processor import ReceivedCallback
from booth_console.listener.stack import start_listener
from booth_console.protocol import models as m
from tests.conftest import wait_signal
from tests.listener.conftest import APP_ID, PARK_KEY, SECRET, body, running_stack
from tests.listener.test_listener import post

Run = Callable[[Any], Any]


def _cfg(journal: Path) -> Any:
    return parse_config({
        "server": {"app_id": APP_ID, "park_key": PARK_KEY, "app_secret": SECRET},
        "listener": {"host": "127.0.0.1", "port": 0, "journal": str(journal)},
    })


async def _journal_accepted(journal: Journal, raw: bytes, kind: str = "OnVehicleIn") -> int:
    """An accepted row as the processor writes it (committed, answered 200) - not processed."""
    env = json.loads(raw)
    write = await journal.record_callback(
        kind=kind, request_id=env.get("RequestId"), body_hash=hashlib.sha256(raw).hexdigest(),
        received_at=time.time(), source="192.0.2.7", signature_ok=True, raw_body=raw, images={},
        nonce=env["Nonce"], timestamp=env["TimeStamp"],
    )
    return write.row_id


def _processed_flags(path: Path) -> dict[int, int]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT id, processed FROM callbacks WHERE result_code = 200"))
    finally:
        conn.close()


def test_accepted_unprocessed_rows_are_replayed_once_at_start(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    raw_in, raw_done, raw_pay = body("OnVehicleIn"), body("OnVehicleOut"), body("OnPayResult")

    async def scenario() -> None:
        journal = await Journal.open(path)
        try:  # a run that committed three callbacks, delivered one and then died
            first = await _journal_accepted(journal, raw_in)
            done = await _journal_accepted(journal, raw_done, "OnVehicleOut")
            await journal.mark_processed(done)
            second = await _journal_accepted(journal, raw_pay, "OnPayResult")
        finally:
            await journal.close()

        hub = CallbackHub()
        got: list[ReceivedCallback] = []
        hub.received.connect(got.append)
        stack = await start_listener(_cfg(path), sink=hub.sink, reject_sink=hub.reject_sink)
        try:
            # oldest first, each once, parsed into its model, flagged as replayed
            assert [cb.row_id for cb in got] == [first, second]
            assert all(cb.replayed for cb in got)
            assert isinstance(got[0].data, m.VehicleInCallback)
            assert got[0].data.order_no == "1774718489366642-6Y8MT1"
            assert got[0].request_id == json.loads(raw_in)["RequestId"]
            assert isinstance(got[1].data, m.PayResultCallback)
            assert stack.processor.stats.replayed == 2
            # a live callback afterwards is not a replay
            async with aiohttp.ClientSession() as session, session.post(
                    stack.listener.url + "/API/V2/OnVehicleIn", data=body("OnVehicleIn")) as resp:
                assert (await resp.json())["ResultCode"] == 200
            await stack.processor.dispatched()
            assert len(got) == 3 and not got[2].replayed
        finally:
            await stack.aclose()
        assert set(_processed_flags(path).values()) == {1}

        # the next start re-delivers nothing
        again: list[ReceivedCallback] = []
        hub2 = CallbackHub()
        hub2.received.connect(again.append)
        stack = await start_listener(_cfg(path), sink=hub2.sink)
        await stack.aclose()
        assert again == []

    run(scenario())


def test_replays_wait_for_the_first_slot(run: Run, tmp_path: Path) -> None:
    """start_listener runs before the console connects its slots: the hub keeps replays."""
    path = tmp_path / "journal.sqlite3"

    async def scenario() -> None:
        journal = await Journal.open(path)
        try:
            rows = [await _journal_accepted(journal, body("OnVehicleIn")) for _ in range(3)]
        finally:
            await journal.close()
        hub = CallbackHub()
        stack = await start_listener(_cfg(path), sink=hub.sink)
        try:
            assert [cb.row_id for cb in hub.held] == rows and hub.received_count == 0
            got: list[ReceivedCallback] = []
            hub.vehicle_in.connect(got.append)
            await wait_signal(hub.vehicle_in, 2000, lambda cb: cb.row_id == rows[-1])
            assert [cb.row_id for cb in got] == rows and hub.held == []
        finally:
            await stack.aclose()

    run(scenario())


def test_processed_flag_is_set_after_the_sink_without_extra_commits(
    run: Run, tmp_path: Path
) -> None:
    n = 20

    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            batches = st.journal.batches
            for _ in range(n):  # one at a time: each is committed on its own
                assert (await post(session, st, body("OnVehicleIn")))[1]["ResultCode"] == 200
            # each flag rode along with the next callback's commit; only the last one waits
            assert st.journal.batches - batches <= n + 1
            assert len(st.received) == n
        flags = _processed_flags(tmp_path / "journal.sqlite3")
        assert len(flags) == n and set(flags.values()) == {1}

    run(scenario())


def test_a_failing_receiver_leaves_the_row_for_replay(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            def broken(_cb: Any) -> None:
                raise RuntimeError("slot bug")
            st.processor.sink = broken
            assert (await post(session, st, body("OnVehicleIn")))[1]["ResultCode"] == 200
        assert set(_processed_flags(tmp_path / "journal.sqlite3").values()) == {0}

    run(scenario())
