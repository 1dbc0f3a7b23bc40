"""Everything the attendant reads follows the UI language, including server-side codes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from booth_console.app.i18n import current_language, install_translators
from booth_console.app.snapshots import FeedKind
from booth_console.protocol.enums import PaymentMethod
from tests.app.helpers import park_and_exit, start_stack
from tests.conftest import wait_signal


def test_feed_payment_method_in_ui_language(loop: Any, qapp: Any, tmp_path: Path) -> None:
    async def scenario() -> None:
        stack = await start_stack(tmp_path)
        try:
            booth = stack.session.booth
            await park_and_exit(stack.sim, "琼Z3131X")
            ctl = stack.lane("2")
            if ctl.order is None or not ctl.order.charge:
                await wait_signal(ctl.order_changed, 5, lambda o: o is not None and o.charge > 0)
            got = asyncio.ensure_future(wait_signal(
                booth.feed_added, 10, lambda items: any(i.kind is FeedKind.PAYMENT for i in items)))
            await stack.sim.qr_pay("2")
            items = await got
            [item] = [i for i in items if i.kind is FeedKind.PAYMENT]
            codes = [m for m in PaymentMethod if m.display_name("zh_CN") == item.detail]
            assert codes, item.detail
            assert item.detail != codes[0].display_name("en")
        finally:
            await stack.aclose()

    try:
        assert install_translators(qapp, "zh_CN")
        assert current_language() == "zh_CN"
        loop.run_until_complete(scenario())
    finally:
        install_translators(qapp, "en")
    assert current_language() == "en"


def test_demo_messages_are_translated(qapp: Any) -> None:
    text = "Demo: simulator at {url}, {n} vehicles/min. Data in {folder}"
    try:
        assert install_translators(qapp, "zh_CN")
        zh = QCoreApplication.translate("Demo", text)
        assert zh != text and "模拟器" in zh and "{url}" in zh
    finally:
        install_translators(qapp, "en")
