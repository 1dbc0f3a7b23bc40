"""The one channel through which logic talks to the attendant.

App code never touches widgets: it calls :meth:`MessageBus.info` / ``error`` / ``busy`` and the
windows render what they receive. Messages sent before any window connected are held and
replayed to the first listener (:meth:`MessageBus.attach`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

__all__ = ["Level", "Message", "MessageBus"]

log = logging.getLogger("booth_console.messages")


class Level(StrEnum):
    """How a message is shown."""

    BUSY = "busy"
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Message:
    """A line for the attendant.

    Attributes:
        level: busy, info, success, warning or error.
        text: already translated text.
        lane_no: the lane it concerns, or ``""`` for the booth.
        command: the command that produced it (``open_gate``...), or ``""``.
        at: when it was produced.
    """

    level: Level
    text: str
    lane_no: str = ""
    command: str = ""
    at: dt.datetime = dt.datetime.min


class MessageBus(QObject):
    """A bridge QObject: logic emits, windows subscribe.

    Signals:
        message(Message): every message, in order.
    """

    message = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._held: list[Message] = []
        self._attached = False
        self.history: list[Message] = []

    def __repr__(self) -> str:
        return f"<MessageBus held={len(self._held)} history={len(self.history)}>"

    def attach(self, slot: object) -> None:
        """Connect ``slot`` and replay messages held until now."""
        self.message.connect(slot)
        if not self._attached:
            self._attached = True
            held, self._held = self._held, []
            for msg in held:
                self.message.emit(msg)

    def post(self, level: Level, text: str, *, lane_no: str = "", command: str = "") -> Message:
        """Send a message to the attendant (and the log)."""
        msg = Message(level, text, lane_no, command, dt.datetime.now())
        log.log(
            logging.ERROR if level is Level.ERROR else logging.WARNING if level is Level.WARNING
            else logging.INFO,
            "[%s] %s%s", level.value, f"lane {lane_no}: " if lane_no else "", text,
        )
        self.history.append(msg)
        del self.history[:-200]
        if not self._attached:
            self._held.append(msg)
            del self._held[:-50]
        self.message.emit(msg)
        return msg

    def busy(self, text: str, **kw: str) -> Message:
        """An action started."""
        return self.post(Level.BUSY, text, **kw)

    def info(self, text: str, **kw: str) -> Message:
        """Something the attendant may want to know."""
        return self.post(Level.INFO, text, **kw)

    def success(self, text: str, **kw: str) -> Message:
        """An action succeeded."""
        return self.post(Level.SUCCESS, text, **kw)

    def warning(self, text: str, **kw: str) -> Message:
        """Something needs attention."""
        return self.post(Level.WARNING, text, **kw)

    def error(self, text: str, **kw: str) -> Message:
        """An action failed."""
        return self.post(Level.ERROR, text, **kw)
