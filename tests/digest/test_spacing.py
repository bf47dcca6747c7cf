"""PostSpacing: digest messages across all channels, evenly spaced."""

from __future__ import annotations

import asyncio

from paperboy.digest.spacing import PostSpacing


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


async def test_callers_at_the_same_moment_are_served_one_interval_apart() -> None:
    time = FakeTime()
    spacing = PostSpacing(4, clock=time.clock, sleep=time.sleep)
    await asyncio.gather(*(spacing.wait() for _ in range(4)))
    assert time.slept == [0.25, 0.5, 0.75]  # the first goes at once


async def test_an_idle_spell_does_not_save_up_a_burst() -> None:
    time = FakeTime()
    spacing = PostSpacing(4, clock=time.clock, sleep=time.sleep)
    await spacing.wait()
    time.now += 60
    await spacing.wait()
    await spacing.wait()
    assert time.slept == [0.25]


async def test_rate_zero_never_waits() -> None:
    time = FakeTime()
    spacing = PostSpacing(0, clock=time.clock, sleep=time.sleep)
    for _ in range(100):
        await spacing.wait()
    assert time.slept == []
