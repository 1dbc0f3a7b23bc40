"""Shared test set-up: headless Qt, a qasync loop fixture that fails on stray task errors, and a
per-test time limit that reports a hang with every thread's stack and the pending tasks."""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BOOTH_CONSOLE_NO_SOUND", "1")

import pytest


@pytest.fixture
def loop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync event loop on the test QApplication; fails the test on unhandled task errors.

    Drive coroutines with ``loop.run_until_complete(scenario())``; never call ``qtbot.wait*``
    from inside a coroutine.
    """
    from booth_console.app.qtloop import ConsoleEventLoop  # the console's (qasync) loop

    # As in the console (app/gc_guard.py): no collection on the listener's, the link's or a
    # worker's thread, where it would destroy Qt objects (a closed loop's timer object) off the
    # Qt thread and Qt would later deliver a timer event to freed memory.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    ev_loop = ConsoleEventLoop(qapp, already_running=False)
    errors: list[dict[str, Any]] = []
    ev_loop.set_exception_handler(lambda _l, ctx: errors.append(ctx))
    asyncio.set_event_loop(ev_loop)
    _loops.append(ev_loop)
    try:
        yield ev_loop
        pending = [t for t in asyncio.all_tasks(ev_loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            ev_loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        ev_loop.run_until_complete(ev_loop.shutdown_asyncgens())
    finally:
        _loops.remove(ev_loop)
        ev_loop.close()
        asyncio.set_event_loop(None)
        with warnings.catch_warnings():
            # what it finds unclosed would have been reported by whichever later test
            # happened to collect it; not this fixture's concern
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()  # here, on the Qt thread
        if gc_was_enabled:
            gc.enable()
    if errors:
        raise AssertionError(f"unhandled errors on the event loop: {errors!r}")


async def wait_signal(signal: Any, timeout: float = 5.0, predicate: Any = None) -> Any:
    """Await the next emission of a Qt signal (optionally one matching ``predicate``)."""
    fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def _slot(*args: Any) -> None:
        value = args[0] if len(args) == 1 else args
        if not fut.done() and (predicate is None or predicate(value)):
            fut.set_result(value)

    signal.connect(_slot)
    try:
        return await asyncio.wait_for(fut, timeout)
    finally:
        signal.disconnect(_slot)


# -- time limit -------------------------------------------------------------------------------
#
# pytest-timeout's "signal" method raises from a SIGALRM handler, but Python runs signal
# handlers only when the main thread runs Python code: a test blocked in Qt's event loop (a
# coroutine that waits for ever under ``loop.run_until_complete``) sits in poll() and never sees
# it, and an exception raised inside a Qt slot or an asyncio callback is swallowed there anyway
# (tests/core/test_timeout.py shows both). So the limit runs on a thread: when it passes, the
# captured output, every pending asyncio task of the test's loop with its stack and every
# thread's stack are written out, and the run ends (exit code 1) - a red run with the stacks,
# never a CI job that hangs until it is killed.

_loops: list[asyncio.AbstractEventLoop] = []


def _dump_tasks(out: Any) -> None:
    for ev_loop in list(_loops):
        try:
            tasks = [t for t in asyncio.all_tasks(ev_loop) if not t.done()]
        except RuntimeError:  # the set changed under us (we are not on the loop's thread)
            continue
        out.write(f"{len(tasks)} pending asyncio task(s) on {ev_loop!r}\n")
        for task in tasks:
            try:
                task.print_stack(limit=12, file=out)
            except Exception as exc:  # a coroutine running right now on another thread
                out.write(f"  {task!r}: no stack ({exc!r})\n")


def _on_timeout(item: Any, timeout: float) -> None:
    terminal = item.config.get_terminal_writer()
    try:
        capman = item.config.pluginmanager.getplugin("capturemanager")
        out = err = ""
        if capman:
            capman.suspend_global_capture(item)
            out, err = capman.read_global_capture()
        terminal.sep("+", title=f"Timeout: {item.nodeid} ran longer than {timeout:g} s")
        if out:
            terminal.sep("~", title="Captured stdout")
            terminal.write(out)
        if err:
            terminal.sep("~", title="Captured stderr")
            terminal.write(err)
        terminal.sep("~", title="Pending asyncio tasks")
        terminal.flush()
        _dump_tasks(sys.stderr)
        sys.stderr.flush()
        terminal.sep("~", title="Every thread's stack (faulthandler)")
        terminal.flush()
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        terminal.sep("+", title="Timeout")
    finally:
        terminal.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


def pytest_timeout_set_timer(item: Any, settings: Any) -> bool:
    """Start the per-test limit on a thread (see above), whatever method is configured."""
    timer = threading.Timer(settings.timeout, _on_timeout, (item, settings.timeout))
    timer.name = f"timeout {item.nodeid}"
    timer.daemon = True
    item.stash[_TIMER] = timer
    timer.start()
    return True


def pytest_timeout_cancel_timer(item: Any) -> bool:
    """Keep the limit running: pytest-timeout cancels it as soon as a test fails, and the
    teardown that follows (cancelling the test's tasks and waiting for them) is where a lost
    stop hangs. It ends with the test's whole run (below)."""
    return True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: Any) -> Iterator[None]:
    yield
    timer = item.stash.get(_TIMER, None)
    if timer is not None:
        timer.cancel()


_TIMER = pytest.StashKey[threading.Timer]()
