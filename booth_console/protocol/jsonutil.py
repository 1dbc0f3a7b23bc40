"""JSON that keeps number literals as written.

The vendor signs numbers with their literal text (``0.00`` stays ``0.00``), so incoming JSON
is parsed with :class:`decimal.Decimal` for non-integers, and outgoing JSON writes a
``Decimal`` as a bare number literal.

Number literals are bounded while parsing, before any value is built or written out: at most
:data:`MAX_NUMBER_CHARS` characters, and an exponent that keeps the number, written out in
fixed notation, about as short (:data:`MAX_EXPONENT`, :data:`MIN_EXPONENT`). The vendor's side
holds numbers as .NET ``decimal`` (28-29 significant digits, exponents -28..28, at most 31
characters printed) or ``double`` (at most 17 significant digits), so no valid message carries
more; without the bound ``{"X":1e999999999}`` would be written out as a billion digits when its
signature is checked, and a 5,000-digit integer would fail inside ``int()``. ``max_items``
bounds how many values a body may hold (checked on the raw text before parsing).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

__all__ = [
    "MAX_EXPONENT",
    "MAX_NUMBER_CHARS",
    "MIN_EXPONENT",
    "JsonError",
    "decimal_text",
    "dumps",
    "dumps_bytes",
    "loads",
    "shortest_decimal",
]

#: Longest number literal accepted (characters, sign and exponent included).
MAX_NUMBER_CHARS = 40

#: Largest exponent of a number's leading digit (``1e39`` has 40 digits written out; the
#: largest .NET ``decimal`` is 7.9e28).
MAX_EXPONENT = MAX_NUMBER_CHARS - 1

#: Smallest exponent of a number's last digit (``1e-40``; a .NET ``decimal`` has at most 28
#: decimals). Written out in fixed notation an accepted number has at most ~80 characters.
MIN_EXPONENT = -MAX_NUMBER_CHARS


class JsonError(ValueError):
    """The body is not valid JSON (or not UTF-8)."""


def _parse_constant(name: str) -> Any:
    raise JsonError(f"invalid JSON number {name}")


def _too_long(text: str) -> JsonError:
    return JsonError(
        f"number literal {text[:16]}... has {len(text)} characters (at most {MAX_NUMBER_CHARS})"
    )


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _too_long(text)
    return int(text)


def _parse_float(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise _too_long(text)
    try:
        value = Decimal(text)  # keeps the exponent as a number: nothing is expanded here
    except ArithmeticError:  # an exponent beyond what Decimal can hold
        raise _out_of_range(text) from None
    _check_range(value, text)
    return value


def _check_range(value: Decimal, text: str) -> None:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and (exponent < MIN_EXPONENT or value.adjusted() > MAX_EXPONENT):
        raise _out_of_range(text)


def _out_of_range(text: str) -> JsonError:
    return JsonError(
        f"number {text[:MAX_NUMBER_CHARS]} is out of range "
        f"(exponent between {MIN_EXPONENT} and {MAX_EXPONENT})"
    )


#: One decoder for every call (``json.loads`` with hooks builds a new one each time).
_DECODER = json.JSONDecoder(
    parse_float=_parse_float, parse_int=_parse_int, parse_constant=_parse_constant
)


def _count_items(text: str) -> int:
    # every value after the first in an array or object follows a comma, and every container
    # opens with a bracket; commas inside strings only make the count larger
    return text.count(",") + text.count("{") + text.count("[")


def loads(raw: bytes | str, *, max_items: int | None = None) -> Any:
    """Parse JSON, keeping non-integer numbers as ``Decimal`` with their literal precision.

    Raises:
        JsonError: the input is not UTF-8, not valid JSON, or holds a number literal longer
            than :data:`MAX_NUMBER_CHARS` or outside the exponent range, or (with
            ``max_items``) more than that many commas and brackets, counted before parsing.
    """
    if isinstance(raw, bytes | bytearray | memoryview):
        try:
            # "utf-8-sig" would take Python's codec path; the BOM is rare, so strip it here
            text = str(raw, "utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError(f"body is not UTF-8: {exc.reason}") from None
        if text.startswith("\ufeff"):
            text = text[1:]
    else:
        text = raw
    if max_items is not None and _count_items(text) > max_items:
        raise JsonError(f"body holds more than {max_items} values")
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonError(f"malformed JSON: {exc.msg} (line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise JsonError("malformed JSON: nested too deeply") from None


def decimal_text(value: Decimal) -> str:
    """The literal text of a decimal as JSON and the vendor's C# ``decimal.ToString()`` show it.

    ``Decimal("0.00")`` gives ``0.00``; exponent forms are written out in fixed notation
    (``1E+2`` gives ``100``), as a .NET ``decimal`` would print them.

    Raises:
        ValueError: not finite, or its exponent is outside the range :func:`loads` accepts
            (written out it would take more than a few hundred characters).
    """
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    text = str(value)
    if "E" in text or "e" in text:
        _check_range(value, text)
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
