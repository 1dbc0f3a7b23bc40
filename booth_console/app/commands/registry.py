"""The operator-command registry: every command the attendant can give from a lane window is
declared once, with :func:`register`, beside its code.

A declaration names the command, its title (English, translated when shown), its default key,
the lanes it applies to and whether it needs a reason or a supervisor's approval; the function
it decorates is the command's *flow*: it asks the attendant what it needs through an
:class:`~booth_console.app.commands.base.Asker` and runs the server steps through the
:class:`~booth_console.app.commands.base.CommandRunner`. The lane window's buttons and
shortcuts, the default ``[booth.shortcuts]`` (and so ``docs/booth.example.toml``) and the key
table in the README come from here (a test checks the README).

Adding a command is one module in ``booth_console/app/commands/`` (imported by the package's
``__init__``) plus its test.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from booth_console import config
from booth_console.app.snapshots import LaneKind

if TYPE_CHECKING:
    from decimal import Decimal

    from booth_console.app.booth import BoothService
    from booth_console.app.commands.approval import Rule
    from booth_console.app.commands.base import Asker, CommandRunner, Outcome
    from booth_console.app.lane import LaneController

__all__ = ["COMMANDS", "N_", "Command", "Lanes", "Operation", "register"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("Commands", text)


def N_(text: str) -> str:
    """Mark ``text`` for translation (context ``Commands``); translated where it is shown."""
    return text


class Lanes(enum.Enum):
    """The lanes a command applies to."""

    ENTRY = "entry"  #: entry lanes only
    EXIT = "exit"  #: lanes that charge: exit lanes, and entry lanes that charge
    ANY = "any"

    def applies(self, kind: LaneKind, charging: bool) -> bool:
        """Whether a lane of ``kind`` (``charging``: it takes payments) has the command."""
        if self is Lanes.ENTRY:
            return kind is LaneKind.ENTRY
        if self is Lanes.EXIT:
            return kind is not LaneKind.ENTRY or charging
        return True


@dataclass(frozen=True)
class Operation:
    """One invocation of a command: the runner (and its context), the lane, the asker, and the
    booth service (the server's vehicle and plate types)."""

    runner: CommandRunner
    lane: LaneController
    ask: Asker
    booth: BoothService | None = None

    @property
    def lane_no(self) -> str:
        """The lane's number."""
        return self.lane.lane_no

    async def refused_approval(self, rule: Rule, action: str, detail: str, *,
                               fee: Decimal | None = None) -> Outcome[Any] | None:
        """Ask a supervisor when ``rule`` of ``[approval]`` applies (see
        :meth:`CommandContext.require_approval`): ``None`` when approved or not needed, else
        the cancelled outcome, already told to the attendant at this lane."""
        from booth_console.app.commands.approval import ApprovalRefused
        from booth_console.app.commands.base import Outcome

        try:
            await self.runner.ctx.require_approval(self.ask, rule, action, detail, fee=fee)
        except ApprovalRefused as exc:
            self.runner.ctx.messages.info(str(exc), lane_no=self.lane_no)
            return Outcome.cancelled(str(exc))
        return None


Flow = Callable[[Operation], Awaitable["Outcome[Any]"]]


@dataclass(frozen=True)
class Command:
    """A declared operator command."""

    name: str
    title: str  # English; :meth:`display_title` translates it
    key: str  # default key sequence ("" for none); ``[booth.shortcuts]`` overrides it
    lanes: Lanes
    flow: Flow
    #: what the README's key table says about it (English)
    doc: str = ""
    needs_reason: bool = False
    needs_approval: bool = False
    #: whether the button is enabled for the lane's current state (``None``: always)
    enabled: Callable[[LaneController], bool] | None = None
    #: place among the lane window's buttons (and in the key table)
    position: int = 0
    #: whether lane windows show a button for it (``False``: a key only, e.g. a booth-level
    #: command with its own place in the booth window)
    button: bool = True

    def display_title(self) -> str:
        """The title in the console's language."""
        return QCoreApplication.translate("Commands", self.title)

    def applies(self, lane: LaneController) -> bool:
        """Whether ``lane`` shows this command."""
        return self.lanes.applies(lane.lane.kind, lane.lane.charging)

    def shows_button(self, lane: LaneController) -> bool:
        """Whether ``lane``'s window shows this command's button."""
        return self.button and self.applies(lane)

    def is_enabled(self, lane: LaneController) -> bool:
        """Whether the command can be given at ``lane`` now."""
        return self.enabled is None or self.enabled(lane)

    async def invoke(self, op: Operation) -> Outcome[Any]:
        """Run the command's flow if the console allows it now.

        Locked or nobody signed on: refused with a message to the attendant (nothing is asked
        or sent). Declared ``needs_approval`` and an attendant acts: a supervisor's name and
        password are asked first (``op.ask.approve``). The approver is journaled with the
        command's actions; rules that depend on the figures are checked by the flow itself
        (``ctx.require_approval``).
        """
        from booth_console.app.commands.approval import APPROVED_BY, ApprovalRefused, Rule
        from booth_console.app.commands.base import CommandError, Outcome, Status
        from booth_console.app.operator_session import Permission

        ctx = op.runner.ctx
        token = APPROVED_BY.set("")
        try:
            if ctx.operators is not None:
                allowed = ctx.operators.can_run(self)
                if allowed in (Permission.LOCKED, Permission.SIGNED_OFF):
                    text = (_tr("The console is locked: unlock it to give commands.")
                            if allowed is Permission.LOCKED
                            else _tr("Nobody is signed on: sign on to give commands."))
                    ctx.messages.error(text, lane_no=op.lane_no, command=self.name)
                    return Outcome(Status.FAILED, error=CommandError(text), text=text)
                if self.needs_approval:
                    try:
                        await ctx.require_approval(op.ask, Rule.ALWAYS, self.display_title())
                    except ApprovalRefused as exc:
                        ctx.messages.info(str(exc), lane_no=op.lane_no, command=self.name)
                        return Outcome.cancelled(str(exc))
            return await self.flow(op)
        finally:
            APPROVED_BY.reset(token)


#: every declared command, in the order of the lane window's buttons
COMMANDS: dict[str, Command] = {}


def register(
    name: str, *, title: str, key: str = "", lanes: Lanes = Lanes.ANY, doc: str = "",
    needs_reason: bool = False, needs_approval: bool = False,
    enabled: Callable[[LaneController], bool] | None = None, position: int | None = None,
    button: bool = True,
) -> Callable[[Flow], Flow]:
    """Declare the decorated flow as the operator command ``name`` (``position``: its place
    among the buttons; by default after those declared before it; ``button=False``: lane
    windows give it a key but no button).

    Raises:
        ValueError: ``name`` is declared already, or ``key`` is another command's default key.
    """

    def decorate(flow: Flow) -> Flow:
        if name in COMMANDS:
            raise ValueError(f"operator command {name!r} is declared twice")
        taken = next((c.name for c in COMMANDS.values() if key and c.key == key), None)
        if taken:
            raise ValueError(f"{name}: key {key} is the default key of {taken}")
        place = position if position is not None else 100 + len(COMMANDS)
        declared = [*COMMANDS.values(), Command(name, title, key, lanes, flow, doc, needs_reason,
                                                needs_approval, enabled, place, button)]
        COMMANDS.clear()
        COMMANDS.update((c.name, c) for c in sorted(declared, key=lambda c: c.position))
        config.DEFAULT_SHORTCUTS.clear()
        for c in COMMANDS.values():
            config.declare_shortcut(c.name, c.key)
        return flow

    return decorate
