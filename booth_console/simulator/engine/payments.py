"""Payments: ModifyLaneOrderMoney, PaySuccess (with its faults' refusals), the payment records
and ``OnPayResult``, and the driver's lane QR payment (control API)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from decimal import Decimal
from typing import Any

from booth_console.protocol.enums import PaymentMethod
from booth_console.protocol.timefmt import TIME_FORMAT, format_time
from booth_console.simulator import lot
from booth_console.simulator.engine.gate import Gate
from booth_console.simulator.engine.params import (
    as_money,
    as_object,
    object_list,
    req_amount,
    req_int,
    req_text,
)
from booth_console.simulator.engine.state import (
    OPEN_API_OPERATOR,
    BusinessError,
    LaneState,
    SimError,
)
from booth_console.simulator.store import ParamError, parse_time

__all__ = ["Payments"]

#: PaymentMethod codes a PaySuccess may carry (PaymentMethodEnum)
PAYMENT_METHODS = frozenset(PaymentMethod)


class Payments(Gate):
    """Lowering a lane's fee, recording payments."""

    def modify_lane_money(self, data: Any) -> str:
        d = as_object(data)
        lane = self.lane(req_text(d, "LaneNo"))
        order_no = req_text(d, "OrderNo", required=False)
        money = req_int(d, "Money")
        if money < 0:
            raise ParamError("Money must be a non-negative amount in cents")
        v = lane.vehicle
        if lane.d.entry or not lane.d.charge:
            raise BusinessError(f"Lane {lane.d.no} is not a charging exit lane")
        if v is None or v.order_no is None:
            raise BusinessError(f"There is no order waiting at lane {lane.d.no}")
        if order_no and order_no != v.order_no:
            raise BusinessError(f"Order [{order_no}] is not the current order of lane "
                                f"{lane.d.no} (current: {v.order_no})")
        if v.paid:
            raise BusinessError(f"Order [{v.order_no}] has already been paid")
        current, _ = self.lane_charge(lane)
        new = Decimal(money) / 100
        if new >= current:
            raise BusinessError(f"The modified amount {as_money(new)} must be less than the "
                                f"current fee {current}")
        v.charge_override = new
        self._lane_changed(lane)
        return "Update payment amount successfully!"

    def pay_success(self, data: Any, *, scene: int = 0, operator: str | None = None) -> str:
        d = as_object(data)
        order_no = (req_text(d, "OrderNo") or "").strip()
        due = req_amount(d, "TotalAmountDue")
        paid = req_amount(d, "TotalAmountPaid")
        discount = req_amount(d, "DiscountAmount", required=False)
        pay_time = parse_time(req_text(d, "PaymentTime"), "PaymentTime")
        method = (req_text(d, "PaymentMethod") or "").strip()
        if method not in PAYMENT_METHODS:
            raise ParamError(f"PaymentMethod '{method}' is not a PaymentMethodEnum code")
        pay_no = (req_text(d, "PaymentOrderNo") or "").strip()
        if len(pay_no) > 64:
            raise ParamError("PaymentOrderNo is too long (at most 64 characters)")
        remarks = req_text(d, "Remarks", required=False)
        coupon_nos: list[str] = []
        for i, c in enumerate(object_list(d.get("PlateCouponNos"), "PlateCouponNos", "No")):
            if not isinstance(c.get("No"), str):
                raise ParamError(f"PlateCouponNos[{i}].No is required")
            coupon_nos.append(c["No"])
        existing = self.store.one('SELECT * FROM "PaymentOrder" WHERE No = ?', (pay_no,))
        if existing is not None:
            if existing["OrderNo"] == order_no:
                raise BusinessError(
                    f"The payment order is already being processed: payment [{pay_no}] has "
                    f"already been recorded for order [{order_no}]")
            raise BusinessError(
                f"The payment order is already being processed: payment [{pay_no}] belongs "
                f"to another order")
        order = self.order(order_no)
        if order is None:
            raise BusinessError(f"Parking order [{order_no}] does not exist")
        if order["OrderStatus"] not in (199, 200):
            raise BusinessError(f"Parking order [{order_no}] has already left the car park")
        for no in coupon_nos:
            row = self.store.one('SELECT * FROM "PlateCoupon" WHERE No = ?', (no,))
            if row is None:
                raise BusinessError(f"Coupon [{no}] does not exist")
            if row["_UsedBy"] and row["_UsedBy"] != order_no:
                raise BusinessError(f"Coupon [{no}] has already been used")
        op = operator if operator is not None else OPEN_API_OPERATOR
        self._record_payment(order, due=due, paid=paid, discount=discount, method=method,
                             pay_no=pay_no, pay_time=pay_time, remarks=remarks,
                             coupon_nos=coupon_nos, scene=scene, operator=op)
        return "Payment successfully!"

    def _record_payment(self, order: sqlite3.Row, *, due: Decimal, paid: Decimal,
                        discount: Decimal, method: str, pay_no: str, pay_time: datetime,
                        remarks: str | None, coupon_nos: list[str], scene: int,
                        operator: str) -> None:
        now = self.now()
        entry = datetime.strptime(order["EntryTime"], TIME_FORMAT)
        minutes = max(0, int((now - entry).total_seconds() // 60))
        plate = order["LicensePlateNumber"]
        common = dict(
            OrderNo=order["OrderNo"], LicensePlateNumber=plate, OrderType="5901",
            VehicleTypeNo=order["VehicleTypeNo"], VehicleTypeName=order["VehicleTypeName"],
            ParkingCardTypeNo=order["ParkingCardTypeNo"],
            ParkingCardTypeName=order["ParkingCardTypeName"], TotalAmountDue=due,
            TotalAmountPaid=paid, DiscountAmount=discount, StoredValueDeduction=0,
            PaymentMethod=method, PaymentStatus=1, Remarks=remarks, OperatorName=operator,
            CreationTime=format_time(now))
        lane = self._lane_of_order(order["OrderNo"])
        with self.store.transaction():
            self.store.insert("PaymentOrder", dict(
                common, No=pay_no, SystemSpotNumber=None, StartTime=order["EntryTime"],
                EndTime=format_time(now), BeforeEndTime=None, OwnerNo=None, OwnerName=None,
                SelfMoney=0, OutReduceMoney=0, EntryTime=order["EntryTime"],
                PaymentTime=format_time(pay_time), ParkingDuration=minutes, PaymentScene=scene))
            self.store.insert("PaymentOrderDetail", dict(
                common, No=f"PD{self.ids.number()}-{plate}", PaymentOrderNo=pay_no,
                OrderDetailNo=None, StartTime=order["EntryTime"], EndTime=format_time(now),
                TimeCount=minutes, AreaNo=lot.AREA_NO, AreaName=lot.AREA_NAME,
                PassageLaneNo=lane.d.no if lane else None))
            total_paid = Decimal(str(order["TotalAmountPaid"] or 0)) + paid
            self.store.update("ParkingOrder", "Uid", order["Uid"], dict(
                TotalAmountPaid=total_paid,
                TotalAmountDue=max(Decimal(str(order["TotalAmountDue"] or 0)), due)))
            for no in coupon_nos:
                self.store.update("PlateCoupon", "No", no, {"_UsedBy": order["OrderNo"]})
        self.pusher.enqueue(2, dict(
            OrderNo=order["OrderNo"], PaymentOrderNo=pay_no, LicensePlateNumber=plate,
            TotalAmountDue=as_money(due), TotalAmountPaid=as_money(paid),
            DiscountAmount=as_money(discount), PaymentTime=format_time(pay_time),
            PaymentMethod=method, PayScene=scene, VehicleTypeNo=order["VehicleTypeNo"],
            VehicleTypeName=order["VehicleTypeName"],
            ParkingCardTypeNo=order["ParkingCardTypeNo"],
            ParkingCardTypeName=order["ParkingCardTypeName"], Remarks=remarks,
            ParkingDuration=minutes, StoredValueDeduction=0, OperatorName=operator,
            CouponUsageList=[{"No": n} for n in coupon_nos]))
        if lane is not None and lane.vehicle is not None:
            v = lane.vehicle
            if paid == 0 and v.charge_override == 0:
                # a free release: the fee lowered to 0, then a zero payment; its Remarks are
                # the order's FreePassReason
                v.free_pass_reason = (remarks or "").strip() or "Free release"
                self.store.update("ParkingOrder", "Uid", order["Uid"], dict(
                    IsFreePass=True, FreePassReason=v.free_pass_reason))
            lane.vehicle.paid = True
            lane.vehicle.charge_override = None
            if not lane.gate_stuck:
                self._open(lane, operator, manual=False)
            else:
                self._lane_changed(lane)

    def _lane_of_order(self, order_no: str) -> LaneState | None:
        for lane in self.lanes.values():
            if not lane.d.entry and lane.vehicle is not None and \
                    lane.vehicle.order_no == order_no:
                return lane
        return None

    def qr_pay(self, lane_no: str) -> dict[str, Any]:
        """The driver pays the lane's fee by scanning the lane QR code (WeChat Pay)."""
        lane = self.control_lane(lane_no)
        v = lane.vehicle
        if v is None or v.order_no is None or v.paid:
            raise SimError(f"nothing to pay at lane {lane.d.no}")
        order = self.order(v.order_no)
        if order is None:
            raise SimError("order vanished")
        charge, coupons = self.lane_charge(lane)
        _, price = self.payable(order)
        pay_no = f"PO{self.ids.number()}"
        self._record_payment(order, due=price.gross, paid=charge,
                             discount=max(Decimal(0), price.gross - charge -
                                          Decimal(str(order["TotalAmountPaid"] or 0))),
                             method="79003", pay_no=pay_no, pay_time=self.now(),
                             remarks="Lane QR payment", coupon_nos=[c.no for c in coupons],
                             scene=2, operator="")
        return {"LaneNo": lane.d.no, "OrderNo": v.order_no, "PaymentOrderNo": pay_no,
                "Paid": charge}

