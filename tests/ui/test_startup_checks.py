"""``booth-console run`` refuses to start on what it cannot work with: no AppSecret, a bad setting,
a data directory it cannot write, a full disk. Each gives one clear line and a non-zero exit."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from booth_console.listener.samples import signed_example_bytes
from tests.app.helpers import simulator_api
from tests.processes import kill_if_running
from tests.processes import wait_for_text as _wait_for
from tests.ui.test_main import simulator_in_thread  # noqa: F401  (fixture)

ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", BOOTH_CONSOLE_NO_SOUND="1")
ENV.pop("BOOTH_CONSOLE_APP_SECRET", None)


def _run(args: list[str], env: dict[str, str] | None = None, timeout: float = 60) -> Any:
    return subprocess.run([sys.executable, "-m", "booth_console", *args], capture_output=True,
                          text=True, timeout=timeout, env=env or ENV)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _post(port: int, raw: bytes) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/API/V2/OnVehicleIn", data=raw,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize("text", [
    "",  # an empty file
    '[server]\nbase_url = "http://127.0.0.1:9"\napp_id = "a"\npark_key = "p"\n',
    '[server]\nbase_url = "http://127.0.0.1:9"\napp_id = "a"\npark_key = "p"\napp_secret = ""\n',
])
def test_run_without_a_secret_refuses_to_start(tmp_path: Path, text: str) -> None:
    cfg = tmp_path / "booth.toml"
    cfg.write_text(text, encoding="utf-8")
    result = _run(["run", "--config", str(cfg), "--data-dir", str(tmp_path / "d")])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    if text:
        assert "no AppSecret" in lines[0] and "[server] app_secret" in lines[0]
        assert "BOOTH_CONSOLE_APP_SECRET" in lines[0]
    assert not (tmp_path / "d" / "journal.sqlite3").exists()


@pytest.mark.parametrize(("text", "named"), [
    ("[listener]\nport = 70000\n", "[listener] port = 70000"),
    ("[listener]\ntimestamp_window_s = -1\n", "[listener] timestamp_window_s = -1"),
    ("[booth]\nstatus_poll_ms = 0\n", "[booth] status_poll_ms = 0"),
    ('[server]\nbase_url = "not a url"\n', "[server] base_url = 'not a url'"),
])
def test_run_with_a_bad_setting_exits_2_naming_it(tmp_path: Path, text: str, named: str) -> None:
    cfg = tmp_path / "booth.toml"
    cfg.write_text(text, encoding="utf-8")
    result = _run(["run", "--config", str(cfg), "--data-dir", str(tmp_path / "d")])
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"booth-console: {result.stderr.split(': ', 1)[1].strip()}"]
    assert named in result.stderr


def test_tools_refuse_to_start_without_a_secret(tmp_path: Path) -> None:
    cfg = tmp_path / "booth.toml"
    cfg.write_text('[server]\napp_id = "a"\npark_key = "p"\n', encoding="utf-8")
    for args in (["callbacks", "--config", str(cfg)], ["callbacks", "--config", str(cfg), "--set"],
                 ["call", "LaneQuery", "--config", str(cfg)]):
        result = _run(args)
        assert result.returncode == 2, (args, result.stderr)
        assert "no AppSecret" in result.stderr and "BOOTH_CONSOLE_APP_SECRET" in result.stderr


@pytest.mark.slow
def test_run_takes_the_secret_from_the_environment_and_refuses_an_empty_key(
    tmp_path: Path, simulator_in_thread: Any  # noqa: F811
) -> None:
    _s, _c, (app_id, secret, park_key) = simulator_api()
    port = _free_port()
    cfg = tmp_path / "booth.toml"
    cfg.write_text(
        f'[server]\nbase_url = "{simulator_in_thread.base_url}"\napp_id = "{app_id}"\n'
        f'park_key = "{park_key}"\n[listener]\nport = {port}\n', encoding="utf-8")
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "booth_console", "run", "--config", str(cfg), "--data-dir", str(data)],
        env=dict(ENV, BOOTH_CONSOLE_APP_SECRET=secret),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(data / "booth-console.log", "callback listener serving on", 30), proc.poll()
        creds = {"app_id": app_id, "park_key": park_key}
        forged = _post(port, signed_example_bytes("OnVehicleIn", **creds, app_secret=""))
        assert forged[1]["ResultCode"] == 1001
        real = _post(port, signed_example_bytes("OnVehicleIn", **creds, app_secret=secret))
        assert real == (200, real[1]) and real[1]["ResultCode"] == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        kill_if_running(proc)
    assert secret not in (data / "booth-console.log").read_text(encoding="utf-8")


def test_the_processor_never_verifies_with_an_empty_key(tmp_path: Path) -> None:
    from booth_console.errors import ConfigError
    from booth_console.listener.processor import CallbackProcessor

    with pytest.raises(ConfigError, match="AppSecret"):
        CallbackProcessor(app_id="a", park_key="p", app_secret="", journal=None)  # type: ignore[arg-type]


@contextlib.contextmanager
def _tmpfs(path: Path, options: str) -> Iterator[bool]:
    """A small tmpfs at ``path`` (True), or nothing (False) where mount is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                             capture_output=True).returncode == 0 if os.geteuid() == 0 else False
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _server_down_config(tmp_path: Path) -> Path:
    cfg = tmp_path / "booth.toml"
    cfg.write_text('[server]\nbase_url = "http://127.0.0.1:9"\napp_id = "a"\n'
                   'app_secret = "storage-test-secret"\npark_key = "p"\n[listener]\nport = 0\n',
                   encoding="utf-8")
    return cfg


