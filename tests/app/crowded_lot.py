"""A crowded car park in the simulator: thousands of in-lot orders written in one transaction.

``Simulator.seed_in_park`` renders a capture per vehicle (about 30 ms); a lot of 10,000 would
take minutes. The decoys here are rows of the simulator's ``ParkingOrder`` table as its own
seeding writes them (no capture); everything read back goes through the real query route.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import timedelta

from booth_console.protocol.timefmt import format_time as fmt_time
from booth_console.simulator import Simulator, lot


def park_many(sim: Simulator, plates: Iterable[str], *, seed: int = 5, status: int = 200) -> int:
    """Put each plate in the lot (an order with ``status``, entered 20 min to 2 days ago)."""
    rng = random.Random(seed)
    engine = sim.engine
    now = engine.now()
    entries = [ln for ln in lot.LANES if ln.entry]
    vt = lot.VEHICLE_TYPES[0]
    count = 0
    with engine.store.transaction():
        for plate in plates:
            lane = rng.choice(entries)
            entered = now - timedelta(minutes=rng.randint(20, 48 * 60))
            engine.store.insert("ParkingOrder", dict(
                OrderNo=f"{engine.ids.number()}-{plate}", LicensePlateNumber=plate,
                EntryTime=fmt_time(entered), ExitTime="0001-01-01 00:00:00",
                EntryLaneNo=lane.no, EntryLaneName=lane.name, ExitLaneNo=None, ExitLaneName=None,
                EntryOperatorName="admin", ExitOperatorName=None, ParkingAreaNo=lot.AREA_NO,
                ParkingAreaName=lot.AREA_NAME, VehicleTypeNo=vt.no, VehicleTypeName=vt.name,
                EntryImageUrl="", ExitImageUrl=None, ParkingCardTypeNo=lot.DEFAULT_PLATE_TYPE_NO,
                ParkingCardTypeName="Temporary Car A", OrderStatus=status, IsFreePass=False,
                FreePassReason=None, TotalAmountDue=0, TotalAmountPaid=0, IsVehicleLocked=False,
                Remarks="", _PlateColor=vt.color))
            count += 1
    return count
