"""Stopping the simulator while it is sending a capture image: no error on the event loop.

A client that reads slowly keeps the server's ``loop.sendfile`` of a capture image waiting for
the socket to drain. Stopping the simulator then must end that request and close the connection
without asyncio reporting ``InvalidStateError`` from
``_SelectorSocketTransport._call_connection_lost`` and without leaving the request's task
pending (docs/SIMULATOR.md, "Stopping"). Runs on the console's loop: the ``loop`` fixture fails
the test on any error the loop reports.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.simulator.helpers import simulator

#: far larger than loopback socket buffers: the server's sendfile must wait for the reader
IMAGE_BYTES = 16 * 1024 * 1024
CLIENTS = 3
ROUNDS = 3


def _slow_reader(port: int, path: str) -> socket.socket:
    """A client that asks for ``path`` and then does not read the answer."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    sock.setblocking(False)
    return sock


def test_stop_while_sending_a_capture_image_to_a_slow_client(loop: Any, tmp_path: Path) -> None:
    async def one_round(n: int) -> None:
        db = tmp_path / f"sim{n}.db"
        socks: list[socket.socket] = []
        try:
            async with simulator(db_path=db) as sim:
                captures = db.parent / (db.name + ".captures") / "CameraCaptures"
                (captures / "big.jpg").write_bytes(b"\xff\xd8" + bytes(IMAGE_BYTES))
                socks = [_slow_reader(sim.port, "/CameraCaptures/big.jpg")
                         for _ in range(CLIENTS)]
                # every client gets the start of its image, then the server has to wait
                for sock in socks:
                    head = await asyncio.wait_for(asyncio.get_running_loop().sock_recv(sock, 64), 5)
                    assert head.startswith(b"HTTP/1.1 200")
                await asyncio.sleep(0.2)
                before = len(asyncio.all_tasks())
                # leaving the block stops the simulator with the images half sent
            await asyncio.sleep(0.1)  # the transports' connection_lost callbacks run
            # the requests' handler tasks ended with the stop (none left pending)
            assert len(asyncio.all_tasks()) <= before - 2 * CLIENTS
        finally:
            for sock in socks:
                sock.close()

    for n in range(ROUNDS):
        loop.run_until_complete(one_round(n))


# aiohttp's FileResponse opens the file in an executor thread: a request cancelled by the stop
# while that runs leaves the file to the garbage collector (ResourceWarning, not a loop error).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_stop_while_clients_fetch_real_size_captures(loop: Any, tmp_path: Path) -> None:
    """The console's case: a ~4 KB capture; its sendfile still waits one write-ready event
    (asyncio always re-checks the socket), the window a stop hit now and then."""
    async def one_round(n: int) -> None:
        db = tmp_path / f"small{n}.db"
        socks: list[socket.socket] = []
        try:
            async with simulator(db_path=db) as sim:
                captures = db.parent / (db.name + ".captures") / "CameraCaptures"
                (captures / "c.jpg").write_bytes(b"\xff\xd8" + bytes(4306))
                for _ in range(10):
                    sock = socket.create_connection(("127.0.0.1", sim.port))
                    sock.setblocking(False)
                    socks.append(sock)
                await asyncio.sleep(0.05)
                for sock in socks:
                    sock.send(b"GET /CameraCaptures/c.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                await asyncio.sleep((n % 15) * 0.0007)  # stop at varying points of the answers
        finally:
            for sock in socks:
                sock.close()

    for n in range(45):
        loop.run_until_complete(one_round(n))
