"""SetCallbackParams / RetryCallback through the real client and the ``callbacks`` command.

The parking server is a small aiohttp stand-in on loopback that checks the signature and
records each request, so the wire format is what is tested.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from booth_console.client import ParkingClient
from booth_console.journal import Journal
from booth_console.listener import cli
from booth_console.listener.registration import callback_table, register_callbacks
from booth_console.protocol import jsonutil
from booth_console.protocol.callbacks import CALLBACK_KINDS
from booth_console.protocol.signing import verify_envelope
from tests.listener.conftest import APP_ID, PARK_KEY, SECRET

Run = Callable[[Any], Any]


class FakeServer:
    """The parking server's SetCallbackParams and RetryCallback, on a thread of its own."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    async def _handle(self, request: web.Request) -> web.Response:
        env = jsonutil.loads(await request.read())
        self.requests.append((request.path, env))
        if not verify_envelope(env, SECRET):
            return web.json_response({"ResultCode": 1001, "ResultMsg": "sign", "ResultId": "1"})
        return web.json_response({"ResultCode": 200, "ResultMsg": "Operation successfully",
                                  "ResultId": "2037817314582233088"})

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._runner is not None
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as srv:
        yield srv


def test_callback_table_rows() -> None:
    rows = callback_table("http://10.0.0.5:8890/", CALLBACK_KINDS[:2], 500)
    assert rows == [
        {"Index": 0, "Url": "http://10.0.0.5:8890/API/V2/OnVehicleIn", "Interval": 500},
        {"Index": 1, "Url": "http://10.0.0.5:8890/API/V2/OnVehicleOut", "Interval": 500},
    ]


def test_register_callbacks_sends_the_whole_table_and_warns(
    run: Run, server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        client = ParkingClient.for_http(server.url, app_id=APP_ID, app_secret=SECRET,
                                        park_key=PARK_KEY)
        try:
            with caplog.at_level(logging.WARNING, logger="booth_console.listener"):
                result = await register_callbacks(client, "http://192.168.22.247:8890")
            assert result.result_code == 200
            with pytest.raises(ValueError):
                await register_callbacks(client, "http://x", interval_ms=100)
            with pytest.raises(ValueError):
                await register_callbacks(client, "")
        finally:
            await client.aclose()

    run(scenario())
    assert "replaces the parking server's whole callback table" in caplog.text
    [(path, env)] = server.requests
    assert path.lower() == "/api/v2/openapi/setcallbackparams"
    assert env["Data"] == [
        {"Index": k.index, "Url": "http://192.168.22.247:8890" + k.path, "Interval": 1000}
        for k in CALLBACK_KINDS
    ]
    assert SECRET not in caplog.text


def _config(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "booth.toml"
    path.write_text(
        f'[server]\nbase_url = "{base_url}"\napp_id = "{APP_ID}"\napp_secret = "{SECRET}"\n'
        f'park_key = "{PARK_KEY}"\n'
        f'[listener]\npublic_url = "http://10.1.2.3:8890"\njournal = "{tmp_path / "j.sqlite3"}"\n'
        '[booth]\noperator = "carol"\n',
        encoding="utf-8",
    )
    return path


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(argv)


def test_cli_show_set_retry(
    server: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(_config(tmp_path, server.url))
    assert cli.run(_args("--config", cfg)) == 0
    out = capsys.readouterr().out
    assert "http://10.1.2.3:8890/API/V2/OnLaneChange" in out
    assert "never registered" in out

    assert cli.run(_args("--config", cfg, "--set", "--index", "0", "1", "2")) == 0
    assert "registered 3 callback(s)" in capsys.readouterr().out
    assert [r["Index"] for r in server.requests[-1][1]["Data"]] == [0, 1, 2]

    assert cli.run(_args("--config", cfg)) == 0
    out = capsys.readouterr().out
    assert "last registration" in out and "carol" in out and "ResultCode 200" in out

    assert cli.run(_args("--config", cfg, "--retry", "2026-03-28 16:06:28",
                         "2026-03-28 17:06:28", "--index", "1")) == 0
    path, env = server.requests[-1]
    assert path.lower() == "/api/v2/openapi/retrycallback"
    assert env["Data"] == {"StartTime": "2026-03-28 16:06:28", "EndTime": "2026-03-28 17:06:28",
                           "RefreshTypes": [{"Index": 1}]}

    assert cli.run(_args("--config", cfg, "--retry", "yesterday", "today")) == 1
    assert "not a time" in capsys.readouterr().err
    assert cli.run(_args("--config", cfg, "--set", "--index", "11")) == 1

    async def actions() -> list[Any]:
        j = await Journal.open(tmp_path / "j.sqlite3")
        try:
            return await j.recent_actions()
        finally:
            await j.close()

    rows = asyncio.run(actions())
    assert [r.action for r in rows] == ["RetryCallback", "SetCallbackParams"]
    assert all(r.result_code == 200 and r.operator == "carol" for r in rows)
    assert SECRET.encode() not in (tmp_path / "j.sqlite3").read_bytes()


def test_cli_unreachable_server_is_a_message(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    cfg = str(_config(tmp_path, "http://127.0.0.1:9"))
    assert cli.run(_args("--config", cfg, "--set")) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
