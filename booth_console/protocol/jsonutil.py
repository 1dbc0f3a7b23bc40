"""JSON that keeps number literals as written.

The vendor signs numbers with their literal text (``0.00`` stays ``0.00``), so incoming JSON
is parsed with :class:`decimal.Decimal` for non-integers, and outgoing JSON writes a
``Decimal`` as a bare number literal.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

__all__ = ["JsonError", "decimal_text", "dumps", "dumps_bytes", "loads", "shortest_decimal"]


class JsonError(ValueError):
    """The body is not valid JSON (or not UTF-8)."""


def _parse_constant(name: str) -> Any:
    raise JsonError(f"invalid JSON number {name}")


def loads(raw: bytes | str) -> Any:
    """Parse JSON, keeping non-integer numbers as ``Decimal`` with their literal precision.

    Raises:
        JsonError: the input is not UTF-8 or not valid JSON.
    """
    if isinstance(raw, bytes | bytearray | memoryview):
        try:
            text = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise JsonError(f"body is not UTF-8: {exc.reason}") from None
    else:
        text = raw
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_parse_constant)
    except json.JSONDecodeError as exc:
        raise JsonError(f"malformed JSON: {exc.msg} (line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise JsonError("malformed JSON: nested too deeply") from None


def decimal_text(value: Decimal) -> str:
    """The literal text of a decimal as JSON and the vendor's C# ``decimal.ToString()`` show it.

    ``Decimal("0.00")`` gives ``0.00``; exponent forms are written out in fixed notation
    (``1E+2`` gives ``100``), as a .NET ``decimal`` would print them.
    """
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    text = str(value)
    if "E" in text or "e" in text:
        text = format(value, "f")
    return text


def shortest_decimal(value: Decimal | int | float | str) -> Decimal:
    """An amount in its shortest form: ``5.00`` becomes ``5``, ``5.50`` becomes ``5.5``."""
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    if not dec.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    if dec == dec.to_integral_value():
        return Decimal(int(dec))
    return dec.normalize()


def _encode(obj: Any, parts: list[str]) -> None:
    if isinstance(obj, Decimal):
        parts.append(decimal_text(obj))
    elif isinstance(obj, dict):
        parts.append("{")
        first = True
        for key, value in obj.items():
            if not first:
                parts.append(",")
            first = False
            parts.append(json.dumps(str(key), ensure_ascii=False))
            parts.append(":")
            _encode(value, parts)
        parts.append("}")
    elif isinstance(obj, list | tuple):
        parts.append("[")
        for i, value in enumerate(obj):
            if i:
                parts.append(",")
            _encode(value, parts)
        parts.append("]")
    elif isinstance(obj, float):
        parts.append(decimal_text(Decimal(repr(obj))))
    else:
        parts.append(json.dumps(obj, ensure_ascii=False))


def dumps(obj: Any) -> str:
    """Serialise to compact JSON, writing ``Decimal`` values as number literals."""
    parts: list[str] = []
    _encode(obj, parts)
    return "".join(parts)


def dumps_bytes(obj: Any) -> bytes:
    """:func:`dumps` encoded as UTF-8."""
    return dumps(obj).encode("utf-8")
