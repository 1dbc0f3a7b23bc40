"""Dates as the interface writes them: ``yyyy-MM-dd HH:mm:ss`` (section 3.1.2).

The document also allows ``yyyy-MM-dd HH:mm:ss:fff`` and ``yyyy-MM-dd``. Models keep dates
as the strings received; these helpers convert for display and arithmetic. The .NET minimum
date ``0001-01-01 00:00:00`` (an order that has not exited) parses to ``None``.
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["MIN_TIME", "TIME_FORMAT", "format_time", "is_unset_time", "parse_time"]

#: The wire format of every date and time field.
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

#: .NET ``DateTime.MinValue`` as the parking software writes it for "no value".
MIN_TIME = "0001-01-01 00:00:00"

_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S:%f",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
)


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
    stripped = text.strip()
    for fmt in _FORMATS:
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
