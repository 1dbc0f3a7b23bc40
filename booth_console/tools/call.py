"""``booth-console call NAME``: call any endpoint of the parking server and print the answer.

For installers checking a site: the request is signed and sent through ``ParkingClient``
exactly as the console does; the whole answer envelope is printed as JSON. The exit code is
0 for ResultCode 200, 1 for any other ResultCode (printed with its ResultMsg), 3 when the
server cannot be reached or answers garbage, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from booth_console.config import Config
from booth_console.errors import BoothError
from booth_console.protocol.endpoints import ENDPOINTS, by_name
from booth_console.protocol.jsonutil import JsonError, dumps, loads
from booth_console.tools.common import add_server_arguments, config_from_args, fail, server_client

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``booth-console call``."""
    parser.add_argument("name", nargs="?", help="endpoint name (see --list), e.g. LaneQuery")
    parser.add_argument("--list", action="store_true", help="list the endpoint names and exit")
    parser.add_argument("--data", help="request Data as JSON text")
    parser.add_argument("--data-file", metavar="FILE", help="request Data from a JSON file")
    parser.add_argument("--transport", choices=["http", "mqtt"], help="override [server] transport")
    parser.add_argument("--timeout", type=float, help="seconds to wait for the answer")
    add_server_arguments(parser)


def _list() -> int:
    width = max(len(e.name) for e in ENDPOINTS)
    for e in ENDPOINTS:
        route = f"?Route={e.route}" if e.route else ""
        print(f"{e.name:<{width}}  {e.kind.value:<6}  {e.method:<4} {e.path}{route}  {e.title}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Call one endpoint and print the answer."""
    if args.list:
        return _list()
    if not args.name:
        return fail("give an endpoint name, or --list to see them", 2)
    try:
        endpoint = by_name(args.name)
    except KeyError:
        return fail(f"unknown endpoint {args.name!r}; booth-console call --list shows them", 2)
    data: Any
    try:
        if args.data is not None:
            data = loads(args.data)
        elif args.data_file:
            with open(args.data_file, "rb") as fh:
                data = loads(fh.read())
        else:
            data = endpoint.default_data()
    except (JsonError, OSError) as exc:
        return fail(f"bad request Data: {exc}", 2)
    try:
        cfg = config_from_args(args, credentials=True)
    except BoothError as exc:
        return fail(exc, 2)
    return asyncio.run(_call(cfg, endpoint.name, data))


async def _call(cfg: Config, name: str, data: Any) -> int:
    try:
        async with server_client(cfg) as client:
            answer = await client.call_raw(name, data)
    except BoothError as exc:  # no client for this configuration, or no answer (TransportError)
        return fail(exc, 3)
    print(json.dumps(json.loads(dumps(answer)), ensure_ascii=False, indent=2))
    code = answer.get("ResultCode")
    if code != 200:
        return fail(f"ResultCode {code}: {answer.get('ResultMsg')}", 1)
    return 0
