"""Paged queries: every route, paging, ordering and each of the 16 query operators."""

from __future__ import annotations

import time
from typing import Any

import pytest

from booth_console.protocol.endpoints import ENDPOINTS
from booth_console.protocol.timefmt import format_time as fmt_time
from tests.simulator.helpers import raw, run, sim_and_client, simulator


def _cond(field: str, op: Any, value: Any = None) -> dict[str, Any]:
    return {"Field": field, "Operator": op, "Value": value}


EXPECTED_FIELDS = {
    "AreaQuery": {"Uid", "No", "AreaName", "AreaType", "AreaSpaceNum", "PUid", "Level"},
    "BoothQuery": {"Uid", "No", "Name", "Category", "IP", "TcpPort", "BSPort"},
    "LaneQuery": {"LaneName", "LaneType", "IsCharge", "SentryHostNo", "LaneLinkAreas"},
    "PlateTypeQuery": {"ParkingCardTypeName", "IsMoreCar", "Category"},
    "PlateColorQuery": {"VehicleTypeName", "OperatorName"},
    "VehicleRecordQuery": {"LicensePlateNumber", "OwnerIDCard", "PhoneNumber", "StopSpaceList"},
    "BlacklistQuery": {"LicensePlateNumber", "Status"},
    "ParkingOrderQuery": {"OrderNo", "EntryTime", "OrderStatus", "TotalAmountDue", "IsFreePass"},
    "PaymentRecordQuery": {"OrderNo", "PaymentMethod", "PaymentScene", "TotalAmountPaid"},
    "PaymentDetailQuery": {"PaymentOrderNo", "TimeCount", "AreaNo"},
    "GateReleaseQuery": {"GateSwitchType", "PassageLaneNo", "PassageImageUrl"},
    "CouponSchemeQuery": {"Name", "Type", "Amount", "Duration", "Ratio", "VaildTime", "Scene"},
    "PlateCouponQuery": {"CouponSchemeNo", "Type", "Value", "OrderNo"},
}


def test_every_query_route_answers_with_documented_fields() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (_sim, client):
            # Make sure the gate-release table has a row.
            await client.set_gate("2", 1, "tester")
            for ep in ENDPOINTS:
                if not ep.paged:
                    continue
                answer = await client.call_raw(ep, {"PageIndex": 1, "PageSize": 20,
                                                    "OrderBy": "Uid", "OrderType": 0,
                                                    "QueryCondition": []})
                assert answer["ResultCode"] == 200, (ep.name, answer)
                data = answer["Data"]
                assert data["PageIndex"] == 1 and data["PageSize"] == 20
                assert data["TotalCount"] >= 1, ep.name
                first = data["Results"][0]
                assert EXPECTED_FIELDS[ep.name] <= set(first), (ep.name, first)
            lanes = (await client.query_lanes()).results
            assert [ln.no for ln in lanes] == ["1", "2", "3", "4"]
            assert len((await client.query_plate_types()).results) == 18
            assert len((await client.query_vehicle_types()).results) == 9

    run(scenario())


def test_paging_and_ordering() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            a = await r.query("CardType", PageIndex=4, PageSize=5)
            assert a["ResultCode"] == 200
            assert a["Data"]["TotalCount"] == 18
            assert [x["Uid"] for x in a["Data"]["Results"]] == [16, 17, 18]
            a = await r.query("CardType", PageIndex=9, PageSize=5)
            assert a["Data"]["Results"] == [] and a["Data"]["TotalCount"] == 18
            # Only PageIndex sent: the server sees (and signs) PageSize and OrderType as 0.
            a = await r.call("/Api/V2/OpenApi/Query?Route=CardType",
                             {"PageIndex": 1, "PageSize": 0, "OrderType": 0},
                             tamper=lambda env: env.update(Data={"PageIndex": 1}))
            assert a["Data"]["PageSize"] == 20 and len(a["Data"]["Results"]) == 18
            a = await r.query("CardType", OrderBy="Category", OrderType=1, PageSize=2)
            assert [x["Category"] for x in a["Data"]["Results"]] == ["3664", "3663"]
            a = await r.query("CardType", OrderBy="parkingcardtypename", OrderType=0, PageSize=1)
            assert a["Data"]["Results"][0]["ParkingCardTypeName"] == "Free Car"
            for bad in ({"PageIndex": 0}, {"PageSize": 101}, {"PageSize": -1},
                        {"OrderType": 2}, {"OrderBy": "NoSuchField"},
                        {"OrderBy": "LaneLinkAreas"}, {"PageIndex": "one"},
                        {"QueryCondition": "Uid=1"}):
                route = "Lane" if "LaneLinkAreas" in bad.values() else "CardType"
                a = await r.query(route, **bad)
                assert a["ResultCode"] == 1002, (bad, a)
                key = next(iter(bad))
                assert key in a["ResultMsg"], (bad, a)

    run(scenario())


