"""Paths and choices that differ between Windows and Linux (and macOS), as small functions.

Each takes the platform (``sys.platform`` values), the environment and the home folder as
optional arguments, so the Windows branch is tested on Linux and the other way round.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

__all__ = [
    "APP_DIR_NAME",
    "autostart_file",
    "can_show_windows",
    "config_file",
    "data_dir",
    "keyring_backend_note",
    "launch_command",
    "loop_kind",
]

#: folder name under the per-user data/config folders (Windows) / XDG folders (Linux)
APP_DIR_NAME = {"win32": "BoothConsole", "darwin": "Booth Console"}
_XDG_NAME = "booth-console"


def _plat(platform: str | None) -> str:
    return sys.platform if platform is None else platform


def _path(platform: str, text: str | PurePath) -> PurePath:
    return PureWindowsPath(text) if platform == "win32" else PurePosixPath(text)


def _where(platform: str | None, environ: Mapping[str, str] | None,
           home: str | PurePath | None) -> tuple[str, Mapping[str, str], PurePath]:
    """The platform, the environment and the home folder: as given, else this process's."""
    plat = _plat(platform)
    env = os.environ if environ is None else environ
    return plat, env, _path(plat, Path.home() if home is None else home)


#: per-user base folders: the environment variable naming one, else its place under the home folder
_WIN_LOCAL = ("LOCALAPPDATA", "AppData/Local")
_WIN_ROAMING = ("APPDATA", "AppData/Roaming")
_XDG_DATA = ("XDG_DATA_HOME", ".local/share")
_XDG_CONFIG = ("XDG_CONFIG_HOME", ".config")


def _base(plat: str, env: Mapping[str, str], home: PurePath, folder: tuple[str, str]) -> PurePath:
    variable, under_home = folder
    return _path(plat, env.get(variable) or home / under_home)


def _app_dir(plat: str, env: Mapping[str, str], home: PurePath, *,
             windows: tuple[str, str], xdg: tuple[str, str]) -> PurePath:
    """The console's own folder in a per-user base folder (``windows`` or ``xdg``; on macOS
    always under Application Support)."""
    if plat == "win32":
        return _base(plat, env, home, windows) / APP_DIR_NAME["win32"]
    if plat == "darwin":
        return home / "Library" / "Application Support" / APP_DIR_NAME["darwin"]
    return _base(plat, env, home, xdg) / _XDG_NAME


def data_dir(platform: str | None = None, environ: Mapping[str, str] | None = None,
             home: str | PurePath | None = None) -> PurePath:
    """Journals, logs, window positions: ``BOOTH_CONSOLE_DATA``, else ``%LOCALAPPDATA%\\BoothConsole``
    on Windows, ``~/Library/Application Support/Booth Console`` on macOS, else
    ``$XDG_DATA_HOME/booth-console`` (``~/.local/share/booth-console``)."""
    plat, env, home_p = _where(platform, environ, home)
    if env.get("BOOTH_CONSOLE_DATA"):
        return _path(plat, env["BOOTH_CONSOLE_DATA"])
    return _app_dir(plat, env, home_p, windows=_WIN_LOCAL, xdg=_XDG_DATA)


def config_file(platform: str | None = None, environ: Mapping[str, str] | None = None,
                home: str | PurePath | None = None) -> PurePath:
    """Where ``booth-console setup`` writes the configuration and ``run`` looks for it by default:
    ``BOOTH_CONSOLE_CONFIG``, else ``%APPDATA%\\BoothConsole\\booth.toml`` on Windows, else
    ``$XDG_CONFIG_HOME/booth-console/booth.toml`` (macOS: under Application Support)."""
    plat, env, home_p = _where(platform, environ, home)
    if env.get("BOOTH_CONSOLE_CONFIG"):
        return _path(plat, env["BOOTH_CONSOLE_CONFIG"])
    return _app_dir(plat, env, home_p, windows=_WIN_ROAMING, xdg=_XDG_CONFIG) / "booth.toml"


def autostart_file(platform: str | None = None, environ: Mapping[str, str] | None = None,
                   home: str | PurePath | None = None) -> PurePath:
    """The entry that starts the console at login: a ``.cmd`` in the user's Startup folder on
    Windows, a LaunchAgent ``.plist`` on macOS, an XDG autostart ``.desktop`` file elsewhere."""
    plat, env, home_p = _where(platform, environ, home)
    if plat == "win32":
        base = _base(plat, env, home_p, _WIN_ROAMING)
        return base / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Startup" / "booth-console.cmd"
    if plat == "darwin":
        return home_p / "Library" / "LaunchAgents" / "com.booth-console.plist"
    return _base(plat, env, home_p, _XDG_CONFIG) / "autostart" / "booth-console.desktop"


def launch_command(frozen: bool | None = None, executable: str | None = None) -> list[str]:
    """The command that starts this installation of the console (without sub-command)."""
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    exe = sys.executable if executable is None else executable
    return [exe] if frozen else [exe, "-m", "booth_console"]


def keyring_backend_note(platform: str | None = None) -> str:
    """Which OS store keeps the AppSecret here (for the wizard and the documentation)."""
    plat = _plat(platform)
    if plat == "win32":
        return "Windows Credential Manager"
    if plat == "darwin":
        return "macOS Keychain"
    return "Secret Service (GNOME Keyring or KWallet; needs a desktop session)"


def loop_kind(platform: str | None = None) -> str:
    """``"proactor"`` on Windows (qasync's IOCP loop: needed for subprocesses such as the demo's
    broker), ``"selector"`` elsewhere."""
    return "proactor" if _plat(platform) == "win32" else "selector"


def can_show_windows(platform: str | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """Whether this process can show a window: not headless (``QT_QPA_PLATFORM`` offscreen or
    minimal) and, on Linux and the BSDs, an X11 or Wayland display is named. Without one, Qt
    would abort the process with a message about platform plugins."""
    plat = _plat(platform)
    env = os.environ if environ is None else environ
    if env.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    if plat in ("win32", "darwin"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))

