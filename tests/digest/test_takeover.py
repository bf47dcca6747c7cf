"""Replicas sharing one store share each digest: one posts it, the others watch, and a
replica that dies half-way is taken over where it stopped: every paper exactly once, in
order. On SQLite and PostgreSQL; time is a controllable clock, never a wall-clock wait."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from paperboy.core.library import Library
from paperboy.core.ports import PostFailed
from paperboy.digest.service import DigestService
from paperboy.store import Store
from tests.digest.replicas import (
    LEASE,
    FakeTime,
    library,
    open_replica,
    replica,
    replica_a,
    replica_b,
    time,
)
from tests.digest.test_service import ADMIN, CHANNEL, DAY, Pauses, Poster, runner_log
from tests.specs import spec
from tests.store.conftest import migrated_template, store_location

# The fixtures this module takes from others.
__all__ = ["library", "migrated_template", "replica_a", "replica_b", "store_location", "time"]

RENEWAL = LEASE / 3  # how often the holder renews it
LOOK = LEASE / 4  # how often a replica watching a run another holds looks at it again
WATCHING = "digest for slack:T1/C1 on 2025-03-13 is being posted by another process; watching it"
EXPECTED = ["2503.00001", "2503.00002", "2503.00003", "2503.00004", "2503.00005"]


async def started_half_way(
    store: Store, library: Library, time: FakeTime
) -> tuple[DigestService, Poster, Pauses, asyncio.Task[None]]:
    """Replica A subscribed the channel and is posting its digest: the header and two
    papers are out, and it waits for the channel's turn for the third."""
    poster = Poster()
    pauses = Pauses(poster, free=2)
    digests = replica(store, library, poster, time, pacing_sleep=pauses)
    await digests.subscribe(ADMIN, spec("09:00 UTC"))
    running = asyncio.create_task(digests.run_for_day(CHANNEL, DAY))
    await poster.until(lambda: pauses.pausing == 1)
    await time.until(lambda: time.sleeping == 1)  # its claim's renewal
    assert poster.papers(CHANNEL) == EXPECTED[:2]
    return digests, poster, pauses, running


async def watching(
    store: Store, library: Library, time: FakeTime, *, sleeping: int
) -> tuple[Poster, asyncio.Task[None]]:
    """Replica B's job fires for the same digest: it finds the run held, and watches."""
    poster = Poster()
    running = asyncio.create_task(replica(store, library, poster, time).run_for_day(CHANNEL, DAY))
    await time.until(lambda: time.sleeping == sleeping)
    return poster, running


async def run_status(store: Store) -> str | None:
    """The stored status of the channel's run for the day ("claimed", "done"…)."""
    run = await store.digest_runs.run(CHANNEL, DAY)
    return None if run is None else run.status


async def kill(task: asyncio.Task[None]) -> None:
    """As SIGKILL would: nothing of the replica runs any more, nothing is cleaned up."""
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_replica_killed_mid_digest_is_taken_over_once_its_lease_expires(
    replica_a: Store,
    replica_b: Store,
    library: Library,
    time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="paperboy.digest.runner")
    _, poster_a, _, running_a = await started_half_way(replica_a, library, time)
    poster_b, running_b = await watching(replica_b, library, time, sleeping=2)

    # While A lives it renews its claim: B, looking every quarter lease, takes nothing.
    for _ in range(12):
        assert time.sleeping_for(LOOK.total_seconds()) == 1
        time.advance(LOOK)
        await time.until(lambda: time.sleeping == 2)
    assert poster_b.sent == {}

    await kill(running_a)
    killed_at = time.now
    # B looks every quarter lease until A's lease has run out, then takes the run over.
    while time.sleeping_for(RENEWAL.total_seconds()) == 0:
        assert time.now - killed_at < 2 * LEASE
        assert poster_b.sent == {}
        time.advance(LEASE / 4)
        await time.until(lambda: time.sleeping == 1)
    assert time.now - killed_at >= LEASE * 2 / 3  # A renewed a third of a lease before dying
    await running_b

    assert poster_a.headers(CHANNEL)
    assert not poster_b.headers(CHANNEL)
    assert poster_a.papers(CHANNEL) + poster_b.papers(CHANNEL) == EXPECTED
    assert poster_b.papers(CHANNEL) == EXPECTED[2:]
    assert await replica_a.digest_items.items(CHANNEL, DAY) == [(p, "sent") for p in EXPECTED]
    assert await run_status(replica_a) == "done"
    assert runner_log(caplog) == [
        WATCHING,
        "digest for slack:T1/C1 on 2025-03-13: the process posting it stopped; resuming it",
        "digest for slack:T1/C1 on 2025-03-13 posted: 5 papers",
    ]


