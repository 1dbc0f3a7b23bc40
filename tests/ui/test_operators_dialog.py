"""The Operators dialog: an admin adds an attendant by keyboard from the booth window, the new
account signs on, a disabled account is refused, the last admin cannot be disabled, and the
button is off for an attendant. Real console, real accounts file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from booth_console.app.operator_session import OperatorSession
from booth_console.operators import AccountDisabled
from booth_console.ui.console import Console
from booth_console.ui.operators_dialog import OperatorsDialog
from tests.app.helpers import Stack, accounts_file, wait_until
from tests.ui.helpers import run_console
from tests.ui.test_windows import activate


def _row(dlg: OperatorsDialog, name: str) -> list[str]:
    for r in range(dlg.table.rowCount()):
        cells = [dlg.table.item(r, c).text() for c in range(3)]
        if cells[0] == name:
            return cells
    raise AssertionError(f"{name} not listed")


def _select(dlg: OperatorsDialog, name: str) -> None:
    dlg.table.selectRow(next(r for r in range(dlg.table.rowCount())
                             if dlg.table.item(r, 0).text() == name))


def test_admin_adds_an_attendant_who_signs_on_then_is_disabled(
        loop: Any, tmp_path: Path, qtbot: Any, caplog: Any) -> None:
    async def body(stack: Stack, console: Console) -> None:
        ops = stack.session.operators
        assert ops is not None
        await ops.sign_on("ada", "ada-password")
        win = console.booth_window
        assert win.operators_button.isEnabled()
        win.operators_button.click()
        dlg = win.operators_dialog
        assert isinstance(dlg, OperatorsDialog) and dlg.isVisible()
        assert dlg.windowTitle() == "Operators"
        assert _row(dlg, "ada") == ["ada", "admin", "yes"]
        # keyboard only: Tab from the list to the name, role, password twice, Enter
        await activate(dlg)
        dlg.table.setFocus()
        qtbot.keyClick(dlg.table, Qt.Key.Key_Tab)
        assert dlg.name.hasFocus()
        qtbot.keyClicks(dlg.name, "wang")
        qtbot.keyClick(dlg.name, Qt.Key.Key_Tab)
        assert dlg.role.currentText() == "attendant"
        qtbot.keyClick(dlg.role, Qt.Key.Key_Tab)
        qtbot.keyClicks(dlg.password, "wang-secret")
        qtbot.keyClick(dlg.password, Qt.Key.Key_Tab)
        qtbot.keyClicks(dlg.repeat, "wang-secreT")  # a typo: refused, nothing added
        qtbot.keyClick(dlg.repeat, Qt.Key.Key_Return)
        await wait_until(lambda: "differ" in dlg.message.text())
        assert "wang" not in {a.name for a in ops.operators.accounts()}
        qtbot.keyClicks(dlg.password, "wang-secret")
        qtbot.keyClicks(dlg.repeat, "wang-secret")
        qtbot.keyClick(dlg.repeat, Qt.Key.Key_Return)
        await wait_until(lambda: dlg.message.text() == "Account wang added.")
        assert _row(dlg, "wang") == ["wang", "attendant", "yes"]
        assert dlg.isVisible() and dlg.password.text() == dlg.repeat.text() == ""
        # a name that exists, and a short password: refused plainly in the dialog
        qtbot.keyClicks(dlg.name, "WANG")
        qtbot.keyClicks(dlg.password, "other-secret")
        qtbot.keyClicks(dlg.repeat, "other-secret")
        qtbot.keyClick(dlg.repeat, Qt.Key.Key_Return)
        await wait_until(lambda: "exists already" in dlg.message.text())
        dlg.name.clear()
        qtbot.keyClicks(dlg.name, "zhou")
        qtbot.keyClicks(dlg.password, "abc")
        qtbot.keyClicks(dlg.repeat, "abc")
        qtbot.keyClick(dlg.repeat, Qt.Key.Key_Return)
        await wait_until(lambda: "shorter than 6" in dlg.message.text())
        assert dlg.message.text().startswith("Refused:")
        # the last admin cannot be disabled: the refusal is shown, ada stays enabled
        _select(dlg, "ada")
        dlg.disable_button.click()
        await wait_until(lambda: "last enabled admin" in dlg.message.text())
        assert not ops.operators.get("ada").disabled
        assert _row(dlg, "ada")[2] == "yes"
        # signing off closes the dialog; the new attendant signs on, and has no Operators…
        ops.sign_off()
        await wait_until(lambda: win.operators_dialog is None)
        assert not win.operators_button.isEnabled()
        await ops.sign_on("wang", "wang-secret")
        assert ops.acting is not None and ops.acting.role.value == "attendant"
        assert not win.operators_button.isEnabled()
        assert win.show_operators() is None
        ops.sign_off()
        # the admin disables wang: wang's sign-on is refused
        await ops.sign_on("ada", "ada-password")
        dlg = win.show_operators()
        assert isinstance(dlg, OperatorsDialog)
        _select(dlg, "wang")
        assert dlg.disable_button.text() == "&Disable"
        qtbot.keyClick(dlg.disable_button, Qt.Key.Key_Space)
        await wait_until(lambda: dlg.message.text() == "wang is disabled.")
        assert _row(dlg, "wang")[2] == "no (disabled)"
        dlg.reject()
        ops.sign_off()
        with pytest.raises(AccountDisabled):
            await ops.sign_on("wang", "wang-secret")

    accounts_file(tmp_path).add("ada", "admin", "ada-password")
    caplog.set_level("DEBUG")
    run_console(loop, tmp_path, body, sign_on=False)
    logged = caplog.text
    assert "operator account wang added (attendant) by ada" in logged
    for secret in ("wang-secret", "other-secret", "ada-password"):
        assert secret not in logged


def test_reset_password_and_change_role(loop: Any, tmp_path: Path, qtbot: Any) -> None:
    accounts = accounts_file(tmp_path)
    accounts.add("ada", "admin", "ada-password")
    accounts.add("li", "attendant", "li-password")
    session = OperatorSession(accounts)

    async def body() -> None:
        await session.sign_on("ada", "ada-password")
        dlg = OperatorsDialog(session)
        qtbot.addWidget(dlg)
        dlg.show()
        _select(dlg, "li")
        qtbot.keyClicks(dlg.password, "li-new-password")
        qtbot.keyClicks(dlg.repeat, "li-new-password")
        dlg.reset_button.click()
        await wait_until(lambda: dlg.message.text() == "New password set for li.")
        dlg.role.setCurrentIndex(dlg.role.findText("supervisor"))
        dlg.role_button.click()
        await wait_until(lambda: dlg.message.text() == "li is now supervisor.")
        assert _row(dlg, "li")[1] == "supervisor"
        # the last admin cannot be demoted
        _select(dlg, "ada")
        dlg.role.setCurrentIndex(dlg.role.findText("attendant"))
        dlg.role_button.click()
        await wait_until(lambda: "last enabled admin" in dlg.message.text())
        session.lock()  # a locked console closes the dialog
        await wait_until(lambda: not dlg.isVisible())
        session.sign_off()
        who = await session.sign_on("li", "li-new-password")
        assert who.role.value == "supervisor"

    try:
        loop.run_until_complete(body())
    finally:
        session.close()


def _raised_templates() -> set[str]:
    """The English templates the accounts code raises its refusals with (read from the source)."""
    import ast

    import booth_console.app.operator_session as session_module
    import booth_console.operators as operators_module

    found = set()
    for module in (operators_module, session_module):
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
                    and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
                    in {"BadInput", "NoSuchAccount", "AccountExists"}
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def test_every_refusal_reads_in_chinese(loop: Any, tmp_path: Path, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from booth_console.app.i18n import install_translators
    from booth_console.operators import BadInput
    from booth_console.ui.operator_reasons import KNOWN_TEMPLATES, reason_text

    raised = _raised_templates()
    assert len(raised) >= 12 and raised <= KNOWN_TEMPLATES, raised - KNOWN_TEMPLATES
    accounts = accounts_file(tmp_path)
    accounts.add("ada", "admin", "ada-password")
    session = OperatorSession(accounts)
    app = QApplication.instance()
    assert isinstance(app, QApplication)

    async def body() -> None:
        await session.sign_on("ada", "ada-password")
        dlg = OperatorsDialog(session)
        qtbot.addWidget(dlg)
        dlg.show()
        # an administrator working in Chinese reads why the accounts file said no
        _select(dlg, "ada")
        dlg.disable_button.click()
        await wait_until(lambda: "最后一个启用的管理员" in dlg.message.text())
        assert "admin" not in dlg.message.text().replace("ada", "")
        dlg.name.clear()
        qtbot.keyClicks(dlg.name, "zhou")
        qtbot.keyClicks(dlg.password, "abc")
        qtbot.keyClicks(dlg.repeat, "abc")
        qtbot.keyClick(dlg.repeat, Qt.Key.Key_Return)
        await wait_until(lambda: "密码少于" in dlg.message.text())
        assert not any(c.isascii() and c.isalpha() for c in dlg.message.text()), \
            dlg.message.text()
        dlg.reject()
        # and every refusal's text, fields aside
        for template in raised:
            error = BadInput(template, n=6, name="ada", role="'boss'", roles="admin")
            text = reason_text(error)
            for value in ("ada", "boss", "admin"):
                text = text.replace(value, "")
            assert not any(c.isascii() and c.isalpha() for c in text), (template, text)

    try:
        assert install_translators(app, "zh_CN")
        loop.run_until_complete(body())
    finally:
        install_translators(app, "en")
        session.close()
