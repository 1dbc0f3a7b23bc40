"""The AppSecret and the MQTT password: in the OS keyring, the environment, or the file.

A configuration value ``keyring:ENTRY`` (or ``keyring:SERVICE/ENTRY``) is looked up in the OS
keyring through the ``keyring`` package: Windows Credential Manager, the macOS Keychain, the
Secret Service (GNOME Keyring, KWallet) on Linux. The service defaults to ``booth-console``.
``BOOTH_CONSOLE_APP_SECRET`` (and ``BOOTH_CONSOLE_MQTT_PASSWORD``) win over the file, for
headless use; a plain value in the file keeps working, with a warning when other users can read
the file. Secrets are only ever passed in memory: never on a command line we spawn.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from booth_console.errors import ConfigError

if TYPE_CHECKING:
    from booth_console.config import Config

__all__ = [
    "APP_SECRET_ENTRY",
    "APP_SECRET_ENV",
    "KEYRING_PREFIX",
    "MQTT_PASSWORD_ENTRY",
    "MQTT_PASSWORD_ENV",
    "SERVICE",
    "backend_name",
    "delete",
    "file_readable_by_others",
    "flush_warnings",
    "is_reference",
    "keyring_problem",
    "known_backends",
    "lookup",
    "plain_secret_warning",
    "reference",
    "resolve_secrets",
    "store",
]

log = logging.getLogger(__name__)

KEYRING_PREFIX = "keyring:"
#: keyring service name used when a reference names none
SERVICE = "booth-console"
#: default entry names written by ``booth-console setup``
APP_SECRET_ENTRY = "app_secret"
MQTT_PASSWORD_ENTRY = "mqtt_password"
APP_SECRET_ENV = "BOOTH_CONSOLE_APP_SECRET"
MQTT_PASSWORD_ENV = "BOOTH_CONSOLE_MQTT_PASSWORD"


def is_reference(value: str) -> bool:
    """True for a ``keyring:...`` value."""
    return value.startswith(KEYRING_PREFIX)


def _split(value: str) -> tuple[str, str]:
    rest = value[len(KEYRING_PREFIX):].strip()
    service, _, entry = rest.rpartition("/")
    return (service or SERVICE), entry


def reference(entry: str, service: str = SERVICE) -> str:
    """The configuration value that refers to a keyring entry."""
    return f"{KEYRING_PREFIX}{entry}" if service == SERVICE else f"{KEYRING_PREFIX}{service}/{entry}"


def backend_name() -> str:
    """The keyring backend in use, for diagnostics (``"none"`` when keyring is unusable)."""
    try:
        import keyring

        kr = keyring.get_keyring()
        return f"{type(kr).__module__}.{type(kr).__name__}"
    except Exception as exc:  # no backend, broken D-Bus, ...
        return f"none ({exc})"


def known_backends() -> list[str]:
    """The keyring backends this installation can choose from (entry points; a frozen build
    that lost the package metadata has none, and then never finds the OS store)."""
    from importlib.metadata import entry_points

    return sorted(ep.name for ep in entry_points(group="keyring.backends"))


def _keyring_error(what: str, value: str, exc: Exception) -> ConfigError:
    hint = ""
    if sys.platform.startswith("linux"):
        hint = " (on Linux the Secret Service needs a desktop session: GNOME Keyring or KWallet)"
    return ConfigError(f"{what} = {value!r}: the OS keyring cannot be used: {exc}{hint}; "
                       f"or set the value in the environment")


def lookup(value: str, what: str) -> str:
    """The secret a ``keyring:`` reference points to (plain values are returned as they are).

    Raises:
        ConfigError: no such entry, or no usable keyring on this PC.
    """
    if not is_reference(value):
        return value
    service, entry = _split(value)
    if not entry:
        raise ConfigError(f"{what} = {value!r}: name the keyring entry after 'keyring:'")
    try:
        import keyring

        secret = keyring.get_password(service, entry)
    except Exception as exc:
        raise _keyring_error(what, value, exc) from None
    if secret is None:
        raise ConfigError(f"{what} = {value!r}: the OS keyring has no entry {entry!r} for service "
                          f"{service!r}; run `booth-console setup` to store it")
    return secret


def store(entry: str, secret: str, service: str = SERVICE) -> str:
    """Put a secret in the OS keyring; returns the reference to write in the configuration.

    Raises:
        ConfigError: no usable keyring on this PC.
    """
    try:
        import keyring

        keyring.set_password(service, entry, secret)
    except Exception as exc:
        raise _keyring_error("keyring entry", reference(entry, service), exc) from None
    return reference(entry, service)


def keyring_problem() -> str:
    """Why the OS keyring cannot be used on this PC, or ``""`` when a real store is there.

    Only looks at the backend ``keyring`` chose (no entry is read or written); on Linux the
    first call asks D-Bus for the Secret Service, so call it off the Qt thread.
    """
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or float(backend.priority) <= 0:
            return f"no OS keyring is available ({type(backend).__module__}.{type(backend).__name__})"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def delete(entry: str, service: str = SERVICE) -> bool:
    """Remove a keyring entry; false when there was none (or no keyring)."""
    try:
        import keyring

        keyring.delete_password(service, entry)
    except Exception:
        return False
    return True


def file_readable_by_others(path: Path) -> bool:
    """True when users other than the owner (group or others) may read the file (POSIX only)."""
    if os.name != "posix":
        return False  # Windows: per-user ACLs under the profile; not judged here
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))


#: warnings given before logging was set up, for :func:`flush_warnings`
_pending: list[str] = []


def _warn(message: str) -> None:
    # Before the console has set up its log (the configuration is read first), keep the warning
    # for the log instead of letting logging's last resort print it on stderr, where start-up
    # errors are one line each.
    if logging.getLogger().handlers:
        log.warning("%s", message)
    else:
        _pending.append(message)


def flush_warnings() -> list[str]:
    """Log the warnings kept from before logging was set up; returns them."""
    kept = list(_pending)
    _pending.clear()
    for message in kept:
        log.warning("%s", message)
    return kept


def plain_secret_warning(cfg: Config, path: Path) -> str | None:
    """The warning for plain secrets in a file others can read, or None (for ``setup --check``)."""
    plain = [name for name, value in (("[server] app_secret", cfg.server.app_secret),
                                      ("[mqtt] password", cfg.mqtt.password))
             if value and not is_reference(value)]
    if plain and file_readable_by_others(path):
        return f"{' and '.join(plain)} in plain text in {path}, which other users can read"
    return None


def _resolved(value: str, env: str, what: str, plain: list[str]) -> str | None:
    """``value`` from the environment variable ``env`` or the keyring, or ``None`` to keep it
    (``what`` is added to ``plain`` when a non-empty value is kept in plain text)."""
    from_env = os.environ.get(env)
    if from_env:
        return from_env
    if is_reference(value):
        return lookup(value, what)
    if value:
        plain.append(what)
    return None


def resolve_secrets(cfg: Config, path: Path | None = None) -> Config:
    """A copy of ``cfg`` with the AppSecret and MQTT password resolved.

    The environment wins, then a ``keyring:`` reference is looked up, then a plain value is kept
    (with a warning when ``path`` is readable by other users).

    Raises:
        ConfigError: a keyring reference that cannot be resolved.
    """
    server, mqtt = cfg.server, cfg.mqtt
    plain: list[str] = []
    secret = _resolved(server.app_secret, APP_SECRET_ENV, "[server] app_secret", plain)
    if secret is not None:
        server = replace(server, app_secret=secret)
    password = _resolved(mqtt.password, MQTT_PASSWORD_ENV, "[mqtt] password", plain)
    if password is not None:
        mqtt = replace(mqtt, password=password)
    if plain and path is not None and file_readable_by_others(path):
        _warn(f"{' and '.join(plain)} in plain text in {path}, which other users can read: store it "
              "in the OS keyring (booth-console setup) or chmod 600 the file")
    if server is cfg.server and mqtt is cfg.mqtt:
        return cfg
    return replace(cfg, server=server, mqtt=mqtt)