async def test_a_replica_killed_before_it_renewed_its_claim_is_taken_over_within_the_lease(
    replica_a: Store, replica_b: Store, library: Library, time: FakeTime
) -> None:
    """The first claim holds for the configured lease, not the store's longer default."""
    *_, running_a = await started_half_way(replica_a, library, time)
    await kill(running_a)  # before its first renewal
    poster_b, running_b = await watching(replica_b, library, time, sleeping=1)
    for _ in range(4):  # B looks every quarter lease: the fourth look finds it expired
        assert poster_b.sent == {}
        time.advance(LOOK)
        await time.until(lambda: running_b.done() or time.sleeping == 1)
    assert time.sleeping_for(LOOK.total_seconds()) == 0  # B watches no more
    await running_b
    assert poster_b.papers(CHANNEL) == EXPECTED[2:]


async def test_a_replica_killed_right_after_taking_a_digest_over_is_taken_over_in_turn(
    store_location: Path | str,
    replica_a: Store,
    replica_b: Store,
    library: Library,
    time: FakeTime,
) -> None:
    """A claim taken over holds for the configured lease too, not the store's default."""
    *_, running_a = await started_half_way(replica_a, library, time)
    await kill(running_a)
    poster_b = Poster()
    stalled = Pauses(poster_b, free=0)  # B's second turn never comes
    running_b = asyncio.create_task(
        replica(replica_b, library, poster_b, time, pacing_sleep=stalled).run_for_day(CHANNEL, DAY)
    )
    await time.until(lambda: time.sleeping == 1)
    for _ in range(4):
        time.advance(LOOK)
        await asyncio.sleep(0)
        await time.until(lambda: time.sleeping == 1)
    await poster_b.until(lambda: stalled.pausing == 1)  # B took it over, and stalls
    await kill(running_b)  # before its first renewal
    async with await open_replica(store_location, "replica-c/1/cccc") as replica_c:
        poster_c, running_c = await watching(replica_c, library, time, sleeping=1)
        for _ in range(4):
            assert poster_c.sent == {}
            time.advance(LOOK)
            await time.until(lambda: running_c.done() or time.sleeping == 1)
        assert time.sleeping_for(LOOK.total_seconds()) == 0  # C watches no more
        await running_c
    assert poster_b.papers(CHANNEL) + poster_c.papers(CHANNEL) == EXPECTED[2:]


async def test_a_paper_another_replica_sent_meanwhile_is_left_out_and_the_digest_ends(
    replica_a: Store, replica_b: Store, library: Library, time: FakeTime
) -> None:
    """A sends the day's digest while B (late, the next day's) sends the same channel
    the papers A has yet to: A leaves those out, and its digest is done."""
    _, poster_a, pauses, running_a = await started_half_way(replica_a, library, time)
    poster_b = Poster()
    await replica(replica_b, library, poster_b, time).run_for_day(CHANNEL, DAY + timedelta(days=1))
    assert poster_b.papers(CHANNEL)[:3] == EXPECTED[2:]
    pauses.release()
    await running_a
    assert poster_a.papers(CHANNEL) == EXPECTED[:2]
    assert await run_status(replica_a) == "done"


