"""The durable journal: callbacks, operator actions and pending payments in one SQLite file.

Usage (on any running asyncio loop, qasync included)::

    journal = await Journal.open(cfg.journal_path())          # images go to <journal>.images/
    try:
        write = await journal.record_callback(kind="OnVehicleIn", request_id="42", ...)
    finally:
        await journal.close()

Design:

* SQLite in WAL mode with ``synchronous=FULL``: a committed row survives a process kill and a
  power cut. The schema version lives in ``PRAGMA user_version``; :data:`MIGRATIONS` upgrades
  older files in order when the journal is opened.
* One **writer thread** owns the connection. Every call puts a small job on a queue and awaits a
  future; the thread takes whatever is queued (at most :data:`MAX_BATCH` jobs), runs them in one
  transaction, commits once and resolves the batch's futures with a single
  ``loop.call_soon_threadsafe``. While one batch commits the next one queues up, so a burst costs
  one fsync per batch instead of one per callback, and the calling thread (the Qt thread under
  qasync) only pays for a ``queue.put``.
* :meth:`Journal.record_callback` returns only once the batch holding its row is committed, so a
  callback can be acknowledged as soon as the call returns. Duplicate detection (same RequestId,
  or same body hash when there is none) and replay detection (same Nonce and TimeStamp under a
  new RequestId) happen on the writer thread, in arrival order, so concurrent duplicates cannot
  both be taken as new.
* A callback row is flagged ``processed`` once the application has taken it
  (:meth:`Journal.note_processed`, batched: the flags ride along with the next commit, or are
  committed within :data:`PROCESSED_FLUSH_S`); :meth:`Journal.unprocessed_callbacks` lists the
  accepted rows a crashed run answered 200 but never delivered, to be replayed at start-up.
* A rejected request is kept as a bounded summary: when, from where, its size and hash, the
  code and reason, and the first :data:`REJECTED_BODY_BYTES` bytes of the body. The same
  rejection again (same body hash, source, code and reason) only counts up the row's
  ``repeats`` and ``last_at``; at most :attr:`Journal.max_rejected_rows` rejected rows are kept
  (the oldest are deleted). So a flood of refused bodies from the network cannot fill the disk
  (2,000 different 60 KB bodies add about 2 MB).
* Capture images (the callbacks' Base64 fields) are written as files under ``images_dir``
  (default ``<journal file>.images/``), one sub-directory per day; rows hold their paths.
* Nothing secret is stored: requests given to :meth:`record_action` and
  :meth:`add_pending_payment` are cleaned of keys that look like secrets (``AppSecret``,
  ``Password``, ``Pin``, ``Sign``) before they are written.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from booth_console.errors import BoothError
from booth_console.threadsafe import settle

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
]

log = logging.getLogger("booth_console.journal")

#: Most jobs committed in one transaction.
MAX_BATCH = 200

#: Under load (the previous batch held more than one job), after taking a job the writer waits
#: up to this long (seconds) for more before it commits: fewer fsyncs under a burst, at most
#: this much added latency. A lone write at a quiet moment is committed at once.
COMMIT_DELAY_S = 0.002

#: Rows flagged processed (:meth:`Journal.note_processed`) ride along with the next batch of
#: writes; when nothing else is written they are committed after at most this long (seconds).
PROCESSED_FLUSH_S = 1.0

#: Replay detection remembers accepted (Nonce, TimeStamp) pairs this long (seconds). Older
#: bodies are refused as stale anyway (the TimeStamp window is 10 minutes by default).
NONCE_MEMORY_S = 7200.0

#: How much of a rejected body is kept (bytes): enough to see what was sent.
REJECTED_BODY_BYTES = 512

#: Most rejected rows kept (the oldest are deleted beyond this; about 1 KB each).
MAX_REJECTED_ROWS = 5000

#: Schema migrations; ``PRAGMA user_version`` is the number applied so far.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE callbacks (
        id            INTEGER PRIMARY KEY,
        kind          TEXT NOT NULL,
        request_id    TEXT,
        body_hash     TEXT NOT NULL,
        dedup_key     TEXT,              -- 'r:<RequestId>' or 'h:<body hash>', NULL unless accepted
        nonce_key     TEXT,              -- '<Nonce>|<TimeStamp>' of accepted callbacks
        received_at   REAL NOT NULL,
        source        TEXT NOT NULL,
        signature_ok  INTEGER NOT NULL,
        result_code   INTEGER NOT NULL,
        reason        TEXT NOT NULL DEFAULT '',
        raw_body      BLOB NOT NULL,
        image_paths   TEXT NOT NULL DEFAULT '{}',
        processed     INTEGER NOT NULL DEFAULT 0,
        processed_at  REAL
    );
    CREATE UNIQUE INDEX callbacks_dedup ON callbacks(dedup_key) WHERE dedup_key IS NOT NULL;
    CREATE TABLE actions (
        id           INTEGER PRIMARY KEY,
        at           REAL NOT NULL,
        operator     TEXT NOT NULL,
        lane_no      TEXT,
        action       TEXT NOT NULL,
        request      TEXT NOT NULL,
        result_code  INTEGER,
        result_msg   TEXT,
        result_id    TEXT
    );
    CREATE INDEX actions_action ON actions(action, at);
    CREATE TABLE pending_payments (
        payment_order_no TEXT PRIMARY KEY,
        lane_no          TEXT NOT NULL,
        order_no         TEXT NOT NULL,
        request          TEXT NOT NULL,
        operator         TEXT NOT NULL,
        created_at       REAL NOT NULL,
        attempts         INTEGER NOT NULL DEFAULT 0,
        status           TEXT NOT NULL DEFAULT 'pending',
        resolved_at      REAL,
        result_code      INTEGER,
        result_msg       TEXT
    );
    CREATE TABLE counters (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    """,
    # 2: ``processed`` is now set once the application has taken a callback; files written
    # before never set it, so their rows count as processed (not replayed at the next start).
    """
    UPDATE callbacks SET processed = 1, processed_at = received_at WHERE processed = 0;
    CREATE INDEX callbacks_unprocessed ON callbacks(id) WHERE processed = 0 AND result_code = 200;
    """,
    # 3: offline cash payments (recorded while the server was unreachable, status 'offline'
    # until checked against the order; 'review' when the check found a difference, with the
    # reason; 'settled' once the attendant closed a review without sending).
    """
    ALTER TABLE pending_payments ADD COLUMN offline INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE pending_payments ADD COLUMN review TEXT;
    ALTER TABLE pending_payments ADD COLUMN checked_at REAL;
    """,
    # 4: rejected requests are bounded summaries counted by repeats (REJECTED_BODY_BYTES,
    # MAX_REJECTED_ROWS); rows written before keep their size, bodies are cut to the new bound
    """
    ALTER TABLE callbacks ADD COLUMN body_size INTEGER;
    ALTER TABLE callbacks ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE callbacks ADD COLUMN last_at REAL;
    ALTER TABLE callbacks ADD COLUMN repeat_key TEXT;
    UPDATE callbacks SET body_size = length(raw_body), raw_body = substr(raw_body, 1, 512)
        WHERE result_code != 200;
    CREATE INDEX callbacks_repeat ON callbacks(repeat_key) WHERE repeat_key IS NOT NULL;
    CREATE INDEX callbacks_rejected ON callbacks(id) WHERE result_code != 200;
    """,
)

