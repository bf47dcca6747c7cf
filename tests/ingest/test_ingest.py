"""Daily Papers days flow into the store and the index, and survive a misbehaving source."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from paperboy.core.library import Library
from paperboy.digest.schedule import DailyTrigger
from paperboy.scheduler import Scheduler
from paperboy.sources.http import RetryPolicy
from paperboy.sources.huggingface import HuggingFaceClient
from paperboy.sources.ingest import BackfillProgress, IngestService
from paperboy.store import Store
from tests.fakes.paper_fixtures import hf_item, sample_day
from tests.fakes.paper_sources import PaperSourceSimulator, html_page, status, truncated
from tests.fakes.source_clock import FakeClock

TODAY = date(2025, 3, 13)


class Clock:
    """A settable wall clock for the service."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall() -> Clock:
    return Clock(datetime(2025, 3, 13, 7, 0, tzinfo=UTC))


@pytest.fixture
async def library(store: Store) -> Library:
    library = Library(store.papers, index_path=None)
    await library.open()
    return library


@pytest.fixture
async def ingest(
    sources: PaperSourceSimulator, store: Store, library: Library, wall: Clock
) -> AsyncIterator[IngestService]:
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
            catch_up_days=3,
        )


async def search_ids(library: Library, query: str) -> list[str]:
    return [hit.paper_id for hit in await library.search(query, limit=5)]


async def test_a_day_is_stored_with_every_field_and_is_searchable_at_once(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store, library: Library
) -> None:
    sources.huggingface.set_day(TODAY, sample_day(TODAY))
    result = await ingest.ingest_day(TODAY)
    assert (result.stored, result.new, result.error) == (5, 5, None)
    paper = await store.papers.get("2503.10001")
    assert paper is not None
    assert paper.title == "Sparse Mixture-of-Experts Routing without Load Balancing Losses"
    assert paper.authors == ("Mei Tanaka", "Jonas Berg", "Priya Raman")
    assert paper.featured == TODAY
    assert paper.upvotes == 42
    assert paper.github_url == "https://github.com/example/sparse-moe-router"
    assert (await search_ids(library, "capacity-aware router"))[0] == "2503.10001"


async def test_a_later_fetch_updates_upvotes_without_duplicating(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store
) -> None:
    sources.huggingface.set_day(TODAY, sample_day(TODAY))
    await ingest.ingest_day(TODAY)
    later = sample_day(TODAY)
    later[1]["paper"]["upvotes"] = 99
    sources.huggingface.set_day(TODAY, later)
    again = await ingest.ingest_day(TODAY)
    assert (again.stored, again.new) == (5, 0)
    assert await store.papers.count() == 5
    paper = await store.papers.get("2503.10002")
    assert paper is not None
    assert paper.upvotes == 99


@pytest.mark.parametrize("fault", [status(503), truncated(), html_page()])
async def test_a_failing_day_writes_nothing_is_recorded_and_the_next_run_retries_it(
    sources: PaperSourceSimulator,
    ingest: IngestService,
    store: Store,
    fault: object,
) -> None:
    sources.huggingface.set_day(TODAY, sample_day(TODAY))
    sources.huggingface.fail_always(fault)  # type: ignore[arg-type]
    result = await ingest.ingest_day(TODAY)
    assert result.error is not None
    assert await store.papers.count() == 0
    assert TODAY not in await store.ingest_log.done_days(TODAY, TODAY)
    sources.huggingface.clear_faults()
    assert (await ingest.ingest_day(TODAY, refresh=False)).stored == 5


async def test_a_source_down_never_deletes_or_downgrades_what_is_stored(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store
) -> None:
    sources.huggingface.set_day(TODAY, sample_day(TODAY))
    await ingest.ingest_day(TODAY)
    sources.huggingface.fail_always(status(500))
    await ingest.ingest_day(TODAY)
    paper = await store.papers.get("2503.10001")
    assert paper is not None
    assert paper.upvotes == 42
    assert TODAY in await store.ingest_log.done_days(TODAY, TODAY)


async def test_an_empty_day_is_complete_with_no_papers(ingest: IngestService, store: Store) -> None:
    result = await ingest.ingest_day(TODAY - timedelta(days=2))
    assert (result.stored, result.error) == (0, None)
    assert await store.ingest_log.done_days(TODAY - timedelta(days=2), TODAY) == {
        TODAY - timedelta(days=2)
    }


async def test_reingesting_the_same_day_is_idempotent(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store
) -> None:
    sources.huggingface.set_day(TODAY, sample_day(TODAY))
    for _ in range(3):
        await ingest.ingest_day(TODAY)
    assert await store.papers.count() == 5


async def test_backfill_resumes_and_skips_complete_days_unless_refreshed(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store
) -> None:
    days = [TODAY - timedelta(days=n) for n in range(4)]
    for day in days:
        sources.huggingface.set_day(
            day, [hf_item(paper_id=f"2503.{day.day:05d}", title="T", summary="S", featured=day)]
        )
    sources.huggingface.fail_always(status(500))
    interrupted = await ingest.backfill(days[-1], TODAY)
    assert all(r.error for r in interrupted)
    sources.huggingface.clear_faults()
    seen: list[BackfillProgress] = []
    first = await ingest.backfill(days[-1], TODAY, progress=seen.append)
    assert [r.day for r in first] == sorted(days)
    assert seen[-1] == BackfillProgress(days_done=4, days_total=4, papers=4, errors=0)
    requests_before = len(sources.requests_to("huggingface"))
    assert await ingest.backfill(days[-1], TODAY) == []  # all complete: nothing fetched
    assert len(sources.requests_to("huggingface")) == requests_before
    assert len(await ingest.backfill(days[-1], TODAY, refresh=True)) == 4


async def test_catch_up_fills_the_days_missed_while_down_within_the_lookback(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store
) -> None:
    for n in range(6):
        day = TODAY - timedelta(days=n)
        sources.huggingface.set_day(
            day, [hf_item(paper_id=f"2503.{n + 1:05d}", title="T", summary="S", featured=day)]
        )
    await ingest.catch_up()
    done = await store.ingest_log.done_days(TODAY - timedelta(days=10), TODAY)
    assert done == {TODAY - timedelta(days=n) for n in range(4)}  # 3-day lookback + today


async def test_refresh_if_stale_fetches_once_for_many_callers(
    sources: PaperSourceSimulator, ingest: IngestService, wall: Clock
) -> None:
    await asyncio.gather(*(ingest.refresh_if_stale() for _ in range(10)))
    assert len(sources.requests_to("huggingface")) == 2  # today and yesterday, once
    wall.now += timedelta(hours=1)
    await ingest.refresh_if_stale()
    assert len(sources.requests_to("huggingface")) == 4


async def test_the_scheduled_daily_job_runs_the_ingest_at_its_time(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store, wall: Clock
) -> None:
    """The real AsyncIOScheduler with our daily trigger, set a moment ahead."""
    real_now = datetime.now(UTC)
    wall.now = real_now
    sources.huggingface.set_day(real_now.date(), sample_day(real_now.date()))
    soon = (real_now + timedelta(seconds=1)).time().replace(microsecond=0)
    scheduler = Scheduler()
    scheduler.start()
    try:
        scheduler.add(
            "ingest:daily",
            ingest.refresh_recent,
            DailyTrigger(soon, ZoneInfo("UTC")),
            grace=timedelta(minutes=5),
        )
        for _ in range(100):
            if await store.papers.count():
                break
            await asyncio.sleep(0.05)
    finally:
        await scheduler.aclose()
    assert await store.papers.count() == 5
