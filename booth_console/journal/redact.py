"""What the journal writes of a request: JSON without secret-looking keys (``AppSecret``,
``Password``, ``Pin``, ``Sign``), so nothing secret is stored."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["clean", "dumps"]

_SECRET_KEYS = frozenset({"appsecret", "app_secret", "password", "pin", "secret", "sign"})


def clean(value: Any) -> Any:
    """A JSON-ready copy without secret-looking keys (Decimal kept as its literal text)."""
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items() if str(k).lower() not in _SECRET_KEYS}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def dumps(value: Any) -> str:
    return json.dumps(clean(value), ensure_ascii=False, separators=(",", ":"))
