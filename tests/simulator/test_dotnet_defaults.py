"""The .NET default-value trap (docs/PROTOCOL.md): absent value-type fields are signed as 0/false.

A .NET server deserialises Data into its typed request model before checking the signature, so
an omitted ``DiscountAmount`` is signed as ``DiscountAmount=0``. The simulator must do the same.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from booth_console.protocol import models as m
from booth_console.protocol.endpoints import by_name
from booth_console.protocol.signing import normalize_data
from booth_console.simulator.dotnet import dotnet_view, shape_of
from tests.simulator.helpers import raw, run, simulator

PAY_PATH = "/Api/V2/OpenApi/PaySuccess"


def _pay_without_discount(order_no: str) -> dict[str, Any]:
    return {"OrderNo": order_no, "TotalAmountDue": 7, "TotalAmountPaid": 7,
            "PaymentTime": "2026-03-28 15:57:36", "PaymentMethod": "79024",
            "PaymentOrderNo": "521774684656270152", "PlateCouponNos": []}


def test_pay_success_without_discount_amount_is_signed_with_its_default() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            await sim.arrive("1", "DN0001")
            await sim.pass_barrier("1")
            sim.advance_clock(61)
            order_no = (await sim.arrive("2", "DN0001"))["OrderNo"]
            data = _pay_without_discount(order_no)
            # Signed over the JSON as sent (no DiscountAmount): the .NET server signs
            # DiscountAmount=0, so the signatures differ.
            answer = await r.call(PAY_PATH, data)
            assert answer["ResultCode"] == 1001, answer

            # Signed with DiscountAmount=0 in the normalised string, sent without the field.
            def drop_discount(env: dict[str, Any]) -> None:
                del env["Data"]["DiscountAmount"]

            answer = await r.call(PAY_PATH, dict(data, DiscountAmount=0), tamper=drop_discount)
            assert answer["ResultCode"] == 200, answer

    run(scenario())


def test_nested_items_and_top_level_arrays_get_defaults() -> None:
    # CouponScheme notice items: Duration, Ratio, Enable, Scene are value types.
    data: dict[str, Any] = {"NoticeType": 0, "Items": [{"No": "CS1", "Name": "2h free", "Type": "1"}]}
    view = dotnet_view(by_name("CouponSchemeChangeNotify").request_model, data)
    assert view["Items"][0] == {"No": "CS1", "Name": "2h free", "Type": "1", "Duration": 0,
                                "Ratio": 0, "Enable": 0, "Scene": 0}
    assert "ValidTime" not in view["Items"][0] and "VaildTime" not in view["Items"][0]
    assert data["Items"][0] == {"No": "CS1", "Name": "2h free", "Type": "1"}  # not modified
    # Booleans are False; PageQuery's paging fields 0; conditions' Operator 0.
    vehicle = dotnet_view(m.VehicleNotice, {"Items": [{"No": "V1"}]})
    assert vehicle["NoticeType"] == 0 and vehicle["Items"][0]["IsDeleteOwner"] is False
    page = dotnet_view(m.PageQuery, {"QueryCondition": [{"Field": "No", "Value": "1"}]})
    assert normalize_data(page) == "OrderType=0&PageIndex=0&PageSize=0&QueryCondition=Field=No&Operator=0&Value=1"
    # SetCallbackParams is a top-level array of rows.
    rows = dotnet_view(m.CallbackParams, [{"Index": 1, "Url": "http://x/y"}])
    assert rows == [{"Index": 1, "Url": "http://x/y", "Interval": 0}]
    # Present fields (any documented spelling, any case) are left alone; strings never added.
    assert dotnet_view(m.PaySuccessRequest, {"discountamount": Decimal("0.50")}) == {
        "discountamount": Decimal("0.50"), "TotalAmountDue": 0, "TotalAmountPaid": 0}
    assert dotnet_view(m.LaneNoRequest, {}) == {}
    assert dotnet_view(None, None) is None


def test_field_list_comes_from_the_models() -> None:
    pay = shape_of(m.PaySuccessRequest)
    assert pay.defaults == {"TotalAmountDue": 0, "TotalAmountPaid": 0, "DiscountAmount": 0}
    assert set(pay.nested) == {"PlateCouponNos"}
    assert shape_of(m.GateCommand).defaults == {"Status": 0}
    assert shape_of(m.ModifyLaneOrderMoneyRequest).defaults == {"Money": 0}


def test_documented_complete_request_still_passes() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            answer = await r.call("/Api/V2/OpenApi/Query?Route=Area",
                                  {"PageIndex": 1, "PageSize": 25, "OrderBy": "Uid",
                                   "OrderType": 0, "QueryCondition": []})
            assert answer["ResultCode"] == 200
            # Without OrderType, signed without it: the .NET server signs OrderType=0.
            answer = await r.call("/Api/V2/OpenApi/Query?Route=Area",
                                  {"PageIndex": 1, "PageSize": 25, "QueryCondition": []})
            assert answer["ResultCode"] == 1001

    run(scenario())
