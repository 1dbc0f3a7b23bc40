"""Run a transport on an asyncio loop in a thread of its own (the console's HTTP link).

The console polls every lane (``GetLaneStatus`` every second, ``GetLaneOrder`` every 500 ms,
more while callbacks arrive). Each httpx request is about a millisecond of Python (building the
request, h11, anyio, reading the answer); on the console's qasync loop that work ran on the Qt
thread, between paints - 65 % of its Python time under a 200 callbacks/s burst (bench/ui.py with
``BENCH_UI_PROFILE=1``). Wrapped in a :class:`ThreadedTransport`, the requests run on a plain
asyncio loop in a ``server-link`` thread, and the Qt thread only signs the envelope and takes the
parsed answer back.

Usage::

    transport = ThreadedTransport(lambda: HttpTransport(base_url, timeout=5.0))
    answer = await transport.send(endpoint, envelope)   # from any running loop
    await transport.aclose()

Errors raised by the inner transport (``ServerUnreachable``, ``ServerTimeout``, ...) reach the
caller unchanged; cancelling the caller cancels the request in the link thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from booth_console.protocol.endpoints import Endpoint
from booth_console.transport.base import Transport

__all__ = ["ThreadedTransport"]

log = logging.getLogger("booth_console.client")


class ThreadedTransport:
    """A :class:`Transport` that runs ``factory()``'s transport on its own thread and loop.

    The thread starts with the first request and stops in :meth:`aclose`.

    Args:
        factory: makes the inner transport (called once, on the link thread).
        name: the thread's name.
    """

    def __init__(self, factory: Callable[[], Transport], *, name: str = "server-link") -> None:
        self._factory = factory
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._inner: Transport | None = None
        self._closed = False

    def __repr__(self) -> str:
        inner = self._inner if self._inner is not None else "not started"
        return f"<ThreadedTransport {inner!r}>"

    def _start(self) -> tuple[asyncio.AbstractEventLoop, Transport]:
        with self._lock:
            if self._closed:
                raise RuntimeError("the transport is closed")
            if self._loop is None or self._inner is None:
                loop = asyncio.new_event_loop()
                made: list[Transport] = []
                failed: list[BaseException] = []
                ready = threading.Event()

                def main() -> None:
                    asyncio.set_event_loop(loop)
                    try:
                        made.append(self._factory())
                    except BaseException as exc:  # reported to the caller below
                        failed.append(exc)
                    ready.set()
                    if failed:
                        loop.close()
                        return
                    try:
                        loop.run_forever()
                    finally:
                        loop.run_until_complete(loop.shutdown_asyncgens())
                        loop.close()

                thread = threading.Thread(target=main, name=self._name, daemon=True)
                thread.start()
                ready.wait()
                if failed:
                    raise failed[0]
                self._loop, self._inner, self._thread = loop, made[0], thread
            return self._loop, self._inner

    async def send(self, endpoint: Endpoint, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send on the link thread; the answer (or the inner transport's error) comes back."""
        loop, inner = self._start()
        future = asyncio.run_coroutine_threadsafe(inner.send(endpoint, envelope), loop)
        return await asyncio.wrap_future(future)

    async def aclose(self) -> None:
        """Close the inner transport and stop the thread."""
        with self._lock:
            self._closed = True
            loop, inner, thread = self._loop, self._inner, self._thread
            self._loop = self._inner = self._thread = None
        if loop is None or inner is None or thread is None:
            return
        try:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(inner.aclose(), loop))
        except Exception:
            log.exception("closing the server link")
        finally:
            loop.call_soon_threadsafe(loop.stop)
            await asyncio.get_running_loop().run_in_executor(None, thread.join, 5.0)
