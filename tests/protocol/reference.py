"""An independent, deliberately plain transcription of the document's C# signing code.

It shares no code with ``booth_console.protocol``: tests compare our signer against it and
against values computed by ``openssl``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

IMAGES = ("EntryImageBase64", "ExitImageBase64", "ImageBase64")


def _utf16(s: str) -> list[int]:
    b = s.encode("utf-16-be", "surrogatepass")
    return [b[i] * 256 + b[i + 1] for i in range(0, len(b), 2)]


def _text(v: Any) -> str:
    if v is True:
        return "True"
    if v is False:
        return "False"
    if isinstance(v, Decimal):
        return format(v, "f") if "E" in str(v) else str(v)
    return str(v)


def convert(data: Any) -> str:
    """ConvertDataToString."""
    if data is None:
        return ""
    if isinstance(data, list):
        return "&".join(sorted((convert(x) for x in data), key=_utf16))
    pairs = []
    for k in data:
        if k in IMAGES:
            continue
        v = data[k]
        if isinstance(v, list | dict):
            v = convert(v)
        if v is None:
            continue
        pairs.append((k, _text(v)))
    pairs.sort(key=lambda p: _utf16(p[0]))
    return "&".join(k + "=" + v for k, v in pairs)


def lowered_utf8(s: str, *, lower: bool = True) -> bytes:
    """C#'s ToLower (unless ``lower`` is false) then UTF8Encoding, one code point at a time.

    Each code point is lowered alone (so no final sigma), keeping only the first character of
    a one-to-many mapping (U+0130 gives i, its simple mapping); a lone surrogate is written as
    U+FFFD.
    """
    units = _utf16(s)
    out = bytearray()
    i = 0
    while i < len(units):
        u = units[i]
        if 0xD800 <= u < 0xDC00 and i + 1 < len(units) and 0xDC00 <= units[i + 1] < 0xE000:
            cp = 0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00)
            i += 2
        else:
            cp = u
            i += 1
        if 0xD800 <= cp < 0xE000:
            out += "\ufffd".encode()
            continue
        low = chr(cp).lower() if lower else chr(cp)
        out += low[0].encode()
    return bytes(out)


def sign_body(body: dict[str, Any], secret: str) -> str:
    md5 = hashlib.md5(lowered_utf8(convert(body.get("Data")))).hexdigest()
    items = [("AppId", body.get("AppId")), ("Data", md5), ("ParkKey", body.get("ParkKey")),
             ("TimeStamp", body.get("TimeStamp")), ("Nonce", body.get("Nonce"))]
    pre = "&".join(f"{k}={v}" for k, v in items if v is not None)
    mac = hmac.new(lowered_utf8(secret, lower=False), lowered_utf8(pre), hashlib.sha256).digest()
    return base64.b64encode(mac).decode().lower()


def parse(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)
