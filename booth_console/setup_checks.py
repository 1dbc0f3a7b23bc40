"""The installer's checks, shared by the setup wizard and ``booth-console setup --check``.

Each check says exactly what is wrong: the server unreachable or nothing on its port, a port that
answers but not as the parking software's API, ResultCode 1001 (wrong AppSecret/AppId, or this
PC's clock off from the server's, judged from the server's HTTP ``Date``), 1002 with the ParkKey
named (wrong ParkKey), the MQTT broker refusing or absent, no answer on the response topic, the
listener's address not on this PC or its port taken. A successful check also reads the lanes
(the ``Lane`` query) for the wizard's lane page.

Check names and details are :class:`Text`: an English template (marked with ``_t`` so that
``resources/i18n/extract.py`` collects it under the context ``SetupChecks``) and its values. The
wizard renders them through ``QCoreApplication.translate("SetupChecks", ...)``; ``str()`` and
``setup --check`` render the English.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import errno
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from booth_console.config import Config

__all__ = ["Check", "CheckReport", "LaneChoice", "Text", "check_listener_port", "crashed", "lan_addresses",
           "run_checks"]

#: connection attempts give up after this long (seconds)
CONNECT_TIMEOUT = 3.0
#: a clock further off than this from the server's is named as a cause of ResultCode 1001
CLOCK_SKEW_LIMIT_S = 60.0


#: the context the wizard translates :class:`Text` templates in
TR_CONTEXT = "SetupChecks"


@dataclass(frozen=True)
class Text:
    """A translatable text: an English ``str.format`` template and its values (which may be
    :class:`Text` too). Values such as host names, ports and the server's own ResultMsg are
    inserted as they are."""

    source: str
    args: tuple[tuple[str, object], ...] = ()

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        """The text in the language ``translate`` gives (English without one)."""
        values = {k: v.render(translate) if isinstance(v, Text) else v for k, v in self.args}
        return (translate(self.source) if translate else self.source).format(**values)

    def __str__(self) -> str:
        return self.render()


def _t(source: str, **args: object) -> Text:
    """Mark ``source`` (a literal) for translation in the ``SetupChecks`` context."""
    return Text(source, tuple(args.items()))


def _verbatim(text: str) -> Text:
    """A text shown as it is (an exception's message); not collected for translation."""
    return Text("{text}", (("text", text),))


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: Text
    ok: bool
    detail: Text

    def line(self) -> str:
        """``ok    name: detail`` or ``FAIL  name: detail``, in English."""
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


@dataclass(frozen=True)
class LaneChoice:
    """A lane as the server lists it."""

    no: str
    name: str
    lane_type: int  # LaneType: 1 vehicle lane, 2 non-vehicle (pedestrian) lane
    #: "entry" or "exit" (``LaneLinkAreas.InOutMode``, read as the console reads it: entry when
    #: any area has the lane as an entry), "" when the server gives no direction
    direction: str = ""


@dataclass
class CheckReport:
    """All checks run, and the lanes read when the credentials were right."""

    checks: list[Check] = field(default_factory=list)
    lanes: list[LaneChoice] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every check passed."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: Text, ok: bool, detail: Text) -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok


def _host_port(url: str) -> tuple[str, int] | None:
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None


async def _tcp(host: str, port: int) -> Text | None:
    """None when something accepts a connection at host:port, else why not."""
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT):
            _r, writer = await asyncio.open_connection(host, port)
    except ConnectionRefusedError:
        return _t("nothing listens on port {port} at {host} (wrong port, or the service is not running)",
                  port=port, host=host)
    except TimeoutError:
        return _t("no answer from {host} within {seconds} s: unreachable (wrong address, network cable "
                  "or firewall)", host=host, seconds=f"{CONNECT_TIMEOUT:.0f}")
    except socket.gaierror as exc:
        return _t("unknown host name {host} ({error})", host=repr(host), error=exc.strerror or str(exc))
    except OSError as exc:
        return _t("cannot reach {host}:{port}: {error}", host=host, port=port, error=exc.strerror or str(exc))
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return None


