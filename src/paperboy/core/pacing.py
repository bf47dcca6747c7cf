"""Pacing posts into chat channels: one limiter for every message the bot posts.

Two limits, both kept by `PostPacing.turn`:
- a channel gets at most one message per `channel_interval` seconds, whoever posts
  it (a digest, a preview, a `show`): Slack allows about one a second per channel
  and answers bursts with 429, Discord limits each channel too;
- all channels together get at most `rate` messages a second, evenly spaced, so
  hundreds of channels due at the same minute do not post in lockstep (each burst
  held the event loop while people were searching, bench/load.py) and stay within
  the platforms' global limits (Slack: several hundred a minute per workspace;
  Discord: 50 requests a second per bot). An idle spell does not save up a burst.

A digest's start also takes a shared turn (`turn()` without a channel), so channels
due together start one after another.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from paperboy.core.models import ChannelRef

# Forget channels idle for this many intervals, so the table stays small.
_FORGET_AFTER = 60


class Stopped(Exception):
    """The wait for a turn was cut short by the caller's stop event: nothing was posted."""


class PostPacing:
    def __init__(
        self,
        *,
        channel_interval: float,
        rate: float,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.channel_interval = channel_interval
        self.rate = rate  # 0: no limit across channels
        self._clock = clock
        self._sleep = sleep
        self._next = float("-inf")
        self._locks: dict[ChannelRef, asyncio.Lock] = {}
        self._last: dict[ChannelRef, float] = {}

    def _now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    @asynccontextmanager
    async def turn(
        self, channel: ChannelRef | None = None, *, stop: asyncio.Event | None = None
    ) -> AsyncIterator[None]:
        """Hold a turn to post (into `channel`, when given): wait until the channel's
        interval has passed since its last message, then for the next shared turn.

        The channel's time is taken when the block ends, so a slow API call still
        counts. When `stop` is set while waiting, raises `Stopped` instead."""
        if channel is None:
            await self._wait(self._shared_delay(), stop)
            yield
            return
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            last = self._last.get(channel)
            if last is not None:
                await self._wait(last + self.channel_interval - self._now(), stop)
            await self._wait(self._shared_delay(), stop)
            try:
                yield
            finally:
                self._last[channel] = self._now()
        self._forget_idle()

    def _shared_delay(self) -> float:
        """Take the next shared turn: callers are served in the order they came."""
        if self.rate <= 0:
            return 0.0
        now = self._now()
        turn = max(now, self._next)
        self._next = turn + 1 / self.rate
        return turn - now

    async def _wait(self, seconds: float, stop: asyncio.Event | None) -> None:
        if stop is not None and stop.is_set():
            raise Stopped
        if seconds <= 0:
            return
        if stop is None:
            await self._sleep(seconds)
            return
        pause = asyncio.ensure_future(self._sleep(seconds))
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({pause, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not pause.done():  # stopped, or we ourselves were cancelled
                pause.cancel()
        if pause.done() and not (pause.cancelled() and stop.is_set()):
            pause.result()  # re-raise what the sleep raised (a cancellation included)
            return
        raise Stopped

    def _forget_idle(self) -> None:
        if len(self._last) < 1000:
            return
        horizon = self._now() - self.channel_interval * _FORGET_AFTER
        for channel, last in list(self._last.items()):
            lock = self._locks.get(channel)
            if last < horizon and (lock is None or not lock.locked()):
                del self._last[channel]
                self._locks.pop(channel, None)
