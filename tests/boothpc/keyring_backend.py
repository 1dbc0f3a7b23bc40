"""A keyring backend for tests: entries in a JSON file named by ``BOOTH_TEST_KEYRING_FILE``.

Selected in child processes with ``PYTHON_KEYRING_BACKEND=tests.boothpc.keyring_backend.FileKeyring``
(the ``keyring`` package's own switch), and in-process with ``keyring.set_keyring(FileKeyring())``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    """Stores ``{service: {user: password}}`` in one JSON file."""

    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["BOOTH_TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, dict[str, str]]:
        p = self._path()
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._path().write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if username not in data.get(service, {}):
            raise PasswordDeleteError(username)
        del data[service][username]
        self._path().write_text(json.dumps(data), encoding="utf-8")
