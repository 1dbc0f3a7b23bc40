"""``booth-console run --config FILE``: the console with its callback listener.

Under ``QT_QPA_PLATFORM=offscreen`` it runs headless until SIGINT or SIGTERM (for tests and for
checking a booth from a shell), then shuts down in order: windows, lane pollers, listener,
journal, client.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``booth-console run``."""
    parser.add_argument("--config", "-c", metavar="FILE", help="TOML configuration file (default: the "
                        "per-user one written by `booth-console setup`; the setup wizard opens if it is missing)")
    parser.add_argument("--lang", choices=("en", "zh_CN"), help="language (default: [booth] language "
                        "or the system locale)")
    parser.add_argument("--data-dir", metavar="DIR", help="journal, captures, window positions and log "
                        "(default: BOOTH_CONSOLE_DATA or the user data directory)")
    parser.add_argument("--register", action=argparse.BooleanOptionalAction, default=None,
                        help="call SetCallbackParams on start (default: [listener] register_callbacks)")
    parser.add_argument("--exit-after", type=float, metavar="SECONDS", help="stop after this many seconds")
    parser.add_argument("--screenshot-dir", metavar="DIR", help="save every window as PNG before exiting")
    parser.add_argument("--verbose", "-v", action="store_true", help="log debug messages to stderr")


def run(args: argparse.Namespace) -> int:
    """Run the console; returns the exit code (2 for a bad configuration or missing
    credentials; the AppSecret may come from ``BOOTH_CONSOLE_APP_SECRET``)."""
    from booth_console.app import commands  # noqa: F401  (declares the commands [booth.shortcuts] may name)
    from booth_console.config import data_dir, load_config, require_credentials, with_environment
    from booth_console.errors import ConfigError

    if not args.config:  # first run: no configuration yet -> the setup wizard writes one
        from booth_console.tools.setup import config_or_wizard

        found = config_or_wizard(args.lang or "")
        if found is None:
            return 2
        args.config = str(found)
    try:
        cfg = with_environment(load_config(args.config))
        require_credentials(cfg)
    except ConfigError as exc:
        print(f"booth-console: {exc}", file=sys.stderr)
        # started from the autostart entry or an icon, nobody reads stderr: say it on screen
        from booth_console.platform_paths import can_show_windows

        if can_show_windows():
            _show_start_error(str(exc), args.lang or "")
        return 2
    folder = Path(args.data_dir) if args.data_dir else data_dir()
    if args.data_dir and not cfg.listener.journal:
        cfg = dataclasses.replace(
            cfg, listener=dataclasses.replace(cfg.listener, journal=str(folder / "journal.sqlite3"))
        )

    async def factory() -> tuple[Any, None]:
        from booth_console.app.session import Session

        session = await Session.create(cfg, register=args.register)
        return session, None

    from booth_console.ui.bootstrap import ConsoleRun, run_console

    return run_console(ConsoleRun(
        cfg=cfg, data_dir=folder, session_factory=factory, language=args.lang or "",
        exit_after=args.exit_after,
        screenshot_dir=Path(args.screenshot_dir) if args.screenshot_dir else None,
        verbose=args.verbose,
    ))


def _show_start_error(error: str, language: str) -> None:
    """Tell the person at the PC why the console did not start (a one-line error)."""
    from PySide6.QtWidgets import QApplication

    from booth_console.app.i18n import choose_language, install_translators
    from booth_console.ui.setup_wizard import StartErrorBox

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "booth-console"])
    assert isinstance(app, QApplication)
    install_translators(app, choose_language(language))
    StartErrorBox(error).exec()
