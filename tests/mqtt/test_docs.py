"""docs/MQTT.md's worked example is right: Data MD5, pre-sign string, Sign, topics."""

from __future__ import annotations

import re
from pathlib import Path

from booth_console.protocol import jsonutil
from booth_console.protocol.signing import explain, verify_envelope
from booth_console.protocol.topics import Topics
from booth_console.simulator import lot

DOC = Path(__file__).resolve().parents[2] / "docs" / "MQTT.md"


def _json_blocks() -> list[dict[str, object]]:
    text = DOC.read_text(encoding="utf-8")
    return [jsonutil.loads(b) for b in re.findall(r"```json\n(.*?)\n```", text, re.S)]


def test_worked_example_request_is_signed_as_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    request, answer = _json_blocks()
    assert isinstance(request, dict) and isinstance(answer, dict)
    assert request["AppId"] == lot.DEFAULT_APP_ID and request["ParkKey"] == lot.DEFAULT_PARK_KEY
    assert verify_envelope(request, lot.DEFAULT_APP_SECRET)
    details = explain(request, lot.DEFAULT_APP_SECRET)
    assert details.data_md5 == "0a78297be1cf12b1faf9efa8b74f1c5e"  # the document's value
    for value in (details.data_string, details.presign, details.sign):
        assert value in text
    assert request["Route"] == "AreaQuery"
    assert answer["RequestId"] == request["RequestId"] and answer["ResultCode"] == 200
    topics = Topics(park_key=lot.DEFAULT_PARK_KEY)
    assert f"`{topics.request}`" in text
    assert f"`{topics.response(lot.DEFAULT_APP_ID)}`" in text
