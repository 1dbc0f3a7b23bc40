"""Frozen snapshots the app layer emits through ``Signal(object)``; the UI only renders these.

Every snapshot read from the parking server is built here, from the typed wire models of
:mod:`booth_console.protocol.models` (``from_wire`` / ``from_record`` / ``with_*``): the models
already accept the document's alternative names (``GataStatus``/``GateStatus``,
``CouponKey``/``CouponSchemeNos``) and fill defaults for nulls, and
:func:`~booth_console.protocol.timefmt.is_unset_time` says what a "no value" date is, so app
code reads attributes and never redoes either. Widgets never see raw dicts or pydantic models.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from booth_console.protocol import models as m
from booth_console.protocol.timefmt import is_unset_time

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
    "Payable",
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
    """Read ``name`` from a wire model or mapping (snake_case attribute, PascalCase key, aliases).

    Deprecated: read the typed model's attribute instead (the client returns each endpoint's
    model, callbacks carry theirs), and build snapshots with the ``from_wire`` helpers of this
    module. Kept only until its last caller (``app/commands.py``) is converted; then removed.
    """
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
    def from_record(cls, record: m.LaneRecord) -> LaneInfo:
        """Build from a ``LaneRecord`` (the ``Lane`` query, or an item of the lane-change
        callback)."""
        links = record.lane_link_areas
        modes = [link.in_out_mode for link in links]
        if 1 in modes:
            kind = LaneKind.ENTRY
        elif 0 in modes:
            kind = LaneKind.EXIT
        else:
            kind = LaneKind.UNKNOWN
        lane_no = record.no
        return cls(
            lane_no=lane_no,
            name=record.lane_name or lane_no,
            kind=kind,
            charging=record.is_charge == 1,
            booth_no=record.sentry_host_no or "",
            area_nos=tuple(link.area_no or "" for link in links),
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
    def from_wire(cls, status: m.LaneStatus | None, at: dt.datetime | None = None) -> StatusSnapshot:
        """Build from a ``GetLaneStatus`` answer (``None``: it had no Data, all unknown)."""
        if status is None:
            return cls(at=at)
        return cls(
            gate=status.gate_status,
            keep_open=status.gate_long_open,
            loop=status.gs_status,
            camera=status.id_camera_status,
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

    @classmethod
    def from_wire(cls, item: m.CalcDetailItem) -> FeeLine:
        """Build from one ``CalcDetail`` item of ``GetOrderPrice``."""
        return cls(
            area=item.area_name or "",
            start=item.start_time or "",
            end=item.end_time or "",
            amount=item.calc_amount,
            stay_minutes=item.stay_minutes,
            free_minutes=item.free_minutes,
            remarks=item.remarks or "",
        )


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

    @classmethod
    def from_wire(
        cls,
        order: m.LaneOrder,
        price: m.OrderPrice | None = None,
        record: m.ParkingOrderRecord | None = None,
    ) -> OrderSnapshot:
        """The order at a lane from ``GetLaneOrder``, with its ``ParkingOrder`` record and its
        ``GetOrderPrice`` breakdown when they have been read (record first, as the lane reads
        them: the record's plate and entry time win over the price's)."""
        snap = cls(
            order_no=order.order_no or "",
            charge=order.charge_money,
            coupon_nos=tuple(order.coupon_scheme_nos),
            plate=order.license_plate_number or "",
        )
        if record is not None:
            snap = snap.with_record(record)
        if price is not None:
            snap = snap.with_price(price)
        return snap

    def with_price(self, price: m.OrderPrice) -> OrderSnapshot:
        """This order with the fee breakdown of ``GetOrderPrice`` (clears ``price_error``)."""
        return dataclasses.replace(
            self,
            plate=self.plate or price.license_plate_number or "",
            entry_time=self.entry_time or price.entry_time or "",
            total_due=price.total_amount_due,
            total_paid=price.total_amount_paid,
            discount=price.discount_amount,
            calc_time=price.calc_time or "",
            lines=tuple(FeeLine.from_wire(item) for item in price.calc_detail),
            coupons=tuple(c.name or c.no for c in price.plate_coupon_nos),
            price_error="",
        )

    def with_record(self, record: m.ParkingOrderRecord) -> OrderSnapshot:
        """This order with the details of its ``ParkingOrder`` record (plate, entry, types)."""
        return dataclasses.replace(
            self,
            plate=record.license_plate_number or self.plate,
            entry_time=record.entry_time or self.entry_time,
            entry_lane=record.entry_lane_name or record.entry_lane_no or "",
            plate_type=record.parking_card_type_name or "",
            vehicle_type=record.vehicle_type_name or "",
            entry_image_url=record.entry_image_url or "",
        )

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
class Payable:
    """What the server says is payable at a lane right now (GetLaneOrder + GetOrderPrice), as a
    payment sends it: the lane's charge, the breakdown's total due and discount, and the coupon
    numbers to quote."""

    order_no: str
    charge: Decimal
    total_due: Decimal | None = None
    discount: Decimal | None = None
    coupon_nos: tuple[str, ...] = ()

    @classmethod
    def from_wire(cls, order: m.LaneOrder, price: m.OrderPrice | None) -> Payable:
        """The breakdown from the lane's order and its price (``price`` ``None``: it could not
        be read; the breakdown is then unknown and the order's coupon schemes are quoted)."""
        order_no = order.order_no or ""
        charge = order.charge_money
        if not order_no:
            return cls("", charge)
        if price is None:
            return cls(order_no, charge, coupon_nos=tuple(order.coupon_scheme_nos))
        coupons = tuple(c.no for c in price.plate_coupon_nos if c.no) or tuple(
            c for c in price.coupon_scheme_nos if c)
        return cls(order_no, charge, price.total_amount_due, price.discount_amount, coupons)


@dataclass(frozen=True)
class LinkSnapshot:
    """The server link as one lane (or the booth) sees it.

    ``online``: the server can be reached. ``stale_s``: seconds since the last answer, when that
    is longer than a few poll intervals (the shown state may be out of date). ``failing``: the
    server answers, but with errors (``error`` is the last one)."""

    online: bool
    last_seen: dt.datetime | None = None
    latency_ms: float | None = None
    error: str = ""
    retry_in_s: float | None = None
    stale_s: float | None = None
    failing: bool = False

    @property
    def healthy(self) -> bool:
        """Online, answering in time and not with errors."""
        return self.online and self.stale_s is None and not self.failing


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

    @classmethod
    def from_record(cls, lane_no: str, plate: str, record: m.ParkingOrderRecord,
                    order_no: str) -> CaptureSnapshot:
        """The exit capture of a ``ParkingOrder`` record (its exit time, if it has one)."""
        at = "" if is_unset_time(record.exit_time) else record.exit_time or ""
        return cls(lane_no, plate, at, record.exit_image_url or "", b"", "record", order_no=order_no)


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

    @classmethod
    def from_record(cls, record: m.AreaRecord, total: int | None = None) -> AreaSnapshot:
        """From the ``Area`` query, whose ``AreaSpaceNum`` is the free spaces (it has no total:
        ``total`` is the one known from a parking-spaces callback, if any)."""
        no = record.no or ""
        return cls(area_no=no, name=record.area_name or no, total=total, free=record.area_space_num)

    @classmethod
    def from_spaces(cls, spaces: m.AreaSpaces) -> AreaSnapshot:
        """From one area of the parking-spaces callback."""
        no = spaces.area_no or ""
        return cls(area_no=no, name=spaces.area_name or no, total=spaces.total_spaces,
                   free=spaces.remaining_spaces)


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
