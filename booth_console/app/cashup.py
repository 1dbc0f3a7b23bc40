"""The shift report (cash-up): what a shift took, by payment method; the cash expected in the
drawer against the cash counted; every exception the shift handled; and the parking server's
own records for the shift's time window, compared with the console's.

Qt-free: :func:`build_report` reads the journal rows of one shift (payments and operator
actions, found by action name, see :data:`ACTIONS`), :func:`cross_check` compares them with the
server's ``PaymentOrder`` and gate-release records. The report is a plain dataclass, kept as JSON
in the shift's ``close`` row (:meth:`ShiftReport.to_dict` / :meth:`ShiftReport.from_dict`) and
written as CSV by :func:`report_csv`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from booth_console.protocol.enums import PaymentMethod

if TYPE_CHECKING:
    from booth_console.client import ParkingClient
    from booth_console.journal import ActionRow, PendingPayment
    from booth_console.protocol import models as m

__all__ = [
    "ACTIONS",
    "CASH_METHODS",
    "DENOMINATIONS",
    "Item",
    "MethodLine",
    "Mismatch",
    "ShiftReport",
    "build_report",
    "count_total",
    "cross_check",
    "fetch_server_records",
    "method_name",
    "money_text",
    "report_csv",
    "time_text",
]

#: payment methods whose money goes into the drawer
CASH_METHODS = frozenset({PaymentMethod.OFFLINE_CASH.value})

#: the banknotes and coins of a count by denomination (yuan)
DENOMINATIONS: tuple[str, ...] = ("100", "50", "20", "10", "5", "1", "0.5", "0.1")

#: the action names (``actions.action``) the report reads, by section. Commands that journal
#: the same things under other names must be added here.
ACTIONS: dict[str, tuple[str, ...]] = {
    "override": ("override_fee",),
    "free_release": ("free_release",),
    "manual_opening": ("manual_open",),
    # an opening with the gate command: listed when it carries a reason
    "gate_open": ("open_gate",),
    "no_plate": ("no_plate_entry",),
    "plate_correction": ("find_entry",),
    "no_entry_fee": ("no_entry_fee",),
    "unexplained": ("opening_unexplained",),
    "annotated": ("opening_annotated",),
}

#: payment statuses whose money was taken (rejected payments were given back)
_TAKEN = ("confirmed", "pending", "offline", "review", "settled")
#: how far apart (seconds) a console opening and the server's gate record may be and still match
GATE_MATCH_S = 90.0
_TIME = "%Y-%m-%d %H:%M:%S"


def _dec(value: Any) -> Decimal:
    try:
        out = Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
    return out if out.is_finite() else Decimal(0)


def money_text(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def method_name(code: str, chinese: bool = False) -> str:
    """A payment method's name (its code when unknown)."""
    try:
        method = PaymentMethod(code)
    except ValueError:
        return code or "?"
    return method.display_name("zh" if chinese else "en")


def count_total(denominations: dict[str, int]) -> Decimal:
    """The total of a count by denomination (``{"100": 3, "0.5": 2}`` -> 301)."""
    return sum((Decimal(d) * n for d, n in denominations.items()), Decimal(0))


@dataclass(frozen=True)
class MethodLine:
    """Payments of one method: how many and how much (amounts as text, yuan)."""

    method: str
    count: int
    total: str


@dataclass(frozen=True)
class Item:
    """One listed event: when, where, what, why, who approved."""

    at: str
    lane_no: str
    what: str
    reason: str = ""
    approver: str = ""
    operator: str = ""
    row_id: int = 0


@dataclass(frozen=True)
class Mismatch:
    """A difference between the console's records and the server's for the shift's window.

    ``kind``: ``server_only`` (the server has it, the console does not), ``console_only``, or
    ``amount`` (both have it with different amounts)."""

    kind: str
    record: str  # "payment" or "opening"
    ref: str  # PaymentOrderNo, or the lane and time of an opening
    detail: str


