"""ParkingClient over httpx.MockTransport: every endpoint's method, path, Route, signature and
Data shape as the document shows them, and the mapping of failures to typed errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from booth_console.client import ApiResult, ParkingClient, condition
from booth_console.errors import (
    ApiError,
    ProtocolError,
    ServerTimeout,
    ServerUnreachable,
    TransportError,
)
from booth_console.protocol import models as m
from booth_console.protocol.endpoints import ENDPOINTS
from tests.protocol import reference

SECRET = "client-test-secret"
APP_ID = "xb5glg0hgz40"
PARK_KEY = "1772492942362538"

PAGE_KEYS = {"PageIndex", "PageSize", "OrderBy", "OrderType", "QueryCondition"}

Call = Callable[[ParkingClient], Awaitable[Any]]

# endpoint name -> (how to call it, the Data keys the document's request sends, V2 method, path, Route)
CASES: dict[str, tuple[Call, set[str] | None, str, str, str | None]] = {
    "AreaQuery": (lambda c: c.query_areas(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "Area"),
    "BoothQuery": (lambda c: c.query_booths(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "SentryHost"),
    "LaneQuery": (lambda c: c.query_lanes(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "Lane"),
    "PlateTypeQuery": (lambda c: c.query_plate_types(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "CardType"),
    "PlateColorQuery": (lambda c: c.query_vehicle_types(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "CarType"),
    "BarrierStatusQuery": (lambda c: c.get_lane_status("1"), {"LaneNo"}, "GET", "/Api/V2/OpenApi/GetLaneStatus", None),
    "LaneOrderQuery": (lambda c: c.get_lane_order("2"), {"LaneNo"}, "GET", "/Api/V2/OpenApi/GetLaneOrder", None),
    "VehicleRecordQuery": (lambda c: c.query_vehicles(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "MonthlyCar"),
    "BlacklistQuery": (lambda c: c.query_blacklist(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "BlackList"),
    "ParkingOrderQuery": (lambda c: c.query_parking_orders([condition("LicensePlateNumber", 0, "粤B12345")]),
                          PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "ParkingOrder"),
    "PaymentRecordQuery": (lambda c: c.query_payments(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "PaymentOrder"),
    "PaymentDetailQuery": (lambda c: c.query_payment_details(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query",
                           "PaymentOrderDetail"),
    "GateReleaseQuery": (lambda c: c.query_gate_releases(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "OpenGate"),
    "CouponSchemeQuery": (lambda c: c.query_coupon_schemes(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query",
                          "CouponScheme"),
    "PlateCouponQuery": (lambda c: c.query_plate_coupons(), PAGE_KEYS, "POST", "/Api/V2/OpenApi/Query", "PlateCoupon"),
    "OrderFeeQuery": (lambda c: c.get_order_price("1774695602882864-BCDE11"), {"OrderNo"}, "GET",
                      "/Api/V2/OpenApi/GetOrderPrice", None),
    "ParkingRecordNotify": (
        lambda c: c.notice("ParkingRecordNotify", m.ParkingOrderNotice(
            notice_type=0, items=[m.ParkingOrderChange(order_no="1774695602882864-BCDE11",
                                                       entry_time="2026-03-28 14:01:53", remarks="test")])),
        {"NoticeType", "Items"}, "POST", "/Api/V2/OpenApi/Notice", "ModifyParkingOrder"),
    "VehicleChangeNotify": (
        lambda c: c.notice("VehicleChangeNotify", m.VehicleNotice(notice_type=1, items=[
            m.VehicleChange(no="630000201108254378", license_plate_number="P12345")])),
        {"NoticeType", "Items"}, "POST", "/Api/V2/OpenApi/Notice", "MonthlyCar"),
    "BlacklistChangeNotify": (
        lambda c: c.notice("BlacklistChangeNotify", m.BlacklistNotice(notice_type=0, items=[
            m.BlacklistChange(no="1234567890", license_plate_number="B12345")])),
        {"NoticeType", "Items"}, "POST", "/Api/V2/OpenApi/Notice", "BlackList"),
    "PlateCouponChangeNotify": (
        lambda c: c.notice("PlateCouponChangeNotify", m.PlateCouponNotice(notice_type=0, items=[
            m.PlateCouponChange(no="32000020140129785X", coupon_scheme_no="test", type="101", value=Decimal(10))])),
        {"NoticeType", "Items"}, "POST", "/Api/V2/OpenApi/Notice", "PlateCoupon"),
    "CouponSchemeChangeNotify": (
        lambda c: c.notice("CouponSchemeChangeNotify", m.CouponSchemeNotice(notice_type=0, items=[
            m.CouponSchemeChange(no="710000197308123736", name="test", type="101", amount=Decimal(10))])),
        {"NoticeType", "Items"}, "POST", "/Api/V2/OpenApi/Notice", "CouponScheme"),
    "BarrierStatusNotify": (lambda c: c.set_gate("2", 1, "qq"), {"LaneNo", "Status", "OperatorName"}, "POST",
                            "/Api/V2/OpenApi/SetLaneGateStatus", None),
    "LaneFeeModifyNotify": (lambda c: c.modify_lane_order_money("1774695602882864-BCDE11", "2", 10),
                            {"OrderNo", "LaneNo", "Money"}, "POST", "/Api/V2/OpenApi/ModifyLaneOrderMoney", None),
    "VehiclePaymentNotify": (
        lambda c: c.pay_success(m.PaySuccessRequest(
            order_no="1774695602882864-BCDE11", total_amount_due=Decimal("5.00"), total_amount_paid=Decimal(5),
            discount_amount=Decimal(0), payment_time="2026-03-28 15:57:36", payment_method="79024",
            payment_order_no="521774684656270152")),
        {"OrderNo", "TotalAmountDue", "TotalAmountPaid", "DiscountAmount", "PaymentTime", "PaymentMethod",
         "PaymentOrderNo", "PlateCouponNos"}, "POST", "/Api/V2/OpenApi/PaySuccess", None),
    "NoPlateEntryNotify": (
        lambda c: c.create_no_plate(m.CreateNoPlateRequest(
            license_plate_number="A887755", entry_time="2024-02-27 14:06:46", vehicle_type_no="1708773681734708",
            parking_card_type_no="1708773681731663", lane_no="1", remarks="This is a prominent remark")),
        {"LicensePlateNumber", "EntryTime", "VehicleTypeNo", "ParkingCardTypeNo", "LaneNo", "Remarks"}, "POST",
        "/Api/V2/OpenApi/CreateNoPlate", None),
    "CallbackParamChangeNotify": (
        lambda c: c.set_callback_params([m.CallbackParam(index=4, url="http://192.168.22.247:8080", interval=1000)]),
        None, "POST", "/Api/V2/OpenApi/SetCallbackParams", None),
    "FailedCallbackRetryNotify": (
        lambda c: c.retry_callback("2026-03-28 16:06:28", "2026-03-28 17:06:28", [1]),
        {"StartTime", "EndTime", "RefreshTypes"}, "POST", "/Api/V2/OpenApi/RetryCallback", None),
}

ANSWERS: dict[str, Any] = {
    "BarrierStatusQuery": {"GataStatus": -1, "GateLongOpen": 0, "GSStatus": -1, "IDCameraStatus": 0},
    "LaneOrderQuery": {"OrderNo": "1774546385410449-162YRG", "ChargeMoney": 5.0, "CouponKey": []},
    "OrderFeeQuery": {"OrderNo": "1774695602882864-BCDE11", "LicensePlateNumber": "ABCDE11",
                      "EntryTime": "2026-02-27 08:59:25", "CalcTime": "2026-03-28 11:55:42",
                      "TotalAmountDue": 5.0, "TotalAmountPaid": 5.0, "DiscountAmount": 0.0, "CalcDetail": []},
    "NoPlateEntryNotify": {"OrderNo": "1762358795516805120-A887755"},
}


def test_every_endpoint_has_a_case() -> None:
    assert {e.name for e in ENDPOINTS} == set(CASES)


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> ParkingClient:
    return ParkingClient.for_http("http://parking.test:8888", app_id=APP_ID, app_secret=SECRET, park_key=PARK_KEY,
                                  httpx_transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("name", sorted(CASES))
def test_endpoint_request_shape_and_signature(name: str) -> None:
    call, keys, method, path, route = CASES[name]
    seen: list[dict[str, Any]] = []
    paged = next(e for e in ENDPOINTS if e.name == name).paged

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == method
        assert request.url.path == path
        assert request.url.params.get("Route") == route
        assert request.headers["content-type"].startswith("application/json")
        body = reference.parse(request.content)
        seen.append(body)
        assert set(body) == {"AppId", "ParkKey", "TimeStamp", "Nonce", "Sign", "Data"}
        assert body["AppId"] == APP_ID and body["ParkKey"] == PARK_KEY
        assert len(body["TimeStamp"]) == 13 and body["TimeStamp"].isdigit()
        assert body["Sign"] == reference.sign_body(body, SECRET)
        data: Any = {"PageIndex": 1, "PageSize": 100, "TotalCount": 0, "Results": []} if paged else ANSWERS.get(name)
        return httpx.Response(200, json={"ResultCode": 200, "ResultMsg": "ok", "ResultId": "2037", "Data": data})

    async def scenario() -> Any:
        client = _client(handler)
        try:
            return await call(client)
        finally:
            await client.aclose()

    result = asyncio.run(scenario())
    assert len(seen) == 1
    data = seen[0]["Data"]
    if keys is None:  # SetCallbackParams: a top-level array, as in the document's example
        assert data == [{"Index": 4, "Url": "http://192.168.22.247:8080", "Interval": 1000}]
    else:
        assert set(data) >= keys
        assert set(data) - keys <= {"OperatorName", "Remarks", "LicensePlateNumber", "PlateCouponNo"}
    if name == "VehiclePaymentNotify":
        assert data["PlateCouponNos"] == [] and data["PaymentOrderNo"] == "521774684656270152"
    if name == "LaneOrderQuery":
        assert result.order_no == "1774546385410449-162YRG" and result.charge_money == Decimal("5.0")
    if name == "BarrierStatusQuery":
        assert result.gate_status == -1 and result.gs_status == -1
    if name == "NoPlateEntryNotify":
        assert isinstance(result, ApiResult) and result.data.order_no == "1762358795516805120-A887755"
    if name == "ParkingOrderQuery":
        assert data["QueryCondition"] == [{"Field": "LicensePlateNumber", "Operator": 0, "Value": "粤B12345"}]


def test_amounts_are_sent_in_shortest_form() -> None:
    raw: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        raw.append(request.content)
        return httpx.Response(200, json={"ResultCode": 200, "ResultMsg": "Payment successfully!", "ResultId": "1"})

    async def scenario() -> None:
        client = _client(handler)
        await client.pay_success(m.PaySuccessRequest(
            order_no="O", total_amount_due=Decimal("5.50"), total_amount_paid=Decimal("5.00"),
            discount_amount=Decimal("0.00"), payment_time="2026-03-28 15:57:36", payment_method="79001",
            payment_order_no="P1"))
        await client.aclose()

    asyncio.run(scenario())
    text = raw[0].decode()
    assert '"TotalAmountDue":5.5' in text and '"TotalAmountPaid":5,' in text and '"DiscountAmount":0,' in text


@pytest.mark.parametrize("code", [1001, 1002, 1003, 1004, 1005])
def test_result_codes_raise_api_error(code: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"ResultCode": code, "ResultMsg": "Lane does not exist", "ResultId": 99})

    async def scenario() -> None:
        client = _client(handler)
        try:
            await client.set_gate("9", 1, "qq")
        finally:
            await client.aclose()

    with pytest.raises(ApiError) as info:
        asyncio.run(scenario())
    assert info.value.result_code == code
    assert info.value.result_msg == "Lane does not exist"
    assert info.value.result_id == "99"
    assert "Lane does not exist" in str(info.value) and str(code) in str(info.value)


@pytest.mark.parametrize(
    ("exc", "expected", "sent"),
    [
        (httpx.ConnectError("Connection refused"), ServerUnreachable, False),
        (httpx.ConnectTimeout("connect timed out"), ServerUnreachable, False),
        (httpx.ReadTimeout("read timed out"), ServerTimeout, True),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), TransportError, True),
    ],
)
def test_network_failures_are_typed(exc: Exception, expected: type[Exception], sent: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    async def scenario() -> None:
        client = _client(handler)
        try:
            await client.get_lane_status("1")
        finally:
            await client.aclose()

    with pytest.raises(expected) as info:
        asyncio.run(scenario())
    assert isinstance(info.value, TransportError) and info.value.sent is sent
    assert not isinstance(info.value, ApiError)


@pytest.mark.parametrize("body", [b"<html>500 Internal Server Error</html>", b'{"Data": 1}', b"[]"])
def test_garbage_answers_are_protocol_errors(body: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, content=body)

    async def scenario() -> None:
        client = _client(handler)
        try:
            await client.get_lane_order("2")
        finally:
            await client.aclose()

    with pytest.raises(ProtocolError):
        asyncio.run(scenario())


def test_iter_records_follows_pages() -> None:
    pages: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        data = json.loads(request.content)["Data"]
        pages.append(data["PageIndex"])
        start = (data["PageIndex"] - 1) * data["PageSize"]
        rows = [{"Uid": i + 1, "No": str(i + 1), "AreaName": f"A{i}", "AreaType": 0, "AreaSpaceNum": 1, "PUid": 0,
                 "Level": 0, "CreationTime": "2026-03-18 02:32:14"} for i in range(start, min(start + data["PageSize"], 5))]
        return httpx.Response(200, json={"ResultCode": 200, "ResultMsg": "ok", "ResultId": "1",
                                         "Data": {"PageIndex": data["PageIndex"], "PageSize": data["PageSize"],
                                                  "TotalCount": 5, "Results": rows}})

    async def scenario() -> list[Any]:
        client = _client(handler)
        try:
            return [r async for r in client.iter_records("AreaQuery", page_size=2)]
        finally:
            await client.aclose()

    records = asyncio.run(scenario())
    assert [r.uid for r in records] == [1, 2, 3, 4, 5]
    assert pages == [1, 2, 3]


def test_vehicles_decrypted_on_request() -> None:
    from booth_console.protocol.aes import encrypt_field

    def handler(request: httpx.Request) -> httpx.Response:
        row = {"Uid": 1, "No": "1", "LicensePlateNumber": "P12345", "PhoneNumber": encrypt_field("13800138000"),
               "OwnerIDCard": encrypt_field("110101199003074514"), "Email": "", "OwnerLicense": None,
               "StoredVehicleBalance": 0, "Status": 1, "StopSpaceList": []}
        return httpx.Response(200, json={"ResultCode": 200, "ResultMsg": "ok", "ResultId": "1",
                                         "Data": {"PageIndex": 1, "PageSize": 100, "TotalCount": 1, "Results": [row]}})

    async def scenario() -> Any:
        client = _client(handler)
        try:
            return await client.query_vehicles(decrypt=True)
        finally:
            await client.aclose()

    page = asyncio.run(scenario())
    assert page.results[0].phone_number == "13800138000"
    assert page.results[0].owner_id_card == "110101199003074514"
