"""The shift report's sections, read from operator action rows by action name: overrides with
reason and approver, free releases, manual openings (by hand, or with the gate command and a
reason), no-plate entries, plate corrections, flat fees without entry record, unexplained
openings not annotated since; payments by method, expected cash, waiting payments; the cross-
check of openings against the server's gate records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from booth_console.app.cashup import ACTIONS, ShiftReport, build_report, cross_check
from booth_console.journal import ActionRow, PendingPayment
from booth_console.protocol import models as m

T0 = 1_790_000_000.0


def _row(i: int, action: str, code: int | None = 200, lane: str = "2", **req: Any) -> ActionRow:
    return ActionRow(i, T0 + i, "li", lane, action, req, code, None, None, 1)


def _pay(pno: str, paid: str, method: str, received: str | None = None) -> PendingPayment:
    req = {"TotalAmountPaid": paid, "PaymentMethod": method}
    if received is not None:
        req["_Received"] = received
    return PendingPayment(pno, "2", "O" + pno, req, "li", T0, 1)


def test_every_section_comes_from_its_action_rows() -> None:
    actions = [
        _row(1, "override_fee", OrderNo="O1", Plate="粤B1", FeeShown="20", Money=500,
             Reason="complaint", ApprovedBy="wang"),
        _row(2, "override_fee", code=1005, OrderNo="O2", Money=0, Reason="refused"),
        _row(3, "free_release", OrderNo="O3", Plate="粤B3", FeeWaived="15", Reason="ambulance",
             Text="called by the hospital", ApprovedBy={"Name": "wang"}),
        _row(4, "manual_open", Plate="粤B4", Reason="server down"),
        _row(5, "open_gate", Plate="粤B5", Reason="barrier stuck"),
        _row(6, "open_gate", LaneNo="2"),  # no reason: not a listed manual opening
        _row(7, "no_plate_entry", lane="1", PlateNumber="无A0001"),
        _row(8, "find_entry", OldPlate="粤B8O", NewPlate="粤B80"),
        _row(9, "find_entry", OldPlate="粤B9", NewPlate="粤B9"),  # found, not corrected
        _row(10, "no_entry_fee", Plate="粤B10", Amount="25", Reason="lost ticket"),
        _row(11, "opening_unexplained", code=None, LaneNo="2", At="2026-12-03 09:00:00",
             Callback="OnGateReleaseRecord", Plate="粤B11"),
        _row(12, "opening_unexplained", code=None, LaneNo="4", At="2026-12-03 09:30:00",
             Callback="OnVehicleOut", Plate="粤B12"),
        _row(13, "opening_annotated", code=None, LaneNo="4", At="2026-12-03 09:30:00",
             Reason="fire drill"),
    ]
    payments = [(_pay("P1", "15", "79001", "20"), "confirmed"),
                (_pay("P2", "8", "79010"), "confirmed"),
                (_pay("P3", "12", "79001", "12"), "pending"),
                (_pay("P4", "99", "79001", "100"), "rejected")]
    r = build_report(shift_id=1, operator="li", opened_at=T0, float_amount=Decimal("100"),
                     payments=payments, actions=actions)
    assert [(o.what, o.reason, o.approver) for o in r.overrides] == [
        ("O1 粤B1 ¥20 -> ¥5.00", "complaint", "wang")]
    assert [(o.reason, o.approver) for o in r.free_releases] == [
        ("ambulance: called by the hospital", "wang")]
    assert [o.what for o in r.manual_openings] == ["粤B4", "粤B5"]
    assert [o.what for o in r.no_plate_entries] == ["无A0001"]
    assert [o.what for o in r.plate_corrections] == ["粤B8O -> 粤B80"]
    assert [(o.what, o.reason) for o in r.no_entry_fees] == [("粤B10 ¥25.00", "lost ticket")]
    assert [o.lane_no for o in r.unexplained_openings] == ["2"]
    assert {x.method: (x.count, x.total) for x in r.methods} == {
        "79001": (3, "52.00"), "79010": (1, "8.00")}
    # float 100 + cash received 20 + 12 + 25 - change 5
    assert r.cash_received == "57.00" and r.change_given == "5.00"
    assert r.expected_cash == "152.00"
    assert [w.what.split()[0] for w in r.waiting_payments] == ["P3"]
    r.with_count(Decimal("150.5"), {"100": 1, "50": 1, "0.5": 1})
    assert r.variance == "-1.50"
    assert ShiftReport.from_dict(r.to_dict()) == r
    assert set(ACTIONS) >= {"override", "free_release", "manual_opening", "no_plate",
                            "plate_correction", "unexplained", "annotated"}


def _gate(lane: str, at: float, kind: int = 1) -> m.GateReleaseRecord:
    return m.GateReleaseRecord(gate_switch_type=kind, passage_lane_no=lane,
                               operation_time=dt.datetime.fromtimestamp(at).strftime(
                                   "%Y-%m-%d %H:%M:%S"), operator_name="li")


def test_openings_are_matched_by_lane_and_time_both_ways() -> None:
    actions = [_row(1, "open_gate", LaneNo="2"), _row(500, "open_gate", lane="4")]
    gates = [_gate("2", T0 + 20), _gate("3", T0 + 30), _gate("2", T0 + 40, kind=3)]
    found = {(x.kind, x.ref.split()[1]) for x in cross_check([], actions, [], gates)}
    assert found == {("server_only", "3"), ("console_only", "4")}
