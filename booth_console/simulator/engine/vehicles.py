"""Vehicles at the lanes: capture images, arrivals, passing the barrier, staging a parked
vehicle (control API) and CreateNoPlate."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from booth_console.protocol.timefmt import format_time
from booth_console.simulator import lot
from booth_console.simulator.engine.gate import Gate
from booth_console.simulator.engine.orders import Orders
from booth_console.simulator.engine.params import as_money, as_object, req_text, upper_plate
from booth_console.simulator.engine.state import (
    OPEN_API_OPERATOR,
    BusinessError,
    LaneState,
    LaneVehicle,
    SimError,
)
from booth_console.simulator.store import ParamError, parse_time

__all__ = ["Vehicles"]

log = logging.getLogger("booth_console.simulator")


class Vehicles(Gate, Orders):
    """Vehicles arriving, passing and entering without a plate."""

    async def capture(self, plate: str | None, lane: LaneState,
                      at: datetime | None = None) -> tuple[str, str]:
        """Render a capture image (taken ``at``, default now); returns (URL, path relative to
        the image root)."""
        now = at or self.now()
        rel = (f"CameraCaptures/{lot.BOOTH_NO}/{now:%Y%m}/{now:%d}/"
               f"{self.ids.snowflake()}_{lane.d.no}.jpg")
        try:
            data = await self._render(plate, lane.d.name, format_time(now) or "")
        except Exception:  # a capture failure must not stop the lane
            log.exception("capture rendering failed")
            return "", ""
        path = self.image_root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return f"{self._base_url()}/{rel}", rel

    async def arrive(self, lane_no: str, plate: str | None, plate_type_no: str | None = None,
                     vehicle_type_no: str | None = None, *,
                     read: str | None = None) -> dict[str, Any]:
        """A vehicle with ``plate`` at a lane. ``read`` (exit lanes): what the camera read
        instead (``""``: nothing); the capture shows the real plate, the lane the read."""
        lane = self.control_lane(lane_no)
        if read is not None and lane.d.entry:
            raise SimError("a misread is only simulated at an exit lane")
        if lane.vehicle is not None:
            raise SimError(f"lane {lane.d.no} is occupied by {lane.vehicle.plate or 'a vehicle'}")
        if plate_type_no and plate_type_no not in self._plate_types:
            raise SimError(f"unknown plate type {plate_type_no}")
        if vehicle_type_no and vehicle_type_no not in self._vehicle_types:
            raise SimError(f"unknown vehicle type {vehicle_type_no}")
        recognised = upper_plate(plate) if plate and lane.camera_online else None
        true_plate = None
        if read is not None and recognised:
            true_plate, recognised = recognised, upper_plate(read) or None
        url, rel = await self.capture(true_plate or recognised, lane)
        if lane.vehicle is not None:  # another arrival won the race during rendering
            raise SimError(f"lane {lane.d.no} is occupied")
        now = self.now()
        record = self.monthly(recognised) if recognised else None
        pt_no = plate_type_no or (record["ParkingCardTypeNo"] if record else None) or \
            lot.DEFAULT_PLATE_TYPE_NO
        vt_no = vehicle_type_no or (record["VehicleTypeNo"] if record else None) or \
            lot.DEFAULT_VEHICLE_TYPE_NO
        v = LaneVehicle(recognised, None, pt_no, vt_no, url, rel or None, true_plate=true_plate)
        lane.vehicle = v
        result: dict[str, Any] = {"LaneNo": lane.d.no, "LicensePlateNumber": recognised}
        if true_plate:
            result["TruePlate"] = true_plate
        if recognised is None:
            result["Status"] = ("unreadable" if true_plate else "camera offline") if plate \
                else "no plate"
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
                record["EndTime"] >= (format_time(now) or "")
            if valid_monthly:
                result["Status"] = "released: monthly vehicle without entry record"
                self._gate_record(lane, 0, 6100, "admin", "Auto release without entry record")
                self._open(lane, "admin", manual=False)
            else:
                result["Status"] = "waiting: no entry record"
                self._lane_changed(lane)
            return result
        result.update(self._exit_order(lane, v, order))
        return result

    def _in_lot_order_changed(self, order_no: str) -> None:
        """An in-lot order changed (its plate corrected): a vehicle waiting at an exit without
        an order whose read is now that order's plate takes it, as if it had just arrived."""
        order = self.order(order_no)
        if order is None or order["OrderStatus"] not in (199, 200):
            return
        for lane in self.lanes.values():
            v = lane.vehicle
            if lane.d.entry or v is None or v.order_no or v.released or not v.plate:
                continue
            if v.plate == order["LicensePlateNumber"]:
                self._exit_order(lane, v, order)
                return

    def _exit_order(self, lane: LaneState, v: LaneVehicle, order: sqlite3.Row) -> dict[str, Any]:
        """``order`` becomes the order of the vehicle waiting at exit ``lane``: released at once
        with nothing to pay or the barrier kept open, otherwise waiting for payment."""
        v.order_no = order["OrderNo"]
        v.plate_type_no = order["ParkingCardTypeNo"] or v.plate_type_no
        v.vehicle_type_no = order["VehicleTypeNo"] or v.vehicle_type_no
        due, price = self.payable(order)
        result: dict[str, Any] = dict(OrderNo=order["OrderNo"], ChargeMoney=as_money(due),
                                      TotalAmountDue=price.gross)
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
        lane = self.control_lane(lane_no)
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
        recognised = upper_plate(plate) if plate else ""
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
        lane = self.control_lane(lane_no) if lane_no else next(
            ln for ln in self.lanes.values() if ln.d.entry)
        if not lane.d.entry:
            raise SimError(f"lane {lane.d.no} is not an entry lane")
        entered = (self.now() - timedelta(minutes=minutes)).replace(microsecond=0)
        old = self.in_park_order(recognised)
        if old is not None and old["OrderStatus"] == 199:
            raise SimError(f"{recognised} is at an entry barrier; let it pass first")
        if old is not None:
            self.store.update("ParkingOrder", "Uid", old["Uid"], {"EntryTime": format_time(entered)})
            for ln in self.lanes.values():
                if ln.vehicle is not None and ln.vehicle.order_no == old["OrderNo"]:
                    self._lane_changed(ln)  # an exit lane's fee changed
            return {"LicensePlateNumber": recognised, "OrderNo": old["OrderNo"],
                    "EntryTime": format_time(entered), "Status": "entry time moved"}
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
                "EntryTime": format_time(entered), "Status": "parked"}

    def create_no_plate(self, data: Any) -> tuple[str, dict[str, Any]]:
        d = as_object(data)
        plate = upper_plate(req_text(d, "LicensePlateNumber") or "")
        if len(plate) > 16:
            raise ParamError("LicensePlateNumber is too long (at most 16 characters)")
        entry_time = parse_time(req_text(d, "EntryTime"), "EntryTime")
        vt_no = req_text(d, "VehicleTypeNo", required=False) or lot.DEFAULT_VEHICLE_TYPE_NO
        pt_no = req_text(d, "ParkingCardTypeNo") or ""
        self._check_vehicle_type(vt_no, "VehicleTypeNo")
        self._check_plate_type(pt_no, "ParkingCardTypeNo")
        lane = self.lane(req_text(d, "LaneNo"))
        operator = req_text(d, "OperatorName", required=False) or OPEN_API_OPERATOR
        remarks = req_text(d, "Remarks", required=False) or ""
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