# (route, condition, expected count): counts worked out by hand from the seeded tables, which
# are the document's examples (18 plate types, 9 vehicle types).
OPERATOR_CASES = [
    ("CardType", _cond("Category", 0, "3651"), 1),  # Equal
    ("CardType", _cond("ParkingCardTypeName", 1, "Rental"), 8),  # Like
    ("CardType", _cond("Uid", 2, "15"), 3),  # GreaterThan
    ("CardType", _cond("Uid", 2, "9"), 9),  # numeric, not text, comparison
    ("CardType", _cond("Uid", 3, "15"), 4),  # GreaterThanOrEqual
    ("CardType", _cond("Uid", 4, "3"), 2),  # LessThan
    ("CardType", _cond("Uid", 5, "3"), 3),  # LessThanOrEqual
    ("CardType", _cond("Category", 6, "3651, 3656, 9999"), 2),  # In
    ("CardType", _cond("Uid", 7, "1, 2, 3"), 15),  # NotIn
    ("CardType", _cond("ParkingCardTypeName", 8, "Temp"), 8),  # LikeLeft: starts with
    ("CardType", _cond("ParkingCardTypeName", 9, "Car A"), 2),  # LikeRight: ends with
    ("CardType", _cond("IsMoreCar", 10, "true"), 17),  # NoEqual
    ("CardType", _cond("OperatorName", 11), 18),  # IsNullOrEmpty
    ("CardType", _cond("OperatorName", 12), 0),  # IsNot null: IS NOT NULL
    ("CardType", _cond("Category", 12, "3651"), 17),  # IsNot value: <>
    ("CardType", _cond("ParkingCardTypeName", 13, "Rental"), 10),  # NoLike
    ("CardType", _cond("OperatorName", 14), 18),  # EqualNull null: IS NULL
    ("CardType", _cond("Category", 14, "3656"), 1),  # EqualNull value: =
    ("CardType", _cond("ParkingCardTypeName", 15, "Free, Stored"), 2),  # InLike
    ("CardType", _cond("IsMoreCar", 0, "true"), 1),  # boolean
    ("CarType", _cond("CreationTime", 2, "2026-03-05"), 1),  # date comparison
    ("CarType", _cond("CreationTime", 0, "2026-03-10 02:59:56"), 1),
    ("CarType", _cond("CreationTime", 0, "2026-03-02"), 0),  # midnight only
    ("CarType", _cond("CreationTime", 4, "2026-03-03 00:00:00:000"), 8),
    ("CarType", _cond("VehicleTypeName", 1, "%"), 0),  # wildcards are literal
    ("Lane", _cond("IsCharge", 0, "1"), 2),
    ("Lane", _cond("SameInOutLaneNo", 14), 4),
]


@pytest.mark.parametrize(("route", "condition", "expected"), OPERATOR_CASES,
                         ids=[f"{c[0]}-{c[1]['Field']}-op{c[1]['Operator']}"
                              for c in OPERATOR_CASES])
def test_query_operators(route: str, condition: dict[str, Any], expected: int) -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            answer = await r.query(route, [condition], PageSize=100)
            assert answer["ResultCode"] == 200, answer
            assert answer["Data"]["TotalCount"] == expected, answer["Data"]

    run(scenario())


def test_operator_names_conditions_combined_and_refusals() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            a = await r.query("CardType", [_cond("Uid", "GreaterThan", "10"),
                                           _cond("Category", 10, "3656")])
            assert a["Data"]["TotalCount"] == 7
            bad_cases = [
                ("Lane", _cond("AreaNo", 0, "1772492942540835"), "arrays"),
                ("Lane", _cond("LaneLinkAreas", 0, "x"), "arrays"),
                ("MonthlyCar", _cond("AreaNos", 0, "x"), "arrays"),
                ("CardType", _cond("Nope", 0, "x"), "Nope"),
                ("CardType", _cond("Uid", 16, "1"), "Operator"),
                ("CardType", _cond("Uid", None, "1"), "Operator"),
                ("CardType", _cond("Uid", 2, "abc"), "number"),
                ("CardType", _cond("CreationTime", 2, "yesterday"), "date"),
                ("CardType", _cond("IsMoreCar", 0, "maybe"), "boolean"),
                ("CardType", _cond("Category", 6, "'3651', '3656'"), "X, Y, Z"),
                ("CardType", _cond("Uid", 2), "Value"),
                ("CardType", _cond("Category", 1), "Value"),
                ("CardType", {"Operator": 0, "Value": "1"}, "Field"),
            ]
            for route, cond, word in bad_cases:
                a = await r.query(route, [cond])
                assert a["ResultCode"] == 1002, (cond, a)
                assert word in a["ResultMsg"], (cond, a)

    run(scenario())


def test_ten_thousand_orders_stay_fast() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            store = sim.engine.store
            base = sim.engine.now()
            from datetime import timedelta

            with store.transaction():
                for i in range(10_000):
                    store.insert("ParkingOrder", dict(
                        OrderNo=f"{1700000000000000 + i}-BULK{i:05d}",
                        LicensePlateNumber=f"BULK{i:05d}",
                        EntryTime=fmt_time(base - timedelta(minutes=i)),
                        ExitTime=fmt_time(base - timedelta(minutes=i - 30)), EntryLaneNo="1",
                        EntryLaneName="Entrance A", ExitLaneNo="2", ExitLaneName="Exit A",
                        ParkingAreaNo="1772492942540835", OrderStatus=201, IsFreePass=False,
                        TotalAmountDue=i % 40, TotalAmountPaid=i % 40, IsVehicleLocked=False))
            checks = [
                ([_cond("LicensePlateNumber", 0, "BULK04242")], 1),
                ([_cond("OrderStatus", 0, "201"), _cond("LicensePlateNumber", 8, "BULK")], 10_000),
                ([_cond("LicensePlateNumber", 8, "BULK099")], 100),
                ([_cond("TotalAmountDue", 3, "39"), _cond("LicensePlateNumber", 8, "BULK")], 250),
                ([_cond("OrderStatus", 0, "200")], 41),  # 40 seeded + the example order
            ]
            for conds, expected in checks:
                t0 = time.perf_counter()
                a = await r.query("ParkingOrder", conds, PageSize=100, PageIndex=2,
                                  OrderBy="EntryTime", OrderType=1)
                elapsed = time.perf_counter() - t0
                assert a["Data"]["TotalCount"] == expected, (conds, a["Data"]["TotalCount"])
                assert elapsed < 0.5, (conds, elapsed)

    run(scenario())
