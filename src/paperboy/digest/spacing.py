"""Spacing digest messages out across every channel.

Each channel's digest already pauses between its own messages, but hundreds of
channels subscribed for the same minute still post in lockstep: a burst of one
message per channel every second. Each burst holds the event loop while people
are searching (their answers slowed by half in bench/load.py), and it runs
into the platforms' limits (Slack: several hundred messages a minute per
workspace; Discord: 50 requests a second per bot). A steady trickle at `rate`
turns a second, shared by all channels, avoids both; a turn is one message,
or the start of a channel's run (the runner takes one before reading papers).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class PostSpacing:
    """Hands out evenly spaced times to post; `rate` 0 means no limit."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._next = float("-inf")

    async def wait(self) -> None:
        """Return at this caller's turn: callers are served in the order they came,
        at most `rate` a second, and an idle spell does not save up a burst."""
        if self.rate <= 0:
            return
        now = self._clock() if self._clock is not None else asyncio.get_running_loop().time()
        turn = max(now, self._next)
        self._next = turn + 1 / self.rate
        if turn > now:
            await self._sleep(turn - now)
