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

Replayed callbacks (``cb.replayed``: accepted by an earlier run that stopped before delivering
them) are handed over by ``start_listener``, which runs before the console has connected its
slots; the hub keeps each one until something is connected to its kind's signal or to
:attr:`CallbackHub.received`, then emits them, oldest first, on the next loop iteration.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMetaMethod, QObject, QTimer, Signal, SignalInstance

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
        #: replayed callbacks kept until a slot is connected for them
        self.held: list[ReceivedCallback] = []
        self._flush_scheduled = False

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
        """Emit the kind's signal, then :attr:`received` (a replayed callback nobody listens
        for yet is held until a slot is connected)."""
        if getattr(cb, "replayed", False) and (self.held or not self._has_receiver(cb)):
            self.held.append(cb)
            return
        self._emit(cb)

    def _emit(self, cb: ReceivedCallback) -> None:
        self.received_count += 1
        sig = self.signal_for(cb.kind.name)
        if sig is not None:
            sig.emit(cb)
        self.received.emit(cb)

    def _has_receiver(self, cb: ReceivedCallback) -> bool:
        if self.isSignalConnected(QMetaMethod.fromSignal(self.received)):
            return True
        sig = self.signal_for(cb.kind.name)
        return sig is not None and self.isSignalConnected(QMetaMethod.fromSignal(sig))

    def connectNotify(self, signal: QMetaMethod) -> None:
        """A slot was connected: emit held replays (after the caller's other connects)."""
        super().connectNotify(signal)
        if self.held and not self._flush_scheduled:
            self._flush_scheduled = True
            QTimer.singleShot(0, self, self._flush_held)

    def _flush_held(self) -> None:
        self._flush_scheduled = False
        held, self.held = self.held, []
        for cb in held:
            if self.held or not self._has_receiver(cb):
                self.held.append(cb)  # keep the order: nothing overtakes a held one
            else:
                self._emit(cb)

    def reject_sink(self, result_code: int, reason: str, source: str) -> None:
        """Emit :attr:`rejected` with ``(result_code, reason, source)``."""
        self.rejected_count += 1
        self.rejected.emit((result_code, reason, source))
