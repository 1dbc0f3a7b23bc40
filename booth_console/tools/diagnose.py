"""``booth-console diagnose --out FILE.zip``: one archive for support, with nothing secret in it.

The archive holds ``summary.txt`` (version, platform, Python and Qt versions, frozen or not, data
directory, keyring backend), ``config.toml`` (the configuration with the AppSecret and every
password masked), the last lines of each log file, ``journal.txt`` (rows per table, pending
payments, file size, ``PRAGMA quick_check``) and ``self-test.txt``. Every member is scrubbed of
the secret values themselves before it is written, in case one slipped into a log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

__all__ = ["MASK", "add_arguments", "build_archive", "journal_report", "masked_config", "run"]

MASK = "***"
#: keys whose values are masked wherever they appear in the configuration
_SECRET_WORDS = ("secret", "password", "passwd", "token")
LOG_TAIL_LINES = 2000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``booth-console diagnose``."""
    parser.add_argument("--out", "-o", metavar="FILE.zip",
                        help="archive to write (default: booth-console-diagnose-<time>.zip here)")
    parser.add_argument("--config", "-c", metavar="FILE",
                        help="the console's configuration file (default: the one `setup` wrote, if any)")
    parser.add_argument("--data-dir", metavar="DIR", help="data directory (default: BOOTH_CONSOLE_DATA "
                        "or the user data directory)")
    parser.add_argument("--no-self-test", action="store_true", help="skip running self-test")


