"""Helpers for tests that run the console (or the demo) as a separate process."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

from tests.app.helpers import simulator_api


def wait_for_text(path: Path, text: str, timeout: float) -> bool:
    """Whether ``text`` shows up in the file ``path`` (a log) within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8", errors="replace"):
            return True
        time.sleep(0.1)
    return False


def kill_if_running(proc: subprocess.Popen[Any]) -> None:
    """Kill ``proc`` and reap it when it is still running (the clean-up after a failed test)."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def console_config(tmp_path: Path, base_url: str, booth: str | None = None) -> Path:
    """``tmp_path/booth.toml`` for a console against ``base_url`` with the simulator's
    credentials and a loopback listener that registers its callbacks; ``booth``: the lines of a
    ``[booth]`` section (none when ``None``)."""
    _s, _c, (app_id, secret, park_key) = simulator_api()
    cfg = tmp_path / "booth.toml"
    cfg.write_text(
        f'[server]\nbase_url = "{base_url}"\napp_id = "{app_id}"\n'
        f'app_secret = "{secret}"\npark_key = "{park_key}"\n'
        '[listener]\nhost = "127.0.0.1"\nport = 0\nregister_callbacks = true\n'
        + ("" if booth is None else f"[booth]\n{booth}"),
        encoding="utf-8",
    )
    return cfg
