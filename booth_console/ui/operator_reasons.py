"""Why an operator-account change or a sign-on input was refused, in the console's language.

:mod:`booth_console.operators` raises its refusals with an English template and its fields
(:class:`~booth_console.operators.OperatorError`); the Operators dialog and the sign-on screen
show them through :func:`reason_text`, so an administrator working in Chinese reads them in
Chinese. A refusal this table does not know is shown as it is (and logged by the caller).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from booth_console.operators import OperatorError

__all__ = ["KNOWN_TEMPLATES", "reason_text"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("OperatorReasons", text)


def _known() -> dict[str, str]:
    # every template booth_console/operators.py and app/operator_session.py raise with
    return {
        "the name is empty": _tr("the name is empty"),
        "the name is longer than {n} characters": _tr("the name is longer than {n} characters"),
        "the name contains control or space characters other than a plain space":
            _tr("the name contains control or space characters other than a plain space"),
        "the password is empty": _tr("the password is empty"),
        "the password is shorter than {n} characters":
            _tr("the password is shorter than {n} characters"),
        "the password is longer than {n} characters":
            _tr("the password is longer than {n} characters"),
        "the password contains control characters":
            _tr("the password contains control characters"),
        "unknown role {role}: one of {roles}": _tr("unknown role {role}: one of {roles}"),
        "no operator account {name}": _tr("no operator account {name}"),
        "an operator account {name} exists already": _tr("an operator account {name} exists already"),
        "operator accounts exist already": _tr("operator accounts exist already"),
        "{name} is the last enabled admin: add another admin first":
            _tr("{name} is the last enabled admin: add another admin first"),
        "{name} is the last enabled admin": _tr("{name} is the last enabled admin"),
        "enter a name": _tr("enter a name"),
        "enter a password": _tr("enter a password"),
    }


#: the templates translated here (a test checks that every one raised is among them)
KNOWN_TEMPLATES = frozenset(_known())


def reason_text(error: OperatorError) -> str:
    """``error`` in the console's language when its template is known, else as it is."""
    text = _known().get(error.template)
    if text is None:
        return str(error)
    return text.format(**error.fields)
