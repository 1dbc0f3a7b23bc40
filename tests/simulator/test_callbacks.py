"""Callbacks: signed like the parking software, interval, retries, RetryCallback, images."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from booth_console.protocol import jsonutil
from booth_console.protocol.signing import verify_body
from tests.simulator.helpers import Raw, raw, receiver, run, simulator

SET = "/Api/V2/OpenApi/SetCallbackParams"
RETRY = "/Api/V2/OpenApi/RetryCallback"


async def _state(sim: Any, predicate: Any, timeout: float = 5.0) -> None:
    """Wait until the recorded callbacks (newest first) satisfy ``predicate``.

    The pusher records an outcome right after the receiver answers; there is no event to
    await for that, so this polls the state every 20 ms.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate(sim.dump_state()["RecentCallbacks"]):
        assert loop.time() < deadline, sim.dump_state()["RecentCallbacks"]
        await asyncio.sleep(0.02)


async def _set(r: Raw, params: list[dict[str, Any]]) -> dict[str, Any]:
    return await r.call(SET, params)


def test_set_callback_params_validation() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            good = {"Index": 4, "Url": "http://192.168.22.247:8080", "Interval": 1000}
            assert (await _set(r, [good]))["ResultCode"] == 200
            assert (await _set(r, []))["ResultCode"] == 200
            bad_cases: list[tuple[Any, str]] = [
                ([dict(good, Interval=199)], "Interval"),
                ([dict(good, Interval=600001)], "Interval"),
                ([dict(good, Interval=None)], "Interval"),
                ([dict(good, Index=11)], "Index"),
                ([dict(good, Index=-1)], "Index"),
                ([dict(good, Index="four")], "Index"),
                ([good, good], "twice"),
                ([dict(good, Url="ftp://x")], "Url"),
                ([dict(good, Url=5.5)], "Url"),
                ([42], "Data[0]"),
            ]
            for params, word in bad_cases:
                answer = await _set(r, params)
                assert answer["ResultCode"] == 1002, (params, answer)
                assert word in answer["ResultMsg"], (params, answer)
            answer = await r.call(SET, good)  # an object, not an array
            assert answer["ResultCode"] == 1002
            # 200 and 600000 are the inclusive bounds.
            ok = [dict(good, Interval=200), dict(good, Index=5, Interval=600000)]
            assert (await _set(r, ok))["ResultCode"] == 200

    run(scenario())


def test_callbacks_are_signed_and_the_table_is_replaced() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r, receiver() as rx:
            assert (await _set(r, rx.params(0, 1, 2, 6, 7)))["ResultCode"] == 200
            await sim.arrive("1", "CB0001")
            await sim.pass_barrier("1")
            await rx.wait_for(lambda: bool(rx.of("OnVehicleIn")) and bool(rx.of("OnParkingSpaces")))
            env = rx.of("OnVehicleIn")[0]
            assert env["Data"]["LicensePlateNumber"] == "CB0001"
            assert env["Data"]["EntryLaneNo"] == "1"
            assert env["Data"]["EntryImageBase64"] == ""
            assert env["AppId"] == "bcdemo01" and env["ParkKey"] == "1772492942362538"
            assert env["RequestId"].isdigit() and len(env["TimeStamp"]) == 13
            spaces = rx.of("OnParkingSpaces")[-1]["Data"]
            assert spaces["TotalSpaces"] == 500
            assert spaces["RemainingSpaces"] == 500 - sim.engine.occupied()
            # Exit with payment: payment callback, then the exit callback once it passes.
            sim.advance_clock(61)
            result = await sim.arrive("2", "CB0001")
            order_no = result["OrderNo"]
            pay = {"OrderNo": order_no, "TotalAmountDue": 7, "TotalAmountPaid": 7,
                   "DiscountAmount": 0, "PaymentTime": "2026-03-28 15:57:36",
                   "PaymentMethod": "79024", "PaymentOrderNo": "521774684656270152"}
            answer = await r.call("/Api/V2/OpenApi/PaySuccess", pay)
            assert answer["ResultCode"] == 200 and answer["ResultMsg"] == "Payment successfully!"
            await rx.wait_for(lambda: bool(rx.of("OnPayResult")))
            paid = rx.of("OnPayResult")[0]["Data"]
            assert paid["PaymentOrderNo"] == "521774684656270152"
            assert paid["TotalAmountPaid"] == 7 and paid["PaymentMethod"] == "79024"
            assert not rx.of("OnVehicleOut")
            await sim.pass_barrier("2")
            await rx.wait_for(lambda: bool(rx.of("OnVehicleOut")))
            out = rx.of("OnVehicleOut")[0]["Data"]
            assert out["OrderNo"] == order_no and out["TotalAmountPaid"] == 7
            assert out["IsFreePass"] is False
            # Manual gate operations: gate-release callbacks with the abnormal passage type.
            await r.call("/Api/V2/OpenApi/SetLaneGateStatus",
                         {"LaneNo": "2", "Status": 1, "OperatorName": "Ann"})
            await rx.wait_for(lambda: bool(rx.of("OnGateReleaseRecord")))
            rec = rx.of("OnGateReleaseRecord")[0]["Data"]
            assert rec["AbnormalPassType"] == 6201 and rec["InOutType"] == 0
            assert rec["OperatorName"] == "Ann" and rec["PassageLaneNo"] == "2"
            # Replacing the table switches entry callbacks off.
            assert (await _set(r, rx.params(1)))["ResultCode"] == 200
            before = len(rx.of("OnVehicleIn"))
            await sim.arrive("3", "CB0002")
            await sim.pass_barrier("3")
            await sim.arrive("4", "CB0002")
            await sim.pass_barrier("4")
            await rx.wait_for(lambda: len(rx.of("OnVehicleOut")) == 2)
            assert len(rx.of("OnVehicleIn")) == before
            assert rx.bad_signatures == 0

    run(scenario())


