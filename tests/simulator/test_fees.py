"""The tariff, worked out by hand: durations, plate types and coupon types.

Standard tariff (Temporary Car A and most types): 15 free minutes; otherwise 5 yuan for the
first hour, 2 yuan per later hour started, at most 40 yuan per 24 h period. Temporary Car B
(large vehicles): 10 first hour, 4 later, cap 80. Temporary Car C: 30 free minutes, 3 per hour,
cap 30.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from booth_console.simulator import lot
from booth_console.simulator.tariff import Coupon, compute_price
from tests.simulator.helpers import Raw, raw, run, simulator

T0 = datetime(2026, 3, 28, 8, 0, 0)
TEMP_A = "1772492942389506"
TEMP_B = "1772492942389238"
TEMP_C = "1772492942389881"
FREE = "1772492942389454"

# (minutes, Temporary Car A, Temporary Car B, Temporary Car C), all by hand.
DURATIONS = [
    (0, 0, 0, 0),
    (10, 0, 0, 0),
    (15, 0, 0, 0),
    (16, 5, 10, 0),
    (30, 5, 10, 0),
    (31, 5, 10, 3),
    (60, 5, 10, 3),
    (61, 7, 14, 6),
    (120, 7, 14, 6),
    (121, 9, 18, 9),
    (300, 13, 26, 15),
    (1080, 39, 78, 30),  # 18 h: 5 + 17 * 2
    (1140, 40, 80, 30),  # 19 h: capped
    (1440, 40, 80, 30),  # one full day
    (1450, 45, 90, 33),  # a day and 10 minutes: the new period's first hour
    (2940, 85, 170, 63),  # 49 h: two caps and one first hour
]


@pytest.mark.parametrize(("minutes", "temp_a", "temp_b", "temp_c"), DURATIONS)
def test_tariff_table(minutes: int, temp_a: int, temp_b: int, temp_c: int) -> None:
    calc = T0 + timedelta(minutes=minutes)
    for category, expected in (("3651", temp_a), ("3650", temp_b), ("3649", temp_c)):
        price = compute_price(T0, calc, lot.tariff_for(category), label="t")
        assert price.gross == Decimal(expected), (category, minutes, price)
        assert price.final == Decimal(expected)
        assert sum(d["CalcAmount"] for d in price.details) == Decimal(expected)


# Three hours of Temporary Car A cost 9 yuan.
COUPONS = [
    (Coupon("c", "5 off", "101", Decimal(5)), "4"),
    (Coupon("c", "20 off", "101", Decimal(20)), "0"),
    (Coupon("c", "1 h", "102", Decimal(60)), "7"),
    (Coupon("c", "2 h 50", "102", Decimal(170)), "0"),  # 10 minutes left: free minutes
    (Coupon("c", "80%", "103", Decimal(8)), "7.2"),
    (Coupon("c", "75%", "103", Decimal("7.5")), "6.75"),
    (Coupon("c", "free", "103", Decimal(0)), "0"),
    (Coupon("c", "until +2h", "104", Decimal(0), T0 + timedelta(hours=2)), "5"),
    (Coupon("c", "until +4h", "104", Decimal(0), T0 + timedelta(hours=4)), "0"),
    (Coupon("c", "until -1h", "104", Decimal(0), T0 - timedelta(hours=1)), "9"),
]


@pytest.mark.parametrize(("coupon", "expected"), COUPONS, ids=[c[0].name for c in COUPONS])
def test_coupon_types(coupon: Coupon, expected: str) -> None:
    price = compute_price(T0, T0 + timedelta(hours=3), lot.tariff_for("3651"), label="t",
                          coupons=[coupon])
    assert price.gross == Decimal(9)
    assert price.final == Decimal(expected)
    assert price.discount == Decimal(9) - Decimal(expected)


def test_coupons_combine_time_first_then_ratio_then_amount() -> None:
    coupons = [Coupon("a", "2 off", "101", Decimal(2)), Coupon("r", "50%", "103", Decimal(5)),
               Coupon("m", "1 h", "102", Decimal(60))]
    # 5 h = 13; minus 1 h = 4 h = 11; 50% = 5.5; minus 2 = 3.5.
    price = compute_price(T0, T0 + timedelta(hours=5), lot.tariff_for("3651"), label="t",
                          coupons=coupons)
    assert (price.gross, price.final, price.discount) == (Decimal(13), Decimal("3.5"),
                                                          Decimal("9.5"))


async def _notice(r: Raw, route: str, notice_type: int, items: list[dict[str, Any]]
                  ) -> dict[str, Any]:
    return await r.call(f"/Api/V2/OpenApi/Notice?Route={route}",
                        {"NoticeType": notice_type, "Items": items})


async def _enter(sim: Any, r: Raw, plate: str, minutes_ago: int,
                 plate_type: str = TEMP_A) -> str:
    result = await sim.arrive("1", plate, plate_type)
    await sim.pass_barrier("1")
    order_no: str = result["OrderNo"]
    entry = (sim.engine.now() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%d %H:%M:%S")
    answer = await _notice(r, "ModifyParkingOrder", 0, [{"OrderNo": order_no,
                                                          "EntryTime": entry}])
    assert answer["ResultCode"] == 200, answer
    return order_no


async def _price(r: Raw, order_no: str, **extra: str) -> dict[str, Any]:
    answer = await r.call("/Api/V2/OpenApi/GetOrderPrice", dict(OrderNo=order_no, **extra),
                          method="GET")
    assert answer["ResultCode"] == 200, answer
    data: dict[str, Any] = answer["Data"]
    return data


def test_fees_over_http_for_durations_plate_types_and_coupons() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            # Durations (Temporary Car A) through GetOrderPrice at the simulated time.
            for minutes, temp_a, temp_b, _ in DURATIONS[1::3]:
                order_no = await _enter(sim, r, f"DUR{minutes}", minutes)
                data = await _price(r, order_no)
                assert data["TotalAmountDue"] == temp_a, (minutes, data)
                assert data["TotalAmountPaid"] == temp_a
                order_b = await _enter(sim, r, f"DURB{minutes}", minutes, TEMP_B)
                assert (await _price(r, order_b))["TotalAmountDue"] == temp_b
            # A 49 h stay is broken down per 24 h period.
            order_no = await _enter(sim, r, "LONG1", 2940)
            data = await _price(r, order_no)
            assert [d["CalcAmount"] for d in data["CalcDetail"]] == [40, 40, 5]
            assert [d["StayMinutes"] for d in data["CalcDetail"]] == [1440, 1440, 60]
            assert data["CalcDetail"][0]["AreaNo"] == lot.AREA_NO
            # Plate types: free vehicles, monthly vehicles while valid, expired monthly.
            order_no = await _enter(sim, r, "FREE99", 600, FREE)
            assert (await _price(r, order_no))["TotalAmountDue"] == 0
            order_no = await _enter(sim, r, "P12345", 600)  # the document's monthly plate
            assert (await _price(r, order_no))["TotalAmountDue"] == 0
            order_no = await _enter(sim, r, "EXP001", 300)  # expired two days ago
            data = await _price(r, order_no)
            assert data["TotalAmountDue"] == 13
            assert data["CalcDetail"][0]["IsCarExpire"] == 1
            # Advancing the clock raises the fee.
            order_no = await _enter(sim, r, "CLOCK1", 50)
            assert (await _price(r, order_no))["TotalAmountDue"] == 5
            sim.advance_clock(12)
            assert (await _price(r, order_no))["TotalAmountDue"] == 7
            # Coupons of each type on three-hour stays (9 yuan).
            cases = [("101", 5, "4"), ("102", 60, "7"), ("103", 8, "7.2"), ("104", 0, "5")]
            for typ, value, expected in cases:
                order_no = await _enter(sim, r, f"CPN{typ}", 180)
                scheme = {"101": "1774060298299591", "102": "1774060298299592",
                          "103": "1774060298299594", "104": "1774060298299595"}[typ]
                item = dict(No=f"CF-{typ}", CouponSchemeNo=scheme, Type=typ, Value=value,
                            StartTime=None, EndTime=None, OrderNo=order_no,
                            LicensePlateNumber=f"CPN{typ}", BusinessName="Cafe",
                            CreationTime="2026-03-28 14:42:35", Remarks="")
                if typ == "104":
                    until = sim.engine.now() - timedelta(minutes=60)
                    item["EndTime"] = until.strftime("%Y-%m-%d %H:%M:%S")
                    scheme_item = dict(No="FREE-UNTIL", Name="Free until", Type="104",
                                       Amount=0, Duration=0, Ratio=0,
                                       VaildTime=item["EndTime"], Enable=1, Scene=2,
                                       CreationTime="2026-03-28 14:45:09")
                    ok = await _notice(r, "CouponScheme", 0, [scheme_item])
                    assert ok["ResultCode"] == 200, ok
                    item["CouponSchemeNo"] = "FREE-UNTIL"
                ok = await _notice(r, "PlateCoupon", 0, [item])
                assert ok["ResultCode"] == 200, ok
                data = await _price(r, order_no)
                assert data["TotalAmountDue"] == 9, (typ, data)
                assert str(data["TotalAmountPaid"]) == expected, (typ, data)
                assert data["DiscountAmount"] == Decimal(9) - Decimal(expected)
                assert [c["No"] for c in data["PlateCouponNos"]] == [f"CF-{typ}"]
            # A coupon named in the request is applied too; an unknown one is an error.
            order_no = await _enter(sim, r, "CPNX", 180)
            await _notice(r, "PlateCoupon", 0, [dict(
                No="CF-LOOSE", CouponSchemeNo="1774060298299591", Type="101", Value=5,
                StartTime=None, EndTime=None, OrderNo=None, LicensePlateNumber="SOMEONE",
                BusinessName="Cafe", CreationTime="2026-03-28 14:42:35", Remarks="")])
            assert (await _price(r, order_no))["TotalAmountPaid"] == 9
            assert (await _price(r, order_no, PlateCouponNo="CF-LOOSE"))["TotalAmountPaid"] == 4
            answer = await r.call("/Api/V2/OpenApi/GetOrderPrice",
                                  {"OrderNo": order_no, "PlateCouponNo": "NOPE"}, method="GET")
            assert answer["ResultCode"] == 1005
            answer = await r.call("/Api/V2/OpenApi/GetOrderPrice", {"OrderNo": "1-NOPE"},
                                  method="GET")
            assert answer["ResultCode"] == 1005
            answer = await r.call("/Api/V2/OpenApi/GetOrderPrice",
                                  {"OrderNo": order_no, "LicensePlateNumber": "OTHER"},
                                  method="GET")
            assert answer["ResultCode"] == 1005

    run(scenario())