async def test_a_digest_held_by_an_exited_process_of_this_host_is_resumed_at_once(
    store_location: Path | str, replica_b: Store, library: Library, time: FakeTime
) -> None:
    """Killed and restarted on the same host (or another replica there): no waiting for
    the dead process's lease."""
    finished = await asyncio.create_subprocess_exec("true")
    await finished.wait()
    dead = f"{socket.gethostname()}/{finished.pid}/0000"
    async with await open_replica(store_location, dead) as replica_dead:
        _, poster_a, _, running_a = await started_half_way(replica_dead, library, time)
        await kill(running_a)
    poster_b = Poster()
    await replica(replica_b, library, poster_b, time).run_for_day(CHANNEL, DAY)
    assert poster_a.papers(CHANNEL) + poster_b.papers(CHANNEL) == EXPECTED
    assert not poster_b.headers(CHANNEL)


async def test_a_replica_stopping_mid_digest_hands_it_over_at_once(
    replica_a: Store, replica_b: Store, library: Library, time: FakeTime
) -> None:
    digests_a, poster_a, _pauses, running_a = await started_half_way(replica_a, library, time)
    poster_b, running_b = await watching(replica_b, library, time, sleeping=2)
    await digests_a.drain(0.2)  # its turn never comes in time: it stops between papers
    # It ends once it has released its claim: within the drain's last 0.05 s on an idle
    # machine, but not always under load (the mutation run's stats failed on it).
    await asyncio.wait_for(running_a, timeout=10)
    time.advance(LEASE / 4)  # B's next look, long before A's lease would have expired
    await running_b
    assert poster_a.papers(CHANNEL) + poster_b.papers(CHANNEL) == EXPECTED


