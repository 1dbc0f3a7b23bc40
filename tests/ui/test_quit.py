"""Quit ends within 3 s whatever the server does: slow answers, no answers, not there at all."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import console_config, kill_if_running
from tests.processes import wait_for_text as _wait_for

QUIT_LIMIT_S = 3.0
ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", BOOTH_CONSOLE_NO_SOUND="1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _quit(proc: subprocess.Popen[bytes]) -> float:
    """SIGTERM (as the window's Quit does: the same stop event); seconds until the exit."""
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    finally:
        kill_if_running(proc)
    return time.monotonic() - started


@pytest.mark.slow
def test_demo_quits_in_time_while_the_server_holds_every_answer(tmp_path: Path) -> None:
    port = _free_port()
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "booth_console", "demo", "--port", str(port), "--data-dir",
         str(data), "--traffic", "30"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = data / "booth-console.log"
    try:
        assert _wait_for(log, "booth ready: polling lanes", 30), proc.poll()
        req = urllib.request.Request(  # every vendor API answer now takes a minute
            f"http://127.0.0.1:{port}/Sim/Fault", data=json.dumps({"SlowMs": 60000}).encode(),
            headers={"Content-Type": "application/json"})
        assert json.loads(urllib.request.urlopen(req, timeout=5).read())["Ok"]
        time.sleep(2)  # every lane is now waiting for an answer
        took = _quit(proc)
    finally:
        kill_if_running(proc)
    print(f"quit took {took:.2f} s")
    assert took < QUIT_LIMIT_S, took
    assert "console stopped" in log.read_text(encoding="utf-8")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A server that accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    try:
        yield int(srv.getsockname()[1])
    finally:
        srv.close()


@pytest.mark.slow
@pytest.mark.parametrize("server", ["silent", "gone"])
def test_run_quits_in_time_when_the_server_does_not_answer(
    tmp_path: Path, silent_server: int, server: str
) -> None:
    port = silent_server if server == "silent" else _free_port()
    cfg = console_config(tmp_path, f"http://127.0.0.1:{port}")
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "booth_console", "run", "--config", str(cfg), "--data-dir",
         str(data)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = data / "booth-console.log"
    try:
        assert _wait_for(log, "console running", 30), proc.poll()
        time.sleep(1.5)  # the lane query and the registration are in flight (or failing)
        took = _quit(proc)
    finally:
        kill_if_running(proc)
    print(f"quit took {took:.2f} s")
    assert took < QUIT_LIMIT_S, took
    assert "console stopped" in log.read_text(encoding="utf-8")
