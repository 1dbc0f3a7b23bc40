"""Fixtures: a simulator on its own thread (shared with the UI tests) and a test keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.boothpc.keyring_backend import FileKeyring
from tests.ui.test_main import simulator_in_thread  # noqa: F401 (a fixture)


@pytest.fixture
def test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FileKeyring]:
    """The OS keyring replaced by a file, here and in child processes started by the test."""
    monkeypatch.setenv("BOOTH_TEST_KEYRING_FILE", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.boothpc.keyring_backend.FileKeyring")
    monkeypatch.delenv("BOOTH_CONSOLE_APP_SECRET", raising=False)
    monkeypatch.delenv("BOOTH_CONSOLE_MQTT_PASSWORD", raising=False)
    before = keyring.get_keyring()
    backend = FileKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


@pytest.fixture(autouse=True)
def _collect_qt_garbage_on_main_thread() -> Iterator[None]:
    """Collect garbage on the main thread before and after each test, so that Qt objects left
    in reference cycles (by earlier tests, or the wizard and About box here) are not destroyed
    later by a collection on some test's worker thread ("Timers cannot be stopped from another
    thread")."""
    import gc

    gc.collect()
    yield
    gc.collect()
