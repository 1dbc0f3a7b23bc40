"""The callback pusher: signs each callback like the parking software and posts it.

Callbacks are recorded in SQLite (``_Callback``) when their kind is enabled by
``SetCallbackParams``. One task per enabled kind wakes up when something is queued, posts the
pending callbacks in order, then waits the configured Interval before the next batch. A failed
delivery (connection error, HTTP status other than 200, or an answer whose ResultCode is not
200) is retried on the next batches, at most 3 times; after that the callback is marked
failed. Kinds 6 (parking spaces) and 10 (lane change) keep only the latest data and are never
retried.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp

from booth_console.protocol import jsonutil
from booth_console.protocol.callbacks import kind_by_index
from booth_console.protocol.signing import sign_envelope
from booth_console.protocol.timefmt import format_time
from booth_console.simulator.ids import IdGen
from booth_console.simulator.store import Store
from booth_console.waits import cancel_and_wait

__all__ = ["IMAGE_FIELD_OF", "MAX_RETRIES", "CallbackPusher", "CallbackTarget"]

log = logging.getLogger("booth_console.simulator.pusher")

MAX_RETRIES = 3
#: The Base64 image field of each callback kind that carries one.
IMAGE_FIELD_OF = {0: "EntryImageBase64", 1: "ExitImageBase64", 7: "ImageBase64"}


@dataclass(frozen=True)
class CallbackTarget:
    """One row of the callback table: kind index, URL and interval in milliseconds."""

    index: int
    url: str
    interval_ms: int


class CallbackPusher:
    """Queues, signs and delivers callbacks; retries and records failures."""

    def __init__(self, store: Store, ids: IdGen, *, app_id: str, app_secret: str, park_key: str,
                 now: Callable[[], datetime], image_base64: bool,
                 image_root: Path, dropping: Callable[[], bool]) -> None:
        self._store = store
        self._ids = ids
        self._app_id = app_id
        self._app_secret = app_secret
        self._park_key = park_key
        self._now = now
        self._image_base64 = image_base64
        self._image_root = image_root
        self._dropping = dropping
        self._targets: dict[int, CallbackTarget] = {}
        self._events: dict[int, asyncio.Event] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._session: aiohttp.ClientSession | None = None
        self.delivered = 0
        self.failures = 0

    # -- configuration ----------------------------------------------------------------------

    @property
    def targets(self) -> dict[int, CallbackTarget]:
        return dict(self._targets)

    def configure(self, targets: Sequence[CallbackTarget]) -> None:
        """Replace the whole callback table (kinds not listed, or with an empty URL, are off)."""
        new = {t.index: t for t in targets if t.url}
        for index in list(self._tasks):
            if index not in new or new[index] != self._targets.get(index):
                self._tasks.pop(index).cancel()
        self._targets = new
        if self._session is not None:
            for index in new:
                self._ensure_task(index)

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        for index in self._targets:
            self._ensure_task(index)

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        await cancel_and_wait(tasks)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _ensure_task(self, index: int) -> None:
        if index in self._tasks and not self._tasks[index].done():
            return
        event = self._events.setdefault(index, asyncio.Event())
        event.set()
        task = asyncio.get_running_loop().create_task(self._run(index),
                                                      name=f"sim-callback-{index}")
        task.add_done_callback(_log_task_error)
        self._tasks[index] = task

    # -- queueing -----------------------------------------------------------------------------

    def enqueue(self, index: int, data: dict[str, Any], image_path: str | None = None) -> bool:
        """Record a callback of this kind if it is enabled; returns whether it was queued."""
        if index not in self._targets:
            return False
        kind = kind_by_index(index)
        if kind is not None and not kind.retried:
            # Latest data only: older undelivered ones are superseded.
            self._store.conn.execute(
                "UPDATE _Callback SET Status = 'superseded' WHERE Idx = ? AND Status = 'pending'",
                (index,))
        # The RequestId is the callback's identity: every delivery attempt of it (retries,
        # RetryCallback re-pushes) carries the same one, so that a receiver that already
        # recorded it (and whose answer was lost) recognises the retry as a duplicate.
        self._store.insert("_Callback", dict(
            Idx=index, CreatedAt=format_time(self._now()), Data=jsonutil.dumps(data),
            ImagePath=image_path, Status="pending", Attempts=0,
            RequestId=self._ids.snowflake()))
        event = self._events.get(index)
        if event is not None:
            event.set()
        return True

    def retry_failed(self, start: str, end: str, indexes: Sequence[int]) -> int:
        """Queue again the failed callbacks created in [start, end] (kinds 6 and 10 excluded)."""
        wanted = [i for i in (indexes or range(11)) if i not in (6, 10)]
        if not wanted:
            return 0
        marks = ", ".join("?" for _ in wanted)
        cur = self._store.conn.execute(
            f"UPDATE _Callback SET Status = 'pending', Attempts = 0 WHERE Status = 'failed' "
            f"AND CreatedAt >= ? AND CreatedAt <= ? AND Idx IN ({marks})",
            (start, end, *wanted))
        for index in wanted:
            if index in self._events:
                self._events[index].set()
        return cur.rowcount

    def summary(self) -> dict[str, Any]:
        rows = self._store.all("SELECT Idx, Status, COUNT(*) AS N FROM _Callback "
                               "GROUP BY Idx, Status ORDER BY Idx")
        return {
            "targets": [dict(Index=t.index, Url=t.url, Interval=t.interval_ms)
                        for t in self._targets.values()],
            "counts": [dict(Index=r["Idx"], Status=r["Status"], Count=r["N"]) for r in rows],
            "delivered": self.delivered,
            "failures": self.failures,
        }

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self._store.all("SELECT Id, Idx, CreatedAt, Status, Attempts, LastError, "
                               "RequestId, SentAt FROM _Callback ORDER BY Id DESC LIMIT ?",
                               (limit,))
        return [dict(r) for r in rows]

    # -- delivery -----------------------------------------------------------------------------

    async def _run(self, index: int) -> None:
        event = self._events.setdefault(index, asyncio.Event())
        while True:
            await event.wait()
            event.clear()
            target = self._targets.get(index)
            if target is None:
                return
            more = await self._batch(index, target)
            if more:
                event.set()
            await asyncio.sleep(target.interval_ms / 1000)

    async def _batch(self, index: int, target: CallbackTarget) -> bool:
        rows = self._store.all("SELECT * FROM _Callback WHERE Idx = ? AND Status = 'pending' "
                               "ORDER BY Id LIMIT 50", (index,))
        kind = kind_by_index(index)
        retried = kind.retried if kind is not None else True
        for row in rows:
            ok, error = await self._post(index, target, row)
            attempts = int(row["Attempts"]) + 1
            if ok:
                self.delivered += 1
                self._store.conn.execute(
                    "UPDATE _Callback SET Status = 'sent', Attempts = ?, SentAt = ?, "
                    "LastError = NULL WHERE Id = ?", (attempts, format_time(self._now()), row["Id"]))
                continue
            self.failures += 1
            final = not retried or attempts > MAX_RETRIES
            self._store.conn.execute(
                "UPDATE _Callback SET Status = ?, Attempts = ?, LastError = ? WHERE Id = ?",
                ("failed" if final else "pending", attempts, error, row["Id"]))
            log.info("callback %s #%s failed (attempt %s): %s", kind.name if kind else index,
                     row["Id"], attempts, error)
            return True  # keep the order: try again after the interval
        return len(rows) == 50

    async def _post(self, index: int, target: CallbackTarget,
                    row: Any) -> tuple[bool, str | None]:
        if self._dropping():
            return False, "dropped (simulated fault)"
        assert self._session is not None
        data = json.loads(row["Data"], parse_float=Decimal)
        field = IMAGE_FIELD_OF.get(index)
        if field is not None and field in data:
            data[field] = self._image_b64(row["ImagePath"]) if self._image_base64 else ""
        request_id = row["RequestId"]
        if not request_id:  # a row recorded before RequestIds were assigned at queueing time
            request_id = self._ids.snowflake()
            self._store.conn.execute("UPDATE _Callback SET RequestId = ? WHERE Id = ?",
                                     (request_id, row["Id"]))
        # Each attempt is signed afresh (new TimeStamp and Nonce); the RequestId stays.
        envelope = sign_envelope(app_id=self._app_id, park_key=self._park_key,
                                 app_secret=self._app_secret, data=data,
                                 nonce=self._ids.snowflake(), extra={"RequestId": request_id})
        try:
            async with self._session.post(
                    target.url, data=jsonutil.dumps_bytes(envelope),
                    headers={"Content-Type": "application/json; charset=utf-8"}) as resp:
                body = await resp.read()
                if resp.status != 200:
                    return False, f"HTTP {resp.status}"
        except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as exc:
            return False, f"{type(exc).__name__}: {exc}"[:300]
        try:
            answer = jsonutil.loads(body)
        except jsonutil.JsonError:
            return False, "answer is not JSON"
        code = answer.get("ResultCode") if isinstance(answer, dict) else None
        if str(code) != "200":
            msg = answer.get("ResultMsg") if isinstance(answer, dict) else None
            return False, f"ResultCode {code}: {msg}"[:300]
        return True, None

    def _image_b64(self, path: str | None) -> str:
        if not path:
            return ""
        try:
            return base64.b64encode((self._image_root / path).read_bytes()).decode("ascii")
        except OSError:
            return ""


def _log_task_error(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("callback task failed", exc_info=task.exception())
