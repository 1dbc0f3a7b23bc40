"""Pydantic v2 wire models for every request, response and callback Data of sections 4-6.

Conventions:

* attribute names are Pythonic (``license_plate_number``); wire names are the document's
  PascalCase (``LicensePlateNumber``) set as aliases; models accept either on input. Where the
  wire name is not the Pascal form of the attribute (``GataStatus``, ``GSStatus``,
  ``IDCameraStatus``, ``IP``, ``BSPort``, ``PUid``, ``OwnerIDCard``, ``VaildTime``) the alias
  is explicit;
* input is lenient: every documented variant is accepted (``GataStatus``/``GateStatus``,
  ``CouponKey``/``CouponSchemeNos``, amounts as string or number, ``null`` arrays as empty,
  numbers where a string is documented), and undocumented extra fields are kept
  (``model_extra``);
* output is exact: :meth:`WireModel.wire` gives the dict to sign and send, with every
  documented field under its PascalCase name, numeric and boolean fields with explicit values,
  amounts as ``Decimal`` in their shortest form (``5``, ``5.5``). Request models
  (:class:`RequestModel`) leave out ``None`` strings, as the document's request examples do;
  response and callback models keep them as ``null``.

Dates stay strings in the document's format (``yyyy-MM-dd HH:mm:ss``); see
:func:`parse_time` / :func:`format_time`.
"""

from __future__ import annotations

import json
import types
import typing
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    RootModel,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_pascal
from pydantic.fields import FieldInfo

from booth_console.protocol import aes
from booth_console.protocol import enums as _enums
from booth_console.protocol.jsonutil import dumps, shortest_decimal
from booth_console.protocol.limits import CALLBACK_INTERVAL_MAX, CALLBACK_INTERVAL_MIN
from booth_console.protocol.timefmt import format_time, is_unset_time, parse_time

T = TypeVar("T")
#: The record model of a page (a page of lane records is a page of wire models).
RecordT = TypeVar("RecordT", covariant=True)


# --- lenient field types ----------------------------------------------------------------


def amount(value: Any) -> Decimal:
    """Accept an amount as number or string; keep it as Decimal (used by validators).

    ``None`` and ``""`` give 0; anything that is not a finite number raises ``ValueError``.
    """
    if isinstance(value, Decimal):
        dec = value
    elif value is None or value == "":
        return Decimal(0)
    elif isinstance(value, bool):
        raise ValueError("an amount cannot be a boolean")
    else:
        try:
            dec = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
    if not dec.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return dec


def _shortest(value: Decimal) -> Decimal:
    return shortest_decimal(value)


def _to_str(value: Any) -> Any:
    if type(value) is str:  # the usual case, first (runs for every Str field of every callback)
        return value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal | float):
        return str(value)
    return value


def _null_list(value: Any) -> Any:
    return [] if value is None else value


