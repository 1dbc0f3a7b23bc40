"""Attack `booth-console run` from the network, as a hostile machine on the booth's LAN would.

    python bench/hostile.py [--slow 1100] [--rejected 2000]

Starts the simulator (with traffic, so real callbacks flow) and `booth-console run` against
it (offscreen, open-file limit 1,024, the configuration's defaults for every listener limit),
then, from this process over loopback:

1. forged callbacks: signed with an empty key, with a wrong key, unsigned, a captured body
   replayed under a new RequestId: how many were accepted (must be 0);
2. expensive requests (huge number literals, deep nesting, a 16 MB body, a body over the
   limit, a body in one-byte chunks, a head that never ends): the longest answer and the
   console's CPU and memory growth for each (each must stay under 1 s and 100 MB);
3. slow connections beyond the file limit (headers one line a second) while five valid
   callbacks are sent: each must be answered 200;
4. many different unsigned 60 KB bodies: how much the journal grows (must be under 10 MB);

and at the end checks that valid callbacks are still answered 200 and that the console's log
holds no traceback. Prints one line per measurement and a verdict per target; exit status 1
if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booth_console.listener.samples import signed_example, signed_example_bytes
from booth_console.protocol import jsonutil
from booth_console.protocol.signing import data_md5, hmac_sign, presign_string
from booth_console.simulator.lot import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_PARK_KEY,
)

CREDS = {"app_id": DEFAULT_APP_ID, "park_key": DEFAULT_PARK_KEY, "app_secret": DEFAULT_APP_SECRET}
PATH = "/API/V2/OnVehicleIn"
FILE_LIMIT = 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _proc_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _resign(envelope: dict[str, Any], secret: str) -> dict[str, Any]:
    presign = presign_string(envelope["AppId"], data_md5(envelope["Data"]), envelope["ParkKey"],
                             envelope["TimeStamp"], envelope["Nonce"])
    return {**envelope, "Sign": hmac_sign(presign, secret)}


async def _exchange(port: int, request: bytes, timeout: float = 30.0) -> tuple[int, dict[str, Any]]:
    """Send one raw request on a new connection; the status and JSON answer (0, {} if none)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        payload = await asyncio.wait_for(reader.readexactly(length), timeout)
        return status, json.loads(payload)
    except (OSError, asyncio.IncompleteReadError, TimeoutError):
        return 0, {}
    finally:
        writer.close()


def _post(raw: bytes, path: str = PATH) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: booth\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(raw)}\r\n\r\n").encode() + raw


def _unsigned(extra: str) -> bytes:
    return (f'{{"AppId":"{DEFAULT_APP_ID}","ParkKey":"{DEFAULT_PARK_KEY}","TimeStamp":"1",'
            f'"Nonce":"n","Sign":"x","Data":{{}},{extra}}}').encode()


class Console:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.sim_port = _free_port()
        self.port = _free_port()
        self.data = tmp / "data"
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BOOTH_CONSOLE_NO_SOUND="1")
        sim = subprocess.Popen(
            [sys.executable, "-m", "booth_console", "simulate", "--host", "127.0.0.1", "--port",
             str(self.sim_port), "--traffic", "30", "--db", str(self.tmp / "sim.db")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(sim)
        cfg = self.tmp / "booth.toml"
        cfg.write_text(
            f'[server]\nbase_url = "http://127.0.0.1:{self.sim_port}"\n'
            f'app_id = "{DEFAULT_APP_ID}"\napp_secret = "{DEFAULT_APP_SECRET}"\n'
            f'park_key = "{DEFAULT_PARK_KEY}"\n'
            f'[listener]\nhost = "127.0.0.1"\nport = {self.port}\nregister_callbacks = true\n',
            encoding="utf-8")
        _wait_port(self.sim_port, 30)

        def limit() -> None:
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (FILE_LIMIT, hard))

        console = subprocess.Popen(
            [sys.executable, "-m", "booth_console", "run", "--config", str(cfg), "--data-dir",
             str(self.data), "--lang", "en"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limit)
        self.procs.append(console)
        self.pid = console.pid
        _wait_port(self.port, 60)
        log = self.data / "booth-console.log"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if log.exists() and "booth ready" in log.read_text(errors="replace"):
                break
            time.sleep(0.2)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()

    def journal_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.data.glob("journal.sqlite3*"))


def _wait_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port} after {timeout:g} s")


async def _valid(port: int, n: int) -> list[tuple[int, int, float]]:
    async def one() -> tuple[int, int, float]:
        started = time.perf_counter()
        status, answer = await _exchange(port, _post(signed_example_bytes("OnVehicleIn", **CREDS)))
        return status, int(answer.get("ResultCode", 0)), time.perf_counter() - started
    return list(await asyncio.gather(*(one() for _ in range(n))))


async def forged(c: Console) -> bool:
    good = signed_example("OnVehicleIn", **CREDS)
    bodies = {
        "empty key": _resign(signed_example("OnVehicleIn", **CREDS), ""),
        "wrong key": _resign(signed_example("OnVehicleIn", **CREDS), "not-the-secret"),
        "no Sign": {k: v for k, v in signed_example("OnVehicleIn", **CREDS).items() if k != "Sign"},
    }
    status, answer = await _exchange(c.port, _post(jsonutil.dumps_bytes(good)))
    replay = {**good, "RequestId": "replayed-under-a-new-id"}
    bodies["replayed"] = replay
    accepted = 0
    for name, env in bodies.items():
        status, answer = await _exchange(c.port, _post(jsonutil.dumps_bytes(env)))
        code = answer.get("ResultCode")
        print(f"  forged, {name}: HTTP {status}, ResultCode {code}")
        accepted += code == 200
    print(f"forged callbacks accepted: {accepted} of {len(bodies)}")
    return accepted == 0


