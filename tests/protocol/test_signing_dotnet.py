"""Signing edge cases where .NET and Python differ: ToLower, lone surrogates, an empty key.

Every expected value here is derived by hand from the Unicode simple lowercase mappings
(UnicodeData.txt field 13, written out as UTF-8 bytes below) or computed by ``openssl``; none
comes from our own signer. C#'s ``string.ToLower()`` (current culture, not Turkish) maps each
code point alone with its simple mapping; .NET's ``UTF8Encoding`` writes a lone surrogate as
U+FFFD (EF BF BD).
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from booth_console.protocol.jsonutil import loads
from booth_console.protocol.signing import (
    compute_sign,
    data_md5,
    dotnet_lower,
    dotnet_utf8,
    explain,
    hmac_sign,
    presign_string,
    sign_envelope,
    verify_body,
    verify_envelope,
)
from tests.protocol import reference

SECRET = "s3cr3t-Test_Key"

# (JSON of Data, the lower-cased Data string as .NET writes it in UTF-8, derived by hand)
CASES = [
    # Σ at the end of a word: σ U+03C3 (CF 83), never the final form ς U+03C2 (CF 82)
    ('{"Name": "ΟΔΟΣ"}', b"name=\xce\xbf\xce\xb4\xce\xbf\xcf\x83"),
    ('{"Name": "ΑΣ ΣΑ"}', b"name=\xce\xb1\xcf\x83 \xcf\x83\xce\xb1"),
    # İ U+0130: simple mapping i U+0069, one unit (Python's full mapping adds U+0307)
    ('{"City": "İSTANBUL"}', b"city=istanbul"),
    # ẞ U+1E9E: ß U+00DF (C3 9F)
    ('{"Street": "GROẞE"}', b"street=gro\xc3\x9fe"),
    # Cyrillic Д О М: д о м (D0 B4, D0 BE, D0 BC)
    ('{"Plate": "ДОМ1"}', b"plate=\xd0\xb4\xd0\xbe\xd0\xbc1"),
    # fullwidth Ａ Ｂ U+FF21/22: ａ ｂ U+FF41/42 (EF BD 81, EF BD 82)
    ('{"Plate": "ＡＢ12"}', b"plate=\xef\xbd\x81\xef\xbd\x8212"),
    # Turkish dotless ı U+0131 is lowercase already (C4 B1); I is i (not Turkish casing)
    ('{"Name": "ıI"}', b"name=\xc4\xb1i"),
    # Deseret 𐐀 U+10400 (a surrogate pair) lowers to 𐐨 U+10428 (F0 90 90 A8); Adlam 𞤀
    # U+1E900 to 𞤢 U+1E922 (F0 9E A4 A2); the emoji 😀 U+1F600 has no case (F0 9F 98 80)
    ('{"Note": "\\ud801\\udc00\\ud83a\\udd00\\ud83d\\ude00"}',
     b"note=\xf0\x90\x90\xa8\xf0\x9e\xa4\xa2\xf0\x9f\x98\x80"),
    # a lone surrogate: U+FFFD in UTF-8 (EF BF BD), the letters around it lowered
    ('{"Note": "A\\ud800B"}', b"note=a\xef\xbf\xbdb"),
    ('{"Note": "\\udc00"}', b"note=\xef\xbf\xbd"),
    # Chinese has no case
    ('{"LicensePlateNumber": "粤B12345"}', b"licenseplatenumber=\xe7\xb2\xa4b12345"),
]


@pytest.mark.parametrize(("json_text", "lowered_utf8"), CASES)
def test_data_md5_uses_dotnet_lowercasing_and_utf8(json_text: str, lowered_utf8: bytes) -> None:
    data = loads(json_text)
    assert data_md5(data) == hashlib.md5(lowered_utf8).hexdigest()
    assert dotnet_utf8(dotnet_lower(f"{next(iter(data))}={next(iter(data.values()))}")) \
        == lowered_utf8


@pytest.mark.parametrize(("json_text", "lowered_utf8"), CASES)
def test_reference_agrees_with_the_hand_derived_bytes(json_text: str, lowered_utf8: bytes) -> None:
    data = reference.parse(json_text)
    assert reference.lowered_utf8(reference.convert(data)) == lowered_utf8


def test_lowercasing_keeps_the_utf16_length_and_python_differs_only_where_expected() -> None:
    for text in ("ΟΔΟΣ", "İ", "ẞ", "\U00010400", "\ud800", "ΑΣ."):
        out = dotnet_lower(text)
        assert len(out.encode("utf-16-le", "surrogatepass")) == \
            len(text.encode("utf-16-le", "surrogatepass"))
    assert "ΟΔΟΣ".lower() == "οδος" and dotnet_lower("ΟΔΟΣ") == "οδοσ"
    assert "İ".lower() == "i\u0307" and dotnet_lower("İ") == "i"
    # halves of a pair held apart in a Python string are one code point to .NET
    assert dotnet_lower("\ud801\udc00") == "\U00010428"


def test_a_lone_surrogate_body_verifies_through_raw_json() -> None:
    data = loads('{"Remarks": "x\\ud800y", "OrderNo": "A1"}')
    env = sign_envelope(app_id="app", park_key="park", app_secret=SECRET, data=data,
                        timestamp="1700000000000", nonce="n1")
    raw = json.dumps(env, ensure_ascii=True)  # "\ud800" escaped, as the vendor's JSON writer
    assert verify_body(raw.encode(), SECRET).ok
    assert env["Sign"] == reference.sign_body(reference.parse(raw), SECRET)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
@pytest.mark.parametrize("secret", ["", SECRET])
def test_whole_signature_with_openssl_including_an_empty_key(secret: str) -> None:
    data = loads('{"Name": "ΟΔΟΣ", "City": "İSTANBUL"}')
    # hand-derived: keys sorted ordinally, lowered as .NET does
    md5 = hashlib.md5(b"city=istanbul&name=\xce\xbf\xce\xb4\xce\xbf\xcf\x83").hexdigest()
    pre = f"appid=app&data={md5}&parkkey=park&timestamp=1700000000000&nonce=n1"
    mac = subprocess.run(["openssl", "dgst", "-sha256", "-hmac", secret, "-binary"],
                         input=pre.encode(), capture_output=True, check=True).stdout
    expected = base64.b64encode(mac).decode().lower()
    assert compute_sign(app_id="app", park_key="park", timestamp="1700000000000", nonce="n1",
                        data=data, app_secret=secret) == expected
    assert presign_string("app", md5, "park", "1700000000000", "n1").lower() == pre
    env = dict(AppId="app", ParkKey="park", TimeStamp="1700000000000", Nonce="n1", Data=data,
               Sign=expected)
    assert verify_envelope(env, secret)
    assert not verify_envelope(env, secret + "x")
    assert explain(env, secret).sign == expected


def test_empty_key_hmac_matches_the_rfc_construction() -> None:
    # HMAC with an empty key: the key block is 64 zero bytes (RFC 2104), computed by hand here
    msg = b"appid=a&data=x"
    inner = hashlib.sha256(bytes(0x36 for _ in range(64)) + msg).digest()
    outer = hashlib.sha256(bytes(0x5C for _ in range(64)) + inner).digest()
    assert hmac_sign("AppId=a&Data=x", "") == base64.b64encode(outer).decode().lower()


def _sign_cli(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "booth_console", "sign", *args], input=stdin,
                          capture_output=True, timeout=60, env=_env())


def _env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "BOOTH_CONSOLE_APP_SECRET"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return env


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_sign_tool_accepts_an_explicitly_empty_secret() -> None:
    body = {"AppId": "app", "ParkKey": "park", "TimeStamp": "1700000000000", "Nonce": "n1",
            "Data": {"Plate": "ДОМ1"}}
    md5 = hashlib.md5(b"plate=\xd0\xb4\xd0\xbe\xd0\xbc1").hexdigest()
    pre = f"appid=app&data={md5}&parkkey=park&timestamp=1700000000000&nonce=n1"
    mac = subprocess.run(["openssl", "dgst", "-sha256", "-hmac", "", "-binary"],
                         input=pre.encode(), capture_output=True, check=True).stdout
    expected = base64.b64encode(mac).decode().lower()
    out = _sign_cli("--app-secret", "", stdin=json.dumps(body).encode())
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert f"Data MD5    : {md5}" in text and f"Sign        : {expected}" in text
    assert "empty AppSecret" in out.stderr.decode()
    body["Sign"] = expected
    ok = _sign_cli("--verify", "--app-secret", "", stdin=json.dumps(body).encode())
    assert ok.returncode == 0 and b"VALID" in ok.stdout
    # no secret at all is still refused
    none = _sign_cli(stdin=json.dumps(body).encode())
    assert none.returncode == 2 and b"AppSecret" in none.stderr
