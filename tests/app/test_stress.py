"""Stress (bench/stress.py for 30 s): the demo's traffic, 8 lane pollers, answers slowed by
the simulator's fault control; no lane goes stale or offline while the server answers, and
quitting afterwards takes less than 3 s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.stress import QUIT_LIMIT_S, stress


@pytest.mark.slow
def test_many_lanes_with_slow_answers_never_go_stale(loop: Any, tmp_path: Path) -> None:
    report = loop.run_until_complete(stress(tmp_path, 30, lanes=8, traffic=60))
    assert len(report.max_gap_s) == 8
    assert report.stale_events == dict.fromkeys(report.max_gap_s, 0), report
    assert report.offline_events == dict.fromkeys(report.max_gap_s, 0), report
    assert max(report.max_gap_s.values()) < 6.0, report  # the request deadline
    assert any(ms >= 500 for ms in report.slow_ms_used), report  # slow answers were injected
    assert report.polls > 8 * 30  # every poller kept going (about 2 answers/s each)
    assert report.callbacks > 0  # traffic reached the console
    assert report.loop_stalls == 0, report
    assert report.quit_s < QUIT_LIMIT_S, report
