"""SQLite state of the simulated parking software and the paged query engine.

Every ``Query`` route maps to one table whose columns carry the document's field names; extra
internal columns start with an underscore and are never returned. Paging, ``OrderBy`` and
``QueryCondition`` (all 16 operators of QueryOperatorEnum, with SqlSugar's semantics, which
the parking software uses) are turned into parameterised SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from booth_console.protocol.jsonutil import shortest_decimal
from booth_console.protocol.timefmt import format_time, parse_request_time

__all__ = [
    "ROUTES",
    "ParamError",
    "QuerySpec",
    "Store",
    "parse_time",
]

class ParamError(ValueError):
    """A request parameter is invalid (ResultCode 1002); the message names the field."""


def parse_time(text: Any, field: str) -> datetime:
    """Parse a request's date (:func:`~booth_console.protocol.timefmt.parse_request_time`);
    raise :class:`ParamError` naming the field."""
    if not isinstance(text, str):
        raise ParamError(f"{field} must be a date string (yyyy-MM-dd HH:mm:ss)")
    try:
        return parse_request_time(text)
    except ValueError:
        raise ParamError(f"{field} '{text}' is not a valid date (yyyy-MM-dd HH:mm:ss)") from None


# ---------------------------------------------------------------------------------------------
# Table specifications

INT, NUM, STR, DATE, BOOL, JSON = "int", "num", "str", "date", "bool", "json"


@dataclass(frozen=True)
class QuerySpec:
    """One ``Query`` route: its table, returned fields with their types, nested array fields."""

    route: str
    table: str
    fields: tuple[tuple[str, str], ...]
    nested: frozenset[str] = frozenset()
    extra_columns: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    def kind(self, name: str) -> str:
        for n, k in self.fields:
            if n == name:
                return k
        raise KeyError(name)

    def resolve(self, name: str) -> str | None:
        """The field of this name (exact, then case-insensitive), or ``None``."""
        if name in self.names:
            return name
        lowered = name.lower()
        for n in self.names:
            if n.lower() == lowered:
                return n
        return None


def _spec(route: str, table: str, fields: str, nested: Iterable[str] = (),
          extra: Sequence[str] = (), indexes: Sequence[str] = ()) -> QuerySpec:
    pairs = []
    for item in fields.split():
        name, kind = item.split(":")
        pairs.append((name, kind))
    return QuerySpec(route, table, tuple(pairs), frozenset(nested), tuple(extra), tuple(indexes))


ROUTES: dict[str, QuerySpec] = {s.route.lower(): s for s in (
    _spec("Area", "Area", "Uid:int No:str AreaName:str AreaType:int AreaSpaceNum:int PUid:int "
          "Level:int CreationTime:date"),
    _spec("SentryHost", "SentryHost", "Uid:int No:str Name:str Category:int IP:str TcpPort:int "
          "BSPort:int CreationTime:date Longitude:num Latitude:num"),
    _spec("Lane", "Lane", "Uid:int No:str LaneName:str LaneType:int LaneDutyMode:int "
          "CameraMode:int IdInterval:int IsBackCar:int IsCharge:int OpenGateAndVoice:int "
          "SentryHostNo:str CreationTime:date IsSense:int IsSameInOut:int SameInOutLaneNo:str "
          "SameInOutType:int IsEnableBoard:int LaneLinkAreas:json",
          nested=("AreaNo", "InOutMode")),
    _spec("CardType", "CardType", "Uid:int No:str ParkingCardTypeName:str IsMoreCar:bool "
          "CreationTime:date OperatorName:str Category:str"),
    _spec("CarType", "CarType", "Uid:int No:str VehicleTypeName:str CreationTime:date "
          "OperatorName:str"),
    _spec("MonthlyCar", "MonthlyCar", "Uid:int No:str LicensePlateNumber:str "
          "SystemSpotNumber:str ParkingSpotNumber:str OwnerParkingSpaceCount:int OwnerName:str "
          "OwnerNo:str OwnerIDCard:str OwnerLicense:str OwnerAddress:str PhoneNumber:str "
          "Email:str StartTime:date EndTime:date StoredVehicleBalance:num VehicleTypeNo:str "
          "VehicleTypeName:str ParkingCardTypeNo:str ParkingCardTypeName:str OperatorName:str "
          "CreationTime:date Remarks:str Status:int EnableOffline:int IsDeleteOwner:bool "
          "StopSpaceList:json StatusText:str",
          nested=("Type", "AreaNos", "SpaceCount"), indexes=("LicensePlateNumber", "OwnerNo")),
    _spec("BlackList", "BlackList", "Uid:int No:str LicensePlateNumber:str OwnerName:str "
          "PhoneNumber:str StartTime:date EndTime:date Remarks:str CreationTime:date "
          "OperatorName:str Status:int", indexes=("LicensePlateNumber",)),
    _spec("ParkingOrder", "ParkingOrder", "Uid:int OrderNo:str LicensePlateNumber:str "
          "EntryTime:date ExitTime:date EntryLaneNo:str EntryLaneName:str ExitLaneNo:str "
          "ExitLaneName:str EntryOperatorName:str ExitOperatorName:str ParkingAreaNo:str "
          "ParkingAreaName:str VehicleTypeNo:str VehicleTypeName:str EntryImageUrl:str "
          "ExitImageUrl:str ParkingCardTypeNo:str ParkingCardTypeName:str OrderStatus:int "
          "IsFreePass:bool FreePassReason:str TotalAmountDue:num TotalAmountPaid:num "
          "IsVehicleLocked:bool Remarks:str",
          extra=("_PlateColor INTEGER", "_EntryImage TEXT", "_ExitImage TEXT"),
          indexes=("OrderNo", "LicensePlateNumber", "OrderStatus", "EntryLaneNo", "ExitLaneNo",
                   "EntryTime")),
    _spec("PaymentOrder", "PaymentOrder", "Uid:int No:str OrderNo:str LicensePlateNumber:str "
          "OrderType:str SystemSpotNumber:str VehicleTypeNo:str VehicleTypeName:str "
          "ParkingCardTypeNo:str ParkingCardTypeName:str StartTime:date EndTime:date "
          "BeforeEndTime:date OwnerNo:str OwnerName:str TotalAmountDue:num TotalAmountPaid:num "
          "DiscountAmount:num StoredValueDeduction:num SelfMoney:num OutReduceMoney:num "
          "PaymentMethod:str PaymentStatus:int EntryTime:date PaymentTime:date "
          "ParkingDuration:num Remarks:str OperatorName:str CreationTime:date PaymentScene:int",
          indexes=("No", "OrderNo", "LicensePlateNumber")),
    _spec("PaymentOrderDetail", "PaymentOrderDetail", "Uid:int No:str OrderNo:str "
          "PaymentOrderNo:str OrderDetailNo:str StartTime:date EndTime:date TimeCount:int "
          "OrderType:str AreaNo:str AreaName:str LicensePlateNumber:str VehicleTypeNo:str "
          "VehicleTypeName:str ParkingCardTypeNo:str ParkingCardTypeName:str PaymentMethod:str "
          "TotalAmountDue:num TotalAmountPaid:num DiscountAmount:num PaymentStatus:int "
          "PassageLaneNo:str Remarks:str CreationTime:date OperatorName:str "
          "StoredValueDeduction:num", indexes=("OrderNo", "PaymentOrderNo")),
    _spec("OpenGate", "OpenGate", "Uid:int No:str GateSwitchType:int OrderNo:str "
          "LicensePlateNumber:str PassageLaneNo:str PassageLaneName:str DeviceNo:str "
          "DeviceName:str VehicleTypeNo:str VehicleTypeName:str ParkingCardTypeNo:str "
          "ParkingCardTypeName:str SpecialVehicleNo:str SpecialVehicleName:str "
          "PassageImageUrl:str PassageTime:date OperatorName:str OperationTime:date Remarks:str "
          "TotalAmountPaid:num", indexes=("PassageLaneNo",)),
    _spec("CouponScheme", "CouponScheme", "Uid:int No:str Name:str Type:str Amount:num "
          "Duration:num Ratio:num VaildTime:date Enable:int Scene:int CreationTime:date "
          "OperatorName:str"),
    _spec("PlateCoupon", "PlateCoupon", "Uid:int No:str CouponSchemeNo:str Type:str Value:num "
          "StartTime:date EndTime:date OrderNo:str LicensePlateNumber:str BusinessName:str "
          "CreationTime:date Remarks:str",
          extra=("_UsedBy TEXT",), indexes=("OrderNo", "LicensePlateNumber", "No")),
)}

_SQL_TYPES = {INT: "INTEGER", NUM: "REAL", STR: "TEXT", DATE: "TEXT", BOOL: "INTEGER",
              JSON: "TEXT"}

OPERATOR_NAMES = ("Equal", "Like", "GreaterThan", "GreaterThanOrEqual", "LessThan",
                  "LessThanOrEqual", "In", "NotIn", "LikeLeft", "LikeRight", "NoEqual",
                  "IsNullOrEmpty", "IsNot", "NoLike", "EqualNull", "InLike")

CALLBACK_TABLE = """
CREATE TABLE IF NOT EXISTS _Callback (
    Id INTEGER PRIMARY KEY AUTOINCREMENT,
    Idx INTEGER NOT NULL,
    CreatedAt TEXT NOT NULL,
    Data TEXT NOT NULL,
    ImagePath TEXT,
    Status TEXT NOT NULL,
    Attempts INTEGER NOT NULL DEFAULT 0,
    LastError TEXT,
    RequestId TEXT,
    SentAt TEXT
);
CREATE INDEX IF NOT EXISTS ix_cb_status ON _Callback(Idx, Status);
CREATE INDEX IF NOT EXISTS ix_cb_created ON _Callback(CreatedAt);
CREATE TABLE IF NOT EXISTS _Meta (Key TEXT PRIMARY KEY, Value TEXT);
"""


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _as_text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | Decimal | float):
        return str(value)
    raise ParamError(f"QueryCondition.Value for {field} must be a string")


class Store:
    """The SQLite database: schema, generic insert/update helpers and the paged query engine."""

    SCHEMA_VERSION = 1

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=OFF")
        self._create()

    def close(self) -> None:
        self.conn.close()

    # -- schema -------------------------------------------------------------------------------

    def _create(self) -> None:
        cur = self.conn.cursor()
        for spec in ROUTES.values():
            cols = []
            for name, kind in spec.fields:
                if name == "Uid":
                    cols.append("Uid INTEGER PRIMARY KEY AUTOINCREMENT")
                else:
                    cols.append(f'"{name}" {_SQL_TYPES[kind]}')
            cols.extend(spec.extra_columns)
            cur.execute(f'CREATE TABLE IF NOT EXISTS "{spec.table}" ({", ".join(cols)})')
            for col in spec.indexes:
                cur.execute(f'CREATE INDEX IF NOT EXISTS "ix_{spec.table}_{col}" '
                            f'ON "{spec.table}"("{col}")')
        cur.executescript(CALLBACK_TABLE)
        cur.execute(f"PRAGMA user_version={self.SCHEMA_VERSION}")

    def is_empty(self) -> bool:
        return int(self.conn.execute('SELECT COUNT(*) FROM "Lane"').fetchone()[0]) == 0

    # -- generic helpers ------------------------------------------------------------------------

    def insert(self, table: str, row: Mapping[str, Any]) -> int:
        cols = list(row)
        values = [_db_value(row[c]) for c in cols]
        names = ", ".join(f'"{c}"' for c in cols)
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in cols)})'
        cur = self.conn.execute(sql, values)
        return int(cur.lastrowid or 0)

    def update(self, table: str, key: str, key_value: Any, changes: Mapping[str, Any]) -> int:
        if not changes:
            return 0
        sets = ", ".join(f'"{c}" = ?' for c in changes)
        cur = self.conn.execute(f'UPDATE "{table}" SET {sets} WHERE "{key}" = ?',
                                [*(_db_value(v) for v in changes.values()), key_value])
        return cur.rowcount

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return list(self.conn.execute(sql, params).fetchall())

    def transaction(self) -> _Tx:
        return _Tx(self.conn)

    # -- queries ------------------------------------------------------------------------------

    def record(self, spec: QuerySpec, row: sqlite3.Row) -> dict[str, Any]:
        """A table row as the wire record of its route."""
        out: dict[str, Any] = {}
        for name, kind in spec.fields:
            out[name] = _wire_value(row[name], kind)
        return out

    def query(self, spec: QuerySpec, data: Any) -> dict[str, Any]:
        """Run a paged query (the request's Data) and build the PageResult Data."""
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise ParamError("Data must be an object with PageIndex, PageSize, OrderType")
        page_index = _int_param(data.get("PageIndex"), "PageIndex", default=1)
        if page_index < 1 or page_index > 1_000_000_000:
            raise ParamError("PageIndex must be between 1 and 1000000000 (pages start from 1)")
        page_size = _int_param(data.get("PageSize"), "PageSize", default=20)
        if page_size == 0:
            page_size = 20
        if page_size < 1 or page_size > 100:
            raise ParamError(f"PageSize must be between 1 and 100 (got {page_size})")
        order_type = _int_param(data.get("OrderType"), "OrderType", default=0)
        if order_type not in (0, 1):
            raise ParamError("OrderType must be 0 (ascending) or 1 (descending)")
        order_by_raw = data.get("OrderBy")
        if order_by_raw is None or order_by_raw == "":
            order_by = "Uid"
        else:
            if not isinstance(order_by_raw, str):
                raise ParamError("OrderBy must be a field name")
            resolved = spec.resolve(order_by_raw.strip())
            if resolved is None or spec.kind(resolved) == JSON:
                raise ParamError(f"OrderBy: unknown or unsortable field '{order_by_raw}' for "
                                 f"route {spec.route}")
            order_by = resolved
        where, params = self._conditions(spec, data.get("QueryCondition"))
        direction = "DESC" if order_type == 1 else "ASC"
        where_sql = f"WHERE {' AND '.join(where)}" if where else ""
        total = self.conn.execute(f'SELECT COUNT(*) FROM "{spec.table}" {where_sql}',
                                  params).fetchone()[0]
        tie = f', "Uid" {direction}' if order_by != "Uid" else ""
        rows = self.conn.execute(
            f'SELECT * FROM "{spec.table}" {where_sql} ORDER BY "{order_by}" {direction}{tie} '
            f"LIMIT ? OFFSET ?", [*params, page_size, (page_index - 1) * page_size]).fetchall()
        return {
            "PageIndex": page_index,
            "PageSize": page_size,
            "TotalCount": total,
            "Results": [self.record(spec, r) for r in rows],
        }

    def _conditions(self, spec: QuerySpec, conditions: Any) -> tuple[list[str], list[Any]]:
        if conditions is None:
            return [], []
        if not isinstance(conditions, list):
            raise ParamError("QueryCondition must be an array of {Field, Operator, Value}")
        where: list[str] = []
        params: list[Any] = []
        for i, cond in enumerate(conditions):
            label = f"QueryCondition[{i}]"
            if not isinstance(cond, Mapping):
                raise ParamError(f"{label} must be an object with Field, Operator, Value")
            field_raw = cond.get("Field")
            if not isinstance(field_raw, str) or not field_raw.strip():
                raise ParamError(f"{label}.Field is required")
            name = spec.resolve(field_raw.strip())
            if name is None:
                if field_raw.strip() in spec.nested or "." in field_raw:
                    raise ParamError(
                        f"{label}.Field '{field_raw}': fields inside returned arrays do not "
                        f"support conditional filtering")
                raise ParamError(f"{label}.Field: unknown field '{field_raw}' for route "
                                 f"{spec.route}")
            kind = spec.kind(name)
            if kind == JSON:
                raise ParamError(f"{label}.Field '{name}': fields inside returned arrays do not "
                                 f"support conditional filtering")
            op = _operator(cond.get("Operator"), label)
            value = _as_text(cond.get("Value"), name)
            sql, args = _condition_sql(name, kind, op, value, label)
            where.append(sql)
            params.extend(args)
        return where, params


class _Tx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN")

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def _db_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        return format_time(value)
    return value


def _wire_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == BOOL:
        return bool(value)
    if kind == NUM:
        return shortest_decimal(Decimal(str(round(float(value), 2))))
    if kind == JSON:
        return json.loads(value)
    return value


def _int_param(value: Any, field: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool):
        raise ParamError(f"{field} must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ParamError(f"{field} must be an integer")


def _operator(raw: Any, label: str) -> int:
    if isinstance(raw, bool):
        raise ParamError(f"{label}.Operator must be a QueryOperator code 0-15")
    if isinstance(raw, int):
        op = raw
    elif isinstance(raw, Decimal) and raw == raw.to_integral_value():
        op = int(raw)
    elif isinstance(raw, str) and raw.strip().isdigit():
        op = int(raw.strip())
    elif isinstance(raw, str):
        names = {n.lower(): i for i, n in enumerate(OPERATOR_NAMES)}
        if raw.strip().lower() not in names:
            raise ParamError(f"{label}.Operator '{raw}' is not a QueryOperator (0-15)")
        op = names[raw.strip().lower()]
    else:
        raise ParamError(f"{label}.Operator is required (QueryOperator code 0-15)")
    if not 0 <= op <= 15:
        raise ParamError(f"{label}.Operator {op} is not a QueryOperator (0-15)")
    return op


def _typed(value: str, kind: str, field: str, label: str) -> Any:
    text = value.strip()
    if kind in (INT, NUM):
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ParamError(f"{label}.Value '{value}' is not a number (field {field})") from None
        if not number.is_finite():
            raise ParamError(f"{label}.Value '{value}' is not a number (field {field})")
        if number == number.to_integral_value() and abs(number) < 2**62:
            return int(number)
        return float(number)
    if kind == DATE:
        return format_time(parse_time(text, f"{label}.Value (field {field})"))
    if kind == BOOL:
        lowered = text.lower()
        if lowered in ("true", "1"):
            return 1
        if lowered in ("false", "0"):
            return 0
        raise ParamError(f"{label}.Value '{value}' is not a boolean (field {field})")
    return value


def _condition_sql(name: str, kind: str, op: int, value: str | None,
                   label: str) -> tuple[str, list[Any]]:
    col = f'"{name}"'
    text_col = f'CAST({col} AS TEXT)' if kind != STR else col
    if op == 11:  # IsNullOrEmpty
        return f"({col} IS NULL OR {text_col} = '')", []
    if op in (12, 14) and value is None:  # IsNot / EqualNull with a null Value
        return (f"{col} IS NOT NULL", []) if op == 12 else (f"{col} IS NULL", [])
    if op == 0 and value is None:
        return f"{col} IS NULL", []
    if value is None:
        raise ParamError(f"{label}.Value is required for operator {OPERATOR_NAMES[op]}")
    if op in (0, 14):
        return f"{col} = ?", [_typed(value, kind, name, label)]
    if op in (10, 12):
        return f"{col} <> ?", [_typed(value, kind, name, label)]
    if op in (2, 3, 4, 5):
        sign = {2: ">", 3: ">=", 4: "<", 5: "<="}[op]
        return f"{col} {sign} ?", [_typed(value, kind, name, label)]
    if op in (6, 7):
        items = [v.strip() for v in value.split(",")]
        if any(v.startswith("'") or v.endswith("'") for v in items if v):
            raise ParamError(f"{label}.Value must be written X, Y, Z without quotes")
        typed = [_typed(v, kind, name, label) for v in items if v != "" or kind == STR]
        if not typed:
            return ("0" if op == 6 else "1"), []
        marks = ", ".join("?" for _ in typed)
        return f"{col} {'IN' if op == 6 else 'NOT IN'} ({marks})", typed
    if op == 15:
        items = [v.strip() for v in value.split(",")]
        parts = [f"{text_col} LIKE ? ESCAPE '\\'" for _ in items]
        return "(" + " OR ".join(parts) + ")", [f"%{_like_escape(v)}%" for v in items]
    pattern = {1: "%{}%", 8: "{}%", 9: "%{}", 13: "%{}%"}[op].format(_like_escape(value))
    neg = "NOT " if op == 13 else ""
    return f"{text_col} {neg}LIKE ? ESCAPE '\\'", [pattern]
