"""The parking software's behaviour: lanes, vehicles, orders, fees, payments, records.

All methods run on the event loop thread; SQLite calls are short (indexed, small rows).
Errors: :class:`~booth_console.simulator.store.ParamError` (ResultCode 1002) names the bad
field, :class:`BusinessError` (1005) explains why the request cannot be carried out.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from booth_console.protocol.aes import encrypt_field
from booth_console.protocol.jsonutil import shortest_decimal
from booth_console.simulator import lot
from booth_console.simulator.ids import IdGen
from booth_console.simulator.pusher import CallbackPusher, CallbackTarget
from booth_console.simulator.seed import stop_space_list
from booth_console.simulator.store import (
    ROUTES,
    ParamError,
    Store,
    _int_param,
    fmt_time,
    parse_time,
)
from booth_console.simulator.tariff import Coupon, Price, compute_price

__all__ = ["BusinessError", "Engine", "LaneState", "LaneVehicle", "SimError"]

log = logging.getLogger("booth_console.simulator")

NEVER = "0001-01-01 00:00:00"
PAYMENT_METHODS = frozenset({
    "79001", "79002", "79003", "79004", "79006", "79007", "79009", "79010", "79011", "79014",
    "79015", "79016", "79017", "79012", "79013", "79018", "79019", "79020", "79021", "79022",
    "79023", "79024", "79025", "79026", "79027", "79028", "80002", "79029", "79039"})
RETRY_WINDOW = timedelta(minutes=30)
OPEN_API_OPERATOR = "OpenAPI Platform-"


class BusinessError(Exception):
    """The request is valid but cannot be carried out (ResultCode 1005)."""


class SimError(Exception):
    """A control-API request cannot be carried out (e.g. no vehicle at the lane)."""


@dataclass
class LaneVehicle:
    """The vehicle standing on a lane's ground loop."""

    plate: str | None
    order_no: str | None
    plate_type_no: str
    vehicle_type_no: str
    image_url: str
    image_path: str | None
    arrived: float = field(default_factory=time.monotonic)
    released: bool = False
    paid: bool = False
    charge_override: Decimal | None = None
    refused: str | None = None
    manual_release: str | None = None
    manual_operator: str | None = None
    qr_due: float | None = None


@dataclass
class LaneState:
    """A lane's devices: gate (0 closed, 1 open, -1 unknown), keep-open, loop, camera."""

    d: lot.LaneDef
    gate: int = 0
    keep_open: bool = False
    camera_online: bool = True
    gate_stuck: bool = False
    vehicle: LaneVehicle | None = None

    @property
    def loop(self) -> int:
        return 1 if self.vehicle is not None else 0


