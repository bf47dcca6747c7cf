"""A fake clock for the source clients: time moves only when they sleep."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from paperboy.sources.pacing import Timing


class FakeClock:
    """Time that moves only when the code under test sleeps; every sleep is recorded.

    `jitter` is what the client's random() returns, so backoff waits are exact.
    """

    def __init__(self, *, jitter: float = 1.0) -> None:
        self.monotonic_now = 1_000.0
        self.wall_now = datetime(2024, 3, 20, 12, 0, 0, tzinfo=UTC)
        self.sleeps: list[float] = []
        self.jitter = jitter

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.monotonic_now += seconds
        await asyncio.sleep(0)

    def timing(self) -> Timing:
        return Timing(
            sleep=self.sleep,
            monotonic=lambda: self.monotonic_now,
            now=lambda: self.wall_now,
            random=lambda: self.jitter,
        )
