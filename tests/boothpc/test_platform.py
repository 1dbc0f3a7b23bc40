"""Platform-specific paths (Windows branch forced on Linux) and ``booth-console autostart``."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest

from booth_console import config, platform_paths
from booth_console.tools import autostart

ROOT = Path(__file__).resolve().parents[2]
WIN_ENV = {"APPDATA": r"C:\Users\amy\AppData\Roaming", "LOCALAPPDATA": r"C:\Users\amy\AppData\Local"}


def test_windows_paths() -> None:
    home = PureWindowsPath(r"C:\Users\amy")
    assert platform_paths.data_dir("win32", WIN_ENV, home) == \
        PureWindowsPath(r"C:\Users\amy\AppData\Local\BoothConsole")
    assert platform_paths.config_file("win32", WIN_ENV, home) == \
        PureWindowsPath(r"C:\Users\amy\AppData\Roaming\BoothConsole\booth.toml")
    assert platform_paths.autostart_file("win32", WIN_ENV, home) == PureWindowsPath(
        r"C:\Users\amy\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\booth-console.cmd")
    # without the variables (a service account): under the profile
    assert platform_paths.data_dir("win32", {}, home) == \
        PureWindowsPath(r"C:\Users\amy\AppData\Local\BoothConsole")
    assert platform_paths.loop_kind("win32") == "proactor"
    assert "Credential Manager" in platform_paths.keyring_backend_note("win32")


def test_linux_paths_follow_xdg() -> None:
    env = {"XDG_DATA_HOME": "/x/data", "XDG_CONFIG_HOME": "/x/conf"}
    assert str(platform_paths.data_dir("linux", env, "/home/amy")) == "/x/data/booth-console"
    assert str(platform_paths.config_file("linux", env, "/home/amy")) == "/x/conf/booth-console/booth.toml"
    assert str(platform_paths.autostart_file("linux", {}, "/home/amy")) == \
        "/home/amy/.config/autostart/booth-console.desktop"
    assert str(platform_paths.data_dir("linux", {"BOOTH_CONSOLE_DATA": "/d"}, "/h")) == "/d"
    assert platform_paths.loop_kind("linux") == "selector"


def test_data_dir_agrees_with_the_configuration_module() -> None:
    assert Path(platform_paths.data_dir()) == config.data_dir()


def test_launch_command_frozen_or_not() -> None:
    assert platform_paths.launch_command(True, r"C:\BC\booth-console.exe") == [r"C:\BC\booth-console.exe"]
    assert platform_paths.launch_command(False, "/usr/bin/python3") == ["/usr/bin/python3", "-m", "booth_console"]


def test_windows_startup_entry(tmp_path: Path) -> None:
    env = {"APPDATA": str(tmp_path / "Roaming")}
    cfg = Path(r"C:\Users\amy\AppData\Roaming\BoothConsole\booth.toml")
    path = autostart.enable(cfg, platform="win32", environ=env, home=tmp_path,
                            command=[r"C:\Program Files\Booth Console\booth-console.exe"])
    assert path.name == "booth-console.cmd" and "Startup" in path.parts[-2]
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") == 3
    assert (b'start "" "C:\\Program Files\\Booth Console\\booth-console.exe" run --config '
            b"C:\\Users\\amy\\AppData\\Roaming\\BoothConsole\\booth.toml\r\n") in raw
    assert autostart.status(platform="win32", environ=env, home=tmp_path) == (True, path)
    assert autostart.disable(platform="win32", environ=env, home=tmp_path)
    assert not path.exists() and not autostart.disable(platform="win32", environ=env, home=tmp_path)
    with pytest.raises(ValueError):
        autostart.entry_text(['C:\\a"b'], "win32")


def test_desktop_exec_line_quotes_per_the_spec() -> None:
    text = autostart.entry_text(["/opt/booth console/booth-console", "run", "--config",
                                 '/home/amy/my "cfg" 100%.toml'], "linux")
    [exec_line] = [line for line in text.splitlines() if line.startswith("Exec=")]
    # the spec's escapes are the shell's inside double quotes; %% is a literal %
    assert shlex.split(exec_line[5:].replace("%%", "%")) == [
        "/opt/booth console/booth-console", "run", "--config", '/home/amy/my "cfg" 100%.toml']


def test_autostart_cli_on_status_off(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "conf"),
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    cfg = tmp_path / "booth.toml"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "booth_console", "autostart", *args],
                              capture_output=True, text=True, timeout=60, env=env)

    missing = cli("on", "--config", str(cfg))
    assert missing.returncode == 1 and "setup" in missing.stderr
    cfg.write_text('[server]\napp_secret = "keep-me-out"\n', encoding="utf-8")
    assert cli("on", "--config", str(cfg)).returncode == 0
    entry = tmp_path / "conf" / "autostart" / "booth-console.desktop"
    text = entry.read_text(encoding="utf-8")
    [exec_line] = [line for line in text.splitlines() if line.startswith("Exec=")]
    assert shlex.split(exec_line[5:]) == [sys.executable, "-m", "booth_console", "run", "--config", str(cfg)]
    assert "keep-me-out" not in text
    shown = cli("status")
    assert shown.returncode == 0 and "autostart on" in shown.stdout and str(entry) in shown.stdout
    assert cli("off").returncode == 0 and not entry.exists()
    assert "autostart off" in cli("status").stdout


def test_can_show_windows_per_platform() -> None:
    show = platform_paths.can_show_windows
    assert show("linux", {"DISPLAY": ":0"}) and show("linux", {"WAYLAND_DISPLAY": "wayland-0"})
    assert not show("linux", {})  # a shell over SSH: Qt would abort the process
    assert not show("linux", {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert show("win32", {}) and show("darwin", {})
    assert not show("win32", {"QT_QPA_PLATFORM": "offscreen"})


def test_without_a_display_run_and_setup_say_so_instead_of_aborting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(BOOTH_CONSOLE_CONFIG=str(tmp_path / "conf" / "booth.toml"),
               PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")]))
    run = subprocess.run([sys.executable, "-m", "booth_console", "run"], capture_output=True, text=True,
                         timeout=60, env=env)
    assert run.returncode == 2, run.stderr
    assert "no configuration at" in run.stderr and "booth-console setup" in run.stderr
    assert "platform plugin" not in run.stderr
    setup = subprocess.run([sys.executable, "-m", "booth_console", "setup"], capture_output=True, text=True,
                           timeout=60, env=env)
    assert setup.returncode == 2, setup.stderr
    assert "needs the booth PC's screen" in setup.stderr and "setup --check" in setup.stderr
    assert "platform plugin" not in setup.stderr and not (tmp_path / "conf").exists()
