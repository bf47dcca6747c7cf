"""Replicas on one store for the digest's tests: each its own `Store` (connections and
holder) on a SQLite file or a PostgreSQL database, a controllable time, and a
`DigestService` per replica. Test modules import the fixtures they use."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from paperboy.app import digest_options, digest_store
from paperboy.config import Settings
from paperboy.core.library import Library
from paperboy.core.pacing import PostPacing
from paperboy.core.publishing import Publisher
from paperboy.digest.service import DigestService
from paperboy.store import Store, parse_location
from tests.digest.test_service import PAPERS, Jobs, Poster

LEASE = timedelta(seconds=60)


class FakeTime:
    """A clock and a sleep on it: a sleeper wakes when the test moves the time past its
    hour, so a test can tell exactly what happens before and after a lease expires."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []
        self._changed = asyncio.Event()

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        entry = (self.now + timedelta(seconds=seconds), asyncio.get_running_loop().create_future())
        self._sleepers.append(entry)
        self._changed.set()
        try:
            await entry[1]
        finally:
            if entry in self._sleepers:
                self._sleepers.remove(entry)
            self._changed.set()

    @property
    def sleeping(self) -> int:
        return len(self._sleepers)

    def sleeping_for(self, seconds: float) -> int:
        """How many sleep for `seconds` now (those who asked for that long)."""
        return sum(1 for wake, _ in self._sleepers if wake - self.now == timedelta(seconds=seconds))

    def advance(self, delta: timedelta) -> None:
        self.now += delta
        for entry in [e for e in self._sleepers if e[0] <= self.now]:
            self._sleepers.remove(entry)
            entry[1].set_result(None)

    async def until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(10):
            while not condition():
                self._changed.clear()
                await self._changed.wait()


async def open_replica(location: Path | str, holder: str) -> Store:
    where = parse_location(location) if isinstance(location, str) else location
    return await Store.open(where, holder=holder)


@pytest.fixture
async def replica_a(store_location: Path | str) -> AsyncIterator[Store]:
    async with await open_replica(store_location, "replica-a/1/aaaa") as opened:
        yield opened


@pytest.fixture
async def replica_b(store_location: Path | str, replica_a: Store) -> AsyncIterator[Store]:
    """A second process on the same store, as if on another host: its own connections
    and holder."""
    async with await open_replica(store_location, "replica-b/1/bbbb") as opened:
        yield opened


@pytest.fixture
def time() -> FakeTime:
    return FakeTime(datetime(2025, 3, 13, 9, 0, 30, tzinfo=UTC))


@pytest.fixture
async def library(replica_a: Store, time: FakeTime) -> Library:
    library = Library(replica_a.papers, changes=replica_a.changes, index_path=None)
    await library.open()
    await library.add_papers(PAPERS, at=time())
    return library


def replica(
    store: Store,
    library: Library,
    poster: Poster,
    time: FakeTime,
    *,
    pacing_sleep: Callable[[float], Awaitable[None]] | None = None,
    jobs: Any = None,
    weekly_jobs: Any = None,
) -> DigestService:
    """A replica's digests; with `pacing_sleep`, its posts into a channel are paced and
    each pause is that sleep (else they are not paced)."""
    publisher = Publisher(
        posts=store.posts,
        clock=time,
        pacing=PostPacing(
            channel_interval=0 if pacing_sleep is None else 1,
            rate=0,
            sleep=pacing_sleep or asyncio.sleep,
        ),
        posters=[poster],
    )
    options = dataclasses.replace(digest_options(Settings()), retry_seconds=0, claim_lease=LEASE)
    return DigestService(
        store=digest_store(store),
        topics=library,
        publisher=publisher,
        jobs=jobs or Jobs(),
        clock=time,
        options=options,
        lease_sleep=time.sleep,
        weekly_jobs=weekly_jobs,
    )
