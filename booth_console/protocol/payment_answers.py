"""What a PaySuccess answer means (section 4.2.8): which ResultCodes refuse a payment for certain,
and whether a 1005 answer's free text says the payment was recorded already.

The server writes ResultMsg in English or Chinese; these rules read both. Pure: no I/O, no Qt.
"""

from __future__ import annotations

import re

__all__ = ["DEFINITE_REFUSALS", "already_recorded"]

#: ResultCodes that refuse a payment for certain, with nothing recorded: 1001 (signature),
#: 1002 (parameters), 1004 (interface off) and 1005 (a business refusal; after an uncertain
#: attempt only once the PaymentOrder lookup shows the payment is not recorded). Anything else,
#: 1003 first, may come after the server recorded the payment.
DEFINITE_REFUSALS = frozenset({1001, 1002, 1004, 1005})

_ALREADY = re.compile(r"already|processing|processed|duplicate|重复|处理中|已处理", re.IGNORECASE)
_OTHER_ORDER = re.compile(r"another order|other order|不属于|其他订单|另一", re.IGNORECASE)
_BRACKETED = re.compile(r"\[([^\]]*)\]")


def already_recorded(message: str, order_no: str) -> bool:
    """Whether a 1005 answer says this payment was recorded for ``order_no`` already.

    "... has already been recorded for order [X]" with X the payment's order: yes. "... belongs
    to another order", or a different order named: no (a real rejection).
    """
    if not _ALREADY.search(message) or _OTHER_ORDER.search(message):
        return False
    named = _BRACKETED.findall(message)
    if order_no and "order" in message.lower() and len(named) >= 2:
        return order_no in named
    return True
