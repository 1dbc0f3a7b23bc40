"""Start-up shared by ``booth-console run`` and ``booth-console demo``.

Order (docs/ARCHITECTURE.md, start-up and shutdown): logging and the excepthook first; the QApplication and the booth window are
shown before qasync, httpx and aiohttp are imported; then ``asyncio.Runner(loop_factory=
ConsoleEventLoop)`` (qasync's, :mod:`booth_console.app.qtloop`) runs ``main()``, which creates every server, client and task, waits for a
stop event (quit, SIGINT, SIGTERM, ``--exit-after``) and shuts down in order.

Quit ends within ``QUIT_LIMIT_S`` whatever hangs: the orderly shutdown gets ``QUIT_ORDERLY_S``
(what is not done by then is left: requests are cancelled, the server link's thread is a daemon,
every callback was committed before it was acknowledged and every payment is journaled before it
is sent), and should the process still be running at the limit, every thread's stack goes to
the log and it exits.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import faulthandler
import logging
import logging.handlers
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["ConsoleRun", "RepeatFilter", "StartupError", "run_console", "setup_logging"]

log = logging.getLogger("booth_console")

#: how long after ``exit_after`` a timed run may take to stop before it is ended (seconds)
EXIT_GRACE_S = 60.0
#: the orderly part of quitting (session, simulator) gets this long (seconds)
QUIT_ORDERLY_S = 2.0
#: quitting never takes longer than this (seconds): then the process exits as it is
QUIT_LIMIT_S = 3.0

SessionFactory = Callable[[], Awaitable[tuple[Any, Callable[[], Awaitable[None]] | None]]]


#: the log file is rotated at this size, keeping this many older files (``.1`` ... ``.5``)
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 5
#: more than this many lines with the same logger and message template within
#: :data:`REPEAT_WINDOW_S` seconds are suppressed, and counted in one summary line afterwards
REPEAT_LIMIT = 20
REPEAT_WINDOW_S = 60.0


class StartupError(Exception):
    """The console cannot start for a reason one line explains (no traceback)."""


class RepeatFilter(logging.Filter):
    """Rate-limits repeated log lines: after ``limit`` records with the same logger and
    message template (the first line of ``record.msg``, before the arguments are filled in)
    within ``window``
    seconds, the rest of that window is dropped; once the window is over, one line says how
    many were suppressed. One instance may sit on several handlers (a record is judged once).
    """

    def __init__(self, limit: int = REPEAT_LIMIT, window: float = REPEAT_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.limit = limit
        self.window = window
        self._clock = clock
        #: (logger, template) -> [window start, count, suppressed, level]
        self._seen: dict[tuple[str, str], list[Any]] = {}
        self._last: tuple[logging.LogRecord | None, bool] = (None, True)
        self._next_sweep = 0.0
        self._lock = threading.Lock()
        self._summarising = threading.local()
        #: lines suppressed so far (for tests and the status line)
        self.suppressed_total = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(self._summarising, "on", False):
            return True  # our own summary lines
        with self._lock:
            last, verdict = self._last
            if record is last:
                return verdict
            now = self._clock()
            due = self._expired(now) if now >= self._next_sweep else []
            # the template's first line: asyncio writes the socket (fd, addresses) on the lines
            # after "socket.accept() out of system resource", so whole messages all differ
            key = (record.name, str(record.msg).split("\n", 1)[0][:200])
            entry = self._seen.get(key)
            if entry is None or now - entry[0] >= self.window:
                if entry is not None and entry[2]:
                    due.append((key, entry))
                entry = self._seen[key] = [now, 0, 0, record.levelno]
            entry[1] += 1
            verdict = bool(entry[1] <= self.limit)
            if not verdict:
                entry[2] += 1
                self.suppressed_total += 1
            self._last = (record, verdict)
        self._summarise(due)
        return verdict

    def _expired(self, now: float) -> list[tuple[tuple[str, str], list[Any]]]:
        self._next_sweep = now + 1.0
        gone = [(k, e) for k, e in self._seen.items() if now - e[0] >= self.window]
        for k, _e in gone:
            del self._seen[k]
        return [(k, e) for k, e in gone if e[2]]

    def _summarise(self, due: list[tuple[tuple[str, str], list[Any]]]) -> None:
        if not due:
            return
        self._summarising.on = True
        try:
            for (name, template), entry in due:
                logging.getLogger(name).log(
                    entry[3], "suppressed %d similar lines in %.0f s: %s", entry[2], self.window,
                    template[:200])
        finally:
            self._summarising.on = False


class _LogFile(logging.handlers.RotatingFileHandler):
    """The log file, rotated by size. When it cannot be written (disk full), that is said on
    stderr in one line (at most once a minute), instead of a traceback for every line."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        super().__init__(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        self._reported_at: float | None = None
        #: log lines that could not be written
        self.failures = 0

    def handleError(self, record: logging.LogRecord) -> None:
        self.failures += 1
        now = time.monotonic()
        if self._reported_at is not None and now - self._reported_at < 60.0:
            return
        self._reported_at = now
        exc = sys.exc_info()[1]
        why = (exc.strerror if isinstance(exc, OSError) and exc.strerror else exc) or "error"
        if sys.stderr is not None:
            with contextlib.suppress(Exception):
                print(f"booth-console: cannot write the log {self.baseFilename}: {why}",
                      file=sys.stderr)


