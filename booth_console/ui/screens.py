"""Window positions per screen arrangement.

A booth PC is sometimes used with one screen, sometimes with two (a second one plugged in for the
night shift). Positions saved with two screens make no sense with one, so window geometry is kept
in a ``QSettings`` group named after the current arrangement (each screen's size and position):
plugging the second screen back in brings the two-screen layout back.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QGuiApplication

__all__ = ["arrangement_key", "current_arrangement_key", "use_arrangement"]


def arrangement_key(geometries: Iterable[QRect]) -> str:
    """A settings group name for these screen geometries (order does not matter)."""
    parts = sorted((r.x(), r.y(), r.width(), r.height()) for r in geometries)
    if not parts:
        return "layout_none"
    body = "__".join(f"{w}x{h}_{'m' if x < 0 else ''}{abs(x)}_{'m' if y < 0 else ''}{abs(y)}"
                     for x, y, w, h in parts)
    return f"layout_{body}"


def current_arrangement_key() -> str:
    """The key for the screens attached now."""
    return arrangement_key(s.geometry() for s in QGuiApplication.screens())


def use_arrangement(settings: QSettings) -> str:
    """Make ``settings`` read and write under the current arrangement's group; returns its name."""
    key = current_arrangement_key()
    settings.beginGroup(key)
    return key
