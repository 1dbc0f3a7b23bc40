"""``booth-console callbacks``: show or set the parking server's callback table, re-pull failures.

Examples::

    booth-console callbacks --config booth.toml                 # what would be registered + last time
    booth-console callbacks --config booth.toml --set           # SetCallbackParams (whole table!)
    booth-console callbacks --config booth.toml --set --index 0 1 2
    booth-console callbacks --config booth.toml --retry "2026-03-28 16:00:00" "2026-03-28 17:00:00" --index 1

The vendor API has no query for the callback table, so "show" prints the table this console
would register (from ``[listener] public_url``) and the last registration recorded in the
journal. Registrations and retries are journaled as operator actions.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from booth_console.config import Config, load_config, require_credentials, with_environment
from booth_console.errors import ApiError, BoothError, ConfigError
from booth_console.protocol.callbacks import CALLBACK_KINDS, kind_by_index
from booth_console.tools.common import fail, server_client

if TYPE_CHECKING:
    from booth_console.client import ApiResult, ParkingClient

__all__ = ["add_arguments", "run"]

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``booth-console callbacks``."""
    parser.add_argument("--config", required=True, help="TOML configuration file")
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--set", action="store_true",
        help="register this console's listener with SetCallbackParams (replaces the server's "
             "WHOLE callback table: indexes not registered are switched off)",
    )
    action.add_argument(
        "--retry", nargs=2, metavar=("START", "END"),
        help='ask the server to re-push failed callbacks between two times ("YYYY-MM-DD HH:MM:SS")',
    )
    parser.add_argument(
        "--index", type=int, nargs="+", metavar="N", default=None,
        help="callback indexes (0-10) for --set or --retry (default: all)",
    )
    parser.add_argument("--interval", type=int, default=None,
                        help="callback interval in ms for --set (default from the config)")


def _check_time(text: str) -> str:
    try:
        datetime.strptime(text, _TIME_FORMAT)
    except ValueError:
        raise BoothError(f"{text!r} is not a time like 2026-03-28 16:00:00") from None
    return text


def _kinds(indexes: list[int] | None) -> list[Any]:
    if not indexes:
        return list(CALLBACK_KINDS)
    kinds = []
    for i in indexes:
        kind = kind_by_index(i)
        if kind is None:
            raise BoothError(f"there is no callback index {i} (known: 0-10)")
        kinds.append(kind)
    return kinds


async def _last_registration(cfg: Config) -> str:
    from booth_console.journal import Journal

    path = cfg.journal_path()
    if not path.exists():
        return "no journal yet: never registered from this computer"
    journal = await Journal.open(path)
    try:
        rows = await journal.recent_actions(1, action="SetCallbackParams")
    finally:
        await journal.close()
    if not rows:
        return "never registered from this computer"
    row = rows[0]
    when = datetime.fromtimestamp(row.at).strftime(_TIME_FORMAT)
    outcome = f"ResultCode {row.result_code}" + (f" ({row.result_msg})" if row.result_msg else "")
    urls = ", ".join(f"{r.get('Index')}" for r in row.request.get("params", []))
    return f"last registration {when} by {row.operator}: {outcome}; indexes {urls or '-'}"


async def _show(cfg: Config, indexes: list[int] | None) -> int:
    from booth_console.listener.registration import callback_table

    lc = cfg.listener
    print(f"Callback table this console registers (public URL {lc.effective_public_url}, "
          f"interval {lc.callback_interval_ms} ms):")
    for row in callback_table(lc.effective_public_url, _kinds(indexes), lc.callback_interval_ms):
        kind = kind_by_index(row["Index"])
        name = kind.title if kind else ""
        print(f"  {row['Index']:>2}  {row['Url']:<60} {name}")
    print(f"register on start: {'yes' if lc.register_callbacks else 'no'} "
          "([listener] register_callbacks)")
    print(await _last_registration(cfg))
    return 0


async def _journal_action(cfg: Config, action: str, request: dict[str, Any], result: Any) -> None:
    from booth_console.journal import Journal

    journal = await Journal.open(cfg.journal_path())
    try:
        await journal.record_action(
            operator=cfg.booth.operator, lane_no=None, action=action, request=request,
            result_code=getattr(result, "result_code", None),
            result_msg=getattr(result, "result_msg", None),
            result_id=getattr(result, "result_id", None),
        )
    finally:
        await journal.close()


async def _journaled(
    cfg: Config, action: str, request: dict[str, Any],
    call: Callable[[ParkingClient], Awaitable[ApiResult[Any]]],
) -> ApiResult[Any]:
    """Make one call to the server and journal it as an operator action, refused or not."""
    async with server_client(cfg) as client:
        try:
            result = await call(client)
        except ApiError as exc:
            await _journal_action(cfg, action, request, exc)
            raise
    await _journal_action(cfg, action, request, result)
    return result


async def _set(cfg: Config, indexes: list[int] | None, interval: int | None) -> int:
    from booth_console.listener.registration import (
        callback_table,
        host_addresses,
        register_callbacks,
        unreachable_reason,
    )

    lc = cfg.listener
    why = unreachable_reason(lc.effective_public_url, await host_addresses(cfg.server.base_url))
    if why:
        raise BoothError(f"not registered: {why}")
    ms = interval if interval is not None else lc.callback_interval_ms
    kinds = _kinds(indexes)
    request = {"params": callback_table(lc.effective_public_url, kinds, ms)}
    result = await _journaled(
        cfg, "SetCallbackParams", request,
        lambda client: register_callbacks(client, lc.effective_public_url, kinds, ms),
    )
    print(f"registered {len(kinds)} callback(s) at {lc.effective_public_url}: "
          f"{result.result_msg} (ResultId {result.result_id})")
    return 0


async def _retry(cfg: Config, start: str, end: str, indexes: list[int] | None) -> int:
    kinds = [k.index for k in _kinds(indexes)] if indexes else []
    request = {"StartTime": start, "EndTime": end, "Indexes": kinds}
    result = await _journaled(
        cfg, "RetryCallback", request, lambda client: client.retry_callback(start, end, kinds),
    )
    print(f"retry requested: {result.result_msg} (ResultId {result.result_id})")
    print("note: the server accepts RetryCallback only once every 30 minutes")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``booth-console callbacks``; returns the exit code."""
    try:
        cfg = with_environment(load_config(args.config))
        require_credentials(cfg)
    except ConfigError as exc:
        return fail(exc, 2)
    try:
        if args.set:
            return asyncio.run(_set(cfg, args.index, args.interval))
        if args.retry:
            start, end = (_check_time(t) for t in args.retry)
            return asyncio.run(_retry(cfg, start, end, args.index))
        return asyncio.run(_show(cfg, args.index))
    except BoothError as exc:
        return fail(exc, 1)
    except ValueError as exc:
        return fail(exc, 2)
