"""The journal on real SQLite files: schema versions, batching, dedup, actions, pending payments."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from booth_console.journal import MIGRATIONS, Journal, JournalError

Run = Callable[[Any], Any]


def _cb(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = dict(kind="OnVehicleIn", request_id="r1", body_hash="h1",
                                received_at=time.time(), source="127.0.0.1", signature_ok=True,
                                raw_body=b"{}", images={})
    args.update(overrides)
    return args


def test_schema_version_and_reopen(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"

    async def scenario() -> None:
        j = await Journal.open(path)
        await j.record_callback(**_cb())
        await j.close()
        await j.close()  # idempotent
        with pytest.raises(JournalError):
            await j.record_callback(**_cb(request_id="r2"))
        j = await Journal.open(path)
        assert (await j.stats()).callbacks == 1
        write = await j.record_callback(**_cb())
        assert write.duplicate
        await j.close()

    run(scenario())
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_newer_schema_or_garbage_is_refused(run: Run, tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    conn.close()
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)

    async def scenario() -> None:
        with pytest.raises(JournalError, match="newer"):
            await Journal.open(newer)
        with pytest.raises(JournalError):
            await Journal.open(garbage)

    run(scenario())


def test_callback_dedup_and_images(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        j = await Journal.open(tmp_path / "j.sqlite3", images_dir=tmp_path / "img")
        try:
            png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
            first = await j.record_callback(**_cb(images={"ImageBase64": png}))
            assert not first.duplicate and first.image_paths["ImageBase64"].suffix == ".png"
            assert first.image_paths["ImageBase64"].read_bytes() == png
            again = await j.record_callback(**_cb(body_hash="other"))
            assert again.duplicate and again.row_id == first.row_id
            assert again.image_paths == first.image_paths
            # no RequestId: by body hash
            a = await j.record_callback(**_cb(request_id=None, body_hash="hx"))
            b = await j.record_callback(**_cb(request_id=None, body_hash="hx"))
            assert not a.duplicate and b.duplicate
            # rejected rows never count as seen
            await j.record_callback(**_cb(request_id="r9", signature_ok=False))
            ok = await j.record_callback(**_cb(request_id="r9"))
            assert not ok.duplicate
            # replay: same nonce+timestamp under a new RequestId
            await j.record_callback(**_cb(request_id="n1", nonce="abc", timestamp="1"))
            rep = await j.record_callback(**_cb(request_id="n2", nonce="abc", timestamp="1"))
            assert rep.replayed and not rep.duplicate
            # concurrent duplicates in one batch: exactly one new row
            writes = await asyncio.gather(*(j.record_callback(**_cb(request_id="c")) for _ in range(20)))
            assert sum(not w.duplicate for w in writes) == 1
            stats = await j.stats()
            assert stats.callbacks == 5
            assert stats.duplicates == 1 + 1 + 19
            assert stats.rejected == 2
            assert stats.last_callback_at is not None
            rows = await j.recent_callbacks(3)
            assert len(rows) == 3 and rows[0].row_id > rows[1].row_id
            await j.mark_processed(first.row_id)
            assert (await j.recent_callbacks(100))[-1].processed
        finally:
            await j.close()

    run(scenario())


def test_base64_images_decoded_on_the_writer_and_bad_ones_skipped(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        j = await Journal.open(tmp_path / "j.sqlite3")
        try:
            w = await j.record_callback(**_cb(images={"EntryImageBase64": "/9j/4AAQ",
                                                      "ExitImageBase64": "@@not base64@@"}))
            assert set(w.image_paths) == {"EntryImageBase64"}
            assert w.image_paths["EntryImageBase64"].read_bytes().startswith(b"\xff\xd8")
            assert w.image_paths["EntryImageBase64"].parent.parent == tmp_path / "j.sqlite3.images"
        finally:
            await j.close()

    run(scenario())


def test_actions_never_store_secrets(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"

    async def scenario() -> None:
        j = await Journal.open(path)
        try:
            row = await j.record_action(
                operator="alice", lane_no="2", action="SetLaneGateStatus",
                request={"LaneNo": "2", "AppSecret": "TOPSECRET", "Sign": "abc",
                         "nested": [{"password": "TOPSECRET", "ok": 1}]},
                result_code=200, result_msg="ok", result_id="77",
            )
            assert row > 0
            [action] = await j.recent_actions(action="SetLaneGateStatus")
            assert action.request == {"LaneNo": "2", "nested": [{"ok": 1}]}
            assert (action.operator, action.lane_no, action.result_id) == ("alice", "2", "77")
        finally:
            await j.close()

    run(scenario())
    for f in tmp_path.iterdir():
        if f.is_file():
            assert b"TOPSECRET" not in f.read_bytes()


def test_pending_payments_survive_a_restart(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"

    async def scenario() -> None:
        j = await Journal.open(path)
        for no in ("P1", "P2", "P3"):
            await j.add_pending_payment(payment_order_no=no, lane_no="2", order_no="O" + no,
                                        request={"PaymentOrderNo": no, "Amount": "5"},
                                        operator="bob")
        await j.add_pending_payment(payment_order_no="P1", lane_no="9", order_no="X",
                                    request={}, operator="eve")  # same number: first one kept
        await j.note_payment_attempt("P2")
        await j.note_payment_attempt("P2")
        await j.resolve_pending_payment("P1", status="confirmed", result_code=200, result_msg="ok")
        with pytest.raises(ValueError):
            await j.resolve_pending_payment("P3", status="maybe", result_code=None, result_msg=None)
        await j.close()
        j = await Journal.open(path)
        try:
            pending = await j.pending_payments()
            assert [p.payment_order_no for p in pending] == ["P2", "P3"]
            assert pending[0].attempts == 2 and pending[0].order_no == "OP2"
            assert pending[0].request == {"PaymentOrderNo": "P2", "Amount": "5"}
            assert pending[0].created_at <= pending[1].created_at
            await j.resolve_pending_payment("P3", status="rejected", result_code=1002,
                                            result_msg="no")
            assert [p.payment_order_no for p in await j.pending_payments()] == ["P2"]
        finally:
            await j.close()

    run(scenario())


def test_writes_are_batched_and_never_block_the_loop(run: Run, tmp_path: Path) -> None:
    """2,000 writes, 50 in flight: few commits, and the loop thread never waits on SQLite."""

    async def scenario() -> None:
        j = await Journal.open(tmp_path / "j.sqlite3")
        try:
            # CPU time of the loop thread between two loop turns (wall time is at the mercy of
            # other processes on a shared CI machine), plus a loose wall-clock bound
            worst = worst_wall = 0.0
            stop = False

            async def ticker() -> None:
                nonlocal worst, worst_wall
                last, last_wall = time.thread_time(), time.perf_counter()
                while not stop:
                    await asyncio.sleep(0)
                    now, now_wall = time.thread_time(), time.perf_counter()
                    worst = max(worst, now - last)
                    worst_wall = max(worst_wall, now_wall - last_wall)
                    last, last_wall = now, now_wall

            tick = asyncio.ensure_future(ticker())
            numbers = iter(range(2000))
            results: list[Any] = []

            async def writer() -> None:  # 50 of these: 50 writes in flight
                for i in numbers:
                    results.append(
                        await j.record_callback(**_cb(request_id=f"b{i}", raw_body=b"x" * 2000)))

            await asyncio.gather(*(writer() for _ in range(50)))
            stop = True
            await tick
            assert len({r.row_id for r in results}) == 2000
            assert j.batches <= 1000, j.batches
            assert worst < 0.01, f"loop thread busy {worst * 1000:.1f} ms in one turn"
            assert worst_wall < 0.5, f"loop stalled {worst_wall * 1000:.1f} ms"
            assert threading.current_thread() is threading.main_thread()
        finally:
            await j.close()

    run(scenario())


def test_processed_flags_are_committed_whether_the_writer_was_busy_or_idle(
    run: Run, tmp_path: Path
) -> None:
    """Flags noted while the writer is committing a batch (no wake-up is sent then) and flags
    noted while it waits for work both reach the file within ``processed_flush_s``, with
    nothing else written."""
    path = tmp_path / "j.sqlite3"

    def flagged() -> set[int]:
        conn = sqlite3.connect(path)
        try:
            return {r[0] for r in conn.execute("SELECT id FROM callbacks WHERE processed = 1")}
        finally:
            conn.close()

    async def scenario() -> None:
        j = await Journal.open(path)
        j.processed_flush_s = 0.2
        try:
            # busy: 50 writes in flight, each flagged from another thread as soon as it is back
            numbers = iter(range(600))
            noted: list[int] = []

            async def writer() -> None:
                for i in numbers:
                    w = await j.record_callback(**_cb(request_id=f"b{i}"))
                    noted.append(w.row_id)
                    t = threading.Thread(target=j.note_processed, args=([w.row_id],))
                    t.start()
                    t.join()

            await asyncio.gather(*(writer() for _ in range(50)))
            deadline = time.monotonic() + 5.0
            while flagged() != set(noted) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert flagged() == set(noted)
            # idle: the writer is woken for the flag alone
            lone = await j.record_callback(**_cb(request_id="lone"))
            await asyncio.sleep(0.3)
            j.note_processed([lone.row_id])
            started = time.monotonic()
            while lone.row_id not in flagged() and time.monotonic() - started < 5.0:
                await asyncio.sleep(0.02)
            assert lone.row_id in flagged()
            assert time.monotonic() - started < 2.0
        finally:
            await j.close()

    run(scenario())
