"""A lane with no answer for a while shows itself as stale, and a server that answers with
errors shows as failing - in the lane window and in the booth window - and both recover."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from booth_console.ui.console import Console
from tests.app.helpers import Stack, wait_until
from tests.ui.helpers import run_console


def test_a_lane_without_answers_turns_stale_and_recovers(loop: Any, tmp_path: Path) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win = console.lane_windows["2"]
        light = console.booth_window.light_server
        ctl = stack.lane("2")
        await wait_until(lambda: win.light_link.text().startswith("Online"))
        assert ctl.timing.stale_after == 3.0
        assert win.amount.isEnabled()
        stack.sim.set_fault(slow_ms=6000)  # answers stop coming (within the 8 s timeout)
        await wait_until(lambda: "No answer for" in win.light_link.text(), 6)
        assert not win.amount.isEnabled()  # greyed: what it shows may be out of date
        assert "No answer for" in win.amount.toolTip()
        await wait_until(lambda: "No answer for" in light.text(), 3)  # not "online"
        row = console.booth_window._lane_rows["2"]
        due = console.booth_window.lanes.item(row, 6)
        assert due is not None and "No answer for" in due.toolTip()
        assert not due.flags() & Qt.ItemFlag.ItemIsEnabled
        stack.sim.set_fault(clear=True)
        await wait_until(lambda: win.light_link.text().startswith("Online"), 10)
        await wait_until(lambda: light.text().startswith("Online"), 3)
        assert win.amount.isEnabled() and win.amount.toolTip() == ""
        assert due.flags() & Qt.ItemFlag.ItemIsEnabled
        assert ctl.stale_events >= 1

    run_console(loop, tmp_path, body, timeout=8.0)


def test_a_server_answering_errors_shows_failing_with_the_error(
    loop: Any, tmp_path: Path, caplog: Any
) -> None:
    async def body(stack: Stack, console: Console) -> None:
        win = console.lane_windows["2"]
        light = console.booth_window.light_server
        await wait_until(lambda: light.text().startswith("Online"))
        with caplog.at_level(logging.WARNING, logger="booth_console.lane"):
            stack.sim.set_fault(fail_rate=1.0)  # every request gets 1003
            await wait_until(lambda: light.text().startswith("FAILING"), 5)
            assert "1003" in light.text()  # the last error, not a bare "online"
            await wait_until(lambda: win.light_link.text().startswith("FAILING"), 3)
            assert "1003" in win.light_link.toolTip()
            assert any("answers with errors" in m.text for m in stack.session.messages.history)
            polls = sum(c.polls for c in stack.session.booth.controllers.values())
            await wait_until(  # a few seconds of error answers...
                lambda: sum(c.polls for c in stack.session.booth.controllers.values())
                > polls + 60, 10)
        lane_warnings = [r for r in caplog.records if r.name == "booth_console.lane"]
        # ...logged once per lane and request kind, not once per answer
        assert 0 < len(lane_warnings) <= 2 * len(stack.session.booth.controllers)
        stack.sim.set_fault(clear=True)
        await wait_until(lambda: light.text().startswith("Online"), 5)
        await wait_until(lambda: win.light_link.text().startswith("Online"), 3)

    run_console(loop, tmp_path, body, timeout=2.0)
