#!/usr/bin/env bash
# Install Booth Console and what it needs on a fresh Debian/Ubuntu machine (or any machine
# with Python 3.11+ when the system libraries are already there).
#   bash packaging/install.sh          # the application (then: booth-console demo)
#   bash packaging/install.sh --test   # plus the test tools (then: python3 -m pytest)
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

# System libraries Qt needs (also offscreen), a CJK font for Chinese, openssl and the MQTT
# broker used by the V3.0 tests and demo.
debs=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
      libxcb-render-util0 libxcb-image0 fonts-noto-cjk fonts-dejavu-core openssl mosquitto)
if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "apt-get not found: make sure Qt's runtime libraries (EGL/GL, xkbcommon, fontconfig) are installed." >&2
fi

python3 -m pip install --disable-pip-version-check -q -e ".${extras}"
echo "Booth Console installed: $(command -v booth-console || echo 'booth-console (add pip scripts dir to PATH)')"
