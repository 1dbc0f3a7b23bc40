"""Registering the listener's URLs with the parking software (``SetCallbackParams``).

``SetCallbackParams`` replaces the server's WHOLE callback table: every index that is not sent
is switched off, including URLs another integrator registered. :func:`register_callbacks` logs a
warning saying so; the UI should show it too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from booth_console.protocol import models as m
from booth_console.protocol.callbacks import CALLBACK_KINDS, CallbackKind
from booth_console.protocol.limits import CALLBACK_INTERVAL_MAX, CALLBACK_INTERVAL_MIN

if TYPE_CHECKING:
    from booth_console.client import ApiResult, ParkingClient

__all__ = [
    "REPLACES_TABLE_WARNING",
    "callback_table",
    "host_addresses",
    "is_local_address",
    "register_callbacks",
    "unreachable_reason",
]

log = logging.getLogger("booth_console.listener")

REPLACES_TABLE_WARNING = (
    "SetCallbackParams replaces the parking server's whole callback table: callback indexes not "
    "registered now are switched off, including URLs set by other integrations"
)


def callback_table(
    public_url: str, kinds: Iterable[CallbackKind] = CALLBACK_KINDS, interval_ms: int = 1000
) -> list[dict[str, Any]]:
    """The ``SetCallbackParams`` Data rows: ``{"Index", "Url", "Interval"}`` per kind."""
    base = public_url.rstrip("/")
    return [{"Index": k.index, "Url": base + k.path, "Interval": int(interval_ms)} for k in kinds]


async def register_callbacks(
    client: ParkingClient,
    public_url: str,
    kinds: Sequence[CallbackKind] = CALLBACK_KINDS,
    interval_ms: int = 1000,
) -> ApiResult[object]:
    """Point the parking software's callbacks at this console.

    Args:
        client: a :class:`booth_console.client.ParkingClient`.
        public_url: the listener's URL as the parking software reaches it (``[listener] public_url``).
        kinds: the callback kinds to switch on; all others are switched off.
        interval_ms: the callback processing interval (200-600000 ms).

    Returns:
        the client's ``ApiResult``.

    Raises:
        ValueError: the interval is out of the documented range or the URL is empty.
        ApiError, TransportError: as the client raises them.
    """
    if not public_url:
        raise ValueError("no public URL to register: set [listener] public_url")
    if not CALLBACK_INTERVAL_MIN <= interval_ms <= CALLBACK_INTERVAL_MAX:
        raise ValueError(f"the callback interval must be between {CALLBACK_INTERVAL_MIN} and "
                         f"{CALLBACK_INTERVAL_MAX} ms")
    rows = callback_table(public_url, kinds, interval_ms)
    log.warning("%s; registering %d callback(s) at %s", REPLACES_TABLE_WARNING, len(rows),
                public_url.rstrip("/"))
    params = [m.CallbackParam.model_validate(row) for row in rows]
    return await client.set_callback_params(params)


IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _ip(text: str) -> IpAddress | None:
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


async def host_addresses(url: str, timeout: float = 2.0) -> list[IpAddress]:
    """The addresses the host of ``url`` stands for (an IP literal as is, a name resolved;
    ``[]`` when it cannot be resolved in ``timeout`` seconds)."""
    host = urlsplit(url).hostname or ""
    ip = _ip(host)
    if ip is not None:
        return [ip]
    if not host:
        return []
    try:
        async with asyncio.timeout(timeout):
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError, UnicodeError) as exc:
        log.info("cannot resolve %s: %s", host, exc)
        return []
    out: list[IpAddress] = []
    for info in infos:
        addr = _ip(str(info[4][0]))
        if addr is not None and addr not in out:
            out.append(addr)
    return out


def is_local_address(ip: IpAddress) -> bool:
    """Whether ``ip`` belongs to this PC (loopback, or an address one of its interfaces has:
    binding to it succeeds only then)."""
    if ip.is_loopback:
        return True
    if ip.is_unspecified or ip.is_multicast:
        return False
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.bind((str(ip), 0))
    except OSError:
        return False
    return True


def unreachable_reason(register_url: str, server_addresses: Sequence[IpAddress]) -> str:
    """Why the parking server cannot reach ``register_url``, or ``""`` when it can (as far as
    this PC can tell): an unspecified address (``0.0.0.0``) is never reachable; a loopback
    address only from a server on this PC."""
    host = urlsplit(register_url).hostname or ""
    ip = _ip(host) if host != "localhost" else ipaddress.IPv4Address("127.0.0.1")
    if ip is None:
        return ""
    if ip.is_unspecified:
        return (f"{register_url} is not an address the parking server can post to: set "
                f"[listener] public_url to this PC's LAN address")
    if ip.is_loopback:
        server_here = bool(server_addresses) and all(is_local_address(a) for a in server_addresses)
        if not server_here:
            return (f"{register_url} is this PC's loopback address, which the parking server on "
                    f"another computer cannot reach: set [listener] host = \"0.0.0.0\" and "
                    f"public_url to this PC's LAN address (e.g. \"http://192.168.1.20:8890\")")
    return ""
