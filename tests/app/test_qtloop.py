"""The console's loop keeps asyncio's ordering and error rules while batching ready callbacks."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from PySide6.QtCore import QTimer

from booth_console.app.qtloop import ConsoleEventLoop


def test_ready_callbacks_keep_order_and_later_ones_wait_a_turn(loop: Any) -> None:
    assert isinstance(loop, ConsoleEventLoop)
    order: list[str] = []
    turns = {"chain": 0}

    async def scenario() -> None:
        done = asyncio.get_running_loop().create_future()
        loop.call_soon(order.append, "first")
        loop.call_soon(order.append, "second")
        cancelled = loop.call_soon(order.append, "cancelled")
        cancelled.cancel()
        loop.call_soon(order.append, "third")

        # a callback that queues itself again and again must not starve Qt: what a batch
        # queues runs on a later turn, so the Qt timer below still fires
        def chain() -> None:
            turns["chain"] += 1
            if not done.done():
                loop.call_soon(chain)

        loop.call_soon(chain)
        QTimer.singleShot(20, lambda: done.set_result(None))
        await asyncio.wait_for(done, 5)

    loop.run_until_complete(scenario())
    assert order == ["first", "second", "third"]
    assert turns["chain"] > 1


def test_errors_go_to_the_handler_and_the_rest_still_run(loop: Any) -> None:
    seen: list[Any] = []
    ran: list[int] = []
    handler = loop.get_exception_handler()
    loop.set_exception_handler(lambda _l, ctx: seen.append(ctx.get("exception")))

    def boom() -> None:
        raise ValueError("bad slot")

    async def scenario() -> None:
        loop.call_soon(boom)
        loop.call_soon(ran.append, 1)
        await asyncio.sleep(0.05)

    try:
        loop.run_until_complete(scenario())
    finally:
        loop.set_exception_handler(handler)
    assert ran == [1]
    assert len(seen) == 1 and isinstance(seen[0], ValueError)


def test_other_threads_and_many_tasks(loop: Any) -> None:
    async def step(i: int) -> int:
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return i

    async def scenario() -> None:
        results = await asyncio.gather(*(step(i) for i in range(2000)))
        assert results == list(range(2000))
        fut = asyncio.get_running_loop().create_future()
        threading.Thread(target=lambda: loop.call_soon_threadsafe(fut.set_result, "from a thread")).start()
        assert await asyncio.wait_for(fut, 5) == "from a thread"
        assert await asyncio.get_running_loop().run_in_executor(None, sum, [1, 2, 3]) == 6

    loop.run_until_complete(scenario())


def _guarded(loop: Any, coro: Any, limit_ms: int = 4000) -> Any:
    """Run ``coro``; a Qt timer (not the asyncio queue under test) stops the loop at the limit,
    so a lost wake-up fails the test instead of hanging it."""
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.stop)
    guard.start(limit_ms)
    try:
        return loop.run_until_complete(coro)
    finally:
        guard.stop()


def test_call_soon_from_another_thread_does_not_lose_the_queue(loop: Any) -> None:
    """asyncio's rule is call_soon_threadsafe from other threads; a call_soon that breaks it
    (a future settled on the wrong thread) must not leave the queue waiting for a Qt timer that
    could not be started there (Qt timers belong to their thread) - which stalled every task."""
    ran: list[str] = []

    async def scenario() -> None:
        t = threading.Thread(target=lambda: loop.call_soon(ran.append, "from a thread"))
        t.start()
        t.join()
        await asyncio.sleep(0)  # queued behind it: runs only if the queue still runs
        await asyncio.sleep(0.05)
        ran.append("after")

    _guarded(loop, scenario())
    assert ran == ["from a thread", "after"]


def test_watchdog_runs_a_queue_whose_wake_up_was_lost(loop: Any, caplog: Any) -> None:
    """Callbacks queued for more than a second with no wake-up on the way are run by the
    watchdog (a Qt timer of its own) and logged once with the loop's state."""
    import logging

    ran: list[int] = []

    async def scenario() -> None:
        await asyncio.sleep(0)
        # what a lost wake-up looks like: queued, flagged as scheduled, no timer on the way
        loop._ready_scheduled = True
        for i in range(3):
            loop._ready_handles.append(asyncio.Handle(ran.append, (i,), loop))
        loop._ready_since = loop.time()
        fut = loop.create_future()
        loop.call_soon(fut.set_result, None)  # joins the stuck queue
        await fut

    with caplog.at_level(logging.WARNING, logger="booth_console.loop"):
        _guarded(loop, scenario())
    assert ran == [0, 1, 2]
    stalls = [r for r in caplog.records if "queued" in r.getMessage()]
    assert len(stalls) == 1 and "scheduled=True" in stalls[0].getMessage()
