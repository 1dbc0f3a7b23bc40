"""``booth-console setup``: the first-run wizard, or ``--check`` its checks headless.

``setup`` opens the wizard (:mod:`booth_console.ui.setup_wizard`), writes the configuration
(default: :func:`booth_console.platform_paths.config_file`) and starts the console with it.
``setup --check --config FILE`` runs the same checks against an existing file and prints one
line per check; exit 0 when all passed, 1 otherwise, 2 for a file that cannot be loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

__all__ = ["add_arguments", "config_or_wizard", "run", "run_wizard"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``booth-console setup``."""
    parser.add_argument("--config", "-c", metavar="FILE",
                        help="configuration file to write, or to check with --check "
                             "(default: the per-user one, see docs)")
    parser.add_argument("--check", action="store_true",
                        help="run the connection checks headless against --config FILE")
    parser.add_argument("--lang", choices=("en", "zh_CN"), help="language (default: the system locale)")
    parser.add_argument("--no-start", action="store_true", help="do not start the console afterwards")


def _default_config() -> Path:
    from booth_console.platform_paths import config_file

    return Path(config_file())


def check(path: Path) -> int:
    """Print one line per check for the configuration at ``path``; the exit code."""
    from booth_console.config import load_config
    from booth_console.errors import ConfigError
    from booth_console.setup_checks import run_checks

    try:
        cfg = load_config(path)
    except ConfigError as exc:
        print(f"FAIL  configuration: {exc}")
        return 2
    print(f"ok    configuration: {path}")
    from booth_console.secrets import plain_secret_warning

    warning = plain_secret_warning(cfg, path)
    if warning:  # worth fixing, but the console works
        print(f"warn  secrets: {warning}: store it in the OS keyring (booth-console setup) or chmod 600 the file")
    report = asyncio.run(run_checks(cfg))
    for line in report.checks:
        print(line.line())
    return 0 if report.ok else 1


def run_wizard(path: Path, language: str = "") -> Path | None:
    """Show the wizard; the written configuration file, or None when it was cancelled."""
    from PySide6.QtWidgets import QApplication

    from booth_console.app.i18n import choose_language, install_translators
    from booth_console.ui.setup_wizard import SetupWizard

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    lang = choose_language(language)
    install_translators(app, lang)
    wizard = SetupWizard(path, language=language)
    wizard.exec()
    return wizard.written


def config_or_wizard(language: str = "") -> Path | None:
    """The default configuration file; when there is none yet, the wizard writes it (None when
    the wizard was cancelled, or cannot be shown because there is no display)."""
    from booth_console.platform_paths import can_show_windows

    path = _default_config()
    if path.exists():
        return path
    if not can_show_windows():  # headless, or no display (a shell over SSH): Qt would abort
        print(f"booth-console: no configuration at {path}: run `booth-console setup` on the booth PC "
              "or give --config FILE", file=sys.stderr)
        return None
    print(f"booth-console: no configuration at {path} yet: opening the setup wizard", file=sys.stderr)
    return run_wizard(path, language)


def run(args: argparse.Namespace) -> int:
    """Run the wizard (then the console), or the headless checks."""
    path = Path(args.config) if args.config else _default_config()
    if args.check:
        return check(path)
    from booth_console.platform_paths import can_show_windows

    if not can_show_windows():
        print("booth-console: the setup wizard needs the booth PC's screen, and this session has none "
              "(no DISPLAY, or QT_QPA_PLATFORM=offscreen): run it at the booth PC, or write the file by hand "
              "(docs/BOOTH_PC.md) and check it with `booth-console setup --check --config FILE`",
              file=sys.stderr)
        return 2
    written = run_wizard(path, args.lang or "")
    if written is None:
        print("booth-console: setup cancelled; nothing was written", file=sys.stderr)
        return 1
    print(f"configuration written to {written}", flush=True)  # the console runs on for hours
    if args.no_start:
        return 0
    from booth_console.ui import main

    parser = argparse.ArgumentParser(prog="booth-console run")
    main.add_arguments(parser)
    return main.run(parser.parse_args(["--config", str(written)] + (["--lang", args.lang] if args.lang else [])))
