"""Hangs between the Qt loop, the server link and the pollers: stops that are lost, requests
that never end, lanes that stop polling."""

from __future__ import annotations

import asyncio
from typing import Any

from booth_console.app.lane import LaneController, PollTiming
from booth_console.app.snapshots import LaneInfo, LaneKind
from booth_console.protocol import models as m


class InstantClient:
    """Answers every lane poll at once, on the calling loop (no thread, no timing noise)."""

    def __init__(self) -> None:
        self.calls = 0

    async def get_lane_status(self, _lane_no: str) -> m.LaneStatus:
        self.calls += 1
        return m.LaneStatus.model_validate(
            {"GataStatus": 0, "GateLongOpen": 0, "GsStatus": 0, "IdCameraStatus": 1})

    async def get_lane_order(self, _lane_no: str) -> m.LaneOrder:
        self.calls += 1
        return m.LaneOrder.model_validate({"OrderNo": "", "ChargeMoney": 0})


def _lane(lane_no: str = "2") -> LaneInfo:
    return LaneInfo(lane_no=lane_no, name=f"Lane {lane_no}", kind=LaneKind.EXIT, charging=True)


async def _idle(ctl: LaneController) -> None:
    """Let the poller finish its first round and sit in its wait for the next one."""
    for _ in range(200):
        await asyncio.sleep(0)
        if ctl.polls >= 2:
            break
    for _ in range(5):
        await asyncio.sleep(0)


def test_stop_is_not_lost_when_a_refresh_wakes_the_lane_in_the_same_turn(loop: Any) -> None:
    """A callback's refresh and the stop arrive together: the stop still ends the poller.

    asyncio.wait_for on Python 3.11 returns the inner result when the task is cancelled in the
    turn the inner wait completes (CPython gh-86296): the cancel was swallowed, the lane went on
    polling and ``stop()`` (quit, the end of every test) waited for it forever. Each offset below
    puts the cancel at another step of the wake-up chain; one of them is that turn.
    """
    timing = PollTiming(status=30, status_busy=30, order=30, refresh_min=0)

    async def scenario() -> list[int]:
        hung = []
        for offset in range(6):
            ctl = LaneController(InstantClient(), _lane(), timing=timing)
            ctl.start()
            await _idle(ctl)
            ctl.request_refresh()  # a callback for this lane
            for _ in range(offset):
                await asyncio.sleep(0)
            task = ctl._task
            assert task is not None
            stop = asyncio.ensure_future(ctl.stop())
            done, _ = await asyncio.wait({stop}, timeout=2)
            if not done:
                hung.append(offset)
                task.cancel()  # clean up for the next round
                await asyncio.wait({stop}, timeout=2)
            assert task.done()
        return hung

    assert loop.run_until_complete(scenario()) == []


class HangingClient(InstantClient):
    """Answers until told to hang; then its requests never come back."""

    def __init__(self) -> None:
        super().__init__()
        self.hang = asyncio.Event()

    async def get_lane_order(self, lane_no: str) -> m.LaneOrder:
        if self.hang.is_set():
            await asyncio.get_running_loop().create_future()
        return await super().get_lane_order(lane_no)


def test_a_lane_whose_request_never_returns_shows_stale_then_fresh(loop: Any) -> None:
    """The freeze as the attendant saw it: the poller waits on a request that never ends and
    the light said "Online". Now the lane says it is stale (its own Qt timer, not the poller)."""
    timing = PollTiming(status=0.1, status_busy=0.1, order=0.1, stale_after=1.0)
    client = HangingClient()
    ctl = LaneController(client, _lane(), timing=timing)
    links: list[Any] = []
    ctl.link_changed.connect(links.append)

    async def scenario() -> None:
        ctl.start()
        await _idle(ctl)
        assert ctl.link.online and ctl.link.stale_s is None
        client.hang.set()
        for _ in range(40):
            await asyncio.sleep(0.1)
            if ctl.link.stale_s is not None:
                break
        assert ctl.link.stale_s is not None and ctl.link.stale_s >= 1.0
        assert ctl.stale_events == 1
        await ctl.stop()  # also while a request hangs
        client.hang.clear()
        ctl.start()
        for _ in range(40):
            await asyncio.sleep(0.05)
            if ctl.link.stale_s is None:
                break
        assert ctl.link.stale_s is None and ctl.link.online
        await ctl.stop()

    loop.run_until_complete(asyncio.wait_for(scenario(), 20))
    assert any(s.stale_s is not None for s in links)  # it was shown


def test_a_poller_that_ended_without_a_stop_is_started_again(loop: Any) -> None:
    timing = PollTiming(status=0.1, status_busy=0.1, order=0.1)
    client = InstantClient()
    ctl = LaneController(client, _lane(), timing=timing)

    async def scenario() -> None:
        ctl.start()
        await _idle(ctl)
        first = ctl._task
        assert first is not None
        first.cancel()  # as a cancelled request that was not a stop would have ended it
        for _ in range(60):
            await asyncio.sleep(0.05)
            if ctl._task is not None and ctl._task is not first and ctl.polls > 10:
                break
        assert ctl._task is not first and not ctl._task.done()  # type: ignore[union-attr]
        await ctl.stop()

    loop.run_until_complete(asyncio.wait_for(scenario(), 20))
