"""Review findings: the Area query's free spaces."""

from __future__ import annotations

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

