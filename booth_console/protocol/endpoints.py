"""The endpoint table: one row per V2.0 endpoint with its V3.0 route (section 7.2).

The client, the simulator, the MQTT transport and ``booth-console call`` are all driven by it.
Endpoint names are the V3.0 route values, which are unique (the V2.0 ``Route`` query values
repeat between queries and notifications, e.g. ``MonthlyCar``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from booth_console.protocol import models as m

__all__ = [
    "API_PREFIX",
    "ENDPOINTS",
    "Endpoint",
    "EndpointKind",
    "by_name",
    "by_v2",
    "by_v3_route",
]

API_PREFIX = "/Api/V2/OpenApi/"


class EndpointKind(StrEnum):
    """Query endpoints read data; notification endpoints change it."""

    QUERY = "query"
    NOTICE = "notice"


@dataclass(frozen=True)
class Endpoint:
    """One row of the endpoint table.

    Attributes:
        name: the V3.0 route value, used as the endpoint's name everywhere.
        title: the document's title of the endpoint.
        kind: query or notification.
        method: the V2.0 HTTP method (``GET`` endpoints carry a JSON body).
        action: the last path segment after ``/Api/V2/OpenApi/``.
        route: the V2.0 ``Route`` query parameter, or ``None``.
        request_model: the model of the request Data (``None``: Data is null).
        response_model: the model of the response Data (``None``: no Data).
        paged: a paged ``Query`` route (request ``PageQuery``, answer ``PageResult``).
        record_model: for paged routes, the model of one result row.
    """

    name: str
    title: str
    kind: EndpointKind
    method: str
    action: str
    route: str | None
    request_model: type[Any] | None
    response_model: type[Any] | None
    paged: bool = False
    record_model: type[Any] | None = None

    @property
    def path(self) -> str:
        """The V2.0 path, e.g. ``/Api/V2/OpenApi/Query``."""
        return API_PREFIX + self.action

    @property
    def v3_route(self) -> str:
        """The V3.0 ``Route`` body value (the same as :attr:`name`)."""
        return self.name

    def default_data(self) -> Any:
        """A minimal request Data for ``booth-console call`` when none is given."""
        if self.paged:
            return m.PageQuery(page_index=1, page_size=20, order_by="Uid", order_type=0).wire()
        return None


def _query(name: str, title: str, route: str, record: type[Any]) -> Endpoint:
    return Endpoint(
        name=name, title=title, kind=EndpointKind.QUERY, method="POST", action="Query",
        route=route, request_model=m.PageQuery, response_model=m.PageResult[record],  # type: ignore[valid-type]
        paged=True, record_model=record,
    )


def _notice(name: str, title: str, route: str, request: type[Any]) -> Endpoint:
    return Endpoint(
        name=name, title=title, kind=EndpointKind.NOTICE, method="POST", action="Notice",
        route=route, request_model=request, response_model=None,
    )


ENDPOINTS: tuple[Endpoint, ...] = (
    _query("AreaQuery", "Query Zone Information", "Area", m.AreaRecord),
    _query("BoothQuery", "Query Booth Information", "SentryHost", m.BoothRecord),
    _query("LaneQuery", "Query Lane Information", "Lane", m.LaneRecord),
    _query("PlateTypeQuery", "Query Plate Type Information", "CardType", m.PlateTypeRecord),
    _query("PlateColorQuery", "Query Plate Color Information", "CarType", m.VehicleTypeRecord),
    Endpoint("BarrierStatusQuery", "Query Lane Ground Loop Barrier Status", EndpointKind.QUERY,
             "GET", "GetLaneStatus", None, m.LaneNoRequest, m.LaneStatus),
    Endpoint("LaneOrderQuery", "Query Lane Current Order", EndpointKind.QUERY,
             "GET", "GetLaneOrder", None, m.LaneNoRequest, m.LaneOrder),
    _query("VehicleRecordQuery", "Query Vehicle Record", "MonthlyCar", m.VehicleRecord),
    _query("BlacklistQuery", "Query Blacklist Records", "BlackList", m.BlacklistRecord),
    _query("ParkingOrderQuery", "Query Parking Order Records", "ParkingOrder", m.ParkingOrderRecord),
    _query("PaymentRecordQuery", "Query Payment Records", "PaymentOrder", m.PaymentRecord),
    _query("PaymentDetailQuery", "Query Payment Detail Records", "PaymentOrderDetail",
           m.PaymentDetailRecord),
    _query("GateReleaseQuery", "Query Gate Release Record", "OpenGate", m.GateReleaseRecord),
    _query("CouponSchemeQuery", "Query Coupon Scheme", "CouponScheme", m.CouponSchemeRecord),
    _query("PlateCouponQuery", "Query Plate Coupon Records", "PlateCoupon", m.PlateCouponRecord),
    Endpoint("OrderFeeQuery", "Query Parking Fee for Specified Order", EndpointKind.QUERY,
             "GET", "GetOrderPrice", None, m.OrderPriceRequest, m.OrderPrice),
    _notice("ParkingRecordNotify", "In-Parking Record Change Notification", "ModifyParkingOrder",
            m.ParkingOrderNotice),
    _notice("VehicleChangeNotify", "Notify Vehicle Changes", "MonthlyCar", m.VehicleNotice),
    _notice("BlacklistChangeNotify", "Notify Blacklist Changes", "BlackList", m.BlacklistNotice),
    _notice("PlateCouponChangeNotify", "Notify Plate Coupon Record Changes", "PlateCoupon",
            m.PlateCouponNotice),
    _notice("CouponSchemeChangeNotify", "Notify Coupon Scheme Changes", "CouponScheme",
            m.CouponSchemeNotice),
    Endpoint("BarrierStatusNotify", "Notify Control Lane Barrier Status", EndpointKind.NOTICE,
             "POST", "SetLaneGateStatus", None, m.GateCommand, None),
    Endpoint("LaneFeeModifyNotify", "Notify Lane Popup Order Fee Modification",
             EndpointKind.NOTICE, "POST", "ModifyLaneOrderMoney", None,
             m.ModifyLaneOrderMoneyRequest, None),
    Endpoint("VehiclePaymentNotify", "Notify Vehicle Payment Information", EndpointKind.NOTICE,
             "POST", "PaySuccess", None, m.PaySuccessRequest, None),
    Endpoint("NoPlateEntryNotify", "Create Entry Order for Vehicle Without Plate",
             EndpointKind.NOTICE, "POST", "CreateNoPlate", None, m.CreateNoPlateRequest,
             m.CreateNoPlateResult),
    Endpoint("CallbackParamChangeNotify", "Notify Callback Parameter Changes", EndpointKind.NOTICE,
             "POST", "SetCallbackParams", None, m.CallbackParams, None),
    Endpoint("FailedCallbackRetryNotify", "Notify Failed Callback Business Retry",
             EndpointKind.NOTICE, "POST", "RetryCallback", None, m.RetryCallbackRequest, None),
)

_BY_NAME = {e.name.lower(): e for e in ENDPOINTS}
_BY_V2 = {(e.action.lower(), (e.route or "").lower()): e for e in ENDPOINTS}


def by_name(name: str) -> Endpoint:
    """The endpoint with this V3.0 route name (case-insensitive). Raises ``KeyError``."""
    return _BY_NAME[name.lower()]


def by_v3_route(route: str) -> Endpoint | None:
    """The endpoint for a V3.0 body ``Route`` value, or ``None``."""
    return _BY_NAME.get(route.lower())


def by_v2(action: str, route: str | None) -> Endpoint | None:
    """The endpoint for a V2.0 path action and ``Route`` query value, or ``None``.

    Path and route are matched case-insensitively, as ASP.NET routing does.
    """
    return _BY_V2.get((action.lower(), (route or "").lower()))
