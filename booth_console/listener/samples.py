"""The document's example callbacks (section 6), for tests, the benchmark and installers.

:data:`EXAMPLE_BODIES` holds each example envelope exactly as printed (signed with the vendor's
secret, which we do not know); :func:`example_data` gives its Data with number literals kept and
:func:`signed_example` re-signs it with a given secret and a fresh TimeStamp, Nonce and RequestId.
The document has no example for OnViolationReservation (index 9): the one here is made up.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from booth_console.protocol import jsonutil
from booth_console.protocol.signing import make_nonce, now_timestamp, sign_envelope

__all__ = ["EXAMPLE_BODIES", "example_data", "signed_example", "signed_example_bytes"]

EXAMPLE_BODIES: dict[str, str] = {
    "OnVehicleIn": """{
    "ParkKey": "1772492942362538",
    "AppId": "xb5glg0hgz40",
    "Data": {
        "OrderNo": "1774718489366642-6Y8MT1",
        "LicensePlateNumber": "76Y8MT1",
        "EntryTime": "2026-03-28 17:21:27",
        "LicensePlateColor": 1,
        "EntryLaneNo": "1",
        "EntryLaneName": "Entrance Lane",
        "EntryOperatorName": "qq",
        "VehicleTypeNo": "1772492942395203",
        "VehicleTypeName": "Blue Plate Vehicle",
        "ParkingCardTypeNo": "1772492942389506",
        "ParkingCardTypeName": "Temporary Car A",
        "ParkingAreaNo": "1772492942540835",
        "ParkingAreaName": "Outer Field",
        "EntryImageUrl": "",
        "EntryImageBase64": ""
    },
    "Sign": "zngg3e7rcch9dst41oaem9j+pmvulcdpdbflrghegoy=",
    "TimeStamp": "1774689712754",
    "Nonce": "2037822471420280832",
    "RequestId": "2037822471407697920"
}""",
    "OnVehicleOut": """{
    "ParkKey": "1772492942362538",
    "AppId": "xb5glg0hgz40",
    "Data": {
        "OrderNo": "1774718489366642-6Y8MT1",
        "LicensePlateNumber": "76Y8MT1",
        "ExitTime": "2026-03-28 17:28:26",
        "LicensePlateColor": 1,
        "ExitLaneNo": "2",
        "ExitLaneName": "Exit Lane",
        "ExitOperatorName": "qq",
        "VehicleTypeNo": "1772492942395203",
        "VehicleTypeName": "Blue Plate Vehicle",
        "ParkingCardTypeNo": "1772492942389506",
        "ParkingCardTypeName": "Temporary Car A",
        "ParkingAreaNo": "1772492942540835",
        "ParkingAreaName": "Outer Field",
        "ExitImageUrl": "",
        "ExitImageBase64": "",
        "TotalAmountDue": 5,
        "TotalAmountPaid": 5,
        "IsFreePass": false
    },
    "Sign": "asoekfeybydqgmhxxchhn8jraddnzfcls2+zdtwh5zk=",
    "TimeStamp": "1774690115822",
    "Nonce": "2037824162010005504",
    "RequestId": "2037824161997422592"
}""",
    "OnPayResult": """{
    "ParkKey": "1772492942362538",
    "AppId": "xb5glg0hgz40",
    "Data": {
        "OrderNo": "1774718489366642-6Y8MT1",
        "PaymentOrderNo": "PO1774718907646185",
        "LicensePlateNumber": "76Y8MT1",
        "TotalAmountDue": 5,
        "TotalAmountPaid": 5,
        "DiscountAmount": 0,
        "PaymentTime": "2026-03-28 17:28:27",
        "PaymentMethod": "79001",
        "PayScene": 0,
        "VehicleTypeNo": "1772492942395203",
        "VehicleTypeName": "Blue Plate Vehicle",
        "ParkingCardTypeNo": "1772492942389506",
        "ParkingCardTypeName": "Temporary Car A",
        "ParkingDuration": 6,
        "StoredValueDeduction": 0,
        "OperatorName": "qq"
    },
    "Sign": "z3nbuv83rzxsjrmd0+6lkz97ntrrpjl7rgpnh+0ltco=",
    "TimeStamp": "1774690112810",
    "Nonce": "2037824149376761856",
    "RequestId": "2037824149339013120"
}""",
    "OnSubscribedVehicle": """{
    "ParkKey": "1772492942362538",
    "AppId": "xb5glg0hgz40",
    "Data": {
        "LicensePlateNumber": "Q1234",
        "PaymentOrderNo": "MC1774721023079330",
        "TotalAmountDue": 0,
        "TotalAmountPaid": 0,
        "DiscountAmount": 0,
        "PaymentMethod": "79001",
        "PaymentTime": "2026-03-28 18:03:43",
        "OperatorName": "qq",
        "StartTime": "2026-03-28 00:00:00",
        "EndTime": "2026-04-27 23:59:59",
        "StoredVehicleBalance": 0,
        "VehicleTypeNo": "1772492942395203",
        "VehicleTypeName": "Blue Plate Vehicle",
        "ParkingCardTypeNo": "1772492942389944",
        "ParkingCardTypeName": "Monthly Rental Car A"
    },
    "Sign": "f0nbrmh+bdhm5y2g0odk6byqhayzpvet2cwvhoq0gfq=",
    "TimeStamp": "1774692234475",
    "Nonce": "2037833048284758016",
    "RequestId": "2037833048217649152"
}""",
    "OnUnsubscribedVehicle": """{
    "ParkKey": "1772492942362538",
    "AppId": "xb5glg0hgz40",
    "Data": {
        "LicensePlateNumber": "Q1234",
        "OperatorName": "",
        "OperationTime": "2026-03-28 18:07:11"
    },
    "Sign": "o8uggl5yd0tswjdnq1ezp1jx+bwhlh5ztlulqtdvis8=",
    "TimeStamp": "1774692458704",
    "Nonce": "2037833988769349633",
    "RequestId": "2037833988769349632"
}""",
    "OnRechargeGracePeriod": """{
    "ParkKey": "1772492942362538",
    "AppId": "xb5glg0hgz40",
    "Data": {
        "LicensePlateNumber": "P12345",
        "PaymentOrderNo": "MC17747215714999401772492942362538",
        "TotalAmountDue": 20,
        "TotalAmountPaid": 20,
        "DiscountAmount": 0,
        "PaymentMethod": "79001",
        "PaymentTime": "2026-03-28 18:12:51",
        "OperatorName": "qq",
        "StartTime": "2026-12-28 00:00:00",
        "EndTime": "2027-05-01 23:59:59",
        "StoredVehicleBalance": 0,
        "VehicleTypeNo": "1772492942395203",
        "VehicleTypeName": "Blue Plate Vehicle",
        "ParkingCardTypeNo": "1772492942389944",
        "ParkingCardTypeName": "Monthly Rental Car A"
    },
    "Sign": "3oqfkqasdhj9jnypuh+etwdfl0j5efvqnsml96gzmdi=",
    "TimeStamp": "1774692776940",
    "Nonce": "2037835323547877376",
    "RequestId": "2037835323468185600"
}""",
    "OnGateReleaseRecord": """{
    "ParkKey": "1708773681705596",
    "AppId": "p226uwb3",
    "TimeStamp": "1709018037090",
    "Data": {
        "No": "1709046823138325",
        "OrderNo": null,
        "LicensePlateNumber": null,
        "PassageTime": "2024-02-27 15:13:39",
        "Remarks": "[Exit Camera] Gate opened successfully!",
        "ImageBase64": null,
        "InOutType": 0,
        "PassageLaneNo": "2",
        "PassageLaneName": "Exit Lane",
        "OperatorName": "admin",
        "AbnormalPassType": 6200
    },
    "Nonce": "1762375499496062976",
    "Sign": "glbo72hyooartypvwcdct8obxkrxayjlkxvxcmtj2/8="
}""",
    "OnParkingSpaces": """{
    "ParkKey": "1772492942362538",
    "AppId": "xb5glg0hgz40",
    "Data": {
        "TotalSpaces": 500,
        "RemainingSpaces": 499,
        "AreaSpaces": [
            {
                "AreaNo": "1772492942540835",
                "AreaName": "Outer Field",
                "TotalSpaces": 500,
                "RemainingSpaces": 499
            }
        ],
        "CarCardTypeSpaces": [
            {
                "AreaCarCardTypeName": "[Outer Field]Temporary Car A",
                "AreaNo": "1772492942540835",
                "UseSpaces": 1
            }
        ]
    },
    "Sign": "w5msyfgltx69gtf5ovtfkeflvvgh+txai+1j6qitxw0=",
    "TimeStamp": "1774690132438",
    "Nonce": "2037824231702560768",
    "RequestId": "2037824231698366464"
}""",
    "OnBlackList": """{
    "ParkKey": "1772492942362538",
    "AppId": "xb5glg0hgz40",
    "Data": {
        "LicensePlateNumber": "B12345",
        "OwnerName": "",
        "PhoneNumber": "",
        "StartTime": "2026-03-28 14:39:10",
        "EndTime": "2026-03-28 14:39:10",
        "CreationTime": "2026-03-28 14:39:10",
        "Remarks": "",
        "OperatorName": "OpenAPI Platform-",
        "Status": 0
    },
    "Sign": "zgq0sdnnxahbtfkfa2v+wd1ycmzafx2ywzrztn7juiq=",
    "TimeStamp": "1774693473977",
    "Nonce": "2037838247132954624",
    "RequestId": "2037838247120371712"
}""",
    "OnLaneChange": """{
    "ParkKey": "1772492942362538",
    "AppId": "xb5glg0hgz40",
    "Data": {
        "SentryHostNo": "1772492942363478",
        "Lanes": [
            {
                "Uid": 1,
                "No": "1",
                "LaneName": "Entrance Lane",
                "LaneType": 1,
                "IdInterval": 3,
                "IsBackCar": 0,
                "IsCharge": 0,
                "OpenGateAndVoice": 1,
                "CreationTime": "2026-03-02 23:09:02",
                "IsSense": 1,
                "IsSameInOut": 0,
                "SameInOutType": 0,
                "IsEnableBoard": 0,
                "LaneLinkAreas": [
                    {
                        "No": "1774609216714465",
                        "AreaNo": "1772492942540835",
                        "InOutMode": 1
                    }
                ]
            },
            {
                "Uid": 2,
                "No": "2",
                "LaneName": "Exit Lane",
                "LaneType": 1,
                "IdInterval": 3,
                "IsBackCar": 0,
                "IsCharge": 1,
                "OpenGateAndVoice": 1,
                "CreationTime": "2026-03-02 23:09:02",
                "IsSense": 1,
                "IsSameInOut": 0,
                "SameInOutType": 0,
                "IsEnableBoard": 0,
                "LaneLinkAreas": [
                    {
                        "No": "1774609216715573",
                        "AreaNo": "1772492942540835",
                        "InOutMode": 0
                    }
                ]
            }
        ]
    },
    "Sign": "vuh/cxlb1mjf+hy+xits4ugm0g8zjdpokkz7wj5ihry=",
    "TimeStamp": "1774693148730",
    "Nonce": "2037836882948161536",
    "RequestId": "2037836882931384320"
}""",
    "OnViolationReservation": """{
    "ParkKey": "1772492942362538",
    "AppId": "xb5glg0hgz40",
    "Data": {
        "ReserveOrderNo": "RV1774718489366642",
        "LicensePlateNumber": "76Y8MT1",
        "ViolationTime": "2026-03-28 19:00:00",
        "Remarks": "undocumented payload"
    },
    "Sign": "",
    "TimeStamp": "1774693148730",
    "Nonce": "2037836882948161537",
    "RequestId": "2037836882931384321"
}""",
}

_counter = itertools.count(1)
_RUN = os.urandom(4).hex()


def example_data(name: str) -> Any:
    """The Data of the document's example for a callback name (fresh copy, literals kept)."""
    return jsonutil.loads(EXAMPLE_BODIES[name])["Data"]


def signed_example(
    name: str,
    *,
    app_id: str,
    park_key: str,
    app_secret: str,
    data: Any = None,
    timestamp: str | None = None,
    nonce: str | None = None,
    request_id: str | None = "auto",
) -> dict[str, Any]:
    """The example envelope re-signed with these credentials (fresh TimeStamp, Nonce, RequestId).

    ``request_id="auto"`` makes a unique one; ``None`` leaves RequestId out (as the document's
    gate-release example does).
    """
    payload = example_data(name) if data is None else data
    extra: dict[str, Any] = {}
    if request_id == "auto":
        extra["RequestId"] = f"{_RUN}{next(_counter):012d}"
    elif request_id is not None:
        extra["RequestId"] = request_id
    return sign_envelope(
        app_id=app_id, park_key=park_key, app_secret=app_secret, data=payload,
        timestamp=timestamp if timestamp is not None else now_timestamp(),
        nonce=nonce if nonce is not None else make_nonce(), extra=extra,
    )


def signed_example_bytes(name: str, **kwargs: Any) -> bytes:
    """:func:`signed_example` as JSON bytes (number literals kept)."""
    return jsonutil.dumps_bytes(signed_example(name, **kwargs))
