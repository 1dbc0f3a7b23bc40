"""Everything the console needs to receive callbacks, started from the configuration in one call.

Usage (inside ``main()`` on the running qasync loop; the hub lives in ``booth_console.app``)::

    hub = CallbackHub()
    stack = await start_listener(cfg, sink=hub.sink, reject_sink=hub.reject_sink)
    # stack.journal is the shared journal (operator actions, pending payments)
    if cfg.listener.register_callbacks:
        await register_callbacks(client, cfg.listener.effective_public_url,
                                 interval_ms=cfg.listener.callback_interval_ms)
    ...
    await stack.aclose()          # stops the listener, then closes the journal (if it opened it)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from booth_console.config import Config, require_credentials
from booth_console.journal import Journal
from booth_console.listener.processor import CallbackProcessor, ReceivedCallback
from booth_console.listener.registration import host_addresses, is_local_address
from booth_console.listener.server import CallbackListener

__all__ = ["REDELIVERY_BACKOFF_MAX_S", "ListenerStack", "default_sources", "start_listener"]

log = logging.getLogger("booth_console.listener")

#: Re-delivery of undelivered callbacks that failed at start (journal locked) is retried with a
#: back-off doubling from 0.5 s up to this (seconds), until it succeeds.
REDELIVERY_BACKOFF_MAX_S = 30.0


@dataclass
class ListenerStack:
    """The journal, processor and HTTP listener of a running console."""

    journal: Journal
    processor: CallbackProcessor
    listener: CallbackListener
    owns_journal: bool = True
    #: time.time() when the stack started
    started_at: float = 0.0
    #: retrying the re-delivery of undelivered callbacks (the first attempt failed)
    redelivery: asyncio.Task[int] | None = field(default=None, repr=False)

    @property
    def redelivered(self) -> bool:
        """Whether the callbacks an earlier run left undelivered have been handed over."""
        return self.redelivery is None or (self.redelivery.done()
                                           and not self.redelivery.cancelled())

    async def _redeliver_until_done(self, first_delay: float = 0.5) -> int:
        """Retry the re-delivery (rows received before the start only: later ones are being
        delivered by the listener) until it succeeds; nothing is flagged before delivery, so
        no row is lost however often it fails."""
        delay = first_delay
        attempt = 1
        while True:
            await asyncio.sleep(delay)
            attempt += 1
            try:
                count = await self.processor.replay_unprocessed(received_before=self.started_at)
            except Exception as exc:
                log.warning("re-delivering undelivered callbacks failed (attempt %d, next in "
                            "%.0f s): %s", attempt, min(delay * 2, REDELIVERY_BACKOFF_MAX_S), exc)
                delay = min(delay * 2, REDELIVERY_BACKOFF_MAX_S)
                continue
            log.info("re-delivered %d undelivered callback(s) at attempt %d", count, attempt)
            return count

    async def aclose(self) -> None:
        """Stop the listener, then close the journal if this stack opened it."""
        if self.redelivery is not None and not self.redelivery.done():
            self.redelivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.redelivery
        try:
            await self.listener.stop()
        finally:
            if self.owns_journal:
                await self.journal.close()


async def start_listener(
    cfg: Config,
    *,
    journal: Journal | None = None,
    journal_path: Path | None = None,
    sink: Callable[[ReceivedCallback], None] | None = None,
    reject_sink: Callable[[int, str, str], None] | None = None,
    port: int | None = None,
) -> ListenerStack:
    """Open the journal (unless given), build the processor, hand ``sink`` the callbacks an
    earlier run accepted but did not deliver (``replayed=True``, oldest first), and start the
    HTTP listener.

    Raises:
        ConfigError: there is no AppSecret (callbacks could not be checked).
        JournalError: the journal cannot be opened.
        BoothError: the listener cannot bind its address (the journal is closed again).
    """
    if not cfg.server.app_secret:  # before anything is opened: nothing to close again
        require_credentials(cfg)
    started_at = time.time()
    lc = cfg.listener
    sources = lc.allow_sources or await default_sources(cfg)
    owns = journal is None
    if journal is None:
        journal = await Journal.open(journal_path or cfg.journal_path())
    journal.max_rejected_rows = lc.rejected_rows_kept
    try:
        processor = CallbackProcessor(
            app_id=cfg.server.app_id, park_key=cfg.server.park_key,
            app_secret=cfg.server.app_secret, journal=journal,
            timestamp_window_s=lc.timestamp_window_s, sink=sink, reject_sink=reject_sink,
        )
        if not journal.replay_window_known:
            processor.not_before = started_at
            log.warning("the journal's memory of recent callbacks is lost: callbacks older than "
                        "this start are refused")
        listener = CallbackListener(
            processor, host=lc.host, port=lc.port if port is None else port,
            max_body_bytes=lc.max_body_bytes, allow_sources=sources,
            max_connections=lc.max_connections, idle_timeout_s=lc.idle_timeout_s,
            body_timeout_s=lc.body_timeout_s,
        )
        if sources and not lc.allow_sources:
            log.info("callbacks accepted only from %s (the parking server; [listener] "
                     "allow_sources)", ", ".join(sources))
        # callbacks an earlier run answered 200 but did not deliver, before any new one
        retry = False
        try:
            await processor.replay_unprocessed()
        except Exception as exc:
            log.warning("re-delivering undelivered callbacks failed (%s); retrying in the "
                        "background", exc)
            retry = True
        await listener.start()
    except BaseException:
        if owns:
            await journal.close()
        raise
    stack = ListenerStack(journal, processor, listener, owns, started_at)
    if retry:
        stack.redelivery = asyncio.get_running_loop().create_task(
            stack._redeliver_until_done(), name="listener-redelivery")
    return stack


async def default_sources(cfg: Config) -> tuple[str, ...]:
    """``[listener] allow_sources`` when it is empty: the parking server's own address(es)
    from ``[server] base_url`` (plus loopback and the public URL's address when the server
    is on this PC); empty (anyone) when the server's host name cannot be resolved."""
    addresses = await host_addresses(cfg.server.base_url)
    if not addresses:
        log.warning("cannot tell the parking server's address from %s: callbacks are accepted "
                    "from any address (set [listener] allow_sources)", cfg.server.base_url)
        return ()
    out = [str(a) for a in addresses]
    if any(is_local_address(a) for a in addresses):  # the server runs on this PC
        out += ["127.0.0.0/8", "::1"]
        public = await host_addresses(cfg.listener.public_url) if cfg.listener.public_url else []
        out += [str(a) for a in public]
    return tuple(dict.fromkeys(out))
