"""Who may give commands: refused while nobody is signed on or the console is locked; a fee
override above the ``[approval]`` limits needs a supervisor's password, and the journal keeps
who approved it; the operator's name goes to the server (SetLaneGateStatus OperatorName, the
payment's Remarks). Real simulator over loopback, real journal, real accounts file."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from booth_console.app import commands as cmd
from booth_console.client import condition
from booth_console.config import ApprovalConfig
from booth_console.operators import OperatorError
from tests.app.helpers import Stack, accounts_file, start_stack, wait_until
from tests.app.test_command_registry import ScriptedAsker, _op, _waiting_order


class ApprovingAsker(ScriptedAsker):
    """A scripted asker that also answers the supervisor's name and password (``None``: the
    attendant cancels); it records what ``check`` said."""

    def __init__(self, *, credentials: Sequence[tuple[str, str] | None] = (),
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.credentials = list(credentials)
        self.checked: list[str | OperatorError] = []

    async def approve(self, action: str, detail: str,
                      check: Callable[[str, str], Awaitable[str]]) -> str | None:
        self.asked.append(("approve", detail))
        while self.credentials:
            given = self.credentials.pop(0)
            if given is None:
                return None
            try:
                who = await check(*given)
            except OperatorError as exc:  # the dialog shows it and asks again
                self.checked.append(exc)
                continue
            self.checked.append(who)
            return who
        return None


async def _attendant_stack(tmp_path: Path, **approval: Any) -> Stack:
    store = accounts_file(tmp_path)
    store.add("li", "attendant", "li-password")
    store.add("wang", "supervisor", "wang-password")
    stack = await start_stack(tmp_path, sign_on=False, approval=ApprovalConfig(**approval))
    assert stack.session.operators is not None
    await stack.session.operators.sign_on("li", "li-password")
    return stack


def test_commands_are_refused_while_signed_off_or_locked(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path, sign_on=False)
        try:
            ops = stack.session.operators
            assert ops is not None
            journal = stack.session.ctx.journal
            out = await cmd.COMMANDS["open_gate"].invoke(_op(stack, "2", ScriptedAsker()))
            assert not out.ok and out.text == "Nobody is signed on: sign on to give commands."
            await ops.sign_on("tester", "tester-password")
            ops.lock()
            out = await cmd.COMMANDS["open_gate"].invoke(_op(stack, "2", ScriptedAsker()))
            assert not out.ok and out.text == "The console is locked: unlock it to give commands."
            assert await journal.recent_actions() == []  # nothing was sent
            await ops.unlock("tester", "tester-password")
            out = await cmd.COMMANDS["open_gate"].invoke(_op(stack, "2", ScriptedAsker()))
            assert out.ok
        finally:
            await stack.aclose()

    accounts_file(tmp_path).add("tester", "supervisor", "tester-password")
    loop.run_until_complete(scenario())


def test_override_above_the_limit_needs_a_supervisor(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await _attendant_stack(tmp_path, override_above_yuan=0.0)
        try:
            ctx = stack.session.ctx
            order = await _waiting_order(stack, "琼Z9404X")
            new_fee = order.charge - 1
            # refused without: the attendant cancels the supervisor's prompt
            asker = ApprovingAsker(amounts=[(new_fee, "complaint")], credentials=[None])
            out = await cmd.COMMANDS["override_fee"].invoke(_op(stack, "2", asker))
            assert out.status is cmd.Status.CANCELLED
            assert asker.asked[-1] == ("amount", (new_fee, "Not done: Fee override needs a "
                                                           "supervisor's approval."))
            assert await ctx.journal.recent_actions(action="override_fee") == []
            assert stack.lane("2").order is not None
            assert stack.lane("2").order.charge == order.charge  # unchanged on the server
            # an attendant's password approves nothing; a wrong one is refused; then accepted
            asker = ApprovingAsker(amounts=[(new_fee, "complaint")], credentials=[
                ("li", "li-password"), ("wang", "not-it"), ("wang", "wang-password")])
            out = await cmd.COMMANDS["override_fee"].invoke(_op(stack, "2", asker))
            assert out.ok
            assert [type(c).__name__ if not isinstance(c, str) else c for c in asker.checked] \
                == ["NotASupervisor", "WrongPassword", "wang"]
            assert "from ¥" in asker.asked[0][1]
            [row] = await ctx.journal.recent_actions(action="override_fee")
            assert row.operator == "li"
            assert row.request["ApprovedBy"] == "wang"
            assert row.request["Money"] == int(new_fee * 100)
            assert "approved by wang" in ctx.fee_notes[order.order_no]
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_small_override_and_a_supervisors_own_need_no_prompt(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await _attendant_stack(tmp_path, override_above_yuan=5.0,
                                       override_above_percent=100.0)
        try:
            ctx, ops = stack.session.ctx, stack.session.operators
            assert ops is not None
            order = await _waiting_order(stack, "琼Z9505X")
            asker = ApprovingAsker(amounts=[(order.charge - 1, "grace")])
            out = await cmd.COMMANDS["override_fee"].invoke(_op(stack, "2", asker))
            assert out.ok and [k for k, _ in asker.asked] == ["amount"]  # 1 yuan: no approval
            [row] = await ctx.journal.recent_actions(action="override_fee")
            assert "ApprovedBy" not in row.request
            # keep-open needs approval; a supervisor who unlocked the console approves their own
            ops.lock()
            await ops.unlock("wang", "wang-password")
            asker = ApprovingAsker(confirm=[True])
            out = await cmd.COMMANDS["toggle_keep_open"].invoke(_op(stack, "2", asker))
            assert out.ok and [k for k, _ in asker.asked] == ["confirm"]
            [row] = await ctx.journal.recent_actions(action="toggle_keep_open")
            assert row.operator == "wang" and row.request["ApprovedBy"] == "wang"
            assert row.request["OperatorName"] == "wang"
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_the_operators_name_goes_to_the_server(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await _attendant_stack(tmp_path)
        try:
            ctx = stack.session.ctx
            out = await cmd.COMMANDS["open_gate"].invoke(_op(stack, "1", ScriptedAsker()))
            assert out.ok
            page = await ctx.client.query_gate_releases([condition("PassageLaneNo", 0, "1")])
            assert [r.operator_name for r in page.results][-1:] == ["li"]
            order = await _waiting_order(stack, "琼Z9606X")
            entry = cmd.PaymentEntry(order.amount_due, "79001", "exact change")
            out = await cmd.COMMANDS["confirm_payment"].invoke(
                _op(stack, "2", ApprovingAsker(payments=[entry])))
            assert out.ok
            page = await ctx.client.query_payments([condition("OrderNo", 0, order.order_no)])
            assert [r.remarks for r in page.results] == ["exact change; Operator: li"]
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())



def test_free_release_and_an_opening_with_a_fee_due_need_a_supervisor(
        loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await _attendant_stack(tmp_path)  # [approval] defaults: both on
        try:
            ctx = stack.session.ctx
            order = await _waiting_order(stack, "琼Z9505X")
            # free release: the attendant picks a reason, then cancels the supervisor's prompt
            asker = ApprovingAsker(credentials=[None])
            asker.picks = [cmd.ReasonPick("Staff vehicle")]
            out = await cmd.COMMANDS["free_release"].invoke(_op(stack, "2", asker))
            assert out.status is cmd.Status.CANCELLED
            assert [kind for kind, _ in asker.asked] == ["pick_reason", "approve"]
            assert await ctx.journal.recent_actions(action="free_release") == []
            # F1 on the unpaid vehicle: refused likewise, nothing sent
            await wait_until(lambda: stack.lane("2").status.vehicle_on_loop, 5)
            asker = ApprovingAsker(credentials=[None])
            asker.picks = [cmd.ReasonPick("Equipment fault")]
            out = await cmd.COMMANDS["open_gate"].invoke(_op(stack, "2", asker))
            assert out.status is cmd.Status.CANCELLED
            assert await ctx.journal.recent_actions(action="open_gate") == []
            assert stack.lane("2").order is not None
            assert stack.lane("2").order.order_no == order.order_no  # still waiting, unpaid
            # approved by the supervisor: the vehicle is released free, the approver journaled
            asker = ApprovingAsker(credentials=[("wang", "wang-password")])
            asker.picks = [cmd.ReasonPick("Staff vehicle")]
            out = await cmd.COMMANDS["free_release"].invoke(_op(stack, "2", asker))
            assert out.ok
            [row] = await ctx.journal.recent_actions(action="free_release")
            assert row.operator == "li" and row.request["ApprovedBy"] == "wang"
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())
