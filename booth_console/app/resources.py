"""One place that finds our data files (translations, icons, sounds), frozen or not.

Looked up in order: a PyInstaller bundle (``sys._MEIPASS/resources``), the package
(``booth_console/resources``, for wheels) and the source checkout (``<repo>/resources``).
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["resource_dirs", "resource_path"]


def resource_dirs() -> list[Path]:
    """Candidate resource directories, most specific first."""
    dirs: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs.append(Path(bundle) / "resources")
        dirs.append(Path(bundle) / "booth_console" / "resources")
    pkg = Path(__file__).resolve().parent.parent
    dirs.append(pkg / "resources")
    dirs.append(pkg.parent / "resources")
    return dirs


def resource_path(*parts: str) -> Path | None:
    """The first existing ``<dir>/<parts...>`` among :func:`resource_dirs`, or ``None``."""
    for base in resource_dirs():
        candidate = base.joinpath(*parts)
        if candidate.exists():
            return candidate
    return None
