"""Finding a vehicle's entry from a misread plate, against the simulator over loopback HTTP."""

from __future__ import annotations

from typing import Any

from booth_console.app.find_entry import EntrySearch, QueryPlan, plan_queries, spellings
from booth_console.simulator import Simulator
from tests.app.crowded_lot import park_many
from tests.protocol.plate_cases import decoys, excluded
from tests.simulator.helpers import run, sim_and_client

PARKED = ["粤B12345", "粤B60821", "粤BD37251", "湘B29471", "粤B47309"]


async def _lot(sim: Simulator, n_decoys: int) -> dict[str, dict[str, Any]]:
    seeded = {}
    for i, plate in enumerate(PARKED):
        seeded[plate] = await sim.seed_in_park(plate, 1 + i, lane_no="3" if i % 2 else "1")
    park_many(sim, decoys(n_decoys, seed=3, exclude=excluded()))
    return seeded


def test_misreads_find_the_vehicle_with_one_request() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client):
            seeded = await _lot(sim, 2000)
            search = EntrySearch(client)
            for read, true, differing in [
                ("粤B1Z345", "粤B12345", (3,)),      # Z read for 2
                ("粤BG0821", "粤B60821", (2,)),      # G read for 6
                ("粤BD3725", "粤BD37251", (7,)),     # new-energy plate, last character lost
                ("粤B29471", "湘B29471", (0,)),      # the camera's own province
                ("粤B123456", "粤B12345", ()),       # an extra last character
            ]:
                result = await search.search(read, top=3)
                best = result.candidates[0]
                assert best.plate == true, (read, result.candidates)
                assert best.differing == differing
                assert best.order_no == seeded[true]["OrderNo"]
                assert best.entry_time == seeded[true]["EntryTime"]
                assert best.entry_lane_no in ("1", "3") and best.entry_lane_name
                # one page of one request, a handful of rows out of 2,005 vehicles
                assert result.requests == 1 and result.rows <= 20 and result.complete
    run(scenario())


def test_an_arbitrary_error_takes_the_second_round() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client):
            await _lot(sim, 2000)
            search = EntrySearch(client)
            result = await search.search("粤B47389", top=3)  # 8 read for 0: not a look-alike
            assert "粤B47309" in [c.plate for c in result.candidates]
            # the core round found nothing closer than 1; then one request for the core less its
            # first or last character, and one per middle character (city letter and the part
            # before it, AND the part after it)
            assert result.requests == 4
            assert result.rows < 50
            lost_in_middle = await search.search("粤B4709", top=3)  # 3 lost in the middle
            assert "粤B47309" in [c.plate for c in lost_in_middle.candidates]

            # a vehicle one look-alike away from the read hides one an arbitrary error away
            park_many(sim, ["粤B88256", "粤B88205"])
            quick = await EntrySearch(client).search("粤B8825", top=3)
            assert quick.requests == 1 and quick.candidates[0].plate == "粤B88256"  # last lost
            assert "粤B88205" not in [c.plate for c in quick.candidates]
            thorough = await EntrySearch(client).search("粤B8825", top=3, thorough=True)
            # 粤B88256 (0.4), then 粤B88205 (the 0 lost in the middle: 1)
            assert [c.plate for c in thorough.candidates[:2]] == ["粤B88256", "粤B88205"]
            assert thorough.requests > 1
    run(scenario())


def test_exited_vehicles_are_not_candidates() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client):
            park_many(sim, ["粤B77001"], status=201)
            park_many(sim, ["粤B77002"], status=200)
            result = await EntrySearch(client).search("粤B77OO1", top=5)
            assert [c.plate for c in result.candidates] == ["粤B77002"]
            assert result.candidates[0].distance == 1.5  # O O for 0 0 (0.25 each), 1 for 2
    run(scenario())


def test_an_empty_read_lists_the_latest_entries() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client):
            seeded = await _lot(sim, 50)
            result = await EntrySearch(client).search("", top=3)
            # seeded 1, 2, 3... minutes ago, every other vehicle 20 minutes ago or more
            assert [c.plate for c in result.candidates] == PARKED[:3]
            assert result.requests == 1
            assert result.candidates[0].order_no == seeded[PARKED[0]]["OrderNo"]
    run(scenario())


def test_typing_sends_only_new_requests() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client):
            await _lot(sim, 500)
            search = EntrySearch(client)
            first = await search.search("粤B1Z345")
            again = await search.search("粤B1Z345")
            assert first.requests == 1 and again.requests == 0 and search.requests_sent == 1
            assert again.candidates == first.candidates
            typed = await search.search("2345")  # the attendant types what the car shows
            assert typed.candidates[0].plate == "粤B12345" and typed.requests == 1
    run(scenario())


def test_a_page_cap_bounds_a_vague_search() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client):
            park_many(sim, [f"粤B{n:05d}" for n in range(300)])  # 100 of them contain "000"
            search = EntrySearch(client, page_size=30, max_pages=2)
            result = await search.search("000")
            assert result.requests == 2 and result.rows == 60 and not result.complete
            assert all("000" in c.plate for c in result.candidates)
            short = await search.search("00")  # too short to narrow: one page, latest first
            assert short.requests == 1 and short.rows == 30 and short.complete
    run(scenario())


def test_look_alike_spellings_and_the_query_plan() -> None:
    assert spellings("12") == ["12", "1Z", "L2", "LZ", "72", "7Z", "T2", "TZ"]  # never I or O
    assert spellings("0") == ["0", "D", "Q"]
    assert spellings("34") == ["34", "3A"]
    first, second = plan_queries("粤B1Z345")
    # the core 1Z345: both of its four-character windows, AND-ed, in every spelling
    assert len(first) == 1 and len(first[0].groups) == 2
    assert "1234" in first[0].groups[0] and "2345" in first[0].groups[1]
    conds = first[0].conditions()
    assert (conds[0].field, conds[0].operator, conds[0].value) == ("OrderStatus", 0, "200")
    assert conds[1].operator == 15 and "1234" in (conds[1].value or "").split(", ")
    # second round: the parts standing alone (Z345 without the first character, B1Z3 without
    # the last ones) in one request; a request for each middle character: B1 and 345, B1Z and 45
    assert len(second) == 3
    assert {"Z345", "2345", "B1Z3", "8123"} <= set(second[0].groups[0])
    assert [("B1" in g[0], "345" in g[1]) for g in (second[1].groups,)] == [(True, True)]
    assert "B12" in second[2].groups[0] and "45" in second[2].groups[1]
    assert plan_queries("") == ([QueryPlan(groups=(), latest=True)], [])
    assert plan_queries("粤B6") == ([QueryPlan(groups=(("粤B6",),), latest=True)], [])
