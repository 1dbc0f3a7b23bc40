"""``booth-console simulate --mqtt-host ...``: an independent checker speaks V3.0 to the simulator.

The simulator runs as a separate process; the checker is plain paho (no Booth Console code on
the wire side): it publishes a signed AreaQuery with ``Route`` and ``RequestId`` to the request
topic and reads the answer on the response topic.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from booth_console.devtools.broker import MosquittoBroker
from booth_console.protocol import jsonutil
from booth_console.protocol.signing import sign_envelope
from booth_console.simulator import lot

pytestmark = [pytest.mark.mqtt, pytest.mark.slow]

APP_ID, SECRET, PARK = lot.DEFAULT_APP_ID, lot.DEFAULT_APP_SECRET, lot.DEFAULT_PARK_KEY


def _start_simulate(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from booth_console.cli import main; sys.exit(main())",
         "simulate", "--port", "0", "--db", str(tmp_path / "sim.db"), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl+C"):
            break
    return proc, "".join(lines)


def _stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[str, str]:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
        pytest.fail(f"simulate did not stop on signal {sig}: {err}")
        raise AssertionError from None


def _paho(broker: MosquittoBroker, inbox: queue.Queue[tuple[str, bytes]]) -> paho.Client:
    client = paho.Client(callback_api_version=CallbackAPIVersion.VERSION2,
                         client_id="checker-plain-paho")
    client.on_message = lambda _c, _u, msg: inbox.put((msg.topic, bytes(msg.payload)))
    client.connect(broker.host, broker.port, keepalive=30)
    client.loop_start()
    return client


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_simulate_serves_v3_to_a_plain_paho_checker(
    broker: MosquittoBroker, tmp_path: Path, sig: int
) -> None:
    proc, banner = _start_simulate(tmp_path, "--mqtt-host", broker.host,
                                   "--mqtt-port", str(broker.port))
    client: paho.Client | None = None
    try:
        request_topic = f"parking/{PARK}/request"
        response_topic = f"parking/{PARK}/response/{APP_ID}"
        assert f"requests   = {request_topic}" in banner, banner
        assert f"responses  = {response_topic}" in banner, banner
        assert f"callbacks  = parking/{PARK}/callback/+" in banner, banner
        inbox: queue.Queue[tuple[str, bytes]] = queue.Queue()
        client = _paho(broker, inbox)
        sub = client.subscribe(response_topic, qos=1)
        assert sub[0] == paho.MQTT_ERR_SUCCESS
        client.subscribe(f"parking/{PARK}/callback/+", qos=1)
        envelope = sign_envelope(
            app_id=APP_ID, park_key=PARK, app_secret=SECRET,
            data={"PageIndex": 1, "PageSize": 25, "OrderBy": "Uid", "OrderType": 0,
                  "QueryCondition": []})
        envelope["Route"] = "AreaQuery"
        envelope["RequestId"] = "2037822471407697920"
        client.publish(request_topic, jsonutil.dumps_bytes(envelope), qos=1).wait_for_publish(10)
        while True:
            topic, payload = inbox.get(timeout=15)
            if topic == response_topic:
                break
        answer = json.loads(payload)
        assert answer["RequestId"] == "2037822471407697920"
        assert answer["Route"] == "AreaQuery"
        assert answer["ResultCode"] == 200, answer
        assert answer["Data"]["TotalCount"] >= 1
        assert answer["Data"]["Results"][0]["No"]
        # A wrong signature is the simulator's own 1001, through the broker.
        bad = dict(envelope, Sign="x" * 44, RequestId="2037822471407697921")
        client.publish(request_topic, jsonutil.dumps_bytes(bad), qos=1).wait_for_publish(10)
        while True:
            topic, payload = inbox.get(timeout=15)
            if topic == response_topic:
                break
        assert json.loads(payload)["ResultCode"] == 1001
        # Callbacks go to the callback topics: a plate recognised at entrance 1.
        base = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner)
        assert base, banner
        resp = httpx.post(base.group(1) + "/Sim/Arrive",
                          json={"LaneNo": "1", "Plate": "沪M92W36"}, timeout=10)
        assert resp.status_code == 200, resp.text
        while True:
            topic, payload = inbox.get(timeout=15)
            if topic.startswith(f"parking/{PARK}/callback/"):
                break
        assert topic.rsplit("/", 1)[1].startswith("On")
        assert json.loads(payload)["ParkKey"] == PARK
    finally:
        if client is not None:
            client.loop_stop()
            client.disconnect()
        out, err = _stop(proc, sig)
    assert proc.returncode == 0, err
    assert "Simulator stopped." in out
    assert SECRET not in err
    assert "Traceback" not in err, err


def test_simulate_reports_an_unreachable_broker(tmp_path: Path) -> None:
    from booth_console.devtools.broker import free_port

    port = free_port()
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from booth_console.cli import main; sys.exit(main())",
         "simulate", "--port", "0", "--mqtt-host", "127.0.0.1", "--mqtt-port", str(port)],
        capture_output=True, text=True, timeout=60,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert proc.returncode == 2, proc.stderr
    assert re.search(r"cannot serve V3\.0 through the broker 127\.0\.0\.1:\d+", proc.stderr)
