"""Configuration: a TOML file with ``[server]``, ``[listener]``, ``[booth]``, ``[mqtt]``.

Settings are declared once here (name, type, default, description); ``load_config`` validates
them and reports every bad value with its section and key. The AppSecret and the MQTT password
are never printed by ``repr()``.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from booth_console.errors import ConfigError

__all__ = [
    "DEFAULT_SHORTCUTS",
    "BoothConfig",
    "Config",
    "ListenerConfig",
    "MqttConfig",
    "ServerConfig",
    "data_dir",
    "load_config",
    "parse_config",
]

#: Default keyboard shortcuts per operator command (overridable in ``[booth.shortcuts]``).
DEFAULT_SHORTCUTS: dict[str, str] = {
    "open_gate": "F1",
    "close_gate": "F2",
    "toggle_keep_open": "F3",
    "confirm_payment": "F4",
    "refresh": "F5",
    "override_fee": "F6",
    "no_plate_entry": "F7",
}


def data_dir() -> Path:
    """Where journals, captures and window geometry live (``BOOTH_CONSOLE_DATA`` overrides)."""
    env = os.environ.get("BOOTH_CONSOLE_DATA")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "BoothConsole"
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "booth-console"


@dataclass(frozen=True)
class ServerConfig:
    """``[server]``: how to reach the parking software."""

    base_url: str = "http://127.0.0.1:8888"
    app_id: str = ""
    app_secret: str = field(default="", repr=False)
    park_key: str = ""
    transport: str = "http"  # "http" (V2.0) or "mqtt" (V3.0)
    timeout: float = 5.0  # seconds per request


@dataclass(frozen=True)
class ListenerConfig:
    """``[listener]``: the embedded callback server."""

    host: str = "127.0.0.1"
    port: int = 8890
    public_url: str = ""  # URL the parking software posts to; default http://host:port
    register_callbacks: bool = False  # call SetCallbackParams on start (replaces the whole table)
    callback_interval_ms: int = 1000
    max_body_bytes: int = 16 * 1024 * 1024
    timestamp_window_s: int = 600
    allow_sources: tuple[str, ...] = ()
    republish_mqtt: bool = False
    journal: str = ""  # journal file; default <data dir>/journal.sqlite3

    @property
    def effective_public_url(self) -> str:
        """The URL registered with the parking software."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


@dataclass(frozen=True)
class BoothConfig:
    """``[booth]``: what this booth shows and who works it."""

    lanes: tuple[str, ...] = ()  # lane numbers; empty: every lane of the booth
    operator: str = "attendant"
    language: str = ""  # "en", "zh_CN" or "" for the system locale
    virtual_plate_prefix: str = "无"
    status_poll_ms: int = 1000
    status_poll_busy_ms: int = 250
    order_poll_ms: int = 500
    attention_flash: bool = True
    attention_sound: bool = True
    shortcuts: tuple[tuple[str, str], ...] = tuple(DEFAULT_SHORTCUTS.items())

    def shortcut(self, command: str) -> str:
        """The key sequence bound to an operator command."""
        return dict(self.shortcuts).get(command, DEFAULT_SHORTCUTS.get(command, ""))


@dataclass(frozen=True)
class MqttConfig:
    """``[mqtt]``: the broker for V3.0 and for republishing callbacks."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str = ""
    password: str = field(default="", repr=False)
    tls: bool = False
    topic_prefix: str = "parking"
    request_timeout: float = 5.0


@dataclass(frozen=True)
class Config:
    """The whole configuration."""

    server: ServerConfig = ServerConfig()
    listener: ListenerConfig = ListenerConfig()
    booth: BoothConfig = BoothConfig()
    mqtt: MqttConfig = MqttConfig()
    source: str = ""  # file it came from, for messages

    def journal_path(self) -> Path:
        """The journal file."""
        return Path(self.listener.journal) if self.listener.journal else data_dir() / "journal.sqlite3"


def _coerce(section: str, name: str, expected: Any, value: Any) -> Any:
    where = f"[{section}] {name}"
    if expected is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{where} must be true or false, not {value!r}")
    if expected is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConfigError(f"{where} must be a whole number, not {value!r}")
    if expected is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise ConfigError(f"{where} must be a number, not {value!r}")
    if expected is str:
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # lane numbers and park keys are often written bare
        raise ConfigError(f"{where} must be text, not {value!r}")
    if expected == "tuple[str, ...]":
        if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
            return tuple(str(v) for v in value)
        raise ConfigError(f"{where} must be a list of text values, not {value!r}")
    return value


_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


def _section(cls: Any, section: str, raw: dict[str, Any]) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"[{section}] must be a table")
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if section == "booth" and key == "shortcuts":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ConfigError("[booth.shortcuts] must map command names to key sequences")
            unknown = set(value) - set(DEFAULT_SHORTCUTS)
            if unknown:
                raise ConfigError(
                    f"[booth.shortcuts] unknown command(s): {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(DEFAULT_SHORTCUTS)}"
                )
            kwargs["shortcuts"] = tuple({**DEFAULT_SHORTCUTS, **value}.items())
            continue
        if key not in known:
            raise ConfigError(f"[{section}] has an unknown setting {key!r}")
        type_name = str(known[key].type)
        kwargs[key] = _coerce(section, key, _TYPES.get(type_name, type_name), value)
    return cls(**kwargs)


def parse_config(data: dict[str, Any], source: str = "") -> Config:
    """Validate a parsed TOML document into a :class:`Config`."""
    unknown = set(data) - {"server", "listener", "booth", "mqtt"}
    if unknown:
        raise ConfigError(f"unknown section(s): {', '.join(sorted(unknown))}")
    cfg = Config(
        server=_section(ServerConfig, "server", data.get("server", {})),
        listener=_section(ListenerConfig, "listener", data.get("listener", {})),
        booth=_section(BoothConfig, "booth", data.get("booth", {})),
        mqtt=_section(MqttConfig, "mqtt", data.get("mqtt", {})),
        source=source,
    )
    if cfg.server.transport not in ("http", "mqtt"):
        raise ConfigError(f"[server] transport must be \"http\" or \"mqtt\", not {cfg.server.transport!r}")
    if not (200 <= cfg.listener.callback_interval_ms <= 600_000):
        raise ConfigError("[listener] callback_interval_ms must be between 200 and 600000")
    if cfg.booth.language not in ("", "en", "zh_CN"):
        raise ConfigError('[booth] language must be "en", "zh_CN" or empty for the system locale')
    return cfg


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a TOML configuration file.

    Raises:
        ConfigError: the file cannot be read, is not TOML, or has invalid settings.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {p}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {p} is not valid TOML: {exc}") from None
    from booth_console.secrets import resolve_secrets  # keyring: references, environment

    return resolve_secrets(parse_config(data, str(p)), p)


def with_overrides(cfg: Config, **server: Any) -> Config:
    """A copy with some ``[server]`` values replaced (``None`` values are ignored)."""
    changes = {k: v for k, v in server.items() if v is not None}
    return replace(cfg, server=replace(cfg.server, **changes)) if changes else cfg
