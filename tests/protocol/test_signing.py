"""Signing against the document's own examples, hand-derived C# cases and openssl."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booth_console.protocol.jsonutil import dumps, loads
from booth_console.protocol.signing import (
    EMPTY_MD5,
    compute_sign,
    data_md5,
    hmac_sign,
    normalize_data,
    presign_string,
    sign_envelope,
    verify_body,
    verify_envelope,
)
from tests.protocol import reference

SECRET = "s3cr3t-Test_Key"


def test_mqtt_area_query_example_md5() -> None:
    # Section 7.1.3: Data of the AreaQuery example, its lower-case string and its MD5.
    data = loads('{"PageIndex": 1, "PageSize": 25, "OrderBy": "Uid", "OrderType": 0, "QueryCondition": []}')
    assert normalize_data(data).lower() == "orderby=uid&ordertype=0&pageindex=1&pagesize=25&querycondition="
    assert data_md5(data) == "0a78297be1cf12b1faf9efa8b74f1c5e"


def test_mqtt_example_presign_string() -> None:
    # Section 7.1.3 step 4, verbatim.
    pre = presign_string("fvytu5eq", "0a78297be1cf12b1faf9efa8b74f1c5e", "1726313394251322", "1728559158205", "836867")
    assert pre.lower() == (
        "appid=fvytu5eq&data=0a78297be1cf12b1faf9efa8b74f1c5e&parkkey=1726313394251322"
        "&timestamp=1728559158205&nonce=836867"
    )


def test_callback_params_example_normalisation() -> None:
    # Section 3.1.3 example: a top-level array, elements sorted as whole strings.
    data = [
        {"Index": 1, "Url": "http://aebhfqld.gt/tgmjt"},
        {"Index": 3, "Url": "http://qtdupkzq.sd/dsicxsc"},
        {"Url": "http://dfxkmte.tv/mpeop", "Index": 2},
        {"Url": "http://hdphhisif.ni/uejufkem", "Index": 4},
    ]
    assert normalize_data(data) == (
        "Index=1&Url=http://aebhfqld.gt/tgmjt&Index=2&Url=http://dfxkmte.tv/mpeop"
        "&Index=3&Url=http://qtdupkzq.sd/dsicxsc&Index=4&Url=http://hdphhisif.ni/uejufkem"
    )


@pytest.mark.parametrize(
    ("json_text", "expected"),
    [
        # Ordinal order of the original-case keys: 'U' (0x55) sorts before 'a' (0x61), so PUid
        # comes before PageIndex; a case-insensitive sort would put PageIndex first.
        ('{"PageIndex": 1, "PUid": 0}', "PUid=0&PageIndex=1"),
        ('{"b": 1, "B": 2, "a": 3, "A": 4}', "A=4&B=2&a=3&b=1"),
        # Number literals are kept as written.
        ('{"TotalAmountDue": 0.00, "Paid": 5.50, "N": 5}', "N=5&Paid=5.50&TotalAmountDue=0.00"),
        # Empty string kept, null dropped, empty array gives Key=.
        ('{"Remarks": "", "OrderNo": null, "Items": []}', "Items=&Remarks="),
        # Nested array of objects: each element converted, element strings sorted ordinally.
        ('{"Items": [{"B": 2, "A": 1}, {"A": 0}]}', "Items=A=0&A=1&B=2"),
        # Booleans print as .NET does.
        ('{"IsFreePass": false, "IsMoreCar": true}', "IsFreePass=False&IsMoreCar=True"),
        # Chinese plate kept (lower-casing happens later).
        ('{"LicensePlateNumber": "粤B12345"}', "LicensePlateNumber=粤B12345"),
        # Top-level array of objects.
        ('[{"Index": 10}, {"Index": 2}]', "Index=10&Index=2"),
        # Image Base64 fields are not signed.
        ('{"OrderNo": "1", "EntryImageBase64": "AAAA", "ExitImageBase64": "", "ImageBase64": null}', "OrderNo=1"),
    ],
)
def test_hand_derived_normalisation(json_text: str, expected: str) -> None:
    assert normalize_data(loads(json_text)) == expected


def test_chinese_plate_md5_is_of_lowercased_utf8() -> None:
    data = {"LicensePlateNumber": "粤B12345"}
    assert data_md5(data) == hashlib.md5("licenseplatenumber=粤b12345".encode()).hexdigest()


def test_null_data_hashes_empty_string_like_the_code() -> None:
    assert data_md5(None) == EMPTY_MD5 == "d41d8cd98f00b204e9800998ecf8427e"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_hmac_matches_openssl() -> None:
    pre = presign_string("fvytu5eq", "0a78297be1cf12b1faf9efa8b74f1c5e", "1726313394251322", "1728559158205", "836867")
    out = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", SECRET, "-binary"],
        input=pre.lower().encode(), capture_output=True, check=True,
    ).stdout
    assert hmac_sign(pre, SECRET) == base64.b64encode(out).decode().lower()


def test_sign_envelope_matches_reference_and_excludes_route_and_request_id() -> None:
    data = loads('{"OrderNo": "1774695602882864-BCDE11", "TotalAmountDue": 5, "TotalAmountPaid": 5.0,'
                 ' "DiscountAmount": 0, "PaymentTime": "2026-03-28 15:57:36", "PaymentMethod": "79024",'
                 ' "PaymentOrderNo": "521774684656270152"}')
    env = sign_envelope(app_id="xb5glg0hgz40", park_key="1772492942362538", app_secret=SECRET, data=data,
                        timestamp="1774684701374", nonce="nhrqcaxymc9c",
                        extra={"Route": "VehiclePaymentNotify", "RequestId": "42"})
    assert env["Sign"] == reference.sign_body(env, SECRET)
    assert verify_envelope(env, SECRET)
    env2 = dict(env, Route="Other", RequestId="43")
    assert verify_envelope(env2, SECRET)


def test_verify_raw_body_keeps_literals() -> None:
    # A body signed over "0.00" must verify from its raw text, and fail if re-written as 0.
    body = {"AppId": "a", "ParkKey": "p", "TimeStamp": "1774690115822", "Nonce": "n",
            "Data": {"TotalAmountDue": Decimal("0.00"), "OrderNo": "X"}}
    body["Sign"] = reference.sign_body(body, SECRET)
    raw = dumps(body).encode()
    assert b'"TotalAmountDue":0.00' in raw
    assert verify_body(raw, SECRET).ok
    assert not verify_body(raw.replace(b"0.00", b"0"), SECRET).ok


def test_null_data_accepts_both_readings() -> None:
    base = {"AppId": "a", "ParkKey": "p", "TimeStamp": "1", "Nonce": "n", "Data": None}
    with_md5 = hmac_sign(presign_string("a", EMPTY_MD5, "p", "1", "n"), SECRET)
    with_empty = hmac_sign(presign_string("a", "", "p", "1", "n"), SECRET)
    assert compute_sign(app_id="a", park_key="p", timestamp="1", nonce="n", data=None, app_secret=SECRET) == with_md5
    assert verify_envelope(dict(base, Sign=with_md5), SECRET)
    assert verify_envelope(dict(base, Sign=with_empty), SECRET)


def test_callback_example_resigned_verifies_and_image_change_does_not_matter() -> None:
    raw = (
        '{"ParkKey": "1772492942362538", "AppId": "xb5glg0hgz40", "Data": {"OrderNo": "1774718489366642-6Y8MT1",'
        '"LicensePlateNumber": "76Y8MT1", "ExitTime": "2026-03-28 17:28:26", "LicensePlateColor": 1,'
        '"ExitImageUrl": "", "ExitImageBase64": "", "TotalAmountDue": 5, "TotalAmountPaid": 5, "IsFreePass": false},'
        '"Sign": "", "TimeStamp": "1774690115822", "Nonce": "2037824162010005504", "RequestId": "2037824161997422592"}'
    )
    env = reference.parse(raw)
    env["Sign"] = reference.sign_body(env, SECRET)
    assert verify_envelope(env, SECRET)
    env["Data"]["ExitImageBase64"] = "/9j/4AAQSkZJRg=="
    assert verify_envelope(env, SECRET)
    env["Data"]["TotalAmountPaid"] = 4
    assert not verify_envelope(env, SECRET)


# -- property tests ---------------------------------------------------------------------

keys = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x2FF, exclude_characters="=&"),
               min_size=1, max_size=8)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10**12, max_value=10**12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**6, max_value=10**6),
    st.text(max_size=12),
)
objects = st.dictionaries(keys, st.one_of(scalars, st.lists(st.dictionaries(keys, scalars, max_size=3), max_size=3)),
                          max_size=6)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(objects, st.lists(st.dictionaries(keys, scalars, max_size=4), max_size=4)))
def test_normalisation_agrees_with_reference(data: Any) -> None:
    assert normalize_data(data) == reference.convert(data)


@settings(max_examples=200)
@given(data=objects, ts=st.from_regex(r"\A1[0-9]{12}\Z"), nonce=st.text(min_size=1, max_size=20))
def test_sign_verify_round_trip_through_json(data: dict[str, Any], ts: str, nonce: str) -> None:
    env = sign_envelope(app_id="app", park_key="park", app_secret=SECRET, data=data, timestamp=ts, nonce=nonce)
    raw = dumps(env).encode()
    assert verify_body(raw, SECRET).ok
    assert env["Sign"] == reference.sign_body(reference.parse(raw), SECRET)


@settings(max_examples=200)
@given(data=objects.filter(lambda d: any(v is not None for v in d.values())), field=st.sampled_from(
    ["AppId", "ParkKey", "TimeStamp", "Nonce", "Data"]))
def test_any_change_to_a_signed_field_fails(data: dict[str, Any], field: str) -> None:
    env = sign_envelope(app_id="app", park_key="park", app_secret=SECRET, data=data, timestamp="1700000000000",
                        nonce="abc")
    tampered = dict(env)
    if field == "Data":
        key = next(k for k, v in data.items() if v is not None)
        new = dict(data)
        new[key] = "tampered" if new[key] != "tampered" else "other"
        tampered["Data"] = new
    else:
        tampered[field] = str(env[field]) + "x"
    assert not verify_envelope(tampered, SECRET)
    assert not verify_envelope(env, SECRET + "x")


@settings(max_examples=300)
@given(raw=st.binary(max_size=300))
def test_verify_never_raises_on_arbitrary_bytes(raw: bytes) -> None:
    result = verify_body(raw, SECRET)
    assert result.ok is False


@settings(max_examples=100)
@given(raw=st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
                        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
                        max_leaves=10))
def test_verify_never_raises_on_arbitrary_json(raw: Any) -> None:
    body = {"AppId": "a", "ParkKey": "p", "TimeStamp": "1", "Nonce": "n", "Sign": "x", "Data": raw}
    assert verify_body(dumps(body), SECRET).ok is False
