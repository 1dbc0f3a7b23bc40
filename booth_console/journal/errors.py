"""The journal's error."""

from __future__ import annotations

from booth_console.errors import BoothError

__all__ = ["JournalError"]


class JournalError(BoothError):
    """The journal file cannot be opened or written (disk full, permissions, corrupt file)."""

    def __init__(self, message: str, *, damaged: bool = False) -> None:
        super().__init__(message)
        #: the file itself is damaged (not merely locked, read-only or on a full disk)
        self.damaged = damaged
