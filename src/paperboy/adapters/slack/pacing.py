"""At most one message into a channel per interval, whoever posts it.

Slack allows about one message a second per channel and answers bursts with 429.
The digest service already pauses between a digest's messages; this pacer also
covers every other path (a `digest` preview, `show`, two digests racing), so no
burst reaches Slack at all. Channels do not wait for each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

# Forget channels idle for this many intervals, so the table stays small.
_FORGET_AFTER = 60


class ChannelPacer:
    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}

    def _now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    @asynccontextmanager
    async def turn(self, channel: str) -> AsyncIterator[None]:
        """Hold the channel's turn: wait until `interval` has passed since its last message.

        The time is taken when the block ends, so a slow API call still counts."""
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            last = self._last.get(channel)
            if last is not None:
                wait = last + self.interval - self._now()
                if wait > 0:
                    await self._sleep(wait)
            try:
                yield
            finally:
                self._last[channel] = self._now()
        self._forget_idle()

    def _forget_idle(self) -> None:
        if len(self._last) < 1000:
            return
        horizon = self._now() - self.interval * _FORGET_AFTER
        for channel, last in list(self._last.items()):
            lock = self._locks.get(channel)
            if last < horizon and (lock is None or not lock.locked()):
                del self._last[channel]
                self._locks.pop(channel, None)
