"""The find-entry command (F8) against the simulator with a scripted asker: when the exit read
matched an order of its own, it is closed only after the attendant said yes; the picked order
then is the lane's, with its fee."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from booth_console.app import commands as cmd
from booth_console.app.commands.find_entry import EntryFinder, EntryPick
from booth_console.client import condition
from tests.app.helpers import Stack, start_stack, wait_until
from tests.app.test_command_registry import ScriptedAsker

TRUE, READ = "粤B80261", "粤BB0261"


class FindingAsker(ScriptedAsker):
    """Picks the candidate with ``plate`` from the finder's first search."""

    def __init__(self, plate: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plate = plate
        self.shown: list[str] = []

    async def find_entry(self, finder: EntryFinder) -> EntryPick | None:
        result = await finder.search(finder.read)
        self.shown = [c.plate for c in result.candidates]
        pick = next(c for c in result.candidates if c.plate == self.plate)
        return EntryPick(candidate=pick)


async def _status(stack: Stack, order_no: str) -> int:
    page = await stack.session.ctx.client.query_parking_orders([condition("OrderNo", 0, order_no)])
    return int(page.results[0].order_status)


def test_the_exit_reads_own_order_is_closed_only_after_a_yes(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            true = await stack.sim.seed_in_park(TRUE, 95)
            wrong = await stack.sim.seed_in_park(READ, 20)  # what the exit read matched
            await stack.sim.arrive("2", TRUE, read=READ)
            await wait_until(lambda: ctl.order is not None
                             and ctl.order.order_no == wrong["OrderNo"])
            op = cmd.Operation(stack.session.runner, ctl, FindingAsker(TRUE, confirm=[False]),
                               stack.session.booth)
            out = await cmd.COMMANDS["find_entry"].invoke(op)
            assert out.status is cmd.Status.CANCELLED
            assert isinstance(op.ask, FindingAsker) and TRUE in op.ask.shown[:3]
            [(kind, question)] = op.ask.asked
            assert kind == "confirm" and wrong["OrderNo"] in question and READ in question
            assert await ctx.journal.recent_actions() == []  # nothing sent
            assert await _status(stack, wrong["OrderNo"]) == 200
            op = cmd.Operation(stack.session.runner, ctl, FindingAsker(TRUE, confirm=[True]),
                               stack.session.booth)
            out = await cmd.COMMANDS["find_entry"].invoke(op)
            assert out.ok and out.value == true["OrderNo"]
            assert await _status(stack, wrong["OrderNo"]) == 202
            assert ctl.order is not None and ctl.order.order_no == true["OrderNo"]
            assert ctl.order.charge == Decimal(7)
            actions = [a.action for a in reversed(await ctx.journal.recent_actions())]
            assert actions == ["find_entry_close", "find_entry_modify", "find_entry"]
            [row] = await ctx.journal.recent_actions(action="find_entry")
            assert row.request["ExitOrderNo"] == wrong["OrderNo"]
            assert row.request["ExitOrderClosed"] is True
            assert row.request["OldPlate"] == TRUE and row.request["NewPlate"] == READ
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())
