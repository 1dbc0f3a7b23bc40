"""``booth-console sign``: show each step of a body's signature, or verify its Sign.

For installers debugging a signature mismatch on site: given a request or callback body
(file or standard input) and the AppSecret, it prints the normalised Data string, its MD5,
the pre-sign string and the Sign. With ``--verify`` it says whether the body's own Sign is
right and exits 0 (valid) or 1 (invalid). The AppSecret is never printed.
"""

from __future__ import annotations

import argparse
import sys

from booth_console.errors import BoothError
from booth_console.protocol.jsonutil import JsonError, loads
from booth_console.protocol.signing import explain, verify_envelope
from booth_console.tools.common import add_server_arguments, config_from_args, fail

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``booth-console sign``."""
    parser.add_argument("body", nargs="?", default="-", help="JSON body file, or - for standard input")
    parser.add_argument("--verify", action="store_true", help="check the body's own Sign; exit 0 if right, 1 if not")
    add_server_arguments(parser, need_url=False)


def run(args: argparse.Namespace) -> int:
    """Print the signature steps, or verify."""
    try:
        cfg = config_from_args(args)
    except BoothError as exc:
        return fail(exc, 2)
    secret = cfg.server.app_secret
    if args.app_secret == "":
        # An explicitly empty key is a valid HMAC key to the vendor's code: show what it gives
        # (the console itself refuses to run without a secret).
        secret = ""
        print("note: signing with an empty AppSecret (--app-secret \"\")", file=sys.stderr)
    elif not secret:
        return fail("give the AppSecret with --app-secret, BOOTH_CONSOLE_APP_SECRET or --config"
                    " (--app-secret \"\" signs with an empty key)", 2)
    try:
        raw = sys.stdin.buffer.read() if args.body == "-" else open(args.body, "rb").read()  # noqa: SIM115
    except OSError as exc:
        return fail(f"cannot read {args.body}: {exc.strerror or exc}", 2)
    try:
        envelope = loads(raw)
    except JsonError as exc:
        return fail(exc, 2)
    if not isinstance(envelope, dict):
        return fail("the body must be a JSON object with AppId, ParkKey, TimeStamp, Nonce and Data", 2)
    if "Data" not in envelope and not args.verify:
        # A bare Data object: sign it with the configured AppId/ParkKey and no time/nonce.
        envelope = {"AppId": cfg.server.app_id, "ParkKey": cfg.server.park_key, "Data": envelope}
    try:
        details = explain(envelope, secret)
    except (ValueError, TypeError) as exc:
        return fail(f"this Data has no signed form: {exc}", 2)
    print(f"Data string : {details.data_string}")
    print(f"Data MD5    : {details.data_md5}")
    print(f"Pre-sign    : {details.presign}")
    print(f"Sign        : {details.sign}")
    if args.verify:
        given = envelope.get("Sign")
        ok = verify_envelope(envelope, secret)
        print(f"Body's Sign : {given}")
        print("Signature is VALID" if ok else "Signature is INVALID")
        return 0 if ok else 1
    return 0
