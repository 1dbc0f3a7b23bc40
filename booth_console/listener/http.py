"""The callback listener's HTTP/1.1 connections: llhttp parsing (``httptools``) on asyncio.

The listener serves one kind of request (a JSON body POSTed to a fixed path, a small JSON
answer), so it does not use a general web framework: each connection is an
:class:`asyncio.Protocol` that feeds what it receives to llhttp (Node.js's parser, through
``httptools``) and asks its :class:`Endpoint` (the :class:`~booth_console.listener.server.CallbackListener`)
what to answer. Measured reason (``bench/callbacks.py``, docs/LISTENER.md): aiohttp's request
and response objects cost about 40 µs per request, a third of what a checked and journaled
callback costs the listener's thread; llhttp and a prebuilt answer cost a few.

What a connection guarantees (the limits against a hostile network are the listener's; see
:mod:`booth_console.listener.server`):

* the head of a request (request line and headers) is at most :data:`MAX_HEAD_BYTES` bytes and
  :data:`MAX_HEADERS` headers, and arrives within ``idle_timeout_s`` of the connection or of the
  previous answer; an idle keep-alive connection is closed as long after its last answer;
* a body arrives within ``body_timeout_s`` of its head and is at most the endpoint's
  ``max_body_bytes`` (Content-Length checked before it is read, chunked bodies as they come);
  ``Expect: 100-continue`` is answered once the head is accepted;
* requests on one connection are answered in order (pipelined ones wait, reading paused);
* every answer is JSON, also for what llhttp cannot parse (400, and the connection is closed);
  a refused request's remaining body is read and dropped for at most :data:`LINGER_S`
  seconds after the answer, so that the client can read the answer before the connection
  closes;
* a request whose body is complete is checked and answered even if the client goes away
  meanwhile (its work is never cancelled: the journal commit must finish).

Timeouts are checked by one sweep every :data:`SWEEP_S` seconds over the open connections, not
by a timer per request.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from email.utils import formatdate
from typing import Any, Protocol
from urllib.parse import unquote

import httptools

from booth_console.listener.processor import error_body
from booth_console.protocol.callbacks import CallbackKind

__all__ = [
    "BODY_BUDGET_BYTES",
    "LINGER_S",
    "MAX_BODY_PIECES",
    "MAX_HEADERS",
    "MAX_HEAD_BYTES",
    "SWEEP_S",
    "Answer",
    "Connection",
    "ConnectionPool",
    "Endpoint",
    "Refusal",
]

log = logging.getLogger("booth_console.listener")

#: Most bytes a request's line and headers may take together.
MAX_HEAD_BYTES = 16 * 1024

#: Most headers a request may carry.
MAX_HEADERS = 100

#: A body may arrive in this many pieces (chunks of a chunked body, reads of a plain one), plus
#: one more per KB received: each piece costs a call, so a body in one-byte chunks would cost
#: seconds; real senders send pieces of kilobytes.
MAX_BODY_PIECES = 4096

#: Most body bytes held by requests still being read, all connections together (at least twice
#: the largest body allowed): beyond it the largest is refused with 503 (1003, so the sender
#: retries), so that many stalled large bodies cannot take the memory.
BODY_BUDGET_BYTES = 64 * 1024 * 1024

#: How long, at most, the rest of a refused request is read (and dropped) after the answer
#: before the connection is closed (seconds).
LINGER_S = 1.0

#: How often the open connections' time limits are checked (seconds).
SWEEP_S = 0.25

#: What to answer: (HTTP status, JSON body).
Answer = tuple[int, bytes]

#: A refusal: an answer at once, or a coroutine function that journals the refusal first.
Refusal = Answer | Callable[[], Awaitable[Answer]]

_REASONS: dict[int, bytes] = {
    200: b"OK", 400: b"Bad Request", 403: b"Forbidden", 404: b"Not Found",
    405: b"Method Not Allowed", 408: b"Request Timeout", 413: b"Payload Too Large",
    431: b"Request Header Fields Too Large", 500: b"Internal Server Error",
    503: b"Service Unavailable",
}
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_JSON_TYPE = b"\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: "

# the Date header, formatted once a second (not with strftime: its day and month names follow
# the process's locale, which Qt sets from the environment)
_date_second = -1
_date_value = b""


def _date() -> bytes:
    global _date_second, _date_value
    now = int(time.time())
    if now != _date_second:
        _date_value = formatdate(now, usegmt=True).encode("ascii")
        _date_second = now
    return _date_value


def answer_bytes(status: int, body: bytes, *, keep_alive: bool, http10: bool = False) -> bytes:
    """An HTTP/1.1 answer with a JSON body."""
    if keep_alive:
        connection = b"\r\nConnection: keep-alive" if http10 else b""
    else:
        connection = b"\r\nConnection: close"
    return b"".join((
        b"HTTP/1.1 ", str(status).encode(), b" ", _REASONS.get(status, b"Error"), _JSON_TYPE,
        str(len(body)).encode(), b"\r\nDate: ", _date(), connection, b"\r\n\r\n", body,
    ))


class Endpoint(Protocol):
    """What a connection asks about each request (the callback listener)."""

    max_body_bytes: int
    idle_timeout_s: float
    body_timeout_s: float

    def check_head(
        self, method: bytes, path: str, remote: str, content_length: int | None
    ) -> CallbackKind | Refusal:
        """The callback kind the request is for, or how to refuse it (before its body)."""

    async def answer(self, kind: CallbackKind, body: bytes, remote: str) -> Answer:
        """Check and journal a complete body; what to answer."""

    async def too_large(self, kind: CallbackKind, remote: str, detail: str) -> Answer:
        """Journal a body over ``max_body_bytes``; what to answer."""

    async def body_timeout(self, kind: CallbackKind, remote: str) -> Answer:
        """Journal a body not received in time; what to answer."""

    async def busy(self, kind: CallbackKind, remote: str) -> Answer:
        """Journal a body refused because bodies being read hold too much memory."""

    def bad_request(self, remote: str, status: int, what: str) -> None:
        """Count and log a request that could not be parsed."""


class _HeadTooLarge(Exception):
    pass


# receive states
_IDLE = 0  # no request under way, or its head is arriving
_BODY = 1  # head accepted, body arriving
_DONE = 2  # refused or closing: what still comes is dropped

#: one answer to give: (make the answer, keep the connection after it, HTTP/1.0)
_Due = tuple[Callable[[], Awaitable[Answer]], bool, bool]


class Connection(asyncio.Protocol):
    """One client connection (see the module's notes)."""

    __slots__ = (
        "_chunks", "_content_length", "_eof", "_expect", "_framing", "_head_bytes", "_head_size",
        "_headers", "_in_head", "_kind", "_pending", "_read_paused", "_size", "_task", "_url",
        "_write_paused", "connected_at", "deadline", "endpoint", "loop", "parser", "pool",
        "remote", "state", "transport",
    )

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        self.endpoint = pool.endpoint
        self.loop = pool.loop
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.remote = ""
        self.state = _IDLE
        self.connected_at = 0.0
        #: when the connection's current time limit runs out (loop time; 0: none)
        self.deadline = 0.0
        self._in_head = False
        self._head_bytes = 0
        self._head_size = 0
        self._headers = 0
        self._url = b""
        self._content_length: int | None = None
        self._expect = False
        self._kind: CallbackKind | None = None
        self._chunks: list[bytes] = []
        self._size = 0  # body bytes buffered for the request being read
        self._framing = 0  # bytes read in the body state that were not body (chunk framing)
        #: answers still to give, in order
        self._pending: collections.deque[_Due] = collections.deque()
        self._task: asyncio.Task[None] | None = None
        self._read_paused = False  # by us: pipelined requests wait, or stopping
        self._write_paused = False  # by the transport: the client does not read its answers
        self._eof = False  # the client has sent all it will send

    # --- asyncio.Protocol ---

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.remote = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        now = self.loop.time()
        self.connected_at = now
        self.deadline = now + self.endpoint.idle_timeout_s
        self.pool.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.state = _DONE
        self._pending.clear()  # not answered: nobody to answer (one being handled finishes)
        self._drop_body()
        self.pool.remove(self)

    def pause_writing(self) -> None:
        # the client does not read its answers: read no more requests until it does, and
        # give up on it if it has not read them within idle_timeout_s
        self._write_paused = True
        self._update_reading()
        if self._task is None:
            limit = self.loop.time() + self.endpoint.idle_timeout_s
            self.deadline = min(self.deadline, limit) if self.deadline else limit

    def resume_writing(self) -> None:
        self._write_paused = False
        self._update_reading()

    def eof_received(self) -> bool | None:
        self._eof = True
        if self._task is not None and self.state != _DONE:
            return True  # answer what is being handled, then close (see _serve)
        return None  # nothing to answer: close

    def data_received(self, data: bytes) -> None:
        if self.state == _DONE:
            return  # refused or closing: dropped
        body = self.state == _BODY
        if body:
            self._framing += len(data)
        elif self._in_head or self.state == _IDLE:
            self._head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:
            cause = exc.__context__
            if isinstance(cause, _HeadTooLarge):
                self._bad(400, str(cause))
            else:
                log.error("callback listener: unexpected error while reading a request",
                          exc_info=cause)
                self._bad(500, "internal error")
        except httptools.HttpParserUpgrade:
            self._bad(400, "protocol upgrades are not supported")
        except httptools.HttpParserError as exc:
            self._bad(400, " ".join(str(exc).split())[:200] or "not HTTP")
        else:
            if self.state == _BODY and self._framing > MAX_HEAD_BYTES + 16 * len(self._chunks):
                # chunk sizes, extensions and trailers are framing: they are bounded like a head
                self._bad(400, f"chunk framing or trailers longer than {MAX_HEAD_BYTES} bytes")
            elif self._in_head and self._head_bytes > MAX_HEAD_BYTES:
                self._bad(400, f"request head longer than {MAX_HEAD_BYTES} bytes")

    # --- llhttp callbacks ---

    def on_message_begin(self) -> None:
        self._in_head = True
        self._headers = 0
        self._head_size = 0
        self._url = b""
        self._content_length = None
        self._expect = False

    def on_url(self, url: bytes) -> None:
        self._url += url
        if len(self._url) > MAX_HEAD_BYTES:
            raise _HeadTooLarge(f"request head longer than {MAX_HEAD_BYTES} bytes")

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers += 1
        if self._headers > MAX_HEADERS:
            raise _HeadTooLarge(f"more than {MAX_HEADERS} headers")
        self._head_size += len(name) + len(value) + 4
        if self._head_size > MAX_HEAD_BYTES:
            raise _HeadTooLarge(f"request head longer than {MAX_HEAD_BYTES} bytes")
        if len(name) == 14 and name.lower() == b"content-length":
            self._content_length = int(value)  # llhttp checked that it is a number
        elif len(name) == 6 and name.lower() == b"expect":
            self._expect = value.strip().lower() == b"100-continue"

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        if self.state == _DONE:
            return
        url = self._url
        if not url.startswith(b"/"):  # absolute form (through a proxy) or '*'
            try:
                url = httptools.parse_url(url).path or b"/"
            except httptools.HttpParserInvalidURLError:
                url = b"/"
        path = url.split(b"?", 1)[0].decode("latin-1")
        if "%" in path:
            path = unquote(path, errors="replace")
        decided = self.endpoint.check_head(self.parser.get_method(), path, self.remote,
                                           self._content_length)
        if not isinstance(decided, CallbackKind):
            self._refuse(decided)
            return
        self._kind = decided
        self._chunks = []
        self._size = 0
        self._framing = 0
        self.state = _BODY
        if self._task is None:
            self.deadline = self.loop.time() + self.endpoint.body_timeout_s
        if self._expect and self._task is None and self.transport is not None:
            # (behind a pipelined request being answered it would come before that answer:
            # then the client sends the body after its own wait, as clients do without one)
            self.transport.write(_CONTINUE)

    def on_body(self, body: bytes) -> None:
        if self.state != _BODY:
            return
        size = len(body)
        self._framing -= size
        if self._size + size > self.endpoint.max_body_bytes:
            self._refuse_body(lambda kind, remote: self.endpoint.too_large(kind, remote, ""))
            return
        self._size += size
        chunks = self._chunks
        chunks.append(body)
        if not self.pool.hold_body(self, size):
            self.refuse_busy()
            return
        if len(chunks) > MAX_BODY_PIECES and len(chunks) > MAX_BODY_PIECES + self._size // 1024:
            what = f"body sent in more than {len(chunks)} pieces of {self._size // len(chunks)} bytes"
            self.endpoint.bad_request(self.remote, 400, what)
            self._refuse((400, error_body(1002, f"bad HTTP request: {what}")))

    def on_message_complete(self) -> None:
        if self.state != _BODY:
            return
        kind = self._kind
        assert kind is not None
        chunks = self._chunks
        raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        self._drop_body()
        keep = self.parser.should_keep_alive()
        http10 = self.parser.get_http_version() == "1.0"
        # after an answer that closes the connection, nothing more is read
        self.state = _IDLE if keep else _DONE
        remote = self.remote
        self._enqueue((lambda: self.endpoint.answer(kind, raw, remote), keep, http10))

    # --- answering ---

    def refuse_busy(self) -> None:
        """Refuse the body being read: bodies being read hold too much memory (503)."""
        self._refuse_body(self.endpoint.busy)

    def _refuse_body(self, journal: Callable[[CallbackKind, str], Awaitable[Answer]]) -> None:
        """Refuse the body being read with what ``journal(kind, remote)`` records and answers."""
        kind = self._kind
        assert kind is not None
        remote = self.remote
        self._refuse(lambda: journal(kind, remote))

    def _drop_body(self) -> None:
        self.pool.release_body(self._size)
        self._chunks = []
        self._size = 0

    def _enqueue(self, due: _Due) -> None:
        self._pending.append(due)
        if self._task is None:
            self.deadline = 0.0  # being answered: no time limit
            self._task = self.pool.start(self._serve())
        else:
            self._update_reading()  # pipelined: read more once this is answered

    def _update_reading(self) -> None:
        transport = self.transport
        if transport is None:
            return
        pause = self._write_paused or self.pool.closing or (
            self._task is not None and len(self._pending) > 0 and self.state != _DONE)
        if pause and not self._read_paused:
            self._read_paused = True
            transport.pause_reading()
        elif not pause and self._read_paused:
            self._read_paused = False
            transport.resume_reading()

    async def _serve(self) -> None:
        try:
            while self._pending:
                make, keep, http10 = self._pending.popleft()
                try:
                    status, body = await make()
                except Exception:
                    log.exception("callback listener: unexpected error")
                    status, body = 500, error_body(1003, "internal error")
                transport = self.transport
                if transport is None or transport.is_closing():
                    return  # the client went away; what it sent has been handled
                keep = keep and not self._eof and not self.pool.closing
                transport.write(answer_bytes(status, body, keep_alive=keep, http10=http10))
                if not keep:
                    self._close_after_answer()
                    return
        finally:
            self._task = None
        if self.transport is not None:
            if self.state == _IDLE or self._write_paused:
                self.deadline = self.loop.time() + self.endpoint.idle_timeout_s
            elif self.state == _BODY:
                self.deadline = self.loop.time() + self.endpoint.body_timeout_s
            self._update_reading()

    def _refuse(self, refusal: Refusal) -> None:
        """Answer the request being read with a refusal, then close (what else comes is
        dropped); requests already complete are answered first."""
        self.state = _DONE
        self._drop_body()
        if isinstance(refusal, tuple):
            answer = refusal

            async def make() -> Answer:
                return answer

            self._enqueue((make, False, False))
        else:
            self._enqueue((refusal, False, False))

    def _bad(self, status: int, what: str) -> None:
        """A request that cannot be parsed: a JSON 400 after the answers due, then close."""
        self.endpoint.bad_request(self.remote, status, what)
        msg = "internal error" if status >= 500 else f"bad HTTP request: {what}"
        code = 1003 if status >= 500 else 1002
        self._refuse((status, error_body(code, msg)))

    def _close_after_answer(self) -> None:
        """The answer is written: send FIN, drop what still comes, close within LINGER_S."""
        self.state = _DONE
        self._pending.clear()
        transport = self.transport
        if transport is None:
            return
        if self._read_paused and not self._write_paused:
            self._read_paused = False
            transport.resume_reading()  # to drop what still comes, not to leave it unread
        if self._eof or not transport.can_write_eof():
            transport.close()
            self.deadline = self.loop.time() + LINGER_S  # abort if the answer cannot be sent
        else:
            transport.write_eof()
            self.deadline = self.loop.time() + LINGER_S

    def expire(self) -> None:
        """The connection's time limit ran out (called by the pool's sweep)."""
        self.deadline = 0.0
        transport = self.transport
        if transport is None:
            return
        if self.state == _BODY and self._task is None and not self._write_paused:
            self._refuse_body(self.endpoint.body_timeout)
        else:
            self.force_close()  # idle, head too slow, or done lingering

    def force_close(self) -> None:
        """Close now (to make room for other connections, at a time limit, when stopping).
        A connection whose client does not read what was written to it is aborted."""
        self.state = _DONE
        transport = self.transport
        if transport is None:
            return
        if transport.is_closing() or transport.get_write_buffer_size() > 0:
            transport.abort()
        else:
            transport.close()
            self.deadline = self.loop.time() + LINGER_S  # aborted then if still not closed

    @property
    def handling(self) -> bool:
        """A request of this connection is being checked or journaled (never cut off)."""
        return self._task is not None and self.state != _DONE

    @property
    def receiving_body(self) -> bool:
        """A body is arriving (and nothing of this connection is being handled)."""
        return self.state == _BODY and self._task is None

    @property
    def buffered(self) -> int:
        """Body bytes held for the request being read."""
        return self._size


class ConnectionPool:
    """The listener's open connections: the cap, who is closed to make room, time limits, and
    the memory bodies may hold.

    Connections are kept in the order they were made (oldest first). Beyond ``cap``, a moment
    after the new connections' requests have been read (``trim_delay_s``; at once past 1.5
    times the cap), the oldest idle ones are closed, else the oldest still sending a body; a
    connection whose request is being handled is never closed. Bodies still arriving hold at
    most ``body_budget`` bytes together: beyond it the largest one is refused (503, 1003:
    the sender retries).
    """

    def __init__(
        self, endpoint: Endpoint, loop: asyncio.AbstractEventLoop, cap: int, *,
        min_age_s: float, trim_delay_s: float, body_budget: int | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.loop = loop
        self.cap = cap
        self.min_age_s = min_age_s
        self.trim_delay_s = trim_delay_s
        self.body_budget = (body_budget if body_budget is not None
                            else max(BODY_BUDGET_BYTES, 2 * endpoint.max_body_bytes))
        self.connections: dict[Connection, None] = {}
        self.evicted = 0
        #: body bytes held by requests being read, all connections together
        self.buffered = 0
        #: stopping: no new connections, no more reading
        self.closing = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._trim_scheduled = False
        self._sweep: asyncio.TimerHandle | None = None

    def __call__(self) -> Connection:
        return Connection(self)

    def add(self, conn: Connection) -> None:
        if self.closing:
            assert conn.transport is not None
            conn.transport.abort()  # accepted while stopping
            return
        self.connections[conn] = None
        if self._sweep is None:
            self._sweep = self.loop.call_later(SWEEP_S, self._check_deadlines)
        count = len(self.connections)
        if count > self.cap + self.cap // 2:
            self.make_room(self.loop.time(), eager=True)  # no time to wait: keep within budget
        elif count > self.cap:
            self.schedule_trim()

    def remove(self, conn: Connection) -> None:
        self.connections.pop(conn, None)

    def start(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run a connection's answering; kept until done (``close`` waits for them)."""
        task = self.loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def hold_body(self, conn: Connection, size: int) -> bool:
        """``conn`` holds ``size`` more body bytes. Whether it may: beyond the budget the
        largest body still arriving is refused (which may be ``conn``'s)."""
        self.buffered += size
        while self.buffered > self.body_budget:
            largest = max((c for c in self.connections if c.receiving_body),
                          key=lambda c: c.buffered, default=None)
            if largest is None:
                break
            if largest is conn:
                return False  # its caller refuses it (and releases what it holds)
            largest.refuse_busy()
        return True

    def release_body(self, size: int) -> None:
        """Body bytes given back (the request is complete, refused or gone)."""
        self.buffered -= size

    def _check_deadlines(self) -> None:
        self._sweep = None
        now = self.loop.time()
        for conn in list(self.connections):
            if conn.deadline and now >= conn.deadline:
                conn.expire()
        if self.connections:
            self._sweep = self.loop.call_later(SWEEP_S, self._check_deadlines)

    def schedule_trim(self) -> None:
        """Close what is beyond the cap in a moment: not at once, since a connection accepted
        in the same burst has not been read yet; a moment later every complete request is
        being handled (kept)."""
        if not self._trim_scheduled:
            self._trim_scheduled = True
            self.loop.call_later(self.trim_delay_s, self._trim)

    def _trim(self) -> None:
        self._trim_scheduled = False
        self.make_room(self.loop.time())
        if sum(1 for c in self.connections if c.state != _DONE) > self.cap:
            self.schedule_trim()  # some were too young to judge yet

    def make_room(self, now: float, *, eager: bool = False) -> int:
        """Close connections so that at most ``cap`` are open: first the oldest idle ones that
        have had ``min_age_s`` to send their request, then the oldest still sending a body,
        then idle ones that have had at least ``trim_delay_s`` (``eager``: then any idle one).
        A connection whose request is being handled is never closed."""
        live = [c for c in self.connections if c.transport is not None and c.state != _DONE]
        excess = len(live) - self.cap
        closed = 0
        settled = now - self.min_age_s
        seen = now if eager else now - self.trim_delay_s
        for rule in range(3):
            for conn in live:
                if closed >= excess:
                    break
                if conn.transport is None or conn.state == _DONE or conn.handling:
                    continue
                body = conn.receiving_body
                age = conn.connected_at
                if ((rule == 0 and not body and age <= settled) or (rule == 1 and body)
                        or (rule == 2 and not body and age <= seen)):
                    conn.force_close()
                    closed += 1
        self.evicted += closed
        return closed

    async def close(self, timeout: float) -> None:
        """Stop: new connections are refused and nothing more is read; requests already read
        are answered (for at most ``timeout`` seconds), then every connection is closed."""
        self.closing = True
        for conn in list(self.connections):
            if conn._task is None:
                conn.force_close()
            else:
                conn._update_reading()
        deadline = self.loop.time() + timeout
        while self._tasks and self.loop.time() < deadline:
            await asyncio.wait(set(self._tasks), timeout=deadline - self.loop.time())
        for conn in list(self.connections):
            conn.force_close()
        if self._sweep is not None:
            self._sweep.cancel()
            self._sweep = None
        # let the transports finish closing (connection_lost) before the loop goes
        for _ in range(20):
            if not self.connections:
                break
            await asyncio.sleep(0.005)
        for conn in list(self.connections):
            if conn.transport is not None:
                conn.transport.abort()
        await asyncio.sleep(0)
