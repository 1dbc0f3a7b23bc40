"""Callbacks keep coming: the table is registered again after the parking server restarts and
periodically; a loopback URL is never registered with a server on another computer; and no
callbacks while vehicles come and go is shown as a warning."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PySide6.QtCore import QSettings

from booth_console.app.messages import Level
from booth_console.app.session import Session
from booth_console.config import BoothConfig, Config, ListenerConfig, ServerConfig
from booth_console.listener.samples import signed_example_bytes
from booth_console.ui.booth_window import BoothWindow
from tests.app.helpers import (
    park_and_exit,
    simulator_api,
    start_simulator,
    start_stack,
    wait_until,
)
from tests.conftest import wait_signal


async def _vehicle_in_arrives(stack: Any, plate: str, timeout: float = 10) -> Any:
    got = asyncio.ensure_future(wait_signal(stack.session.hub.vehicle_in, timeout,
                                            lambda cb: cb.data.license_plate_number == plate))
    await stack.sim.arrive("1", plate)
    await stack.sim.pass_barrier("1")
    return await got


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_callbacks_come_back_after_the_server_restarts(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            booth = stack.session.booth
            assert booth.registered
            await _vehicle_in_arrives(stack, "琼A10001")
            # the real simulator restarts on the same port: its callback table is gone
            port = stack.sim.port
            await stack.sim.stop()
            await wait_until(lambda: not booth.link.online, 10)
            stack.sim = await start_simulator(tmp_path, port)
            assert not stack.sim.engine.pusher.targets  # forgotten, as the issue observed
            await wait_until(lambda: booth.link.online, 10)
            # registered again once the link recovered (a vehicle arriving before that would
            # find no callback target on the server: not the console's to fix)
            await wait_until(lambda: bool(stack.sim.engine.pusher.targets), 10)
            cb = await _vehicle_in_arrives(stack, "琼A10002", 15)
            assert cb.data.license_plate_number == "琼A10002"
            assert booth.registered
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_registers_again_every_interval(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            stack.session.reregister_every_s = 0.5
            # the table is lost without any outage the console could see
            await stack.session.client.set_callback_params([])
            assert not stack.sim.engine.pusher.targets
            await wait_until(lambda: bool(stack.sim.engine.pusher.targets), 10)
            await _vehicle_in_arrives(stack, "琼A20001")
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_no_callbacks_while_lanes_are_busy_is_a_warning(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            session = stack.session
            booth = session.booth
            window = BoothWindow("tester", QSettings(str(tmp_path / "w.ini"),
                                                     QSettings.Format.IniFormat))
            window.bind(session)
            booth.no_callbacks_warn_s = 1.0
            session.reregister_every_s = 0  # only after outages: the table stays lost
            await session.client.set_callback_params([])
            await asyncio.sleep(1.2)
            assert booth.listener_state is not None and booth.listener_state.quiet_min == 0
            assert not any("No callbacks" in m.text for m in session.messages.history)
            await park_and_exit(stack.sim, "琼A30001")  # polling sees the vehicle at lane 2
            await wait_until(lambda: booth.listener_state is not None
                             and booth.listener_state.quiet_min > 0, 10)
            warn = [m for m in session.messages.history if "No callbacks for" in m.text]
            assert len(warn) == 1 and warn[0].level is Level.WARNING
            assert "while lanes are busy" in warn[0].text
            # the booth window's listener light turns to a warning saying so
            assert window.light_listener.state == "warn"
            assert "No callbacks for" in window.light_listener._text.text()
            window.close()
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_a_loopback_url_is_not_registered_with_a_server_elsewhere(
    loop: Any, tmp_path: Path
) -> None:
    async def scenario() -> None:
        _s, _c, (app_id, secret, park_key) = simulator_api()
        cfg = Config(
            server=ServerConfig(base_url="http://192.0.2.10:8888", app_id=app_id,
                                app_secret=secret, park_key=park_key, timeout=1.0),
            listener=ListenerConfig(host="127.0.0.1", port=0, register_callbacks=True,
                                    journal=str(tmp_path / "journal.sqlite3")),
            booth=BoothConfig(operator="tester", attention_sound=False),
        )
        session = await Session.create(cfg)
        try:
            errors = [m.text for m in session.messages.history if m.level is Level.ERROR]
            assert any("Callbacks are not registered" in t and "192.0.2.10" in t
                       and "public_url" in t for t in errors), errors
            assert not session.booth.registered
            assert not session._tasks  # nothing keeps trying a URL the server cannot reach
            # allow_sources defaults to the server's own address: this PC may not post
            url = session.stack.listener.url + "/API/V2/OnVehicleIn"
            raw = signed_example_bytes("OnVehicleIn", app_id=app_id, park_key=park_key,
                                       app_secret=secret)
            async with aiohttp.ClientSession() as http, http.post(url, data=raw) as resp:
                answer = await resp.json()
            assert answer["ResultCode"] == 1001 and "not allowed" in str(answer), answer
        finally:
            await session.aclose()

    loop.run_until_complete(scenario())
