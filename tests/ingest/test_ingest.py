"""Daily Papers days flow into the store and the index, and survive a misbehaving source."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from prometheus_client.parser import text_string_to_metric_families

from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.digest.schedule import DailyTrigger
from paperboy.ops.metrics import PrometheusMetrics
from paperboy.scheduler import Scheduler
from paperboy.sources.daily_papers import DailyPapers
from paperboy.sources.http import RetryPolicy
from paperboy.sources.huggingface import HuggingFaceClient
from paperboy.sources.ingest import BackfillProgress, IngestService
from paperboy.store import Store
from tests.simulators.sources.clock import FakeClock
from tests.simulators.sources.fixtures import hf_item, sample_day
from tests.simulators.sources.servers import PaperSourceSimulator, html_page, status, truncated

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
    library = Library(store.papers, changes=store.changes, index_path=None)
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
    assert (again.stored, again.new, again.updated) == (5, 0, 1)
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


async def test_an_item_beyond_the_bounds_is_skipped_and_the_rest_of_the_day_stored(
    sources: PaperSourceSimulator, ingest: IngestService, store: Store, library: Library
) -> None:
    """A vote count past SQLite's INTEGER used to abort the day's insert with a traceback."""
    items = sample_day(TODAY)
    items[1]["paper"]["upvotes"] = 2**63
    sources.huggingface.set_day(TODAY, items)
    result = await ingest.ingest_day(TODAY)
    assert (result.stored, result.skipped_items, result.error) == (4, 1, None)
    assert await store.papers.get("2503.10002") is None
    assert await store.papers.count() == 4
    assert TODAY in await store.ingest_log.done_days(TODAY, TODAY)
    assert (await search_ids(library, "capacity-aware router"))[0] == "2503.10001"


class UnstorableDay:
    """A Daily Papers source whose one day holds a paper the store cannot take
    (a reader that let it through would be a bug): the port, faked at the boundary."""

    def __init__(self, bad_day: date) -> None:
        self.bad_day = bad_day
        self.fixed = False

    async def daily_papers(self, day: date) -> DailyPapers:
        upvotes = 2**63 if day == self.bad_day and not self.fixed else 5
        paper = Paper(id=f"2503.{day.day:05d}", title="T", abstract="A.", upvotes=upvotes)
        return DailyPapers(day=day, papers=(paper,))


async def test_an_unexpected_error_fails_the_day_never_marks_it_done_and_spares_the_rest(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    bad_day, good_day = TODAY - timedelta(days=1), TODAY
    source = UnstorableDay(bad_day)
    ingest = IngestService(source=source, library=library, ingest_log=store.ingest_log, clock=wall)
    results = await ingest.backfill(bad_day, good_day)
    bad, good = results
    assert bad.error is not None
    assert bad.error.startswith("unexpected OverflowError")
    assert (good.stored, good.error) == (1, None)
    assert await store.ingest_log.done_days(bad_day, good_day) == {good_day}
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        f"ingest {bad_day} failed: {bad.error}"
    ]
    assert all(r.exc_info is None for r in caplog.records if r.levelno >= logging.INFO)
    source.fixed = True
    [retried] = await ingest.backfill(bad_day, good_day)  # the done day is not fetched again
    assert (retried.day, retried.stored, retried.error) == (bad_day, 1, None)


async def test_only_a_stored_day_counts_as_the_sources_last_success(
    sources: PaperSourceSimulator, ingest: IngestService, wall: Clock
) -> None:
    metrics = PrometheusMetrics()
    ingest.metrics = metrics
    sources.huggingface.set_day(TODAY, sample_day(TODAY))
    sources.huggingface.fail_always(status(503))
    await ingest.ingest_day(TODAY)
    assert metrics.last_ingest_success is None
    assert "paperboy_ingest_last_success_timestamp_seconds{" not in metrics.exposition().decode()

    sources.huggingface.clear_faults()
    await ingest.ingest_day(TODAY)
    assert metrics.last_ingest_success == wall()
    (gauge,) = [
        sample
        for family in text_string_to_metric_families(metrics.exposition().decode())
        for sample in family.samples
        if sample.name == "paperboy_ingest_last_success_timestamp_seconds"
    ]
    assert (gauge.labels, gauge.value) == ({"source": "daily_papers"}, wall().timestamp())
