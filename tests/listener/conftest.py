"""Fixtures for the listener tests: a real journal file, processor, hub and loopback listener."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from booth_console.app.callbacks import CallbackHub
from booth_console.journal import Journal
from booth_console.listener.processor import CallbackProcessor
from booth_console.listener.samples import signed_example, signed_example_bytes
from booth_console.listener.server import CallbackListener

APP_ID = "xb5glg0hgz40"
PARK_KEY = "1772492942362538"
SECRET = "test-secret-0123456789"
CREDS: dict[str, str] = {"app_id": APP_ID, "park_key": PARK_KEY, "app_secret": SECRET}


def body(name: str, **kwargs: Any) -> bytes:
    """The document's example for ``name`` re-signed with the test credentials."""
    return signed_example_bytes(name, **{**CREDS, **kwargs})


def envelope(name: str, **kwargs: Any) -> dict[str, Any]:
    """As :func:`body`, as a dict."""
    return signed_example(name, **{**CREDS, **kwargs})


@dataclass
class Stack:
    journal: Journal
    processor: CallbackProcessor
    listener: CallbackListener
    hub: CallbackHub
    received: list[Any]
    rejected: list[Any]

    @property
    def url(self) -> str:
        return self.listener.url


@asynccontextmanager
async def running_stack(
    tmp_path: Path, **listener_kwargs: Any
) -> AsyncIterator[Stack]:
    """Journal + processor + hub + listener on an ephemeral loopback port."""
    journal = await Journal.open(tmp_path / "journal.sqlite3")
    hub = CallbackHub()
    received: list[Any] = []
    rejected: list[Any] = []
    hub.received.connect(received.append)
    hub.rejected.connect(rejected.append)
    processor = CallbackProcessor(app_id=APP_ID, park_key=PARK_KEY, app_secret=SECRET,
                                  journal=journal)
    hub.attach(processor)
    listener = CallbackListener(processor, host="127.0.0.1", port=0, **listener_kwargs)
    await listener.start()
    try:
        yield Stack(journal, processor, listener, hub, received, rejected)
    finally:
        await listener.stop()
        await journal.close()


@pytest.fixture(autouse=True)
def _collect_on_main_thread() -> Iterator[None]:
    """Collect garbage on the main thread before and after each test.

    Each test builds and closes its own qasync loop; the loop's timer QObject sits in a
    reference cycle. If a later test's listener or journal thread happened to run the cyclic
    GC, Qt would warn "Timers cannot be stopped from another thread". (The console has a
    single loop for its lifetime, and its main() collects on the GUI thread.)
    """
    gc.collect()
    yield
    gc.collect()


@pytest.fixture
def run(loop: asyncio.AbstractEventLoop) -> Iterator[Callable[[Any], Any]]:
    """``run(coro)``: drive a coroutine to completion on the qasync test loop."""
    yield loop.run_until_complete
