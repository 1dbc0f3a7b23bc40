"""``booth-console shift report``: a closed shift's report, as kept in the journal.

``--last`` (default) or ``--id N``; ``--format text`` (the figures on standard output),
``csv`` or ``pdf`` (``--output FILE``; PDF is drawn by Qt without a display). The journal is
opened read-only, so this works while the console runs.

Exit codes: 0 written, 1 no such closed shift, 2 no journal or bad options.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from booth_console.tools.audit import AuditToolError, journal_file, open_read_only

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``booth-console shift``."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    rep = sub.add_parser("report", help="a closed shift's report")
    rep.add_argument("--journal", metavar="FILE", help="the journal file (default: the one "
                     "of --config)")
    rep.add_argument("--config", "-c", metavar="FILE", help="the console's configuration")
    which = rep.add_mutually_exclusive_group()
    which.add_argument("--last", action="store_true", help="the last closed shift (default)")
    which.add_argument("--id", type=int, metavar="N", help="shift N")
    rep.add_argument("--format", choices=("text", "csv", "pdf"), default="text")
    rep.add_argument("--output", "-o", metavar="FILE", help="write here (needed for pdf)")


def run(args: argparse.Namespace) -> int:
    """Run ``shift report``."""
    from booth_console.app.cashup import ShiftReport, report_csv
    from booth_console.errors import ConfigError

    try:
        conn = open_read_only(journal_file(args))
    except (AuditToolError, ConfigError) as exc:
        print(f"booth-console shift: {exc}", file=sys.stderr)
        return 2
    try:
        if args.id is not None:
            row = conn.execute("SELECT data FROM shifts WHERE event = 'close' AND shift_id = ?",
                               (args.id,)).fetchone()
        else:
            row = conn.execute("SELECT data FROM shifts WHERE event = 'close'"
                               " ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    if row is None or not isinstance(json.loads(row[0]).get("Report"), dict):
        print("booth-console shift: no such closed shift", file=sys.stderr)
        return 1
    report = ShiftReport.from_dict(json.loads(row[0])["Report"])
    if args.format == "pdf":
        if not args.output:
            print("booth-console shift: --format pdf needs --output FILE", file=sys.stderr)
            return 2
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        from booth_console.ui.shift_report import export_pdf

        app = QApplication.instance() or QApplication([])
        export_pdf(report, Path(args.output))
        del app
        return 0
    if args.format == "csv":
        text = report_csv(report)
    else:
        text = (f"shift {report.shift_id} of {report.operator}: {report.payments_count} payments "
                f"¥{report.payments_total}; expected cash ¥{report.expected_cash}, counted "
                f"¥{report.counted_cash}, variance ¥{report.variance}; "
                f"{len(report.mismatches)} differences with the server\n")
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
