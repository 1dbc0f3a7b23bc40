"""Hostile and malformed requests get JSON answers with the right ResultCode; serving goes on."""

from __future__ import annotations

import asyncio
import json

from booth_console.protocol import jsonutil
from booth_console.protocol.signing import sign_envelope
from tests.simulator.helpers import APP, raw, run, simulator

AREA = "/Api/V2/OpenApi/Query?Route=Area"
PAGE = {"PageIndex": 1, "PageSize": 20, "OrderBy": "Uid", "OrderType": 0, "QueryCondition": []}
JSON_CT = {"Content-Type": "application/json"}


def _signed(data: object, **over: str) -> bytes:
    args = dict(APP)
    args.update(over)
    return jsonutil.dumps_bytes(sign_envelope(data=data, **args))


def test_garbage_gets_json_answers_and_the_server_keeps_serving() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            cases: list[tuple[bytes, dict[str, str], int, str]] = [
                (b"{not json", JSON_CT, 1002, "JSON"),
                (b"", JSON_CT, 1002, "JSON"),
                (b"[1, 2]", JSON_CT, 1002, "object"),
                (b"\xff\xfe\x00garbage", JSON_CT, 1002, "UTF-8"),
                (b'{"a": NaN}', JSON_CT, 1002, "JSON"),
                (_signed(PAGE), {"Content-Type": "text/plain"}, 1002, "Content-Type"),
                (_signed(PAGE), {}, 1002, "Content-Type"),
                (_signed(PAGE), {"Content-Type": "application/x-www-form-urlencoded"}, 1002,
                 "Content-Type"),
                (b"[" * 100000 + b"]" * 100000, JSON_CT, 1002, "JSON"),
            ]
            seen_ids = set()
            for body, headers, code, word in cases:
                _status, answer = await r.send(AREA, body, headers)
                assert answer["ResultCode"] == code, (body[:40], answer)
                assert word.lower() in answer["ResultMsg"].lower(), answer
                assert answer["ResultId"].isdigit() and len(answer["ResultId"]) >= 18
                seen_ids.add(answer["ResultId"])
                ok = await r.query("Area")
                assert ok["ResultCode"] == 200
                seen_ids.add(ok["ResultId"])
            assert len(seen_ids) == 2 * len(cases)

    run(scenario())


def test_five_megabyte_body_is_refused_with_the_body_limit() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            big = dict(PAGE, Padding="x" * (5 * 1024 * 1024))
            _status, answer = await r.send(AREA, _signed(big), JSON_CT)
            assert answer["ResultCode"] == 1002
            assert "limit" in answer["ResultMsg"]
            assert (await r.query("Area"))["ResultCode"] == 200

    run(scenario())


def test_signature_and_identity_checks() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            assert (await r.call(AREA, PAGE, secret="wrong-secret"))["ResultCode"] == 1001

            def tamper(env: dict[str, object]) -> None:
                env["Data"] = dict(PAGE, PageSize=21)
            assert (await r.call(AREA, PAGE, tamper=tamper))["ResultCode"] == 1001

            def drop_sign(env: dict[str, object]) -> None:
                del env["Sign"]
            assert (await r.call(AREA, PAGE, tamper=drop_sign))["ResultCode"] == 1001
            answer = await r.call(AREA, PAGE, app_id="someone-else")
            assert answer["ResultCode"] == 1001 and "AppId" in answer["ResultMsg"]
            answer = await r.call(AREA, PAGE, park_key="1111111111111111")
            assert answer["ResultCode"] == 1002 and "ParkKey" in answer["ResultMsg"]

            answer = await r.call(AREA, PAGE, tamper=lambda env: env.update(TimeStamp="17745"))
            assert answer["ResultCode"] == 1002 and "TimeStamp" in answer["ResultMsg"]

            def drop_nonce(env: dict[str, object]) -> None:
                del env["Nonce"]
            answer = await r.call(AREA, PAGE, tamper=drop_nonce)
            assert answer["ResultCode"] == 1002 and "Nonce" in answer["ResultMsg"]
            # Number literals are signed as written: 1.50 is not 1.5.
            env = sign_envelope(data={"LaneNo": "1", "X": jsonutil.loads("1.50")}, **APP)
            body = jsonutil.dumps(env).replace("1.50", "1.5").encode()
            _, answer = await r.send("/Api/V2/OpenApi/GetLaneStatus", body, JSON_CT)
            assert answer["ResultCode"] == 1001
            _, answer = await r.send("/Api/V2/OpenApi/GetLaneStatus",
                                     jsonutil.dumps_bytes(env), JSON_CT)
            assert answer["ResultCode"] == 200
            assert (await r.query("Area"))["ResultCode"] == 200

    run(scenario())


