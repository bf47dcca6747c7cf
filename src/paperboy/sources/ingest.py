"""Ingest: Daily Papers days into the library, on schedule, at start-up and on demand.

A day is fetched whole (every page) and written in one transaction, or not at
all: a failure is logged, recorded, and retried by the next run; it never
deletes or downgrades what is stored. An item the reader cannot use is skipped
and counted, the rest of the day is stored; anything unexpected (a bug, a
value the store refuses) fails the day like a source outage, never marks it
done, and never stops the other days. Upvotes grow through the day, so the
recent days are fetched again each time. The papers new to the store reach the
follows the way any process's papers do: the library notes them as new to its
index (core/arrivals.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from paperboy.core.ports import Clock, IngestLog, PaperSink, StoreUnavailable
from paperboy.core.telemetry import NO_METRICS, Metrics
from paperboy.sources.daily_papers import DailyPapers
from paperboy.sources.errors import SourceError

log = logging.getLogger(__name__)

SOURCE = "daily_papers"  # the metrics' name for what this ingests


class DailySource(Protocol):
    async def daily_papers(self, day: date) -> DailyPapers: ...


@dataclass(frozen=True, slots=True)
class DayResult:
    day: date
    stored: int = 0  # papers the day listed, all written: new, updated or unchanged
    new: int = 0
    skipped_items: int = 0
    updated: int = 0
    error: str | None = None
    already_done: bool = False
    new_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BackfillProgress:
    days_done: int
    days_total: int
    papers: int
    errors: int


class IngestService:
    def __init__(
        self,
        *,
        source: DailySource,
        library: PaperSink,
        ingest_log: IngestLog,
        clock: Clock,
        catch_up_days: int = 7,
        recent_days: int = 2,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self.source = source
        self.metrics = metrics
        self.library = library
        self.ingest_log = ingest_log
        self.clock = clock
        self.catch_up_days = catch_up_days
        self.recent_days = recent_days
        self._refresh_lock = asyncio.Lock()
        self._last_refresh: datetime | None = None

    async def ingest_day(self, day: date, *, refresh: bool = True) -> DayResult:
        """Fetch one day and store it; `refresh=False` skips a day already done."""
        async with self.library.gathering():
            return await self._ingest_day(day, refresh=refresh)

    async def _ingest_day(self, day: date, *, refresh: bool = True) -> DayResult:
        if not refresh and day in await self.ingest_log.done_days(day, day):
            return DayResult(day, already_done=True)
        try:
            fetched = await self.source.daily_papers(day)
            counts = await self.library.add_papers(fetched.papers, at=self.clock())
        except SourceError as error:
            log.warning("ingest %s failed: %s", day, error)
            await self.ingest_log.mark_failed(day, error=str(error), at=self.clock())
            return DayResult(day, error=str(error))
        except StoreUnavailable:
            raise  # nothing was written, and recording the failure would fail too
        except Exception as error:
            # A bug, not an outage: one line here (the traceback at debug level, so a
            # terminal never shows one), and the day stays to be retried.
            reason = f"unexpected {type(error).__name__}: {' '.join(str(error).split())[:200]}"
            log.error("ingest %s failed: %s", day, reason)
            log.debug("ingest %s failed", day, exc_info=True)
            await self.ingest_log.mark_failed(day, error=reason, at=self.clock())
            return DayResult(day, error=reason)
        await self.ingest_log.mark_done(day, papers=len(fetched.papers), at=self.clock())
        self.metrics.ingest_succeeded(source=SOURCE, at=self.clock())
        log.info(
            "ingest %s: %d papers (%d new), %d unusable items skipped",
            day,
            len(fetched.papers),
            counts.inserted,
            fetched.skipped,
        )
        return DayResult(
            day,
            len(fetched.papers),
            counts.inserted,
            fetched.skipped,
            updated=counts.updated,
            new_ids=counts.new_ids,
        )

    async def refresh_recent(self) -> list[DayResult]:
        """The daily job: today and the days just before it, fetched again for upvotes."""
        async with self._refresh_lock, self.library.gathering():
            return await self._refresh()

    async def refresh_if_stale(self, max_age: timedelta = timedelta(minutes=30)) -> None:
        """Refresh unless that happened within `max_age`: digests call this first, and
        many channels due at the same minute cause one fetch, not one each."""
        async with self._refresh_lock, self.library.gathering():
            if self._last_refresh is None or self.clock() - self._last_refresh >= max_age:
                await self._refresh()

    async def _refresh(self, *, stop_at_failure: bool = False) -> list[DayResult]:
        today = self.clock().date()
        results = []
        for offset in range(self.recent_days - 1, -1, -1):
            results.append(await self._ingest_day(today - timedelta(days=offset)))
            if stop_at_failure and results[-1].error:
                break
        # Tried, even if it failed: digests due meanwhile do not try again at once.
        self._last_refresh = self.clock()
        return results

    async def catch_up(self) -> list[DayResult]:
        """At start-up and every day: the days missed while the bot or the source was down
        (within `catch_up_days`; days already done are not fetched again), then the recent
        days again for their upvotes.

        One day at a time, and it stops at the first day that fails: a source that is
        down (or a machine that is offline) costs one day's tries, not every day's; the
        days left are fetched by the next run."""
        today = self.clock().date()
        start = today - timedelta(days=self.catch_up_days)
        async with self.library.gathering():
            results = await self.backfill(
                start,
                today - timedelta(days=self.recent_days),
                concurrency=1,
                stop_at_failure=True,
            )
            if not any(result.error for result in results):
                async with self._refresh_lock:
                    results += await self._refresh(stop_at_failure=True)
        return results

    async def backfill(
        self,
        since: date,
        until: date,
        *,
        refresh: bool = False,
        concurrency: int = 2,
        progress: Callable[[BackfillProgress], None] | None = None,
        stop_at_failure: bool = False,
    ) -> list[DayResult]:
        """Every day from `since` to `until` (inclusive), `concurrency` at a time.

        Resumable: days already done are skipped unless `refresh`. With
        `stop_at_failure`, days not yet started when one fails are left for later
        (they get no result)."""
        async with self.library.gathering():
            days = [since + timedelta(days=n) for n in range((until - since).days + 1)]
            if not refresh:
                done = await self.ingest_log.done_days(since, until)
                days = [day for day in days if day not in done]
            results: list[DayResult] = []
            gate = asyncio.Semaphore(max(1, concurrency))

            async def one(day: date) -> None:
                async with gate:
                    if stop_at_failure and any(r.error for r in results):
                        return
                    result = await self._ingest_day(day, refresh=True)
                    results.append(result)
                if progress is not None:
                    progress(
                        BackfillProgress(
                            days_done=len(results),
                            days_total=len(days),
                            papers=sum(r.stored for r in results),
                            errors=sum(1 for r in results if r.error),
                        )
                    )

            await asyncio.gather(*(one(day) for day in days))
            return sorted(results, key=lambda r: r.day)
