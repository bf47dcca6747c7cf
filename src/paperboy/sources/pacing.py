"""Time, as the source clients see it, and the polite rate limiter.

Everything that waits or reads a clock goes through a `Timing`, so tests can
hand in a fake one and check the waits without spending them.
"""

from __future__ import annotations

import asyncio
import random
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Timing:
    """The clocks, the sleep and the randomness a client uses.

    `monotonic` measures intervals, `now` (timezone-aware) reads HTTP dates
    such as `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`, `random` returns a
    float in [0, 1) for backoff jitter.
    """

    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = _utc_now
    random: Callable[[], float] = field(default_factory=lambda: random.Random().random)


class RateLimiter:
    """One request at a time, and at least `min_interval` seconds between them.

    The interval is counted from the end of one request to the start of the
    next, which is the stricter reading of "one request every 3 seconds".
    """

    def __init__(self, min_interval: float, *, timing: Timing) -> None:
        if min_interval < 0:
            raise ValueError(f"min_interval must be >= 0, got {min_interval}")
        self._min_interval = min_interval
        self._timing = timing
        self._lock = asyncio.Lock()
        self._last_done: float | None = None

    @property
    def min_interval(self) -> float:
        return self._min_interval

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for our turn, hold it while the body runs, then start the interval."""
        async with self._lock:
            if self._last_done is not None:
                wait = self._last_done + self._min_interval - self._timing.monotonic()
                if wait > 0:
                    await self._timing.sleep(wait)
            try:
                yield
            finally:
                self._last_done = self._timing.monotonic()
