"""Memory over a shift: the C heap's free pages go back to the system now and then.

On Linux, glibc's ``malloc`` gives each thread that allocates an arena of its own (the journal's
writer, the listener's and the server link's threads, the image workers) besides the main
heap of the Qt thread. Memory freed in an arena stays mapped for later: a burst (a capture
decoded, a page of records, SQLite's page cache for a query) leaves free pages scattered
between live blocks, which only ``malloc_trim`` gives back (an arena is otherwise shrunk from
its top only). Over a busy shift the arenas' resident size therefore creeps up although what
is in use does not (``bench/soak.py``; docs/MEMORY.md has the measured curves).

:class:`HeapTrimmer` calls ``malloc_trim(0)`` from a timer on the Qt thread every
:data:`TRIM_EVERY_S` seconds. It releases whole free pages only (``madvise``): nothing in use
moves, and a later ``malloc`` gets the pages back from the kernel, zeroed. It takes about a
millisecond (measured with the soak: the call time is kept in :attr:`HeapTrimmer.max_ms`).
On Windows, macOS or a C library without ``malloc_trim`` (musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

__all__ = ["TRIM_EVERY_S", "HeapTrimmer", "malloc_trim"]

log = logging.getLogger("booth_console.memory")

#: how often the heap is trimmed (seconds)
TRIM_EVERY_S = 60.0


def malloc_trim() -> Callable[[], int] | None:
    """glibc's ``malloc_trim(0)`` as a function of no argument, or ``None`` where there is none
    (not Linux, or another C library)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        fn = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int

    def trim() -> int:
        return int(fn(0))

    return trim


class HeapTrimmer(QObject):
    """Gives the C heap's free pages back to the system every ``interval_s`` (Linux/glibc).

    Attributes:
        calls: trims done so far.
        last_ms: how long the last one took (milliseconds); ``max_ms`` the longest.
    """

    def __init__(self, interval_s: float = TRIM_EVERY_S, parent: QObject | None = None,
                 trim: Callable[[], int] | None = None) -> None:
        super().__init__(parent)
        self._trim = trim if trim is not None else malloc_trim()
        self.calls = 0
        self.last_ms = 0.0
        self.max_ms = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, int(interval_s * 1000)))
        self._timer.timeout.connect(self.trim_now)
        if self._trim is not None:
            self._timer.start()

    def __repr__(self) -> str:
        state = "unavailable" if self._trim is None else (
            f"every {self._timer.interval() // 1000} s, {self.calls} calls, max {self.max_ms:.1f} ms")
        return f"<HeapTrimmer {state}>"

    @property
    def available(self) -> bool:
        """Whether this platform can trim (glibc on Linux)."""
        return self._trim is not None

    @property
    def active(self) -> bool:
        """Whether the timer runs."""
        return self._timer.isActive()

    def trim_now(self) -> float | None:
        """Trim once; how long it took (milliseconds), or ``None`` where it cannot."""
        if self._trim is None:
            return None
        started = time.perf_counter()
        try:
            self._trim()
        except Exception:  # never let housekeeping take the console down
            log.exception("malloc_trim failed; not trying again")
            self.stop()
            return None
        self.last_ms = (time.perf_counter() - started) * 1000
        self.max_ms = max(self.max_ms, self.last_ms)
        self.calls += 1
        return self.last_ms

    def stop(self) -> None:
        """Stop the timer (at quit)."""
        self._timer.stop()
