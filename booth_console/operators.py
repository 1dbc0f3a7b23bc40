"""Operator accounts: who may work the console, with which role (no Qt).

The accounts live in their own SQLite file, ``operators.sqlite3``, beside the journal
(:func:`default_path`). Passwords are stored only as Argon2id hashes (``argon2-cffi``); neither a
password nor a hash is ever logged, put in an exception or shown by ``repr()``.

Roles: ``attendant`` (works the lanes), ``supervisor`` (also approves overrides and unlocks
another operator's locked console), ``admin`` (also manages accounts).

Wrong passwords are rate-limited per account: the first :data:`FREE_FAILURES` - 1 are free;
from the :data:`FREE_FAILURES`-th failure in a row the account waits :data:`BASE_DELAY_S`,
doubling with each further failure up to :data:`MAX_DELAY_S`. The count and the wait are kept in
the file, so a restart does not reset them; a right password (or a new one set with
:meth:`Operators.set_password`) clears them, and so do :data:`FAILURE_WINDOW_S` without a
failure. While an account waits, no password is checked for it at all. A disabled account
cannot sign on.

Every call opens the file, does its work in one transaction and closes it, so the console and
``booth-console operators`` may use the file at the same time. Checking a password takes a few
tenths of a second (that is Argon2's point): the console calls :meth:`Operators.verify` on a
worker thread, never on the Qt thread.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import math
import os
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from booth_console.errors import BoothError

if TYPE_CHECKING:
    from booth_console.config import Config

__all__ = [
    "BASE_DELAY_S",
    "FAILURE_WINDOW_S",
    "FILE_NAME",
    "FREE_FAILURES",
    "MAX_DELAY_S",
    "MAX_PASSWORD_LEN",
    "MIN_PASSWORD_LEN",
    "Account",
    "AccountDisabled",
    "AccountExists",
    "BadInput",
    "NoSuchAccount",
    "OperatorError",
    "Operators",
    "OperatorsFileError",
    "Role",
    "SignOnRefused",
    "TooManyAttempts",
    "WrongPassword",
    "check_name",
    "check_password",
    "default_path",
    "delay_after",
]

log = logging.getLogger("booth_console.operators")

#: the accounts file's name, beside the journal
FILE_NAME = "operators.sqlite3"
MIN_PASSWORD_LEN = 6
MAX_PASSWORD_LEN = 256
MAX_NAME_LEN = 32
#: the failure in a row from which the account has to wait before the next attempt
FREE_FAILURES = 3
#: the first wait; it doubles with each further failure
BASE_DELAY_S = 15.0
#: the longest wait
MAX_DELAY_S = 15 * 60.0
#: failures further apart than this start the count again
FAILURE_WINDOW_S = 60 * 60.0

_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS operators (
    name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('attendant', 'supervisor', 'admin')),
    hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    password_changed REAL NOT NULL,
    last_sign_on REAL,
    failures INTEGER NOT NULL DEFAULT 0,
    last_failure REAL,
    locked_until REAL NOT NULL DEFAULT 0
);
"""


class Role(enum.StrEnum):
    """What an operator may do."""

    ATTENDANT = "attendant"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def can_approve(self) -> bool:
        """Approves overrides and unlocks another operator's console (supervisor, admin)."""
        return self is not Role.ATTENDANT

    @property
    def can_manage(self) -> bool:
        """Manages operator accounts (admin)."""
        return self is Role.ADMIN


@dataclass(frozen=True)
class Account:
    """An operator account as the console and the CLI see it (never the hash).

    Attributes:
        name: the name as it was given (looked up without regard to case).
        role: what the operator may do.
        disabled: the account cannot sign on.
        created: when it was added (seconds since the epoch).
        password_changed: when its password was last set.
        last_sign_on: its last successful sign-on, if any.
        failures: wrong passwords in a row.
        locked_until: no password is checked before this time (0: none).
    """

    name: str
    role: Role
    disabled: bool
    created: float
    password_changed: float
    last_sign_on: float | None
    failures: int
    locked_until: float


