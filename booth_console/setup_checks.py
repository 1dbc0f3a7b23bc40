"""The installer's checks, shared by the setup wizard and ``booth-console setup --check``.

Each check says exactly what is wrong: the server unreachable or nothing on its port, a port that
answers but not as the parking software's API, ResultCode 1001 (wrong AppSecret/AppId, or this
PC's clock off from the server's, judged from the server's HTTP ``Date``), 1002 with the ParkKey
named (wrong ParkKey), the MQTT broker refusing or absent, no answer on the response topic, the
listener's address not on this PC or its port taken. A successful check also reads the lanes
(the ``Lane`` query) for the wizard's lane page.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import errno
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from booth_console.config import Config

__all__ = ["Check", "CheckReport", "LaneChoice", "check_listener_port", "lan_addresses", "run_checks"]

#: connection attempts give up after this long (seconds)
CONNECT_TIMEOUT = 3.0
#: a clock further off than this from the server's is named as a cause of ResultCode 1001
CLOCK_SKEW_LIMIT_S = 60.0


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        """``ok    name: detail`` or ``FAIL  name: detail``."""
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


@dataclass(frozen=True)
class LaneChoice:
    """A lane as the server lists it."""

    no: str
    name: str
    lane_type: int  # 1 entry, 2 exit (LaneTypeEnum)


@dataclass
class CheckReport:
    """All checks run, and the lanes read when the credentials were right."""

    checks: list[Check] = field(default_factory=list)
    lanes: list[LaneChoice] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every check passed."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str) -> bool:
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


async def _tcp(host: str, port: int) -> str | None:
    """None when something accepts a connection at host:port, else why not."""
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT):
            _r, writer = await asyncio.open_connection(host, port)
    except ConnectionRefusedError:
        return f"nothing listens on port {port} at {host} (wrong port, or the service is not running)"
    except TimeoutError:
        return (f"no answer from {host} within {CONNECT_TIMEOUT:.0f} s: unreachable (wrong address, "
                "network cable or firewall)")
    except socket.gaierror as exc:
        return f"unknown host name {host!r} ({exc.strerror or exc})"
    except OSError as exc:
        return f"cannot reach {host}:{port}: {exc.strerror or exc}"
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


def _broker_check(cfg: Config) -> tuple[bool, str]:
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
        return False, f"no MQTT broker at {m.host}:{m.port} (connection refused)"
    except OSError as exc:
        return False, f"cannot reach the MQTT broker at {m.host}:{m.port}: {exc.strerror or exc}"
    client.loop_start()
    try:
        if not done.wait(CONNECT_TIMEOUT):
            return False, f"the MQTT broker at {m.host}:{m.port} did not answer the connection"
        reason = result["reason"]
        if getattr(reason, "is_failure", False):
            return False, (f"the MQTT broker at {m.host}:{m.port} refused the connection: {reason} "
                           "(check [mqtt] username and password)")
        return True, f"connected to {m.host}:{m.port}" + (f" as {m.username}" if m.username else "")
    finally:
        client.disconnect()
        client.loop_stop()


def _explain_api_error(code: int, msg: str, skew: float | None) -> str:
    if code == 1001:
        clock = ""
        if skew is not None and abs(skew) > CLOCK_SKEW_LIMIT_S:
            clock = (f"; this PC's clock is {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} "
                     "the server's: set the clock right first")
        elif skew is not None:
            clock = "; the clocks agree, so the AppSecret (or AppId) is wrong"
        return (f"ResultCode 1001 ({msg}): the signature was refused: wrong AppSecret or AppId, "
                f"or clock skew{clock}")
    if code == 1002 and "parkkey" in msg.lower():
        return f"ResultCode 1002 ({msg}): wrong ParkKey"
    if code == 1004:
        return f"ResultCode 1004 ({msg}): the interface service is not enabled in the parking software"
    return f"ResultCode {code}: {msg}"


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
        report.add("credentials", False, f"missing {', '.join(missing)}")
        return
    if s.transport == "mqtt":
        ok, detail = await asyncio.to_thread(_broker_check, cfg)
        if not report.add("MQTT broker", ok, detail):
            return
    else:
        hp = _host_port(s.base_url)
        if hp is None:
            report.add("server address", False, f"{s.base_url!r} is not an http:// or https:// address")
            return
        why = await _tcp(*hp)
        if not report.add("server reachable", why is None, why or f"{hp[0]} accepts connections on port {hp[1]}"):
            return
    client = ParkingClient.from_config(cfg)
    try:
        page = await client.query_lanes(page_size=100)
    except ApiError as exc:
        skew = await _clock_skew(s.base_url) if exc.result_code == 1001 and s.transport == "http" else None
        report.add("credentials", False, _explain_api_error(exc.result_code, exc.result_msg or "", skew))
        return
    except ServerTimeout as exc:
        detail = (f"no answer on the response topic within {cfg.mqtt.request_timeout:g} s: is the parking "
                  "software connected to this broker with this topic prefix and ParkKey?"
                  if s.transport == "mqtt" else f"the server took too long to answer: {exc}")
        report.add("credentials", False, detail)
        return
    except ProtocolError as exc:
        report.add("credentials", False, f"something answers at {s.base_url} but not as the parking "
                   f"software's interface (wrong port?): {exc}")
        return
    except (ServerUnreachable, TransportError) as exc:
        report.add("credentials", False, str(exc))
        return
    finally:
        await client.aclose()
    lanes = [LaneChoice(str(r.no), str(r.lane_name or ""), int(r.lane_type)) for r in page.results]
    report.lanes = lanes
    report.add("credentials", True, f"AppId, AppSecret and ParkKey accepted ({s.transport.upper()})")
    report.add("lanes", bool(lanes), f"{len(lanes)} lane(s): {', '.join(lane.no for lane in lanes)}"
               if lanes else "the server lists no lanes")
    if cfg.booth.lanes:
        unknown = [n for n in cfg.booth.lanes if n not in {lane.no for lane in lanes}]
        report.add("booth lanes", not unknown, f"unknown to the server: {', '.join(unknown)}"
                   if unknown else f"{', '.join(cfg.booth.lanes)} exist")


def check_listener_port(host: str, port: int) -> tuple[bool, str]:
    """Whether the callback listener could bind ``host:port`` now."""
    if port == 0:
        return True, "any free port"
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
                return False, f"port {port} on {host} is in use by another program: choose another"
            if exc.errno == errno.EADDRNOTAVAIL or getattr(exc, "winerror", None) == 10049:
                return False, f"{host} is not an address of this PC"
            return False, f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return True, f"{host}:{port} is free"


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
        report.add("listener", ok, detail)
    return report
