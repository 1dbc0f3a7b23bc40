"""The journal file: SQLite pragmas and the schema, upgraded in order when it is opened.

SQLite in WAL mode with ``synchronous=FULL``: a committed row survives a process kill and a
power cut. The schema version lives in ``PRAGMA user_version``; :data:`MIGRATIONS` upgrades
older files in order.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from booth_console.journal.errors import JournalError

__all__ = ["MIGRATIONS", "MIGRATION_TRIGGERS", "connect", "is_damage"]

log = logging.getLogger("booth_console.journal")

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
    # 5: shifts (an append-only list of events: ``shift_id`` is the id of the shift's 'open'
    # row, ``event`` 'open' or 'close', ``data`` JSON: the float, the count, the report; kept
    # short, as every byte of schema text counts towards keeping the schema on the file's first
    # page, where a damaged file is most likely still readable), the shift of each operator
    # action, and the audit chain: every action and shift row carries the SHA-256 of its
    # canonical encoding and the previous row's hash (rows already there are chained by
    # :func:`booth_console.journal.audit.chain_existing` in the same transaction). Triggers
    # refuse UPDATE and DELETE on both tables.
    """
    CREATE TABLE shifts (id INTEGER PRIMARY KEY, at REAL NOT NULL, shift_id INTEGER NOT NULL,
        event TEXT NOT NULL, operator TEXT NOT NULL, data TEXT NOT NULL, hash TEXT NOT NULL);
    ALTER TABLE actions ADD COLUMN shift_id INTEGER;
    ALTER TABLE actions ADD COLUMN hash TEXT;
    CREATE INDEX actions_shift ON actions(shift_id) WHERE shift_id IS NOT NULL;
    ALTER TABLE pending_payments ADD COLUMN shift_id INTEGER;
    """,
)

#: SQL run after a migration's Python step (the triggers come last so that the step can
#: still fill the ``hash`` column of rows already there)
MIGRATION_TRIGGERS: dict[int, str] = {
    5: """
    CREATE TRIGGER actions_no_update BEFORE UPDATE ON actions
        BEGIN SELECT RAISE(ABORT, 'append-only'); END;
    CREATE TRIGGER actions_no_delete BEFORE DELETE ON actions
        BEGIN SELECT RAISE(ABORT, 'append-only'); END;
    CREATE TRIGGER shifts_no_update BEFORE UPDATE ON shifts
        BEGIN SELECT RAISE(ABORT, 'append-only'); END;
    CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
        BEGIN SELECT RAISE(ABORT, 'append-only'); END;
    """,
}


def is_damage(exc: sqlite3.Error) -> bool:
    """A corrupt or foreign file, as opposed to a locked one, a full disk or no permission."""
    if isinstance(exc, sqlite3.OperationalError):
        return False
    return isinstance(exc, sqlite3.DatabaseError)


def _migrate_with_chain(conn: sqlite3.Connection, number: int) -> None:
    """Apply migration ``number`` (0-based) with its Python step (chaining the rows already
    there) and its triggers, in one transaction."""
    from booth_console.journal.audit import chain_existing

    conn.execute("BEGIN IMMEDIATE")
    try:
        _execute_each(conn, MIGRATIONS[number])
        chain_existing(conn)
        _execute_each(conn, MIGRATION_TRIGGERS[number + 1])
        conn.execute(f"PRAGMA user_version={number + 1}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _execute_each(conn: sqlite3.Connection, script: str) -> None:
    """Run a script statement by statement inside the caller's transaction (``executescript``
    would commit it first)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        conn.execute(statement)


def connect(path: Path) -> sqlite3.Connection:
    """Open the journal at ``path`` (creating it), set its pragmas and apply the migrations it
    lacks.

    Raises:
        JournalError: it cannot be opened or used (``damaged`` when the file itself is bad), or
            has a newer schema than this program.
    """
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
            if number + 1 not in MIGRATION_TRIGGERS:
                conn.executescript(
                    f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]};\n"
                    f"PRAGMA user_version={number + 1};\nCOMMIT;"
                )
            else:
                _migrate_with_chain(conn, number)
            log.info("journal %s migrated to schema %d", path, number + 1)
    except sqlite3.Error as exc:
        conn.close()
        raise JournalError(f"cannot use the journal {path}: {exc}",
                           damaged=is_damage(exc)) from None
    except JournalError:
        conn.close()
        raise
    return conn