def _text(data: Mapping[str, Any], key: str, *, required: bool = True,
          empty_ok: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ParamError(f"{key} is required")
        return None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ParamError(f"{key} must be a string")
    if required and not empty_ok and not value.strip():
        raise ParamError(f"{key} must not be empty")
    return value


def _int(data: Mapping[str, Any], key: str, *, required: bool = True,
         default: int = 0) -> int:
    value = data.get(key)
    if value is None:
        if required:
            raise ParamError(f"{key} is required")
        return default
    return _int_param(value, key, default)


def _amount(data: Mapping[str, Any], key: str, *, required: bool = True) -> Decimal:
    value = data.get(key)
    if value is None:
        if required:
            raise ParamError(f"{key} is required (amount in yuan)")
        return Decimal(0)
    if isinstance(value, bool):
        raise ParamError(f"{key} must be an amount in yuan")
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ParamError(f"{key} must be an amount in yuan") from None
    if not amount.is_finite() or amount < 0:
        raise ParamError(f"{key} must be a non-negative amount in yuan")
    if amount > Decimal(10_000_000):
        raise ParamError(f"{key} is too large")
    return amount


def _items(data: Any) -> tuple[int, list[Mapping[str, Any]]]:
    if not isinstance(data, Mapping):
        raise ParamError("Data must be an object with NoticeType and Items")
    notice_type = _int(data, "NoticeType")
    if notice_type not in (0, 1):
        raise ParamError("NoticeType must be 0 (add or update) or 1 (delete)")
    items = data.get("Items")
    if not isinstance(items, list) or not items:
        raise ParamError("Items must be a non-empty array")
    if len(items) > 1000:
        raise ParamError("Items: at most 1000 items per request")
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ParamError(f"Items[{i}] must be an object")
    return notice_type, items


def _money(value: Decimal | float | int) -> Decimal:
    return shortest_decimal(Decimal(str(value)).quantize(Decimal("0.01")))


def _upper_plate(value: str) -> str:
    return value.strip().upper()


class Engine:
    """State and rules of the simulated parking software."""

    def __init__(self, store: Store, ids: IdGen, pusher: CallbackPusher, *,
                 image_root: Path, base_url: Callable[[], str],
                 render: Callable[[str | None, str, str], Any]) -> None:
        self.store = store
        self.ids = ids
        self.pusher = pusher
        self.image_root = image_root
        self._base_url = base_url
        self._render = render
        self.clock_offset = timedelta(0)
        self.lanes: dict[str, LaneState] = {d.no: LaneState(d) for d in lot.LANES}
        self.last_retry: datetime | None = None
        self.on_lane_change: Callable[[LaneState], None] | None = None
        self._plate_types = {p.no: p for p in lot.PLATE_TYPES}
        self._vehicle_types = {v.no: v for v in lot.VEHICLE_TYPES}

    # -- time and lookups ---------------------------------------------------------------------

    def now(self) -> datetime:
        """The simulated clock (local time plus the offset of ``advance_clock``)."""
        return (datetime.now() + self.clock_offset).replace(microsecond=0)

    def lane(self, lane_no: Any, field_name: str = "LaneNo") -> LaneState:
        if lane_no is None or (isinstance(lane_no, str) and not lane_no.strip()):
            raise ParamError(f"{field_name} is required")
        key = str(lane_no).strip()
        if key not in self.lanes:
            raise ParamError(f"{field_name}: no lane with number '{key}' "
                             f"(lanes: {', '.join(self.lanes)})")
        return self.lanes[key]

    def plate_type(self, no: str | None) -> lot.PlateTypeDef:
        return self._plate_types.get(no or "", self._plate_types[lot.DEFAULT_PLATE_TYPE_NO])

    def vehicle_type(self, no: str | None) -> lot.VehicleTypeDef:
        return self._vehicle_types.get(no or "",
                                       self._vehicle_types[lot.DEFAULT_VEHICLE_TYPE_NO])

    def _check_plate_type(self, no: str | None, key: str) -> None:
        if no and no not in self._plate_types:
            raise ParamError(f"{key}: unknown plate type number '{no}'")

    def _check_vehicle_type(self, no: str | None, key: str) -> None:
        if no and no not in self._vehicle_types:
            raise ParamError(f"{key}: unknown vehicle type number '{no}'")

    def order(self, order_no: str) -> sqlite3.Row | None:
        return self.store.one('SELECT * FROM "ParkingOrder" WHERE OrderNo = ? '
                              'ORDER BY Uid DESC LIMIT 1', (order_no,))

    def in_park_order(self, plate: str) -> sqlite3.Row | None:
        return self.store.one('SELECT * FROM "ParkingOrder" WHERE LicensePlateNumber = ? AND '
                              'OrderStatus IN (199, 200) ORDER BY Uid DESC LIMIT 1', (plate,))

    def monthly(self, plate: str) -> sqlite3.Row | None:
        return self.store.one('SELECT * FROM "MonthlyCar" WHERE LicensePlateNumber = ? AND '
                              'Status = 1 ORDER BY Uid DESC LIMIT 1', (plate,))

    def blacklisted(self, plate: str, at: datetime) -> bool:
        row = self.store.one('SELECT * FROM "BlackList" WHERE LicensePlateNumber = ? AND '
                             'Status = 1 ORDER BY Uid DESC LIMIT 1', (plate,))
        if row is None:
            return False
        t = fmt_time(at) or ""
        return (not row["StartTime"] or row["StartTime"] <= t) and (
            not row["EndTime"] or row["EndTime"] >= t)

    def occupied(self) -> int:
        row = self.store.one('SELECT COUNT(*) FROM "ParkingOrder" WHERE OrderStatus = 200')
        return int(row[0]) if row else 0

    # -- fees ---------------------------------------------------------------------------------

    def coupons_for(self, order: sqlite3.Row, at: datetime,
                    extra_no: str | None = None) -> list[Coupon]:
        t = fmt_time(at) or ""
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
                until = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
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
        entry = datetime.strptime(order["EntryTime"], "%Y-%m-%d %H:%M:%S")
        if entry > calc:
            calc = entry
        pt = self.plate_type(order["ParkingCardTypeNo"])
        coupons = self.coupons_for(order, calc, extra_coupon)
        if pt.free:
            return compute_price(entry, calc, lot.tariff_for(pt.category), label=pt.name,
                                 free=True)
        record = self.monthly(order["LicensePlateNumber"] or "")
        if record is not None and record["EndTime"] and record["StartTime"]:
            start = datetime.strptime(record["StartTime"], "%Y-%m-%d %H:%M:%S")
            end = datetime.strptime(record["EndTime"], "%Y-%m-%d %H:%M:%S")
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
        return _money(due), price.coupons

    # -- queries of sections 4 ----------------------------------------------------------------

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

    def free_spaces(self) -> int:
        """Free spaces of the lot's single area (total minus the vehicles in)."""
        return max(0, lot.AREA_SPACES - self.occupied())

    def lane_status(self, data: Any) -> dict[str, Any]:
        lane = self.lane(_text(_obj(data), "LaneNo"))
        return {
            "GataStatus": -1 if lane.gate_stuck else lane.gate,
            "GateLongOpen": 1 if lane.keep_open else 0,
            "GSStatus": lane.loop,
            "IDCameraStatus": 1 if lane.camera_online else 0,
        }

    def lane_order(self, data: Any) -> dict[str, Any]:
        lane = self.lane(_text(_obj(data), "LaneNo"))
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
        d = _obj(data)
        order_no = _text(d, "OrderNo")
        plate = _text(d, "LicensePlateNumber", required=False)
        coupon_no = _text(d, "PlateCouponNo", required=False) or None
        assert order_no is not None
        order = self.order(order_no.strip())
        if order is None:
            raise BusinessError(f"Parking order [{order_no}] does not exist")
        if plate and _upper_plate(plate) != order["LicensePlateNumber"]:
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
            "CalcTime": fmt_time(price.calc),
            "TotalAmountDue": price.gross,
            "TotalAmountPaid": _money(payable),
            "DiscountAmount": price.discount,
            "PaidAmount": _money(paid),
            "CalcDetail": price.details,
            "PlateCouponNos": [{"No": c.no, "Name": c.name} for c in price.coupons],
            "CouponSchemeNos": [c.no for c in price.coupons],
        }

    # -- gate ---------------------------------------------------------------------------------

    def set_gate(self, data: Any) -> str:
        d = _obj(data)
        lane = self.lane(_text(d, "LaneNo"))
        status = _int(d, "Status")
        if status not in (0, 1, 2):
            raise ParamError("Status must be 0 (close), 1 (open) or 2 (toggle keep-open)")
        operator = _text(d, "OperatorName", required=False) or OPEN_API_OPERATOR
        cam = lane.d.camera_name
        if lane.gate_stuck:
            raise BusinessError(f"[{cam}]The barrier did not respond (device fault)")
        if status == 1:
            self._open(lane, operator, manual=True)
            return f"[{cam}]Release gate successfully!"
        if status == 0:
            was_keep = lane.keep_open
            lane.keep_open = False
            lane.gate = 0
            self._gate_record(lane, 3, 6202, operator,
                              "Manual close" + (" (keep-open cancelled)" if was_keep else ""))
            self._lane_changed(lane)
            return f"[{cam}]Close gate successfully!"
        if lane.keep_open:
            lane.keep_open = False
            if lane.vehicle is None or not lane.vehicle.released:
                lane.gate = 0
            self._gate_record(lane, 4, 6212, operator, "Cancel keep-open")
            self._lane_changed(lane)
            return f"[{cam}]Cancel keep-open successfully!"
        lane.keep_open = True
        lane.gate = 1
        self._gate_record(lane, 4, 6211, operator, "Barrier kept open")
        if lane.vehicle is not None and not lane.vehicle.released:
            lane.vehicle.released = True
            lane.vehicle.manual_release = "keep-open"
            lane.vehicle.manual_operator = operator
        self._lane_changed(lane)
        return f"[{cam}]Keep gate open successfully!"

    def _open(self, lane: LaneState, operator: str, *, manual: bool) -> None:
        v = lane.vehicle
        if lane.gate_stuck:  # the barrier does not move; the vehicle keeps waiting
            self._lane_changed(lane)
            return
        lane.gate = 1
        if manual:
            switch_type = 1
            remarks = f"[{lane.d.camera_name}]Release gate successfully!"
            if v is not None and not lane.d.entry and v.order_no is None and v.plate:
                switch_type = 0
                remarks += " (exit without entry record)"
            elif v is not None and not v.released and not v.paid and not lane.d.entry:
                charge, _ = self.lane_charge(lane)
                if charge > 0:
                    remarks += f" (unpaid fee {charge})"
            self._gate_record(lane, switch_type, 6201, operator, remarks)
            if v is not None and not v.released:
                v.manual_release = "manual open"
                v.manual_operator = operator
        if v is not None:
            v.released = True
        self._lane_changed(lane)

    def _gate_record(self, lane: LaneState, switch_type: int, abnormal: int, operator: str,
                     remarks: str, *, order_no: str | None = None) -> None:
        v = lane.vehicle
        now = fmt_time(self.now())
        plate = v.plate if v else None
        order_no = order_no or (v.order_no if v else None)
        pt = self.plate_type(v.plate_type_no) if v else None
        vt = self.vehicle_type(v.vehicle_type_no) if v else None
        no = f"ER{self.ids.number()}"
        image_url = v.image_url if v else ""
        self.store.insert("OpenGate", dict(
            No=no, GateSwitchType=switch_type, OrderNo=order_no, LicensePlateNumber=plate,
            PassageLaneNo=lane.d.no, PassageLaneName=lane.d.name, DeviceNo=lane.d.camera_no,
            DeviceName=lane.d.camera_name, VehicleTypeNo=vt.no if vt else None,
            VehicleTypeName=vt.name if vt else None, ParkingCardTypeNo=pt.no if pt else None,
            ParkingCardTypeName=pt.name if pt else None, SpecialVehicleNo="",
            SpecialVehicleName="", PassageImageUrl=image_url, PassageTime=now,
            OperatorName=operator, OperationTime=now, Remarks=remarks, TotalAmountPaid=0))
        self.pusher.enqueue(7, dict(
            No=no, OrderNo=order_no, LicensePlateNumber=plate, PassageTime=now, Remarks=remarks,
            ImageBase64="", InOutType=1 if lane.d.entry else 0, PassageLaneNo=lane.d.no,
            PassageLaneName=lane.d.name, OperatorName=operator, AbnormalPassType=abnormal),
            v.image_path if v else None)

    def _lane_changed(self, lane: LaneState) -> None:
        if self.on_lane_change is not None:
            self.on_lane_change(lane)

    # -- vehicles -------------------------------------------------------------------------------

    async def capture(self, plate: str | None, lane: LaneState,
                      at: datetime | None = None) -> tuple[str, str]:
        """Render a capture image (taken ``at``, default now); returns (URL, path relative to
        the image root)."""
        now = at or self.now()
        rel = (f"CameraCaptures/{lot.BOOTH_NO}/{now:%Y%m}/{now:%d}/"
               f"{self.ids.snowflake()}_{lane.d.no}.jpg")
        try:
            data = await self._render(plate, lane.d.name, fmt_time(now) or "")
        except Exception:  # a capture failure must not stop the lane
            log.exception("capture rendering failed")
            return "", ""
        path = self.image_root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return f"{self._base_url()}/{rel}", rel

    async def arrive(self, lane_no: str, plate: str | None, plate_type_no: str | None = None,
                     vehicle_type_no: str | None = None) -> dict[str, Any]:
        try:
            lane = self.lane(lane_no)
        except ParamError as exc:
            raise SimError(str(exc)) from None
        if lane.vehicle is not None:
            raise SimError(f"lane {lane.d.no} is occupied by {lane.vehicle.plate or 'a vehicle'}")
        if plate_type_no and plate_type_no not in self._plate_types:
            raise SimError(f"unknown plate type {plate_type_no}")
        if vehicle_type_no and vehicle_type_no not in self._vehicle_types:
            raise SimError(f"unknown vehicle type {vehicle_type_no}")
        recognised = _upper_plate(plate) if plate and lane.camera_online else None
        url, rel = await self.capture(recognised, lane)
        if lane.vehicle is not None:  # another arrival won the race during rendering
            raise SimError(f"lane {lane.d.no} is occupied")
        now = self.now()
        record = self.monthly(recognised) if recognised else None
        pt_no = plate_type_no or (record["ParkingCardTypeNo"] if record else None) or \
            lot.DEFAULT_PLATE_TYPE_NO
        vt_no = vehicle_type_no or (record["VehicleTypeNo"] if record else None) or \
            lot.DEFAULT_VEHICLE_TYPE_NO
        v = LaneVehicle(recognised, None, pt_no, vt_no, url, rel or None)
        lane.vehicle = v
        result: dict[str, Any] = {"LaneNo": lane.d.no, "LicensePlateNumber": recognised}
        if recognised is None:
            result["Status"] = "camera offline" if plate else "no plate"
            self._lane_changed(lane)
            return result
        if lane.d.entry:
            if self.blacklisted(recognised, now):
                v.refused = "blacklist"
                result["Status"] = "refused: blacklisted plate"
                self._lane_changed(lane)
                return result
            old = self.in_park_order(recognised)
            if old is not None:
                self._close_order(old, "Auto closed: the vehicle entered again", status=202)
            order_no = self._create_order(recognised, now, lane, pt_no, vt_no, url, rel,
                                          operator="admin", status=199)
            v.order_no = order_no
            result.update(Status="entering", OrderNo=order_no)
            self._open(lane, "admin", manual=False)
            return result
        order = self.in_park_order(recognised)
        if order is None:
            valid_monthly = record is not None and record["EndTime"] and \
                record["EndTime"] >= (fmt_time(now) or "")
            if valid_monthly:
                result["Status"] = "released: monthly vehicle without entry record"
                self._gate_record(lane, 0, 6100, "admin", "Auto release without entry record")
                self._open(lane, "admin", manual=False)
            else:
                result["Status"] = "waiting: no entry record"
                self._lane_changed(lane)
            return result
        v.order_no = order["OrderNo"]
        v.plate_type_no = order["ParkingCardTypeNo"] or pt_no
        v.vehicle_type_no = order["VehicleTypeNo"] or vt_no
        due, price = self.payable(order)
        result.update(OrderNo=order["OrderNo"], ChargeMoney=_money(due), TotalAmountDue=price.gross)
        if due <= 0:
            result["Status"] = "released: nothing to pay"
            self._open(lane, "admin", manual=False)
        elif lane.keep_open:
            # The barrier is kept open: the vehicle drives out without paying.
            result["Status"] = "released: barrier kept open"
            v.manual_release = "keep-open"
            v.manual_operator = OPEN_API_OPERATOR
            self._open(lane, "admin", manual=False)
        else:
            result["Status"] = "waiting for payment"
            self._lane_changed(lane)
        return result

    def pass_barrier(self, lane_no: str) -> dict[str, Any]:
        try:
            lane = self.lane(lane_no)
        except ParamError as exc:
            raise SimError(str(exc)) from None
        v = lane.vehicle
        if v is None:
            raise SimError(f"no vehicle at lane {lane.d.no}")
        if lane.gate != 1 and not lane.keep_open:
            raise SimError(f"the barrier of lane {lane.d.no} is closed")
        now = self.now()
        result: dict[str, Any] = {"LaneNo": lane.d.no, "LicensePlateNumber": v.plate,
                                  "OrderNo": v.order_no}
        if v.order_no:
            order = self.order(v.order_no)
            if order is not None and lane.d.entry and order["OrderStatus"] == 199:
                self.store.update("ParkingOrder", "Uid", order["Uid"], {"OrderStatus": 200})
                self._entry_callback(self.order(v.order_no) or order, lane)
                self._spaces_callback()
            elif order is not None and not lane.d.entry and order["OrderStatus"] in (199, 200):
                self._finish_exit(order, lane, v, now)
        lane.vehicle = None
        if not lane.keep_open:
            lane.gate = 0
        self._lane_changed(lane)
        result["Status"] = "passed"
        return result

    async def seed_in_park(self, plate: str, minutes_ago: float, lane_no: str | None = None,
                           plate_type_no: str | None = None,
                           vehicle_type_no: str | None = None) -> dict[str, Any]:
        """Make ``plate`` a vehicle parked since ``minutes_ago`` minutes, without moving the clock.

        A plate not in the car park gets an order (status 200) whose EntryTime is that long ago,
        entered through ``lane_no`` (default: the first entry lane), with a capture image;
        ``OnVehicleIn`` and ``OnParkingSpaces`` are sent now, as a late delivery of that entry.
        A plate already parked keeps its order, whose EntryTime is moved to that time (no
        callback). No lane or barrier is involved.

        Raises:
            SimError: bad plate, minutes, lane or type; the plate is at an entry barrier.
        """
        recognised = _upper_plate(plate) if plate else ""
        if not recognised:
            raise SimError("a plate is required")
        try:
            minutes = float(minutes_ago)
        except (TypeError, ValueError):
            raise SimError("MinutesAgo must be a number") from None
        if not 0 <= minutes <= 60 * 24 * 366:
            raise SimError("MinutesAgo must be between 0 and 527040 (one year)")
        if plate_type_no and plate_type_no not in self._plate_types:
            raise SimError(f"unknown plate type {plate_type_no}")
        if vehicle_type_no and vehicle_type_no not in self._vehicle_types:
            raise SimError(f"unknown vehicle type {vehicle_type_no}")
        try:
            lane = self.lane(lane_no) if lane_no else next(
                ln for ln in self.lanes.values() if ln.d.entry)
        except ParamError as exc:
            raise SimError(str(exc)) from None
        if not lane.d.entry:
            raise SimError(f"lane {lane.d.no} is not an entry lane")
        entered = (self.now() - timedelta(minutes=minutes)).replace(microsecond=0)
        old = self.in_park_order(recognised)
        if old is not None and old["OrderStatus"] == 199:
            raise SimError(f"{recognised} is at an entry barrier; let it pass first")
        if old is not None:
            self.store.update("ParkingOrder", "Uid", old["Uid"], {"EntryTime": fmt_time(entered)})
            for ln in self.lanes.values():
                if ln.vehicle is not None and ln.vehicle.order_no == old["OrderNo"]:
                    self._lane_changed(ln)  # an exit lane's fee changed
            return {"LicensePlateNumber": recognised, "OrderNo": old["OrderNo"],
                    "EntryTime": fmt_time(entered), "Status": "entry time moved"}
        record = self.monthly(recognised)
        pt_no = plate_type_no or (record["ParkingCardTypeNo"] if record else None) or \
            lot.DEFAULT_PLATE_TYPE_NO
        vt_no = vehicle_type_no or (record["VehicleTypeNo"] if record else None) or \
            lot.DEFAULT_VEHICLE_TYPE_NO
        url, rel = await self.capture(recognised, lane, entered)
        if self.in_park_order(recognised) is not None:  # it entered during rendering
            raise SimError(f"{recognised} entered meanwhile")
        order_no = self._create_order(recognised, entered, lane, pt_no, vt_no, url, rel,
                                      operator="admin", status=200)
        order = self.order(order_no)
        assert order is not None
        self._entry_callback(order, lane)
        self._spaces_callback()
        return {"LicensePlateNumber": recognised, "OrderNo": order_no,
                "EntryTime": fmt_time(entered), "Status": "parked"}

    def _create_order(self, plate: str, now: datetime, lane: LaneState, pt_no: str, vt_no: str,
                      url: str, rel: str | None, *, operator: str | None, status: int,
                      remarks: str = "") -> str:
        pt = self.plate_type(pt_no)
        vt = self.vehicle_type(vt_no)
        order_no = f"{self.ids.number()}-{plate}"
        self.store.insert("ParkingOrder", dict(
            OrderNo=order_no, LicensePlateNumber=plate, EntryTime=fmt_time(now), ExitTime=NEVER,
            EntryLaneNo=lane.d.no, EntryLaneName=lane.d.name, ExitLaneNo=None, ExitLaneName=None,
            EntryOperatorName=operator, ExitOperatorName=None, ParkingAreaNo=lot.AREA_NO,
            ParkingAreaName=lot.AREA_NAME, VehicleTypeNo=vt.no, VehicleTypeName=vt.name,
            EntryImageUrl=url, ExitImageUrl=None, ParkingCardTypeNo=pt.no,
            ParkingCardTypeName=pt.name, OrderStatus=status, IsFreePass=False,
            FreePassReason=None, TotalAmountDue=0, TotalAmountPaid=0, IsVehicleLocked=False,
            Remarks=remarks, _PlateColor=vt.color, _EntryImage=rel))
        return order_no

    def _entry_callback(self, order: sqlite3.Row, lane: LaneState) -> None:
        self.pusher.enqueue(0, dict(
            OrderNo=order["OrderNo"], LicensePlateNumber=order["LicensePlateNumber"],
            EntryTime=order["EntryTime"], LicensePlateColor=order["_PlateColor"] or 0,
            EntryLaneNo=lane.d.no, EntryLaneName=lane.d.name,
            EntryOperatorName=order["EntryOperatorName"] or "",
            VehicleTypeNo=order["VehicleTypeNo"], VehicleTypeName=order["VehicleTypeName"],
            ParkingCardTypeNo=order["ParkingCardTypeNo"],
            ParkingCardTypeName=order["ParkingCardTypeName"], ReserveOrderNo=None,
            ParkingAreaNo=order["ParkingAreaNo"], ParkingAreaName=order["ParkingAreaName"],
            EntryImageUrl=order["EntryImageUrl"] or "", EntryImageBase64=""),
            order["_EntryImage"])

    def _finish_exit(self, order: sqlite3.Row, lane: LaneState, v: LaneVehicle,
                     now: datetime) -> None:
        due, price = self.payable(order, now)
        paid = Decimal(str(order["TotalAmountPaid"] or 0))
        free_pass = due > 0 and not v.paid
        reason = None
        if free_pass:
            reason = f"Released by {v.manual_operator or 'operator'} ({v.manual_release})" \
                if v.manual_release else "Released without payment"
        total_due = max(price.gross, paid)
        self.store.update("ParkingOrder", "Uid", order["Uid"], dict(
            ExitTime=fmt_time(now), ExitLaneNo=lane.d.no, ExitLaneName=lane.d.name,
            ExitOperatorName=v.manual_operator or "admin", ExitImageUrl=v.image_url,
            _ExitImage=v.image_path, OrderStatus=201, IsFreePass=free_pass,
            FreePassReason=reason, TotalAmountDue=total_due))
        for coupon in price.coupons:
            self.store.conn.execute('UPDATE "PlateCoupon" SET _UsedBy = ? WHERE No = ? AND '
                                    "_UsedBy IS NULL", (order["OrderNo"], coupon.no))
        self.pusher.enqueue(1, dict(
            OrderNo=order["OrderNo"], LicensePlateNumber=order["LicensePlateNumber"],
            ExitTime=fmt_time(now), LicensePlateColor=order["_PlateColor"] or 0,
            ExitLaneNo=lane.d.no, ExitLaneName=lane.d.name,
            ExitOperatorName=v.manual_operator or "admin",
            VehicleTypeNo=order["VehicleTypeNo"], VehicleTypeName=order["VehicleTypeName"],
            ParkingCardTypeNo=order["ParkingCardTypeNo"],
            ParkingCardTypeName=order["ParkingCardTypeName"],
            ParkingAreaNo=order["ParkingAreaNo"], ParkingAreaName=order["ParkingAreaName"],
            ExitImageUrl=v.image_url or "", ExitImageBase64="", TotalAmountDue=_money(total_due),
            TotalAmountPaid=_money(paid), IsFreePass=free_pass, FreePassReason=reason,
            Remarks=order["Remarks"]), v.image_path)
        self._spaces_callback()

    def _close_order(self, order: sqlite3.Row, remarks: str, *, status: int = 202) -> None:
        self.store.update("ParkingOrder", "Uid", order["Uid"], dict(
            OrderStatus=status, ExitTime=fmt_time(self.now()),
            Remarks=((order["Remarks"] or "") + " " + remarks).strip()))
        for lane in self.lanes.values():
            if lane.vehicle is not None and lane.vehicle.order_no == order["OrderNo"] \
                    and not lane.d.entry:
                lane.vehicle.order_no = None
                self._lane_changed(lane)
        self._spaces_callback()

    def _spaces_callback(self) -> None:
        remaining = self.free_spaces()
        per_type = self.store.all(
            'SELECT ParkingCardTypeName AS Name, COUNT(*) AS N FROM "ParkingOrder" '
            "WHERE OrderStatus = 200 GROUP BY ParkingCardTypeName ORDER BY ParkingCardTypeName")
        self.pusher.enqueue(6, dict(
            TotalSpaces=lot.AREA_SPACES, RemainingSpaces=remaining,
            AreaSpaces=[dict(AreaNo=lot.AREA_NO, AreaName=lot.AREA_NAME,
                             TotalSpaces=lot.AREA_SPACES, RemainingSpaces=remaining)],
            CarCardTypeSpaces=[dict(AreaCarCardTypeName=f"[{lot.AREA_NAME}]{r['Name']}",
                                    AreaNo=lot.AREA_NO, UseSpaces=r["N"]) for r in per_type]))

    # -- notifications of section 5 -----------------------------------------------------------

    def modify_lane_money(self, data: Any) -> str:
        d = _obj(data)
        lane = self.lane(_text(d, "LaneNo"))
        order_no = _text(d, "OrderNo", required=False)
        money = _int(d, "Money")
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
            raise BusinessError(f"The modified amount {_money(new)} must be less than the "
                                f"current fee {current}")
        v.charge_override = new
        self._lane_changed(lane)
        return "Update payment amount successfully!"

    def pay_success(self, data: Any, *, scene: int = 0, operator: str | None = None) -> str:
        d = _obj(data)
        order_no = (_text(d, "OrderNo") or "").strip()
        due = _amount(d, "TotalAmountDue")
        paid = _amount(d, "TotalAmountPaid")
        discount = _amount(d, "DiscountAmount", required=False)
        pay_time = parse_time(_text(d, "PaymentTime"), "PaymentTime")
        method = (_text(d, "PaymentMethod") or "").strip()
        if method not in PAYMENT_METHODS:
            raise ParamError(f"PaymentMethod '{method}' is not a PaymentMethodEnum code")
        pay_no = (_text(d, "PaymentOrderNo") or "").strip()
        if len(pay_no) > 64:
            raise ParamError("PaymentOrderNo is too long (at most 64 characters)")
        remarks = _text(d, "Remarks", required=False)
        coupons_raw = d.get("PlateCouponNos")
        coupon_nos: list[str] = []
        if coupons_raw is not None:
            if not isinstance(coupons_raw, list):
                raise ParamError("PlateCouponNos must be an array of {No}")
            for i, c in enumerate(coupons_raw):
                if not isinstance(c, Mapping) or not isinstance(c.get("No"), str):
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
        entry = datetime.strptime(order["EntryTime"], "%Y-%m-%d %H:%M:%S")
        minutes = max(0, int((now - entry).total_seconds() // 60))
        plate = order["LicensePlateNumber"]
        common = dict(
            OrderNo=order["OrderNo"], LicensePlateNumber=plate, OrderType="5901",
            VehicleTypeNo=order["VehicleTypeNo"], VehicleTypeName=order["VehicleTypeName"],
            ParkingCardTypeNo=order["ParkingCardTypeNo"],
            ParkingCardTypeName=order["ParkingCardTypeName"], TotalAmountDue=due,
            TotalAmountPaid=paid, DiscountAmount=discount, StoredValueDeduction=0,
            PaymentMethod=method, PaymentStatus=1, Remarks=remarks, OperatorName=operator,
            CreationTime=fmt_time(now))
        lane = self._lane_of_order(order["OrderNo"])
        with self.store.transaction():
            self.store.insert("PaymentOrder", dict(
                common, No=pay_no, SystemSpotNumber=None, StartTime=order["EntryTime"],
                EndTime=fmt_time(now), BeforeEndTime=None, OwnerNo=None, OwnerName=None,
                SelfMoney=0, OutReduceMoney=0, EntryTime=order["EntryTime"],
                PaymentTime=fmt_time(pay_time), ParkingDuration=minutes, PaymentScene=scene))
            self.store.insert("PaymentOrderDetail", dict(
                common, No=f"PD{self.ids.number()}-{plate}", PaymentOrderNo=pay_no,
                OrderDetailNo=None, StartTime=order["EntryTime"], EndTime=fmt_time(now),
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
            TotalAmountDue=_money(due), TotalAmountPaid=_money(paid),
            DiscountAmount=_money(discount), PaymentTime=fmt_time(pay_time),
            PaymentMethod=method, PayScene=scene, VehicleTypeNo=order["VehicleTypeNo"],
            VehicleTypeName=order["VehicleTypeName"],
            ParkingCardTypeNo=order["ParkingCardTypeNo"],
            ParkingCardTypeName=order["ParkingCardTypeName"], Remarks=remarks,
            ParkingDuration=minutes, StoredValueDeduction=0, OperatorName=operator,
            CouponUsageList=[{"No": n} for n in coupon_nos]))
        if lane is not None and lane.vehicle is not None:
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
        try:
            lane = self.lane(lane_no)
        except ParamError as exc:
            raise SimError(str(exc)) from None
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

    def create_no_plate(self, data: Any) -> tuple[str, dict[str, Any]]:
        d = _obj(data)
        plate = _upper_plate(_text(d, "LicensePlateNumber") or "")
        if len(plate) > 16:
            raise ParamError("LicensePlateNumber is too long (at most 16 characters)")
        entry_time = parse_time(_text(d, "EntryTime"), "EntryTime")
        vt_no = _text(d, "VehicleTypeNo", required=False) or lot.DEFAULT_VEHICLE_TYPE_NO
        pt_no = _text(d, "ParkingCardTypeNo") or ""
        self._check_vehicle_type(vt_no, "VehicleTypeNo")
        self._check_plate_type(pt_no, "ParkingCardTypeNo")
        lane = self.lane(_text(d, "LaneNo"))
        operator = _text(d, "OperatorName", required=False) or OPEN_API_OPERATOR
        remarks = _text(d, "Remarks", required=False) or ""
        if not lane.d.entry:
            raise BusinessError(f"Lane {lane.d.no} ({lane.d.name}) is not an entry lane: "
                                "no-plate entries can only be created at entry lanes")
        if self.in_park_order(plate) is not None:
            raise BusinessError(f"Plate {plate} is already in the car park")
        v = lane.vehicle
        if v is not None and v.plate is not None and v.refused is None:
            raise BusinessError(f"Lane {lane.d.no} is busy with vehicle {v.plate}")
        if lane.gate_stuck:
            raise BusinessError(f"[{lane.d.camera_name}]The barrier did not respond")
        if entry_time > self.now() + timedelta(minutes=5):
            raise ParamError("EntryTime must not be in the future")
        url = v.image_url if v else ""
        rel = v.image_path if v else None
        order_no = self._create_order(plate, entry_time, lane, pt_no, vt_no, url, rel,
                                      operator=operator, status=199, remarks=remarks)
        lane.vehicle = LaneVehicle(plate, order_no, pt_no, vt_no, url, rel)
        self._open(lane, operator, manual=False)
        return ("License-plate-less vehicle entry confirmed successfully (gate opened)!",
                {"OrderNo": order_no})

    def set_callback_params(self, data: Any) -> str:
        if not isinstance(data, list):
            raise ParamError("Data must be an array of {Index, Url, Interval}")
        targets: list[CallbackTarget] = []
        seen: set[int] = set()
        for i, item in enumerate(data):
            if not isinstance(item, Mapping):
                raise ParamError(f"Data[{i}] must be an object with Index, Url, Interval")
            try:
                index = _int(item, "Index")
                interval = _int(item, "Interval")
                url = _text(item, "Url", required=False) or ""
            except ParamError as exc:
                raise ParamError(f"Data[{i}].{exc}") from None
            if not 0 <= index <= 10:
                raise ParamError(f"Data[{i}].Index must be a CallbackInterfaceEnum number 0-10")
            if index in seen:
                raise ParamError(f"Data[{i}].Index {index} is listed twice")
            seen.add(index)
            if not 200 <= interval <= 600000:
                raise ParamError(f"Data[{i}].Interval must be between 200 and 600000 ms")
            url = url.strip()
            if (url and not (url.lower().startswith("http://") or
                            url.lower().startswith("https://"))) or len(url) > 2000:
                raise ParamError(f"Data[{i}].Url must be an http:// or https:// address")
            targets.append(CallbackTarget(index, url, interval))
        self.pusher.configure(targets)
        if 10 in self.pusher.targets:
            self.lane_change_callback()
        return "Operation successfully"

    def lane_change_callback(self) -> None:
        rows = self.store.all('SELECT * FROM "Lane" ORDER BY Uid')
        spec = ROUTES["lane"]
        lanes = []
        for r in rows:
            rec = self.store.record(spec, r)
            rec.pop("SentryHostNo", None)
            lanes.append(rec)
        self.pusher.enqueue(10, {"SentryHostNo": lot.BOOTH_NO, "Lanes": lanes})

    def retry_callback(self, data: Any) -> str:
        d = _obj(data)
        start = parse_time(_text(d, "StartTime"), "StartTime")
        end = parse_time(_text(d, "EndTime"), "EndTime")
        if end < start:
            raise ParamError("EndTime must not be before StartTime")
        types = d.get("RefreshTypes")
        indexes: list[int] = []
        if types is not None:
            if not isinstance(types, list):
                raise ParamError("RefreshTypes must be an array of {Index}")
            for i, t in enumerate(types):
                if not isinstance(t, Mapping):
                    raise ParamError(f"RefreshTypes[{i}] must be an object with Index")
                index = _int(t, "Index")
                if not 0 <= index <= 10:
                    raise ParamError(f"RefreshTypes[{i}].Index must be 0-10")
                indexes.append(index)
        now = self.now()
        if self.last_retry is not None and now - self.last_retry < RETRY_WINDOW:
            wait = RETRY_WINDOW - (now - self.last_retry)
            raise BusinessError(f"Failed callbacks can be re-pulled only once every 30 minutes "
                                f"(try again in {max(1, math.ceil(wait.total_seconds() / 60))} min)")
        self.last_retry = now
        count = self.pusher.retry_failed(fmt_time(start) or "", fmt_time(end) or "", indexes)
        return f"Re-pull failed callback business data successfully {count}"

    # -- Notice routes --------------------------------------------------------------------------

    def notice(self, route: str, data: Any) -> str:
        handler = {
            "modifyparkingorder": self._notice_parking_order,
            "monthlycar": self._notice_monthly,
            "blacklist": self._notice_blacklist,
            "platecoupon": self._notice_plate_coupon,
            "couponscheme": self._notice_coupon_scheme,
        }[route.lower()]
        return handler(data)

    def _notice_parking_order(self, data: Any) -> str:
        notice_type, items = _items(data)
        orders = []
        for i, item in enumerate(items):
            order_no = _text(item, "OrderNo")
            assert order_no is not None
            order = self.order(order_no.strip())
            if order is None:
                raise BusinessError(f"Items[{i}]: parking order [{order_no}] does not exist")
            if order["OrderStatus"] not in (199, 200):
                raise BusinessError(f"Items[{i}]: parking order [{order_no}] is not in the "
                                    "car park")
            changes: dict[str, Any] = {}
            if notice_type == 0:
                plate = _text(item, "LicensePlateNumber", required=False)
                if plate:
                    changes["LicensePlateNumber"] = _upper_plate(plate)
                vt_no = _text(item, "VehicleTypeNo", required=False)
                if vt_no:
                    self._check_vehicle_type(vt_no, f"Items[{i}].VehicleTypeNo")
                    vt = self.vehicle_type(vt_no)
                    changes.update(VehicleTypeNo=vt.no, VehicleTypeName=vt.name,
                                   _PlateColor=vt.color)
                pt_no = _text(item, "ParkingCardTypeNo", required=False)
                if pt_no:
                    self._check_plate_type(pt_no, f"Items[{i}].ParkingCardTypeNo")
                    pt = self.plate_type(pt_no)
                    changes.update(ParkingCardTypeNo=pt.no, ParkingCardTypeName=pt.name)
                entry = _text(item, "EntryTime", required=False)
                if entry:
                    when = parse_time(entry, f"Items[{i}].EntryTime")
                    if when > self.now():
                        raise ParamError(f"Items[{i}].EntryTime must not be in the future")
                    changes["EntryTime"] = fmt_time(when)
                remarks = _text(item, "Remarks", required=False)
                if remarks is not None:
                    changes["Remarks"] = remarks
            orders.append((order, changes))
        for order, changes in orders:
            if notice_type == 0:
                self.store.update("ParkingOrder", "Uid", order["Uid"], changes)
            else:
                self._close_order(order, "Closed through the open interface", status=202)
        names = ", ".join(o["OrderNo"] for o, _ in orders)
        if notice_type == 1:
            return f"Order [{names}] on-site record closed successfully"
        return f"Order [{names}] on-site record updated successfully"

    def _notice_monthly(self, data: Any) -> str:
        notice_type, items = _items(data)
        now = self.now()
        if notice_type == 1:
            deleted = 0
            for i, item in enumerate(items):
                no = _text(item, "No")
                owner_no = _text(item, "OwnerNo", required=False)
                delete_owner = bool(item.get("IsDeleteOwner"))
                row = self.store.one('SELECT * FROM "MonthlyCar" WHERE No = ?', (no,))
                if row is None:
                    raise BusinessError(f"Items[{i}]: vehicle record [{no}] does not exist")
                owner = owner_no or row["OwnerNo"]
                rows = self.store.all('SELECT * FROM "MonthlyCar" WHERE OwnerNo = ?', (owner,)) \
                    if delete_owner and owner else [row]
                for r in rows:
                    self._delete_vehicle(r, item)
                    deleted += 1
            return f"Delete operation successfully! ({deleted} vehicle records)"
        # Validate every item first.
        parsed = [self._parse_vehicle(i, item) for i, item in enumerate(items)]
        by_owner: dict[str, list[dict[str, Any]]] = {}
        for p in parsed:
            by_owner.setdefault(p["OwnerNo"] or f"_no_owner_{p['No']}", []).append(p)
        with self.store.transaction():
            for owner, vehicles in by_owner.items():
                existing = self.store.all('SELECT * FROM "MonthlyCar" WHERE OwnerNo = ? '
                                          "ORDER BY Uid", (owner,))
                matched_uids: set[int] = set()
                new_items: list[dict[str, Any]] = []
                updates: list[tuple[sqlite3.Row, dict[str, Any]]] = []
                for p in vehicles:
                    match = next((r for r in existing if r["No"] == p["No"] and
                                  (r["ParkingSpotNumber"] or "") == (p["ParkingSpotNumber"] or "")
                                  and r["Uid"] not in matched_uids), None)
                    if match is not None:  # rule 1: same No, spot and owner: update
                        matched_uids.add(match["Uid"])
                        updates.append((match, p))
                    else:
                        new_items.append(p)
                spare = [r for r in existing if r["Uid"] not in matched_uids]
                for p in new_items:
                    if spare:  # rule 2: a later request with only new plates replaces one
                        updates.append((spare.pop(0), p))
                    else:  # rule 3: all existing plates are in the request: add the new ones
                        updates.append((None, p))  # type: ignore[arg-type]
                for row, p in updates:
                    self._save_vehicle(row, p, now)
                # Same owner: same period and type, from the record with the latest EndTime.
                rows = self.store.all('SELECT * FROM "MonthlyCar" WHERE OwnerNo = ?', (owner,))
                if owner and not owner.startswith("_no_owner_") and len(rows) > 1:
                    ref = max(vehicles, key=lambda v: v["EndTime"] or "")
                    self.store.conn.execute(
                        'UPDATE "MonthlyCar" SET StartTime = ?, EndTime = ?, VehicleTypeNo = ?, '
                        "VehicleTypeName = ?, ParkingCardTypeNo = ?, ParkingCardTypeName = ? "
                        "WHERE OwnerNo = ?",
                        (ref["StartTime"], ref["EndTime"], ref["VehicleTypeNo"],
                         ref["VehicleTypeName"], ref["ParkingCardTypeNo"],
                         ref["ParkingCardTypeName"], owner))
        return "Add or update operation successfully!"

    def _parse_vehicle(self, i: int, item: Mapping[str, Any]) -> dict[str, Any]:
        label = f"Items[{i}]."
        try:
            no = (_text(item, "No") or "").strip()
            plate = _upper_plate(_text(item, "LicensePlateNumber") or "")
            start = _text(item, "StartTime", required=False)
            end = _text(item, "EndTime", required=False)
            pt_no = _text(item, "ParkingCardTypeNo", required=False) or "1772492942389944"
            vt_no = _text(item, "VehicleTypeNo", required=False) or lot.DEFAULT_VEHICLE_TYPE_NO
            count = _int(item, "OwnerParkingSpaceCount", required=False, default=1)
            enable_offline = _int(item, "EnableOffline", required=False, default=0)
            balance = _amount(item, "StoredVehicleBalance", required=False)
        except ParamError as exc:
            raise ParamError(label + str(exc)) from None
        self._check_plate_type(pt_no, label + "ParkingCardTypeNo")
        self._check_vehicle_type(vt_no, label + "VehicleTypeNo")
        start_t = fmt_time(parse_time(start, label + "StartTime")) if start else None
        end_t = fmt_time(parse_time(end, label + "EndTime")) if end else None
        if start_t and end_t and end_t < start_t:
            raise ParamError(label + "EndTime must not be before StartTime")
        if not 0 <= count <= 10_000:
            raise ParamError(label + "OwnerParkingSpaceCount must be between 0 and 10000")
        if enable_offline not in (0, 1):
            raise ParamError(label + "EnableOffline must be 0 or 1")
        pt = self.plate_type(pt_no)
        vt = self.vehicle_type(vt_no)
        return dict(
            No=no, LicensePlateNumber=plate,
            ParkingSpotNumber=_opt_str(item, "ParkingSpotNumber"),
            OwnerParkingSpaceCount=count, OwnerName=_opt_str(item, "OwnerName"),
            OwnerNo=_opt_str(item, "OwnerNo"),
            OwnerIDCard=encrypt_field(_opt_str(item, "OwnerIDCard")),
            OwnerLicense=encrypt_field(_opt_str(item, "OwnerLicense")),
            OwnerAddress=_opt_str(item, "OwnerAddress") or "",
            PhoneNumber=encrypt_field(_opt_str(item, "PhoneNumber") or ""),
            Email=encrypt_field(_opt_str(item, "Email")), StartTime=start_t, EndTime=end_t,
            StoredVehicleBalance=balance, VehicleTypeNo=vt.no, VehicleTypeName=vt.name,
            ParkingCardTypeNo=pt.no, ParkingCardTypeName=pt.name,
            OperatorName=_opt_str(item, "OperatorName") or OPEN_API_OPERATOR,
            Remarks=_opt_str(item, "Remarks"), EnableOffline=enable_offline)

    def _save_vehicle(self, row: sqlite3.Row | None, p: dict[str, Any], now: datetime) -> None:
        plate = p["LicensePlateNumber"]
        old_plate = row["LicensePlateNumber"] if row is not None else None
        if row is None:
            count = self.store.one('SELECT COUNT(*) FROM "MonthlyCar"')
            spot_no = f"C{(int(count[0]) if count else 0) + 1:05d}"
            self.store.insert("MonthlyCar", dict(
                p, SystemSpotNumber=spot_no, CreationTime=fmt_time(now), Status=1,
                IsDeleteOwner=False, StopSpaceList=stop_space_list(self.ids.number()),
                StatusText="Normal"))
        else:
            self.store.update("MonthlyCar", "Uid", row["Uid"], dict(p))
        if old_plate != plate:
            if old_plate:
                self._became_temporary(old_plate)
            # Rule 4: (re-)registration closes the previous in-park order.
            order = self.in_park_order(plate)
            if order is not None:
                self._close_order(order, "Closed: the vehicle was registered", status=202)
            self.pusher.enqueue(3, dict(
                LicensePlateNumber=plate, OwnerNo=p["OwnerNo"], OwnerName=p["OwnerName"],
                OwnerParkingSpaceCount=p["OwnerParkingSpaceCount"], StartTime=p["StartTime"],
                EndTime=p["EndTime"], StoredVehicleBalance=_money(p["StoredVehicleBalance"]),
                VehicleTypeNo=p["VehicleTypeNo"], VehicleTypeName=p["VehicleTypeName"],
                ParkingCardTypeNo=p["ParkingCardTypeNo"],
                ParkingCardTypeName=p["ParkingCardTypeName"], CreationTime=fmt_time(now),
                ResidentialAddress=p["OwnerAddress"], PhoneNumber=p["PhoneNumber"],
                Remarks=p["Remarks"], OperatorName=p["OperatorName"]))
            return
        assert row is not None
        if p["EndTime"] and (row["EndTime"] or "") < p["EndTime"]:
            self.pusher.enqueue(4, dict(
                LicensePlateNumber=plate, PaymentOrderNo=f"MC{self.ids.number()}",
                TotalAmountDue=0, TotalAmountPaid=0, DiscountAmount=0, PaymentMethod="79001",
                PaymentTime=fmt_time(now), OperatorName=p["OperatorName"],
                StartTime=p["StartTime"], EndTime=p["EndTime"],
                StoredVehicleBalance=_money(p["StoredVehicleBalance"]),
                VehicleTypeNo=p["VehicleTypeNo"], VehicleTypeName=p["VehicleTypeName"],
                ParkingCardTypeNo=p["ParkingCardTypeNo"],
                ParkingCardTypeName=p["ParkingCardTypeName"]))

    def _became_temporary(self, plate: str) -> None:
        """Rule 4: a deregistered vehicle in the car park becomes a temporary vehicle."""
        order = self.in_park_order(plate)
        if order is not None and self.monthly(plate) is None:
            pt = self.plate_type(lot.DEFAULT_PLATE_TYPE_NO)
            self.store.update("ParkingOrder", "Uid", order["Uid"], dict(
                ParkingCardTypeNo=pt.no, ParkingCardTypeName=pt.name))

    def _delete_vehicle(self, row: sqlite3.Row, item: Mapping[str, Any]) -> None:
        self.store.conn.execute('DELETE FROM "MonthlyCar" WHERE Uid = ?', (row["Uid"],))
        plate = row["LicensePlateNumber"]
        if plate:
            self._became_temporary(plate)
        self.pusher.enqueue(5, dict(
            LicensePlateNumber=plate,
            OperatorName=_opt_str(item, "OperatorName") or "",
            OperationTime=fmt_time(self.now())))

    def _notice_blacklist(self, data: Any) -> str:
        notice_type, items = _items(data)
        now = fmt_time(self.now())
        rows: list[tuple[str, dict[str, Any] | None, sqlite3.Row | None]] = []
        for i, item in enumerate(items):
            label = f"Items[{i}]."
            try:
                no = (_text(item, "No") or "").strip()
            except ParamError as exc:
                raise ParamError(label + str(exc)) from None
            if notice_type == 1:
                row = self.store.one('SELECT * FROM "BlackList" WHERE No = ?', (no,))
                if row is None:
                    raise BusinessError(f"Items[{i}]: blacklist record [{no}] does not exist")
                rows.append((no, None, row))
                continue
            try:
                plate = _upper_plate(_text(item, "LicensePlateNumber") or "")
            except ParamError as exc:
                raise ParamError(label + str(exc)) from None
            start = _text(item, "StartTime", required=False)
            end = _text(item, "EndTime", required=False)
            created = _text(item, "CreationTime", required=False)
            rec: dict[str, Any] = dict(
                No=no, LicensePlateNumber=plate, OwnerName=_opt_str(item, "OwnerName") or "",
                PhoneNumber=_opt_str(item, "PhoneNumber") or "",
                StartTime=fmt_time(parse_time(start, label + "StartTime")) if start else None,
                EndTime=fmt_time(parse_time(end, label + "EndTime")) if end else None,
                Remarks=_opt_str(item, "Remarks") or "",
                CreationTime=fmt_time(parse_time(created, label + "CreationTime"))
                if created else now,
                OperatorName=_opt_str(item, "OperatorName") or OPEN_API_OPERATOR, Status=1)
            rows.append((no, rec, None))
        for no, change, row in rows:
            if change is None:
                assert row is not None
                self.store.conn.execute('DELETE FROM "BlackList" WHERE No = ?', (no,))
                self.pusher.enqueue(8, dict(
                    LicensePlateNumber=row["LicensePlateNumber"], OwnerName=row["OwnerName"],
                    PhoneNumber=row["PhoneNumber"] or "", StartTime=row["StartTime"],
                    EndTime=row["EndTime"], CreationTime=row["CreationTime"],
                    OperatorName=row["OperatorName"], Remarks=row["Remarks"], Status=0))
                continue
            if self.store.one('SELECT Uid FROM "BlackList" WHERE No = ?', (no,)):
                self.store.update("BlackList", "No", no, change)
            else:
                self.store.insert("BlackList", change)
            self.pusher.enqueue(8, {k: v for k, v in change.items() if k != "No"})
        return "Delete operation successfully!" if notice_type == 1 else \
            "Add or update operation successfully!"

    def _notice_plate_coupon(self, data: Any) -> str:
        notice_type, items = _items(data)
        now = fmt_time(self.now())
        recs: list[tuple[str, dict[str, Any] | None]] = []
        for i, item in enumerate(items):
            label = f"Items[{i}]."
            try:
                no = (_text(item, "No") or "").strip()
                if notice_type == 1:
                    recs.append((no, None))
                    continue
                scheme = (_text(item, "CouponSchemeNo") or "").strip()
                typ = (_text(item, "Type") or "").strip()
                value = _amount(item, "Value")
            except ParamError as exc:
                raise ParamError(label + str(exc)) from None
            if typ not in ("101", "102", "103", "104"):
                raise ParamError(f"{label}Type must be 101, 102, 103 or 104")
            if typ == "103" and value > 10:
                raise ParamError(f"{label}Value of a ratio coupon must be between 0 and 10")
            start = _text(item, "StartTime", required=False)
            end = _text(item, "EndTime", required=False)
            created = _text(item, "CreationTime", required=False)
            plate = _opt_str(item, "LicensePlateNumber")
            recs.append((no, dict(
                No=no, CouponSchemeNo=scheme, Type=typ, Value=value,
                StartTime=fmt_time(parse_time(start, label + "StartTime")) if start else None,
                EndTime=fmt_time(parse_time(end, label + "EndTime")) if end else None,
                OrderNo=_opt_str(item, "OrderNo"),
                LicensePlateNumber=_upper_plate(plate) if plate else None,
                BusinessName=_opt_str(item, "BusinessName"),
                CreationTime=fmt_time(parse_time(created, label + "CreationTime"))
                if created else now, Remarks=_opt_str(item, "Remarks"))))
        return self._upsert("PlateCoupon", notice_type, recs, "coupon")

    def _notice_coupon_scheme(self, data: Any) -> str:
        notice_type, items = _items(data)
        now = fmt_time(self.now())
        recs: list[tuple[str, dict[str, Any] | None]] = []
        for i, item in enumerate(items):
            label = f"Items[{i}]."
            try:
                no = (_text(item, "No") or "").strip()
                if notice_type == 1:
                    recs.append((no, None))
                    continue
                typ = (_text(item, "Type") or "").strip()
                amount = _amount(item, "Amount", required=False)
                duration = _amount(item, "Duration", required=False)
                ratio = _amount(item, "Ratio", required=False)
                enable = _int(item, "Enable", required=False, default=1)
                scene = _int(item, "Scene", required=False, default=2)
            except ParamError as exc:
                raise ParamError(label + str(exc)) from None
            if typ not in ("101", "102", "103", "104"):
                raise ParamError(f"{label}Type must be 101, 102, 103 or 104")
            if ratio > 10:
                raise ParamError(f"{label}Ratio must be between 0 and 10")
            if enable not in (0, 1) or scene not in (0, 1, 2):
                raise ParamError(f"{label}Enable must be 0/1 and Scene 0, 1 or 2")
            valid = _text(item, "VaildTime", required=False)
            if typ == "104" and not valid:
                raise ParamError(f"{label}VaildTime is required for type 104")
            created = _text(item, "CreationTime", required=False)
            recs.append((no, dict(
                No=no, Name=_opt_str(item, "Name") or "", Type=typ, Amount=amount,
                Duration=duration, Ratio=ratio,
                VaildTime=fmt_time(parse_time(valid, label + "VaildTime")) if valid else None,
                Enable=enable, Scene=scene,
                CreationTime=fmt_time(parse_time(created, label + "CreationTime"))
                if created else now,
                OperatorName=_opt_str(item, "OperatorName") or OPEN_API_OPERATOR)))
        return self._upsert("CouponScheme", notice_type, recs, "coupon scheme")

    def _upsert(self, table: str, notice_type: int,
                recs: list[tuple[str, dict[str, Any] | None]], what: str) -> str:
        if notice_type == 1:
            for no, _ in recs:
                if self.store.one(f'SELECT Uid FROM "{table}" WHERE No = ?', (no,)) is None:
                    raise BusinessError(f"The {what} record [{no}] does not exist")
        with self.store.transaction():
            for no, rec in recs:
                if rec is None:
                    self.store.conn.execute(f'DELETE FROM "{table}" WHERE No = ?', (no,))
                elif self.store.one(f'SELECT Uid FROM "{table}" WHERE No = ?', (no,)):
                    self.store.update(table, "No", no, rec)
                else:
                    self.store.insert(table, rec)
        return "Delete operation successfully!" if notice_type == 1 else \
            "Add or update operation successfully!"

    # -- state dump -----------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        lanes = []
        for lane in self.lanes.values():
            v = lane.vehicle
            charge, _ = self.lane_charge(lane)
            lanes.append(dict(
                LaneNo=lane.d.no, LaneName=lane.d.name, Entry=lane.d.entry, Gate=lane.gate,
                KeepOpen=lane.keep_open, GroundLoop=lane.loop, CameraOnline=lane.camera_online,
                GateStuck=lane.gate_stuck,
                Vehicle=None if v is None else dict(
                    LicensePlateNumber=v.plate, OrderNo=v.order_no, Released=v.released,
                    Paid=v.paid, Refused=v.refused, ChargeMoney=charge,
                    WaitingSeconds=round(time.monotonic() - v.arrived, 1))))
        return dict(Now=fmt_time(self.now()),
                    ClockOffsetMinutes=self.clock_offset.total_seconds() / 60,
                    InPark=self.occupied(), TotalSpaces=lot.AREA_SPACES, Lanes=lanes)


def _obj(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ParamError("Data must be a JSON object")
    return data


def _opt_str(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParamError(f"{key} must be a string")
    if isinstance(value, int | Decimal | float):
        return str(value)
    if not isinstance(value, str):
        raise ParamError(f"{key} must be a string")
    return value

