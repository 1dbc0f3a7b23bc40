"""``booth-console find-entry PLATE``: the in-lot vehicles a plate read may belong to, best first.

For supervisors and for checking a site: the same search as the console's find-entry dialog
(:class:`booth_console.app.find_entry.EntrySearch`), headless. One candidate a line: the plate
with the characters that differ from PLATE in brackets, order number, entry time, entry lane and
score (the weighted distance: 0 is the same plate, a look-alike character 0.25, an arbitrary one
1). ``--json`` prints one JSON object a line instead. The requests sent go to standard error.

Exit status: 0 with at least one candidate, 1 with none, 2 for a bad command line or
configuration, 3 when the server cannot be reached, answers garbage or refuses the query.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from booth_console.config import Config
from booth_console.errors import ApiError, BoothError
from booth_console.tools.common import add_server_arguments, config_from_args, fail, server_client

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``booth-console find-entry``."""
    parser.add_argument("plate", nargs="?", default="",
                        help="the plate as read or seen (part of it is fine; empty: latest entries)")
    parser.add_argument("--top", type=int, default=5, metavar="N", help="candidates to print (default 5)")
    parser.add_argument("--json", action="store_true", help="one JSON object a line")
    parser.add_argument("--timeout", type=float, help="seconds to wait for each answer")
    add_server_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Search and print the candidates."""
    if args.top < 1:
        return fail("--top must be at least 1", 2)
    try:
        cfg = config_from_args(args, credentials=True)
    except BoothError as exc:
        return fail(exc, 2)
    return asyncio.run(_find(cfg, args.plate, args.top, args.json))


def _bracketed(plate: str, differing: tuple[int, ...]) -> str:
    return "".join(f"[{ch}]" if i in differing else ch for i, ch in enumerate(plate))


async def _find(cfg: Config, plate: str, top: int, as_json: bool) -> int:
    from booth_console.app.find_entry import EntrySearch

    try:
        async with server_client(cfg) as client:
            result = await EntrySearch(client).search(plate, top=top)
    except ApiError as exc:
        return fail(f"the server refused the ParkingOrder query: {exc}", 3)
    except BoothError as exc:  # no client for this configuration, or no answer (TransportError)
        return fail(exc, 3)
    for c in result.candidates:
        if as_json:
            print(json.dumps(c.as_dict(), ensure_ascii=False))
        else:
            lane = f"{c.entry_lane_name or '?'} ({c.entry_lane_no or '?'})"
            print(f"{_bracketed(c.plate, c.differing)}  {c.order_no}  {c.entry_time or '-'}  "
                  f"{lane}  {c.distance:.2f}")
    note = "" if result.complete else " (page limit reached: more vehicles matched)"
    print(f"{len(result.candidates)} candidate(s); {result.requests} request(s), "
          f"{result.rows} record(s) received{note}", file=sys.stderr)
    return 0 if result.candidates else 1
