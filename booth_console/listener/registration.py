"""Registering the listener's URLs with the parking software (``SetCallbackParams``).

``SetCallbackParams`` replaces the server's WHOLE callback table: every index that is not sent
is switched off, including URLs another integrator registered. :func:`register_callbacks` logs a
warning saying so; the UI should show it too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from booth_console.protocol import models as m
from booth_console.protocol.callbacks import CALLBACK_KINDS, CallbackKind

__all__ = ["REPLACES_TABLE_WARNING", "callback_table", "register_callbacks"]

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
    client: Any,
    public_url: str,
    kinds: Sequence[CallbackKind] = CALLBACK_KINDS,
    interval_ms: int = 1000,
) -> Any:
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
    if not 200 <= interval_ms <= 600_000:
        raise ValueError("the callback interval must be between 200 and 600000 ms")
    rows = callback_table(public_url, kinds, interval_ms)
    log.warning("%s; registering %d callback(s) at %s", REPLACES_TABLE_WARNING, len(rows),
                public_url.rstrip("/"))
    params = [m.CallbackParam.model_validate(row) for row in rows]
    return await client.set_callback_params(params)
