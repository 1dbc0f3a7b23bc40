"""The log over a shift: rotated by size, and a line repeated many times (a flood of identical
errors from an attack or a broken peer) is suppressed and summarised instead of filling the disk."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from booth_console.ui.bootstrap import RepeatFilter, setup_logging


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logger() -> Iterator[tuple[logging.Logger, _Collect, RepeatFilter, _Clock]]:
    clock = _Clock()
    repeats = RepeatFilter(limit=5, window=60.0, clock=clock)
    handler = _Collect()
    handler.addFilter(repeats)
    lg = logging.getLogger("booth_console.test_flood")
    lg.addHandler(handler)
    lg.setLevel(logging.INFO)
    lg.propagate = False
    try:
        yield lg, handler, repeats, clock
    finally:
        lg.removeHandler(handler)
        lg.propagate = True


def test_repeated_lines_are_suppressed_and_summarised(
    logger: tuple[logging.Logger, _Collect, RepeatFilter, _Clock],
) -> None:
    lg, handler, repeats, clock = logger
    for i in range(1000):  # same template, different values: still the same line
        lg.error("socket.accept() out of system resource from %s", f"10.0.0.{i % 250}")
        lg.info("lane %s polled", "1") if i % 100 == 0 else None
    assert len([x for x in handler.lines if "socket.accept" in x]) == 5
    assert len([x for x in handler.lines if "polled" in x]) == 5
    assert repeats.suppressed_total == 995 + 5
    # other lines still get through while one floods
    lg.warning("the parking server answers again")
    assert handler.lines[-1] == "the parking server answers again"
    # after the window: one summary, and the line is shown again
    clock.now += 61
    lg.error("socket.accept() out of system resource from %s", "10.0.0.9")
    summaries = [x for x in handler.lines if x.startswith("suppressed")]
    assert "suppressed 995 similar lines in 60 s: socket.accept() out of system resource" \
        " from %s" in summaries
    assert handler.lines[-1] == "socket.accept() out of system resource from 10.0.0.9"


def test_a_summary_comes_even_if_the_flood_simply_stops(
    logger: tuple[logging.Logger, _Collect, RepeatFilter, _Clock],
) -> None:
    lg, handler, _repeats, clock = logger
    for _ in range(50):
        lg.error("bad request from %s", "10.0.0.1")
    clock.now += 61
    lg.info("something else")  # any later line brings the summary of the ended flood
    assert "suppressed 45 similar lines in 60 s: bad request from %s" in handler.lines


def test_the_log_file_rotates_by_size_and_filters_floods(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    for h in before:
        root.removeHandler(h)
    try:
        path = setup_logging(tmp_path, max_bytes=20_000, backups=3)
        lg = logging.getLogger("booth_console.test_rotation")
        for i in range(2000):  # distinct lines (as from a busy lot): none is suppressed
            lg.info(f"callback {i} accepted from 192.168.1.10, a line long enough to fill it")
        for _ in range(5000):
            lg.warning("flood %s", "x")
    finally:
        for h in list(root.handlers):
            root.removeHandler(h)
            h.close()
        for h in before:
            root.addHandler(h)
        root.setLevel(level)
    files = sorted(p.name for p in tmp_path.glob("booth-console.log*"))
    assert files == ["booth-console.log", "booth-console.log.1", "booth-console.log.2",
                     "booth-console.log.3"]
    assert all((tmp_path / f).stat().st_size <= 20_000 for f in files)
    text = (tmp_path / "booth-console.log.1").read_text(encoding="utf-8") + path.read_text(
        encoding="utf-8")
    assert text.count("flood x") == 20  # the default limit within one window
    assert "callback 1999 accepted" in text  # the newest lines are in the newest files


def test_asyncio_accept_errors_with_different_sockets_count_as_one_line(
    logger: tuple[logging.Logger, _Collect, RepeatFilter, _Clock],
) -> None:
    """The flood seen at the file limit: asyncio's handler writes each socket on the lines
    after the message, so only the first line is the same."""
    _lg, handler, repeats, _clock = logger
    aio = logging.getLogger("asyncio")
    aio.addHandler(handler)
    aio.propagate = False
    loop = asyncio.new_event_loop()
    try:
        for fd in range(300):
            try:
                raise OSError(24, "Too many open files")
            except OSError as exc:
                loop.call_exception_handler({
                    "message": "socket.accept() out of system resource", "exception": exc,
                    "socket": f"<socket fd={fd} laddr=('0.0.0.0', 8890)>"})
    finally:
        loop.close()
        aio.removeHandler(handler)
        aio.propagate = True
    assert len([x for x in handler.lines if "out of system resource" in x]) == 5
    assert repeats.suppressed_total == 295
