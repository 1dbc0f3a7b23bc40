"""Configuration: a TOML file with ``[server]``, ``[listener]``, ``[booth]``, ``[mqtt]``.

Every setting is declared once here, as a dataclass field whose metadata holds its meaning and
its allowed values (range, choices or a check). From that one declaration:

* :func:`load_config` / :func:`parse_config` check every value and report the first bad one in
  one line naming the section, the key and the value (``ConfigError``; ``run`` exits 2);
* :func:`example_toml` writes ``docs/booth.example.toml`` (a test keeps the committed file
  equal to it, so the example cannot drift): every default with its meaning.

The operator commands and their default keys are declared with the commands
(``booth_console/app/commands/registry.py``), which tell this module with
:func:`declare_shortcut`; ``[booth.shortcuts]`` names are checked against them once they are
declared (a process without the console's commands, such as the listener tools, reads the table
without checking its names). The example is therefore generated with the commands declared:
``python3 -m booth_console.app.commands > docs/booth.example.toml``.

The credentials are not required by :func:`parse_config` (the tools take them from the command
line too); :func:`require_credentials` checks them once every source is applied. The AppSecret
may come from the environment (:data:`SECRET_ENV`, see :func:`with_environment`). The AppSecret
and the MQTT password are never printed by ``repr()``.
"""

from __future__ import annotations

import ipaddress
import os
import textwrap
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from booth_console.errors import ConfigError
from booth_console.protocol.limits import CALLBACK_INTERVAL_MAX, CALLBACK_INTERVAL_MIN

__all__ = [
    "DEFAULT_SHORTCUTS",
    "SECRET_ENV",
    "ApprovalConfig",
    "BoothConfig",
    "Config",
    "ListenerConfig",
    "MqttConfig",
    "PrinterConfig",
    "ServerConfig",
    "Setting",
    "check_setting",
    "data_dir",
    "example_toml",
    "load_config",
    "parse_config",
    "require_credentials",
    "settings",
    "with_environment",
]

#: Environment variable that gives the AppSecret (keeps it out of files and shell history).
SECRET_ENV = "BOOTH_CONSOLE_APP_SECRET"

#: Default keyboard shortcut per operator command (overridable in ``[booth.shortcuts]``), in
#: the order the commands were declared; filled by :func:`declare_shortcut`.
DEFAULT_SHORTCUTS: dict[str, str] = {}


def declare_shortcut(command: str, key: str) -> None:
    """Declare an operator command and its default key (called by the command registry)."""
    DEFAULT_SHORTCUTS[command] = key


def data_dir() -> Path:
    """Where journals, captures and window geometry live (``BOOTH_CONSOLE_DATA`` overrides)."""
    from booth_console import platform_paths  # the one rule, per platform

    return Path(platform_paths.data_dir())


# --- checks (each returns why a value is bad, or "" when it is fine) -----------------------------

Check = Callable[[Any], str]


def _url(value: str, *, empty_ok: bool = False) -> str:
    if not value:
        return "" if empty_ok else "must be an http:// or https:// address"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return "is not a valid address (bad port?)"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return 'must be an address like "http://192.168.1.10:8888"'
    if port == 0:
        return "has port 0"
    if parts.query or parts.fragment:
        return "must not have a query or fragment"
    return ""


def _host(value: str) -> str:
    if not value.strip() or any(c.isspace() or c in "/@[]" for c in value):
        return "must be an IP address or host name (no scheme, no port)"
    if ":" in value:  # only IPv6 literals may hold a colon
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            return "must be an IP address or host name (no scheme, no port)"
    return ""


def _networks(values: tuple[str, ...]) -> str:
    for item in values:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            return f"has {item!r}, which is not an IP address or network"
    return ""


def _not_blank(value: str) -> str:
    return "must not be empty" if not value.strip() else ""


def _topic_prefix(value: str) -> str:
    if not value.strip("/"):
        return "must not be empty"
    if any(c in value for c in "+#\0"):
        return "must not contain + # or NUL (MQTT wildcards)"
    return ""


