"""The enums against the tables of section 3.1.4 and the codes of the field descriptions."""

from __future__ import annotations

import re
from enum import Enum

import pytest

from booth_console.protocol import enums as e
from tests.protocol import doc_examples as doc

# --- 3.1.4 tables -----------------------------------------------------------------------

TABLES: list[tuple[str, type[Enum]]] = [
    ("LicensePlateColorEnum", e.LicensePlateColor),
    ("PaymentMethodEnum", e.PaymentMethod),
    ("RequestResultCodeEnum", e.ResultCode),
    ("PaymentScenarioEnum", e.PaymentScenario),
    ("OrderStatusEnum", e.OrderStatus),
    ("ManualGateOperationTypeEnum", e.ManualGateOperationType),
    ("AbnormalPassageTypeEnum", e.AbnormalPassageType),
]


def _code(member: Enum) -> str:
    return str(member.value)


@pytest.mark.parametrize(("table", "enum_cls"), TABLES, ids=[t for t, _ in TABLES])
def test_table_rows_match_enum(table: str, enum_cls: type[Enum]) -> None:
    doc.require_document()
    rows = doc.enum_table(table)
    assert rows, f"table {table} not found in the document"
    assert {code for code, _ in rows} == {_code(m) for m in enum_cls}
    for code, description in rows:
        member = e.try_enum(enum_cls, code)
        assert member is not None
        assert member.display_name("en") == description  # type: ignore[attr-defined]
        assert member.display_name("zh_CN")  # type: ignore[attr-defined]


def test_callback_interface_table() -> None:
    doc.require_document()
    rows = doc.enum_table("CallbackInterfaceEnum")
    assert [int(code) for code, _ in rows] == list(range(11))
    for code, text in rows:
        member = e.CallbackInterface(int(code))
        separator = " Yes" if text.endswith(" Yes") else " No"
        description = text.partition(separator)[0]
        assert member.display_name() == description.strip()
        assert member.retried is text.endswith(" Yes")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def test_query_operator_table() -> None:
    doc.require_document()
    rows = doc.enum_table("QueryOperatorEnum")
    assert len(rows) == 16
    assert {int(code.split()[1]) for code, _ in rows} == {m.value for m in e.QueryOperator}
    for code, description in rows:
        name, value = code.split()
        member = e.QueryOperator(int(value))
        assert member.name == _snake(name)
        if member not in (e.QueryOperator.IS_NOT, e.QueryOperator.EQUAL_NULL,
                          e.QueryOperator.IN_LIKE):
            assert member.display_name() == description


def test_payment_method_display_names() -> None:
    assert e.PaymentMethod("79001") is e.PaymentMethod.OFFLINE_CASH
    assert e.PaymentMethod("79024").display_name("en") == "ETC Payment"
    assert e.PaymentMethod("79024").display_name("zh_CN") == "ETC支付"
    assert e.PaymentMethod.WECHAT.display_name("zh-CN") == "微信支付"
    assert e.PaymentMethod.WECHAT.display_name("en_US") == "WeChat Pay"
    assert f"{e.PaymentMethod.ALIPAY}" == "79007"
    names_zh = {m.display_name("zh") for m in e.PaymentMethod}
    assert len(names_zh) == len(e.PaymentMethod)
    assert all(re.search(r"[\u4e00-\u9fff]", n) or n.startswith("ETC") for n in names_zh)


def test_unknown_codes_are_shown_as_codes() -> None:
    assert e.try_enum(e.AbnormalPassageType, 6200) is None
    assert e.label(e.AbnormalPassageType, 6200) == "6200"
    assert e.label(e.AbnormalPassageType, "6201") == "Manual open"
    assert e.label(e.PaymentMethod, 79001, "zh") == "线下现金支付"
    assert e.label(e.PaymentMethod, "99999") == "99999"
    assert e.label(e.PaymentMethod, None) == ""
    assert e.try_enum(e.OrderType, 5901) is e.OrderType.TEMPORARY_PAYMENT
    assert e.try_enum(e.GateStatus, "-1") is e.GateStatus.UNKNOWN


# --- codes from field descriptions ------------------------------------------------------

