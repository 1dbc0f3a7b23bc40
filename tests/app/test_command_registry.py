"""The operator-command registry: one declaration per command, from which the lane window's
buttons and keys, the default ``[booth.shortcuts]`` and the README's key table come; commands
ask the attendant through an Asker (scripted here) and report an Outcome. Real simulator over
loopback, real journal."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from booth_console import config
from booth_console.app import commands as cmd
from booth_console.app.booth import TypeChoice
from booth_console.app.snapshots import OrderSnapshot
from booth_console.client import condition
from tests.app.helpers import Stack, park_and_exit, start_stack, wait_until
from tests.conftest import wait_signal

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_keys() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    table = text.split("## Keyboard", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]  # no header
    return [tuple(c.strip() for c in row.strip("|").split(" | ", 1)) for row in rows]  # type: ignore[misc]


def test_readme_key_table_lists_every_command_as_declared() -> None:
    declared = [(c.key, c.doc) for c in cmd.COMMANDS.values()]
    assert _readme_keys()[:len(declared)] == declared, (
        "README.md's key table must start with the operator commands, as declared "
        "(key and doc of each register(...) in booth_console/app/commands/)")


def test_default_shortcuts_come_from_the_declarations() -> None:
    assert {c.name: c.key for c in cmd.COMMANDS.values()} == config.DEFAULT_SHORTCUTS
    keys = [c.key for c in cmd.COMMANDS.values() if c.key]
    assert len(keys) == len(set(keys))
    example = (Path(__file__).resolve().parents[2] / "docs" / "booth.example.toml").read_text(
        encoding="utf-8")
    section = example.split("[booth.shortcuts]", 1)[1]
    for c in cmd.COMMANDS.values():
        assert re.search(rf"^{c.name} = \"{re.escape(c.key)}\"$", section, re.MULTILINE)


def test_a_command_is_declared_once() -> None:
    first = next(iter(cmd.COMMANDS.values()))
    with pytest.raises(ValueError, match="declared twice"):
        cmd.register(first.name, title="Again")(first.flow)
    with pytest.raises(ValueError, match="default key"):
        cmd.register("another_name", title="Again", key=first.key)(first.flow)
    assert "another_name" not in cmd.COMMANDS


class ScriptedAsker:
    """An Asker whose answers are given in advance; it records every question."""

    def __init__(self, *, confirm: Sequence[bool] = (),
                 payments: Sequence[cmd.PaymentEntry | None] = (),
                 amounts: Sequence[tuple[Decimal, str]] = (),
                 reasons: Sequence[str | None] = (),
                 choices: Sequence[cmd.NoPlateChoice | None] = ()) -> None:
        self.confirms = list(confirm)
        self.payments = list(payments)
        self.amounts = list(amounts)
        self.reasons = list(reasons)
        self.choices = list(choices)
        self.picks: list[cmd.ReasonPick | None] = []
        self.asked: list[tuple[str, Any]] = []

    async def confirm(self, action: str, question: str) -> bool:
        self.asked.append(("confirm", question))
        return self.confirms.pop(0)

    async def enter_payment(self, order: OrderSnapshot, *, offline: str = "",
                            received: Decimal | None = None, method: str = "79001",
                            remarks: str = "", note: str = "") -> cmd.PaymentEntry | None:
        self.asked.append(("payment", (order.amount_due, received, note)))
        return self.payments.pop(0)

    async def enter_amount(self, order: OrderSnapshot, reasons: Sequence[str],
                           submit: Callable[[Decimal, str], Awaitable[str]]) -> bool:
        for amount, reason in self.amounts:
            problem = await submit(amount, reason)
            self.asked.append(("amount", (amount, problem)))
            if not problem:
                return True
        return False

    async def enter_reason(self, action: str, warning: str, reasons: Sequence[str],
                           reason: str = "") -> str | None:
        self.asked.append(("reason", warning))
        return self.reasons.pop(0)

    async def choose(self, vehicle_types: Sequence[TypeChoice], plate_types: Sequence[TypeChoice],
                     prefix: str) -> cmd.NoPlateChoice | None:
        self.asked.append(("choose", prefix))
        return self.choices.pop(0)

    async def show_entry(self, plate: str, order_no: str, msg: str) -> None:
        self.asked.append(("entry", (plate, order_no)))

    async def pick_reason(self, action: str, detail: str, reasons: Sequence[str], *,
                          ok_text: str = "", explain: Sequence[str] = ()) -> cmd.ReasonPick | None:
        self.asked.append(("pick_reason", (action, tuple(reasons))))
        return self.picks.pop(0)

    def key_text(self, command: str) -> str:
        return config.DEFAULT_SHORTCUTS.get(command, "")


def _op(stack: Stack, lane_no: str, asker: ScriptedAsker) -> cmd.Operation:
    return cmd.Operation(stack.session.runner, stack.lane(lane_no), asker, stack.session.booth)


async def _waiting_order(stack: Stack, plate: str, minutes: float = 240) -> OrderSnapshot:
    ctl = stack.lane("2")
    await park_and_exit(stack.sim, plate, minutes=minutes)
    await wait_until(lambda: ctl.order is not None and ctl.order.plate == plate
                     and ctl.order.charge > 2)
    assert ctl.order is not None
    return ctl.order


def test_close_barrier_asks_then_runs_again_confirmed(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx, ctl = stack.session.ctx, stack.lane("2")
            await park_and_exit(stack.sim, "琼Z9101X")
            if not ctl.status.vehicle_on_loop:
                await wait_signal(ctl.status_changed, 5, lambda s: s.vehicle_on_loop)
            close = cmd.COMMANDS["close_gate"]
            no = ScriptedAsker(confirm=[False])
            out = await close.invoke(_op(stack, "2", no))
            assert out.status is cmd.Status.CANCELLED and out.text == "Barrier not closed."
            assert no.asked == [("confirm", "A vehicle is on the ground loop. Close the barrier "
                                             "anyway?")]
            assert await ctx.journal.recent_actions() == []  # nothing sent
            yes = ScriptedAsker(confirm=[True])
            out = await close.invoke(_op(stack, "2", yes))
            assert out.ok and out.value.result_code == 200 and out.text == "The barrier closes."
            [action] = await ctx.journal.recent_actions(action="close_gate")
            assert action.request["VehicleOnLoop"] is True
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_payment_with_a_changed_amount_is_taken_again_keeping_the_amount_received(
        loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx = stack.session.ctx
            order = await _waiting_order(stack, "琼Z9202X")
            lowered = order.charge - 1
            real = ctx.client.get_lane_order
            changed: list[bool] = []

            async def fee_lowered_while_typing(lane_no: str) -> Any:
                if not changed:  # the fee changes between the dialog and the payment's check
                    changed.append(True)
                    await ctx.client.modify_lane_order_money(order.order_no, "2",
                                                             int(lowered * 100))
                return await real(lane_no)

            ctx.client.get_lane_order = fee_lowered_while_typing
            entry = cmd.PaymentEntry(Decimal(500), "79001", "kept")
            asker = ScriptedAsker(payments=[entry, entry], confirm=[True])
            out = await cmd.COMMANDS["confirm_payment"].invoke(_op(stack, "2", asker))
            assert out.ok and out.value.confirmed
            kinds = [k for k, _ in asker.asked]
            assert kinds == ["payment", "confirm", "payment"]
            assert f"¥{lowered:.2f}" in asker.asked[1][1]
            due, received, note = asker.asked[2][1]
            assert due == lowered and received == Decimal(500) and "changed" in note
            assert out.text == f"Payment confirmed ({out.value.payment_order_no}). Change: " \
                               f"¥{Decimal(500) - lowered:.2f}"
            page = await ctx.client.query_payments([condition("OrderNo", 0, order.order_no)])
            assert [r.no for r in page.results] == [out.value.payment_order_no]
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_fee_override_refusal_is_answered_where_it_was_entered(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            ctx = stack.session.ctx
            order = await _waiting_order(stack, "琼Z9303X")
            asker = ScriptedAsker(amounts=[(order.charge + 1, "too much"),
                                           (order.charge - 1, "complaint")])
            out = await cmd.COMMANDS["override_fee"].invoke(_op(stack, "2", asker))
            assert out.ok
            (_k1, (_a1, refused)), (_k2, (_a2, accepted)) = asker.asked
            assert "less than the fee shown" in refused and accepted == ""
            assert "complaint" in ctx.fee_notes[order.order_no]
            rows = await ctx.journal.recent_actions(action="override_fee")
            assert [r.request["Reason"] for r in rows] == ["complaint"]
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())


def test_runner_returns_an_outcome_for_failures(loop: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            out = await stack.session.runner.run("2", "override_fee", cmd.override_fee,
                                                 stack.lane("2"), Decimal(1), "no order")
            assert out.status is cmd.Status.FAILED and isinstance(out.error, cmd.CommandError)
            assert out.value is None and out.text == str(out.error)
            assert stack.session.messages.history[-1].text == out.text
        finally:
            await stack.aclose()

    loop.run_until_complete(scenario())
