"""The reading endpoints of section 4: ``Query`` routes, GetLaneStatus, GetLaneOrder and
GetOrderPrice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from booth_console.protocol.timefmt import format_time
from booth_console.simulator import lot
from booth_console.simulator.engine.fees import Fees
from booth_console.simulator.engine.params import as_money, as_object, req_text, upper_plate
from booth_console.simulator.engine.state import BusinessError
from booth_console.simulator.store import ROUTES, ParamError

__all__ = ["Queries"]


class Queries(Fees):
    """Answers of the reading endpoints."""

    def query(self, route: str, data: Any) -> dict[str, Any]:
        spec = ROUTES.get(route.lower())
        if spec is None:
            raise ParamError(f"Route '{route}' is not a query route")
        if route.lower() == "area":
            # AreaSpaceNum is "the number of available parking spaces in the area" (the Area
            # query's field description), as OnParkingSpaces' RemainingSpaces; kept in the row so
            # that conditions and ordering on it see the answered value.
            self.store.update("Area", "No", lot.AREA_NO, {"AreaSpaceNum": self.free_spaces()})
        return self.store.query(spec, data)

    def lane_status(self, data: Any) -> dict[str, Any]:
        lane = self.lane(req_text(as_object(data), "LaneNo"))
        return {
            "GataStatus": -1 if lane.gate_stuck else lane.gate,
            "GateLongOpen": 1 if lane.keep_open else 0,
            "GSStatus": lane.loop,
            "IDCameraStatus": 1 if lane.camera_online else 0,
        }

    def lane_order(self, data: Any) -> dict[str, Any]:
        lane = self.lane(req_text(as_object(data), "LaneNo"))
        v = lane.vehicle
        charge, coupons = self.lane_charge(lane)
        entry_time = None
        if v is not None and v.order_no:
            order = self.order(v.order_no)
            entry_time = order["EntryTime"] if order is not None else None
        return {
            "OrderNo": v.order_no if v else None,
            "ChargeMoney": charge,
            "CouponKey": [c.no for c in coupons],
            "CouponSchemeNos": [c.no for c in coupons],
            "LicensePlateNumber": v.plate if v else None,
            "EntryTime": entry_time,
            "Paid": bool(v.paid) if v else False,
        }

    def order_price(self, data: Any) -> dict[str, Any]:
        d = as_object(data)
        order_no = req_text(d, "OrderNo")
        plate = req_text(d, "LicensePlateNumber", required=False)
        coupon_no = req_text(d, "PlateCouponNo", required=False) or None
        assert order_no is not None
        order = self.order(order_no.strip())
        if order is None:
            raise BusinessError(f"Parking order [{order_no}] does not exist")
        if plate and upper_plate(plate) != order["LicensePlateNumber"]:
            raise BusinessError(f"Parking order [{order_no}] does not belong to plate {plate}")
        if order["OrderStatus"] not in (199, 200):
            raise BusinessError(f"Parking order [{order_no}] has already left the car park")
        price = self.price(order, extra_coupon=coupon_no)
        paid = Decimal(str(order["TotalAmountPaid"] or 0))
        payable = max(Decimal(0), price.final - paid)
        return {
            "OrderNo": order["OrderNo"],
            "LicensePlateNumber": order["LicensePlateNumber"],
            "EntryTime": order["EntryTime"],
            "CalcTime": format_time(price.calc),
            "TotalAmountDue": price.gross,
            "TotalAmountPaid": as_money(payable),
            "DiscountAmount": price.discount,
            "PaidAmount": as_money(paid),
            "CalcDetail": price.details,
            "PlateCouponNos": [{"No": c.no, "Name": c.name} for c in price.coupons],
            "CouponSchemeNos": [c.no for c in price.coupons],
        }