def _to_int(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


#: An amount in yuan: number or string in, ``Decimal`` kept with its precision, shortest out.
Amount = Annotated[Decimal, BeforeValidator(amount), PlainSerializer(_shortest, return_type=Decimal)]

#: A number that is not money (coordinates, ratios): number or string in, shortest out.
Number = Amount

#: A string that may come as a number (``LicensePlateNumber`` typed number, ``ResultId``).
Str = Annotated[str, BeforeValidator(_to_str)]

#: An integer code; enum members and numeric strings are accepted.
Int = Annotated[int, BeforeValidator(_to_int)]

#: A list where ``null`` means empty.
NullList = Annotated[list[T], BeforeValidator(_null_list)]


def _alias(wire: str, *alternatives: str, attr: str | None = None) -> Any:
    """Validation accepts ``wire``, the alternatives and the attribute name; output uses ``wire``."""
    choices = [wire, *alternatives]
    if attr:
        choices.append(attr)
    return AliasChoices(*choices)


def _extra_text(model: BaseModel, *keys: str) -> str | None:
    """The first of ``keys`` that came as an undocumented (extra) field and is not null, as text."""
    extra = model.model_extra or {}
    for key in keys:
        value = extra.get(key)
        if value is not None:
            return str(value)
    return None


# --- bases ------------------------------------------------------------------------------


def _nullable(annotation: Any) -> bool:
    if annotation is None or annotation is type(None) or annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _nullable(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return any(_nullable(arg) for arg in typing.get_args(annotation))
    return False


def input_keys(name: str, info: FieldInfo) -> set[str]:
    """The keys a model field is read from: its name, its alias and its validation aliases."""
    keys = {name}
    if info.alias:
        keys.add(info.alias)
    choices = getattr(info.validation_alias, "choices", None)
    if choices:
        keys.update(c for c in choices if isinstance(c, str))
    elif isinstance(info.validation_alias, str):
        keys.add(info.validation_alias)
    return keys


@cache
def _value_field_keys(cls: type[BaseModel]) -> frozenset[str]:
    """Input keys of the fields that have a default but cannot hold ``None``."""
    keys: set[str] = set()
    for name, info in cls.model_fields.items():
        if info.is_required() or _nullable(info.annotation):
            continue
        keys |= input_keys(name, info)
    return frozenset(keys)


class WireModel(BaseModel):
    """Base of every wire model: PascalCase aliases, lenient input, exact output."""

    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="allow",
        frozen=True,
        arbitrary_types_allowed=True,
        coerce_numbers_to_str=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        # ``null`` for a number, boolean or list that has a default gives the default, so one
        # sloppy field does not reject a whole response or callback.
        if not isinstance(data, dict) or None not in data.values():
            return data
        keys = _value_field_keys(cls)
        if not any(value is None and key in keys for key, value in data.items()):
            return data
        return {k: v for k, v in data.items() if not (v is None and k in keys)}

    def wire(self) -> dict[str, Any]:
        """The Data dict to sign and send (PascalCase keys, Decimal amounts)."""
        return self.model_dump(by_alias=True, mode="python")

    def wire_json(self) -> str:
        """:meth:`wire` as compact JSON with amounts as number literals."""
        return dumps(self.wire())


class RequestModel(WireModel):
    """Base of request Data models: ``None`` values are left out of :meth:`wire`.

    Numeric and boolean fields of requests are never ``None``, so they are always sent
    explicitly (a .NET server signs the defaults of value-type fields a body leaves out).
    """

    def wire(self) -> dict[str, Any]:
        """The Data dict to sign and send: every field except ``None`` strings."""
        return self.model_dump(by_alias=True, mode="python", exclude_none=True)


# --- response envelope ------------------------------------------------------------------


class ResultEnvelope(WireModel):
    """A response (or callback acknowledgement): ResultCode, ResultMsg, ResultId, Data."""

    result_code: Int = 0
    result_msg: Str | None = None
    result_id: Str | None = None
    data: Any = None

    @property
    def ok(self) -> bool:
        """Whether ResultCode is 200."""
        return self.result_code == _enums.ResultCode.OK


# --- paged queries ----------------------------------------------------------------------


class QueryCondition(RequestModel):
    """One condition of a paged query: Field, Operator (QueryOperator) and Value."""

    field: Str
    operator: Int = 0
    value: Str | None = None


class PageQuery(RequestModel):
    """Request Data of every ``Query`` route: paging, ordering and conditions."""

    page_index: Int = 1
    page_size: Int = 20
    order_by: Str | None = None
    order_type: Int = 0
    query_condition: NullList[QueryCondition] = Field(default_factory=list)


class PageResult(WireModel, Generic[RecordT]):
    """Response Data of every ``Query`` route."""

    page_index: Int = 1
    page_size: Int = 20
    total_count: Int = 0
    results: NullList[RecordT] = Field(default_factory=list)

    @field_validator("results", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


# --- query records (section 4) ----------------------------------------------------------


class AreaRecord(WireModel):
    """One area (zone) of AreaQuery."""

    uid: Int = 0
    no: Str | None = None
    area_name: Str | None = None
    area_type: Int = 0
    area_space_num: Int = 0
    p_uid: Int = Field(0, validation_alias=_alias("PUid", "PUID", "Puid", attr="p_uid"),
                       serialization_alias="PUid")
    level: Int = 0
    creation_time: Str | None = None


class BoothRecord(WireModel):
    """One booth (sentry host) of BoothQuery."""

    uid: Int = 0
    no: Str | None = None
    name: Str | None = None
    category: Int = 0
    ip: Str | None = Field(None, validation_alias=_alias("IP", "Ip", attr="ip"),
                           serialization_alias="IP")
    tcp_port: Int | None = None
    bs_port: Int | None = Field(None, validation_alias=_alias("BSPort", "BsPort", attr="bs_port"),
                                serialization_alias="BSPort")
    creation_time: Str | None = None
    longitude: Number | None = None
    latitude: Number | None = None


class LaneLinkArea(WireModel):
    """An area bound to a lane, with the lane's direction in it (InOutMode: 0 exit, 1 entry)."""

    no: Str | None = None
    area_no: Str | None = None
    in_out_mode: Int = 0


class LaneRecord(WireModel):
    """One lane of LaneQuery (also the items of the lane-change callback)."""

    uid: Int = 0
    no: Str = ""
    lane_name: Str | None = None
    lane_type: Int = 1
    lane_duty_mode: Int | None = None
    camera_mode: Int | None = None
    id_interval: Int | None = None
    is_back_car: Int | None = None
    is_charge: Int = 0
    open_gate_and_voice: Int | None = None
    sentry_host_no: Str | None = None
    creation_time: Str | None = None
    is_sense: Int = 0
    is_same_in_out: Int = 0
    same_in_out_lane_no: Str | None = None
    same_in_out_type: Int = 0
    is_enable_board: Int = 0
    lane_link_areas: NullList[LaneLinkArea] = Field(default_factory=list)

    @property
    def is_exit(self) -> bool:
        """Whether the lane is an exit in any of its areas (InOutMode 0)."""
        return any(a.in_out_mode == _enums.InOutMode.EXIT for a in self.lane_link_areas)

    @property
    def is_entry(self) -> bool:
        """Whether the lane is an entry in any of its areas (InOutMode 1)."""
        return any(a.in_out_mode == _enums.InOutMode.ENTRY for a in self.lane_link_areas)


class PlateTypeRecord(WireModel):
    """One plate type (card type) of PlateTypeQuery; ``category`` is a PlateTypeCategory code."""

    uid: Int = 0
    no: Str = ""
    parking_card_type_name: Str | None = None
    is_more_car: bool = False
    creation_time: Str | None = None
    operator_name: Str | None = None
    category: Str | None = None

    @property
    def is_monthly(self) -> bool:
        """A monthly type (3652-3655, 3661-3664)."""
        return _enums.is_monthly(self.category)

    @property
    def is_temporary(self) -> bool:
        """A temporary type (3644-3651)."""
        return _enums.is_temporary(self.category)

    @property
    def is_free(self) -> bool:
        """The free type (3656)."""
        return _enums.is_free(self.category)

    @property
    def is_prepaid(self) -> bool:
        """The prepaid (stored value) type (3657)."""
        return _enums.is_prepaid(self.category)


class VehicleTypeRecord(WireModel):
    """One vehicle type (plate colour / car type) of PlateColorQuery."""

    uid: Int = 0
    no: Str = ""
    vehicle_type_name: Str | None = None
    creation_time: Str | None = None
    operator_name: Str | None = None


def _area_nos_text(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return json.dumps([str(v) for v in value], ensure_ascii=False)
    return value


class StopSpace(WireModel):
    """An allowed parking area of a vehicle record (``AreaNos`` is a JSON array as text)."""

    no: Str | None = None
    type: Int = 0
    area_nos: Annotated[Str | None, BeforeValidator(_area_nos_text)] = None
    area_name: Str | None = None
    space_count: Int = 0

    def area_no_list(self) -> list[str]:
        """``AreaNos`` decoded (``'["0"]'`` gives ``["0"]``); unparsable text gives ``[]``."""
        if not self.area_nos:
            return []
        try:
            parsed = json.loads(self.area_nos)
        except ValueError:
            return [p.strip() for p in self.area_nos.split(",") if p.strip()]
        if isinstance(parsed, list):
            return [str(p) for p in parsed]
        return [str(parsed)]


#: Wire names of the AES-encrypted fields of vehicle records (section 3.1.5).
SENSITIVE_FIELDS = ("OwnerIDCard", "OwnerLicense", "PhoneNumber", "Email")


class VehicleRecord(WireModel):
    """One vehicle (monthly/prepaid/free car) of VehicleRecordQuery.

    ``owner_id_card``, ``owner_license``, ``phone_number`` and ``email`` come AES-encrypted;
    :meth:`decrypted` gives a copy with them in clear text.
    """

    uid: Int = 0
    no: Str = ""
    license_plate_number: Str | None = None
    system_spot_number: Str | None = None
    parking_spot_number: Str | None = None
    owner_parking_space_count: Int = 0
    owner_name: Str | None = None
    owner_no: Str | None = None
    owner_id_card: Str | None = Field(
        None, validation_alias=_alias("OwnerIDCard", "OwnerIdCard", attr="owner_id_card"),
        serialization_alias="OwnerIDCard", repr=False,
    )
    owner_license: Str | None = Field(None, repr=False)
    owner_address: Str | None = None
    phone_number: Str | None = Field(None, repr=False)
    email: Str | None = Field(None, repr=False)
    start_time: Str | None = None
    end_time: Str | None = None
    stored_vehicle_balance: Amount = Decimal(0)
    vehicle_type_no: Str | None = None
    vehicle_type_name: Str | None = None
    parking_card_type_no: Str | None = None
    parking_card_type_name: Str | None = None
    operator_name: Str | None = None
    creation_time: Str | None = None
    remarks: Str | None = None
    status: Int = 1
    enable_offline: Int = 0
    is_delete_owner: bool | None = None
    stop_space_list: NullList[StopSpace] = Field(default_factory=list)
    status_text: Str | None = None

    def decrypted(self, key: str = aes.AES_KEY, iv: str | None = aes.AES_IV) -> VehicleRecord:
        """A copy with OwnerIDCard, OwnerLicense, PhoneNumber and Email decrypted.

        Empty values stay empty.

        Raises:
            aes.SensitiveFieldError: a value cannot be decrypted; the message names the field.
        """
        update: dict[str, Any] = {}
        for attr, wire in zip(
            ("owner_id_card", "owner_license", "phone_number", "email"), SENSITIVE_FIELDS,
            strict=True,
        ):
            value = getattr(self, attr)
            try:
                update[attr] = aes.decrypt_field(value, key, iv)
            except aes.SensitiveFieldError as exc:
                raise aes.SensitiveFieldError(f"{wire}: {exc}") from None
        return self.model_copy(update=update)


class BlacklistRecord(WireModel):
    """One blacklist record of BlacklistQuery (Status: 1 enabled, 0 disabled)."""

    uid: Int = 0
    no: Str = ""
    license_plate_number: Str | None = None
    owner_name: Str | None = None
    phone_number: Str | None = None
    start_time: Str | None = None
    end_time: Str | None = None
    remarks: Str | None = None
    creation_time: Str | None = None
    operator_name: Str | None = None
    status: Int = 1


class ParkingOrderRecord(WireModel):
    """One parking order of ParkingOrderQuery (``exit_time`` may be ``0001-01-01 00:00:00``)."""

    uid: Int = 0
    order_no: Str | None = None
    license_plate_number: Str | None = None
    entry_time: Str | None = None
    exit_time: Str | None = None
    entry_lane_no: Str | None = None
    entry_lane_name: Str | None = None
    exit_lane_no: Str | None = None
    exit_lane_name: Str | None = None
    entry_operator_name: Str | None = None
    exit_operator_name: Str | None = None
    parking_area_no: Str | None = None
    parking_area_name: Str | None = None
    vehicle_type_no: Str | None = None
    vehicle_type_name: Str | None = None
    entry_image_url: Str | None = None
    exit_image_url: Str | None = None
    parking_card_type_no: Str | None = None
    parking_card_type_name: Str | None = None
    order_status: Int = 0
    is_free_pass: bool = False
    free_pass_reason: Str | None = None
    total_amount_due: Amount = Decimal(0)
    total_amount_paid: Amount = Decimal(0)
    is_vehicle_locked: bool = False
    remarks: Str | None = None

    @property
    def has_exited(self) -> bool:
        """Whether the order has a real exit time (not null or the .NET minimum date)."""
        return not is_unset_time(self.exit_time)


class PaymentRecord(WireModel):
    """One payment of PaymentRecordQuery (OrderType and PaymentMethod are string codes)."""

    uid: Int = 0
    no: Str = ""
    order_no: Str | None = None
    license_plate_number: Str | None = None
    order_type: Str | None = None
    system_spot_number: Str | None = None
    vehicle_type_no: Str | None = None
    vehicle_type_name: Str | None = None
    parking_card_type_no: Str | None = None
    parking_card_type_name: Str | None = None
    start_time: Str | None = None
    end_time: Str | None = None
    before_end_time: Str | None = None
    owner_no: Str | None = None
    owner_name: Str | None = None
    total_amount_due: Amount = Decimal(0)
    total_amount_paid: Amount = Decimal(0)
    discount_amount: Amount = Decimal(0)
    stored_value_deduction: Amount = Decimal(0)
    self_money: Amount = Decimal(0)
    out_reduce_money: Amount = Decimal(0)
    payment_method: Str | None = None
    payment_status: Int = 0
    entry_time: Str | None = None
    payment_time: Str | None = None
    parking_duration: Number = Decimal(0)
    remarks: Str | None = None
    operator_name: Str | None = None
    creation_time: Str | None = None
    payment_scene: Int = 0


class PaymentDetailRecord(WireModel):
    """One payment detail row of PaymentDetailQuery."""

    uid: Int = 0
    no: Str = ""
    order_no: Str | None = None
    payment_order_no: Str | None = None
    order_detail_no: Str | None = None
    start_time: Str | None = None
    end_time: Str | None = None
    time_count: Int | None = None
    order_type: Str | None = None
    area_no: Str | None = None
    area_name: Str | None = None
    license_plate_number: Str | None = None
    vehicle_type_no: Str | None = None
    vehicle_type_name: Str | None = None
    parking_card_type_no: Str | None = None
    parking_card_type_name: Str | None = None
    payment_method: Str | None = None
    total_amount_due: Amount = Decimal(0)
    total_amount_paid: Amount = Decimal(0)
    discount_amount: Amount = Decimal(0)
    payment_status: Int = 0
    passage_lane_no: Str | None = None
    remarks: Str | None = None
    creation_time: Str | None = None
    operator_name: Str | None = None
    stored_value_deduction: Amount = Decimal(0)


class GateReleaseRecord(WireModel):
    """One manual gate operation of GateReleaseQuery (GateSwitchType: ManualGateOperationType)."""

    uid: Int = 0
    no: Str = ""
    gate_switch_type: Int = 0
    order_no: Str | None = None
    license_plate_number: Str | None = None
    passage_lane_no: Str | None = None
    passage_lane_name: Str | None = None
    device_no: Str | None = None
    device_name: Str | None = None
    vehicle_type_no: Str | None = None
    vehicle_type_name: Str | None = None
    parking_card_type_no: Str | None = None
    parking_card_type_name: Str | None = None
    special_vehicle_no: Str | None = None
    special_vehicle_name: Str | None = None
    passage_image_url: Str | None = None
    passage_time: Str | None = None
    operator_name: Str | None = None
    operation_time: Str | None = None
    remarks: Str | None = None
    total_amount_paid: Amount = Decimal(0)


def _valid_time_field() -> Any:
    return Field(
        None,
        validation_alias=_alias("VaildTime", "ValidTime", attr="valid_time"),
        serialization_alias="VaildTime",
    )


class CouponSchemeRecord(WireModel):
    """One coupon scheme of CouponSchemeQuery (Type: CouponType code as string)."""

    uid: Int = 0
    no: Str = ""
    name: Str | None = None
    type: Str | None = None
    amount: Amount | None = Decimal(0)
    duration: Number | None = Decimal(0)
    ratio: Number | None = Decimal(0)
    valid_time: Str | None = _valid_time_field()
    enable: Int | None = None
    scene: Int = 0
    creation_time: Str | None = None
    operator_name: Str | None = None


class PlateCouponRecord(WireModel):
    """One plate coupon of PlateCouponQuery (Value: yuan, minutes or ratio by Type)."""

    uid: Int = 0
    no: Str = ""
    coupon_scheme_no: Str | None = None
    type: Str | None = None
    value: Number = Decimal(0)
    start_time: Str | None = None
    end_time: Str | None = None
    order_no: Str | None = None
    license_plate_number: Str | None = None
    business_name: Str | None = None
    creation_time: Str | None = None
    remarks: Str | None = None


# --- lane status, lane order, order price -----------------------------------------------


class LaneNoRequest(RequestModel):
    """Request Data of GetLaneStatus and GetLaneOrder."""

    lane_no: Str


class LaneStatus(WireModel):
    """GetLaneStatus Data: barrier (``GataStatus`` on the wire), keep-open, loop, camera."""

    gate_status: Int = Field(
        -1, validation_alias=_alias("GataStatus", "GateStatus", attr="gate_status"),
        serialization_alias="GataStatus",
    )
    gate_long_open: Int = -1
    gs_status: Int = Field(
        -1, validation_alias=_alias("GSStatus", "GsStatus", attr="gs_status"),
        serialization_alias="GSStatus",
    )
    id_camera_status: Int = Field(
        0, validation_alias=_alias("IDCameraStatus", "IdCameraStatus", attr="id_camera_status"),
        serialization_alias="IDCameraStatus",
    )

    @property
    def vehicle_on_loop(self) -> bool:
        """Whether the ground loop reports a vehicle (GSStatus 1)."""
        return self.gs_status == _enums.LoopStatus.VEHICLE


def _coupon_nos_field() -> Any:
    return Field(
        default_factory=list,
        validation_alias=_alias("CouponKey", "CouponSchemeNos", attr="coupon_scheme_nos"),
        serialization_alias="CouponKey",
    )


def _coupon_scheme_nos_field() -> Any:
    return Field(
        default_factory=list,
        validation_alias=_alias("CouponSchemeNos", "CouponKey", attr="coupon_scheme_nos"),
        serialization_alias="CouponSchemeNos",
    )


class LaneOrder(WireModel):
    """GetLaneOrder Data: the order at the lane, its coupons and the fee in yuan.

    The coupons arrive as ``CouponKey`` (example) or ``CouponSchemeNos`` (table); they are sent
    as ``CouponKey``, as the document's example shows.
    """

    order_no: Str | None = None
    charge_money: Amount = Decimal(0)
    coupon_scheme_nos: NullList[Str] = _coupon_nos_field()

    @property
    def license_plate_number(self) -> str | None:
        """``LicensePlateNumber``, which servers may add (not in the document's table; kept
        as an extra field, so it is not sent by :meth:`wire` unless it came)."""
        return _extra_text(self, "LicensePlateNumber", "license_plate_number")


class OrderPriceRequest(RequestModel):
    """Request Data of GetOrderPrice."""

    order_no: Str
    license_plate_number: Str | None = None
    plate_coupon_no: Str | None = None


class CalcDetailItem(WireModel):
    """One billing segment of GetOrderPrice ``CalcDetail``."""

    area_no: Str | None = None
    area_name: Str | None = None
    start_time: Str | None = None
    end_time: Str | None = None
    calc_amount: Amount = Decimal(0)
    discount_amount: Amount | None = None
    free_minutes: Int = 0
    stay_minutes: Int = 0
    remarks: Str | None = None
    is_over_time: Int = 0
    is_car_expire: Int = 0


def _coupon_ref(value: Any) -> Any:
    if isinstance(value, str | int):
        return {"No": str(value)}
    return value


def _coupon_refs(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [_coupon_ref(v) for v in value]
    return value


class PlateCouponRef(WireModel):
    """A plate coupon usable on an order (GetOrderPrice ``PlateCouponNos``): No and Name."""

    no: Str = ""
    name: Str | None = None


class OrderPrice(WireModel):
    """GetOrderPrice Data: the fee of an order, its breakdown and usable coupons.

    ``PlateCouponNos`` may come as a list of ``{No, Name}`` objects or of plain strings.
    """

    order_no: Str | None = None
    coupon_scheme_nos: NullList[Str] = _coupon_scheme_nos_field()
    license_plate_number: Str | None = None
    entry_time: Str | None = None
    calc_time: Str | None = None
    total_amount_due: Amount = Decimal(0)
    total_amount_paid: Amount = Decimal(0)
    discount_amount: Amount = Decimal(0)
    calc_detail: NullList[CalcDetailItem] = Field(default_factory=list)
    plate_coupon_nos: Annotated[list[PlateCouponRef], BeforeValidator(_coupon_refs)] = Field(
        default_factory=list
    )


# --- notices (section 5) ----------------------------------------------------------------


class ParkingOrderChange(RequestModel):
    """One item of the ModifyParkingOrder notice (only the fields set are sent)."""

    order_no: Str | None = None
    license_plate_number: Str | None = None
    vehicle_type_no: Str | None = None
    parking_card_type_no: Str | None = None
    entry_time: Str | None = None
    remarks: Str | None = None


class VehicleChange(RequestModel):
    """One item of the MonthlyCar (vehicle) notice."""

    no: Str
    license_plate_number: Str | None = None
    parking_spot_number: Str | None = None
    owner_parking_space_count: Int = 1
    owner_name: Str | None = None
    owner_no: Str | None = None
    owner_id_card: Str | None = Field(
        None, validation_alias=_alias("OwnerIDCard", "OwnerIdCard", attr="owner_id_card"),
        serialization_alias="OwnerIDCard", repr=False,
    )
    owner_license: Str | None = Field(None, repr=False)
    owner_address: Str | None = None
    phone_number: Str | None = Field(None, repr=False)
    email: Str | None = Field(None, repr=False)
    start_time: Str | None = None
    end_time: Str | None = None
    stored_vehicle_balance: Amount = Decimal(0)
    vehicle_type_no: Str | None = None
    parking_card_type_no: Str | None = None
    operator_name: Str | None = None
    remarks: Str | None = None
    enable_offline: Int = 0
    is_delete_owner: bool = False


class BlacklistChange(RequestModel):
    """One item of the BlackList notice."""

    no: Str
    license_plate_number: Str | None = None
    owner_name: Str | None = None
    phone_number: Str | None = None
    start_time: Str | None = None
    end_time: Str | None = None
    remarks: Str | None = None
    creation_time: Str | None = None
    operator_name: Str | None = None


class PlateCouponChange(RequestModel):
    """One item of the PlateCoupon notice (Type: CouponType code; Value by type)."""

    no: Str
    coupon_scheme_no: Str | None = None
    type: Str | None = None
    value: Number = Decimal(0)
    start_time: Str | None = None
    end_time: Str | None = None
    order_no: Str | None = None
    license_plate_number: Str | None = None
    business_name: Str | None = None
    creation_time: Str | None = None
    remarks: Str | None = None


class CouponSchemeChange(RequestModel):
    """One item of the CouponScheme notice (``VaildTime`` is the document's spelling)."""

    no: Str
    name: Str | None = None
    type: Str | None = None
    amount: Amount | None = Decimal(0)
    duration: Number = Decimal(0)
    ratio: Number = Decimal(0)
    valid_time: Str | None = _valid_time_field()
    enable: Int = 1
    scene: Int = 2
    creation_time: Str | None = None
    operator_name: Str | None = None


class ParkingOrderNotice(RequestModel):
    """Data of the ModifyParkingOrder notice (NoticeType 0 update, 1 close the order)."""

    notice_type: Int = 0
    items: NullList[ParkingOrderChange] = Field(default_factory=list)


class VehicleNotice(RequestModel):
    """Data of the MonthlyCar notice (NoticeType 0 add or update, 1 delete)."""

    notice_type: Int = 0
    items: NullList[VehicleChange] = Field(default_factory=list)


class BlacklistNotice(RequestModel):
    """Data of the BlackList notice (NoticeType 0 add or update, 1 delete)."""

    notice_type: Int = 0
    items: NullList[BlacklistChange] = Field(default_factory=list)


class PlateCouponNotice(RequestModel):
    """Data of the PlateCoupon notice (NoticeType 0 add or update, 1 delete)."""

    notice_type: Int = 0
    items: NullList[PlateCouponChange] = Field(default_factory=list)


class CouponSchemeNotice(RequestModel):
    """Data of the CouponScheme notice (NoticeType 0 add or update, 1 delete)."""

    notice_type: Int = 0
    items: NullList[CouponSchemeChange] = Field(default_factory=list)


class GateCommand(RequestModel):
    """SetLaneGateStatus Data: Status 0 close, 1 open, 2 toggle keep-open (enums.GateCommand)."""

    lane_no: Str
    status: Int
    operator_name: Str | None = None


class ModifyLaneOrderMoneyRequest(RequestModel):
    """ModifyLaneOrderMoney Data: the new lane fee in **cents** (integer)."""

    order_no: Str | None = None
    lane_no: Str
    money: Int


class CouponNoRef(RequestModel):
    """A coupon number object ``{"No": ...}`` (PaySuccess ``PlateCouponNos``, ``CouponUsageList``)."""

    no: Str


class PaySuccessRequest(RequestModel):
    """PaySuccess Data: a payment taken for an order (amounts in yuan).

    ``PlateCouponNos`` is always sent (``[]`` when no coupon was used); ``Remarks`` is left out
    when ``None``. Coupon numbers may be given as strings.
    """

    order_no: Str
    total_amount_due: Amount
    total_amount_paid: Amount
    discount_amount: Amount = Decimal(0)
    payment_time: Str
    payment_method: Str
    payment_order_no: Str
    remarks: Str | None = None
    plate_coupon_nos: Annotated[list[CouponNoRef], BeforeValidator(_coupon_refs)] = Field(
        default_factory=list
    )


class CreateNoPlateRequest(RequestModel):
    """CreateNoPlate Data: an entry order for a vehicle without a plate (virtual plate)."""

    license_plate_number: Str
    entry_time: Str
    vehicle_type_no: Str | None = None
    parking_card_type_no: Str
    lane_no: Str
    operator_name: Str | None = None
    remarks: Str | None = None


class CreateNoPlateResult(WireModel):
    """CreateNoPlate response Data: the new parking order number."""

    order_no: Str | None = None


class CallbackParam(RequestModel):
    """One row of SetCallbackParams: Index (CallbackInterface), Url, Interval (ms)."""

    index: Int
    url: Str | None = None
    interval: Int = 1000


class CallbackParams(RootModel[list[CallbackParam]]):
    """SetCallbackParams Data: a top-level array."""

    def wire(self) -> list[dict[str, Any]]:
        return [p.wire() for p in self.root]


class CallbackIndexRef(RequestModel):
    """An ``{"Index": n}`` object of RetryCallback ``RefreshTypes``."""

    index: Int


def _index_refs(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [{"Index": v} if isinstance(v, int) else v for v in value]
    return value


class RetryCallbackRequest(RequestModel):
    """RetryCallback Data: time range and callback kinds (empty: all kinds)."""

    start_time: Str | None = None
    end_time: Str | None = None
    refresh_types: Annotated[list[CallbackIndexRef], BeforeValidator(_index_refs)] = Field(
        default_factory=list
    )


# --- callbacks (section 6) --------------------------------------------------------------


class VehicleInCallback(WireModel):
    """OnVehicleIn Data (index 0). ``EntryImageBase64`` is not signed and not in repr."""

    order_no: Str | None = None
    license_plate_number: Str | None = None
    entry_time: Str | None = None
    license_plate_color: Int = 0
    entry_lane_no: Str | None = None
    entry_lane_name: Str | None = None
    entry_operator_name: Str | None = None
    vehicle_type_no: Str | None = None
    vehicle_type_name: Str | None = None
    parking_card_type_no: Str | None = None
    parking_card_type_name: Str | None = None
    reserve_order_no: Str | None = None
    parking_area_no: Str | None = None
    parking_area_name: Str | None = None
    entry_image_url: Str | None = None
    entry_image_base64: Str | None = Field(None, repr=False)


class VehicleOutCallback(WireModel):
    """OnVehicleOut Data (index 1). ``ExitImageBase64`` is not signed and not in repr."""

    order_no: Str | None = None
    license_plate_number: Str | None = None
    exit_time: Str | None = None
    license_plate_color: Int = 0
    exit_lane_no: Str | None = None
    exit_lane_name: Str | None = None
    exit_operator_name: Str | None = None
    vehicle_type_no: Str | None = None
    vehicle_type_name: Str | None = None
    parking_card_type_no: Str | None = None
    parking_card_type_name: Str | None = None
    parking_area_no: Str | None = None
    parking_area_name: Str | None = None
    exit_image_url: Str | None = None
    exit_image_base64: Str | None = Field(None, repr=False)
    total_amount_due: Amount = Decimal(0)
    total_amount_paid: Amount = Decimal(0)
    is_free_pass: bool = False
    free_pass_reason: Str | None = None
    remarks: Str | None = None


class PayResultCallback(WireModel):
    """OnPayResult Data (index 2)."""

    order_no: Str | None = None
    payment_order_no: Str | None = None
    license_plate_number: Str | None = None
    total_amount_due: Amount = Decimal(0)
    total_amount_paid: Amount = Decimal(0)
    discount_amount: Amount = Decimal(0)
    payment_time: Str | None = None
    payment_method: Str | None = None
    pay_scene: Int = 0
    vehicle_type_no: Str | None = None
    vehicle_type_name: Str | None = None
    parking_card_type_no: Str | None = None
    parking_card_type_name: Str | None = None
    remarks: Str | None = None
    parking_duration: Int = 0
    stored_value_deduction: Amount | None = None
    operator_name: Str | None = None
    coupon_usage_list: NullList[CouponNoRef] = Field(default_factory=list)


class SubscribedVehicleCallback(WireModel):
    """OnSubscribedVehicle Data (index 3): a vehicle issued (registered).

    The table's fields and the payment fields the document's example carries.
    """

    license_plate_number: Str | None = None
    owner_no: Str | None = None
    owner_name: Str | None = None
    owner_parking_space_count: Int | None = None
    start_time: Str | None = None
    end_time: Str | None = None
    stored_vehicle_balance: Amount = Decimal(0)
    vehicle_type_no: Str | None = None
    vehicle_type_name: Str | None = None
    parking_card_type_no: Str | None = None
    parking_card_type_name: Str | None = None
    creation_time: Str | None = None
    residential_address: Str | None = None
    phone_number: Str | None = None
    remarks: Str | None = None
    operator_name: Str | None = None
    payment_order_no: Str | None = None
    total_amount_due: Amount | None = None
    total_amount_paid: Amount | None = None
    discount_amount: Amount | None = None
    payment_method: Str | None = None
    payment_time: Str | None = None


class RechargeCallback(WireModel):
    """OnRechargeGracePeriod Data (index 4): a vehicle recharged or extended."""

    license_plate_number: Str | None = None
    payment_order_no: Str | None = None
    total_amount_due: Amount = Decimal(0)
    total_amount_paid: Amount = Decimal(0)
    discount_amount: Amount = Decimal(0)
    payment_method: Str | None = None
    payment_time: Str | None = None
    operator_name: Str | None = None
    start_time: Str | None = None
    end_time: Str | None = None
    stored_vehicle_balance: Amount = Decimal(0)
    vehicle_type_no: Str | None = None
    vehicle_type_name: Str | None = None
    parking_card_type_no: Str | None = None
    parking_card_type_name: Str | None = None


class UnsubscribedVehicleCallback(WireModel):
    """OnUnsubscribedVehicle Data (index 5): a vehicle cancelled."""

    license_plate_number: Str | None = None
    operator_name: Str | None = None
    operation_time: Str | None = None


class AreaSpaces(WireModel):
    """Spaces of one area in OnParkingSpaces."""

    area_no: Str | None = None
    area_name: Str | None = None
    total_spaces: Int = 0
    remaining_spaces: Int = 0


class CardTypeSpaces(WireModel):
    """Occupied spaces of one area and plate type in OnParkingSpaces."""

    area_car_card_type_name: Str | None = None
    area_no: Str | None = None
    use_spaces: Int = 0


class ParkingSpacesCallback(WireModel):
    """OnParkingSpaces Data (index 6, not retried)."""

    total_spaces: Int = 0
    remaining_spaces: Int = 0
    area_spaces: NullList[AreaSpaces] = Field(default_factory=list)
    car_card_type_spaces: NullList[CardTypeSpaces] = Field(default_factory=list)


class GateReleaseCallback(WireModel):
    """OnGateReleaseRecord Data (index 7): an abnormal (manual) gate release.

    ``AbnormalPassType`` is a plain int (the document's example shows 6200, not in the table).
    ``ImageBase64`` is not signed and not in repr.
    """

    no: Str | None = None
    order_no: Str | None = None
    license_plate_number: Str | None = None
    passage_time: Str | None = None
    remarks: Str | None = None
    image_base64: Str | None = Field(None, repr=False)
    in_out_type: Int = 0
    passage_lane_no: Str | None = None
    passage_lane_name: Str | None = None
    operator_name: Str | None = None
    abnormal_pass_type: Int = 0

    @property
    def image_url(self) -> str | None:
        """``ImageUrl``, which servers may add beside ``ImageBase64`` (not in the document's
        table; kept as an extra field)."""
        return _extra_text(self, "ImageUrl", "image_url")


class BlacklistCallback(WireModel):
    """OnBlackList Data (index 8)."""

    license_plate_number: Str | None = None
    owner_name: Str | None = None
    phone_number: Str | None = None
    start_time: Str | None = None
    end_time: Str | None = None
    creation_time: Str | None = None
    operator_name: Str | None = None
    remarks: Str | None = None
    status: Int = 0


class ViolationReservationCallback(WireModel):
    """OnViolationReservation Data (index 9): undocumented, any object is kept as extras.

    A Data that is not an object is kept under ``Value`` (``null`` gives an empty model).
    """

    @model_validator(mode="before")
    @classmethod
    def _any_value(cls, data: Any) -> Any:
        if data is None:
            return {}
        if isinstance(data, dict | BaseModel):
            return data
        return {"Value": data}


class LaneChangeCallback(WireModel):
    """OnLaneChange Data (index 10, not retried): the booth's complete lane list."""

    sentry_host_no: Str | None = None
    lanes: NullList[LaneRecord] = Field(default_factory=list)


__all__ = [
    "CALLBACK_INTERVAL_MAX",
    "CALLBACK_INTERVAL_MIN",
    "SENSITIVE_FIELDS",
    "AliasChoices",
    "Amount",
    "AreaRecord",
    "AreaSpaces",
    "BlacklistCallback",
    "BlacklistChange",
    "BlacklistNotice",
    "BlacklistRecord",
    "BoothRecord",
    "CalcDetailItem",
    "CallbackIndexRef",
    "CallbackParam",
    "CallbackParams",
    "CardTypeSpaces",
    "CouponNoRef",
    "CouponSchemeChange",
    "CouponSchemeNotice",
    "CouponSchemeRecord",
    "CreateNoPlateRequest",
    "CreateNoPlateResult",
    "GateCommand",
    "GateReleaseCallback",
    "GateReleaseRecord",
    "LaneChangeCallback",
    "LaneLinkArea",
    "LaneNoRequest",
    "LaneOrder",
    "LaneRecord",
    "LaneStatus",
    "ModifyLaneOrderMoneyRequest",
    "OrderPrice",
    "OrderPriceRequest",
    "PageQuery",
    "PageResult",
    "ParkingOrderChange",
    "ParkingOrderNotice",
    "ParkingOrderRecord",
    "ParkingSpacesCallback",
    "PayResultCallback",
    "PaySuccessRequest",
    "PaymentDetailRecord",
    "PaymentRecord",
    "PlateCouponChange",
    "PlateCouponNotice",
    "PlateCouponRecord",
    "PlateCouponRef",
    "PlateTypeRecord",
    "QueryCondition",
    "RechargeCallback",
    "RequestModel",
    "ResultEnvelope",
    "RetryCallbackRequest",
    "StopSpace",
    "SubscribedVehicleCallback",
    "UnsubscribedVehicleCallback",
    "VehicleChange",
    "VehicleInCallback",
    "VehicleNotice",
    "VehicleOutCallback",
    "VehicleRecord",
    "VehicleTypeRecord",
    "ViolationReservationCallback",
    "WireModel",
    "amount",
    "format_time",
    "input_keys",
    "parse_time",
    "shortest_decimal",
]
