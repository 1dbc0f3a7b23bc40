"""The simulated parking software's state: lanes and their devices, the clock, and look-ups of
orders, vehicles and types that every other part of the engine uses."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from booth_console.protocol.timefmt import format_time
from booth_console.simulator import lot
from booth_console.simulator.ids import IdGen
from booth_console.simulator.pusher import CallbackPusher
from booth_console.simulator.store import ParamError, Store

__all__ = ["OPEN_API_OPERATOR", "BusinessError", "EngineState", "LaneState", "LaneVehicle",
           "SimError"]

#: The operator name the parking software records for changes made through the open interface.
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
    #: the plate on the vehicle when the exit camera misread it (``plate`` is the read)
    true_plate: str | None = None
    #: a free release: a zero payment after the lane fee was lowered to 0 (its Remarks)
    free_pass_reason: str | None = None


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


class EngineState:
    """The lot's state and look-ups; the engine's parts (fees, gate, orders ...) build on it."""

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

    def control_lane(self, lane_no: Any) -> LaneState:
        """The lane a control-API request names (:class:`SimError` when there is none)."""
        try:
            return self.lane(lane_no)
        except ParamError as exc:
            raise SimError(str(exc)) from None

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
        t = format_time(at) or ""
        return (not row["StartTime"] or row["StartTime"] <= t) and (
            not row["EndTime"] or row["EndTime"] >= t)

    def occupied(self) -> int:
        row = self.store.one('SELECT COUNT(*) FROM "ParkingOrder" WHERE OrderStatus = 200')
        return int(row[0]) if row else 0

    def free_spaces(self) -> int:
        """Free spaces of the lot's single area (total minus the vehicles in)."""
        return max(0, lot.AREA_SPACES - self.occupied())

    def _lane_changed(self, lane: LaneState) -> None:
        if self.on_lane_change is not None:
            self.on_lane_change(lane)

