"""Settling an asyncio future from another thread (the listener's, the journal writer's).

Usage::

    settle_threadsafe(loop, ready, None)        # ready.set_result(None), on ``loop``'s thread
    settle_threadsafe(loop, ready, exc)         # ready.set_exception(exc)
    loop.call_soon_threadsafe(settle, fut, exc) # the same, when the loop is known to be open
"""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["settle", "settle_threadsafe"]


def settle(fut: asyncio.Future[None] | None, exc: BaseException | None) -> None:
    """Set ``fut``'s result (``exc`` None) or exception, unless it is gone or already done.
    Call on the future's loop."""
    if fut is None or fut.done():
        return
    if exc is None:
        fut.set_result(None)
    else:
        fut.set_exception(exc)


def settle_threadsafe(
    loop: asyncio.AbstractEventLoop, fut: asyncio.Future[None] | None, exc: BaseException | None
) -> None:
    """:func:`settle` on ``loop``'s thread, from any thread; nothing if the loop is closed."""
    with contextlib.suppress(RuntimeError):  # the loop is already closed: nobody waits
        loop.call_soon_threadsafe(settle, fut, exc)
