"""Configuration: TOML parsing, validation messages, secrets kept out of repr."""

from __future__ import annotations

from pathlib import Path

import pytest

from booth_console.config import DEFAULT_SHORTCUTS, load_config, parse_config
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


def test_example_config_in_docs_is_valid() -> None:
    cfg = load_config(Path(__file__).resolve().parents[2] / "docs" / "booth.example.toml")
    assert cfg.listener.register_callbacks is True
    assert cfg.booth.shortcut("no_plate_entry") == "F7"
