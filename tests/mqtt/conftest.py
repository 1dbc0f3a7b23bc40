"""A real mosquitto for the MQTT tests (skipped locally when missing; a failure under CI=true)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from booth_console.config import MqttConfig
from booth_console.devtools.broker import MosquittoBroker, find_mosquitto


def _need_mosquitto() -> None:
    if find_mosquitto() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("mosquitto is not installed but CI=true: the MQTT tests must run in CI")
        pytest.skip("mosquitto is not installed")


def _running(b: MosquittoBroker) -> Iterator[MosquittoBroker]:
    """``b`` started in its own work directory, and stopped afterwards."""
    os.makedirs(b.workdir, exist_ok=True)
    b.start()
    try:
        yield b
    finally:
        b.stop()


@pytest.fixture
def mosquitto() -> str:
    """The mosquitto binary (skip locally when missing; fail under CI=true)."""
    _need_mosquitto()
    return str(find_mosquitto())


@pytest.fixture
def broker(tmp_path: object) -> Iterator[MosquittoBroker]:
    """A fresh mosquitto on an ephemeral loopback port with persistence (restartable)."""
    _need_mosquitto()
    yield from _running(MosquittoBroker(workdir=os.path.join(str(tmp_path), "broker"),
                                        persistence=True))


@pytest.fixture
def verbose_broker(mosquitto: str, tmp_path: Path) -> Iterator[MosquittoBroker]:
    """A production-like mosquitto: its default in-flight window (20), autosave every second,
    every packet logged (restartable)."""
    yield from _running(MosquittoBroker(workdir=os.path.join(str(tmp_path), "broker"),
                                        verbose=True, autosave_interval=1))


@pytest.fixture
def mqtt_cfg(broker: MosquittoBroker) -> MqttConfig:
    """``[mqtt]`` settings pointing at the test broker, with a short request timeout."""
    return MqttConfig(host=broker.host, port=broker.port, topic_prefix="parking", request_timeout=2.0)


@pytest.fixture(autouse=True)
def _collect_qt_garbage_on_main_thread() -> Iterator[None]:
    """Collect garbage on the main thread before and after each test.

    paho's network thread allocates, so Python's cyclic GC may otherwise run there and destroy a
    previous test's qasync QObjects off their thread ("Timers cannot be stopped from another
    thread").
    """
    import gc

    gc.collect()
    yield
    gc.collect()
