"""The durable journal: callbacks, operator actions and pending payments in one SQLite file.

Usage (on any running asyncio loop, qasync included)::

    journal = await Journal.open(cfg.journal_path())          # images go to <journal>.images/
    try:
        write = await journal.record_callback(kind="OnVehicleIn", request_id="42", ...)
    finally:
        await journal.close()

Where things are:

==================  ==========================================================================
``core.py``         :class:`Journal`: opening, the parts below put together
``writer.py``       the writer thread: jobs queued, committed in groups (``MAX_BATCH``),
                    processed flags riding along with the next commit
``migrations.py``   pragmas (WAL, ``synchronous=FULL``) and the schema (``MIGRATIONS``)
``integrity.py``    the check at open; a damaged file moved aside, its rows salvaged
``callbacks.py``    received callbacks: writing (bounded rejected rows), reading, counts
``replay.py``       the replay decision: new, duplicate, replay or refused
``images.py``       capture images saved as files, one folder per day
``actions.py``      operator actions
``payments.py``     pending and offline payments
``shifts.py``       shifts: opened with the float, closed with the count and the report
``audit.py``        the hash chain over actions and shifts: verify, export
``redact.py``       secret-looking keys (``AppSecret``, ``Password``, ``Pin``, ``Sign``) dropped
                    from what is written
==================  ==========================================================================
"""

from __future__ import annotations

from booth_console.journal.actions import ActionRow
from booth_console.journal.callbacks import CallbackRow, CallbackWrite, JournalStats
from booth_console.journal.core import Journal
from booth_console.journal.errors import JournalError
from booth_console.journal.migrations import MIGRATIONS
from booth_console.journal.payments import OPEN_PAYMENT_STATUSES, PendingPayment
from booth_console.journal.shifts import ShiftRecord, ShiftStateError
from booth_console.journal.writer import MAX_BATCH

__all__ = [
    "MAX_BATCH",
    "MIGRATIONS",
    "OPEN_PAYMENT_STATUSES",
    "ActionRow",
    "CallbackRow",
    "CallbackWrite",
    "Journal",
    "JournalError",
    "JournalStats",
    "PendingPayment",
    "ShiftRecord",
    "ShiftStateError",
]
