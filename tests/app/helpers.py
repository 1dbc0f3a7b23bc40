"""A real simulator over loopback plus a console session against it, for app and UI tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from booth_console.app.lane import LaneController, PollTiming
from booth_console.app.outbox import RetryPolicy
from booth_console.app.session import Session
from booth_console.config import BoothConfig, Config, ListenerConfig, ServerConfig
from booth_console.operators import Operators
from booth_console.simulator import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_PARK_KEY,
    Simulator,
    SimulatorConfig,
)

#: cheap Argon2 parameters for test accounts (the real ones take 0.4 s a check)
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
#: the operator ``start_stack`` signs on (a supervisor: approves their own commands)
TEST_OPERATOR, TEST_PASSWORD = "tester", "tester-password"


def accounts_file(tmp_path: Path) -> Operators:
    """The accounts file of a test console, with fast hashes."""
    return Operators(tmp_path / "operators.sqlite3", hasher=FAST_HASHER)


FAST = PollTiming(status=0.2, status_busy=0.1, order=0.1, backoff_first=0.1, backoff_max=0.5)


def simulator_api() -> tuple[type[Simulator], type[SimulatorConfig], tuple[str, str, str]]:
    """The simulator class, its config class and the simulated lot's AppId/AppSecret/ParkKey."""
    return Simulator, SimulatorConfig, (DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_PARK_KEY)


async def start_simulator(tmp_path: Path, port: int = 0) -> Any:
    """A simulator without traffic, its database in ``tmp_path``."""
    simulator, config, _defaults = simulator_api()
    (tmp_path / "sim.db.captures" / "CameraCaptures").mkdir(parents=True, exist_ok=True)
    sim = simulator(config(port=port, traffic=0, db_path=tmp_path / "sim.db"))
    await sim.start()
    return sim


@dataclass
class Stack:
    """The simulator and a console session."""

    sim: Any
    session: Session
    tmp_path: Path

    def lane(self, lane_no: str) -> LaneController:
        return self.session.booth.controllers[lane_no]

    async def restart_simulator(self) -> None:
        port = self.sim.port
        await self.sim.stop()
        self.sim = await start_simulator(self.tmp_path, port)

    async def aclose(self) -> None:
        await self.session.aclose()
        await self.sim.stop()


async def start_stack(
    tmp_path: Path, *, client: Any = None, lanes: tuple[str, ...] = (), register: bool = True,
    timeout: float = 2.0, sign_on: bool = True, approval: Any = None,
) -> Stack:
    """Simulator + session (listener registered, lanes loaded and polling); ``sign_on``: the
    supervisor ``tester`` is signed on (else nobody is); ``approval``: the ``[approval]``
    rules."""
    _s, _c, (app_id, secret, park_key) = simulator_api()
    sim = await start_simulator(tmp_path)
    cfg = Config(
        server=ServerConfig(base_url=sim.base_url, app_id=app_id, app_secret=secret,
                            park_key=park_key, timeout=timeout),
        listener=ListenerConfig(host="127.0.0.1", port=0, journal=str(tmp_path / "journal.sqlite3"),
                                callback_interval_ms=200),
        booth=BoothConfig(lanes=lanes, operator="tester", attention_sound=False),
        **({"approval": approval} if approval is not None else {}),
    )
    accounts = accounts_file(tmp_path)
    if sign_on and TEST_OPERATOR not in {a.name for a in accounts.accounts()}:
        accounts.add(TEST_OPERATOR, "supervisor", TEST_PASSWORD)
    try:
        session = await Session.create(
            cfg, client=client, register=register, timing=FAST,
            payment_retry=RetryPolicy(first_delay=0.05, max_delay=0.2, give_up_after=10.0),
            operators=accounts,
        )
    except BaseException:
        await sim.stop()
        raise
    stack = Stack(sim, session, tmp_path)
    try:
        if sign_on:
            assert session.operators is not None
            await session.operators.sign_on(TEST_OPERATOR, TEST_PASSWORD)
        await asyncio.wait_for(session.start(), 10)
    except BaseException:
        await stack.aclose()
        raise
    return stack


async def wait_until(predicate: Any, timeout: float = 5.0, step: float = 0.02) -> None:
    """Wait for a condition that has no signal of its own (state read from a server)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(step)


async def park_and_exit(sim: Any, plate: str, *, minutes: float = 95, entry: str = "1",
                        exit_lane: str = "2") -> None:
    """Drive ``plate`` in, let time pass, and bring it to the exit lane's barrier."""
    await sim.arrive(entry, plate)
    await sim.pass_barrier(entry)
    sim.advance_clock(minutes)
    await sim.arrive(exit_lane, plate)
