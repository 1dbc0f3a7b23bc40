"""The journal's writer thread: one connection, jobs queued and committed in groups.

Every call puts a small job on a queue and awaits a future; the thread takes whatever is queued
(at most :data:`MAX_BATCH` jobs), runs them in one transaction, commits once and resolves the
batch's futures with a single ``loop.call_soon_threadsafe`` per loop. While one batch commits
the next one queues up, so a burst costs one fsync per batch instead of one per job, and the
calling thread (the Qt thread under qasync) only pays for a ``queue.put``.

Two kinds of job: a function of the connection (:meth:`GroupCommitWriter._submit`), and bulk
jobs (any other object, e.g. a received callback) that the batch hands together to
:meth:`GroupCommitWriter._write_bulk`, so that they are written with a handful of statements.
Row ids flagged with :meth:`GroupCommitWriter.note_processed` ride along with the next commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from booth_console.journal.errors import JournalError
from booth_console.threadsafe import settle

__all__ = ["COMMIT_DELAY_S", "MAX_BATCH", "PROCESSED_FLUSH_S", "GroupCommitWriter"]

log = logging.getLogger("booth_console.journal")

#: Most jobs committed in one transaction.
MAX_BATCH = 200

#: Under load (the previous batch held more than one job), after taking a job the writer waits
#: up to this long (seconds) for more before it commits: fewer fsyncs under a burst, at most
#: this much added latency. A lone write at a quiet moment is committed at once.
COMMIT_DELAY_S = 0.002

#: Rows flagged processed (:meth:`GroupCommitWriter.note_processed`) ride along with the next
#: batch of writes; when nothing else is written they are committed after at most this long.
PROCESSED_FLUSH_S = 1.0


class _Job:
    __slots__ = ("fn", "fut")

    def __init__(self, fn: Callable[[sqlite3.Connection], Any], fut: asyncio.Future[Any]) -> None:
        self.fn = fn
        self.fut = fut


_STOP = object()
_WAKE = object()  # processed flags are waiting: commit them within PROCESSED_FLUSH_S


class GroupCommitWriter:
    """A writer thread with group commit; the journal's tables are written by its subclass
    through :meth:`_submit`, :meth:`_write_bulk` and :meth:`_flag_processed`."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._finished: asyncio.Future[None] | None = None
        self._counts: dict[str, int] = {}  # counter increments of the batch being written
        #: how long the writer gathers more jobs after the first one before committing
        self.commit_delay_s = COMMIT_DELAY_S
        self._processed: list[int] = []  # row ids handled by the application, not yet flagged
        self._processed_lock = threading.Lock()
        #: the writer is waiting for a job with no flush due (flags then need a _WAKE); while
        #: it is busy, flags noted meanwhile are seen when it comes round: no wake-up needed
        self._writer_idle = False
        #: how long processed flags may wait for a batch to ride along with
        self.processed_flush_s = PROCESSED_FLUSH_S
        #: the audit chain's heads and the open shift as last written on the writer thread
        #: (``"actions"``/``"shifts"``: (row id, hash); ``"shift"``: the open shift's id or
        #: None); emptied when a batch is rolled back, then read from the file again
        self._audit_cache: dict[str, Any] = {}
        #: number of committed batches and jobs (for tests and the benchmark)
        self.batches = 0
        self.jobs = 0

    # --- what the subclass provides (called on the writer thread) ---

    def _open_connection(self) -> sqlite3.Connection:
        """Open the file for the writer thread.

        Raises:
            JournalError: it cannot be used; the writer does not start.
        """
        raise NotImplementedError

    def _write_bulk(self, conn: sqlite3.Connection, jobs: list[Any]) -> list[Any]:
        """Write a batch's bulk jobs; one result per job, in order (a ``JournalError`` in
        the list fails that job). An ``sqlite3.OperationalError`` fails the whole batch."""
        raise NotImplementedError

    def _flag_processed(self, conn: sqlite3.Connection, row_ids: list[int]) -> None:
        """Write the flags of rows noted with :meth:`note_processed`."""
        raise NotImplementedError

    # --- life cycle ---

    def _start(self, loop: asyncio.AbstractEventLoop, ready: asyncio.Future[None]) -> None:
        self._finished = loop.create_future()
        self._thread = threading.Thread(
            target=self._run, args=(loop, ready), name="journal-writer", daemon=True
        )
        self._thread.start()

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
            conn = self._open_connection()
        except JournalError as exc:
            self._closed = True
            loop.call_soon_threadsafe(settle, ready, exc)
            loop.call_soon_threadsafe(settle, self._finished, None)
            return
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
            if processed:
                self._flag_processed(conn, processed)
            callbacks = [job for job in batch if not isinstance(job, _Job)]
            if callbacks:
                try:
                    written = self._write_bulk(conn, callbacks)
                    results.extend((job, True, w) for job, w in zip(callbacks, written, strict=True))
                except Exception as exc:
                    if isinstance(exc, sqlite3.OperationalError):
                        raise  # disk full, I/O error: the whole batch fails
                    log.exception("journal: writing callbacks failed")
                    results.extend((job, False, JournalError(f"journal write failed: {exc}"))
                                   for job in callbacks)
            for job in batch:
                if not isinstance(job, _Job):
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
            self._audit_cache.clear()
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

    def _bump(self, name: str) -> None:
        self._counts[name] = self._counts.get(name, 0) + 1


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

def _resolve(items: list[tuple[Any, bool, Any]]) -> None:
    for job, ok, value in items:
        if job.fut.done():
            continue
        if ok:
            job.fut.set_result(value)
        else:
            job.fut.set_exception(value)
