"""Capture images are decoded scaled, off the GUI thread."""

from __future__ import annotations

import base64
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from booth_console.app import images as images_mod
from booth_console.app.images import ImageLoader, decode_image


def _jpeg(w: int, h: int) -> bytes:
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("#3366cc"))
    ba = QByteArray()
    buf = QBuffer(ba)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    assert img.save(buf, "JPG")  # type: ignore[call-overload]  # the stub wants bytes; runtime wants str
    buf.close()
    return bytes(ba.data())


def test_decode_scales_keeping_aspect(qapp: Any) -> None:
    img = decode_image(_jpeg(1920, 1080), 640, 480)
    assert (img.width(), img.height()) == (640, 360)
    assert decode_image(b"not an image", 640, 480).isNull()


def test_loader_decodes_on_a_worker_thread(loop: Any, tmp_path: Path, monkeypatch: Any) -> None:
    threads: list[str] = []
    real = images_mod.decode_image

    def spy(data: bytes, w: int, h: int) -> QImage:  # called by _decode_any
        threads.append(threading.current_thread().name)
        return real(data, w, h)

    monkeypatch.setattr(images_mod, "decode_image", spy)
    path = tmp_path / "cap.jpg"
    raw = _jpeg(1280, 720)
    path.write_bytes(raw)

    async def scenario() -> None:
        loader = ImageLoader()
        try:
            a = await loader.load(str(path), max_w=320, max_h=240)
            b = await loader.load(data=base64.b64encode(raw), max_w=160, max_h=120)
            c = await loader.load(str(tmp_path / "missing.jpg"))
            again = await loader.load(str(path), max_w=320, max_h=240)
        finally:
            await loader.aclose()
        assert a is not None and (a.width(), a.height()) == (320, 180)
        assert b is not None and b.width() == 160
        assert c is None
        assert again is a  # cached
        assert loader.decoded == 2

    loop.run_until_complete(scenario())
    assert threads and all(name.startswith("images") for name in threads)
    assert threading.main_thread().name not in threads


def test_cache_holds_at_most_its_byte_budget_of_large_captures(loop: Any, tmp_path: Path) -> None:
    # a shift of 1080p captures shown in large lane windows: each decoded image is ~5.9 MB
    paths = []
    for i in range(12):
        path = tmp_path / f"cap{i}.jpg"
        path.write_bytes(_jpeg(1920, 1080))
        paths.append(path)

    async def scenario() -> None:
        loader = ImageLoader(cache_bytes=16 << 20)
        try:
            for path in paths:
                img = await loader.load(str(path), max_w=1920, max_h=1080)
                assert img is not None and img.sizeInBytes() == 1920 * 1080 * 4
                assert loader.cached_bytes <= 16 << 20
            # the newest ones are still served from the cache, the oldest were dropped
            assert await loader.load(str(paths[-1]), max_w=1920, max_h=1080) is not None
            assert loader.decoded == 12
            await loader.load(str(paths[0]), max_w=1920, max_h=1080)
            assert loader.decoded == 13
            # a single image larger than the budget is still returned (and kept alone)
            small = ImageLoader(cache_bytes=1 << 20)
            try:
                assert await small.load(str(paths[0]), max_w=1920, max_h=1080) is not None
                assert small.cached_bytes == 1920 * 1080 * 4
            finally:
                await small.aclose()
        finally:
            await loader.aclose()

    loop.run_until_complete(scenario())
