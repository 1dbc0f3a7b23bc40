"""The simulator's tariff: fee of a stay at the simulated time, with coupons.

Rules (documented in docs/SIMULATOR.md):

* a stay of at most ``free_minutes`` (15) costs nothing; longer stays are charged from entry;
* each started 24 h period costs ``first_hour`` (5 yuan) for its first hour (any part of it),
  then ``later_hour`` (2 yuan) per started hour, capped at ``daily_cap`` (40 yuan);
* monthly vehicles are free while their record is valid; if it expires during the stay, the
  part after the end time is charged (``IsCarExpire`` 1); free vehicles (category 3656) pay 0;
* coupons are applied in this order: 104 (free until a time) and 102 (minutes off) shorten the
  charged period, then 103 (ratio: value x pays x/10 of the fee), then 101 (amount off).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from booth_console.protocol.jsonutil import shortest_decimal
from booth_console.protocol.timefmt import format_time
from booth_console.simulator.lot import AREA_NAME, AREA_NO, Tariff

__all__ = ["Coupon", "Price", "block_fee", "compute_price", "stay_fee"]

DAY = 1440
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Coupon:
    """A plate coupon applied to an order: type 101-104 and its value."""

    no: str
    name: str
    type: str
    value: Decimal
    until: datetime | None = None


@dataclass
class Price:
    """The fee of an order at ``calc``: gross, discount, payable and a per-period breakdown."""

    entry: datetime
    calc: datetime
    stay_minutes: int
    gross: Decimal
    discount: Decimal
    final: Decimal
    details: list[dict[str, Any]] = field(default_factory=list)
    coupons: list[Coupon] = field(default_factory=list)
    remarks: str = ""


def block_fee(minutes: int, tariff: Tariff) -> Decimal:
    """The fee of at most 24 h of charged time (first hour, later hours started, cap)."""
    if minutes <= 0:
        return Decimal(0)
    later_hours = -(-max(0, minutes - 60) // 60)
    return min(tariff.daily_cap, tariff.first_hour + tariff.later_hour * later_hours)


def stay_fee(minutes: int, tariff: Tariff) -> Decimal:
    """The fee of a stay of ``minutes`` (free minutes, then 24 h blocks)."""
    if minutes <= tariff.free_minutes:
        return Decimal(0)
    days, rest = divmod(minutes, DAY)
    return tariff.daily_cap * days + block_fee(rest, tariff) if days else block_fee(rest, tariff)


def _minutes(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def _money(value: Decimal) -> Decimal:
    return shortest_decimal(value.quantize(CENT, rounding=ROUND_HALF_UP))


def compute_price(
    entry: datetime,
    calc: datetime,
    tariff: Tariff,
    *,
    label: str,
    free: bool = False,
    monthly_end: datetime | None = None,
    monthly_valid_from: datetime | None = None,
    coupons: list[Coupon] | None = None,
) -> Price:
    """The price of a stay from ``entry`` to ``calc``.

    Args:
        label: the plate-type name shown in the breakdown's Remarks.
        free: a free vehicle (category 3656, or a valid monthly vehicle for the whole stay).
        monthly_end: the end time of a monthly record; the stay after it is charged.
        monthly_valid_from: the start of that record (the record does not cover earlier time).
        coupons: coupons to apply, any of types 101-104.
    """
    stay = _minutes(entry, calc)
    coupons = list(coupons or [])
    base = dict(AreaNo=AREA_NO, AreaName=AREA_NAME, DiscountAmount=None, IsOverTime=0)
    if free:
        return Price(entry, calc, stay, Decimal(0), Decimal(0), Decimal(0), [dict(
            base, StartTime=format_time(entry), EndTime=format_time(calc), CalcAmount=Decimal(0),
            FreeMinutes=0, StayMinutes=stay, Remarks=f"Free of charge ({label})",
            IsCarExpire=0)], [], label)
    charge_from = entry
    expired = 0
    if monthly_end is not None:
        expired = 1
        if monthly_valid_from is not None and monthly_valid_from <= entry < monthly_end:
            charge_from = max(entry, monthly_end)
    gross_minutes = _minutes(charge_from, calc)
    gross = stay_fee(gross_minutes, tariff)
    # Time coupons shorten the charged period.
    start = charge_from
    minus = 0
    applied: list[Coupon] = []
    for c in coupons:
        if c.type == "104" and c.until is not None:
            start = max(start, c.until)
            applied.append(c)
        elif c.type == "102":
            minus += int(c.value)
            applied.append(c)
    charged_minutes = max(0, _minutes(start, calc) - minus) if start < calc else 0
    fee = stay_fee(charged_minutes, tariff) if charged_minutes else Decimal(0)
    for c in coupons:
        if c.type == "103":
            ratio = min(max(c.value, Decimal(0)), Decimal(10))
            fee = (fee * ratio / Decimal(10)).quantize(CENT, rounding=ROUND_HALF_UP)
            applied.append(c)
    for c in coupons:
        if c.type == "101":
            fee = max(Decimal(0), fee - c.value)
            applied.append(c)
    fee = min(fee, gross)
    details: list[dict[str, Any]] = []
    remarks = f"Charged by {label}"
    if expired:
        remarks += " (monthly record expired)"
    if gross_minutes <= tariff.free_minutes:
        details.append(dict(base, StartTime=format_time(charge_from), EndTime=format_time(calc),
                            CalcAmount=Decimal(0), FreeMinutes=tariff.free_minutes,
                            StayMinutes=gross_minutes, Remarks=remarks + ": within free minutes",
                            IsCarExpire=expired))
    else:
        block_start = charge_from
        left = gross_minutes
        first = True
        while left > 0:
            chunk = min(left, DAY)
            block_end = min(calc, block_start + timedelta(minutes=chunk))
            amount = block_fee(chunk, tariff)
            note = remarks
            if amount == tariff.daily_cap and chunk > 60:
                note += f" (daily cap {tariff.daily_cap})"
            details.append(dict(base, StartTime=format_time(block_start),
                                EndTime=format_time(block_end), CalcAmount=_money(amount),
                                FreeMinutes=tariff.free_minutes if first else 0,
                                StayMinutes=chunk, Remarks=note, IsCarExpire=expired))
            block_start = block_end
            left -= chunk
            first = False
    discount = gross - fee
    if details and discount:
        details[-1]["DiscountAmount"] = _money(discount)
    return Price(entry, calc, stay, _money(gross), _money(discount), _money(fee), details,
                 applied, remarks)
