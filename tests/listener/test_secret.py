"""The AppSecret is written nowhere: journal, its -wal and -shm, capture images, log."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from booth_console.protocol import jsonutil
from booth_console.protocol.callbacks import CALLBACK_KINDS
from tests.listener.conftest import SECRET, body, envelope, running_stack
from tests.listener.test_listener import post

Run = Callable[[Any], Any]


def _now_ms(offset_s: float) -> str:
    return str(int((time.time() + offset_s) * 1000))


def test_the_secret_is_nowhere_on_disk_or_in_the_log(
    run: Run, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = SECRET.encode()
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 20
    b64 = base64.b64encode(jpeg).decode()

    def echoing(**kwargs: Any) -> bytes:
        # a sender that echoes the secret in an unsigned field (RequestId is not signed)
        env = envelope("OnVehicleIn", **kwargs)
        env["Data"]["EntryImageBase64"] = b64
        env["Debug"] = f"AppSecret={SECRET}"
        return jsonutil.dumps_bytes(env)

    bad: list[tuple[str, bytes]] = [
        ("/API/V2/OnVehicleIn", body("OnVehicleIn", app_secret="not-" + SECRET)),
        ("/API/V2/OnVehicleIn", body("OnVehicleIn", app_secret=SECRET + "x")),
        ("/API/V2/OnVehicleIn", body("OnVehicleIn", timestamp=_now_ms(-3600))),
        ("/API/V2/OnVehicleIn", body("OnVehicleIn", app_id=SECRET)),
        ("/API/V2/OnVehicleIn", echoing(app_secret="wrong")),
        ("/API/V2/OnVehicleIn", echoing(timestamp=_now_ms(-3600))),
        ("/API/V2/OnVehicleIn", b'{"AppSecret": "' + secret + b'", '),
        ("/API/V2/OnVehicleIn", json.dumps({"Route": SECRET, "AppSecret": SECRET}).encode()),
    ]

    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            sem = asyncio.Semaphore(30)
            async with aiohttp.ClientSession() as session:

                async def one(path: str, raw: bytes) -> int:
                    async with sem:
                        _status, answer = await post(session, st, raw, path, settle=False)
                        assert SECRET not in json.dumps(answer)
                        return int(answer["ResultCode"])

                burst = [("/API/V2/OnVehicleIn", echoing()) for _ in range(20)]
                burst += [(k.path, body(k.name)) for k in CALLBACK_KINDS for _ in range(30)]
                codes = await asyncio.gather(*(one(p, b) for p, b in burst + bad))
            await st.processor.dispatched()
            assert codes[:len(burst)] == [200] * len(burst)
            assert 200 not in codes[len(burst):]
            assert len(st.received) == len(burst)
            assert await st.journal._submit(
                lambda c: c.execute("PRAGMA secure_delete").fetchone()[0]) == 1
            _assert_no_secret(tmp_path, secret, need_wal=True)
        _assert_no_secret(tmp_path, secret, need_wal=False)
        assert any(p.suffix == ".jpg" for p in tmp_path.rglob("*"))

    run(scenario())
    for record in caplog.records:
        text = record.getMessage() + (logging.Formatter().formatException(record.exc_info)
                                      if record.exc_info else "")
        assert SECRET not in text, text
    assert SECRET not in caplog.text


def _assert_no_secret(folder: Path, secret: bytes, *, need_wal: bool) -> None:
    files = [p for p in folder.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert "journal.sqlite3" in names
    if need_wal:
        assert {"journal.sqlite3-wal", "journal.sqlite3-shm"} <= names
    for p in files:
        data = p.read_bytes()
        assert secret not in data, p
        assert secret.lower() not in data.lower(), p
