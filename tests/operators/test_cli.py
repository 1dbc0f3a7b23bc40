"""``booth-console operators`` run as a process: add, list, passwd, disable and enable against a
real accounts file; the password from standard input or, on a terminal, typed twice unseen."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from booth_console.operators import AccountDisabled, Operators, Role, WrongPassword

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, BOOTH_CONSOLE_DATA=str(tmp_path / "data"),
                BOOTH_CONSOLE_CONFIG=str(tmp_path / "no-such.toml"),
                PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                            os.environ.get("PYTHONPATH", "")]))


def _run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "booth_console", "operators", *args],
                          input=stdin, capture_output=True, text=True, timeout=30,
                          env=_env(tmp_path))


def test_add_list_passwd_disable_enable(tmp_path: Path) -> None:
    store = Operators(tmp_path / "data" / "operators.sqlite3")
    assert "no operator accounts" in _run(tmp_path, "list").stdout
    out = _run(tmp_path, "add", "王芳", "--role", "admin", stdin="Admin-Pass-1\n")
    assert out.returncode == 0, out.stderr
    out = _run(tmp_path, "add", "li", "--role", "attendant", stdin="Li-Pass-22\n")
    assert out.returncode == 0, out.stderr
    assert [(a.name, a.role) for a in store.accounts()] == [("li", Role.ATTENDANT),
                                                           ("王芳", Role.ADMIN)]
    assert store.verify("li", "Li-Pass-22").name == "li"
    listing = _run(tmp_path, "list")
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "STATE", "LAST", "SIGN-ON", "PASSWORD", "SET"]
    assert lines[1].split()[:3] == ["li", "attendant", "active"]
    assert lines[2].split()[:3] == ["王芳", "admin", "active"]

    out = _run(tmp_path, "passwd", "LI", stdin="Li-New-Pass-3\n")
    assert out.returncode == 0 and "password of li changed" in out.stdout
    with pytest.raises(WrongPassword):
        store.verify("li", "Li-Pass-22")
    assert store.verify("li", "Li-New-Pass-3").name == "li"

    out = _run(tmp_path, "disable", "li")
    assert out.returncode == 0 and "li disabled" in out.stdout
    assert "disabled" in _run(tmp_path, "list").stdout.splitlines()[1]
    with pytest.raises(AccountDisabled):
        store.verify("li", "Li-New-Pass-3")
    assert _run(tmp_path, "enable", "li").returncode == 0
    assert store.verify("li", "Li-New-Pass-3").name == "li"
    for secret in ("Admin-Pass-1", "Li-Pass-22", "Li-New-Pass-3", "$argon2"):
        assert secret not in out.stdout + out.stderr + listing.stdout + listing.stderr


def test_refusals_change_nothing(tmp_path: Path) -> None:
    store = Operators(tmp_path / "data" / "operators.sqlite3")
    out = _run(tmp_path, "add", "li", "--role", "attendant", stdin="k3y!9\n")
    assert out.returncode == 1
    assert out.stderr.strip() == ("booth-console operators: the password is shorter than 6 "
                                  "characters")
    assert "k3y!9" not in out.stderr
    out = _run(tmp_path, "add", "li", "--role", "cashier", stdin="Li-Pass-22\n")
    assert out.returncode == 2 and "invalid choice: 'cashier'" in out.stderr
    out = _run(tmp_path, "add", "li", "--role", "attendant", stdin="")
    assert out.returncode == 1 and "no password on standard input" in out.stderr
    assert store.accounts() == []

    assert _run(tmp_path, "add", "boss", "--role", "admin", stdin="Boss-Pass-1\n").returncode == 0
    out = _run(tmp_path, "add", "BOSS", "--role", "attendant", stdin="Other-Pass-1\n")
    assert out.returncode == 1 and "exists already" in out.stderr
    out = _run(tmp_path, "disable", "boss")
    assert out.returncode == 1 and "last enabled admin" in out.stderr
    out = _run(tmp_path, "passwd", "nobody", stdin="Some-Pass-1\n")
    assert out.returncode == 1 and "no operator account 'nobody'" in out.stderr
    assert [(a.name, a.disabled) for a in store.accounts()] == [("boss", False)]
    assert store.verify("boss", "Boss-Pass-1").name == "boss"


def test_the_accounts_are_kept_beside_the_configured_journal(tmp_path: Path) -> None:
    journal = tmp_path / "booth" / "journal.sqlite3"
    cfg = tmp_path / "booth.toml"
    cfg.write_text(f'[listener]\njournal = "{journal.as_posix()}"\n', encoding="utf-8")
    out = _run(tmp_path, "--config", str(cfg), "add", "li", "--role", "supervisor",
               stdin="Li-Pass-22\n")
    assert out.returncode == 0, out.stderr
    assert str(journal.parent / "operators.sqlite3") in out.stdout
    assert Operators(journal.parent / "operators.sqlite3").get("li").role is Role.SUPERVISOR
    assert not (tmp_path / "data" / "operators.sqlite3").exists()
    cfg.write_text("[booth]\nlock_after_idle_min = -1\n", encoding="utf-8")
    out = _run(tmp_path, "--config", str(cfg), "list")
    assert out.returncode == 2 and "lock_after_idle_min" in out.stderr


def _on_terminal(tmp_path: Path, args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run with a pseudo-terminal as stdin, stdout and stderr; each answer is typed after its
    prompt. Returns the exit code and everything the terminal showed."""
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "booth_console", "operators", *args],
                            stdin=slave, stdout=slave, stderr=slave, env=_env(tmp_path),
                            start_new_session=True)
    os.close(slave)
    shown = b""
    deadline = time.monotonic() + 30
    pending = list(answers)
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
                if pending and chunk.endswith(b": "):  # a prompt: answer it once
                    os.write(master, pending.pop(0).encode() + b"\n")
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return code, shown.decode("utf-8", "replace")


def test_on_a_terminal_the_password_is_asked_twice_and_not_shown(tmp_path: Path) -> None:
    store = Operators(tmp_path / "data" / "operators.sqlite3")
    code, shown = _on_terminal(tmp_path, ["add", "li", "--role", "attendant"],
                               ["Li-Pass-22", "Li-Pass-2X"])
    assert code == 1 and "the two passwords differ" in shown
    assert store.accounts() == []
    code, shown = _on_terminal(tmp_path, ["add", "li", "--role", "attendant"],
                               ["Li-Pass-22", "Li-Pass-22"])
    assert code == 0, shown
    assert "New password for li:" in shown and "Again:" in shown
    assert "Li-Pass-22" not in shown  # typed without echo
    assert store.verify("li", "Li-Pass-22").name == "li"
