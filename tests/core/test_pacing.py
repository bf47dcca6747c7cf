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


async def test_a_turn_with_a_stop_that_is_not_set_waits_and_posts() -> None:
    time = FakeTime()
    paced = pacing(time, interval=1.0)
    stop = asyncio.Event()
    async with paced.turn(ONE, stop=stop):
        pass
    entered = False
    async with paced.turn(ONE, stop=stop):
        entered = True
    assert entered
    assert time.slept == [1.0]


async def test_a_wait_that_ends_as_the_stop_comes_still_posts() -> None:
    time = FakeTime()
    stop = asyncio.Event()

    async def sleep_until_stopped(seconds: float) -> None:
        await time.sleep(seconds)
        stop.set()  # the stop comes in the same moment the wait is over

    paced = PostPacing(channel_interval=0, rate=1.0, clock=time.clock, sleep=sleep_until_stopped)
    async with paced.turn(stop=stop):
        pass
    entered = False
    async with paced.turn(stop=stop):
        entered = True
    assert entered
    assert time.slept == [1.0]


async def test_a_stop_cancels_the_sleep_it_interrupts() -> None:
    cancelled = asyncio.Event()

    async def sleep(seconds: float) -> None:
        try:
            await asyncio.Event().wait()  # longer than the test
        except asyncio.CancelledError:
            cancelled.set()
            raise

    time = FakeTime()
    paced = PostPacing(channel_interval=60.0, rate=0, clock=time.clock, sleep=sleep)
    async with paced.turn(ONE):
        pass
    stop = asyncio.Event()

    async def wait_turn() -> None:
        async with paced.turn(ONE, stop=stop):
            pass

    waiting = asyncio.create_task(wait_turn())
    await asyncio.sleep(0)
    stop.set()
    with pytest.raises(Stopped):
        await waiting
    await asyncio.wait_for(cancelled.wait(), timeout=1)


async def test_with_a_thousand_channels_those_posted_in_this_interval_are_remembered() -> None:
    """The thousandth channel's post forgets only the channels idle for 60 intervals."""
    time = FakeTime()
    spacing = pacing(time, interval=1.0)
    channels = [ChannelRef("slack", "T1", f"C{n}") for n in range(1000)]
    for channel in channels[:-1]:
        async with spacing.turn(channel):
            pass
    time.now += 0.5
    async with spacing.turn(channels[-1]):
        pass
    async with spacing.turn(channels[0]):
        pass
    assert time.slept == [0.5]


async def test_an_idle_channel_posting_while_others_are_forgotten_keeps_its_turn() -> None:
    """A channel idle for 60 intervals is forgotten past 1000 channels, but not while a
    post there is under way: a second post waits for the first and its interval."""
    time = FakeTime()
    spacing = pacing(time, interval=1.0)
    channels = [ChannelRef("slack", "T1", f"C{n}") for n in range(1000)]
    for channel in channels[:-1]:
        async with spacing.turn(channel):
            pass
    time.now += 120
    inside: list[str] = []
    release = asyncio.Event()

    async def post(name: str) -> None:
        async with spacing.turn(channels[0]):
            inside.append(name)
            if name == "first":
                await release.wait()
            inside.append(f"{name} done")

    first = asyncio.create_task(post("first"))
    await asyncio.sleep(0)
    assert inside == ["first"]
    async with spacing.turn(channels[-1]):  # the thousandth channel: idle ones are forgotten
        pass
    second = asyncio.create_task(post("second"))
    await asyncio.sleep(0)
    assert inside == ["first"]  # the second waits for the first
    release.set()
    await asyncio.gather(first, second)
    assert inside == ["first", "first done", "second", "second done"]
    assert time.slept == [1.0]
