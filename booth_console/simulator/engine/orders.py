"""Parking orders and the callbacks their changes send: creation at an entry, the entry
callback, the exit, closing an order, and the free spaces after each change."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from decimal import Decimal

from booth_console.protocol.timefmt import MIN_TIME, format_time
from booth_console.simulator import lot
from booth_console.simulator.engine.fees import Fees
from booth_console.simulator.engine.params import as_money
from booth_console.simulator.engine.state import LaneState, LaneVehicle

__all__ = ["Orders"]


class Orders(Fees):
    """Life cycle of parking orders."""

    def _create_order(self, plate: str, now: datetime, lane: LaneState, pt_no: str, vt_no: str,
                      url: str, rel: str | None, *, operator: str | None, status: int,
                      remarks: str = "") -> str:
        pt = self.plate_type(pt_no)
        vt = self.vehicle_type(vt_no)
        order_no = f"{self.ids.number()}-{plate}"
        self.store.insert("ParkingOrder", dict(
            OrderNo=order_no, LicensePlateNumber=plate, EntryTime=format_time(now), ExitTime=MIN_TIME,
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
        free_pass = (due > 0 and not v.paid) or v.free_pass_reason is not None
        reason = v.free_pass_reason
        if free_pass and reason is None:
            reason = f"Released by {v.manual_operator or 'operator'} ({v.manual_release})" \
                if v.manual_release else "Released without payment"
        total_due = max(price.gross, paid)
        self.store.update("ParkingOrder", "Uid", order["Uid"], dict(
            ExitTime=format_time(now), ExitLaneNo=lane.d.no, ExitLaneName=lane.d.name,
            ExitOperatorName=v.manual_operator or "admin", ExitImageUrl=v.image_url,
            _ExitImage=v.image_path, OrderStatus=201, IsFreePass=free_pass,
            FreePassReason=reason, TotalAmountDue=total_due))
        for coupon in price.coupons:
            self.store.conn.execute('UPDATE "PlateCoupon" SET _UsedBy = ? WHERE No = ? AND '
                                    "_UsedBy IS NULL", (order["OrderNo"], coupon.no))
        self.pusher.enqueue(1, dict(
            OrderNo=order["OrderNo"], LicensePlateNumber=order["LicensePlateNumber"],
            ExitTime=format_time(now), LicensePlateColor=order["_PlateColor"] or 0,
            ExitLaneNo=lane.d.no, ExitLaneName=lane.d.name,
            ExitOperatorName=v.manual_operator or "admin",
            VehicleTypeNo=order["VehicleTypeNo"], VehicleTypeName=order["VehicleTypeName"],
            ParkingCardTypeNo=order["ParkingCardTypeNo"],
            ParkingCardTypeName=order["ParkingCardTypeName"],
            ParkingAreaNo=order["ParkingAreaNo"], ParkingAreaName=order["ParkingAreaName"],
            ExitImageUrl=v.image_url or "", ExitImageBase64="", TotalAmountDue=as_money(total_due),
            TotalAmountPaid=as_money(paid), IsFreePass=free_pass, FreePassReason=reason,
            Remarks=order["Remarks"]), v.image_path)
        self._spaces_callback()

    def _in_lot_order_changed(self, order_no: str) -> None:
        """Hook: an in-lot order's plate was corrected (``Vehicles`` matches waiting exits)."""

    def _close_order(self, order: sqlite3.Row, remarks: str, *, status: int = 202) -> None:
        self.store.update("ParkingOrder", "Uid", order["Uid"], dict(
            OrderStatus=status, ExitTime=format_time(self.now()),
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

