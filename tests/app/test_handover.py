"""The next operator's sign-on tells what was handed over: payments still waiting for the
server (real journal, simulator and operator session)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from booth_console.journal import Journal
from tests.app.helpers import accounts_file, start_simulator, start_stack, wait_until


def test_sign_on_tells_the_payments_waiting_for_the_server(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        sim = await start_simulator(tmp_path)  # an order that will not be found: it stays
        await sim.stop()
        journal = await Journal.open(tmp_path / "journal.sqlite3")
        request = {"OrderNo": "NO-SUCH-ORDER", "TotalAmountPaid": "12.00",
                   "PaymentMethod": "79001", "PaymentOrderNo": "BC-HANDED-1", "_Offline": True}
        await journal.add_pending_payment(payment_order_no="BC-HANDED-1", lane_no="2",
                                          order_no="NO-SUCH-ORDER", request=request,
                                          operator="li", offline=True)
        await journal.close()
        stack = await start_stack(tmp_path, sign_on=False)
        try:
            ops = stack.session.operators
            assert ops is not None
            texts = lambda: [m.text for m in stack.session.messages.history]  # noqa: E731
            assert not any("Handed over" in t for t in texts())
            await ops.sign_on("wang", "wang-password")
            await wait_until(lambda: any("Handed over" in t and "BC-HANDED-1" in t
                                         for t in texts()), 5)
            ops.lock()
            await ops.unlock("wang", "wang-password")  # the same operator: not told again
            await asyncio.sleep(0.5)  # a hand-over task would have told it by now
            assert sum("Handed over" in t for t in texts()) == 1
        finally:
            await stack.aclose()

    accounts_file(tmp_path).add("wang", "supervisor", "wang-password")
    loop.run_until_complete(scenario())
