"""Numeric limits the interface document sets on request fields (no models: cheap to import)."""

from __future__ import annotations

__all__ = ["CALLBACK_INTERVAL_MAX", "CALLBACK_INTERVAL_MIN"]

#: Limits of a callback kind's processing interval (``SetCallbackParams`` ``Interval``), in ms.
CALLBACK_INTERVAL_MIN = 200
CALLBACK_INTERVAL_MAX = 600_000
