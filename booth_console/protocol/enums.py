"""The code tables of the interface document (section 3.1.4) and of its field descriptions.

Every enum member has an English and a Simplified Chinese label: ``member.display_name("zh")``.
The English label of a member of a 3.1.4 table is the document's own description text.

Wire fields stay typed as plain ``int``/``str`` in the models (the parking software may send
codes that are not listed, e.g. ``AbnormalPassType`` 6200), so convert with :func:`try_enum`
or the ``label`` helpers when displaying.
"""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum
from typing import Any, TypeVar

__all__ = [
    "AbnormalPassageType",
    "AreaType",
    "BlacklistStatus",
    "BoothCategory",
    "CallbackInterface",
    "CameraMode",
    "CameraStatus",
    "CouponScene",
    "CouponType",
    "GateCommand",
    "GateStatus",
    "InOutMode",
    "LaneDutyMode",
    "LaneType",
    "LicensePlateColor",
    "LoopStatus",
    "ManualGateOperationType",
    "NoticeType",
    "OrderStatus",
    "OrderType",
    "PaymentMethod",
    "PaymentScenario",
    "PaymentStatus",
    "PlateTypeCategory",
    "QueryOperator",
    "ResultCode",
    "SameInOutType",
    "VehicleStatus",
    "is_free",
    "is_monthly",
    "is_prepaid",
    "is_temporary",
    "label",
    "try_enum",
]

E = TypeVar("E", bound=Enum)


def _is_zh(lang: str | None) -> bool:
    return bool(lang) and str(lang).lower().replace("-", "_").startswith("zh")


_LABELS: dict[type, dict[Any, tuple[str, str]]] = {}

C = TypeVar("C", bound=type)


def _labelled(labels: dict[Any, tuple[str, str]]) -> Any:
    """Class decorator registering the (English, Chinese) labels of an enum's values."""

    def register(cls: C) -> C:
        _LABELS[cls] = labels
        return cls

    return register


class _Labelled:
    """Mixin: ``display_name(lang)`` from the labels registered with :func:`_labelled`."""

    value: Any
    name: str

    def display_name(self, lang: str | None = "en") -> str:
        """The label in English (default) or Simplified Chinese (``lang`` starting with ``zh``)."""
        en, zh = _LABELS.get(type(self), {}).get(self.value, (self.name, self.name))
        return zh if _is_zh(lang) else en

    @property
    def english(self) -> str:
        """The English label (the document's description for 3.1.4 tables)."""
        return self.display_name("en")


def try_enum(enum_cls: type[E], value: Any) -> E | None:
    """The member of ``enum_cls`` for a wire value (int or numeric string), or ``None``."""
    if value is None:
        return None
    if isinstance(value, enum_cls):
        return value
    for candidate in (value, str(value)):
        try:
            return enum_cls(candidate)
        except (ValueError, TypeError):
            pass
    try:
        return enum_cls(int(str(value)))
    except (ValueError, TypeError):
        return None


def label(enum_cls: type[Enum], value: Any, lang: str | None = "en") -> str:
    """A display label for a wire code; unknown codes are shown as the code itself."""
    member = try_enum(enum_cls, value)
    if member is None:
        return "" if value is None else str(value)
    display = getattr(member, "display_name", None)
    return str(display(lang)) if display is not None else member.name


# --- 3.1.4 tables -----------------------------------------------------------------------


@_labelled({
    0: ("Unknown", "未知"),
    1: ("Blue", "蓝色"),
    2: ("Yellow", "黄色"),
    3: ("White", "白色"),
    4: ("Black", "黑色"),
    5: ("Green", "绿色"),
    6: ("Yellow-Green", "黄绿色"),
})
class LicensePlateColor(_Labelled, IntEnum):
    """LicensePlateColorEnum (``LicensePlateColor`` of entry/exit callbacks)."""

    UNKNOWN = 0
    BLUE = 1
    YELLOW = 2
    WHITE = 3
    BLACK = 4
    GREEN = 5
    YELLOW_GREEN = 6


