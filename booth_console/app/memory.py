"""Memory over a shift: the C heap gives what it does not use back to the system.

On Linux, glibc's ``malloc`` gives each thread that allocates an arena of its own (the image
workers, the journal's writer, the listener's and the server link's threads) besides the main
heap of the Qt thread. Two of its habits make a console's resident memory creep up over a busy
shift although what it uses does not (``bench/soak.py``; docs/MEMORY.md has the curves):

* Its thresholds move. A large block (a decoded capture: hundreds of kB) is first given a
  mapping of its own, returned to the system when freed; but freeing one raises the threshold
  to that size (up to 32 MiB), and the threshold below which a thread arena keeps its free top
  to twice that. From then on captures are decoded into the image workers' arenas, where
  those the cache dropped leave holes, and arenas keep their free tops.
* Memory freed between blocks still in use stays resident until ``malloc_trim``.

:class:`HeapTrimmer` fixes both thresholds at glibc's starting values (``mallopt``; a fixed
value switches the moving one off) and calls ``malloc_trim(0)`` from a timer on the Qt thread
every :data:`TRIM_EVERY_S` seconds, which gives back every whole free page (``madvise``):
nothing in use moves, and a later ``malloc`` gets the pages back from the kernel, zeroed. A
trim takes well under a millisecond (0.4 ms at most in the soak, which prints the longest).
On Windows, macOS or a C library without these calls (musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

__all__ = ["MMAP_THRESHOLD", "TRIM_EVERY_S", "HeapTrimmer", "fix_thresholds", "malloc_trim"]

log = logging.getLogger("booth_console.memory")

#: how often the heap is trimmed (seconds)
TRIM_EVERY_S = 60.0

#: blocks this large get a mapping of their own, returned when freed; a thread arena's free
#: top beyond this is returned too (glibc's starting values of both thresholds)
MMAP_THRESHOLD = 128 << 10

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018  (glibc's; musl has none)
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def fix_thresholds(threshold: int = MMAP_THRESHOLD) -> bool:
    """Fix glibc's mmap and trim thresholds (``mallopt``), which otherwise rise as large
    blocks are freed; whether it could."""
    libc = _glibc()
    if libc is None:
        return False
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, threshold)
                and libc.mallopt(_M_TRIM_THRESHOLD, threshold))


def malloc_trim() -> Callable[[], int] | None:
    """glibc's ``malloc_trim(0)`` as a function of no argument, or ``None`` where there is none
    (not Linux, or another C library)."""
    libc = _glibc()
    if libc is None:
        return None
    fn = libc.malloc_trim
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int

    def trim() -> int:
        return int(fn(0))

    return trim


class HeapTrimmer(QObject):
    """Fixes glibc's thresholds and gives the C heap's free pages back to the system every
    ``interval_s`` (Linux/glibc; nothing elsewhere).

    Attributes:
        calls: trims done so far.
        last_ms: how long the last one took (milliseconds); ``max_ms`` the longest.
    """

    def __init__(self, interval_s: float = TRIM_EVERY_S, parent: QObject | None = None,
                 trim: Callable[[], int] | None = None) -> None:
        super().__init__(parent)
        self._trim = trim if trim is not None else malloc_trim()
        if trim is None and self._trim is not None and not fix_thresholds():
            log.warning("could not fix malloc's thresholds (mallopt)")
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