# offline cash, offline WeChat, offline Alipay, terminal device, ETC
DEFAULT_PAYMENT_METHOD_KEYS: tuple[str, ...] = ("79001", "79010", "79011", "79006", "79024")


def _payment_method_keys(value: tuple[str, ...]) -> str:
    from booth_console.protocol.enums import PaymentMethod

    known = {m.value for m in PaymentMethod}
    if len(value) > 9:
        return "at most 9 codes (keys 1-9)"
    unknown = [v for v in value if v not in known]
    return f"unknown PaymentMethod code(s): {', '.join(unknown)}" if unknown else ""


def _setting(default: Any, meaning: str, *, lo: float | None = None, hi: float | None = None,
             choices: tuple[str, ...] = (), check: Check | None = None, secret: bool = False,
             note: str = "") -> Any:
    """A declared setting: default, one-line meaning, allowed values; ``note`` is an extra
    comment line in the example file (e.g. a typical site value)."""
    return field(default=default, repr=not secret, metadata={
        "meaning": meaning, "lo": lo, "hi": hi, "choices": choices, "check": check, "note": note,
    })


def _reasons(value: tuple[str, ...]) -> str:
    """At least one reason, none blank."""
    if not value:
        return "must list at least one reason"
    if any(not str(v).strip() for v in value):
        return "reasons must not be blank"
    return ""


@dataclass(frozen=True)
class ServerConfig:
    """``[server]``: how to reach the parking software."""

    base_url: str = _setting("http://127.0.0.1:8888", "the parking software's LAN interface",
                             check=_url, note='e.g. "http://192.168.1.10:8888"')
    app_id: str = _setting("", "AppId (System Settings -> third-party interface); required")
    app_secret: str = _setting(
        "", f"AppSecret; required here or in the environment variable {SECRET_ENV}. "
        "Never logged, never journaled", secret=True)
    park_key: str = _setting("", "ParkKey of the lot; required")
    transport: str = _setting("http", '"http" (V2.0) or "mqtt" (V3.0, needs [mqtt] host)',
                              choices=("http", "mqtt"))
    timeout: float = _setting(5.0, "seconds per request", lo=0.5, hi=120.0)


