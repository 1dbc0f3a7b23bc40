"""The endpoint table: one row per V2.0 endpoint with its V3.0 route (section 7.2).

The client, the simulator, the MQTT transport and ``booth-console call`` are all driven by it.
Endpoint names are the V3.0 route values, which are unique (the V2.0 ``Route`` query values
repeat between queries and notifications, e.g. ``MonthlyCar``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeAlias, cast

from typing_extensions import TypeVar

from booth_console.protocol import models as m

__all__ = [
    "API_PREFIX",
    "AREAS",
    "BLACKLIST",
    "BLACKLIST_NOTICE",
    "BOOTHS",
    "COUPON_SCHEMES",
    "COUPON_SCHEME_NOTICE",
    "CREATE_NO_PLATE",
    "ENDPOINTS",
    "GATE_RELEASES",
    "LANES",
    "LANE_FEE_MODIFY",
    "LANE_ORDER",
    "LANE_STATUS",
    "ORDER_PRICE",
    "PARKING_ORDERS",
    "PARKING_ORDER_NOTICE",
    "PAYMENTS",
    "PAYMENT_DETAILS",
    "PAY_SUCCESS",
    "PLATE_COUPONS",
    "PLATE_COUPON_NOTICE",
    "PLATE_TYPES",
    "RETRY_CALLBACK",
    "SET_CALLBACK_PARAMS",
    "SET_GATE",
    "VEHICLES",
    "VEHICLE_NOTICE",
    "VEHICLE_TYPES",
    "Endpoint",
    "EndpointKind",
    "QueryEndpoint",
    "by_name",
    "by_v2",
    "by_v3_route",
]

API_PREFIX = "/Api/V2/OpenApi/"


class EndpointKind(StrEnum):
    """Query endpoints read data; notification endpoints change it."""

    QUERY = "query"
    NOTICE = "notice"


# (defaults: a bare ``Endpoint`` annotation, as the transports use, is ``Endpoint[Any, Any]``)
#: The model of an endpoint's request Data.
ReqT = TypeVar("ReqT", default=Any)
#: The model of an endpoint's answer Data (``object`` for notifications without one: whatever
#: JSON the server put there, unvalidated).
RespT = TypeVar("RespT", default=Any)
#: The model of one row of a paged query.
RecT = TypeVar("RecT", bound=m.WireModel)


@dataclass(frozen=True)
class Endpoint(Generic[ReqT, RespT]):
    """One row of the endpoint table, typed by its request and answer models.

    ``Endpoint[m.LaneNoRequest, m.LaneOrder]`` is ``GetLaneOrder``; a paged query is a
    :data:`QueryEndpoint` of its record model. The module's constants (:data:`LANE_ORDER`,
    :data:`LANES`, ...) carry those types, so that :class:`~booth_console.client.ParkingClient`
    returns the answer's model; :func:`by_name` finds a row by its name, untyped.

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
    request_model: type[ReqT] | None
    response_model: type[RespT] | None
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


#: A paged ``Query`` route whose answer is a page of ``RecT`` records.
QueryEndpoint: TypeAlias = Endpoint[m.PageQuery, m.PageResult[RecT]]


def _query(name: str, title: str, route: str, record: type[RecT]) -> QueryEndpoint[RecT]:
    # PageResult[record] is a pydantic model made at run time (the validator of its rows)
    page_model = cast("type[m.PageResult[RecT]]", cast(Any, m.PageResult)[record])
    return Endpoint(
        name=name, title=title, kind=EndpointKind.QUERY, method="POST", action="Query",
        route=route, request_model=m.PageQuery, response_model=page_model,
        paged=True, record_model=record,
    )


def _notice(name: str, title: str, route: str, request: type[ReqT]) -> Endpoint[ReqT, object]:
    return Endpoint(
        name=name, title=title, kind=EndpointKind.NOTICE, method="POST", action="Notice",
        route=route, request_model=request, response_model=None,
    )


def _endpoint(name: str, title: str, kind: EndpointKind, method: str, action: str,
              request: type[ReqT], response: type[RespT]) -> Endpoint[ReqT, RespT]:
    return Endpoint(name, title, kind, method, action, None, request, response)


def _command(name: str, title: str, action: str, request: type[ReqT]) -> Endpoint[ReqT, object]:
    """A notification outside the ``Notice`` action: no answer model."""
    return Endpoint(name, title, EndpointKind.NOTICE, "POST", action, None, request, None)


AREAS = _query("AreaQuery", "Query Zone Information", "Area", m.AreaRecord)
BOOTHS = _query("BoothQuery", "Query Booth Information", "SentryHost", m.BoothRecord)
LANES = _query("LaneQuery", "Query Lane Information", "Lane", m.LaneRecord)
PLATE_TYPES = _query("PlateTypeQuery", "Query Plate Type Information", "CardType", m.PlateTypeRecord)
VEHICLE_TYPES = _query("PlateColorQuery", "Query Plate Color Information", "CarType",
                       m.VehicleTypeRecord)
LANE_STATUS = _endpoint("BarrierStatusQuery", "Query Lane Ground Loop Barrier Status",
                        EndpointKind.QUERY, "GET", "GetLaneStatus", m.LaneNoRequest, m.LaneStatus)
LANE_ORDER = _endpoint("LaneOrderQuery", "Query Lane Current Order", EndpointKind.QUERY,
                       "GET", "GetLaneOrder", m.LaneNoRequest, m.LaneOrder)