def _our_lines(stderr: str) -> list[str]:
    """stderr without Qt's own offscreen-platform remarks."""
    return [line for line in stderr.splitlines() if line and "propagateSizeHints" not in line]


def test_a_read_only_data_directory_is_one_line_and_exit_1(tmp_path: Path) -> None:
    data = tmp_path / "ro"
    with _tmpfs(data, "ro,size=1m") as mounted:
        if not mounted:
            if os.geteuid() == 0:
                pytest.skip("cannot mount a read-only tmpfs here")
            data.chmod(0o555)
        result = _run(["run", "--config", str(_server_down_config(tmp_path)), "--data-dir",
                       str(data / "console"), "--exit-after", "1"])
    assert result.returncode == 1
    lines = _our_lines(result.stderr)
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("booth-console: cannot write to the data directory")
    assert "--data-dir" in lines[0]


def _journal_with_undelivered(path: Path, count: int) -> None:
    """Rows as a run leaves them that answered 200 and died before the window took them."""
    from booth_console.journal import Journal

    async def make() -> None:
        journal = await Journal.open(path)
        try:
            for _ in range(count):
                raw = signed_example_bytes("OnVehicleIn", app_id="a", park_key="p",
                                           app_secret="storage-test-secret")
                env = json.loads(raw)
                await journal.record_callback(
                    kind="OnVehicleIn", request_id=env["RequestId"],
                    body_hash=hashlib.sha256(raw).hexdigest(), received_at=time.time(),
                    source="127.0.0.1", signature_ok=True, raw_body=raw, images={},
                    nonce=env["Nonce"], timestamp=env["TimeStamp"])
        finally:
            await journal.close()

    asyncio.run(make())


def _undelivered(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        n: int = conn.execute("SELECT count(*) FROM callbacks WHERE processed = 0").fetchone()[0]
        return n
    finally:
        conn.close()


def test_a_full_disk_is_one_line_and_nothing_acknowledged_is_lost(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    cfg = _server_down_config(tmp_path)
    with _tmpfs(disk, "size=4m") as mounted:
        data = disk / "console"
        data.mkdir(parents=True)
        journal = data / "journal.sqlite3"
        _journal_with_undelivered(journal, 30)
        filler = disk / "filler"
        limit: Any = None
        if mounted:
            with filler.open("wb", buffering=0) as fh, contextlib.suppress(OSError):
                while True:
                    fh.write(b"\0" * 4096)
        else:  # no mount here: a file-size limit makes every write fail the same way
            def limit() -> None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
        args = ["run", "--config", str(cfg), "--data-dir", str(data), "--exit-after", "2"]
        full = subprocess.run([sys.executable, "-m", "booth_console", *args], capture_output=True,
                              text=True, timeout=60, env=ENV, preexec_fn=limit)
        assert full.returncode == 1
        lines = _our_lines(full.stderr)
        assert len(lines) == 1 and "Traceback" not in full.stderr, full.stderr
        assert "No space left on device" in lines[0] or "too large" in lines[0].lower()
        # room again: nothing was lost, and the next start delivers every acknowledged callback
        filler.unlink(missing_ok=True)
        assert _undelivered(journal) == 30
        again = _run(args)
        assert again.returncode == 0, again.stderr
        assert _undelivered(journal) == 0


def test_callbacks_set_refuses_a_loopback_url_for_a_server_elsewhere(tmp_path: Path) -> None:
    cfg = tmp_path / "booth.toml"
    cfg.write_text('[server]\nbase_url = "http://192.0.2.10:8888"\napp_id = "a"\n'
                   'app_secret = "s-123456789"\npark_key = "p"\n[listener]\nport = 8890\n',
                   encoding="utf-8")
    result = _run(["callbacks", "--config", str(cfg), "--set"])
    assert result.returncode == 1
    assert "not registered" in result.stderr and "loopback" in result.stderr
    assert "public_url" in result.stderr and "Traceback" not in result.stderr
