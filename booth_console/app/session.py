"""``Session``: everything a running console owns, built in order and torn down in reverse.

Order of start: message bus, callback hub, journal + listener, client, optional callback
registration, booth service (lane controllers), commands. Order of shutdown: booth service
(pollers), image loader, listener, journal, client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from booth_console.app import memory as heap_memory
from booth_console.app.booth import BoothService
from booth_console.app.commands import CommandContext, CommandRunner
from booth_console.app.images import ImageLoader
from booth_console.app.lane import PollTiming
from booth_console.app.memory import HeapTrimmer
from booth_console.app.messages import MessageBus, error_text
from booth_console.app.operator_session import OperatorSession, OperatorState
from booth_console.app.outbox import PaymentOutbox, RetryPolicy
from booth_console.config import Config
from booth_console.errors import BoothError
from booth_console.waits import TaskSet, wait_event

if TYPE_CHECKING:
    from booth_console.app.callbacks import CallbackHub
    from booth_console.app.shifts import ShiftManager
    from booth_console.client import ParkingClient
    from booth_console.journal import Journal
    from booth_console.listener.stack import ListenerStack
    from booth_console.operators import Operators

__all__ = ["ConsoleMqttSide", "Session"]

log = logging.getLogger("booth_console.session")


class ConsoleMqttSide(Protocol):
    """What the session uses of the console's MQTT part (callbacks over MQTT, republishing):
    a report when the broker lost the booth's subscription, and closing."""

    def on_session_lost(self, handler: Callable[[Any], None]) -> None: ...

    async def aclose(self) -> None: ...


