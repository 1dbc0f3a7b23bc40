"""Identifiers shaped like the parking software's: 19-digit snowflakes and 16-digit numbers."""

from __future__ import annotations

import threading
import time

__all__ = ["IdGen"]

_TWEPOCH = 1288834974657


class IdGen:
    """Unique, increasing identifiers (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_flake = 0
        self._last_no = 0

    def snowflake(self) -> str:
        """A 19-digit snowflake-like id (ResultId, RequestId, callback Nonce)."""
        with self._lock:
            candidate = (time.time_ns() // 1_000_000 - _TWEPOCH) << 22
            self._last_flake = max(candidate, self._last_flake + 1)
            return str(self._last_flake)

    def number(self) -> str:
        """A 16-digit record number (milliseconds and a 3-digit sequence)."""
        with self._lock:
            candidate = (time.time_ns() // 1_000_000) * 1000
            self._last_no = max(candidate, self._last_no + 1)
            return str(self._last_no)
