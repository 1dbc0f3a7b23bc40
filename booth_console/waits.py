"""Waiting with a time limit without losing a cancellation.

``asyncio.wait_for`` on Python 3.11 swallows a cancellation that arrives in the same loop turn
as the awaited thing completes (CPython gh-86296, fixed in 3.12): it returns the inner result
and the task runs on as if nothing had been asked. A lane poller that waited for its next turn
with ``wait_for(event.wait(), delay)`` while a callback woke it and quit cancelled it went on
polling for ever, and quit (and the test that stopped it) waited for it for ever.
``asyncio.timeout`` counts cancellation requests (``Task.cancelling``) and keeps them.

Usage::

    woken = await wait_event(self._wake, delay)   # True: set; False: the time passed

Also here: :class:`TaskSet`, the background tasks an object owns, and :func:`cancel_and_wait`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterable, Iterator
from typing import Any

__all__ = ["TaskSet", "cancel_and_wait", "wait_event"]


async def wait_event(event: asyncio.Event, timeout: float) -> bool:
    """Wait until ``event`` is set or ``timeout`` seconds pass; return whether it is set.

    A cancellation of the waiting task is always re-raised, also when the event is set in
    the same turn."""
    if event.is_set():
        return True
    try:
        async with asyncio.timeout(max(0.0, timeout)):
            await event.wait()
    except TimeoutError:
        return event.is_set()
    return True


async def cancel_and_wait(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel ``tasks`` and wait until each has ended; what they raise is theirs (logged where
    they were spawned), so nothing is raised here."""
    pending = list(tasks)
    for task in pending:
        task.cancel()
    for task in pending:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


class TaskSet:
    """Background tasks an object owns: started with :meth:`spawn`, forgotten when done (a
    failure is logged with the task's name), cancelled together by :meth:`aclose`.

    Once closing, :meth:`spawn` closes the coroutine instead of starting it, as it does when no
    loop is running (an object stopped from a synchronous path)."""

    def __init__(self, prefix: str, logger: logging.Logger) -> None:
        self._prefix = prefix
        self._log = logger
        self._tasks: set[asyncio.Task[Any]] = set()
        self.closing = False

    def __len__(self) -> int:
        return len(self._tasks)

    def __iter__(self) -> Iterator[asyncio.Task[Any]]:
        return iter(list(self._tasks))

    def spawn(self, coro: Coroutine[Any, Any, object], name: str) -> asyncio.Task[Any] | None:
        """Run ``coro`` as a task named ``<prefix>-<name>``; ``None`` when closing or no loop
        runs (the coroutine is then closed, never left un-awaited)."""
        if self.closing:
            coro.close()
            return None
        try:
            task = asyncio.get_running_loop().create_task(coro, name=f"{self._prefix}-{name}")
        except RuntimeError:
            coro.close()
            return None
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                self._log.error("%s task %s failed", self._prefix, name, exc_info=t.exception())

        task.add_done_callback(done)
        return task

    async def aclose(self, *also: asyncio.Future[Any]) -> None:
        """Stop starting tasks, cancel every one (and ``also``) and wait for them to end."""
        self.closing = True
        await cancel_and_wait([*self._tasks, *also])
