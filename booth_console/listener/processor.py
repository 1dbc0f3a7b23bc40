"""Checking, journaling and dispatching one callback body; shared by HTTP (V2.0) and MQTT (V3.0).

Usage::

    processor = CallbackProcessor(app_id=cfg.server.app_id, park_key=cfg.server.park_key,
                                  app_secret=cfg.server.app_secret, journal=journal,
                                  timestamp_window_s=cfg.listener.timestamp_window_s,
                                  sink=hub.sink, reject_sink=hub.reject_sink)
    result = await processor.process(raw_body, kind_by_path(path), source="192.0.2.7")
    # answer {"ResultCode": result.result_code, "ResultMsg": result.result_msg}

Checks, in this order (the first failure decides the answer):

========================================================  ======  ===========================
check                                                     code    ResultMsg starts with
========================================================  ======  ===========================
body is UTF-8 JSON and an object                          1002    ``malformed body``
kind known (MQTT: from ``Route``)                         1002    ``unknown callback``
AppId, ParkKey, TimeStamp, Nonce, Sign present, Data obj   1002    ``missing field``
AppId is this console's                                   1001    ``AppId mismatch``
ParkKey is this console's                                 1002    ``ParkKey mismatch``
Sign matches (images, RequestId, Route not signed)        1001    ``signature mismatch``
TimeStamp 13-digit ms within +-``timestamp_window_s``     1002    ``stale TimeStamp``
  (outside the window but a duplicate of an accepted one: 200, see below)
Data valid for the kind's model, essential fields there   1002    ``invalid Data``
not a replay (Nonce+TimeStamp seen under another Request) 1001    ``replayed``
journal commit                                            200     ``Operation successful``
========================================================  ======  ===========================

Decisions: a wrong AppId is an authentication failure (1001, like a bad signature); a wrong
ParkKey is a parameter error (1002), as the parking server itself answers it. A duplicate (same
RequestId; same body hash when there is no RequestId) is answered 200 so the parking software
stops retrying, but is not emitted again - also when its TimeStamp is outside the window (the
parking software's RetryCallback re-pushes old callbacks unchanged); a stale body that is not a
duplicate is still refused. A body with a new
RequestId whose (Nonce, TimeStamp) was already accepted is a replay of a captured body (RequestId
is not signed, so anyone can change it): it is rejected with 1001 and not emitted. Rejected bodies
are journaled too, as a bounded summary (size, hash, code and reason, the first
:data:`REJECTED_PREFIX_BYTES` bytes; repeats counted, not stored again: see
:mod:`booth_console.journal`), but never reach the sink. A body with a number literal longer
than 40 characters or outside the exponent range, or with more than :data:`MAX_BODY_ITEMS`
values, is malformed (1002), found before anything is expanded. If
the journal cannot be written the answer is 1003 so that the parking software retries.

``process`` never raises and answers 200 only after the journal row is committed; the sink is
called after that, on the thread of :attr:`CallbackProcessor.dispatch_loop` (the console's loop,
i.e. the Qt thread under qasync) - directly when ``process`` runs on that loop (MQTT), through
``call_soon_threadsafe`` when it runs on the HTTP listener's own thread. Once the sink has
returned, the row is flagged ``processed`` in the journal (batched with the next write, see
:meth:`Journal.note_processed`); :meth:`CallbackProcessor.replay_unprocessed` (called by
``start_listener``) hands the sink, with ``replayed=True``, the rows an earlier run accepted but
did not deliver. Bodies and reasons are cleaned of the AppSecret before they are journaled.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from booth_console.errors import ConfigError
from booth_console.journal import CallbackRow, Journal
from booth_console.protocol import jsonutil
from booth_console.protocol.callbacks import CALLBACK_KINDS, CallbackKind, kind_by_route
from booth_console.protocol.signing import IMAGE_FIELDS, verify_envelope

__all__ = [
    "ESSENTIAL_FIELDS",
    "OK_MSG",
    "CallbackProcessor",
    "ListenerStats",
    "ProcessResult",
    "ReceivedCallback",
    "error_body",
]

log = logging.getLogger("booth_console.listener")

OK_MSG = "Operation successful"

#: Data fields a callback must carry (documented as required and not nullable, and present in
#: the document's own example), per callback name. The models themselves accept every
#: documented variant; these are the fields without which the callback means nothing.
ESSENTIAL_FIELDS: dict[str, tuple[str, ...]] = {
    "OnVehicleIn": ("OrderNo", "EntryTime", "EntryLaneNo"),
    "OnVehicleOut": ("ParkingAreaNo", "TotalAmountDue", "TotalAmountPaid", "IsFreePass"),
    "OnPayResult": ("PaymentOrderNo", "TotalAmountDue", "TotalAmountPaid", "PaymentTime",
                    "PaymentMethod"),
    "OnSubscribedVehicle": (),
    "OnRechargeGracePeriod": ("PaymentOrderNo", "TotalAmountDue", "TotalAmountPaid",
                              "PaymentTime", "PaymentMethod"),
    "OnUnsubscribedVehicle": ("OperationTime",),
    "OnParkingSpaces": ("TotalSpaces", "RemainingSpaces"),
    "OnGateReleaseRecord": ("No", "PassageTime", "PassageLaneNo"),
    "OnBlackList": ("CreationTime", "Status"),
    "OnViolationReservation": (),
    "OnLaneChange": ("SentryHostNo", "Lanes"),
}

_KIND_BY_NAME: dict[str, CallbackKind] = {k.name: k for k in CALLBACK_KINDS}

_ENVELOPE_FIELDS = ("AppId", "ParkKey", "TimeStamp", "Nonce", "Sign")

#: Most values (commas and brackets, counted before parsing) a callback body may hold. The
#: largest documented callback (OnLaneChange of a big site) has a few hundred; the bound keeps
#: what an unauthenticated body costs to parse and to check proportional to a small multiple
#: of its size.
MAX_BODY_ITEMS = 20000

#: How much of a rejected body is journaled (the journal cuts it to its own bound too).
REJECTED_PREFIX_BYTES = 512

#: Accepted callbacks reach the console's loop in groups gathered over this long (seconds),
#: when the listener runs on its own thread: one Qt wake-up per group instead of one per callback.
#: Each group costs the listener's thread a cross-thread wake-up and a pause (below) while the
#: Qt thread wakes and dispatches; 16 ms rather than 8 halves those per callback under load
#: (bench/callbacks.py, in the same rounds as 8 ms: about 1.1x the throughput and 0.9x the CPU
#: per callback, no longer Qt stall), and a callback still reaches the window within a frame
#: or two.
HANDOFF_DELAY_S = 0.016

#: How long the listener's thread pauses, at most, while the console's loop dispatches a group
#: (seconds). Every Qt signal emission releases Python's GIL and must take it back; with the
#: listener's thread busy that costs up to one switch interval per emission, and a group of 40
#: callbacks kept the Qt thread from painting for 13 ms (bench/callbacks.py). Paused, the
#: listener's thread leaves the GIL to the Qt thread, which dispatches the group in well under a
#: millisecond. The bound keeps the network going if the Qt thread is busy elsewhere.
HANDOFF_PAUSE_MAX_S = 0.05


@dataclass(frozen=True, slots=True)
class ReceivedCallback:
    """A verified, journaled callback, as handed to the sink (and the Qt signals).

    Attributes:
        kind: which callback (index, name, path, model).
        data: the parsed pydantic model of Data (``kind.model``).
        request_id: the envelope's RequestId, if any.
        received_at: when it arrived (``time.time()``).
        source: the sender's address (or ``mqtt:<topic>``).
        image_paths: image field -> saved capture file.
        row_id: the journal row.
        replayed: re-delivered from the journal at start-up: it was accepted (answered 200)
            by an earlier run that ended before the application took it.
    """

    kind: CallbackKind
    data: Any
    request_id: str | None
    received_at: float
    source: str
    image_paths: dict[str, Path]
    row_id: int
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class ProcessResult:
    """The answer to give: ``{"ResultCode": result_code, "ResultMsg": result_msg}``."""

    result_code: int
    result_msg: str
    callback: ReceivedCallback | None
    duplicate: bool

    def body(self) -> bytes:
        """The JSON answer."""
        return error_body(self.result_code, self.result_msg)


@dataclass
class ListenerStats:
    """Running counts since start (the journal keeps the durable ones)."""

    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    replayed: int = 0  # re-delivered from the journal at start-up
    last_callback_at: float | None = None
    last_rejection: str = ""


_OK_BODY = jsonutil.dumps_bytes({"ResultCode": 200, "ResultMsg": OK_MSG})


def error_body(code: int, msg: str) -> bytes:
    """``{"ResultCode": code, "ResultMsg": msg}`` as JSON bytes."""
    if code == 200 and msg == OK_MSG:
        return _OK_BODY
    return jsonutil.dumps_bytes({"ResultCode": code, "ResultMsg": msg})


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


#: ``async gate(raw, kind, source, result) -> answer`` (see ``CallbackProcessor.answer_gate``)
AnswerGate = Callable[[bytes, CallbackKind | None, str, ProcessResult], Awaitable[ProcessResult]]


class _Reject(Exception):
    def __init__(self, code: int, msg: str, signature_ok: bool = False) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.signature_ok = signature_ok


class _Stale(_Reject):
    """A well-formed TimeStamp outside the window (the body may still be a duplicate)."""


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _validation_summary(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "Data"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


class CallbackProcessor:
    """Checks, journals and dispatches callback bodies. One per console; cheap to call.

    Args:
        app_id, park_key, app_secret: this console's credentials (the secret is only used to
            verify signatures; it is never logged or stored).
        journal: where every callback is recorded before it is acknowledged.
        timestamp_window_s: how far TimeStamp may be from this computer's clock, either side.
        sink: called with every accepted, new callback (after the journal commit).
        reject_sink: called with ``(result_code, reason, source)`` for every rejected body.
    """

    def __init__(
        self,
        *,
        app_id: str,
        park_key: str,
        app_secret: str,
        journal: Journal,
        timestamp_window_s: int = 600,
        sink: Callable[[ReceivedCallback], None] | None = None,
        reject_sink: Callable[[int, str, str], None] | None = None,
    ) -> None:
        if not app_secret:  # an empty HMAC key would accept bodies anyone can sign
            raise ConfigError("no AppSecret: callbacks cannot be checked without one")
        self.app_id = app_id
        self.park_key = park_key
        self._secret = app_secret
        # bodies and reasons are cleaned of the secret before they are journaled or logged
        # (a sender could echo it); a very short secret would match ordinary text, so not those
        self._secret_bytes = app_secret.encode("utf-8") if len(app_secret) >= 8 else b""
        self.journal = journal
        self.timestamp_window_s = timestamp_window_s
        #: when set (a ``time.time()``), callbacks whose TimeStamp is older are refused as
        #: stale: the journal lost its memory of recent Nonces, so a replay would not be seen
        self.not_before: float | None = None
        self.sink = sink
        self.reject_sink = reject_sink
        #: awaited before a 200 is answered, on the loop ``process`` runs on: may turn it into
        #: another answer (``republish_mqtt``: 1003 until the broker acknowledged the republish)
        self.answer_gate: AnswerGate | None = None
        self.stats = ListenerStats()
        #: the loop on whose thread the sinks run (the console's loop). ``None``: whatever loop
        #: ``process`` runs on. Set by a threaded :class:`CallbackListener` when it starts.
        self.dispatch_loop: asyncio.AbstractEventLoop | None = None
        self._handoff: list[tuple[Callable[..., None], tuple[Any, ...]]] = []
        self._handoff_lock = threading.Lock()
        self._handoff_scheduled = False
        self._handoff_done = threading.Event()
        #: journal rows delivered by the group being dispatched (flagged in one call)
        self._delivered: list[int] | None = None

    def __repr__(self) -> str:
        return f"<CallbackProcessor app_id={self.app_id!r} park_key={self.park_key!r}>"

    async def process(self, raw: bytes, kind: CallbackKind | None, source: str) -> ProcessResult:
        """Check, journal and dispatch one body. Never raises; 200 only after the commit."""
        received_at = time.time()
        try:
            result = await self._process(raw, kind, source, received_at)
            gate = self.answer_gate
            if gate is not None and result.result_code == 200:
                result = await gate(raw, kind, source, result)
            return result
        except Exception:  # the answer must stay a JSON body; details go to the log only
            log.error("callback from %s: unexpected error\n%s", source,
                      self._scrub_text(traceback.format_exc()))
            self._count_rejection(1003, "internal error", source)
            return ProcessResult(1003, "internal error; please retry", None, False)

    async def reject(
        self, raw: bytes, kind: CallbackKind | None, source: str, code: int, reason: str
    ) -> ProcessResult:
        """Journal and count a body refused before it was parsed (too large, not allowed)."""
        reason = self._scrub_text(reason)
        await self._journal_rejection(raw, kind, source, time.time(), code, reason, None)
        return ProcessResult(code, reason, None, False)

    async def _process(
        self, raw: bytes, kind: CallbackKind | None, source: str, received_at: float
    ) -> ProcessResult:
        envelope: dict[str, Any] | None = None
        try:
            try:
                parsed = jsonutil.loads(raw, max_items=MAX_BODY_ITEMS)
            except jsonutil.JsonError as exc:
                raise _Reject(1002, f"malformed body: {exc}") from None
            if not isinstance(parsed, dict):
                raise _Reject(1002, "malformed body: not a JSON object")
            envelope = parsed
            if kind is None:
                route = envelope.get("Route")
                kind = kind_by_route(route) if isinstance(route, str) else None
                if kind is None:
                    raise _Reject(1002, f"unknown callback route {route!r}")
            for name in _ENVELOPE_FIELDS:
                value = _text(envelope.get(name))
                if not value:
                    raise _Reject(1002, f"missing field: {name}")
            data = envelope.get("Data")
            if not isinstance(data, dict):
                raise _Reject(1002, "missing field: Data must be a JSON object")
            if _text(envelope["AppId"]) != self.app_id:
                raise _Reject(1001, "AppId mismatch: not this console's AppId")
            if _text(envelope["ParkKey"]) != self.park_key:
                raise _Reject(1002, "ParkKey mismatch: not this console's parking lot")
            if not self._secret or not verify_envelope(envelope, self._secret):
                raise _Reject(1001, "signature mismatch")
            try:
                self._check_timestamp(envelope["TimeStamp"], received_at)
            except _Stale as stale:
                # a re-push (RetryCallback) of a callback accepted long ago is a duplicate
                return await self._stale(raw, kind, source, received_at, stale, envelope)
            model = self._validate(kind, data)
        except _Reject as rej:
            return await self._rejected(raw, kind, source, received_at, rej, envelope)

        request_id = _text(envelope.get("RequestId")) or None
        images: dict[str, str] = {}
        for name in IMAGE_FIELDS:
            value = data.get(name)
            if isinstance(value, str) and value:
                images[name] = value
        stored = raw
        if images:
            stripped = dict(envelope)
            stripped["Data"] = {
                k: (f"<image saved, {len(v)} Base64 characters>" if k in images else v)
                for k, v in data.items()
            }
            stored = jsonutil.dumps_bytes(stripped)
        stored = self._scrub(stored)
        try:
            write = await self.journal.record_callback(
                kind=kind.name,
                request_id=request_id,
                body_hash=hashlib.sha256(raw).hexdigest(),
                received_at=received_at,
                source=source,
                signature_ok=True,
                raw_body=stored,
                images=images,
                nonce=_text(envelope["Nonce"]),
                timestamp=_text(envelope["TimeStamp"]),
            )
        except Exception as exc:
            log.error("callback %s from %s not journaled: %s", kind.name, source,
                      self._scrub_text(str(exc)))
            self._count_rejection(1003, "journal write failed", source)
            return ProcessResult(1003, "the callback could not be stored; please retry", None, False)
        if write.replayed:
            msg = "replayed: Nonce and TimeStamp already used by an earlier callback"
            self._count_rejection(1001, msg, source)
            return ProcessResult(1001, msg, None, False)
        if write.duplicate:
            self.stats.duplicates += 1
            log.debug("duplicate %s (RequestId %s) from %s", kind.name, request_id, source)
            return ProcessResult(200, OK_MSG, None, True)
        callback = ReceivedCallback(
            kind=kind, data=model, request_id=request_id, received_at=received_at, source=source,
            image_paths=write.image_paths, row_id=write.row_id,
        )
        self.stats.accepted += 1
        self.stats.last_callback_at = received_at
        if self.sink is not None:
            self._on_home_loop(self._deliver, callback)
        else:  # nobody to hand it to: nothing to replay later either
            self.journal.note_processed([callback.row_id])
        return ProcessResult(200, OK_MSG, callback, False)

    async def replay_unprocessed(self, received_before: float | None = None) -> int:
        """Hand the sink, oldest first, every accepted callback an earlier run committed and
        answered but did not deliver (it stopped between the commit and the sink); each with
        ``replayed=True``. Call on the console's loop before the listener starts (or, when
        retried later, with ``received_before`` = the start time). Returns how many were
        delivered. Rows that no longer parse are logged and flagged processed."""
        if self.sink is None:
            return 0
        rows = await self.journal.unprocessed_callbacks(received_before=received_before)
        count = 0
        for row in rows:
            callback = self._from_row(row)
            if callback is None:
                self.journal.note_processed([row.row_id])
                continue
            self._on_home_loop(self._deliver, callback)
            count += 1
        self.stats.replayed += count
        if rows:
            log.info("replayed %d accepted but undelivered callbacks from the journal", count)
        return count

    @staticmethod
    def _from_row(row: CallbackRow) -> ReceivedCallback | None:
        kind = _KIND_BY_NAME.get(row.kind)
        try:
            if kind is None:
                raise ValueError(f"unknown kind {row.kind!r}")
            envelope = jsonutil.loads(row.raw_body)
            data = envelope.get("Data") if isinstance(envelope, dict) else None
            if not isinstance(data, dict):
                raise ValueError("no Data object")
            model = kind.model.model_validate(data)
        except (ValueError, jsonutil.JsonError) as exc:  # ValidationError is a ValueError
            log.warning("journal row %d (%s) cannot be replayed: %s", row.row_id, row.kind,
                        type(exc).__name__)
            return None
        return ReceivedCallback(
            kind=kind, data=model, request_id=row.request_id, received_at=row.received_at,
            source=row.source, image_paths=dict(row.image_paths), row_id=row.row_id,
            replayed=True,
        )

    def _scrub(self, raw: bytes) -> bytes:
        secret = self._secret_bytes
        if secret and secret in raw:
            return raw.replace(secret, b"***")
        return raw

    def _prefix(self, raw: bytes) -> bytes:
        # cleaned before it is cut, so that a secret across the cut is removed whole
        return self._scrub(raw[:REJECTED_PREFIX_BYTES + len(self._secret_bytes)])[
            :REJECTED_PREFIX_BYTES]

    def _scrub_text(self, text: str) -> str:
        if self._secret_bytes and self._secret in text:
            return text.replace(self._secret, "***")
        return text

    def _on_home_loop(self, fn: Callable[..., None], *args: Any) -> None:
        home = self.dispatch_loop
        if home is None or home is _running_loop():
            fn(*args)
            return
        # From the listener's thread: queue it, and wake the console's loop once for all that
        # queue up meanwhile (a burst costs the Qt thread one wake-up, not one per callback).
        with self._handoff_lock:
            self._handoff.append((fn, args))
            if self._handoff_scheduled:
                return
            self._handoff_scheduled = True
        here = _running_loop()
        if here is not None and HANDOFF_DELAY_S > 0:
            here.call_later(HANDOFF_DELAY_S, self._wake_home, home)
        else:
            self._wake_home(home)

    def _wake_home(self, home: asyncio.AbstractEventLoop) -> None:
        self._handoff_done.clear()
        try:
            home.call_soon_threadsafe(self._drain_handoff)
        except RuntimeError:  # the console's loop is closed: shutting down
            log.warning("console loop closed; callbacks not dispatched (they are journaled)")
            return
        if _running_loop() is not home:
            # on the listener's thread: pause until the console's loop has dispatched the group
            self._handoff_done.wait(HANDOFF_PAUSE_MAX_S)

    async def dispatched(self) -> None:
        """Wait until everything handed over so far has reached the sinks.

        Answers go out before the console's loop runs the sinks (up to ``HANDOFF_DELAY_S``
        later), so tests and shutdown await this instead of sleeping.
        """
        home = _running_loop()
        if home is None or self.dispatch_loop is None:
            return
        done: asyncio.Future[None] = home.create_future()

        def mark() -> None:
            if not done.done():
                done.set_result(None)

        with self._handoff_lock:
            self._handoff.append((mark, ()))
            scheduled, self._handoff_scheduled = self._handoff_scheduled, True
        if not scheduled:
            home.call_soon(self._drain_handoff)
        await done

    def deliver_pending(self) -> None:
        """Run the sinks for everything handed over and not yet delivered (on the console's
        loop; the listener calls it after its thread has stopped)."""
        self._drain_handoff()

    def _drain_handoff(self) -> None:
        with self._handoff_lock:
            items = list(self._handoff)
            self._handoff.clear()
            self._handoff_scheduled = False
        delivered: list[int] = []
        self._delivered = delivered
        try:
            for fn, args in items:
                fn(*args)
        finally:
            self._delivered = None
            self._handoff_done.set()
            self.journal.note_processed(delivered)

    def _deliver(self, callback: ReceivedCallback) -> None:
        if self.sink is not None:
            try:
                self.sink(callback)
            except Exception:  # already committed and answered 200; replayed at the next start
                log.exception("callback %s row %d: a receiver failed", callback.kind.name,
                              callback.row_id)
                return
        if self._delivered is not None:  # part of a group: flagged together afterwards
            self._delivered.append(callback.row_id)
        else:
            self.journal.note_processed([callback.row_id])

    def _check_timestamp(self, value: Any, now: float) -> None:
        text = _text(value) or ""
        if not text.isdigit() or len(text) != 13:
            raise _Reject(1002, f"stale TimeStamp: {text!r} is not a 13-digit millisecond time",
                          signature_ok=True)
        skew = int(text) / 1000.0 - now
        if self.not_before is not None and int(text) / 1000.0 < self.not_before:
            raise _Stale(1002, "stale TimeStamp: older than this console's start while the "
                         "journal's replay memory is lost", signature_ok=True)
        if abs(skew) > self.timestamp_window_s:
            raise _Stale(
                1002,
                f"stale TimeStamp: {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} this "
                f"computer's clock (allowed {self.timestamp_window_s} s)",
                signature_ok=True,
            )

    @staticmethod
    def _validate(kind: CallbackKind, data: Mapping[str, Any]) -> Any:
        missing = [f for f in ESSENTIAL_FIELDS.get(kind.name, ()) if data.get(f) is None]
        if missing:
            raise _Reject(1002, f"invalid Data: missing {', '.join(missing)}", signature_ok=True)
        try:
            return kind.model.model_validate(data)
        except ValidationError as exc:
            raise _Reject(1002, f"invalid Data: {_validation_summary(exc)}",
                          signature_ok=True) from None

    async def _stale(
        self, raw: bytes, kind: CallbackKind, source: str, received_at: float, stale: _Stale,
        envelope: Mapping[str, Any],
    ) -> ProcessResult:
        """A signed body outside the TimeStamp window: 200 if it repeats an accepted callback
        (same RequestId, or body hash without one), else rejected as stale."""
        request_id = _text(envelope.get("RequestId")) or None
        reason = self._scrub_text(stale.msg)
        try:
            write = await self.journal.record_callback(
                kind=kind.name, request_id=request_id, body_hash=hashlib.sha256(raw).hexdigest(),
                received_at=received_at, source=source, signature_ok=True,
                raw_body=self._prefix(raw), images={}, result_code=stale.code,
                reason=reason, only_if_duplicate=True, body_size=len(raw),
            )
        except Exception as exc:
            log.error("stale callback from %s not journaled: %s", source, type(exc).__name__)
            self._count_rejection(stale.code, reason, source)
            return ProcessResult(stale.code, reason, None, False)
        if write.duplicate:
            self.stats.duplicates += 1
            log.debug("duplicate %s (RequestId %s) re-sent late from %s", kind.name, request_id,
                      source)
            return ProcessResult(200, OK_MSG, None, True)
        self._count_rejection(stale.code, reason, source)
        return ProcessResult(stale.code, reason, None, False)

    async def _rejected(
        self, raw: bytes, kind: CallbackKind | None, source: str, received_at: float,
        rej: _Reject, envelope: Mapping[str, Any] | None,
    ) -> ProcessResult:
        request_id = _text(envelope.get("RequestId")) if envelope is not None else None
        reason = self._scrub_text(rej.msg)
        await self._journal_rejection(raw, kind, source, received_at, rej.code, reason,
                                      request_id, rej.signature_ok)
        return ProcessResult(rej.code, reason, None, False)

    async def _journal_rejection(
        self, raw: bytes, kind: CallbackKind | None, source: str, received_at: float, code: int,
        reason: str, request_id: str | None, signature_ok: bool = False,
    ) -> None:
        self._count_rejection(code, reason, source)
        try:
            await self.journal.record_callback(
                kind=kind.name if kind is not None else "unknown",
                request_id=request_id,
                body_hash=hashlib.sha256(raw).hexdigest(),
                received_at=received_at,
                source=source,
                signature_ok=signature_ok,
                raw_body=self._prefix(raw),
                images={},
                result_code=code,
                reason=reason,
                body_size=len(raw),
            )
        except Exception as exc:
            log.error("rejected callback from %s not journaled: %s", source, type(exc).__name__)

    def _count_rejection(self, code: int, reason: str, source: str) -> None:
        self.stats.rejected += 1
        self.stats.last_rejection = reason
        log.info("callback from %s rejected (%d): %s", source, code, reason)
        if self.reject_sink is not None:
            self._on_home_loop(self._deliver_rejection, code, reason, source)

    def _deliver_rejection(self, code: int, reason: str, source: str) -> None:
        if self.reject_sink is None:
            return
        try:
            self.reject_sink(code, reason, source)
        except Exception:
            log.exception("rejection receiver failed")