def _is_secret_key(key: str) -> bool:
    return any(word in key.lower() for word in _SECRET_WORDS)


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (MASK if _is_secret_key(k) and v not in ("", None) else _mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def _toml_lines(table: dict[str, Any], prefix: str = "") -> list[str]:
    lines: list[str] = []
    subtables = {k: v for k, v in table.items() if isinstance(v, dict)}
    for key, value in table.items():
        if not isinstance(value, dict):
            lines.append(f"{key} = {_toml_value(value)}")
    for key, value in subtables.items():
        name = f"{prefix}.{key}" if prefix else key
        lines += ["", f"[{name}]", *_toml_lines(value, name)]
    return lines


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def masked_config(path: Path) -> str:
    """The configuration file as TOML with every secret-looking value replaced by ``***``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return f"# cannot read {path}: {exc}\n"
    return f"# {path} (secrets masked)\n" + "\n".join(_toml_lines(_mask(data))).lstrip("\n") + "\n"


def _secret_values(config: Path | None) -> list[str]:
    """The secrets themselves (from the file, the keyring and the environment), to scrub."""
    found: list[str] = []
    for env in ("BOOTH_CONSOLE_APP_SECRET", "BOOTH_CONSOLE_MQTT_PASSWORD"):
        if os.environ.get(env):
            found.append(os.environ[env])
    if config is not None:
        try:
            from booth_console.config import load_config

            cfg = load_config(config)
            found += [cfg.server.app_secret, cfg.mqtt.password]
        except Exception:  # an unreadable file or keyring: fall back to the raw values
            try:
                raw = tomllib.loads(config.read_text(encoding="utf-8"))
                found += [str(v) for t in raw.values() if isinstance(t, dict)
                          for k, v in t.items() if _is_secret_key(k)]
            except Exception:
                pass
    # very short values would mask unrelated text; they are not real secrets anyway
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def journal_report(path: Path) -> str:
    """Rows per table, pending payments, size and ``PRAGMA quick_check`` of a journal file.

    The file is opened read-only, so a running console is not disturbed.
    """
    if not path.exists():
        return f"journal {path}: not found\n"
    lines = [f"journal {path}", f"size: {path.stat().st_size} bytes"]
    queries: list[tuple[str, str]] = [
        ("schema version", "PRAGMA user_version"),
        ("rows in callbacks", "SELECT COUNT(*) FROM callbacks"),
        ("callbacks not yet processed",
         "SELECT COUNT(*) FROM callbacks WHERE processed = 0 AND result_code = 200"),
        ("rows in actions", "SELECT COUNT(*) FROM actions"),
        ("rows in pending_payments", "SELECT COUNT(*) FROM pending_payments"),
        ("payments pending", "SELECT COUNT(*) FROM pending_payments WHERE status = 'pending'"),
    ]
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return "\n".join([*lines, f"cannot open the journal: {exc}"]) + "\n"
    try:
        try:
            check = "; ".join(str(r[0]) for r in con.execute("PRAGMA quick_check"))
        except sqlite3.Error as exc:
            check = f"failed: {exc}"
        lines.append(f"quick_check: {check}")
        for label, sql in queries:  # each on its own: a damaged table spoils only its line
            try:
                lines.append(f"{label}: {con.execute(sql).fetchone()[0]}")
            except sqlite3.Error as exc:
                lines.append(f"{label}: cannot read ({exc})")
    finally:
        con.close()
    return "\n".join(lines) + "\n"


def _summary(config: Path | None, folder: Path) -> str:
    from booth_console import __version__
    from booth_console.secrets import backend_name, known_backends

    try:
        import PySide6
        from PySide6.QtCore import qVersion

        qt = f"PySide6 {PySide6.__version__}, Qt {qVersion()}"
    except Exception as exc:
        qt = f"unavailable ({exc})"
    rows = [
        ("booth-console", __version__),
        ("created", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("frozen", str(bool(getattr(sys, "frozen", False)))),
        ("executable", sys.executable),
        ("platform", platform.platform()),
        ("machine", platform.machine()),
        ("python", sys.version.replace("\n", " ")),
        ("qt", qt),
        ("data directory", str(folder)),
        ("configuration", str(config) if config else "(none given)"),
        ("keyring backend", backend_name()),
        ("keyring backends known", ", ".join(known_backends()) or "none"),
        ("QT_QPA_PLATFORM", os.environ.get("QT_QPA_PLATFORM", "")),
    ]
    return "".join(f"{k}: {v}\n" for k, v in rows)


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"cannot read {path}: {exc}\n"
    return "\n".join(text.splitlines()[-lines:]) + "\n"


def _self_test() -> str:
    cmd = [sys.executable, "self-test"] if getattr(sys, "frozen", False) else \
        [sys.executable, "-m", "booth_console", "self-test"]
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"self-test could not run: {exc}\n"
    return f"exit code {done.returncode}\n{done.stdout}{done.stderr}"


def build_archive(out: Path, *, config: Path | None, folder: Path, self_test: bool = True) -> list[str]:
    """Write the archive; returns the names of its members."""
    members: dict[str, str] = {"summary.txt": _summary(config, folder)}
    if config is not None:
        members["config.toml"] = masked_config(config)
    for log in sorted(folder.glob("*.log*")):
        if log.is_file():
            members[f"logs/{log.name}"] = _tail(log)
    journal = folder / "journal.sqlite3"
    if config is not None:  # as `run` does: [listener] journal, else the data directory's
        try:
            listener = tomllib.loads(config.read_text(encoding="utf-8")).get("listener", {})
            if isinstance(listener, dict) and listener.get("journal"):
                journal = Path(str(listener["journal"]))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            pass
    members["journal.txt"] = journal_report(journal)
    if self_test:
        members["self-test.txt"] = _self_test()
    secrets = _secret_values(config)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            for secret in secrets:
                text = text.replace(secret, MASK)
            zf.writestr(name, text)
    return list(members)


def run(args: argparse.Namespace) -> int:
    """Write the archive and say where it is."""
    from booth_console.config import data_dir

    folder = Path(args.data_dir) if args.data_dir else data_dir()
    config = Path(args.config) if args.config else None
    if config is None:  # the configuration `setup` wrote, when there is one
        from booth_console.platform_paths import config_file

        default = Path(config_file())
        config = default if default.exists() else None
    out = Path(args.out) if args.out else Path(
        f"booth-console-diagnose-{dt.datetime.now():%Y%m%d-%H%M%S}.zip")
    names = build_archive(out, config=config, folder=folder, self_test=not args.no_self_test)
    print(f"wrote {out} ({out.stat().st_size} bytes): {', '.join(names)}")
    return 0
