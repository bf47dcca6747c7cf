"""A subscription made, moved, paused or removed through one replica is scheduled (or
unscheduled) by every replica at its next sync: the store is the truth, each process's
timer follows it. On SQLite and PostgreSQL; the sync's period is a controllable tick."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import time as time_of_day
from typing import Any

import pytest

from paperboy.core.library import Library
from paperboy.core.ports import StoreUnavailable
from paperboy.digest.jobs_in_step import JobsInStep
from paperboy.store import Store
from tests.digest.replicas import FakeTime, library, replica, replica_a, replica_b, time
from tests.digest.test_service import ADMIN, CHANNEL, OTHER, Poster
from tests.specs import spec, weekly
from tests.store.conftest import migrated_template, store_location

# The fixtures this module takes from others.
__all__ = ["library", "migrated_template", "replica_a", "replica_b", "store_location", "time"]


@dataclass
class Timer:
    """A replica's timer: its jobs by key, each fired when the test says."""

    jobs: dict[Hashable, tuple[Any, Callable[[Any], Awaitable[None]]]] = field(default_factory=dict)

    def schedule(self, item: Any, run: Callable[[Any], Awaitable[None]]) -> None:
        key = getattr(item, "channel", None) or item.user
        self.jobs[key] = (item, run)

    def unschedule(self, key: Hashable) -> None:
        self.jobs.pop(key, None)

    def at(self, key: Hashable) -> time_of_day | None:
        return self.jobs[key][0].time if key in self.jobs else None

    async def fire(self, key: Hashable) -> None:
        await self.jobs[key][1](key)


class Ticks:
    """The sync loop's sleep: each ends when the test ticks."""

    def __init__(self) -> None:
        self.calls = 0
        self.seconds: list[float] = []
        self._tick = asyncio.Event()
        self._changed = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.calls += 1
        self.seconds.append(seconds)
        self._changed.set()
        await self._tick.wait()
        self._tick.clear()

    async def _until(self, calls: int) -> None:
        async with asyncio.timeout(10):
            while self.calls < calls:
                self._changed.clear()
                await self._changed.wait()

    async def tick(self) -> None:
        """Let the loop sync once, and wait until it is asleep again."""
        await self._until(1)
        calls = self.calls
        self._tick.set()
        await self._until(calls + 1)


async def test_a_subscription_made_through_one_replica_is_scheduled_and_posted_once_by_all(
    replica_a: Store, replica_b: Store, library: Library, time: FakeTime
) -> None:
    timer_a, timer_b = Timer(), Timer()
    poster_a, poster_b = Poster(), Poster()
    digests_a = replica(replica_a, library, poster_a, time, jobs=timer_a)
    digests_b = replica(replica_b, library, poster_b, time, jobs=timer_b)
    await digests_a.start()
    await digests_b.start()
    ticks = Ticks()
    following = asyncio.create_task(digests_b.keep_in_step(every=30, sleep=ticks))
    try:
        await ticks.tick()
        await digests_a.subscribe(ADMIN, spec("09:00 UTC papers:3"))
        assert CHANNEL in timer_a.jobs
        assert CHANNEL not in timer_b.jobs  # until B's next sync
        await ticks.tick()
        assert timer_b.at(CHANNEL) == time_of_day(9, 0)

        # Both timers fire: the digest is posted once.
        await timer_b.fire(CHANNEL)
        await timer_a.fire(CHANNEL)
        papers = poster_a.papers(CHANNEL) + poster_b.papers(CHANNEL)
        assert papers == ["2503.00001", "2503.00002", "2503.00003"]

        await digests_a.subscribe(ADMIN, spec("10:30 UTC"))  # moved
        await ticks.tick()
        assert timer_b.at(CHANNEL) == time_of_day(10, 30)

        await digests_a.unsubscribe(ADMIN)
        await ticks.tick()
        assert CHANNEL not in timer_b.jobs
        assert set(ticks.seconds) == {30}
    finally:
        following.cancel()


