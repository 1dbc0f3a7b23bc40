"""The ``Notice`` routes of section 5: ModifyParkingOrder, MonthlyCar, BlackList, PlateCoupon
and CouponScheme.

Every route goes through one path, :meth:`Notices.notice`: the Data is read as
``{NoticeType, Items}``, each item is parsed and checked by the route's ``parse`` (nothing is
written while any item is wrong), then the route's ``apply`` writes all of them in one
transaction. The route table :data:`NOTICE_ROUTES` says what each route does; BlackList,
PlateCoupon and CouponScheme are plain add/update/delete by ``No`` (:func:`upsert_route`),
differing only in how an item becomes a row and, for the blacklist, the callback it sends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from booth_console.protocol.aes import encrypt_field
from booth_console.protocol.timefmt import format_time
from booth_console.simulator import lot
from booth_console.simulator.engine.orders import Orders
from booth_console.simulator.engine.params import (
    as_money,
    notice_items,
    opt_str,
    req_amount,
    req_int,
    req_text,
    upper_plate,
)
from booth_console.simulator.engine.state import OPEN_API_OPERATOR, BusinessError
from booth_console.simulator.seed import stop_space_list
from booth_console.simulator.store import ParamError, parse_time

__all__ = ["NOTICE_ROUTES", "NoticeRoute", "Notices", "upsert_route"]

T = TypeVar("T")

#: An item to add or update by ``No`` (the row to write), or to delete (``None``), with the row
#: it replaces or deletes (``None`` when it is new).
Change = tuple[str, dict[str, Any] | None, sqlite3.Row | None]

_ADDED = "Add or update operation successfully!"
_DELETED = "Delete operation successfully!"


class Notices(Orders):
    """Handling of the Notice routes (through :data:`NOTICE_ROUTES`)."""

    def notice(self, route: str, data: Any) -> str:
        """Carry out one Notice request: parse and check every item, then write them all in
        one transaction. Returns the answer's message."""
        spec: NoticeRoute[Any] = NOTICE_ROUTES[route.lower()]
        notice_type, items = notice_items(data)
        parsed = [spec.parse(self, notice_type, i, item) for i, item in enumerate(items)]
        with self.store.transaction():
            return spec.apply(self, notice_type, parsed)

    # -- add, update or delete by No ---------------------------------------------------------

    def _upsert(self, table: str, what: str, notice_type: int, i: int,
                item: Mapping[str, Any],
                record: Callable[[Notices, Mapping[str, Any], str], dict[str, Any]]) -> Change:
        """Parse one item of an add/update/delete-by-No route (see :func:`upsert_route`)."""
        label = f"Items[{i}]."
        try:
            no = (req_text(item, "No") or "").strip()
        except ParamError as exc:
            raise ParamError(label + str(exc)) from None
        row = self.store.one(f'SELECT * FROM "{table}" WHERE No = ?', (no,))
        if notice_type == 1:
            if row is None:
                raise BusinessError(f"Items[{i}]: {what} record [{no}] does not exist")
            return no, None, row
        return no, record(self, item, label), row

    def _write_changes(self, table: str, changes: list[Change]) -> None:
        for no, rec, _ in changes:
            if rec is None:
                self.store.conn.execute(f'DELETE FROM "{table}" WHERE No = ?', (no,))
            elif self.store.one(f'SELECT Uid FROM "{table}" WHERE No = ?', (no,)):
                self.store.update(table, "No", no, rec)
            else:
                self.store.insert(table, rec)

    # -- ModifyParkingOrder ------------------------------------------------------------------

    def _parse_order_change(self, notice_type: int, i: int, item: Mapping[str, Any]
                            ) -> tuple[sqlite3.Row, dict[str, Any]]:
        order_no = req_text(item, "OrderNo")
        assert order_no is not None
        order = self.order(order_no.strip())
        if order is None:
            raise BusinessError(f"Items[{i}]: parking order [{order_no}] does not exist")
        if order["OrderStatus"] not in (199, 200):
            raise BusinessError(f"Items[{i}]: parking order [{order_no}] is not in the "
                                "car park")
        changes: dict[str, Any] = {}
        if notice_type == 0:
            plate = req_text(item, "LicensePlateNumber", required=False)
            if plate:
                changes["LicensePlateNumber"] = upper_plate(plate)
            vt_no = req_text(item, "VehicleTypeNo", required=False)
            if vt_no:
                self._check_vehicle_type(vt_no, f"Items[{i}].VehicleTypeNo")
                vt = self.vehicle_type(vt_no)
                changes.update(VehicleTypeNo=vt.no, VehicleTypeName=vt.name,
                               _PlateColor=vt.color)
            pt_no = req_text(item, "ParkingCardTypeNo", required=False)
            if pt_no:
                self._check_plate_type(pt_no, f"Items[{i}].ParkingCardTypeNo")
                pt = self.plate_type(pt_no)
                changes.update(ParkingCardTypeNo=pt.no, ParkingCardTypeName=pt.name)
            entry = req_text(item, "EntryTime", required=False)
            if entry:
                when = parse_time(entry, f"Items[{i}].EntryTime")
                if when > self.now():
                    raise ParamError(f"Items[{i}].EntryTime must not be in the future")
                changes["EntryTime"] = format_time(when)
            remarks = req_text(item, "Remarks", required=False)
            if remarks is not None:
                changes["Remarks"] = remarks
        return order, changes

    def _apply_order_changes(self, notice_type: int,
                             orders: list[tuple[sqlite3.Row, dict[str, Any]]]) -> str:
        for order, changes in orders:
            if notice_type == 0:
                self.store.update("ParkingOrder", "Uid", order["Uid"], changes)
                if "LicensePlateNumber" in changes:
                    self._in_lot_order_changed(order["OrderNo"])
            else:
                self._close_order(order, "Closed through the open interface", status=202)
        names = ", ".join(o["OrderNo"] for o, _ in orders)
        if notice_type == 1:
            return f"Order [{names}] on-site record closed successfully"
        return f"Order [{names}] on-site record updated successfully"

    # -- MonthlyCar ------------------------------------------------------------------------

    def _parse_monthly(self, notice_type: int, i: int, item: Mapping[str, Any]
                       ) -> tuple[sqlite3.Row, Mapping[str, Any]] | dict[str, Any]:
        """A deletion: the vehicle's row and the item; an addition: the vehicle to save."""
        if notice_type == 0:
            return self._parse_vehicle(i, item)
        no = req_text(item, "No")
        req_text(item, "OwnerNo", required=False)
        row = self.store.one('SELECT * FROM "MonthlyCar" WHERE No = ?', (no,))
        if row is None:
            raise BusinessError(f"Items[{i}]: vehicle record [{no}] does not exist")
        return row, item

    def _apply_monthly(self, notice_type: int,
                       parsed: list[tuple[sqlite3.Row, Mapping[str, Any]] | dict[str, Any]]
                       ) -> str:
        if notice_type == 1:
            deleted: set[int] = set()
            for entry in parsed:
                assert isinstance(entry, tuple)
                row, item = entry
                owner = req_text(item, "OwnerNo", required=False) or row["OwnerNo"]
                rows = self.store.all('SELECT * FROM "MonthlyCar" WHERE OwnerNo = ?', (owner,)) \
                    if bool(item.get("IsDeleteOwner")) and owner else [row]
                for r in rows:
                    if r["Uid"] not in deleted:  # listed twice, or with its owner
                        self._delete_vehicle(r, item)
                        deleted.add(r["Uid"])
            return f"{_DELETED} ({len(deleted)} vehicle records)"
        vehicles = [p for p in parsed if isinstance(p, dict)]
        self._save_vehicles(vehicles, self.now())
        return _ADDED

    def _save_vehicles(self, parsed: list[dict[str, Any]], now: datetime) -> None:
        """Rules 1-3 of the MonthlyCar notice, owner by owner."""
        by_owner: dict[str, list[dict[str, Any]]] = {}
        for p in parsed:
            by_owner.setdefault(p["OwnerNo"] or f"_no_owner_{p['No']}", []).append(p)
        for owner, vehicles in by_owner.items():
            existing = self.store.all('SELECT * FROM "MonthlyCar" WHERE OwnerNo = ? '
                                      "ORDER BY Uid", (owner,))
            matched_uids: set[int] = set()
            new_items: list[dict[str, Any]] = []
            updates: list[tuple[sqlite3.Row | None, dict[str, Any]]] = []
            for p in vehicles:
                match = next((r for r in existing if r["No"] == p["No"] and
                              (r["ParkingSpotNumber"] or "") == (p["ParkingSpotNumber"] or "")
                              and r["Uid"] not in matched_uids), None)
                if match is not None:  # rule 1: same No, spot and owner: update
                    matched_uids.add(match["Uid"])
                    updates.append((match, p))
                else:
                    new_items.append(p)
            spare = [r for r in existing if r["Uid"] not in matched_uids]
            for p in new_items:
                if spare:  # rule 2: a later request with only new plates replaces one
                    updates.append((spare.pop(0), p))
                else:  # rule 3: all existing plates are in the request: add the new ones
                    updates.append((None, p))
            for row, p in updates:
                self._save_vehicle(row, p, now)
            # Same owner: same period and type, from the record with the latest EndTime.
            rows = self.store.all('SELECT * FROM "MonthlyCar" WHERE OwnerNo = ?', (owner,))
            if owner and not owner.startswith("_no_owner_") and len(rows) > 1:
                ref = max(vehicles, key=lambda v: v["EndTime"] or "")
                self.store.conn.execute(
                    'UPDATE "MonthlyCar" SET StartTime = ?, EndTime = ?, VehicleTypeNo = ?, '
                    "VehicleTypeName = ?, ParkingCardTypeNo = ?, ParkingCardTypeName = ? "
                    "WHERE OwnerNo = ?",
                    (ref["StartTime"], ref["EndTime"], ref["VehicleTypeNo"],
                     ref["VehicleTypeName"], ref["ParkingCardTypeNo"],
                     ref["ParkingCardTypeName"], owner))

    def _parse_vehicle(self, i: int, item: Mapping[str, Any]) -> dict[str, Any]:
        label = f"Items[{i}]."
        try:
            no = (req_text(item, "No") or "").strip()
            plate = upper_plate(req_text(item, "LicensePlateNumber") or "")
            start = req_text(item, "StartTime", required=False)
            end = req_text(item, "EndTime", required=False)
            pt_no = req_text(item, "ParkingCardTypeNo", required=False) or "1772492942389944"
            vt_no = req_text(item, "VehicleTypeNo", required=False) or lot.DEFAULT_VEHICLE_TYPE_NO
            count = req_int(item, "OwnerParkingSpaceCount", required=False, default=1)
            enable_offline = req_int(item, "EnableOffline", required=False, default=0)
            balance = req_amount(item, "StoredVehicleBalance", required=False)
        except ParamError as exc:
            raise ParamError(label + str(exc)) from None
        self._check_plate_type(pt_no, label + "ParkingCardTypeNo")
        self._check_vehicle_type(vt_no, label + "VehicleTypeNo")
        start_t = format_time(parse_time(start, label + "StartTime")) if start else None
        end_t = format_time(parse_time(end, label + "EndTime")) if end else None
        if start_t and end_t and end_t < start_t:
            raise ParamError(label + "EndTime must not be before StartTime")
        if not 0 <= count <= 10_000:
            raise ParamError(label + "OwnerParkingSpaceCount must be between 0 and 10000")
        if enable_offline not in (0, 1):
            raise ParamError(label + "EnableOffline must be 0 or 1")
        pt = self.plate_type(pt_no)
        vt = self.vehicle_type(vt_no)
        return dict(
            No=no, LicensePlateNumber=plate,
            ParkingSpotNumber=opt_str(item, "ParkingSpotNumber"),
            OwnerParkingSpaceCount=count, OwnerName=opt_str(item, "OwnerName"),
            OwnerNo=opt_str(item, "OwnerNo"),
            OwnerIDCard=encrypt_field(opt_str(item, "OwnerIDCard")),
            OwnerLicense=encrypt_field(opt_str(item, "OwnerLicense")),
            OwnerAddress=opt_str(item, "OwnerAddress") or "",
            PhoneNumber=encrypt_field(opt_str(item, "PhoneNumber") or ""),
            Email=encrypt_field(opt_str(item, "Email")), StartTime=start_t, EndTime=end_t,
            StoredVehicleBalance=balance, VehicleTypeNo=vt.no, VehicleTypeName=vt.name,
            ParkingCardTypeNo=pt.no, ParkingCardTypeName=pt.name,
            OperatorName=opt_str(item, "OperatorName") or OPEN_API_OPERATOR,
            Remarks=opt_str(item, "Remarks"), EnableOffline=enable_offline)

    def _save_vehicle(self, row: sqlite3.Row | None, p: dict[str, Any], now: datetime) -> None:
        plate = p["LicensePlateNumber"]
        old_plate = row["LicensePlateNumber"] if row is not None else None
        if row is None:
            count = self.store.one('SELECT COUNT(*) FROM "MonthlyCar"')
            spot_no = f"C{(int(count[0]) if count else 0) + 1:05d}"
            self.store.insert("MonthlyCar", dict(
                p, SystemSpotNumber=spot_no, CreationTime=format_time(now), Status=1,
                IsDeleteOwner=False, StopSpaceList=stop_space_list(self.ids.number()),
                StatusText="Normal"))
        else:
            self.store.update("MonthlyCar", "Uid", row["Uid"], dict(p))
        if old_plate != plate:
            if old_plate:
                self._became_temporary(old_plate)
            # Rule 4: (re-)registration closes the previous in-park order.
            order = self.in_park_order(plate)
            if order is not None:
                self._close_order(order, "Closed: the vehicle was registered", status=202)
            self.pusher.enqueue(3, dict(
                LicensePlateNumber=plate, OwnerNo=p["OwnerNo"], OwnerName=p["OwnerName"],
                OwnerParkingSpaceCount=p["OwnerParkingSpaceCount"], StartTime=p["StartTime"],
                EndTime=p["EndTime"], StoredVehicleBalance=as_money(p["StoredVehicleBalance"]),
                VehicleTypeNo=p["VehicleTypeNo"], VehicleTypeName=p["VehicleTypeName"],
                ParkingCardTypeNo=p["ParkingCardTypeNo"],
                ParkingCardTypeName=p["ParkingCardTypeName"], CreationTime=format_time(now),
                ResidentialAddress=p["OwnerAddress"], PhoneNumber=p["PhoneNumber"],
                Remarks=p["Remarks"], OperatorName=p["OperatorName"]))
            return
        assert row is not None
        if p["EndTime"] and (row["EndTime"] or "") < p["EndTime"]:
            self.pusher.enqueue(4, dict(
                LicensePlateNumber=plate, PaymentOrderNo=f"MC{self.ids.number()}",
                TotalAmountDue=0, TotalAmountPaid=0, DiscountAmount=0, PaymentMethod="79001",
                PaymentTime=format_time(now), OperatorName=p["OperatorName"],
                StartTime=p["StartTime"], EndTime=p["EndTime"],
                StoredVehicleBalance=as_money(p["StoredVehicleBalance"]),
                VehicleTypeNo=p["VehicleTypeNo"], VehicleTypeName=p["VehicleTypeName"],
                ParkingCardTypeNo=p["ParkingCardTypeNo"],
                ParkingCardTypeName=p["ParkingCardTypeName"]))

    def _became_temporary(self, plate: str) -> None:
        """Rule 4: a deregistered vehicle in the car park becomes a temporary vehicle."""
        order = self.in_park_order(plate)
        if order is not None and self.monthly(plate) is None:
            pt = self.plate_type(lot.DEFAULT_PLATE_TYPE_NO)
            self.store.update("ParkingOrder", "Uid", order["Uid"], dict(
                ParkingCardTypeNo=pt.no, ParkingCardTypeName=pt.name))

    def _delete_vehicle(self, row: sqlite3.Row, item: Mapping[str, Any]) -> None:
        self.store.conn.execute('DELETE FROM "MonthlyCar" WHERE Uid = ?', (row["Uid"],))
        plate = row["LicensePlateNumber"]
        if plate:
            self._became_temporary(plate)
        self.pusher.enqueue(5, dict(
            LicensePlateNumber=plate,
            OperatorName=opt_str(item, "OperatorName") or "",
            OperationTime=format_time(self.now())))

    # -- BlackList, PlateCoupon, CouponScheme ------------------------------------------------

    def _blacklist_record(self, item: Mapping[str, Any], label: str) -> dict[str, Any]:
        try:
            plate = upper_plate(req_text(item, "LicensePlateNumber") or "")
        except ParamError as exc:
            raise ParamError(label + str(exc)) from None
        start = req_text(item, "StartTime", required=False)
        end = req_text(item, "EndTime", required=False)
        created = req_text(item, "CreationTime", required=False)
        return dict(
            No=(req_text(item, "No") or "").strip(), LicensePlateNumber=plate,
            OwnerName=opt_str(item, "OwnerName") or "",
            PhoneNumber=opt_str(item, "PhoneNumber") or "",
            StartTime=format_time(parse_time(start, label + "StartTime")) if start else None,
            EndTime=format_time(parse_time(end, label + "EndTime")) if end else None,
            Remarks=opt_str(item, "Remarks") or "",
            CreationTime=format_time(parse_time(created, label + "CreationTime"))
            if created else format_time(self.now()),
            OperatorName=opt_str(item, "OperatorName") or OPEN_API_OPERATOR, Status=1)

    def _announce_blacklist(self, changes: list[Change]) -> None:
        """``OnBlackList`` for every record added, updated (Status 1) or deleted (Status 0)."""
        for _, rec, row in changes:
            if rec is not None:
                self.pusher.enqueue(8, {k: v for k, v in rec.items() if k != "No"})
                continue
            assert row is not None
            self.pusher.enqueue(8, dict(
                LicensePlateNumber=row["LicensePlateNumber"], OwnerName=row["OwnerName"],
                PhoneNumber=row["PhoneNumber"] or "", StartTime=row["StartTime"],
                EndTime=row["EndTime"], CreationTime=row["CreationTime"],
                OperatorName=row["OperatorName"], Remarks=row["Remarks"], Status=0))

    def _coupon_record(self, item: Mapping[str, Any], label: str) -> dict[str, Any]:
        try:
            no = (req_text(item, "No") or "").strip()
            scheme = (req_text(item, "CouponSchemeNo") or "").strip()
            typ = (req_text(item, "Type") or "").strip()
            value = req_amount(item, "Value")
        except ParamError as exc:
            raise ParamError(label + str(exc)) from None
        if typ not in ("101", "102", "103", "104"):
            raise ParamError(f"{label}Type must be 101, 102, 103 or 104")
        if typ == "103" and value > 10:
            raise ParamError(f"{label}Value of a ratio coupon must be between 0 and 10")
        start = req_text(item, "StartTime", required=False)
        end = req_text(item, "EndTime", required=False)
        created = req_text(item, "CreationTime", required=False)
        plate = opt_str(item, "LicensePlateNumber")
        return dict(
            No=no, CouponSchemeNo=scheme, Type=typ, Value=value,
            StartTime=format_time(parse_time(start, label + "StartTime")) if start else None,
            EndTime=format_time(parse_time(end, label + "EndTime")) if end else None,
            OrderNo=opt_str(item, "OrderNo"),
            LicensePlateNumber=upper_plate(plate) if plate else None,
            BusinessName=opt_str(item, "BusinessName"),
            CreationTime=format_time(parse_time(created, label + "CreationTime"))
            if created else format_time(self.now()), Remarks=opt_str(item, "Remarks"))

    def _scheme_record(self, item: Mapping[str, Any], label: str) -> dict[str, Any]:
        try:
            no = (req_text(item, "No") or "").strip()
            typ = (req_text(item, "Type") or "").strip()
            amount = req_amount(item, "Amount", required=False)
            duration = req_amount(item, "Duration", required=False)
            ratio = req_amount(item, "Ratio", required=False)
            enable = req_int(item, "Enable", required=False, default=1)
            scene = req_int(item, "Scene", required=False, default=2)
        except ParamError as exc:
            raise ParamError(label + str(exc)) from None
        if typ not in ("101", "102", "103", "104"):
            raise ParamError(f"{label}Type must be 101, 102, 103 or 104")
        if ratio > 10:
            raise ParamError(f"{label}Ratio must be between 0 and 10")
        if enable not in (0, 1) or scene not in (0, 1, 2):
            raise ParamError(f"{label}Enable must be 0/1 and Scene 0, 1 or 2")
        valid = req_text(item, "VaildTime", required=False)
        if typ == "104" and not valid:
            raise ParamError(f"{label}VaildTime is required for type 104")
        created = req_text(item, "CreationTime", required=False)
        return dict(
            No=no, Name=opt_str(item, "Name") or "", Type=typ, Amount=amount,
            Duration=duration, Ratio=ratio,
            VaildTime=format_time(parse_time(valid, label + "VaildTime")) if valid else None,
            Enable=enable, Scene=scene,
            CreationTime=format_time(parse_time(created, label + "CreationTime"))
            if created else format_time(self.now()),
            OperatorName=opt_str(item, "OperatorName") or OPEN_API_OPERATOR)


