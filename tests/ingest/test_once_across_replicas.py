"""Replicas on one store fetch papers once for all: the one that holds the ingest's lease
fetches, the others skip (and see the papers through the store). On SQLite and
PostgreSQL, against the loopback paper source."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from paperboy.app import INGEST_LEASE
from paperboy.core.leased_work import LeasedWork
from paperboy.core.library import Library
from paperboy.sources.http import RetryPolicy
from paperboy.sources.huggingface import HuggingFaceClient
from paperboy.sources.ingest import IngestService
from paperboy.store import Store
from tests.digest.replicas import FakeTime, open_replica, replica_a, replica_b, time
from tests.simulators.sources.clock import FakeClock
from tests.simulators.sources.fixtures import sample_day
from tests.simulators.sources.servers import PaperSourceSimulator
from tests.store.conftest import migrated_template, store_location

# The fixtures this module takes from others.
__all__ = ["migrated_template", "replica_a", "replica_b", "store_location", "time"]

TTL = timedelta(minutes=2)


@pytest.fixture
async def ingest_a(
    sources: PaperSourceSimulator, replica_a: Store, time: FakeTime
) -> AsyncIterator[tuple[IngestService, LeasedWork]]:
    async with replica_ingest(sources, replica_a, time) as pair:
        yield pair


@pytest.fixture
async def ingest_b(
    sources: PaperSourceSimulator, replica_b: Store, time: FakeTime
) -> AsyncIterator[tuple[IngestService, LeasedWork]]:
    async with replica_ingest(sources, replica_b, time) as pair:
        yield pair


@asynccontextmanager
async def replica_ingest(
    sources: PaperSourceSimulator, store: Store, time: FakeTime
) -> AsyncIterator[tuple[IngestService, LeasedWork]]:
    """A replica's ingest (its own client, library and store) and its leased work."""
    client = HuggingFaceClient(
        sources.huggingface_url,
        retry=RetryPolicy(attempts=1, base_delay=0.0, max_delay=0.0),
        timing=FakeClock().timing(),
    )
    async with client:
        library = Library(store.papers, changes=store.changes, index_path=None)
        await library.open()
        ingest = IngestService(
            source=client,
            library=library,
            ingest_log=store.ingest_log,
            clock=time,
            catch_up_days=3,
        )
        yield (
            ingest,
            LeasedWork(
                leases=store.leases, holder=store.holder, clock=time, ttl=TTL, sleep=time.sleep
            ),
        )


async def test_two_replicas_catching_up_at_once_fetch_each_day_once(
    sources: PaperSourceSimulator,
    ingest_a: tuple[IngestService, LeasedWork],
    ingest_b: tuple[IngestService, LeasedWork],
    replica_b: Store,
    time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    today = time().date()
    for back in range(4):
        day = today - timedelta(days=back)
        sources.huggingface.set_day(day, sample_day(day))
    (ingest, once_a), (other, once_b) = ingest_a, ingest_b
    caplog.set_level(logging.INFO, logger="paperboy.core.leased_work")
    results = await asyncio.gather(
        once_a.run(INGEST_LEASE, ingest.catch_up), once_b.run(INGEST_LEASE, other.catch_up)
    )
    assert sorted(result is None for result in results) == [False, True]
    fetched = [r.query.get("date") for r in sources.requests_to("huggingface")]
    assert len(fetched) == len(set(fetched)) == 4, fetched  # 3 days back and today, once
    assert "ingest: another replica is doing it; skipped here" in caplog.messages
    # The replica that skipped has the papers through the store.
    ids = {
        item["paper"]["id"]
        for back in range(4)
        for item in sample_day(today - timedelta(days=back))
    }
    assert await replica_b.papers.count() == len(ids)
    # Done: the lease is free again, for the next daily run of whichever replica.
    assert await once_b.run(INGEST_LEASE, other.refresh_recent) is not None


async def test_a_replica_working_longer_than_the_lease_keeps_it_and_a_dead_one_loses_it(
    replica_a: Store, replica_b: Store, store_location: Path | str, time: FakeTime
) -> None:
    working = LeasedWork(
        leases=replica_a.leases, holder=replica_a.holder, clock=time, ttl=TTL, sleep=time.sleep
    )
    waiting = LeasedWork(
        leases=replica_b.leases, holder=replica_b.holder, clock=time, ttl=TTL, sleep=time.sleep
    )
    done = asyncio.Event()
    ran: list[str] = []

    async def long_work() -> str:
        await done.wait()
        return "a"

    async def work_b() -> str:
        ran.append("b")
        return "b"

    running = asyncio.create_task(working.run(INGEST_LEASE, long_work))
    await time.until(lambda: time.sleeping == 1)  # its renewal
    for _ in range(6):  # two leases' worth of time
        time.advance(TTL / 3)
        await time.until(lambda: time.sleeping == 1)
        assert await waiting.run(INGEST_LEASE, work_b) is None
    running.cancel()  # killed: as if nothing of it ran any more ...
    with pytest.raises(asyncio.CancelledError):
        await running
    assert ran == []
    # ... a kill releases nothing; here the cancelled task released the lease, so take
    # it as another process that died holding it and let it expire.
    async with await open_replica(store_location, "replica-c/1/cccc") as dying:
        assert await dying.leases.try_acquire(INGEST_LEASE, dying.holder, now=time(), ttl=TTL)
    assert await waiting.run(INGEST_LEASE, work_b) is None
    time.advance(TTL)
    assert await waiting.run(INGEST_LEASE, work_b) == "b"
