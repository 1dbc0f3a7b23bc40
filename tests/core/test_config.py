"""Configuration: TOML parsing, validation messages, secrets kept out of repr."""

from __future__ import annotations

from pathlib import Path

import pytest

import booth_console.app.commands  # noqa: F401  (declares the operator commands and their keys)
from booth_console.config import (
    DEFAULT_SHORTCUTS,
    SECRET_ENV,
    BoothConfig,
    ListenerConfig,
    MqttConfig,
    ServerConfig,
    check_setting,
    example_toml,
    load_config,
    parse_config,
    require_credentials,
    settings,
    with_environment,
)
from booth_console.errors import ConfigError

GOOD = """
[server]
base_url = "http://192.168.1.10:8888"
app_id = "fvytu5eq"
app_secret = "TopSecret-123"
park_key = 1726313394251322
transport = "http"

[listener]
host = "0.0.0.0"
port = 8890
public_url = "http://192.168.1.20:8890/"
register_callbacks = true

[booth]
lanes = ["1", 2]
operator = "王芳"
language = "zh_CN"

[booth.shortcuts]
open_gate = "Ctrl+O"

[mqtt]
password = "BrokerPass"
"""


def test_full_file(tmp_path: Path) -> None:
    f = tmp_path / "booth.toml"
    f.write_text(GOOD, encoding="utf-8")
    cfg = load_config(f)
    assert cfg.server.park_key == "1726313394251322"
    assert cfg.booth.lanes == ("1", "2")
    assert cfg.booth.operator == "王芳"
    assert cfg.booth.shortcut("open_gate") == "Ctrl+O"
    assert cfg.booth.shortcut("close_gate") == DEFAULT_SHORTCUTS["close_gate"] == "F2"
    assert cfg.listener.effective_public_url == "http://192.168.1.20:8890"
    assert "TopSecret-123" not in repr(cfg) and "BrokerPass" not in repr(cfg)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[server]\nport = 1\n", "[server] has an unknown setting 'port'"),
        ("[server]\ntransport = \"ftp\"\n", "transport"),
        ("[listener]\nport = \"eighty\"\n", "[listener] port must be a whole number"),
        ("[listener]\nregister_callbacks = 1\n", "true or false"),
        ("[booth.shortcuts]\nlaunch_rocket = \"F9\"\n", "unknown command"),
        ("[nonsense]\n", "unknown section"),
        ("[listener]\ncallback_interval_ms = 100\n", "between 200 and 600000"),
        ("not toml at all ===", "not valid TOML"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(f)
    assert message in str(info.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(tmp_path / "nope.toml")


def test_defaults() -> None:
    cfg = parse_config({})
    assert cfg.server.transport == "http"
    assert cfg.booth.lanes == ()
    assert cfg.booth.virtual_plate_prefix == "无"
    assert cfg.booth.order_poll_ms == 500 and cfg.booth.status_poll_ms == 1000


def test_example_config_in_docs_is_generated_from_the_declaration() -> None:
    """The committed example is exactly what the declaration generates, loads, and shows the
    defaults (so "defaults are shown" is true and the file cannot drift)."""
    path = Path(__file__).resolve().parents[2] / "docs" / "booth.example.toml"
    assert path.read_text(encoding="utf-8") == example_toml(), (
        "docs/booth.example.toml is stale: python3 -m booth_console.app.commands > docs/booth.example.toml"
    )
    cfg = load_config(path)
    assert cfg.booth.shortcut("no_plate_entry") == "F7"
    assert cfg.listener == ListenerConfig() and cfg.booth == BoothConfig()
    assert cfg.mqtt == MqttConfig() and cfg.server.timeout == ServerConfig().timeout
    assert cfg.listener.host == "127.0.0.1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[listener]\ntimestamp_window_s = -1\n", "[listener] timestamp_window_s = -1 is out of range"),
        ("[listener]\nmax_body_bytes = 0\n", "[listener] max_body_bytes = 0 is out of range"),
        ("[booth]\nstatus_poll_ms = 0\n", "[booth] status_poll_ms = 0 is out of range"),
        ("[server]\ntimeout = -5\n", "[server] timeout = -5.0 is out of range"),
        ('[server]\nbase_url = "not a url"\n', "[server] base_url = 'not a url' must be an address"),
        ('[server]\nbase_url = "http://10.0.0.1:99999"\n', "[server] base_url = 'http://10.0.0.1:99999'"),
        ("[listener]\nport = 70000\n", "[listener] port = 70000 is out of range: must be between 0 and 65535"),
        ("[listener]\nport = -1\n", "[listener] port = -1 is out of range"),
        ("[mqtt]\nport = 0\n", "[mqtt] port = 0 is out of range"),
        ('[listener]\nallow_sources = ["10.0.0.300"]\n', "[listener] allow_sources"),
        ('[listener]\nhost = "http://0.0.0.0"\n', "[listener] host = 'http://0.0.0.0'"),
        ('[listener]\npublic_url = "192.168.1.20:8890"\n', "[listener] public_url"),
        ("[listener]\nreregister_every_min = -3\n", "[listener] reregister_every_min = -3"),
        ('[server]\ntransport = "mqtt"\n', "needs a broker: set [mqtt] host"),
        ("[listener]\nrepublish_mqtt = true\n", "needs a broker: set [mqtt] host"),
        ('[mqtt]\ntopic_prefix = "a/#"\n', "[mqtt] topic_prefix"),
        ('[booth]\noperator = "  "\n', "[booth] operator"),
        ('[server]\napp_secret = 5\n[listener]\nport = 1e3\n', "[listener] port must be a whole number"),
    ],
)
def test_each_bad_value_gets_one_line_naming_setting_and_value(
    tmp_path: Path, text: str, message: str
) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(f)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_bad_secret_value_is_not_echoed(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text('[mqtt]\npassword = ["hunter2-secret"]\n')
    with pytest.raises(ConfigError) as info:
        load_config(f)
    assert "[mqtt] password" in str(info.value) and "hunter2" not in str(info.value)


def test_every_declared_default_is_allowed_and_described() -> None:
    seen = set()
    for s in settings():
        assert s.meaning, s.key
        assert s.key not in seen
        seen.add(s.key)
        if s.name != "shortcuts":
            check_setting(s, s.default)  # raises if a default were out of its own range
    assert "[listener] reregister_every_min" in seen and "[listener] max_connections" in seen


@pytest.mark.parametrize("text", ["", "[booth]\noperator = \"x\"\n", "[server]\napp_id = \"a\"\npark_key = \"p\"\n"])
def test_missing_credentials_are_named(tmp_path: Path, text: str) -> None:
    f = tmp_path / "c.toml"
    f.write_text(text)
    cfg = load_config(f)
    with pytest.raises(ConfigError) as info:
        require_credentials(cfg)
    assert f"[server] app_secret in {f}" in str(info.value)
    assert SECRET_ENV in str(info.value)


def test_secret_from_the_environment() -> None:
    cfg = parse_config({"server": {"app_id": "a", "park_key": "p"}})
    assert with_environment(cfg, {SECRET_ENV: "from-env"}).server.app_secret == "from-env"
    require_credentials(with_environment(cfg, {SECRET_ENV: "from-env"}))
    filed = parse_config({"server": {"app_id": "a", "park_key": "p", "app_secret": "in-file"}})
    assert with_environment(filed, {}).server.app_secret == "in-file"
    with pytest.raises(ConfigError, match="no AppSecret"):
        require_credentials(with_environment(cfg, {SECRET_ENV: ""}))
