"""The paper source down for a day or more, then back: the next daily run fills in every
missed day, and nothing already stored is lost or downgraded meanwhile."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta

import pytest

from paperboy.core.library import Library
from paperboy.sources.http import RetryPolicy
from paperboy.sources.huggingface import HuggingFaceClient
from paperboy.sources.ingest import IngestService
from paperboy.store import Store
from tests.simulators.sources.clock import FakeClock
from tests.simulators.sources.fixtures import hf_item
from tests.simulators.sources.servers import PaperSourceSimulator, status

FIRST = date(2025, 3, 10)


class Wall:
    """The service's clock, moved from one morning to the next."""

    def __init__(self) -> None:
        self.now = morning(FIRST)

    def __call__(self) -> datetime:
        return self.now


def morning(day: date) -> datetime:
    return datetime.combine(day, time(6, 30), UTC)  # the daily ingest's time


def day_items(day: date, upvotes: int = 10) -> list[dict[str, object]]:
    return [
        hf_item(
            paper_id=f"2503.{day.day:03d}{n:02d}",
            title=f"Paper {n} of {day}",
            summary=f"Retrieval agents, day {day.day}, number {n}.",
            featured=day,
            upvotes=upvotes,
        )
        for n in range(2)
    ]


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
async def ingest(
    sources: PaperSourceSimulator, store: Store, wall: Wall
) -> AsyncIterator[IngestService]:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    client = HuggingFaceClient(
        sources.huggingface_url,
        retry=RetryPolicy(attempts=2, base_delay=0.0, max_delay=0.0),
        timing=FakeClock().timing(),
    )
    async with client:
        yield IngestService(
            source=client,
            library=library,
            ingest_log=store.ingest_log,
            clock=wall,
            catch_up_days=7,
        )


async def stored(store: Store) -> dict[str, int]:
    """Every stored paper's upvotes, by id."""
    found = await store.papers.get_many(
        [f"2503.{d:03d}{n:02d}" for d in range(1, 32) for n in range(2)]
    )
    return {paper_id: paper.upvotes for paper_id, paper in found.items()}


async def daily_run(ingest: IngestService, wall: Wall, day: date) -> None:
    """What the scheduler runs each morning (App schedules IngestService.catch_up)."""
    wall.now = morning(day)
    await ingest.catch_up()


async def test_a_day_with_the_source_down_is_filled_in_at_the_next_run_and_nothing_is_lost(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store, wall: Wall
) -> None:
    down, back = FIRST + timedelta(days=1), FIRST + timedelta(days=2)
    sources.huggingface.set_day(FIRST, day_items(FIRST, upvotes=30))
    await daily_run(ingest, wall, FIRST)
    before = await stored(store)
    assert len(before) == 2

    sources.huggingface.set_day(down, day_items(down))
    sources.huggingface.fail_always(status(503))
    await daily_run(ingest, wall, down)
    wall.now += timedelta(hours=3)
    await ingest.refresh_if_stale(timedelta(0))  # a digest's refresh later that day fails too
    assert await stored(store) == before  # nothing lost, no upvote downgraded
    assert down not in await store.ingest_log.done_days(down, down)

    sources.huggingface.clear_faults()
    sources.huggingface.set_day(back, day_items(back))
    await daily_run(ingest, wall, back)
    after = await stored(store)
    assert len(after) == 6
    assert {k: after[k] for k in before} == before
    assert await store.ingest_log.done_days(FIRST, back) == {FIRST, down, back}


async def test_several_days_down_are_all_filled_in_at_the_next_run(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store, wall: Wall
) -> None:
    days = [FIRST + timedelta(days=n) for n in range(5)]
    sources.huggingface.set_day(days[0], day_items(days[0]))
    await daily_run(ingest, wall, days[0])
    sources.huggingface.fail_always(status(502))
    for day in days[1:4]:
        sources.huggingface.set_day(day, day_items(day))
        await daily_run(ingest, wall, day)
    assert len(await stored(store)) == 2

    sources.huggingface.clear_faults()
    sources.huggingface.set_day(days[4], day_items(days[4]))
    await daily_run(ingest, wall, days[4])
    assert len(await stored(store)) == 10
    assert await store.ingest_log.done_days(days[0], days[4]) == set(days)


async def test_a_catch_up_with_the_source_down_stops_at_the_first_failed_day(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store, wall: Wall
) -> None:
    """Offline, a start costs one day's tries, not eight days' (7 missed days + the recent
    two): the days left are fetched by the next run, as above."""
    sources.huggingface.fail_always(status(503))
    results = await ingest.catch_up()
    assert [result.day for result in results] == [FIRST - timedelta(days=7)]
    assert results[0].error is not None
    assert len(sources.requests_to("huggingface")) == 2  # that day's two attempts

    sources.huggingface.clear_faults()
    days = [FIRST - timedelta(days=n) for n in range(8)]
    for day in days:
        sources.huggingface.set_day(day, day_items(day))
    wall.now += timedelta(hours=1)  # a restart, back online
    await ingest.catch_up()
    assert await store.ingest_log.done_days(days[-1], FIRST) == set(days)
