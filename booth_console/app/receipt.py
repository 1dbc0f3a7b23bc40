"""A payment's receipt: what is printed after a payment (``ui/receipt.py`` prints it).

Built from what the attendant saw and the server confirmed: the lot, the lane, the plate, entry
and exit time, the duration, the fee breakdown, the discount, the amount paid, received and
given back, the method, the operator and the payment order number (also printed as a QR code,
``segno``). No Qt here: the lines are plain text in the console's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QCoreApplication

from booth_console.app.snapshots import FeeLine
from booth_console.protocol.enums import PaymentMethod, try_enum

__all__ = ["Receipt", "qr_matrix"]

_DATE_FMT = "%Y-%m-%d %H:%M:%S"


def _tr(text: str) -> str:
    return QCoreApplication.translate("Receipt", text)


def _yuan(value: Decimal) -> str:
    return f"¥{value:.2f}"


@dataclass(frozen=True)
class Receipt:
    """One payment's receipt."""

    lot: str
    lane: str  #: "Exit A (2)"
    plate: str
    entry_time: str
    exit_time: str  #: when it was paid
    duration_min: int | None
    lines: tuple[FeeLine, ...]
    total_due: Decimal
    discount: Decimal
    paid: Decimal
    received: Decimal
    change: Decimal
    method: str  #: PaymentMethod code
    operator: str
    payment_order_no: str

    @staticmethod
    def duration_between(entry: str, exit_: str) -> int | None:
        """Whole minutes from ``entry`` to ``exit_`` (``None``: a time is not known)."""
        try:
            a = dt.datetime.strptime(entry, _DATE_FMT)
            b = dt.datetime.strptime(exit_, _DATE_FMT)
        except ValueError:
            return None
        return max(0, int((b - a).total_seconds() // 60))

    def method_name(self, language: str = "en") -> str:
        """The payment method's name in ``language`` (its code when unknown)."""
        known = try_enum(PaymentMethod, self.method)
        return known.display_name(language) if known is not None else self.method

    def duration_text(self) -> str:
        """"2 h 17 min" in the console's language."""
        if self.duration_min is None:
            return "—"
        h, m = divmod(self.duration_min, 60)
        if h:
            return _tr("{h} h {m} min").format(h=h, m=m)
        return _tr("{m} min").format(m=m)

    def rows(self, language: str = "en") -> list[tuple[str, str]]:
        """The receipt's lines as (label, value), in print order (the title and the QR code
        are the printer's)."""
        rows = [
            (_tr("Lane"), self.lane),
            (_tr("Plate"), self.plate or "—"),
            (_tr("Entry time"), self.entry_time or "—"),
            (_tr("Exit time"), self.exit_time),
            (_tr("Duration"), self.duration_text()),
        ]
        for line in self.lines:
            where = line.area or _tr("Fee")
            rows.append((f"  {where}", _yuan(line.amount)))
        rows += [
            (_tr("Fee"), _yuan(self.total_due)),
            (_tr("Discount"), _yuan(self.discount)),
            (_tr("Paid"), _yuan(self.paid)),
            (_tr("Received"), _yuan(self.received)),
            (_tr("Change"), _yuan(self.change)),
            (_tr("Method"), self.method_name(language)),
            (_tr("Operator"), self.operator),
            (_tr("Payment no."), self.payment_order_no),
        ]
        return rows


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of a QR code of ``text`` (dark: ``True``), without the quiet zone."""
    import segno

    qr = segno.make(text, error="m", micro=False)
    return [[bool(v) for v in row] for row in qr.matrix]
