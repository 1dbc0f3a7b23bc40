"""Dates as the interface writes them: ``yyyy-MM-dd HH:mm:ss`` (section 3.1.2).

The document also allows ``yyyy-MM-dd HH:mm:ss:fff`` and ``yyyy-MM-dd``. Models keep dates
as the strings received; these helpers convert for display and arithmetic. The .NET minimum
date ``0001-01-01 00:00:00`` (an order that has not exited) parses to ``None``.
"""

from __future__ import annotations

from datetime import datetime

__all__ = [
    "MIN_TIME",
    "REQUEST_TIME_FORMATS",
    "TIME_FORMAT",
    "format_time",
    "is_unset_time",
    "parse_request_time",
    "parse_time",
]

#: The wire format of every date and time field.
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

#: .NET ``DateTime.MinValue`` as the parking software writes it for "no value".
MIN_TIME = "0001-01-01 00:00:00"

#: The date formats a server accepts in a request: the document's three
#: (``yyyy-MM-dd HH:mm:ss``, ``yyyy-MM-dd HH:mm:ss:fff``, ``yyyy-MM-dd``) and the ISO variants
#: .NET's parser also takes.
REQUEST_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S:%f",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)

#: What the console reads in answers and callbacks: those, and ``yyyy/MM/dd HH:mm:ss``.
_FORMATS = (*REQUEST_TIME_FORMATS, "%Y/%m/%d %H:%M:%S")


def is_unset_time(text: str | None) -> bool:
    """Whether a wire date means "no value": ``None``, empty or the .NET minimum date."""
    if text is None:
        return True
    stripped = text.strip()
    return not stripped or stripped.startswith("0001-01-01")


def parse_time(text: str | None) -> datetime | None:
    """Parse a wire date into a naive local ``datetime``; unset values give ``None``.

    Raises:
        ValueError: the text is not in one of the document's date formats.
    """
    if is_unset_time(text):
        return None
    assert text is not None
    return _parse(text, _FORMATS)


def parse_request_time(text: str) -> datetime:
    """Parse a request's date as a server does: one of :data:`REQUEST_TIME_FORMATS`, with no
    "unset" value (``0001-01-01`` is a date like any other).

    Raises:
        ValueError: the text is not in one of those formats.
    """
    return _parse(text, REQUEST_TIME_FORMATS)


def _parse(text: str, formats: tuple[str, ...]) -> datetime:
    stripped = text.strip()
    for fmt in formats:
        try:
            return datetime.strptime(stripped, fmt)
        except ValueError:
            continue
    raise ValueError(f"not a date in the format yyyy-MM-dd HH:mm:ss: {text!r}")


def format_time(value: datetime | None) -> str | None:
    """Format a ``datetime`` as ``yyyy-MM-dd HH:mm:ss`` (``None`` stays ``None``)."""
    if value is None:
        return None
    return value.strftime(TIME_FORMAT)