_SECRET_KEYS = frozenset({"appsecret", "app_secret", "password", "pin", "secret", "sign"})


class JournalError(BoothError):
    """The journal file cannot be opened or written (disk full, permissions, corrupt file)."""

    def __init__(self, message: str, *, damaged: bool = False) -> None:
        super().__init__(message)
        #: the file itself is damaged (not merely locked, read-only or on a full disk)
        self.damaged = damaged


def _is_damage(exc: sqlite3.Error) -> bool:
    """A corrupt or foreign file, as opposed to a locked one, a full disk or no permission."""
    if isinstance(exc, sqlite3.OperationalError):
        return False
    return isinstance(exc, sqlite3.DatabaseError)


def _sqlite_header(path: Path) -> bool:
    """Whether the file starts like an SQLite database (else it is not a journal at all)."""
    try:
        with path.open("rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _quick_check(conn: sqlite3.Connection) -> str:
    """``""`` when ``PRAGMA quick_check`` finds the file sound, else what it found."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and not _is_damage(exc):
            msg = str(exc).lower()
            if "malformed" not in msg and "corrupt" not in msg:
                return ""  # locked or busy: not a verdict on the file (it is checked next time)
        return str(exc)
    found = [str(r[0]) for r in rows]
    return "" if found == ["ok"] else "; ".join(found[:3])


_SALVAGE_COLUMNS = ("kind, request_id, body_hash, dedup_key, nonce_key, received_at, source,"
                    " signature_ok, result_code, reason, raw_body, image_paths")
_PAYMENT_COLUMNS = ("payment_order_no, lane_no, order_no, request, operator, created_at, attempts,"
                    " status")


def _salvage(copy: Path, fresh: sqlite3.Connection) -> tuple[int, int]:
    """Copy what can still be read from a damaged journal into the fresh one: accepted
    callbacks never delivered, and payments still waiting for the server. Returns the counts."""
    old = sqlite3.connect(f"file:{copy}?mode=ro", uri=True, isolation_level=None)
    try:
        with contextlib.suppress(sqlite3.Error):
            old.execute("PRAGMA busy_timeout=1000")
        callbacks = _readable_rows(old, "callbacks", _SALVAGE_COLUMNS,
                                   "processed = 0 AND result_code = 200")
        payments = _readable_rows(old, "pending_payments", _PAYMENT_COLUMNS,
                                  "status IN ('pending', 'offline', 'review')")
    finally:
        old.close()
    fresh.execute("BEGIN IMMEDIATE")
    try:
        fresh.executemany(
            f"INSERT OR IGNORE INTO callbacks ({_SALVAGE_COLUMNS}) VALUES"
            f" ({', '.join('?' * 12)})", [row[1:] for row in callbacks])
        fresh.executemany(
            f"INSERT OR IGNORE INTO pending_payments ({_PAYMENT_COLUMNS}) VALUES"
            f" ({', '.join('?' * 8)})", [row[1:] for row in payments])
        fresh.execute("COMMIT")
    except sqlite3.Error:
        fresh.execute("ROLLBACK")
        raise
    if callbacks or payments:
        log.warning("journal: copied %d undelivered callback(s) and %d pending payment(s) from "
                    "the damaged journal", len(callbacks), len(payments))
    return len(callbacks), len(payments)


def _readable_rows(conn: sqlite3.Connection, table: str, columns: str, where: str,
                   step: int = 200) -> list[tuple[Any, ...]]:
    """``SELECT rowid, <columns> FROM <table> WHERE <where>``: the rows that can still be
    read. When the whole scan fails, in rowid ranges, and row by row within a damaged range."""
    select = f"SELECT rowid, {columns} FROM {table} WHERE ({where})"
    try:
        return list(conn.execute(select + " ORDER BY rowid").fetchall())
    except sqlite3.DatabaseError:
        pass
    try:
        top = int(conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0)
    except (sqlite3.DatabaseError, TypeError, ValueError):
        top = 100_000  # the table's last page is unreadable: walk a generous range
    rows: list[tuple[Any, ...]] = []
    for start in range(0, top + 1, step):
        try:
            rows.extend(conn.execute(f"{select} AND rowid > ? AND rowid <= ? ORDER BY rowid",
                                     (start, start + step)).fetchall())
            continue
        except sqlite3.DatabaseError:
            pass
        for rid in range(start + 1, start + step + 1):
            with contextlib.suppress(sqlite3.DatabaseError):
                rows.extend(conn.execute(f"{select} AND rowid = ?", (rid,)).fetchall())
    return rows


@dataclass(frozen=True, slots=True)
class CallbackWrite:
    """The outcome of :meth:`Journal.record_callback`.

    Attributes:
        row_id: the journal row (of the earlier row when ``duplicate``; -1 for a replay).
        duplicate: the same callback was journaled before; nothing new was written.
        image_paths: image field name -> saved file.
        replayed: an accepted callback already used this Nonce and TimeStamp under another
            RequestId; the new body was journaled as rejected.
        rejected: ``record_callback(..., only_if_duplicate=True)`` found no earlier accepted
            callback; the body was journaled as rejected with the given code and reason.
    """

    row_id: int
    duplicate: bool
    image_paths: dict[str, Path]
    replayed: bool = False
    rejected: bool = False


@dataclass(frozen=True, slots=True)
class CallbackRow:
    """One journaled callback (newest first from :meth:`Journal.recent_callbacks`)."""

    row_id: int
    kind: str
    request_id: str | None
    body_hash: str
    received_at: float
    source: str
    signature_ok: bool
    result_code: int
    reason: str
    raw_body: bytes
    image_paths: dict[str, Path]
    processed: bool
    body_size: int | None = None  # of the body as received (rejected rows keep only a prefix)
    repeats: int = 1  # rejected rows: how often the same rejection was seen
    last_at: float | None = None  # rejected rows: when it was last seen


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One journaled operator action."""

    row_id: int
    at: float
    operator: str
    lane_no: str | None
    action: str
    request: dict[str, Any]
    result_code: int | None
    result_msg: str | None
    result_id: str | None


@dataclass(frozen=True, slots=True)
class PendingPayment:
    """A PaySuccess journaled before sending and not yet answered definitively."""

    payment_order_no: str
    lane_no: str
    order_no: str
    request: dict[str, Any]
    operator: str
    created_at: float
    attempts: int
    #: ``pending`` (to deliver), ``offline`` (recorded offline, not checked against the order
    #: yet) or ``review`` (the check found a difference: not sent, see ``review``)
    status: str = "pending"
    #: taken while the parking server was unreachable (an offline cash payment)
    offline: bool = False
    #: why an offline payment was not sent (the difference found), for the attendant
    review: str = ""


#: statuses of payments not settled yet (listed in the booth window)
OPEN_PAYMENT_STATUSES = ("pending", "offline", "review")


@dataclass(frozen=True, slots=True)
class JournalStats:
    """Counts for the booth window's status bar."""

    callbacks: int  # accepted (answered 200), excluding duplicates
    rejected: int
    duplicates: int
    last_callback_at: float | None
    by_kind: dict[str, int] = field(default_factory=dict)


def _clean(value: Any) -> Any:
    """A JSON-ready copy without secret-looking keys (Decimal kept as its literal text)."""
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items() if str(k).lower() not in _SECRET_KEYS}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(_clean(value), ensure_ascii=False, separators=(",", ":"))


