"""Vehicle life cycle against the simulator, through ParkingClient over loopback HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from booth_console.errors import ApiError
from booth_console.protocol import models as m
from booth_console.protocol.aes import decrypt_field
from booth_console.simulator.dotnet import dotnet_view
from booth_console.simulator.engine import SimError
from tests.simulator.helpers import Raw, raw, run, sim_and_client, simulator

TEMP_A = "1772492942389506"
BLUE = "1772492942395203"


async def _orders(r: Raw, plate: str) -> list[dict[str, Any]]:
    a = await r.query("ParkingOrder", [{"Field": "LicensePlateNumber", "Operator": 0,
                                        "Value": plate}], OrderBy="Uid", OrderType=0)
    assert a["ResultCode"] == 200, a
    results: list[dict[str, Any]] = a["Data"]["Results"]
    return results


def _pay(order_no: str, pay_no: str, amount: Decimal | int) -> m.PaySuccessRequest:
    return m.PaySuccessRequest(order_no=order_no, total_amount_due=amount,
                               total_amount_paid=amount, discount_amount=0,
                               payment_time="2026-03-28 15:57:36", payment_method="79001",
                               payment_order_no=pay_no)


def test_entry_then_exit_with_fee_override_and_payment() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client), raw(sim) as r:
            before = (await client.query_areas()).results[0]
            arrived = await sim.arrive("1", "粤B12345")
            order_no = arrived["OrderNo"]
            assert order_no.endswith("-粤B12345") and len(order_no.split("-")[0]) == 16
            status = await client.get_lane_status("1")
            assert (status.gate_status, status.gs_status, status.id_camera_status) == (1, 1, 1)
            assert (await _orders(r, "粤B12345"))[0]["OrderStatus"] == 199
            await sim.pass_barrier("1")
            status = await client.get_lane_status("1")
            assert (status.gate_status, status.gs_status) == (0, 0)
            order = (await _orders(r, "粤B12345"))[0]
            assert order["OrderStatus"] == 200 and order["EntryLaneNo"] == "1"
            assert order["EntryImageUrl"].startswith(sim.base_url + "/CameraCaptures/")
            async with __import__("httpx").AsyncClient() as http:
                img = await http.get(order["EntryImageUrl"])
            assert img.status_code == 200 and img.content[:2] == b"\xff\xd8"
            # AreaSpaceNum is the free count; one more vehicle is in now.
            assert before.area_space_num == 500 - sim.engine.occupied() + 1
            assert (await client.query_areas()).results[0].area_space_num == \
                before.area_space_num - 1
            sim.advance_clock(125)  # 2 h 5 min: 5 + 2 * 2 = 9 yuan
            arrived = await sim.arrive("2", "粤B12345")
            assert arrived["OrderNo"] == order_no and arrived["Status"] == "waiting for payment"
            lane_order = await client.get_lane_order("2")
            assert lane_order.order_no == order_no
            assert lane_order.charge_money == 9
            assert (await client.get_lane_status("2")).gate_status == 0
            price = await client.get_order_price(order_no)
            assert price.total_amount_due == 9
            # Fee override: cents, strictly below the current fee.
            for cents in (900, 1000):
                with pytest.raises(ApiError) as err:
                    await client.modify_lane_order_money(order_no, "2", cents)
                assert err.value.result_code == 1005
            with pytest.raises(ApiError) as err:
                await client.modify_lane_order_money("1-OTHER", "2", 100)
            assert err.value.result_code == 1005
            await client.modify_lane_order_money(order_no, "2", 650)
            assert (await client.get_lane_order("2")).charge_money == Decimal("6.5")
            await client.pay_success(_pay(order_no, "PAY-0001", Decimal("6.5")))
            status = await client.get_lane_status("2")
            assert (status.gate_status, status.gs_status) == (1, 1)
            assert (await client.get_lane_order("2")).charge_money == 0
            # A replay of the same payment is told apart from a clash with another order.
            with pytest.raises(ApiError) as err:
                await client.pay_success(_pay(order_no, "PAY-0001", Decimal("6.5")))
            assert err.value.result_code == 1005
            assert "already being processed" in err.value.result_msg
            assert "already been recorded for order" in err.value.result_msg
            other = await sim.arrive("3", "OTHER1")
            with pytest.raises(ApiError) as err:
                await client.pay_success(_pay(other["OrderNo"], "PAY-0001", 5))
            assert err.value.result_code == 1005
            assert "another order" in err.value.result_msg
            await sim.pass_barrier("2")
            order = (await _orders(r, "粤B12345"))[0]
            assert order["OrderStatus"] == 201 and order["ExitLaneNo"] == "2"
            assert order["TotalAmountPaid"] == Decimal("6.5") and not order["IsFreePass"]
            assert (await client.get_lane_status("2")).gate_status == 0
            pays = await r.query("PaymentOrder", [{"Field": "No", "Operator": 0,
                                                   "Value": "PAY-0001"}])
            assert pays["Data"]["Results"][0]["TotalAmountPaid"] == Decimal("6.5")
            details = await r.query("PaymentOrderDetail", [{"Field": "PaymentOrderNo",
                                                            "Operator": 0, "Value": "PAY-0001"}])
            assert details["Data"]["Results"][0]["PassageLaneNo"] == "2"
            # Paying an order that has left is refused.
            with pytest.raises(ApiError) as err:
                await client.pay_success(_pay(order_no, "PAY-0002", 1))
            assert err.value.result_code == 1005

    run(scenario())


def test_free_exit_no_entry_record_and_manual_open() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client), raw(sim) as r:
            # Within the free minutes the barrier opens by itself.
            await sim.arrive("1", "QUICK1")
            await sim.pass_barrier("1")
            sim.advance_clock(10)
            result = await sim.arrive("4", "QUICK1")
            assert result["Status"].startswith("released")
            assert (await client.get_lane_status("4")).gate_status == 1
            await sim.pass_barrier("4")
            assert (await _orders(r, "QUICK1"))[0]["OrderStatus"] == 201
            # No entry record: a lane order without OrderNo; the attendant opens by hand.
            result = await sim.arrive("4", "GHOST1")
            assert result["Status"] == "waiting: no entry record"
            lane_order = await client.get_lane_order("4")
            assert lane_order.order_no is None and lane_order.charge_money == 0
            with pytest.raises(SimError):
                await sim.pass_barrier("4")  # the barrier is closed
            await client.set_gate("4", 1, "Alice")
            await sim.pass_barrier("4")
            gates = await r.query("OpenGate", OrderBy="Uid", OrderType=1, PageSize=1)
            rec = gates["Data"]["Results"][0]
            assert rec["GateSwitchType"] == 0 and rec["LicensePlateNumber"] == "GHOST1"
            assert rec["OperatorName"] == "Alice" and rec["PassageLaneNo"] == "4"
            # Manual open with a fee outstanding: the vehicle leaves as a free pass.
            await sim.arrive("1", "UNPAID1")
            await sim.pass_barrier("1")
            sim.advance_clock(90)
            await sim.arrive("2", "UNPAID1")
            await client.set_gate("2", 1, "Bob")
            await sim.pass_barrier("2")
            order = (await _orders(r, "UNPAID1"))[0]
            assert order["OrderStatus"] == 201 and order["IsFreePass"]
            assert "Bob" in order["FreePassReason"]
            gates = await r.query("OpenGate", [{"Field": "LicensePlateNumber", "Operator": 0,
                                                "Value": "UNPAID1"}])
            assert gates["Data"]["Results"][0]["GateSwitchType"] == 1
            # A valid monthly vehicle without entry record is let out automatically.
            result = await sim.arrive("2", "DASH1")
            assert result["Status"].startswith("released")

    run(scenario())


def test_gate_control_keep_open_and_faults() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client), raw(sim) as r:
            await client.set_gate("3", 2, "Sup")
            status = await client.get_lane_status("3")
            assert (status.gate_status, status.gate_long_open) == (1, 1)
            # Vehicles pass a kept-open barrier and it stays open.
            await sim.arrive("3", "KEEP1")
            await sim.pass_barrier("3")
            assert (await client.get_lane_status("3")).gate_status == 1
            await client.set_gate("3", 2, "Sup")
            status = await client.get_lane_status("3")
            assert (status.gate_status, status.gate_long_open) == (0, 0)
            # Closing while kept open cancels keep-open.
            await client.set_gate("3", 2, "Sup")
            await client.set_gate("3", 0, "Sup")
            status = await client.get_lane_status("3")
            assert (status.gate_status, status.gate_long_open) == (0, 0)
            gates = await r.query("OpenGate", [{"Field": "PassageLaneNo", "Operator": 0,
                                                "Value": "3"}], PageSize=100)
            types = [g["GateSwitchType"] for g in gates["Data"]["Results"]]
            assert types == [4, 4, 4, 3]
            # An exit kept open lets a paying vehicle out as a free pass.
            await sim.arrive("1", "KEEP2")
            await sim.pass_barrier("1")
            sim.advance_clock(120)
            await client.set_gate("4", 2, "Sup")
            result = await sim.arrive("4", "KEEP2")
            assert result["Status"] == "released: barrier kept open"
            await sim.pass_barrier("4")
            order = (await _orders(r, "KEEP2"))[0]
            assert order["OrderStatus"] == 201 and order["IsFreePass"]
            await client.set_gate("4", 2, "Sup")
            # Faults: a stuck gate and an offline camera.
            sim.set_fault(gate_stuck="2", camera_offline="1")
            with pytest.raises(ApiError) as err:
                await client.set_gate("2", 1, "Sup")
            assert err.value.result_code == 1005
            status = await client.get_lane_status("2")
            assert status.gate_status == -1
            assert (await client.get_lane_status("1")).id_camera_status == 0
            result = await sim.arrive("1", "CAMOFF1")
            assert result["LicensePlateNumber"] is None
            assert (await client.get_lane_status("1")).gs_status == 1
            sim.set_fault(clear=True)
            assert (await client.get_lane_status("2")).gate_status == 0

    run(scenario())


def test_no_plate_entry_only_at_entry_lanes() -> None:
    async def scenario() -> None:
        async with sim_and_client() as (sim, client), raw(sim) as r:
            request = m.CreateNoPlateRequest(
                license_plate_number="NP0001X", entry_time="2026-03-28 14:06:46",
                vehicle_type_no=BLUE, parking_card_type_no=TEMP_A, lane_no="2",
                operator_name="Ann", remarks="no plate")
            with pytest.raises(ApiError) as err:
                await client.create_no_plate(request)
            assert err.value.result_code == 1005 and "entry lane" in err.value.result_msg
            result = await client.create_no_plate(request.model_copy(update={"lane_no": "1"}))
            order_no = result.data.order_no
            assert order_no.endswith("-NP0001X")
            assert (await client.get_lane_status("1")).gate_status == 1
            await sim.pass_barrier("1")
            order = (await _orders(r, "NP0001X"))[0]
            assert order["OrderNo"] == order_no and order["OrderStatus"] == 200
            assert order["EntryTime"] == "2026-03-28 14:06:46"
            with pytest.raises(ApiError) as err:  # already in the car park
                await client.create_no_plate(request.model_copy(update={"lane_no": "3"}))
            assert err.value.result_code == 1005
            bad = request.model_copy(update={"lane_no": "3", "parking_card_type_no": "1"})
            with pytest.raises(ApiError) as err:
                await client.create_no_plate(bad)
            assert err.value.result_code == 1002 and "ParkingCardTypeNo" in err.value.result_msg

    run(scenario())


def test_notices_update_records() -> None:
    async def scenario() -> None:
        async with simulator() as sim, raw(sim) as r:
            async def notice(route: str, notice_type: int, items: list[dict[str, Any]]
                             ) -> dict[str, Any]:
                return await r.call(f"/Api/V2/OpenApi/Notice?Route={route}",
                                    {"NoticeType": notice_type, "Items": items})

            # The document's MonthlyCar example; sensitive fields come back encrypted.
            item = {
                "No": "630000201108254378", "LicensePlateNumber": "p12399",
                "ParkingSpotNumber": "56", "OwnerParkingSpaceCount": 2, "OwnerName": "ces",
                "OwnerNo": "410000199701311199", "OwnerIDCard": "110101199003071234",
                "OwnerLicense": "test", "OwnerAddress": "", "PhoneNumber": "13800138000",
                "Email": "", "StartTime": "2024-02-27 11:04:31",
                "EndTime": "2026-12-27 11:04:31", "StoredVehicleBalance": 0,
                "VehicleTypeNo": BLUE, "ParkingCardTypeNo": "1772492942389944",
                "OperatorName": "", "Remarks": "", "EnableOffline": 1, "IsDeleteOwner": False}
            assert (await notice("MonthlyCar", 0, [item]))["ResultCode"] == 200
            cars = await r.query("MonthlyCar", [{"Field": "OwnerNo", "Operator": 0,
                                                 "Value": "410000199701311199"}])
            rec = cars["Data"]["Results"][0]
            assert rec["LicensePlateNumber"] == "P12399"
            assert rec["OwnerLicense"] != "test" and decrypt_field(rec["OwnerLicense"]) == "test"
            assert decrypt_field(rec["PhoneNumber"]) == "13800138000"
            # Rule 1: same No, spot and owner updates; rule 3: all plates plus a new one adds.
            second = dict(item, No="2", LicensePlateNumber="P12398")
            assert (await notice("MonthlyCar", 0, [item, second]))["ResultCode"] == 200
            cars = await r.query("MonthlyCar", [{"Field": "OwnerNo", "Operator": 0,
                                                 "Value": "410000199701311199"}])
            assert sorted(c["LicensePlateNumber"] for c in cars["Data"]["Results"]) == [
                "P12398", "P12399"]
            # Rule 2: a later request with only a third plate replaces the first.
            third = dict(item, No="3", LicensePlateNumber="P12397",
                         EndTime="2027-01-27 11:04:31")
            assert (await notice("MonthlyCar", 0, [third]))["ResultCode"] == 200
            cars = await r.query("MonthlyCar", [{"Field": "OwnerNo", "Operator": 0,
                                                 "Value": "410000199701311199"}])
            results = cars["Data"]["Results"]
            assert sorted(c["LicensePlateNumber"] for c in results) == ["P12397", "P12398"]
            # Same owner: same period, taken from the latest end time.
            assert {c["EndTime"] for c in results} == {"2027-01-27 11:04:31"}
            # Rule 4: deregistering a vehicle in the car park makes it temporary.
            await sim.arrive("1", "P12398")
            await sim.pass_barrier("1")
            assert (await _orders(r, "P12398"))[0]["ParkingCardTypeNo"] == "1772492942389944"
            gone = dict(second, No="2")
            assert (await notice("MonthlyCar", 1, [gone]))["ResultCode"] == 200
            assert (await _orders(r, "P12398"))[0]["ParkingCardTypeNo"] == TEMP_A
            # Re-registration closes the previous parking order (by rule 2 the owner's
            # remaining record, P12397, takes the re-registered plate).
            assert (await notice("MonthlyCar", 0, [second]))["ResultCode"] == 200
            assert (await _orders(r, "P12398"))[0]["OrderStatus"] == 202
            cars = await r.query("MonthlyCar", [{"Field": "OwnerNo", "Operator": 0,
                                                 "Value": "410000199701311199"}])
            assert [c["LicensePlateNumber"] for c in cars["Data"]["Results"]] == ["P12398"]
            # Delete with IsDeleteOwner removes all of the owner's vehicles.
            await notice("MonthlyCar", 0, [second, dict(third, No="4")])
            answer = await notice("MonthlyCar", 1, [dict(second, IsDeleteOwner=True)])
            assert answer["ResultCode"] == 200
            cars = await r.query("MonthlyCar", [{"Field": "OwnerNo", "Operator": 0,
                                                 "Value": "410000199701311199"}])
            assert cars["Data"]["TotalCount"] == 0
            assert (await notice("MonthlyCar", 1, [third]))["ResultCode"] == 1005
            bad = dict(item, VehicleTypeNo="nope")
            answer = await notice("MonthlyCar", 0, [bad])
            assert answer["ResultCode"] == 1002 and "Items[0].VehicleTypeNo" in answer["ResultMsg"]
            # Blacklist: a blacklisted plate is refused at the entry.
            bl = {"No": "1234567890", "LicensePlateNumber": "b12345", "OwnerName": "",
                  "PhoneNumber": "", "StartTime": "2026-01-28 14:39:10",
                  "EndTime": "2099-03-28 14:39:10", "Remarks": "",
                  "CreationTime": "2026-03-28 14:39:10", "OperatorName": ""}
            assert (await notice("BlackList", 0, [bl]))["ResultCode"] == 200
            result = await sim.arrive("3", "B12345")
            assert "refused" in result["Status"] and "OrderNo" not in result
            assert (await notice("BlackList", 1, [bl]))["ResultCode"] == 200
            assert (await r.query("BlackList", [{"Field": "No", "Operator": 0,
                                                 "Value": "1234567890"}]))["Data"][
                "TotalCount"] == 0
            # Coupon schemes and plate coupons.
            # Duration and Ratio explicit: a .NET server signs them as 0 when left out.
            scheme = {"No": "710000197308123736", "Name": "test", "Type": "101", "Amount": 10,
                      "Duration": 0, "Ratio": 0,
                      "VaildTime": "2026-03-28 14:45:09", "Enable": 1, "Scene": 1,
                      "CreationTime": "2026-03-28 14:45:09"}
            assert (await notice("CouponScheme", 0, [scheme]))["ResultCode"] == 200
            answer = await notice("CouponScheme", 0, [dict(scheme, Type="105")])
            assert answer["ResultCode"] == 1002 and "Type" in answer["ResultMsg"]
            assert (await notice("CouponScheme", 1, [scheme]))["ResultCode"] == 200
            # In-park order: update then close.
            await sim.arrive("1", "CLOSE1")
            await sim.pass_barrier("1")
            order_no = (await _orders(r, "CLOSE1"))[0]["OrderNo"]
            answer = await notice("ModifyParkingOrder", 0, [{"OrderNo": order_no,
                                                             "Remarks": "test",
                                                             "VehicleTypeNo": BLUE}])
            assert answer["ResultCode"] == 200 and order_no in answer["ResultMsg"]
            assert (await _orders(r, "CLOSE1"))[0]["Remarks"] == "test"
            answer = await notice("ModifyParkingOrder", 1, [{"OrderNo": order_no}])
            assert answer["ResultCode"] == 200
            assert (await _orders(r, "CLOSE1"))[0]["OrderStatus"] == 202
            answer = await notice("ModifyParkingOrder", 1, [{"OrderNo": order_no}])
            assert answer["ResultCode"] == 1005
            for data in ({"NoticeType": 2, "Items": [{}]}, {"NoticeType": 0, "Items": []},
                         {"Items": [{"OrderNo": "x"}]}, [1]):
                # Signed as the .NET server checks it (absent numbers as 0), sent as it is.
                def send_as_is(env: dict[str, Any], d: Any = data) -> None:
                    env["Data"] = d

                answer = await r.call("/Api/V2/OpenApi/Notice?Route=ModifyParkingOrder",
                                      dotnet_view(m.ParkingOrderNotice, data), tamper=send_as_is)
                assert answer["ResultCode"] == 1002, (data, answer)

    run(scenario())


@pytest.mark.slow
def test_traffic_moves_vehicles_by_itself() -> None:
    async def scenario() -> None:
        import asyncio

        async with simulator(traffic=600.0, auto_pass_s=0.05) as sim:
            start = sim.engine.occupied()
            for _ in range(60):
                await asyncio.sleep(0.1)
                if sim.engine.occupied() != start:
                    break
            assert sim.engine.occupied() != start

    run(scenario())


def test_control_api_over_http() -> None:
    async def scenario() -> None:
        import httpx

        async with simulator() as sim, httpx.AsyncClient(base_url=sim.base_url) as http:
            async def sim_post(command: str, body: dict[str, Any]) -> tuple[int, Any]:
                resp = await http.post(f"/Sim/{command}", json=body)
                return resp.status_code, resp.json()

            status, answer = await sim_post("Arrive", {"LaneNo": "3", "Plate": "ctl001"})
            assert status == 200 and answer["Ok"]
            order_no = answer["Data"]["OrderNo"]
            assert order_no.endswith("-CTL001")
            status, answer = await sim_post("Arrive", {"LaneNo": "3", "Plate": "CTL002"})
            assert status == 409 and not answer["Ok"] and "occupied" in answer["Message"]
            assert (await sim_post("Pass", {"LaneNo": "3"}))[1]["Ok"]
            status, answer = await sim_post("Pass", {"LaneNo": "3"})
            assert status == 409 and "no vehicle" in answer["Message"]
            status, answer = await sim_post("Clock", {"Minutes": 180})
            assert answer["Ok"]
            status, answer = await sim_post("Arrive", {"LaneNo": "4", "Plate": "CTL001"})
            assert answer["Data"]["ChargeMoney"] == 9
            status, answer = await sim_post("Pay", {"LaneNo": "4"})
            assert answer["Ok"] and answer["Data"]["Paid"] == 9
            assert sim.engine.lanes["4"].gate == 1
            assert (await sim_post("Pass", {"LaneNo": "4"}))[1]["Ok"]
            state = (await http.get("/Sim/State")).json()["Data"]
            assert state["Lanes"][3]["Vehicle"] is None
            async with raw(sim) as r:
                pay = await r.query("PaymentOrder", [{"Field": "OrderNo", "Operator": 0,
                                                      "Value": order_no}])
                rec = pay["Data"]["Results"][0]
                assert rec["PaymentMethod"] == "79003" and rec["PaymentScene"] == 2
                assert rec["TotalAmountPaid"] == 9
            for command, body in (("Arrive", {"LaneNo": "9", "Plate": "X"}),
                                  ("Clock", {"Minutes": "soon"}), ("Nope", {})):
                status, answer = await sim_post(command, body)
                assert status in (400, 404, 409) and not answer["Ok"], (command, answer)
            resp = await http.post("/Sim/Arrive", content=b"{bad")
            assert resp.status_code == 400 and not resp.json()["Ok"]

    run(scenario())
