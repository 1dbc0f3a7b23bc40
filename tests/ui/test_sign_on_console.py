"""The console with operators: nothing operable before sign-on (right and wrong passwords at
the booth window's overlay), Ctrl+L locks every window and closes open dialogs, commands are
refused while locked while callbacks still update the lanes, and a fee override above the
limits is approved by a supervisor in the override's own dialog flow. Real simulator, real
widgets, real accounts file."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from booth_console.app.commands import Status
from booth_console.client import condition
from booth_console.config import ApprovalConfig
from booth_console.ui.console import Console
from booth_console.ui.dialogs import OverrideDialog, PaymentDialog
from booth_console.ui.sign_on import ApprovalDialog, SignOnForm
from tests.app.helpers import Stack, accounts_file, park_and_exit, wait_until
from tests.ui.helpers import run_console
from tests.ui.test_attendant import _fee_waiting
from tests.ui.test_windows import _dialog, _finished, activate


def _covered(console: Console) -> bool:
    return all(o.isVisible() for o in console.overlays.values()) and len(console.overlays) == 5


def _uncovered(console: Console) -> bool:
    return not any(o.isVisible() for o in console.overlays.values())


async def _type_in(qtbot: Any, form: SignOnForm, name: str, password: str) -> None:
    form.name.clear()
    qtbot.keyClicks(form.name, name)
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    qtbot.keyClicks(form.password, password)
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    await wait_until(lambda: not form.busy)


def test_nothing_is_operable_until_someone_signs_on(loop: Any, tmp_path: Path,
                                                      qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        await wait_until(lambda: len(console.lane_windows) == 4)
        assert _covered(console)
        assert console.booth_window.operator.text() == "On duty: nobody signed on"
        win = console.lane_windows["2"]
        out = await win.invoke("open_gate")
        assert not out.ok and out.text == "Nobody is signed on: sign on to give commands."
        form = console.overlays[console.booth_window].form
        await activate(console.booth_window)
        await _type_in(qtbot, form, "li", "wrong-password")
        assert form.error.text() == "Wrong operator name or password."
        assert _covered(console) and form.password.text() == ""
        await _type_in(qtbot, form, "li", "li-password")
        await wait_until(lambda: _uncovered(console))
        assert console.booth_window.operator.text() == "On duty: li"
        assert console.booth_window.lock_button.isEnabled()
        out = await win.invoke("open_gate")
        assert out.ok
        [row] = await stack.session.ctx.journal.recent_actions(action="open_gate")
        assert row.operator == "li" and row.request["OperatorName"] == "li"

    accounts_file(tmp_path).add("li", "attendant", "li-password")
    run_console(loop, tmp_path, body, sign_on=False)


def test_ctrl_l_locks_refuses_commands_and_callbacks_still_arrive(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        await wait_until(lambda: len(console.lane_windows) == 4)
        ops = stack.session.operators
        assert ops is not None and _uncovered(console)
        exit_win, entry_win = console.lane_windows["2"], console.lane_windows["1"]
        # a payment dialog is open at lane 2 when the attendant locks the console
        await park_and_exit(stack.sim, "琼Z7171X", minutes=120)
        await _fee_waiting(stack.lane("2"))
        order = stack.lane("2").order
        assert order is not None
        await wait_until(lambda: exit_win.buttons["confirm_payment"].isEnabled())
        await activate(exit_win)
        paying = asyncio.ensure_future(exit_win.invoke("confirm_payment"))
        dlg = await _dialog(exit_win, PaymentDialog)
        qtbot.keyClick(dlg, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        await wait_until(lambda: ops.locked)
        out = await asyncio.wait_for(paying, 5)
        assert out.status is Status.CANCELLED  # the dialog was closed: nothing was sent
        await wait_until(lambda: _covered(console))
        assert "locked" in console.booth_window.operator.text()
        assert not console.booth_window.lock_button.isEnabled()
        out = await exit_win.invoke("open_gate")
        assert out.text == "The console is locked: unlock it to give commands."
        assert await stack.session.ctx.journal.recent_actions(action="open_gate") == []
        paid = await stack.session.client.query_payments(
            [condition("OrderNo", 0, order.order_no)])
        assert paid.results == []
        # callbacks and polling carry on: a vehicle drives in at lane 1 while locked
        seen = asyncio.ensure_future(_vehicle_in(stack))
        await asyncio.sleep(0)
        await stack.sim.arrive("1", "琼Z7272X")
        await stack.sim.pass_barrier("1")
        await asyncio.wait_for(seen, 10)
        await wait_until(lambda: entry_win.plate.text() == "琼Z7272X")
        assert ops.locked and _covered(console)
        # the operator unlocks at the lane window's overlay
        await activate(exit_win)
        form = console.overlays[exit_win].form
        assert form.name.text() == "tester"
        qtbot.keyClicks(form.password, "tester-password")
        qtbot.keyClick(form.password, Qt.Key.Key_Return)
        await wait_until(lambda: _uncovered(console))
        out = await exit_win.invoke("refresh")
        assert out.ok

    run_console(loop, tmp_path, body)


async def _vehicle_in(stack: Stack) -> Any:
    from tests.conftest import wait_signal

    return await wait_signal(stack.session.hub.vehicle_in, 10)


def test_override_needing_approval_is_approved_in_its_dialog_flow(
        loop: Any, tmp_path: Path, qtbot: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        ops = stack.session.operators
        assert ops is not None
        ops.sign_off()
        await ops.sign_on("li", "li-password")
        await wait_until(lambda: len(console.lane_windows) == 4)
        win, ctl = console.lane_windows["2"], stack.lane("2")
        await park_and_exit(stack.sim, "琼Z7373X", minutes=300)
        fee = await _fee_waiting(ctl)
        await wait_until(lambda: win.buttons["override_fee"].isEnabled())
        await activate(win)
        qtbot.keyClick(win, Qt.Key.Key_F6)
        dlg: OverrideDialog = await _dialog(win, OverrideDialog)
        qtbot.keyClicks(dlg.amount, str(fee - 2))
        qtbot.keyClick(dlg.amount, Qt.Key.Key_Tab)
        qtbot.keyClicks(dlg.reason, "regular customer")
        qtbot.keyClick(dlg.reason, Qt.Key.Key_Return)
        # refused without: the supervisor's prompt is cancelled with Escape
        approval: ApprovalDialog = await _dialog(win, ApprovalDialog)
        assert approval.parent() is dlg
        assert f"¥{fee:.2f}" in approval.form.hint.text()
        qtbot.keyClick(approval.form.name, Qt.Key.Key_Escape)
        await wait_until(lambda: not approval.isVisible())
        await wait_until(lambda: "supervisor's approval" in dlg.error.text())
        assert dlg.isVisible()
        assert await stack.session.ctx.journal.recent_actions(action="override_fee") == []
        # accepted with the supervisor's password (after a wrong one, said in the dialog)
        win.last_dialog = dlg
        fut = asyncio.ensure_future(_finished(stack, "override_fee"))
        qtbot.keyClick(dlg.reason, Qt.Key.Key_Return)
        approval = await _dialog(win, ApprovalDialog)
        await _type_in(qtbot, approval.form, "wang", "not-the-password")
        assert approval.isVisible()
        assert approval.form.error.text() == "Wrong operator name or password."
        qtbot.keyClicks(approval.form.password, "wang-password")
        qtbot.keyClick(approval.form.password, Qt.Key.Key_Return)
        assert (await fut)[2]
        await wait_until(lambda: win.amount.text() == f"¥{fee - 2:.2f}")
        [row] = await stack.session.ctx.journal.recent_actions(action="override_fee")
        assert row.operator == "li" and row.request["ApprovedBy"] == "wang"
        assert "approved by wang" in win.override_label.text()

    store = accounts_file(tmp_path)
    store.add("li", "attendant", "li-password")
    store.add("wang", "supervisor", "wang-password")
    run_console(loop, tmp_path, body, approval=ApprovalConfig(override_above_yuan=1.0))


def test_signing_on_with_no_shift_open_offers_one(loop: Any, tmp_path: Path, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from booth_console.ui.shift_dialog import ShiftOpenDialog

    def offered() -> ShiftOpenDialog | None:
        return next((d for w in QApplication.topLevelWidgets()
                     for d in w.findChildren(ShiftOpenDialog) if d.isVisible()), None)

    async def body(stack: Stack, console: Console) -> None:
        await wait_until(lambda: len(console.lane_windows) == 4)
        ops, shifts = stack.session.operators, stack.session.shifts
        assert ops is not None and shifts is not None and shifts.current is None
        form = console.overlays[console.booth_window].form
        await activate(console.booth_window)
        await _type_in(qtbot, form, "li", "li-password")
        # no shift is open: the float is asked for at once (Esc leaves it for later)
        await wait_until(lambda: offered() is not None)
        dlg = offered()
        assert dlg is not None
        qtbot.keyClick(dlg, Qt.Key.Key_Escape)
        await wait_until(lambda: offered() is None)
        assert shifts.current is None
        # an unlock by the same operator is not a new sign-on: not offered again
        ops.lock()
        await ops.unlock("li", "li-password")
        await asyncio.sleep(0.6)
        assert offered() is None
        # the next sign-on is offered it again, and Enter opens the shift with the float
        ops.sign_off()
        await ops.sign_on("li", "li-password")
        await wait_until(lambda: offered() is not None)
        dlg = offered()
        assert dlg is not None
        dlg.float_edit.selectAll()
        qtbot.keyClicks(dlg.float_edit, "150")
        qtbot.keyClick(dlg.float_edit, Qt.Key.Key_Return)
        await wait_until(lambda: shifts.current is not None)
        assert shifts.current is not None and shifts.current.operator == "li"
        # with a shift open, a sign-on is not asked for one
        ops.sign_off()
        await ops.sign_on("li", "li-password")
        await asyncio.sleep(0.6)
        assert offered() is None

    accounts_file(tmp_path).add("li", "attendant", "li-password")
    run_console(loop, tmp_path, body, sign_on=False)