@dataclass(frozen=True)
class NoticeRoute(Generic[T]):
    """What one Notice route does.

    Attributes:
        parse: ``(engine, NoticeType, index, item) -> T``: read and check one item (raise
            ``ParamError`` or ``BusinessError`` naming it); nothing may be written.
        apply: ``(engine, NoticeType, parsed items) -> message``: write them; runs inside the
            request's transaction.
    """

    parse: Callable[[Notices, int, int, Mapping[str, Any]], T]
    apply: Callable[[Notices, int, list[T]], str]


def upsert_route(table: str, what: str,
                 record: Callable[[Notices, Mapping[str, Any], str], dict[str, Any]],
                 announce: Callable[[Notices, list[Change]], None] | None = None
                 ) -> NoticeRoute[Change]:
    """A route that adds or updates rows of ``table`` by ``No`` (NoticeType 0, each item made
    a row by ``record(engine, item, label)``) or deletes them (1; an unknown ``No`` is 1005,
    naming the ``what`` record); ``announce`` sends the callbacks of the changes."""

    def apply(engine: Notices, notice_type: int, changes: list[Change]) -> str:
        engine._write_changes(table, changes)
        if announce is not None:
            announce(engine, changes)
        return _DELETED if notice_type == 1 else _ADDED

    return NoticeRoute(
        lambda engine, notice_type, i, item: engine._upsert(table, what, notice_type, i, item,
                                                            record),
        apply)


#: Route (lower case) -> what it does.
NOTICE_ROUTES: dict[str, NoticeRoute[Any]] = {
    "modifyparkingorder": NoticeRoute(Notices._parse_order_change, Notices._apply_order_changes),
    "monthlycar": NoticeRoute(Notices._parse_monthly, Notices._apply_monthly),
    "blacklist": upsert_route("BlackList", "blacklist", Notices._blacklist_record,
                              Notices._announce_blacklist),
    "platecoupon": upsert_route("PlateCoupon", "coupon", Notices._coupon_record),
    "couponscheme": upsert_route("CouponScheme", "coupon scheme", Notices._scheme_record),
}
