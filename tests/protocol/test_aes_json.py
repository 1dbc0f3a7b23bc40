"""AES of the sensitive fields (checked with openssl) and literal-number JSON."""

from __future__ import annotations

import base64
import shutil
import subprocess
from decimal import Decimal

import pytest

from booth_console.protocol.aes import SensitiveFieldError, decrypt_field, encrypt_field, mask
from booth_console.protocol.jsonutil import JsonError, dumps, loads, shortest_decimal
from booth_console.protocol.signing import normalize_data

KEY_HEX = b"infoexchange4api".hex()
IV_HEX = b"activevector4api".hex()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
@pytest.mark.parametrize("plain", ["13800138000", "110101199003074514", "粤B12345 张三", "a" * 16])
def test_decrypts_what_openssl_encrypts(plain: str) -> None:
    out = subprocess.run(["openssl", "enc", "-aes-128-cbc", "-K", KEY_HEX, "-iv", IV_HEX],
                         input=plain.encode(), capture_output=True, check=True).stdout
    assert decrypt_field(base64.b64encode(out).decode()) == plain
    assert encrypt_field(plain) == base64.b64encode(out).decode()


def test_empty_and_null_pass_through() -> None:
    assert decrypt_field("") == ""
    assert decrypt_field(None) is None


@pytest.mark.parametrize("bad", ["not base64!!", "QUJD", base64.b64encode(b"x" * 16).decode()])
def test_bad_values_give_clear_errors(bad: str) -> None:
    with pytest.raises(SensitiveFieldError):
        decrypt_field(bad)


def test_mask() -> None:
    assert mask("13800138000") == "138******00"
    assert mask("abc") == "***"
    assert mask(None) == ""


def test_json_keeps_literals_and_writes_decimals_bare() -> None:
    data = loads(b'{"A": 0.00, "B": 5.50, "C": 5, "D": "x"}')
    assert str(data["A"]) == "0.00" and isinstance(data["C"], int)
    assert dumps(data) == '{"A":0.00,"B":5.50,"C":5,"D":"x"}'
    assert dumps({"E": Decimal("1E+2")}) == '{"E":100}'


def test_shortest_amounts() -> None:
    assert str(shortest_decimal("5.00")) == "5"
    assert str(shortest_decimal(Decimal("5.50"))) == "5.5"
    assert str(shortest_decimal(12.3)) == "12.3"
    assert str(shortest_decimal(100)) == "100"


@pytest.mark.parametrize("bad", [b"{", b"\xff\xfe", b"NaN", b'{"a": Infinity}', b"[" * 100000])
def test_malformed_json_is_one_error_type(bad: bytes) -> None:
    with pytest.raises(JsonError):
        loads(bad)


@pytest.mark.parametrize("literal", [
    "1e999999999", "-1E+40", "1e-41", "0e-999999999", "0E+40", "1e" + "9" * 35, "7" * 41,
    "0." + "3" * 39, "-" + "1" * 40,
])
def test_number_literals_beyond_dotnet_range_are_refused_unexpanded(literal: str) -> None:
    with pytest.raises(JsonError, match="number"):
        loads('{"X":' + literal + "}")
    # also where clients, the simulator and the tools parse answers: one parser for all
    with pytest.raises(JsonError):
        loads(("[" + literal + "]").encode())


@pytest.mark.parametrize(("literal", "text"), [
    ("79228162514264337593543950335", "79228162514264337593543950335"),  # decimal.MaxValue
    ("-0.0000000000000000000000000001", "-0.0000000000000000000000000001"),
    ("1.7976931348623157E+38", "179769313486231570000000000000000000000"),
    ("1e39", "1" + "0" * 39),
    ("1E-40", "0." + "0" * 39 + "1"),
])
def test_numbers_a_dotnet_side_can_hold_keep_their_text(literal: str, text: str) -> None:
    assert normalize_data(loads('{"X":' + literal + "}")) == "X=" + text


def test_values_are_counted_before_parsing_when_bounded() -> None:
    assert loads("[1,[2],{}]", max_items=5) == [1, [2], {}]
    with pytest.raises(JsonError, match="more than 4 values"):
        loads("[1,[2],{}]", max_items=4)
