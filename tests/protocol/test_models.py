"""The wire models against every JSON example of sections 4-6 of the interface document."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from booth_console.protocol import aes, signing
from booth_console.protocol import enums as e
from booth_console.protocol import models as m
from booth_console.protocol.callbacks import CALLBACK_KINDS, kind_by_path
from booth_console.protocol.endpoints import ENDPOINTS, Endpoint, by_v2
from booth_console.protocol.jsonutil import dumps, loads
from booth_console.protocol.timefmt import MIN_TIME, format_time, parse_time
from tests.protocol import doc_examples as doc

EXAMPLES = doc.examples()


def _ids(examples: list[doc.DocExample]) -> list[str]:
    return [x.ident for x in examples]


def _of(kind: str) -> list[doc.DocExample]:
    return [x for x in EXAMPLES if x.kind == kind]


def _endpoint(example: doc.DocExample) -> Endpoint:
    assert example.action is not None
    endpoint = by_v2(example.action, example.route)
    assert endpoint is not None, f"no endpoint for {example.action} {example.route}"
    return endpoint


def _find(action: str, route: str | None, kind: str) -> doc.DocExample:
    doc.require_document()
    for x in EXAMPLES:
        if x.action == action and x.route == route and x.kind == kind:
            return x
    raise AssertionError(f"example {action} {route} {kind} not found")


def _callback(name: str) -> doc.DocExample:
    doc.require_document()
    return next(x for x in EXAMPLES if x.callback == name and x.kind == "callback")


def _extras(obj: Any, path: str = "") -> list[str]:
    """Undeclared keys anywhere in a parsed model (fields of the examples must be declared)."""
    found: list[str] = []
    if isinstance(obj, pydantic.BaseModel):
        found += [f"{path}.{k}" for k in (obj.model_extra or {})]
        for name in type(obj).model_fields:
            found += _extras(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            found += _extras(item, f"{path}[{i}]")
    return found


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | Decimal) and isinstance(b, int | Decimal):
        return Decimal(a) == Decimal(b)
    return type(a) is type(b) and a == b


def _assert_covers(wire: Any, example: Any, path: str = "Data") -> None:
    """Every key of the example is in the wire output under the same name with the same value."""
    if isinstance(example, dict):
        assert isinstance(wire, dict), path
        for key, value in example.items():
            assert key in wire, f"{path}.{key} missing from the output"
            _assert_covers(wire[key], value, f"{path}.{key}")
    elif isinstance(example, list):
        assert isinstance(wire, list) and len(wire) == len(example), path
        for i, (w, x) in enumerate(zip(wire, example, strict=True)):
            _assert_covers(w, x, f"{path}[{i}]")
    else:
        assert _same(wire, example), f"{path}: {wire!r} != {example!r}"


def _added_keys_are_value_types(wire: Any, example: Any, path: str = "Data") -> None:
    """Keys the output adds to a request example must be numbers, booleans or lists."""
    if isinstance(example, dict) and isinstance(wire, dict):
        for key, value in wire.items():
            if key not in example:
                assert isinstance(value, int | Decimal | bool | list), (
                    f"{path}.{key} = {value!r} added to the request"
                )
            else:
                _added_keys_are_value_types(value, example[key], f"{path}.{key}")
    elif isinstance(example, list) and isinstance(wire, list):
        for i, (w, x) in enumerate(zip(wire, example, strict=True)):
            _added_keys_are_value_types(w, x, f"{path}[{i}]")


def _canon(obj: Any) -> str:
    """JSON text with keys sorted and numbers as literals (what signing and the wire see)."""
    def sort(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: sort(value[k]) for k in sorted(value)}
        if isinstance(value, list):
            return [sort(v) for v in value]
        return value

    return dumps(sort(obj))


# --- the extractor finds everything -----------------------------------------------------


def test_document_examples_found() -> None:
    doc.require_document()
    counts = {(s, k): 0 for s in (4, 5, 6) for k in ("request", "response", "callback", "ack")}
    for x in EXAMPLES:
        counts[(x.section, x.kind)] += 1
    assert counts[(4, "request")] == counts[(4, "response")] == 16
    assert counts[(5, "request")] == counts[(5, "response")] == 11
    assert counts[(6, "callback")] == counts[(6, "ack")] == 10
    # every endpoint of the table has its request and response example
    names = {_endpoint(x).name for x in EXAMPLES if x.section in (4, 5)}
    assert names == {ep.name for ep in ENDPOINTS}
    # every callback kind except the undocumented violation reservation has an example
    assert {x.callback for x in _of("callback")} == {
        k.name for k in CALLBACK_KINDS if k.name != "OnViolationReservation"
    }


# --- requests ---------------------------------------------------------------------------


@pytest.mark.parametrize("example", _of("request"), ids=_ids(_of("request")))
def test_request_example_parses_and_round_trips(example: doc.DocExample) -> None:
    endpoint = _endpoint(example)
    assert endpoint.request_model is not None
    model = endpoint.request_model.model_validate(example.data)
    assert _extras(model) == []
    wire = model.wire()
    _assert_covers(wire, example.data)
    _added_keys_are_value_types(wire, example.data)


def _request(action: str, route: str | None = None) -> Any:
    return _find(action, route, "request").data


def _with(data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**data, **extra}


def test_page_query_built_from_python_matches_every_query_example() -> None:
    query = m.PageQuery(page_index=1, page_size=20, order_by="Uid", order_type=0)
    paged = [x for x in _of("request") if x.action == "Query"]
    assert len(paged) == 13
    for x in paged:
        assert _canon(query.wire()) == _canon(x.data), x.ident


def test_mqtt_area_query_md5() -> None:
    doc.require_document()
    found = doc.mqtt_signing_example()
    assert found is not None
    data, md5 = found
    assert md5 == "0a78297be1cf12b1faf9efa8b74f1c5e"
    query = m.PageQuery(page_index=1, page_size=25, order_by="Uid", order_type=0)
    assert query.wire() == data
    assert signing.data_md5(query.wire()) == md5
    assert signing.data_md5(m.PageQuery.model_validate(data).wire()) == md5


def test_mqtt_area_query_response() -> None:
    doc.require_document()
    body = doc.mqtt_response_example()
    assert body is not None
    envelope = m.ResultEnvelope.model_validate(body)
    assert envelope.ok and envelope.result_id is None
    page = m.PageResult[m.AreaRecord].model_validate(envelope.data)
    assert page.page_size == 25 and [a.p_uid for a in page.results] == [0, 1]
    assert page.results[1].area_type == e.AreaType.INNER
    assert _extras(page) == []


@given(st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False))
def test_amounts_round_trip_in_shortest_form(value: Decimal) -> None:
    request = m.PaySuccessRequest(
        order_no="O", total_amount_due=value, total_amount_paid=str(value),
        payment_time="2026-03-28 15:57:36", payment_method="79001", payment_order_no="P",
    )
    text = request.wire_json()
    parsed = loads(text)
    assert parsed["TotalAmountDue"] == value and parsed["TotalAmountPaid"] == value
    literal = text.split('"TotalAmountDue":', 1)[1].split(",", 1)[0]
    if value == value.to_integral_value():
        assert literal == str(int(value))
    else:
        assert literal == format(value.normalize(), "f") and not literal.endswith("0")
    assert m.PaySuccessRequest.model_validate(parsed).total_amount_due == value


def test_lane_requests_built_from_python() -> None:
    assert _canon(m.LaneNoRequest(lane_no="1").wire()) == _canon(_request("GetLaneStatus"))
    assert _canon(m.LaneNoRequest(lane_no="2").wire()) == _canon(_request("GetLaneOrder"))
    price = m.OrderPriceRequest(order_no="1774695602882864-BCDE11")
    assert _canon(price.wire()) == _canon(_request("GetOrderPrice"))
    full = m.OrderPriceRequest(order_no="O1", license_plate_number="A1", plate_coupon_no="C1")
    assert full.wire() == {"OrderNo": "O1", "LicensePlateNumber": "A1", "PlateCouponNo": "C1"}


def test_parking_order_notice_built_from_python() -> None:
    notice = m.ParkingOrderNotice(notice_type=e.NoticeType.UPDATE, items=[
        m.ParkingOrderChange(order_no="1774695602882864-BCDE11",
                             entry_time="2026-03-28 14:01:53", remarks="test"),
    ])
    assert _canon(notice.wire()) == _canon(_request("Notice", "ModifyParkingOrder"))


def test_vehicle_notice_built_from_python() -> None:
    notice = m.VehicleNotice(notice_type=0, items=[m.VehicleChange(
        no="630000201108254378", license_plate_number="P12345", parking_spot_number="56",
        owner_parking_space_count=2, owner_name="ces", owner_no="410000199701311192",
        owner_id_card="", owner_license="test", owner_address="", phone_number="", email="",
        start_time="2024-02-27 11:04:31", end_time="2026-12-27 11:04:31",
        stored_vehicle_balance=Decimal("0.00"), vehicle_type_no="1772492942395203",
        parking_card_type_no="1772492942389944", operator_name="", remarks="",
        enable_offline=1, is_delete_owner=False,
    )])
    assert _canon(notice.wire()) == _canon(_request("Notice", "MonthlyCar"))


def test_blacklist_notice_built_from_python() -> None:
    notice = m.BlacklistNotice(notice_type=0, items=[m.BlacklistChange(
        no="1234567890", license_plate_number="B12345", owner_name="", phone_number="",
        start_time="2026-01-28 14:39:10", end_time="2026-03-28 14:39:10", remarks="",
        creation_time="2026-03-28 14:39:10", operator_name="",
    )])
    assert _canon(notice.wire()) == _canon(_request("Notice", "BlackList"))


def test_plate_coupon_notice_built_from_python() -> None:
    notice = m.PlateCouponNotice(notice_type=0, items=[m.PlateCouponChange(
        no="32000020140129785X", coupon_scheme_no="test", type=e.CouponType.AMOUNT, value=10,
        start_time="2026-03-28 14:42:35", end_time="2026-03-28 14:42:35",
        order_no="1668010507727935-B12345", license_plate_number="B12345",
        business_name="test", creation_time="2026-03-28 14:42:35", remarks="test",
    )])
    assert _canon(notice.wire()) == _canon(_request("Notice", "PlateCoupon"))


def test_coupon_scheme_notice_sends_explicit_numbers() -> None:
    notice = m.CouponSchemeNotice(notice_type=0, items=[m.CouponSchemeChange(
        no="710000197308123736", name="test", type="101", amount=Decimal("10.00"),
        valid_time="2026-03-28 14:45:09", enable=1, scene=e.CouponScene.EXIT_ONLY,
        creation_time="2026-03-28 14:45:09",
    )])
    expected = _request("Notice", "CouponScheme")
    item = _with(expected["Items"][0], Duration=0, Ratio=0)
    assert _canon(notice.wire()) == _canon({**expected, "Items": [item]})
    assert "VaildTime" in notice.wire()["Items"][0]


def test_gate_command_built_from_python() -> None:
    command = m.GateCommand(lane_no="2", status=e.GateCommand.OPEN)
    assert _canon(command.wire()) == _canon(_request("SetLaneGateStatus"))
    with_operator = m.GateCommand(lane_no="2", status=0, operator_name="qq").wire()
    assert with_operator == {"LaneNo": "2", "Status": 0, "OperatorName": "qq"}


def test_modify_lane_order_money_built_from_python() -> None:
    request = m.ModifyLaneOrderMoneyRequest(order_no="1774695602882864-BCDE11", lane_no="2",
                                            money=10)
    assert _canon(request.wire()) == _canon(_request("ModifyLaneOrderMoney"))
    assert type(request.wire()["Money"]) is int


def test_pay_success_built_from_python() -> None:
    request = m.PaySuccessRequest(
        order_no="1774695602882864-BCDE11", total_amount_due=Decimal("5.00"),
        total_amount_paid="5", discount_amount=0, payment_time="2026-03-28 15:57:36",
        payment_method=e.PaymentMethod.ETC, payment_order_no="521774684656270152",
    )
    expected = _with(_request("PaySuccess"), PlateCouponNos=[])
    assert _canon(request.wire()) == _canon(expected)
    text = dumps(request.wire())
    assert '"TotalAmountDue":5,' in text and '"PaymentMethod":"79024"' in text
    assert "Remarks" not in text
    with_coupons = m.PaySuccessRequest.model_validate(
        {**expected, "PlateCouponNos": ["C1", {"No": "C2"}], "Remarks": "r"}
    ).wire()
    assert with_coupons["PlateCouponNos"] == [{"No": "C1"}, {"No": "C2"}]
    assert with_coupons["Remarks"] == "r"


def test_create_no_plate_built_from_python() -> None:
    request = m.CreateNoPlateRequest(
        license_plate_number="A887755", entry_time="2024-02-27 14:06:46",
        vehicle_type_no="1708773681734708", parking_card_type_no="1708773681731663",
        lane_no="1", remarks="This is a prominent remark",
    )
    assert _canon(request.wire()) == _canon(_request("CreateNoPlate"))


def test_callback_params_built_from_python() -> None:
    params = m.CallbackParams([m.CallbackParam(index=e.CallbackInterface.RECHARGE_GRACE_PERIOD,
                                               url="http://192.168.22.247:8080", interval=1000)])
    expected = _request("SetCallbackParams")
    assert isinstance(expected, list)
    assert _canon(params.wire()) == _canon(expected)
    assert m.CallbackParams.model_validate(expected).root[0].index == 4
    # a switched-off kind: no Url, Interval still explicit
    assert m.CallbackParam(index=6).wire() == {"Index": 6, "Interval": 1000}


def test_retry_callback_built_from_python() -> None:
    request = m.RetryCallbackRequest(start_time="2026-03-28 16:06:28",
                                     end_time="2026-03-28 17:06:28",
                                     refresh_types=[m.CallbackIndexRef(index=1)])
    assert _canon(request.wire()) == _canon(_request("RetryCallback"))
    assert m.RetryCallbackRequest(start_time="a", end_time="b", refresh_types=[0, 1]).wire()[
        "RefreshTypes"] == [{"Index": 0}, {"Index": 1}]
    assert m.RetryCallbackRequest(start_time="a", end_time="b").wire()["RefreshTypes"] == []


def test_request_numbers_and_booleans_are_always_sent() -> None:
    # a .NET server signs the defaults of value-type fields a body leaves out
    vehicle = m.VehicleChange(no="1").wire()
    assert vehicle["OwnerParkingSpaceCount"] == 1
    assert vehicle["StoredVehicleBalance"] == 0
    assert vehicle["EnableOffline"] == 0
    assert vehicle["IsDeleteOwner"] is False
    coupon = m.PlateCouponChange(no="1").wire()
    assert coupon["Value"] == 0
    scheme = m.CouponSchemeChange(no="1").wire()
    assert {"Amount", "Duration", "Ratio", "Enable", "Scene"} <= scheme.keys()
    assert m.PageQuery().wire() == {"PageIndex": 1, "PageSize": 20, "OrderType": 0,
                                    "QueryCondition": []}


def test_query_conditions() -> None:
    query = m.PageQuery(page_size=100, order_by="Uid", query_condition=[
        m.QueryCondition(field="LaneNo", operator=e.QueryOperator.EQUAL, value="1"),
        m.QueryCondition(field="OrderStatus", operator=e.QueryOperator.IN, value=200),
        m.QueryCondition(field="Remarks", operator=e.QueryOperator.IS_NULL_OR_EMPTY),
    ])
    assert query.wire()["QueryCondition"] == [
        {"Field": "LaneNo", "Operator": 0, "Value": "1"},
        {"Field": "OrderStatus", "Operator": 6, "Value": "200"},
        {"Field": "Remarks", "Operator": 11},
    ]
    assert type(query.wire()["QueryCondition"][0]["Operator"]) is int


# --- responses --------------------------------------------------------------------------


@pytest.mark.parametrize("example", _of("response"), ids=_ids(_of("response")))
def test_response_example_parses(example: doc.DocExample) -> None:
    endpoint = _endpoint(example)
    envelope = m.ResultEnvelope.model_validate(example.body)
    assert envelope.result_code == 200 and envelope.ok
    assert envelope.result_msg
    assert envelope.result_id and envelope.result_id.isdigit()
    if endpoint.response_model is None:
        assert example.data is None
        return
    model = endpoint.response_model.model_validate(example.data)
    assert _extras(model) == []
    _assert_covers(model.wire(), example.data)


def _response(action: str, route: str | None = None) -> Any:
    example = _find(action, route, "response")
    model = _endpoint(example).response_model
    assert model is not None
    return model.model_validate(example.data)


def test_area_response_values() -> None:
    page = _response("Query", "Area")
    assert page.total_count == 1
    area = page.results[0]
    assert isinstance(area, m.AreaRecord)
    assert (area.no, area.area_space_num, area.p_uid, area.level) == ("1772492942540835", 500, 0, 0)
    assert area.wire()["PUid"] == 0 and "PUid" in area.wire()


def test_booth_response_values() -> None:
    booth = _response("Query", "SentryHost").results[0]
    assert booth.ip == "192.168.22.23" and booth.bs_port == 7702 and booth.tcp_port is None
    assert booth.longitude is None
    assert {"IP", "BSPort", "TcpPort"} <= booth.wire().keys()


def test_lane_response_values() -> None:
    entry, exit_ = _response("Query", "Lane").results
    assert entry.is_entry and not entry.is_exit and entry.is_charge == 0
    assert exit_.is_exit and exit_.is_charge == 1 and exit_.open_gate_and_voice == 1
    assert exit_.lane_link_areas[0].area_no == "1772492942540835"
    assert exit_.lane_duty_mode is None and exit_.same_in_out_lane_no is None


def test_plate_type_response_values() -> None:
    page = _response("Query", "CardType")
    assert page.total_count == 18 and len(page.results) == 18
    first = page.results[0]
    assert first.category == "3652" and first.is_monthly and not first.is_temporary
    assert page.results[1].is_more_car is True
    assert [r.is_free for r in page.results].count(True) == 1
    assert page.results[-1].is_prepaid


def test_vehicle_type_response_values() -> None:
    page = _response("Query", "CarType")
    assert [r.vehicle_type_name for r in page.results][:2] == ["Blue Plate Vehicle",
                                                               "Yellow Plate Vehicle"]


def test_lane_status_response_values() -> None:
    status = _response("GetLaneStatus")
    assert isinstance(status, m.LaneStatus)
    assert (status.gate_status, status.gate_long_open, status.gs_status,
            status.id_camera_status) == (-1, 0, -1, 0)
    assert not status.vehicle_on_loop
    assert list(status.wire()) == ["GataStatus", "GateLongOpen", "GSStatus", "IDCameraStatus"]


def test_lane_order_response_values() -> None:
    order = _response("GetLaneOrder")
    assert order.order_no == "1774546385410449-162YRG"
    assert order.charge_money == Decimal(5) and isinstance(order.charge_money, Decimal)
    assert order.coupon_scheme_nos == []
    assert order.wire()["ChargeMoney"] == Decimal(5) and str(order.wire()["ChargeMoney"]) == "5"


def test_vehicle_record_response_values() -> None:
    vehicle = _response("Query", "MonthlyCar").results[0]
    assert vehicle.license_plate_number == "DASH1" and vehicle.status == 1
    assert vehicle.is_delete_owner is False and vehicle.status_text == "Normal"
    assert vehicle.stop_space_list[0].area_no_list() == ["0"]
    assert vehicle.stored_vehicle_balance == 0
    assert vehicle.decrypted().owner_id_card == ""


def test_parking_order_response_values() -> None:
    order = _response("Query", "ParkingOrder").results[0]
    assert order.exit_time == MIN_TIME and not order.has_exited
    assert order.order_status == e.OrderStatus.ENTERED
    assert order.is_free_pass is False and order.total_amount_due == 0


def test_payment_responses_values() -> None:
    payment = _response("Query", "PaymentOrder").results[0]
    assert payment.order_type == e.OrderType.MONTHLY_RECHARGE
    assert payment.payment_method == e.PaymentMethod.OFFLINE_CASH
    assert payment.payment_status == e.PaymentStatus.SUCCESS and payment.before_end_time is None
    detail = _response("Query", "PaymentOrderDetail").results[0]
    assert detail.payment_order_no == "MC1774322212074210" and detail.time_count == 0
    assert detail.order_detail_no is None and detail.stored_value_deduction == 0


def test_gate_release_and_coupon_responses_values() -> None:
    release = _response("Query", "OpenGate").results[0]
    assert release.gate_switch_type == e.ManualGateOperationType.MANUAL_OPEN
    assert release.order_no is None and release.passage_image_url.startswith("http://")
    scheme = _response("Query", "CouponScheme").results[0]
    assert scheme.type == e.CouponType.RATIO and scheme.valid_time is None
    assert scheme.enable is None and scheme.scene == e.CouponScene.EXIT_AND_IN_FIELD
    assert "VaildTime" in scheme.wire()
    coupon = _response("Query", "PlateCoupon").results[0]
    assert coupon.coupon_scheme_no == "1774060298299594" and coupon.business_name is None


def test_order_price_response_values() -> None:
    price = _response("GetOrderPrice")
    assert isinstance(price, m.OrderPrice)
    assert price.license_plate_number == "ABCDE11"
    assert price.total_amount_due == Decimal(5) and price.discount_amount == 0
    detail = price.calc_detail[0]
    assert detail.stay_minutes == 41936 and detail.calc_amount == 5
    assert detail.discount_amount is None and detail.is_over_time == 0
    assert price.plate_coupon_nos == [m.PlateCouponRef(no="CF1774698341290726", name="0.00% off")]
    assert price.coupon_scheme_nos == []


def test_create_no_plate_response_values() -> None:
    result = _response("CreateNoPlate")
    assert result == m.CreateNoPlateResult(order_no="1762358795516805120-A887755")


# --- callbacks --------------------------------------------------------------------------


@pytest.mark.parametrize("example", _of("callback"), ids=_ids(_of("callback")))
def test_callback_example_parses(example: doc.DocExample) -> None:
    assert example.callback is not None
    kind = kind_by_path(f"/API/V2/{example.callback}")
    assert kind is not None
    model = kind.model.model_validate(example.data)
    assert _extras(model) == []
    _assert_covers(model.wire(), example.data)
    # the parsed envelope still verifies as the document's example shape (no secret here:
    # only check the Data normalises without error)
    signing.normalize_data(model.wire())


@pytest.mark.parametrize("example", _of("ack"), ids=_ids(_of("ack")))
def test_callback_ack_example_parses(example: doc.DocExample) -> None:
    ack = m.ResultEnvelope.model_validate(example.body)
    assert ack.ok and ack.result_msg == "Operation successful"


def test_first_ack_has_numeric_result_id() -> None:
    ack = next(x for x in _of("ack") if x.callback == "OnVehicleIn")
    assert isinstance(ack.body["ResultId"], int)
    assert m.ResultEnvelope.model_validate(ack.body).result_id == "500303426998439"


def _parsed_callback(name: str) -> Any:
    example = _callback(name)
    kind = kind_by_path(f"/API/V2/{name}")
    assert kind is not None
    return kind.model.model_validate(example.data)


def test_callback_values() -> None:
    entry = _parsed_callback("OnVehicleIn")
    assert entry.license_plate_color == e.LicensePlateColor.BLUE
    assert entry.entry_image_base64 == "" and entry.reserve_order_no is None
    exit_ = _parsed_callback("OnVehicleOut")
    assert exit_.total_amount_paid == 5 and exit_.is_free_pass is False
    pay = _parsed_callback("OnPayResult")
    assert pay.parking_duration == 6 and pay.pay_scene == e.PaymentScenario.OTHER
    assert pay.payment_order_no == "PO1774718907646185" and pay.coupon_usage_list == []
    issued = _parsed_callback("OnSubscribedVehicle")
    assert issued.payment_order_no == "MC1774721023079330" and issued.total_amount_paid == 0
    assert issued.owner_parking_space_count is None
    cancelled = _parsed_callback("OnUnsubscribedVehicle")
    assert cancelled.operation_time == "2026-03-28 18:07:11"
    recharge = _parsed_callback("OnRechargeGracePeriod")
    assert recharge.total_amount_due == 20 and recharge.end_time == "2027-05-01 23:59:59"
    release = _parsed_callback("OnGateReleaseRecord")
    assert release.abnormal_pass_type == 6200 and release.image_base64 is None
    assert e.label(e.AbnormalPassageType, release.abnormal_pass_type) == "6200"
    spaces = _parsed_callback("OnParkingSpaces")
    assert spaces.remaining_spaces == 499 and spaces.area_spaces[0].total_spaces == 500
    assert spaces.car_card_type_spaces[0].use_spaces == 1
    blacklist = _parsed_callback("OnBlackList")
    assert blacklist.status == e.BlacklistStatus.DISABLED
    lanes = _parsed_callback("OnLaneChange")
    assert lanes.sentry_host_no == "1772492942363478"
    assert [lane.is_exit for lane in lanes.lanes] == [False, True]


def test_violation_reservation_accepts_any_object() -> None:
    model = m.ViolationReservationCallback.model_validate({"Anything": 1, "Nested": {"A": [1]}})
    assert model.model_extra == {"Anything": 1, "Nested": {"A": [1]}}
    assert model.wire() == {"Anything": 1, "Nested": {"A": [1]}}


def test_violation_reservation_accepts_non_objects() -> None:
    assert m.ViolationReservationCallback.model_validate([1, 2]).wire() == {"Value": [1, 2]}
    assert m.ViolationReservationCallback.model_validate(None).wire() == {}


def test_image_base64_is_not_in_repr() -> None:
    image = "QUFBQUFBQUFBQUFB" * 100
    for model in (m.VehicleInCallback(entry_image_base64=image),
                  m.VehicleOutCallback(exit_image_base64=image),
                  m.GateReleaseCallback(image_base64=image)):
        assert image not in repr(model) and image not in str(model)
        assert image in model.wire().values()


# --- lenient input ----------------------------------------------------------------------


def test_gate_status_spellings() -> None:
    assert m.LaneStatus.model_validate({"GataStatus": 1}).gate_status == 1
    assert m.LaneStatus.model_validate({"GateStatus": 1}).gate_status == 1
    assert m.LaneStatus(gate_status=0).wire()["GataStatus"] == 0
    assert m.LaneStatus.model_validate({"GsStatus": 1, "IdCameraStatus": 1}).vehicle_on_loop


def test_coupon_key_spellings() -> None:
    for key in ("CouponKey", "CouponSchemeNos"):
        order = m.LaneOrder.model_validate({"OrderNo": "O", "ChargeMoney": 1, key: ["A", "B"]})
        assert order.coupon_scheme_nos == ["A", "B"]
        price = m.OrderPrice.model_validate({"OrderNo": "O", key: ["A"]})
        assert price.coupon_scheme_nos == ["A"]
    assert m.LaneOrder(order_no="O", coupon_scheme_nos=["A"]).wire()["CouponKey"] == ["A"]


def test_amounts_as_strings_and_numbers() -> None:
    raw = loads(b'{"TotalAmountDue": "5.50", "TotalAmountPaid": 5.00, "DiscountAmount": 0.50,'
                b' "CalcDetail": [{"CalcAmount": "3", "DiscountAmount": "0.5"}]}')
    price = m.OrderPrice.model_validate(raw)
    assert price.total_amount_due == Decimal("5.50")
    assert str(price.total_amount_paid) == "5.00"
    assert price.calc_detail[0].discount_amount == Decimal("0.5")
    wire = price.wire()
    assert dumps(wire["TotalAmountDue"]) == "5.5" and dumps(wire["TotalAmountPaid"]) == "5"
    assert m.LaneOrder.model_validate({"ChargeMoney": 7}).charge_money == 7
    with pytest.raises(pydantic.ValidationError):
        m.LaneOrder.model_validate({"ChargeMoney": "abc"})
    with pytest.raises(pydantic.ValidationError):
        m.LaneOrder.model_validate({"ChargeMoney": "NaN"})


def test_null_arrays_are_empty() -> None:
    assert m.PageResult[m.AreaRecord].model_validate({"Results": None}).results == []
    assert m.LaneOrder.model_validate({"CouponKey": None}).coupon_scheme_nos == []
    price = m.OrderPrice.model_validate({"CalcDetail": None, "PlateCouponNos": None,
                                         "CouponSchemeNos": None})
    assert price.calc_detail == [] and price.plate_coupon_nos == []
    assert m.LaneRecord.model_validate({"No": "1", "LaneLinkAreas": None}).lane_link_areas == []
    assert m.VehicleRecord.model_validate({"StopSpaceList": None}).stop_space_list == []
    spaces = m.ParkingSpacesCallback.model_validate({"AreaSpaces": None, "CarCardTypeSpaces": None})
    assert spaces.area_spaces == [] and spaces.car_card_type_spaces == []
    assert m.PageQuery.model_validate({"QueryCondition": None}).query_condition == []
    assert m.PayResultCallback.model_validate({"CouponUsageList": None}).coupon_usage_list == []


def test_null_value_fields_take_their_defaults() -> None:
    order = m.ParkingOrderRecord.model_validate({
        "OrderNo": "O", "IsFreePass": None, "TotalAmountDue": None, "OrderStatus": None,
        "IsVehicleLocked": None, "ExitTime": None,
    })
    assert order.is_free_pass is False and order.total_amount_due == 0
    assert order.order_status == 0 and order.exit_time is None
    status = m.LaneStatus.model_validate({"GataStatus": None, "GSStatus": None})
    assert status.gate_status == -1 and status.gs_status == -1
    lane = m.LaneRecord.model_validate({"No": "1", "IsCharge": None, "IsBackCar": None})
    assert lane.is_charge == 0 and lane.is_back_car is None
    # required request fields stay required
    with pytest.raises(pydantic.ValidationError):
        m.ModifyLaneOrderMoneyRequest.model_validate({"LaneNo": "1", "Money": None})


def test_wire_json_writes_amount_literals() -> None:
    request = m.PaySuccessRequest(
        order_no="O", total_amount_due="5.50", total_amount_paid=Decimal("5.00"),
        payment_time="2026-03-28 15:57:36", payment_method="79001", payment_order_no="P",
    )
    assert request.wire_json() == (
        '{"OrderNo":"O","TotalAmountDue":5.5,"TotalAmountPaid":5,"DiscountAmount":0,'
        '"PaymentTime":"2026-03-28 15:57:36","PaymentMethod":"79001","PaymentOrderNo":"P",'
        '"PlateCouponNos":[]}'
    )


def test_plate_coupon_nos_as_strings_or_objects() -> None:
    price = m.OrderPrice.model_validate({"PlateCouponNos": ["C1", {"No": "C2", "Name": "n"}]})
    assert [c.no for c in price.plate_coupon_nos] == ["C1", "C2"]
    assert price.plate_coupon_nos[1].name == "n"


def test_numbers_where_strings_are_documented() -> None:
    # OrderPrice.LicensePlateNumber is typed number in the table, string in the example
    assert m.OrderPrice.model_validate({"LicensePlateNumber": 123456}).license_plate_number == (
        "123456"
    )
    assert m.PlateTypeRecord.model_validate({"Category": 3652}).category == "3652"
    assert m.PaymentRecord.model_validate({"PaymentMethod": 79001}).payment_method == "79001"
    assert m.ResultEnvelope.model_validate({"ResultCode": "200", "ResultId": None}).result_id is None
    assert m.LaneStatus.model_validate({"GataStatus": "1"}).gate_status == 1


def test_extra_fields_are_kept() -> None:
    lane = m.LaneRecord.model_validate({"No": "1", "NewField": "x", "Nested": {"A": 1}})
    assert lane.model_extra == {"NewField": "x", "Nested": {"A": 1}}
    assert lane.wire()["NewField"] == "x"


def test_snake_case_names_accepted() -> None:
    status = m.LaneStatus.model_validate({"gate_status": 1, "gs_status": 1, "id_camera_status": 1})
    assert (status.gate_status, status.gs_status, status.id_camera_status) == (1, 1, 1)
    record = m.VehicleRecord.model_validate({"owner_id_card": "x", "license_plate_number": "A"})
    assert record.owner_id_card == "x" and record.wire()["OwnerIDCard"] == "x"
    assert m.BoothRecord(ip="1.2.3.4", bs_port=1).wire()["IP"] == "1.2.3.4"
    assert m.AreaRecord.model_validate({"PUid": 3}).p_uid == 3
    assert m.CouponSchemeRecord.model_validate({"ValidTime": "t"}).valid_time == "t"


def test_models_are_frozen() -> None:
    status = m.LaneStatus(gate_status=1)
    with pytest.raises(pydantic.ValidationError):
        status.gate_status = 0  # type: ignore[misc]


def test_exit_time_min_value_kept_as_string() -> None:
    order = m.ParkingOrderRecord.model_validate({"ExitTime": "0001-01-01 00:00:00"})
    assert order.exit_time == "0001-01-01 00:00:00" and not order.has_exited
    assert parse_time(order.exit_time) is None
    assert m.ParkingOrderRecord.model_validate({"ExitTime": "2026-03-28 11:00:00"}).has_exited


# --- sensitive fields -------------------------------------------------------------------


def test_vehicle_record_decrypted() -> None:
    record = m.VehicleRecord.model_validate({
        "No": "1", "OwnerIDCard": aes.encrypt_field("110101199001011234"),
        "OwnerLicense": aes.encrypt_field("L-1"), "PhoneNumber": aes.encrypt_field("13800000000"),
        "Email": "", "OwnerName": "Zhang",
    })
    clear = record.decrypted()
    assert clear.owner_id_card == "110101199001011234"
    assert clear.owner_license == "L-1" and clear.phone_number == "13800000000"
    assert clear.email == "" and clear.owner_name == "Zhang"
    assert record.owner_id_card != clear.owner_id_card  # the original is unchanged
    assert "110101199001011234" not in repr(clear) and "13800000000" not in repr(clear)


def test_vehicle_record_undecryptable_names_the_field() -> None:
    record = m.VehicleRecord.model_validate({"No": "1", "PhoneNumber": "not base64!"})
    with pytest.raises(aes.SensitiveFieldError, match="PhoneNumber"):
        record.decrypted()


# --- contract with the other tables -----------------------------------------------------


def test_every_model_of_the_tables_has_fields() -> None:
    models: list[Any] = []
    for endpoint in ENDPOINTS:
        models += [endpoint.request_model, endpoint.response_model, endpoint.record_model]
    models += [k.model for k in CALLBACK_KINDS]
    for model in filter(None, models):
        if model in (m.ViolationReservationCallback, m.CallbackParams):
            continue
        assert model.model_fields, model


def test_amount_helper() -> None:
    assert m.amount("5.50") == Decimal("5.50")
    assert m.amount(None) == 0 and m.amount("") == 0
    assert m.amount(5) == 5 and m.amount(Decimal("1.0")) == Decimal("1.0")
    with pytest.raises(ValueError):
        m.amount("x")
    with pytest.raises(ValueError):
        m.amount(True)


def test_time_helpers() -> None:
    dt = parse_time("2026-03-28 15:57:36")
    assert dt is not None and (dt.year, dt.hour, dt.second) == (2026, 15, 36)
    assert format_time(dt) == "2026-03-28 15:57:36"
    assert parse_time("2026-03-28 15:57:36:123") is not None
    assert parse_time("2026-03-28") is not None
    assert parse_time(None) is None and parse_time("") is None and parse_time(MIN_TIME) is None
    assert format_time(None) is None
    with pytest.raises(ValueError):
        parse_time("28/03/2026")
    assert m.parse_time is parse_time and m.format_time is format_time
