"""The callback kinds of section 6: index (CallbackInterfaceEnum), listener path and model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from booth_console.protocol import models as m

__all__ = ["CALLBACK_KINDS", "CallbackKind", "kind_by_index", "kind_by_path", "kind_by_route"]

CALLBACK_PREFIX = "/API/V2/"


@dataclass(frozen=True)
class CallbackKind:
    """One kind of callback the parking software pushes.

    Attributes:
        index: the CallbackInterfaceEnum number used by ``SetCallbackParams``.
        name: the last path segment, e.g. ``OnVehicleIn``; also the V3.0 callback route.
        title: the document's description.
        model: the pydantic model of the callback Data.
        retried: whether the parking software retries it on failure (indexes 6 and 10 do not).
    """

    index: int
    name: str
    title: str
    model: type[Any]
    retried: bool = True

    @property
    def path(self) -> str:
        """The listener path, e.g. ``/API/V2/OnVehicleIn``."""
        return CALLBACK_PREFIX + self.name


CALLBACK_KINDS: tuple[CallbackKind, ...] = (
    CallbackKind(0, "OnVehicleIn", "Vehicle Entry Callback", m.VehicleInCallback),
    CallbackKind(1, "OnVehicleOut", "Vehicle Exit Callback", m.VehicleOutCallback),
    CallbackKind(2, "OnPayResult", "Payment Result Callback", m.PayResultCallback),
    CallbackKind(3, "OnSubscribedVehicle", "Monthly Card Issuance Callback",
                 m.SubscribedVehicleCallback),
    CallbackKind(4, "OnRechargeGracePeriod", "Monthly Card Recharge/Extend Callback",
                 m.RechargeCallback),
    CallbackKind(5, "OnUnsubscribedVehicle", "Monthly Card Cancellation Callback",
                 m.UnsubscribedVehicleCallback),
    CallbackKind(6, "OnParkingSpaces", "Parking Space Change Callback", m.ParkingSpacesCallback,
                 retried=False),
    CallbackKind(7, "OnGateReleaseRecord", "Abnormal Exit Record Callback", m.GateReleaseCallback),
    CallbackKind(8, "OnBlackList", "Blacklist Info Callback", m.BlacklistCallback),
    CallbackKind(9, "OnViolationReservation", "Violation Reservation Callback",
                 m.ViolationReservationCallback),
    CallbackKind(10, "OnLaneChange", "Booth Lane Info Callback", m.LaneChangeCallback,
                 retried=False),
)

_BY_INDEX = {k.index: k for k in CALLBACK_KINDS}
_BY_NAME = {k.name.lower(): k for k in CALLBACK_KINDS}


def kind_by_index(index: int) -> CallbackKind | None:
    """The callback kind with this CallbackInterfaceEnum index, or ``None``."""
    return _BY_INDEX.get(index)


def kind_by_path(path: str) -> CallbackKind | None:
    """The callback kind served at this path (case-insensitive, trailing slash ignored)."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return _BY_NAME.get(name.lower())


def kind_by_route(route: str) -> CallbackKind | None:
    """The callback kind for a V3.0 callback route name such as ``OnVehicleIn``."""
    return _BY_NAME.get(route.lower())