async def _clock_skew(base_url: str) -> float | None:
    """This PC's clock minus the server's (seconds), from the HTTP ``Date`` header; None if unknown."""
    import httpx

    try:
        async with httpx.AsyncClient(timeout=CONNECT_TIMEOUT, trust_env=False) as http:
            response = await http.get(base_url)
        date = response.headers.get("Date")
        if not date:
            return None
        return time.time() - email.utils.parsedate_to_datetime(date).timestamp()
    except Exception:
        return None


def _broker_check(cfg: Config) -> tuple[bool, Text]:
    """Connect to the MQTT broker with the configured credentials (blocking; run in a thread)."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    m = cfg.mqtt
    done = threading.Event()
    result: dict[str, Any] = {}

    def on_connect(_c: Any, _u: Any, _f: Any, reason: Any, _p: Any = None) -> None:
        result["reason"] = reason
        done.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"booth-setup-{time.time_ns()}")
    if m.username:
        client.username_pw_set(m.username, m.password or None)
    if m.tls:
        client.tls_set()
    client.on_connect = on_connect
    try:
        client.connect(m.host, m.port, keepalive=10)
    except ConnectionRefusedError:
        return False, _t("no MQTT broker at {host}:{port} (connection refused)", host=m.host, port=m.port)
    except OSError as exc:
        return False, _t("cannot reach the MQTT broker at {host}:{port}: {error}", host=m.host, port=m.port,
                         error=exc.strerror or str(exc))
    client.loop_start()
    try:
        if not done.wait(CONNECT_TIMEOUT):
            return False, _t("the MQTT broker at {host}:{port} did not answer the connection", host=m.host,
                             port=m.port)
        reason = result["reason"]
        if getattr(reason, "is_failure", False):
            return False, _t("the MQTT broker at {host}:{port} refused the connection: {reason} (check [mqtt] "
                             "username and password)", host=m.host, port=m.port, reason=str(reason))
        if m.username:
            return True, _t("connected to {host}:{port} as {user}", host=m.host, port=m.port, user=m.username)
        return True, _t("connected to {host}:{port}", host=m.host, port=m.port)
    finally:
        client.disconnect()
        client.loop_stop()


def _explain_api_error(code: int, msg: str, skew: float | None) -> Text:
    if code == 1001:
        clock = Text("")
        if skew is not None and abs(skew) > CLOCK_SKEW_LIMIT_S:
            clock = (_t("; this PC's clock is {seconds} s ahead of the server's: set the clock right first",
                        seconds=f"{abs(skew):.0f}") if skew > 0 else
                     _t("; this PC's clock is {seconds} s behind the server's: set the clock right first",
                        seconds=f"{abs(skew):.0f}"))
        elif skew is not None:
            clock = _t("; the clocks agree, so the AppSecret (or AppId) is wrong")
        return _t("ResultCode 1001 ({msg}): the signature was refused: wrong AppSecret or AppId, or clock "
                  "skew{clock}", msg=msg, clock=clock)
    if code == 1002 and "parkkey" in msg.lower():
        return _t("ResultCode 1002 ({msg}): wrong ParkKey", msg=msg)
    if code == 1004:
        return _t("ResultCode 1004 ({msg}): the interface service is not enabled in the parking software",
                  msg=msg)
    return _t("ResultCode {code}: {msg}", code=code, msg=msg)


async def _server_checks(cfg: Config, report: CheckReport) -> None:
    from booth_console.client import ParkingClient
    from booth_console.errors import (
        ApiError,
        ProtocolError,
        ServerTimeout,
        ServerUnreachable,
        TransportError,
    )

    s = cfg.server
    missing = [label for label, value in (("AppId", s.app_id), ("AppSecret", s.app_secret),
                                           ("ParkKey", s.park_key)) if not str(value).strip()]
    if missing:
        report.add(_t("credentials"), False, _t("missing {fields}", fields=", ".join(missing)))
        return
    if s.transport == "mqtt":
        ok, detail = await asyncio.to_thread(_broker_check, cfg)
        if not report.add(_t("MQTT broker"), ok, detail):
            return
    else:
        hp = _host_port(s.base_url)
        if hp is None:
            report.add(_t("server address"), False, _t("{url} is not an http:// or https:// address",
                                                       url=repr(s.base_url)))
            return
        why = await _tcp(*hp)
        if not report.add(_t("server reachable"), why is None,
                          why or _t("{host} accepts connections on port {port}", host=hp[0], port=hp[1])):
            return
    client = ParkingClient.from_config(cfg)
    try:
        page = await client.query_lanes(page_size=100)
    except ApiError as exc:
        skew = await _clock_skew(s.base_url) if exc.result_code == 1001 and s.transport == "http" else None
        report.add(_t("credentials"), False, _explain_api_error(exc.result_code, exc.result_msg or "", skew))
        return
    except ServerTimeout as exc:
        detail = (_t("no answer on the response topic within {seconds} s: is the parking software connected "
                     "to this broker with this topic prefix and ParkKey?", seconds=f"{cfg.mqtt.request_timeout:g}")
                  if s.transport == "mqtt" else _t("the server took too long to answer: {error}", error=str(exc)))
        report.add(_t("credentials"), False, detail)
        return
    except ProtocolError as exc:
        report.add(_t("credentials"), False, _t("something answers at {url} but not as the parking software's "
                                               "interface (wrong port?): {error}", url=s.base_url, error=str(exc)))
        return
    except (ServerUnreachable, TransportError) as exc:
        report.add(_t("credentials"), False, _verbatim(str(exc)))
        return
    finally:
        await client.aclose()
    lanes = [LaneChoice(str(r.no), str(r.lane_name or ""), int(r.lane_type),
                        "entry" if r.is_entry else "exit" if r.is_exit else "") for r in page.results]
    report.lanes = lanes
    report.add(_t("credentials"), True, _t("AppId, AppSecret and ParkKey accepted ({transport})",
                                           transport=s.transport.upper()))
    report.add(_t("lanes"), bool(lanes), _t("{count} lane(s): {lanes}", count=len(lanes),
                                            lanes=", ".join(lane.no for lane in lanes))
               if lanes else _t("the server lists no lanes"))
    if cfg.booth.lanes:
        unknown = [n for n in cfg.booth.lanes if n not in {lane.no for lane in lanes}]
        report.add(_t("booth lanes"), not unknown, _t("unknown to the server: {lanes}", lanes=", ".join(unknown))
                   if unknown else _t("{lanes} exist", lanes=", ".join(cfg.booth.lanes)))


def check_listener_port(host: str, port: int) -> tuple[bool, Text]:
    """Whether the callback listener could bind ``host:port`` now."""
    if port == 0:
        return True, _t("any free port")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no silent sharing of the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE or getattr(exc, "winerror", None) == 10048:
                return False, _t("port {port} on {host} is in use by another program: choose another",
                                 port=port, host=host)
            if exc.errno == errno.EADDRNOTAVAIL or getattr(exc, "winerror", None) == 10049:
                return False, _t("{host} is not an address of this PC", host=host)
            return False, _t("cannot listen on {host}:{port}: {error}", host=host, port=port,
                             error=exc.strerror or str(exc))
    return True, _t("{host}:{port} is free", host=host, port=port)


def lan_addresses() -> list[str]:
    """This PC's IPv4 addresses, LAN ones first, loopback last."""
    from PySide6.QtNetwork import QAbstractSocket, QNetworkInterface

    found: list[str] = []
    for addr in QNetworkInterface.allAddresses():
        if addr.protocol() == QAbstractSocket.NetworkLayerProtocol.IPv4Protocol:
            text = addr.toString()
            if text not in found:
                found.append(text)
    return sorted(found, key=lambda a: (a.startswith("127."), a))


async def run_checks(cfg: Config, *, listener: bool = True) -> CheckReport:
    """Run every check for this configuration (network I/O; never raises for a failed check)."""
    report = CheckReport()
    await _server_checks(cfg, report)
    if listener:
        ok, detail = check_listener_port(cfg.listener.host, cfg.listener.port)
        report.add(_t("listener"), ok, detail)
    return report


def crashed(exc: Exception) -> CheckReport:
    """The report when running the checks itself raised (a bug): one failed line naming the error."""
    report = CheckReport()
    report.add(_t("checks"), False, _verbatim(f"{type(exc).__name__}: {exc}"))
    return report