FIELD_CODES: list[tuple[str, str | None, type[Enum], bool]] = [
    # (field, text the row must contain, enum, compare labels)
    ("LaneType", None, e.LaneType, True),
    ("LaneDutyMode", None, e.LaneDutyMode, True),
    ("CameraMode", None, e.CameraMode, True),
    ("InOutMode", None, e.InOutMode, True),
    ("SameInOutType", None, e.SameInOutType, True),
    ("AreaType", None, e.AreaType, True),
    ("Category", "Sentry", e.BoothCategory, True),
    ("OrderType", "5902", e.OrderType, True),
    ("Type", "Coupon discount", e.CouponType, True),
    ("Scene", None, e.CouponScene, True),
    ("PaymentStatus", None, e.PaymentStatus, True),
    ("GataStatus", None, e.GateStatus, True),
    ("GSStatus", None, e.LoopStatus, True),
    ("IDCameraStatus", None, e.CameraStatus, True),
    ("Status", "barrier gate", e.GateCommand, False),
    ("NoticeType", "Add or Update", e.NoticeType, True),
    ("Status", "License plate status", e.VehicleStatus, True),
    ("Status", "Blacklist status", e.BlacklistStatus, True),
]


@pytest.mark.parametrize(
    ("field", "contains", "enum_cls", "labels"), FIELD_CODES,
    ids=[f"{f}-{c.__name__}" for f, _, c, _ in FIELD_CODES],
)
def test_field_codes_match_enum(
    field: str, contains: str | None, enum_cls: type[Enum], labels: bool
) -> None:
    doc.require_document()
    rows = [r for r in doc.field_rows(field) if contains is None or contains in r]
    pairs = next((doc.code_pairs(r) for r in rows if doc.code_pairs(r)), {})
    assert pairs, f"no code list for {field} in the document"
    assert set(pairs) == {int(m.value) for m in enum_cls}
    if labels:
        for code, text in pairs.items():
            member = e.try_enum(enum_cls, code)
            assert member is not None
            assert text.lower().startswith(member.display_name().lower()), (code, text)  # type: ignore[attr-defined]


def test_plate_type_categories() -> None:
    doc.require_document()
    documented = doc.plate_categories()
    assert set(documented) == set(range(3648, 3658))
    for code, text in documented.items():
        assert e.PlateTypeCategory(code).display_name() == text
    # every category the document's plate-type example shows is known and classified
    example = next(x for x in doc.examples() if x.route == "CardType" and x.kind == "response")
    for row in example.data["Results"]:
        category, name = row["Category"], row["ParkingCardTypeName"]
        assert e.try_enum(e.PlateTypeCategory, category) is not None, category
        assert e.is_monthly(category) is name.startswith("Monthly"), name
        assert e.is_temporary(category) is name.startswith("Temporary"), name
        assert e.is_free(category) is (name == "Free Car"), name
        assert e.is_prepaid(category) is (name == "Stored Value Car"), name


def test_category_helpers_accept_all_forms() -> None:
    assert e.is_monthly(3652) and e.is_monthly("3664") and e.is_monthly(e.PlateTypeCategory.MONTHLY_E)
    assert not e.is_monthly("3651") and not e.is_monthly(None) and not e.is_monthly("abc")
    assert e.is_temporary("3644") and e.is_temporary(3651) and not e.is_temporary(3652)
    assert e.is_free("3656") and not e.is_free(3657)
    assert e.is_prepaid(" 3657 ") and not e.is_prepaid(True)


def test_callback_interface_matches_callback_table() -> None:
    from booth_console.protocol.callbacks import CALLBACK_KINDS

    for kind in CALLBACK_KINDS:
        member = e.CallbackInterface(kind.index)
        assert member.retried is kind.retried
        assert member.display_name() == kind.title


def test_every_member_has_both_labels() -> None:
    for name in e.__all__:
        obj = getattr(e, name)
        if isinstance(obj, type) and issubclass(obj, Enum):
            for member in obj:
                en = member.display_name("en")  # type: ignore[attr-defined]
                zh = member.display_name("zh")  # type: ignore[attr-defined]
                assert en and en != member.name, (obj, member)
                assert zh and zh != en, (obj, member)