@_labelled({
    "79001": ("Offline Cash Payment", "线下现金支付"),
    "79002": ("Platform Cash Payment", "平台现金支付"),
    "79003": ("WeChat Pay", "微信支付"),
    "79004": ("Android App Payment", "安卓App支付"),
    "79006": ("Terminal Device Payment", "终端设备支付"),
    "79007": ("Alipay", "支付宝支付"),
    "79009": ("Third-Party Payment", "第三方支付"),
    "79010": ("Offline WeChat Pay", "线下微信支付"),
    "79011": ("Offline Alipay", "线下支付宝支付"),
    "79014": ("CCB Payment", "建设银行支付"),
    "79015": ("CMB One-Net Payment", "招商银行一网通支付"),
    "79016": ("UnionPay Express Payment", "银联无感支付"),
    "79017": ("CCB Express Payment", "建设银行无感支付"),
    "79012": ("Alipay Express Payment", "支付宝无感支付"),
    "79013": ("WeChat Express Payment", "微信无感支付"),
    "79018": ("WeFuTong Aggregate Pay", "威富通聚合支付"),
    "79019": ("CMB Express Payment", "招商银行无感支付"),
    "79020": ("ICBC Express Payment", "工商银行无感支付"),
    "79021": ("ICBC Payment", "工商银行支付"),
    "79022": ("ABC Express Payment", "农业银行无感支付"),
    "79023": ("ABC Payment", "农业银行支付"),
    "79024": ("ETC Payment", "ETC支付"),
    "79025": ("BOC Payment", "中国银行支付"),
    "79026": ("BOC Express Payment", "中国银行无感支付"),
    "79027": ("LeJuHe Payment", "乐聚合支付"),
    "79028": ("UnionPay Business", "银联商务"),
    "80002": ("Self-Service Cash Payment", "自助现金支付"),
    "79029": ("Charging Deduction", "充电抵扣"),
    "79039": ("Suixingfu", "随行付"),
})
class PaymentMethod(_Labelled, StrEnum):
    """PaymentMethodEnum: codes are strings on the wire (``"79001"``)."""

    OFFLINE_CASH = "79001"
    PLATFORM_CASH = "79002"
    WECHAT = "79003"
    ANDROID_APP = "79004"
    TERMINAL_DEVICE = "79006"
    ALIPAY = "79007"
    THIRD_PARTY = "79009"
    OFFLINE_WECHAT = "79010"
    OFFLINE_ALIPAY = "79011"
    CCB = "79014"
    CMB_ONE_NET = "79015"
    UNIONPAY_EXPRESS = "79016"
    CCB_EXPRESS = "79017"
    ALIPAY_EXPRESS = "79012"
    WECHAT_EXPRESS = "79013"
    WEFUTONG = "79018"
    CMB_EXPRESS = "79019"
    ICBC_EXPRESS = "79020"
    ICBC = "79021"
    ABC_EXPRESS = "79022"
    ABC = "79023"
    ETC = "79024"
    BOC = "79025"
    BOC_EXPRESS = "79026"
    LEJUHE = "79027"
    UNIONPAY_BUSINESS = "79028"
    SELF_SERVICE_CASH = "80002"
    CHARGING_DEDUCTION = "79029"
    SUIXINGFU = "79039"


