"""``booth-console audit``: check and export the journal's audit trail.

``verify`` recomputes the hash chain over the operator actions and the shift records
(:mod:`booth_console.journal.audit`) and exits 0 when it is intact, 1 naming the first broken
row. ``export --format jsonl|csv [--from DATE] [--to DATE]`` writes the rows of that range
(``--to`` inclusive of that day) to standard output or ``--output``; secret-looking keys are
dropped again on the way out. The journal is opened read-only: the console may be running.

Exit codes: 0 intact / written, 1 a broken chain, 2 no journal, a journal too old for the audit
trail (open it once with this version of the console), or bad options.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path
from typing import TextIO

from booth_console.journal.audit import export_rows, verify

__all__ = ["add_arguments", "journal_file", "open_read_only", "run"]

#: the schema that brought the audit chain
AUDIT_SCHEMA = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``booth-console audit``."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    ver = sub.add_parser("verify", help="check the hash chain of actions and shifts")
    exp = sub.add_parser("export", help="export actions and shift records of a date range")
    for p in (ver, exp):
        p.add_argument("--journal", metavar="FILE", help="the journal file (default: the one "
                       "of --config)")
        p.add_argument("--config", "-c", metavar="FILE", help="the console's configuration "
                       "(default: the one `setup` wrote, if any)")
    exp.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    exp.add_argument("--from", dest="since", metavar="DATE", help="first day (YYYY-MM-DD)")
    exp.add_argument("--to", dest="until", metavar="DATE", help="last day (YYYY-MM-DD)")
    exp.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")


def journal_file(args: argparse.Namespace) -> Path:
    """The journal named by ``--journal``, else by the configuration."""
    if getattr(args, "journal", None):
        return Path(args.journal)
    from booth_console.config import Config, load_config

    config = Path(args.config) if getattr(args, "config", None) else None
    if config is None:
        from booth_console.platform_paths import config_file

        default = Path(config_file())
        config = default if default.exists() else None
    cfg = load_config(config) if config is not None else Config()
    return cfg.journal_path()


class AuditToolError(Exception):
    """Exit 2 with this message."""


def open_read_only(path: Path) -> sqlite3.Connection:
    """The journal, read-only, at schema 5 or later.

    Raises:
        AuditToolError: no such file, not a journal, or too old.
    """
    if not path.is_file():
        raise AuditToolError(f"no journal at {path}")
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        conn.execute("PRAGMA busy_timeout=5000")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise AuditToolError(f"cannot read the journal {path}: {exc}") from None
    if version < AUDIT_SCHEMA:
        conn.close()
        raise AuditToolError(f"the journal {path} (schema {version}) has no audit trail yet: "
                             "start the console once to upgrade it")
    return conn


def _day(text: str | None, *, end: bool) -> float | None:
    if not text:
        return None
    try:
        day = dt.datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise AuditToolError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    return (day + dt.timedelta(days=1 if end else 0)).timestamp()


def _write(rows: list[dict[str, object]], fmt: str, out: TextIO) -> None:
    if fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
        return
    w = csv.writer(out, lineterminator="\n")
    cols = ["table", "id", "at", "operator", "lane_no", "kind", "shift_id", "detail",
            "result_code", "result_msg", "result_id", "hash"]
    w.writerow(cols)
    for r in rows:
        w.writerow([json.dumps(r[c], ensure_ascii=False, separators=(",", ":"))
                    if c == "detail" else ("" if r[c] is None else r[c]) for c in cols])


def run(args: argparse.Namespace) -> int:
    """Run ``audit verify`` or ``audit export``."""
    from booth_console.errors import ConfigError

    try:
        path = journal_file(args)
        conn = open_read_only(path)
    except (AuditToolError, ConfigError) as exc:
        print(f"booth-console audit: {exc}", file=sys.stderr)
        return 2
    try:
        if args.action == "verify":
            result = verify(conn)
            counts = ", ".join(f"{n} {t} rows" for t, n in result.rows.items())
            if result.broken is not None:
                print(f"BROKEN at {result.broken} ({path})")
                return 1
            heads = " ".join(f"{t}={h[:16] or '-'}" for t, h in result.heads.items())
            print(f"intact: {counts} ({path}); heads {heads}")
            return 0
        try:
            since, until = _day(args.since, end=False), _day(args.until, end=True)
        except AuditToolError as exc:
            print(f"booth-console audit: {exc}", file=sys.stderr)
            return 2
        rows = list(export_rows(conn, since=since, until=until))
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as f:
                _write(rows, args.format, f)
        else:
            _write(rows, args.format, sys.stdout)
        return 0
    finally:
        conn.close()