async def test_a_replica_watching_a_digest_that_another_finishes_posts_nothing(
    replica_a: Store,
    replica_b: Store,
    library: Library,
    time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, poster_a, pauses, running_a = await started_half_way(replica_a, library, time)
    caplog.set_level(logging.INFO, logger="paperboy.digest.runner")
    poster_b, running_b = await watching(replica_b, library, time, sleeping=2)
    pauses.release()
    await running_a
    time.advance(LEASE / 4)
    await running_b
    assert poster_a.papers(CHANNEL) == EXPECTED
    assert poster_b.sent == {}
    assert runner_log(caplog) == [
        WATCHING,
        "digest for slack:T1/C1 on 2025-03-13 posted: 5 papers",  # by A
        "digest for slack:T1/C1 on 2025-03-13: the other process finished it",
    ]


async def test_a_replica_watching_a_digest_that_another_gives_up_on_posts_nothing(
    replica_a: Store,
    replica_b: Store,
    library: Library,
    time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A run its holder gave up as failed is left to the next start's catch-up."""
    _, poster_a, pauses, running_a = await started_half_way(replica_a, library, time)
    caplog.set_level(logging.INFO, logger="paperboy.digest.runner")
    poster_b, running_b = await watching(replica_b, library, time, sleeping=2)
    poster_a.fail[CHANNEL] = PostFailed("channel_not_found", permanent=True)
    pauses.release()
    await running_a
    time.advance(LEASE / 4)
    await running_b
    assert poster_b.sent == {}
    assert runner_log(caplog) == [
        WATCHING,
        "digest for slack:T1/C1 on 2025-03-13 failed (channel_not_found); attempt 1",  # A
        "digest for slack:T1/C1 on 2025-03-13: the other process ended it",
    ]


async def test_a_replica_that_finds_the_digest_held_spends_no_turn_of_its_pacing(
    replica_a: Store, replica_b: Store, library: Library, time: FakeTime
) -> None:
    """Every replica's job fires for every channel due; the turns of a replica's pacing
    (its posts a second) go to the runs it posts, not to the ones another holds: with
    200 channels due at once, those turns were a third of each replica's."""
    _, _, pauses, running_a = await started_half_way(replica_a, library, time)
    digests_b = replica(replica_b, library, Poster(), time)
    pacing = digests_b.publisher.pacing
    turns = 0
    take_turn = pacing.turn

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal turns
        turns += 1
        return take_turn(*args, **kwargs)

    pacing.turn = counted  # type: ignore[method-assign]
    running_b = asyncio.create_task(digests_b.run_for_day(CHANNEL, DAY))
    await time.until(lambda: time.sleeping == 2)  # B watches the run A holds
    pauses.release()
    await running_a
    time.advance(LEASE / 4)
    await running_b
    assert turns == 0


async def test_a_replica_stops_watching_when_it_is_stopping(
    replica_a: Store, replica_b: Store, library: Library, time: FakeTime
) -> None:
    *_, running_a = await started_half_way(replica_a, library, time)
    poster_b = Poster()
    digests_b = replica(replica_b, library, poster_b, time)
    running_b = asyncio.create_task(digests_b.run_for_day(CHANNEL, DAY))
    await time.until(lambda: time.sleeping == 2)
    await digests_b.drain(5)
    assert running_b.done()
    assert poster_b.sent == {}
    await kill(running_a)


class Told(logging.Handler):
    """Sets `event` at the first line logged (a log line is what the test waits for)."""

    def __init__(self) -> None:
        super().__init__()
        self.event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.event.set()


async def test_a_replica_that_lost_its_claim_while_waiting_to_post_the_last_paper_posts_nothing(
    replica_a: Store,
    replica_b: Store,
    library: Library,
    time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A waits for the channel's turn to post its digest's last paper when another
    process takes the run over (A's lease had run out): A neither posts the paper nor
    marks the digest done; the run stays with the other process."""
    poster = Poster()
    pauses = Pauses(poster, free=2)
    digests = replica(replica_a, library, poster, time, pacing_sleep=pauses)
    await digests.subscribe(ADMIN, spec("09:00 UTC papers:3"))
    running = asyncio.create_task(digests.run_for_day(CHANNEL, DAY))
    await poster.until(lambda: pauses.pausing == 1)
    await time.until(lambda: time.sleeping == 1)  # its claim's renewal
    taken = await replica_b.digest_runs.claim(CHANNEL, DAY, at=time.now + LEASE * 2, lease=LEASE)
    assert not taken.held_elsewhere
    caplog.set_level(logging.WARNING, logger="paperboy.digest.runner")
    told = Told()
    logging.getLogger("paperboy.digest.runner").addHandler(told)
    try:
        time.advance(RENEWAL)  # A's renewal finds the run no longer its own
        async with asyncio.timeout(10):
            await told.event.wait()
    finally:
        logging.getLogger("paperboy.digest.runner").removeHandler(told)
    assert runner_log(caplog) == [
        "digest for slack:T1/C1 on 2025-03-13 was taken over by another process; stopping here"
    ]

    pauses.release()
    await running

    assert poster.papers(CHANNEL) == EXPECTED[:2]
    assert await run_status(replica_a) == "claimed"


async def test_a_replica_told_to_stop_as_it_finds_the_digest_held_does_not_watch_it(
    replica_a: Store,
    replica_b: Store,
    library: Library,
    time: FakeTime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    *_, running_a = await started_half_way(replica_a, library, time)
    digests_b = replica(replica_b, library, Poster(), time)
    claim = replica_b.digest_runs.claim
    stopping: list[asyncio.Task[None]] = []
    stop_began = asyncio.Event()

    async def claim_as_the_stop_comes(*args: Any, **kwargs: Any) -> Any:
        found = await claim(*args, **kwargs)
        stopping.append(asyncio.create_task(digests_b.drain(2)))
        await asyncio.sleep(0)  # the stop begins before B reads the answer
        stop_began.set()
        return found

    monkeypatch.setattr(replica_b.digest_runs, "claim", claim_as_the_stop_comes)
    running_b = asyncio.create_task(digests_b.run_for_day(CHANNEL, DAY))
    async with asyncio.timeout(10):
        await stop_began.wait()
    await stopping[0]  # within its 2 s only if B ends

    try:
        assert running_b.done()
        assert time.sleeping == 1  # A's renewal only: B never waited to look again
    finally:
        running_b.cancel()
        await kill(running_a)
