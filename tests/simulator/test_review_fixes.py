"""Review findings: the Area query's free spaces, RetryCallback's wait in minutes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.simulator.helpers import raw, run, simulator

RETRY = "/Api/V2/OpenApi/RetryCallback"


def test_area_space_num_is_the_number_of_free_spaces() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            occupied = sim.engine.occupied()
            assert occupied > 0  # the seeded lot has vehicles in
            answer = await r.query("Area")
            assert answer["ResultCode"] == 200
            area = answer["Data"]["Results"][0]
            assert area["AreaSpaceNum"] == 500 - occupied
            # One more vehicle in: one space less, as OnParkingSpaces' RemainingSpaces.
            await sim.arrive("1", "沪A12345")
            await sim.pass_barrier("1")
            assert sim.engine.occupied() == occupied + 1
            area = (await r.query("Area"))["Data"]["Results"][0]
            assert area["AreaSpaceNum"] == 500 - occupied - 1
            # A condition on the field sees the same value.
            hit = await r.query("Area", [{"Field": "AreaSpaceNum", "Operator": 0,
                                          "Value": str(500 - occupied - 1)}])
            assert hit["Data"]["TotalCount"] == 1

    run(scenario())


def test_retry_callback_twice_names_the_remaining_minutes() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            fixed = datetime(2026, 3, 28, 17, 0, 0)
            sim.engine.now = lambda: fixed  # type: ignore[method-assign]
            window: dict[str, Any] = {"StartTime": "2026-03-28 00:00:00",
                                      "EndTime": "2026-03-28 17:00:00", "RefreshTypes": []}
            assert (await r.call(RETRY, window))["ResultCode"] == 200
            answer = await r.call(RETRY, window)
            assert answer["ResultCode"] == 1005
            assert "try again in 30 min" in answer["ResultMsg"], answer
            fixed += timedelta(minutes=10, seconds=1)
            answer = await r.call(RETRY, window)
            assert "try again in 20 min" in answer["ResultMsg"], answer
            fixed += timedelta(minutes=19, seconds=58)
            answer = await r.call(RETRY, window)
            assert "try again in 1 min" in answer["ResultMsg"], answer

    run(scenario())
