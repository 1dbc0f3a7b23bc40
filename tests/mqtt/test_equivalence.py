"""Every endpoint over MQTT (V3.0, through the simulator's bridge) answers as over HTTP (V2.0).

Two simulators start from copies of one seeded database (the same state). The same script of
requests runs on both, step by step: simulator A over HTTP, simulator B over MQTT through a real
mosquitto and :class:`~booth_console.simulator.v3.bridge.SimulatorBridge`. Every answer must be the
same, apart from ResultId (unique per answer) and the simulators' own URLs (different ports).
The bridge reaches B over loopback HTTP, or in-process through ``Simulator.handle_envelope``
(both modes run). The script sends the document's own request example of each of the 27 endpoints, plus requests
built from the simulator's state so that notifications succeed (gate, fee change, payment,
no-plate entry, callback set-up).
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from booth_console.client import ParkingClient
from booth_console.config import MqttConfig
from booth_console.protocol import jsonutil
from booth_console.protocol import models as m
from booth_console.protocol.endpoints import ENDPOINTS, by_v2
from booth_console.simulator import lot
from booth_console.simulator.server import Simulator, SimulatorConfig
from booth_console.simulator.v3.bridge import SimulatorBridge
from booth_console.transport.mqtt import MqttTransport
from tests.protocol.doc_examples import examples, require_document

pytestmark = [pytest.mark.mqtt, pytest.mark.slow]

CREDS: dict[str, Any] = {"app_id": lot.DEFAULT_APP_ID, "app_secret": lot.DEFAULT_APP_SECRET,
                         "park_key": lot.DEFAULT_PARK_KEY}


def doc_requests() -> dict[str, Any]:
    """The Data of the document's request example of each endpoint, by endpoint name."""
    found: dict[str, Any] = {}
    for ex in examples():
        if ex.kind != "request" or ex.action is None or not isinstance(ex.body, dict):
            continue
        ep = by_v2(ex.action, ex.route)
        if ep is not None and ep.name not in found:
            found[ep.name] = ex.body.get("Data")
    return found


def normalise(answer: dict[str, Any], urls: tuple[str, ...]) -> Any:
    text = jsonutil.dumps({k: v for k, v in answer.items()
                           if k not in ("ResultId", "RequestId", "Route")})
    for url in urls:
        text = text.replace(url, "<simulator>")
    return jsonutil.loads(text)


