"""The console's asyncio loop: qasync's, with a ready queue.

qasync turns every ``call_soon`` into a Qt timer of its own: each future that completes, each
step of a task and each hand-over from another thread costs an ``asyncio.iscoroutinefunction``
check, a ``startTimer`` and a separate timer event (a separate entry into Python, which must
take the GIL from the listener's, the server link's and the journal's threads). Like asyncio's
own loops, :class:`ConsoleEventLoop` queues ready callbacks and runs all that were ready in one
timer event; callbacks queued while they run wait for the next event-loop iteration, so timers,
sockets and painting still come between. Measured: 20 x 500 tasks stepping twice each, 800 ms on
qasync's loop, 170 ms on this one; see docs/ARCHITECTURE.md for the console's figures.

The queue is woken by a Qt timer, and a Qt timer can only be started on its own thread: a
``call_soon`` reached from another thread (against asyncio's rule, e.g. a future settled there)
is passed to the Qt thread as ``call_soon_threadsafe`` would, so that it can never leave the
queue marked "scheduled" with no timer on the way (which stalled every task while Qt ran on).
A watchdog (a Qt timer of its own, every 0.5 s) runs callbacks that have waited more than
``STALL_S`` with no batch on the way and logs the loop's state (rate-limited): a lost wake-up
costs a second and a warning, never a frozen console.

Usage::

    with asyncio.Runner(loop_factory=lambda: ConsoleEventLoop(app)) as runner:
        runner.run(main())
"""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
import time
from contextvars import Context
from typing import Any

import qasync
from PySide6.QtCore import QTimer

__all__ = ["ConsoleEventLoop"]

log = logging.getLogger("booth_console.loop")

#: callbacks queued this long (seconds) without running are a stall: the watchdog runs them
STALL_S = 1.0
#: at most one stall warning per this many seconds (the rest are counted)
STALL_LOG_EVERY_S = 30.0


class ConsoleEventLoop(qasync.QEventLoop):  # type: ignore[misc]  # qasync has no type hints
    """A qasync event loop whose ``call_soon`` callbacks share one Qt timer event per batch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._ready_handles: collections.deque[asyncio.Handle] = collections.deque()
        self._ready_scheduled = False
        self._ready_since = 0.0  # when the oldest callback in the queue was queued
        self._in_batch = False
        self._owner = threading.get_ident()  # the Qt thread: the only one that may start timers
        self._stalls = 0
        self._stall_logged_at = -STALL_LOG_EVERY_S
        super().__init__(*args, **kwargs)
        self._watchdog = QTimer()
        self._watchdog.setInterval(500)
        self._watchdog.timeout.connect(self._check_stall)
        self._watchdog.start()

    def call_soon(self, callback: Any, *args: Any, context: Context | None = None) -> asyncio.Handle:
        """Queue ``callback(*args)`` to run at the next iteration (FIFO, like asyncio)."""
        if not callable(callback):
            raise TypeError(f"callback must be callable: {type(callback).__name__}")
        handle = asyncio.Handle(callback, args, self, context=context)
        if threading.get_ident() != self._owner:
            # not the Qt thread: hand it over as call_soon_threadsafe does
            super().call_soon_threadsafe(self._enqueue, handle)
            return handle
        self._enqueue(handle)
        return handle

    def _enqueue(self, handle: asyncio.Handle) -> None:
        ready = self._ready_handles
        if not ready:
            self._ready_since = time.monotonic()
        ready.append(handle)
        if not self._ready_scheduled:
            self._ready_scheduled = True
            super().call_later(0, self._run_ready)

    def _run_ready(self) -> None:
        # what was queued before this point runs now; what it queues runs next time round
        self._ready_scheduled = False
        ready = self._ready_handles
        self._in_batch = True
        try:
            for _ in range(len(ready)):
                if not ready:  # emptied by a nested run (a callback that ran an event loop)
                    break
                handle = ready.popleft()
                if not handle._cancelled:
                    handle._run()
        finally:
            self._in_batch = False
            if ready:
                self._ready_since = time.monotonic()
                if not self._ready_scheduled:  # a BaseException left some behind
                    self._ready_scheduled = True
                    super().call_later(0, self._run_ready)

    def _check_stall(self) -> None:
        """Watchdog (Qt timer): run callbacks that have waited too long, and say so."""
        ready = self._ready_handles
        if not ready or self._in_batch or self.is_closed():
            return
        waited = time.monotonic() - self._ready_since
        if waited < STALL_S:
            return
        self._stalls += 1
        now = time.monotonic()
        if now - self._stall_logged_at >= STALL_LOG_EVERY_S:
            self._stall_logged_at = now
            first = ", ".join(repr(h) for h in list(ready)[:3])
            log.warning(
                "event loop: %d callback(s) queued for %.1f s without running (scheduled=%s, "
                "running=%s, stalls so far %d); running them now. First: %s",
                len(ready), waited, self._ready_scheduled, self.is_running(), self._stalls, first,
            )
        self._run_ready()

    def close(self) -> None:
        """Close the loop and stop the watchdog."""
        super().close()
        self._watchdog.stop()
