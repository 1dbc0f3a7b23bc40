"""Pydantic v2 wire models for every request, response and callback Data of sections 4-6.

Conventions:

* attribute names are Pythonic (``license_plate_number``); wire names are the document's
  PascalCase (``LicensePlateNumber``) set as aliases; models accept either on input;
* input is lenient: every documented variant is accepted (``GataStatus``/``GateStatus``,
  ``CouponKey``/``CouponSchemeNos``, amounts as string or number, ``null`` arrays as empty),
  and undocumented extra fields are kept (``model_extra``);
* output is exact: :meth:`WireModel.wire` gives the dict to sign and send, with every
  documented field under its PascalCase name, numeric and boolean fields with explicit values,
  amounts as ``Decimal`` in their shortest form.

THIS FILE IS BEING FILLED IN: the class names below are the contract used by
``endpoints.py``, the client, the simulator and the listener.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import AliasChoices, BaseModel, RootModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_pascal

from booth_console.protocol.jsonutil import shortest_decimal

T = TypeVar("T")


class WireModel(BaseModel):
    """Base of every wire model: PascalCase aliases, lenient input, exact output."""

    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="allow",
        frozen=True,
        arbitrary_types_allowed=True,
    )

    def wire(self) -> dict[str, Any]:
        """The Data dict to sign and send (PascalCase keys, Decimal amounts)."""
        return self.model_dump(by_alias=True, mode="python")


class QueryCondition(WireModel):
    """One condition of a paged query: Field, Operator (QueryOperator) and Value."""

    field: str
    operator: int
    value: str | None = None


class PageQuery(WireModel):
    """Request Data of every ``Query`` route: paging, ordering and conditions."""

    page_index: int = 1
    page_size: int = 20
    order_by: str | None = None
    order_type: int = 0
    query_condition: list[QueryCondition] = Field(default_factory=list)


class PageResult(WireModel, Generic[T]):
    """Response Data of every ``Query`` route."""

    page_index: int = 1
    page_size: int = 20
    total_count: int = 0
    results: list[T] = Field(default_factory=list)

    @field_validator("results", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


def amount(value: Any) -> Decimal:
    """Accept an amount as number or string; keep it as Decimal (used by validators)."""
    if isinstance(value, Decimal):
        return value
    if value is None or value == "":
        return Decimal(0)
    return Decimal(str(value))




# --- stubs: the names are the contract; fields are being filled in ---


class AreaRecord(WireModel):
    """TODO"""


class BoothRecord(WireModel):
    """TODO"""


class LaneLinkArea(WireModel):
    """TODO"""


class LaneRecord(WireModel):
    """TODO"""


class PlateTypeRecord(WireModel):
    """TODO"""


class VehicleTypeRecord(WireModel):
    """TODO"""


class StopSpace(WireModel):
    """TODO"""


class VehicleRecord(WireModel):
    """TODO"""


class BlacklistRecord(WireModel):
    """TODO"""


class ParkingOrderRecord(WireModel):
    """TODO"""


class PaymentRecord(WireModel):
    """TODO"""


class PaymentDetailRecord(WireModel):
    """TODO"""


class GateReleaseRecord(WireModel):
    """TODO"""


class CouponSchemeRecord(WireModel):
    """TODO"""


class PlateCouponRecord(WireModel):
    """TODO"""


class LaneNoRequest(WireModel):
    """TODO"""


class LaneStatus(WireModel):
    """TODO"""


class LaneOrder(WireModel):
    """TODO"""


class OrderPriceRequest(WireModel):
    """TODO"""


class CalcDetailItem(WireModel):
    """TODO"""


class PlateCouponRef(WireModel):
    """TODO"""


class OrderPrice(WireModel):
    """TODO"""


class ParkingOrderChange(WireModel):
    """TODO"""


class VehicleChange(WireModel):
    """TODO"""


class BlacklistChange(WireModel):
    """TODO"""


class PlateCouponChange(WireModel):
    """TODO"""


class CouponSchemeChange(WireModel):
    """TODO"""


class ParkingOrderNotice(WireModel):
    """TODO"""


class VehicleNotice(WireModel):
    """TODO"""


class BlacklistNotice(WireModel):
    """TODO"""


class PlateCouponNotice(WireModel):
    """TODO"""


class CouponSchemeNotice(WireModel):
    """TODO"""


class GateCommand(WireModel):
    """TODO"""


class ModifyLaneOrderMoneyRequest(WireModel):
    """TODO"""


class CouponNoRef(WireModel):
    """TODO"""


class PaySuccessRequest(WireModel):
    """TODO"""


class CreateNoPlateRequest(WireModel):
    """TODO"""


class CreateNoPlateResult(WireModel):
    """TODO"""


class CallbackParam(WireModel):
    """TODO"""


class CallbackParams(RootModel[list[CallbackParam]]):
    """SetCallbackParams Data: a top-level array."""

    def wire(self) -> list[dict[str, Any]]:
        return [p.wire() for p in self.root]


class CallbackIndexRef(WireModel):
    """TODO"""


class RetryCallbackRequest(WireModel):
    """TODO"""


class VehicleInCallback(WireModel):
    """TODO"""


class VehicleOutCallback(WireModel):
    """TODO"""


class PayResultCallback(WireModel):
    """TODO"""


class SubscribedVehicleCallback(WireModel):
    """TODO"""


class RechargeCallback(WireModel):
    """TODO"""


class UnsubscribedVehicleCallback(WireModel):
    """TODO"""


class ParkingSpacesCallback(WireModel):
    """TODO"""


class AreaSpaces(WireModel):
    """TODO"""


class CardTypeSpaces(WireModel):
    """TODO"""


class GateReleaseCallback(WireModel):
    """TODO"""


class BlacklistCallback(WireModel):
    """TODO"""


class ViolationReservationCallback(WireModel):
    """TODO"""


class LaneChangeCallback(WireModel):
    """TODO"""


__all__ = [
    "AliasChoices",
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
    "shortest_decimal",
]
