"""``asyncio.wait_for`` on Python 3.11 can swallow a cancellation (see booth_console/waits.py):
a lane poller went on for ever after quit. The console's code uses ``asyncio.timeout`` or
``waits.wait_event`` instead; this keeps it that way."""

from __future__ import annotations

import ast
from pathlib import Path

import booth_console


def test_no_asyncio_wait_for_in_the_console() -> None:
    root = Path(booth_console.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr == "wait_for"
                    and isinstance(node.value, ast.Name) and node.value.id == "asyncio"):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == [], f"use asyncio.timeout or waits.wait_event instead: {found}"