async def test_a_sync_that_fails_is_logged_and_the_next_one_catches_up(
    replica_a: Store,
    replica_b: Store,
    library: Library,
    time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    timer_b = Timer()
    digests_a = replica(replica_a, library, Poster(), time, jobs=Timer())
    digests_b = replica(replica_b, library, Poster(), time, jobs=timer_b)
    subscriptions = replica_b.subscriptions
    read = subscriptions.active
    failures = [StoreUnavailable("database is locked")]

    async def active() -> Any:
        if failures:
            raise failures.pop()
        return await read()

    subscriptions.active = active  # type: ignore[method-assign]
    await digests_a.subscribe(ADMIN, spec("09:00 UTC"))
    ticks = Ticks()
    caplog.set_level(logging.INFO, logger="paperboy.digest")
    following = asyncio.create_task(digests_b.keep_in_step(every=30, sleep=ticks))
    try:
        await ticks.tick()
        assert timer_b.jobs == {}
        [failed] = caplog.records
        assert failed.getMessage() == "bringing the digest jobs in step with the store failed"
        assert failed.exc_info is not None
        await ticks.tick()
        assert timer_b.at(CHANNEL) == time_of_day(9, 0)
    finally:
        following.cancel()


async def test_a_subscription_paused_or_made_elsewhere_follows_at_the_next_sync(
    replica_a: Store,
    replica_b: Store,
    library: Library,
    time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    timer_a, timer_b = Timer(), Timer()
    weekly_a, weekly_b = Timer(), Timer()
    poster_a = Poster()
    digests_a = replica(replica_a, library, poster_a, time, jobs=timer_a, weekly_jobs=weekly_a)
    digests_b = replica(replica_b, library, Poster(), time, jobs=timer_b, weekly_jobs=weekly_b)
    other = dataclasses.replace(ADMIN, channel=OTHER)
    await digests_b.subscribe(ADMIN, spec("09:00 UTC"))
    await digests_b.subscribe(other, spec("09:00 UTC"))
    await digests_a.start()  # A starts after both: it has them
    assert set(timer_a.jobs) == {CHANNEL, OTHER}

    # B's digest into OTHER failed until it paused: A stops its job too.
    await replica_b.subscriptions.record_failure(OTHER, pause_after=1, at=time())
    await digests_b.subscribe_weekly(ADMIN, weekly("weekly friday 16:00 UTC"))
    caplog.set_level(logging.INFO, logger="paperboy.digest")
    await digests_a.sync()
    assert set(timer_a.jobs) == {CHANNEL}
    assert weekly_a.at(CHANNEL) == time_of_day(16, 0)
    assert caplog.messages == [
        "subscriptions changed elsewhere: 0 digests scheduled, 1 unscheduled",
        "weekly lists changed elsewhere: 1 scheduled, 0 unscheduled",
    ]
    caplog.clear()
    await weekly_a.fire(CHANNEL)  # A's weekly job posts the list (of last Friday)
    assert poster_a.headers(CHANNEL) == [
        "Nobody here saved a paper from my posts in the last 7 days. React with 🔖 to a "
        "paper I post (or press Save) to save it."
    ]

    # What A itself schedules meanwhile is not undone by an older read.
    await digests_a.subscribe(other, spec("08:00 UTC"))
    await digests_a.sync()
    assert timer_a.at(OTHER) == time_of_day(8, 0)
    await digests_b.unsubscribe(ADMIN, "top")
    caplog.clear()
    await digests_a.sync()
    assert weekly_a.jobs == {}
    assert caplog.messages == ["weekly lists changed elsewhere: 0 scheduled, 1 unscheduled"]


async def test_a_change_made_here_while_the_store_was_read_is_not_undone() -> None:
    """The read is older than the local change: the local change stands."""
    timer = Timer()

    @dataclass(frozen=True)
    class Item:
        channel: str
        time: time_of_day

    async def run(key: Any) -> None:
        return None

    in_step: JobsInStep[str, Item] = JobsInStep(
        timer, key=lambda item: item.channel, timing=lambda item: item.time
    )
    in_step.schedule(Item("gone", time_of_day(9)), run)

    async def read_while_one_is_subscribed_and_one_removed() -> list[Item]:
        snapshot = [Item("gone", time_of_day(9))]
        in_step.schedule(Item("new", time_of_day(7)), run)  # subscribed here meanwhile
        in_step.unschedule("gone")  # and unsubscribed here
        return snapshot

    added, removed = await in_step.sync(read_while_one_is_subscribed_and_one_removed, run)
    assert (added, removed) == ([], [])
    assert set(timer.jobs) == {"new"}
