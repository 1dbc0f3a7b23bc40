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
