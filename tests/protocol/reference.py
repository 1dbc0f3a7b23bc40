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


def sign_body(body: dict[str, Any], secret: str) -> str:
    md5 = hashlib.md5(convert(body.get("Data")).lower().encode()).hexdigest()
    items = [("AppId", body.get("AppId")), ("Data", md5), ("ParkKey", body.get("ParkKey")),
             ("TimeStamp", body.get("TimeStamp")), ("Nonce", body.get("Nonce"))]
    pre = "&".join(f"{k}={v}" for k, v in items if v is not None).lower()
    mac = hmac.new(secret.encode(), pre.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode().lower()


def parse(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)
