"""Event-loop lag: how late the loop runs a timer that is due.

A task asks to wake after `interval`; whatever it wakes later than that is time the
loop spent on something else without yielding (a blocking call, a long computation
on the loop). Healthy is well under a millisecond.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 1.0


class LoopLag:
    """Started and stopped by the composition root (`start`, `aclose`, paired)."""

    def __init__(
        self,
        observe: Callable[[float], None],
        *,
        interval: float = INTERVAL_SECONDS,
        now: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`now` is the loop's monotonic clock unless given (with `sleep`, for tests)."""
        self._observe = observe
        self._interval = interval
        self._now = now
        self._sleep = sleep
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="loop-lag")

    async def aclose(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def measure_once(self) -> float:
        """Sleep one interval; observe and return how much later than asked it woke."""
        now = self._now or asyncio.get_running_loop().time
        before = now()
        await self._sleep(self._interval)
        lag = max(0.0, now() - before - self._interval)
        self._observe(lag)
        return lag

    async def _run(self) -> None:
        while True:
            await self.measure_once()
