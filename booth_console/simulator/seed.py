"""Seed a fresh database with the lot of the document's examples."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from booth_console.protocol.aes import encrypt_field
from booth_console.protocol.timefmt import format_time
from booth_console.simulator import lot
from booth_console.simulator.ids import IdGen
from booth_console.simulator.store import Store

__all__ = ["PROVINCES", "random_plate", "seed_lot", "stop_space_list"]

PROVINCES = "粤京沪苏浙川鲁豫"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "0123456789"


def random_plate(rng: random.Random) -> str:
    """A plausible plate: mostly Chinese-style (粤B1C234), sometimes ASCII only (AB12345)."""
    body = "".join(rng.choice(DIGITS + LETTERS) if i in (1, 2) else rng.choice(DIGITS)
                   for i in range(5))
    if rng.random() < 0.7:
        return rng.choice(PROVINCES) + rng.choice(LETTERS) + body
    return rng.choice(LETTERS) + rng.choice(LETTERS) + body


def stop_space_list(no: str) -> list[dict[str, object]]:
    """The StopSpaceList of a vehicle allowed in all areas (the current version's only mode)."""
    return [{"No": no, "Type": 0, "AreaNos": '["0"]', "AreaName": "All Zone", "SpaceCount": 1}]


def _plate_type(no: str) -> lot.PlateTypeDef:
    return next(p for p in lot.PLATE_TYPES if p.no == no)


def _vehicle_type(no: str) -> lot.VehicleTypeDef:
    return next(v for v in lot.VEHICLE_TYPES if v.no == no)


def seed_lot(store: Store, ids: IdGen, now: datetime, seed: int, base_url: str,
             in_park: int = 40, history: int = 12) -> None:
    """Fill an empty database: booth, area, lanes, types, vehicles, blacklist, coupons, orders."""
    rng = random.Random(seed)
    with store.transaction():
        store.insert("Area", dict(No=lot.AREA_NO, AreaName=lot.AREA_NAME, AreaType=0,
                                  AreaSpaceNum=lot.AREA_SPACES, PUid=0, Level=0,
                                  CreationTime="2026-03-18 02:32:14"))
        store.insert("SentryHost", dict(No=lot.BOOTH_NO, Name="Booth 1", Category=1,
                                        IP="127.0.0.1", TcpPort=None, BSPort=7702,
                                        CreationTime=lot.CREATED, Longitude=None, Latitude=None))
        for lane in lot.LANES:
            store.insert("Lane", dict(
                No=lane.no, LaneName=lane.name, LaneType=1, LaneDutyMode=1, CameraMode=1,
                IdInterval=3, IsBackCar=0, IsCharge=int(lane.charge), OpenGateAndVoice=1,
                SentryHostNo=lot.BOOTH_NO, CreationTime=lot.CREATED, IsSense=1, IsSameInOut=0,
                SameInOutLaneNo=None, SameInOutType=0, IsEnableBoard=0,
                LaneLinkAreas=[{"No": lane.link_no, "AreaNo": lot.AREA_NO,
                                "InOutMode": 1 if lane.entry else 0}]))
        for pt in lot.PLATE_TYPES:
            store.insert("CardType", dict(No=pt.no, ParkingCardTypeName=pt.name,
                                          IsMoreCar=pt.is_more_car, CreationTime=lot.CREATED,
                                          OperatorName=None, Category=pt.category))
        for vt in lot.VEHICLE_TYPES:
            store.insert("CarType", dict(No=vt.no, VehicleTypeName=vt.name,
                                         CreationTime=vt.created, OperatorName=None))
        day = timedelta(days=1)
        vehicles = [
            ("1774336597411510", "P12345", "56", "410000199701311192", "Chen Hao",
             now - 60 * day, now + 300 * day, "1772492942389944", 0),
            ("1774336597411515", "DASH1", "", "1774322212039836", "Li Na",
             now - 5 * day, now + 25 * day, "1772492942389944", 0),
            ("1774336597411520", "粤B88888", "C01", "1774322212039900", "Wang Fang",
             now - 10 * day, now + 80 * day, "1772492942389782", 0),
            ("1774336597411521", "粤B66666", "C01", "1774322212039900", "Wang Fang",
             now - 10 * day, now + 80 * day, "1772492942389782", 0),
            ("1774336597411530", "EXP001", "", "1774322212039950", "Zhao Lei",
             now - 60 * day, now - 2 * day, "1772492942389944", 0),
            ("1774336597411540", "FREE01", "", "1774322212039960", "City Services",
             now - 100 * day, now + 265 * day, "1772492942389454", 0),
            ("1774336597411550", "SV0001", "", "1774322212039970", "Sun Li",
             now - 30 * day, now + 335 * day, "1772492942389308", 100),
        ]
        for i, (no, plate, spot, owner_no, owner, start, end, pt_no, balance) in enumerate(
                vehicles):
            pt = _plate_type(pt_no)
            vt = _vehicle_type(lot.DEFAULT_VEHICLE_TYPE_NO)
            store.insert("MonthlyCar", dict(
                No=no, LicensePlateNumber=plate, SystemSpotNumber=f"C{i + 1:05d}",
                ParkingSpotNumber=spot, OwnerParkingSpaceCount=1 if owner_no != "1774322212039900"
                else 2, OwnerName=owner, OwnerNo=owner_no,
                OwnerIDCard=encrypt_field(f"11010119900307{1000 + i}"),
                OwnerLicense=encrypt_field(f"D{4400000 + i}"), OwnerAddress="1 Harbour Road",
                PhoneNumber=encrypt_field(f"1380013{8000 + i}"),
                Email=encrypt_field(f"owner{i + 1}@example.com"),
                StartTime=format_time(start.replace(hour=0, minute=0, second=0, microsecond=0)),
                EndTime=format_time(end.replace(hour=23, minute=59, second=59, microsecond=0)),
                StoredVehicleBalance=balance, VehicleTypeNo=vt.no, VehicleTypeName=vt.name,
                ParkingCardTypeNo=pt.no, ParkingCardTypeName=pt.name, OperatorName="admin",
                CreationTime=format_time(start), Remarks="", Status=1, EnableOffline=1,
                IsDeleteOwner=False, StopSpaceList=stop_space_list(str(int(no) + 100)),
                StatusText="Normal"))
        store.insert("BlackList", dict(
            No="BL1774695130227262", LicensePlateNumber="ABC123", OwnerName="",
            PhoneNumber="", StartTime=format_time(now - 30 * day),
            EndTime=format_time(now + 60 * day), Remarks="Unpaid fees", CreationTime=format_time(
                now - 30 * day), OperatorName="admin", Status=1))
        schemes = [
            ("1774060298299591", "5 yuan off", "101", 5, 0, 0, None),
            ("1774060298299592", "1 hour free", "102", 0, 60, 0, None),
            ("1774060298299594", "20% off", "103", 0, 0, 8, None),
            ("1774060298299595", "Free until midnight", "104", 0, 0, 0,
             format_time(now.replace(hour=23, minute=59, second=59, microsecond=0))),
        ]
        for no, name, typ, amount, duration, ratio, valid in schemes:
            store.insert("CouponScheme", dict(
                No=no, Name=name, Type=typ, Amount=amount, Duration=duration, Ratio=ratio,
                VaildTime=valid, Enable=1, Scene=2, CreationTime=format_time(now - 40 * day),
                OperatorName="admin"))
        vt_choices = [v for v in lot.VEHICLE_TYPES[:5]]
        order_nos: list[tuple[str, str]] = []
        for i in range(in_park + history):
            plate = random_plate(rng)
            entry = now - timedelta(minutes=rng.randint(20, 50 * 60))
            lane = rng.choice([ln for ln in lot.LANES if ln.entry])
            vt = rng.choices(vt_choices, weights=[70, 10, 15, 3, 2])[0]
            pt = _plate_type(lot.DEFAULT_PLATE_TYPE_NO if rng.random() < 0.85
                             else "1772492942389238")
            order_no = f"{ids.number()}-{plate}"
            exited = i >= in_park
            row = dict(
                OrderNo=order_no, LicensePlateNumber=plate, EntryTime=format_time(entry),
                ExitTime="0001-01-01 00:00:00", EntryLaneNo=lane.no, EntryLaneName=lane.name,
                ExitLaneNo=None, ExitLaneName=None, EntryOperatorName="admin",
                ExitOperatorName=None, ParkingAreaNo=lot.AREA_NO, ParkingAreaName=lot.AREA_NAME,
                VehicleTypeNo=vt.no, VehicleTypeName=vt.name, EntryImageUrl="",
                ExitImageUrl=None, ParkingCardTypeNo=pt.no, ParkingCardTypeName=pt.name,
                OrderStatus=200, IsFreePass=False, FreePassReason=None, TotalAmountDue=0,
                TotalAmountPaid=0, IsVehicleLocked=False, Remarks="", _PlateColor=vt.color)
            if exited:
                stay = rng.randint(10, int((now - entry).total_seconds() // 60))
                exit_time = entry + timedelta(minutes=stay)
                exit_lane = rng.choice([ln for ln in lot.LANES if not ln.entry])
                due = _seed_fee(stay)
                row.update(ExitTime=format_time(exit_time), ExitLaneNo=exit_lane.no,
                           ExitLaneName=exit_lane.name, ExitOperatorName="admin",
                           OrderStatus=201, TotalAmountDue=due, TotalAmountPaid=due,
                           ExitImageUrl="")
                if due:
                    pay_no = f"PO{ids.number()}"
                    store.insert("PaymentOrder", dict(
                        No=pay_no, OrderNo=order_no, LicensePlateNumber=plate, OrderType="5901",
                        SystemSpotNumber=None, VehicleTypeNo=vt.no, VehicleTypeName=vt.name,
                        ParkingCardTypeNo=pt.no, ParkingCardTypeName=pt.name,
                        StartTime=format_time(entry), EndTime=format_time(exit_time),
                        BeforeEndTime=None, OwnerNo=None, OwnerName=None, TotalAmountDue=due,
                        TotalAmountPaid=due, DiscountAmount=0, StoredValueDeduction=0,
                        SelfMoney=0, OutReduceMoney=0, PaymentMethod="79001", PaymentStatus=1,
                        EntryTime=format_time(entry), PaymentTime=format_time(exit_time),
                        ParkingDuration=stay, Remarks=None, OperatorName="admin",
                        CreationTime=format_time(exit_time), PaymentScene=0))
                    store.insert("PaymentOrderDetail", dict(
                        No=f"PD{ids.number()}-{plate}", OrderNo=order_no, PaymentOrderNo=pay_no,
                        OrderDetailNo=None, StartTime=format_time(entry),
                        EndTime=format_time(exit_time), TimeCount=stay, OrderType="5901",
                        AreaNo=lot.AREA_NO, AreaName=lot.AREA_NAME, LicensePlateNumber=plate,
                        VehicleTypeNo=vt.no, VehicleTypeName=vt.name, ParkingCardTypeNo=pt.no,
                        ParkingCardTypeName=pt.name, PaymentMethod="79001", TotalAmountDue=due,
                        TotalAmountPaid=due, DiscountAmount=0, PaymentStatus=1,
                        PassageLaneNo=exit_lane.no, Remarks=None,
                        CreationTime=format_time(exit_time), OperatorName="admin",
                        StoredValueDeduction=0))
            store.insert("ParkingOrder", row)
            if not exited:
                order_nos.append((order_no, plate))
        # The document's example order, so its GetOrderPrice / ModifyParkingOrder / PaySuccess
        # examples find it.
        blue = lot.VEHICLE_TYPES[0]
        temp_a = _plate_type(lot.DEFAULT_PLATE_TYPE_NO)
        store.insert("ParkingOrder", dict(
            OrderNo="1774695602882864-BCDE11", LicensePlateNumber="ABCDE11",
            EntryTime="2026-02-27 08:59:25", ExitTime="0001-01-01 00:00:00", EntryLaneNo="1",
            EntryLaneName=lot.LANES[0].name, ExitLaneNo=None, ExitLaneName=None,
            EntryOperatorName="qq", ExitOperatorName=None, ParkingAreaNo=lot.AREA_NO,
            ParkingAreaName=lot.AREA_NAME, VehicleTypeNo=blue.no, VehicleTypeName=blue.name,
            EntryImageUrl="", ExitImageUrl=None, ParkingCardTypeNo=temp_a.no,
            ParkingCardTypeName=temp_a.name, OrderStatus=200, IsFreePass=False,
            FreePassReason=None, TotalAmountDue=0, TotalAmountPaid=0, IsVehicleLocked=False,
            Remarks="", _PlateColor=blue.color))
        # Coupons on some in-park vehicles: one of each scheme type.
        for (no, name, typ, amount, duration, ratio, valid), (order_no, plate) in zip(
                schemes, order_nos[:4], strict=False):
            value = {"101": amount, "102": duration, "103": ratio, "104": 0}[typ]
            store.insert("PlateCoupon", dict(
                No=f"CF{ids.number()}", CouponSchemeNo=no, Type=typ, Value=value,
                StartTime=None, EndTime=valid, OrderNo=order_no, LicensePlateNumber=plate,
                BusinessName="Mall Cafe", CreationTime=format_time(now - timedelta(minutes=5)),
                Remarks=name))
        store.insert("_Meta", dict(Key="base_url", Value=base_url))


def _seed_fee(minutes: int) -> int:
    from booth_console.simulator.tariff import stay_fee

    return int(stay_fee(minutes, lot.tariff_for("3651")))
