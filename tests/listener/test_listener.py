"""The embedded listener over real loopback HTTP on the qasync loop, with a real journal file."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from booth_console.errors import BoothError
from booth_console.listener.processor import ReceivedCallback
from booth_console.protocol import jsonutil
from booth_console.protocol import models as m
from booth_console.protocol.callbacks import CALLBACK_KINDS
from booth_console.protocol.signing import sign_envelope
from tests.conftest import wait_signal
from tests.listener.conftest import (
    APP_ID,
    PARK_KEY,
    SECRET,
    Stack,
    body,
    envelope,
    running_stack,
)

Run = Callable[[Any], Any]


async def post(
    session: aiohttp.ClientSession, st: Stack, data: bytes, path: str = "/API/V2/OnVehicleIn",
    *, settle: bool = True,
) -> tuple[int, dict[str, Any]]:
    """POST a body; with ``settle`` also wait until its signals (if any) have been emitted."""
    async with session.post(st.url + path, data=data,
                            headers={"Content-Type": "application/json"}) as resp:
        text = await resp.text()
        assert resp.content_type == "application/json", text
    if settle:
        await st.processor.dispatched()
    return resp.status, json.loads(text)


# what each kind's model must expose from the document's example
EXPECTED: dict[str, tuple[type[Any], str, Any]] = {
    "OnVehicleIn": (m.VehicleInCallback, "order_no", "1774718489366642-6Y8MT1"),
    "OnVehicleOut": (m.VehicleOutCallback, "total_amount_paid", Decimal("5")),
    "OnPayResult": (m.PayResultCallback, "payment_order_no", "PO1774718907646185"),
    "OnSubscribedVehicle": (m.SubscribedVehicleCallback, "license_plate_number", "Q1234"),
    "OnRechargeGracePeriod": (m.RechargeCallback, "payment_order_no",
                              "MC17747215714999401772492942362538"),
    "OnUnsubscribedVehicle": (m.UnsubscribedVehicleCallback, "operation_time",
                              "2026-03-28 18:07:11"),
    "OnParkingSpaces": (m.ParkingSpacesCallback, "remaining_spaces", 499),
    "OnGateReleaseRecord": (m.GateReleaseCallback, "abnormal_pass_type", 6200),
    "OnBlackList": (m.BlacklistCallback, "license_plate_number", "B12345"),
    "OnViolationReservation": (m.ViolationReservationCallback, "model_extra", None),
    "OnLaneChange": (m.LaneChangeCallback, "sentry_host_no", "1772492942363478"),
}

SIGNALS = {
    "OnVehicleIn": "vehicle_in", "OnVehicleOut": "vehicle_out", "OnPayResult": "pay_result",
    "OnSubscribedVehicle": "subscribed_vehicle", "OnRechargeGracePeriod": "recharge",
    "OnUnsubscribedVehicle": "unsubscribed_vehicle", "OnParkingSpaces": "parking_spaces",
    "OnGateReleaseRecord": "gate_release", "OnBlackList": "blacklist",
    "OnViolationReservation": "violation_reservation", "OnLaneChange": "lane_change",
}


@pytest.mark.parametrize("threaded", [True, False], ids=["own-thread", "on-qt-loop"])
def test_every_kind_reaches_its_slot_as_its_model(run: Run, tmp_path: Path, threaded: bool) -> None:
    assert set(EXPECTED) == {k.name for k in CALLBACK_KINDS}
    slot_threads: set[threading.Thread] = set()

    async def scenario() -> None:
        async with running_stack(tmp_path, threaded=threaded) as st, \
                aiohttp.ClientSession() as session:
            st.hub.received.connect(lambda _cb: slot_threads.add(threading.current_thread()))
            for kind in CALLBACK_KINDS:
                # the gate-release example has no RequestId: keep it that way
                rid = None if kind.name == "OnGateReleaseRecord" else "auto"
                signal = getattr(st.hub, SIGNALS[kind.name])
                waiter = asyncio.ensure_future(wait_signal(signal, 5.0))
                await asyncio.sleep(0)
                # paths are case-insensitive
                status, answer = await post(session, st, body(kind.name, request_id=rid),
                                            kind.path.lower() if kind.index % 2 else kind.path)
                assert (status, answer) == (200, {"ResultCode": 200,
                                                  "ResultMsg": "Operation successful"})
                cb = await waiter
                assert isinstance(cb, ReceivedCallback)
                assert cb.kind is kind
                model, attr, value = EXPECTED[kind.name]
                assert type(cb.data) is model
                if value is not None:
                    assert getattr(cb.data, attr) == value
                assert cb.row_id > 0
                assert cb.source == "127.0.0.1"
            vr = st.received[CALLBACK_KINDS[9].index].data
            assert vr.model_extra and vr.model_extra.get("ReserveOrderNo") == "RV1774718489366642"
            assert [cb.kind.index for cb in st.received] == list(range(11))
            assert st.rejected == []
            stats = await st.journal.stats()
            assert stats.callbacks == 11 and stats.rejected == 0
            rows = await st.journal.recent_callbacks()
            assert {r.kind for r in rows} == {k.name for k in CALLBACK_KINDS}
            assert all(r.signature_ok and r.result_code == 200 for r in rows)

    run(scenario())
    assert slot_threads == {threading.main_thread()}  # signals arrive on the Qt thread


def _tampered() -> bytes:
    env = envelope("OnVehicleOut")
    env["Data"]["TotalAmountPaid"] = 0  # changed after signing
    return jsonutil.dumps_bytes(env)


def _literal_changed() -> bytes:
    # 5 signed, 5.00 sent: the literal text is signed, so this must fail
    raw = body("OnVehicleOut")
    return raw.replace(b'"TotalAmountPaid":5', b'"TotalAmountPaid":5.00')


def _resigned(name: str, data_change: Callable[[dict[str, Any]], None] | None = None,
              **env_kwargs: Any) -> bytes:
    env = envelope(name, **env_kwargs)
    data = env["Data"]
    if data_change is not None:
        data_change(data)
    new = sign_envelope(app_id=env["AppId"], park_key=env["ParkKey"], app_secret=SECRET,
                        data=data, timestamp=env["TimeStamp"], nonce=env["Nonce"],
                        extra={"RequestId": env["RequestId"]})
    return jsonutil.dumps_bytes(new)


def _now_ms(offset_s: int) -> str:
    import time
    return str(int((time.time() + offset_s) * 1000))


BAD_BODIES: list[tuple[str, Callable[[], bytes], int]] = [
    ("wrong secret", lambda: body("OnVehicleIn", app_secret="not-the-secret"), 1001),
    ("tampered data", _tampered, 1001),
    ("number literal changed", _literal_changed, 1001),
    ("wrong AppId", lambda: body("OnVehicleIn", app_id="someone-else"), 1001),
    ("wrong ParkKey", lambda: body("OnVehicleIn", park_key="999"), 1002),
    ("not JSON", lambda: b'{"ParkKey": "1772492942362538", ', 1002),
    ("not UTF-8", lambda: b'{"ParkKey": "\xff\xfe"}', 1002),
    ("JSON array", lambda: b"[1, 2, 3]", 1002),
    ("empty body", lambda: b"", 1002),
    ("no Sign", lambda: jsonutil.dumps_bytes(
        {k: v for k, v in envelope("OnVehicleIn").items() if k != "Sign"}), 1002),
    ("no Nonce", lambda: jsonutil.dumps_bytes(
        {k: v for k, v in envelope("OnVehicleIn").items() if k != "Nonce"}), 1002),
    ("Data is a string", lambda: _resigned("OnUnsubscribedVehicle") .replace(
        b'"Data":{', b'"Data":"x","D":{'), 1002),
    ("missing OrderNo", lambda: _resigned("OnVehicleIn", lambda d: d.pop("OrderNo")), 1002),
    ("wrong type", lambda: _resigned("OnVehicleIn",
                                     lambda d: d.update(LicensePlateColor="blue")), 1002),
    ("stale", lambda: body("OnVehicleIn", timestamp=_now_ms(-601)), 1002),
    ("from the future", lambda: body("OnVehicleIn", timestamp=_now_ms(+700)), 1002),
    ("seconds not ms", lambda: body("OnVehicleIn", timestamp=_now_ms(0)[:10]), 1002),
]


@pytest.mark.parametrize(("case", "make", "code"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_bad_bodies_get_their_code_and_emit_nothing(
    run: Run, tmp_path: Path, case: str, make: Callable[[], bytes], code: int
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            status, answer = await post(session, st, make(), "/API/V2/OnVehicleOut"
                                        if "tamper" in case or "literal" in case
                                        else "/API/V2/OnVehicleIn")
            assert status == 200
            assert answer["ResultCode"] == code, answer
            assert "Traceback" not in answer["ResultMsg"]
            assert st.received == []
            assert len(st.rejected) == 1 and st.rejected[0][0] == code
            assert SECRET not in json.dumps(answer)
            rows = await st.journal.recent_callbacks()
            assert len(rows) == 1 and rows[0].result_code == code
            stats = await st.journal.stats()
            assert (stats.callbacks, stats.rejected) == (0, 1)
            assert st.listener.stats.rejected == 1

    run(scenario())


def test_duplicates_and_replays(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            raw = body("OnPayResult")
            path = "/API/V2/OnPayResult"
            # the same body three times (the parking software retrying): 200 each, emitted once
            for _ in range(3):
                assert await post(session, st, raw, path) == (
                    200, {"ResultCode": 200, "ResultMsg": "Operation successful"})
            assert len(st.received) == 1
            # same RequestId, re-signed with a new nonce: still a duplicate
            rid = json.loads(raw)["RequestId"]
            _status, answer = await post(session, st, body("OnPayResult", request_id=rid), path)
            assert answer["ResultCode"] == 200 and len(st.received) == 1
            # captured body replayed under a new RequestId: rejected, not emitted
            env = jsonutil.loads(raw)
            env["RequestId"] = "1" + rid
            _status, answer = await post(session, st, jsonutil.dumps_bytes(env), path)
            assert answer["ResultCode"] == 1001 and "replay" in answer["ResultMsg"]
            assert len(st.received) == 1
            # no RequestId at all: duplicates found by body hash
            gate = body("OnGateReleaseRecord", request_id=None)
            for _ in range(2):
                _status, answer = await post(session, st, gate, "/API/V2/OnGateReleaseRecord")
                assert answer["ResultCode"] == 200
            assert [cb.kind.name for cb in st.received] == ["OnPayResult", "OnGateReleaseRecord"]
            # concurrent duplicates: exactly one emission
            twin = body("OnVehicleIn")
            answers = await asyncio.gather(*(post(session, st, twin) for _ in range(10)))
            assert all(a[1]["ResultCode"] == 200 for a in answers)
            assert [cb.kind.name for cb in st.received].count("OnVehicleIn") == 1
            stats = await st.journal.stats()
            assert stats.callbacks == 3
            assert stats.duplicates == 2 + 1 + 1 + 9
            assert stats.rejected == 1
            assert st.listener.stats.duplicates == 13

    run(scenario())


def test_http_level_errors_are_json(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path, max_body_bytes=4096) as st, \
                aiohttp.ClientSession() as session:
            status, answer = await post(session, st, body("OnVehicleIn"), "/API/V2/OnNothing")
            assert status == 404 and answer["ResultCode"] == 1002
            status, answer = await post(session, st, b"{}", "/")
            assert status == 404 and answer["ResultCode"] == 1002
            async with session.get(st.url + "/API/V2/OnVehicleIn") as resp:
                assert resp.status == 405 and resp.content_type == "application/json"
                assert (await resp.json())["ResultCode"] == 1002
            big = b'{"pad": "' + b"x" * 10_000 + b'"}'
            status, answer = await post(session, st, big)
            assert status == 413 and answer["ResultCode"] == 1002
            # chunked (no Content-Length) over the limit

            async def chunks() -> Any:
                for _ in range(10):
                    yield b"x" * 1000

            async with session.post(st.url + "/API/V2/OnVehicleIn", data=chunks()) as resp:
                assert resp.status == 413
                assert (await resp.json(content_type=None))["ResultCode"] == 1002
            # still serving after all that
            status, answer = await post(session, st, body("OnVehicleIn"))
            assert answer["ResultCode"] == 200
            assert len(st.received) == 1

    run(scenario())


def test_allow_list_refuses_other_sources(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path, allow_sources=["192.0.2.0/24"]) as st, \
                aiohttp.ClientSession() as session:
            status, answer = await post(session, st, body("OnVehicleIn"))
            assert status == 403 and answer["ResultCode"] == 1001
            assert st.received == [] and len(st.rejected) == 1
        async with running_stack(tmp_path, allow_sources=["127.0.0.1", "::1"]) as st, \
                aiohttp.ClientSession() as session:
            status, answer = await post(session, st, body("OnVehicleIn"))
            assert status == 200 and answer["ResultCode"] == 200

    run(scenario())
    with pytest.raises(BoothError, match="allow_sources"):
        from booth_console.listener.server import CallbackListener
        CallbackListener(None, host="127.0.0.1", port=0,  # type: ignore[arg-type]
                         allow_sources=["not-an-ip"])


def test_images_are_saved_as_files_not_in_rows(run: Run, tmp_path: Path) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
    b64 = base64.b64encode(jpeg).decode()

    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            env = envelope("OnVehicleIn")
            env["Data"]["EntryImageBase64"] = b64  # not signed: no re-signing needed
            _status, answer = await post(session, st, jsonutil.dumps_bytes(env))
            assert answer["ResultCode"] == 200
            cb = st.received[0]
            path = cb.image_paths["EntryImageBase64"]
            assert path.suffix == ".jpg" and path.read_bytes() == jpeg
            assert path.is_relative_to(tmp_path)
            row = (await st.journal.recent_callbacks(1))[0]
            assert b64.encode() not in row.raw_body
            assert row.image_paths == {"EntryImageBase64": path}
            stored = jsonutil.loads(row.raw_body)
            assert stored["Data"]["OrderNo"] == "1774718489366642-6Y8MT1"
            # the stored body still verifies (images are not signed)
            from booth_console.protocol.signing import verify_envelope
            assert verify_envelope(stored, SECRET)

    run(scenario())


def test_busy_port_is_a_clear_error(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            from booth_console.listener.server import CallbackListener
            other = CallbackListener(st.processor, host="127.0.0.1", port=st.listener.port)
            with pytest.raises(BoothError, match="already in use"):
                await other.start()
            assert not other.running
            await other.stop()

    run(scenario())


def test_burst_of_2000_with_50_in_flight_loses_none(run: Run, tmp_path: Path) -> None:
    kinds = [k for k in CALLBACK_KINDS]
    bodies = [(kinds[i % len(kinds)].path, body(kinds[i % len(kinds)].name)) for i in range(2000)]
    request_ids = {json.loads(b)["RequestId"] for _, b in bodies}
    assert len(request_ids) == 2000

    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            sem = asyncio.Semaphore(50)
            connector = aiohttp.TCPConnector(limit=50)
            async with aiohttp.ClientSession(connector=connector) as session:

                async def one(path: str, raw: bytes) -> int:
                    async with sem:
                        _, answer = await post(session, st, raw, path, settle=False)
                        return int(answer["ResultCode"])

                codes = await asyncio.gather(*(one(p, b) for p, b in bodies))
            await st.processor.dispatched()
            assert codes == [200] * 2000
            emitted = [cb.request_id for cb in st.received]
            assert len(emitted) == 2000 and set(emitted) == request_ids
            assert await st.journal.callback_count() == 2000
            # batching really happened
            assert st.journal.batches < st.journal.jobs

    run(scenario())


def test_sink_failure_does_not_change_the_answer(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            def broken(_cb: Any) -> None:
                raise RuntimeError("slot bug")

            st.processor.sink = broken
            _status, answer = await post(session, st, body("OnVehicleIn"))
            assert answer["ResultCode"] == 200
            assert await st.journal.callback_count() == 1

    run(scenario())


def test_processor_answers_mqtt_bodies_by_route(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            env = envelope("OnLaneChange")
            env["Route"] = "OnLaneChange"  # V3.0: Route is not signed
            result = await st.processor.process(jsonutil.dumps_bytes(env), None, "mqtt:test")
            assert result.result_code == 200 and result.callback is not None
            assert result.callback.kind.name == "OnLaneChange"
            env2 = envelope("OnLaneChange")
            env2["Route"] = "OnNothing"
            result = await st.processor.process(jsonutil.dumps_bytes(env2), None, "mqtt:test")
            assert result.result_code == 1002
            assert [cb.source for cb in st.received] == ["mqtt:test"]

    run(scenario())


def test_journal_failure_is_1003_not_200(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            await st.journal.close()  # writes now fail
            _status, answer = await post(session, st, body("OnVehicleIn"))
            assert answer["ResultCode"] == 1003
            assert st.received == []

    run(scenario())


assert APP_ID and PARK_KEY


@pytest.mark.parametrize(("field", "value", "code"), [
    ("app_id", "someone-else", 1001), ("park_key", "999", 1002)])
def test_wrong_app_id_is_1001_and_wrong_park_key_1002(
    run: Run, tmp_path: Path, field: str, value: str, code: int
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st, aiohttp.ClientSession() as session:
            _status, answer = await post(session, st, body("OnVehicleIn", **{field: value}))
            assert answer["ResultCode"] == code
            wire_name = {"app_id": "AppId", "park_key": "ParkKey"}[field]
            assert answer["ResultMsg"].startswith(f"{wire_name} mismatch")
            assert st.received == []

    run(scenario())
