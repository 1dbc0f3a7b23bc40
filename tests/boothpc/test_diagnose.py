"""``booth-console diagnose``: what support needs, and no secret anywhere in the archive."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from booth_console import __version__, secrets
from booth_console.journal import Journal
from booth_console.tools.diagnose import journal_report
from tests.boothpc.keyring_backend import FileKeyring

APP_SECRET = "Zq81-app-secret-do-not-leak"
MQTT_PASSWORD = "mq-pass-55aa-do-not-leak"
ROOT = Path(__file__).resolve().parents[2]


async def _make_journal(path: Path) -> None:
    journal = await Journal.open(path)
    try:
        await journal.add_pending_payment(payment_order_no="P1", lane_no="2", order_no="O1",
                                          request={"PayMoney": 5}, operator="amy")
        await journal.add_pending_payment(payment_order_no="P2", lane_no="2", order_no="O2",
                                          request={"PayMoney": 7}, operator="amy")
        await journal.resolve_pending_payment("P2", status="confirmed", result_code=200, result_msg="ok")
        await journal.record_action(operator="amy", lane_no="2", action="open_gate", request={},
                                    result_code=200, result_msg="ok", result_id=None)
    finally:
        await journal.close()


def _diagnose(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    out = tmp_path / "support" / "diag.zip"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-m", "booth_console", "diagnose", "--out", str(out), *extra],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as zf:
        return done, {n: zf.read(n).decode("utf-8") for n in zf.namelist()}


@pytest.mark.slow
def test_archive_has_what_support_needs_and_no_secret(
    tmp_path: Path, test_keyring: FileKeyring, monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    asyncio.run(_make_journal(data / "journal.sqlite3"))
    # the MQTT password in the keyring, the AppSecret in the file (both must stay out)
    ref = secrets.store(secrets.MQTT_PASSWORD_ENTRY, MQTT_PASSWORD)
    cfg = tmp_path / "booth.toml"
    cfg.write_text(
        f'[server]\napp_id = "app1"\npark_key = "77"\napp_secret = "{APP_SECRET}"\n'
        f'[mqtt]\nhost = "10.0.0.5"\nusername = "booth"\npassword = "{ref}"\n'
        '[booth]\nlanes = ["1", "2"]\n',
        encoding="utf-8",
    )
    # a log that (wrongly) carries both secrets, and a rotated one
    (data / "booth-console.log").write_text(
        f"line one\nleaked {APP_SECRET} and {MQTT_PASSWORD}\nconsole stopped (exit code 0)\n",
        encoding="utf-8")
    (data / "booth-console.log.1").write_text("older line\n", encoding="utf-8")

    done, files = _diagnose(tmp_path, "--config", str(cfg), "--data-dir", str(data))
    assert "diag.zip" in done.stdout
    assert set(files) >= {"summary.txt", "config.toml", "logs/booth-console.log",
                          "logs/booth-console.log.1", "journal.txt", "self-test.txt"}
    summary = files["summary.txt"]
    assert f"booth-console: {__version__}" in summary
    assert "keyring backends known: " in summary and "Windows" in summary
    assert "python: 3." in summary and "Qt 6." in summary and "platform: " in summary
    assert 'park_key = "77"' in files["config.toml"] and 'app_secret = "***"' in files["config.toml"]
    assert 'password = "***"' in files["config.toml"] and 'host = "10.0.0.5"' in files["config.toml"]
    journal = files["journal.txt"]
    assert "rows in pending_payments: 2" in journal and "rows in actions: 1" in journal
    assert "payments pending: 1" in journal and "quick_check: ok" in journal
    assert "size: " in journal
    assert "console stopped (exit code 0)" in files["logs/booth-console.log"]
    assert "self-test passed" in files["self-test.txt"]
    for name, text in files.items():
        assert APP_SECRET not in text, name
        assert MQTT_PASSWORD not in text, name


def test_secret_from_the_environment_is_scrubbed_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "booth-console.log").write_text(f"oops {APP_SECRET}\n", encoding="utf-8")
    monkeypatch.setenv("BOOTH_CONSOLE_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("BOOTH_CONSOLE_CONFIG", str(tmp_path / "no-such.toml"))  # not the user's own
    _done, files = _diagnose(tmp_path, "--data-dir", str(data), "--no-self-test")
    assert "config.toml" not in files
    assert "oops ***" in files["logs/booth-console.log"]
    assert all(APP_SECRET not in t for t in files.values())
    assert "not found" in files["journal.txt"]


def test_journal_report_flags_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    asyncio.run(_make_journal(path))
    raw = bytearray(path.read_bytes())
    page = int.from_bytes(raw[16:18], "big")
    for start in range(page, len(raw), page):  # scribble over every b-tree page header but the first
        raw[start + 3: start + 12] = b"\xff" * 9
    path.write_bytes(bytes(raw))
    report = journal_report(path)
    assert "quick_check: " in report and "quick_check: ok" not in report
