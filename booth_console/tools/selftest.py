"""``booth-console self-test``: check that an installed (or frozen) build can run here.

Starts the Qt application and the qasync loop, opens a journal in a temporary folder, binds
the callback listener on a free loopback port and posts one signed callback to it, loads
the Simplified Chinese translation, and exits 0 when all of that worked. Used by CI on the
frozen build (``QT_QPA_PLATFORM=offscreen``) and by installers on a booth PC.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``self-test`` takes no arguments."""


async def _check(lines: list[str]) -> bool:
    import httpx

    from booth_console.journal import Journal
    from booth_console.listener.processor import CallbackProcessor
    from booth_console.listener.server import CallbackListener
    from booth_console.protocol.jsonutil import dumps_bytes
    from booth_console.protocol.signing import sign_envelope

    secret = "self-test-secret"
    received: list[object] = []
    with tempfile.TemporaryDirectory(prefix="booth-selftest-") as tmp:
        journal = await Journal.open(Path(tmp) / "journal.sqlite3")
        processor = CallbackProcessor(app_id="selftest", park_key="0", app_secret=secret, journal=journal,
                                      sink=received.append)
        listener = CallbackListener(processor, host="127.0.0.1", port=0)
        try:
            await listener.start()
            lines.append(f"listener bound at {listener.url}")
            body = sign_envelope(app_id="selftest", park_key="0", app_secret=secret,
                                 data={"LicensePlateNumber": "粤B12345",
                                       "OperatorName": "", "OperationTime": "2026-01-01 00:00:00"},
                                 extra={"RequestId": "1"})
            async with httpx.AsyncClient(trust_env=False) as http:
                answer = await http.post(f"{listener.url}/API/V2/OnUnsubscribedVehicle", content=dumps_bytes(body),
                                         headers={"Content-Type": "application/json"})
            code = answer.json().get("ResultCode")
            for _ in range(100):
                if received:
                    break
                await asyncio.sleep(0.02)
            lines.append(f"signed callback answered {code}, delivered {len(received)}")
            return bool(code == 200 and received)
        finally:
            await listener.stop()
            await journal.close()


def run(args: argparse.Namespace) -> int:
    """Run the checks; print one line per check; exit 0 when all passed."""
    import qasync
    from PySide6.QtWidgets import QApplication

    from booth_console.app.i18n import install_translators

    app = QApplication.instance() or QApplication(sys.argv[:1])
    lines: list[str] = [f"Qt platform: {QApplication.platformName()}"]
    ok_tr = install_translators(app, "zh_CN")
    lines.append(f"zh_CN translation loaded: {ok_tr}")
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        ok_net = runner.run(_check(lines))
    install_translators(app, "en")
    for line in lines:
        print(line)
    ok = ok_tr and ok_net
    print("self-test passed" if ok else "self-test FAILED")
    return 0 if ok else 1
