"""MQTT topic names for V3.0 (section 7).

The document's figure that names the topics is not available, so the defaults below are ours
and every template is configurable. ``{Prefix}`` is ``[mqtt] topic_prefix`` (default
``parking``); ``{ParkKey}``, ``{AppId}`` and ``{Route}`` are filled in per message.

=============  ===========================================  ===============================
what           default template                             who publishes / subscribes
=============  ===========================================  ===============================
requests       ``{Prefix}/{ParkKey}/request``               consoles publish, server subscribes
answers        ``{Prefix}/{ParkKey}/response/{AppId}``      server publishes, console subscribes
callbacks      ``{Prefix}/{ParkKey}/callback/{Route}``      server (or a republisher) publishes,
                                                            every console subscribes to ``.../+``
=============  ===========================================  ===============================

``{Route}`` of a callback is the callback name, e.g. ``OnVehicleIn``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_CALLBACK_TEMPLATE",
    "DEFAULT_REQUEST_TEMPLATE",
    "DEFAULT_RESPONSE_TEMPLATE",
    "TopicError",
    "Topics",
    "check_segment",
]

DEFAULT_REQUEST_TEMPLATE = "{Prefix}/{ParkKey}/request"
DEFAULT_RESPONSE_TEMPLATE = "{Prefix}/{ParkKey}/response/{AppId}"
DEFAULT_CALLBACK_TEMPLATE = "{Prefix}/{ParkKey}/callback/{Route}"


class TopicError(ValueError):
    """A value cannot be placed in a topic (empty, or contains ``/``, ``+``, ``#`` or NUL)."""


def check_segment(name: str, value: str) -> str:
    """Return ``value`` if it is usable as one topic level, else raise :class:`TopicError`."""
    if not value:
        raise TopicError(f"{name} is empty; it is needed to build MQTT topic names")
    bad = {"/", "+", "#", "\x00"} & set(value)
    if bad:
        raise TopicError(f"{name} {value!r} contains {''.join(sorted(bad))!r}, not allowed in MQTT topics")
    return value


@dataclass(frozen=True)
class Topics:
    """The topic names for one parking lot (one ParkKey).

    Attributes:
        park_key: the lot's ParkKey.
        prefix: the first topic level (``[mqtt] topic_prefix``).
        request_template, response_template, callback_template: templates using
            ``{Prefix}``, ``{ParkKey}``, ``{AppId}`` and ``{Route}``.
    """

    park_key: str
    prefix: str = "parking"
    request_template: str = DEFAULT_REQUEST_TEMPLATE
    response_template: str = DEFAULT_RESPONSE_TEMPLATE
    callback_template: str = DEFAULT_CALLBACK_TEMPLATE

    def __post_init__(self) -> None:
        check_segment("ParkKey", self.park_key)
        if not self.prefix or {"+", "#", "\x00"} & set(self.prefix):
            raise TopicError(f"topic prefix {self.prefix!r} is empty or has a wildcard")

    def _fill(self, template: str, *, app_id: str = "+", route: str = "+") -> str:
        return (
            template.replace("{Prefix}", self.prefix.strip("/"))
            .replace("{ParkKey}", self.park_key)
            .replace("{AppId}", app_id)
            .replace("{Route}", route)
        )

    @property
    def request(self) -> str:
        """Where consoles publish requests, e.g. ``parking/1726313394251322/request``."""
        return self._fill(self.request_template)

    def response(self, app_id: str) -> str:
        """Where the server publishes the answers for one AppId."""
        return self._fill(self.response_template, app_id=check_segment("AppId", app_id))

    def callback(self, route: str) -> str:
        """Where a callback of one kind (``OnVehicleIn`` ...) is published."""
        return self._fill(self.callback_template, route=check_segment("callback route", route))

    @property
    def callback_filter(self) -> str:
        """The subscription that receives every callback kind (``.../callback/+``)."""
        return self._fill(self.callback_template)

    def callback_route(self, topic: str) -> str | None:
        """The callback name in a topic built by :meth:`callback`, or ``None`` if it does not match."""
        pattern = self.callback_filter.split("/")
        parts = topic.split("/")
        if len(parts) != len(pattern):
            return None
        route: str | None = None
        for want, got in zip(pattern, parts, strict=True):
            if want == "+":
                route = got
            elif want != got:
                return None
        return route
