"""Operator accounts in their SQLite file: roles, Argon2 hashes, the wrong-password wait that
survives a restart, disabled accounts, the last admin, and no password or hash in any log."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from booth_console.config import parse_config
from booth_console.operators import (
    BASE_DELAY_S,
    FAILURE_WINDOW_S,
    FREE_FAILURES,
    MAX_DELAY_S,
    AccountDisabled,
    AccountExists,
    BadInput,
    NoSuchAccount,
    Operators,
    OperatorsFileError,
    Role,
    TooManyAttempts,
    WrongPassword,
    default_path,
    delay_after,
)
from tests.operators.conftest import FAST, Clock


def test_accounts_are_kept_in_the_file_with_argon2id_hashes(tmp_path: Path) -> None:
    path = tmp_path / "data" / "operators.sqlite3"
    store = Operators(path, hasher=FAST)
    assert store.accounts() == [] and not store.has_accounts()
    assert not path.exists()  # reading a fresh installation creates nothing
    store.add("王芳", "admin", "correct horse")
    store.add("li", Role.ATTENDANT, "pass-li-1")
    again = Operators(path, hasher=FAST)  # another process, or after a restart
    assert [(a.name, a.role) for a in again.accounts()] == [("li", Role.ATTENDANT),
                                                           ("王芳", Role.ADMIN)]
    assert again.has_accounts()
    raw = path.read_bytes()
    assert b"correct horse" not in raw and b"pass-li-1" not in raw
    with sqlite3.connect(path) as db:
        hashes = [h for (h,) in db.execute("SELECT hash FROM operators")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    if sys.platform != "win32":
        assert path.stat().st_mode & 0o077 == 0  # not readable by other users


def test_default_hasher_is_argon2id_with_the_recommended_parameters(tmp_path: Path) -> None:
    store = Operators(tmp_path / "operators.sqlite3")
    store.add("admin", "admin", "s3cret-pw")
    with sqlite3.connect(store.path) as db:
        (hashed,) = db.execute("SELECT hash FROM operators").fetchone()
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert store.verify("admin", "s3cret-pw").name == "admin"


def test_names_are_unique_whatever_their_case_and_lookups_ignore_it(tmp_path: Path) -> None:
    store = Operators(tmp_path / "o.sqlite3", hasher=FAST)
    store.add("  Li Na ", "attendant", "pass-li-1")
    with pytest.raises(AccountExists):
        store.add("li na", "supervisor", "another-1")
    assert store.get("LI NA").name == "Li Na"
    assert store.verify("li na", "pass-li-1").name == "Li Na"


@pytest.mark.parametrize(("name", "role", "password", "why"), [
    ("", "attendant", "pass-word", "name is empty"),
    ("a" * 33, "attendant", "pass-word", "longer than 32"),
    ("tab\tname", "attendant", "pass-word", "control or space"),
    ("li", "cashier", "pass-word", "unknown role 'cashier'"),
    ("li", "attendant", "k3y!9", "shorter than 6"),
    ("li", "attendant", "      ", "password is empty"),
    ("li", "attendant", "x" * 257, "longer than 256"),
])
def test_bad_input_is_refused_and_nothing_is_added(
        tmp_path: Path, name: str, role: str, password: str, why: str) -> None:
    store = Operators(tmp_path / "o.sqlite3", hasher=FAST)
    with pytest.raises(BadInput, match=why) as info:
        store.add(name, role, password)
    assert password.strip() == "" or password not in str(info.value)
    assert store.accounts() == []


def test_wrong_passwords_make_the_account_wait_longer_each_time(tmp_path: Path) -> None:
    clock = Clock()
    store = Operators(tmp_path / "o.sqlite3", hasher=FAST, clock=clock)
    store.add("li", "attendant", "right-pw")
    for _ in range(FREE_FAILURES - 1):  # the first ones cost nothing
        with pytest.raises(WrongPassword) as info:
            store.verify("li", "wrong")
        assert info.value.wait_s == 0
    with pytest.raises(WrongPassword) as info:
        store.verify("li", "wrong")
    assert info.value.wait_s == BASE_DELAY_S == store.wait_s("li")
    # while it waits, not even the right password is checked
    with pytest.raises(TooManyAttempts) as waiting:
        store.verify("li", "right-pw")
    assert waiting.value.wait_s == BASE_DELAY_S
    clock.now += BASE_DELAY_S
    with pytest.raises(WrongPassword) as info:
        store.verify("li", "wrong")
    assert info.value.wait_s == 2 * BASE_DELAY_S  # doubled
    assert delay_after(100) == MAX_DELAY_S
    clock.now += 2 * BASE_DELAY_S
    account = store.verify("li", "right-pw")
    assert account.failures == 0 and account.last_sign_on == clock.now
    with pytest.raises(WrongPassword) as info:  # the count started again
        store.verify("li", "wrong")
    assert info.value.wait_s == 0


def test_the_wait_survives_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "o.sqlite3"
    Operators(path, hasher=FAST, clock=clock).add("li", "attendant", "right-pw")
    for _ in range(FREE_FAILURES):
        with pytest.raises(WrongPassword):
            # a new object each time: the console restarted between attempts
            Operators(path, hasher=FAST, clock=clock).verify("li", "wrong")
    clock.now += 5
    with pytest.raises(TooManyAttempts) as info:
        Operators(path, hasher=FAST, clock=clock).verify("li", "right-pw")
    assert info.value.wait_s == pytest.approx(BASE_DELAY_S - 5)


def test_old_failures_are_forgotten_and_a_clock_set_back_does_not_lock_for_ever(
        tmp_path: Path) -> None:
    clock = Clock()
    store = Operators(tmp_path / "o.sqlite3", hasher=FAST, clock=clock)
    store.add("li", "attendant", "right-pw")
    for _ in range(FREE_FAILURES - 1):
        with pytest.raises(WrongPassword):
            store.verify("li", "wrong")
    clock.now += FAILURE_WINDOW_S + 1
    with pytest.raises(WrongPassword) as info:
        store.verify("li", "wrong")
    assert info.value.wait_s == 0  # counted as the first of a new series
    for _ in range(20):
        with pytest.raises((WrongPassword, TooManyAttempts)):
            store.verify("li", "wrong")
        clock.now += MAX_DELAY_S
    clock.now -= 30 * 24 * 3600  # the PC's clock was a month ahead and is corrected
    assert store.wait_s("li") <= MAX_DELAY_S


def test_a_new_password_clears_the_wait(tmp_path: Path) -> None:
    clock = Clock()
    store = Operators(tmp_path / "o.sqlite3", hasher=FAST, clock=clock)
    store.add("li", "attendant", "right-pw")
    for _ in range(FREE_FAILURES):
        with pytest.raises(WrongPassword):
            store.verify("li", "wrong")
    store.set_password("li", "new-password")
    assert store.wait_s("li") == 0
    assert store.verify("li", "new-password").name == "li"
    with pytest.raises(WrongPassword):
        store.verify("li", "right-pw")


def test_unknown_names_get_the_same_answer_as_wrong_passwords(tmp_path: Path) -> None:
    store = Operators(tmp_path / "o.sqlite3", hasher=FAST)
    with pytest.raises(WrongPassword) as none_yet:
        store.verify("nobody", "whatever")
    store.add("li", "attendant", "right-pw")
    with pytest.raises(WrongPassword) as unknown:
        store.verify("nobody", "whatever")
    with pytest.raises(WrongPassword) as wrong:
        store.verify("li", "whatever")
    assert str(none_yet.value) == str(unknown.value) == str(wrong.value)
    with pytest.raises(NoSuchAccount):
        store.set_password("nobody", "new-password")


def test_a_disabled_account_cannot_sign_on_until_enabled(tmp_path: Path) -> None:
    store = Operators(tmp_path / "o.sqlite3", hasher=FAST)
    store.add("boss", "admin", "boss-pass")
    store.add("li", "attendant", "right-pw")
    store.set_disabled("li")
    assert store.get("li").disabled
    with pytest.raises(AccountDisabled):
        store.verify("li", "right-pw")
    store.set_disabled("li", False)
    assert store.verify("li", "right-pw").name == "li"


def test_the_last_enabled_admin_stays(tmp_path: Path) -> None:
    store = Operators(tmp_path / "o.sqlite3", hasher=FAST)
    store.add("boss", "admin", "boss-pass")
    with pytest.raises(BadInput, match="last enabled admin"):
        store.set_disabled("boss")
    with pytest.raises(BadInput, match="last enabled admin"):
        store.set_role("boss", "supervisor")
    store.add("deputy", "admin", "deputy-pass")
    store.set_disabled("boss")
    assert store.get("boss").disabled


def test_the_first_admin_only_on_an_empty_file(tmp_path: Path) -> None:
    store = Operators(tmp_path / "o.sqlite3", hasher=FAST)
    first = store.add_first_admin("王芳", "first-pass")
    assert first.role is Role.ADMIN
    with pytest.raises(AccountExists):
        store.add_first_admin("intruder", "other-pass")
    assert [a.name for a in store.accounts()] == ["王芳"]


def test_a_hash_made_with_weaker_parameters_is_upgraded_at_sign_on(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    Operators(path, hasher=FAST).add("li", "attendant", "right-pw")
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    Operators(path, hasher=stronger).verify("li", "right-pw")
    with sqlite3.connect(path) as db:
        (hashed,) = db.execute("SELECT hash FROM operators").fetchone()
    assert "t=2" in hashed
    assert Operators(path, hasher=stronger).verify("li", "right-pw").name == "li"


def test_a_file_that_is_not_an_accounts_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "operators.sqlite3"
    path.write_bytes(b"this is not SQLite at all" * 100)
    store = Operators(path, hasher=FAST)
    with pytest.raises(OperatorsFileError, match="not an operator accounts file"):
        store.accounts()
    with pytest.raises(OperatorsFileError):
        store.verify("li", "whatever")
    assert path.read_bytes().startswith(b"this is not SQLite")  # left as it was


def test_the_file_lives_beside_the_journal(tmp_path: Path) -> None:
    cfg = parse_config({"listener": {"journal": str(tmp_path / "j" / "journal.sqlite3")}})
    assert default_path(cfg) == tmp_path / "j" / "operators.sqlite3"
    assert default_path(cfg, tmp_path / "d") == tmp_path / "d" / "operators.sqlite3"


def test_no_password_or_hash_in_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    store = Operators(tmp_path / "o.sqlite3", hasher=FAST, clock=clock)
    store.add("boss", "admin", "Boss-Secret-1")
    store.add("li", "attendant", "Li-Secret-22")
    store.verify("li", "Li-Secret-22")
    for attempt in ("Wrong-Guess-1", "Wrong-Guess-2", "Wrong-Guess-3", "Wrong-Guess-4"):
        with pytest.raises((WrongPassword, TooManyAttempts)):
            store.verify("li", attempt)
    with pytest.raises(WrongPassword):
        store.verify("Wrong-Guess-5", "Wrong-Guess-6")  # a password typed into the name field
    store.set_password("li", "Li-Secret-333")
    store.set_disabled("li")
    with pytest.raises(AccountDisabled):
        store.verify("li", "Li-Secret-333")
    with sqlite3.connect(store.path) as db:
        hashes = [h for (h,) in db.execute("SELECT hash FROM operators")]
    text = caplog.text + "".join(repr(a) for a in store.accounts())
    assert "wrong password for operator li" in text  # the events are logged, by name
    for secret in ("Boss-Secret-1", "Li-Secret-22", "Wrong-Guess-1", "Wrong-Guess-4", "Wrong-Guess-5",
                   "Li-Secret-333", "$argon2", *hashes, *(h.rsplit("$", 1)[1] for h in hashes)):
        assert secret not in text
    assert os.fspath(store.path) in repr(store)


def test_the_accounts_module_needs_no_qt() -> None:
    import subprocess

    code = ("import sys, booth_console.operators, booth_console.tools.operators; "
            "sys.exit(sorted(m for m in sys.modules if m.startswith(('PySide6', 'booth_console.app', "
            "'booth_console.ui'))) != [])")
    assert subprocess.run([sys.executable, "-c", code], timeout=30).returncode == 0
