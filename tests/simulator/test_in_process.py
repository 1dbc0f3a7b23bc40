"""``Simulator.handle_envelope`` answers exactly like the HTTP path (same checks, same dispatch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from booth_console.protocol import jsonutil
from booth_console.protocol.endpoints import by_name
from booth_console.protocol.signing import sign_envelope
from booth_console.simulator.server import BODY_LIMIT
from tests.simulator.helpers import APP, raw, run, simulator

PAGE = {"PageIndex": 1, "PageSize": 5, "OrderBy": "Uid", "OrderType": 0, "QueryCondition": []}


def _body(data: Any, tamper: Callable[[dict[str, Any]], None] | None = None) -> bytes:
    env = sign_envelope(data=data, **APP)
    if tamper is not None:
        tamper(env)
    return jsonutil.dumps_bytes(env)


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def tamper(env: dict[str, Any]) -> None:
        env[key] = value
    return tamper


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    def tamper(env: dict[str, Any]) -> None:
        env.pop(key, None)
    return tamper


CASES: list[tuple[str, str, bytes, int]] = [
    ("ok lane status", "BarrierStatusQuery", _body({"LaneNo": "1"}), 200),
    ("ok paged", "LaneQuery", _body(PAGE), 200),
    ("unknown lane", "BarrierStatusQuery", _body({"LaneNo": "99"}), 1002),
    ("bad sign", "BarrierStatusQuery", _body({"LaneNo": "1"}, _set("Sign", "0" * 32)), 1001),
    ("no sign", "BarrierStatusQuery", _body({"LaneNo": "1"}, _drop("Sign")), 1001),
    ("short timestamp", "BarrierStatusQuery",
     _body({"LaneNo": "1"}, _set("TimeStamp", "1774695602")), 1002),
    ("other AppId", "BarrierStatusQuery", _body({"LaneNo": "1"}, _set("AppId", "intruder")),
     1001),
    ("other ParkKey", "BarrierStatusQuery", _body({"LaneNo": "1"}, _set("ParkKey", "1")), 1002),
    ("no Nonce", "BarrierStatusQuery", _body({"LaneNo": "1"}, _drop("Nonce")), 1002),
    ("not JSON", "BarrierStatusQuery", b"{not json", 1002),
    ("array", "BarrierStatusQuery", b"[1, 2]", 1002),
    ("too large", "BarrierStatusQuery", b" " * (BODY_LIMIT + 1), 1002),
]


def test_in_process_answers_equal_the_http_answers() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            for label, name, body, code in CASES:
                ep = by_name(name)
                path = f"/Api/V2/OpenApi/{ep.action}" + (f"?Route={ep.route}" if ep.route else "")
                status, over_http = await r.send(
                    path, body, {"Content-Type": "application/json"})
                in_process = await sim.handle_envelope(ep, body)
                # What the bridge publishes: the same JSON as the HTTP body.
                in_process = jsonutil.loads(jsonutil.dumps_bytes(in_process))
                assert status == 200, label
                assert over_http["ResultCode"] == code, (label, over_http)
                for answer in (over_http, in_process):
                    assert set(answer) == {"ResultCode", "ResultMsg", "ResultId", "Data"}, label
                    assert str(answer["ResultId"]).isdigit()
                assert in_process["ResultCode"] == code, (label, in_process)
                assert in_process["ResultMsg"] == over_http["ResultMsg"], label
                assert in_process["Data"] == over_http["Data"], label

    run(scenario())


def test_in_process_calls_change_state_and_see_faults() -> None:
    async def scenario() -> None:
        async with simulator() as sim:
            before = sim.requests
            gate = by_name("BarrierStatusNotify")
            answer = await sim.handle_envelope(
                gate, _body({"LaneNo": "1", "Status": 1, "OperatorName": "inproc"}))
            assert answer["ResultCode"] == 200, answer
            status = await sim.handle_envelope(by_name("BarrierStatusQuery"),
                                               _body({"LaneNo": "1"}))
            assert status["Data"]["GataStatus"] == 1, status
            assert sim.requests == before + 2
            sim.set_fault(fail_rate=1.0)
            failed = await sim.handle_envelope(by_name("BarrierStatusQuery"),
                                               _body({"LaneNo": "1"}))
            assert failed["ResultCode"] == 1003 and "simulated fault" in failed["ResultMsg"]

    run(scenario())
