"""A console process killed with SIGKILL in the middle of a shift: every payment it had
journaled is there after the restart, the shift is still open with its float, and it can be
closed (count, report) with every payment in the report and the audit chain intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from booth_console.app.shifts import ShiftManager
from booth_console.journal import Journal

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent("""
    import asyncio, sys
    from pathlib import Path
    from booth_console.journal import Journal

    async def main() -> None:
        j = await Journal.open(Path(sys.argv[1]))
        shift = await j.open_shift(operator="zhao", data={"Float": "300.00"})
        print("SHIFT", shift.shift_id, flush=True)
        n = 0
        while True:  # payments, each reported once its journal write has returned
            n += 1
            pno = f"BCKILL{n:04d}"
            request = {"PaymentOrderNo": pno, "TotalAmountPaid": "10", "PaymentMethod": "79001",
                       "_Received": "20"}
            await j.add_pending_payment(payment_order_no=pno, lane_no="2", order_no=f"O{n}",
                                        request=request, operator="zhao")
            await j.record_action(operator="zhao", lane_no="2", action="confirm_payment",
                                  request=request, result_code=None, result_msg=None,
                                  result_id=None)
            await j.resolve_pending_payment(pno, status="confirmed", result_code=200,
                                            result_msg="ok")
            print("PAID", pno, flush=True)

    asyncio.run(main())
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signal")
def test_sigkill_mid_shift_loses_no_payment_and_the_shift_closes_after_restart(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    path = tmp_path / "journal.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT)
    paid: list[str] = []
    shift_id = 0
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        while len(paid) < 25 and time.monotonic() < deadline:
            line = proc.stdout.readline().split()
            if line and line[0] == "SHIFT":
                shift_id = int(line[1])
            elif line and line[0] == "PAID":
                paid.append(line[1])
        os.kill(proc.pid, signal.SIGKILL)  # mid-write: it keeps paying until killed
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()
    assert shift_id and len(paid) >= 25

    async def scenario() -> None:
        journal = await Journal.open(path)
        try:
            manager = ShiftManager(journal)
            current = await manager.load()
            assert current is not None and current.shift_id == shift_id
            assert current.operator == "zhao" and current.opening["Float"] == "300.00"
            taken = {p.payment_order_no: status
                     for p, status in await journal.shift_payments(shift_id)}
            for pno in paid:  # every payment reported as written is there, confirmed
                assert taken.get(pno) == "confirmed", pno
            report = await manager.prepare_close()
            n = sum(1 for s in taken.values() if s in ("confirmed", "pending"))
            assert report.payments_count == n
            assert Decimal(report.expected_cash) == 300 + 10 * n
            closed = await manager.close_shift(report, Decimal(300 + 10 * n))
            assert closed.variance == "0.00" and manager.current is None
            assert (await journal.current_shift()) is None
        finally:
            await journal.close()

    loop.run_until_complete(scenario())
    out = subprocess.run([sys.executable, "-m", "booth_console", "audit", "verify", "--journal",
                          str(path)], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    # the kept report, from the command line: CSV and PDF (drawn by Qt without a display)
    report = subprocess.run([sys.executable, "-m", "booth_console", "shift", "report",
                             "--journal", str(path), "--last", "--format", "csv"],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=30)
    assert report.returncode == 0, report.stderr
    assert f"shift,id,{shift_id}" in report.stdout.splitlines()
    assert "cash,variance,0.00" in report.stdout.splitlines()
    pdf = tmp_path / "shift.pdf"
    made = subprocess.run([sys.executable, "-m", "booth_console", "shift", "report",
                           "--journal", str(path), "--id", str(shift_id), "--format", "pdf",
                           "--output", str(pdf)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)
    assert made.returncode == 0, made.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    none = subprocess.run([sys.executable, "-m", "booth_console", "shift", "report",
                           "--journal", str(path), "--id", "99"], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=30)
    assert none.returncode == 1 and "no such closed shift" in none.stderr