VEHICLES = _query("VehicleRecordQuery", "Query Vehicle Record", "MonthlyCar", m.VehicleRecord)
BLACKLIST = _query("BlacklistQuery", "Query Blacklist Records", "BlackList", m.BlacklistRecord)
PARKING_ORDERS = _query("ParkingOrderQuery", "Query Parking Order Records", "ParkingOrder",
                        m.ParkingOrderRecord)
PAYMENTS = _query("PaymentRecordQuery", "Query Payment Records", "PaymentOrder", m.PaymentRecord)
PAYMENT_DETAILS = _query("PaymentDetailQuery", "Query Payment Detail Records", "PaymentOrderDetail",
                         m.PaymentDetailRecord)
GATE_RELEASES = _query("GateReleaseQuery", "Query Gate Release Record", "OpenGate",
                       m.GateReleaseRecord)
COUPON_SCHEMES = _query("CouponSchemeQuery", "Query Coupon Scheme", "CouponScheme",
                        m.CouponSchemeRecord)
PLATE_COUPONS = _query("PlateCouponQuery", "Query Plate Coupon Records", "PlateCoupon",
                       m.PlateCouponRecord)
ORDER_PRICE = _endpoint("OrderFeeQuery", "Query Parking Fee for Specified Order", EndpointKind.QUERY,
                        "GET", "GetOrderPrice", m.OrderPriceRequest, m.OrderPrice)
PARKING_ORDER_NOTICE = _notice("ParkingRecordNotify", "In-Parking Record Change Notification",
                               "ModifyParkingOrder", m.ParkingOrderNotice)
VEHICLE_NOTICE = _notice("VehicleChangeNotify", "Notify Vehicle Changes", "MonthlyCar",
                         m.VehicleNotice)
BLACKLIST_NOTICE = _notice("BlacklistChangeNotify", "Notify Blacklist Changes", "BlackList",
                           m.BlacklistNotice)
PLATE_COUPON_NOTICE = _notice("PlateCouponChangeNotify", "Notify Plate Coupon Record Changes",
                              "PlateCoupon", m.PlateCouponNotice)
COUPON_SCHEME_NOTICE = _notice("CouponSchemeChangeNotify", "Notify Coupon Scheme Changes",
                               "CouponScheme", m.CouponSchemeNotice)
SET_GATE = _command("BarrierStatusNotify", "Notify Control Lane Barrier Status", "SetLaneGateStatus",
                    m.GateCommand)
LANE_FEE_MODIFY = _command("LaneFeeModifyNotify", "Notify Lane Popup Order Fee Modification",
                           "ModifyLaneOrderMoney", m.ModifyLaneOrderMoneyRequest)
PAY_SUCCESS = _command("VehiclePaymentNotify", "Notify Vehicle Payment Information", "PaySuccess",
                       m.PaySuccessRequest)
CREATE_NO_PLATE = _endpoint("NoPlateEntryNotify", "Create Entry Order for Vehicle Without Plate",
                            EndpointKind.NOTICE, "POST", "CreateNoPlate", m.CreateNoPlateRequest,
                            m.CreateNoPlateResult)
SET_CALLBACK_PARAMS = _command("CallbackParamChangeNotify", "Notify Callback Parameter Changes",
                               "SetCallbackParams", m.CallbackParams)
RETRY_CALLBACK = _command("FailedCallbackRetryNotify", "Notify Failed Callback Business Retry",
                          "RetryCallback", m.RetryCallbackRequest)


#: Every endpoint, in the document's order.
ENDPOINTS: tuple[Endpoint[Any, Any], ...] = (
    AREAS, BOOTHS, LANES, PLATE_TYPES, VEHICLE_TYPES, LANE_STATUS, LANE_ORDER, VEHICLES, BLACKLIST,
    PARKING_ORDERS, PAYMENTS, PAYMENT_DETAILS, GATE_RELEASES, COUPON_SCHEMES, PLATE_COUPONS,
    ORDER_PRICE, PARKING_ORDER_NOTICE, VEHICLE_NOTICE, BLACKLIST_NOTICE, PLATE_COUPON_NOTICE,
    COUPON_SCHEME_NOTICE, SET_GATE, LANE_FEE_MODIFY, PAY_SUCCESS, CREATE_NO_PLATE,
    SET_CALLBACK_PARAMS, RETRY_CALLBACK,
)

_BY_NAME = {e.name.lower(): e for e in ENDPOINTS}
_BY_V2 = {(e.action.lower(), (e.route or "").lower()): e for e in ENDPOINTS}


def by_name(name: str) -> Endpoint[Any, Any]:
    """The endpoint with this V3.0 route name (case-insensitive). Raises ``KeyError``."""
    return _BY_NAME[name.lower()]


def by_v3_route(route: str) -> Endpoint[Any, Any] | None:
    """The endpoint for a V3.0 body ``Route`` value, or ``None``."""
    return _BY_NAME.get(route.lower())


def by_v2(action: str, route: str | None) -> Endpoint[Any, Any] | None:
    """The endpoint for a V2.0 path action and ``Route`` query value, or ``None``.

    Path and route are matched case-insensitively, as ASP.NET routing does.
    """
    return _BY_V2.get((action.lower(), (route or "").lower()))
