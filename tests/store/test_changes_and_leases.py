"""The store's primitives for many processes, on both databases: the change sequence of
paper writes, named leases, and digest-run claims that a live holder keeps."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from paperboy.core.models import ChannelRef, Paper
from paperboy.store import Store, parse_location
from paperboy.store.digests import CLAIM_LEASE

PAPER = Paper(id="2403.00001", title="A Paper", abstract="An abstract.", upvotes=1)
CHANNEL = ChannelRef("slack", "T1", "C1")
DAY = date(2025, 3, 20)
TTL = timedelta(minutes=1)


def papers(count: int, *, prefix: str = "2403") -> list[Paper]:
    return [dataclasses.replace(PAPER, id=f"{prefix}.{n:05d}") for n in range(count)]


@pytest.fixture
async def other(store: Store, store_location: Path | str) -> AsyncIterator[Store]:
    """A second process on the same store, as if on another host: its own engine,
    connections and holder."""
    location = parse_location(store_location) if isinstance(store_location, str) else store_location
    async with await Store.open(location, holder="replica-2/1/beef") as opened:
        yield opened


async def test_every_write_of_a_paper_takes_the_next_change_in_order(
    store: Store, now: datetime
) -> None:
    assert await store.papers.latest_change() == 0
    first, second = papers(2)
    await store.papers.upsert([first, second], at=now)
    await store.papers.upsert([dataclasses.replace(first, upvotes=7)], at=now)
    changes = await store.papers.changes_since(0, limit=10)
    assert [paper.id for _, paper in changes] == [second.id, first.id]  # first: its last write
    sequences = [seq for seq, _ in changes]
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 2
    assert await store.papers.latest_change() == sequences[-1]
    assert changes[-1][1].upvotes == 7
    after = await store.papers.changes_since(sequences[0], limit=10)
    assert [paper.id for _, paper in after] == [first.id]


async def test_a_write_that_changes_nothing_takes_no_change(store: Store, now: datetime) -> None:
    await store.papers.upsert(papers(3), at=now)
    latest = await store.papers.latest_change()
    counts = await store.papers.upsert(papers(3), at=now + timedelta(hours=1))
    assert counts.unchanged == 3
    assert await store.papers.latest_change() == latest
    assert await store.papers.changes_since(latest, limit=10) == []


async def test_changes_come_in_pages_of_the_limit(store: Store, now: datetime) -> None:
    await store.papers.upsert(papers(7), at=now)
    seen: list[str] = []
    last = 0
    while page := await store.papers.changes_since(last, limit=3):
        assert len(page) <= 3
        seen += [paper.id for _, paper in page]
        last = page[-1][0]
    assert seen == [paper.id for paper in papers(7)]


async def test_two_processes_writing_papers_at_once_number_every_change_once(
    store: Store, other: Store, now: datetime
) -> None:
    batches = [papers(20, prefix=f"24{n:02d}") for n in range(8)]
    await asyncio.gather(
        *(
            (store if n % 2 else other).papers.upsert(batch, at=now)
            for n, batch in enumerate(batches)
        )
    )
    changes = await store.papers.changes_since(0, limit=1000)
    sequences = [seq for seq, _ in changes]
    assert len(changes) == 160
    assert len(set(sequences)) == 160
    assert sequences == sorted(sequences)


async def test_a_lease_has_one_holder_until_it_expires(store: Store, now: datetime) -> None:
    leases = store.leases
    assert await leases.try_acquire("ingest", "a", now=now, ttl=TTL)
    assert not await leases.try_acquire("ingest", "b", now=now + TTL / 2, ttl=TTL)
    assert await leases.try_acquire("ingest", "a", now=now + TTL / 2, ttl=TTL)  # ours: renewed
    assert await leases.holder("ingest", now=now + TTL) == "a"
    assert await leases.renew("ingest", "a", now=now + TTL, ttl=TTL)
    later = now + 3 * TTL  # "a" stopped renewing
    assert await leases.holder("ingest", now=later) is None
    assert await leases.try_acquire("ingest", "b", now=later, ttl=TTL)
    assert not await leases.renew("ingest", "a", now=later, ttl=TTL)
    await leases.release("ingest", "a")  # not a's any more: nothing happens
    assert await leases.holder("ingest", now=later) == "b"
    await leases.release("ingest", "b")
    assert await leases.try_acquire("ingest", "a", now=later, ttl=TTL)
    assert await leases.try_acquire("catch-up", "b", now=later, ttl=TTL)  # another name


async def test_of_two_processes_asking_for_a_free_lease_at_once_exactly_one_gets_it(
    store: Store, other: Store, now: datetime
) -> None:
    for attempt in range(5):
        name = f"ingest {attempt}"
        got = await asyncio.gather(
            store.leases.try_acquire(name, "a", now=now, ttl=TTL),
            other.leases.try_acquire(name, "b", now=now, ttl=TTL),
        )
        assert sorted(got) == [False, True]


async def test_a_digest_run_another_process_holds_is_not_taken(
    store: Store, other: Store, now: datetime
) -> None:
    mine = await store.digest_runs.claim(CHANNEL, DAY, at=now)
    theirs = await other.digest_runs.claim(CHANNEL, DAY, at=now + timedelta(minutes=1))
    assert mine.status == "claimed"
    assert theirs.held_elsewhere
    again = await store.digest_runs.claim(CHANNEL, DAY, at=now + timedelta(minutes=2))
    assert again.status == "claimed"  # the holder itself resumes its run


async def test_a_digest_run_whose_lease_expired_is_taken_over_and_resumed(
    store: Store, other: Store, now: datetime
) -> None:
    await store.digest_runs.claim(CHANNEL, DAY, at=now)
    await store.digest_runs.set_header(CHANNEL, DAY, "header-1")
    taken = await other.digest_runs.claim(CHANNEL, DAY, at=now + CLAIM_LEASE)
    assert taken.status == "claimed"
    assert taken.header_id == "header-1"  # resumed where it stopped
    back = await store.digest_runs.claim(CHANNEL, DAY, at=now + CLAIM_LEASE)
    assert back.held_elsewhere


async def test_of_a_stalled_holder_and_the_replica_that_took_over_only_one_posts_the_header(
    store: Store, other: Store, now: datetime
) -> None:
    """A replica that stalled past its lease still believes it holds the run; the one
    that took it over too. Whichever asks first takes the header's turn, the other none,
    so the channel never gets the digest's first message twice."""
    await store.digest_runs.claim(CHANNEL, DAY, at=now)
    await other.digest_runs.claim(CHANNEL, DAY, at=now + CLAIM_LEASE)
    got = await asyncio.gather(
        store.digest_runs.begin_header(CHANNEL, DAY), other.digest_runs.begin_header(CHANNEL, DAY)
    )
    assert sorted(got) == [False, True]
    # Posting it failed for certain: the header's turn is free again, for one caller.
    await other.digest_runs.set_header(CHANNEL, DAY, None)
    assert await store.digest_runs.begin_header(CHANNEL, DAY)
    assert not await other.digest_runs.begin_header(CHANNEL, DAY)


