"""Operator commands: one module per concern, each command declared once in the registry.

* :mod:`.base` — context, errors, the :class:`Asker` protocol, amounts, the runner and its
  :class:`Outcome`;
* :mod:`.registry` — :func:`register` and :data:`COMMANDS` (buttons, shortcuts, key table);
* :mod:`.gate` — open, close, keep-open, refresh;
* :mod:`.payment` — taking a payment (delivered by :mod:`booth_console.app.outbox`);
* :mod:`.fee` — fee override; :mod:`.no_plate` — no-plate entry;
* :mod:`.offline` — offline cash payments, settling them, manual openings;
* :mod:`.find_entry` — the entry of a misread or unread plate, the flat fee without one;
* :mod:`.free_release` — free release with a reason (zero payment explaining the order);

Safety rules (docs/PROTOCOL.md): gate commands are sent once and never replayed; closing the
barrier while the ground loop reports a vehicle, and toggling keep-open, ask first; a payment is
journaled as pending before it is sent and delivered until the server answers definitively.
"""

from booth_console.app.commands import (
    copy_plate,
    fee,
    find_entry,
    gate,
    no_plate,
    offline,
    payment,
)
from booth_console.app.commands import free_release as free_release_module
from booth_console.app.commands.base import (
    DATE_FMT,
    Asker,
    CommandContext,
    CommandError,
    CommandRunner,
    ConfirmationRequired,
    NoPlateChoice,
    Outcome,
    PaymentEntry,
    ReasonPick,
    ServerOffline,
    Status,
    describe_error,
    parse_yuan,
    read_amount,
)
from booth_console.app.commands.fee import default_reasons, override_fee
from booth_console.app.commands.free_release import FreeRelease, free_release
from booth_console.app.commands.gate import close_gate, open_gate, refresh, toggle_keep_open
from booth_console.app.commands.no_plate import (
    NoPlateOutcome,
    generate_virtual_plate,
    no_plate_entry,
    unique_virtual_plate,
)
from booth_console.app.commands.offline import (
    OfflinePayment,
    record_manual_opening,
    record_offline_payment,
    settle_offline_payment,
)
from booth_console.app.commands.payment import (
    OFFLINE_CASH,
    AmountChanged,
    Payable,
    PaymentInput,
    confirm_payment,
    new_payment_order_no,
    read_payable,
)
from booth_console.app.commands.registry import COMMANDS, Command, Lanes, Operation, register

__all__ = [
    "COMMANDS",
    "DATE_FMT",
    "OFFLINE_CASH",
    "AmountChanged",
    "Asker",
    "Command",
    "CommandContext",
    "CommandError",
    "CommandRunner",
    "ConfirmationRequired",
    "FreeRelease",
    "Lanes",
    "NoPlateChoice",
    "NoPlateOutcome",
    "OfflinePayment",
    "Operation",
    "Outcome",
    "Payable",
    "PaymentEntry",
    "PaymentInput",
    "ReasonPick",
    "ServerOffline",
    "Status",
    "close_gate",
    "confirm_payment",
    "copy_plate",
    "default_reasons",
    "describe_error",
    "fee",
    "find_entry",
    "free_release",
    "free_release_module",
    "gate",
    "generate_virtual_plate",
    "new_payment_order_no",
    "no_plate",
    "no_plate_entry",
    "offline",
    "open_gate",
    "override_fee",
    "parse_yuan",
    "payment",
    "read_amount",
    "read_payable",
    "record_manual_opening",
    "record_offline_payment",
    "refresh",
    "register",
    "settle_offline_payment",
    "toggle_keep_open",
    "unique_virtual_plate",
]
