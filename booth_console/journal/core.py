"""The :class:`Journal`: one SQLite file, one writer thread, and the tables of callbacks,
operator actions and pending payments (each in its own module)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

from booth_console.journal.actions import Actions
from booth_console.journal.callbacks import MAX_REJECTED_ROWS, Callbacks
from booth_console.journal.integrity import open_checked
from booth_console.journal.payments import Payments
from booth_console.journal.replay import ReplayMemory
from booth_console.journal.shifts import Shifts

__all__ = ["Journal"]

log = logging.getLogger("booth_console.journal")


class Journal(Callbacks, Actions, Payments, Shifts):
    """The SQLite journal with a batching writer thread. Create it with :meth:`open`."""

    def __init__(self, path: Path, images_dir: Path) -> None:
        """Use :meth:`open`."""
        super().__init__()
        self.path = path
        self.images_dir = images_dir
        self._replay = ReplayMemory()
        #: rejected rows kept at most (the oldest are deleted beyond this)
        self.max_rejected_rows = MAX_REJECTED_ROWS
        self._rejected_rows = None
        #: where a damaged journal found at open was moved (kept for inspection), else None
        self.damaged_copy: Path | None = None
        #: what the integrity check said about the damaged journal
        self.damage = ""
        #: undelivered callbacks and pending payments copied from the damaged journal
        self.salvaged_callbacks = 0
        self.salvaged_payments = 0
        #: False when the accepted (Nonce, TimeStamp) pairs of the last hours could not all be
        #: read (damaged journal): replays of older callbacks cannot be recognised
        self.replay_window_known = True

    def __repr__(self) -> str:
        return f"<Journal {str(self.path)!r}>"

    @property
    def nonce_memory_s(self) -> float:
        """How long accepted (Nonce, TimeStamp) pairs are remembered for replay detection."""
        return self._replay.memory_s

    @nonce_memory_s.setter
    def nonce_memory_s(self, value: float) -> None:
        self._replay.memory_s = value

    @classmethod
    async def open(cls, path: Path, *, images_dir: Path | None = None) -> Journal:
        """Open (creating or migrating) the journal at ``path`` and start its writer thread.
        Capture images go to ``images_dir`` (default ``<journal file>.images/``).

        Raises:
            JournalError: the file cannot be opened or has a newer schema than this program.
        """
        path = Path(path).absolute()
        images = (Path(images_dir).absolute() if images_dir is not None
                  else path.with_name(path.name + ".images"))
        journal = cls(path, images)
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        journal._start(asyncio.get_running_loop(), ready)
        await ready
        return journal

    def _open_connection(self) -> sqlite3.Connection:
        conn, damage = open_checked(self.path)
        if damage is not None:
            self.damaged_copy, self.damage = damage.copy, damage.problem
            self.salvaged_callbacks, self.salvaged_payments = damage.callbacks, damage.payments
            self.replay_window_known = False
        try:
            self._replay.load(conn, time.time())
        except sqlite3.Error as exc:
            log.warning("journal: cannot load recent nonces: %s", exc)
            self.replay_window_known = False
        return conn
