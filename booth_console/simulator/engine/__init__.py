"""The parking software's behaviour: lanes, vehicles, orders, fees, payments, records.

:class:`Engine` is what the server (``simulator/server.py``) dispatches to; it is put together
from one class per concern, each in its own module, built on :class:`EngineState`:

=====================  ======================================================================
``state.py``           lanes and their devices, the simulated clock, look-ups, errors
``params.py``          reading request Data (each error names its field)
``fees.py``            coupons, the price of a stay, what is left to pay, a lane's charge
``queries.py``         Query routes, GetLaneStatus, GetLaneOrder, GetOrderPrice
``gate.py``            SetLaneGateStatus, opening for a vehicle, gate-release records
``orders.py``          parking orders and the entry, exit and free-spaces callbacks
``vehicles.py``        capture images, arrivals, passing, seeding a parked vehicle, CreateNoPlate
``payments.py``        ModifyLaneOrderMoney, PaySuccess, payment records, lane QR payments
``callback_settings``  SetCallbackParams, the lane list callback, RetryCallback
``notices.py``         the Notice routes, driven by the route table ``NOTICE_ROUTES``
=====================  ======================================================================

All methods run on the event loop thread; SQLite calls are short (indexed, small rows).
Errors: :class:`~booth_console.simulator.store.ParamError` (ResultCode 1002) names the bad
field, :class:`BusinessError` (1005) explains why the request cannot be carried out.
"""

from __future__ import annotations

import time
from typing import Any

from booth_console.protocol.timefmt import format_time
from booth_console.simulator import lot
from booth_console.simulator.engine.callback_settings import CallbackSettings
from booth_console.simulator.engine.notices import Notices
from booth_console.simulator.engine.payments import Payments
from booth_console.simulator.engine.queries import Queries
from booth_console.simulator.engine.state import (
    BusinessError,
    EngineState,
    LaneState,
    LaneVehicle,
    SimError,
)
from booth_console.simulator.engine.vehicles import Vehicles

__all__ = ["BusinessError", "Engine", "EngineState", "LaneState", "LaneVehicle", "SimError"]


class Engine(Queries, Vehicles, Payments, CallbackSettings, Notices):
    """State and rules of the simulated parking software."""

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
        return dict(Now=format_time(self.now()),
                    ClockOffsetMinutes=self.clock_offset.total_seconds() / 60,
                    InPark=self.occupied(), TotalSpaces=lot.AREA_SPACES, Lanes=lanes)
