"""What the installer tools share: their server options, the configuration built from them, the
client they talk through, and how they say an error."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from booth_console.config import (
    SECRET_ENV,
    Config,
    load_config,
    require_credentials,
    with_overrides,
)
from booth_console.errors import ConfigError

if TYPE_CHECKING:
    from booth_console.client import ParkingClient

__all__ = ["add_server_arguments", "config_from_args", "fail", "server_client"]


def add_server_arguments(parser: argparse.ArgumentParser, *, need_url: bool = True) -> None:
    """``--config`` plus per-value overrides (the secret may also come from the environment)."""
    parser.add_argument("--config", metavar="FILE", help="TOML configuration file ([server] section)")
    if need_url:
        parser.add_argument("--base-url", help="parking server address, e.g. http://192.168.1.10:8888")
    parser.add_argument("--app-id", help="AppId")
    parser.add_argument(
        "--app-secret",
        help="AppSecret (or set BOOTH_CONSOLE_APP_SECRET to keep it out of the shell history)",
    )
    parser.add_argument("--park-key", help="ParkKey")


def config_from_args(args: argparse.Namespace, *, credentials: bool = False) -> Config:
    """The configuration file (if any) with the command-line overrides applied.

    Overrides are the options of :func:`add_server_arguments`, and ``--transport`` and
    ``--timeout`` where the tool has them. With ``credentials``, AppId, AppSecret and ParkKey
    must be there.

    Raises:
        BoothError: the file cannot be read, or (``ConfigError``) a credential is missing.
    """
    cfg = load_config(args.config) if getattr(args, "config", None) else Config()
    # an explicit --app-secret wins, even an empty one (``sign`` may check an empty key);
    # otherwise the environment, otherwise the file
    secret = args.app_secret if args.app_secret is not None else os.environ.get(SECRET_ENV)
    cfg = with_overrides(
        cfg,
        base_url=getattr(args, "base_url", None),
        app_id=args.app_id,
        app_secret=secret,
        park_key=args.park_key,
        transport=getattr(args, "transport", None),
        timeout=getattr(args, "timeout", None) or None,  # --timeout 0 keeps the configured one
    )
    if credentials:
        try:
            require_credentials(cfg)
        except ConfigError as exc:
            raise ConfigError(f"{exc} (or --app-id/--app-secret/--park-key)") from None
    return cfg


@asynccontextmanager
async def server_client(cfg: Config) -> AsyncIterator[ParkingClient]:
    """A :class:`ParkingClient` for ``cfg``, closed on the way out.

    Raises:
        BoothError: no client can be built from this configuration.
    """
    # imported here: only the tools that talk to the server pay for httpx
    from booth_console.client import ParkingClient

    client = ParkingClient.from_config(cfg)
    try:
        yield client
    finally:
        await client.aclose()


def fail(message: object, code: int) -> int:
    """Say ``error: message`` on standard error; return ``code``, the tool's exit status."""
    print(f"error: {message}", file=sys.stderr)
    return code
