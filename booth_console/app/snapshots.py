"""Frozen snapshots the app layer emits through ``Signal(object)``; the UI only renders these.

Everything here is built from wire models at the boundary (:func:`field` reads a model attribute
by its snake_case name, falling back to the document's PascalCase key), so widgets never see raw
dicts or pydantic internals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

__all__ = [
    "AreaSnapshot",
    "CaptureSnapshot",
    "FeeLine",
    "FeedItem",
    "FeedKind",
    "LaneInfo",
    "LaneKind",
    "LinkSnapshot",
    "ListenerSnapshot",
    "OrderSnapshot",
    "StatusSnapshot",
    "field",
    "to_decimal",
    "to_int",
]


def _pascal(name: str) -> str:
    special = {"gs_status": "GSStatus", "id_camera_status": "IDCameraStatus", "p_uid": "PUid"}
    if name in special:
        return special[name]
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def field(obj: Any, name: str, *aliases: str, default: Any = None) -> Any:
    """Read ``name`` from a wire model or mapping (snake_case attribute, PascalCase key, aliases)."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        for key in (name, _pascal(name), *aliases):
            if key in obj and obj[key] is not None:
                return obj[key]
        return default
    value = getattr(obj, name, None)
    if value is not None:
        return value
    extra = getattr(obj, "model_extra", None) or {}
    for key in (_pascal(name), *aliases):
        if key in extra and extra[key] is not None:
            return extra[key]
        value = getattr(obj, key, None) if key.isidentifier() else None
        if value is not None:
            return value
    return default


def to_decimal(value: Any) -> Decimal:
    """An amount as Decimal (numbers and numeric strings; anything else is 0)."""
    if isinstance(value, Decimal):
        return value
    if value is None or value == "" or isinstance(value, bool):
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def to_int(value: Any, default: int = -1) -> int:
    """An integer status field (``-1``, unknown, when missing or not a number)."""
    if value is None or isinstance(value, bool):
        return default if value is None else int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class LaneKind(StrEnum):
    """Entry or exit, from ``LaneLinkAreas.InOutMode`` (1 entry, 0 exit)."""

    ENTRY = "entry"
    EXIT = "exit"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class LaneInfo:
    """One lane of the booth, from the ``Lane`` query or the lane-change callback."""

    lane_no: str
    name: str
    kind: LaneKind
    charging: bool
    booth_no: str = ""
    area_nos: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: Any) -> LaneInfo:
        """Build from a ``LaneRecord`` (or the same fields of a lane-change callback)."""
        links = field(record, "lane_link_areas") or []
        modes = [to_int(field(link, "in_out_mode"), -1) for link in links]
        if 1 in modes:
            kind = LaneKind.ENTRY
        elif 0 in modes:
            kind = LaneKind.EXIT
        else:
            kind = LaneKind.UNKNOWN
        lane_no = str(field(record, "no", default=""))
        return cls(
            lane_no=lane_no,
            name=str(field(record, "lane_name", default="") or lane_no),
            kind=kind,
            charging=to_int(field(record, "is_charge"), 0) == 1,
            booth_no=str(field(record, "sentry_host_no", default="") or ""),
            area_nos=tuple(str(field(link, "area_no", default="")) for link in links),
        )


@dataclass(frozen=True)
class StatusSnapshot:
    """``GetLaneStatus``: -1 means unknown for every field."""

    gate: int = -1  # GataStatus: 0 closed, 1 open
    keep_open: int = -1  # GateLongOpen: 0 off, 1 on
    loop: int = -1  # GSStatus: 0 empty, 1 vehicle
    camera: int = -1  # IDCameraStatus: 0 offline, 1 online
    at: dt.datetime | None = None

    @classmethod
    def from_model(cls, model: Any, at: dt.datetime | None = None) -> StatusSnapshot:
        """Build from a ``LaneStatus`` model (``GataStatus`` or ``GateStatus``)."""
        return cls(
            gate=to_int(field(model, "gate_status", "GataStatus", "GateStatus")),
            keep_open=to_int(field(model, "gate_long_open")),
            loop=to_int(field(model, "gs_status")),
            camera=to_int(field(model, "id_camera_status")),
            at=at,
        )

    @property
    def vehicle_on_loop(self) -> bool:
        """The ground loop reports a vehicle."""
        return self.loop == 1


@dataclass(frozen=True)
class FeeLine:
    """One line of ``GetOrderPrice.CalcDetail``."""

    area: str
    start: str
    end: str
    amount: Decimal
    stay_minutes: int
    free_minutes: int
    remarks: str


@dataclass(frozen=True)
class OrderSnapshot:
    """The order waiting at a lane, with its fee and its parking-order record."""

    order_no: str
    charge: Decimal  # GetLaneOrder.ChargeMoney: the amount the lane asks for now
    coupon_nos: tuple[str, ...] = ()
    plate: str = ""
    entry_time: str = ""
    entry_lane: str = ""
    plate_type: str = ""
    vehicle_type: str = ""
    entry_image_url: str = ""
    total_due: Decimal | None = None
    total_paid: Decimal | None = None
    discount: Decimal | None = None
    calc_time: str = ""
    lines: tuple[FeeLine, ...] = ()
    coupons: tuple[str, ...] = ()
    price_error: str = ""

    @property
    def amount_due(self) -> Decimal:
        """What the attendant collects: the lane's current charge."""
        return self.charge

    @property
    def duration_minutes(self) -> int | None:
        """Parking duration from the fee breakdown (sum of stay minutes), if known."""
        if not self.lines:
            return None
        return sum(line.stay_minutes for line in self.lines)


@dataclass(frozen=True)
class LinkSnapshot:
    """The server link as one lane (or the booth) sees it."""

    online: bool
    last_seen: dt.datetime | None = None
    latency_ms: float | None = None
    error: str = ""
    retry_in_s: float | None = None


@dataclass(frozen=True)
class CaptureSnapshot:
    """The latest capture at a lane (callback image URL, saved file or Base64)."""

    lane_no: str
    plate: str
    at: str
    source: str  # URL or file path; empty when only ``data`` is set
    data: bytes = b""
    kind: str = ""  # "entry" | "exit" | "gate" | "record"
    order_no: str = ""
    lane_name: str = ""
    plate_type: str = ""


class FeedKind(StrEnum):
    """What happened, for the booth's live feed."""

    ENTRY = "entry"
    EXIT = "exit"
    PAYMENT = "payment"
    GATE = "gate"


@dataclass(frozen=True)
class FeedItem:
    """One line of the live feed."""

    kind: FeedKind
    at: str
    lane_no: str
    lane_name: str
    plate: str
    amount: Decimal | None = None
    detail: str = ""
    image_source: str = ""
    image_data: bytes = dc_field(default=b"", repr=False)


@dataclass(frozen=True)
class AreaSnapshot:
    """An area with its free spaces."""

    area_no: str
    name: str
    total: int | None
    free: int


@dataclass(frozen=True)
class ListenerSnapshot:
    """The embedded callback listener as the booth window shows it."""

    address: str
    running: bool
    last_callback: dt.datetime | None = None
    received: int = 0
    rejected: int = 0
    registered: bool = False
    error: str = ""
    #: minutes without a callback while registered and vehicles are seen (0: no concern)
    quiet_min: int = 0