# --- errors --------------------------------------------------------------------------------------

class OperatorError(BoothError):
    """An operator-account operation failed; ``str()`` says why in one line.

    Attributes:
        template: the English text before its fields were filled in (``"the password is
            shorter than {n} characters"``): what a window translates
            (:func:`booth_console.ui.operator_reasons.reason_text`).
        fields: the values of the template's ``{fields}``.
    """

    def __init__(self, template: str = "", **fields: object) -> None:
        super().__init__(template.format(**fields) if fields else template)
        self.template = template
        self.fields = fields


class OperatorsFileError(OperatorError):
    """The accounts file cannot be read or written, or is not an accounts file."""


class BadInput(OperatorError):
    """A name, role or password is not acceptable (nothing was changed)."""


class AccountExists(OperatorError):
    """An account of that name exists already."""


class NoSuchAccount(OperatorError):
    """There is no account of that name."""


class SignOnRefused(OperatorError):
    """A sign-on (or unlock) was refused.

    Attributes:
        name: the name that was given.
    """

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


class WrongPassword(SignOnRefused):
    """Unknown name or wrong password (the two are not told apart).

    Attributes:
        wait_s: seconds before this name may try again (0: at once).
    """

    def __init__(self, name: str, wait_s: float = 0.0) -> None:
        text = "wrong name or password"
        if wait_s > 0:
            text += f"; too many wrong passwords: try again in {_duration(wait_s)}"
        super().__init__(text, name)
        self.wait_s = wait_s


class TooManyAttempts(SignOnRefused):
    """The account has to wait after wrong passwords; no password was checked.

    Attributes:
        wait_s: seconds left.
    """

    def __init__(self, name: str, wait_s: float) -> None:
        super().__init__(f"too many wrong passwords for {name}: try again in "
                         f"{_duration(wait_s)}", name)
        self.wait_s = wait_s


class AccountDisabled(SignOnRefused):
    """The account is disabled."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the account {name} is disabled", name)


def _duration(seconds: float) -> str:
    s = max(1, math.ceil(seconds))
    return f"{s} s" if s < 60 else f"{s // 60} min {s % 60} s" if s % 60 else f"{s // 60} min"


# --- rules ---------------------------------------------------------------------------------------

def delay_after(failures: int) -> float:
    """Seconds an account waits after ``failures`` wrong passwords in a row."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(BASE_DELAY_S * 2.0 ** min(failures - FREE_FAILURES, 32), MAX_DELAY_S)


def check_name(name: str) -> str:
    """``name`` without surrounding spaces, or :class:`BadInput` saying what is wrong with it."""
    name = unicodedata.normalize("NFC", _key(name))
    if not name:
        raise BadInput("the name is empty")
    if len(name) > MAX_NAME_LEN:
        raise BadInput("the name is longer than {n} characters", n=MAX_NAME_LEN)
    if any(unicodedata.category(c)[0] in "CZ" and c != " " for c in name):
        raise BadInput("the name contains control or space characters other than a plain space")
    return name


def check_password(password: str) -> None:
    """:class:`BadInput` when ``password`` is too short, too long or only spaces (the message
    never contains the password)."""
    if not password.strip():
        raise BadInput("the password is empty")
    if len(password) < MIN_PASSWORD_LEN:
        raise BadInput("the password is shorter than {n} characters", n=MIN_PASSWORD_LEN)
    if len(password) > MAX_PASSWORD_LEN:
        raise BadInput("the password is longer than {n} characters", n=MAX_PASSWORD_LEN)
    if any(unicodedata.category(c) == "Cc" for c in password):
        raise BadInput("the password contains control characters")


def _key(name: str) -> str:
    """How a typed name is looked up (the comparison itself ignores ASCII case)."""
    return unicodedata.normalize("NFC", name.strip())