@dataclass(frozen=True)
class ListenerConfig:
    """``[listener]``: the embedded callback server."""

    host: str = _setting("127.0.0.1", "address the callback listener binds; 127.0.0.1 takes "
                         "callbacks from this PC only", check=_host,
                         note='"0.0.0.0" for a parking server on another PC (set public_url too)')
    port: int = _setting(8890, "listener port (0: any free port)", lo=0, hi=65535)
    public_url: str = _setting(
        "", "URL the parking software posts to; empty: http://<host>:<port>, refused for "
        "registration when that is this PC's loopback and the server is elsewhere",
        check=lambda v: _url(v, empty_ok=True), note='e.g. "http://192.168.1.20:8890"')
    register_callbacks: bool = _setting(
        False, "call SetCallbackParams on start and after the server comes back: REPLACES "
        "the server's whole callback table")
    reregister_every_min: int = _setting(
        30, "with register_callbacks: register again every this many minutes (0: only at "
        "start and when the server comes back after an outage)", lo=0, hi=1440)
    callback_interval_ms: int = _setting(1000, "callback processing interval sent with the "
                                         "registration", lo=CALLBACK_INTERVAL_MIN,
                                         hi=CALLBACK_INTERVAL_MAX)
    max_body_bytes: int = _setting(16 * 1024 * 1024, "largest callback body accepted (captures "
                                   "travel as Base64)", lo=64 * 1024, hi=256 * 1024 * 1024)
    timestamp_window_s: int = _setting(600, "callbacks whose TimeStamp is further than this "
                                       "from this PC's clock are refused (1002)", lo=30, hi=86_400)
    allow_sources: tuple[str, ...] = _setting(
        (), "addresses or networks that may post callbacks; empty: the parking server's own "
        "address when base_url names one, else any", check=_networks,
        note='e.g. ["192.168.1.10", "192.168.1.0/24"]')
    max_connections: int = _setting(256, "most connections open at once (never more than a "
                                    "quarter of the open-file limit; the oldest idle ones are "
                                    "closed first)", lo=8, hi=10_000)
    idle_timeout_s: float = _setting(15.0, "seconds a client may take to send its headers, and "
                                     "an idle connection is kept open", lo=1.0, hi=3600.0)
    body_timeout_s: float = _setting(30.0, "seconds a client may take to send a body",
                                     lo=1.0, hi=600.0)
    rejected_rows_kept: int = _setting(5_000, "most rejected requests kept in the journal "
                                       "(repeats are counted, not stored again)",
                                       lo=100, hi=10_000_000)
    republish_mqtt: bool = _setting(False, "republish received callbacks to the broker for "
                                    "other booths (needs [mqtt] host)")
    journal: str = _setting("", "journal file; empty: <data dir>/journal.sqlite3")

    @property
    def effective_public_url(self) -> str:
        """The URL registered with the parking software."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


@dataclass(frozen=True)
class BoothConfig:
    """``[booth]``: what this booth shows and who works it."""

    lanes: tuple[str, ...] = _setting((), "lane numbers to open windows for; empty: every "
                                      "lane of the booth")
    operator: str = _setting("attendant", "obsolete for the console (the operator who signed on "
                             "is written with every action); still the name written by tools "
                             "that run without a sign-on", check=_not_blank)
    lock_after_idle_min: int = _setting(15, "lock the console after this many minutes without a "
                                        "key or click (0: never)", lo=0, hi=24 * 60)
    language: str = _setting("", '"en", "zh_CN", or "" for the system locale',
                             choices=("", "en", "zh_CN"))
    virtual_plate_prefix: str = _setting("无", "no-plate entries get this prefix + 6 characters",
                                         check=lambda v: "must be 1 to 4 characters"
                                         if not 1 <= len(v) <= 4 else "")
    status_poll_ms: int = _setting(1000, "lane status poll interval", lo=100, hi=60_000)
    status_poll_busy_ms: int = _setting(250, "lane status poll interval while a vehicle is "
                                        "on the loop", lo=100, hi=60_000)
    order_poll_ms: int = _setting(500, "lane order poll interval", lo=100, hi=60_000)
    attention_flash: bool = _setting(True, "flash a lane window that needs the attendant")
    attention_sound: bool = _setting(True, "beep when a lane needs the attendant")
    override_reasons: tuple[str, ...] = _setting(
        (), "fee override reasons offered as presets; empty: the built-in ones (translated)")
    no_entry_fee: float = _setting(
        0.0, "flat fee (yuan) for a vehicle leaving without an entry record, offered by find "
        "entry (F8) with a reason; 0: not offered", lo=0.0, hi=100_000.0,
        check=lambda v: "must have at most two decimals" if round(v, 2) != v else "")
    free_release_reasons: tuple[str, ...] = _setting(
        ("Emergency vehicle", "Equipment fault", "Complaint resolved", "Staff vehicle"),
        "reasons offered for a free release (F9: a vehicle with a fee due leaves without "
        "paying); the built-in ones are shown translated", check=_reasons)
    reason_for_every_opening: bool = _setting(
        False, "F1 asks for a reason before every opening (otherwise only at an exit lane "
        "while a vehicle with a fee due waits)")
    payment_method_keys: tuple[str, ...] = _setting(
        DEFAULT_PAYMENT_METHOD_KEYS, "PaymentMethod codes on the number keys 1-9 of the "
        "payment dialog, in key order", check=_payment_method_keys)
    receipt: bool = _setting(True, "the payment dialog offers a receipt, ticked (Alt+P "
                             "unticks it), when receipt_printer can print; false: not ticked")
    receipt_printer: str = _setting(
        "", 'printer for receipts: "" the system\'s default printer, a printer name, or '
        '"pdf:DIR" to save each receipt as a PDF file in DIR')
    lot_name: str = _setting("", "the parking lot's name printed at the top of receipts")
    shortcuts: tuple[tuple[str, str], ...] = _setting(
        (), "[booth.shortcuts]: any Qt key sequence per command (those differing from the "
        "default)")

    def shortcut(self, command: str) -> str:
        """The key sequence bound to an operator command."""
        return dict(self.shortcuts).get(command, DEFAULT_SHORTCUTS.get(command, ""))


@dataclass(frozen=True)
class MqttConfig:
    """``[mqtt]``: the broker for V3.0 and for republishing callbacks."""

    host: str = _setting("127.0.0.1", "broker address; give it explicitly when transport is "
                         '"mqtt" or republish_mqtt is on', check=_host)
    port: int = _setting(1883, "broker port", lo=1, hi=65535)
    username: str = _setting("", "broker user name (empty: none)")
    password: str = _setting("", "broker password; never logged", secret=True)
    tls: bool = _setting(False, "connect with TLS")
    topic_prefix: str = _setting("parking", "first level of every topic", check=_topic_prefix)
    request_timeout: float = _setting(5.0, "seconds to wait for an answer", lo=0.5, hi=120.0)


@dataclass(frozen=True)
class ApprovalConfig:
    """``[approval]``: what an attendant may do only with a supervisor's password (a supervisor
    or administrator at the keyboard approves their own actions)."""

    override_above_yuan: float = _setting(
        20.0, "a fee override lowering the fee by more than this many yuan needs approval "
        "(0: every override)", lo=0.0, hi=1_000_000.0)
    override_above_percent: float = _setting(
        50.0, "a fee override lowering the fee by more than this percentage of it needs approval "
        "(100: never by percentage)", lo=0.0, hi=100.0)
    free_release: bool = _setting(True, "every free release needs approval")
    keep_open: bool = _setting(True, "switching keep-open on or off needs approval")
    manual_open_with_fee: bool = _setting(
        True, "a manual opening while a fee is due at the lane needs approval")


def _escpos_url(value: str) -> str:
    """"" or a printer address :func:`booth_console.receipt_escpos.parse_target` reads."""
    if not value:
        return ""
    from booth_console.receipt_escpos import parse_target

    try:
        parse_target(value)
    except ValueError as exc:
        return str(exc)
    return ""


def _codec(value: str) -> str:
    import codecs

    try:
        codecs.lookup(value)
    except LookupError:
        return f"unknown encoding {value!r}"
    return ""


@dataclass(frozen=True)
class PrinterConfig:
    """``[printer]``: an ESC/POS receipt printer (``python-escpos``); when ``escpos`` names one,
    receipts are printed there instead of through Qt's print support (``[booth]
    receipt_printer``)."""

    escpos: str = _setting(
        "", 'ESC/POS receipt printer: "" none, "tcp://HOST:PORT" (network, port 9100 when '
        'left out), "usb://VID:PID" (hex), "serial:///dev/ttyUSB0?baudrate=9600", or '
        '"file:///dev/usb/lp0" (a device file)', check=_escpos_url,
        note='e.g. escpos = "tcp://192.168.1.60:9100"')
    width_chars: int = _setting(48, "characters per line (Font A: 48 on 80 mm paper, 32 or 42 "
                                "on 58 mm or narrower printers)", lo=16, hi=96)
    encoding: str = _setting("gb18030", "text encoding the printer takes (Chinese printers: "
                             "gb18030; others e.g. cp437)", check=_codec)
    timeout_s: float = _setting(5.0, "seconds to connect and send a receipt before giving up",
                                lo=0.5, hi=60.0)


_SECTIONS: tuple[tuple[str, type[Any]], ...] = (
    ("server", ServerConfig), ("listener", ListenerConfig), ("booth", BoothConfig),
    ("mqtt", MqttConfig), ("approval", ApprovalConfig), ("printer", PrinterConfig),
)


@dataclass(frozen=True)
class Config:
    """The whole configuration."""

    server: ServerConfig = ServerConfig()
    listener: ListenerConfig = ListenerConfig()
    booth: BoothConfig = BoothConfig()
    mqtt: MqttConfig = MqttConfig()
    approval: ApprovalConfig = ApprovalConfig()
    printer: PrinterConfig = PrinterConfig()
    source: str = ""  # file it came from, for messages
    #: sections and keys written in the file ("mqtt.host"), to tell a default from a choice
    given: frozenset[str] = frozenset()

    def journal_path(self) -> Path:
        """The journal file."""
        return Path(self.listener.journal) if self.listener.journal else data_dir() / "journal.sqlite3"


# --- the declaration, walked --------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    """One declared setting (for validation, the example file and documentation)."""

    section: str
    name: str
    type: str  # "str", "int", "float", "bool", "tuple[str, ...]", shortcuts table
    default: Any
    meaning: str
    lo: float | None
    hi: float | None
    choices: tuple[str, ...]
    check: Check | None
    note: str

    @property
    def key(self) -> str:
        """``[section] name`` as messages write it."""
        return f"[{self.section}] {self.name}"

    def allowed(self) -> str:
        """The allowed values in words ("" when any value of the type is fine)."""
        if self.choices:
            return "one of " + ", ".join(f'"{c}"' for c in self.choices)
        if self.lo is not None and self.hi is not None:
            return f"{_num(self.lo)}..{_num(self.hi)}"
        return ""


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _setting_of(section: str, f: Field[Any]) -> Setting:
    md = f.metadata
    return Setting(section, f.name, str(f.type), f.default, md.get("meaning", ""), md.get("lo"),
                   md.get("hi"), md.get("choices", ()), md.get("check"), md.get("note", ""))


def settings() -> Iterator[Setting]:
    """Every declared setting, in file order."""
    for section, cls in _SECTIONS:
        for f in fields(cls):
            yield _setting_of(section, f)


_SECRET_KEYS = ("app_secret", "password")


def _coerce(s: Setting, raw: Any) -> Any:
    where = s.key
    expected = s.type
    value = _Hidden() if s.name in _SECRET_KEYS else raw
    if expected == "bool":
        if isinstance(raw, bool):
            return raw
        raise ConfigError(f"{where} must be true or false, not {value!r}")
    if expected == "int":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        raise ConfigError(f"{where} must be a whole number, not {value!r}")
    if expected == "float":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        raise ConfigError(f"{where} must be a number, not {value!r}")
    if expected == "str":
        if isinstance(raw, str):
            return raw
        if isinstance(raw, int) and not isinstance(raw, bool):
            return str(raw)  # lane numbers and park keys are often written bare
        raise ConfigError(f"{where} must be text, not {value!r}")
    if expected == "tuple[str, ...]":
        if isinstance(raw, list) and all(
            isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)) for v in raw
        ):
            return tuple(str(v) for v in raw)
        raise ConfigError(f"{where} must be a list of text values, not {value!r}")
    return raw


class _Hidden:
    def __repr__(self) -> str:
        return "(hidden)"


def check_setting(s: Setting, value: Any) -> None:
    """Raise ``ConfigError`` naming the setting and the value when it is not allowed."""
    shown = "(hidden)" if s.name in _SECRET_KEYS else repr(value)
    if s.choices and value not in s.choices:
        raise ConfigError(f"{s.key} = {shown} is not allowed: must be {s.allowed()}")
    if s.lo is not None and s.hi is not None and not s.lo <= value <= s.hi:
        raise ConfigError(f"{s.key} = {shown} is out of range: must be between "
                          f"{_num(s.lo)} and {_num(s.hi)}")
    if s.check is not None:
        why = s.check(value)
        if why:
            raise ConfigError(f"{s.key} = {shown} {why}")


def _shortcuts(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError("[booth.shortcuts] must map command names to key sequences")
    unknown = set(value) - set(DEFAULT_SHORTCUTS) if DEFAULT_SHORTCUTS else set()
    if unknown:
        raise ConfigError(
            f"[booth.shortcuts] unknown command(s): {', '.join(sorted(unknown))}; "
            f"known: {', '.join(DEFAULT_SHORTCUTS)}"
        )
    return tuple((k, v) for k, v in value.items() if DEFAULT_SHORTCUTS.get(k) != v)


def _section(cls: Any, section: str, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"[{section}] must be a table")
    known = {f.name: _setting_of(section, f) for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if section == "booth" and key == "shortcuts":
            kwargs["shortcuts"] = _shortcuts(value)
            continue
        if key not in known:
            raise ConfigError(f"[{section}] has an unknown setting {key!r}")
        s = known[key]
        kwargs[key] = _coerce(s, value)
        check_setting(s, kwargs[key])
    return cls(**kwargs)


def parse_config(data: dict[str, Any], source: str = "") -> Config:
    """Validate a parsed TOML document into a :class:`Config`.

    Raises:
        ConfigError: the first bad value, in one line naming its section, key and value.
    """
    unknown = set(data) - {name for name, _ in _SECTIONS}
    if unknown:
        raise ConfigError(f"unknown section(s): {', '.join(sorted(unknown))}")
    parts = {name: _section(cls, name, data.get(name, {})) for name, cls in _SECTIONS}
    given = frozenset(
        f"{name}.{key}" for name, _ in _SECTIONS
        for key in (data.get(name) or {})
    )
    cfg = Config(**parts, source=source, given=given)
    uses_mqtt = cfg.server.transport == "mqtt" or cfg.listener.republish_mqtt
    if uses_mqtt and "mqtt.host" not in given:
        why = ('[server] transport = "mqtt"' if cfg.server.transport == "mqtt"
               else "[listener] republish_mqtt = true")
        raise ConfigError(f"{why} needs a broker: set [mqtt] host (and port)")
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


def with_environment(cfg: Config, environ: Any = None) -> Config:
    """A copy with the AppSecret from :data:`SECRET_ENV` when that is set (it wins over the
    file, as for the tools)."""
    secret = (os.environ if environ is None else environ).get(SECRET_ENV)
    return with_overrides(cfg, app_secret=secret) if secret else cfg


def require_credentials(cfg: Config) -> None:
    """Check that AppId, AppSecret and ParkKey are there.

    Raises:
        ConfigError: one line naming the missing value and where to put it.
    """
    where = f" in {cfg.source}" if cfg.source else ""
    if not cfg.server.app_secret:
        raise ConfigError(
            f"no AppSecret: set [server] app_secret{where} or the environment variable "
            f"{SECRET_ENV} (callbacks cannot be checked without it)"
        )
    for key, label in (("app_id", "AppId"), ("park_key", "ParkKey")):
        if not str(getattr(cfg.server, key)).strip():
            raise ConfigError(f"no {label}: set [server] {key}{where}")


# --- the example file --------------------------------------------------------------------------

def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def example_toml() -> str:
    """``docs/booth.example.toml``, generated from the declaration: every setting, its default,
    its meaning and allowed values (``python3 -m booth_console.app.commands >
    docs/booth.example.toml``, which declares the operator commands first)."""
    out = [
        "# Booth Console configuration (booth-console run --config booth.toml).",
        "# Generated from booth_console/config.py and the operator commands:",
        "# python3 -m booth_console.app.commands",
        "# Every setting is optional and shows its default, except the [server] credentials:",
        f"# app_id, park_key and app_secret (or the environment variable {SECRET_ENV}) are required.",
    ]
    for section, cls in _SECTIONS:
        out.append("")
        out.append(f"[{section}]")
        for f in fields(cls):
            s = _setting_of(section, f)
            if s.name == "shortcuts":
                continue
            allowed = s.allowed()
            text = s.meaning + (f" ({allowed})" if allowed else "")
            out.extend(textwrap.wrap(text, 95, initial_indent="# ", subsequent_indent="# "))
            if s.note:
                out.append(f"# {s.note}")
            out.append(f"{s.name} = {_toml_value(s.default)}")
        if section == "booth":
            out.append("")
            out.append("[booth.shortcuts]")
            out.append("# any Qt key sequence per operator command")
            for command, key in DEFAULT_SHORTCUTS.items():
                out.append(f"{command} = {_toml_value(key)}")
    return "\n".join(out) + "\n"

