"""Supervisor approval: the ``[approval]`` rules, and asking for a supervisor's password.

A command whose approval depends on what the attendant entered (a fee override's amount, a
manual opening with a fee due) calls :meth:`CommandContext.require_approval
<booth_console.app.commands.base.CommandContext.require_approval>` in its flow, once it knows
the figures and before it sends anything; a command that always needs approval is declared with
``needs_approval=True`` and the command runner asks before its flow starts. Either way the
approver goes into the journal with the action (``ApprovedBy`` in the request).
"""

from __future__ import annotations

import contextvars
import enum
from decimal import Decimal

from booth_console.app.commands.base import CommandError
from booth_console.config import ApprovalConfig

__all__ = ["APPROVED_BY", "ApprovalRefused", "Rule", "applies"]

#: who approved the command running in this task ("" none); journaled as ``ApprovedBy``
APPROVED_BY: contextvars.ContextVar[str] = contextvars.ContextVar("approved_by", default="")


class Rule(enum.Enum):
    """What a rule in ``[approval]`` is about."""

    FEE_OVERRIDE = "fee_override"  #: by amount: ``override_above_yuan`` / ``_percent``
    FREE_RELEASE = "free_release"
    KEEP_OPEN = "keep_open"
    MANUAL_OPEN = "manual_open"  #: when a fee is due: ``manual_open_with_fee``
    ALWAYS = "always"  #: a command declared ``needs_approval=True``


class ApprovalRefused(CommandError):
    """No supervisor approved the command (nothing was sent)."""


def applies(rules: ApprovalConfig, rule: Rule, *, fee: Decimal | None = None,
            new_fee: Decimal | None = None) -> bool:
    """Whether ``rule`` asks for a supervisor here.

    Args:
        rules: the ``[approval]`` settings.
        rule: the rule.
        fee: the fee due (fee override: the fee before; manual opening: what is due now).
        new_fee: a fee override's new fee.
    """
    if rule is Rule.ALWAYS:
        return True
    if rule is Rule.FREE_RELEASE:
        return rules.free_release
    if rule is Rule.KEEP_OPEN:
        return rules.keep_open
    if rule is Rule.MANUAL_OPEN:
        return rules.manual_open_with_fee and fee is not None and fee > 0
    # fee override: by how much it lowers the fee
    if fee is None or new_fee is None:
        return True
    cut = fee - new_fee
    if cut <= 0:
        return False
    if cut > Decimal(str(rules.override_above_yuan)):
        return True
    return fee > 0 and cut * 100 / fee > Decimal(str(rules.override_above_percent))
