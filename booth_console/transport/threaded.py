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

Every request ends on the caller's side within ``deadline`` seconds whatever the link thread
does (an httpx timeout is per phase - connect, write, each read - not for the whole exchange,
and a link thread that is stuck, busy or gone answers nothing): the caller gets
``ServerTimeout`` (``sent=True``: the server may have acted) and the request is cancelled on
the link thread. A request the link abandons (its loop stopped) is a ``TransportError`` for
the caller, never a ``CancelledError`` that would end the caller's task as if it had been
stopped. Closing waits for the link at most ``close_timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from booth_console.errors import ServerTimeout, ServerUnreachable, TransportError
from booth_console.protocol.endpoints import Endpoint
from booth_console.transport.base import Transport

__all__ = ["ThreadedTransport"]

log = logging.getLogger("booth_console.client")


class ThreadedTransport:
    """A :class:`Transport` that runs ``factory()``'s transport on its own thread and loop.

    The thread starts at once and makes the inner transport there (an httpx client loads the
    TLS certificates: tens of ms that are neither the caller's thread's nor the first
    request's); it stops in :meth:`aclose`.

    Args:
        factory: makes the inner transport (called once, on the link thread).
        name: the thread's name.
        deadline: seconds after which a request ends for the caller whatever the link thread
            does (``None``: no limit beyond the inner transport's own).
        close_timeout: seconds :meth:`aclose` waits for the link thread.
    """

    def __init__(
        self,
        factory: Callable[[], Transport],
        *,
        name: str = "server-link",
        deadline: float | None = None,
        close_timeout: float = 1.5,
    ) -> None:
        self._factory = factory
        self.deadline = deadline
        self.close_timeout = close_timeout
        self._closed = False
        self._ready: concurrent.futures.Future[tuple[asyncio.AbstractEventLoop, Transport]] = (
            concurrent.futures.Future())
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        ready = self._ready.done() and self._ready.exception() is None
        return f"<ThreadedTransport {self._ready.result()[1] if ready else 'starting'!r}>"

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            inner = self._factory()
        except BaseException as exc:  # reported to every caller of send()
            self._ready.set_exception(exc)
            loop.close()
            return
        self._ready.set_result((loop, inner))
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _started(self) -> tuple[asyncio.AbstractEventLoop, Transport]:
        if self._ready.done():
            return self._ready.result()
        return await asyncio.wrap_future(self._ready)

    async def send(self, endpoint: Endpoint, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send on the link thread; the answer (or the inner transport's error) comes back."""
        if self._closed:
            raise RuntimeError("the transport is closed")
        loop, inner = await self._started()
        coro = inner.send(endpoint, envelope)
        try:
            future = asyncio.run_coroutine_threadsafe(coro, loop)
        except RuntimeError:  # the link's loop is closed
            coro.close()
            raise ServerUnreachable("the connection to the parking server is closed") from None
        answer = asyncio.wrap_future(future)  # cancelling it cancels the request on the link
        limit = asyncio.timeout(self.deadline)
        try:
            async with limit:
                return await answer
        except TimeoutError:
            if not limit.expired():
                raise  # the inner transport's own error
            log.warning("%s: no answer from the server link within %.1f s; abandoned",
                        endpoint.name, self.deadline or 0)
            raise ServerTimeout(
                f"the parking server did not answer {endpoint.name} in time", sent=True
            ) from None
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # the caller is being cancelled
            # the link cancelled it (its loop stopped): a failed request, not a stop
            raise TransportError(
                f"the request {endpoint.name} was abandoned by the server link", sent=True
            ) from None

    async def aclose(self) -> None:
        """Close the inner transport and stop the thread."""
        if self._closed:
            return
        self._closed = True
        try:
            loop, inner = await self._started()
        except Exception:  # the inner transport was never made; the thread has ended
            return
        deadline = time.monotonic() + self.close_timeout
        try:
            closing = asyncio.wrap_future(asyncio.run_coroutine_threadsafe(inner.aclose(), loop))
            async with asyncio.timeout(self.close_timeout):
                await closing
        except TimeoutError:
            log.warning("the server link did not close within %.1f s; left behind",
                        self.close_timeout)
        except RuntimeError:  # its loop is closed already
            pass
        except Exception:
            log.exception("closing the server link")
        finally:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(loop.stop)
            # the thread is a daemon: quit never waits for a link that does not stop
            while self._thread.is_alive() and time.monotonic() < deadline + 0.5:
                await asyncio.sleep(0.02)
