"""The simulator behind ``booth-console demo``: started in this process, staged, and its V3.0 side.

``booth_console/ui/demo.py`` keeps the command line, the windows and the attendant's messages;
everything that touches the simulator is here, called directly (the demo is the one entry point
of the console that starts the simulator).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from booth_console.config import Config, ServerConfig
from booth_console.operators import OperatorError
from booth_console.simulator import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_PARK_KEY,
    Simulator,
    SimulatorConfig,
)
from booth_console.simulator.engine.state import SimError

__all__ = ["DEMO_FLOAT", "DEMO_PASSWORD", "DEMO_SUPERVISOR", "MISREAD_LANE", "DemoBackend", "sign_on_demo",
           "stage", "stage_misread"]

#: the exit lane where the demo stages a misread plate
MISREAD_LANE = "4"
#: the demo's accounts (made in the demo's data directory; documented in docs/OPERATORS.md)
DEMO_PASSWORD = "demo-password"
DEMO_SUPERVISOR = ("boss", "boss-password")
#: the cash in the drawer when the demo opens its shift (yuan)
DEMO_FLOAT = "200.00"

log = logging.getLogger("booth_console.demo")

if TYPE_CHECKING:
    from booth_console.app.operator_session import OperatorSession


async def sign_on_demo(operators: OperatorSession, name: str) -> bool:
    """Make the demo's attendant ``name`` and its supervisor when they do not exist, and sign
    the attendant on (so ``booth-console demo`` stays one command). Returns whether it signed
    on (not when a kept data directory has the account with another password)."""
    store = operators.operators
    boss, boss_password = DEMO_SUPERVISOR

    def ensure() -> None:
        known = {a.name for a in store.accounts()}
        if name not in known:
            store.add(name, "attendant", DEMO_PASSWORD)
        if boss not in known:
            store.add(boss, "supervisor", boss_password)

    try:
        await asyncio.get_running_loop().run_in_executor(None, ensure)
        await operators.sign_on(name, DEMO_PASSWORD)
    except OperatorError as exc:
        log.warning("the demo operator was not signed on: %s", exc)
        return False
    return True


@dataclass
class DemoBackend:
    """A running demo simulator (and, over MQTT, its broker and V3.0 bridge).

    Attributes:
        sim: the simulator, serving V2.0 on ``sim.base_url``.
        cfg: the console's configuration pointing at it (``transport = "mqtt"`` once
            :meth:`use_mqtt` succeeded).
    """

    sim: Simulator
    cfg: Config
    _closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list, repr=False)

    @classmethod
    async def start(cls, cfg: Config, folder: Path, *, port: int = 0,
                    traffic: float = 6.0, misread_rate: float = 0.0,
                    no_entry_rate: float = 0.0) -> DemoBackend:
        """Start the simulator (database in ``folder``) and point ``cfg``'s ``[server]`` at it
        with the simulated lot's credentials."""
        (folder / "simulator.db.captures" / "CameraCaptures").mkdir(parents=True, exist_ok=True)
        sim = Simulator(SimulatorConfig(port=port, traffic=traffic, db_path=folder / "simulator.db",
                                        misread_rate=misread_rate, no_entry_rate=no_entry_rate))
        await sim.start()
        server = ServerConfig(base_url=sim.base_url, app_id=DEFAULT_APP_ID,
                              app_secret=DEFAULT_APP_SECRET, park_key=DEFAULT_PARK_KEY)
        return cls(sim, replace(cfg, server=server), [sim.stop])

    async def use_mqtt(self) -> None:
        """Serve the console over MQTT V3.0: a local broker and the simulator's bridge, with
        callbacks through the broker (the console's ``Session`` subscribes to them when
        ``transport = "mqtt"``). On failure the configuration stays on HTTP V2.0."""
        from booth_console.devtools.mqtt_demo import start_demo_mqtt

        self.cfg, cleanup = await start_demo_mqtt(self.sim, self.cfg, callbacks_via_broker=True)
        self._closers.append(cleanup)

    async def aclose(self) -> None:
        """Stop the MQTT side (when started), then the simulator."""
        while self._closers:
            await self._closers.pop()()


async def stage(sim: Simulator) -> None:
    """Park a few vehicles and bring one to the first exit lane with a fee to pay; at the
    second exit lane, a vehicle with a fee is let out from outside the console (the parking
    software's own booth program), which the booth window lists as an unexplained opening."""
    try:
        await sim.arrive("3", "沪A7K913")
        await sim.pass_barrier("3")
        # parked since 137 minutes ago, the simulated clock staying on the wall clock
        await sim.seed_in_park("粤BD2468", 137, "1")
        await sim.arrive("2", "粤BD2468")
    except Exception:
        log.warning("could not stage the demo vehicles", exc_info=True)
    try:
        await sim.seed_in_park("粤BQ5066", 75, "3")
        await sim.arrive("4", "粤BQ5066")
        await sim.open_outside("4", "admin")
    except Exception:
        log.warning("could not stage the opening made outside the console", exc_info=True)


async def stage_misread(sim: Simulator) -> None:
    """Bring a parked vehicle to the second exit lane with its plate misread (8 read as B), and
    park a few look-alike plates, so that find entry (F8) has candidates to rank."""
    try:
        await sim.seed_in_park("粤B80261", 95, "1")
        for plate, minutes in (("粤B80267", 40), ("粤B30261", 200), ("粤E80261", 15)):
            await sim.seed_in_park(plate, minutes, "3")
        for _ in range(40):  # the opening staged at that lane first: wait until the car left
            try:
                await sim.arrive(MISREAD_LANE, "粤B80261", read="粤BB0261")
                break
            except SimError:
                await asyncio.sleep(0.5)
        else:
            log.warning("could not stage the misread vehicle: lane %s stayed occupied",
                        MISREAD_LANE)
    except Exception:
        log.warning("could not stage the misread vehicle", exc_info=True)
