"""A listener in a child process killed with SIGKILL mid-burst loses no acknowledged callback."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.listener.conftest import APP_ID, PARK_KEY, SECRET, body

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _start(journal: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "BOOTH_CONSOLE_APP_SECRET": SECRET}
    proc = subprocess.Popen(
        [sys.executable, "-m", "booth_console.listener.standalone", "--journal", str(journal),
         "--port", "0", "--app-id", APP_ID, "--park-key", PARK_KEY],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "listening on http://127.0.0.1:PORT"
    if not line.startswith("listening on "):
        proc.kill()
        _, err = proc.communicate(timeout=10)
        raise AssertionError(f"listener did not start: {line!r} {err}")
    return proc, line.split()[-1]


async def _burst(url: str, bodies: list[bytes], proc: subprocess.Popen[str],
                 kill_after: int) -> set[str]:
    acked: set[str] = set()
    sem = asyncio.Semaphore(50)
    killed = False
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=50),
                                     timeout=timeout) as session:

        async def one(raw: bytes) -> None:
            nonlocal killed
            async with sem:
                try:
                    async with session.post(url + "/API/V2/OnVehicleIn", data=raw) as resp:
                        answer = await resp.json(content_type=None)
                except (TimeoutError, aiohttp.ClientError, ValueError):
                    return
                if answer.get("ResultCode") == 200:
                    acked.add(json.loads(raw)["RequestId"])
                    if len(acked) >= kill_after and not killed:
                        killed = True
                        os.kill(proc.pid, signal.SIGKILL)

        await asyncio.gather(*(one(b) for b in bodies))
    return acked


def _journaled_ids(journal: Path) -> set[str]:
    conn = sqlite3.connect(journal)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {r[0] for r in conn.execute(
            "SELECT request_id FROM callbacks WHERE result_code = 200")}
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_during_burst_keeps_every_acknowledged_callback(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    bodies = [body("OnVehicleIn") for _ in range(3000)]
    proc, url = _start(journal)
    try:
        t0 = time.monotonic()
        acked = asyncio.run(_burst(url, bodies, proc, kill_after=700))
        assert proc.wait(timeout=10) == -signal.SIGKILL
        assert time.monotonic() - t0 < 60
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)
    assert 700 <= len(acked) < 3000, len(acked)  # killed mid-burst
    stored = _journaled_ids(journal)
    missing = acked - stored
    assert not missing, f"{len(missing)} acknowledged callbacks lost"

    # restart on the same journal: it opens, and an acknowledged callback is a duplicate
    proc, url = _start(journal)
    try:
        async def resend() -> list[int]:
            async with aiohttp.ClientSession() as session:
                codes = []
                for raw in (bodies[0], bodies[-1]):
                    async with session.post(url + "/API/V2/OnVehicleIn", data=raw) as resp:
                        codes.append((await resp.json())["ResultCode"])
                return codes

        assert asyncio.run(resend()) == [200, 200]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        proc.communicate(timeout=10)
    conn = sqlite3.connect(journal)
    try:
        count = conn.execute("SELECT COUNT(*) FROM callbacks WHERE result_code = 200").fetchone()[0]
        dups = conn.execute("SELECT value FROM counters WHERE name = 'duplicates'").fetchone()
    finally:
        conn.close()
    # bodies[0] was surely stored before the kill; bodies[-1] is new unless it got in
    assert count in (len(stored), len(stored) + 1)
    assert dups is not None and dups[0] >= 1