def test_retries_failures_and_retry_callback() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r, receiver() as rx:
            await _set(r, rx.params(0))
            # Two failures, then success: delivered on the third attempt.
            rx.fail_next = 2
            await sim.arrive("1", "RT0001")
            await sim.pass_barrier("1")
            await rx.wait_for(lambda: bool(rx.of("OnVehicleIn")))
            await _state(sim, lambda rows: rows[0]["Status"] == "sent")
            entry = next(c for c in sim.dump_state()["RecentCallbacks"] if c["Idx"] == 0)
            assert entry["Attempts"] == 3
            # Always failing: one try and three retries, then recorded as failed.
            await _set(r, rx.params(0, 6))
            rx.fail_next = 1000
            attempts_before = rx.attempts
            await sim.arrive("1", "RT0002")
            await sim.pass_barrier("1")

            await _state(sim, lambda rows: any(c["Idx"] == 0 and c["Status"] == "failed"
                                               for c in rows))
            rows = [c for c in sim.dump_state()["RecentCallbacks"] if c["Idx"] == 0]
            assert rows[0]["Attempts"] == 4 and "1003" in rows[0]["LastError"]
            entry_attempts = rx.attempts - attempts_before
            assert 4 <= entry_attempts <= 6  # 4 entry tries (+ spaces, never retried)
            space_rows = [c for c in sim.dump_state()["RecentCallbacks"] if c["Idx"] == 6]
            assert all(c["Attempts"] <= 1 for c in space_rows)
            # RetryCallback re-pushes the failed ones of the time range (not index 6).
            rx.fail_next = 0
            now = sim.engine.now()
            window = {"StartTime": (now.replace(hour=0, minute=0, second=0)).strftime(
                "%Y-%m-%d %H:%M:%S"), "EndTime": now.strftime("%Y-%m-%d 23:59:59"),
                "RefreshTypes": [{"Index": 0}, {"Index": 6}]}
            answer = await r.call(RETRY, window)
            assert answer["ResultCode"] == 200, answer
            assert answer["ResultMsg"] == "Re-pull failed callback business data successfully 1"
            await rx.wait_for(lambda: any(e["Data"]["LicensePlateNumber"] == "RT0002"
                                          for e in rx.of("OnVehicleIn")))
            # At most once every 30 minutes.
            answer = await r.call(RETRY, window)
            assert answer["ResultCode"] == 1005 and "30 minutes" in answer["ResultMsg"]
            sim.advance_clock(31)
            window["EndTime"] = sim.engine.now().strftime("%Y-%m-%d %H:%M:%S")
            answer = await r.call(RETRY, window)
            assert answer["ResultCode"] == 200
            assert answer["ResultMsg"].endswith(" 0")
            for bad in ({"StartTime": "yesterday", "EndTime": "2026-03-28 17:06:28"},
                        {"StartTime": "2026-03-28 18:00:00", "EndTime": "2026-03-28 17:00:00"},
                        {"EndTime": "2026-03-28 17:06:28"},
                        {"StartTime": "2026-03-28 16:06:28", "EndTime": "2026-03-28 17:06:28",
                         "RefreshTypes": [{"Index": 12}]}):
                answer = await r.call(RETRY, bad)
                assert answer["ResultCode"] == 1002, (bad, answer)

    run(scenario())


def test_dropped_callbacks_and_the_interval() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r, receiver() as rx:
            await _set(r, rx.params(0, interval=400))
            sim.set_fault(drop_callbacks=True)
            await sim.arrive("1", "DROP01")
            await sim.pass_barrier("1")
            await asyncio.sleep(0.3)
            assert rx.attempts == 0
            sim.set_fault(drop_callbacks=False)
            loop = asyncio.get_running_loop()
            t0 = loop.time()
            for plate in ("IV0001", "IV0002"):
                await sim.arrive("1", plate)
                await sim.pass_barrier("1")
            await rx.wait_for(lambda: len(rx.of("OnVehicleIn")) >= 3, timeout=5)
            # Retried after the drop, then the batch of the next two within the interval.
            assert loop.time() - t0 < 3
            plates = [e["Data"]["LicensePlateNumber"] for e in rx.of("OnVehicleIn")]
            assert plates == ["DROP01", "IV0001", "IV0002"]

    run(scenario())


def test_images_as_base64_in_callbacks() -> None:
    async def scenario() -> None:
        async with simulator(image_base64_in_callbacks=True) as sim, raw(sim) as r, \
                receiver() as rx:
            await _set(r, rx.params(0, 1))
            await sim.arrive("1", "IMG001")
            await sim.pass_barrier("1")
            await rx.wait_for(lambda: bool(rx.of("OnVehicleIn")))
            env = rx.of("OnVehicleIn")[0]
            jpeg = base64.b64decode(env["Data"]["EntryImageBase64"])
            assert jpeg[:2] == b"\xff\xd8" and len(jpeg) > 1000
            # The Base64 field is not signed: the envelope still verifies without it.
            stripped = dict(env, Data=dict(env["Data"], EntryImageBase64=""))
            assert verify_body(jsonutil.dumps_bytes(stripped), "booth-demo-secret").ok
            assert env["Data"]["EntryImageUrl"].startswith(sim.base_url + "/CameraCaptures/")

    run(scenario())
