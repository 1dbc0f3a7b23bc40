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

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from booth_console.config import Config, require_credentials
from booth_console.journal import Journal
from booth_console.listener.processor import CallbackProcessor, ReceivedCallback
from booth_console.listener.server import CallbackListener

__all__ = ["ListenerStack", "start_listener"]

log = logging.getLogger("booth_console.listener")


@dataclass
class ListenerStack:
    """The journal, processor and HTTP listener of a running console."""

    journal: Journal
    processor: CallbackProcessor
    listener: CallbackListener
    owns_journal: bool = True

    async def aclose(self) -> None:
        """Stop the listener, then close the journal if this stack opened it."""
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
    owns = journal is None
    if journal is None:
        journal = await Journal.open(journal_path or cfg.journal_path())
    lc = cfg.listener
    processor = CallbackProcessor(
        app_id=cfg.server.app_id, park_key=cfg.server.park_key, app_secret=cfg.server.app_secret,
        journal=journal, timestamp_window_s=lc.timestamp_window_s, sink=sink,
        reject_sink=reject_sink,
    )
    listener = CallbackListener(
        processor, host=lc.host, port=lc.port if port is None else port,
        max_body_bytes=lc.max_body_bytes, allow_sources=lc.allow_sources,
    )
    try:
        # callbacks an earlier run answered 200 but did not deliver, before any new one
        try:
            await processor.replay_unprocessed()
        except Exception:
            log.exception("replaying undelivered callbacks from the journal failed")
        await listener.start()
    except BaseException:
        if owns:
            await journal.close()
        raise
    return ListenerStack(journal, processor, listener, owns)
