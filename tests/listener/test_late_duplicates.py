"""A duplicate re-sent after the TimeStamp window (RetryCallback) is still answered 200."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from booth_console.protocol import jsonutil
from tests.listener.conftest import body, envelope, running_stack
from tests.listener.test_listener import post

Run = Callable[[Any], Any]


def _now_ms(offset_s: float) -> str:
    return str(int((time.time() + offset_s) * 1000))


def test_late_duplicates_are_200_and_late_new_callbacks_1002(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            path = "/API/V2/OnPayResult"
            raw = body("OnPayResult")
            rid = json.loads(raw)["RequestId"]
            assert (await post(session, st, raw, path))[1]["ResultCode"] == 200
            # RetryCallback re-pushes it an hour later, signed, with its old TimeStamp
            late = body("OnPayResult", request_id=rid, timestamp=_now_ms(-3600))
            assert await post(session, st, late, path) == (
                200, {"ResultCode": 200, "ResultMsg": "Operation successful"})
            assert len(st.received) == 1 and st.processor.stats.duplicates == 1
            # without a RequestId: the same bytes (body hash), accepted while still in the window
            st.processor.timestamp_window_s = 7200
            gate = body("OnGateReleaseRecord", request_id=None, timestamp=_now_ms(-3600))
            gpath = "/API/V2/OnGateReleaseRecord"
            assert (await post(session, st, gate, gpath))[1]["ResultCode"] == 200
            st.processor.timestamp_window_s = 600
            assert (await post(session, st, gate, gpath))[1]["ResultCode"] == 200
            assert len(st.received) == 2
            # a stale callback never seen before is still refused
            _status, answer = await post(session, st, body("OnPayResult",
                                                           timestamp=_now_ms(-3600)), path)
            assert answer["ResultCode"] == 1002 and "stale" in answer["ResultMsg"]
            # a late "duplicate" with a bad signature is refused as such
            forged = envelope("OnPayResult", request_id=rid, timestamp=_now_ms(-3600),
                              app_secret="not-the-secret")
            _status, answer = await post(session, st, jsonutil.dumps_bytes(forged), path)
            assert answer["ResultCode"] == 1001
            # a rejected stale body does not make a later copy a duplicate
            stale_new = body("OnVehicleIn", timestamp=_now_ms(-3600))
            for _ in range(2):
                assert (await post(session, st, stale_new))[1]["ResultCode"] == 1002
            assert len(st.received) == 2
            stats = await st.journal.stats()
            assert (stats.callbacks, stats.duplicates, stats.rejected) == (2, 2, 4)
            assert len(st.rejected) == 4

    run(scenario())
