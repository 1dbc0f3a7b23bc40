"""``booth-console sign`` and ``booth-console call`` as an installer runs them (subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from booth_console.protocol.endpoints import ENDPOINTS
from tests.protocol import reference

SECRET = "tool-test-secret"


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "booth_console.cli", *args], input=stdin.decode() if stdin else None,
                          capture_output=True, text=True, timeout=60)


def signed_body(data: Any) -> dict[str, Any]:
    body = {"ParkKey": "1772492942362538", "AppId": "xb5glg0hgz40", "TimeStamp": "1774593426011",
            "Nonce": "272946", "Data": data}
    body["Sign"] = reference.sign_body(body, SECRET)
    return body


def test_sign_prints_each_step_for_the_mqtt_example(tmp_path: Path) -> None:
    body = {"ParkKey": "1726313394251322", "AppId": "fvytu5eq", "TimeStamp": "1728559158205", "Nonce": "836867",
            "Route": "AreaQuery", "RequestId": "12345665",
            "Data": {"PageIndex": 1, "PageSize": 25, "OrderBy": "Uid", "OrderType": 0, "QueryCondition": []}}
    f = tmp_path / "body.json"
    f.write_text(json.dumps(body))
    out = run_cli("sign", str(f), "--app-secret", SECRET)
    assert out.returncode == 0, out.stderr
    assert "orderby=uid&ordertype=0&pageindex=1&pagesize=25&querycondition=" in out.stdout
    assert "0a78297be1cf12b1faf9efa8b74f1c5e" in out.stdout
    assert ("appid=fvytu5eq&data=0a78297be1cf12b1faf9efa8b74f1c5e&parkkey=1726313394251322"
            "&timestamp=1728559158205&nonce=836867") in out.stdout
    assert reference.sign_body(body, SECRET) in out.stdout
    assert SECRET not in out.stdout + out.stderr


def test_sign_verify_exit_codes() -> None:
    raw = ('{"ParkKey": "1772492942362538", "AppId": "xb5glg0hgz40", "TimeStamp": "1774690132438", "Nonce": "1",'
           ' "RequestId": "2", "Data": {"TotalSpaces": 500, "RemainingSpaces": 499, "Amount": 0.00,'
           ' "AreaSpaces": [{"AreaNo": "1772492942540835", "AreaName": "Outer Field", "TotalSpaces": 500,'
           ' "RemainingSpaces": 499}], "CarCardTypeSpaces": []}}')
    body = reference.parse(raw)
    body["Sign"] = reference.sign_body(body, SECRET)
    good = raw[:-1] + f', "Sign": "{body["Sign"]}"}}'
    ok = run_cli("sign", "--verify", "--app-secret", SECRET, stdin=good.encode())
    assert ok.returncode == 0 and "VALID" in ok.stdout
    bad = run_cli("sign", "--verify", "--app-secret", SECRET, stdin=good.replace("0.00", "0").encode())
    assert bad.returncode == 1 and "INVALID" in bad.stdout
    wrong_secret = run_cli("sign", "--verify", "--app-secret", "other", stdin=good.encode())
    assert wrong_secret.returncode == 1
    garbage = run_cli("sign", "--verify", "--app-secret", SECRET, stdin=b"{not json")
    assert garbage.returncode == 2 and "malformed JSON" in garbage.stderr


class FakeParkingServer(BaseHTTPRequestHandler):
    """An independent fake: checks the signature with the reference code, records requests."""

    requests: ClassVar[list[dict[str, Any]]] = []
    answer_code = 200

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = reference.parse(self.rfile.read(length))
        ok = body.get("Sign") == reference.sign_body(body, SECRET)
        self.requests.append({"method": self.command, "path": self.path, "body": body, "sign_ok": ok})
        code = self.answer_code if ok else 1001
        answer = json.dumps({"ResultCode": code, "ResultMsg": "ok" if code == 200 else "Lane does not exist",
                             "ResultId": "1", "Data": None}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = _handle

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_server() -> Iterator[str]:
    FakeParkingServer.requests = []
    FakeParkingServer.answer_code = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeParkingServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


DATA: dict[str, Any] = {
    "BarrierStatusQuery": {"LaneNo": "1"},
    "LaneOrderQuery": {"LaneNo": "2"},
    "OrderFeeQuery": {"OrderNo": "1774695602882864-BCDE11"},
    "BarrierStatusNotify": {"LaneNo": "2", "Status": 1},
    "LaneFeeModifyNotify": {"OrderNo": "1774695602882864-BCDE11", "LaneNo": "2", "Money": 10},
    "VehiclePaymentNotify": {"OrderNo": "1774695602882864-BCDE11", "TotalAmountDue": 5, "TotalAmountPaid": 5,
                             "DiscountAmount": 0, "PaymentTime": "2026-03-28 15:57:36", "PaymentMethod": "79024",
                             "PaymentOrderNo": "521774684656270152"},
    "NoPlateEntryNotify": {"LicensePlateNumber": "A887755", "EntryTime": "2024-02-27 14:06:46",
                           "VehicleTypeNo": "1708773681734708", "ParkingCardTypeNo": "1708773681731663", "LaneNo": "1"},
    "CallbackParamChangeNotify": [{"Index": 4, "Url": "http://192.168.22.247:8080", "Interval": 1000}],
    "FailedCallbackRetryNotify": {"StartTime": "2026-03-28 16:06:28", "EndTime": "2026-03-28 17:06:28",
                                  "RefreshTypes": [{"Index": 1}]},
    "ParkingRecordNotify": {"NoticeType": 0, "Items": [{"OrderNo": "1774695602882864-BCDE11", "Remarks": "test"}]},
}


def test_call_sends_every_endpoint_signed_and_shaped(fake_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    # In-process for speed (27 calls); the subprocess path is covered by the test below.
    from booth_console.cli import main

    creds = ["--base-url", fake_server, "--app-id", "xb5glg0hgz40", "--app-secret", SECRET,
             "--park-key", "1772492942362538"]
    for ep in ENDPOINTS:
        args = ["call", ep.name, *creds]
        if ep.name in DATA:
            args += ["--data", json.dumps(DATA[ep.name])]
        elif not ep.paged:
            args += ["--data", json.dumps({"NoticeType": 0, "Items": []})]
        code = main(args)
        captured = capsys.readouterr()
        assert code == 0, (ep.name, captured.out, captured.err)
        assert json.loads(captured.out)["ResultCode"] == 200
    reqs = FakeParkingServer.requests
    assert len(reqs) == len(ENDPOINTS)
    for ep, req in zip(ENDPOINTS, reqs, strict=True):
        assert req["sign_ok"], ep.name
        assert req["method"] == ep.method
        expected_path = ep.path + (f"?Route={ep.route}" if ep.route else "")
        assert req["path"] == expected_path
        if ep.paged:
            assert req["body"]["Data"] == {"PageIndex": 1, "PageSize": 20, "OrderBy": "Uid", "OrderType": 0,
                                           "QueryCondition": []}


def test_call_reports_result_codes_and_unreachable_servers(fake_server: str) -> None:
    creds = ["--app-id", "a", "--app-secret", SECRET, "--park-key", "p"]
    FakeParkingServer.answer_code = 1005
    out = run_cli("call", "BarrierStatusNotify", "--base-url", fake_server, "--data", '{"LaneNo": "9", "Status": 1}',
                  *creds)
    assert out.returncode == 1 and "1005" in out.stderr and "Lane does not exist" in out.stderr
    down = run_cli("call", "LaneQuery", "--base-url", "http://127.0.0.1:9", "--timeout", "2", *creds)
    assert down.returncode == 3 and "cannot reach" in down.stderr
    listing = run_cli("call", "--list")
    assert listing.returncode == 0 and all(e.name in listing.stdout for e in ENDPOINTS)
    unknown = run_cli("call", "NoSuchThing", *creds)
    assert unknown.returncode == 2
