"""PostPacing: at most one message per interval in a channel, and an even pace overall."""

from __future__ import annotations

import asyncio

import pytest

from paperboy.core.models import ChannelRef
from paperboy.core.pacing import PostPacing, Stopped

ONE = ChannelRef("slack", "T1", "C1")
TWO = ChannelRef("slack", "T1", "C2")


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def pacing(time: FakeTime, *, interval: float = 0.0, rate: float = 0.0) -> PostPacing:
    return PostPacing(channel_interval=interval, rate=rate, clock=time.clock, sleep=time.sleep)


async def shared_turn(pacing: PostPacing) -> None:
    async with pacing.turn():
        pass


async def test_callers_at_the_same_moment_are_served_one_interval_apart() -> None:
    time = FakeTime()
    spacing = PostPacing(
        channel_interval=0, rate=4, clock=time.clock, sleep=lambda s: _noop(s, time)
    )
    await asyncio.gather(*(shared_turn(spacing) for _ in range(4)))
    assert time.slept == [0.25, 0.5, 0.75]  # the first goes at once


async def _noop(seconds: float, time: FakeTime) -> None:
    time.slept.append(round(seconds, 6))


async def test_an_idle_spell_does_not_save_up_a_burst() -> None:
    time = FakeTime()
    spacing = pacing(time, rate=4)
    await shared_turn(spacing)
    time.now += 60
    await shared_turn(spacing)
    await shared_turn(spacing)
    assert time.slept == [0.25]


async def test_a_rate_under_one_a_second_spaces_turns_by_more_than_a_second() -> None:
    time = FakeTime()
    spacing = pacing(time, rate=0.5)
    await shared_turn(spacing)
    await shared_turn(spacing)
    assert time.slept == [2.0]


async def test_rate_zero_never_waits() -> None:
    time = FakeTime()
    spacing = pacing(time)
    for _ in range(100):
        async with spacing.turn(ONE):
            pass
    assert time.slept == []


async def test_a_channel_waits_its_interval_and_another_channel_does_not() -> None:
    time = FakeTime()
    paced = pacing(time, interval=1.0)
    async with paced.turn(ONE):
        pass
    async with paced.turn(TWO):
        pass
    assert time.slept == []
    time.now += 0.25
    async with paced.turn(ONE):
        pass
    assert time.slept == [0.75]


async def test_a_stop_while_waiting_for_the_turn_posts_nothing() -> None:
    paced = PostPacing(channel_interval=60.0, rate=0)
    async with paced.turn(ONE):
        pass
    stop = asyncio.Event()
    entered = False

    async def wait_turn() -> None:
        nonlocal entered
        async with paced.turn(ONE, stop=stop):
            entered = True

    waiting = asyncio.create_task(wait_turn())
    await asyncio.sleep(0)
    stop.set()
    with pytest.raises(Stopped):
        await waiting
    assert not entered


async def test_with_a_thousand_channels_one_posted_in_a_moment_ago_still_waits() -> None:
    """Past 1000 channels the pacing forgets the idle ones (60 intervals without a post);
    one that posted half an interval ago is not idle: its next message still waits."""
    time = FakeTime()
    spacing = pacing(time, interval=1.0)
    channels = [ChannelRef("slack", "T1", f"C{n}") for n in range(1000)]
    for channel in channels:
        async with spacing.turn(channel):
            pass
    time.now += 0.5
    async with spacing.turn(channels[0]):
        pass
    assert time.slept == [0.5]
