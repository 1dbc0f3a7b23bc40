"""Capture images: the plate text lies inside the blue plate box, even for wide Chinese plates."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from booth_console.simulator.images import HEIGHT, WIDTH, render_capture

PLATE_TOP, PLATE_HEIGHT = 120, 90  # the box's rows (its width follows the text)


def _is_blue(image: QImage, x: int, y: int) -> bool:
    c = image.pixelColor(x, y)
    return c.blue() > 140 and c.red() < 90 and c.green() < 130


def _is_white(image: QImage, x: int, y: int) -> bool:
    c = image.pixelColor(x, y)
    return c.red() > 200 and c.green() > 200 and c.blue() > 200


@pytest.mark.parametrize("plate", ["沪M92W36", "粤BD24681", "AB123", None])
def test_plate_text_is_inside_the_blue_box(qapp: object, plate: str | None) -> None:
    image = QImage.fromData(render_capture(plate, "Entrance A", "2026-03-28 15:57:36"))
    assert (image.width(), image.height()) == (WIDTH, HEIGHT)
    ys = range(PLATE_TOP + 5, PLATE_TOP + PLATE_HEIGHT - 5)
    row = PLATE_TOP + 3  # above the text: the box's extent
    blue = [x for x in range(WIDTH) if _is_blue(image, x, row)]
    assert blue, "no plate box"
    left, right = min(blue), max(blue)
    white_xs = [x for y in ys for x in range(WIDTH)
                if _is_white(image, x, y)]
    assert white_xs, "no plate text"
    assert left < min(white_xs) and max(white_xs) < right, (plate, left, right,
                                                           min(white_xs), max(white_xs))
