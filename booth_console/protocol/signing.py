"""Request and callback signatures, exactly as the vendor's C# reference code computes them.

The normative code is ``ConvertDataToString`` and ``HmacSha256Sign`` in section 3.1.3 of the
LAN interface document:

* an object becomes ``Key=Value`` pairs joined with ``&``; keys are the original-case property
  names sorted with ordinal (UTF-16 code unit) comparison; null values are dropped; empty
  strings stay (``Key=``);
* an array becomes the strings of its elements, sorted ordinally and joined with ``&``; an
  array value inside an object is converted recursively, so an empty array gives ``Key=``;
* the whole string is lower-cased and hashed with MD5 (hex, lower case);
* the pre-sign string is ``AppId=..&Data=<md5>&ParkKey=..&TimeStamp=..&Nonce=..`` (null
  parameters other than Data are omitted), lower-cased, signed with HMAC-SHA256 keyed with
  the AppSecret, Base64-encoded and lower-cased.

Numbers are signed with their literal JSON text, so parse bodies with
:func:`booth_console.protocol.jsonutil.loads`. Booleans print as .NET does (``True``), which
lower-cases to ``true``. The callback image fields, ``Sign``, ``RequestId`` and ``Route`` are not
signed.

Two steps are .NET's, not Python's (:func:`dotnet_lower`, :func:`dotnet_utf8`):

* **Lower-casing** is C#'s ``string.ToLower()`` (the server's current culture, not Turkish):
  each code point gets its Unicode *simple* lowercase mapping, alone. No final-sigma rule
  (``ΟΔΟΣ`` gives ``οδοσ``, Python gives ``οδος``) and no one-to-many expansion (``İ`` U+0130
  gives ``i``, Python gives ``i`` + U+0307). Surrogate pairs are lowered as the code point they
  encode (Deseret ``𐐀`` U+10400 gives ``𐐨`` U+10428); a lone surrogate stays as it is.
  Evidence: .NET 5+ (ICU; the default on Linux and on Windows 10 1903+) lowers in
  ``GlobalizationNative_ChangeCase`` (dotnet/runtime ``pal_casing.c``), which decodes each code
  point with ``U16_NEXT`` (a lone surrogate decodes to itself), maps it with ICU's
  ``u_tolower`` (the simple mapping) and writes it back with ``U16_APPEND`` at the same
  length; only the *invariant* culture keeps U+0130 unchanged, and only Turkish/Azeri map
  ``I`` to ``ı``. Windows NLS (``LCMapStringEx``) also lowers ``İ`` to ``i`` for non-Turkish
  cultures (the .NET ``String.ToLower(CultureInfo)`` documentation sample, en-US) and also
  cases the Deseret pairs (dotnet/runtime PR 134149). Python's ``str.lower()`` differs from
  this only for U+0130 and the final sigma (checked over every code point for this Python's
  Unicode version), so those two are mapped first.
* **UTF-8** is .NET's ``UTF8Encoding`` with its default replacement fallback: a lone surrogate
  (JSON ``"\ud800"``) is written as U+FFFD (``EF BF BD``) instead of failing, so such a Data
  string has a signed form.

An empty AppSecret is a valid HMAC key here (it is for the vendor's code too); refusing to run
without a secret is the caller's job (configuration, ``run``), not the signer's.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from booth_console.protocol.jsonutil import JsonError, decimal_text, loads

__all__ = [
    "EMPTY_MD5",
    "IMAGE_FIELDS",
    "SignatureDetails",
    "SigningError",
    "VerifyResult",
    "compute_sign",
    "data_md5",
    "dotnet_lower",
    "dotnet_utf8",
    "explain",
    "hmac_sign",
    "make_nonce",
    "normalize_data",
    "now_timestamp",
    "presign_string",
    "sign_envelope",
    "verify_body",
    "verify_envelope",
]

#: Base64 image fields of callbacks that are excluded from the signature.
IMAGE_FIELDS = frozenset({"EntryImageBase64", "ExitImageBase64", "ImageBase64"})

# The UTF-16 codecs are looked up now, not at the first callback: Python imports a codec's
# module from disk on first use, and under a flood of connections the process may have no file
# descriptor left for that (every callback would then be answered 1003 until one frees).
for _codec in ("utf-16-be", "utf-16-le"):
    codecs.lookup(_codec)

#: MD5 of the empty string: what the C# code hashes when Data is null.
EMPTY_MD5 = hashlib.md5(b"").hexdigest()


class SigningError(ValueError):
    """Data has no signed form (for example a bare number where an object is expected)."""


def _ordinal_key(text: str) -> bytes:
    # .NET's StringComparer.Ordinal compares UTF-16 code units; big-endian UTF-16 bytes sort
    # the same way (code points above U+FFFF sort as their surrogates, below U+E000..U+FFFF).
    return text.encode("utf-16-be", "surrogatepass")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _join_surrogates(text: str) -> str:
    """``text`` with adjacent surrogate halves joined into the code point they encode (as a
    UTF-16 string holds them); lone surrogates stay."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _simple_first(text: str) -> str:
    # the two code points whose Python lowercase is not their simple mapping:
    # İ U+0130 -> i U+0069 (Python: i + U+0307); Σ U+03A3 -> σ always (Python: ς at word end)
    if "\u0130" in text:
        text = text.replace("\u0130", "i")
    if "\u03a3" in text:
        text = text.replace("\u03a3", "\u03c3")
    return text


