"""Shared test set-up: headless Qt, a qasync loop fixture that fails on stray task errors."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BOOTH_CONSOLE_NO_SOUND", "1")

import pytest


@pytest.fixture
def loop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync event loop on the test QApplication; fails the test on unhandled task errors.

    Drive coroutines with ``loop.run_until_complete(scenario())``; never call ``qtbot.wait*``
    from inside a coroutine.
    """
    from booth_console.app.qtloop import ConsoleEventLoop  # the console's (qasync) loop

    ev_loop = ConsoleEventLoop(qapp, already_running=False)
    errors: list[dict[str, Any]] = []
    ev_loop.set_exception_handler(lambda _l, ctx: errors.append(ctx))
    asyncio.set_event_loop(ev_loop)
    try:
        yield ev_loop
        pending = [t for t in asyncio.all_tasks(ev_loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            ev_loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        ev_loop.run_until_complete(ev_loop.shutdown_asyncgens())
    finally:
        ev_loop.close()
        asyncio.set_event_loop(None)
    if errors:
        raise AssertionError(f"unhandled errors on the event loop: {errors!r}")


async def wait_signal(signal: Any, timeout: float = 5.0, predicate: Any = None) -> Any:
    """Await the next emission of a Qt signal (optionally one matching ``predicate``)."""
    fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def _slot(*args: Any) -> None:
        value = args[0] if len(args) == 1 else args
        if not fut.done() and (predicate is None or predicate(value)):
            fut.set_result(value)

    signal.connect(_slot)
    try:
        return await asyncio.wait_for(fut, timeout)
    finally:
        signal.disconnect(_slot)
