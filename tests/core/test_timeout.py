"""A test that hangs ends as a red run with every thread's stack and the pending asyncio tasks,
also when it hangs inside Qt's event loop (tests/conftest.py, per-test limit on a thread)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HANGING = '''
import asyncio


def test_waits_for_ever(loop):
    async def never_answered():
        await asyncio.get_running_loop().create_future()

    async def scenario():
        task = asyncio.ensure_future(never_answered())
        await task

    loop.run_until_complete(scenario())
'''


def _pytest(tmp_path: Path, *args: str, timeout: float) -> tuple[int | None, str, float]:
    test = tmp_path / "test_hangs.py"
    test.write_text(HANGING, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, "-m", "pytest", str(test), "-c", str(ROOT / "pyproject.toml"),
           "--rootdir", str(tmp_path), "-p", "no:cacheprovider", "-q", *args]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        return None, out, time.monotonic() - started
    return proc.returncode, out, time.monotonic() - started


def test_a_hang_in_the_qt_loop_ends_with_the_stacks_and_the_tasks(tmp_path: Path) -> None:
    code, out, took = _pytest(tmp_path, "-p", "tests.conftest", "-o", "timeout=3",
                              timeout=45)
    assert code == 1, out
    assert took < 30
    assert "Timeout: " in out and "test_waits_for_ever" in out
    # the pending tasks with their stacks: where the test is stuck
    assert "pending asyncio task(s)" in out and "never_answered" in out
    # every thread's stack, the Qt thread inside the event loop
    assert "run_until_complete" in out and "Thread 0x" in out


@pytest.mark.slow
def test_the_signal_method_would_not_end_a_test_blocked_in_qt(tmp_path: Path) -> None:
    """Why the limit runs on a thread: with pytest-timeout's SIGALRM method the same test is
    still running long after its limit (the handler never runs while Qt waits in poll())."""
    fixture = tmp_path / "conftest.py"
    fixture.write_text(
        "import asyncio, pytest\n"
        "from booth_console.app.qtloop import ConsoleEventLoop\n"
        "@pytest.fixture\n"
        "def loop(qapp):\n"
        "    ev = ConsoleEventLoop(qapp)\n"
        "    yield ev\n", encoding="utf-8")
    code, out, _took = _pytest(tmp_path, "-o", "timeout=2", "-o", "timeout_method=signal",
                              timeout=12)
    assert code is None, out  # still hung after 6x its limit
