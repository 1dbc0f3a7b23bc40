"""Memory over a shift: a running console gives the C heap's free pages back to the system."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from booth_console.app import memory
from tests.app.helpers import start_stack, wait_until

linux_glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or memory.malloc_trim() is None,
    reason="malloc_trim is glibc's (Linux)")


def _rss_anon_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no RssAnon in /proc/self/status")


def _libc() -> Any:
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    return libc


def _fragment_a_thread_arena(megabytes: int) -> int:
    """What a worker thread's burst leaves behind: ``megabytes`` of blocks freed in its malloc
    arena below one block still in use (returned), so the arena cannot shrink from its top."""
    libc = _libc()
    pinned: list[int] = []

    def burst() -> None:
        blocks = [libc.malloc(16 << 10) for _ in range(megabytes * 64)]
        for ptr in blocks:
            ctypes.memset(ptr, 1, 16 << 10)  # resident
        pinned.append(libc.malloc(16 << 10))  # still in use, above the freed ones
        for ptr in blocks:
            libc.free(ptr)

    worker = threading.Thread(target=burst, name="burst")
    worker.start()
    worker.join()
    return pinned[0]


@linux_glibc
def test_a_running_console_gives_freed_heap_pages_back(
        loop: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "TRIM_EVERY_S", 0.2)

    async def scenario() -> None:
        stack = await start_stack(tmp_path, lanes=("1",))
        try:
            trimmer = stack.session.memory
            assert trimmer is not None and trimmer.active
            await wait_until(lambda: trimmer.calls >= 1)  # the timer runs on the console's loop
            calls = trimmer.calls
            before = _rss_anon_mb()
            pinned = _fragment_a_thread_arena(40)
            held = _rss_anon_mb()
            assert held - before > 30  # freed, yet resident: glibc keeps it in the arena
            await wait_until(lambda: trimmer.calls > calls)
            assert _rss_anon_mb() < held - 30  # given back without anyone asking
            assert trimmer.max_ms < 50  # housekeeping on the Qt thread: no visible stall
            _libc().free(pinned)
        finally:
            await stack.aclose()
        assert not trimmer.active  # stops with the session
        stopped = trimmer.calls
        await asyncio.sleep(0.5)
        assert trimmer.calls == stopped

    loop.run_until_complete(scenario())


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _mapped_blocks_mb() -> float:
    """Bytes in blocks that have a mapping of their own (``mallinfo2().hblkhd``), in MB."""
    libc = _libc()
    libc.mallinfo2.restype = _MallInfo2
    return float(libc.mallinfo2().hblkhd) / 1e6


@linux_glibc
def test_large_blocks_stay_returnable_after_a_larger_one_was_freed(qapp: Any) -> None:
    # glibc raises its mmap threshold to the size of each mapped block freed: after one 8 MB
    # buffer, megabyte-sized captures would be decoded into the workers' arenas and stay
    # resident there. With the console's thresholds each still gets its own mapping.
    libc = _libc()
    trimmer = memory.HeapTrimmer(3600)
    try:
        libc.free(libc.malloc(8 << 20))  # e.g. a large image freed at start-up
        before = _mapped_blocks_mb()
        blocks: list[int] = []

        def decode() -> None:
            blocks.extend(libc.malloc(1 << 20) for _ in range(16))  # 16 captures of 1 MiB

        worker = threading.Thread(target=decode, name="images_0")
        worker.start()
        worker.join()
        assert _mapped_blocks_mb() - before >= 16  # each in its own mapping...
        for ptr in blocks:
            libc.free(ptr)
        assert _mapped_blocks_mb() - before < 1  # ...returned to the system when freed
    finally:
        trimmer.stop()


def test_no_trimming_without_glibc(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert memory.malloc_trim() is None
    trimmer = memory.HeapTrimmer(0.01)
    try:
        assert not trimmer.available and not trimmer.active
        assert trimmer.trim_now() is None
    finally:
        trimmer.stop()


def test_a_failing_trim_stops_the_timer_and_is_logged(
        qapp: Any, caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> int:
        raise OSError("no such symbol")

    trimmer = memory.HeapTrimmer(0.01, trim=broken)
    assert trimmer.active
    assert trimmer.trim_now() is None
    assert not trimmer.active
    assert "malloc_trim failed" in caplog.text
