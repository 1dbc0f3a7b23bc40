"""``seed_in_park``: a vehicle parked for N minutes without moving the simulated clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from booth_console.simulator import Simulator
from booth_console.simulator.engine import SimError
from tests.simulator.helpers import raw, receiver, run, simulator

EXIT, ENTRY = "2", "1"


def _time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def _orders(sim: Simulator, plate: str) -> list[Any]:
    return sim.engine.store.all('SELECT * FROM "ParkingOrder" WHERE LicensePlateNumber = ?',
                                (plate,))


def test_a_vehicle_parked_137_minutes_ago_pays_like_after_moving_the_clock() -> None:
    async def scenario() -> None:
        # The old way: enter now, move the whole clock 137 minutes ahead.
        async with simulator() as moved:
            await moved.arrive(ENTRY, "粤BD2468")
            await moved.pass_barrier(ENTRY)
            moved.advance_clock(137)
            by_clock = await moved.arrive(EXIT, "粤BD2468")
        # The new way: the clock stays on the wall clock.
        async with simulator() as sim, raw(sim) as r:
            seeded = await sim.seed_in_park("粤BD2468", 137)
            assert seeded["Status"] == "parked"
            assert sim.dump_state()["ClockOffsetMinutes"] == 0
            assert abs((sim.engine.now() - datetime.now()).total_seconds()) < 2
            at_exit = await sim.arrive(EXIT, "粤BD2468")
            assert at_exit["Status"] == by_clock["Status"] == "waiting for payment"
            assert at_exit["ChargeMoney"] == by_clock["ChargeMoney"]
            assert at_exit["ChargeMoney"] > 0
            order = await r.call("/Api/V2/OpenApi/GetLaneOrder", {"LaneNo": EXIT})
            assert order["ResultCode"] == 200, order
            entered = _time(order["Data"]["EntryTime"])
            stay = datetime.now() - entered
            assert timedelta(minutes=137) - timedelta(seconds=3) <= stay
            assert stay <= timedelta(minutes=137, seconds=3)
            assert order["Data"]["OrderNo"] == seeded["OrderNo"]

    run(scenario())


def test_seed_sends_the_entry_callbacks_with_the_past_entry_time() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r, receiver() as rx:
            await r.call("/Api/V2/OpenApi/SetCallbackParams", rx.params(0, 6))
            occupied = sim.engine.occupied()
            seeded = await sim.seed_in_park("沪A7K913", 45, lane_no="3")
            await rx.wait_for(lambda: bool(rx.of("OnVehicleIn")) and bool(rx.of("OnParkingSpaces")))
            data = rx.of("OnVehicleIn")[0]["Data"]
            assert data["LicensePlateNumber"] == "沪A7K913"
            assert data["EntryLaneNo"] == "3"
            assert data["EntryTime"] == seeded["EntryTime"]
            assert data["EntryImageUrl"].startswith(sim.base_url)
            assert sim.engine.occupied() == occupied + 1
            # no lane was involved
            assert all(lane["Vehicle"] is None for lane in sim.dump_state()["Lanes"])

    run(scenario())


def test_seed_of_a_parked_plate_moves_its_entry_time() -> None:
    async def scenario() -> None:
        async with simulator() as sim:
            await sim.arrive(ENTRY, "粤BD2468")
            with pytest.raises(SimError, match="entry barrier"):  # not through yet
                await sim.seed_in_park("粤BD2468", 30)
            await sim.pass_barrier(ENTRY)
            moved = await sim.seed_in_park("粤BD2468", 137)
            assert moved["Status"] == "entry time moved"
            rows = _orders(sim, "粤BD2468")
            assert len(rows) == 1 and rows[0]["OrderStatus"] == 200
            assert rows[0]["EntryTime"] == moved["EntryTime"]
            assert sim.dump_state()["ClockOffsetMinutes"] == 0
            at_exit = await sim.arrive(EXIT, "粤BD2468")
            assert at_exit["Status"] == "waiting for payment" and at_exit["ChargeMoney"] > 0

    run(scenario())


def test_seed_in_park_over_the_control_api() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            async def post(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
                return await r.send("/Sim/SeedInPark", json.dumps(body).encode(),
                                    {"Content-Type": "application/json"})

            status, answer = await post({"Plate": "粤BD2468", "MinutesAgo": 137})
            assert status == 200 and answer["Ok"], answer
            assert answer["Data"]["Status"] == "parked"
            assert _time(answer["Data"]["EntryTime"]) <= datetime.now() - timedelta(minutes=136)
            for bad in ({"Plate": "粤B11111"}, {"Plate": "粤B11111", "MinutesAgo": -5},
                        {"Plate": "", "MinutesAgo": 5},
                        {"Plate": "粤B11111", "MinutesAgo": 5, "LaneNo": EXIT},
                        {"Plate": "粤B11111", "MinutesAgo": 5, "LaneNo": "99"},
                        {"Plate": "粤B11111", "MinutesAgo": "soon"}):
                status, answer = await post(bad)
                assert status == 409 and not answer["Ok"], (bad, answer)
            assert _orders(sim, "粤B11111") == []

    run(scenario())
