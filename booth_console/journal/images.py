"""Capture images of callbacks (their Base64 fields) saved as files, one folder per day; the
callback rows hold their paths."""

from __future__ import annotations

import base64
import binascii
import logging
from datetime import datetime
from pathlib import Path

__all__ = ["save_images"]

log = logging.getLogger("booth_console.journal")


def save_images(
    images_dir: Path, row_id: int, kind: str, received_at: float, images: dict[str, bytes | str]
) -> dict[str, Path]:
    """Write a callback's images (bytes, or Base64 text) to ``images_dir/<yyyyMMdd>/``, named
    after the row, the callback kind and the field; returns field name -> file. An image that
    is not valid Base64 or cannot be written is left out (logged)."""
    day = datetime.fromtimestamp(received_at).strftime("%Y%m%d")
    folder = images_dir / day
    paths: dict[str, Path] = {}
    for name, value in images.items():
        if isinstance(value, str):
            text = value.split(",", 1)[1] if value.startswith("data:") else value
            try:
                data = base64.b64decode(text, validate=False)
            except (binascii.Error, ValueError):
                log.warning("callback row %d: %s is not valid Base64; image not saved", row_id, name)
                continue
        else:
            data = value
        if not data:
            continue
        target = folder / f"{row_id:08d}_{_safe_name(kind)}_{_safe_name(name)}{_image_suffix(data)}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            log.warning("callback row %d: cannot save %s to %s: %s", row_id, name, target, exc)
            continue
        paths[name] = target
    return paths


def _image_suffix(data: bytes) -> str:
    if data.startswith(b"\xff\xd8"):
        return ".jpg"
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data.startswith(b"BM"):
        return ".bmp"
    return ".bin"


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)[:40]
