"""V2.0 over HTTP with httpx: one pooled ``AsyncClient``, GET with a JSON body where documented."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from booth_console.errors import ProtocolError, ServerTimeout, ServerUnreachable, TransportError
from booth_console.protocol.endpoints import Endpoint
from booth_console.protocol.jsonutil import JsonError, dumps_bytes, loads

__all__ = ["HttpTransport"]

log = logging.getLogger("booth_console.client")


class HttpTransport:
    """Posts (or GETs, with a body) signed envelopes to ``<base_url>/Api/V2/OpenApi/<Action>``.

    Args:
        base_url: the parking software's address, e.g. ``http://192.168.1.10:8888``.
        timeout: seconds for connect and for the whole answer.
        max_connections: the pool size; keep it small (httpx slows down past ~4 in flight).
        transport: an httpx transport to use instead of sockets (tests: ``httpx.MockTransport``).
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        max_connections: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
            trust_env=False,
        )

    def __repr__(self) -> str:
        return f"<HttpTransport {self.base_url}>"

    async def send(self, endpoint: Endpoint, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send the envelope; map every failure to a :class:`TransportError` subclass."""
        params = {"Route": endpoint.route} if endpoint.route else None
        body = dumps_bytes(envelope)
        try:
            response = await self._client.request(endpoint.method, endpoint.path, params=params, content=body)
        except httpx.ConnectTimeout:
            raise ServerUnreachable(f"parking server at {self.base_url} did not accept the connection in time") from None
        except httpx.TimeoutException:
            raise ServerTimeout(
                f"parking server at {self.base_url} did not answer {endpoint.name} in time", sent=True
            ) from None
        except httpx.ConnectError as exc:
            raise ServerUnreachable(f"cannot reach the parking server at {self.base_url}: {_reason(exc)}") from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise TransportError(
                f"connection to the parking server dropped during {endpoint.name}: {_reason(exc)}", sent=True
            ) from None
        except httpx.HTTPError as exc:
            raise TransportError(f"HTTP error during {endpoint.name}: {_reason(exc)}", sent=True) from None
        try:
            answer = loads(response.content)
        except JsonError as exc:
            raise ProtocolError(
                f"parking server answered {endpoint.name} with HTTP {response.status_code} and no valid JSON ({exc})",
                sent=True,
            ) from None
        if not isinstance(answer, dict) or "ResultCode" not in answer:
            raise ProtocolError(
                f"parking server answered {endpoint.name} with HTTP {response.status_code} but no ResultCode",
                sent=True,
            )
        return answer

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text or type(exc).__name__