@dataclass
class ShiftReport:
    """A shift's report. Amounts are text (yuan, two decimals) so that it is kept exactly."""

    shift_id: int
    operator: str
    opened_at: float
    closed_at: float | None = None
    closed_by: str = ""
    float_amount: str = "0.00"
    methods: list[MethodLine] = field(default_factory=list)
    payments_count: int = 0
    payments_total: str = "0.00"
    cash_received: str = "0.00"
    change_given: str = "0.00"
    expected_cash: str = "0.00"
    counted_cash: str | None = None
    denominations: dict[str, int] = field(default_factory=dict)
    variance: str | None = None
    overrides: list[Item] = field(default_factory=list)
    free_releases: list[Item] = field(default_factory=list)
    manual_openings: list[Item] = field(default_factory=list)
    no_plate_entries: list[Item] = field(default_factory=list)
    plate_corrections: list[Item] = field(default_factory=list)
    no_entry_fees: list[Item] = field(default_factory=list)
    waiting_payments: list[Item] = field(default_factory=list)
    unexplained_openings: list[Item] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    #: why the server could not be compared (``""``: compared; see ``checked``)
    cross_check_error: str = ""
    checked: bool = False
    #: the audit chain's head hashes when the report was made
    audit_heads: dict[str, str] = field(default_factory=dict)

    def with_count(self, counted: Decimal, denominations: dict[str, int] | None = None) -> None:
        """Record the counted cash and the variance (counted - expected)."""
        self.counted_cash = money_text(counted)
        self.denominations = dict(denominations or {})
        self.variance = money_text(counted - Decimal(self.expected_cash))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (kept in the shift's close row)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShiftReport:
        """The report kept by :meth:`to_dict`."""
        d = dict(data)
        d["methods"] = [MethodLine(**x) for x in d.get("methods", [])]
        for key in ("overrides", "free_releases", "manual_openings", "no_plate_entries",
                    "plate_corrections", "no_entry_fees", "waiting_payments",
                    "unexplained_openings"):
            d[key] = [Item(**x) for x in d.get(key, [])]
        d["mismatches"] = [Mismatch(**x) for x in d.get("mismatches", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


def time_text(at: float) -> str:
    return dt.datetime.fromtimestamp(at).strftime(_TIME)


def _item(row: ActionRow, what: str) -> Item:
    req = row.request
    approver = req.get("ApprovedBy") or ""
    if isinstance(approver, dict):
        approver = str(approver.get("Name") or approver.get("name") or "")
    reason = str(req.get("Reason") or "")
    text = str(req.get("Text") or "")
    if text and text != reason:
        reason = f"{reason}: {text}" if reason else text
    return Item(time_text(row.at), row.lane_no or "", what, reason, str(approver), row.operator,
                row.row_id)


def _ok(row: ActionRow) -> bool:
    return row.result_code in (None, 200)


def build_report(
    *, shift_id: int, operator: str, opened_at: float, float_amount: Decimal,
    payments: Sequence[tuple[PendingPayment, str]], actions: Sequence[ActionRow],
    recent_actions: Iterable[ActionRow] = (),
) -> ShiftReport:
    """The report of one shift from its journal rows (before the count and the cross-check).

    Args:
        payments: the shift's payments with their status now (``Journal.shift_payments``).
        actions: the shift's operator actions, oldest first (``Journal.shift_actions``).
        recent_actions: actions of any shift, to find unexplained openings not annotated since
            (default: the shift's own).
    """
    report = ShiftReport(shift_id=shift_id, operator=operator, opened_at=opened_at,
                         float_amount=money_text(float_amount))
    by_method: dict[str, list[Decimal]] = {}
    received = change = Decimal(0)
    for p, status in payments:
        if status not in _TAKEN:
            continue
        req = p.request
        paid = _dec(req.get("TotalAmountPaid"))
        method = str(req.get("PaymentMethod") or "")
        if paid or _dec(req.get("_Received")):  # a ¥0 "payment" (a free release) took nothing
            by_method.setdefault(method, []).append(paid)
        if method in CASH_METHODS:
            got = _dec(req.get("_Received")) if req.get("_Received") not in (None, "") else paid
            received += got
            change += max(Decimal(0), got - paid)
        if status in ("pending", "offline", "review"):
            report.waiting_payments.append(Item(
                time_text(p.created_at), p.lane_no,
                f"{p.payment_order_no} {money_text(paid)} {method_name(method)} ({status})",
                p.review, operator=p.operator))
    names = {k: set(v) for k, v in ACTIONS.items()}
    extra_cash = Decimal(0)
    for row in actions:
        req, action = row.request, row.action
        plate = str(req.get("Plate") or "")
        if action in names["override"] and _ok(row):
            report.overrides.append(_item(row, (
                f"{req.get('OrderNo', '')} {plate} ¥{req.get('FeeShown', '?')} -> "
                f"¥{money_text(_dec(req.get('Money')) / 100)}").strip()))
        elif action in names["free_release"] and _ok(row):
            report.free_releases.append(_item(
                row, f"{req.get('OrderNo', '')} {plate} ¥{req.get('FeeWaived', '')}".strip()))
        elif action in names["manual_opening"] or (
                action in names["gate_open"] and _ok(row) and req.get("Reason")):
            report.manual_openings.append(_item(row, f"{plate} {req.get('OrderNo', '')}".strip()))
        elif action in names["no_plate"] and _ok(row):
            report.no_plate_entries.append(_item(row, str(
                req.get("PlateNumber") or req.get("LicensePlateNumber") or plate
                or req.get("VehicleTypeNo") or "")))
        elif action in names["plate_correction"] and _ok(row):
            old, new = req.get("OldPlate"), req.get("NewPlate")
            if old and new and old != new:
                report.plate_corrections.append(_item(row, f"{old} -> {new}"))
        elif action in names["no_entry_fee"]:
            amount = _dec(req.get("Amount"))
            extra_cash += amount
            report.no_entry_fees.append(_item(row, f"{plate} ¥{money_text(amount)}"))
    if extra_cash:
        by_method.setdefault(PaymentMethod.OFFLINE_CASH.value, []).append(extra_cash)
        received += extra_cash
    report.unexplained_openings = unexplained_openings([*recent_actions] or actions)
    report.methods = [MethodLine(code, len(v), money_text(sum(v, Decimal(0))))
                      for code, v in sorted(by_method.items())]
    report.payments_count = sum(x.count for x in report.methods)
    report.payments_total = money_text(sum((Decimal(x.total) for x in report.methods), Decimal(0)))
    report.cash_received = money_text(received)
    report.change_given = money_text(change)
    report.expected_cash = money_text(float_amount + received - change)
    return report


def unannotated_openings(actions: Iterable[ActionRow]) -> list[ActionRow]:
    """The ``opening_unexplained`` rows not followed by an ``opening_annotated`` of the same
    opening (matched by lane and time of the opening), one per opening, in the order first
    listed."""
    flagged: dict[tuple[str, str], ActionRow] = {}
    for row in sorted(actions, key=lambda r: r.row_id):
        key = (str(row.request.get("LaneNo") or row.lane_no or ""), str(row.request.get("At")))
        if row.action in ACTIONS["unexplained"]:
            flagged[key] = row
        elif row.action in ACTIONS["annotated"]:
            flagged.pop(key, None)
    return list(flagged.values())


def unexplained_openings(actions: Iterable[ActionRow]) -> list[Item]:
    """Openings journaled as unexplained and not annotated afterwards (matched by lane and
    time of the opening)."""
    return [Item(str(r.request.get("At") or time_text(r.at)), r.lane_no or "",
                 f"{r.request.get('Callback', '')} {r.request.get('Plate') or ''}".strip(),
                 str(r.request.get("Detail") or ""), operator=r.operator, row_id=r.row_id)
            for r in unannotated_openings(actions)]


# -- the server's records --------------------------------------------------------------------


async def fetch_server_records(
    client: ParkingClient, start: float, end: float, *, page_size: int = 100, max_pages: int = 50,
) -> tuple[list[m.PaymentRecord], list[m.GateReleaseRecord]]:
    """The server's payments (``PaymentOrder``) and gate releases in ``[start, end]``."""
    from booth_console.client import condition
    from booth_console.protocol import endpoints as ep
    from booth_console.protocol.enums import QueryOperator as Op

    since, until = time_text(start), time_text(end)

    def window(field: str) -> list[m.QueryCondition]:
        return [condition(field, Op.GREATER_THAN_OR_EQUAL, since),
                condition(field, Op.LESS_THAN_OR_EQUAL, until)]

    limit = page_size * max_pages
    payments = [r async for r in client.iter_records(
        ep.PAYMENTS, window("PaymentTime"), page_size=page_size, limit=limit)]
    gates = [r async for r in client.iter_records(
        ep.GATE_RELEASES, window("OperationTime"), page_size=page_size, limit=limit)]
    return payments, gates


def _epoch(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text[:19], _TIME).timestamp()
    except ValueError:
        return None


def cross_check(
    payments: Sequence[tuple[PendingPayment, str]], actions: Sequence[ActionRow],
    server_payments: Sequence[m.PaymentRecord], server_gates: Sequence[m.GateReleaseRecord],
) -> list[Mismatch]:
    """Every difference between the shift's records and the server's for its window.

    Payments are matched by PaymentOrderNo: one the server holds that the console did not
    take (a QR payment by the driver, a payment taken elsewhere), one the console counts (sent,
    confirmed or waiting) that the server does not hold, and one with different amounts.
    Openings (gate records of type 0 or 1, "opened" and "opened without entry record") are
    matched by lane within :data:`GATE_MATCH_S` seconds with the console's successful
    ``open_gate`` rows."""
    out: list[Mismatch] = []
    server = {r.no: r for r in server_payments if r.no}
    mine = {p.payment_order_no: (p, status) for p, status in payments}
    for pno, (p, status) in mine.items():
        paid = _dec(p.request.get("TotalAmountPaid"))
        rec = server.get(pno)
        if rec is None:
            if status in _TAKEN:
                out.append(Mismatch("console_only", "payment", pno,
                                    f"lane {p.lane_no}, order {p.order_no}, ¥{money_text(paid)} "
                                    f"{method_name(str(p.request.get('PaymentMethod') or ''))}"
                                    f" ({status})"))
        elif status in _TAKEN and _dec(rec.total_amount_paid) != paid:
            out.append(Mismatch("amount", "payment", pno,
                                f"console ¥{money_text(paid)}, server "
                                f"¥{money_text(_dec(rec.total_amount_paid))}"))
    for pno, rec in server.items():
        if pno not in mine:
            who = rec.operator_name or "-"
            out.append(Mismatch("server_only", "payment", pno,
                                f"order {rec.order_no or ''} {rec.license_plate_number or ''} "
                                f"¥{money_text(_dec(rec.total_amount_paid))} "
                                f"{method_name(rec.payment_method or '')}, {rec.payment_time or ''}"
                                f", operator {who}"))
    opens = [r for r in actions if r.action == "open_gate" and r.result_code == 200]
    used: set[int] = set()
    for g in server_gates:
        if g.gate_switch_type not in (0, 1):
            continue
        at = _epoch(g.operation_time)
        match = next((r for r in opens if r.row_id not in used and r.lane_no == g.passage_lane_no
                      and at is not None and abs(r.at - at) <= GATE_MATCH_S), None)
        if match is not None:
            used.add(match.row_id)
            continue
        out.append(Mismatch("server_only", "opening",
                            f"lane {g.passage_lane_no or '?'} {g.operation_time or ''}",
                            f"{g.license_plate_number or ''} operator {g.operator_name or '-'}"
                            .strip()))
    for r in opens:
        if r.row_id not in used:
            out.append(Mismatch("console_only", "opening", f"lane {r.lane_no} {time_text(r.at)}",
                                f"journal row {r.row_id}"))
    return out


# -- CSV ---------------------------------------------------------------------------------------


def report_csv(report: ShiftReport) -> str:
    """The report as CSV: ``section, key, value...`` rows (UTF-8, one figure per row)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "item", "value", "detail", "reason", "approver", "operator"])
    w.writerow(["shift", "id", report.shift_id])
    w.writerow(["shift", "operator", report.operator])
    w.writerow(["shift", "opened", time_text(report.opened_at)])
    w.writerow(["shift", "closed", time_text(report.closed_at) if report.closed_at else ""])
    w.writerow(["shift", "closed by", report.closed_by])
    for line in report.methods:
        w.writerow(["payments", method_name(line.method), line.total, f"{line.count} payments"])
    w.writerow(["payments", "total", report.payments_total, f"{report.payments_count} payments"])
    w.writerow(["cash", "float", report.float_amount])
    w.writerow(["cash", "cash received", report.cash_received])
    w.writerow(["cash", "change given", report.change_given])
    w.writerow(["cash", "expected", report.expected_cash])
    w.writerow(["cash", "counted", report.counted_cash or ""])
    for d, n in report.denominations.items():
        w.writerow(["cash", f"count {d}", n])
    w.writerow(["cash", "variance", report.variance or ""])
    for section, items in (("fee override", report.overrides),
                           ("free release", report.free_releases),
                           ("manual opening", report.manual_openings),
                           ("no-plate entry", report.no_plate_entries),
                           ("plate correction", report.plate_corrections),
                           ("no entry record fee", report.no_entry_fees),
                           ("waiting for the server", report.waiting_payments),
                           ("unexplained opening", report.unexplained_openings)):
        for it in items:
            w.writerow([section, it.at, it.lane_no, it.what, it.reason, it.approver, it.operator])
    for mm in report.mismatches:
        w.writerow(["mismatch", mm.kind, mm.record, mm.ref, mm.detail])
    if report.cross_check_error:
        w.writerow(["mismatch", "not checked", report.cross_check_error])
    for table, head in report.audit_heads.items():
        w.writerow(["audit", f"{table} head", head])
    return buf.getvalue()
