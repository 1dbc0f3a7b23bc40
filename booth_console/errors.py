"""The error hierarchy. Every failure a user can meet is one of these, with a readable message."""

from __future__ import annotations

__all__ = [
    "ApiError",
    "BoothError",
    "ConfigError",
    "ProtocolError",
    "ServerTimeout",
    "ServerUnreachable",
    "TransportError",
]

_RESULT_TEXT = {
    1001: "signature verification failed (check AppId, AppSecret and ParkKey)",
    1002: "invalid request parameters",
    1003: "the parking server hit an internal error",
    1004: "this interface is not enabled on the parking server",
    1005: "refused by the parking server",
}


class BoothError(Exception):
    """Base of all expected failures; ``str()`` is a message fit for the attendant."""


class ConfigError(BoothError):
    """The configuration file is missing, unreadable or has invalid values."""


class ApiError(BoothError):
    """The parking server answered with a ResultCode other than 200.

    Attributes:
        result_code: the ResultCode (1001-1005 as documented, or any other number).
        result_msg: the server's ResultMsg.
        result_id: the server's ResultId, to quote when asking the vendor for help.
    """

    def __init__(self, result_code: int, result_msg: str | None, result_id: str | None = None):
        self.result_code = result_code
        self.result_msg = result_msg or ""
        self.result_id = result_id
        meaning = _RESULT_TEXT.get(result_code, "request failed")
        text = f"{self.result_msg} ({meaning}, code {result_code})" if self.result_msg else (
            f"{meaning} (code {result_code})"
        )
        super().__init__(text)


class TransportError(BoothError):
    """The request did not get a definite answer (network, HTTP or broker failure).

    Attributes:
        sent: whether the request may have reached the server (a retry must be idempotent).
    """

    def __init__(self, message: str, *, sent: bool = False):
        super().__init__(message)
        self.sent = sent


class ServerUnreachable(TransportError):
    """The parking server could not be reached (connection refused, DNS, broker down)."""


class ServerTimeout(TransportError):
    """The parking server did not answer in time; the request may or may not have been applied."""


class ProtocolError(TransportError):
    """The server's answer could not be understood (not JSON, wrong shape, HTTP error page)."""
