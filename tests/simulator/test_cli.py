"""``booth-console simulate`` as a separate process: start-up banner, serving, clean SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from booth_console.protocol import jsonutil
from booth_console.protocol.signing import sign_envelope
from booth_console.simulator import DEFAULT_APP_SECRET
from tests.simulator.helpers import APP


@pytest.mark.slow
def test_simulate_command_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "sim.db"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from booth_console.cli import main; "
         "sys.exit(main())", "simulate", "--port", "0", "--db", str(db), "--seed", "7"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        banner = "".join(lines)
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner)
        assert url, banner
        assert f"app_secret = {DEFAULT_APP_SECRET}" in banner
        assert "park_key   = 1772492942362538" in banner
        base = url.group(1)
        envelope = sign_envelope(data={"LaneNo": "2"}, **APP)
        resp = httpx.request("GET", base + "/Api/V2/OpenApi/GetLaneOrder",
                             content=jsonutil.dumps_bytes(envelope),
                             headers={"Content-Type": "application/json"}, timeout=10)
        assert resp.json()["ResultCode"] == 200
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "Simulator stopped." in out
        assert DEFAULT_APP_SECRET not in err  # the secret is not logged
        assert db.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # The state survives in the --db file: a restart does not seed again.
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        assert conn.execute('SELECT COUNT(*) FROM "Lane"').fetchone()[0] == 4
    finally:
        conn.close()


def test_busy_port_is_reported(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-c", "import sys; from booth_console.cli import main; "
             "sys.exit(main())", "simulate", "--port", str(port)],
            capture_output=True, text=True, timeout=60,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert proc.returncode == 2
    assert "cannot listen" in proc.stderr