@_labelled({
    0: ("Vehicle Entry Callback", "车辆入场回调"),
    1: ("Vehicle Exit Callback", "车辆出场回调"),
    2: ("Payment Result Callback", "支付结果回调"),
    3: ("Monthly Card Issuance Callback", "月卡登记回调"),
    4: ("Monthly Card Recharge/Extend Callback", "月卡充值延期回调"),
    5: ("Monthly Card Cancellation Callback", "月卡注销回调"),
    6: ("Parking Space Change Callback", "车位变化回调"),
    7: ("Abnormal Exit Record Callback", "异常放行记录回调"),
    8: ("Blacklist Info Callback", "黑名单信息回调"),
    9: ("Violation Reservation Callback", "违约预约回调"),
    10: ("Booth Lane Info Callback", "岗亭车道信息回调"),
})
class CallbackInterface(_Labelled, IntEnum):
    """CallbackInterfaceEnum: the ``Index`` of SetCallbackParams and RetryCallback."""

    VEHICLE_IN = 0
    VEHICLE_OUT = 1
    PAY_RESULT = 2
    SUBSCRIBED_VEHICLE = 3
    RECHARGE_GRACE_PERIOD = 4
    UNSUBSCRIBED_VEHICLE = 5
    PARKING_SPACES = 6
    GATE_RELEASE_RECORD = 7
    BLACKLIST = 8
    VIOLATION_RESERVATION = 9
    LANE_CHANGE = 10

    @property
    def retried(self) -> bool:
        """Whether the parking software retries a failed callback (not 6 and 10)."""
        return self not in (CallbackInterface.PARKING_SPACES, CallbackInterface.LANE_CHANGE)


@_labelled({
    200: ("Operation successful", "操作成功"),
    1001: ("Signature verification failed", "签名验证失败"),
    1002: ("Invalid request parameters", "请求参数无效"),
    1003: (
        "Interface service processing exception, please contact administrator",
        "接口服务处理异常，请联系管理员",
    ),
    1004: ("Interface service not enabled", "接口服务未启用"),
    1005: ("Expected error, refer to actual error message returned", "预期错误，请参考返回的错误信息"),
})
class ResultCode(_Labelled, IntEnum):
    """RequestResultCodeEnum."""

    OK = 200
    SIGNATURE_FAILED = 1001
    INVALID_PARAMETERS = 1002
    SERVICE_EXCEPTION = 1003
    SERVICE_NOT_ENABLED = 1004
    EXPECTED_ERROR = 1005


@_labelled({
    0: ("Other", "其他"),
    1: ("In-Park QR Payment", "场内扫码支付"),
    2: ("Lane QR Payment", "车道扫码支付"),
})
class PaymentScenario(_Labelled, IntEnum):
    """PaymentScenarioEnum (``PaymentScene`` / ``PayScene``)."""

    OTHER = 0
    IN_PARK_QR = 1
    LANE_QR = 2


@_labelled({
    0: ("Equal to", "等于"),
    1: ("Fuzzy query", "模糊查询"),
    2: ("Greater than", "大于"),
    3: ("Greater than or equal to", "大于等于"),
    4: ("Less than", "小于"),
    5: ("Less than or equal to", "小于等于"),
    6: ("In operation", "包含于"),
    7: ("Not in operation; parameters same as In", "不包含于"),
    8: ("Left fuzzy", "左模糊"),
    9: ("Right fuzzy", "右模糊"),
    10: ("Not equal", "不等于"),
    11: ("Is null or ''", "为空或空字符串"),
    12: ("Is not", "非"),
    13: ("Negation of fuzzy query", "模糊查询取反"),
    14: ("Equal or null", "等于或为空"),
    15: ("In (fuzzy)", "模糊包含"),
})
class QueryOperator(_Labelled, IntEnum):
    """QueryOperatorEnum (``Operator`` of a query condition)."""

    EQUAL = 0
    LIKE = 1
    GREATER_THAN = 2
    GREATER_THAN_OR_EQUAL = 3
    LESS_THAN = 4
    LESS_THAN_OR_EQUAL = 5
    IN = 6
    NOT_IN = 7
    LIKE_LEFT = 8
    LIKE_RIGHT = 9
    NO_EQUAL = 10
    IS_NULL_OR_EMPTY = 11
    IS_NOT = 12
    NO_LIKE = 13
    EQUAL_NULL = 14
    IN_LIKE = 15


