"""Local brokers for tests and the demo: a real ``mosquitto`` process, or amqtt in-process.

Production uses the lot's own broker (mosquitto, EMQX ...); these helpers only start one on
the loopback interface for tests, benchmarks and ``booth-console demo --transport mqtt``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["EmbeddedBroker", "MosquittoBroker", "find_mosquitto", "free_port"]

log = logging.getLogger("booth_console.mqtt")


def find_mosquitto() -> str | None:
    """The path of the ``mosquitto`` binary (``MOSQUITTO`` env, PATH, /usr/sbin), or ``None``."""
    env = os.environ.get("MOSQUITTO")
    if env and Path(env).is_file():
        return env
    found = shutil.which("mosquitto")
    if found:
        return found
    for candidate in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/opt/homebrew/sbin/mosquitto"):
        if Path(candidate).is_file():
            return candidate
    return None


def free_port(host: str = "127.0.0.1") -> int:
    """An unused TCP port on ``host`` (bound and released: a small race is possible)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _wait_port(host: str, port: int, timeout: float, proc: subprocess.Popen[bytes] | None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"mosquitto exited with code {proc.returncode} while starting")
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"mosquitto did not listen on {host}:{port} within {timeout} s") from None
            time.sleep(0.01)


class MosquittoBroker:
    """A ``mosquitto`` child process on ``127.0.0.1`` with anonymous access and persistence.

    Args:
        port: the TCP port (default: a free one; it stays the same across :meth:`restart`).
        workdir: where the config, log and persistence file go (default: a temp directory,
            removed by :meth:`stop`).
        persistence: keep sessions and queued QoS 1 messages across restarts.
        binary: the mosquitto binary (default: :func:`find_mosquitto`).
        autosave_interval: seconds between saves of the persistence file (0: only when the
            broker stops cleanly, so a crash loses every session; mosquitto's own default is
            1800). A crash loses at most this much of the broker's state.
        max_inflight_messages: QoS 1 messages the broker sends a client before it waits for
            their PUBACKs (``None``: mosquitto's default, 20).
        verbose: log every packet (``log_type all``), e.g. to count the PUBACKs a client sent
            (:meth:`pubacks_from`).

    Use as a context manager or call :meth:`start` / :meth:`stop`.
    """

    def __init__(
        self,
        port: int | None = None,
        *,
        workdir: str | os.PathLike[str] | None = None,
        persistence: bool = True,
        binary: str | None = None,
        host: str = "127.0.0.1",
        autosave_interval: int = 1,
        max_inflight_messages: int | None = None,
        verbose: bool = False,
    ) -> None:
        found = binary or find_mosquitto()
        if not found:
            raise FileNotFoundError("mosquitto is not installed (apt-get install mosquitto)")
        self.binary = found
        self.host = host
        self.port = port or free_port(host)
        self._own_dir = workdir is None
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="booth-mosquitto-"))
        self.persistence = persistence
        self.autosave_interval = autosave_interval
        self.max_inflight_messages = max_inflight_messages
        self.verbose = verbose
        self._proc: subprocess.Popen[bytes] | None = None
        self.config_path = self.workdir / "mosquitto.conf"
        self.log_path = self.workdir / "mosquitto.log"

    def __repr__(self) -> str:
        return f"<MosquittoBroker {self.host}:{self.port} {'running' if self.running else 'stopped'}>"

    @property
    def pid(self) -> int:
        """The process id (0 when not running)."""
        return self._proc.pid if self._proc is not None else 0

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def _write_config(self) -> None:
        lines = [
            f"listener {self.port} {self.host}",
            "allow_anonymous true",
            # without it mosquitto's small writes wait for delayed ACKs: ~40 ms per hop
            "set_tcp_nodelay true",
            f"persistence {'true' if self.persistence else 'false'}",
            f"persistence_location {self.workdir}/",
            "persistence_file mosquitto.db",
            f"autosave_interval {self.autosave_interval}",
            "max_queued_messages 100000",
            f"log_dest file {self.log_path}",
            "connection_messages true",
        ]
        if self.max_inflight_messages is not None:
            lines.append(f"max_inflight_messages {self.max_inflight_messages}")
        if self.verbose:
            lines.append("log_type all")
        else:
            lines += ["log_type error", "log_type warning", "log_type notice",
                      "log_type information"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # as root mosquitto switches to the "mosquitto" user, which cannot write our
            # temp directory (persistence, log): stay root, it only listens on loopback
            lines.append("user root")
        self.config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def start(self, timeout: float = 10.0) -> MosquittoBroker:
        """Start the process and wait until it accepts connections."""
        if self.running:
            return self
        self._write_config()
        self._proc = subprocess.Popen(
            [self.binary, "-c", str(self.config_path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            _wait_port(self.host, self.port, timeout, self._proc)
        except BaseException:
            self._kill()
            raise
        log.info("mosquitto started on %s:%s (pid %s)", self.host, self.port, self._proc.pid)
        return self

    def stop_process(self, timeout: float = 10.0) -> None:
        """Stop the process (SIGTERM: mosquitto saves its persistence file), keep the files."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._proc = None

    def kill(self) -> None:
        """``kill -9`` the broker (a crash: nothing is saved), keep the files."""
        self._kill()

    def saves(self) -> int:
        """How many times the broker has written its persistence file so far (from its log)."""
        return self.log_text().count("Saving in-memory database")

    def wait_saved(self, timeout: float = 5.0) -> None:
        """Block until the broker writes its persistence file once more (autosave).

        mosquitto 2.0 checks ``autosave_interval`` with a strict comparison once per second,
        so ``autosave_interval 1`` saves about every 2 s.
        """
        db = self.workdir / "mosquitto.db"

        def stamp() -> tuple[int, int]:
            try:
                st = db.stat()
            except OSError:
                return (0, 0)
            return (st.st_ino, st.st_mtime_ns)

        before, old = self.saves(), stamp()
        deadline = time.monotonic() + timeout
        # the log line comes before the write; the file is written aside and renamed over
        while self.saves() <= before or stamp() == old:
            if time.monotonic() > deadline:
                raise TimeoutError(f"mosquitto did not save its database within {timeout} s")
            time.sleep(0.02)

    def pubacks_from(self, client_id: str) -> list[int]:
        """The packet ids of the PUBACKs the broker received from ``client_id`` (verbose log)."""
        pattern = re.compile(rf"Received PUBACK from {re.escape(client_id)} \(Mid: (\d+)")
        return [int(m.group(1)) for m in pattern.finditer(self.log_text())]

    def publishes_to(self, client_id: str) -> list[tuple[int, bool]]:
        """``(packet id, dup)`` of each PUBLISH the broker sent ``client_id`` (verbose log)."""
        pattern = re.compile(rf"Sending PUBLISH to {re.escape(client_id)} \(d(\d), q\d, r\d, m(\d+)")
        return [(int(m.group(2)), m.group(1) == "1") for m in pattern.finditer(self.log_text())]

    def _kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def restart(self, timeout: float = 10.0) -> None:
        """Stop and start again on the same port, keeping persisted sessions."""
        self.stop_process()
        self.start(timeout)

    def stop(self) -> None:
        """Stop the process and remove the temp directory it created."""
        self.stop_process()
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def log_text(self) -> str:
        """The broker's log so far (for test failure messages)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def __enter__(self) -> MosquittoBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class EmbeddedBroker:
    """amqtt's broker on the running asyncio loop (demo only: no persistence, MQTT 3.1.1).

    Args:
        port: the TCP port (default: a free one).
    """

    def __init__(self, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port or free_port(host)
        self._broker: Any = None

    def __repr__(self) -> str:
        return f"<EmbeddedBroker {self.host}:{self.port}>"

    async def start(self) -> EmbeddedBroker:
        """Start listening (raises ``ImportError`` when amqtt is not installed)."""
        from amqtt.broker import Broker

        config: dict[str, Any] = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
            },
        }
        self._broker = Broker(config)
        await self._broker.start()
        return self

    async def stop(self) -> None:
        """Shut the broker down."""
        if self._broker is not None:
            broker, self._broker = self._broker, None
            with contextlib.suppress(Exception):
                await broker.shutdown()
