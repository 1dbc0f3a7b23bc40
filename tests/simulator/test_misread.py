"""Exit-camera misreads and exits without an entry record in the simulator: the error classes,
the control API that forces each case, the traffic shares, and ``ModifyParkingOrder`` making a
corrected order the one waiting at the exit (GetLaneOrder and GetOrderPrice show it)."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from typing import Any

import httpx

from booth_console.protocol.plates import LOOKALIKE_GROUPS, plate_distance
from booth_console.simulator.misread import KINDS, draw_kind, misread
from tests.simulator.helpers import raw, run, simulator

EXIT = "2"


def _plates(rng: random.Random, n: int) -> list[str]:
    from booth_console.simulator.seed import random_plate

    return [random_plate(rng) for _ in range(n)]


def test_each_forced_class_misreads_as_its_class_says() -> None:
    rng = random.Random(7)
    for plate in _plates(rng, 300):
        read, kind = misread(rng, plate, "lookalike")
        if kind == "lookalike":
            diff = [i for i, (a, b) in enumerate(zip(read, plate, strict=True)) if a != b]
            assert len(diff) == 1
            assert any(read[diff[0]] in g and plate[diff[0]] in g for g in LOOKALIKE_GROUPS)
        else:  # a plate with no look-alike character: an arbitrary error instead
            assert kind == "other" and read != plate
        read, kind = misread(rng, plate, "last")
        assert kind == "last" and (read == plate[:-1] or (read[:-1] == plate and read[-1].isdigit()))
        read, kind = misread(rng, plate, "province")
        assert kind == "province" and len(read) == len(plate) and read[2:] == plate[2:]
        assert read[:2] != plate[:2]
        read, kind = misread(rng, plate, "other")
        assert kind == "other" and read != plate and read[:2] == plate[:2]
        assert misread(rng, plate, "unreadable") == ("", "unreadable")


def test_drawn_classes_follow_the_shares() -> None:
    rng = random.Random(3)
    counts = Counter(draw_kind(rng) for _ in range(20_000))
    assert set(counts) == set(KINDS)
    share = {k: v / 20_000 for k, v in counts.items()}
    assert abs(share["unreadable"] - 0.10) < 0.01
    assert abs(share["lookalike"] - 0.9 * 0.45) < 0.015
    assert abs(share["last"] - 0.9 * 0.25) < 0.015
    assert abs(share["province"] - 0.9 * 0.06) < 0.01
    assert abs(share["other"] - 0.9 * 0.24) < 0.015
    # a misread is never the plate itself, and (but unreadable) stays close to it
    for plate in _plates(rng, 200):
        read, kind = misread(rng, plate)
        assert read != plate
        if kind != "unreadable":
            assert plate_distance(read, plate) <= 2


def test_control_api_forces_each_case() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r, \
                httpx.AsyncClient(base_url=sim.base_url, timeout=10) as http:
            await sim.seed_in_park("粤B80261", 95)

            async def lane_order() -> dict[str, Any]:
                answer = await r.call("/Api/V2/OpenApi/GetLaneOrder", {"LaneNo": EXIT})
                data: dict[str, Any] = answer["Data"]
                return data

            resp = await http.post("/Sim/Misread", json={"LaneNo": EXIT, "Plate": "粤B80261",
                                                         "Class": "lookalike"})
            body = json.loads(resp.content)
            assert resp.status_code == 200 and body["Data"]["Class"] == "lookalike"
            read = body["Data"]["Read"]
            assert read != "粤B80261" and body["Data"]["TruePlate"] == "粤B80261"
            order = await lane_order()
            assert order["LicensePlateNumber"] == read and order["OrderNo"] is None
            assert order["ChargeMoney"] == 0
            sim.engine.lanes[EXIT].vehicle = None  # the vehicle backs out
            # nothing read: the vehicle waits without a plate
            resp = await http.post("/Sim/Arrive", json={"LaneNo": EXIT, "Plate": "粤B80261",
                                                        "Read": ""})
            assert json.loads(resp.content)["Data"]["Status"] == "unreadable"
            order = await lane_order()
            assert order["LicensePlateNumber"] is None and order["OrderNo"] is None
            sim.engine.lanes[EXIT].vehicle = None
            # no entry record
            resp = await http.post("/Sim/Arrive", json={"LaneNo": EXIT, "Plate": "晋K31597"})
            assert json.loads(resp.content)["Data"]["Status"] == "waiting: no entry record"
            sim.engine.lanes[EXIT].vehicle = None
            # refused: a misread at an entry lane, an unknown class
            for bad in ({"LaneNo": "1", "Plate": "粤B80261"},
                        {"LaneNo": EXIT, "Plate": "粤B80261", "Class": "smudged"}):
                resp = await http.post("/Sim/Misread", json=bad)
                assert resp.status_code == 409, bad

    run(scenario())


def test_modify_parking_order_makes_the_corrected_order_the_exits() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            seeded = await sim.seed_in_park("粤B80261", 95)
            await sim.arrive(EXIT, "粤B80261", read="粤BB0261")
            answer = await r.call("/Api/V2/OpenApi/Notice?Route=ModifyParkingOrder", {
                "NoticeType": 0, "Items": [
                    {"OrderNo": seeded["OrderNo"], "LicensePlateNumber": "粤BB0261",
                     "Remarks": "corrected at the exit"}]})
            assert answer["ResultCode"] == 200, answer
            order = (await r.call("/Api/V2/OpenApi/GetLaneOrder", {"LaneNo": EXIT}))["Data"]
            assert order["OrderNo"] == seeded["OrderNo"]
            price = (await r.call("/Api/V2/OpenApi/GetOrderPrice",
                                  {"OrderNo": seeded["OrderNo"]}))["Data"]
            assert str(order["ChargeMoney"]) == str(price["TotalAmountPaid"]) == "7"
            # another in-lot order corrected to a plate nobody waits with changes no lane
            other = await sim.seed_in_park("粤B30261", 30)
            await r.call("/Api/V2/OpenApi/Notice?Route=ModifyParkingOrder", {
                "NoticeType": 0, "Items": [{"OrderNo": other["OrderNo"],
                                            "LicensePlateNumber": "粤B30262"}]})
            order = (await r.call("/Api/V2/OpenApi/GetLaneOrder", {"LaneNo": EXIT}))["Data"]
            assert order["OrderNo"] == seeded["OrderNo"]

    run(scenario())


def test_traffic_misreads_and_exits_without_entry_record() -> None:
    async def scenario() -> None:
        async with simulator(traffic=600.0, misread_rate=1.0, no_entry_rate=0.3,
                             auto_pass_s=0.05) as sim:
            seen: Counter[str] = Counter()
            # the vehicles looked at, kept alive: a freed one's id() is reused by the next
            # vehicle, which would then be skipped and block its lane for the rest of the test
            looked: dict[int, Any] = {}
            loop = asyncio.get_running_loop()
            end = loop.time() + 20
            while loop.time() < end and (seen["misread"] < 3 or seen["no entry"] < 2):
                for lane in sim.engine.lanes.values():
                    v = lane.vehicle
                    if lane.d.entry or v is None or id(v) in looked:
                        continue
                    looked[id(v)] = v
                    if v.true_plate:
                        seen["misread"] += 1
                    elif v.order_no is None:
                        seen["no entry"] += 1
                    lane.vehicle = None  # gone: keep the exits free
                await asyncio.sleep(0.02)
            assert seen["misread"] >= 3 and seen["no entry"] >= 2, seen

    run(scenario())