def dotnet_lower(text: str) -> str:
    """``text`` lower-cased as C#'s ``string.ToLower()`` does (see the module notes).

    Each code point gets its simple lowercase mapping; the result has as many UTF-16 code
    units as ``text``. ASCII-only text takes Python's fast path.
    """
    if text.isascii():
        return text.lower()
    if _SURROGATE.search(text):
        text = _join_surrogates(text)
    text = _simple_first(text)
    lowered = text.lower()
    if len(lowered) != len(text):  # a one-to-many mapping of a newer Unicode version: keep it
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered


def dotnet_utf8(text: str) -> bytes:
    """``text`` encoded as .NET's ``UTF8Encoding`` does: a lone surrogate becomes U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        return fixed.encode("utf-8")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return decimal_text(Decimal(repr(value)))
    if isinstance(value, str):
        return value
    raise SigningError(f"cannot sign a value of type {type(value).__name__}")


def _convert(data: Any) -> str:
    if data is None:
        return ""
    if isinstance(data, list | tuple):
        items = sorted((_convert(item) for item in data), key=_ordinal_key)
        return "&".join(items)
    if isinstance(data, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, value in data.items():
            if value is None or key in IMAGE_FIELDS:
                continue
            if isinstance(value, list | tuple | Mapping):
                # Arrays are converted recursively, as the C# code does. A nested plain object
                # has no usable form there (it would print its type name); we convert it the
                # same way so that verification stays deterministic. No documented body has one.
                text = _convert(value)
            else:
                text = _scalar_text(value)
            pairs.append((str(key), text))
        pairs.sort(key=lambda kv: _ordinal_key(kv[0]))
        return "&".join(f"{k}={v}" for k, v in pairs)
    return _scalar_text(data)


def normalize_data(data: Any) -> str:
    """The Data string before lower-casing, as ``ConvertDataToString`` builds it."""
    return _convert(data)


def data_md5(data: Any) -> str:
    """MD5 (lower-case hex) of the lower-cased normalised Data string."""
    return hashlib.md5(dotnet_utf8(dotnet_lower(normalize_data(data)))).hexdigest()


def _param_text(value: Any) -> str | None:
    if value is None:
        return None
    return _scalar_text(value)


def presign_string(
    app_id: Any, data_digest: str | None, park_key: Any, timestamp: Any, nonce: Any
) -> str:
    """``AppId=..&Data=..&ParkKey=..&TimeStamp=..&Nonce=..`` (not yet lower-cased).

    Parameters that are ``None`` are left out, except Data, which is always present.
    """
    parts: list[str] = []
    for name, value in (
        ("AppId", _param_text(app_id)),
        ("Data", data_digest if data_digest is not None else ""),
        ("ParkKey", _param_text(park_key)),
        ("TimeStamp", _param_text(timestamp)),
        ("Nonce", _param_text(nonce)),
    ):
        if value is not None:
            parts.append(f"{name}={value}")
    return "&".join(parts)


def hmac_sign(presign: str, app_secret: str) -> str:
    """Lower-case the pre-sign string, HMAC-SHA256 it with the AppSecret, Base64, lower-case."""
    digest = hmac.new(
        dotnet_utf8(app_secret), dotnet_utf8(dotnet_lower(presign)), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii").lower()


def compute_sign(
    *, app_id: Any, park_key: Any, timestamp: Any, nonce: Any, data: Any, app_secret: str
) -> str:
    """The Sign of an envelope with these fields (null Data hashes the empty string)."""
    return hmac_sign(presign_string(app_id, data_md5(data), park_key, timestamp, nonce), app_secret)


def now_timestamp() -> str:
    """The current time as a 13-digit millisecond timestamp string."""
    return str(time.time_ns() // 1_000_000)


def make_nonce() -> str:
    """A random nonce of 16 lower-case letters and digits (80 random bits, one system call)."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


