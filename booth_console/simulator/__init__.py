"""The parking server simulator: the embedded default Booth Console runs against.

``Simulator(SimulatorConfig()).start()`` serves the vendor's V2.0 HTTP interface on the running
asyncio loop, with a seeded lot, fees, callbacks, capture images, a ``/Sim/`` control API and
optional live traffic. See docs/SIMULATOR.md.
"""

from booth_console.simulator.lot import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_PARK_KEY,
    DEFAULT_PORT,
)
from booth_console.simulator.server import Simulator, SimulatorConfig

__all__ = [
    "DEFAULT_APP_ID",
    "DEFAULT_APP_SECRET",
    "DEFAULT_PARK_KEY",
    "DEFAULT_PORT",
    "Simulator",
    "SimulatorConfig",
]