@dataclass
class Session:
    """A running console's services (no widgets)."""

    cfg: Config
    messages: MessageBus
    hub: CallbackHub
    stack: ListenerStack | None
    client: ParkingClient
    booth: BoothService
    ctx: CommandContext
    runner: CommandRunner
    images: ImageLoader
    outbox: PaymentOutbox
    owns_client: bool = True
    mqtt: ConsoleMqttSide | None = None  #: callbacks over MQTT, republishing
    _start_task: asyncio.Task[Any] | None = field(default=None, repr=False)
    _tasks: TaskSet = field(default_factory=lambda: TaskSet("session", log), repr=False)
    _register_url: str = field(default="", repr=False)
    _was_online: bool = field(default=False, repr=False)
    _link_up: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    #: register again this often (seconds; 0: only after outages); from
    #: ``[listener] reregister_every_min``
    reregister_every_s: float = 0.0
    _recovered: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    _seen_online: bool = field(default=False, repr=False)
    #: who works the console: sign-on, lock, approval (``ctx.operator`` follows it)
    operators: OperatorSession | None = None
    #: the shift (opened with a float, closed with the cash-up); ``None`` without a journal
    shifts: ShiftManager | None = None
    _signed_on: str | None = field(default=None, repr=False)
    #: gives the C heap's free pages back to the system every minute (glibc; docs/MEMORY.md)
    memory: HeapTrimmer | None = None

    @property
    def journal(self) -> Journal | None:
        """The shared journal (callbacks, actions, pending payments)."""
        journal: Journal | None = self.ctx.journal
        return journal

    @classmethod
    async def create(
        cls,
        cfg: Config,
        *,
        client: ParkingClient | None = None,
        journal_path: Path | None = None,
        listener_port: int | None = None,
        with_listener: bool = True,
        register: bool | None = None,
        timing: PollTiming | None = None,
        payment_retry: RetryPolicy | None = None,
        operators: Operators | None = None,
    ) -> Session:
        """Build the services (the listener is started; lanes load with :meth:`start`).

        ``operators``: the operator accounts (default: the file beside the journal); nobody is
        signed on at first, so commands are refused until someone signs on.

        Raises:
            BoothError: the journal cannot be opened or the listener cannot bind.
        """
        from booth_console.app.callbacks import CallbackHub

        messages = MessageBus()
        hub = CallbackHub()
        stack = None
        journal = None
        if with_listener:
            from booth_console.listener.stack import start_listener

            stack = await start_listener(
                cfg, journal_path=journal_path, sink=hub.sink, reject_sink=hub.reject_sink,
                port=listener_port,
            )
            journal = stack.journal
        else:
            from booth_console.journal import Journal

            journal = await Journal.open(journal_path or cfg.journal_path())
        mqtt_side = None
        if stack is not None and (cfg.server.transport == "mqtt" or cfg.listener.republish_mqtt):
            try:
                from booth_console.listener.mqtt import attach_console

                mqtt_side = await attach_console(cfg, stack.processor, hub_sink=hub.sink)
            except Exception as exc:
                log.exception("MQTT callbacks not started")
                messages.error(QtTr.tr("MQTT callbacks are not available: {error}").format(
                    error=error_text(exc)))
        owns_client = client is None
        if client is None:
            from booth_console.client import ParkingClient

            client = ParkingClient.from_config(cfg, threaded=True)  # polls off the Qt thread
        registered = False
        do_register = cfg.listener.register_callbacks if register is None else register
        register_url = ""
        if do_register and stack is not None:
            register_url = (cfg.listener.public_url.rstrip("/") if cfg.listener.public_url
                            else stack.listener.url)
            if await _reachable(register_url, cfg, messages):
                registered = await _register(client, register_url, cfg, messages, first=True)
            else:
                register_url = ""
        booth = BoothService(
            client, cfg.booth, messages, hub=hub, listener=stack.listener if stack else None,
            journal=journal, timing=timing, registered=registered,
        )
        ctx = CommandContext(
            client=client, journal=journal, operator=cfg.booth.operator, messages=messages,
            virtual_plate_prefix=cfg.booth.virtual_plate_prefix,
            payment_retry=payment_retry or RetryPolicy(),
            override_reasons=cfg.booth.override_reasons,
            no_entry_fee=Decimal(str(cfg.booth.no_entry_fee)),
            free_release_reasons=cfg.booth.free_release_reasons,
            reason_for_every_opening=cfg.booth.reason_for_every_opening,
            approval=cfg.approval, lot_name=cfg.booth.lot_name,
        )
        from booth_console.receipt_escpos import use_config as use_escpos_printer

        use_escpos_printer(cfg.printer, messages)  # receipts: [printer] escpos or Qt's printing
        if operators is None:
            from booth_console import operators as accounts

            operators = accounts.Operators(accounts.default_path(cfg))
        operator_session = OperatorSession(
            operators, lock_after_idle_s=cfg.booth.lock_after_idle_min * 60.0)
        ctx.follow(operator_session)
        outbox = PaymentOutbox(ctx)
        runner = CommandRunner(ctx)
        runner.busy_changed.connect(booth.openings.note_command)
        booth.openings.operator_of = lambda: ctx.operator
        images = ImageLoader()
        if journal is not None:
            evidence = journal.images_dir / "evidence"

            async def keep(source: str, name: str) -> str:
                path = await images.keep(source, evidence, name)
                return str(path) if path is not None else ""

            booth.openings.keeper = keep
        session = cls(cfg, messages, hub, stack, client, booth, ctx, runner, images, outbox,
                      owns_client, mqtt_side)
        session.operators = operator_session
        session.memory = HeapTrimmer(heap_memory.TRIM_EVERY_S)
        if journal is not None:
            from booth_console.app.shifts import ShiftManager

            session.shifts = ShiftManager(journal, client)
            await session.shifts.load()
            if operator_session is not None:
                operator_session.changed.connect(session._on_operator)
        if mqtt_side is not None:
            mqtt_side.on_session_lost(session._on_mqtt_session_lost)
        booth.link_changed.connect(session._on_link)
        if stack is not None:
            _tell_journal_damage(stack, messages)
        session.reregister_every_s = cfg.listener.reregister_every_min * 60.0
        if register_url:
            session._register_url = register_url
            session._spawn(session._keep_registered(), "register")
        return session

    # -- callback registration -----------------------------------------------------------------

    async def _keep_registered(self) -> None:
        """Keep the callback table registered: until the first registration succeeds, retry
        with back-off (woken up when the server link comes back); afterwards register again
        when the link recovers from an outage (a restarted server forgets the table) and every
        ``[listener] reregister_every_min`` minutes."""
        delay = 1.0
        while True:
            if not self.booth.registered:
                await wait_event(self._link_up, delay)  # a cancel (quit) is never lost
                self._link_up.clear()
                if await _register(self.client, self._register_url, self.cfg, self.messages,
                                   first=False):
                    self.booth.set_registered(True)
                    delay = 1.0
                else:
                    delay = min(delay * 2, 30.0)
                continue
            self._recovered.clear()
            loop = asyncio.get_running_loop()
            registered_at = loop.time()
            while not self._recovered.is_set():  # a look each second: the interval may change
                every = self.reregister_every_s
                if every > 0 and loop.time() - registered_at >= every:
                    break
                await wait_event(self._recovered, 1.0)
            why = "the parking server is back" if self._recovered.is_set() else "periodic"
            log.info("registering the callbacks again (%s)", why)
            if not await _register(self.client, self._register_url, self.cfg, self.messages,
                                   first=False, quiet=True):
                self.booth.set_registered(False)  # retried above until it succeeds

    # -- MQTT broker lost the callback session -------------------------------------------------

    def _on_mqtt_session_lost(self, lost: Any) -> None:
        """Warn the attendant, re-poll every lane now, ask the server to re-push failed ones."""
        from booth_console.listener.mqtt import request_repush

        self.messages.warning(QtTr.tr(
            "The MQTT broker restarted without this booth's subscription: callbacks sent while "
            "it was away may be missing. Lanes are read again now; check recent entries and "
            "payments."))
        for ctl in self.booth.controllers.values():
            ctl.request_refresh()
        self._spawn(request_repush(self.client, lost), "repush")

    # -- the server link -----------------------------------------------------------------------

    def _on_link(self, snap: Any) -> None:
        """Pending payments go out when the link comes back (the outbox); callbacks are
        registered again after an outage."""
        came_back = snap.online and not self._was_online
        self._was_online = bool(snap.online)
        self.outbox.set_online(bool(snap.online))
        if came_back:  # only on the transition (the link is re-announced every second)
            self._link_up.set()
            if self._seen_online:  # back after an outage, not merely up for the first time
                self._recovered.set()
            self._seen_online = True

    # -- hand-over at sign-on -------------------------------------------------------------------

    def _on_operator(self, state: OperatorState) -> None:
        """A new operator signed on: tell them what the last one handed over (payments still
        waiting, openings not explained, the last shift's variance and differences)."""
        name = state.operator.name if state.operator is not None else None
        if name is not None and name != self._signed_on:
            self._spawn(self._tell_handover(), "handover")
        self._signed_on = name

    async def _tell_handover(self) -> None:
        if self.shifts is None:
            return
        handover = await self.shifts.handover()
        if handover.empty:
            return
        lines = handover.lines()
        items = "; ".join(lines[:5])
        if len(lines) > 5:
            items += QtTr.tr(" (and {n} more: see the booth window)").format(n=len(lines) - 5)
        self.messages.warning(QtTr.tr("Handed over: {items}").format(items=items))

    def _spawn(self, coro: Coroutine[Any, Any, object], name: str) -> None:
        self._tasks.spawn(coro, name)

    def start(self) -> asyncio.Task[Any]:
        """Load the lanes and start polling in the background (retries while the server is
        down), then list the payments still waiting for the server (and say so)."""
        if self._start_task is None:
            self._start_task = asyncio.get_running_loop().create_task(
                self._start(), name="booth-start"
            )
        return self._start_task

    async def _start(self) -> list[Any]:
        controllers = await self.booth.start()
        await self.outbox.reload(announce=True)
        return controllers

    async def aclose(self) -> None:
        """Stop everything in order; never raises."""
        await self._tasks.aclose()  # no new task from here
        if self.memory is not None:
            self.memory.stop()
        await self.outbox.aclose()
        if self._start_task is not None and not self._start_task.done():
            self._start_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._start_task
        steps: list[tuple[str, Any]] = [
            ("booth", self.booth.stop),
            ("images", self.images.aclose),
        ]
        if self.mqtt is not None:
            steps.append(("mqtt", self.mqtt.aclose))
        if self.stack is not None:
            steps.append(("listener", self.stack.aclose))
        elif self.ctx.journal is not None:
            steps.append(("journal", self.ctx.journal.close))
        if self.owns_client:
            steps.append(("client", self.client.aclose))
        for name, fn in steps:
            try:
                await fn()
            except Exception:
                log.exception("shutdown step %s failed", name)
        if self.operators is not None:
            self.operators.close()


