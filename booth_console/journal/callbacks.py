"""Received callbacks in the journal: writing them (accepted, duplicates, replays and bounded
summaries of rejected requests) and reading them back.

* :meth:`Callbacks.record_callback` returns only once the batch holding its row is committed, so
  a callback can be acknowledged as soon as the call returns. Whether it is new, a duplicate or
  a replay is decided on the writer thread, in arrival order (:mod:`booth_console.journal.replay`).
* A callback row is flagged ``processed`` once the application has taken it
  (:meth:`~booth_console.journal.writer.GroupCommitWriter.note_processed`, batched: the flags
  ride along with the next commit); :meth:`Callbacks.unprocessed_callbacks` lists the accepted
  rows a crashed run answered 200 but never delivered, to be replayed at start-up.
* A rejected request is kept as a bounded summary: when, from where, its size and hash, the
  code and reason, and the first :data:`REJECTED_BODY_BYTES` bytes of the body. The same
  rejection again (same body hash, source, code and reason) only counts up the row's
  ``repeats`` and ``last_at``; at most ``max_rejected_rows`` rejected rows are kept (the oldest
  are deleted). So a flood of refused bodies from the network cannot fill the disk (2,000
  different 60 KB bodies add about 2 MB).
* Capture images (the callbacks' Base64 fields) are saved as files
  (:mod:`booth_console.journal.images`); rows hold their paths.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from booth_console.journal.errors import JournalError
from booth_console.journal.images import save_images
from booth_console.journal.replay import REPLAY_REASON, ReplayMemory, Verdict, decide
from booth_console.journal.writer import GroupCommitWriter

__all__ = [
    "CHUNK",
    "MAX_REJECTED_ROWS",
    "REJECTED_BODY_BYTES",
    "CallbackRow",
    "CallbackWrite",
    "Callbacks",
    "JournalStats",
    "insert_callback_rows",
]

#: How much of a rejected body is kept (bytes): enough to see what was sent.
REJECTED_BODY_BYTES = 512

#: Most rejected rows kept (the oldest are deleted beyond this; about 1 KB each).
MAX_REJECTED_ROWS = 5000

CHUNK = 900  # SQL variables per statement (SQLite's historic limit is 999)


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
class JournalStats:
    """Counts for the booth window's status bar."""

    callbacks: int  # accepted (answered 200), excluding duplicates
    rejected: int
    duplicates: int
    last_callback_at: float | None
    by_kind: dict[str, int] = field(default_factory=dict)


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


def insert_callback_rows(conn: sqlite3.Connection, columns: str,
                          rows: list[tuple[Any, ...]]) -> list[int]:
    """Insert ``rows`` (values for ``columns``) into callbacks with as few multi-row INSERTs as
    the SQL variable limit allows; the new rows' ids, in the order of ``rows``."""
    ids: list[int] = []
    if not rows:
        return ids
    per_row = len(rows[0])
    for start in range(0, len(rows), CHUNK // per_row):
        chunk_rows = rows[start:start + CHUNK // per_row]
        cur = conn.execute(
            f"INSERT INTO callbacks ({columns}) VALUES "
            + ",".join(["(" + ",".join("?" * per_row) + ")"] * len(chunk_rows)),
            [v for row in chunk_rows for v in row],
        )
        last = int(cur.lastrowid or 0)  # rows of one INSERT get consecutive ids
        ids.extend(range(last - len(chunk_rows) + 1, last + 1))
    return ids



class Callbacks(GroupCommitWriter):
    """The ``callbacks`` table (and its counters) of the journal."""

    images_dir: Path
    #: rejected rows kept at most (the oldest are deleted beyond this)
    max_rejected_rows: int
    _rejected_rows: int | None  # rows with a code other than 200 (counted once)
    _replay: ReplayMemory

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

    def _write_bulk(self, conn: sqlite3.Connection, jobs: list[Any]) -> list[Any]:
        """Write a batch's callbacks with a handful of statements (not two per row).

        Every statement the writer thread executes hands the GIL back and forth with the
        busy listener thread, so the batch is done in bulk: one look-up of the known
        RequestIds/body hashes, one multi-row INSERT, and replay detection from memory
        (:func:`booth_console.journal.replay.decide`).
        """
        existing: dict[str, tuple[int, str]] = {}
        keys = list({j.dedup_key for j in jobs if j.dedup_key is not None})
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start:start + CHUNK]
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
        verdicts, new_keys = decide(jobs, existing, self._replay)
        duplicate, refused, replay = Verdict.DUPLICATE, Verdict.REFUSED, Verdict.REPLAY
        for i, (j, verdict) in enumerate(zip(jobs, verdicts, strict=True)):
            if verdict is duplicate:
                results[i] = j.dedup_key  # resolved below, once the first one has its id
                self._bump("duplicates")
            elif verdict is refused:
                rejects.append((i, j.code, j.reason))
            elif verdict is replay:
                rejects.append((i, 1001, REPLAY_REASON))
                results[i] = _REPLAY
            else:
                rows.append((j.kind, j.request_id, j.body_hash, j.dedup_key, j.nonce_key,
                             j.received_at, j.source, j.signature_ok, j.code, j.reason,
                             j.raw_body, j.body_size))
                inserted.append(i)
                self._bump("accepted" if j.code == 200 else "rejected")
        new_ids = insert_callback_rows(
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
                    paths = save_images(self.images_dir, ids[i], j.kind, j.received_at,
                                        j.images)
                    if paths:
                        conn.execute(
                            "UPDATE callbacks SET image_paths = ? WHERE id = ?",
                            (json.dumps({k: str(v) for k, v in paths.items()}), ids[i]),
                        )
                if j.nonce_key is not None and j.dedup_key is not None:
                    self._replay.remember(j.nonce_key, j.dedup_key, now)
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
        self._replay.forget_old(now)
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
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start:start + CHUNK]
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
        new_ids = insert_callback_rows(
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

    def _flag_processed(self, conn: sqlite3.Connection, row_ids: list[int]) -> None:
        now = time.time()
        for start in range(0, len(row_ids), CHUNK):
            chunk = row_ids[start:start + CHUNK]
            conn.execute(
                "UPDATE callbacks SET processed = 1, processed_at = ? WHERE id IN ("
                + ",".join("?" * len(chunk)) + ")", (now, *chunk),
            )

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
