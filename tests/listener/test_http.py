"""The listener's HTTP/1.1 handling, byte by byte over real loopback sockets.

What a parking server's HTTP client may send (keep-alive, ``Expect: 100-continue`` as .NET's
HttpWebRequest does by default, chunked bodies, HTTP/1.0) is answered like any HTTP server would;
what a hostile client may send (pipelined floods, endless headers, upgrades) is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from pathlib import Path
from typing import Any

from booth_console.protocol import jsonutil
from tests.listener.conftest import body, envelope, running_stack

Run = Any


def _post(raw: bytes, path: str = "/API/V2/OnVehicleIn", extra: bytes = b"",
          version: bytes = b"HTTP/1.1") -> bytes:
    return (b"POST " + path.encode() + b" " + version + b"\r\nHost: booth\r\n"
            b"Content-Type: application/json\r\n" + extra
            + f"Content-Length: {len(raw)}\r\n\r\n".encode() + raw)


async def _answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], dict[str, Any]]:
    """One answer: status, headers (lower-case names), JSON body."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.strip().lower(): v.strip()
               for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    payload = await asyncio.wait_for(reader.readexactly(int(headers["content-length"])), 5)
    return status, headers, json.loads(payload)


def test_keep_alive_answers_many_callbacks_on_one_connection(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            reader, writer = await asyncio.open_connection("127.0.0.1", st.listener.port)
            for _ in range(5):
                writer.write(_post(body("OnVehicleIn")))
                status, headers, answer = await _answer(reader)
                assert (status, answer["ResultCode"]) == (200, 200)
                assert headers["content-type"].startswith("application/json")
                assert "date" in headers and headers.get("connection") != "close"
            writer.close()
            await st.processor.dispatched()
            assert len(st.received) == 5

    run(scenario())


def test_expect_100_continue_gets_continue_before_the_body(run: Run, tmp_path: Path) -> None:
    """.NET's HttpWebRequest sends the head, waits for ``100 Continue``, then the body."""

    async def scenario() -> None:
        async with running_stack(tmp_path, max_body_bytes=4096) as st:
            raw = body("OnVehicleIn")
            reader, writer = await asyncio.open_connection("127.0.0.1", st.listener.port)
            request = _post(raw, extra=b"Expect: 100-continue\r\n")
            head, _, rest = request.partition(b"\r\n\r\n")
            writer.write(head + b"\r\n\r\n")
            interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
            writer.write(rest)
            status, _, answer = await _answer(reader)
            assert (status, answer["ResultCode"]) == (200, 200)
            writer.close()
            # too large: refused at once, no 100, and the connection closed
            reader, writer = await asyncio.open_connection("127.0.0.1", st.listener.port)
            writer.write(b"POST /API/V2/OnVehicleIn HTTP/1.1\r\nHost: booth\r\n"
                         b"Expect: 100-continue\r\nContent-Length: 100000\r\n\r\n")
            status, headers, answer = await _answer(reader)
            assert status == 413 and answer["ResultCode"] == 1002
            assert headers["connection"] == "close"
            assert await asyncio.wait_for(reader.read(), 5) == b""
            writer.close()

    run(scenario())


def test_pipelined_requests_are_answered_in_order(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            reader, writer = await asyncio.open_connection("127.0.0.1", st.listener.port)
            good = _post(body("OnVehicleIn"))
            bad = _post(b'{"AppId": 1}')
            other = _post(body("OnVehicleIn"))
            writer.write(good + bad + other + _post(b"{}", path="/API/V2/Nothing"))
            codes = [(await _answer(reader))[::2] for _ in range(4)]
            assert [(s, a["ResultCode"]) for s, a in codes] == [
                (200, 200), (200, 1002), (200, 200), (404, 1002)]
            assert await asyncio.wait_for(reader.read(), 5) == b""  # closed after the 404
            writer.close()
            await st.processor.dispatched()
            assert len(st.received) == 2

    run(scenario())


def test_chunked_http10_and_encoded_paths(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            port = st.listener.port
            raw = body("OnVehicleIn")
            # chunked, in three chunks
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            parts = [raw[:100], raw[100:300], raw[300:]]
            writer.write(b"POST /api/v2/onvehiclein/ HTTP/1.1\r\nHost: booth\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n"
                         + b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts)
                         + b"0\r\n\r\n")
            status, _, answer = await _answer(reader)
            assert (status, answer["ResultCode"]) == (200, 200)
            writer.close()
            # HTTP/1.0 without keep-alive: answered, then closed
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(_post(body("OnVehicleIn"), path="/API/V2/OnVehicle%49n",
                               version=b"HTTP/1.0"))
            status, headers, answer = await _answer(reader)
            assert (status, answer["ResultCode"]) == (200, 200)
            assert headers["connection"] == "close"
            assert await asyncio.wait_for(reader.read(), 5) == b""
            writer.close()
            await st.processor.dispatched()
            assert len(st.received) == 2

    run(scenario())


def test_heads_beyond_the_limits_and_upgrades_are_400(run: Run, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            port = st.listener.port
            cases = [
                # a header line that never ends, sent in pieces
                [b"POST /API/V2/OnVehicleIn HTTP/1.1\r\nX-Long: "] + [b"a" * 4096] * 8,
                # too many headers
                [b"POST /API/V2/OnVehicleIn HTTP/1.1\r\n" + b"X-A: b\r\n" * 200 + b"\r\n"],
                # a URL longer than any head
                [b"POST /API/V2/" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n"],
                # Content-Length and chunked at once (request smuggling)
                [b"POST /API/V2/OnVehicleIn HTTP/1.1\r\nContent-Length: 3\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n"],
                [b"GET /API/V2/OnVehicleIn HTTP/1.1\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\n\r\n"],
            ]
            for pieces in cases:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                for piece in pieces:
                    writer.write(piece)
                    await asyncio.sleep(0.01)
                status, headers, answer = await _answer(reader)
                assert status in (400, 405), (pieces[0][:60], status)
                assert answer["ResultCode"] == 1002
                assert headers["connection"] == "close"
                assert await asyncio.wait_for(reader.read(), 5) == b""
                writer.close()
            # a body in one-byte chunks (each costs a call): refused long before its end
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = asyncio.get_running_loop().time()
            writer.write(b"POST /API/V2/OnVehicleIn HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + b"1\r\nx\r\n" * 200_000)
            status, headers, answer = await _answer(reader)
            assert status == 400 and "pieces" in answer["ResultMsg"]
            assert asyncio.get_running_loop().time() - started < 1.0
            writer.close()
            # real senders' pieces of a kilobyte or more are fine, however many
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            big = envelope("OnVehicleIn")
            big["Data"]["EntryImageBase64"] = "QUJD" * 1_500_000  # images are not signed
            raw = jsonutil.dumps_bytes(big)
            step = 1024
            writer.write(b"POST /API/V2/OnVehicleIn HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + b"".join(f"{len(raw[i:i + step]):x}\r\n".encode() + raw[i:i + step]
                                    + b"\r\n" for i in range(0, len(raw), step)) + b"0\r\n\r\n")
            assert (await _answer(reader))[2]["ResultCode"] == 200
            writer.close()
            # and still serving
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(_post(body("OnVehicleIn")))
            assert (await _answer(reader))[2]["ResultCode"] == 200
            writer.close()

    run(scenario())


def test_a_client_that_leaves_mid_check_still_gets_its_callback_journaled(
    run: Run, tmp_path: Path
) -> None:
    """The body was complete: it is checked, journaled and delivered though nobody reads
    the answer (the parking software will send it again and get 200 as a duplicate)."""

    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            raw = body("OnVehicleIn")
            reader, writer = await asyncio.open_connection("127.0.0.1", st.listener.port)
            writer.write(_post(raw))
            writer.transport.abort()
            for _ in range(100):
                await asyncio.sleep(0.02)
                if st.listener.stats.accepted:
                    break
            await st.processor.dispatched()
            assert len(st.received) == 1
            reader, writer = await asyncio.open_connection("127.0.0.1", st.listener.port)
            writer.write(_post(raw))
            assert (await _answer(reader))[2]["ResultCode"] == 200
            writer.close()
            assert st.listener.stats.duplicates == 1

    run(scenario())


def test_complete_requests_are_answered_before_a_bad_one_after_them(
    run: Run, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            reader, writer = await asyncio.open_connection("127.0.0.1", st.listener.port)
            writer.write(_post(body("OnVehicleIn")) + _post(body("OnVehicleIn")) + b"JUNK\r\n\r\n")
            answers = [await _answer(reader) for _ in range(3)]
            assert [(s, a["ResultCode"]) for s, _h, a in answers] == [
                (200, 200), (200, 200), (400, 1002)]
            assert await asyncio.wait_for(reader.read(), 5) == b""
            writer.close()
            # a client that half-closes after its request still gets the answer
            reader, writer = await asyncio.open_connection("127.0.0.1", st.listener.port)
            writer.write(_post(body("OnVehicleIn")))
            writer.write_eof()
            assert (await _answer(reader))[2]["ResultCode"] == 200
            writer.close()
            await st.processor.dispatched()
            assert len(st.received) == 3

    run(scenario())


def test_endless_trailers_and_clients_that_never_read_are_cut_off(
    run: Run, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path, idle_timeout_s=1.0) as st:
            port = st.listener.port
            # a trailer that never ends: framing is bounded like a head (counted from the read
            # after the one that completed the head: at most one read is not counted)
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /API/V2/OnVehicleIn HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"2\r\n{}\r\n0\r\nX-Trailer: ")

            async def trickle() -> None:
                with contextlib.suppress(OSError):
                    for _ in range(200):
                        writer.write(b"a" * 4096)
                        await writer.drain()
                        await asyncio.sleep(0.005)

            sending = asyncio.ensure_future(trickle())
            status, _, answer = await _answer(reader)
            assert status == 400 and "trailers" in answer["ResultMsg"]
            sending.cancel()
            writer.close()
            # a client that floods requests and never reads its answers: reading stops, and
            # the connection is aborted once idle (not held for ever by a full send buffer)
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.setblocking(False)
            await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
            bad = _post(b'{"AppId": 1}')
            sent = 0
            with contextlib.suppress(OSError):
                for _ in range(100):
                    sent += sock.send(bad * 10)
            assert sent > 0
            for _ in range(200):
                await asyncio.sleep(0.1)
                if st.listener.connections == 0:
                    break
            assert st.listener.connections == 0
            sock.close()

    run(scenario())


def test_stalled_bodies_beyond_the_memory_budget_are_refused_largest_first(
    run: Run, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path, max_body_bytes=200_000,
                                 body_budget_bytes=300_000) as st:
            port = st.listener.port
            stalled = []
            for size in (150_000, 150_000, 50_000):  # each announces 200,000 and stops short
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"POST /API/V2/OnVehicleIn HTTP/1.1\r\nContent-Length: 200000\r\n\r\n"
                             + b" " * size)
                await writer.drain()
                stalled.append((reader, writer))
                await asyncio.sleep(0.1)
            # the third pushed the total over the budget: the largest (the first) is refused
            status, _, answer = await _answer(stalled[0][0])
            assert status == 503 and answer["ResultCode"] == 1003
            # valid callbacks are still answered
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(_post(body("OnVehicleIn")))
            assert (await _answer(reader))[2]["ResultCode"] == 200
            writer.close()
            for _reader, w in stalled:
                w.close()

    run(scenario())


def test_stop_answers_what_was_read_and_refuses_the_rest(run: Run, tmp_path: Path) -> None:
    """Stopping under a stream of callbacks: every journaled one was answered 200, nothing is
    left running, no connection survives."""

    async def scenario() -> None:
        async with running_stack(tmp_path) as st:
            port = st.listener.port
            answered: list[int] = []

            async def sender() -> None:
                with contextlib.suppress(OSError, asyncio.IncompleteReadError, TimeoutError):
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    while True:
                        writer.write(_post(body("OnVehicleIn")))
                        answered.append((await _answer(reader))[2]["ResultCode"])

            senders = [asyncio.ensure_future(sender()) for _ in range(6)]
            await asyncio.sleep(0.5)
            await st.listener.stop()
            await asyncio.wait_for(asyncio.gather(*senders, return_exceptions=True), 10)
            assert st.listener.connections == 0
            await st.processor.dispatched()
            assert answered and set(answered) == {200}
            assert st.listener.stats.accepted == len(answered) == len(st.received)

    run(scenario())
