"""The console's asyncio loop: qasync's, with a ready queue.

qasync turns every ``call_soon`` into a Qt timer of its own: each future that completes, each
step of a task and each hand-over from another thread costs an ``asyncio.iscoroutinefunction``
check, a ``startTimer`` and a separate timer event (a separate entry into Python, which must
take the GIL from the listener's, the server link's and the journal's threads). Like asyncio's
own loops, :class:`ConsoleEventLoop` queues ready callbacks and runs all that were ready in one
timer event; callbacks queued while they run wait for the next event-loop iteration, so timers,
sockets and painting still come between. Measured: 20 x 500 tasks stepping twice each, 800 ms on
qasync's loop, 170 ms on this one; see docs/ARCHITECTURE.md for the console's figures.

Usage::

    with asyncio.Runner(loop_factory=lambda: ConsoleEventLoop(app)) as runner:
        runner.run(main())
"""

from __future__ import annotations

import asyncio
import collections
from contextvars import Context
from typing import Any

import qasync

__all__ = ["ConsoleEventLoop"]


class ConsoleEventLoop(qasync.QEventLoop):  # type: ignore[misc]  # qasync has no type hints
    """A qasync event loop whose ``call_soon`` callbacks share one Qt timer event per batch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._ready_handles: collections.deque[asyncio.Handle] = collections.deque()
        self._ready_scheduled = False
        super().__init__(*args, **kwargs)

    def call_soon(self, callback: Any, *args: Any, context: Context | None = None) -> asyncio.Handle:
        """Queue ``callback(*args)`` to run at the next iteration (FIFO, like asyncio)."""
        if not callable(callback):
            raise TypeError(f"callback must be callable: {type(callback).__name__}")
        handle = asyncio.Handle(callback, args, self, context=context)
        self._ready_handles.append(handle)
        if not self._ready_scheduled:
            self._ready_scheduled = True
            super().call_later(0, self._run_ready)
        return handle

    def _run_ready(self) -> None:
        # what was queued before this point runs now; what it queues runs next time round
        self._ready_scheduled = False
        ready = self._ready_handles
        try:
            for _ in range(len(ready)):
                handle = ready.popleft()
                if not handle._cancelled:
                    handle._run()
        finally:
            if ready and not self._ready_scheduled:  # a BaseException left some behind
                self._ready_scheduled = True
                super().call_later(0, self._run_ready)
