"""The AppSecret and MQTT password from the OS keyring, the environment or the file."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from booth_console import secrets
from booth_console.config import load_config
from booth_console.errors import ConfigError
from tests.app.helpers import simulator_api
from tests.boothpc.keyring_backend import FileKeyring
from tests.processes import kill_if_running
from tests.processes import wait_for_text as _wait_for

SECRET = "Kx9-very-secret-app-key"
PASSWORD = "broker-pw-7781"


def _write(path: Path, app_secret: str, password: str = "", mode: int = 0o600) -> Path:
    path.write_text(
        f'[server]\napp_id = "a"\npark_key = "1"\napp_secret = "{app_secret}"\n'
        f'[mqtt]\nhost = "127.0.0.1"\nusername = "u"\npassword = "{password}"\n',
        encoding="utf-8",
    )
    path.chmod(mode)
    return path


def test_keyring_references_are_resolved(tmp_path: Path, test_keyring: FileKeyring) -> None:
    ref = secrets.store(secrets.APP_SECRET_ENTRY, SECRET)
    pw_ref = secrets.store(secrets.MQTT_PASSWORD_ENTRY, PASSWORD, service="other-service")
    assert ref == "keyring:app_secret" and pw_ref == "keyring:other-service/mqtt_password"
    cfg = load_config(_write(tmp_path / "b.toml", ref, pw_ref))
    assert cfg.server.app_secret == SECRET and cfg.mqtt.password == PASSWORD
    assert SECRET not in (tmp_path / "b.toml").read_text() and SECRET not in repr(cfg)


def test_missing_entry_and_no_keyring_are_clear_errors(tmp_path: Path, test_keyring: FileKeyring) -> None:
    path = _write(tmp_path / "b.toml", "keyring:nothing-here")
    with pytest.raises(ConfigError, match=r"no entry 'nothing-here'.*booth-console setup"):
        load_config(path)
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(ConfigError, match="keyring cannot be used"):
        load_config(path)


def test_environment_wins_and_plain_values_keep_working(
    tmp_path: Path, test_keyring: FileKeyring, monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _write(tmp_path / "b.toml", "plain-secret", "plain-pw")
    cfg = load_config(path)
    assert (cfg.server.app_secret, cfg.mqtt.password) == ("plain-secret", "plain-pw")
    monkeypatch.setenv("BOOTH_CONSOLE_APP_SECRET", SECRET)
    monkeypatch.setenv("BOOTH_CONSOLE_MQTT_PASSWORD", PASSWORD)
    # the environment wins even over a reference to a keyring entry that does not exist
    cfg = load_config(_write(tmp_path / "c.toml", "keyring:missing", "keyring:missing-too"))
    assert (cfg.server.app_secret, cfg.mqtt.password) == (SECRET, PASSWORD)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_plain_secret_in_a_file_others_can_read_is_warned(
    tmp_path: Path, test_keyring: FileKeyring, caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="booth_console.secrets"):
        load_config(_write(tmp_path / "private.toml", "plain-secret", mode=0o600))
        assert caplog.records == []
        load_config(_write(tmp_path / "shared.toml", "plain-secret", "pw", mode=0o644))
    [record] = caplog.records
    assert "[server] app_secret and [mqtt] password" in record.getMessage()
    assert "other users can read" in record.getMessage() and "plain-secret" not in record.getMessage()
    with caplog.at_level(logging.WARNING, logger="booth_console.secrets"):
        caplog.clear()
        secrets.store(secrets.APP_SECRET_ENTRY, SECRET)
        load_config(_write(tmp_path / "ref.toml", "keyring:app_secret", mode=0o644))
        assert caplog.records == []  # a reference is not a secret


def _cmdlines(pid: int) -> list[str]:
    """The command lines of a process and all its descendants (Linux /proc)."""
    out: list[str] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            out.append(Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode())
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except OSError:
            continue
    return out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_run_takes_the_secret_from_the_keyring_and_shows_it_nowhere(
    tmp_path: Path, test_keyring: FileKeyring, simulator_in_thread: Any,
) -> None:
    _s, _c, (app_id, secret, park_key) = simulator_api()
    ref = secrets.store(secrets.APP_SECRET_ENTRY, secret)
    cfg = tmp_path / "booth.toml"
    cfg.write_text(
        f'[server]\nbase_url = "{simulator_in_thread.base_url}"\napp_id = "{app_id}"\n'
        f'app_secret = "{ref}"\npark_key = "{park_key}"\n'
        '[listener]\nhost = "127.0.0.1"\nport = 0\nregister_callbacks = true\n[booth]\nlanes = ["1"]\n',
        encoding="utf-8",
    )
    data = tmp_path / "data"
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BOOTH_CONSOLE_NO_SOUND="1",
               PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "booth_console", "run", "--config", str(cfg), "--data-dir", str(data)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        log = data / "booth-console.log"
        # registering callbacks and polling need a correct signature: the keyring value was used
        assert _wait_for(log, "booth ready", 30), proc.poll()
        assert simulator_in_thread.engine.pusher.targets
        lines = _cmdlines(proc.pid)
        assert lines and all(secret not in line for line in lines)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        kill_if_running(proc)
        assert proc.stderr is not None
        err = proc.stderr.read()
        proc.stderr.close()
    assert secret not in err
    for written in data.rglob("*"):
        if written.is_file():
            assert secret.encode() not in written.read_bytes(), written