class _NotShown(logging.Filter):
    """Drops records already printed on stderr in their own words (``extra={"shown": True}``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "shown", False)


def setup_logging(data_dir: Path, verbose: bool = False, *, max_bytes: int = LOG_MAX_BYTES,
                  backups: int = LOG_BACKUPS) -> Path:
    """Log to ``<data dir>/booth-console.log`` (rotated by size, repeated lines rate-limited)
    and stderr (when there is one).

    Raises:
        StartupError: the data directory or the log file cannot be created or written.
    """
    path = data_dir / "booth-console.log"
    root = logging.getLogger()
    if not any(isinstance(h, logging.FileHandler) for h in root.handlers):
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            fh = _LogFile(path, max_bytes, backups)
            fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            try:  # the first line, written now: a full disk is found here, not line by line
                assert fh.stream is not None
                first = logging.LogRecord("booth_console", logging.INFO, __file__, 0,
                                          "starting (pid %d)", (os.getpid(),), None)
                fh.stream.write(fh.format(first) + "\n")
                fh.stream.flush()
            except OSError:
                fh.close()
                raise
        except OSError as exc:
            raise StartupError(
                f"cannot write to the data directory {data_dir}: {exc.strerror or exc} "
                "(choose another one with --data-dir or BOOTH_CONSOLE_DATA)"
            ) from None
        repeats = RepeatFilter()
        fh.addFilter(repeats)
        root.addHandler(fh)
        if sys.stderr is not None:
            sh = logging.StreamHandler()
            sh.setLevel(logging.DEBUG if verbose else logging.WARNING)
            sh.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
            sh.addFilter(repeats)
            sh.addFilter(_NotShown())
            root.addHandler(sh)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # one line per poll (several per second per lane) would flood the log over a shift
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    return path


_banner: Callable[[str], None] | None = None


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    log.error("uncaught exception:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
    if _banner is not None:
        with contextlib.suppress(Exception):  # the banner must never make things worse
            from booth_console.app.messages import error_text

            _banner(error_text(exc))


class ConsoleRun:
    """Options of one run of the console."""

    def __init__(
        self,
        *,
        cfg: Any,
        data_dir: Path,
        session_factory: SessionFactory,
        language: str = "",
        exit_after: float | None = None,
        screenshot_dir: Path | None = None,
        verbose: bool = False,
    ) -> None:
        self.cfg = cfg
        self.data_dir = data_dir
        self.session_factory = session_factory
        self.language = language
        self.exit_after = exit_after
        self.screenshot_dir = screenshot_dir
        self.verbose = verbose


def run_console(opts: ConsoleRun) -> int:
    """Run the console until quit, a signal or ``exit_after``; returns the exit code."""
    global _banner
    try:
        setup_logging(opts.data_dir, opts.verbose)
    except StartupError as exc:
        print(f"booth-console: {exc}", file=sys.stderr)
        return 1
    from booth_console.secrets import flush_warnings

    flush_warnings()  # e.g. a plain AppSecret in a file others can read, noticed while loading it
    sys.excepthook = _excepthook

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from booth_console.app.i18n import choose_language, install_translators

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "booth-console"])
    assert isinstance(app, QApplication)
    app.setApplicationName("Booth Console")
    app.setQuitOnLastWindowClosed(False)
    from booth_console.instance import ALREADY_RUNNING_EXIT, InstanceGuard, bring_to_front

    guard = InstanceGuard(opts.data_dir)  # one console per data directory: before the journal
    if not guard.acquire():
        shown = guard.notify_running()
        pid = guard.holder_pid()
        msg = (f"another console is already running with data directory {opts.data_dir}"
               + (f" (process {pid})" if pid else "")
               + ("; its booth window was brought to the front" if shown else ""))
        log.warning("%s", msg, extra={"shown": True})  # printed below, once
        print(f"booth-console: {msg}", file=sys.stderr)
        return ALREADY_RUNNING_EXIT
    from booth_console.app.gc_guard import GuiThreadCollector

    collector = GuiThreadCollector(app)  # no collection on paho's or the listener's threads
    language = choose_language(opts.language or opts.cfg.booth.language)
    if not install_translators(app, language):
        log.warning("running without the %s translation", language)

    from booth_console.ui.booth_window import BoothWindow

    settings = QSettings(str(opts.data_dir / "windows.ini"), QSettings.Format.IniFormat)
    from booth_console.ui.screens import use_arrangement

    use_arrangement(settings)  # window positions per screen arrangement
    booth_window = BoothWindow(opts.cfg.booth.operator, settings)
    booth_window.show()
    guard.raise_requested.connect(lambda: bring_to_front(booth_window))
    from booth_console.ui.about import install_about

    install_about(booth_window, opts.data_dir, str(getattr(opts.cfg, "source", "")))
    app.processEvents()

    from booth_console.ui.console import Console

    console = Console(booth_window, opts.cfg.booth, settings, language)
    result = {"code": 0}

    async def main() -> None:
        global _banner
        loop = asyncio.get_running_loop()
        executor = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="booth-default")
        loop.set_default_executor(executor)  # ours, so exit never waits for it (qasync #115)
        stop = asyncio.Event()
        booth_window.quit_requested.connect(stop.set)
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError, ValueError):
                signal.signal(sig, lambda *_a: loop.call_soon_threadsafe(stop.set))
        heartbeat = QTimer()  # lets Python run signal handlers while Qt waits
        heartbeat.start(250)
        heartbeat.timeout.connect(lambda: None)
        cleanup: Callable[[], Awaitable[None]] | None = None
        session = None
        try:
            try:
                session, cleanup = await opts.session_factory()
            except Exception as exc:
                log.error("cannot start: %s", exc, exc_info=not isinstance(exc, _booth_error()),
                          extra={"shown": True})  # printed below, in one line
                print(f"booth-console: {exc}", file=sys.stderr)
                result["code"] = 1
                return
            _banner = session.messages.error
            console.bind(session)
            if getattr(session, "operators", None) is not None:
                session.operators.watch_input(app)  # the idle lock sees every key and click
            session.start()
            if opts.exit_after is not None:
                loop.call_later(opts.exit_after, stop.set)
                # A timed run (screenshots, scripts, tests) must end: should anything hang, every
                # thread's stack goes to stderr and the process exits (code 1) a minute late.
                faulthandler.dump_traceback_later(opts.exit_after + EXIT_GRACE_S, exit=True)
            log.info("console running; stop with Ctrl+C or SIGTERM")
            await stop.wait()
            log.info("stopping")
            if opts.screenshot_dir is not None:
                for path in console.screenshots(opts.screenshot_dir):
                    print(path)
                sign_on = console.sign_on_screenshot(opts.screenshot_dir)
                if sign_on is not None:
                    print(sign_on)
                try:
                    report = await console.shift_report_screenshot(opts.screenshot_dir)
                except Exception:
                    log.exception("cannot render the shift report")
                    report = None
                if report is not None:
                    print(report)
        finally:
            quit_limit.start()
            _banner = None
            heartbeat.stop()
            console.close_all()
            try:
                async with asyncio.timeout(QUIT_ORDERLY_S):
                    if session is not None:
                        await session.aclose()
                    if cleanup is not None:
                        try:
                            await cleanup()
                        except Exception:
                            log.exception("cleanup failed")
            except TimeoutError:
                log.warning("shutdown took longer than %.1f s; the rest is left undone",
                            QUIT_ORDERLY_S)
            executor.shutdown(wait=False, cancel_futures=True)
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    loop.remove_signal_handler(sig)
                except (NotImplementedError, RuntimeError, ValueError):
                    signal.signal(sig, signal.SIG_DFL)

    from booth_console.app.qtloop import ConsoleEventLoop

    quit_limit = _QuitLimit(QUIT_LIMIT_S, result)
    with asyncio.Runner(loop_factory=lambda: ConsoleEventLoop(app)) as runner:
        runner.run(main())
    quit_limit.cancel()
    collector.stop()
    guard.release()
    faulthandler.cancel_dump_traceback_later()
    log.info("console stopped (exit code %d)", result["code"])
    return result["code"]


class _QuitLimit:
    """Ends the process if quitting takes longer than ``limit`` seconds from :meth:`start`."""

    def __init__(self, limit: float, result: dict[str, int]) -> None:
        self.limit = limit
        self._result = result
        self._timer: threading.Timer | None = None

    def start(self) -> None:
        if self._timer is None:
            self._timer = threading.Timer(self.limit, self._expired)
            self._timer.name = "quit-limit"
            self._timer.daemon = True
            self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _expired(self) -> None:
        try:
            names = {t.ident: t.name for t in threading.enumerate()}
            stacks = "".join(
                f"\n--- thread {names.get(ident, ident)}\n" + "".join(traceback.format_stack(frame))
                for ident, frame in sys._current_frames().items()
                if ident != threading.get_ident()
            )
            log.error("quitting took longer than %.0f s; exiting now. Threads:%s", self.limit,
                      stacks)
            for handler in logging.getLogger().handlers:
                handler.flush()
        finally:
            os._exit(self._result.get("code", 0))


def _booth_error() -> type[BaseException]:
    from booth_console.errors import BoothError

    return BoothError
