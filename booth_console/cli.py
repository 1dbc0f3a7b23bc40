"""``booth-console`` entry point: dispatches to one sub-command module, imported lazily.

Each sub-command module provides ``add_arguments(parser)`` and ``run(args) -> int``; only the
chosen one is imported, so ``booth-console sign`` does not pay for Qt or aiohttp.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from booth_console import __version__

#: sub-command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("booth_console.ui.demo", "run the console against the built-in simulator with live traffic"),
    "run": ("booth_console.ui.main", "run the console with its callback listener (--config FILE)"),
    "simulate": ("booth_console.simulator.cli", "run the parking server simulator"),
    "sign": ("booth_console.tools.sign", "show or verify the signature of a JSON body"),
    "call": ("booth_console.tools.call", "call any endpoint of the parking server and print the answer"),
    "find-entry": ("booth_console.tools.find_entry", "the in-lot vehicles a plate read may belong to, best first"),
    "callbacks": ("booth_console.listener.cli", "show or set the server's callback table, re-pull failed callbacks"),
    "self-test": ("booth_console.tools.selftest", "check that this installation can run (Qt, loop, listener, translation)"),
    "setup": ("booth_console.tools.setup", "first-run setup wizard, or --check a configuration headless"),
    "autostart": ("booth_console.tools.autostart", "start the console at login: on, off or status"),
    "diagnose": ("booth_console.tools.diagnose", "write a zip for support: versions, masked configuration, logs, journal check"),
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every sub-command (imports each sub-command module)."""
    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        importlib.import_module(module).add_arguments(sp)
    return parser


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="booth-console",
        description="Booth Console: a parking booth attendant's console for the vendor's LAN interface.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen sub-command; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    name = next((a for a in args_list if not a.startswith("-")), None)
    if name not in COMMANDS:
        parser = _top_parser()
        sub = parser.add_subparsers(dest="command", metavar="COMMAND")
        for cmd, (_module, help_text) in COMMANDS.items():
            sub.add_parser(cmd, help=help_text, add_help=False)
        if name is None and not args_list:
            parser.print_help()
            return 2
        parser.parse_args(args_list)  # prints --help/--version or an error and exits
        return 2
    module_name, help_text = COMMANDS[name]
    module = importlib.import_module(module_name)
    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sp = sub.add_parser(name, help=help_text, description=help_text)
    module.add_arguments(sp)
    args = parser.parse_args(args_list)
    try:
        code = module.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
