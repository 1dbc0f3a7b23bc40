"""Hostile bodies from the network against the real listener and journal file: tiny bodies
that would cost seconds and gigabytes, and floods of rejected bodies that would fill the disk."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from booth_console.journal import MIGRATIONS, Journal
from booth_console.protocol import jsonutil
from booth_console.protocol.signing import sign_envelope
from tests.listener.conftest import APP_ID, CREDS, PARK_KEY, body, running_stack
from tests.listener.test_listener import post

Run = Callable[[Any], Any]


def _unsigned(data: str) -> bytes:
    """An envelope with this console's AppId and ParkKey (both travel in clear) and a made-up
    Sign: what anyone on the network can send."""
    ts = str(int(time.time() * 1000))
    return (
        f'{{"AppId":"{APP_ID}","ParkKey":"{PARK_KEY}","TimeStamp":"{ts}","Nonce":"n",'
        f'"Sign":"x","RequestId":"1","Data":{data}}}'
    ).encode()


EXPENSIVE: list[tuple[str, bytes]] = [
    ("huge exponent", _unsigned('{"X":1e999999999}')),
    ("huge negative exponent", _unsigned('{"X":1.5e-999999999}')),
    ("zero with huge exponent", _unsigned('{"X":0e-999999999}')),
    ("exponent beyond Decimal", _unsigned('{"X":1e' + "9" * 30 + "}")),
    ("5,000-digit integer", _unsigned('{"X":' + "7" * 5000 + "}")),
    ("5,000-digit fraction", _unsigned('{"X":0.' + "3" * 5000 + "}")),
    ("many large numbers", _unsigned('{"X":[' + ",".join(["1e39"] * 30000) + "]}")),
    ("many empty objects", _unsigned('{"X":[' + ",".join(["{}"] * 200000) + "]}")),
    ("huge exponent in the envelope", b'{"AppId":1e999999999,"ParkKey":"' + PARK_KEY.encode()
     + b'"}'),
]


@pytest.mark.parametrize(("case", "raw"), EXPENSIVE, ids=[c[0] for c in EXPENSIVE])
def test_expensive_numbers_are_1002_in_well_under_a_second_and_100_mb(
    run: Run, tmp_path: Path, caplog: pytest.LogCaptureFixture, case: str, raw: bytes
) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            tracemalloc.start()
            try:
                started = time.perf_counter()
                status, answer = await post(session, st, raw)
                elapsed = time.perf_counter() - started
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            assert (status, answer["ResultCode"]) == (200, 1002), answer
            assert answer["ResultMsg"].startswith("malformed body: "), answer
            assert "number" in answer["ResultMsg"] or "values" in answer["ResultMsg"]
            assert elapsed < 1.0, f"{case}: {elapsed:.2f} s"
            assert peak < 100 * 2**20, f"{case}: {peak / 2**20:.0f} MB"
            assert st.received == [] and len(st.rejected) == 1
            # the listener still serves
            status, answer = await post(session, st, body("OnVehicleIn"))
            assert answer["ResultCode"] == 200 and len(st.received) == 1

    run(scenario())
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_numbers_within_dotnet_range_still_verify(run: Run, tmp_path: Path) -> None:
    # the largest .NET decimal and a 28-decimal one, signed with their literal text
    def signed(value: str) -> bytes:
        env = jsonutil.loads(body("OnVehicleOut"))
        env["Data"]["TotalAmountDue"] = jsonutil.loads(value)
        return jsonutil.dumps_bytes(sign_envelope(data=env["Data"], **CREDS))

    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            for value in ("79228162514264337593543950335", "0.0000000000000000000000000001",
                          "1.5E+3"):
                _status, answer = await post(session, st, signed(value), "/API/V2/OnVehicleOut")
                assert answer["ResultCode"] == 200, (value, answer)
            assert len(st.received) == 3

    run(scenario())


def _journal_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def test_2000_rejected_60k_bodies_add_little_to_the_journal(
    run: Run, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bodies = [_unsigned('{"Pad":"' + f"{n:06d}" + "x" * 60_000 + '"}') for n in range(2000)]

    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            path = st.journal.path
            before = _journal_bytes(path)
            sem = asyncio.Semaphore(20)
            async with aiohttp.ClientSession() as session:

                async def one(raw: bytes) -> int:
                    async with sem:
                        _status, answer = await post(session, st, raw, settle=False)
                        return int(answer["ResultCode"])

                codes = await asyncio.gather(*(one(raw) for raw in bodies))
                # the same body again and again: counted, not stored again
                for _ in range(50):
                    await post(session, st, bodies[0], settle=False)
            assert set(codes) == {1001}
            grown = _journal_bytes(path) - before
            rows = await st.journal.recent_callbacks(5000)
            assert len(rows) == 2000
            first = [r for r in rows if r.body_hash == hashlib.sha256(bodies[0]).hexdigest()]
            assert len(first) == 1 and first[0].repeats == 51
            assert first[0].body_size == len(bodies[0]) and len(first[0].raw_body) == 512
            assert first[0].raw_body == bodies[0][:512]
            assert first[0].last_at is not None and first[0].last_at >= first[0].received_at
            stats = await st.journal.stats()
            assert stats.rejected == 2050
            print(f"journal grew {grown / 2**20:.1f} MB for 2,000 rejected 60 KB bodies")
            assert grown < 10 * 2**20, f"{grown / 2**20:.1f} MB"

    run(scenario())
    assert "Traceback" not in caplog.text


def test_rejected_rows_are_capped_oldest_first(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        j = await Journal.open(tmp_path / "j.sqlite3")
        try:
            j.max_rejected_rows = 100
            ok = await j.record_callback(kind="OnVehicleIn", request_id="keep", body_hash="k",
                                         received_at=time.time(), source="192.0.2.1",
                                         signature_ok=True, raw_body=b"{}", images={})
            for n in range(300):
                await j.record_callback(
                    kind="OnVehicleIn", request_id=None, body_hash=f"h{n}",
                    received_at=time.time(), source="192.0.2.9", signature_ok=False,
                    raw_body=b"y" * 2000, images={}, result_code=1001, reason="signature mismatch",
                )
            rows = await j.recent_callbacks(1000)
            rejected = [r for r in rows if r.result_code != 200]
            assert 100 <= len(rejected) <= 110
            assert rejected[0].body_hash == "h299"  # the newest are kept
            assert all(len(r.raw_body) <= 512 and r.body_size == 2000 for r in rejected)
            assert [r.row_id for r in rows if r.result_code == 200] == [ok.row_id]
            assert (await j.stats()).rejected == 300
        finally:
            await j.close()
        # reopened: the count of kept rows is taken from the file
        j = await Journal.open(tmp_path / "j.sqlite3")
        try:
            j.max_rejected_rows = 100
            for n in range(20):
                await j.record_callback(
                    kind="unknown", request_id=None, body_hash=f"again{n}",
                    received_at=time.time(), source="192.0.2.9", signature_ok=False,
                    raw_body=b"z", images={}, result_code=1002, reason="malformed body",
                )
            rejected = [r for r in await j.recent_callbacks(1000) if r.result_code != 200]
            assert 100 <= len(rejected) <= 110
        finally:
            await j.close()

    run(scenario())


def test_old_journal_is_migrated_and_its_rejected_bodies_cut(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:2]):
        conn.executescript(f"BEGIN;\n{script};\nPRAGMA user_version={number + 1};\nCOMMIT;")
    conn.execute(
        "INSERT INTO callbacks (kind, body_hash, received_at, source, signature_ok, result_code,"
        " raw_body) VALUES ('OnVehicleIn', 'h', 1.0, 'x', 0, 1001, ?)", (b"q" * 65536,),
    )
    conn.commit()
    conn.close()

    async def scenario() -> None:
        j = await Journal.open(path)
        try:
            (row,) = await j.recent_callbacks()
            assert row.body_size == 65536 and len(row.raw_body) == 512 and row.repeats == 1
        finally:
            await j.close()

    run(scenario())
