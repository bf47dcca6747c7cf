"""The ingest log, as an operator reads it from the database: for each Daily Papers day,
done or failed, how many papers, how many attempts, the last error (cut short); a day
once done stays done."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from paperboy.store import Store

DAY = date(2025, 3, 13)


async def log_rows(store: Store) -> list[tuple[object, ...]]:
    rows = await store.db.fetchall(
        "SELECT day, status, papers, attempts, error, updated_at FROM ingest_days ORDER BY day"
    )
    return [tuple(row) for row in rows]


async def test_each_attempt_at_a_day_is_counted_with_its_last_error_until_it_is_done(
    store: Store, now: datetime
) -> None:
    log, later, last = store.ingest_log, now + timedelta(hours=1), now + timedelta(hours=2)

    await log.mark_failed(DAY, error="x" * 600, at=now)
    assert await log_rows(store) == [("2025-03-13", "failed", 0, 1, "x" * 500, now.isoformat())]

    await log.mark_failed(DAY, error="Hugging Face did not answer", at=later)
    assert await log_rows(store) == [
        ("2025-03-13", "failed", 0, 2, "Hugging Face did not answer", later.isoformat())
    ]

    await log.mark_done(DAY, papers=7, at=last)
    assert await log_rows(store) == [("2025-03-13", "done", 7, 3, None, last.isoformat())]
    assert await log.done_days(DAY, DAY) == {DAY}


async def test_a_day_once_done_stays_done_with_its_papers(store: Store, now: datetime) -> None:
    log, later = store.ingest_log, now + timedelta(hours=1)
    await log.mark_done(DAY, papers=7, at=now)
    assert await log_rows(store) == [("2025-03-13", "done", 7, 1, None, now.isoformat())]

    await log.mark_failed(DAY, error="refresh failed", at=later)
    await log.mark_done(DAY, papers=9, at=later)

    assert await log_rows(store) == [("2025-03-13", "done", 9, 3, None, later.isoformat())]
    assert await log.done_days(DAY, DAY) == {DAY}


async def test_the_done_days_are_those_of_the_span_inclusive(store: Store, now: datetime) -> None:
    log = store.ingest_log
    for n in range(5):
        await log.mark_done(DAY + timedelta(days=n), papers=n, at=now)
    await log.mark_failed(DAY + timedelta(days=5), error="down", at=now)

    done = await log.done_days(DAY + timedelta(days=1), DAY + timedelta(days=5))

    assert done == {DAY + timedelta(days=n) for n in (1, 2, 3, 4)}
    assert await log.done_days(DAY - timedelta(days=9), DAY - timedelta(days=1)) == set()
