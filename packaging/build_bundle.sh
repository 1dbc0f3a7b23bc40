#!/usr/bin/env bash
# Build the PyInstaller one-folder bundle from packaging/booth_console.spec and run it:
#   self-test, a timed demo whose screenshots must not be blank, and an MQTT V3.0 demo that
#   must journal at least one callback that arrived over the broker.
# Prints the bundle's size and its start-up time against `python3 -m booth_console`.
#   bash packaging/build_bundle.sh [OUT_DIR]        (default: build/bundle)
# Needs: pip install -e ".[build]" (pinned PyInstaller), mosquitto for the MQTT demo.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-$root/build/bundle}
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
export BOOTH_CONSOLE_NO_SOUND=1
rm -rf "$out"
mkdir -p "$out"

echo "== bundle: pyinstaller"
t0=$(date +%s)
python3 -m PyInstaller packaging/booth_console.spec --noconfirm --log-level WARN \
  --distpath "$out/dist" --workpath "$out/work" >"$out/pyinstaller.log" 2>&1 \
  || { tail -40 "$out/pyinstaller.log"; exit 1; }
exe="$out/dist/booth-console/booth-console"
[ -x "$exe" ] || exe="$out/dist/booth-console/booth-console.exe"
echo "built in $(( $(date +%s) - t0 )) s: $(du -sh "$out/dist/booth-console" | cut -f1) in $(find "$out/dist/booth-console" -type f | wc -l) files"

# Run from outside the checkout so nothing is imported from the source tree.
cd "$out"
unset PYTHONPATH

echo "== bundle: --version and self-test"
"$exe" --version
"$exe" self-test

echo "== bundle: demo with screenshots (20 s)"
timeout 150 "$exe" demo --exit-after 20 --traffic 20 --data-dir "$out/demo-data" \
  --screenshot-dir "$out/shots" >"$out/demo.log" 2>&1 || { tail -30 "$out/demo.log"; exit 1; }
python3 "$root/packaging/check_screenshots.py" "$out/shots"

echo "== bundle: demo over MQTT V3.0 (mosquitto)"
timeout 150 "$exe" demo --transport mqtt --exit-after 20 --traffic 30 --data-dir "$out/mqtt-data" \
  >"$out/demo-mqtt.log" 2>&1 || { tail -30 "$out/demo-mqtt.log"; exit 1; }
python3 - "$out/mqtt-data/journal.sqlite3" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT kind, COUNT(*) FROM callbacks WHERE source LIKE 'mqtt:%' AND result_code = 200 "
    "GROUP BY kind").fetchall()
print("callbacks received over the broker:", ", ".join(f"{k} x{n}" for k, n in rows) or "none")
sys.exit(0 if rows else "no callback arrived over MQTT")
PY

echo "== bundle: simulate, and setup --check against it"
simport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# the credentials are given here, not imported from the source tree (which this step must not need)
sim_app_id=bcci01 sim_secret=bundle-sim-secret-0077 sim_park_key=1772492942362538
"$exe" simulate --port "$simport" --db "$out/sim.db" --app-id "$sim_app_id" \
  --app-secret "$sim_secret" --park-key "$sim_park_key" >"$out/simulate.log" 2>&1 &
simpid=$!
trap 'kill "$simpid" 2>/dev/null || true' EXIT
python3 - "$simport" "$out" "$sim_app_id" "$sim_secret" "$sim_park_key" <<'PY'
import socket, sys, time
port, out, app_id, secret, park_key = int(sys.argv[1]), sys.argv[2], *sys.argv[3:6]
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("the bundled simulator did not start")
for name, value in (("good", secret), ("bad", "not-the-secret")):
    with open(f"{out}/{name}.toml", "w", encoding="utf-8") as fh:
        fh.write(f'[server]\nbase_url = "http://127.0.0.1:{port}"\napp_id = "{app_id}"\n'
                 f'app_secret = "{value}"\npark_key = "{park_key}"\n'
                 '[listener]\nhost = "127.0.0.1"\nport = 0\n')
PY
chmod 600 "$out/good.toml" "$out/bad.toml"
"$exe" setup --check --config "$out/good.toml"
if "$exe" setup --check --config "$out/bad.toml" >"$out/bad-check.txt"; then
  echo "setup --check accepted a wrong AppSecret"; exit 1
fi
grep "ResultCode 1001" "$out/bad-check.txt"
kill "$simpid"; wait "$simpid" 2>/dev/null || true
trap - EXIT

echo "== bundle: diagnose"
BOOTH_CONSOLE_APP_SECRET=bundle-check-secret-0042 "$exe" diagnose --data-dir "$out/mqtt-data" \
  --no-self-test --out "$out/diagnose.zip"
python3 - "$out/diagnose.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as zf:
    text = {n: zf.read(n).decode() for n in zf.namelist()}
summary = text["summary.txt"]
print("".join(l + "\n" for l in summary.splitlines() if l.startswith(("frozen", "qt", "keyring"))), end="")
assert "frozen: True" in summary, summary
# the OS keyring stores are found through package metadata, which a bundle can lose
assert "SecretService" in summary and "Windows" in summary, "keyring backends missing from the bundle"
assert "quick_check: ok" in text["journal.txt"], text["journal.txt"]
assert not any("bundle-check-secret-0042" in t for t in text.values())
PY

echo "== bundle: start-up time (self-test, best of 3) against python3 -m booth_console"
python3 - "$exe" "$root" <<'PY'
import os, subprocess, sys, time
exe, root = sys.argv[1], sys.argv[2]
def best(cmd, env):
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return min(times)
env = dict(os.environ)
frozen = best([exe, "self-test"], env)
source = best([sys.executable, "-m", "booth_console", "self-test"], dict(env, PYTHONPATH=root))
print(f"self-test wall time: bundle {frozen:.2f} s, python -m booth_console {source:.2f} s "
      f"(bundle/source = {frozen / source:.2f})")
PY
echo "bundle checks passed"