@_labelled({
    199: ("Pre-Entry", "预入场"),
    200: ("Entered", "已入场"),
    201: ("Exited", "已出场"),
    202: ("Auto Closed", "自动关闭"),
})
class OrderStatus(_Labelled, IntEnum):
    """OrderStatusEnum (``OrderStatus`` of parking orders)."""

    PRE_ENTRY = 199
    ENTERED = 200
    EXITED = 201
    AUTO_CLOSED = 202


@_labelled({
    0: ("Exit opened without entry record", "无入场记录出场开闸"),
    1: ("Manual open", "手动开闸"),
    2: ("Special plate number", "特殊车牌"),
    3: ("Manual close", "手动关闸"),
    4: ("Barrier kept open / cancel keep-open", "道闸常开/取消常开"),
    6: ("Illegal open", "非法开闸"),
})
class ManualGateOperationType(_Labelled, IntEnum):
    """ManualGateOperationTypeEnum (``GateSwitchType`` of gate-release records)."""

    EXIT_WITHOUT_ENTRY = 0
    MANUAL_OPEN = 1
    SPECIAL_PLATE = 2
    MANUAL_CLOSE = 3
    KEEP_OPEN_TOGGLE = 4
    ILLEGAL_OPEN = 6


@_labelled({
    6100: ("Auto release without entry record", "无入场记录自动放行"),
    6201: ("Manual open", "手动开闸"),
    6202: ("Manual close", "手动关闸"),
    6211: ("Barrier kept open", "道闸常开"),
    6212: ("Cancel keep-open", "取消常开"),
})
class AbnormalPassageType(_Labelled, IntEnum):
    """AbnormalPassageTypeEnum (``AbnormalPassType`` of gate-release callbacks).

    The document's callback example also shows 6200, which is not in the table: model fields
    are plain ``int``; use :func:`label` to display any code.
    """

    AUTO_RELEASE_WITHOUT_ENTRY = 6100
    MANUAL_OPEN = 6201
    MANUAL_CLOSE = 6202
    KEEP_OPEN = 6211
    CANCEL_KEEP_OPEN = 6212


# --- codes from field descriptions ------------------------------------------------------


@_labelled({
    1: ("Vehicle lane", "机动车道"),
    2: ("Non-vehicle lane", "非机动车道"),
})
class LaneType(_Labelled, IntEnum):
    """``LaneType`` of a lane."""

    VEHICLE = 1
    NON_VEHICLE = 2


@_labelled({
    0: ("Unmanned lane", "无人值守"),
    1: ("On-site duty", "有人值守"),
})
class LaneDutyMode(_Labelled, IntEnum):
    """``LaneDutyMode`` of a lane."""

    UNMANNED = 0
    ON_DUTY = 1


@_labelled({
    1: ("Single camera", "单相机"),
    2: ("Dual camera", "双相机"),
    3: ("Multi-camera", "多相机"),
})
class CameraMode(_Labelled, IntEnum):
    """``CameraMode`` of a lane."""

    SINGLE = 1
    DUAL = 2
    MULTI = 3


@_labelled({
    0: ("Exit lane", "出口车道"),
    1: ("Entry lane", "入口车道"),
})
class InOutMode(_Labelled, IntEnum):
    """``InOutMode`` of a lane's area link (and ``InOutType`` of gate-release callbacks)."""

    EXIT = 0
    ENTRY = 1


@_labelled({
    0: ("Entry", "入口"),
    1: ("Exit", "出口"),
})
class SameInOutType(_Labelled, IntEnum):
    """``SameInOutType`` of a lane (note: the opposite numbering of :class:`InOutMode`)."""

    ENTRY = 0
    EXIT = 1


@_labelled({
    0: ("Outer field", "外场"),
    1: ("Nested inner field", "内场"),
})
class AreaType(_Labelled, IntEnum):
    """``AreaType`` of an area."""

    OUTER = 0
    INNER = 1


