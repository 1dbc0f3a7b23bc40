"""What every operator command shares: its context, its errors, the :class:`Asker` through which
it asks the attendant, amounts typed by the attendant, and the runner that reports each step.

A command is a typed async function ``fn(ctx, ...)`` that talks to the parking server and
journals what it sent with the server's ResultCode/ResultMsg/ResultId. Expected failures raise
:class:`CommandError` (or a :class:`~booth_console.errors.BoothError` from the client);
:class:`CommandRunner` turns a run into one message for the attendant and an :class:`Outcome`.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal

from booth_console.app.messages import MessageBus, error_text
from booth_console.errors import ApiError, BoothError, TransportError

if TYPE_CHECKING:
    from booth_console.app.booth import TypeChoice
    from booth_console.app.commands.find_entry import EntryFinder, EntryPick
    from booth_console.app.lane import LaneController
    from booth_console.app.outbox import PaymentOutbox, RetryPolicy
    from booth_console.app.snapshots import OrderSnapshot
    from booth_console.client import ParkingClient
    from booth_console.journal import Journal

__all__ = [
    "DATE_FMT",
    "Asker",
    "CommandContext",
    "CommandError",
    "CommandRunner",
    "ConfirmationRequired",
    "NoPlateChoice",
    "Outcome",
    "PaymentEntry",
    "ReasonPick",
    "ServerOffline",
    "Status",
    "capture_evidence",
    "describe_error",
    "parse_yuan",
    "read_amount",
    "send_once",
]

log = logging.getLogger("booth_console.commands")
T = TypeVar("T")

DATE_FMT = "%Y-%m-%d %H:%M:%S"
#: commands that move the barrier: never repeated after a failure
GATE_COMMANDS = frozenset({"open_gate", "close_gate", "toggle_keep_open"})


def _tr(text: str) -> str:
    return QCoreApplication.translate("Commands", text)


class CommandError(BoothError):
    """An expected command failure; ``str()`` is the attendant's message (translated)."""


class ConfirmationRequired(CommandError):
    """The command needs ``confirmed=True`` (the command asks the attendant first)."""


class ServerOffline(CommandError):
    """The parking server cannot be reached (a transport error, not an error answer): nothing
    was sent. Offline the console records cash payments and manual openings instead."""


