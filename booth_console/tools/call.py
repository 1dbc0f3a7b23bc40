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
import sys
from typing import Any

from booth_console.errors import BoothError, TransportError
from booth_console.protocol.endpoints import ENDPOINTS, by_name
from booth_console.protocol.jsonutil import JsonError, dumps, loads
from booth_console.tools.common import add_server_arguments, config_from_args, require_credentials

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
        print("error: give an endpoint name, or --list to see them", file=sys.stderr)
        return 2
    try:
        endpoint = by_name(args.name)
    except KeyError:
        print(f"error: unknown endpoint {args.name!r}; booth-console call --list shows them", file=sys.stderr)
        return 2
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
        print(f"error: bad request Data: {exc}", file=sys.stderr)
        return 2
    try:
        cfg = config_from_args(args)
    except BoothError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from dataclasses import replace

    if args.transport:
        cfg = replace(cfg, server=replace(cfg.server, transport=args.transport))
    if args.timeout:
        cfg = replace(cfg, server=replace(cfg.server, timeout=args.timeout))
    try:
        require_credentials(cfg)
    except BoothError as exc:
        print(f"error: {exc} (or --app-id/--app-secret/--park-key)", file=sys.stderr)
        return 2
    return asyncio.run(_call(cfg, endpoint.name, data))


async def _call(cfg: Any, name: str, data: Any) -> int:
    from booth_console.client import ParkingClient

    try:
        client = ParkingClient.from_config(cfg)
    except BoothError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    try:
        answer = await client.call_raw(name, data)
    except TransportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    finally:
        await client.aclose()
    print(json.dumps(json.loads(dumps(answer)), ensure_ascii=False, indent=2))
    code = answer.get("ResultCode")
    if code != 200:
        print(f"error: ResultCode {code}: {answer.get('ResultMsg')}", file=sys.stderr)
        return 1
    return 0
