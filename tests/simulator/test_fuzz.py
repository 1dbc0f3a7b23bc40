"""Hypothesis: signed requests with arbitrary Data never crash the simulator (no 1003/500)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booth_console.protocol import jsonutil
from booth_console.protocol.endpoints import ENDPOINTS, Endpoint
from booth_console.protocol.signing import sign_envelope
from booth_console.simulator import Simulator, SimulatorConfig
from booth_console.simulator.dotnet import dotnet_view
from tests.simulator.helpers import APP

FIELDS = [
    "PageIndex", "PageSize", "OrderBy", "OrderType", "QueryCondition", "Field", "Operator",
    "Value", "LaneNo", "OrderNo", "LicensePlateNumber", "PlateCouponNo", "NoticeType", "Items",
    "No", "VehicleTypeNo", "ParkingCardTypeNo", "EntryTime", "Remarks", "StartTime", "EndTime",
    "OwnerNo", "ParkingSpotNumber", "OwnerParkingSpaceCount", "StoredVehicleBalance",
    "EnableOffline", "IsDeleteOwner", "CouponSchemeNo", "Type", "Amount", "Duration", "Ratio",
    "VaildTime", "Enable", "Scene", "Status", "OperatorName", "Money", "TotalAmountDue",
    "TotalAmountPaid", "DiscountAmount", "PaymentTime", "PaymentMethod", "PaymentOrderNo",
    "PlateCouponNos", "Index", "Url", "Interval", "RefreshTypes", "CreationTime",
]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=False, allow_infinity=False, places=2,
                min_value=Decimal(-10**9), max_value=Decimal(10**9)),
    st.sampled_from(["", "1", "2", "99", "2026-03-28 14:06:46", "0001-01-01", "101", "103",
                     "79001", "http://127.0.0.1:9/x", "Uid", "LaneLinkAreas", "1, 2, 3",
                     "'a', 'b'", "null", "%", "粤B12345", "Equal"]),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS), inner, max_size=6),
    ),
    max_leaves=12,
)
datas = st.one_of(st.dictionaries(st.sampled_from(FIELDS), values, max_size=8),
                  st.lists(st.dictionaries(st.sampled_from(FIELDS), values, max_size=4),
                           max_size=3),
                  scalars)


@pytest.fixture(scope="module")
def server() -> Iterator[httpx.Client]:
    """A simulator on its own loop in a background thread."""
    loop = asyncio.new_event_loop()
    sim = Simulator(SimulatorConfig(port=0))
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(sim.start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(sim.stop())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(30)
    http = httpx.Client(base_url=sim.base_url, timeout=10)
    try:
        yield http
    finally:
        http.close()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)


@settings(max_examples=int(os.environ.get("SIM_FUZZ_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(endpoint=st.sampled_from(ENDPOINTS), data=datas)
def test_arbitrary_signed_data_gets_a_clean_answer(server: httpx.Client, endpoint: Endpoint,
                                                   data: Any) -> None:
    # Signed as a .NET server checks it: absent numeric/boolean fields with their defaults.
    envelope = sign_envelope(data=dotnet_view(endpoint.request_model, data), **APP)
    envelope["Data"] = data
    path = endpoint.path + (f"?Route={endpoint.route}" if endpoint.route else "")
    resp = server.request(endpoint.method, path, content=jsonutil.dumps_bytes(envelope),
                          headers={"Content-Type": "application/json"})
    answer = jsonutil.loads(resp.content)
    assert answer["ResultCode"] in (200, 1002, 1005), (endpoint.name, data, answer)
    assert isinstance(answer["ResultMsg"], str) and answer["ResultMsg"]
    if answer["ResultCode"] != 200:
        assert resp.status_code == 200