def _role(role: str | Role) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise BadInput("unknown role {role}: one of {roles}", role=repr(role),
                       roles=", ".join(r.value for r in Role)) from None


def default_path(cfg: Config | None = None, data_dir: Path | None = None) -> Path:
    """The accounts file: in ``data_dir`` when given, else beside the configured journal."""
    if data_dir is not None:
        return Path(data_dir) / FILE_NAME
    if cfg is not None:
        return cfg.journal_path().parent / FILE_NAME
    from booth_console.config import data_dir as default_dir

    return default_dir() / FILE_NAME


# --- the file ------------------------------------------------------------------------------------

class Operators:
    """The operator accounts in one file.

    Args:
        path: the accounts file; created (readable by this user only) on the first change.
        hasher: the Argon2 parameters (default: ``argon2-cffi``'s, RFC 9106's low-memory
            profile); a hash made with other parameters is upgraded at the next right password.
        clock: seconds since the epoch (wall clock: the waits survive a restart).
    """

    def __init__(self, path: str | os.PathLike[str], *, hasher: PasswordHasher | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._hasher = hasher or PasswordHasher()
        self._clock = clock
        # verified when a name is unknown, so that it takes as long as a known one
        self._dummy_hash: str | None = None

    def __repr__(self) -> str:
        return f"Operators({str(self.path)!r})"

    # -- reading --

    def accounts(self) -> list[Account]:
        """Every account, by name (none when the file does not exist yet)."""
        if not self.path.exists():
            return []
        with self._db() as db:
            rows = db.execute("SELECT * FROM operators ORDER BY name COLLATE NOCASE").fetchall()
        return [_account(r) for r in rows]

    def get(self, name: str) -> Account:
        """The account called ``name`` (any case); :class:`NoSuchAccount` if there is none."""
        key = _key(name)
        if self.path.exists():
            with self._db() as db:
                row = db.execute("SELECT * FROM operators WHERE name = ?", (key,)).fetchone()
            if row is not None:
                return _account(row)
        raise NoSuchAccount("no operator account {name}", name=repr(key))

    def has_accounts(self) -> bool:
        """Whether any account exists (a fresh installation has none: it asks for an admin)."""
        if not self.path.exists():
            return False
        with self._db() as db:
            return db.execute("SELECT 1 FROM operators LIMIT 1").fetchone() is not None

    def wait_s(self, name: str) -> float:
        """Seconds before ``name`` may try a password again (0 for an unknown name)."""
        try:
            account = self.get(name)
        except NoSuchAccount:
            return 0.0
        return self._remaining(account.locked_until)

    # -- changing --

    def add(self, name: str, role: str | Role, password: str) -> Account:
        """Add an account.

        Raises:
            BadInput: the name, role or password is not acceptable.
            AccountExists: the name is taken (in any case).
        """
        return self._add(name, role, password, first=False)

    def add_first_admin(self, name: str, password: str) -> Account:
        """Add the first account, an admin, on a fresh installation.

        Raises:
            AccountExists: an account exists already (the first admin was made meanwhile).
            BadInput: the name or password is not acceptable.
        """
        return self._add(name, Role.ADMIN, password, first=True)

    def _add(self, name: str, role: str | Role, password: str, *, first: bool) -> Account:
        name, the_role = check_name(name), _role(role)
        check_password(password)
        hashed = self._hasher.hash(password)
        now = self._clock()
        with self._db(create=True) as db:
            db.execute("BEGIN IMMEDIATE")
            if first and db.execute("SELECT 1 FROM operators LIMIT 1").fetchone() is not None:
                raise AccountExists("operator accounts exist already")
            try:
                db.execute("INSERT INTO operators (name, role, hash, created, password_changed) "
                           "VALUES (?, ?, ?, ?, ?)", (name, the_role.value, hashed, now, now))
            except sqlite3.IntegrityError:
                raise AccountExists("an operator account {name} exists already",
                                    name=repr(name)) from None
            row = db.execute("SELECT * FROM operators WHERE name = ?", (name,)).fetchone()
        log.info("operator account %s added (%s)", name, the_role.value)
        return _account(row)

    def set_password(self, name: str, password: str) -> None:
        """Set a new password; the wrong-password count and any wait are cleared.

        Raises:
            BadInput: the password is not acceptable.
            NoSuchAccount: there is no such account.
        """
        check_password(password)
        hashed = self._hasher.hash(password)
        self._update(name, "hash = ?, password_changed = ?, failures = 0, last_failure = NULL, "
                     "locked_until = 0", (hashed, self._clock()))
        log.info("operator %s: password changed", _key(name))

    def set_disabled(self, name: str, disabled: bool = True) -> None:
        """Disable (or enable again) an account. The last enabled admin cannot be disabled.

        Raises:
            NoSuchAccount: there is no such account.
            BadInput: it is the last enabled admin.
        """
        with self._db(create=True) as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT * FROM operators WHERE name = ?", (_key(name),)).fetchone()
            if row is None:
                raise NoSuchAccount("no operator account {name}", name=repr(_key(name)))
            if disabled and row["role"] == Role.ADMIN and not row["disabled"]:
                admins = db.execute("SELECT COUNT(*) FROM operators WHERE role = 'admin' "
                                    "AND disabled = 0").fetchone()[0]
                if admins <= 1:
                    raise BadInput("{name} is the last enabled admin: add another admin first",
                                   name=row["name"])
            db.execute("UPDATE operators SET disabled = ? WHERE name = ?",
                       (int(disabled), row["name"]))
        log.info("operator account %s %s", row["name"], "disabled" if disabled else "enabled")

    def set_role(self, name: str, role: str | Role) -> None:
        """Change an account's role (the last enabled admin stays an admin).

        Raises:
            BadInput: unknown role, or it would leave no enabled admin.
            NoSuchAccount: there is no such account.
        """
        the_role = _role(role)
        with self._db(create=True) as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT * FROM operators WHERE name = ?", (_key(name),)).fetchone()
            if row is None:
                raise NoSuchAccount("no operator account {name}", name=repr(_key(name)))
            if row["role"] == Role.ADMIN and the_role is not Role.ADMIN and not row["disabled"]:
                admins = db.execute("SELECT COUNT(*) FROM operators WHERE role = 'admin' "
                                    "AND disabled = 0").fetchone()[0]
                if admins <= 1:
                    raise BadInput("{name} is the last enabled admin", name=row["name"])
            db.execute("UPDATE operators SET role = ? WHERE name = ?", (the_role.value, row["name"]))
        log.info("operator account %s: role %s", row["name"], the_role.value)

    def _update(self, name: str, assignments: str, values: tuple[object, ...]) -> None:
        with self._db(create=True) as db:
            cur = db.execute(f"UPDATE operators SET {assignments} WHERE name = ?",
                             (*values, _key(name)))
            if cur.rowcount == 0:
                raise NoSuchAccount("no operator account {name}", name=repr(_key(name)))

    # -- signing on --

    def verify(self, name: str, password: str) -> Account:
        """Check a sign-on; returns the account. Slow (Argon2): not on the Qt thread.

        Raises:
            WrongPassword: unknown name or wrong password (``wait_s``: the wait it now has).
            TooManyAttempts: the account must wait; the password was not checked.
            AccountDisabled: the account is disabled.
            OperatorsFileError: the file cannot be read or written.
        """
        key = _key(name)
        if not self.path.exists():
            self._waste_time(password)
            raise WrongPassword(key)
        with self._db() as db:
            # held while the hash is checked: two attempts at once cannot both get a free try
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT * FROM operators WHERE name = ?", (key,)).fetchone()
            if row is None:
                self._waste_time(password)
                # not the name: it may be a password typed into the wrong field
                log.info("sign-on refused: unknown operator name")
                raise WrongPassword(key)
            account = _account(row)
            if account.disabled:
                log.info("sign-on refused: operator %s is disabled", account.name)
                raise AccountDisabled(account.name)
            now = self._clock()
            wait = self._remaining(account.locked_until, now)
            if wait > 0:
                log.info("sign-on refused: operator %s must wait %.0f s after %d wrong passwords",
                         account.name, wait, account.failures)
                raise TooManyAttempts(account.name, wait)
            if self._matches(row["hash"], password, account.name):
                updates: dict[str, object] = {"failures": 0, "last_failure": None,
                                              "locked_until": 0, "last_sign_on": now}
                if self._hasher.check_needs_rehash(row["hash"]):
                    updates["hash"] = self._hasher.hash(password)
                sets = ", ".join(f"{k} = ?" for k in updates)
                db.execute(f"UPDATE operators SET {sets} WHERE name = ?",
                           (*updates.values(), account.name))
                log.info("operator %s (%s) signed on", account.name, account.role.value)
                return _account(db.execute("SELECT * FROM operators WHERE name = ?",
                                           (account.name,)).fetchone())
            recent = (account.failures if row["last_failure"] is not None
                      and now - row["last_failure"] < FAILURE_WINDOW_S else 0)
            failures = recent + 1
            wait = delay_after(failures)
            db.execute("UPDATE operators SET failures = ?, last_failure = ?, locked_until = ? "
                       "WHERE name = ?", (failures, now, now + wait if wait else 0, account.name))
            log.warning("wrong password for operator %s (%d in a row%s)", account.name, failures,
                        f"; waits {wait:.0f} s" if wait else "")
        raise WrongPassword(account.name, wait)

    def _matches(self, hashed: str, password: str, name: str) -> bool:
        try:
            return self._hasher.verify(hashed, password)
        except VerifyMismatchError:
            return False
        except (InvalidHashError, VerificationError):
            log.error("the stored password of operator %s is unreadable; set a new one with "
                      "`booth-console operators passwd`", name)
            return False

    def _waste_time(self, password: str) -> None:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("not a password of anyone's")
        self._matches(self._dummy_hash, password, "")

    def _remaining(self, locked_until: float, now: float | None = None) -> float:
        now = self._clock() if now is None else now
        # capped: a clock set back must not lock an account for longer than the longest wait
        return max(0.0, min(locked_until - now, MAX_DELAY_S))

    # -- the SQLite file --

    @contextlib.contextmanager
    def _db(self, *, create: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode; ``BEGIN IMMEDIATE`` inside is committed at the end
        (rolled back on an exception)."""
        if create and not self.path.exists():
            self._create_file()
        try:
            db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise OperatorsFileError(f"cannot open the operator accounts {self.path}: {exc}") from None
        db.row_factory = sqlite3.Row
        try:
            try:
                self._check_schema(db)
            except sqlite3.DatabaseError as exc:
                raise OperatorsFileError(
                    f"{self.path} is not an operator accounts file ({exc})") from None
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            if db.in_transaction:
                db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise OperatorsFileError(f"operator accounts {self.path}: {exc}") from None
        finally:
            db.close()

    def _create_file(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # readable by this user only: the hashes are nobody else's business
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
        except OSError as exc:
            raise OperatorsFileError(f"cannot create {self.path}: {exc.strerror or exc}") from None
        os.close(fd)

    def _check_schema(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > _SCHEMA_VERSION:
            raise OperatorsFileError(f"{self.path} was written by a newer Booth Console "
                                     f"(schema {version})")
        if version < _SCHEMA_VERSION:
            db.executescript(_SCHEMA + f"PRAGMA user_version = {_SCHEMA_VERSION};")


def _account(row: sqlite3.Row) -> Account:
    return Account(
        name=row["name"], role=Role(row["role"]), disabled=bool(row["disabled"]),
        created=row["created"], password_changed=row["password_changed"],
        last_sign_on=row["last_sign_on"], failures=row["failures"],
        locked_until=row["locked_until"],
    )
