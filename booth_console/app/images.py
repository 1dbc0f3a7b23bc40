"""Capture images: fetched on the asyncio loop, decoded and scaled on worker threads.

Decoding a 1080p JPEG and then scaling costs 15-20 ms on the GUI thread (docs/ARCHITECTURE.md, traps), so the
bytes are decoded with ``QImageReader.setScaledSize`` on this module's own thread pool and only
the small ``QImage`` comes back. ``QImage`` (unlike ``QPixmap``) may be made off the GUI thread.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import concurrent.futures
import contextlib
import logging
from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize
from PySide6.QtGui import QImage, QImageReader

__all__ = ["ImageLoader", "decode_image"]

log = logging.getLogger("booth_console.images")


def decode_image(data: bytes, max_w: int, max_h: int) -> QImage:
    """Decode ``data`` scaled (keeping its aspect ratio) to fit ``max_w`` x ``max_h``.

    Runs on any thread. Returns a null QImage when the bytes are not an image.
    """
    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buf)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > max_w or size.height() > max_h):
        reader.setScaledSize(size.scaled(QSize(max_w, max_h), _keep_aspect()))
    image = reader.read()
    buf.close()
    return image


def _keep_aspect() -> Any:
    from PySide6.QtCore import Qt

    return Qt.AspectRatioMode.KeepAspectRatio


def _decode_any(raw: bytes, max_w: int, max_h: int) -> QImage:
    """:func:`decode_image` of raw image bytes or of their Base64 text (callback images carry
    Base64; decoding a camera frame's worth of it is work for the worker, not the Qt thread)."""
    if not raw.startswith((b"\xff\xd8", b"\x89PNG", b"BM", b"GIF")):
        with contextlib.suppress(binascii.Error, ValueError):
            raw = base64.b64decode(raw, validate=False)
    return decode_image(raw, max_w, max_h)


def _read_source(source: str) -> bytes:
    if source.startswith("data:"):
        return base64.b64decode(source.split(",", 1)[1])
    return Path(source).read_bytes()


def _write_copy(raw: bytes, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


class ImageLoader(QObject):
    """Loads images by URL, file path or bytes; caches the decoded results.

    Args:
        http: an ``httpx.AsyncClient`` (made here when not given; then closed by :meth:`aclose`).
        workers: decoding threads.
        cache: most images kept decoded.
        cache_bytes: most bytes of decoded pixels kept (oldest dropped first). Images are
            decoded at the size of the view that shows them: on a booth PC with large lane
            windows one capture is megabytes, and a cache bounded by count only held the
            last 64 of them (hundreds of MB) after the first hour of a shift.
    """

    def __init__(self, http: Any = None, *, workers: int = 2, cache: int = 64,
                 cache_bytes: int = 16 << 20, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if http is None:
            # made now, at start-up: making an httpx client loads the TLS certificates (tens
            # of ms), which must not happen on the Qt thread at the first capture of a shift
            import httpx

            http = httpx.AsyncClient(timeout=5.0)
            self._own_http = True
        else:
            self._own_http = False
        self._http = http
        self._pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="images")
        self._cache: OrderedDict[tuple[str, int, int], QImage] = OrderedDict()
        self._cache_size = cache
        self._cache_budget = cache_bytes
        self._cache_bytes = 0
        self.decoded = 0

    def __repr__(self) -> str:
        return (f"<ImageLoader cached={len(self._cache)} ({self._cache_bytes >> 10} KiB) "
                f"decoded={self.decoded}>")

    async def _fetch(self, url: str) -> bytes:
        if self._http is None:
            raise RuntimeError("the image loader is closed")
        resp = await self._http.get(url)
        resp.raise_for_status()
        return bytes(resp.content)

    async def load(self, source: str = "", data: bytes = b"", max_w: int = 640,
                   max_h: int = 480) -> QImage | None:
        """The image from ``data`` (raw or Base64) or ``source`` (URL or file), or ``None``."""
        key = (source or f"bytes:{hash(data)}", max_w, max_h)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        loop = asyncio.get_running_loop()
        try:
            if data:
                raw = data
            elif source.startswith(("http://", "https://")):
                raw = await self._fetch(source)
            elif source:
                raw = await loop.run_in_executor(self._pool, _read_source, source)
            else:
                return None
            image = await loop.run_in_executor(self._pool, _decode_any, raw, max_w, max_h)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("cannot load image %s: %s", source[:80] or "<bytes>", exc)
            return None
        if image.isNull():
            return None
        self.decoded += 1
        self._cache[key] = image
        self._cache_bytes += image.sizeInBytes()
        while len(self._cache) > 1 and (len(self._cache) > self._cache_size
                                        or self._cache_bytes > self._cache_budget):
            _key, old = self._cache.popitem(last=False)
            self._cache_bytes -= old.sizeInBytes()
        return image

    async def keep(self, source: str, folder: Path, name: str) -> Path | None:
        """Keep a copy of the capture ``source`` (URL or file) as ``folder``/``name`` plus its
        suffix, read and written on the worker threads (evidence kept beside a journal row).
        ``None`` when it cannot be read or written (the reason is logged)."""
        loop = asyncio.get_running_loop()
        try:
            if source.startswith(("http://", "https://")):
                raw = await self._fetch(source)
            else:
                raw = await loop.run_in_executor(self._pool, _read_source, source)
            suffix = Path(source.split("?", 1)[0]).suffix.lower()
            if suffix not in (".jpg", ".jpeg", ".png", ".bmp"):
                suffix = ".jpg"
            return await loop.run_in_executor(self._pool, _write_copy, raw, folder / (name + suffix))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("cannot keep capture %s: %s", source[:80], exc)
            return None

    @property
    def cached_bytes(self) -> int:
        """Bytes of decoded pixels held by the cache."""
        return self._cache_bytes

    async def aclose(self) -> None:
        """Close the HTTP client (if ours) and drop the worker threads without waiting."""
        if self._own_http and self._http is not None:
            await self._http.aclose()
            self._http = None
        self._pool.shutdown(wait=False, cancel_futures=True)
