"""The console's server link: requests run on a thread of their own, errors and cancellation
come back to the caller's (qasync) loop unchanged."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from booth_console.client import ParkingClient
from booth_console.errors import ServerTimeout, ServerUnreachable
from booth_console.protocol.endpoints import by_name
from booth_console.protocol.signing import verify_envelope
from booth_console.transport.http import HttpTransport
from booth_console.transport.threaded import ThreadedTransport

SECRET = "threaded-secret-42"


class _Inner:
    """A transport that records the thread it runs on and can be told to hang or fail."""

    def __init__(self) -> None:
        self.threads: list[str] = []
        self.cancelled = threading.Event()
        self.closed = False
        self.mode = "answer"

    async def send(self, endpoint: Any, envelope: dict[str, Any]) -> dict[str, Any]:
        self.threads.append(threading.current_thread().name)
        if self.mode == "timeout":
            raise ServerTimeout("no answer in time", sent=True)
        if self.mode == "hang":
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                self.cancelled.set()
                raise
        return {"ResultCode": 200, "ResultMsg": "ok", "Data": {"Echo": envelope["Data"]}}

    async def aclose(self) -> None:
        self.closed = True


def test_requests_run_on_the_link_thread_and_errors_come_back(loop: Any) -> None:
    inner = _Inner()
    transport = ThreadedTransport(lambda: inner)
    ep = by_name("BarrierStatusQuery")

    async def scenario() -> None:
        answer = await transport.send(ep, {"Data": {"LaneNo": "2"}})
        assert answer["Data"] == {"Echo": {"LaneNo": "2"}}
        assert inner.threads == ["server-link"]
        inner.mode = "timeout"
        with pytest.raises(ServerTimeout) as err:
            await transport.send(ep, {"Data": {}})
        assert err.value.sent
        # a caller that gives up (lane closed, poll cancelled) cancels the request there too
        inner.mode = "hang"
        task = asyncio.ensure_future(transport.send(ep, {"Data": {}}))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await asyncio.get_running_loop().run_in_executor(None, inner.cancelled.wait, 5)
        await transport.aclose()
        assert inner.closed
        with pytest.raises(RuntimeError):
            await transport.send(ep, {"Data": {}})

    loop.run_until_complete(scenario())
    assert not any(t.name == "server-link" for t in threading.enumerate())


def test_threaded_client_over_real_http(loop: Any) -> None:
    """A ParkingClient built for the console talks HTTP from the link thread: signed request
    in, validated answer out; a server that is not there is reported as unreachable."""
    from aiohttp import web

    seen: list[dict[str, Any]] = []

    async def handle(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append(body)
        return web.json_response({"ResultCode": 200, "ResultMsg": "ok", "Data": {
            "GataStatus": 1, "GateLongOpen": 0, "GSStatus": 1, "IdCameraStatus": 1}})

    async def scenario() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        transport = ThreadedTransport(lambda: HttpTransport(f"http://127.0.0.1:{port}", timeout=3))
        client = ParkingClient(transport, app_id="tt", app_secret=SECRET, park_key="1")
        try:
            status = await client.get_lane_status("2")
            assert status.gate_status == 1 and status.gs_status == 1
            assert verify_envelope(seen[0], SECRET) and seen[0]["Data"]["LaneNo"] == "2"
        finally:
            await client.aclose()
            await runner.cleanup()
        dead = ThreadedTransport(lambda: HttpTransport(f"http://127.0.0.1:{port}", timeout=2))
        try:
            with pytest.raises(ServerUnreachable):
                await dead.send(by_name("BarrierStatusQuery"), {"Data": {}})
        finally:
            await dead.aclose()

    loop.run_until_complete(scenario())


def test_httpx_is_not_used_on_the_callers_thread(loop: Any, monkeypatch: Any) -> None:
    """The whole httpx exchange (not only the socket wait) happens off the caller's thread."""
    threads: list[str] = []
    real = httpx.AsyncClient.request

    async def spy(self: httpx.AsyncClient, *a: Any, **kw: Any) -> httpx.Response:
        threads.append(threading.current_thread().name)
        return await real(self, *a, **kw)

    monkeypatch.setattr(httpx.AsyncClient, "request", spy)

    def answer(_req: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"ResultCode": 200, "ResultMsg": "ok", "Data": None})

    transport = ThreadedTransport(
        lambda: HttpTransport("http://parking.invalid", transport=httpx.MockTransport(answer)))

    async def scenario() -> None:
        try:
            out = await transport.send(by_name("BarrierStatusQuery"), {"Data": {}})
            assert out["ResultCode"] == 200
        finally:
            await transport.aclose()

    loop.run_until_complete(scenario())
    assert threads == ["server-link"]


class _Stuck:
    """A link whose thread stops answering: blocked in a call, or waiting for ever."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.cancelled = threading.Event()
        self.release = threading.Event()

    async def send(self, endpoint: Any, envelope: dict[str, Any]) -> dict[str, Any]:
        if self.mode == "blocked":  # the whole link thread is stuck (no timer runs there)
            self.release.wait(10)
        else:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.cancelled.set()
                raise
        return {"ResultCode": 200, "ResultMsg": "ok", "Data": None}

    async def aclose(self) -> None:
        if self.mode == "blocked":
            self.release.wait(10)


@pytest.mark.parametrize("mode", ["waiting", "blocked"])
def test_a_request_ends_by_its_deadline_whatever_the_link_thread_does(loop: Any, mode: str) -> None:
    import time

    inner = _Stuck(mode)
    transport = ThreadedTransport(lambda: inner, deadline=0.5, close_timeout=0.5)
    ep = by_name("BarrierStatusQuery")

    async def scenario() -> tuple[float, float]:
        started = time.monotonic()
        with pytest.raises(ServerTimeout) as err:
            await transport.send(ep, {"Data": {}})
        took = time.monotonic() - started
        assert err.value.sent  # the server may have acted on it
        if mode == "waiting":  # the request was cancelled over there too
            assert await asyncio.get_running_loop().run_in_executor(None, inner.cancelled.wait, 5)
        started = time.monotonic()
        await transport.aclose()
        return took, time.monotonic() - started

    try:
        took, closing = loop.run_until_complete(scenario())
    finally:
        inner.release.set()  # let the left-behind thread end before the next test
        transport._thread.join(5)
    assert 0.45 < took < 1.5
    assert closing < 1.5  # quit does not wait for a stuck link


def test_a_request_the_link_abandons_is_an_error_not_a_stop(loop: Any) -> None:
    """The link's loop stops under a request: the caller's task gets a TransportError (a
    CancelledError would end a lane's poller as if it had been stopped)."""
    from booth_console.errors import TransportError

    inner = _Stuck("waiting")
    transport = ThreadedTransport(lambda: inner, deadline=5)
    ep = by_name("BarrierStatusQuery")

    async def scenario() -> None:
        task = asyncio.ensure_future(transport.send(ep, {"Data": {}}))
        await asyncio.sleep(0.1)
        link_loop = transport._ready.result()[0]
        for t in asyncio.all_tasks(link_loop):  # what a stopping loop does to its tasks
            link_loop.call_soon_threadsafe(t.cancel)
        with pytest.raises(TransportError) as err:
            await task
        assert not isinstance(err.value, ServerTimeout)
        await transport.aclose()

    loop.run_until_complete(scenario())
