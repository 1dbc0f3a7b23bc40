"""The client returns each endpoint's model against the real simulator (no dicts, no ``Any``)."""

from __future__ import annotations

from booth_console.app.snapshots import LaneInfo, LaneKind, OrderSnapshot, Payable, StatusSnapshot
from booth_console.client import condition
from booth_console.protocol import endpoints as ep
from booth_console.protocol import models as m
from tests.simulator.helpers import run, sim_and_client

PLATE = "粤B12345"


def test_lane_order_status_and_price_are_their_models() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client):
            await sim.arrive("1", PLATE)
            await sim.pass_barrier("1")
            sim.advance_clock(95)
            await sim.arrive("2", PLATE)

            order = await client.get_lane_order("2")
            assert type(order) is m.LaneOrder
            assert order.order_no
            assert order.charge_money > 0
            assert order.license_plate_number == PLATE  # sent beyond the document's table

            status = await client.get_lane_status("2")
            assert type(status) is m.LaneStatus
            assert status.vehicle_on_loop
            assert StatusSnapshot.from_wire(status).loop == 1

            price = await client.get_order_price(order.order_no)
            assert type(price) is m.OrderPrice
            assert price.total_amount_due > 0
            assert all(type(line) is m.CalcDetailItem for line in price.calc_detail)

            snap = OrderSnapshot.from_wire(order, price)
            assert (snap.order_no, snap.plate, snap.charge) == (order.order_no, PLATE, order.charge_money)
            assert snap.total_due == price.total_amount_due
            assert len(snap.lines) == len(price.calc_detail)
            payable = Payable.from_wire(order, price)
            assert (payable.order_no, payable.charge, payable.total_due) == (
                order.order_no, order.charge_money, price.total_amount_due)

            # nobody at the entry lane now: an empty order, not an error
            empty = await client.get_lane_order("1")
            assert type(empty) is m.LaneOrder and not empty.order_no

    run(scenario())


def test_paged_queries_are_pages_of_their_record_model() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client):
            await sim.arrive("1", PLATE)
            await sim.pass_barrier("1")

            page = await client.query_parking_orders([condition("LicensePlateNumber", 0, PLATE)],
                                                     page_size=5)
            assert isinstance(page, m.PageResult)
            assert page.total_count == 1
            record = page.results[0]
            assert type(record) is m.ParkingOrderRecord
            assert record.license_plate_number == PLATE
            assert not record.has_exited  # exit time unset (the .NET minimum date or null)

            lanes = [r async for r in client.iter_records(ep.LANES, page_size=1)]  # page by page
            assert lanes and all(type(r) is m.LaneRecord for r in lanes)
            kinds = {LaneInfo.from_record(r).kind for r in lanes}
            assert {LaneKind.ENTRY, LaneKind.EXIT} <= kinds

            # by name the route's record model still validates the rows
            by_name = await client.query("AreaQuery")
            assert by_name.results and all(type(r) is m.AreaRecord for r in by_name.results)
            areas = await client.query_areas()
            assert [a.no for a in areas.results] == [a.no for a in by_name.results]

    run(scenario())
