"""Fail unless a folder holds PNG screenshots that are not blank (used on the frozen bundle).

A screenshot counts as blank when it is (nearly) one colour: fewer than 16 distinct colours in
a sample grid, which is what an unpainted or black window gives.
"""

from __future__ import annotations

import sys
from pathlib import Path


def distinct_colours(path: Path) -> int:
    """How many distinct colours a 64 x 64 sample grid of the image has (0 if it cannot be read)."""
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    if img.isNull() or img.width() == 0 or img.height() == 0:
        return 0
    colours = {
        img.pixel(x * (img.width() - 1) // 63, y * (img.height() - 1) // 63)
        for x in range(64) for y in range(64)
    }
    return len(colours)


def main(folder: str) -> int:
    shots = sorted(Path(folder).glob("*.png"))
    if not shots:
        print(f"no screenshots in {folder}", file=sys.stderr)
        return 1
    bad = 0
    for shot in shots:
        n = distinct_colours(shot)
        print(f"{shot.name}: {n} colours{'  BLANK' if n < 16 else ''}")
        bad += n < 16
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