async def _reachable(url: str, cfg: Config, messages: MessageBus) -> bool:
    """Whether the parking server can reach ``url``; if not, the attendant is told why."""
    from booth_console.listener.registration import host_addresses, unreachable_reason

    why = unreachable_reason(url, await host_addresses(cfg.server.base_url))
    if not why:
        return True
    log.error("callbacks not registered: %s", why)
    messages.error(QtTr.tr(
        "Callbacks are not registered: the parking server at {server} cannot reach this "
        "console at {url}. Set [listener] host = \"0.0.0.0\" and public_url to this PC's LAN "
        "address in {file}."
    ).format(server=cfg.server.base_url, url=url, file=cfg.source or "the configuration"))
    return False


def _tell_journal_damage(stack: ListenerStack, messages: MessageBus) -> None:
    """Tell the attendant that the journal was found damaged and replaced at start."""
    journal = stack.journal
    copy = getattr(journal, "damaged_copy", None)
    if copy is not None:
        messages.error(QtTr.tr(
            "The journal was damaged and a new one was started; the damaged file is kept as "
            "{copy}. Recovered: {callbacks} undelivered callbacks, {payments} payments waiting "
            "for the server. Callbacks sent before this start are refused."
        ).format(copy=copy, callbacks=journal.salvaged_callbacks,
                 payments=journal.salvaged_payments))
    elif not getattr(journal, "replay_window_known", True):
        messages.warning(QtTr.tr(
            "The journal's record of recent callbacks could not be read: callbacks sent "
            "before this start are refused."))


async def _register(client: ParkingClient, url: str, cfg: Config, messages: MessageBus, *,
                    first: bool, quiet: bool = False) -> bool:
    """Register the callback table once; report the outcome (``quiet``: only to the log).
    Returns whether it succeeded."""
    from booth_console.listener.registration import register_callbacks

    try:
        await register_callbacks(client, url, interval_ms=cfg.listener.callback_interval_ms)
    except BoothError as exc:
        if first:
            messages.error(QtTr.tr("Could not register callbacks: {error}. Trying again when the "
                                   "parking server answers.").format(error=error_text(exc)))
        else:
            log.info("callback registration not done yet: %s", exc)
        return False
    if quiet:
        log.info("callbacks registered again at %s", url)
        return True
    messages.info(
        QtTr.tr("Callbacks registered at {url} (this replaced the server's whole "
                "callback table).").format(url=url)
    )
    return True


class QtTr:
    """Translation context for session messages."""

    @staticmethod
    def tr(text: str) -> str:
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate("Session", text)