def read_amount(text: str) -> Decimal | None:
    """The number in an amount typed by the attendant (``¥``/``￥`` and spaces ignored, a comma
    read as the decimal point), or ``None`` when it is not a finite number. The one reader of
    typed amounts: :func:`parse_yuan` and the dialogs' checks build on it."""
    try:
        value = Decimal(text.strip().replace(",", ".").replace("¥", "").replace("￥", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_yuan(text: str) -> Decimal:
    """An amount typed by the attendant (yuan, at most two decimals).

    Raises:
        CommandError: not a number, negative, or more than two decimals.
    """
    value = read_amount(text)
    if value is None:
        raise CommandError(_tr("“{text}” is not an amount.").format(text=text))
    if value < 0:
        raise CommandError(_tr("The amount must be zero or more."))
    if value != value.quantize(Decimal("0.01")):
        raise CommandError(_tr("Amounts have at most two decimals (fen)."))
    return value


# -- asking the attendant ----------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentEntry:
    """What the attendant entered for a payment: the amount received, the method, remarks."""

    received: Decimal
    method: str
    remarks: str = ""


@dataclass(frozen=True)
class NoPlateChoice:
    """The vehicle type and plate type chosen for a no-plate entry, and remarks."""

    vehicle_type_no: str
    plate_type_no: str
    remarks: str = ""


@dataclass(frozen=True)
class ReasonPick:
    """A reason chosen from a list, and the attendant's own words (optional unless asked)."""

    reason: str
    text: str = ""

    def full(self) -> str:
        """The reason and the text on one line."""
        return f"{self.reason}: {self.text}" if self.text else self.reason


class Asker(Protocol):
    """How a command asks the attendant. The lane window implements it with its dialogs
    (``ui/lane_window.py``), tests with a scripted asker. ``None`` or ``False``: cancelled."""

    async def confirm(self, action: str, question: str) -> bool:
        """A Yes/No question (No is the default)."""

    async def enter_payment(
        self, order: OrderSnapshot, *, offline: str = "", received: Decimal | None = None,
        method: str = "79001", remarks: str = "", note: str = "",
    ) -> PaymentEntry | None:
        """The amount received, method and remarks for ``order`` (``offline``: the warning of
        an offline cash payment; ``note``: why the payment is taken again)."""

    async def enter_amount(
        self, order: OrderSnapshot, reasons: Sequence[str],
        submit: Callable[[Decimal, str], Awaitable[str]],
    ) -> bool:
        """A new, lower fee with a reason; ``submit(amount, reason)`` sends it and returns an
        error text shown where it was entered (``""``: done). ``True`` once submitted."""

    async def enter_reason(
        self, action: str, warning: str, reasons: Sequence[str], reason: str = "",
    ) -> str | None:
        """A required reason (presets offered) after ``warning``."""

    async def choose(
        self, vehicle_types: Sequence[TypeChoice], plate_types: Sequence[TypeChoice], prefix: str,
    ) -> NoPlateChoice | None:
        """A vehicle type and plate type from the server's lists."""

    async def pick_reason(
        self, action: str, detail: str, reasons: Sequence[str], *, ok_text: str = "",
        explain: Sequence[str] = (),
    ) -> ReasonPick | None:
        """One of ``reasons`` (required) plus the attendant's own words (required for the
        reasons in ``explain``, optional otherwise) after ``detail``; ``ok_text`` labels the OK
        button."""

    async def show_entry(self, plate: str, order_no: str, msg: str) -> None:
        """Show a created entry (the virtual plate and order number) until acknowledged."""

    async def find_entry(self, finder: EntryFinder) -> EntryPick | None:
        """The in-lot order of the vehicle at the exit, searched with ``finder``, or what to
        do without one (``None``: the attendant left with Esc)."""

    def key_text(self, command: str) -> str:
        """The key bound to ``command``, as the attendant reads it (``""``: none)."""


# -- context -----------------------------------------------------------------------------------


@dataclass
class CommandContext:
    """What commands need: the client, the journal, who is on duty, the message channel and
    the payment outbox."""

    client: ParkingClient
    journal: Journal | None
    operator: str
    messages: MessageBus
    virtual_plate_prefix: str = "无"
    payment_retry: RetryPolicy = dc_field(default_factory=lambda: _default_policy())
    #: owns pending payments (set by the session; see :mod:`booth_console.app.outbox`)
    outbox: PaymentOutbox | None = None
    #: fee override reasons offered (``[booth] override_reasons``; empty: the built-in ones)
    override_reasons: tuple[str, ...] = ()
    #: the offline payment taken last at each lane (its reason is offered for a manual opening)
    offline_taken: dict[str, Any] = dc_field(default_factory=dict)
    #: order no. -> who lowered its fee and why (shown beside the amount)
    fee_notes: dict[str, str] = dc_field(default_factory=dict)
    #: flat fee for a vehicle without an entry record (``[booth] no_entry_fee``; 0: not offered)
    no_entry_fee: Decimal = Decimal(0)
    #: free release reasons offered (``[booth] free_release_reasons``; empty: the built-in ones)
    free_release_reasons: tuple[str, ...] = ()
    #: ``[booth] reason_for_every_opening``: F1 always asks for a reason
    reason_for_every_opening: bool = False

    async def journal_action(
        self, lane_no: str | None, action: str, request: dict[str, Any],
        result: Any = None, error: BaseException | None = None,
    ) -> None:
        """Journal one action with the server's answer (or the failure)."""
        if self.journal is None:
            return
        code: int | None = None
        msg: str | None = None
        rid: str | None = None
        if result is not None:
            code, msg, rid = result.result_code, result.result_msg, result.result_id
        elif isinstance(error, ApiError):
            code, msg, rid = error.result_code, error.result_msg, error.result_id
        elif error is not None:
            msg = f"{type(error).__name__}: {error}"
        try:
            await self.journal.record_action(
                operator=self.operator, lane_no=lane_no, action=action, request=request,
                result_code=code, result_msg=msg, result_id=rid,
            )
        except Exception:
            log.exception("cannot journal %s", action)

    @property
    def payments(self) -> PaymentOutbox:
        """The payment outbox (made on first use when the context was built without one)."""
        if self.outbox is None:
            from booth_console.app.outbox import PaymentOutbox

            self.outbox = PaymentOutbox(self)
        return self.outbox


def _default_policy() -> RetryPolicy:
    from booth_console.app.outbox import RetryPolicy

    return RetryPolicy()


async def send_once(
    ctx: CommandContext, lane_no: str | None, action: str, request: dict[str, Any],
    call: Awaitable[T],
) -> T:
    """Send a request once and journal the answer; failures are journaled and re-raised."""
    try:
        result = await call
    except BaseException as exc:
        if isinstance(exc, Exception):
            await ctx.journal_action(lane_no, action, request, error=exc)
        raise
    await ctx.journal_action(lane_no, action, request, result=result)
    return result


def capture_evidence(lane: LaneController) -> dict[str, Any]:
    """The capture shown at ``lane`` now, for a journal row: its file or URL, when it was
    taken, what it shows (``Capture`` empty: none for the vehicle waiting), and the waiting
    order's entry capture (``EntryCapture``). A capture saved from a callback's Base64 image
    stays in the journal's image folder; a URL points at the parking server's capture store."""
    cap = lane.capture if lane.capture_is_current else None
    order = lane.order
    entry = {"EntryCapture": order.entry_image_url if order is not None else ""}
    if cap is None:
        return {"Capture": "", "CaptureAt": None, "CaptureKind": None,
                "CapturePlate": order.plate if order is not None else "", **entry}
    return {"Capture": cap.source, "CaptureAt": cap.at or None, "CaptureKind": cap.kind or None,
            "CapturePlate": cap.plate, **entry}


# -- the runner --------------------------------------------------------------------------------


def describe_error(exc: BaseException, command: str = "") -> str:
    """The attendant's message for a failed command."""
    if isinstance(exc, CommandError):
        return str(exc)
    if isinstance(exc, ApiError):
        return _tr("The parking server refused: {msg} (code {code})").format(
            msg=exc.result_msg or error_text(exc), code=exc.result_code
        )
    if isinstance(exc, TransportError):
        if command in GATE_COMMANDS:
            return _tr("No answer from the parking server ({error}). The command was not "
                       "repeated: check the barrier and try again.").format(error=error_text(exc))
        return _tr("No answer from the parking server ({error}).").format(error=error_text(exc))
    if isinstance(exc, BoothError):
        return str(exc)
    return _tr("Unexpected error: {error}").format(error=error_text(exc))


class Status(enum.Enum):
    """How a command ended."""

    OK = "ok"
    FAILED = "failed"
    CANCELLED = "cancelled"  # the attendant said no, or it was still running


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """A command's end: ok with its value, failed with the error and the attendant's text, or
    cancelled (the attendant declined, or the same command was still running)."""

    status: Status
    value: T | None = None
    error: BaseException | None = None
    text: str = ""

    @property
    def ok(self) -> bool:
        """Whether the command succeeded."""
        return self.status is Status.OK

    @classmethod
    def cancelled(cls, text: str = "") -> Outcome[Any]:
        """The attendant declined (nothing was sent)."""
        return Outcome(Status.CANCELLED, text=text)


class CommandRunner(QObject):
    """Runs commands and reports them: busy, then success (ResultMsg) or the reason it failed.

    Signals:
        busy_changed(tuple[str, str, bool]): (lane_no, command, busy).
        finished(tuple[str, str, bool, object]): (lane_no, command, ok, result or exception).
    """

    busy_changed = Signal(object)
    finished = Signal(object)

    def __init__(self, ctx: CommandContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.running: set[tuple[str, str]] = set()

    def __repr__(self) -> str:
        return f"<CommandRunner running={sorted(self.running)}>"

    async def run(
        self, lane_no: str, command: str, fn: Callable[..., Awaitable[T]], *args: Any,
        busy_text: str = "", success_text: Callable[[T], str] | None = None, **kwargs: Any,
    ) -> Outcome[T]:
        """Run ``fn(ctx, *args, **kwargs)`` and report it; never raises (but a cancel).

        A :class:`ConfirmationRequired` failure is not reported as an error: the command asks
        the attendant and runs again with ``confirmed=True``.
        """
        key = (lane_no, command)
        msgs = self.ctx.messages
        if key in self.running:
            text = _tr("Still working on the previous request…")
            msgs.info(text, lane_no=lane_no, command=command)
            return Outcome(Status.CANCELLED, text=text)
        self.running.add(key)
        self.busy_changed.emit((lane_no, command, True))
        msgs.busy(busy_text or _tr("Working…"), lane_no=lane_no, command=command)
        try:
            result = await fn(self.ctx, *args, **kwargs)
        except ConfirmationRequired as q:
            msgs.info(_tr("Waiting for confirmation"), lane_no=lane_no, command=command)
            return Outcome(Status.FAILED, error=q, text=str(q))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not isinstance(exc, BoothError):
                log.exception("command %s failed", command)
            else:  # the attendant reads a translated summary; the detail stays in the log
                log.warning("lane %s: %s failed: %s", lane_no or "-", command, exc)
            text = describe_error(exc, command)
            msgs.error(text, lane_no=lane_no, command=command)
            self.finished.emit((lane_no, command, False, exc))
            return Outcome(Status.FAILED, error=exc, text=text)
        finally:
            self.running.discard(key)
            self.busy_changed.emit((lane_no, command, False))
        if success_text is not None:
            text = success_text(result)
        else:
            text = str(getattr(result, "result_msg", "") or _tr("Done"))
        msgs.success(text, lane_no=lane_no, command=command)
        self.finished.emit((lane_no, command, True, result))
        return Outcome(Status.OK, value=result, text=text)
