"""``booth-console self-test`` as CI runs it on a build."""

from __future__ import annotations

import os
import subprocess
import sys


def test_self_test_passes_offscreen() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-m", "booth_console", "self-test"], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "zh_CN translation loaded: True" in out.stdout
    assert "signed callback answered 200, delivered 1" in out.stdout
