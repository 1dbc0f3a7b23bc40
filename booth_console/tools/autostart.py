"""``booth-console autostart on|off|status``: start the console when this user logs in.

Linux (and other XDG desktops): ``~/.config/autostart/booth-console.desktop``. Windows: a
``booth-console.cmd`` in the user's Startup folder (no shortcut API needed). The entry runs
``booth-console run --config FILE``; no secret is ever written into it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath

from booth_console import platform_paths

__all__ = ["add_arguments", "disable", "enable", "entry_text", "run", "status"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``booth-console autostart``."""
    parser.add_argument("action", choices=("on", "off", "status"), help="turn on, turn off or show")
    parser.add_argument("--config", "-c", metavar="FILE",
                        help="configuration the console starts with (default: the one setup writes)")


def _desktop_quote(arg: str) -> str:
    # Desktop Entry Specification, "The Exec key": quote arguments with reserved characters
    # and escape ", `, $ and \ inside; a literal % is written %%.
    arg = arg.replace("%", "%%")
    if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg
    return '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'


def _cmd_quote(arg: str) -> str:
    if any(c in arg for c in '"\r\n'):
        raise ValueError(f"cannot put {arg!r} in a Windows command line")
    return f'"{arg}"' if (not arg or any(c in arg for c in " \t&()^%!,;=")) else arg


def entry_text(command: Sequence[str], platform: str | None = None) -> str:
    """The content of the autostart entry that runs ``command``."""
    plat = sys.platform if platform is None else platform
    if plat == "win32":
        line = " ".join(_cmd_quote(a) for a in command)
        # `start ""` returns at once so the console window of the .cmd closes
        return f'@echo off\r\nrem Booth Console: start at login\r\nstart "" {line}\r\n'
    if plat == "darwin":
        args = "".join(f"    <string>{_xml(a)}</string>\n" for a in command)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
                '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict>\n'
                "  <key>Label</key><string>com.booth-console</string>\n"
                f"  <key>ProgramArguments</key><array>\n{args}  </array>\n"
                "  <key>RunAtLoad</key><true/>\n</dict></plist>\n")
    return ("[Desktop Entry]\nType=Application\nName=Booth Console\n"
            "Comment=Parking booth attendant's console\n"
            f"Exec={' '.join(_desktop_quote(a) for a in command)}\n"
            "Terminal=false\nX-GNOME-Autostart-enabled=true\n")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def enable(config: Path, *, platform: str | None = None, environ: Mapping[str, str] | None = None,
           home: str | PurePath | None = None, command: Sequence[str] | None = None) -> Path:
    """Write the autostart entry for ``run --config CONFIG``; returns its path."""
    path = Path(platform_paths.autostart_file(platform, environ, home))
    base = list(command) if command is not None else platform_paths.launch_command()
    text = entry_text([*base, "run", "--config", str(config)], platform)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(text.encode("utf-8"))  # bytes: the .cmd keeps its CRLF line ends
    tmp.replace(path)
    return path


def disable(*, platform: str | None = None, environ: Mapping[str, str] | None = None,
            home: str | PurePath | None = None) -> bool:
    """Remove the autostart entry; false when there was none."""
    path = Path(platform_paths.autostart_file(platform, environ, home))
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def status(*, platform: str | None = None, environ: Mapping[str, str] | None = None,
           home: str | PurePath | None = None) -> tuple[bool, Path]:
    """Whether the entry exists, and where it is (or would be)."""
    path = Path(platform_paths.autostart_file(platform, environ, home))
    return path.exists(), path


def run(args: argparse.Namespace) -> int:
    """Turn autostart on or off, or show it; exit 1 when ``on`` names a missing configuration."""
    if args.action == "on":
        config = Path(args.config) if args.config else Path(platform_paths.config_file())
        if not config.exists():
            print(f"booth-console: no configuration at {config}: run `booth-console setup` first "
                  "or give --config FILE", file=sys.stderr)
            return 1
        path = enable(config.resolve())
        print(f"autostart on: {path}")
    elif args.action == "off":
        removed = disable()
        print("autostart off" + ("" if removed else " (it was not on)"))
    else:
        on, path = status()
        if on:
            print(f"autostart on: {path}")
            print(path.read_text(encoding="utf-8").strip())
        else:
            print(f"autostart off (entry would be {path})")
    return 0
