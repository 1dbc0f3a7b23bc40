"""Notice routes: every item is checked before anything is written, and BlackList changes are
announced with OnBlackList (add/update Status 1, delete Status 0)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.simulator.helpers import Raw, raw, receiver, run, simulator

SET = "/Api/V2/OpenApi/SetCallbackParams"

MONTHLY = {"No": "NR-M1", "LicensePlateNumber": "NR0001", "ParkingSpotNumber": "1",
           "OwnerNo": "NR-OWNER", "OwnerName": "owner", "StartTime": "2026-01-01 00:00:00",
           "EndTime": "2099-01-01 00:00:00", "StoredVehicleBalance": 0,
           "OwnerParkingSpaceCount": 1, "EnableOffline": 0, "IsDeleteOwner": False}
BLACK = {"No": "NR-B1", "LicensePlateNumber": "nr0002", "OwnerName": "", "PhoneNumber": "",
         "StartTime": "2026-01-01 00:00:00", "EndTime": "2099-01-01 00:00:00", "Remarks": "r"}
SCHEME = {"No": "NR-S1", "Name": "five off", "Type": "101", "Amount": 5, "Duration": 0,
          "Ratio": 0, "Enable": 1, "Scene": 1}
COUPON = {"No": "NR-C1", "CouponSchemeNo": "NR-S1", "Type": "101", "Value": 5,
          "LicensePlateNumber": "NR0003"}
TABLES = {"MonthlyCar": MONTHLY, "BlackList": BLACK, "CouponScheme": SCHEME, "PlateCoupon": COUPON}
#: a change that makes an item of the route invalid (1002)
BREAK = {"MonthlyCar": {"StartTime": "yesterday"}, "BlackList": {"EndTime": "tomorrow"},
         "CouponScheme": {"Type": "105"}, "PlateCoupon": {"Type": "999"}}


async def _notice(r: Raw, route: str, notice_type: int, items: list[dict[str, Any]]
                  ) -> dict[str, Any]:
    return await r.call(f"/Api/V2/OpenApi/Notice?Route={route}",
                        {"NoticeType": notice_type, "Items": items})


async def _count(r: Raw, route: str, no: str) -> int:
    answer = await r.query(route, [{"Field": "No", "Operator": 0, "Value": no}])
    assert answer["ResultCode"] == 200, answer
    count: int = answer["Data"]["TotalCount"]
    return count


@pytest.mark.parametrize("route", sorted(TABLES))
def test_a_bad_item_leaves_every_item_unwritten(route: str) -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            good = TABLES[route]
            # an addition with a bad second item adds nothing
            bad = dict(good, No="NR-X", **BREAK[route])
            answer = await _notice(r, route, 0, [good, bad])
            assert answer["ResultCode"] == 1002 and "Items[1]" in answer["ResultMsg"], answer
            assert await _count(r, route, good["No"]) == 0
            # a deletion naming an unknown record deletes nothing, and names the item
            assert (await _notice(r, route, 0, [good]))["ResultCode"] == 200
            answer = await _notice(r, route, 1, [good, dict(good, No="NR-UNKNOWN")])
            assert answer["ResultCode"] == 1005 and "Items[1]" in answer["ResultMsg"], answer
            assert "NR-UNKNOWN" in answer["ResultMsg"]
            assert await _count(r, route, good["No"]) == 1
            assert (await _notice(r, route, 1, [good]))["ResultCode"] == 200
            assert await _count(r, route, good["No"]) == 0

    run(scenario())


def test_modify_parking_order_checks_every_item_first() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            await sim.arrive("1", "NR0004")
            await sim.pass_barrier("1")
            orders = await r.query("ParkingOrder", [{"Field": "LicensePlateNumber",
                                                     "Operator": 0, "Value": "NR0004"}])
            order_no = orders["Data"]["Results"][0]["OrderNo"]
            answer = await _notice(r, "ModifyParkingOrder", 1,
                                   [{"OrderNo": order_no}, {"OrderNo": "NR-NO-SUCH-ORDER"}])
            assert answer["ResultCode"] == 1005 and "Items[1]" in answer["ResultMsg"], answer
            orders = await r.query("ParkingOrder", [{"Field": "OrderNo", "Operator": 0,
                                                     "Value": order_no}])
            assert orders["Data"]["Results"][0]["OrderStatus"] == 200  # not closed

    run(scenario())


def test_blacklist_changes_send_on_black_list() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r, receiver() as rx:
            assert (await r.call(SET, rx.params(8)))["ResultCode"] == 200
            assert (await _notice(r, "BlackList", 0, [BLACK]))["ResultCode"] == 200
            assert (await _notice(r, "BlackList", 0, [dict(BLACK, Remarks="again")])
                    )["ResultCode"] == 200
            assert (await _notice(r, "BlackList", 1, [BLACK]))["ResultCode"] == 200
            await rx.wait_for(lambda: len(rx.of("OnBlackList")) == 3)
            data = [env["Data"] for env in rx.of("OnBlackList")]
            assert [d["Status"] for d in data] == [1, 1, 0]
            assert {d["LicensePlateNumber"] for d in data} == {"NR0002"}
            assert [d["Remarks"] for d in data] == ["r", "again", "again"]
            assert all("No" not in d for d in data)

    run(scenario())
