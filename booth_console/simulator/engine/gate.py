"""The barrier: SetLaneGateStatus (open, close, keep-open), opening for a vehicle, and the
gate-release records with their ``OnGateReleaseRecord`` callbacks."""

from __future__ import annotations

from typing import Any

from booth_console.protocol.timefmt import format_time
from booth_console.simulator.engine.fees import Fees
from booth_console.simulator.engine.params import as_object, req_int, req_text
from booth_console.simulator.engine.state import (
    OPEN_API_OPERATOR,
    BusinessError,
    LaneState,
    SimError,
)
from booth_console.simulator.store import ParamError

__all__ = ["Gate"]


class Gate(Fees):
    """Barrier commands and gate-release records."""

    def set_gate(self, data: Any) -> str:
        d = as_object(data)
        lane = self.lane(req_text(d, "LaneNo"))
        status = req_int(d, "Status")
        if status not in (0, 1, 2):
            raise ParamError("Status must be 0 (close), 1 (open) or 2 (toggle keep-open)")
        operator = req_text(d, "OperatorName", required=False) or OPEN_API_OPERATOR
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

    def open_outside(self, lane_no: str, operator: str = "admin") -> dict[str, Any]:
        """The barrier is opened from outside the console (the parking software's own booth
        program or a remote): a manual opening with its gate-release record and callback."""
        try:
            lane = self.lane(lane_no)
        except ParamError as exc:
            raise SimError(str(exc)) from None
        if lane.gate_stuck:
            raise SimError(f"the barrier of lane {lane.d.no} does not respond")
        v = lane.vehicle
        self._open(lane, operator or "admin", manual=True)
        return {"LaneNo": lane.d.no, "LicensePlateNumber": v.plate if v else None,
                "OrderNo": v.order_no if v else None, "Status": "opened"}

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
        now = format_time(self.now())
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

