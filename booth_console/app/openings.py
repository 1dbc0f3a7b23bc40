"""Unexplained barrier openings: a gate release or an exit that nothing this booth did explains.

The booth service reports every gate-release callback (index 7, ``OnGateReleaseRecord``),
exit callback (``OnVehicleOut``) and payment callback (``OnPayResult``) here, and the command
runner reports every command as it starts. An *opening* is a gate release of an opening kind
(AbnormalPassType 6201 manual open, 6211 keep-open, 6100 auto release without entry record;
closings are not openings) or an exit. It is **explained** when (docs/EXCEPTIONS.md):

* this booth started a command that opens the barrier at that lane (open barrier, keep-open,
  payment, free release, manual opening) at most :data:`EXPLAIN_WINDOW_S` seconds before it
  arrived (noted when the command *starts*, so a callback that overtakes the server's answer is
  explained too; a command noted up to :data:`LATE_S` seconds *after* an opening explains it
  as well, e.g. a manual opening recorded once the barrier was opened by hand);
* for an exit: its order was paid in full or owed nothing (``TotalAmountPaid`` ≥
  ``TotalAmountDue``), a payment callback for its order came (a zero payment of a free release
  too), the lane is kept
  open (the keep-open itself was an opening checked on its own), or a gate release at the same
  lane came in the window (one opening is listed once).

Anything else is listed (:attr:`OpeningWatch.unexplained`) until the attendant annotates it
with a reason; the listing and the annotation are journaled (``opening_unexplained``,
``opening_annotated``), and at the next start the listed ones nobody annotated are listed again
(:meth:`OpeningWatch.restore`). When a command's opening is explained, the capture of its callback is
journaled (``opening_capture``) beside the command's own row. A capture the server gives as a
URL is copied into the journal's image folder first (the server's capture store is not ours to
keep); one given as Base64 is there already.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from booth_console.app.cashup import unannotated_openings
from booth_console.waits import TaskSet

if TYPE_CHECKING:
    from booth_console.journal import Journal

__all__ = ["EMIT_MS", "EXPLAIN_WINDOW_S", "LATE_S", "MAX_LISTED", "OPENING_COMMANDS",
           "RESTORE_MAX_AGE_S", "Opening", "OpeningWatch"]

log = logging.getLogger("booth_console.openings")

#: an opening is explained by a command of this booth started at most this long before it
EXPLAIN_WINDOW_S = 120.0
#: ... or noted at most this long after it
LATE_S = 15.0
#: commands that open the barrier (directly, or through the server after a payment)
OPENING_COMMANDS = frozenset({"open_gate", "toggle_keep_open", "confirm_payment", "free_release",
                              "manual_open"})
#: commands whose opening's capture is journaled beside their own row
_EVIDENCE_COMMANDS = frozenset({"open_gate", "toggle_keep_open", "free_release", "manual_open"})
#: the list is announced at most this often (milliseconds)
EMIT_MS = 200
#: at most this many openings are listed; older ones leave the list (their
#: ``opening_unexplained`` rows stay in the journal)
MAX_LISTED = 100
#: openings listed before a restart come back for this long (seconds) while not annotated
RESTORE_MAX_AGE_S = 7 * 24 * 3600.0
#: how many journal rows of each kind are read to find them
RESTORE_SCAN = 2000
#: AbnormalPassType of gate releases that close the barrier (not openings)
_CLOSINGS = frozenset({6202, 6212})


@dataclass(frozen=True)
class Opening:
    """A barrier opening nothing this booth did explains (shown until annotated)."""

    key: int
    kind: str  # "gate" (OnGateReleaseRecord) | "exit" (OnVehicleOut)
    lane_no: str
    lane_name: str
    at: str  # the server's time of the passage
    plate: str = ""
    order_no: str = ""
    capture: str = ""  # file or URL ("": none)
    detail: str = ""  # the server's remarks and operator
    abnormal_type: int = 0
    received: float = 0.0  # monotonic


@dataclass
class _Note:
    lane_no: str
    command: str
    at: float
    evidence_journaled: bool = False


class OpeningWatch(QObject):
    """Finds openings that nothing this booth did explains, and keeps them until annotated.

    Signals:
        changed(list[Opening]): the unexplained openings now, oldest first (at most one
            emission per :data:`EMIT_MS`; :attr:`unexplained` is always current).
    """

    changed = Signal(object)

    def __init__(self, journal: Journal | None, operator: Callable[[], str], *,
                 kept_open: Callable[[str], bool] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.journal = journal
        #: who is on duty now (the name journaled with a listing or an annotation)
        self.operator_of = operator
        self.kept_open = kept_open or (lambda _lane: False)
        self.window_s = EXPLAIN_WINDOW_S
        self.late_s = LATE_S
        self._clock = clock
        self._notes: deque[_Note] = deque(maxlen=200)
        self._paid: deque[tuple[str, float]] = deque(maxlen=200)  # order no., when
        self._gates: deque[tuple[str, float]] = deque(maxlen=200)  # lane no., when
        self.unexplained: list[Opening] = []
        self._keys = itertools.count(1)
        self._tasks = TaskSet("openings", log)
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(EMIT_MS)
        self._emit_timer.timeout.connect(self._emit)
        #: keeps a copy of a capture URL (source, file name) -> the copy's path ("": failed);
        #: set by the session (the image loader, into the journal's image folder)
        self.keeper: Callable[[str, str], Awaitable[str]] | None = None

    def _changed(self) -> None:
        """Announce the list within :data:`EMIT_MS` (a burst of callbacks costs one signal)."""
        if not self._emit_timer.isActive():
            self._emit_timer.start()

    def _emit(self) -> None:
        self.changed.emit(list(self.unexplained))

    @property
    def operator(self) -> str:
        """The operator on duty."""
        return self.operator_of()

    def __repr__(self) -> str:
        return f"<OpeningWatch unexplained={len(self.unexplained)}>"

    # -- what explains an opening -----------------------------------------------------------

    def note_command(self, busy: tuple[str, str, bool]) -> None:
        """The command runner's ``busy_changed``: a command that opens the barrier started."""
        lane_no, command, started = busy
        if started and command in OPENING_COMMANDS and lane_no:
            self.note_action(lane_no, command)

    def note_action(self, lane_no: str, command: str) -> None:
        """This booth opens (or opened) the barrier at ``lane_no``. Openings listed at that lane
        in the last :data:`LATE_S` seconds are explained by it and leave the list."""
        now = self._clock()
        self._notes.append(_Note(lane_no, command, now))
        late = [o for o in self.unexplained if o.lane_no == lane_no
                and now - o.received <= self.late_s]
        if late:
            self.unexplained = [o for o in self.unexplained if o not in late]
            self._changed()

    def _explaining_note(self, lane_no: str, now: float) -> _Note | None:
        for note in reversed(self._notes):
            if note.lane_no == lane_no and 0 <= now - note.at <= self.window_s:
                return note
        return None

    # -- events -------------------------------------------------------------------------------

    def payment(self, order_no: str) -> None:
        """A payment callback for ``order_no``."""
        if order_no:
            self._paid.append((order_no, self._clock()))

    def gate_released(self, *, lane_no: str, lane_name: str, at: str, plate: str, order_no: str,
                      capture: str, remarks: str, operator: str, abnormal_type: int) -> bool:
        """A gate-release callback. Returns whether it is listed as unexplained."""
        if abnormal_type in _CLOSINGS or not lane_no:
            return False
        now = self._clock()
        self._gates.append((lane_no, now))
        note = self._explaining_note(lane_no, now)
        detail = " · ".join(x for x in (remarks, operator) if x)
        if note is not None:
            self._evidence(note, "OnGateReleaseRecord", lane_no, at, plate, order_no, capture)
            return False
        self._flag(Opening(0, "gate", lane_no, lane_name, at, plate, order_no, capture, detail,
                           abnormal_type, now))
        return True

    def vehicle_left(self, *, lane_no: str, lane_name: str, at: str, plate: str, order_no: str,
                     capture: str, due: Decimal, paid: Decimal, free_pass_reason: str) -> bool:
        """An exit callback. Returns whether it is listed as unexplained."""
        if not lane_no:
            return False
        now = self._clock()
        note = self._explaining_note(lane_no, now)
        if note is not None:
            self._evidence(note, "OnVehicleOut", lane_no, at, plate, order_no, capture)
            return False
        if paid >= due:
            return False
        if order_no and any(o == order_no for o, _t in self._paid):
            return False
        if self.kept_open(lane_no):
            return False
        recent_gate = any(n == lane_no and 0 <= now - t <= self.window_s for n, t in self._gates)
        if recent_gate:  # the opening is listed (or explained) once, as its gate release
            self._complete(lane_no, plate, order_no, capture)
            return False
        detail = free_pass_reason
        self._flag(Opening(0, "exit", lane_no, lane_name, at, plate, order_no, capture, detail,
                           0, now))
        return True

    def _complete(self, lane_no: str, plate: str, order_no: str, capture: str) -> None:
        """A listed gate release at ``lane_no`` without a plate gets the exit's."""
        for i in range(len(self.unexplained) - 1, -1, -1):
            o = self.unexplained[i]
            if o.lane_no == lane_no and o.kind == "gate":
                if not o.plate or not o.order_no or not o.capture:
                    self.unexplained[i] = dataclasses.replace(
                        o, plate=o.plate or plate, order_no=o.order_no or order_no,
                        capture=o.capture or capture)
                    self._changed()
                    if not o.capture and capture:
                        self._spawn(self._kept({"Capture": capture, "LaneNo": lane_no},
                                               "opening_unexplained", o.key), "keep-capture")
                return

    def _flag(self, opening: Opening) -> None:
        opening = dataclasses.replace(opening, key=next(self._keys))
        self.unexplained.append(opening)
        if len(self.unexplained) > MAX_LISTED:
            dropped = self.unexplained[:-MAX_LISTED]
            del self.unexplained[:-MAX_LISTED]
            log.warning("%d unexplained opening(s) left the list unannotated (kept in the "
                        "journal)", len(dropped))
        log.info("lane %s: unexplained %s at %s (%s)", opening.lane_no, opening.kind,
                    opening.at, opening.plate or "no plate")
        self._journal(opening.lane_no, "opening_unexplained", self._row(opening), opening.key)
        self._changed()

    def _evidence(self, note: _Note, callback: str, lane_no: str, at: str, plate: str,
                  order_no: str, capture: str) -> None:
        if note.command not in _EVIDENCE_COMMANDS or note.evidence_journaled or not capture:
            return
        note.evidence_journaled = True
        self._journal(lane_no, "opening_capture", {
            "Command": note.command, "Callback": callback, "LaneNo": lane_no, "At": at,
            "Plate": plate, "OrderNo": order_no, "Capture": capture,
            "OperatorName": self.operator})

    # -- after a restart -----------------------------------------------------------------------

    async def restore(self, *, max_age_s: float = RESTORE_MAX_AGE_S) -> int:
        """List again the openings an earlier run journaled as unexplained and nobody annotated
        (at most :data:`MAX_LISTED`, listed in the last ``max_age_s`` seconds), oldest first,
        before any found now. They are not journaled again. Returns how many."""
        journal = self.journal
        if journal is None:
            return 0
        rows = [*await journal.recent_actions(limit=RESTORE_SCAN, action="opening_unexplained"),
                *await journal.recent_actions(limit=RESTORE_SCAN, action="opening_annotated")]
        cutoff = time.time() - max_age_s
        restored: list[Opening] = []
        for row in unannotated_openings(rows):
            if row.at < cutoff:
                continue
            req = row.request
            try:
                abnormal = int(req.get("AbnormalPassType") or 0)
            except (TypeError, ValueError):
                abnormal = 0
            restored.append(Opening(
                next(self._keys), "gate" if req.get("Callback") == "OnGateReleaseRecord" else "exit",
                str(req.get("LaneNo") or row.lane_no or ""), str(req.get("LaneName") or ""),
                str(req.get("At")), str(req.get("Plate") or ""), str(req.get("OrderNo") or ""),
                str(req.get("Capture") or ""), str(req.get("Detail") or ""), abnormal,
                float("-inf")))
        restored = restored[-MAX_LISTED:]
        if restored:
            self.unexplained = [*restored, *self.unexplained][-MAX_LISTED:]
            log.info("%d unexplained opening(s) from before the start listed again",
                     len(restored))
            self._changed()
        return len(restored)

    # -- annotation ---------------------------------------------------------------------------

    async def annotate(self, key: int, reason: str) -> Opening:
        """Explain the listed opening ``key`` with ``reason``: journaled with the operator and
        removed from the list.

        Raises:
            ValueError: no reason, or no such opening listed.
        """
        reason = reason.strip()
        if not reason:
            raise ValueError("a reason is required")
        opening = next((o for o in self.unexplained if o.key == key), None)
        if opening is None:
            raise ValueError(f"no unexplained opening {key}")
        row = {**self._row(opening), "Reason": reason}
        if self.journal is not None:
            await self.journal.record_action(
                operator=self.operator, lane_no=opening.lane_no, action="opening_annotated",
                request=row, result_code=None, result_msg=None, result_id=None)
        self.unexplained = [o for o in self.unexplained if o.key != key]
        self._changed()
        return opening

    @staticmethod
    def _row(o: Opening) -> dict[str, Any]:
        return {"Callback": "OnGateReleaseRecord" if o.kind == "gate" else "OnVehicleOut",
                "LaneNo": o.lane_no, "LaneName": o.lane_name, "At": o.at, "Plate": o.plate,
                "OrderNo": o.order_no, "Capture": o.capture, "Detail": o.detail,
                "AbnormalPassType": o.abnormal_type or None,
                "NotedAt": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")}

    async def _kept(self, request: dict[str, Any], action: str, key: int | None) -> None:
        """A capture URL in ``request`` is replaced by a copy kept in the journal's image
        folder (``CaptureSource``: the URL); a listed opening shows the copy from then on."""
        source = str(request.get("Capture") or "")
        if self.keeper is None or not source.startswith(("http://", "https://")):
            return
        name = "-".join((action, str(request.get("LaneNo") or "lane"),
                         dt.datetime.now().strftime("%Y%m%d-%H%M%S"), str(next(self._keys))))
        kept = await self.keeper(source, name)
        if not kept:
            return
        request["Capture"], request["CaptureSource"] = kept, source
        if key is not None:
            for i, o in enumerate(self.unexplained):
                if o.key == key:
                    self.unexplained[i] = dataclasses.replace(o, capture=kept)
                    self._changed()

    def _journal(self, lane_no: str, action: str, request: dict[str, Any],
                 key: int | None = None) -> None:
        journal = self.journal
        if journal is None:
            return

        async def write() -> None:
            await self._kept(request, action, key)
            await journal.record_action(operator=self.operator, lane_no=lane_no, action=action,
                                        request=request, result_code=None, result_msg=None,
                                        result_id=None)

        self._spawn(write(), f"journal-{action}")

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.spawn(coro, name)
