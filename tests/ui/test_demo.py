"""The demo's staged vehicle: parked for a while without moving the simulated clock."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from pathlib import Path
from typing import Any

from booth_console.devtools.demo import stage
from tests.app.helpers import start_simulator


def test_stage_seeds_a_parked_vehicle_at_the_exit_without_moving_the_clock(
    loop: Any, tmp_path: Path
) -> None:
    async def scenario() -> None:
        sim = await start_simulator(tmp_path)
        try:
            before = dt.datetime.now()
            await stage(sim)
            engine = sim.engine
            assert engine.clock_offset == timedelta(0)
            assert abs((engine.now() - dt.datetime.now()).total_seconds()) < 5
            lane = engine.lane("2")
            assert lane.vehicle is not None and lane.vehicle.plate == "粤BD2468"
            order = engine.order(lane.vehicle.order_no)
            entered = dt.datetime.strptime(order["EntryTime"], "%Y-%m-%d %H:%M:%S")
            ago = (before - entered).total_seconds() / 60
            assert 136 <= ago <= 138
            charge, _coupons = engine.lane_charge(lane)
            assert charge > 0
        finally:
            await sim.stop()

    loop.run_until_complete(scenario())
