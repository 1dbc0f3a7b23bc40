"""``booth-console`` entry point: dispatches to one sub-command module, imported lazily.

Each sub-command module provides ``add_arguments(parser)`` and ``run(args) -> int``; only the
chosen one is imported, so ``booth-console sign`` does not pay for Qt or aiohttp.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from booth_console import __version__

# Each loader imports its sub-command module when called (plain imports, so that tools reading
# the import graph see them).


def _demo() -> ModuleType:
    from booth_console.ui import demo

    return demo


def _run() -> ModuleType:
    from booth_console.ui import main

    return main


def _simulate() -> ModuleType:
    from booth_console.simulator import cli

    return cli


def _sign() -> ModuleType:
    from booth_console.tools import sign

    return sign


def _call() -> ModuleType:
    from booth_console.tools import call

    return call


def _find_entry() -> ModuleType:
    from booth_console.tools import find_entry

    return find_entry


def _callbacks() -> ModuleType:
    from booth_console.listener import cli

    return cli


def _self_test() -> ModuleType:
    from booth_console.tools import selftest

    return selftest


def _setup() -> ModuleType:
    from booth_console.tools import setup

    return setup


def _autostart() -> ModuleType:
    from booth_console.tools import autostart

    return autostart


def _operators() -> ModuleType:
    from booth_console.tools import operators

    return operators


def _audit() -> ModuleType:
    from booth_console.tools import audit

    return audit


def _shift() -> ModuleType:
    from booth_console.tools import shift

    return shift


def _diagnose() -> ModuleType:
    from booth_console.tools import diagnose

    return diagnose


#: sub-command name -> (loader of its module, one-line help)
COMMANDS: dict[str, tuple[Callable[[], ModuleType], str]] = {
    "demo": (_demo, "run the console against the built-in simulator with live traffic"),
    "run": (_run, "run the console with its callback listener (--config FILE)"),
    "simulate": (_simulate, "run the parking server simulator"),
    "sign": (_sign, "show or verify the signature of a JSON body"),
    "call": (_call, "call any endpoint of the parking server and print the answer"),
    "find-entry": (_find_entry, "the in-lot vehicles a plate read may belong to, best first"),
    "callbacks": (_callbacks, "show or set the server's callback table, re-pull failed callbacks"),
    "self-test": (_self_test, "check that this installation can run (Qt, loop, listener, translation)"),
    "setup": (_setup, "first-run setup wizard, or --check a configuration headless"),
    "autostart": (_autostart, "start the console at login: on, off or status"),
    "operators": (_operators, "operator accounts: add, list, passwd, disable, enable"),
    "audit": (_audit, "check the journal's audit trail (verify) or export it (jsonl, csv)"),
    "shift": (_shift, "print or export a shift report (csv, pdf) from the journal"),
    "diagnose": (_diagnose, "write a zip for support: versions, masked configuration, logs, journal check"),
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every sub-command (imports each sub-command module)."""
    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (load, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        load().add_arguments(sp)
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
        for cmd, (_load, help_text) in COMMANDS.items():
            sub.add_parser(cmd, help=help_text, add_help=False)
        if name is None and not args_list:
            parser.print_help()
            return 2
        parser.parse_args(args_list)  # prints --help/--version or an error and exits
        return 2
    load, help_text = COMMANDS[name]
    module = load()
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
