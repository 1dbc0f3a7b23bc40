"""Shared options of the installer tools: where the server is and which credentials to use."""

from __future__ import annotations

import argparse
import os

from booth_console.config import (
    SECRET_ENV,
    Config,
    load_config,
    require_credentials,
    with_overrides,
)

__all__ = ["add_server_arguments", "config_from_args", "require_credentials"]


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


def config_from_args(args: argparse.Namespace) -> Config:
    """The configuration file (if any) with the command-line overrides applied."""
    cfg = load_config(args.config) if getattr(args, "config", None) else Config()
    # an explicit --app-secret wins, even an empty one (``sign`` may check an empty key);
    # otherwise the environment, otherwise the file
    secret = args.app_secret if args.app_secret is not None else os.environ.get(SECRET_ENV)
    return with_overrides(
        cfg,
        base_url=getattr(args, "base_url", None),
        app_id=args.app_id,
        app_secret=secret,
        park_key=args.park_key,
    )
