"""One console per data directory.

The first console to start with a data directory holds ``<data dir>/booth-console.lock`` (a
``QLockFile``: released when the process ends, taken over when the holder died) and listens on a
local socket (``QLocalServer``) named after that directory. A second start with the same data
directory finds the lock held, connects to the socket to ask the first console to bring its booth
window to the front, and exits before it opens the journal or registers callbacks.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

__all__ = ["ALREADY_RUNNING_EXIT", "InstanceGuard", "bring_to_front", "server_name"]

log = logging.getLogger(__name__)

#: exit code of a second start refused because a console already runs on the same data directory
ALREADY_RUNNING_EXIT = 3

_RAISE = b"raise\n"
_ACK = b"ok\n"


def server_name(data_dir: Path) -> str:
    """The local socket name for a data directory (short: Unix socket paths are limited)."""
    key = str(data_dir.expanduser().resolve()).encode("utf-8")
    return "booth-console-" + hashlib.sha256(key).hexdigest()[:20]


class InstanceGuard(QObject):
    """Holds the data directory's lock and answers later starts; see the module docstring.

    Usage: ``guard = InstanceGuard(folder)``; if ``guard.acquire()`` is false, another console
    runs there (``guard.notify_running()`` asks it to show itself). Otherwise connect
    :attr:`raise_requested` to the code that brings the booth window to the front.
    """

    raise_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.lock_path = data_dir / "booth-console.lock"
        self.name = server_name(data_dir)
        self._lock = QLockFile(str(self.lock_path))
        self._lock.setStaleLockTime(0)  # stale only when the holder's process is gone
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Take the lock and start answering; false when another live process holds it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self._lock.tryLock(0):
            return False
        QLocalServer.removeServer(self.name)  # a socket file left behind by a crashed console
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("single-instance socket %s: %s", self.name, server.errorString())
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def holder_pid(self) -> int | None:
        """The process id written in the lock file by the console holding it, if known."""
        info: object = self._lock.getLockInfo()  # PySide6: (pid, hostname, appname), or falsy
        if isinstance(info, tuple) and info and isinstance(info[0], int) and info[0] > 0:
            return info[0]
        return None

    def notify_running(self, timeout_ms: int = 2000) -> bool:
        """Ask the console holding the lock to raise its booth window; true when it answered."""
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(timeout_ms):
            return False
        sock.write(_RAISE)
        sock.waitForBytesWritten(timeout_ms)
        answered = sock.waitForReadyRead(timeout_ms) and bytes(sock.readAll().data()).startswith(_ACK)
        sock.disconnectFromServer()
        return answered

    def release(self) -> None:
        """Stop answering and drop the lock (also done by the OS when the process ends)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()

    def _on_connection(self) -> None:
        assert self._server is not None
        while (sock := self._server.nextPendingConnection()) is not None:
            sock.readyRead.connect(lambda s=sock: self._on_ready(s))
            sock.disconnected.connect(sock.deleteLater)

    def _on_ready(self, sock: QLocalSocket) -> None:
        data = bytes(sock.readAll().data())
        if _RAISE.strip() in data:
            log.info("another start with this data directory: bringing the booth window to the front")
            sock.write(_ACK)
            sock.flush()
            self.raise_requested.emit()


def bring_to_front(window: QWidget) -> None:
    """Show a window un-minimised, on top and focused (as far as the window manager allows)."""
    window.showNormal()
    window.raise_()
    window.activateWindow()
