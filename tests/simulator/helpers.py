"""Helpers for the simulator tests: a running simulator, signed raw calls, a callback receiver."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from booth_console.client import ParkingClient
from booth_console.protocol import jsonutil
from booth_console.protocol.signing import sign_envelope, verify_body
from booth_console.simulator import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_PARK_KEY,
    Simulator,
    SimulatorConfig,
)

APP: dict[str, Any] = dict(app_id=DEFAULT_APP_ID, app_secret=DEFAULT_APP_SECRET,
                           park_key=DEFAULT_PARK_KEY)


def run(coro: Awaitable[Any]) -> Any:
    """Run a scenario on a fresh asyncio loop."""
    return asyncio.run(_wrap(coro))


async def _wrap(coro: Awaitable[Any]) -> Any:
    return await coro


@contextlib.asynccontextmanager
async def simulator(db_path: Path | None = None, **kwargs: Any) -> AsyncIterator[Simulator]:
    sim = Simulator(SimulatorConfig(port=0, db_path=db_path, **kwargs))
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


@contextlib.asynccontextmanager
async def sim_and_client(**kwargs: Any) -> AsyncIterator[tuple[Simulator, ParkingClient]]:
    async with simulator(**kwargs) as sim:
        client = ParkingClient.for_http(sim.base_url, **APP)
        try:
            yield sim, client
        finally:
            await client.aclose()


class Raw:
    """Signed calls with httpx, independent of ParkingClient (for hostile input too)."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=10)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def call(self, path: str, data: Any, *, method: str = "POST", secret: str | None = None,
                   app_id: str | None = None, park_key: str | None = None,
                   tamper: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
        env = sign_envelope(app_id=app_id or APP["app_id"], park_key=park_key or APP["park_key"],
                            app_secret=secret or APP["app_secret"], data=data)
        if tamper is not None:
            tamper(env)
        resp = await self.http.request(method, path, content=jsonutil.dumps_bytes(env),
                                       headers={"Content-Type": "application/json"})
        answer: dict[str, Any] = jsonutil.loads(resp.content)
        return answer

    async def send(self, path: str, content: bytes, headers: dict[str, str] | None = None,
                   method: str = "POST") -> tuple[int, dict[str, Any]]:
        resp = await self.http.request(method, path, content=content, headers=headers or {})
        return resp.status_code, json.loads(resp.content)

    async def query(self, route: str, conditions: list[dict[str, Any]] | None = None,
                    **paging: Any) -> dict[str, Any]:
        data = {"PageIndex": 1, "PageSize": 20, "OrderBy": "Uid", "OrderType": 0,
                "QueryCondition": conditions or []}
        data.update(paging)
        return await self.call(f"/Api/V2/OpenApi/Query?Route={route}", data)


@contextlib.asynccontextmanager
async def raw(sim: Simulator) -> AsyncIterator[Raw]:
    r = Raw(sim.base_url)
    try:
        yield r
    finally:
        await r.aclose()


class Receiver:
    """A small callback receiver: verifies each signature and records the envelopes."""

    def __init__(self, secret: str = DEFAULT_APP_SECRET) -> None:
        self.secret = secret
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.bad_signatures = 0
        self.fail_next = 0
        self.attempts = 0
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/API/V2/{kind}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/API/V2"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        self.attempts += 1
        raw_body = await request.read()
        if self.fail_next > 0:
            self.fail_next -= 1
            self._notify()
            return web.json_response({"ResultCode": 1003, "ResultMsg": "busy"})
        result = verify_body(raw_body, self.secret)
        if not result.ok or result.envelope is None:
            self.bad_signatures += 1
            self._notify()
            return web.json_response({"ResultCode": 1001, "ResultMsg": result.reason})
        self.received.append((request.match_info["kind"], result.envelope))
        self._notify()
        return web.json_response({"ResultCode": 200, "ResultMsg": "Operation successful"})

    def _notify(self) -> None:
        for cond, fut in list(self._waiters):
            if not fut.done() and cond():
                fut.set_result(None)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [env for k, env in self.received if k == kind]

    async def wait_for(self, cond: Callable[[], bool], timeout: float = 5.0) -> None:
        if cond():
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((cond, fut))
        try:
            await asyncio.wait_for(fut, timeout)
        finally:
            self._waiters.remove((cond, fut))

    def params(self, *indexes: int, interval: int = 200) -> list[dict[str, Any]]:
        from booth_console.protocol.callbacks import kind_by_index

        out = []
        for i in indexes:
            kind = kind_by_index(i)
            assert kind is not None
            out.append({"Index": i, "Url": f"{self.url}/{kind.name}", "Interval": interval})
        return out


@contextlib.asynccontextmanager
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    try:
        yield r
    finally:
        await r.stop()