_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def differences(a: Any, b: Any, where: str = "") -> list[str]:
    """Where two answers differ, tolerating only what two simulators cannot share: numbers
    generated from the clock (record and order numbers: same shape required) and record times
    at most 2 s apart (the twin requests run a few milliseconds apart)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{where}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in differences(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} vs {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in differences(x, y, f"{where}[{i}]")]
    if a == b and type(a) is type(b):
        return []
    if isinstance(a, str) and isinstance(b, str):
        if _TIME.match(a) and _TIME.match(b):
            gap = abs((datetime.fromisoformat(a) - datetime.fromisoformat(b)).total_seconds())
            if gap <= 2:
                return []
        key = where.rsplit(".", 1)[-1]
        if key in GENERATED and re.sub(r"\d", "0", a) == re.sub(r"\d", "0", b):
            return []
    return [f"{where}: {a!r} vs {b!r}"]


#: Fields the simulators fill with numbers made from the clock (IdGen).
GENERATED = {"OrderNo", "No", "ParkingOrderNo", "PaymentOrderNo", "OpenGateNo", "RecordNo"}


@asynccontextmanager
async def twin_simulators(tmp: Path) -> AsyncIterator[tuple[Simulator, Simulator]]:
    seed = Simulator(SimulatorConfig(port=0, db_path=tmp / "seed" / "sim.db", seed=7))
    await seed.start()
    await seed.stop()
    for name in ("a", "b"):
        shutil.copytree(tmp / "seed", tmp / name)
    a = Simulator(SimulatorConfig(port=0, db_path=tmp / "a" / "sim.db", seed=7))
    b = Simulator(SimulatorConfig(port=0, db_path=tmp / "b" / "sim.db", seed=7))
    await a.start()
    try:
        await b.start()
        try:
            yield a, b
        finally:
            await b.stop()
    finally:
        await a.stop()


@pytest.mark.parametrize("mode", ["http", "in-process"])
def test_every_endpoint_answers_the_same_over_mqtt_and_http(
    loop: asyncio.AbstractEventLoop, mqtt_cfg: MqttConfig, tmp_path: Path, mode: str
) -> None:
    require_document()
    requests = doc_requests()
    missing = {e.name for e in ENDPOINTS} - set(requests)
    assert not missing, f"no document example found for {sorted(missing)}"

    async def scenario() -> None:
        async with twin_simulators(tmp_path) as (sim_a, sim_b):
            if mode == "http":  # the bridge reaches simulator B over loopback HTTP
                bridge = SimulatorBridge(mqtt_cfg, base_url=sim_b.base_url, **CREDS)
            else:  # through Simulator.handle_envelope
                bridge = SimulatorBridge(mqtt_cfg, simulator=sim_b, **CREDS)
            assert bridge.mode == mode
            await bridge.start()
            http = ParkingClient.for_http(sim_a.base_url, **CREDS)
            mqtt = ParkingClient(MqttTransport(mqtt_cfg, app_id=CREDS["app_id"],
                                               park_key=CREDS["park_key"]), **CREDS)
            urls = (sim_a.public_base_url, sim_b.public_base_url, bridge.relay.url)
            compared: list[str] = []

            async def same(name: str, data: Any, data_b: Any = None) -> tuple[Any, Any]:
                a = await http.call_raw(name, data)
                b = await mqtt.call_raw(name, data if data_b is None else data_b)
                diff = differences(normalise(a, urls), normalise(b, urls))
                assert not diff, f"{name} differs: {diff}\nHTTP: {a}\nMQTT: {b}"
                assert str(b["RequestId"]).isdigit() and b["Route"] == name
                compared.append(name)
                return a, b

            try:
                # 1. the document's example request of every endpoint
                for ep in ENDPOINTS:
                    await same(ep.name, requests[ep.name])
                # 2. requests that succeed on the simulator's state
                exit_lane, entry_lane = "2", "1"
                for sim in (sim_a, sim_b):
                    await sim.arrive(entry_lane, "粤B12345")
                    await sim.pass_barrier(entry_lane)
                    sim.advance_clock(95)
                    await sim.arrive(exit_lane, "粤B12345")
                order_a, order_b = await same("LaneOrderQuery", {"LaneNo": exit_lane})
                assert order_a["ResultCode"] == 200, order_a
                no_a, no_b = order_a["Data"]["OrderNo"], order_b["Data"]["OrderNo"]
                price, _ = await same("OrderFeeQuery", {"OrderNo": no_a}, {"OrderNo": no_b})
                assert price["ResultCode"] == 200, price
                await same("BarrierStatusQuery", {"LaneNo": exit_lane})
                page = {"PageIndex": 1, "PageSize": 50, "OrderBy": "Uid", "OrderType": 0,
                        "QueryCondition": []}
                for paged in ("LaneQuery", "AreaQuery", "PlateTypeQuery", "ParkingOrderQuery"):
                    answer, _ = await same(paged, page)
                    assert answer["ResultCode"] == 200 and answer["Data"]["TotalCount"] > 0
                due = jsonutil.shortest_decimal(order_a["Data"]["ChargeMoney"])
                cents = max(int(due * 100) - 100, 0)
                changed, _ = await same(
                    "LaneFeeModifyNotify",
                    {"OrderNo": no_a, "LaneNo": exit_lane, "Money": cents},
                    {"OrderNo": no_b, "LaneNo": exit_lane, "Money": cents})
                order_a, _ = await same("LaneOrderQuery", {"LaneNo": exit_lane})
                money = order_a["Data"]["ChargeMoney"]

                paid_at = sim_a.engine.now().strftime("%Y-%m-%d %H:%M:%S")

                def payment(no: str) -> dict[str, Any]:
                    return m.PaySuccessRequest(
                        order_no=no, total_amount_due=money, total_amount_paid=money,
                        payment_time=paid_at, payment_method="79001",
                        payment_order_no="EQ20261129000001", remarks="equivalence test",
                    ).wire()

                paid, _ = await same("VehiclePaymentNotify", payment(no_a), payment(no_b))
                gate, _ = await same("BarrierStatusNotify", m.GateCommand(
                    lane_no=exit_lane, status=1, operator_name="eq").wire())
                created_a, _ = await same("NoPlateEntryNotify", m.CreateNoPlateRequest(
                    license_plate_number="无EQ0001", entry_time=paid_at,
                    vehicle_type_no=lot.DEFAULT_VEHICLE_TYPE_NO,
                    parking_card_type_no=lot.DEFAULT_PLATE_TYPE_NO, lane_no=entry_lane,
                    operator_name="eq").wire())
                await same("CallbackParamChangeNotify",
                           [{"Index": 0, "Url": "http://127.0.0.1:9/API/V2/OnVehicleIn",
                             "Interval": 1000}])
                await same("ParkingOrderQuery", page)
                codes = [x["ResultCode"] for x in (changed, paid, gate, created_a)]
                assert codes == [200] * 4, (changed, paid, gate, created_a)
                assert {e.name for e in ENDPOINTS} <= set(compared)
            finally:
                await mqtt.aclose()
                await http.aclose()
                await bridge.aclose()

    loop.run_until_complete(scenario())
