"""Reading request Data as the parking software does: each reader names the bad field in the
:class:`~booth_console.simulator.store.ParamError` it raises (ResultCode 1002)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from booth_console.protocol.jsonutil import shortest_decimal
from booth_console.simulator.store import ParamError, _int_param

__all__ = ["as_money", "as_object", "notice_items", "object_list", "opt_str", "req_amount",
           "req_int", "req_text", "upper_plate"]


def req_text(data: Mapping[str, Any], key: str, *, required: bool = True,
             empty_ok: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ParamError(f"{key} is required")
        return None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ParamError(f"{key} must be a string")
    if required and not empty_ok and not value.strip():
        raise ParamError(f"{key} must not be empty")
    return value


def req_int(data: Mapping[str, Any], key: str, *, required: bool = True,
            default: int = 0) -> int:
    value = data.get(key)
    if value is None:
        if required:
            raise ParamError(f"{key} is required")
        return default
    return _int_param(value, key, default)


def req_amount(data: Mapping[str, Any], key: str, *, required: bool = True) -> Decimal:
    value = data.get(key)
    if value is None:
        if required:
            raise ParamError(f"{key} is required (amount in yuan)")
        return Decimal(0)
    if isinstance(value, bool):
        raise ParamError(f"{key} must be an amount in yuan")
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ParamError(f"{key} must be an amount in yuan") from None
    if not amount.is_finite() or amount < 0:
        raise ParamError(f"{key} must be a non-negative amount in yuan")
    if amount > Decimal(10_000_000):
        raise ParamError(f"{key} is too large")
    return amount


def object_list(value: Any, key: str, fields: str, *, required: bool = False) -> list[Mapping[str, Any]]:
    """``value``, the array ``key`` of objects with ``fields`` (``"Index, Url"``); absent
    (``None``) is an empty array unless ``required``."""
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise ParamError(f"{key} must be an array of {{{fields}}}")
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise ParamError(f"{key}[{i}] must be an object with {fields}")
    return value


def notice_items(data: Any) -> tuple[int, list[Mapping[str, Any]]]:
    if not isinstance(data, Mapping):
        raise ParamError("Data must be an object with NoticeType and Items")
    notice_type = req_int(data, "NoticeType")
    if notice_type not in (0, 1):
        raise ParamError("NoticeType must be 0 (add or update) or 1 (delete)")
    items = data.get("Items")
    if not isinstance(items, list) or not items:
        raise ParamError("Items must be a non-empty array")
    if len(items) > 1000:
        raise ParamError("Items: at most 1000 items per request")
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ParamError(f"Items[{i}] must be an object")
    return notice_type, items


def as_money(value: Decimal | float | int) -> Decimal:
    return shortest_decimal(Decimal(str(value)).quantize(Decimal("0.01")))


def upper_plate(value: str) -> str:
    return value.strip().upper()


def as_object(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ParamError("Data must be a JSON object")
    return data


def opt_str(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParamError(f"{key} must be a string")
    if isinstance(value, int | Decimal | float):
        return str(value)
    if not isinstance(value, str):
        raise ParamError(f"{key} must be a string")
    return value

