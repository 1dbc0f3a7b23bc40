"""One console per data directory: a second start is refused and raises the first's window."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from booth_console.instance import ALREADY_RUNNING_EXIT, InstanceGuard, server_name
from tests.processes import console_config, kill_if_running
from tests.processes import wait_for_text as _wait_for


@pytest.mark.slow
def test_second_start_is_refused_and_raises_the_first(
    tmp_path: Path, simulator_in_thread: Any, qapp: Any
) -> None:
    cfg = console_config(tmp_path, str(simulator_in_thread.base_url), 'lanes = ["1"]\n')
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BOOTH_CONSOLE_NO_SOUND="1")
    cmd = [sys.executable, "-m", "booth_console", "run", "--config", str(cfg), "--data-dir", str(data)]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = data / "booth-console.log"
    try:
        assert _wait_for(log, "booth ready", 30), first.poll()
        table_before = simulator_in_thread.engine.pusher.targets
        assert table_before, "the first console registered its callbacks"
        journal_size = (data / "journal.sqlite3").stat().st_size
        started = time.monotonic()
        second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=45)
        assert second.returncode == ALREADY_RUNNING_EXIT, second.stderr
        assert "already running" in second.stderr and str(first.pid) in second.stderr
        assert "brought to the front" in second.stderr
        assert second.stderr.count("already running") == 1, second.stderr  # not also the log line
        assert time.monotonic() - started < 30
        assert _wait_for(log, "bringing the booth window to the front", 10)
        # the second start registered nothing: the server's table still points at the first
        assert simulator_in_thread.engine.pusher.targets == table_before
        assert "booth ready" not in second.stderr
        assert first.poll() is None, "the first console keeps running"
        assert (data / "journal.sqlite3").stat().st_size == journal_size
        first.send_signal(signal.SIGTERM)
        assert first.wait(20) == 0
    finally:
        kill_if_running(first)
    # the plain AppSecret in a file others can read is warned about in the log, not on stderr
    if os.name == "posix":
        assert "in plain text in" in log.read_text(encoding="utf-8")
    # the window positions went under this screen arrangement's group
    assert "[layout_" in (data / "windows.ini").read_text(encoding="utf-8")
    # once the first has stopped, the data directory is free again
    guard = InstanceGuard(data)
    assert guard.acquire()
    guard.release()


def test_lock_of_a_dead_process_is_taken_over(tmp_path: Path, qapp: Any) -> None:
    data = tmp_path / "data"
    code = ("import sys, os; from pathlib import Path; from booth_console.instance import InstanceGuard;"
            f"g = InstanceGuard(Path({str(data)!r})); assert g.acquire(); print('locked', flush=True);"
            "os._exit(0)")  # dies without releasing: the lock file stays behind
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert "locked" in out.stdout, out.stderr
    assert (data / "booth-console.lock").exists()
    guard = InstanceGuard(data)
    assert guard.acquire(), "a lock left by a process that is gone must not block the console"
    guard.release()


def test_socket_name_differs_per_data_directory(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "x" / ".." / "a")
    assert len(server_name(tmp_path / ("d" * 200))) < 40
