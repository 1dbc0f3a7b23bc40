"""The Qt side of the callback listener: one signal per callback kind plus a generic one.

Usage::

    hub = CallbackHub()
    processor = CallbackProcessor(..., sink=hub.sink, reject_sink=hub.reject_sink)
    # or: hub.attach(processor)
    hub.vehicle_in.connect(lane_controller.on_vehicle_in)   # receives a ReceivedCallback

The processor calls :meth:`CallbackHub.sink` on the asyncio loop's thread, which under qasync
is the Qt thread, so the signals are emitted (and direct-connected slots run) right there,
after the callback is committed to the journal. Slots must be quick; heavy work (image
decoding) belongs on a worker.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

from booth_console.listener.processor import CallbackProcessor, ReceivedCallback

__all__ = ["SIGNAL_BY_KIND", "CallbackHub"]

#: callback name -> signal attribute of :class:`CallbackHub`
SIGNAL_BY_KIND: dict[str, str] = {
    "OnVehicleIn": "vehicle_in",
    "OnVehicleOut": "vehicle_out",
    "OnPayResult": "pay_result",
    "OnSubscribedVehicle": "subscribed_vehicle",
    "OnRechargeGracePeriod": "recharge",
    "OnUnsubscribedVehicle": "unsubscribed_vehicle",
    "OnParkingSpaces": "parking_spaces",
    "OnGateReleaseRecord": "gate_release",
    "OnBlackList": "blacklist",
    "OnViolationReservation": "violation_reservation",
    "OnLaneChange": "lane_change",
}


class CallbackHub(QObject):
    """Turns accepted callbacks into Qt signals.

    Signals:
        received(ReceivedCallback): every accepted, new callback (after its kind's signal).
        vehicle_in, vehicle_out, pay_result, subscribed_vehicle, recharge,
        unsubscribed_vehicle, parking_spaces, gate_release, blacklist, violation_reservation,
        lane_change (ReceivedCallback): one per kind; ``.data`` is the kind's model.
        rejected(tuple[int, str, str]): ``(result_code, reason, source)`` of a refused body.
    """

    received = Signal(object)
    vehicle_in = Signal(object)
    vehicle_out = Signal(object)
    pay_result = Signal(object)
    subscribed_vehicle = Signal(object)
    recharge = Signal(object)
    unsubscribed_vehicle = Signal(object)
    parking_spaces = Signal(object)
    gate_release = Signal(object)
    blacklist = Signal(object)
    violation_reservation = Signal(object)
    lane_change = Signal(object)
    rejected = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.received_count = 0
        self.rejected_count = 0

    def __repr__(self) -> str:
        return f"<CallbackHub received={self.received_count} rejected={self.rejected_count}>"

    def attach(self, processor: CallbackProcessor) -> None:
        """Make this hub the processor's sink and rejection sink."""
        processor.sink = self.sink
        processor.reject_sink = self.reject_sink

    def signal_for(self, name: str) -> SignalInstance | None:
        """The per-kind signal for a callback name such as ``OnVehicleIn``."""
        attr = SIGNAL_BY_KIND.get(name)
        sig: Any = getattr(self, attr) if attr else None
        return sig if isinstance(sig, SignalInstance) else None

    def sink(self, cb: ReceivedCallback) -> None:
        """Emit the kind's signal, then :attr:`received`."""
        self.received_count += 1
        sig = self.signal_for(cb.kind.name)
        if sig is not None:
            sig.emit(cb)
        self.received.emit(cb)

    def reject_sink(self, result_code: int, reason: str, source: str) -> None:
        """Emit :attr:`rejected` with ``(result_code, reason, source)``."""
        self.rejected_count += 1
        self.rejected.emit((result_code, reason, source))
