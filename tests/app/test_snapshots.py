"""Snapshots are built from the typed wire models, whichever of the document's variants came."""

from __future__ import annotations

from decimal import Decimal

from booth_console.app.snapshots import (
    AreaSnapshot,
    CaptureSnapshot,
    OrderSnapshot,
    Payable,
    StatusSnapshot,
)
from booth_console.protocol import models as m


def test_lane_order_coupons_under_either_name() -> None:
    example = m.LaneOrder.model_validate({"OrderNo": "A1", "ChargeMoney": 5.0, "CouponKey": ["C1"]})
    table = m.LaneOrder.model_validate({"OrderNo": "A1", "ChargeMoney": "5", "CouponSchemeNos": ["C1"]})
    a, b = OrderSnapshot.from_wire(example), OrderSnapshot.from_wire(table)
    assert a == b
    assert (a.order_no, a.charge, a.coupon_nos, a.plate) == ("A1", Decimal(5), ("C1",), "")


def test_null_fields_read_as_nothing() -> None:
    snap = OrderSnapshot.from_wire(m.LaneOrder.model_validate(
        {"OrderNo": None, "ChargeMoney": None, "CouponKey": None}))
    assert (snap.order_no, snap.charge, snap.coupon_nos) == ("", Decimal(0), ())


def test_record_then_price_fill_the_order() -> None:
    order = m.LaneOrder.model_validate({"OrderNo": "A1", "ChargeMoney": 8})
    record = m.ParkingOrderRecord.model_validate({
        "OrderNo": "A1", "LicensePlateNumber": "粤B1", "EntryTime": "2026-03-28 09:00:00",
        "EntryLaneNo": "1", "EntryLaneName": None, "ParkingCardTypeName": "Temporary A",
        "ExitTime": "0001-01-01 00:00:00", "ExitImageUrl": "http://sim/x.jpg"})
    price = m.OrderPrice.model_validate({
        "OrderNo": "A1", "LicensePlateNumber": "IGNORED", "TotalAmountDue": "10.00",
        "TotalAmountPaid": 8, "DiscountAmount": 2, "CalcTime": "2026-03-28 10:35:00",
        "CalcDetail": [{"AreaName": "P1", "CalcAmount": 10, "StayMinutes": 95, "FreeMinutes": 15}],
        "PlateCouponNos": ["PC1", {"No": "PC2", "Name": "Mall 2 h"}]})
    snap = OrderSnapshot.from_wire(order, price, record)
    assert snap.plate == "粤B1"  # the record's plate wins over the price's
    assert snap.entry_time == "2026-03-28 09:00:00"
    assert snap.entry_lane == "1"  # no lane name: its number
    assert snap.plate_type == "Temporary A"
    assert (snap.total_due, snap.total_paid, snap.discount) == (Decimal(10), Decimal(8), Decimal(2))
    assert snap.duration_minutes == 95
    assert snap.lines[0].area == "P1" and snap.lines[0].free_minutes == 15
    assert snap.coupons == ("PC1", "Mall 2 h")
    assert snap.charge == Decimal(8)  # the lane's charge, not the breakdown's total
    capture = CaptureSnapshot.from_record("2", snap.plate, record, snap.order_no)
    assert capture.at == ""  # the .NET minimum date is no exit time
    assert capture.source == "http://sim/x.jpg" and capture.kind == "record"


def test_lane_status_under_either_gate_name_and_without_data() -> None:
    doc = StatusSnapshot.from_wire(m.LaneStatus.model_validate(
        {"GataStatus": 1, "GateLongOpen": 0, "GSStatus": 1, "IDCameraStatus": 1}))
    other = StatusSnapshot.from_wire(m.LaneStatus.model_validate(
        {"GateStatus": 1, "GateLongOpen": 0, "GsStatus": 1, "IdCameraStatus": 1}))
    assert doc == other
    assert (doc.gate, doc.keep_open, doc.loop, doc.camera) == (1, 0, 1, 1)
    unknown = StatusSnapshot.from_wire(None)
    assert (unknown.gate, unknown.keep_open, unknown.loop, unknown.camera) == (-1, -1, -1, -1)


def test_payable_breakdown() -> None:
    order = m.LaneOrder.model_validate({"OrderNo": "A1", "ChargeMoney": 8, "CouponKey": ["S1"]})
    price = m.OrderPrice.model_validate({
        "TotalAmountDue": 10, "DiscountAmount": 2, "CouponSchemeNos": ["S1"],
        "PlateCouponNos": [{"No": "PC1"}, {"No": ""}]})
    assert Payable.from_wire(order, price) == Payable("A1", Decimal(8), Decimal(10), Decimal(2), ("PC1",))
    # no plate coupons: the coupon schemes of the breakdown
    schemes = price.model_copy(update={"plate_coupon_nos": []})
    assert Payable.from_wire(order, schemes).coupon_nos == ("S1",)
    # the price could not be read: breakdown unknown, the order's schemes
    assert Payable.from_wire(order, None) == Payable("A1", Decimal(8), coupon_nos=("S1",))
    # nobody at the lane
    assert Payable.from_wire(m.LaneOrder(), price) == Payable("", Decimal(0))


def test_areas_from_query_and_from_callback() -> None:
    rec = m.AreaRecord.model_validate({"No": "0", "AreaName": None, "AreaSpaceNum": "37"})
    assert AreaSnapshot.from_record(rec, total=50) == AreaSnapshot("0", "0", 50, 37)
    spaces = m.AreaSpaces.model_validate(
        {"AreaNo": "0", "AreaName": "P1", "TotalSpaces": 50, "RemainingSpaces": 36})
    assert AreaSnapshot.from_spaces(spaces) == AreaSnapshot("0", "P1", 50, 36)
