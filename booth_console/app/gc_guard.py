"""Run Python's garbage collector on the Qt thread only.

paho-mqtt's network thread (and the listener's and journal's threads) allocate Python
objects; with automatic collection on, a collection can start on one of those threads and
destroy Qt objects there ("Timers cannot be stopped from another thread"). As qutebrowser
does, automatic collection is switched off and a timer on the Qt thread collects each
generation when its threshold is passed.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

__all__ = ["GuiThreadCollector"]


class GuiThreadCollector(QObject):
    """Collects garbage from a timer on the thread that created it (the Qt thread)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._threshold = gc.get_threshold()
        gc.disable()
        self._started = time.monotonic()
        self._frozen = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def __repr__(self) -> str:
        return f"<GuiThreadCollector every {self._timer.interval()} ms>"

    def check(self) -> None:
        """Collect the generations whose thresholds have been passed."""
        if not self._frozen and time.monotonic() - self._started > 5.0:
            # Once start-up is over, move what exists to the permanent generation so that
            # full collections during a shift only walk what the shift created. Not after a
            # full collection: walking the whole start-up heap (Qt wrappers, pydantic schemas)
            # stalls the Qt thread for ~50 ms (bench/ui.py); the young generations are enough,
            # and what start-up garbage is left in the old one stays, once, for the shift.
            self._frozen = True
            gc.collect(1)
            gc.freeze()
            return
        l0, l1, l2 = gc.get_count()
        if l0 > self._threshold[0]:
            gc.collect(0)
            if l1 > self._threshold[1]:
                gc.collect(1)
                if l2 > self._threshold[2]:
                    gc.collect(2)

    def stop(self) -> None:
        """Stop the timer and give collection back to Python."""
        self._timer.stop()
        if self._frozen:
            gc.unfreeze()
        if self._was_enabled:
            gc.enable()