@_labelled({
    1: ("Sentry post billing software", "岗亭收费软件"),
    2: ("Sentry post background service", "岗亭后台服务"),
})
class BoothCategory(_Labelled, IntEnum):
    """``Category`` of a booth (sentry host)."""

    BILLING_SOFTWARE = 1
    BACKGROUND_SERVICE = 2


@_labelled({
    3644: ("Temporary Vehicle H", "临时车H"),
    3645: ("Temporary Vehicle G", "临时车G"),
    3646: ("Temporary Vehicle F", "临时车F"),
    3647: ("Temporary Vehicle E", "临时车E"),
    3648: ("Temporary Vehicle D", "临时车D"),
    3649: ("Temporary Vehicle C", "临时车C"),
    3650: ("Temporary Vehicle B", "临时车B"),
    3651: ("Temporary Vehicle A", "临时车A"),
    3652: ("Monthly Vehicle A", "月租车A"),
    3653: ("Monthly Vehicle B", "月租车B"),
    3654: ("Monthly Vehicle C", "月租车C"),
    3655: ("Monthly Vehicle D", "月租车D"),
    3656: ("Free Vehicle", "免费车"),
    3657: ("Prepaid Vehicle", "储值车"),
    3661: ("Monthly Vehicle E", "月租车E"),
    3662: ("Monthly Vehicle F", "月租车F"),
    3663: ("Monthly Vehicle G", "月租车G"),
    3664: ("Monthly Vehicle H", "月租车H"),
})
class PlateTypeCategory(_Labelled, IntEnum):
    """``Category`` of a plate type (a string on the wire, e.g. ``"3652"``).

    Documented: 3648-3651 temporary D..A, 3652-3655 monthly A..D, 3656 free, 3657 prepaid.
    Seen in the document's example: 3644-3647 temporary H..E, 3661-3664 monthly E..H.
    """

    TEMPORARY_H = 3644
    TEMPORARY_G = 3645
    TEMPORARY_F = 3646
    TEMPORARY_E = 3647
    TEMPORARY_D = 3648
    TEMPORARY_C = 3649
    TEMPORARY_B = 3650
    TEMPORARY_A = 3651
    MONTHLY_A = 3652
    MONTHLY_B = 3653
    MONTHLY_C = 3654
    MONTHLY_D = 3655
    FREE = 3656
    PREPAID = 3657
    MONTHLY_E = 3661
    MONTHLY_F = 3662
    MONTHLY_G = 3663
    MONTHLY_H = 3664


_MONTHLY = frozenset({3652, 3653, 3654, 3655, 3661, 3662, 3663, 3664})
_TEMPORARY = frozenset(range(3644, 3652))


def _category_code(category: Any) -> int | None:
    if category is None or isinstance(category, bool):
        return None
    try:
        return int(str(category.value if isinstance(category, Enum) else category).strip())
    except ValueError:
        return None


def is_monthly(category: Any) -> bool:
    """Whether a plate-type ``Category`` (int, ``"3652"`` or member) is a monthly type."""
    return _category_code(category) in _MONTHLY


def is_temporary(category: Any) -> bool:
    """Whether a plate-type ``Category`` is a temporary (pay per stay) type."""
    return _category_code(category) in _TEMPORARY


def is_free(category: Any) -> bool:
    """Whether a plate-type ``Category`` is the free type (3656)."""
    return _category_code(category) == PlateTypeCategory.FREE


def is_prepaid(category: Any) -> bool:
    """Whether a plate-type ``Category`` is the prepaid (stored value) type (3657)."""
    return _category_code(category) == PlateTypeCategory.PREPAID


@_labelled({
    "5901": ("Temporary vehicle payment", "临时车缴费"),
    "5902": ("Monthly card recharge", "月卡充值"),
    "5903": ("Wallet recharge", "钱包充值"),
    "5905": ("Prepaid vehicle deduction", "储值车扣费"),
    "5910": ("Parking space renewal", "车位续期"),
})
class OrderType(_Labelled, StrEnum):
    """``OrderType`` of payment records (a string on the wire)."""

    TEMPORARY_PAYMENT = "5901"
    MONTHLY_RECHARGE = "5902"
    WALLET_RECHARGE = "5903"
    PREPAID_DEDUCTION = "5905"
    SPACE_RENEWAL = "5910"


