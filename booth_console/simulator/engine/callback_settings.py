"""The callback table (SetCallbackParams), the lane list callback and RetryCallback; the
pusher that delivers callbacks is :mod:`booth_console.simulator.pusher`."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from booth_console.protocol.limits import CALLBACK_INTERVAL_MAX, CALLBACK_INTERVAL_MIN
from booth_console.protocol.timefmt import format_time
from booth_console.simulator import lot
from booth_console.simulator.engine.params import as_object, object_list, req_int, req_text
from booth_console.simulator.engine.state import BusinessError, EngineState
from booth_console.simulator.pusher import CallbackTarget
from booth_console.simulator.store import ROUTES, ParamError, parse_time

__all__ = ["CallbackSettings"]

#: RetryCallback may be called once in this long (simulated clock)
RETRY_WINDOW = timedelta(minutes=30)


class CallbackSettings(EngineState):
    """Which callbacks go where, and re-pushing failed ones."""

    def set_callback_params(self, data: Any) -> str:
        targets: list[CallbackTarget] = []
        seen: set[int] = set()
        for i, item in enumerate(object_list(data, "Data", "Index, Url, Interval", required=True)):
            try:
                index = req_int(item, "Index")
                interval = req_int(item, "Interval")
                url = req_text(item, "Url", required=False) or ""
            except ParamError as exc:
                raise ParamError(f"Data[{i}].{exc}") from None
            if not 0 <= index <= 10:
                raise ParamError(f"Data[{i}].Index must be a CallbackInterfaceEnum number 0-10")
            if index in seen:
                raise ParamError(f"Data[{i}].Index {index} is listed twice")
            seen.add(index)
            if not CALLBACK_INTERVAL_MIN <= interval <= CALLBACK_INTERVAL_MAX:
                raise ParamError(f"Data[{i}].Interval must be between {CALLBACK_INTERVAL_MIN} "
                                 f"and {CALLBACK_INTERVAL_MAX} ms")
            url = url.strip()
            if (url and not (url.lower().startswith("http://") or
                            url.lower().startswith("https://"))) or len(url) > 2000:
                raise ParamError(f"Data[{i}].Url must be an http:// or https:// address")
            targets.append(CallbackTarget(index, url, interval))
        self.pusher.configure(targets)
        if 10 in self.pusher.targets:
            self.lane_change_callback()
        return "Operation successfully"

    def lane_change_callback(self) -> None:
        rows = self.store.all('SELECT * FROM "Lane" ORDER BY Uid')
        spec = ROUTES["lane"]
        lanes = []
        for r in rows:
            rec = self.store.record(spec, r)
            rec.pop("SentryHostNo", None)
            lanes.append(rec)
        self.pusher.enqueue(10, {"SentryHostNo": lot.BOOTH_NO, "Lanes": lanes})

    def retry_callback(self, data: Any) -> str:
        d = as_object(data)
        start = parse_time(req_text(d, "StartTime"), "StartTime")
        end = parse_time(req_text(d, "EndTime"), "EndTime")
        if end < start:
            raise ParamError("EndTime must not be before StartTime")
        indexes: list[int] = []
        for i, t in enumerate(object_list(d.get("RefreshTypes"), "RefreshTypes", "Index")):
            index = req_int(t, "Index")
            if not 0 <= index <= 10:
                raise ParamError(f"RefreshTypes[{i}].Index must be 0-10")
            indexes.append(index)
        now = self.now()
        if self.last_retry is not None and now - self.last_retry < RETRY_WINDOW:
            wait = RETRY_WINDOW - (now - self.last_retry)
            raise BusinessError(f"Failed callbacks can be re-pulled only once every 30 minutes "
                                f"(try again in {max(1, math.ceil(wait.total_seconds() / 60))} min)")
        self.last_retry = now
        count = self.pusher.retry_failed(format_time(start) or "", format_time(end) or "", indexes)
        return f"Re-pull failed callback business data successfully {count}"

