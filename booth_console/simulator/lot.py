"""The simulated car park's fixed configuration: defaults, booth, area, lanes, types, tariff.

Numbers (record ``No`` values, plate-type categories, vehicle types) reuse the examples of the
vendor's LAN interface document, so the document's examples make sense against the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "AREA_NAME",
    "AREA_NO",
    "AREA_SPACES",
    "BOOTH_NO",
    "DEFAULT_APP_ID",
    "DEFAULT_APP_SECRET",
    "DEFAULT_PARK_KEY",
    "DEFAULT_PLATE_TYPE_NO",
    "DEFAULT_PORT",
    "DEFAULT_VEHICLE_TYPE_NO",
    "LANES",
    "PLATE_TYPES",
    "TARIFFS",
    "VEHICLE_TYPES",
    "LaneDef",
    "PlateTypeDef",
    "Tariff",
    "VehicleTypeDef",
    "plate_color_of",
]

DEFAULT_APP_ID = "bcdemo01"
#: Demo only: printed at start-up of ``booth-console simulate``, never logged elsewhere.
DEFAULT_APP_SECRET = "booth-demo-secret"
DEFAULT_PARK_KEY = "1772492942362538"
DEFAULT_PORT = 8888

BOOTH_NO = "1772492942363478"
AREA_NO = "1772492942540835"
AREA_NAME = "Outer Field"
AREA_SPACES = 500
CREATED = "2026-03-02 23:09:02"


@dataclass(frozen=True)
class LaneDef:
    """A lane of the booth: number, name, entry or exit, charging, area link record number."""

    no: str
    name: str
    entry: bool
    charge: bool
    link_no: str
    camera_no: str
    camera_name: str


LANES: tuple[LaneDef, ...] = (
    LaneDef("1", "Entrance A", True, False, "1774609216714465", "1772492942377871", "Entrance A Camera"),
    LaneDef("2", "Exit A", False, True, "1774609216715573", "1772492942377879", "Exit A Camera"),
    LaneDef("3", "Entrance B", True, False, "1774609216716681", "1772492942377883", "Entrance B Camera"),
    LaneDef("4", "Exit B", False, True, "1774609216717789", "1772492942377887", "Exit B Camera"),
)


@dataclass(frozen=True)
class PlateTypeDef:
    """A plate type (CardType): number, name, category code, multi-car flag."""

    no: str
    name: str
    category: str
    is_more_car: bool = False

    @property
    def monthly(self) -> bool:
        """Monthly categories: 3652-3655 and the document's 3661-3664."""
        return self.category in {"3652", "3653", "3654", "3655", "3661", "3662", "3663", "3664"}

    @property
    def free(self) -> bool:
        """The free-vehicle category 3656."""
        return self.category == "3656"


PLATE_TYPES: tuple[PlateTypeDef, ...] = (
    PlateTypeDef("1772492942389944", "Monthly Rental Car A", "3652"),
    PlateTypeDef("1772492942389782", "Monthly Rental Car B", "3653", True),
    PlateTypeDef("1772492942389940", "Monthly Rental Car C", "3654"),
    PlateTypeDef("1772492942389560", "Monthly Rental Car D", "3655"),
    PlateTypeDef("1772492942389853", "Monthly Rental Car E", "3661"),
    PlateTypeDef("1772492942389129", "Monthly Rental Car F", "3662"),
    PlateTypeDef("1772492942389699", "Monthly Rental Car G", "3663"),
    PlateTypeDef("1772492942389607", "Monthly Rental Car H", "3664"),
    PlateTypeDef("1772492942389506", "Temporary Car A", "3651"),
    PlateTypeDef("1772492942389238", "Temporary Car B", "3650"),
    PlateTypeDef("1772492942389881", "Temporary Car C", "3649"),
    PlateTypeDef("1772492942389922", "Temporary Car D", "3648"),
    PlateTypeDef("1772492942389720", "Temporary Car E", "3647"),
    PlateTypeDef("1772492942389279", "Temporary Car F", "3646"),
    PlateTypeDef("1772492942389113", "Temporary Car G", "3645"),
    PlateTypeDef("1772492942389629", "Temporary Car H", "3644"),
    PlateTypeDef("1772492942389454", "Free Car", "3656"),
    PlateTypeDef("1772492942389308", "Stored Value Car", "3657"),
)

#: Temporary Car A: the plate type of an ordinary visitor.
DEFAULT_PLATE_TYPE_NO = "1772492942389506"


@dataclass(frozen=True)
class VehicleTypeDef:
    """A vehicle type (CarType) and the plate colour (LicensePlateColorEnum) it implies."""

    no: str
    name: str
    color: int
    created: str = CREATED


VEHICLE_TYPES: tuple[VehicleTypeDef, ...] = (
    VehicleTypeDef("1772492942395203", "Blue Plate Vehicle", 1),
    VehicleTypeDef("1772492942395558", "Yellow Plate Vehicle", 2),
    VehicleTypeDef("1772492942395297", "Green Plate Vehicle", 5),
    VehicleTypeDef("1772492942395388", "Black Plate Vehicle", 4),
    VehicleTypeDef("1772492942395917", "White Plate Vehicle", 3),
    VehicleTypeDef("1772492942395140", "No Plate Vehicle", 0),
    VehicleTypeDef("1772492942395720", "0 Plate Vehicle", 0),
    VehicleTypeDef("1772492942395498", "Yellow-Green Plate Vehicle", 6),
    VehicleTypeDef("1773111596539522", "test", 0, "2026-03-10 02:59:56"),
)

#: Blue plate vehicle.
DEFAULT_VEHICLE_TYPE_NO = "1772492942395203"


def plate_color_of(vehicle_type_no: str | None) -> int:
    """The LicensePlateColorEnum value implied by a vehicle type (0 = unknown)."""
    for vt in VEHICLE_TYPES:
        if vt.no == vehicle_type_no:
            return vt.color
    return 0


@dataclass(frozen=True)
class Tariff:
    """A time tariff: free minutes, first-hour price, price per later hour started, 24 h cap."""

    name: str
    free_minutes: int = 15
    first_hour: Decimal = Decimal(5)
    later_hour: Decimal = Decimal(2)
    daily_cap: Decimal = Decimal(40)


STANDARD = Tariff("Standard")
#: Per plate-type category overrides; every other category uses :data:`STANDARD`.
TARIFFS: dict[str, Tariff] = {
    "3650": Tariff("Temporary Car B (large vehicle)", 15, Decimal(10), Decimal(4), Decimal(80)),
    "3649": Tariff("Temporary Car C (short stay)", 30, Decimal(3), Decimal(3), Decimal(30)),
}


def tariff_for(category: str) -> Tariff:
    """The tariff of a plate-type category."""
    return TARIFFS.get(category, STANDARD)