async def test_a_digest_run_held_by_a_process_that_exited_is_taken_at_once(
    store_location: Path | str, store: Store, now: datetime
) -> None:
    finished = await asyncio.create_subprocess_exec("true")
    await finished.wait()
    location = parse_location(store_location) if isinstance(store_location, str) else store_location
    dead_holder = f"{socket.gethostname()}/{finished.pid}/0000"
    async with await Store.open(location, holder=dead_holder) as killed:
        await killed.digest_runs.claim(CHANNEL, DAY, at=now)
    run = await store.digest_runs.claim(CHANNEL, DAY, at=now + timedelta(seconds=5))
    assert run.status == "claimed"


async def test_a_finished_digest_run_is_never_claimed_again(
    store: Store, other: Store, now: datetime
) -> None:
    await store.digest_runs.claim(CHANNEL, DAY, at=now)
    await store.digest_runs.finish(CHANNEL, DAY, status="done", at=now)
    run = await other.digest_runs.claim(CHANNEL, DAY, at=now + 2 * CLAIM_LEASE)
    assert run.finished


async def test_of_two_processes_claiming_a_digest_run_at_once_exactly_one_gets_it(
    store: Store, other: Store, now: datetime
) -> None:
    for n in range(5):
        channel = dataclasses.replace(CHANNEL, channel=f"C{n}")
        runs = await asyncio.gather(
            store.digest_runs.claim(channel, DAY, at=now),
            other.digest_runs.claim(channel, DAY, at=now),
        )
        assert sorted(run.status for run in runs) == ["claimed", "held"]


async def test_of_two_processes_claiming_a_preview_at_once_exactly_one_posts(
    store: Store, other: Store, now: datetime
) -> None:
    for n in range(5):
        channel = dataclasses.replace(CHANNEL, channel=f"C{n}")
        claims = await asyncio.gather(
            store.previews.claim(channel, at=now, cooldown=timedelta(minutes=5)),
            other.previews.claim(channel, at=now, cooldown=timedelta(minutes=5)),
        )
        assert sorted(claim is None for claim in claims) == [False, True]


async def test_a_renewed_digest_claim_holds_and_a_lost_one_cannot_be_renewed(
    store: Store, other: Store, now: datetime
) -> None:
    lease = timedelta(minutes=1)
    await store.digest_runs.claim(CHANNEL, DAY, at=now, lease=lease)
    assert await store.digest_runs.renew(CHANNEL, DAY, at=now + lease / 2, lease=lease)
    held = await other.digest_runs.claim(CHANNEL, DAY, at=now + lease, lease=lease)
    assert held.held_elsewhere  # renewed: it holds until 1.5 leases
    assert not await other.digest_runs.renew(CHANNEL, DAY, at=now + lease, lease=lease)
    taken = await other.digest_runs.claim(CHANNEL, DAY, at=now + 2 * lease, lease=lease)
    assert taken.status == "claimed"
    assert not await store.digest_runs.renew(CHANNEL, DAY, at=now + 2 * lease, lease=lease)


async def test_a_released_digest_claim_is_taken_at_once_and_a_finished_one_never(
    store: Store, other: Store, now: datetime
) -> None:
    await store.digest_runs.claim(CHANNEL, DAY, at=now)
    await other.digest_runs.release(CHANNEL, DAY)  # not other's: nothing happens
    assert (await other.digest_runs.claim(CHANNEL, DAY, at=now)).held_elsewhere
    await store.digest_runs.release(CHANNEL, DAY)
    assert (await other.digest_runs.claim(CHANNEL, DAY, at=now)).status == "claimed"
    await other.digest_runs.finish(CHANNEL, DAY, status="done", at=now)
    await other.digest_runs.release(CHANNEL, DAY)
    assert (await store.digest_runs.claim(CHANNEL, DAY, at=now)).finished
