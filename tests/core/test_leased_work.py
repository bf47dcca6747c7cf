"""Work one replica does for all (core/leased_work.py), on the real store's leases with a
clock and a renewal sleep the test drives."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import pytest

from paperboy.core.leased_work import LeasedWork
from paperboy.core.ports import StoreUnavailable
from paperboy.store import Store

TTL = timedelta(minutes=2)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Renewals:
    """The renewal sleep: each call records its length and waits until `step()`."""

    def __init__(self) -> None:
        self.lengths: list[float] = []
        self._go = asyncio.Semaphore(0)
        self.waiting = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.lengths.append(seconds)
        self.waiting.set()
        await self._go.acquire()
        self.waiting.clear()

    def go(self) -> None:
        """Let one renewal happen."""
        self._go.release()

    async def step(self) -> None:
        """Let one renewal happen and wait until the next sleep begins."""
        self.waiting.clear()
        self.go()
        await asyncio.wait_for(self.waiting.wait(), 5)


def worker(store: Store, clock: Clock, holder: str, sleep: Renewals) -> LeasedWork:
    return LeasedWork(leases=store.leases, holder=holder, clock=clock, ttl=TTL, sleep=sleep)


async def test_only_the_holder_works_it_renews_and_releases_and_others_skip_with_a_log_line(
    store: Store, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock(now)
    renewals = Renewals()
    a = worker(store, clock, "a", renewals)
    b = worker(store, clock, "b", Renewals())
    started, finish = asyncio.Event(), asyncio.Event()

    async def work() -> str:
        started.set()
        await finish.wait()
        return "done"

    caplog.set_level(logging.INFO, logger="paperboy.core.leased_work")
    running = asyncio.create_task(a.run("ingest", work))
    await started.wait()
    await asyncio.wait_for(renewals.waiting.wait(), 5)
    assert renewals.lengths == [TTL.total_seconds() / 3]
    assert await b.run("ingest", work) is None
    assert caplog.messages == ["ingest: another replica is doing it; skipped here"]
    # Renewed past the first lease's end, it is still a's: b skips again.
    clock.now = now + TTL * 0.9
    await renewals.step()
    clock.now = now + TTL * 1.5
    assert await b.run("ingest", work) is None
    finish.set()
    assert await running == "done"
    # Released at once: b gets it without waiting for an expiry.
    assert await b.run("ingest", _answer) == 42


async def _answer() -> int:
    return 42


async def test_a_lease_lost_while_working_is_logged(
    store: Store, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock(now)
    renewals = Renewals()
    leases = Watched(store)
    a = LeasedWork(leases=leases, holder="a", clock=clock, ttl=TTL, sleep=renewals)
    b = worker(store, clock, "b", Renewals())
    finish = asyncio.Event()

    async def work() -> str:
        await finish.wait()
        return "a's"

    running = asyncio.create_task(a.run("ingest", work))
    await asyncio.wait_for(renewals.waiting.wait(), 5)
    clock.now = now + TTL * 2  # a stalled past its lease: b takes it
    assert await b.run("ingest", _answer) == 42
    caplog.set_level(logging.INFO, logger="paperboy.core.leased_work")
    assert await store.leases.try_acquire("ingest", "b", now=clock.now, ttl=TTL)  # b again
    renewals.go()  # a's renewal finds the lease b's
    await asyncio.wait_for(leases.renewed.wait(), 5)
    await asyncio.sleep(0)  # its log line follows the renewal's answer
    assert caplog.messages == ["ingest: the lease expired while working; another may take it"]
    finish.set()
    assert await running == "a's"


class Watched:
    """The store's leases, telling when a renewal was answered."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.renewed = asyncio.Event()

    async def try_acquire(self, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
        return await self.store.leases.try_acquire(name, holder, now=now, ttl=ttl)

    async def renew(self, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
        try:
            return await self.store.leases.renew(name, holder, now=now, ttl=ttl)
        finally:
            self.renewed.set()

    async def release(self, name: str, holder: str) -> None:
        await self.store.leases.release(name, holder)


class FlakyLeases:
    """The store's leases, with renew and release failing as an unreachable store does."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def try_acquire(self, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
        return await self.store.leases.try_acquire(name, holder, now=now, ttl=ttl)

    async def renew(self, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
        raise StoreUnavailable("database is locked")

    async def release(self, name: str, holder: str) -> None:
        raise StoreUnavailable("database is locked")


async def test_a_store_failing_to_renew_or_release_is_logged_and_the_work_goes_on(
    store: Store, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    renewals = Renewals()
    work = LeasedWork(
        leases=FlakyLeases(store), holder="a", clock=Clock(now), ttl=TTL, sleep=renewals
    )
    finish = asyncio.Event()

    async def job() -> str:
        await finish.wait()
        return "done"

    caplog.set_level(logging.INFO, logger="paperboy.core.leased_work")
    running = asyncio.create_task(work.run("ingest", job))
    await asyncio.wait_for(renewals.waiting.wait(), 5)
    await renewals.step()  # a failed renewal: it sleeps and tries again
    assert len(renewals.lengths) == 2
    finish.set()
    assert await running == "done"
    assert caplog.messages == [
        "ingest: renewing its lease failed: database is locked",
        "ingest: releasing its lease failed: database is locked",
    ]
