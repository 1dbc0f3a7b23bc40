"""Free release through the command and a scripted asker, against the simulator: the reasons
offered come from the settings, a refusal by the server is journaled and nothing else is sent,
and a second attempt after the fee was lowered only delivers the zero payment."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from booth_console.app import commands as cmd
from tests.app.helpers import start_stack
from tests.app.test_command_registry import ScriptedAsker, _op, _waiting_order


def test_free_release_refused_then_completed(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            ctx.free_release_reasons = ("VIP of the mall", "Ambulance")
            order = await _waiting_order(stack, "琼Z9404X")
            release = cmd.COMMANDS["free_release"]
            assert release.needs_reason and release.key == "F9"
            # cancelled: nothing sent
            asker = ScriptedAsker()
            asker.picks = [None]
            out = await release.invoke(_op(stack, "2", asker))
            assert out.status is cmd.Status.CANCELLED
            assert asker.asked[0][1][1] == ("VIP of the mall", "Ambulance")
            assert await ctx.journal.recent_actions() == []
            # the server refuses the fee change: journaled, no payment sent, the fee stays
            stack.sim.set_fault(fail_rate=1.0)
            asker.picks = [cmd.ReasonPick("Ambulance", "")]
            out = await release.invoke(_op(stack, "2", asker))
            stack.sim.set_fault(clear=True)
            assert not out.ok
            [failed] = await ctx.journal.recent_actions(action="free_release")
            assert failed.result_code == 1003 and failed.request["Reason"] == "Ambulance"
            assert await ctx.journal.pending_payments() == []
            await ctl.refresh_now()
            assert ctl.order is not None and ctl.order.charge == order.charge
            # the fee is lowered, then the payment is refused once: a second F9 sends only
            # the zero payment (the fee is 0 already)
            await ctx.client.modify_lane_order_money(order.order_no, "2", 0)
            await ctl.refresh_now()
            assert ctl.order is not None and ctl.order.charge == Decimal(0)
            asker.picks = [cmd.ReasonPick("Ambulance", "second try")]
            out = await release.invoke(_op(stack, "2", asker))
            assert out.ok, out.text
            fee_rows = await ctx.journal.recent_actions(action="free_release_fee")
            assert len(fee_rows) == 1 and fee_rows[0].result_code == 1003
            done = (await ctx.journal.recent_actions(action="free_release"))[0]
            assert done.result_code == 200 and done.request["FeeWaived"] == "0"
            assert done.request["Remarks"] == "Free release: Ambulance: second try (by tester)"
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())
