"""``booth-console run --config FILE`` headless, stopped by SIGTERM; translations load."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication

from booth_console.app.i18n import choose_language, install_translators
from booth_console.app.resources import resource_path
from tests.app.helpers import simulator_api
from tests.processes import console_config, kill_if_running
from tests.processes import wait_for_text as _wait_for


@pytest.fixture
def simulator_in_thread(tmp_path: Path) -> Iterator[Any]:
    """A simulator on its own loop in a thread (the console under test is another process)."""
    started = threading.Event()
    stop = threading.Event()
    holder: dict[str, Any] = {}

    def run() -> None:
        simulator, config, _ = simulator_api()

        async def main() -> None:
            (tmp_path / "sim.db.captures" / "CameraCaptures").mkdir(parents=True, exist_ok=True)
            sim = simulator(config(port=0, traffic=0, db_path=tmp_path / "sim.db"))
            await sim.start()
            holder["sim"] = sim
            started.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)
            await sim.stop()

        asyncio.run(main())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(15)
    try:
        yield holder["sim"]
    finally:
        stop.set()
        thread.join(15)


@pytest.mark.slow
def test_run_headless_until_sigterm(tmp_path: Path, simulator_in_thread: Any) -> None:
    _s, _c, (_app_id, secret, _park_key) = simulator_api()
    cfg = console_config(tmp_path, str(simulator_in_thread.base_url),
                         'lanes = ["2", "1"]\noperator = "night shift"\nlanguage = "zh_CN"\n')
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BOOTH_CONSOLE_NO_SOUND="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "booth_console", "run", "--config", str(cfg), "--data-dir", str(data)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        log = data / "booth-console.log"
        assert _wait_for(log, "booth ready: polling lanes 2, 1", 30), proc.poll()
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        kill_if_running(proc)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
    text = log.read_text(encoding="utf-8")
    assert "console stopped (exit code 0)" in text
    assert secret not in text
    assert (data / "journal.sqlite3").exists()


def test_bad_config_exits_2(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[booth]\nlanguage = 'fr'\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "booth_console", "run", "--config", str(cfg)],
        capture_output=True, text=True, timeout=60,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert result.returncode == 2 and "language" in result.stderr


def test_chinese_translation_loads(qapp: Any) -> None:
    assert resource_path("i18n", "booth_console_zh_CN.qm") is not None
    try:
        assert install_translators(qapp, "zh_CN")
        assert QCoreApplication.translate("Commands", "Open barrier") == "开闸"
        assert QCoreApplication.translate("Commands", "A reason is required for a fee override.") \
            == "修改金额必须填写原因。"
    finally:
        install_translators(qapp, "en")
    assert QCoreApplication.translate("Commands", "Open barrier") == "Open barrier"
    assert choose_language("zh_CN") == "zh_CN" and choose_language("en") == "en"


def test_every_string_is_translated() -> None:
    import importlib.util

    here = Path(__file__).resolve().parents[2] / "resources" / "i18n"
    spec = importlib.util.spec_from_file_location("extract", here / "extract.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    zh = importlib.util.spec_from_file_location("zh", here / "zh_CN.py")
    assert zh and zh.loader
    table = importlib.util.module_from_spec(zh)
    zh.loader.exec_module(table)
    missing = [(ctx, text) for ctx, items in mod.extract().items() for text, _ in items
               if text not in table.TRANSLATIONS]
    assert missing == []
    ts = (here / "booth_console_zh_CN.ts").read_text(encoding="utf-8")
    assert 'type="unfinished"' not in ts


@pytest.mark.slow
def test_demo_renders_every_window_and_exits_0(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BOOTH_CONSOLE_NO_SOUND="1")
    result = subprocess.run(
        [sys.executable, "-m", "booth_console", "demo", "--lang", "zh_CN", "--traffic", "30",
         "--exit-after", "6", "--screenshot-dir", str(shots), "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = sorted(p.name for p in shots.glob("*.png"))
    assert names == ["booth.png", "find-entry.png", "lane-1.png", "lane-2.png", "lane-3.png",
                     "lane-4.png", "shift-report.png", "sign-on.png"]
    log = (tmp_path / "data" / "booth-console.log").read_text(encoding="utf-8")
    assert "booth ready" in log and "console stopped (exit code 0)" in log
