"""``ParkingClient``: one typed async method per endpoint of the LAN interface.

The client signs every request (:mod:`booth_console.protocol.signing`), sends it through a
:class:`~booth_console.transport.base.Transport` (HTTP V2.0 or MQTT V3.0), validates the answer
into the endpoint's response model and raises :class:`~booth_console.errors.ApiError` when the
ResultCode is not 200. Network failures surface as
:class:`~booth_console.errors.TransportError` subclasses.

Every method is typed by its endpoint (:class:`~booth_console.protocol.endpoints.Endpoint` is
generic over its request and answer models): :meth:`ParkingClient.get_lane_order` returns a
:class:`~booth_console.protocol.models.LaneOrder`, :meth:`ParkingClient.query_lanes` a
``PageResult[LaneRecord]``, and :meth:`ParkingClient.call` with a typed endpoint constant an
``ApiResult`` of that endpoint's answer model. Only :meth:`ParkingClient.call_raw` gives the
envelope as a plain dict.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

from pydantic import BaseModel, ValidationError

from booth_console.errors import ApiError, ProtocolError
from booth_console.protocol import endpoints as ep_
from booth_console.protocol import models as m
from booth_console.protocol.endpoints import Endpoint, QueryEndpoint, by_name
from booth_console.protocol.signing import sign_envelope
from booth_console.transport.base import Transport

if TYPE_CHECKING:
    from booth_console.config import Config

__all__ = ["ApiResult", "ParkingClient", "condition"]

log = logging.getLogger("booth_console.client")

DataT = TypeVar("DataT", covariant=True)
ReqT = TypeVar("ReqT")
RecT = TypeVar("RecT", bound=m.WireModel)


@dataclass(frozen=True)
class ApiResult(Generic[DataT]):
    """A definite answer of the parking software, generic over its Data model.

    Attributes:
        result_code: ResultCode (200 on success).
        result_msg: ResultMsg as the server wrote it.
        result_id: ResultId, to quote to the vendor.
        data: the validated response model; ``None`` when the answer had no Data. For endpoints
            without a response model (most notifications) it is the Data as parsed JSON
            (``ApiResult[object]``).
        elapsed_ms: round-trip time.
    """

    result_code: int
    result_msg: str
    result_id: str | None
    data: DataT | None
    elapsed_ms: float

    @property
    def ok(self) -> bool:
        """ResultCode is 200."""
        return self.result_code == 200


def condition(field: str, operator: int, value: object = None) -> m.QueryCondition:
    """A query condition; ``value`` is sent as text (lists become ``X, Y, Z``)."""
    if isinstance(value, list | tuple):
        text: str | None = ", ".join(str(v) for v in value)
    else:
        text = None if value is None else str(value)
    return m.QueryCondition(field=field, operator=int(operator), value=text)


def _data_of(data: Any) -> Any:
    if isinstance(data, m.CallbackParams):
        return data.wire()
    if isinstance(data, m.WireModel):
        return data.wire()
    if isinstance(data, BaseModel):
        return data.model_dump(by_alias=True)
    return data


class ParkingClient:
    """Typed async access to every endpoint of the endpoint table.

    Args:
        transport: HTTP or MQTT transport.
        app_id: AppId configured in the parking software.
        app_secret: AppSecret (only used to sign; never logged).
        park_key: ParkKey of the lot.
    """

    def __init__(self, transport: Transport, *, app_id: str, app_secret: str, park_key: str) -> None:
        self.transport = transport
        self.app_id = app_id
        self.park_key = park_key
        self._app_secret = app_secret

    def __repr__(self) -> str:
        return f"<ParkingClient app_id={self.app_id!r} park_key={self.park_key!r} via {self.transport!r}>"

    @classmethod
    def for_http(
        cls, base_url: str, *, app_id: str, app_secret: str, park_key: str, timeout: float = 5.0,
        httpx_transport: Any = None,
    ) -> ParkingClient:
        """A client over HTTP V2.0."""
        from booth_console.transport.http import HttpTransport

        transport = HttpTransport(base_url, timeout=timeout, transport=httpx_transport)
        return cls(transport, app_id=app_id, app_secret=app_secret, park_key=park_key)

    @classmethod
    def from_config(cls, cfg: Config, *, threaded: bool = False) -> ParkingClient:
        """A client over the transport chosen by ``[server] transport``.

        ``threaded``: HTTP requests run on a loop in a thread of their own
        (:class:`~booth_console.transport.threaded.ThreadedTransport`), not on the caller's
        loop - the console's, so that polling costs the Qt thread almost nothing. (MQTT has
        paho's network thread already.)
        """
        s = cfg.server
        if s.transport == "mqtt":
            from booth_console.transport.mqtt import MqttTransport

            transport: Transport = MqttTransport(cfg.mqtt, app_id=s.app_id, park_key=s.park_key)
            return cls(transport, app_id=s.app_id, app_secret=s.app_secret, park_key=s.park_key)
        if threaded:
            from booth_console.transport.http import HttpTransport
            from booth_console.transport.threaded import ThreadedTransport

            base_url, timeout = s.base_url, s.timeout
            # 8 connections: with answers slowed to 1 s, 8 lanes' polls queued for 4 of them
            # and a lane went 4 s without an answer (bench/stress.py); with a fast server the
            # CPU per poll is the same (the httpx work is on the link thread)
            transport = ThreadedTransport(
                lambda: HttpTransport(base_url, timeout=timeout, max_connections=8),
                deadline=timeout + 1.0)
            return cls(transport, app_id=s.app_id, app_secret=s.app_secret, park_key=s.park_key)
        return cls.for_http(
            s.base_url, app_id=s.app_id, app_secret=s.app_secret, park_key=s.park_key, timeout=s.timeout
        )

    async def aclose(self) -> None:
        """Close the transport."""
        await self.transport.aclose()

    async def __aenter__(self) -> ParkingClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- generic -------------------------------------------------------------------------

    def sign(self, data: object) -> dict[str, Any]:
        """A signed envelope around ``data`` (a model or plain JSON value)."""
        return sign_envelope(
            app_id=self.app_id, park_key=self.park_key, app_secret=self._app_secret, data=_data_of(data)
        )

    async def call_raw(self, endpoint: Endpoint[Any, Any] | str, data: object = None) -> dict[str, Any]:
        """Send a request and return the whole answer envelope, whatever its ResultCode."""
        ep = by_name(endpoint) if isinstance(endpoint, str) else endpoint
        envelope = self.sign(data)
        started = time.perf_counter()
        answer = await self.transport.send(ep, envelope)
        log.debug(
            "%s -> %s %s (%.0f ms)", ep.name, answer.get("ResultCode"), answer.get("ResultId"),
            (time.perf_counter() - started) * 1000,
        )
        return answer

    @overload
    async def call(self, endpoint: Endpoint[ReqT, DataT], data: ReqT | None = None) -> ApiResult[DataT]: ...

    @overload
    async def call(self, endpoint: str, data: object = None) -> ApiResult[object]: ...

    async def call(self, endpoint: Endpoint[Any, Any] | str, data: object = None) -> ApiResult[object]:
        """Send a request; return the validated answer or raise :class:`ApiError`.

        With an endpoint constant (``endpoints.LANE_ORDER``) the result is typed by the
        endpoint's answer model; with a name, the model is only known when the answer comes.
        """
        ep = by_name(endpoint) if isinstance(endpoint, str) else endpoint
        started = time.perf_counter()
        answer = await self.call_raw(ep, data)
        elapsed = (time.perf_counter() - started) * 1000
        try:
            code = int(answer.get("ResultCode"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ProtocolError(f"{ep.name}: ResultCode is not a number", sent=True) from None
        msg = answer.get("ResultMsg")
        msg_text = "" if msg is None else str(msg)
        rid = answer.get("ResultId")
        rid_text = None if rid is None else str(rid)
        if code != 200:
            raise ApiError(code, msg_text, rid_text)
        payload = answer.get("Data")
        model: object = payload
        response_model = cast("type[BaseModel] | None", ep.response_model)
        if response_model is not None and payload is not None:
            try:
                model = response_model.model_validate(payload)
            except ValidationError as exc:
                raise ProtocolError(
                    f"{ep.name}: the answer's Data does not match the document: "
                    f"{exc.errors()[0].get('loc')} {exc.errors()[0].get('msg')}",
                    sent=True,
                ) from None
        return ApiResult(code, msg_text, rid_text, model, elapsed)

    # -- queries -------------------------------------------------------------------------

    @overload
    async def query(self, endpoint: QueryEndpoint[RecT], page: m.PageQuery | None = None) -> m.PageResult[RecT]: ...

    @overload
    async def query(self, endpoint: str, page: m.PageQuery | None = None) -> m.PageResult[m.WireModel]: ...

    async def query(
        self, endpoint: QueryEndpoint[Any] | str, page: m.PageQuery | None = None
    ) -> m.PageResult[m.WireModel]:
        """One page of a paged ``Query`` route (``PageResult`` of the route's records).

        With an endpoint constant (``endpoints.LANES``) the records are typed; with a name they
        are the route's record model, known as a ``WireModel`` only.
        """
        ep: Endpoint[Any, Any] = by_name(endpoint) if isinstance(endpoint, str) else endpoint
        if not ep.paged or ep.response_model is None:
            raise ValueError(f"{ep.name} is not a paged query")
        result = await self.call(ep, page or m.PageQuery(page_index=1, page_size=20, order_by="Uid"))
        page_model: type[m.PageResult[Any]] = ep.response_model
        return result.data if result.data is not None else page_model.model_validate({})

    @overload
    def iter_records(
        self, endpoint: QueryEndpoint[RecT], conditions: Iterable[m.QueryCondition] = (), *,
        page_size: int = 100, order_by: str | None = "Uid", order_type: int = 0,
        limit: int | None = None,
    ) -> AsyncIterator[RecT]: ...

    @overload
    def iter_records(
        self, endpoint: str, conditions: Iterable[m.QueryCondition] = (), *,
        page_size: int = 100, order_by: str | None = "Uid", order_type: int = 0,
        limit: int | None = None,
    ) -> AsyncIterator[m.WireModel]: ...

    async def iter_records(
        self,
        endpoint: QueryEndpoint[Any] | str,
        conditions: Iterable[m.QueryCondition] = (),
        *,
        page_size: int = 100,
        order_by: str | None = "Uid",
        order_type: int = 0,
        limit: int | None = None,
    ) -> AsyncIterator[m.WireModel]:
        """Every record of a paged route, page after page (stops at TotalCount or ``limit``)."""
        conds = list(conditions)
        index = 1
        seen = 0
        while True:
            page = await self.query(
                endpoint,
                m.PageQuery(page_index=index, page_size=page_size, order_by=order_by,
                            order_type=order_type, query_condition=conds),
            )
            for record in page.results:
                yield record
                seen += 1
                if limit is not None and seen >= limit:
                    return
            if not page.results or index * page_size >= page.total_count:
                return
            index += 1

    @overload
    async def page(
        self, endpoint: QueryEndpoint[RecT], conditions: Sequence[m.QueryCondition] = (), *,
        page_index: int = 1, page_size: int = 100, order_by: str | None = "Uid", order_type: int = 0,
    ) -> m.PageResult[RecT]: ...

    @overload
    async def page(
        self, endpoint: str, conditions: Sequence[m.QueryCondition] = (), *,
        page_index: int = 1, page_size: int = 100, order_by: str | None = "Uid", order_type: int = 0,
    ) -> m.PageResult[m.WireModel]: ...

    async def page(
        self,
        endpoint: QueryEndpoint[Any] | str,
        conditions: Sequence[m.QueryCondition] = (),
        *,
        page_index: int = 1,
        page_size: int = 100,
        order_by: str | None = "Uid",
        order_type: int = 0,
    ) -> m.PageResult[m.WireModel]:
        """One page of a paged route with these conditions and this order."""
        return await self.query(
            endpoint,
            m.PageQuery(page_index=page_index, page_size=page_size, order_by=order_by,
                        order_type=order_type, query_condition=list(conditions)),
        )

    async def query_areas(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.AreaRecord]:
        """Areas (zones) with their free spaces. ``paging``: as :meth:`page`."""
        return await self.page(ep_.AREAS, conditions, **paging)

    async def query_booths(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.BoothRecord]:
        """Booths (sentry hosts). ``paging``: as :meth:`page`."""
        return await self.page(ep_.BOOTHS, conditions, **paging)

    async def query_lanes(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.LaneRecord]:
        """Lanes with their areas and entry/exit mode. ``paging``: as :meth:`page`."""
        return await self.page(ep_.LANES, conditions, **paging)

    async def query_plate_types(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.PlateTypeRecord]:
        """Plate types (``CardType``). ``paging``: as :meth:`page`."""
        return await self.page(ep_.PLATE_TYPES, conditions, **paging)

    async def query_vehicle_types(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.VehicleTypeRecord]:
        """Vehicle types (``CarType``, plate colours). ``paging``: as :meth:`page`."""
        return await self.page(ep_.VEHICLE_TYPES, conditions, **paging)

    async def query_vehicles(self, conditions: Sequence[m.QueryCondition] = (), *, decrypt: bool = False,
                             **paging: Any) -> m.PageResult[m.VehicleRecord]:
        """Registered (monthly, prepaid, ...) vehicles; ``decrypt`` decrypts the sensitive fields."""
        page = await self.page(ep_.VEHICLES, conditions, **paging)
        if decrypt:
            page = page.model_copy(update={"results": [r.decrypted() for r in page.results]})
        return page

    async def query_blacklist(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.BlacklistRecord]:
        """Blacklist records. ``paging``: as :meth:`page`."""
        return await self.page(ep_.BLACKLIST, conditions, **paging)

    async def query_parking_orders(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.ParkingOrderRecord]:
        """Parking orders (in park and exited). ``paging``: as :meth:`page`."""
        return await self.page(ep_.PARKING_ORDERS, conditions, **paging)

    async def query_payments(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.PaymentRecord]:
        """Payment records. ``paging``: as :meth:`page`."""
        return await self.page(ep_.PAYMENTS, conditions, **paging)

    async def query_payment_details(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.PaymentDetailRecord]:
        """Payment detail records. ``paging``: as :meth:`page`."""
        return await self.page(ep_.PAYMENT_DETAILS, conditions, **paging)

    async def query_gate_releases(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.GateReleaseRecord]:
        """Gate release (manual open/close) records. ``paging``: as :meth:`page`."""
        return await self.page(ep_.GATE_RELEASES, conditions, **paging)

    async def query_coupon_schemes(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.CouponSchemeRecord]:
        """Coupon schemes. ``paging``: as :meth:`page`."""
        return await self.page(ep_.COUPON_SCHEMES, conditions, **paging)

    async def query_plate_coupons(
        self, conditions: Sequence[m.QueryCondition] = (), **paging: Any
    ) -> m.PageResult[m.PlateCouponRecord]:
        """Coupons issued to plates. ``paging``: as :meth:`page`."""
        return await self.page(ep_.PLATE_COUPONS, conditions, **paging)

    async def get_lane_status(self, lane_no: str) -> m.LaneStatus | None:
        """Gate, keep-open, ground loop and camera status of a lane (``LaneStatus``).

        ``None``: the server answered without Data, so the lane's state is unknown (the model's
        defaults would say the camera is offline).
        """
        result = await self.call(ep_.LANE_STATUS, m.LaneNoRequest(lane_no=lane_no))
        return result.data

    async def get_lane_order(self, lane_no: str) -> m.LaneOrder:
        """The order waiting at a lane (``LaneOrder``; OrderNo is null for an exit without entry,
        and an answer without Data is an empty order: no OrderNo, nothing to pay)."""
        result = await self.call(ep_.LANE_ORDER, m.LaneNoRequest(lane_no=lane_no))
        return result.data if result.data is not None else m.LaneOrder()

    async def get_order_price(
        self, order_no: str, plate: str | None = None, plate_coupon_no: str | None = None
    ) -> m.OrderPrice:
        """The fee of an order now, with its breakdown (``OrderPrice``; an answer without Data
        is an empty breakdown: nothing due, no lines, no coupons)."""
        result = await self.call(
            ep_.ORDER_PRICE,
            m.OrderPriceRequest(order_no=order_no, license_plate_number=plate, plate_coupon_no=plate_coupon_no),
        )
        return result.data if result.data is not None else m.OrderPrice()

    # -- notifications -------------------------------------------------------------------

    async def notice(self, endpoint: Endpoint[Any, object] | str, notice: m.RequestModel) -> ApiResult[object]:
        """Send one of the five ``Notice`` routes (a ``*Notice`` model)."""
        return await self.call(endpoint, notice)

    async def set_gate(self, lane_no: str, status: int, operator_name: str | None) -> ApiResult[object]:
        """Close (0), open (1) or toggle keep-open (2) the barrier of a lane."""
        return await self.call(
            ep_.SET_GATE,
            m.GateCommand(lane_no=lane_no, status=int(status), operator_name=operator_name),
        )

    async def modify_lane_order_money(
        self, order_no: str, lane_no: str, money_cents: int
    ) -> ApiResult[object]:
        """Lower the fee of the order waiting at a lane to ``money_cents`` (cents)."""
        return await self.call(
            ep_.LANE_FEE_MODIFY,
            m.ModifyLaneOrderMoneyRequest(order_no=order_no, lane_no=lane_no, money=int(money_cents)),
        )

    async def pay_success(self, request: m.PaySuccessRequest) -> ApiResult[object]:
        """Tell the parking software an order was paid (it opens the exit gate)."""
        return await self.call(ep_.PAY_SUCCESS, request)

    async def create_no_plate(self, request: m.CreateNoPlateRequest) -> ApiResult[m.CreateNoPlateResult]:
        """Create an entry order for a vehicle without a plate (``.data`` has the OrderNo)."""
        return await self.call(ep_.CREATE_NO_PLATE, request)

    async def set_callback_params(self, params: Sequence[m.CallbackParam]) -> ApiResult[object]:
        """Replace the parking software's whole callback table."""
        return await self.call(ep_.SET_CALLBACK_PARAMS, m.CallbackParams(list(params)))

    async def retry_callback(self, start: str, end: str, indexes: Sequence[int] = ()) -> ApiResult[object]:
        """Ask the parking software to re-push failed callbacks of a time range."""
        return await self.call(
            ep_.RETRY_CALLBACK,
            m.RetryCallbackRequest(
                start_time=start, end_time=end,
                refresh_types=[m.CallbackIndexRef(index=i) for i in indexes],
            ),
        )