def test_paths_methods_and_parameters() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            status, answer = await r.send("/Api/V2/OpenApi/NoSuchThing", _signed(None), JSON_CT)
            assert status == 404 and answer["ResultCode"] == 1002
            status, answer = await r.send("/nowhere", b"", {})
            assert status == 404 and answer["ResultCode"] == 1002
            answer = await r.call("/Api/V2/OpenApi/Query", PAGE)
            assert answer["ResultCode"] == 1002 and "Route" in answer["ResultMsg"]
            answer = await r.call("/Api/V2/OpenApi/Query?Route=Nope", PAGE)
            assert answer["ResultCode"] == 1002
            # Paths and routes are case-insensitive.
            answer = await r.call("/api/v2/openapi/query?route=area", PAGE)
            assert answer["ResultCode"] == 200
            # GET endpoints also accept POST; POST endpoints refuse GET.
            for method in ("GET", "POST"):
                answer = await r.call("/Api/V2/OpenApi/GetLaneStatus", {"LaneNo": "2"},
                                      method=method)
                assert answer["ResultCode"] == 200
            answer = await r.call("/Api/V2/OpenApi/PaySuccess", {}, method="GET")
            assert answer["ResultCode"] == 1002
            # Unknown lane and missing fields name the field.
            for data in ({"LaneNo": "99"}, {}, {"LaneNo": None}, None, [1], "x"):
                answer = await r.call("/Api/V2/OpenApi/GetLaneStatus", data, method="GET")
                assert answer["ResultCode"] == 1002, (data, answer)
            answer = await r.call("/Api/V2/OpenApi/GetLaneOrder", {"LaneNo": "99"})
            assert answer["ResultCode"] == 1002 and "LaneNo" in answer["ResultMsg"]
            answer = await r.call("/Api/V2/OpenApi/SetLaneGateStatus",
                                  {"LaneNo": "1", "Status": 7, "OperatorName": "t"})
            assert answer["ResultCode"] == 1002 and "Status" in answer["ResultMsg"]
            answer = await r.call("/Api/V2/OpenApi/SetLaneGateStatus",
                                  {"LaneNo": "1", "Status": "open"})
            assert answer["ResultCode"] == 1002 and "Status" in answer["ResultMsg"]
            status, answer = await r.send("/Sim/State", b"", method="GET")
            assert answer["Ok"] and answer["Data"]["Requests"] >= 10

    run(scenario())


def test_faults_slow_and_failing_answers() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            sim.set_fault(fail_rate=1.0)
            assert (await r.query("Area"))["ResultCode"] == 1003
            sim.set_fault(fail_rate=0.0, slow_ms=300)
            loop = asyncio.get_running_loop()
            t0 = loop.time()
            assert (await r.query("Area"))["ResultCode"] == 200
            assert loop.time() - t0 >= 0.29
            _status, answer = await r.send("/Sim/Fault", json.dumps({"Clear": True}).encode(),
                                          JSON_CT)
            assert answer["Ok"] and answer["Data"]["SlowMs"] == 0

    run(scenario())


def test_arrays_of_objects_name_the_bad_element() -> None:
    """SetCallbackParams and RetryCallback: 1002 naming the array or the element that is not an
    object, and the callback table left as it was."""
    window = {"StartTime": "2026-03-28 16:00:00", "EndTime": "2026-03-28 17:00:00"}
    cases: list[tuple[str, object, str]] = [
        ("SetCallbackParams", None, "Data must be an array of {Index, Url, Interval}"),
        ("SetCallbackParams", [{"Index": 0, "Url": "", "Interval": 200}, 5],
         "Data[1] must be an object with Index, Url, Interval"),
        ("RetryCallback", dict(window, RefreshTypes={"Index": 0}), "RefreshTypes must be an array of {Index}"),
        ("RetryCallback", dict(window, RefreshTypes=[{"Index": 0}, "1"]),
         "RefreshTypes[1] must be an object with Index"),
    ]

    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            table = sim.dump_state()["Callbacks"]
            for action, data, message in cases:
                answer = await r.call(f"/Api/V2/OpenApi/{action}", data)
                assert answer["ResultCode"] == 1002, (action, data, answer)
                assert message in answer["ResultMsg"], (action, data, answer)
            assert sim.dump_state()["Callbacks"] == table

    run(scenario())