def sign_envelope(
    *,
    app_id: str,
    park_key: str,
    app_secret: str,
    data: Any,
    timestamp: str | None = None,
    nonce: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build a signed envelope ``{ParkKey, AppId, TimeStamp, Nonce, Sign, Data}``.

    ``extra`` fields (V3.0's ``Route`` and ``RequestId``) are added after signing; they are
    not part of the signature.
    """
    ts = timestamp if timestamp is not None else now_timestamp()
    nc = nonce if nonce is not None else make_nonce()
    envelope: dict[str, Any] = {
        "ParkKey": park_key,
        "AppId": app_id,
        "TimeStamp": ts,
        "Nonce": nc,
        "Sign": compute_sign(
            app_id=app_id, park_key=park_key, timestamp=ts, nonce=nc, data=data,
            app_secret=app_secret,
        ),
    }
    if extra:
        envelope.update(extra)
    envelope["Data"] = data
    return envelope


@dataclass(frozen=True, slots=True)
class SignatureDetails:
    """Each intermediate value of a signature, for installers debugging a mismatch."""

    data_string: str
    data_md5: str
    presign: str
    sign: str


def explain(envelope: Mapping[str, Any], app_secret: str) -> SignatureDetails:
    """All the steps of the signature of an envelope (its own Sign is ignored)."""
    data = envelope.get("Data")
    data_string = dotnet_lower(normalize_data(data))
    digest = hashlib.md5(dotnet_utf8(data_string)).hexdigest()
    presign = presign_string(
        envelope.get("AppId"), digest, envelope.get("ParkKey"), envelope.get("TimeStamp"),
        envelope.get("Nonce"),
    )
    return SignatureDetails(data_string, digest, dotnet_lower(presign), hmac_sign(presign, app_secret))


def verify_envelope(envelope: Mapping[str, Any], app_secret: str) -> bool:
    """Whether the envelope's Sign is right. Never raises on odd content.

    When Data is null both readings of the document are accepted: the C# code's
    ``Data=<md5 of "">`` and the text's ``Data=``.
    """
    given = envelope.get("Sign")
    if not isinstance(given, str) or not given:
        return False
    try:
        data = envelope.get("Data")
        args = (envelope.get("AppId"), envelope.get("ParkKey"), envelope.get("TimeStamp"),
                envelope.get("Nonce"))
        candidates = [data_md5(data)]
        if data is None:
            candidates.append("")
        for digest in candidates:
            expected = hmac_sign(presign_string(args[0], digest, *args[1:]), app_secret)
            if hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "replace")):
                return True
    except (SigningError, ValueError, TypeError, RecursionError):
        return False
    return False


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of checking a raw body: parsed envelope (if any), validity and a reason."""

    ok: bool
    envelope: dict[str, Any] | None
    reason: str


def verify_body(raw: bytes | str, app_secret: str) -> VerifyResult:
    """Parse a raw JSON body (keeping number literals) and verify its Sign. Never raises."""
    try:
        envelope = loads(raw)
    except JsonError as exc:
        return VerifyResult(False, None, str(exc))
    if not isinstance(envelope, dict):
        return VerifyResult(False, None, "body is not a JSON object")
    if not isinstance(envelope.get("Sign"), str) or not envelope.get("Sign"):
        return VerifyResult(False, envelope, "Sign is missing")
    if verify_envelope(envelope, app_secret):
        return VerifyResult(True, envelope, "signature is valid")
    return VerifyResult(False, envelope, "signature does not match")
