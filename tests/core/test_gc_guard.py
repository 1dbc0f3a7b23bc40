"""Garbage collection runs on the Qt thread only while the console runs."""

from __future__ import annotations

import gc
import threading
from typing import Any


def test_collection_happens_on_the_qt_thread(qapp: Any) -> None:
    from booth_console.app.gc_guard import GuiThreadCollector

    threads: list[str] = []

    def track(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    collector = GuiThreadCollector(interval_ms=10)
    gc.callbacks.append(track)
    try:
        assert not gc.isenabled()

        def churn() -> None:
            for _ in range(50_000):
                a: list[Any] = []
                a.append(a)  # reference cycles, as paho's thread makes

        worker = threading.Thread(target=churn, name="network-thread")
        worker.start()
        worker.join()
        assert threads == []  # nothing collected on the worker
        collector.check()
        assert threads and set(threads) == {threading.current_thread().name}
    finally:
        gc.callbacks.remove(track)
        collector.stop()
    assert gc.isenabled()
