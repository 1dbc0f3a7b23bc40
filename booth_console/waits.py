"""Waiting with a time limit without losing a cancellation.

``asyncio.wait_for`` on Python 3.11 swallows a cancellation that arrives in the same loop turn
as the awaited thing completes (CPython gh-86296, fixed in 3.12): it returns the inner result
and the task runs on as if nothing had been asked. A lane poller that waited for its next turn
with ``wait_for(event.wait(), delay)`` while a callback woke it and quit cancelled it went on
polling for ever, and quit (and the test that stopped it) waited for it for ever.
``asyncio.timeout`` counts cancellation requests (``Task.cancelling``) and keeps them.

Usage::

    woken = await wait_event(self._wake, delay)   # True: set; False: the time passed
"""

from __future__ import annotations

import asyncio

__all__ = ["wait_event"]


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