def _image_suffix(data: bytes) -> str:
    if data.startswith(b"\xff\xd8"):
        return ".jpg"
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data.startswith(b"BM"):
        return ".bmp"
    return ".bin"


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)[:40]


class _Job:
    __slots__ = ("fn", "fut")

    def __init__(self, fn: Callable[[sqlite3.Connection], Any], fut: asyncio.Future[Any]) -> None:
        self.fn = fn
        self.fut = fut


@dataclass(slots=True)
class _CallbackJob:
    fut: asyncio.Future[Any]
    kind: str
    request_id: str | None
    body_hash: str
    received_at: float
    source: str
    signature_ok: int
    raw_body: bytes
    images: dict[str, bytes | str]
    code: int
    reason: str
    dedup_key: str | None  # None: rejected, takes no part in duplicate detection
    nonce_key: str | None
    only_if_duplicate: bool = False  # a duplicate, or else journaled as rejected (code, reason)
    body_size: int | None = None


_REPLAY = object()
_CHUNK = 900  # SQL variables per statement (SQLite's historic limit is 999)


def _insert_callback_rows(conn: sqlite3.Connection, columns: str,
                          rows: list[tuple[Any, ...]]) -> list[int]:
    """Insert ``rows`` (values for ``columns``) into callbacks with as few multi-row INSERTs as
    the SQL variable limit allows; the new rows' ids, in the order of ``rows``."""
    ids: list[int] = []
    if not rows:
        return ids
    per_row = len(rows[0])
    for start in range(0, len(rows), _CHUNK // per_row):
        chunk_rows = rows[start:start + _CHUNK // per_row]
        cur = conn.execute(
            f"INSERT INTO callbacks ({columns}) VALUES "
            + ",".join(["(" + ",".join("?" * per_row) + ")"] * len(chunk_rows)),
            [v for row in chunk_rows for v in row],
        )
        last = int(cur.lastrowid or 0)  # rows of one INSERT get consecutive ids
        ids.extend(range(last - len(chunk_rows) + 1, last + 1))
    return ids


_STOP = object()
_WAKE = object()  # processed flags are waiting: commit them within PROCESSED_FLUSH_S


class Journal:
    """The SQLite journal with a batching writer thread. Create it with :meth:`open`."""

    def __init__(self, path: Path, images_dir: Path) -> None:
        """Use :meth:`open`."""
        self.path = path
        self.images_dir = images_dir
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._finished: asyncio.Future[None] | None = None
        self._counts: dict[str, int] = {}  # counter increments of the batch being written
        #: how long the writer gathers more jobs after the first one before committing
        self.commit_delay_s = COMMIT_DELAY_S
        #: how long accepted (Nonce, TimeStamp) pairs are remembered for replay detection
        self.nonce_memory_s = NONCE_MEMORY_S
        self._nonces: dict[str, tuple[str, float]] = {}  # nonce key -> (dedup key, when)
        #: rejected rows kept at most (the oldest are deleted beyond this)
        self.max_rejected_rows = MAX_REJECTED_ROWS
        self._rejected_rows: int | None = None  # rows with a code other than 200 (counted once)
        self._processed: list[int] = []  # row ids handled by the application, not yet flagged
        self._processed_lock = threading.Lock()
        #: the writer is waiting for a job with no flush due (flags then need a _WAKE); while
        #: it is busy, flags noted meanwhile are seen when it comes round: no wake-up needed
        self._writer_idle = False
        #: how long processed flags may wait for a batch to ride along with
        self.processed_flush_s = PROCESSED_FLUSH_S
        #: number of committed batches and jobs (for tests and the benchmark)
        self.batches = 0
        self.jobs = 0
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

    # --- life cycle ---

    @classmethod
    async def open(cls, path: Path, *, images_dir: Path | None = None) -> Journal:
        """Open (creating or migrating) the journal at ``path`` and start its writer thread.

        Raises:
            JournalError: the file cannot be opened or has a newer schema than this program.
        """
        path = Path(path).absolute()
        images = (Path(images_dir).absolute() if images_dir is not None
                  else path.with_name(path.name + ".images"))
        journal = cls(path, images)
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        journal._finished = loop.create_future()
        journal._thread = threading.Thread(
            target=journal._run, args=(loop, ready), name="journal-writer", daemon=True
        )
        journal._thread.start()
        await ready
        return journal

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"cannot open the journal {path}: {exc}") from None
        try:
            # first, so that a journal another program holds locked is waited for
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            # freed and new pages are zeroed: nothing stale from earlier rows or from this
            # process's memory lingers in the file's unused space
            conn.execute("PRAGMA secure_delete=ON")
            # temporary tables and statement journals in memory: a write needs no new file
            # descriptor, so the journal keeps working when the process has none left
            conn.execute("PRAGMA temp_store=MEMORY")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise JournalError(
                    f"the journal {path} was written by a newer Booth Console "
                    f"(schema {version}, this one knows {len(MIGRATIONS)})"
                )
            for number in range(version, len(MIGRATIONS)):
                conn.executescript(
                    f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]};\n"
                    f"PRAGMA user_version={number + 1};\nCOMMIT;"
                )
                log.info("journal %s migrated to schema %d", path, number + 1)
        except sqlite3.Error as exc:
            conn.close()
            raise JournalError(f"cannot use the journal {path}: {exc}",
                               damaged=_is_damage(exc)) from None
        except JournalError:
            conn.close()
            raise
        return conn

    def _open_checked(self) -> sqlite3.Connection:
        """Connect and check the file (``PRAGMA quick_check``). A damaged journal is moved
        aside (kept), its undelivered callbacks and pending payments are copied to a fresh
        one, and :attr:`damaged_copy` tells the application."""
        path = self.path
        problem = ""
        try:
            conn = self._connect(path)
        except JournalError as exc:
            if not exc.damaged or not _sqlite_header(path):
                raise  # locked, read-only, full disk; or some other file: not ours to move
            problem = str(exc)
        else:
            problem = _quick_check(conn)
            if not problem:
                return conn
            conn.close()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        copy = path.with_name(f"{path.name}.damaged-{stamp}")
        try:
            for suffix in ("", "-wal", "-shm"):
                part = Path(str(path) + suffix)
                if part.exists():
                    part.rename(Path(str(copy) + suffix))
        except OSError as exc:
            raise JournalError(f"the journal {path} is damaged ({problem}) and cannot be moved "
                               f"aside: {exc.strerror or exc}") from None
        log.error("journal %s is damaged (%s); kept as %s, starting a new one", path, problem,
                  copy.name)
        self.damaged_copy, self.damage = copy, problem
        self.replay_window_known = False
        conn = self._connect(path)
        try:
            self.salvaged_callbacks, self.salvaged_payments = _salvage(copy, conn)
        except Exception:  # best effort: the damaged copy is kept whatever happens
            log.exception("journal: copying rows from the damaged journal failed")
        return conn

    async def close(self) -> None:
        """Commit what is queued, stop the writer thread and close the file."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        if self._finished is not None:
            await asyncio.shield(self._finished)

    # --- writer thread ---

    def _submit(self, fn: Callable[[sqlite3.Connection], Any]) -> asyncio.Future[Any]:
        if self._closed:
            raise JournalError("the journal is closed")
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.put(_Job(fn, fut))
        return fut

    def _run(self, loop: asyncio.AbstractEventLoop, ready: asyncio.Future[None]) -> None:
        try:
            conn = self._open_checked()
        except JournalError as exc:
            self._closed = True
            loop.call_soon_threadsafe(settle, ready, exc)
            loop.call_soon_threadsafe(settle, self._finished, None)
            return
        try:
            self._load_nonces(conn)
        except sqlite3.Error as exc:
            log.warning("journal: cannot load recent nonces: %s", exc)
            self.replay_window_known = False
        loop.call_soon_threadsafe(settle, ready, None)
        stop = False
        busy = False
        flush_at: float | None = None  # when waiting processed flags must be committed
        try:
            while not stop:
                if flush_at is None:
                    with self._processed_lock:
                        if self._processed:  # noted while the last batch was written
                            flush_at = time.monotonic() + self.processed_flush_s
                        else:
                            self._writer_idle = True
                if flush_at is None:
                    item = self._queue.get()
                    self._writer_idle = False
                else:
                    try:
                        item = self._queue.get(timeout=max(0.0, flush_at - time.monotonic()))
                    except queue.Empty:
                        if self._processed:
                            self._run_batch(conn, [])  # only the processed flags
                        flush_at = None
                        continue
                if item is _STOP:
                    break
                if item is _WAKE:
                    if flush_at is None:
                        flush_at = time.monotonic() + self.processed_flush_s
                    continue
                batch: list[Any] = [item]
                # under load (the last batch had company) wait a little for more; a lone write
                # at a quiet moment is committed at once. Sleeping, not waiting on the queue:
                # one wake-up (one turn with the GIL) per batch instead of one per job.
                if busy and self.commit_delay_s > 0:
                    time.sleep(self.commit_delay_s)
                while len(batch) < MAX_BATCH:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is _STOP:
                        stop = True
                        break
                    if nxt is _WAKE:
                        continue
                    batch.append(nxt)
                self._run_batch(conn, batch)  # the processed flags ride along
                flush_at = None
                busy = len(batch) > 1
            if self._processed:
                self._run_batch(conn, [])
        finally:
            conn.close()
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, self._finished, None)

    def _run_batch(self, conn: sqlite3.Connection, batch: list[Any]) -> None:
        # One transaction per batch. A job that fails leaves no trace: jobs are single
        # statements or check before writing, and a failed statement is undone by SQLite itself.
        results: list[tuple[Any, bool, Any]] = []
        self._counts.clear()
        with self._processed_lock:
            processed, self._processed = self._processed, []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for start in range(0, len(processed), _CHUNK):
                chunk = processed[start:start + _CHUNK]
                conn.execute(
                    "UPDATE callbacks SET processed = 1, processed_at = ? WHERE id IN ("
                    + ",".join("?" * len(chunk)) + ")", (time.time(), *chunk),
                )
            callbacks = [job for job in batch if isinstance(job, _CallbackJob)]
            if callbacks:
                try:
                    written = self._write_callbacks(conn, callbacks)
                    results.extend((job, True, w) for job, w in zip(callbacks, written, strict=True))
                except Exception as exc:
                    if isinstance(exc, sqlite3.OperationalError):
                        raise  # disk full, I/O error: the whole batch fails
                    log.exception("journal: writing callbacks failed")
                    results.extend((job, False, JournalError(f"journal write failed: {exc}"))
                                   for job in callbacks)
            for job in batch:
                if isinstance(job, _CallbackJob):
                    continue
                try:
                    results.append((job, True, job.fn(conn)))
                except Exception as exc:
                    results.append((job, False, exc))
            for name, value in self._counts.items():
                conn.execute(
                    "INSERT INTO counters (name, value) VALUES (?, ?)"
                    " ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                    (name, value),
                )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            log.error("journal commit failed: %s", exc)
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            err = JournalError(f"journal write failed: {exc}")
            results = [(job, False, err) for job in batch]
            if processed:  # try again with the next batch
                with self._processed_lock:
                    self._processed[:0] = processed
        self.batches += 1
        self.jobs += len(batch)
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Any, bool, Any]]] = {}
        for res in results:
            by_loop.setdefault(res[0].fut.get_loop(), []).append(res)
        for loop, items in by_loop.items():
            with contextlib.suppress(RuntimeError):  # loop closed: nobody is waiting any more
                loop.call_soon_threadsafe(_resolve, items)

    # --- callbacks ---

    async def record_callback(
        self,
        *,
        kind: str,
        request_id: str | None,
        body_hash: str,
        received_at: float,
        source: str,
        signature_ok: bool,
        raw_body: bytes,
        images: Mapping[str, bytes | str],
        nonce: str | None = None,
        timestamp: str | None = None,
        result_code: int | None = None,
        reason: str = "",
        only_if_duplicate: bool = False,
        body_size: int | None = None,
    ) -> CallbackWrite:
        """Journal one received callback; returns once its batch is committed.

        Args:
            raw_body: the body as received but without the image Base64 (the caller strips it);
                of a rejected one only the first :data:`REJECTED_BODY_BYTES` are kept.
            images: image field -> image bytes, or the Base64 text (decoded on the writer thread).
            nonce, timestamp: the envelope's Nonce and TimeStamp, for replay detection.
            result_code: the answer given (default 200 when ``signature_ok`` else 1001). Only
                accepted callbacks (200) take part in duplicate and replay detection.
            reason: why it was rejected.
            only_if_duplicate: the body cannot be accepted as new (``result_code`` and
                ``reason`` say why, e.g. a stale TimeStamp); if an accepted callback with the
                same RequestId (body hash without one) is journaled it is a duplicate like any
                other, otherwise it is journaled as rejected (``CallbackWrite.rejected``).
            body_size: the size of the body as received (default ``len(raw_body)``).
        """
        code = result_code if result_code is not None else (200 if signature_ok else 1001)
        accepted = code == 200 and not only_if_duplicate
        if self._closed:
            raise JournalError("the journal is closed")
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.put(_CallbackJob(
            fut, kind, request_id, body_hash, received_at, source, int(signature_ok), raw_body,
            dict(images), code, reason,
            (f"r:{request_id}" if request_id else f"h:{body_hash}")
            if accepted or only_if_duplicate else None,
            f"{nonce}|{timestamp}" if accepted and nonce and timestamp else None,
            only_if_duplicate, len(raw_body) if body_size is None else body_size,
        ))
        result: CallbackWrite = await fut
        return result

    def _write_callbacks(self, conn: sqlite3.Connection, jobs: list[_CallbackJob]) -> list[Any]:
        """Write a batch's callbacks with a handful of statements (not two per row).

        Every statement the writer thread executes hands the GIL back and forth with the
        busy listener thread, so the batch is done in bulk: one look-up of the known
        RequestIds/body hashes, one multi-row INSERT, and replay detection from memory.
        """
        existing: dict[str, tuple[int, str]] = {}
        keys = list({j.dedup_key for j in jobs if j.dedup_key is not None})
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            text = conn.execute(
                "SELECT group_concat(dedup_key || char(31) || id || char(31) || image_paths,"
                f" char(30)) FROM callbacks WHERE dedup_key IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchone()[0]
            for item in (text.split("\x1e") if text else ()):
                key, row_id, paths_json = item.split("\x1f")
                existing[key] = (int(row_id), paths_json)
        results: list[Any] = [None] * len(jobs)
        rows: list[tuple[Any, ...]] = []
        inserted: list[int] = []  # job index of each row in ``rows``
        rejects: list[tuple[int, int, str]] = []  # (job index, code, reason) of rejected ones
        new_keys: dict[str, int] = {}  # dedup key -> job index, new in this batch
        for i, j in enumerate(jobs):
            if j.dedup_key is not None:
                if j.dedup_key in existing or j.dedup_key in new_keys:
                    results[i] = j.dedup_key  # resolved below, once the first one has its id
                    self._bump("duplicates")
                    continue
                if j.only_if_duplicate:
                    rejects.append((i, j.code, j.reason))
                    continue
                if j.nonce_key is not None:
                    seen = self._nonces.get(j.nonce_key)
                    if seen is not None and seen[0] != j.dedup_key:
                        rejects.append((i, 1001, "replayed: Nonce and TimeStamp already used"))
                        results[i] = _REPLAY
                        continue
                new_keys[j.dedup_key] = i
            elif j.code != 200:
                rejects.append((i, j.code, j.reason))
                continue
            rows.append((j.kind, j.request_id, j.body_hash, j.dedup_key, j.nonce_key,
                         j.received_at, j.source, j.signature_ok, j.code, j.reason, j.raw_body,
                         j.body_size))
            inserted.append(i)
            self._bump("accepted" if j.code == 200 else "rejected")
        new_ids = _insert_callback_rows(
            conn, "kind, request_id, body_hash, dedup_key, nonce_key, received_at, source,"
            " signature_ok, result_code, reason, raw_body, body_size", rows)
        ids: dict[int, int] = dict(zip(inserted, new_ids, strict=True))
        if rejects:
            ids.update(self._write_rejections(conn, jobs, rejects))
        now = time.time()
        for i, j in enumerate(jobs):
            if results[i] is _REPLAY:
                results[i] = CallbackWrite(-1, False, {}, replayed=True)
            elif j.only_if_duplicate and i in ids:
                results[i] = CallbackWrite(ids[i], False, {}, rejected=True)
            elif i in ids:
                paths: dict[str, Path] = {}
                if j.images and j.code == 200:
                    paths = self._save_images(ids[i], j.kind, j.received_at, j.images)
                    if paths:
                        conn.execute(
                            "UPDATE callbacks SET image_paths = ? WHERE id = ?",
                            (json.dumps({k: str(v) for k, v in paths.items()}), ids[i]),
                        )
                if j.nonce_key is not None and j.dedup_key is not None:
                    self._nonces[j.nonce_key] = (j.dedup_key, now)
                results[i] = CallbackWrite(ids[i], False, paths)
        for i in range(len(jobs)):
            if isinstance(results[i], str):  # a duplicate
                key = results[i]
                if key in existing:
                    row_id, paths_text = existing[key]
                    earlier = {k: Path(v) for k, v in json.loads(paths_text).items()}
                else:
                    first = results[new_keys[key]]
                    row_id, earlier = first.row_id, dict(first.image_paths)
                results[i] = CallbackWrite(row_id, True, earlier)
        self._forget_old_nonces(now)
        return results

    def _write_rejections(
        self, conn: sqlite3.Connection, jobs: list[_CallbackJob], rejects: list[tuple[int, int, str]]
    ) -> dict[int, int]:
        """Journal rejected requests as bounded summaries; returns job index -> row id.

        A rejection seen before (same body hash, source, code and reason, also earlier in the
        batch) counts up that row's ``repeats`` instead of adding a row. Beyond
        :attr:`max_rejected_rows` the oldest rejected rows are deleted.
        """
        keyed: dict[str, list[int]] = {}  # repeat key -> job indexes, in arrival order
        codes: dict[int, tuple[int, str]] = {}
        for i, code, reason in rejects:
            j = jobs[i]
            key = hashlib.sha256(
                f"{code}\x1f{j.source}\x1f{j.body_hash}\x1f{reason}".encode("utf-8", "replace")
            ).hexdigest()[:32]
            keyed.setdefault(key, []).append(i)
            codes[i] = (code, reason)
            self._bump("rejected")
        known: dict[str, int] = {}
        keys = list(keyed)
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            for key, row_id in conn.execute(
                f"SELECT repeat_key, MAX(id) FROM callbacks WHERE repeat_key IN"
                f" ({','.join('?' * len(chunk))}) GROUP BY repeat_key", chunk,
            ):
                known[key] = int(row_id)
        ids: dict[int, int] = {}
        updates: list[tuple[int, float, int]] = []
        rows: list[tuple[Any, ...]] = []
        firsts: list[str] = []
        for key, indexes in keyed.items():
            last_at = jobs[indexes[-1]].received_at
            if key in known:
                updates.append((len(indexes), last_at, known[key]))
                continue
            j = jobs[indexes[0]]
            code, reason = codes[indexes[0]]
            rows.append((j.kind, j.request_id, j.body_hash, j.received_at, j.source,
                         j.signature_ok, code, reason, j.raw_body[:REJECTED_BODY_BYTES],
                         j.body_size, len(indexes), last_at, key))
            firsts.append(key)
        if updates:
            conn.executemany(
                "UPDATE callbacks SET repeats = repeats + ?, last_at = ? WHERE id = ?", updates
            )
        new_ids = _insert_callback_rows(
            conn, "kind, request_id, body_hash, received_at, source, signature_ok, result_code,"
            " reason, raw_body, body_size, repeats, last_at, repeat_key", rows)
        known.update(zip(firsts, new_ids, strict=True))
        for key, indexes in keyed.items():
            for i in indexes:
                ids[i] = known[key]
        if rows:
            self._prune_rejected(conn, len(rows))
        return ids

    def _prune_rejected(self, conn: sqlite3.Connection, added: int) -> None:
        if self._rejected_rows is None:
            self._rejected_rows = int(conn.execute(
                "SELECT COUNT(*) FROM callbacks WHERE result_code != 200"
            ).fetchone()[0])
        else:
            self._rejected_rows += added
        cap = max(0, self.max_rejected_rows)
        # delete in steps of a tenth of the cap rather than a few rows with every batch
        if self._rejected_rows <= cap + cap // 10:
            return
        excess = self._rejected_rows - cap
        conn.execute(
            "DELETE FROM callbacks WHERE id IN (SELECT id FROM callbacks WHERE result_code != 200"
            " ORDER BY id LIMIT ?)", (excess,),
        )
        self._rejected_rows = cap

    def _forget_old_nonces(self, now: float) -> None:
        horizon = now - self.nonce_memory_s
        while self._nonces:
            key = next(iter(self._nonces))
            if self._nonces[key][1] >= horizon:
                break
            del self._nonces[key]

    def _load_nonces(self, conn: sqlite3.Connection) -> None:
        since = time.time() - self.nonce_memory_s
        text = conn.execute(
            "SELECT group_concat(nonce_key || char(31) || dedup_key || char(31) || received_at,"
            " char(30)) FROM (SELECT nonce_key, dedup_key, received_at FROM callbacks"
            " WHERE received_at > ? AND nonce_key IS NOT NULL ORDER BY id)", (since,),
        ).fetchone()[0]
        for item in (text.split("\x1e") if text else ()):
            nonce_key, dedup_key, at = item.split("\x1f")
            self._nonces[nonce_key] = (dedup_key, float(at))

    def _bump(self, name: str) -> None:
        self._counts[name] = self._counts.get(name, 0) + 1

    def _save_images(
        self, row_id: int, kind: str, received_at: float, images: dict[str, bytes | str]
    ) -> dict[str, Path]:
        day = datetime.fromtimestamp(received_at).strftime("%Y%m%d")
        folder = self.images_dir / day
        paths: dict[str, Path] = {}
        for name, value in images.items():
            if isinstance(value, str):
                text = value.split(",", 1)[1] if value.startswith("data:") else value
                try:
                    data = base64.b64decode(text, validate=False)
                except (binascii.Error, ValueError):
                    log.warning("callback row %d: %s is not valid Base64; image not saved", row_id, name)
                    continue
            else:
                data = value
            if not data:
                continue
            target = folder / f"{row_id:08d}_{_safe_name(kind)}_{_safe_name(name)}{_image_suffix(data)}"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            except OSError as exc:
                log.warning("callback row %d: cannot save %s to %s: %s", row_id, name, target, exc)
                continue
            paths[name] = target
        return paths

    def note_processed(self, row_ids: list[int]) -> None:
        """Flag callback rows as handled by the application, without waiting and without a
        commit of their own: the flags ride along with the next batch of writes, or are
        committed within :data:`PROCESSED_FLUSH_S` when nothing else is written (and at
        :meth:`close`). Thread-safe. A flag lost in a crash means the row is replayed once
        more at the next start (at-least-once)."""
        if not row_ids or self._closed:
            return
        with self._processed_lock:
            # one wake-up, and only if the writer waits for nothing else: a busy writer looks
            # at the flags before it next waits
            wake = not self._processed and self._writer_idle
            if wake:
                self._writer_idle = False
            self._processed.extend(row_ids)
        if wake:
            self._queue.put(_WAKE)

    async def mark_processed(self, row_id: int) -> None:
        """Flag a callback row as handled by the application; returns once committed."""
        now = time.time()
        await self._submit(lambda c: c.execute(
            "UPDATE callbacks SET processed = 1, processed_at = ? WHERE id = ?", (now, row_id)
        ))

    async def _callback_rows(self, where: str, order: str, limit: int) -> list[CallbackRow]:
        def job(conn: sqlite3.Connection) -> list[CallbackRow]:
            rows = conn.execute(
                "SELECT id, kind, request_id, body_hash, received_at, source, signature_ok,"
                " result_code, reason, raw_body, image_paths, processed, body_size, repeats,"
                " last_at FROM callbacks"
                f" {where} ORDER BY id {order} LIMIT ?", (limit,),
            ).fetchall()
            return [
                CallbackRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8], bytes(r[9]),
                            {k: Path(v) for k, v in json.loads(r[10]).items()}, bool(r[11]),
                            r[12], int(r[13]), r[14])
                for r in rows
            ]

        result: list[CallbackRow] = await self._submit(job)
        return result

    async def unprocessed_callbacks(
        self, limit: int = 10000, *, received_before: float | None = None
    ) -> list[CallbackRow]:
        """Accepted callbacks the application has not taken yet, oldest first (only those
        received before ``received_before``, a ``time.time()``, when given)."""
        where = "WHERE processed = 0 AND result_code = 200"
        if received_before is not None:
            where += f" AND received_at < {float(received_before)!r}"
        return await self._callback_rows(where, "ASC", limit)

    async def recent_callbacks(self, limit: int = 100) -> list[CallbackRow]:
        """The newest journaled callbacks (accepted and rejected), newest first."""
        return await self._callback_rows("", "DESC", limit)

    async def callback_count(self, *, accepted_only: bool = True) -> int:
        """Number of callback rows (accepted ones only by default)."""
        sql = "SELECT COUNT(*) FROM callbacks" + (" WHERE result_code = 200" if accepted_only else "")
        result: int = await self._submit(lambda c: c.execute(sql).fetchone()[0])
        return result

    async def stats(self) -> JournalStats:
        """Counts of accepted, rejected and duplicate callbacks and the time of the last one."""

        def job(conn: sqlite3.Connection) -> JournalStats:
            counters = dict(conn.execute("SELECT name, value FROM counters").fetchall())
            last = conn.execute(
                "SELECT received_at FROM callbacks WHERE id ="
                " (SELECT MAX(id) FROM callbacks WHERE result_code = 200)"
            ).fetchone()
            by_kind = dict(conn.execute(
                "SELECT kind, COUNT(*) FROM callbacks WHERE result_code = 200 GROUP BY kind"
            ).fetchall())
            return JournalStats(
                callbacks=int(counters.get("accepted", 0)),
                rejected=int(counters.get("rejected", 0)),
                duplicates=int(counters.get("duplicates", 0)),
                last_callback_at=last[0] if last else None,
                by_kind=by_kind,
            )

        result: JournalStats = await self._submit(job)
        return result

    # --- operator actions ---

    async def record_action(
        self,
        *,
        operator: str,
        lane_no: str | None,
        action: str,
        request: dict[str, Any],
        result_code: int | None,
        result_msg: str | None,
        result_id: str | None,
    ) -> int:
        """Journal one operator action (secret-looking keys are dropped); returns its row id."""
        now = time.time()
        text = _dumps(request)

        def job(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO actions (at, operator, lane_no, action, request, result_code,"
                " result_msg, result_id) VALUES (?,?,?,?,?,?,?,?)",
                (now, operator, lane_no, action, text, result_code, result_msg, result_id),
            )
            return int(cur.lastrowid or 0)

        result: int = await self._submit(job)
        return result

    async def recent_actions(self, limit: int = 100, action: str | None = None) -> list[ActionRow]:
        """The newest operator actions (optionally of one kind), newest first."""

        def job(conn: sqlite3.Connection) -> list[ActionRow]:
            sql = ("SELECT id, at, operator, lane_no, action, request, result_code, result_msg,"
                   " result_id FROM actions")
            args: tuple[Any, ...] = ()
            if action is not None:
                sql += " WHERE action = ?"
                args = (action,)
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
            return [ActionRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7], r[8])
                    for r in rows]

        result: list[ActionRow] = await self._submit(job)
        return result

    # --- pending payments ---

    async def add_pending_payment(
        self, *, payment_order_no: str, lane_no: str, order_no: str, request: dict[str, Any],
        operator: str, offline: bool = False,
    ) -> None:
        """Journal a PaySuccess before it is sent; committed when this returns.

        Adding the same PaymentOrderNo again keeps the first entry (the retry reuses it).
        ``offline``: taken while the server was unreachable; it stays ``offline`` (never sent)
        until :meth:`mark_offline_checked` says how the check against the order went.
        """
        now = time.time()
        text = _dumps(request)
        await self._submit(lambda c: c.execute(
            "INSERT OR IGNORE INTO pending_payments (payment_order_no, lane_no, order_no, request,"
            " operator, created_at, status, offline) VALUES (?,?,?,?,?,?,?,?)",
            (payment_order_no, lane_no, order_no, text, operator, now,
             "offline" if offline else "pending", 1 if offline else 0),
        ))

    async def mark_offline_checked(self, payment_order_no: str, *, review: str = "") -> bool:
        """An offline payment was checked against its order: to deliver (``review`` empty,
        status ``pending``) or not to send (status ``review``, with the difference found).
        Returns whether this call made the change (``False``: it was checked already, e.g. by
        a check running at the same time; the caller then does nothing)."""
        now = time.time()

        def job(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "UPDATE pending_payments SET status = ?, review = ?, checked_at = ?"
                " WHERE payment_order_no = ? AND status = 'offline'",
                ("review" if review else "pending", review or None, now, payment_order_no))
            return cur.rowcount > 0

        result: bool = await self._submit(job)
        return result

    async def settle_review(self, payment_order_no: str, *, note: str) -> bool:
        """Close a payment that needs review without sending it (the attendant or supervisor
        settled the difference); ``note`` says how. Returns whether a row was closed."""
        now = time.time()

        def job(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "UPDATE pending_payments SET status = 'settled', resolved_at = ?, result_msg = ?"
                " WHERE payment_order_no = ? AND status = 'review'",
                (now, note, payment_order_no))
            return cur.rowcount > 0

        result: bool = await self._submit(job)
        return result

    async def resolve_pending_payment(
        self, payment_order_no: str, *, status: str, result_code: int | None, result_msg: str | None
    ) -> None:
        """Close a pending payment with the server's definitive answer.

        Args:
            status: ``"confirmed"`` or ``"rejected"``.
        """
        if status not in ("confirmed", "rejected"):
            raise ValueError(f"status must be 'confirmed' or 'rejected', not {status!r}")
        now = time.time()
        await self._submit(lambda c: c.execute(
            "UPDATE pending_payments SET status = ?, resolved_at = ?, result_code = ?,"
            " result_msg = ? WHERE payment_order_no = ?",
            (status, now, result_code, result_msg, payment_order_no),
        ))

    async def pending_payments(self) -> list[PendingPayment]:
        """Payments to deliver (not yet answered definitively), oldest first."""
        return await self._payments("status = 'pending'")

    async def open_payments(self) -> list[PendingPayment]:
        """Every payment not settled yet (to deliver, offline, needing review), oldest first."""
        return await self._payments(
            "status IN (" + ", ".join(f"'{s}'" for s in OPEN_PAYMENT_STATUSES) + ")")

    async def offline_payments(self) -> list[PendingPayment]:
        """Offline payments not yet checked against their order, oldest first."""
        return await self._payments("status = 'offline'")

    async def _payments(self, where: str) -> list[PendingPayment]:
        def job(conn: sqlite3.Connection) -> list[PendingPayment]:
            rows = conn.execute(
                "SELECT payment_order_no, lane_no, order_no, request, operator, created_at,"
                " attempts, status, offline, review"
                f" FROM pending_payments WHERE {where} ORDER BY created_at, rowid"
            ).fetchall()
            return [PendingPayment(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7],
                                   bool(r[8]), r[9] or "")
                    for r in rows]

        result: list[PendingPayment] = await self._submit(job)
        return result

    async def note_payment_attempt(self, payment_order_no: str) -> None:
        """Count one more sending attempt of a pending payment."""
        await self._submit(lambda c: c.execute(
            "UPDATE pending_payments SET attempts = attempts + 1 WHERE payment_order_no = ?",
            (payment_order_no,),
        ))


def _resolve(items: list[tuple[Any, bool, Any]]) -> None:
    for job, ok, value in items:
        if job.fut.done():
            continue
        if ok:
            job.fut.set_result(value)
        else:
            job.fut.set_exception(value)
