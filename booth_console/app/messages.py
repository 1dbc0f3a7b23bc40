"""The one channel through which logic talks to the attendant.

App code never touches widgets: it calls :meth:`MessageBus.info` / ``error`` / ``busy`` and the
windows render what they receive. Messages sent before any window connected are held and
replayed to the first listener (:meth:`MessageBus.attach`). The bus keeps a history (the last
1000 messages; :meth:`MessageBus.for_lane`) that the windows show on Ctrl+M.

Every text is translated before it is posted. Failures reach the attendant through
:func:`error_text`, which says in the UI language what went wrong (server unreachable, no
answer in time, refused with a code); URLs, exception names and other technical detail go to the
log only.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject, Signal

__all__ = ["HISTORY_SIZE", "Level", "Message", "MessageBus", "error_text"]

#: messages kept for the history (Ctrl+M)
HISTORY_SIZE = 1000

log = logging.getLogger("booth_console.messages")


def _tr(text: str) -> str:
    return QCoreApplication.translate("Messages", text)


def error_text(exc: BaseException) -> str:
    """What went wrong, in the attendant's language, without URLs or exception names.

    The technical text (``str(exc)``) belongs in the log; callers log it where they catch it.
    """
    from booth_console.errors import (
        ApiError,
        BoothError,
        ProtocolError,
        ServerTimeout,
        ServerUnreachable,
        TransportError,
    )

    if isinstance(exc, ServerUnreachable):
        return _tr("the parking server cannot be reached")
    if isinstance(exc, ServerTimeout):
        return _tr("the parking server did not answer in time")
    if isinstance(exc, ProtocolError):
        return _tr("the parking server's answer could not be understood")
    if isinstance(exc, TransportError):
        if exc.sent:
            return _tr("the connection to the parking server was lost")
        return _tr("the parking server cannot be reached")
    if isinstance(exc, ApiError):
        meaning = {
            1001: _tr("signature rejected: check AppId, AppSecret and ParkKey"),
            1002: _tr("invalid request parameters"),
            1003: _tr("internal error of the parking server"),
            1004: _tr("this interface is not enabled on the parking server"),
            1005: _tr("refused by the parking server"),
        }.get(exc.result_code, _tr("request failed"))
        if exc.result_msg:
            return _tr("{meaning}: “{msg}” (code {code})").format(
                meaning=meaning, msg=exc.result_msg, code=exc.result_code)
        return _tr("{meaning} (code {code})").format(meaning=meaning, code=exc.result_code)
    if isinstance(exc, BoothError):
        return str(exc)  # the rest (CommandError, ConfigError) is written for the attendant
    return _tr("unexpected error (details in the log)")


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
        del self.history[:-HISTORY_SIZE]
        if not self._attached:
            self._held.append(msg)
            del self._held[:-50]
        self.message.emit(msg)
        return msg

    def for_lane(self, lane_no: str) -> list[Message]:
        """The history of one lane (``""``: the booth's own messages), oldest first."""
        return [m for m in self.history if m.lane_no == lane_no]

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
