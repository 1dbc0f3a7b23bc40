"""``booth-console operators``: manage the operator accounts from the command line.

``add NAME --role ROLE``, ``passwd NAME``, ``list``, ``disable NAME``, ``enable NAME``. A password
is read from the terminal without echo (asked twice), or, when standard input is not a
terminal, from its first line (for installers: ``printf '%s\\n' "$PW" | booth-console operators
add li --role attendant``). It is never taken from the command line, where other users and the
shell history would see it. The file is the one the console uses: ``operators.sqlite3`` beside
the journal of ``--config`` (default: the configuration ``setup`` wrote), or in ``--data-dir``.

Exit codes: 0 done, 1 refused (bad name or password, no such account, ...), 2 bad configuration.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
import unicodedata
from pathlib import Path
from typing import TextIO

from booth_console import operators as ops

__all__ = ["add_arguments", "read_password", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``booth-console operators``."""
    parser.add_argument("--config", "-c", metavar="FILE",
                        help="the console's configuration (default: the one `setup` wrote, if any); "
                        "the accounts are kept beside its journal")
    parser.add_argument("--data-dir", metavar="DIR", help="keep the accounts in DIR/operators.sqlite3 "
                        "instead (as `run --data-dir`)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add an account (the password is asked for)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in ops.Role],
                     help="attendant, supervisor (also approves and unlocks) or admin (also "
                     "manages accounts)")
    sub.add_parser("list", help="list the accounts (never a password)")
    pw = sub.add_parser("passwd", help="set a new password (clears the wrong-password wait)")
    pw.add_argument("name")
    dis = sub.add_parser("disable", help="refuse the account's sign-on from now on")
    dis.add_argument("name")
    en = sub.add_parser("enable", help="allow a disabled account to sign on again")
    en.add_argument("name")


def _path(args: argparse.Namespace) -> Path:
    from booth_console.config import load_config

    if args.data_dir:
        return ops.default_path(data_dir=Path(args.data_dir))
    config = Path(args.config) if args.config else None
    if config is None:
        from booth_console.platform_paths import config_file

        default = Path(config_file())
        config = default if default.exists() else None
    return ops.default_path(load_config(config) if config is not None else None)


def read_password(name: str, stdin: TextIO | None = None, *, interactive: bool | None = None) -> str:
    """The new password for ``name``: typed twice without echo on a terminal, else the first line
    of standard input (without its line end).

    Raises:
        ops.BadInput: the two entries differ, or nothing was given.
    """
    stream = sys.stdin if stdin is None else stdin
    tty = stream.isatty() if interactive is None else interactive
    if tty:
        first = getpass.getpass(f"New password for {name}: ")
        ops.check_password(first)  # say so before asking again
        if getpass.getpass("Again: ") != first:
            raise ops.BadInput("the two passwords differ; nothing was changed")
        return first
    line = stream.readline()
    if not line:
        raise ops.BadInput("no password on standard input")
    return line.rstrip("\r\n")


def _when(t: float | None) -> str:
    return dt.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M") if t else "never"


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _list(store: ops.Operators) -> int:
    accounts = store.accounts()
    if not accounts:
        print(f"no operator accounts in {store.path}; add the first admin with "
              "`booth-console operators add NAME --role admin`")
        return 0
    width = max(4, *(_width(a.name) for a in accounts))
    print(f"{'NAME':<{width}}  {'ROLE':<10}  {'STATE':<11}  {'LAST SIGN-ON':<16}  PASSWORD SET")
    for a in accounts:
        wait = store.wait_s(a.name)
        state = "disabled" if a.disabled else f"waits {wait:.0f} s" if wait else "active"
        print(f"{a.name + ' ' * (width - _width(a.name))}  {a.role.value:<10}  {state:<11}  {_when(a.last_sign_on):<16}  "
              f"{_when(a.password_changed)}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run one action; one line on standard error when it is refused."""
    from booth_console.errors import ConfigError

    try:
        store = ops.Operators(_path(args))
    except ConfigError as exc:
        print(f"booth-console: {exc}", file=sys.stderr)
        return 2
    try:
        if args.action == "list":
            return _list(store)
        if args.action == "add":
            name = ops.check_name(args.name)
            if any(a.name.casefold() == name.casefold() for a in store.accounts()):
                raise ops.AccountExists(f"an operator account {name!r} exists already")
            account = store.add(name, args.role, read_password(name))
            print(f"added {account.name} ({account.role.value}) to {store.path}")
        elif args.action == "passwd":
            account = store.get(args.name)
            store.set_password(account.name, read_password(account.name))
            print(f"password of {account.name} changed")
        elif args.action in ("disable", "enable"):
            account = store.get(args.name)
            store.set_disabled(account.name, args.action == "disable")
            print(f"{account.name} {args.action}d")
    except ops.OperatorError as exc:
        print(f"booth-console operators: {exc}", file=sys.stderr)
        return 1
    except EOFError:
        print("\nbooth-console operators: no password given; nothing was changed", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nbooth-console operators: cancelled; nothing was changed", file=sys.stderr)
        return 130
    return 0
