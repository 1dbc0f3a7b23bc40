"""What a stay costs now: coupons of an order, the price at the simulated clock, what is left to
pay and a lane's charge (the tariff itself is :mod:`booth_console.simulator.tariff`)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from decimal import Decimal

from booth_console.protocol.timefmt import TIME_FORMAT, format_time
from booth_console.simulator import lot
from booth_console.simulator.engine.params import as_money
from booth_console.simulator.engine.state import BusinessError, EngineState, LaneState
from booth_console.simulator.tariff import Coupon, Price, compute_price

__all__ = ["Fees"]


class Fees(EngineState):
    """Fees of orders and lanes."""

    def coupons_for(self, order: sqlite3.Row, at: datetime,
                    extra_no: str | None = None) -> list[Coupon]:
        t = format_time(at) or ""
        rows = self.store.all(
            'SELECT c.*, s.VaildTime AS SchemeUntil, s.Name AS SchemeName, s.Enable AS Enabled '
            'FROM "PlateCoupon" c LEFT JOIN "CouponScheme" s ON s.No = c.CouponSchemeNo '
            "WHERE (c.OrderNo = ? OR (COALESCE(c.OrderNo, '') = '' AND c.LicensePlateNumber = ?))"
            " AND (c._UsedBy IS NULL OR c._UsedBy = ?) ORDER BY c.Uid",
            (order["OrderNo"], order["LicensePlateNumber"], order["OrderNo"]))
        if extra_no:
            extra = self.store.one(
                'SELECT c.*, s.VaildTime AS SchemeUntil, s.Name AS SchemeName, s.Enable AS '
                'Enabled FROM "PlateCoupon" c LEFT JOIN "CouponScheme" s '
                "ON s.No = c.CouponSchemeNo WHERE c.No = ?", (extra_no,))
            if extra is None:
                raise BusinessError(f"Coupon [{extra_no}] does not exist")
            if extra["_UsedBy"] and extra["_UsedBy"] != order["OrderNo"]:
                raise BusinessError(f"Coupon [{extra_no}] has already been used")
            if all(r["No"] != extra["No"] for r in rows):
                rows.append(extra)
        out: list[Coupon] = []
        for r in rows:
            if r["Enabled"] == 0:
                continue
            if r["StartTime"] and r["StartTime"] > t:
                continue
            typ = str(r["Type"])
            until: datetime | None = None
            if typ == "104":
                text = r["SchemeUntil"] or r["EndTime"]
                if not text:
                    continue
                until = datetime.strptime(text, TIME_FORMAT)
            elif r["EndTime"] and r["EndTime"] < t:
                continue
            if typ not in ("101", "102", "103", "104"):
                continue
            name = r["SchemeName"] or r["Remarks"] or typ
            out.append(Coupon(r["No"], name, typ, Decimal(str(r["Value"] or 0)), until))
        return out

    def price(self, order: sqlite3.Row, at: datetime | None = None,
              extra_coupon: str | None = None) -> Price:
        calc = at or self.now()
        entry = datetime.strptime(order["EntryTime"], TIME_FORMAT)
        if entry > calc:
            calc = entry
        pt = self.plate_type(order["ParkingCardTypeNo"])
        coupons = self.coupons_for(order, calc, extra_coupon)
        if pt.free:
            return compute_price(entry, calc, lot.tariff_for(pt.category), label=pt.name,
                                 free=True)
        record = self.monthly(order["LicensePlateNumber"] or "")
        if record is not None and record["EndTime"] and record["StartTime"]:
            start = datetime.strptime(record["StartTime"], TIME_FORMAT)
            end = datetime.strptime(record["EndTime"], TIME_FORMAT)
            rpt = self.plate_type(record["ParkingCardTypeNo"])
            if rpt.free or (start <= entry and end >= calc):
                return compute_price(entry, calc, lot.tariff_for(pt.category),
                                     label=f"{rpt.name} (valid until {record['EndTime']})",
                                     free=True)
            if start <= entry < end < calc:
                return compute_price(entry, calc, lot.tariff_for("3651"), label=rpt.name,
                                     monthly_end=end, monthly_valid_from=start,
                                     coupons=coupons)
            if end <= entry:
                return compute_price(entry, calc, lot.tariff_for("3651"),
                                     label=f"{rpt.name} (expired {record['EndTime']})",
                                     monthly_end=end, coupons=coupons)
        tariff_pt = pt if not pt.monthly else self.plate_type(lot.DEFAULT_PLATE_TYPE_NO)
        return compute_price(entry, calc, lot.tariff_for(tariff_pt.category), label=pt.name,
                             coupons=coupons)

    def payable(self, order: sqlite3.Row, at: datetime | None = None) -> tuple[Decimal, Price]:
        price = self.price(order, at)
        paid = Decimal(str(order["TotalAmountPaid"] or 0))
        return max(Decimal(0), price.final - paid), price

    def lane_charge(self, lane: LaneState) -> tuple[Decimal, list[Coupon]]:
        v = lane.vehicle
        if v is None or v.order_no is None or lane.d.entry:
            return Decimal(0), []
        order = self.order(v.order_no)
        if order is None or v.paid:
            return Decimal(0), []
        due, price = self.payable(order)
        if v.charge_override is not None:
            due = min(due, v.charge_override)
        return as_money(due), price.coupons

