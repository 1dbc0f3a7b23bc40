"""The audit trail: actions and shift rows chained by SHA-256, append-only, checked by
``booth-console audit verify`` (a real journal file, the CLI as a process), exported by date;
shift ids on actions and payments; the chain added to a journal written before it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from booth_console.journal import MIGRATIONS, Journal

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "booth_console", *args], capture_output=True,
                          text=True, timeout=30, env=env, cwd=ROOT)


async def _action(j: Journal, action: str, **request: Any) -> int:
    return await j.record_action(operator="li", lane_no="2", action=action, request=request,
                                 result_code=200, result_msg="ok", result_id="r1")


def _journal_with_shift(loop: Any, path: Path) -> None:
    async def scenario() -> None:
        j = await Journal.open(path)
        try:
            before = await _action(j, "open_gate", LaneNo="2")
            shift = await j.open_shift(operator="li", data={"Float": "200.00"})
            during = await _action(j, "override_fee", OrderNo="O1", Reason="complaint",
                                   Password="not kept")
            await j.add_pending_payment(payment_order_no="BC1", lane_no="2", order_no="O1",
                                        request={"TotalAmountPaid": "5"}, operator="li")
            await j.close_shift(shift.shift_id, operator="li", data={"Counted": "205.00"})
            after = await _action(j, "close_gate", LaneNo="2")
            rows = {r.row_id: r for r in await j.recent_actions(10)}
            assert rows[before].shift_id is None
            assert rows[during].shift_id == shift.shift_id
            assert rows[after].shift_id is None
            assert "Password" not in rows[during].request
            paid = await j.shift_payments(shift.shift_id)
            assert [p.payment_order_no for p, _status in paid] == ["BC1"]
            assert (await j.current_shift()) is None
        finally:
            await j.close()

    loop.run_until_complete(scenario())


def test_verify_passes_an_intact_journal_and_names_an_edited_row(loop: Any,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    _journal_with_shift(loop, path)
    ok = _cli("audit", "verify", "--journal", str(path))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "intact: 3 actions rows, 2 shifts rows" in ok.stdout
    # the schema still fits on the first page (a leaf page: salvage can read a damaged file)
    assert path.read_bytes()[100] == 0x0D

    conn = sqlite3.connect(path)
    # the table refuses changes as such
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE actions SET request = '{}' WHERE id = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM shifts WHERE id = 1")
    # someone drops the trigger and lowers the reason of the override
    conn.execute("DROP TRIGGER actions_no_update")
    conn.execute("""UPDATE actions SET request = '{"OrderNo":"O1","Reason":"nothing"}'
                    WHERE id = 2""")
    conn.commit()
    conn.close()
    bad = _cli("audit", "verify", "--journal", str(path))
    assert bad.returncode == 1
    assert "BROKEN at actions row 2:" in bad.stdout


def test_verify_names_a_deleted_row_and_a_changed_shift(loop: Any, tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    _journal_with_shift(loop, path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER shifts_no_update")
    conn.execute("""UPDATE shifts SET data = '{"Counted":"500.00"}' WHERE id = 2""")
    conn.commit()
    bad = _cli("audit", "verify", "--journal", str(path))
    assert bad.returncode == 1 and "BROKEN at shifts row 2:" in bad.stdout
    conn.execute("DROP TRIGGER actions_no_delete")
    conn.execute("DELETE FROM actions WHERE id = 2")
    conn.commit()
    conn.close()
    bad = _cli("audit", "verify", "--journal", str(path))
    assert bad.returncode == 1
    assert "BROKEN at actions row 3: rows 2..2 are missing" in bad.stdout


def test_export_by_date_as_jsonl_and_csv_without_secrets(loop: Any, tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    _journal_with_shift(loop, path)
    out = _cli("audit", "export", "--journal", str(path), "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["table"], r["kind"]) for r in rows] == [
        ("actions", "open_gate"), ("shifts", "open"), ("actions", "override_fee"),
        ("shifts", "close"), ("actions", "close_gate")]
    assert rows[2]["detail"] == {"OrderNo": "O1", "Reason": "complaint"}
    assert all(len(r["hash"]) == 64 for r in rows)
    assert "not kept" not in out.stdout
    csv_out = tmp_path / "audit.csv"
    out = _cli("audit", "export", "--journal", str(path), "--format", "csv", "--from",
               "2000-01-01", "--to", "2999-12-31", "--output", str(csv_out))
    assert out.returncode == 0, out.stderr
    lines = csv_out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("table,id,at,operator") and len(lines) == 6
    none = _cli("audit", "export", "--journal", str(path), "--from", "2999-01-01")
    assert none.returncode == 0 and none.stdout == ""
    bad = _cli("audit", "export", "--journal", str(path), "--from", "yesterday")
    assert bad.returncode == 2 and "not a date" in bad.stderr
    missing = _cli("audit", "verify", "--journal", str(tmp_path / "none.sqlite3"))
    assert missing.returncode == 2 and "no journal" in missing.stderr


def test_a_journal_written_before_the_chain_is_chained_when_opened(loop: Any,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4]):
        conn.executescript(f"BEGIN;{script};PRAGMA user_version={number + 1};COMMIT;")
    for i in range(3):
        conn.execute("INSERT INTO actions (at, operator, lane_no, action, request) VALUES"
                     " (?, 'wang', '1', 'open_gate', ?)", (1700000000.5 + i, json.dumps({"i": i})))
    conn.close()
    too_old = _cli("audit", "verify", "--journal", str(path))
    assert too_old.returncode == 2 and "no audit trail yet" in too_old.stderr

    async def scenario() -> None:
        j = await Journal.open(path)
        try:
            await _action(j, "close_gate")
            rows = await j.recent_actions(10)
            assert [r.row_id for r in rows] == [4, 3, 2, 1]
            assert rows[-1].request == {"i": 0} and rows[-1].shift_id is None
        finally:
            await j.close()

    loop.run_until_complete(scenario())
    ok = _cli("audit", "verify", "--journal", str(path))
    assert ok.returncode == 0 and "4 actions rows" in ok.stdout, ok.stdout + ok.stderr
