"""``booth-console find-entry`` as a supervisor runs it (a subprocess) against the simulator."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from pathlib import Path

from tests.app.crowded_lot import park_many
from tests.processes import console_config
from tests.protocol.plate_cases import decoys, excluded
from tests.simulator.helpers import APP, run, simulator


async def _cli(*args: str) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("BOOTH_CONSOLE_APP_SECRET", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "booth_console.cli", "find-entry", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env)
    async with asyncio.timeout(50):
        out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def test_prints_ranked_candidates_one_a_line(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with simulator() as sim:
            seeded = await sim.seed_in_park("粤B12345", 42, lane_no="3")
            await sim.seed_in_park("京B12345", 15)
            park_many(sim, decoys(500, seed=8, exclude=excluded()))
            cfg = console_config(tmp_path, sim.base_url)

            code, out, err = await _cli("粤B1Z345", "--config", str(cfg))
            assert code == 0, err
            lines = out.splitlines()
            # the true plate (Z read for 2: 0.25) first, with the 2 bracketed; 京B12345 (Z for 2
            # and the province: 0.75) next
            assert lines[0].startswith("粤B1[2]345  ")
            first = lines[0].split("  ")
            assert first[1] == seeded["OrderNo"] and first[2] == seeded["EntryTime"]
            assert first[3] == "Entrance B (3)" and first[4] == "0.25"
            assert lines[1].startswith("[京]B1[2]345  ") and lines[1].endswith("  0.75")
            assert len(lines) <= 5
            assert "request" in err
            assert APP["app_secret"] not in out + err

            code, out, err = await _cli("粤B1Z345", "--config", str(cfg), "--json", "--top", "1")
            assert code == 0, err
            rows = [json.loads(line) for line in out.splitlines()]
            assert rows == [{"plate": "粤B12345", "order_no": seeded["OrderNo"],
                             "entry_time": seeded["EntryTime"], "entry_lane_no": "3",
                             "entry_lane_name": "Entrance B", "score": 0.25, "differing": [3]}]

            code, out, err = await _cli("粤B99QQ9", "--config", str(cfg))  # nobody close
            assert code == 1 and out == "" and "0 candidate(s)" in err
    run(scenario())


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_clear_errors_for_a_server_that_is_down_and_a_bad_configuration(tmp_path: Path) -> None:
    async def scenario() -> None:
        down = console_config(tmp_path, f"http://127.0.0.1:{_closed_port()}")
        code, out, err = await _cli("粤B12345", "--config", str(down))
        assert code == 3 and out == ""
        assert err.startswith("error: ") and "Traceback" not in err
        assert APP["app_secret"] not in err

        code, _out, err = await _cli("粤B12345", "--config", str(tmp_path / "missing.toml"))
        assert code == 2 and err.startswith("error: ") and "Traceback" not in err

        broken = tmp_path / "broken.toml"
        broken.write_text('[server]\nbase_url = "http://127.0.0.1:1"\napp_id = \n', encoding="utf-8")
        code, _out, err = await _cli("粤B12345", "--config", str(broken))
        assert code == 2 and err.startswith("error: ") and "Traceback" not in err

        no_secret = tmp_path / "nosecret.toml"
        no_secret.write_text('[server]\nbase_url = "http://127.0.0.1:1"\napp_id = "a"\npark_key = "1"\n',
                             encoding="utf-8")
        code, _out, err = await _cli("粤B12345", "--config", str(no_secret))
        assert code == 2 and "secret" in err.lower() and "Traceback" not in err

        code, _out, err = await _cli("粤B12345", "--config", str(down), "--top", "0")
        assert code == 2 and "--top" in err
    run(scenario())
