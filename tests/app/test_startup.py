"""Starting the console while the parking server is down: it catches up when the server returns."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from booth_console.app.messages import Level
from booth_console.app.session import Session
from booth_console.config import BoothConfig, Config, ListenerConfig, ServerConfig
from tests.app.helpers import FAST, simulator_api, start_simulator, wait_until
from tests.conftest import wait_signal


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_server_down_at_start_registers_and_loads_lanes_when_it_returns(
    loop: Any, tmp_path: Path
) -> None:
    async def scenario() -> None:
        _s, _c, (app_id, secret, park_key) = simulator_api()
        probe = await start_simulator(tmp_path / "probe")
        port, base_url = probe.port, probe.base_url
        await probe.stop()
        cfg = Config(
            server=ServerConfig(base_url=base_url, app_id=app_id, app_secret=secret,
                                park_key=park_key, timeout=1.0),
            listener=ListenerConfig(host="127.0.0.1", port=0,
                                    journal=str(tmp_path / "journal.sqlite3"),
                                    callback_interval_ms=200),
            booth=BoothConfig(operator="tester", attention_sound=False),
        )
        session = await Session.create(cfg, register=True, timing=FAST)
        sim = None
        try:
            booth = session.booth
            history = session.messages.history
            assert not booth.registered
            assert any(m.level is Level.ERROR and "register" in m.text for m in history)
            start = session.start()
            # the listener is bound: its address is shown while the server is still down
            await wait_until(lambda: booth.listener_state is not None, 3)
            assert booth.listener_state is not None
            assert booth.listener_state.running and booth.listener_state.address.startswith("http")
            await wait_until(lambda: any("Cannot read the lanes" in m.text for m in history), 5)
            assert not booth.controllers
            lanes = asyncio.ensure_future(wait_signal(booth.lanes_loaded, 15))
            sim = await start_simulator(tmp_path, port)
            await lanes
            await asyncio.wait_for(start, 5)
            assert booth.controllers
            await wait_until(lambda: booth.registered, 10)
            assert booth.listener_state is not None and booth.listener_state.registered
            # the red "cannot read the lanes" is replaced by the recovery
            await wait_until(lambda: any("answers again" in m.text for m in history), 5)
            last_error = max(i for i, m in enumerate(history) if m.level is Level.ERROR)
            assert any(m.level in (Level.SUCCESS, Level.INFO) for m in history[last_error + 1:])
            # callbacks really arrive now
            got = asyncio.ensure_future(wait_signal(session.hub.vehicle_in, 10))
            await sim.arrive("1", "琼Z9909X")
            await sim.pass_barrier("1")
            cb = await got
            assert cb.data.license_plate_number == "琼Z9909X"
        finally:
            await session.aclose()
            if sim is not None:
                await sim.stop()

    loop.run_until_complete(scenario())