async def expensive(c: Console) -> bool:
    big = 16 * 1024 * 1024 - 200
    cases: dict[str, bytes] = {
        "exponent 1e999999999": _post(_unsigned('"X":1e999999999')),
        "5,000-digit integer": _post(_unsigned('"X":' + "9" * 5000)),
        "100,000-deep nesting": _post(_unsigned('"X":' + "[" * 100_000 + "]" * 100_000)),
        "2,000,000 commas": _post(_unsigned('"X":[' + "0," * 2_000_000 + "0]")),
        "16 MB string": _post(_unsigned('"X":"' + "a" * big + '"')),
        "17 MB, over the limit": _post(b"x" * (17 * 1024 * 1024)),
        "one-byte chunks": (f"POST {PATH} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
                            + b"1\r\nx\r\n" * 1_000_000 + b"0\r\n\r\n"),
        "endless header": f"POST {PATH} HTTP/1.1\r\nX-A: ".encode() + b"a" * 1_000_000,
    }
    worst_s = worst_mb = 0.0
    rss0 = _proc_rss_mb(c.pid)
    for name, request in cases.items():
        cpu0, rss_before = _proc_cpu(c.pid), _proc_rss_mb(c.pid)
        started = time.perf_counter()
        status, answer = await _exchange(c.port, request)
        took = time.perf_counter() - started
        await asyncio.sleep(0.3)
        cpu = _proc_cpu(c.pid) - cpu0
        grew = _proc_rss_mb(c.pid) - rss_before
        worst_s, worst_mb = max(worst_s, took, cpu), max(worst_mb, grew)
        print(f"  {name}: HTTP {status} ResultCode {answer.get('ResultCode')}, answered in "
              f"{took * 1000:.0f} ms, console CPU {cpu * 1000:.0f} ms, RSS {grew:+.1f} MB")
    print(f"expensive requests: longest {worst_s:.2f} s, most memory {worst_mb:.1f} MB "
          f"(RSS {rss0:.0f} -> {_proc_rss_mb(c.pid):.0f} MB)")
    return worst_s < 1.0 and worst_mb < 100


async def slow_connections(c: Console, count: int) -> bool:
    stop = asyncio.Event()
    opened: list[asyncio.StreamWriter] = []

    async def slow() -> None:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", c.port), 10)
        except (OSError, TimeoutError):
            return
        opened.append(writer)
        try:
            writer.write(f"POST {PATH} HTTP/1.1\r\nHost: booth\r\n".encode())
            while not stop.is_set() and not reader.at_eof():
                try:
                    await asyncio.wait_for(stop.wait(), 1.0)
                except TimeoutError:
                    writer.write(b"X-Slow: 1\r\n")
                    await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    clients = [asyncio.ensure_future(slow()) for _ in range(count)]
    await asyncio.sleep(3)
    results = await _valid(c.port, 5)
    stop.set()
    await asyncio.gather(*clients, return_exceptions=True)
    ok = [r for r in results if r[:2] == (200, 200)]
    print(f"slow connections: {count} opened ({len(opened)} connected) at a file limit of "
          f"{FILE_LIMIT}; valid callbacks answered 200: {len(ok)} of 5, in "
          f"{', '.join(f'{r[2] * 1000:.0f}' for r in results)} ms")
    return len(ok) == 5


async def rejected_bodies(c: Console, count: int) -> bool:
    before = c.journal_bytes()
    sem = asyncio.Semaphore(20)

    async def one(i: int) -> None:
        async with sem:
            await _exchange(c.port, _post(_unsigned(f'"Pad":"{i:08d}' + "x" * 60_000 + '"')))

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(count)))
    await asyncio.sleep(1.5)
    grew = (c.journal_bytes() - before) / 1e6
    print(f"rejected bodies: {count} different unsigned 60 KB bodies in "
          f"{time.perf_counter() - started:.1f} s; journal grew {grew:.1f} MB")
    return grew < 10


async def main_async(args: argparse.Namespace) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    with tempfile.TemporaryDirectory() as tmp:
        c = Console(Path(tmp))
        c.start()
        try:
            log = c.data / "booth-console.log"
            log_start = log.stat().st_size if log.exists() else 0
            verdicts = {
                "no forged callback accepted": await forged(c),
                "no request over 1 s or 100 MB": await expensive(c),
                "valid callbacks answered under a slow-connection attack": await slow_connections(
                    c, args.slow),
                "journal growth under 10 MB": await rejected_bodies(c, args.rejected),
            }
            after = await _valid(c.port, 5)
            verdicts["still serving afterwards"] = all(r[:2] == (200, 200) for r in after)
            text = log.read_text(errors="replace")[log_start:] if log.exists() else ""
            print(f"console log: +{len(text) / 1e3:.0f} KB, {text.count('Traceback')} tracebacks")
            verdicts["no traceback in the log"] = "Traceback" not in text
        finally:
            c.stop()
    for name, ok in verdicts.items():
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}")
    return 0 if all(verdicts.values()) else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--slow", type=int, default=1100, help="slow connections (default 1100)")
    p.add_argument("--rejected", type=int, default=2000, help="unsigned bodies (default 2000)")
    return asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