@_labelled({
    "101": ("Discount amount", "减免金额"),
    "102": ("Discount duration", "减免时长"),
    "103": ("Discount ratio", "折扣比例"),
    "104": ("Free until specified time", "免费到指定时间"),
})
class CouponType(_Labelled, StrEnum):
    """Coupon discount ``Type`` (a string on the wire)."""

    AMOUNT = "101"
    DURATION = "102"
    RATIO = "103"
    FREE_UNTIL = "104"


@_labelled({
    0: ("Only for in-field discount", "仅场内减免"),
    1: ("Only for exit discount", "仅出口减免"),
    2: ("Exit and in-field discount", "出口和场内减免"),
})
class CouponScene(_Labelled, IntEnum):
    """``Scene`` of a coupon scheme."""

    IN_FIELD_ONLY = 0
    EXIT_ONLY = 1
    EXIT_AND_IN_FIELD = 2


@_labelled({
    0: ("Unpaid", "未支付"),
    1: ("Success", "支付成功"),
    2: ("Failed", "支付失败"),
    3: ("User canceled payment", "用户取消支付"),
})
class PaymentStatus(_Labelled, IntEnum):
    """``PaymentStatus`` of payment records."""

    UNPAID = 0
    SUCCESS = 1
    FAILED = 2
    CANCELED = 3


@_labelled({
    -1: ("Unknown", "未知"),
    0: ("Closed", "关闭"),
    1: ("Open", "打开"),
})
class GateStatus(_Labelled, IntEnum):
    """``GataStatus`` (barrier) and ``GateLongOpen`` (keep-open) of GetLaneStatus."""

    UNKNOWN = -1
    CLOSED = 0
    OPEN = 1


@_labelled({
    -1: ("Unknown", "未知"),
    0: ("No detection", "无车"),
    1: ("Detection active", "有车"),
})
class LoopStatus(_Labelled, IntEnum):
    """``GSStatus`` (ground loop) of GetLaneStatus."""

    UNKNOWN = -1
    CLEAR = 0
    VEHICLE = 1


@_labelled({
    0: ("Device offline", "设备离线"),
    1: ("Device online", "设备在线"),
})
class CameraStatus(_Labelled, IntEnum):
    """``IDCameraStatus`` (main recognition camera) of GetLaneStatus."""

    OFFLINE = 0
    ONLINE = 1


@_labelled({
    0: ("Close gate", "关闸"),
    1: ("Open gate", "开闸"),
    2: ("Toggle keep-open", "常开/取消常开"),
})
class GateCommand(_Labelled, IntEnum):
    """``Status`` of SetLaneGateStatus (not to be confused with ``models.GateCommand``)."""

    CLOSE = 0
    OPEN = 1
    TOGGLE_KEEP_OPEN = 2


@_labelled({
    0: ("Add or Update", "新增或更新"),
    1: ("Delete", "删除"),
})
class NoticeType(_Labelled, IntEnum):
    """``NoticeType`` of the Notice routes."""

    UPDATE = 0
    DELETE = 1


@_labelled({
    1: ("Normal", "正常"),
    2: ("Blacklist", "黑名单"),
    3: ("Disabled", "禁用"),
})
class VehicleStatus(_Labelled, IntEnum):
    """``Status`` of vehicle records."""

    NORMAL = 1
    BLACKLIST = 2
    DISABLED = 3


@_labelled({
    0: ("Disabled", "禁用"),
    1: ("Enabled", "启用"),
})
class BlacklistStatus(_Labelled, IntEnum):
    """``Status`` of blacklist records and callbacks."""

    DISABLED = 0
    ENABLED = 1
