"""The transport interface shared by HTTP (V2.0) and MQTT (V3.0)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from booth_console.protocol.endpoints import Endpoint

__all__ = ["Transport"]


@runtime_checkable
class Transport(Protocol):
    """Sends one signed request envelope and returns the parsed answer envelope.

    Implementations add only what their channel needs (V3.0 adds ``Route`` and ``RequestId``,
    which are not signed). Failures are mapped at this edge to
    :class:`~booth_console.errors.TransportError` subclasses: ``ServerUnreachable`` (nothing was
    sent), ``ServerTimeout`` (sent, no answer) and ``ProtocolError`` (an answer that is not the
    documented JSON).
    """

    async def send(self, endpoint: Endpoint, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send a signed envelope to ``endpoint``; return the answer with Decimal numbers."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
